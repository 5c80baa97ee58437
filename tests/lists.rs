//! Lists stored in stable chunks (`list:{scope}` heads, `chunk:{scope}:{c}`) read as the same
//! pages as before: at 1,000 releases, every page of every list (the front page, each
//! publisher, keyword and year) is walked through its `next` links, before and after a new
//! release, an archive import (a release older than most) and a removal, and each release of
//! the list is found exactly once, newest first, in at most two reads a page.

mod common;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use common::records::kv_map;
use contract::config::Config;
use publish::content::{load_site, SourceFile};
use publish::gen::{in_memory, Spec};
use serve::http::RequestFacts;
use serve::respond_with;

/// After every generated release (they are dated up to the end of 2026).
fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2031-01-01T00:00:00Z").expect("valid").with_timezone(&Utc)
}

fn build(publishers: &[SourceFile], releases: &[SourceFile]) -> HashMap<String, Vec<u8>> {
    let site = load_site(publishers, releases).expect("generated content is valid");
    kv_map(&publish::build::build_with(&site, None, &Config::default()))
}

/// A release of `gen-0` at `at`, with the keyword `testi`.
fn release(slug: &str, at: &str) -> SourceFile {
    let text = format!(
        "+++\ntitle = \"Testi {slug}\"\npublisher = \"gen-0\"\npublished_at = {at}\nlead = \"L.\"\nkeywords = [\"testi\"]\n+++\n\nB.\n"
    );
    SourceFile { path: format!("content/releases/{slug}.md"), text }
}

/// Every list's path and the slugs it must show, newest first: from the release records
/// themselves, as the build sorts them (time descending, then slug).
fn expected(kv: &HashMap<String, Vec<u8>>) -> BTreeMap<String, Vec<String>> {
    let mut all: Vec<(i64, String, String, Vec<String>, i32)> = Vec::new();
    for (key, value) in kv.iter().filter(|(k, _)| k.starts_with("release:")) {
        let v: serde_json::Value = serde_json::from_slice(value).expect(key);
        let at = DateTime::parse_from_rfc3339(v["published"]["at"].as_str().expect("time")).expect("RFC 3339");
        let keywords = v["keywords"]
            .as_array()
            .map_or(Vec::new(), |k| k.iter().filter_map(|k| k["slug"].as_str().map(str::to_string)).collect());
        let publisher = v["publisher"]["slug"].as_str().expect("publisher").to_string();
        let year = chrono::Datelike::year(&at);
        all.push((at.timestamp(), v["slug"].as_str().expect("slug").to_string(), publisher, keywords, year));
    }
    all.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut lists: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (_, slug, publisher, keywords, year) in &all {
        lists.entry("/".into()).or_default().push(slug.clone());
        lists.entry(format!("/publishers/{publisher}")).or_default().push(slug.clone());
        for k in keywords {
            lists.entry(format!("/keywords/{k}")).or_default().push(slug.clone());
        }
        lists.entry(format!("/archive/{year}")).or_default().push(slug.clone());
    }
    lists
}

/// The slugs a list shows, walking its pages by their `next` links.
fn walk(kv: &HashMap<String, Vec<u8>>, list: &str) -> Vec<String> {
    let mut shown = Vec::new();
    let mut path = format!("{list}?format=json");
    for _ in 0..1000 {
        let (r, reads) = respond_with(&RequestFacts::get(&path, None, now()), |k| kv.get(k).cloned());
        assert_eq!(r.status, 200, "{path}: {}", String::from_utf8_lossy(&r.body));
        assert!(reads <= 2, "{path}: {reads} reads");
        assert!(r.log.is_empty(), "{path}: {:?}", r.log);
        let v: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON");
        shown.extend(
            v["releases"].as_array().expect("releases").iter().map(|s| s["slug"].as_str().expect("slug").into()),
        );
        match v["next"].as_str() {
            Some(next) => path = next.trim_start_matches("http://127.0.0.1:8787").to_string(),
            None => return shown,
        }
    }
    panic!("{list}: more than 1,000 pages")
}

fn check_every_list(kv: &HashMap<String, Vec<u8>>, what: &str) {
    let lists = expected(kv);
    assert!(lists.len() > 40, "{what}: {} lists", lists.len());
    for (list, slugs) in &lists {
        assert_eq!(&walk(kv, list), slugs, "{what}: {list}");
    }
}

#[test]
fn every_page_of_every_list_shows_each_release_once_in_order_through_changes() {
    let spec = Spec { releases: 1000, publishers: 20, seed: 3, body_bytes: (100, 200) };
    let (publishers, mut releases) = in_memory(&spec);
    check_every_list(&build(&publishers, &releases), "1,000 releases");

    releases.push(release("uusin", "2030-06-01T09:00:00+03:00"));
    check_every_list(&build(&publishers, &releases), "a new release");

    releases.push(release("arkistosta", "2001-03-01T09:00:00+02:00"));
    check_every_list(&build(&publishers, &releases), "an archive import");

    let removed = releases.remove(releases.len() / 2);
    let kv = build(&publishers, &releases);
    check_every_list(&kv, "a removal");
    let slug = removed.path.rsplit('/').next().and_then(|f| f.strip_suffix(".md")).expect("slug").to_string();
    assert!(!expected(&kv).values().any(|s| s.contains(&slug)), "{slug} is gone from every list");
}
