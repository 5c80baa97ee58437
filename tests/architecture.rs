//! The layout's rules, checked on every `make test` (ARCHITECTURE.md states them):
//!
//! - each crate depends only on the crates below it: contract ← search ← render ← {serve,
//!   publish}; serve ← mailing (the mail wing); the worker on contract + serve + mailing;
//!   the CLI on contract + publish (+ serve, mailing);
//! - the worker's two Workers are two folders that never reach into each other, and the
//!   readers' build cannot link the mail wing;
//! - no import cycle between the top-level modules of any crate (`use crate::x` edges);
//! - the worker's wasm cannot link publish code, because no crate it depends on does.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// What each workspace package may depend on among the others (normal dependencies; dev
/// dependencies are for tests and never reach the wasm).
const ALLOWED: &[(&str, &[&str])] = &[
    ("crates/contract", &[]),
    ("crates/search", &["contract"]),
    ("crates/render", &["contract", "search"]),
    ("crates/serve", &["contract", "search", "render"]),
    ("crates/mailing", &["contract", "render", "serve"]),
    ("crates/publish", &["contract", "search", "render"]),
    // `mailing` only with the `mail` feature (see below).
    ("worker", &["contract", "serve", "mailing"]),
    // `newsroom preview --local` answers from records built in memory with the serve wing.
    // `newsroom mail report` reads the mail wing's statements and rows.
    (".", &["contract", "publish", "serve", "mailing"]),
];

/// The names the workspace's crates go by in `Cargo.toml` dependency tables.
const WORKSPACE: &[&str] = &["contract", "search", "render", "serve", "mailing", "publish", "newsroom"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The workspace crates named in the normal dependency tables (`[dependencies]` and
/// `[target.*.dependencies]`) of the manifest in `dir`.
fn internal_dependencies(dir: &str) -> BTreeSet<String> {
    let path = root().join(dir).join("Cargo.toml");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut found = BTreeSet::new();
    let mut in_normal = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_normal = line == "[dependencies]" || (line.starts_with("[target.") && line.ends_with(".dependencies]"));
            continue;
        }
        let name = line.split(['=', '.']).next().unwrap_or("").trim();
        if in_normal && WORKSPACE.contains(&name) {
            found.insert(name.to_string());
        }
    }
    found
}

#[test]
fn each_crate_depends_only_on_the_crates_below_it() {
    for (dir, allowed) in ALLOWED {
        let found = internal_dependencies(dir);
        let extra: Vec<&String> = found.iter().filter(|d| !allowed.contains(&d.as_str())).collect();
        assert!(extra.is_empty(), "{dir}/Cargo.toml depends on {extra:?}; it may use only {allowed:?}");
    }
    // The parser above must see real dependencies, or this test could not fail.
    assert_eq!(
        internal_dependencies("worker"),
        BTreeSet::from(["contract".to_string(), "mailing".to_string(), "serve".to_string()])
    );
}

#[test]
fn the_worker_cannot_reach_publish_code() {
    let mut reachable = BTreeSet::new();
    let mut todo = vec!["worker".to_string()];
    let dir_of = |name: &str| if name == "worker" { "worker".to_string() } else { format!("crates/{name}") };
    while let Some(name) = todo.pop() {
        for dep in internal_dependencies(&dir_of(&name)) {
            if reachable.insert(dep.clone()) {
                todo.push(dep);
            }
        }
    }
    assert!(!reachable.contains("publish"), "the worker reaches publish through {reachable:?}");
    assert!(reachable.contains("serve") && reachable.contains("contract"), "{reachable:?}");
}

/// The top-level module a source file belongs to (`html/pages.rs` → `html`), or `None` for
/// the crate root.
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?.trim_end_matches(".rs").to_string();
    (first != "lib" && first != "main").then_some(first)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `crate::x` edges between the top-level modules of the crate whose sources are in `src`,
/// from code outside `#[cfg(test)]` modules and outside comments.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let Some(from) = top_module(src, &file) else { continue };
        if from == "tests" || file.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        // Unit tests may use anything; they sit at the end of a file by convention here.
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        let edges = graph.entry(from.clone()).or_default();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for part in line.split("crate::").skip(1) {
                let to: String = part.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !to.is_empty() && to != from && !to.chars().next().is_some_and(char::is_uppercase) {
                    edges.insert(to);
                }
            }
        }
    }
    graph
}

/// A cycle in `graph`, as the list of modules along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_crate_has_an_import_cycle_between_its_modules() {
    let crates = [
        "crates/contract",
        "crates/search",
        "crates/render",
        "crates/serve",
        "crates/mailing",
        "crates/publish",
        "worker",
        ".",
    ];
    let mut edges = 0;
    for dir in crates {
        let graph = module_graph(&root().join(dir).join("src"));
        edges += graph.values().map(BTreeSet::len).sum::<usize>();
        if let Some(cycle) = find_cycle(&graph) {
            panic!("{dir}: import cycle {}", cycle.join(" -> "));
        }
    }
    assert!(edges > 20, "the graph was read ({edges} edges)");
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["c".to_string()])),
        ("c".to_string(), BTreeSet::from(["a".to_string()])),
    ]
    .into();
    assert_eq!(find_cycle(&graph), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
    let acyclic: BTreeMap<String, BTreeSet<String>> =
        [("a".to_string(), BTreeSet::from(["b".to_string()])), ("b".to_string(), BTreeSet::new())].into();
    assert_eq!(find_cycle(&acyclic), None);
}

/// The Rust files under `dir` (relative to the workspace) and their text.
fn sources_under(dir: &str) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(&root().join(dir), &mut files);
    files
        .into_iter()
        .map(|f| (f.clone(), fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()))))
        .collect()
}

#[test]
fn the_two_workers_are_two_folders_and_the_readers_never_link_the_mail_wing() {
    // `ls worker/src` shows them: what they share beside the two folders.
    let readers = sources_under("worker/src/readers");
    let mail = sources_under("worker/src/mail");
    assert!(readers.len() >= 3 && mail.len() >= 8, "{} and {} files", readers.len(), mail.len());
    for (file, text) in &readers {
        assert!(
            !text.contains("crate::mail") && !text.contains("mailing::"),
            "{}: reaches the mail Worker",
            file.display()
        );
    }
    for (file, text) in &mail {
        assert!(!text.contains("crate::readers"), "{}: reaches the readers' Worker", file.display());
    }
    // The mail wing is an optional dependency that only the `mail` feature turns on, so the
    // readers' build (`--features readers`) cannot link it.
    let manifest = fs::read_to_string(root().join("worker/Cargo.toml")).expect("worker/Cargo.toml");
    let table: toml::Table = manifest.parse().expect("TOML");
    assert_eq!(table["dependencies"]["mailing"]["optional"].as_bool(), Some(true), "mailing is optional");
    let features = table["features"].as_table().expect("[features]");
    assert_eq!(features["mail"].as_array().map(|a| a.iter().any(|v| v.as_str() == Some("dep:mailing"))), Some(true));
    assert!(features["readers"].as_array().is_some_and(|a| a.is_empty()), "the readers' feature enables nothing");
    // The two features are switched at the folders' `mod` lines in lib.rs, and at the few
    // places ARCHITECTURE.md names: counted, so that a new switch is a decision.
    let lib = fs::read_to_string(root().join("worker/src/lib.rs")).expect("lib.rs");
    assert!(
        lib.contains("#[cfg(feature = \"mail\")]\nmod mail;")
            && lib.contains("#[cfg(feature = \"readers\")]\nmod readers;")
    );
    let switches = |text: &str| text.matches("cfg(feature").count() + text.matches("cfg(not(feature").count();
    let outgoing = fs::read_to_string(root().join("worker/src/outgoing.rs")).expect("outgoing.rs");
    assert_eq!(
        (switches(&lib), switches(&outgoing)),
        (8, 2),
        "a feature switch in worker/src/lib.rs or outgoing.rs was added or removed: say where in ARCHITECTURE.md \
         (\"The features are switched at\") and count it here"
    );
}
