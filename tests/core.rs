//! The pure core end to end, natively: seed content → records → `respond`, with snapshots.

mod common;

use common::{seed_site, serve, store};
use newsroom::http::RequestFacts;
use newsroom::respond_with;

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
    for path in PATHS
        .into_iter()
        .chain(["/releases/missing", "/publishers/missing", "/nowhere"])
    {
        for accept in [None, Some("application/json")] {
            let (_, reads) = serve(&kv, path, accept);
            assert!(reads <= 2, "{path} {accept:?}: {reads} reads");
        }
    }
    assert_eq!(
        serve(&kv, "/nowhere", None).1,
        0,
        "unknown paths never touch KV"
    );
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
    let mut head = RequestFacts::get("/", None);
    head.method = "HEAD".into();
    let (r, _) = respond_with(&head, |k| kv.get(k).cloned());
    assert_eq!((r.status, r.body.len()), (200, 0));
    let mut delete = RequestFacts::get("/", None);
    delete.method = "DELETE".into();
    let (r, reads) = respond_with(&delete, |k| kv.get(k).cloned());
    assert_eq!(
        (r.status, r.header("allow"), reads),
        (405, Some("GET, HEAD"), 0)
    );
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
    kv.insert(
        "release:2025-06-25-konttisairaala".into(),
        b"{\"v\":7}".to_vec(),
    );
    let (r, _) = serve(
        &kv,
        "/releases/2025-06-25-konttisairaala",
        Some("application/json"),
    );
    assert_eq!(r.status, 500);
    assert!(
        r.log[0].contains("release:2025-06-25-konttisairaala") && r.log[0].contains("version 7"),
        "{:?}",
        r.log
    );
    assert!(
        !String::from_utf8_lossy(&r.body).contains("version 7"),
        "internals stay out of public bodies"
    );
}
