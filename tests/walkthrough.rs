//! docs/walkthrough.md stays true: its commands run as written, in a fresh copy of this
//! repository whose `content/` was published to local KV first (as `make dev` does), and
//! their output must match what the page shows.
//!
//! The page has an English and a Finnish section with the same commands and outputs (only the
//! prose differs): that is checked, then the commands run once. ` ```markdown file=PATH `
//! blocks are written to PATH; ` ```console ` blocks hold `$ command` lines, each followed by
//! its expected output. Matching: the expected lines appear in the output in that order (`…`
//! stands for anything), and every line of the output that is a problem (`error`, `warning`)
//! or a timing line is shown on the page: upload progress may be left out, what a
//! communications officer must read may not. A command whose expected output has an
//! `error:` line must fail; any other must succeed. `newsroom preview --local` is given
//! `--requests 1`, and its page is fetched once.
//!
//! Needs wrangler (`npm ci`): run by scripts/e2e.sh, `#[ignore]`d for a plain `cargo test`.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One step of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// Write this file (path relative to the repository's root).
    File(String, String),
    /// Run this command; its output must match these lines.
    Run(String, Vec<String>),
}

/// The steps of the section under `heading`, up to the next `## ` heading.
fn steps(page: &str, heading: &str) -> Vec<Step> {
    let section = page.split_once(&format!("\n## {heading}\n")).expect("the section").1;
    let section = section.split("\n## ").next().unwrap_or(section);
    let mut out = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else { continue };
        let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        if let Some(path) = info.strip_prefix("markdown file=") {
            out.push(Step::File(path.to_string(), block.join("\n") + "\n"));
        } else if info == "console" {
            for line in block {
                match line.strip_prefix("$ ") {
                    Some(command) => out.push(Step::Run(command.to_string(), Vec::new())),
                    None => match out.last_mut() {
                        Some(Step::Run(_, expected)) => expected.push(line.to_string()),
                        _ => panic!("output before any command: {line}"),
                    },
                }
            }
        }
    }
    out
}

/// True when `line` matches `expected`, where `…` stands for anything.
fn matches(expected: &str, line: &str) -> bool {
    let parts: Vec<&str> = expected.trim_end().split('…').collect();
    let line = line.trim_end();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return line == first;
    }
    if !line.starts_with(first) || !line.ends_with(last) || line.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &line[first.len()..line.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// A line the page must show: a problem, the summary of problems, or a timing line.
fn must_be_shown(line: &str) -> bool {
    line.starts_with("error") || line.starts_with("warning") || line.contains(": warning: ") || {
        let timing = line.trim_start();
        line.starts_with("  ") && ["new ", "changed ", "removed ", "20"].iter().any(|p| timing.starts_with(p))
    }
}

fn check_output(command: &str, expected: &[String], output: &str) {
    let lines: Vec<&str> = output.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut at = 0;
    for want in expected {
        match lines[at..].iter().position(|l| matches(want, l)) {
            Some(found) => at += found + 1,
            None => panic!("`{command}`: expected, in this order:\n{want}\n\nin the output:\n{output}"),
        }
    }
    for line in lines.iter().filter(|l| must_be_shown(l)) {
        assert!(
            expected.iter().any(|want| matches(want, line)),
            "`{command}` printed a line the page does not show:\n{line}\n\nwhole output:\n{output}"
        );
    }
}

/// A fresh copy of the repository's newsroom: its settings, `content/`, wrangler (linked)
/// and a preview secret, with `content/` published to local KV.
fn newsroom_copy() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("tmp");
    for file in ["wrangler.toml", "package.json"] {
        fs::copy(repo.join(file), tmp.path().join(file)).expect("copy");
    }
    common::copy_tree(&repo.join("content"), &tmp.path().join("content"));
    std::os::unix::fs::symlink(repo.join("node_modules"), tmp.path().join("node_modules")).expect("link");
    fs::write(tmp.path().join(".dev.vars"), "PREVIEW_SECRET=walkthrough-secret-0123456789abcdef0123456789\n")
        .expect("write");
    let published = shell("newsroom publish", tmp.path()).output().expect("runs");
    assert!(published.status.success(), "{}", String::from_utf8_lossy(&published.stderr));
    tmp
}

/// `bash -c COMMAND` in `dir`, with this build's `newsroom` first on the PATH and both
/// outputs in one stream, in the order written.
fn shell(command: &str, dir: &Path) -> Command {
    let bin: PathBuf = Path::new(env!("CARGO_BIN_EXE_newsroom")).parent().expect("bin dir").to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut c = Command::new("bash");
    c.args(["-c", &format!("set -o pipefail; {command} 2>&1")])
        .current_dir(dir)
        .env("PATH", path)
        .env("WRANGLER_SEND_METRICS", "false")
        .env("NO_COLOR", "1")
        .env_remove("PREVIEW_SECRET")
        .env_remove("NEWSROOM_CACHE");
    c
}

/// Runs `preview --local` for one request: fetches the page it prints, and returns all it said.
fn serve_once(command: &str, dir: &Path) -> String {
    let mut child = shell(&format!("{command} --requests 1"), dir).stdout(Stdio::piped()).spawn().expect("runs");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut said = String::new();
    while !said.lines().any(|l| l.starts_with("http://")) {
        assert!(reader.read_line(&mut said).expect("reads") > 0, "no address: {said}");
    }
    let url = said.lines().find(|l| l.starts_with("http://")).expect("address").to_string();
    let page = ureq::get(&url).call().expect("the page answers").into_string().expect("text");
    assert!(page.contains("<h1>Esimerkki: uusi päivystysmalli</h1>"), "{page}");
    reader.read_to_string(&mut said).expect("reads");
    assert!(child.wait().expect("ends").success(), "{said}");
    said
}

#[test]
fn both_languages_show_the_same_commands_and_output() {
    let page = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/walkthrough.md")).expect("page");
    let (en, fi) = (steps(&page, "In English"), steps(&page, "Suomeksi"));
    assert!(en.len() > 20, "{en:?}");
    assert_eq!(en, fi);
}

#[test]
fn matching_is_in_order_with_wildcards() {
    assert!(matches("scheduled for 15.1.2030 (in … days)", "scheduled for 15.1.2030 (in 1135 days)"));
    assert!(!matches("scheduled for 15.1.2030 (in … days)", "scheduled for 14.1.2030 (in 1135 days)"));
    assert!(matches("a … b … c", "a 1 b 2 c") && !matches("a … b … c", "a 1 c 2 b"));
    assert!(must_be_shown("  new      x: public now") && must_be_shown("x.md:4:1: warning: y"));
    assert!(!must_be_shown("[publish] put 9 releases keys"));
}

#[test]
#[ignore = "needs wrangler (npm ci): run by scripts/e2e.sh"]
fn every_command_of_the_walkthrough_says_what_the_page_shows() {
    let page = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/walkthrough.md")).expect("page");
    // The page's release goes public on 15.1.2030, its embargo notice a day before.
    let today = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    assert!(today < 1_894_000_000, "docs/walkthrough.md's 2030-01-15 has come: move its dates forward");
    let copy = newsroom_copy();
    let dir = copy.path();
    for step in steps(&page, "In English") {
        match step {
            Step::File(path, text) => fs::write(dir.join(path), text).expect("write"),
            Step::Run(command, expected) if command.contains("preview --local") => {
                check_output(&command, &expected, &serve_once(&command, dir));
            }
            Step::Run(command, expected) => {
                let out = shell(&command, dir).output().expect("runs");
                let output = String::from_utf8_lossy(&out.stdout).to_string();
                let fails = expected.iter().any(|l| l.starts_with("error:"));
                assert_eq!(!out.status.success(), fails, "`{command}` exit {:?}:\n{output}", out.status.code());
                check_output(&command, &expected, &output);
            }
        }
    }
}
