//! The pure core end to end, natively: seed content → records → `respond`, with snapshots.

mod common;

use common::{now, seed_site, serve, serve_req, store, text};
use serve::http::RequestFacts;

const PATHS: [&str; 5] = [
    "/",
    "/releases/2024-11-27-ohjausneuvottelut",
    "/releases/2025-06-25-konttisairaala",
    "/releases/2018-11-30-kymsote-kehitysohjelma",
    "/publishers/kymenlaakson-hyvinvointialue",
];

#[test]
fn every_page_costs_at_most_two_kv_reads() {
    let kv = store(&seed_site());
    for path in PATHS.into_iter().chain(["/releases/missing", "/publishers/missing", "/nowhere"]) {
        for accept in [None, Some("application/json")] {
            let (_, reads) = serve(&kv, path, accept);
            assert!(reads <= 2, "{path} {accept:?}: {reads} reads");
        }
    }
    assert_eq!(serve(&kv, "/nowhere", None).1, 0, "unknown paths never touch KV");
}

#[test]
fn html_snapshots() {
    let kv = store(&seed_site());
    for path in PATHS {
        let (r, _) = serve(&kv, path, None);
        assert_eq!(r.status, 200, "{path}");
        let html = String::from_utf8(r.body).expect("UTF-8");
        // One element per line keeps snapshot diffs readable.
        let readable = html.replace("><", ">\n<");
        insta::assert_snapshot!(format!("html{}", path.replace('/', "_")), readable);
    }
}

#[test]
fn json_snapshots() {
    let kv = store(&seed_site());
    for path in PATHS {
        let (r, _) = serve(&kv, path, Some("application/json"));
        let value: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON");
        insta::assert_json_snapshot!(format!("json{}", path.replace('/', "_")), value);
    }
}

#[test]
fn head_and_methods() {
    let kv = store(&seed_site());
    let mut head = RequestFacts::get("/", None, now());
    head.method = "HEAD".into();
    let r = serve_req(&kv, &head);
    assert_eq!((r.status, r.body.len()), (200, 0));
    let mut delete = RequestFacts::get("/", None, now());
    delete.method = "DELETE".into();
    let r = serve_req(&kv, &delete);
    assert_eq!((r.status, r.header("allow")), (405, Some("GET, HEAD, OPTIONS")));
}

#[test]
fn an_empty_kv_serves_an_empty_front_page_and_404s() {
    let kv = Default::default();
    let (r, _) = serve(&kv, "/", None);
    assert_eq!(r.status, 200);
    assert!(String::from_utf8_lossy(&r.body).contains("Ei vielä julkaisuja."));
    assert_eq!(serve(&kv, "/releases/x", None).0.status, 404);
}

#[test]
fn damaged_records_name_their_key_in_the_log_only() {
    let mut kv = store(&seed_site());
    kv.insert("release:2025-06-25-konttisairaala".into(), b"{\"v\":7}".to_vec());
    let (r, _) = serve(&kv, "/releases/2025-06-25-konttisairaala", Some("application/json"));
    assert_eq!(r.status, 500);
    assert!(r.log[0].contains("release:2025-06-25-konttisairaala") && r.log[0].contains("version 7"), "{:?}", r.log);
    assert!(!String::from_utf8_lossy(&r.body).contains("version 7"), "internals stay out of public bodies");
}

/// Rewrites the JSON record at `key` with `edit`.
fn edit_record(
    kv: &mut std::collections::HashMap<String, Vec<u8>>,
    key: &str,
    edit: impl FnOnce(&mut serde_json::Value),
) {
    let mut v: serde_json::Value = serde_json::from_slice(&kv[key]).expect(key);
    edit(&mut v);
    kv.insert(key.into(), serde_json::to_vec(&v).expect("json"));
}

#[test]
fn a_record_missing_a_field_or_too_large_fails_alone_with_its_key_logged() {
    let key = "release:2025-06-25-konttisairaala";
    let mut kv = store(&seed_site());
    edit_record(&mut kv, key, |v| {
        v.as_object_mut().expect("object").remove("title");
    });
    let (r, _) = serve(&kv, "/releases/2025-06-25-konttisairaala", None);
    assert_eq!((r.status, r.header("cache-control")), (500, Some("no-store")));
    assert!(r.log[0].contains(key) && r.log[0].contains("missing field `title`"), "{:?}", r.log);

    let mut huge = kv[key].clone();
    huge.extend(std::iter::repeat_n(b' ', serve::MAX_RECORD_BYTES));
    kv.insert(key.into(), huge);
    let (r, _) = serve(&kv, "/releases/2025-06-25-konttisairaala", Some("application/json"));
    assert_eq!(r.status, 500);
    assert!(r.log[0].contains(key) && r.log[0].contains("more than the"), "{:?}", r.log);
    assert_eq!(serve(&kv, "/releases/2024-11-27-ohjausneuvottelut", None).0.status, 200, "others unaffected");
}

#[test]
fn a_damaged_list_entry_is_left_out_with_a_warning_and_the_rest_is_shown() {
    let mut kv = store(&seed_site());
    // Page 1 is read from the list's head, which holds its newest releases.
    let page = "list:latest";
    let slug_of = |kv: &std::collections::HashMap<String, Vec<u8>>, n: usize| -> String {
        let v: serde_json::Value = serde_json::from_slice(&kv[page]).expect("page");
        v["releases"][n]["slug"].as_str().expect("slug").to_string()
    };
    let (first, second) = (slug_of(&kv, 0), slug_of(&kv, 1));
    edit_record(&mut kv, page, |v| {
        v["releases"][0].as_object_mut().expect("summary").remove("published");
    });
    let (r, _) = serve(&kv, "/", Some("application/json"));
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
    let shown: Vec<&str> = v["releases"].as_array().expect("list").iter().filter_map(|s| s["slug"].as_str()).collect();
    assert!(!shown.contains(&first.as_str()) && shown.contains(&second.as_str()), "{shown:?}");
    assert_eq!(r.log.len(), 1, "{:?}", r.log);
    assert!(
        r.log[0].starts_with("list:latest: left out damaged entry 0") && r.log[0].contains("published"),
        "{:?}",
        r.log
    );

    // The same in a feed rendered from its record (not ahead: see tests/feeds.rs).
    kv.remove("rss:feed:site");
    let items = |r: &serve::http::HttpResponse| rss::Channel::read_from(&r.body[..]).expect("rss").items().len();
    let before = items(&serve(&kv, "/feed.xml", None).0);
    edit_record(&mut kv, "feed:site", |v| v["items"][1]["title"] = serde_json::json!(7));
    let (r, _) = serve(&kv, "/feed.xml", None);
    assert_eq!(r.status, 200);
    assert!(r.log[0].starts_with("feed:site: left out damaged entry 1"), "{:?}", r.log);
    assert_eq!(items(&r), before - 1);
}

#[test]
fn a_listed_release_that_is_missing_answers_404_and_the_list_still_renders() {
    let mut kv = store(&seed_site());
    let gone = "2024-11-27-ohjausneuvottelut";
    kv.remove(&format!("release:{gone}"));
    let (list, _) = serve(&kv, "/", None);
    assert_eq!(list.status, 200);
    assert!(text(&list).contains(&format!("/releases/{gone}")), "the list is denormalised: it still links it");
    let (r, _) = serve(&kv, &format!("/releases/{gone}"), None);
    assert_eq!(r.status, 404, "a clear 404, not a 500");
    assert!(r.log.is_empty());
}

#[test]
fn conditional_requests_answer_304_with_the_same_validators() {
    let kv = store(&seed_site());
    for path in ["/", "/releases/2024-11-27-ohjausneuvottelut", "/feed.xml", "/publishers/kymsote/atom.xml"] {
        let (first, _) = serve(&kv, path, None);
        let etag = first.header("etag").expect("etag").to_string();
        let mut again = RequestFacts::get(path, None, now());
        again.if_none_match = Some(format!("\"nope\", W/{etag}"));
        let r = serve_req(&kv, &again);
        assert_eq!(r.status, 304, "{path}");
        assert!(r.body.is_empty());
        for h in ["etag", "cache-control", "vary", "last-modified"] {
            assert_eq!(r.header(h), first.header(h), "{path} {h}");
        }
        assert_eq!(r.header("content-type"), None);
        // If-Modified-Since alone, at the Last-Modified instant.
        let mut since = RequestFacts::get(path, None, now());
        since.if_modified_since = first.header("last-modified").map(str::to_string);
        assert_eq!(serve_req(&kv, &since).status, 304, "{path}");
        // A stale tag gets the full body.
        let mut stale = RequestFacts::get(path, None, now());
        stale.if_none_match = Some("\"stale\"".into());
        stale.if_modified_since = first.header("last-modified").map(str::to_string);
        assert_eq!(serve_req(&kv, &stale).status, 200, "If-None-Match wins over If-Modified-Since");
    }
}

#[test]
fn representations_have_their_own_etags() {
    let kv = store(&seed_site());
    let path = "/releases/2024-11-27-ohjausneuvottelut";
    let tags: Vec<String> = [None, Some("application/json"), Some("text/markdown")]
        .into_iter()
        .map(|a| serve(&kv, path, a).0.header("etag").expect("etag").to_string())
        .collect();
    assert!(tags[0] != tags[1] && tags[1] != tags[2] && tags[0] != tags[2], "{tags:?}");
}

#[test]
fn markdown_representation() {
    let kv = store(&seed_site());
    let (r, _) = serve(&kv, "/releases/2025-06-23-diagnoositiedot?format=md", None);
    assert_eq!(r.header("content-type"), Some("text/markdown; charset=utf-8"));
    assert_eq!(
        text(&r),
        "# Kymenlaakson hyvinvointialueen THL:lle toimittamat diagnoositiedot eivät ole virheellisiä\n\n\
         Kymenlaakson hyvinvointialue · 23.6.2025 15:25:29 EEST · Tiedote\n\n\
         Terveyden ja hyvinvoinnin laitos (THL) kertoi 17.6.2025 julkaistussa tiedotteessaan havainneensa huomattavia virheitä Kymenlaakson hyvinvointialueen diagnoositiedoissa.\n"
    );
    assert_eq!(serve(&kv, "/?format=md", None).0.status, 400, "lists have no Markdown");
}

#[test]
fn not_acceptable_lists_the_alternatives() {
    let kv = store(&seed_site());
    let (r, reads) = serve(&kv, "/releases/2024-11-27-ohjausneuvottelut", Some("image/png"));
    assert_eq!((r.status, reads), (406, 0));
    let link = r.header("link").expect("Link header");
    for t in ["text/html", "application/json", "text/markdown"] {
        assert!(link.contains(&format!("type=\"{t}\"")) && text(&r).contains(t), "{t}: {link}");
    }
}

#[test]
fn canonical_redirects_and_options() {
    let kv = store(&seed_site());
    let (r, reads) = serve(&kv, "/Releases/2024-11-27-OHJAUSNEUVOTTELUT/?format=json", None);
    assert_eq!((r.status, reads), (308, 0));
    assert_eq!(r.header("location"), Some("/releases/2024-11-27-ohjausneuvottelut?format=json"));
    let mut options = RequestFacts::get("/feed.json", None, now());
    options.method = "OPTIONS".into();
    let r = serve_req(&kv, &options);
    assert_eq!(r.status, 204);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(r.header("access-control-allow-headers").is_some_and(|h| h.contains("If-None-Match")));
    let (json, _) = serve(&kv, "/", Some("application/json"));
    assert_eq!(json.header("access-control-allow-origin"), Some("*"));
    let (html, _) = serve(&kv, "/", None);
    assert_eq!(html.header("access-control-allow-origin"), None);
    assert!(html.header("content-security-policy").is_some_and(|c| c.contains("frame-ancestors 'none'")));
}

#[test]
fn bad_query_values_are_400_in_the_accepted_format() {
    let kv = store(&seed_site());
    for path in
        ["/feed.xml?limit=0", "/feed.xml?limit=51", "/feed.xml?limit=-1", "/feed.json?limit=abc", "/?format=xml"]
    {
        let (r, reads) = serve(&kv, path, Some("application/json"));
        assert_eq!((r.status, reads), (400, 0), "{path}");
        let v: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON error");
        assert_eq!(v["error"]["code"], "bad_request");
    }
    let (r, _) = serve(&kv, "/feed.json?limit=2", None);
    let v: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON Feed");
    assert_eq!(v["items"].as_array().map(Vec::len), Some(2));
}

mod embargo {
    use super::*;
    use chrono::Duration;
    use publish::content::{load_site, SourceFile};

    /// The seed site plus a release scheduled one hour after [`now`].
    fn kv() -> std::collections::HashMap<String, Vec<u8>> {
        let root = common::content_dir();
        let mut releases = common::read_dir(&root.join("releases"), "md");
        let at = (now() + Duration::hours(1)).to_rfc3339();
        let text = format!(
            "+++\ntitle = \"Salainen\"\npublisher = \"kymsote\"\npublished_at = \"{at}\"\nlead = \"Embargoed lead.\"\nkeywords = [\"salainen\", \"sote\"]\n+++\nEmbargoed body.\n"
        );
        releases.push(SourceFile { path: "content/releases/2026-11-23-salainen.md".into(), text });
        let draft = "+++\ntitle = \"Luonnos\"\npublisher = \"kymsote\"\npublished_at = 2020-01-01\nlead = \"Draft lead.\"\ndraft = true\n+++\nDraft body.\n";
        releases.push(SourceFile { path: "content/releases/luonnos.md".into(), text: draft.into() });
        let site = load_site(&common::read_dir(&root.join("publishers"), "toml"), &releases).expect("valid");
        store(&site)
    }

    #[test]
    fn scheduled_and_draft_releases_are_invisible_everywhere() {
        let kv = kv();
        assert!(!kv.contains_key("release:luonnos"), "drafts are never uploaded");
        let paths = [
            "/",
            "/publishers/kymsote",
            "/keywords/sote",
            "/feed.xml",
            "/atom.xml",
            "/feed.json",
            "/publishers/kymsote/feed.xml",
            "/keywords/sote/atom.xml",
            "/releases/2018-11-30-kymsote-kehitysohjelma",
            "/sitemaps/0.xml",
            "/sitemaps/1.xml",
            "/keywords",
        ];
        for path in paths {
            for accept in [None, Some("application/json")] {
                let (r, _) = serve(&kv, path, accept);
                assert_eq!(r.status, 200, "{path}");
                let body = text(&r);
                for secret in ["Salainen", "salainen", "Embargoed", "Luonnos", "Draft"] {
                    assert!(!body.contains(secret), "{path} {accept:?} leaks {secret}");
                }
                let lifetime =
                    common::cache_lifetime(r.header("cache-control"), &format!("{path} {accept:?} ({})", r.status));
                assert!(lifetime <= 3600, "{path}: cached past the embargo ({lifetime}s)");
            }
        }
        let (r, _) = serve(&kv, "/releases/2026-11-23-salainen", Some("application/json"));
        let (missing, _) = serve(&kv, "/releases/no-such-release", Some("application/json"));
        assert_eq!(r.status, 404);
        let masked = |r: &serve::http::HttpResponse, slug: &str| text(r).replace(slug, "SLUG");
        assert_eq!(masked(&r, "2026-11-23-salainen"), masked(&missing, "no-such-release"), "no leak");
        assert_eq!(r.header("cache-control"), missing.header("cache-control"));
        assert_eq!(serve(&kv, "/keywords/salainen", None).0.status, 404);
        for q in ["salainen", "embargoed", "luonnos"] {
            let (r, reads) = serve(&kv, &format!("/search?q={q}"), Some("application/json"));
            let v: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON");
            assert_eq!((v["total"].as_u64(), v["results"].as_array().map(Vec::len)), (Some(0), Some(0)), "{q}");
            let lifetime = common::cache_lifetime(r.header("cache-control"), &format!("/search?q={q}"));
            // Its shard and the delta.
            assert!(lifetime <= 3600 && reads <= 2, "{q}: cached past the embargo ({lifetime}s), or {reads} reads");
        }
        // Even when no record carries its time (more scheduled releases than the window of
        // known times), the scheduled release is never shown: its document says when.
        let mut forgetful = kv.clone();
        for (key, value) in
            forgetful.iter_mut().filter(|(k, _)| k.starts_with("search:shard:") || k.starts_with("search:filter:"))
        {
            let mut v: serde_json::Value = serde_json::from_slice(value).expect(key);
            v.as_object_mut().expect("object").remove("recent");
            *value = serde_json::to_vec(&v).expect("JSON");
        }
        if let Some(value) = forgetful.get_mut(search::delta::DELTA_KEY) {
            let mut v: serde_json::Value = serde_json::from_slice(value).expect("the delta");
            v["times"] = serde_json::json!([]);
            *value = serde_json::to_vec(&v).expect("JSON");
        }
        let (r, _) = serve(&forgetful, "/search?q=salainen", Some("application/json"));
        assert!(!text(&r).contains("Salainen"), "{}", text(&r));
        let v: serde_json::Value =
            serde_json::from_slice(&serve(&kv, "/", Some("application/json")).0.body).expect("JSON");
        assert_eq!(v["total"], 7, "the total does not count the scheduled release");
        let (archive, _) = serve(&kv, "/archive", Some("application/json"));
        assert!(!text(&archive).contains("2026"), "the archive lists a year with only a scheduled release");
        let max_age = archive.header("cache-control").unwrap_or_default();
        assert!(max_age.contains("max-age=3600") || max_age.contains("max-age=60"), "{max_age}");
        let keywords: serde_json::Value =
            serde_json::from_slice(&serve(&kv, "/keywords", Some("application/json")).0.body).expect("JSON");
        let sote = keywords["items"].as_array().and_then(|a| a.iter().find(|k| k["slug"] == "sote")).cloned();
        let public_sote = serve(&store(&seed_site()), "/keywords/sote", Some("application/json")).0;
        let public_sote: serde_json::Value = serde_json::from_slice(&public_sote.body).expect("JSON");
        assert_eq!(sote.map(|k| k["count"].clone()), Some(public_sote["total"].clone()), "scheduled not counted");
    }

    const SECRET: &str = "a test secret of at least 32 bytes!!";

    fn preview(kv: &std::collections::HashMap<String, Vec<u8>>, token: &str) -> serve::http::HttpResponse {
        let mut req = RequestFacts::get(&format!("/releases/2026-11-23-salainen?preview={token}"), None, now());
        req.preview_secret = Some(SECRET.into());
        serve_req(kv, &req)
    }

    #[test]
    fn a_preview_token_shows_the_scheduled_release_privately() {
        let kv = kv();
        let token = contract::preview::sign(SECRET.as_bytes(), "2026-11-23-salainen", now() + Duration::hours(3))
            .expect("signed");
        let r = preview(&kv, &token);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("cache-control"), Some("private, no-store"));
        assert_eq!(r.header("x-robots-tag"), Some("noindex, nofollow"));
        assert!(text(&r).contains("Esikatselu: embargo päättyy"));
        let other = contract::preview::sign(SECRET.as_bytes(), "another", now() + Duration::hours(3)).expect("signed");
        let expired = contract::preview::sign(SECRET.as_bytes(), "2026-11-23-salainen", now()).expect("signed");
        for bad in [other.as_str(), expired.as_str(), "", "1.2"] {
            assert_eq!(preview(&kv, bad).status, 404, "{bad}");
        }
        // Without a secret on the worker no token opens anything.
        let req = RequestFacts::get(&format!("/releases/2026-11-23-salainen?preview={token}"), None, now());
        assert_eq!(serve_req(&kv, &req).status, 404);
        assert_eq!(serve::cache_key(&req), None, "previews bypass the Cache API");
    }

    #[test]
    fn nothing_is_cached_past_the_lift() {
        let kv = kv();
        let soon = now() + Duration::minutes(59) + Duration::seconds(30);
        // The scheduled release lifts at now + 1 h: 30 s after `soon`.
        let paths = [
            "/releases/2026-11-23-salainen",
            "/",
            "/publishers/kymsote",
            "/keywords/salainen",
            "/keywords/sote",
            "/keywords",
            "/archive",
            "/archive/2026",
            "/feed.xml",
            "/atom.xml",
            "/publishers/kymsote/feed.json",
            "/keywords/salainen/feed.xml",
            "/search?q=salainen",
            "/search?q=sote",
            "/news-sitemap.xml",
            "/sitemap.xml",
            "/sitemaps/0.xml",
        ];
        let mut too_long = Vec::new();
        for path in paths {
            for accept in [None, Some("application/json")] {
                let r = serve_req(&kv, &RequestFacts::get(path, accept, soon));
                let lifetime =
                    common::cache_lifetime(r.header("cache-control"), &format!("{path} {accept:?} ({})", r.status));
                if lifetime > 30 {
                    too_long.push(format!("{path} {accept:?} ({}): {lifetime}s", r.status));
                }
            }
        }
        assert!(too_long.is_empty(), "cached past the lift in 30 s: {too_long:#?}");
    }

    #[test]
    fn it_appears_when_the_embargo_lifts() {
        let kv = kv();
        let later = now() + Duration::hours(2);
        let r = serve_req(&kv, &RequestFacts::get("/releases/2026-11-23-salainen", None, later));
        assert_eq!(r.status, 200);
        let feed = serve_req(&kv, &RequestFacts::get("/feed.xml", None, later));
        assert!(text(&feed).contains("Salainen"));
    }
}

mod paging {
    use super::*;
    use publish::content::{load_site, SourceFile};

    /// The seed site plus 43 generated releases of one publisher in 2023 (50 in all).
    fn kv() -> std::collections::HashMap<String, Vec<u8>> {
        let root = common::content_dir();
        let mut releases = common::read_dir(&root.join("releases"), "md");
        for i in 1..=43 {
            let text = format!(
                "+++\ntitle = \"Testi {i}\"\npublisher = \"kymsote\"\npublished_at = 2023-01-{:02}T12:00:00\nlead = \"Testi.\"\n+++\nTesti.\n",
                1 + i % 28
            );
            releases.push(SourceFile { path: format!("content/releases/testi-{i}.md"), text });
        }
        store(&load_site(&common::read_dir(&root.join("publishers"), "toml"), &releases).expect("valid"))
    }

    #[test]
    fn walking_the_next_links_of_250_releases_finds_each_once() {
        let root = common::content_dir();
        let mut releases = common::read_dir(&root.join("releases"), "md");
        for i in 1..=243 {
            // Many share a publication time: the order must still be total and stable.
            let text = format!(
                "+++\ntitle = \"Testi {i}\"\npublisher = \"kymsote\"\npublished_at = 2023-02-{:02}T12:00:00\nlead = \"Testi.\"\n+++\nTesti.\n",
                1 + i % 28
            );
            releases.push(SourceFile { path: format!("content/releases/walk-{i}.md"), text });
        }
        let kv = store(&load_site(&common::read_dir(&root.join("publishers"), "toml"), &releases).expect("valid"));
        let mut seen = std::collections::BTreeSet::new();
        let mut path = "/".to_string();
        let mut pages = 0;
        loop {
            let page = json(&kv, &path);
            pages += 1;
            for r in page["releases"].as_array().expect("releases") {
                assert!(seen.insert(r["slug"].as_str().expect("slug").to_string()), "{} twice", r["slug"]);
            }
            match page["next"].as_str() {
                Some(next) => path = next.trim_start_matches("http://127.0.0.1:8787").to_string(),
                None => break,
            }
        }
        assert_eq!((seen.len(), pages), (250, 13));
    }

    fn json(kv: &std::collections::HashMap<String, Vec<u8>>, path: &str) -> serde_json::Value {
        let (r, reads) = serve(kv, path, Some("application/json"));
        assert_eq!(r.status, 200, "{path}");
        assert!(reads <= 2, "{path}: {reads} reads");
        serde_json::from_slice(&r.body).expect("JSON")
    }

    #[test]
    fn pages_link_to_each_other_and_end() {
        let kv = kv();
        let first = json(&kv, "/");
        assert_eq!((first["total"].as_u64(), first["pages"].as_u64()), (Some(50), Some(3)));
        assert_eq!(first["releases"].as_array().map(Vec::len), Some(20));
        assert_eq!(first["next"], "http://127.0.0.1:8787/?page=2&format=json");
        assert!(first.get("prev").is_none());
        let last = json(&kv, "/?page=3");
        assert_eq!(last["releases"].as_array().map(Vec::len), Some(10));
        assert_eq!(last["prev"], "http://127.0.0.1:8787/?page=2&format=json");
        assert_eq!(last["releases"][9]["title"], "Kymsote tähtää kehitystyöllä Suomen sote-huipuksi");
        assert_eq!(serve(&kv, "/?page=4", None).0.status, 404);
        for bad in ["0", "-1", "abc", "1.5", "+2", "100001", ""] {
            assert_eq!(serve(&kv, &format!("/?page={bad}"), None).0.status, 400, "page={bad}");
        }
        let publisher = json(&kv, "/publishers/kymsote?page=2");
        assert_eq!((publisher["total"].as_u64(), publisher["page"].as_u64()), (Some(44), Some(2)));
        let (html, _) = serve(&kv, "/?page=2", None);
        let links = common::attrs(&common::html(&html), "link[rel=prev], link[rel=next]", "href");
        assert_eq!(links, ["/", "/?page=3"]);
    }

    #[test]
    fn the_archive_lists_years_and_their_releases() {
        let kv = kv();
        let years = json(&kv, "/archive");
        let labels: Vec<&str> =
            years["items"].as_array().expect("items").iter().filter_map(|y| y["label"].as_str()).collect();
        assert_eq!(labels, ["2025", "2024", "2023", "2018"]);
        let y2018 = json(&kv, "/archive/2018");
        assert_eq!(y2018["year"], 2018);
        assert_eq!(y2018["releases"][0]["slug"], "2018-11-30-kymsote-kehitysohjelma");
        assert_eq!(json(&kv, "/archive/2023?page=3")["releases"].as_array().map(Vec::len), Some(3));
        assert_eq!(serve(&kv, "/archive/2019", None).0.status, 404);
    }
}

mod crawlers {
    use super::*;

    fn locs(xml: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
        doc.descendants().filter(|n| n.has_tag_name("loc")).filter_map(|n| n.text().map(str::to_string)).collect()
    }

    #[test]
    fn sitemaps_list_every_page_and_release() {
        let kv = store(&seed_site());
        let (index, reads) = serve(&kv, "/sitemap.xml", None);
        assert_eq!((index.status, reads), (200, 1));
        assert_eq!(index.header("content-type"), Some("application/xml; charset=utf-8"));
        let parts = locs(&text(&index));
        assert_eq!(parts, ["http://127.0.0.1:8787/sitemaps/0.xml", "http://127.0.0.1:8787/sitemaps/1.xml"]);
        let pages = locs(&text(&serve(&kv, "/sitemaps/0.xml", None).0));
        for path in ["/", "/publishers/kymsote", "/keywords/sote", "/archive/2018"] {
            assert!(pages.contains(&format!("http://127.0.0.1:8787{path}")), "{path} in {pages:?}");
        }
        let releases = locs(&text(&serve(&kv, "/sitemaps/1.xml", None).0));
        assert_eq!(releases.len(), 7);
        assert_eq!(serve(&kv, "/sitemaps/2.xml", None).0.status, 404);
    }

    #[test]
    fn news_sitemap_holds_the_last_two_days() {
        let kv = store(&seed_site());
        let mut req = RequestFacts::get("/news-sitemap.xml", None, now());
        assert!(locs(&text(&serve_req(&kv, &req))).is_empty(), "nothing is that recent in the seeds");
        req.now = chrono::DateTime::parse_from_rfc3339("2025-06-26T09:00:00+03:00").expect("time").to_utc();
        let body = text(&serve_req(&kv, &req));
        assert_eq!(locs(&body), ["http://127.0.0.1:8787/releases/2025-06-25-konttisairaala"]);
        assert!(body.contains("<news:publication_date>2025-06-25T10:02:11+03:00</news:publication_date>"));
    }

    #[test]
    fn robots_points_to_the_sitemaps() {
        let kv = store(&seed_site());
        let (r, reads) = serve(&kv, "/robots.txt", None);
        assert_eq!((r.status, reads), (200, 0));
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        assert!(text(&r).contains("Sitemap: http://127.0.0.1:8787/sitemap.xml\n"));
    }

    #[test]
    fn json_ld_and_open_graph_are_safe_and_complete() {
        let mut kv = store(&seed_site());
        let key = "release:2024-11-27-ohjausneuvottelut";
        let mut rec: contract::model::ReleaseRecord = serde_json::from_slice(&kv[key]).expect("record");
        let hostile = "</script><script>alert(1)</script><!-- ”lainaus” & 😀";
        rec.summary.title = hostile.into();
        kv.insert(key.into(), serde_json::to_vec(&rec).expect("JSON"));
        let (r, _) = serve(&kv, "/releases/2024-11-27-ohjausneuvottelut", None);
        let html = text(&r);
        assert!(!html.contains("<script>alert"), "no script injection");
        let doc = scraper::Html::parse_document(&html);
        let sel = scraper::Selector::parse("script[type='application/ld+json']").expect("selector");
        let scripts: Vec<String> = doc.select(&sel).map(|s| s.text().collect()).collect();
        assert_eq!(scripts.len(), 1, "exactly one JSON-LD block, not broken out of");
        let ld: serde_json::Value = serde_json::from_str(&scripts[0]).expect("JSON-LD parses");
        assert_eq!(ld["@type"], "NewsArticle");
        assert_eq!(ld["headline"], hostile);
        assert_eq!(ld["datePublished"], "2024-11-27T00:00:00+02:00");
        assert_eq!(ld["publisher"]["name"], "Kymenlaakson hyvinvointialue");
        assert_eq!(ld["keywords"], serde_json::json!(["ohjausneuvottelut", "hyvinvointialue", "sote"]));
        let og = "meta[property='og:type'], meta[property='article:published_time']";
        assert_eq!(common::attrs(&doc, og, "content"), ["article", "2024-11-27T00:00:00+02:00"]);
    }
}

mod searching {
    use super::*;

    fn json(kv: &std::collections::HashMap<String, Vec<u8>>, path: &str) -> (serde_json::Value, usize) {
        let (r, reads) = serve(kv, path, Some("application/json"));
        assert_eq!(r.status, 200, "{path}: {}", text(&r));
        (serde_json::from_slice(&r.body).expect("JSON"), reads)
    }

    fn slugs(v: &serde_json::Value) -> Vec<String> {
        v["results"]
            .as_array()
            .expect("results")
            .iter()
            .filter_map(|r| r["slug"].as_str().map(str::to_string))
            .collect()
    }

    #[test]
    fn finnish_prefixes_titles_first_then_newest() {
        let kv = store(&seed_site());
        let (v, reads) = json(&kv, "/search?q=hyvinvointialue");
        assert!(reads <= 4, "{reads} reads");
        // Title hits (hyvinvointialueen, hyvinvointialue, hyvinvointialueelta) newest first, then
        // the release that has the word only in its lead.
        let expected = [
            "2025-06-23-diagnoositiedot",
            "2025-06-10-yhteistoimintaneuvottelut",
            "2024-11-27-ohjausneuvottelut",
            "2025-06-16-aluehallituksen-jaostot",
        ];
        let found = slugs(&v);
        assert_eq!(found, expected);
        assert_eq!(v["total"].as_u64(), Some(found.len() as u64));
        assert!(v["results"][1]["title_html"]
            .as_str()
            .unwrap_or("")
            .starts_with("<mark>Hyvinvointialue</mark> aloittaa"));
    }

    #[test]
    fn diacritics_case_and_filters() {
        let kv = store(&seed_site());
        assert_eq!(slugs(&json(&kv, "/search?q=P%C3%84IVYSTYKSISS%C3%84").0), ["2025-06-23-juhannus-paivystyksissa"]);
        assert_eq!(slugs(&json(&kv, "/search?q=paivystyksissa").0), ["2025-06-23-juhannus-paivystyksissa"]);
        assert_eq!(slugs(&json(&kv, "/search?q=sote&publisher=kymsote").0), ["2018-11-30-kymsote-kehitysohjelma"]);
        assert_eq!(slugs(&json(&kv, "/search?year=2018").0), ["2018-11-30-kymsote-kehitysohjelma"]);
        assert_eq!(slugs(&json(&kv, "/search?keyword=ohjausneuvottelut").0), ["2024-11-27-ohjausneuvottelut"]);
        assert_eq!(json(&kv, "/search?q=olematonsana").0["total"], 0);
        // Body text is indexed too (a quote in the ohjausneuvottelut release).
        assert_eq!(slugs(&json(&kv, "/search?q=talousraportoinneissa").0), ["2024-11-27-ohjausneuvottelut"]);
    }

    #[test]
    fn lists_filter_by_type_through_search() {
        let kv = store(&seed_site());
        let publisher = "/publishers/kymsote";
        let (r, reads) = serve(&kv, &format!("{publisher}?type=article"), None);
        assert_eq!((r.status, reads), (302, 0), "decided before any KV read");
        let location = r.header("location").expect("location").to_string();
        assert_eq!(location, "/search?publisher=kymsote&type=artikkeli");
        assert_eq!(slugs(&json(&kv, &location).0), ["2018-11-30-kymsote-kehitysohjelma"]);
        let (r, _) = serve(&kv, "/?type=tiedote&format=json", None);
        let location = r.header("location").expect("location").to_string();
        assert_eq!(location, "/search?type=tiedote&format=json");
        let (v, _) = json(&kv, &location);
        assert_eq!(v["total"], 6, "every seed release but the kymsote article");
        assert!(!slugs(&v).contains(&"2018-11-30-kymsote-kehitysohjelma".to_string()));
        for path in ["/keywords/sote?type=event", "/archive/2025?type=news"] {
            assert_eq!(serve(&kv, path, None).0.status, 302, "{path}");
        }
        let (r, _) = serve(&kv, "/?type=%3Cscript%3E", None);
        assert_eq!(r.status, 400);
        assert!(text(&r).contains("`type` must be one of tiedote, uutinen"), "{}", text(&r));
        assert_eq!(serve(&kv, "/keywords?type=news", None).0.status, 200, "not a list of releases: ignored");

        let (page, _) = serve(&kv, publisher, None);
        let links = common::attrs(&common::html(&page), "nav.filter a", "href");
        assert_eq!(links.len(), 5, "one link per release type");
        assert_eq!(links[2], "/search?publisher=kymsote&type=artikkeli");
    }

    #[test]
    fn the_empty_search_is_a_form_and_bad_input_is_400() {
        let kv = store(&seed_site());
        let (r, reads) = serve(&kv, "/search", None);
        assert_eq!((r.status, reads), (200, 0));
        assert!(text(&r).contains("name=\"q\""));
        for bad in
            ["/search?q=aa+bb+cc+dd+ee+ff", "/search?year=abc", "/search?publisher=%3Cx%3E", "/search?q=sote&page=0"]
        {
            assert_eq!(serve(&kv, bad, None).0.status, 400, "{bad}");
        }
        assert_eq!(serve(&kv, "/search?q=sote&page=9", None).0.status, 404);
        let (html, _) = serve(&kv, "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", None);
        assert!(!text(&html).contains("<script>"), "the query is escaped");
    }

    #[test]
    fn release_types_filter_search_and_accept_english_names() {
        let kv = store(&seed_site());
        let (v, _) = json(&kv, "/search?type=artikkeli");
        assert_eq!(slugs(&v), ["2018-11-30-kymsote-kehitysohjelma"]);
        assert_eq!(v["query"]["type"], "artikkeli");
        let (v, _) = json(&kv, "/search?q=sote&type=article");
        assert_eq!(slugs(&v), ["2018-11-30-kymsote-kehitysohjelma"]);
        let (v, _) = json(&kv, "/search?type=event");
        assert_eq!(v["total"], 0);
        assert_eq!(serve(&kv, "/search?type=memo", None).0.status, 400);
        let (html, _) = serve(&kv, "/search?q=sote&type=artikkeli", None);
        assert!(text(&html).contains("<option value=\"artikkeli\" selected>Artikkeli</option>"), "{}", text(&html));
    }
}

mod lifecycle {
    use super::*;

    #[test]
    fn cache_keys_tell_pages_and_searches_apart() {
        let key = |path: &str| serve::cache_key(&RequestFacts::get(path, None, now()));
        assert_ne!(key("/"), key("/?page=2"));
        assert_eq!(key("/"), key("/?page=1"));
        assert_ne!(key("/search?q=sote"), key("/search?q=talous"));
        assert_ne!(key("/search?q=sote"), key("/search?q=sote&year=2025"));
        assert_eq!(key("/search?q=sote&year=2025"), key("/search?year=2025&q=sote&utm_source=x"));
        assert_eq!(key("/search?q=sote&page=0"), None, "bad requests are not cached");
        assert_ne!(key("/publishers/kymsote/media"), key("/publishers/kymsote/media?page=2"));
        // `/media` is a bank on a publisher's own host: its key keeps the page too.
        assert_ne!(key("/media"), key("/media?page=2"));
    }

    #[test]
    fn a_removed_release_answers_410_and_others_404() {
        let mut kv = store(&seed_site());
        let stub =
            r#"{"v":1,"slug":"poistettu","title":"Poistettu tiedote","publisher":{"slug":"kymsote","name":"Kymsote"}}"#;
        kv.insert("gone:poistettu".into(), stub.as_bytes().to_vec());
        let (r, reads) = serve(&kv, "/releases/poistettu", None);
        assert_eq!((r.status, reads), (410, 2));
        assert!(text(&r).contains("Poistettu tiedote"));
        let (r, _) = serve(&kv, "/releases/poistettu", Some("application/json"));
        let v: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON");
        assert_eq!(v["error"]["code"], "gone");
        assert_eq!(serve(&kv, "/releases/never-was", None).0.status, 404);
    }

    /// `mail:{slug}` is kept only for releases the trigger may still mail (moment within
    /// `golive::WINDOW_HOURS` before the build, or ahead): at 100,000 releases the rest were
    /// gigabytes of mail nobody sends. A publish a day later deletes the one that aged out.
    #[test]
    fn only_releases_the_trigger_may_still_mail_keep_their_mail_record() {
        use publish::build::{build_removing, Removals};
        let site = seed_site();
        let newest =
            site.releases.iter().filter(|r| !r.draft).map(|r| r.published.at.to_utc()).max().expect("a release");
        let build = |now: chrono::DateTime<chrono::Utc>, previous| {
            let removals = Removals { now: Some(now), purge: Vec::new() };
            build_removing(&site, previous, &contract::config::Config::default(), &removals)
        };
        let mail_keys = |records: &publish::build::Records| -> Vec<String> {
            records.indexes.iter().map(|p| p.key.clone()).filter(|k| k.starts_with("mail:")).collect()
        };
        let now = newest + chrono::Duration::hours(1);
        let first = build(now, None);
        let kept = mail_keys(&first);
        let since = now - chrono::Duration::hours(contract::golive::WINDOW_HOURS);
        let expected: Vec<String> = site
            .releases
            .iter()
            .filter(|r| !r.draft && r.published.at.to_utc() > since)
            .map(|r| contract::kv::mail_key(&r.slug))
            .collect();
        assert!(!expected.is_empty() && expected.len() < site.releases.len(), "{expected:?}");
        assert_eq!(kept.len(), expected.len(), "{kept:?}");
        assert!(expected.iter().all(|k| kept.contains(k)), "{kept:?}");
        let manifest: publish::manifest::Manifest =
            serde_json::from_str(&first.manifest[0].value).expect("the manifest");
        let later = build(newest + chrono::Duration::hours(contract::golive::WINDOW_HOURS + 1), Some(&manifest));
        assert!(mail_keys(&later).is_empty());
        assert!(kept.iter().all(|k| later.changes.deletions.contains(k)), "{:?}", later.changes.deletions);
        // Without a time (reproducible builds), every release keeps its mail record.
        let every = publish::build::build(&site, None);
        assert_eq!(mail_keys(&every).len(), site.releases.iter().filter(|r| !r.draft).count());
    }

    #[test]
    fn a_correction_note_is_shown_and_changes_the_etag() {
        let root = common::content_dir();
        let publishers = common::read_dir(&root.join("publishers"), "toml");
        let mut releases = common::read_dir(&root.join("releases"), "md");
        let before = store(&publish::content::load_site(&publishers, &releases).expect("valid"));
        let full = releases.iter_mut().find(|f| f.path.ends_with("2024-11-27-ohjausneuvottelut.md")).expect("seed");
        // Top-level keys go first: the front matter ends with `[[contacts]]` tables.
        full.text = full.text.replacen(
            "+++\n",
            "+++\nupdated_at = 2024-11-28T09:00:00\ncorrection = \"Test fixture: a corrected date.\"\n",
            1,
        );
        let after = store(&publish::content::load_site(&publishers, &releases).expect("valid"));
        let path = "/releases/2024-11-27-ohjausneuvottelut";
        let (old, new) = (serve(&before, path, None).0, serve(&after, path, None).0);
        assert!(text(&new).contains("Korjaus: </strong>Test fixture: a corrected date."), "{}", text(&new));
        assert!(text(&new).contains("Päivitetty"));
        assert_ne!(old.header("etag"), new.header("etag"));
        let v: serde_json::Value =
            serde_json::from_slice(&serve(&after, path, Some("application/json")).0.body).expect("JSON");
        assert_eq!(v["correction"], "Test fixture: a corrected date.");
        assert_eq!(v["updated_at"], "2024-11-28T09:00:00+02:00");
    }
}

mod languages {
    use super::*;
    use publish::content::{load_site, Diagnostic, SourceFile};

    const FI: &str = "2024-11-27-ohjausneuvottelut";

    /// The seed site plus test translations (clearly fixtures, never in content/).
    fn load(extra: &[(&str, &str)]) -> Result<publish::content::Site, Vec<Diagnostic>> {
        let root = common::content_dir();
        let mut releases = common::read_dir(&root.join("releases"), "md");
        for (slug, front) in extra {
            let text = format!("+++\npublisher = \"kymenlaakson-hyvinvointialue\"\npublished_at = 2024-11-27\nlead = \"Test fixture.\"\n{front}\n+++\nTest fixture.\n");
            releases.push(SourceFile { path: format!("content/releases/{slug}.md"), text });
        }
        load_site(&common::read_dir(&root.join("publishers"), "toml"), &releases)
    }

    #[test]
    fn a_releases_mail_record_names_its_language_for_embargo_notices() {
        let site = load(&[("fixture-sv", "title = \"Testfixtur på svenska\"\nlanguage = \"sv\"")]).expect("valid");
        let kv = store(&site);
        let lang_of = |slug: &str| {
            let bytes = kv.get(&contract::kv::mail_key(slug)).unwrap_or_else(|| panic!("mail:{slug}"));
            serde_json::from_slice::<contract::model::MailRecord>(bytes).expect("a mail record").lang
        };
        assert_eq!(lang_of("fixture-sv").as_deref(), Some("sv"));
        assert_eq!(lang_of(FI).as_deref(), Some("fi"));
    }

    #[test]
    fn translations_link_each_other_both_ways() {
        let site = load(&[
            ("fixture-sv", "title = \"Testfixtur på svenska\"\nlanguage = \"sv\"\ntranslations = [\"2024-11-27-ohjausneuvottelut\"]"),
            ("fixture-en", "title = \"Test fixture in English\"\nlanguage = \"en\"\ntranslations = [\"fixture-sv\"]"),
        ])
        .expect("valid");
        let kv = store(&site);
        let (fi, _) = serve(&kv, &format!("/releases/{FI}"), None);
        let page = common::html(&fi);
        let hreflangs = common::attrs(&page, "link[rel=alternate][hreflang]", "hreflang");
        assert_eq!(hreflangs, ["fi", "sv"], "the Finnish page names itself and its Swedish translation");
        let links = common::attrs(&page, "nav.translations a", "href");
        assert_eq!(links, ["/releases/fixture-sv?lang=sv"], "an explicit choice, kept over Accept-Language");

        let (sv, _) = serve(&kv, "/releases/fixture-sv", Some("application/json"));
        let v: serde_json::Value = serde_json::from_slice(&sv.body).expect("JSON");
        let langs: Vec<_> =
            v["translations"].as_array().expect("array").iter().map(|t| t["language"].clone()).collect();
        assert_eq!(langs, ["en", "fi"]);
        assert_eq!(sv.header("content-language"), Some("sv"));
        let (sv_html, _) = serve(&kv, "/releases/fixture-sv", None);
        assert!(text(&sv_html).contains(">27.11.2024</time>"));
        assert!(text(&sv_html).contains("<html lang=\"sv\""));
        let (en_html, _) = serve(&kv, "/releases/fixture-en", None);
        assert!(text(&en_html).contains(">27 November 2024</time>"), "{}", text(&en_html));
        assert!(text(&en_html).contains("In other languages"));
    }

    #[test]
    fn lang_picks_a_translation() {
        let site = load(&[(
            "fixture-sv",
            "title = \"Testfixtur\"\nlanguage = \"sv\"\ntranslations = [\"2024-11-27-ohjausneuvottelut\"]",
        )])
        .expect("valid");
        let kv = store(&site);
        let (r, _) = serve(&kv, &format!("/releases/{FI}?lang=sv"), None);
        assert_eq!((r.status, r.header("location")), (302, Some("/releases/fixture-sv")));
        assert_eq!(serve(&kv, &format!("/releases/{FI}?lang=fi"), None).0.status, 200);
        assert_eq!(serve(&kv, &format!("/releases/{FI}?lang=de"), None).0.status, 200, "no German: this page");
        assert_eq!(serve(&kv, &format!("/releases/{FI}?lang=%3Cx%3E"), None).0.status, 400);
        let key = serve::cache_key(&RequestFacts::get(&format!("/releases/{FI}?lang=sv"), None, now()));
        assert!(key.is_some_and(|k| k.ends_with("&lang=sv")), "each explicit choice is its own cache entry");
    }

    #[test]
    fn accept_language_picks_a_translation_for_browsers() {
        let site = load(&[
            ("fixture-sv", "title = \"Testfixtur\"\nlanguage = \"sv\"\ntranslations = [\"2024-11-27-ohjausneuvottelut\"]"),
            ("fixture-en", "title = \"Test fixture\"\nlanguage = \"en\"\ntranslations = [\"fixture-sv\", \"2024-11-27-ohjausneuvottelut\"]"),
        ])
        .expect("valid");
        let kv = store(&site);
        let ask = |path: &str, languages: &str, accept: Option<&str>| {
            let mut req = RequestFacts::get(path, accept, now());
            req.accept_language = Some(languages.into());
            (serve_req(&kv, &req), serve::cache_key(&req))
        };
        let fi = format!("/releases/{FI}");
        let (r, _) = ask(&fi, "sv-FI, fi;q=0.8", None);
        assert_eq!((r.status, r.header("location")), (302, Some("/releases/fixture-sv")));
        assert_eq!(r.header("vary"), Some("Accept, Accept-Language"));
        let (r, _) = ask(&fi, "de, en;q=0.5", None);
        assert_eq!(r.header("location"), Some("/releases/fixture-en"), "the reader's first language we have");
        for (languages, why) in
            [("fi, sv", "the page's own language comes first"), ("de", "no translation in German"), ("", "no header")]
        {
            let (r, _) = ask(&fi, languages, None);
            assert_eq!(r.status, 200, "{why}");
            assert_eq!(r.header("vary"), Some("Accept, Accept-Language"));
        }
        let (r, _) = ask("/releases/fixture-sv?lang=sv", "fi", None);
        assert_eq!(r.status, 200, "the switcher's explicit choice wins");
        let (r, _) = ask(&fi, "sv", Some("application/json"));
        assert_eq!((r.status, r.header("vary")), (200, Some("Accept")), "machines get the URL they asked for");
        let (_, sv_key) = ask(&fi, "sv, fi", None);
        let (_, fi_key) = ask(&fi, "fi, sv", None);
        assert_ne!(sv_key, fi_key, "a cached page never reaches a reader who would be sent elsewhere");
        let (_, plain_key) = ask(&fi, "", None);
        assert_eq!(plain_key, serve::cache_key(&RequestFacts::get(&fi, None, now())));
    }

    #[test]
    fn bad_translations_are_reported_with_their_line() {
        let errors = load(&[
            ("fixture-missing", "title = \"T\"\nlanguage = \"sv\"\ntranslations = [\"no-such-release\"]"),
            ("fixture-same", "title = \"T\"\ntranslations = [\"2024-11-27-ohjausneuvottelut\"]"),
            ("fixture-self", "title = \"T\"\nlanguage = \"en\"\ntranslations = [\"fixture-self\"]"),
        ])
        .expect_err("invalid");
        let shown: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            shown,
            [
                "content/releases/fixture-missing.md:7: translation `no-such-release` is not a release in content/releases: if you removed it, delete `no-such-release` from `translations` here too (the link goes both ways, so no file may name it)",
                "content/releases/fixture-same.md:6: translation `2024-11-27-ohjausneuvottelut` is in the same language (`fi`) as this release",
                "content/releases/fixture-self.md:7: `translations` names this release itself (`fixture-self`)",
            ]
        );
    }
}

mod media {
    use super::*;
    use publish::content::{load_site_with_media, Diagnostic, Site, SourceFile, SourceMedia};

    /// A small camera photo with GPS, serial number and artist in its EXIF.
    fn photo() -> Vec<u8> {
        publish::photo::sample::camera_jpeg(64, 48, 1, 1)
    }

    /// The site as `newsroom check` sees it: parsed, then its photos processed.
    fn load(front: &str, media: &[(&str, &[u8])]) -> Result<Site, Vec<Diagnostic>> {
        let root = common::content_dir();
        let mut releases = common::read_dir(&root.join("releases"), "md");
        let text = format!("+++\ntitle = \"Test fixture with media\"\npublisher = \"kymsote\"\npublished_at = 2019-01-02\nlead = \"Test fixture.\"\n{front}\n+++\nTest fixture.\n");
        releases.push(SourceFile { path: "content/releases/fixture-media.md".into(), text });
        let media: Vec<SourceMedia> = media
            .iter()
            .map(|(name, data)| SourceMedia {
                path: format!("content/media/{name}"),
                name: name.to_string(),
                data: data.to_vec(),
                unread: None,
                video: None,
            })
            .collect();
        let mut site = load_site_with_media(&common::read_dir(&root.join("publishers"), "toml"), &releases, &media)?;
        publish::photo::process_site(&mut site)?;
        Ok(site)
    }

    const GOOD: &str = "[[images]]\nfile = \"kuvat/kuva.jpg\"\nalt = \"Testikuva\"\ncaption = \"Kuvateksti\"\ncredit = \"Kuva: Testi\"\n\n[[attachments]]\nfile = \"liite.pdf\"\ntitle = \"Liite\"";

    #[test]
    fn photos_are_served_stripped_in_renditions_and_enclosed_and_attachments_as_they_are() {
        let source = photo();
        let site = load(GOOD, &[("kuvat/kuva.jpg", &source), ("liite.pdf", b"%PDF-1.4 test"), ("unused.png", b"x")])
            .expect("valid");
        let kv = store(&site);
        let image = site.releases.iter().find(|r| r.slug == "fixture-media").expect("release").images[0].clone();
        for never in ["unused.png", "kuvat/kuva.jpg"] {
            let key = contract::media::key(
                &contract::media::store(never, site.media[never].data.clone()).expect("named").media.name,
            );
            assert!(!kv.contains_key(&key), "{never}: unused files and the publisher's own photos stay home");
        }
        assert_eq!((image.width, image.height, image.renditions.len()), (64, 48, 2), "one width: the photo's own");

        let (r, reads) = serve(&kv, &image.media.path(), None);
        assert_eq!((r.status, reads), (200, 1));
        assert!(exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&r.body)).is_err(), "no EXIF");
        assert_eq!(r.header("content-type"), Some("image/jpeg"));
        assert_eq!(r.header("cache-control"), Some("public, max-age=31536000, immutable"));
        assert!(r.header("etag").is_some() && r.header("content-language").is_none());
        assert_eq!(serve(&kv, "/media/0123456789abcdef.png", None).0.status, 404);
        assert_eq!(serve(&kv, "/media/..%2Fx.png", None).0.status, 404);

        let (page, _) = serve(&kv, "/releases/fixture-media", None);
        let doc = scraper::Html::parse_document(&text(&page));
        let sel = |css: &str| scraper::Selector::parse(css).expect("selector");
        let img = doc.select(&sel("figure picture img")).next().expect("figure");
        let jpeg = &image.renditions[1].media;
        assert_eq!(
            (img.value().attr("src"), img.value().attr("alt"), img.value().attr("width"), img.value().attr("height")),
            (Some(jpeg.path().as_str()), Some("Testikuva"), Some("64"), Some("48"))
        );
        assert_eq!(img.value().attr("srcset"), Some(format!("{} 64w", jpeg.path()).as_str()));
        let webp = doc.select(&sel("figure picture source")).next().expect("source");
        assert_eq!(webp.value().attr("type"), Some("image/webp"));
        let caption: String = doc.select(&sel("figcaption")).flat_map(|e| e.text()).collect();
        assert!(caption.starts_with("Kuvateksti Kuva: Testi Lataa täysikokoinen (64 × 48, "), "{caption}");
        let download = doc.select(&sel("figcaption a.download")).next().expect("download");
        assert_eq!(
            (download.value().attr("href"), download.value().attr("download")),
            (Some(image.media.path().as_str()), Some("kuva.jpg"))
        );
        let og = doc.select(&sel("meta[property='og:image']")).next().and_then(|e| e.value().attr("content"));
        let share = image.share.as_ref().expect("share");
        assert_eq!(og, Some(format!("http://127.0.0.1:8787{}", share.media.path()).as_str()));
        assert!(text(&page).contains("(PDF, 13 B)"), "{}", text(&page));
        let ld =
            doc.select(&sel("script[type='application/ld+json']")).next().map(|e| e.inner_html()).expect("JSON-LD");
        let ld: serde_json::Value = serde_json::from_str(&ld).expect("JSON-LD");
        assert_eq!(ld["image"][0]["contentUrl"], format!("http://127.0.0.1:8787{}", image.media.path()));
        assert_eq!(ld["image"][0]["acquireLicensePage"], "http://127.0.0.1:8787/publishers/kymsote/media");
        assert_eq!(ld["image"][0]["creditText"], "Kuva: Testi");

        let v: serde_json::Value =
            serde_json::from_slice(&serve(&kv, "/releases/fixture-media", Some("application/json")).0.body)
                .expect("JSON");
        assert_eq!((v["images"][0]["alt"].as_str(), v["images"][0]["width"].as_u64()), (Some("Testikuva"), Some(64)));
        assert_eq!(v["images"][0]["renditions"][0]["content_type"], "image/webp");
        assert_eq!(v["attachments"][0]["content_type"], "application/pdf");

        let rss = rss::Channel::read_from(&serve(&kv, "/publishers/kymsote/feed.xml", None).0.body[..]).expect("RSS");
        let item = rss.items().iter().find(|i| i.title() == Some("Test fixture with media")).expect("item");
        let enclosure = item.enclosure().expect("enclosure");
        assert_eq!(enclosure.url(), format!("http://127.0.0.1:8787{}", jpeg.path()));
        assert_eq!((enclosure.mime_type(), enclosure.length()), ("image/jpeg", jpeg.bytes.to_string().as_str()));
        let atom = atom_syndication::Feed::read_from(&serve(&kv, "/publishers/kymsote/atom.xml", None).0.body[..])
            .expect("Atom");
        let entry = atom.entries().iter().find(|e| e.title().as_str() == "Test fixture with media").expect("entry");
        assert_eq!(entry.links().iter().filter(|l| l.rel() == "enclosure").count(), 2);
        let jf: serde_json::Value =
            serde_json::from_slice(&serve(&kv, "/publishers/kymsote/feed.json", None).0.body).expect("JSON");
        let item = jf["items"]
            .as_array()
            .and_then(|a| a.iter().find(|i| i["title"] == "Test fixture with media"))
            .expect("item");
        assert_eq!(item["attachments"].as_array().map(Vec::len), Some(2));
        let sitemap = text(&serve(&kv, "/sitemaps/1.xml", None).0);
        assert!(sitemap.contains(&format!("<image:loc>http://127.0.0.1:8787{}</image:loc>", jpeg.path())), "{sitemap}");

        // The media bank: the release with its photo and attachment, as HTML and JSON.
        let (bank, reads) = serve(&kv, "/publishers/kymsote/media", None);
        assert_eq!((bank.status, reads), (200, 2));
        let bank = scraper::Html::parse_document(&text(&bank));
        let alts: Vec<&str> = bank.select(&sel("figure img")).filter_map(|e| e.value().attr("alt")).collect();
        assert_eq!(alts, ["Testikuva"]);
        let (bank, _) = serve(&kv, "/publishers/kymsote/media", Some("application/json"));
        let bank: serde_json::Value = serde_json::from_slice(&bank.body).expect("JSON");
        assert_eq!(bank["releases"][0]["slug"], "fixture-media");
        assert_eq!(bank["releases"][0]["attachments"][0]["title"], "Liite");
    }

    #[test]
    fn check_refuses_missing_alt_missing_files_wrong_types_and_unusable_photos() {
        let cases = [
            ("[[images]]\nfile = \"kuva.jpg\"", "the first image: missing `alt`"),
            (
                "[[images]]\nfile = \"nowhere.png\"\nalt = \"A\"",
                "the first image: `nowhere.png` is not in content/media/",
            ),
            ("[[images]]\nfile = \"liite.pdf\"\nalt = \"A\"", "the first image: `liite.pdf` is not an image"),
            ("[[images]]\nfile = \"evil.svg\"\nalt = \"A\"", "the first image: `evil.svg` is not an image"),
            (
                "[[images]]\nfile = \"IMG_1234.HEIC\"\nalt = \"A\"",
                "is a HEIC/HEIF photo, which browsers cannot show: save it as JPEG",
            ),
            (
                "[[images]]\nfile = \"rikki.jpg\"\nalt = \"A\"",
                "`rikki.jpg` cannot be read as a JPEG, PNG, WebP or GIF image",
            ),
            ("[[attachments]]\nfile = \"kuva.jpg\"\ntitle = \"T\"", "the first attachment: `kuva.jpg` is not a PDF"),
            (
                "[[images]]\nfile = \"kuva.jpg\"\nalt = \"A\"\ncredits = \"x\"",
                ":9: the first image: unknown field `credits` (did you mean `credit`?)",
            ),
            // A misspelt required field is said once, at the line written, not as missing.
            (
                "[[images]]\nfile = \"kuva.jpg\"\nalt_text = \"A\"",
                ":8: the first image: unknown field `alt_text` (did you mean `alt`?)",
            ),
            (
                "[[images]]\nfile = \"kuva.jpg\"\nkuvaus = \"A\"",
                ":8: the first image: unknown field `kuvaus` (did you mean `alt`?)",
            ),
            (
                "[[images]]\nfile = \"kuva.jpg\"\nalt = \"A\"\nkuvaaja = \"Kuva: X\"",
                ":9: the first image: unknown field `kuvaaja` (did you mean `credit`?)",
            ),
            (
                "[[images]]\nfile = \"kuva.jpg\"\nalt = \"A\"\n\n[[images]]\nfile = \"kuva.jpg\"\nalt = \"\"",
                ":12: the second image: `alt` is empty",
            ),
            (
                "[[images]]\nfile = \"kuva.jpg\"\nalt = \"A\"\nlicense_url = \"https://example.fi/ehdot\"",
                ":9: the first image: `license_url` needs `license`",
            ),
        ];
        let photo = photo();
        let files: [(&str, &[u8]); 5] = [
            ("kuva.jpg", &photo),
            ("liite.pdf", b"%PDF"),
            ("evil.svg", b"<svg onload=alert(1)>"),
            ("IMG_1234.HEIC", b"....ftypheic...."),
            ("rikki.jpg", b"not a photo at all"),
        ];
        for (front, wanted) in cases {
            let errors = load(front, &files).expect_err(front);
            let shown: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
            assert_eq!(shown.len(), 1, "{shown:?}");
            let line = if wanted.starts_with(':') { "" } else { ":6: " };
            assert!(shown[0].starts_with(&format!("content/releases/fixture-media.md{line}")), "{shown:?}");
            assert!(shown[0].contains(wanted), "{shown:?} should say {wanted}");
        }
        // Files no release names block nothing, whatever they are.
        let strays: [(&str, &[u8]); 4] =
            [("evil.svg", b"<svg>"), (".DS_Store", b"\0\0\0\x01Bud1"), ("Thumbs.db", b"x"), ("rikki.jpg", b"no")];
        load("", &strays).unwrap_or_else(|e| panic!("{e:?}"));
    }
}

mod logo {
    use super::*;
    use publish::content::{load_site_with_media, SourceMedia};

    #[test]
    fn a_publisher_logo_shows_on_its_page_in_json_ld_and_in_its_feeds() {
        let root = common::content_dir();
        let mut publishers = common::read_dir(&root.join("publishers"), "toml");
        let kymsote = publishers.iter_mut().find(|p| p.path.ends_with("kymsote.toml")).expect("seed");
        kymsote.text = format!("logo = \"logo.png\"\n{}", kymsote.text);
        let mut png = Vec::new();
        let pixels = image::RgbaImage::from_fn(64, 64, |x, y| image::Rgba([x as u8 * 4, y as u8 * 4, 120, 255]));
        image::DynamicImage::ImageRgba8(pixels)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("a PNG");
        let media = [SourceMedia {
            path: "content/media/logo.png".into(),
            name: "logo.png".into(),
            data: png,
            unread: None,
            video: None,
        }];
        let mut site =
            load_site_with_media(&publishers, &common::read_dir(&root.join("releases"), "md"), &media).expect("valid");
        publish::photo::process_site(&mut site).expect("a logo");
        assert!(site.photo_warnings.is_empty(), "a logo is not too small for print: {:?}", site.photo_warnings);
        let kv = store(&site);
        let processed = site.publishers["kymsote"].logo.clone().expect("logo");
        let stored = &kv["feed:publisher:kymsote"];
        let record: contract::model::FeedRecord = serde_json::from_slice(stored).expect("a feed record");
        assert!(record.logo.is_some());
        assert_eq!(serde_json::to_vec(&record).expect("serializes"), *stored, "written as serde writes it");
        let logo = format!("http://127.0.0.1:8787{}", processed.path());
        assert!(text(&serve(&kv, "/publishers/kymsote", None).0).contains(&format!("src=\"{}\"", processed.path())));
        assert_eq!(serve(&kv, &processed.path(), None).0.status, 200, "the logo is uploaded");
        let rss = rss::Channel::read_from(&serve(&kv, "/publishers/kymsote/feed.xml", None).0.body[..]).expect("RSS");
        assert_eq!(rss.image().map(|i| i.url()), Some(logo.as_str()));
        let atom = atom_syndication::Feed::read_from(&serve(&kv, "/publishers/kymsote/atom.xml", None).0.body[..])
            .expect("Atom");
        assert_eq!(atom.logo(), Some(logo.as_str()));
        let jf: serde_json::Value =
            serde_json::from_slice(&serve(&kv, "/publishers/kymsote/feed.json", None).0.body).expect("JSON");
        assert_eq!(jf["icon"], logo.as_str());
        let page = text(&serve(&kv, "/releases/2018-11-30-kymsote-kehitysohjelma", None).0);
        assert!(page.contains(&format!("\"logo\":\"{logo}\"")), "JSON-LD publisher logo");
        assert!(rss::Channel::read_from(&serve(&kv, "/feed.xml", None).0.body[..]).expect("RSS").image().is_none());
    }
}

#[test]
fn a_new_release_changes_the_search_delta_and_one_group_of_records_only() {
    use std::collections::BTreeMap;
    let root = common::content_dir();
    let publishers = common::read_dir(&root.join("publishers"), "toml");
    let mut releases = common::read_dir(&root.join("releases"), "md");
    let index = |releases: &[publish::content::SourceFile]| -> BTreeMap<String, String> {
        let site = publish::content::load_site(&publishers, releases).expect("valid");
        let records = publish::build::build(&site, None);
        records
            .indexes
            .into_iter()
            .filter(|p| p.key.starts_with("search:") && !p.key.starts_with("search:snippets:"))
            .map(|p| (p.key, p.value))
            .collect()
    };
    let before = index(&releases);
    let indexed = releases.len() as u32;
    releases.push(publish::content::SourceFile {
        path: "content/releases/2026-01-02-uusi.md".into(),
        text: "+++\ntitle = \"Testi uutuus\"\npublisher = \"kymsote\"\npublished_at = \"2026-01-02T10:00:00+02:00\"\nlead = \"Testi.\"\n+++\n\nTesti.\n".into(),
    });
    let after = index(&releases);
    let changed: Vec<&String> = after.keys().chain(before.keys()).filter(|k| before.get(*k) != after.get(*k)).collect();
    assert!(changed.contains(&&search::delta::DELTA_KEY.to_string()), "{changed:?}");
    let moved = (indexed + 1) % search::delta::DELTA_SPAN;
    for key in changed.iter().filter(|k| **k != search::delta::DELTA_KEY) {
        assert_eq!(search::delta::group_of(key), moved, "{key}: only the records whose cut moved change");
    }
}

/// Builds of a generated archive: one release more changes the delta and at most the
/// records of one group, for each of 8 releases added to 140 (past the delta's span, so
/// every record has a base part); and the answers of the split
/// index equal those of the same index whole (`common::earlier::folded`).
#[test]
fn over_a_whole_span_each_release_changes_few_search_records_and_answers_stay_the_same() {
    use std::collections::BTreeMap;
    let dir = tempfile::tempdir().expect("temp dir");
    let content = dir.path().join("content");
    let gen = common::newsroom(
        &["gen", "--releases", "148", "--publishers", "5", "--seed", "3", "--out", content.to_str().expect("UTF-8")],
        dir.path(),
    );
    assert!(gen.status.success(), "{}", String::from_utf8_lossy(&gen.stderr));
    let publishers = common::read_dir(&content.join("publishers"), "toml");
    let mut all = common::read_dir(&content.join("releases"), "md");
    // Oldest first (gen-0 is the newest), so each one added is newer than all before it.
    let moment =
        |f: &publish::content::SourceFile| f.text.lines().find(|l| l.starts_with("published_at")).map(str::to_string);
    all.sort_by_key(moment);
    let build = |releases: &[publish::content::SourceFile]| {
        let site = publish::content::load_site(&publishers, releases).expect("valid");
        publish::build::build(&site, None)
    };
    let search_keys = |records: &publish::records::Records| -> BTreeMap<String, String> {
        records
            .indexes
            .iter()
            .filter(|p| {
                p.key.starts_with("search:shard:")
                    || p.key.starts_with("search:filter:")
                    || p.key == search::delta::DELTA_KEY
            })
            .map(|p| (p.key.clone(), p.value.clone()))
            .collect()
    };
    let mut previous = search_keys(&build(&all[..140]));
    let mut most = 0;
    for n in 141..=all.len() {
        let records = build(&all[..n]);
        let now = search_keys(&records);
        let changed = now.keys().chain(previous.keys()).filter(|k| previous.get(*k) != now.get(*k)).count();
        most = most.max(changed);
        previous = now;
        if n == all.len() {
            let kv = common::records::kv_map(&records);
            let whole = common::earlier::folded(&kv);
            for q in [
                "q=tiedote",
                "q=sote&year=2024",
                "publisher=gen-1",
                "q=kymen+palvelu",
                "keyword=talous&page=2",
                "q=hyvinvointialue&keyword=sote&publisher=gen-2",
            ] {
                let path = format!("/search?{q}");
                for accept in [None, Some("application/json")] {
                    let (split, _) = common::serve(&kv, &path, accept);
                    let (one, _) = common::serve(&whole, &path, accept);
                    assert_eq!((split.status, common::text(&split)), (one.status, common::text(&one)), "{path}");
                }
            }
        }
    }
    eprintln!("at most {most} search keys changed by one release");
    assert!(most <= 12, "at most {most} search keys changed by one release");
}

#[test]
fn search_answers_alike_from_index_records_and_documents_of_the_earlier_form() {
    let kv = store(&seed_site());
    // The same index as a build before the sets wrote it (version 1, postings lists, id
    // arrays), and what results show as `search:docs:{n}`.
    let earlier = common::earlier::earlier_search(&kv);
    assert!(earlier.keys().any(|k| k.starts_with("search:docs:")), "every release has its document");
    for q in [
        "q=digitaalisten",
        "q=Hagman",
        "q=konttisairaala",
        "q=paivystys",
        "q=hyvinvointialue",
        "q=kymenlaakson+hyvinvointialue",
        "publisher=kymenlaakson-hyvinvointialue",
        "q=hyvinvointialue&year=2024",
    ] {
        let path = format!("/search?{q}&format=json");
        let (new, new_reads) = serve(&kv, &path, None);
        let (old, old_reads) = serve(&earlier, &path, None);
        assert_eq!(new.status, 200, "{q}: {}", text(&new));
        assert_eq!(text(&new), text(&old), "{q}");
        assert_eq!(old_reads, new_reads + 1, "{q}: the missing snippets chunk, then the earlier one");
    }
    let (r, _) = serve(&kv, "/search?q=hyvinvointialue&format=json", None);
    let v: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON");
    assert!(v["total"].as_u64().is_some_and(|n| n >= 2), "{v}");
}

#[test]
fn a_publisher_page_reads_its_profile_first_and_a_later_page_its_chunk_next() {
    use serve::{respond, Loaded, Outcome};
    let kv = store(&seed_site());
    let fetch = |path: &str| match respond(&RequestFacts::get(path, None, now()), &Loaded::default()) {
        Outcome::Fetch(keys) => keys,
        Outcome::Done(r) => panic!("{path}: answered {} before reading", r.status),
    };
    let keys = fetch("/publishers/kymenlaakson-hyvinvointialue?page=1");
    assert_eq!(
        keys,
        ["publisher:kymenlaakson-hyvinvointialue", "social-posts:kymenlaakson-hyvinvointialue", "index:pages"],
        "page 1 is in the profile; its latest social media posts are read in the same round"
    );
    let mut loaded = Loaded::default();
    for key in keys {
        loaded.insert(key.clone(), kv.get(&key).cloned());
    }
    let req = RequestFacts::get("/publishers/kymenlaakson-hyvinvointialue?page=1", None, now());
    let Outcome::Done(r) = respond(&req, &loaded) else { panic!("one read") };
    assert_eq!(r.status, 200);
    // A later page learns from the profile's total which chunk it lies in: one read more.
    assert_eq!(
        fetch("/publishers/kymenlaakson-hyvinvointialue?page=2"),
        ["publisher:kymenlaakson-hyvinvointialue", "index:pages"]
    );
}

/// The footer's links to the content pages cost no round of their own: an HTML page asks
/// for `index:pages` with its first keys, JSON never, and an unknown path reads nothing.
#[test]
fn html_pages_read_the_footers_index_in_their_first_round() {
    use serve::{respond, Loaded, Outcome};
    let first =
        |path: &str, accept: Option<&str>| match respond(&RequestFacts::get(path, accept, now()), &Loaded::default()) {
            Outcome::Fetch(keys) => keys,
            Outcome::Done(r) => panic!("{path}: answered {} before reading", r.status),
        };
    let release = "/releases/2024-11-27-ohjausneuvottelut";
    assert_eq!(first(release, None), ["release:2024-11-27-ohjausneuvottelut", "index:pages"]);
    assert_eq!(first(release, Some("application/json")), ["release:2024-11-27-ohjausneuvottelut"]);
    assert_eq!(first("/subscribe", None), ["index:pages"], "the form links the privacy notice");
    let kv = store(&seed_site());
    let mut reads = Vec::new();
    let r = serve::respond_with(&RequestFacts::get("/nowhere", None, now()), |k| {
        reads.push(k.to_string());
        kv.get(k).cloned()
    });
    assert_eq!((r.0.status, reads.len()), (404, 0), "{reads:?}");
}

/// Page 1 from the profile answers as from its page record, which is read when the profile
/// cannot give the whole page (fewer entries than a page and than the total, or one unreadable).
#[test]
fn a_publisher_page_from_its_profile_answers_as_from_its_page_record() {
    let kv = store(&seed_site());
    let (path, key) = ("/publishers/kymenlaakson-hyvinvointialue", "publisher:kymenlaakson-hyvinvointialue");
    let profile: serde_json::Value = serde_json::from_slice(&kv[key]).expect("JSON");
    assert!(profile["total"].as_u64().is_some_and(|n| n >= 3), "{profile}");
    let with = |edit: &dyn Fn(&mut Vec<serde_json::Value>)| {
        let mut p = profile.clone();
        edit(p["releases"].as_array_mut().expect("releases"));
        let mut kv = kv.clone();
        kv.insert(key.into(), serde_json::to_vec(&p).expect("JSON"));
        kv
    };
    let short = with(&|r| r.truncate(2));
    let unreadable = with(&|r| r[1] = serde_json::json!({"slug": 5}));
    for accept in [None, Some("application/json")] {
        // HTML also reads the latest social media posts, in the same round.
        let posts = usize::from(accept.is_none());
        let (a, reads) = serve(&kv, path, accept);
        assert_eq!((a.status, reads), (200, 1 + posts));
        for other in [&short, &unreadable] {
            let (b, reads) = serve(other, path, accept);
            assert_eq!((b.status, reads), (200, 2 + posts), "{accept:?}");
            assert_eq!(text(&a), text(&b), "{accept:?}");
            assert_eq!(a.headers, b.headers, "{accept:?}");
        }
    }
}

#[test]
fn a_damaged_search_document_is_a_500_naming_its_chunk_and_only_when_shown() {
    let kv = store(&seed_site());
    let path = "/search?q=konttisairaala&format=json";
    let (r, _) = serve(&kv, path, None);
    let v: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON");
    let slug = v["results"][0]["slug"].as_str().expect("a hit").to_string();
    let chunk = String::from_utf8(kv["search:snippets:0"].clone()).expect("UTF-8");
    let mut lines: Vec<String> = chunk.lines().map(str::to_string).collect();
    let hit = lines.iter().skip(1).position(|l| l.contains(&format!("\"slug\":\"{slug}\""))).expect("the hit's line");
    lines[hit + 1] = lines[hit + 1].replace("\"published\":{", "\"published\":\"yesterday\",\"was\":{");
    let mut damaged = kv.clone();
    damaged.insert("search:snippets:0".into(), lines.join("\n").into_bytes());
    let (r, _) = serve(&damaged, path, None);
    assert_eq!(r.status, 500, "{}", text(&r));
    let named = |l: &String| l.contains("search:snippets:0") && l.contains(&format!("document {hit}"));
    assert!(r.log.iter().any(named), "{:?}", r.log);
    // A chunk whose lines do not match its head is refused whole.
    let mut short = kv.clone();
    short.insert("search:snippets:0".into(), lines[..lines.len() - 1].join("\n").into_bytes());
    let (r, _) = serve(&short, path, None);
    assert_eq!(r.status, 500, "{}", text(&r));
    assert!(r.log.iter().any(|l| l.contains("search:snippets:0") && l.contains("lines follow")), "{:?}", r.log);
    let mut bytes: Vec<Vec<u8>> = lines.iter().map(|l| l.clone().into_bytes()).collect();
    bytes[hit + 1].push(0xff);
    let mut not_utf8 = kv.clone();
    not_utf8.insert("search:snippets:0".into(), bytes.join(&b'\n'));
    let (r, _) = serve(&not_utf8, path, None);
    assert_eq!(r.status, 500, "{}", text(&r));
    assert!(r.log.iter().any(|l| l.contains(&format!("document {hit} is not UTF-8"))), "{:?}", r.log);
    // A query whose page does not show that document is not affected.
    let (r, _) = serve(&damaged, "/search?q=hagman&format=json", None);
    assert_eq!(r.status, 200, "{}", text(&r));
    assert!(!text(&r).contains(&slug));
}

/// What the adapter does with a profile it reads: the next request of the isolate gets it
/// decoded ([`serve::Loaded::insert_decoded`]), and answers byte for byte as from its bytes.
#[test]
fn a_profile_decoded_by_an_earlier_request_answers_as_its_bytes_do() {
    use serve::{respond_into, Loaded};
    use std::rc::Rc;
    let kv = store(&seed_site());
    let key = "publisher:kymenlaakson-hyvinvointialue";
    // Answers `path` from `loaded`, reading the rest from `kv`.
    let answer = |path: &str, loaded: &mut Loaded| {
        respond_into(&RequestFacts::get(path, None, now()), loaded, |loaded, k| {
            let value = kv.get(&k).cloned();
            loaded.insert(k, value);
        })
    };
    let mut first = Loaded::default();
    let page = answer("/releases/2025-06-25-konttisairaala", &mut first);
    let profile = first.decoded(key).expect("the release page decoded its publisher's profile");
    for path in ["/releases/2025-06-23-diagnoositiedot", "/publishers/kymenlaakson-hyvinvointialue"] {
        let mut reused = Loaded::default();
        reused.insert_decoded(key.into(), kv[key].clone(), Rc::clone(&profile));
        let with = answer(path, &mut reused);
        assert!(reused.decoded(key).is_some_and(|p| Rc::ptr_eq(&p, &profile)), "{path}: not decoded again");
        let without = answer(path, &mut Loaded::default());
        assert_eq!((with.status, text(&with), &with.headers), (without.status, text(&without), &without.headers));
    }
    assert_eq!(page.status, 200);
    // A value read anew replaces what was decoded from the old one.
    first.insert(key.into(), Some(b"{\"v\":1}".to_vec()));
    assert!(first.decoded(key).is_none());
}
