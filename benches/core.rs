//! Native micro-benchmarks of the pure core (issue 8 budgets): a release page, a 20-item
//! list, a 50-item feed in each format, one search on a 10,000-release index, and
//! `newsroom build` throughput. Content comes from the seeded generator (`newsroom gen`).
//!
//!   cargo bench --bench core            (or `make bench-native`)

#[path = "../tests/common/records.rs"]
mod records;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use contract::model::PublisherRecord;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use publish::build::build;
use publish::content::{load_site, Site, SourceFile};
use publish::gen::{in_memory, Spec};
use serve::http::RequestFacts;
use serve::{respond_into, respond_with, Loaded};
use std::rc::Rc;

/// Publisher and release files for `releases` synthetic releases (2–8 KB bodies, like `make bench`).
fn files(releases: usize) -> (Vec<SourceFile>, Vec<SourceFile>) {
    in_memory(&Spec { releases, publishers: 20, seed: 1, body_bytes: (2_000, 8_000) })
}

fn site(releases: usize) -> Site {
    let (publishers, items) = files(releases);
    load_site(&publishers, &items).unwrap_or_else(|d| panic!("generated content must check clean: {d:?}"))
}

/// Every record of `site`, as KV would hold it (generated content has no media).
fn kv(site: &Site) -> HashMap<String, Vec<u8>> {
    records::kv_map(&build(site, None))
}

/// After every generated release.
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
}

/// Serves `path` from `kv`, as the worker does on a cache miss (KV values decoded, page
/// rendered, headers and ETag computed); panics unless the answer is 200.
fn serve(kv: &HashMap<String, Vec<u8>>, path: &str, accept: Option<&str>) -> usize {
    let (r, _) = respond_with(&RequestFacts::get(path, accept, now()), |k| kv.get(k).cloned());
    assert_eq!(r.status, 200, "{path}");
    r.body.len()
}

/// [`serve`] as an isolate that read the publisher's profile in the last minute answers
/// (`kv::reuse_seconds`): the profile is handed over decoded, as the adapter keeps it.
fn serve_reusing(kv: &HashMap<String, Vec<u8>>, reused: &(String, Rc<PublisherRecord>), path: &str) -> usize {
    let req = RequestFacts::get(path, None, now());
    let r = respond_into(&req, &mut Loaded::default(), |loaded, key| match kv.get(&key) {
        Some(bytes) if key == reused.0 => loaded.insert_decoded(key, bytes.clone(), Rc::clone(&reused.1)),
        value => loaded.insert(key, value.cloned()),
    });
    assert_eq!(r.status, 200, "{path}");
    r.body.len()
}

/// The publisher profile a first request for `path` decodes, under its key.
fn profile_of(kv: &HashMap<String, Vec<u8>>, path: &str) -> (String, Rc<PublisherRecord>) {
    let mut loaded = Loaded::default();
    respond_into(&RequestFacts::get(path, None, now()), &mut loaded, |loaded, key| {
        let value = kv.get(&key).cloned();
        loaded.insert(key, value)
    });
    let key = kv.keys().find(|k| k.starts_with("publisher:") && loaded.decoded(k).is_some()).expect("a profile");
    let profile = loaded.decoded(key).expect("decoded");
    (key.clone(), profile)
}

fn pages(c: &mut Criterion) {
    let store = kv(&site(200));
    let release = "/releases/gen-100";
    let mut g = c.benchmark_group("page");
    g.bench_function("release (HTML)", |b| b.iter(|| serve(&store, release, None)));
    let reused = profile_of(&store, release);
    g.bench_function("release (HTML), its publisher's profile reused", |b| {
        b.iter(|| serve_reusing(&store, &reused, release))
    });
    g.bench_function("release (JSON)", |b| b.iter(|| serve(&store, release, Some("application/json"))));
    g.bench_function("20-item list (HTML)", |b| b.iter(|| serve(&store, "/", None)));
    g.bench_function("20-item publisher list (HTML)", |b| b.iter(|| serve(&store, "/publishers/gen-3", None)));
    g.finish();
    let mut g = c.benchmark_group("feed, 50 items with full content");
    for file in ["feed.xml", "atom.xml", "feed.json"] {
        g.bench_function(file, |b| b.iter(|| serve(&store, &format!("/{file}"), None)));
    }
    // The same feeds rendered from their `feed:*` records (no items rendered ahead).
    let records: HashMap<String, Vec<u8>> =
        store.iter().filter(|(k, _)| !k.contains(":feed:")).map(|(k, v)| (k.clone(), v.clone())).collect();
    for file in ["feed.xml", "atom.xml", "feed.json"] {
        g.bench_function(format!("{file} from its record"), |b| b.iter(|| serve(&records, &format!("/{file}"), None)));
    }
    g.finish();
}

fn search(c: &mut Criterion) {
    let store = kv(&site(10_000));
    let mut g = c.benchmark_group("search, 10,000 releases");
    for q in ["sairaala", "hyvinvointialue palvelu", "päivys"] {
        g.bench_function(q, |b| b.iter(|| serve(&store, &format!("/search?q={q}&format=json"), None)));
    }
    g.finish();
}

fn build_throughput(c: &mut Criterion) {
    const N: usize = 1_000;
    let (publishers, items) = files(N);
    let mut g = c.benchmark_group("newsroom build");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);
    g.bench_function("check + build 1,000 releases", |b| {
        b.iter(|| build(&load_site(&publishers, &items).expect("valid"), None).indexes.len())
    });
    let checked = site(N);
    g.bench_function("build 1,000 checked releases", |b| b.iter(|| build(&checked, None).indexes.len()));
    g.finish();
}

criterion_group!(benches, pages, search, build_throughput);
criterion_main!(benches);
