//! Interrupted publishes (issue 9): a publish that stops after any stage (media, releases,
//! indexes, deletions, manifest) leaves a namespace in which every link a reader can follow
//! still resolves, and running the publish again completes it.
//!
//! The KV namespace is a map; each stage is applied exactly as `newsroom publish` applies it;
//! after each one a crawler follows every internal link from the front page, the feeds and
//! the sitemaps, with a real HTML parser.

mod common;

use std::collections::{BTreeSet, HashMap};

use common::records::put;
use common::{attrs, html, now, serve_req};
use publish::build::{build, media_pairs, Records};
use publish::content::{load_site, Site, SourceFile};
use publish::manifest::Manifest;
use serve::http::RequestFacts;

type Kv = HashMap<String, Vec<u8>>;

fn seed_files() -> (Vec<SourceFile>, Vec<SourceFile>) {
    let root = common::content_dir();
    (common::read_dir(&root.join("publishers"), "toml"), common::read_dir(&root.join("releases"), "md"))
}

fn site(publishers: &[SourceFile], releases: &[SourceFile]) -> Site {
    load_site(publishers, releases).unwrap_or_else(|d| panic!("{d:#?}"))
}

/// One stage of a publish: its name and what it does to the namespace.
type Stage<'a> = (&'static str, Box<dyn Fn(&mut Kv) + 'a>);

/// The stages of `newsroom publish`, in order, each a change to the namespace.
fn stages(records: &Records) -> Vec<Stage<'_>> {
    vec![
        ("media", Box::new(|kv: &mut Kv| put(kv, &media_pairs(&records.media)))),
        ("releases", Box::new(|kv: &mut Kv| put(kv, &records.releases))),
        ("indexes", Box::new(|kv: &mut Kv| put(kv, &records.indexes))),
        (
            "deletions",
            Box::new(|kv: &mut Kv| {
                for key in &records.changes.deletions {
                    kv.remove(key);
                }
            }),
        ),
        ("manifest", Box::new(|kv: &mut Kv| put(kv, &records.manifest))),
    ]
}

/// Every internal link reachable from the front page, feeds and sitemaps: none may be a 404
/// or a 5xx. Returns the release pages found.
fn crawl(kv: &Kv, when: &str) -> BTreeSet<String> {
    let mut todo: Vec<String> = vec!["/".into(), "/keywords".into(), "/archive".into()];
    for feed in ["/feed.json"] {
        let r = serve_req(kv, &RequestFacts::get(feed, None, now()));
        let doc: serde_json::Value = serde_json::from_slice(&r.body).expect("feed JSON");
        for item in doc["items"].as_array().into_iter().flatten() {
            let url = item["url"].as_str().unwrap_or("");
            todo.push(url.split_once("/releases/").map(|(_, s)| format!("/releases/{s}")).unwrap_or_default());
        }
    }
    let mut seen = BTreeSet::new();
    let mut releases = BTreeSet::new();
    while let Some(path) = todo.pop() {
        if path.is_empty() || !seen.insert(path.clone()) {
            continue;
        }
        let r = serve_req(kv, &RequestFacts::get(&path, None, now()));
        assert!(r.status == 200, "after {when}: {path} answers {}", r.status);
        if path.starts_with("/releases/") {
            releases.insert(path.clone());
        }
        if !r.header("content-type").unwrap_or("").starts_with("text/html") {
            continue;
        }
        for href in attrs(&html(&r), "a[href]", "href") {
            let internal = href.starts_with('/') && !href.starts_with("//");
            let page = href.split('#').next().unwrap_or("");
            // Lists, publishers, keywords and releases; search and feeds are covered elsewhere.
            if internal
                && !page.starts_with("/search")
                && !page.ends_with(".xml")
                && !page.ends_with(".json")
                && !page.starts_with("/media/")
            {
                todo.push(page.to_string());
            }
        }
    }
    releases
}

#[test]
fn a_publish_stopped_after_any_stage_leaves_no_dangling_link_and_a_rerun_completes_it() {
    let (publishers, releases) = seed_files();
    let before = site(&publishers, &releases);
    let first = build(&before, None);
    let mut published = Kv::new();
    for (_, stage) in stages(&first) {
        stage(&mut published);
    }
    let manifest = Manifest::parse(&published["build:manifest"]).expect("manifest");
    let old_pages = crawl(&published, "the first publish");
    assert!(old_pages.contains("/releases/2025-06-23-diagnoositiedot"));

    // The next publish removes one release, adds one and edits another.
    let mut next: Vec<SourceFile> =
        releases.iter().filter(|f| !f.path.ends_with("2025-06-23-diagnoositiedot.md")).cloned().collect();
    let edited = next.iter_mut().find(|f| f.path.ends_with("2025-06-25-konttisairaala.md")).expect("seed");
    edited.text = edited.text.replace(
        "published_at = 2025-06-25T10:02:11",
        "published_at = 2025-06-25T10:02:11\nupdated_at = 2025-06-26T09:00:00",
    );
    next.push(SourceFile {
        path: "content/releases/2026-11-20-testi.md".into(),
        text: "+++\ntitle = \"Testitiedote\"\npublisher = \"kymsote\"\npublished_at = 2026-11-20T10:00:00\nlead = \"Testi.\"\nkeywords = [\"uusi\"]\n+++\n\nTeksti.\n".into(),
    });
    let after = site(&publishers, &next);
    let second = build(&after, Some(&manifest));
    assert!(!second.changes.deletions.is_empty(), "the removal deletes keys");

    // Stop after each stage in turn: what readers can reach must all resolve.
    let all = stages(&second);
    for stop in 0..all.len() {
        let mut kv = published.clone();
        for (_, stage) in &all[..=stop] {
            stage(&mut kv);
        }
        let when = format!("a publish stopped after `{}`", all[stop].0);
        let reachable = crawl(&kv, &when);
        // Until the indexes are up, readers see the old site; from then on, the new one.
        if stop < 2 {
            assert_eq!(reachable, old_pages, "{when}");
        } else {
            assert!(reachable.contains("/releases/2026-11-20-testi"), "{when}");
            assert!(!reachable.contains("/releases/2025-06-23-diagnoositiedot"), "{when}");
        }
        // Running the whole publish again from that state ends exactly where an uninterrupted one does.
        let rerun_manifest = kv
            .get("build:manifest")
            .map(|b| Manifest::parse(b).expect("manifest"))
            .expect("a manifest is always there");
        let rerun = build(&after, Some(&rerun_manifest));
        for (_, stage) in stages(&rerun) {
            stage(&mut kv);
        }
        let mut complete = published.clone();
        for (_, stage) in &all {
            stage(&mut complete);
        }
        let keys = |kv: &Kv| kv.keys().cloned().collect::<BTreeSet<String>>();
        assert_eq!(keys(&kv), keys(&complete), "re-running after {when} leaves the same keys");
        for (key, value) in &complete {
            assert_eq!(kv.get(key), Some(value), "re-running after {when}: {key}");
        }
        let gone = serve_req(&kv, &RequestFacts::get("/releases/2025-06-23-diagnoositiedot", None, now()));
        assert_eq!(gone.status, 410, "the removed release is Gone after the rerun");
    }
}
