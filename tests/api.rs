//! The OpenAPI description: generated from the view types, committed, parsed by an OpenAPI
//! parser, and every JSON representation the core renders validates against it.

mod common;
#[path = "common/openapi.rs"]
mod openapi;

use common::{serve, store};
use serde_json::Value;

#[test]
fn the_committed_description_is_what_the_code_generates() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json")).expect("file");
    assert!(
        committed == publish::openapi::document_text(),
        "docs/openapi.json is out of date: run `cargo run -- openapi > docs/openapi.json`"
    );
    let kv = store(&common::seed_site());
    let (served, reads) = serve(&kv, "/openapi.json", None);
    assert_eq!((served.status, reads), (200, 1));
    let served: Value = serde_json::from_slice(&served.body).expect("JSON");
    assert_eq!(served, serde_json::from_str::<Value>(&committed).expect("JSON"), "the build stores the same document");
}

/// Paths to request, the document's template for each, and the status expected.
const CASES: [(&str, &str, u16); 13] = [
    ("/", "/", 200),
    ("/releases/2025-06-25-konttisairaala", "/releases/{slug}", 200),
    ("/releases/2018-11-30-kymsote-kehitysohjelma", "/releases/{slug}", 200),
    ("/publishers/kymenlaakson-hyvinvointialue", "/publishers/{slug}", 200),
    ("/publishers/kymenlaakson-hyvinvointialue/media", "/publishers/{slug}/media", 200),
    ("/keywords", "/keywords", 200),
    ("/keywords/sote", "/keywords/{slug}", 200),
    ("/archive", "/archive", 200),
    ("/archive/2025", "/archive/{year}", 200),
    ("/search?q=sairaala", "/search", 200),
    ("/healthz", "/healthz", 200),
    ("/releases/no-such-release", "/releases/{slug}", 404),
    ("/search?page=0", "/search", 400),
];

#[test]
fn every_json_representation_matches_the_description() {
    let doc = openapi::committed();
    let kv = store(&common::seed_site());
    for (path, template, status) in CASES {
        let (r, _) = serve(&kv, path, Some("application/json"));
        assert_eq!(r.status, status, "{path}");
        let body: Value = serde_json::from_slice(&r.body).expect("JSON");
        openapi::validate(&doc, template, status, &body).unwrap_or_else(|e| panic!("{e}"));
        if status == 200 {
            assert_eq!(r.header("link"), Some("</openapi.json>; rel=\"service-desc\""), "{path}");
        }
    }
}

/// The seed's content pages, as `newsroom check` reads them, answer JSON the document
/// describes (`tests/common`'s seed site has releases and publishers only).
#[test]
fn a_content_page_matches_the_description() {
    let doc = openapi::committed();
    let mut site = common::seed_site();
    let pages = common::read_dir(&common::content_dir().join("pages"), "md");
    let mut problems = Vec::new();
    site.pages = publish::content::page::load_pages(&pages, &site.publishers, &mut problems);
    assert!(problems.is_empty() && site.pages.len() == 4, "{problems:?}");
    let kv = common::store_with(&site, &contract::config::Config::default());
    for (path, status) in
        [("/pages/tietosuojaseloste", 200), ("/pages/tillganglighetsutlatande", 200), ("/pages/ei-ole", 404)]
    {
        let (r, _) = serve(&kv, path, Some("application/json"));
        assert_eq!(r.status, status, "{path}");
        let body: Value = serde_json::from_slice(&r.body).expect("JSON");
        openapi::validate(&doc, "/pages/{slug}", status, &body).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
}

#[test]
fn a_response_with_an_undocumented_or_missing_field_fails_validation() {
    let doc = openapi::committed();
    let kv = store(&common::seed_site());
    let (r, _) = serve(&kv, "/releases/2025-06-25-konttisairaala", Some("application/json"));
    let mut body: Value = serde_json::from_slice(&r.body).expect("JSON");
    body["surprise"] = Value::Bool(true);
    assert!(openapi::validate(&doc, "/releases/{slug}", 200, &body).is_err(), "extra field");
    body.as_object_mut().expect("object").remove("surprise");
    body.as_object_mut().expect("object").remove("title");
    assert!(openapi::validate(&doc, "/releases/{slug}", 200, &body).is_err(), "missing field");
}

#[test]
fn every_path_of_the_description_is_a_route_and_every_json_route_is_described() {
    let doc = openapi::committed();
    let documented: Vec<&str> = doc["paths"].as_object().expect("paths").keys().map(String::as_str).collect();
    // `/pages/{slug}`: exercised by `a_content_page_matches_the_description`.
    let served: Vec<&str> = CASES.iter().map(|(_, template, _)| *template).chain(["/pages/{slug}"]).collect();
    for path in &documented {
        assert!(served.contains(path), "{path} is documented but not exercised here");
    }
    for path in &served {
        assert!(documented.contains(path), "{path} is served as JSON but not documented");
    }
}
