//! `newsroom`: the publisher CLI. Checks `content/` and builds the KV upload files.

mod gen;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use newsroom::build::{build, Records};
use newsroom::content::{load_site, Diagnostic, Site, SourceFile};
use newsroom::kv::KvPair;

/// Publish press releases to the edge newsroom.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check every publisher and release; print `path:line: message` for each problem.
    ///
    /// Exit code 0: all good; 1: content errors (nothing written); 2: usage or I/O errors.
    Check {
        /// The content folder (holding `publishers/` and `releases/`).
        #[arg(default_value = "content")]
        content: PathBuf,
    },
    /// Check, then write the KV records for `wrangler kv bulk put`.
    ///
    /// Writes OUT/kv-1-releases.json (upload first) and OUT/kv-2-indexes.json (upload
    /// second), so no index ever points to a release that is not uploaded yet.
    ///
    /// Example: newsroom build content --out build/kv
    Build {
        /// The content folder (holding `publishers/` and `releases/`).
        #[arg(default_value = "content")]
        content: PathBuf,
        /// Output folder.
        #[arg(long, default_value = "build/kv")]
        out: PathBuf,
    },
    /// Generate synthetic content for benchmarks (never into content/).
    ///
    /// Example: newsroom gen --releases 10000 --publishers 20 --seed 1 --out target/bench/content
    Gen {
        /// Number of releases.
        #[arg(long, default_value_t = 1000)]
        releases: usize,
        /// Number of publishers.
        #[arg(long, default_value_t = 10)]
        publishers: usize,
        /// Seed: the same seed gives the same files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Smallest body in bytes.
        #[arg(long, default_value_t = 2048)]
        min_body: usize,
        /// Largest body in bytes.
        #[arg(long, default_value_t = 8192)]
        max_body: usize,
        /// Output folder; replaced if it was made by `newsroom gen`.
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Check { content } => Ok(match checked(&content)? {
            Ok(site) => {
                eprintln!("ok: {} publishers, {} releases", site.publishers.len(), site.releases.len());
                ExitCode::SUCCESS
            }
            Err(count) => failed(count),
        }),
        Command::Build { content, out } => match checked(&content)? {
            Ok(site) => {
                let records = build(&site);
                write_records(&out, &records)?;
                for slug in &records.drafts {
                    eprintln!("skipped draft `{slug}` (remove `draft = true` to publish it)");
                }
                eprintln!(
                    "built {} release records and {} index records into {}",
                    records.releases.len(),
                    records.indexes.len(),
                    out.display()
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(count) => Ok(failed(count)),
        },
        Command::Gen { releases, publishers, seed, min_body, max_body, out } => {
            let spec = gen::Spec {
                releases,
                publishers: publishers.max(1),
                seed,
                body_bytes: (min_body, max_body.max(min_body)),
            };
            generate_into(&out, &spec)?;
            eprintln!("generated {releases} releases of {} publishers into {}", spec.publishers, out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Marks a folder as made by `newsroom gen`, so a later run may replace it.
const GEN_MARKER: &str = ".newsroom-gen";

fn generate_into(out: &Path, spec: &gen::Spec) -> Result<()> {
    if out.exists() {
        anyhow::ensure!(
            out.join(GEN_MARKER).exists(),
            "{} exists and was not made by `newsroom gen`; refusing to replace it",
            out.display()
        );
        fs::remove_dir_all(out).with_context(|| format!("cannot remove {}", out.display()))?;
    }
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    fs::write(out.join(GEN_MARKER), "").with_context(|| format!("cannot write into {}", out.display()))?;
    gen::generate(spec, |rel, text| {
        let path = out.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    })
}

fn failed(count: usize) -> ExitCode {
    eprintln!("error: {count} problem{} found; nothing was written", if count == 1 { "" } else { "s" });
    ExitCode::from(1)
}

/// Loads and checks the content tree; content problems are printed and counted.
fn checked(content: &Path) -> Result<Result<Site, usize>> {
    let (publishers, releases, mut diags) = read_tree(content)?;
    if releases.is_empty() && publishers.is_empty() && diags.is_empty() {
        anyhow::bail!("{} holds no publishers/*.toml or releases/**/*.md", content.display());
    }
    let site = match load_site(&publishers, &releases) {
        Ok(site) => Some(site),
        Err(found) => {
            diags.extend(found);
            None
        }
    };
    newsroom::content::sort(&mut diags);
    for d in &diags {
        println!("{d}");
    }
    Ok(match site {
        Some(site) if diags.is_empty() => Ok(site),
        _ => Err(diags.len()),
    })
}

type Tree = (Vec<SourceFile>, Vec<SourceFile>, Vec<Diagnostic>);

/// Reads `publishers/*.toml` and `releases/**/*.md`; files that are not UTF-8 become diagnostics.
fn read_tree(content: &Path) -> Result<Tree> {
    let mut diags = Vec::new();
    let mut read_all = |dir: &Path, ext: &str| -> Result<Vec<SourceFile>> {
        let mut files = Vec::new();
        for path in list(dir, ext)? {
            let bytes = fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let shown = path.display().to_string();
            match String::from_utf8(bytes) {
                Ok(text) => files.push(SourceFile { path: shown, text }),
                Err(e) => {
                    let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                    let line = 1 + good.iter().filter(|&&b| b == b'\n').count();
                    diags.push(Diagnostic { path: shown, line, message: "the file is not valid UTF-8".into() });
                }
            }
        }
        Ok(files)
    };
    let publishers = read_all(&content.join("publishers"), "toml")?;
    let releases = read_all(&content.join("releases"), "md")?;
    Ok((publishers, releases, diags))
}

/// Files under `dir` (recursively) with extension `ext`, sorted; a missing folder is empty.
fn list(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).with_context(|| format!("cannot list {}", d.display()))? {
            let path = entry.with_context(|| format!("cannot list {}", d.display()))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Writes both upload files, each through a temporary file and a rename.
fn write_records(out: &Path, records: &Records) -> Result<()> {
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    write_json(&out.join("kv-1-releases.json"), &records.releases)?;
    write_json(&out.join("kv-2-indexes.json"), &records.indexes)
}

fn write_json(path: &Path, pairs: &[KvPair]) -> Result<()> {
    let text = serde_json::to_string_pretty(pairs).context("cannot serialize KV pairs")?;
    let tmp = path.with_extension("json.tmp");
    fs::write(&tmp, text + "\n").with_context(|| format!("cannot write {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("cannot move {} into place", path.display()))
}
