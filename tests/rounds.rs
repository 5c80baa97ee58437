//! The KV-round bound, `serve::MAX_ROUNDS`, checked over every route × {main host, a
//! publisher's own host} × {current records, the older record forms the worker still reads}:
//! the adapter stops after that many rounds, so a route that needed one more would fail in
//! production and nowhere else.

mod common;

use std::collections::HashMap;

use common::earlier::{earlier_search, lists_as_pages, without_feeds_ahead};
use common::now;
use contract::config::Config;
use serve::http::RequestFacts;
use serve::{respond, Loaded, Outcome, MAX_ROUNDS};

/// The publisher whose own newsroom is served at [`PUBLISHER_HOST`].
const HOSTED: &str = "kymenlaakson-hyvinvointialue";
const PUBLISHER_HOST: &str = "https://uutiset.hyvinvointialue.test";
const MAIN_HOST: &str = "http://127.0.0.1:8787";

/// Two releases a page, so that the seed's seven releases page.
fn config() -> Config {
    Config { page_size: 2, ..Config::default() }
}

/// `content/` with [`HOSTED`] on its own host name, built with [`config`].
fn current() -> HashMap<String, Vec<u8>> {
    common::store_seed_with(&config(), |p| {
        if p.path.ends_with(&format!("{HOSTED}.toml")) {
            p.text = format!("hostnames = [\"uutiset.hyvinvointialue.test\"]\n{}", p.text);
        }
    })
}

/// Every kind of resource, in every representation and parameter that changes its reads.
const PATHS: &[&str] = &[
    "/",
    "/?page=2",
    "/?page=99",
    "/?format=json",
    "/releases/2024-11-27-ohjausneuvottelut",
    "/releases/2024-11-27-ohjausneuvottelut?format=json",
    "/releases/2024-11-27-ohjausneuvottelut?format=md",
    "/releases/2024-11-27-ohjausneuvottelut?lang=sv",
    "/releases/2018-11-30-kymsote-kehitysohjelma",
    "/releases/no-such-release",
    "/publishers/kymenlaakson-hyvinvointialue",
    "/publishers/kymenlaakson-hyvinvointialue?page=2",
    "/publishers/kymenlaakson-hyvinvointialue?page=3&format=json",
    "/publishers/kymenlaakson-hyvinvointialue?page=4",
    "/publishers/kymsote",
    "/keywords",
    "/keywords/sote",
    "/keywords/sote?page=2",
    "/archive",
    "/archive/2025",
    "/archive/2025?page=2",
    "/search",
    "/search?q=hyvinvointialue",
    "/search?q=hyvinvointialue&page=2",
    "/search?q=kymenlaakson+hyvinvointialue&format=json",
    "/search?publisher=kymsote",
    "/search?keyword=sote&year=2025",
    "/search?q=zzzzzz",
    "/feed.xml",
    "/atom.xml",
    "/feed.json",
    "/publishers/kymenlaakson-hyvinvointialue/feed.xml",
    "/publishers/kymsote/atom.xml",
    "/keywords/sote/feed.json",
    "/sitemap.xml",
    "/sitemaps/0.xml",
    "/news-sitemap.xml",
    "/robots.txt",
    "/openapi.json",
    "/healthz",
    "/media/0123456789abcdef.png",
    "/no/such/page",
];

/// Rounds of KV reads `path` takes on `origin` over `kv`, and the final status.
fn rounds(kv: &HashMap<String, Vec<u8>>, origin: &str, path: &str, page_size: usize) -> (usize, u16) {
    let mut req = RequestFacts::get(path, None, now());
    req.origin = origin.to_string();
    req.config = Config { page_size, ..config() };
    let mut loaded = Loaded::default();
    for round in 0..=MAX_ROUNDS + 2 {
        match respond(&req, &loaded) {
            Outcome::Done(response) => return (round, response.status),
            Outcome::Fetch(keys) => {
                assert!(!keys.is_empty(), "{origin}{path}: asked for no keys");
                for key in keys {
                    let value = kv.get(&key).cloned();
                    loaded.insert(key, value);
                }
            }
        }
    }
    panic!("{origin}{path}: still reading after {} rounds", MAX_ROUNDS + 2)
}

#[test]
fn every_route_on_both_hosts_over_every_record_form_stays_within_max_rounds() {
    let current = current();
    let forms = [
        ("current records", current.clone()),
        ("earlier search index and documents", earlier_search(&current)),
        ("no feeds rendered ahead", without_feeds_ahead(&current)),
        ("lists as page records", lists_as_pages(&current)),
        ("every older form", lists_as_pages(&without_feeds_ahead(&earlier_search(&current)))),
    ];
    let mut most = (0, String::new());
    for (form, kv) in &forms {
        for origin in [MAIN_HOST, PUBLISHER_HOST] {
            for path in PATHS {
                let (n, status) = rounds(kv, origin, path, config().page_size);
                assert!(n <= MAX_ROUNDS, "{origin}{path} over {form}: {n} rounds, more than MAX_ROUNDS ({MAX_ROUNDS})");
                assert!(status < 500, "{origin}{path} over {form}: {status}");
                if n > most.0 {
                    most = (n, format!("{origin}{path} over {form}"));
                }
            }
        }
    }
    // The bound is tight: a search on a publisher's host over the earlier documents takes
    // every round (hosts, index, missing snippets, documents). Were it lower, the adapter
    // would cut that request short; were it higher, this names the constant to lower.
    assert_eq!(most.0, MAX_ROUNDS, "the most any request took: {most:?}");
}

#[test]
fn the_paths_reach_every_kind_of_route() {
    use contract::route::{Parsed, Route};
    let kinds: std::collections::BTreeSet<String> = PATHS
        .iter()
        .filter_map(|p| match Route::parse(p.split('?').next().unwrap_or(p)) {
            Parsed::Found(route) => Some(format!("{route:?}").split('(').next().unwrap_or("").to_string()),
            _ => None,
        })
        .collect();
    let expected = [
        "Latest",
        "Release",
        "Publisher",
        "Keywords",
        "Keyword",
        "Archive",
        "Year",
        "Search",
        "Sitemap",
        "SitemapPart",
        "NewsSitemap",
        "Robots",
        "Feed",
        "Media",
        "OpenApi",
        "Health",
    ];
    for kind in expected {
        assert!(kinds.contains(kind), "no path in PATHS reaches Route::{kind}: {kinds:?}");
    }
    assert_eq!(kinds.len(), expected.len(), "a route kind this test does not know: {kinds:?}");
}

/// A worker deployed before the content is rebuilt meets lists as `page:*` records: every
/// page answers as it does from heads and chunks.
#[test]
fn lists_from_page_records_answer_as_from_heads_and_chunks() {
    let current = current();
    let earlier = lists_as_pages(&current);
    assert!(earlier.keys().any(|k| k.starts_with("page:latest:")) && !earlier.keys().any(|k| k.starts_with("list:")));
    for origin in [MAIN_HOST, PUBLISHER_HOST] {
        for path in PATHS {
            for accept in ["text/html", "application/json"] {
                let answer = |kv: &HashMap<String, Vec<u8>>| {
                    let mut req = RequestFacts::get(path, Some(accept), now());
                    req.origin = origin.to_string();
                    req.config = config();
                    serve::respond_with(&req, |k| kv.get(k).cloned()).0
                };
                let (new, old) = (answer(&current), answer(&earlier));
                assert_eq!(new.status, old.status, "{origin}{path} {accept}");
                assert_eq!(new.body, old.body, "{origin}{path} {accept}");
            }
        }
    }
}

/// A worker whose `PAGE_SIZE` differs from the one the content was built with (`/healthz`
/// reports it) still answers every page within the bound, never with a 5xx.
#[test]
fn another_page_size_than_the_builds_stays_within_max_rounds() {
    let current = current();
    for page_size in [1, 3, 5] {
        for origin in [MAIN_HOST, PUBLISHER_HOST] {
            for path in PATHS {
                let (n, status) = rounds(&current, origin, path, page_size);
                assert!(n <= MAX_ROUNDS, "{origin}{path} with PAGE_SIZE={page_size}: {n} rounds");
                assert!(status < 500, "{origin}{path} with PAGE_SIZE={page_size}: {status}");
            }
        }
    }
}
