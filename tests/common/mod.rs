//! Shared by the native integration tests: the seed content, built into an in-memory KV.
//! (Each test crate uses a different subset.)
#![allow(dead_code)]

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use chrono::{DateTime, Utc};

use publish::content::{load_site, Site, SourceFile};
use serve::http::{HttpResponse, RequestFacts};
use serve::respond_with;

/// Reads every file with extension `ext` under `dir`, sorted.
pub fn read_dir(dir: &Path, ext: &str) -> Vec<SourceFile> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("readable test folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                let text = fs::read_to_string(&path).expect("UTF-8 test file");
                out.push(SourceFile { path: path.display().to_string(), text });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The repository's `content/`, checked.
pub fn seed_site() -> Site {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    load_site(&read_dir(&root.join("publishers"), "toml"), &read_dir(&root.join("releases"), "md"))
        .unwrap_or_else(|d| panic!("content/ must check clean: {d:#?}"))
}

/// An in-memory KV holding every record of `site`.
pub fn store(site: &Site) -> HashMap<String, Vec<u8>> {
    store_with(site, &contract::config::Config::default())
}

/// An in-memory KV holding every record of `site` built with `config`.
pub fn store_with(site: &Site, config: &contract::config::Config) -> HashMap<String, Vec<u8>> {
    let records = publish::build::build_with(site, None, config);
    use base64::Engine as _;
    let bytes = |p: contract::kv::KvPair| match p.base64 {
        // As `wrangler kv bulk put` does with `"base64": true`.
        true => base64::engine::general_purpose::STANDARD.decode(&p.value).expect("valid base64"),
        false => p.value.into_bytes(),
    };
    let media = publish::build::media_pairs(&records.media);
    media.into_iter().chain(records.releases).chain(records.indexes).map(|p| (p.key.clone(), bytes(p))).collect()
}

/// The fixed "now" of the native tests: after every seed release.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z").expect("valid").with_timezone(&Utc)
}

/// Serves `path` with `accept` from `kv` at [`now`]; returns the response and the KV reads it took.
pub fn serve(kv: &HashMap<String, Vec<u8>>, path: &str, accept: Option<&str>) -> (HttpResponse, usize) {
    respond_with(&RequestFacts::get(path, accept, now()), |k| kv.get(k).cloned())
}

/// Serves a prepared request from `kv`.
pub fn serve_req(kv: &HashMap<String, Vec<u8>>, req: &RequestFacts) -> HttpResponse {
    respond_with(req, |k| kv.get(k).cloned()).0
}

/// The body as text.
pub fn text(r: &HttpResponse) -> String {
    String::from_utf8(r.body.clone()).expect("UTF-8 body")
}

/// The `max-age` of a response's `Cache-Control` (0 when there is none).
pub fn max_age(r: &HttpResponse) -> i64 {
    r.header("cache-control")
        .and_then(|c| c.split("max-age=").nth(1))
        .and_then(|v| v.split(',').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}
