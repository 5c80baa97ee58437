//! Shared by the integration tests: the seed content, built into an in-memory KV; the
//! `newsroom` CLI; HTML by CSS selector; cache lifetimes. (Each test crate uses a different
//! subset; the end-to-end tests only the CLI, `content/`, the HTML and cache helpers.)
#![allow(dead_code)]

pub mod earlier;
pub mod records;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, Utc};

use publish::content::{load_site, Site, SourceFile};
use scraper::{Html, Selector};
use serve::http::{HttpResponse, RequestFacts};
use serve::respond_with;

/// The repository's `content/`: the seed publishers and releases.
pub fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// The `newsroom` CLI built for these tests, to be run in `dir`, with no `PREVIEW_SECRET` from
/// the environment (only a `.dev.vars` a test writes counts).
pub fn newsroom_command(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_newsroom"));
    command.env_remove("PREVIEW_SECRET").current_dir(dir);
    command
}

/// Runs `newsroom args` in `dir` to its end (see [`newsroom_command`]): status and output.
pub fn newsroom(args: &[&str], dir: &Path) -> Output {
    newsroom_command(dir).args(args).output().expect("runs")
}

/// Copies the tree `from` (a `content/` folder, say) to `to`, folders and all.
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read_dir") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            fs::copy(&path, &target).expect("copy");
        }
    }
}

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
    let root = content_dir();
    load_site(&read_dir(&root.join("publishers"), "toml"), &read_dir(&root.join("releases"), "md"))
        .unwrap_or_else(|d| panic!("content/ must check clean: {d:#?}"))
}

/// An in-memory KV holding every record of `site`.
pub fn store(site: &Site) -> HashMap<String, Vec<u8>> {
    store_with(site, &contract::config::Config::default())
}

/// An in-memory KV holding every record of `site` built with `config` ([`records::kv_map`]).
pub fn store_with(site: &Site, config: &contract::config::Config) -> HashMap<String, Vec<u8>> {
    records::kv_map(&publish::build::build_with(site, None, config))
}

/// An in-memory KV of `content/` built with `config`, each publisher file first passed
/// through `edit` (to give one a host name or a logo, say).
pub fn store_seed_with(config: &contract::config::Config, edit: impl Fn(&mut SourceFile)) -> HashMap<String, Vec<u8>> {
    let mut publishers = read_dir(&content_dir().join("publishers"), "toml");
    publishers.iter_mut().for_each(edit);
    let site = load_site(&publishers, &read_dir(&content_dir().join("releases"), "md"))
        .unwrap_or_else(|d| panic!("content/ must check clean: {d:#?}"));
    store_with(&site, config)
}

/// The fixed "now" of the native tests: after every seed release.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z").expect("valid").with_timezone(&Utc)
}

/// Serves `path` with `accept` from `kv` at [`now`]; returns the response and the KV reads it took.
/// The count leaves out `index:pages`: every HTML page reads it in its first round, beside
/// its own keys, for its footer, and the isolate keeps it (`contract::kv::reuse_seconds`);
/// `tests/core.rs::html_pages_read_the_footers_index_in_their_first_round` checks that read.
pub fn serve(kv: &HashMap<String, Vec<u8>>, path: &str, accept: Option<&str>) -> (HttpResponse, usize) {
    let mut footer = 0;
    let (response, reads) = respond_with(&RequestFacts::get(path, accept, now()), |k| {
        footer += usize::from(k == contract::pages::PAGES_KEY);
        kv.get(k).cloned()
    });
    (response, reads - footer)
}

/// Serves a prepared request from `kv`.
pub fn serve_req(kv: &HashMap<String, Vec<u8>>, req: &RequestFacts) -> HttpResponse {
    respond_with(req, |k| kv.get(k).cloned()).0
}

/// The body as text.
pub fn text(r: &HttpResponse) -> String {
    String::from_utf8(r.body.clone()).expect("UTF-8 body")
}

/// How many seconds a cache may go on serving a response with `Cache-Control: cache_control`
/// (the answer to `what`, named when this fails): the longer of its `max-age` and `s-maxage`,
/// plus its `stale-while-revalidate`; 0 for `no-store`. Fails when there is no such header, or
/// one that gives no lifetime: a response that says nothing is not "not cached".
pub fn cache_lifetime(cache_control: Option<&str>, what: &str) -> i64 {
    let control = cache_control.unwrap_or_else(|| panic!("{what}: no Cache-Control"));
    let directives: Vec<&str> = control.split(',').map(str::trim).collect();
    if directives.contains(&"no-store") {
        return 0;
    }
    let seconds = |name: &str| {
        let value = directives.iter().find_map(|d| d.strip_prefix(name)?.strip_prefix('='))?;
        Some(value.parse::<i64>().unwrap_or_else(|e| panic!("{what}: {name} in `Cache-Control: {control}`: {e}")))
    };
    let fresh = seconds("max-age").max(seconds("s-maxage"));
    let fresh = fresh.unwrap_or_else(|| panic!("{what}: `Cache-Control: {control}` gives no lifetime"));
    fresh + seconds("stale-while-revalidate").unwrap_or(0)
}

/// `r`'s body, parsed as an HTML document.
pub fn html(r: &HttpResponse) -> Html {
    Html::parse_document(&text(r))
}

/// The text of each element of `doc` that `css` selects, whitespace collapsed as a reader
/// sees it.
pub fn texts(doc: &Html, css: &str) -> Vec<String> {
    let selector = Selector::parse(css).expect("valid selector");
    doc.select(&selector)
        .map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// Attribute `attr` of each element of `doc` that `css` selects (those without it left out).
pub fn attrs(doc: &Html, css: &str, attr: &str) -> Vec<String> {
    let selector = Selector::parse(css).expect("valid selector");
    doc.select(&selector).filter_map(|e| e.value().attr(attr).map(str::to_string)).collect()
}

/// `npx wrangler d1 execute DB --local --persist-to STATE ARGS`, tried again (as the CLI
/// does) while the running `wrangler dev` holds the SQLite file: workerd answers that with
/// an "internal error" and the statement changed nothing.
pub fn local_d1(state: &str, args: &[&str]) -> Output {
    let run = || {
        Command::new("npx")
            .args(["wrangler", "d1", "execute", "DB", "--local", "--persist-to", state])
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("npx runs")
    };
    let mut out = run();
    for pause_ms in [100, 300, 900, 2000] {
        let said = [&out.stderr[..], &out.stdout[..]].concat();
        if out.status.success() || !String::from_utf8_lossy(&said).contains("internal error") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(pause_ms));
        out = run();
    }
    out
}
