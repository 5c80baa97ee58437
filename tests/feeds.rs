//! Feeds parsed back by real parsers (`rss`, `atom_syndication`, `feed-rs`): every item
//! present, fields equal to the source releases, times equal as instants.

mod common;

use chrono::{DateTime, FixedOffset};
use common::{seed_site, serve, store, text};
use contract::model::{FeedRecord, ReleaseRecord};
use publish::content::Site;

const SCOPES: [&str; 4] = ["", "/publishers/kymenlaakson-hyvinvointialue", "/publishers/kymsote", "/keywords/sote"];

/// Releases a scope should carry, newest first.
fn expected(site: &Site, scope: &str) -> Vec<String> {
    let mut items: Vec<_> = site
        .releases
        .iter()
        .filter(|r| match scope.split('/').collect::<Vec<_>>().as_slice() {
            ["", "publishers", p] => r.publisher == *p,
            ["", "keywords", k] => r.keywords.iter().any(|kw| kw.slug == *k),
            _ => true,
        })
        .collect();
    items.sort_by_key(|r| std::cmp::Reverse(r.published.at));
    items.iter().map(|r| format!("http://127.0.0.1:8787/releases/{}", r.slug)).collect()
}

fn release(kv: &std::collections::HashMap<String, Vec<u8>>, url: &str) -> ReleaseRecord {
    let slug = url.rsplit('/').next().expect("slug");
    serde_json::from_slice(&kv[&format!("release:{slug}")]).expect("record")
}

fn instant(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).or_else(|_| DateTime::parse_from_rfc2822(s)).expect("a time")
}

#[test]
fn rss_round_trip() {
    let site = seed_site();
    let kv = store(&site);
    for scope in SCOPES {
        let (r, reads) = serve(&kv, &format!("{scope}/feed.xml"), None);
        assert_eq!((r.status, reads), (200, 1), "{scope}");
        assert_eq!(r.header("content-type"), Some("application/rss+xml; charset=utf-8"));
        let channel = rss::Channel::read_from(&r.body[..]).expect("valid RSS");
        assert_eq!(channel.language(), Some("fi"));
        assert_eq!(channel.ttl(), Some("5"));
        let links: Vec<String> = channel.items().iter().filter_map(|i| i.link().map(str::to_string)).collect();
        assert_eq!(links, expected(&site, scope), "{scope}");
        for item in channel.items() {
            let rec = release(&kv, item.link().expect("link"));
            assert_eq!(item.title(), Some(rec.summary.title.as_str()));
            assert_eq!(item.guid().map(|g| (g.value(), g.is_permalink())), Some((item.link().expect("link"), true)));
            assert_eq!(instant(item.pub_date().expect("pubDate")), rec.summary.published.at);
            assert_eq!(item.description(), Some(rec.summary.lead.as_str()));
            let content = item.content().expect("content:encoded");
            if rec.lead_only {
                assert!(content.starts_with("<p>"));
            } else {
                assert_eq!(content.trim_end(), rec.body_html.trim_end(), "parsers may trim the final newline");
            }
            let categories: Vec<&str> = item.categories().iter().map(|c| c.name()).collect();
            let labels: Vec<&str> = rec.keywords.iter().map(|k| k.label.as_str()).collect();
            assert_eq!(categories, labels);
            let creator = item.dublin_core_ext().map(|dc| dc.creators().to_vec());
            assert_eq!(creator, Some(vec![rec.summary.publisher.name.clone()]));
        }
    }
}

#[test]
fn atom_round_trip() {
    let site = seed_site();
    let kv = store(&site);
    for scope in SCOPES {
        let (r, _) = serve(&kv, &format!("{scope}/atom.xml"), None);
        assert_eq!(r.header("content-type"), Some("application/atom+xml; charset=utf-8"));
        let feed = atom_syndication::Feed::read_from(&r.body[..]).expect("valid Atom");
        assert!(feed.links().iter().any(|l| l.rel() == "self" && l.href().ends_with(&format!("{scope}/atom.xml"))));
        let ids: Vec<String> = feed.entries().iter().map(|e| e.id().to_string()).collect();
        assert_eq!(ids, expected(&site, scope), "{scope}");
        for entry in feed.entries() {
            let rec = release(&kv, entry.id());
            assert_eq!(entry.title().as_str(), rec.summary.title);
            assert_eq!(entry.published().copied(), Some(rec.summary.published.at));
            assert_eq!(entry.authors()[0].name(), rec.summary.publisher.name);
            let content = entry.content().and_then(|c| c.value()).expect("content");
            assert!(rec.lead_only || content.trim_end() == rec.body_html.trim_end());
            assert_eq!(entry.summary().map(|s| s.as_str()), Some(rec.summary.lead.as_str()));
        }
    }
}

#[test]
fn json_feed_and_feed_rs_agree() {
    let site = seed_site();
    let kv = store(&site);
    for scope in SCOPES {
        for file in ["feed.xml", "atom.xml", "feed.json"] {
            let (r, _) = serve(&kv, &format!("{scope}/{file}"), None);
            let feed = feed_rs::parser::parse(&r.body[..]).unwrap_or_else(|e| panic!("{scope}/{file}: {e}"));
            let links: Vec<String> = feed.entries.iter().map(|e| e.links[0].href.clone()).collect();
            assert_eq!(links, expected(&site, scope), "{scope}/{file}");
            for e in &feed.entries {
                let rec = release(&kv, &e.links[0].href);
                assert_eq!(e.title.as_ref().map(|t| t.content.as_str()), Some(rec.summary.title.as_str()));
                assert_eq!(e.published.map(|p| p.timestamp()), Some(rec.summary.published.at.timestamp()));
                let body = e.content.as_ref().and_then(|c| c.body.clone()).expect("body");
                assert!(rec.lead_only || body.trim_end() == rec.body_html.trim_end(), "{scope}/{file}");
            }
        }
    }
    let (r, _) = serve(&kv, "/feed.json", None);
    assert_eq!(r.header("content-type"), Some("application/feed+json; charset=utf-8"));
    let v: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON");
    assert_eq!(v["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(v["items"][0]["date_published"], "2025-06-25T10:02:11+03:00");
}

#[test]
fn negotiated_feed_defaults_to_rss() {
    let kv = store(&seed_site());
    let cases = [
        (None, "application/rss+xml"),
        (Some("application/atom+xml"), "application/atom+xml"),
        (Some("application/feed+json"), "application/feed+json"),
    ];
    for (accept, media) in cases {
        let (r, _) = serve(&kv, "/feed", accept);
        assert_eq!(r.header("content-type").map(|c| c.split(';').next().unwrap_or("")), Some(media));
        assert_eq!(r.header("vary"), Some("Accept"));
    }
}

#[test]
fn hostile_titles_round_trip_through_every_format() {
    let mut kv = store(&seed_site());
    let key = "feed:site";
    let mut feed: FeedRecord = serde_json::from_slice(&kv[key]).expect("record");
    let title = "Sote & <talous> \"lainaus\" ’heittomerkki’ 😀 ]]> \u{1}loppu";
    feed.items[0].summary.title = title.to_string();
    feed.items[0].body_html = "<p>a &amp; b</p>".into();
    kv.insert(key.into(), serde_json::to_vec(&feed).expect("JSON"));
    // Rendered ahead from the edited record, as `newsroom build` would.
    let mut renderer = render::feed::ahead::Renderer::default();
    for format in render::feed::ahead::FORMATS {
        let value = renderer.encode(&feed, true, format).expect("renders ahead");
        kv.insert(contract::kv::ahead_feed_key(format, key), value.into_bytes());
    }
    let clean = title.replace('\u{1}', "");
    for ahead in [true, false] {
        for file in ["feed.xml", "atom.xml", "feed.json"] {
            let (r, reads) = serve(&kv, &format!("/{file}"), None);
            assert_eq!(reads, if ahead { 1 } else { 2 });
            let parsed = feed_rs::parser::parse(&r.body[..]).unwrap_or_else(|e| panic!("{file}: {e}\n{}", text(&r)));
            let got = parsed.entries[0].title.as_ref().map(|t| t.content.clone()).expect("title");
            let expected = if file == "feed.json" { title.to_string() } else { clean.clone() };
            assert_eq!(got, expected, "{file}");
        }
        kv.retain(|k, _| k == key || !k.ends_with(key));
    }
}

/// Every feed of the seeds, byte for byte: the rendered-ahead and the rendered-now paths
/// must both keep writing exactly these.
#[test]
fn feed_snapshots() {
    let kv = store(&seed_site());
    for scope in ["", "/publishers/kymsote", "/keywords/sote"] {
        for file in ["feed.xml", "atom.xml", "feed.json"] {
            let path = format!("{scope}/{file}");
            let (r, _) = serve(&kv, &path, None);
            assert_eq!(r.status, 200, "{path}");
            insta::assert_snapshot!(format!("feed{}", path.replace('/', "_")), text(&r));
        }
    }
}

/// Generated releases, some with images, of two publishers.
fn generated_site(releases: usize) -> Site {
    let spec = publish::gen::Spec { releases, publishers: 2, seed: 5, body_bytes: (300, 900) };
    let (publishers, items) = publish::gen::in_memory(&spec);
    publish::content::load_site(&publishers, &items).expect("generated content is valid")
}

/// The build writes each feed record from its items' JSON made once per release: byte for
/// byte what serde writes for the decoded record, for every feed of the seeds and of a
/// generated site (and with a logo: `tests/core.rs`, `logo`).
#[test]
fn feed_records_are_written_as_serde_writes_them() {
    let (seeds, generated) = (store(&seed_site()), store(&generated_site(80)));
    let feeds: Vec<_> = seeds.iter().chain(&generated).filter(|(k, _)| k.starts_with("feed:")).collect();
    assert!(feeds.len() > 6, "site, publisher and keyword feeds");
    for (key, value) in feeds {
        let record: FeedRecord = serde_json::from_slice(value).expect("a feed record");
        assert!(!record.items.is_empty(), "{key}");
        assert_eq!(serde_json::to_vec(&record).expect("serializes"), *value, "{key}");
    }
}

/// A feed answers alike whether its items were rendered ahead (one read) or are rendered
/// from its record (two reads: the rendered record is missing): same status, body and
/// validators, on any origin, with scheduled items and `?limit=`.
#[test]
fn feeds_rendered_ahead_answer_as_feeds_rendered_from_their_records() {
    use serve::http::RequestFacts;
    let site = generated_site(80);
    let ahead = store(&site);
    let from_records: std::collections::HashMap<_, _> = ahead
        .iter()
        .filter(|(k, _)| !["rss:", "atom:", "jsonfeed:"].iter().any(|p| k.starts_with(p)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    assert!(ahead.contains_key("jsonfeed:feed:publisher:gen-1") && ahead.len() > from_records.len());
    let mut times: Vec<_> = site.releases.iter().map(|r| r.published.at.to_utc()).collect();
    times.sort();
    // Now, after every release; and when the newest tenth and the newest half are scheduled.
    let nows = [common::now(), times[times.len() * 9 / 10], times[times.len() / 2]];
    let keyword = &site.releases[0].keywords[0].slug;
    let scopes = [String::new(), "/publishers/gen-1".into(), format!("/keywords/{keyword}")];
    let mut compared = 0;
    for scope in &scopes {
        for file in ["feed.xml", "atom.xml", "feed.json", "feed?limit=3"] {
            for now in nows {
                for origin in ["http://127.0.0.1:8787", "https://uutiset.example.fi"] {
                    let mut req = RequestFacts::get(&format!("{scope}/{file}"), None, now);
                    req.origin = origin.into();
                    let (a, reads_a) = serve::respond_with(&req, |k| ahead.get(k).cloned());
                    let (b, reads_b) = serve::respond_with(&req, |k| from_records.get(k).cloned());
                    let what = format!("{scope}/{file} at {now} on {origin}");
                    // The record costs one more read (another host name also reads the hosts).
                    assert_eq!((a.status, reads_b), (200, reads_a + 1), "{what}");
                    assert_eq!(text(&a), text(&b), "{what}");
                    assert_eq!(a.headers, b.headers, "{what}");
                    assert!(a.log.is_empty(), "{what}: {:?}", a.log);
                    compared += 1;
                }
            }
        }
    }
    assert_eq!(compared, 3 * 4 * 3 * 2);
}

/// A damaged rendered feed is a 500 naming its key; one of another version is passed over
/// for the feed's record.
#[test]
fn a_damaged_rendered_feed_names_its_key_and_another_version_is_passed_over() {
    let mut kv = store(&seed_site());
    let key = "atom:feed:site";
    let good = kv[key].clone();
    let (expected, _) = serve(&kv, "/atom.xml", None);
    let mut cut = good.clone();
    cut.truncate(good.len() - 10);
    kv.insert(key.into(), cut);
    let (r, _) = serve(&kv, "/atom.xml", None);
    assert_eq!(r.status, 500);
    assert!(r.log[0].contains(key) && r.log[0].contains("outside its markup"), "{:?}", r.log);
    kv.insert(key.into(), b"{\"v\":1,\"title\":\"no line of items\"}".to_vec());
    let (r, _) = serve(&kv, "/atom.xml", None);
    assert!(r.status == 500 && r.log[0].contains(key), "{:?}", r.log);

    let newer = String::from_utf8(good).expect("UTF-8").replacen("{\"v\":1,", "{\"v\":2,", 1);
    kv.insert(key.into(), newer.into_bytes());
    let (r, reads) = serve(&kv, "/atom.xml", None);
    assert_eq!((r.status, reads), (200, 2));
    assert_eq!(text(&r), text(&expected));
    assert_eq!(serve(&kv, "/feed.xml", None).1, 1, "other formats unaffected");
}
