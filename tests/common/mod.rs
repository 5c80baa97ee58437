//! Shared by the native integration tests: the seed content, built into an in-memory KV.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use newsroom::build::build;
use newsroom::content::{load_site, Site, SourceFile};
use newsroom::http::{HttpResponse, RequestFacts};
use newsroom::respond_with;

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
                out.push(SourceFile {
                    path: path.display().to_string(),
                    text,
                });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The repository's `content/`, checked.
pub fn seed_site() -> Site {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    load_site(
        &read_dir(&root.join("publishers"), "toml"),
        &read_dir(&root.join("releases"), "md"),
    )
    .unwrap_or_else(|d| panic!("content/ must check clean: {d:#?}"))
}

/// An in-memory KV holding every record of `site`.
pub fn store(site: &Site) -> HashMap<String, Vec<u8>> {
    let records = build(site);
    records
        .releases
        .into_iter()
        .chain(records.indexes)
        .map(|p| (p.key, p.value.into_bytes()))
        .collect()
}

/// Serves `path` with `accept` from `kv`; returns the response and the KV reads it took.
pub fn serve(
    kv: &HashMap<String, Vec<u8>>,
    path: &str,
    accept: Option<&str>,
) -> (HttpResponse, usize) {
    respond_with(&RequestFacts::get(path, accept), |k| kv.get(k).cloned())
}
