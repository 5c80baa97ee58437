//! `newsroom`: the publisher CLI. Checks `content/` and builds the KV upload files.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use newsroom::build::{build, Records};
use newsroom::content::{load_site_with_media, Diagnostic, Site, SourceFile, SourceMedia};
use newsroom::manifest::Manifest;
use newsroom::preview;

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
    /// Writes OUT/kv-0-media.json (the media files, base64; also as plain files in
    /// OUT/media/), OUT/kv-1-releases.json, OUT/kv-2-indexes.json,
    /// OUT/kv-3-delete.json (keys for `wrangler kv bulk delete`) and OUT/kv-4-manifest.json,
    /// to be applied in that order, so no index ever points to a missing record and
    /// an interrupted publish can simply be run again. Stale keys and removed releases (which then answer 410
    /// Gone) are found by comparing with the manifest of the previous build, as stored in KV
    /// under `build:manifest` (`scripts/publish.sh` fetches it).
    ///
    /// Example: newsroom build content --out build/kv --previous build/previous-manifest.json
    Build {
        /// The content folder (holding `publishers/` and `releases/`).
        #[arg(default_value = "content")]
        content: PathBuf,
        /// Output folder.
        #[arg(long, default_value = "build/kv")]
        out: PathBuf,
        /// The previous build's manifest (the value of `build:manifest`); without it nothing
        /// is deleted.
        #[arg(long)]
        previous: Option<PathBuf>,
    },
    /// Print a secret preview URL for a scheduled release.
    ///
    /// The token is an HMAC-SHA256 over the slug and the expiry, keyed with PREVIEW_SECRET
    /// (from the environment, else from `.dev.vars`); set the same secret on the worker with
    /// `npx wrangler secret put PREVIEW_SECRET`. At least 32 bytes.
    ///
    /// Example: newsroom preview 2026-12-01-talousarvio --hours 48
    Preview {
        /// Slug of the release (its file name without `.md`).
        slug: String,
        /// The content folder, to check that the release exists.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Hours the link stays valid (at most 90 days).
        #[arg(long, default_value_t = 72)]
        hours: i64,
        /// Origin of the newsroom.
        #[arg(long, default_value = "http://127.0.0.1:8787")]
        base_url: String,
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
        Command::Build { content, out, previous } => {
            let previous = previous.as_deref().map(read_manifest).transpose()?;
            match checked(&content)? {
                Ok(site) => {
                    let records = build(&site, previous.as_ref());
                    write_records(&out, &records)?;
                    report(&records, &out, previous.is_some());
                    Ok(ExitCode::SUCCESS)
                }
                Err(count) => Ok(failed(count)),
            }
        }
        Command::Preview { slug, content, hours, base_url } => preview_url(&slug, &content, hours, &base_url),
        Command::Gen { releases, publishers, seed, min_body, max_body, out } => {
            let spec = newsroom::gen::Spec {
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

/// Reads a previous build manifest; a missing or foreign one stops the build (exit 2).
fn read_manifest(path: &Path) -> Result<Manifest> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Manifest::parse(&bytes).with_context(|| format!("{}: unusable previous manifest", path.display()))
}

fn report(records: &Records, out: &Path, had_previous: bool) {
    for slug in &records.drafts {
        eprintln!("skipped draft `{slug}` (remove `draft = true` to publish it)");
    }
    let c = &records.changes;
    for slug in &c.removed {
        eprintln!("removed `{slug}`: it will answer 410 Gone");
    }
    eprintln!(
        "built {} release records and {} index records into {}",
        records.releases.len(),
        records.indexes.len(),
        out.display()
    );
    if had_previous {
        eprintln!(
            "since the previous build: {} new, {} removed, {} stale keys to delete",
            c.added.len(),
            c.removed.len(),
            c.deletions.len()
        );
    } else {
        eprintln!("no previous manifest given: nothing will be deleted");
    }
}

/// Prints the preview URL of `slug`, valid for `hours`.
fn preview_url(slug: &str, content: &Path, hours: i64, base_url: &str) -> Result<ExitCode> {
    anyhow::ensure!(
        (1..=preview::MAX_VALID_DAYS * 24).contains(&hours),
        "--hours must be from 1 to {}",
        preview::MAX_VALID_DAYS * 24
    );
    let site = match checked(content)? {
        Ok(site) => site,
        Err(count) => return Ok(failed(count)),
    };
    let release = site.releases.iter().find(|r| r.slug == slug);
    let Some(release) = release else {
        anyhow::bail!("no release `{slug}` in {}", content.display());
    };
    let secret = preview_secret()?;
    let now = now()?;
    let expires = now + chrono::Duration::hours(hours);
    let token = preview::sign(secret.as_bytes(), slug, expires).context("cannot sign the preview token")?;
    if release.published.at <= now {
        eprintln!("note: `{slug}` is already public; the link shows the public page");
    } else if release.draft {
        eprintln!(
            "note: `{slug}` is a draft: it is not uploaded, so the link answers 404 until you remove `draft = true`"
        );
    }
    println!("{}/releases/{slug}?preview={token}", base_url.trim_end_matches('/'));
    eprintln!("valid until {} (UTC)", expires.format("%Y-%m-%d %H:%M"));
    Ok(ExitCode::SUCCESS)
}

/// The current time (chrono's clock feature is left out of the core's dependencies).
fn now() -> Result<chrono::DateTime<chrono::Utc>> {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).context("clock before 1970")?;
    chrono::DateTime::from_timestamp(i64::try_from(secs.as_secs())?, 0).context("clock out of range")
}

/// PREVIEW_SECRET from the environment, else from `.dev.vars` (what `wrangler dev` reads).
fn preview_secret() -> Result<String> {
    if let Ok(secret) = std::env::var("PREVIEW_SECRET") {
        return Ok(secret);
    }
    let text = fs::read_to_string(".dev.vars")
        .context("PREVIEW_SECRET is not set and .dev.vars cannot be read (`make dev` creates one)")?;
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("PREVIEW_SECRET"))
        .filter_map(|rest| rest.trim_start().strip_prefix('='))
        .map(|value| value.trim().trim_matches('"').to_string())
        .next()
        .context(".dev.vars has no PREVIEW_SECRET line")
}

/// Marks a folder as made by `newsroom gen`, so a later run may replace it.
const GEN_MARKER: &str = ".newsroom-gen";

fn generate_into(out: &Path, spec: &newsroom::gen::Spec) -> Result<()> {
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
    newsroom::gen::generate(spec, |rel, text| -> Result<()> {
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
    let media = read_media(&content.join("media"), &mut diags)?;
    let site = match load_site_with_media(&publishers, &releases, &media) {
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

/// Every file under `content/media/` (front matter names them by their path relative to it).
/// Oversized files are reported without being read.
fn read_media(dir: &Path, diags: &mut Vec<Diagnostic>) -> Result<Vec<SourceMedia>> {
    let mut out = Vec::new();
    for path in list(dir, "")? {
        let size = fs::metadata(&path).with_context(|| format!("cannot read {}", path.display()))?.len();
        let shown = path.display().to_string();
        if size > newsroom::media::MAX_BYTES as u64 {
            let message = format!("the file is {size} bytes; the limit is {}", newsroom::media::MAX_BYTES);
            diags.push(Diagnostic { path: shown, line: 1, message });
            continue;
        }
        let data = fs::read(&path).with_context(|| format!("cannot read {shown}"))?;
        let name = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        out.push(SourceMedia { path: shown, name, data });
    }
    Ok(out)
}

/// Files under `dir` (recursively) with extension `ext` (any file for `""`), sorted; a
/// missing folder is empty.
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
            } else if ext.is_empty() || path.extension().is_some_and(|e| e == ext) {
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
    write_media(&out.join("media"), &records.media)?;
    write_json(&out.join("kv-0-media.json"), &newsroom::build::media_pairs(&records.media))?;
    write_json(&out.join("kv-1-releases.json"), &records.releases)?;
    write_json(&out.join("kv-2-indexes.json"), &records.indexes)?;
    write_json(&out.join("kv-3-delete.json"), &records.changes.deletions)?;
    write_json(&out.join("kv-4-manifest.json"), &records.manifest)
}

/// The media files as plain files too: local KV takes binary values only from files
/// (`wrangler kv key put --path`), because local `kv bulk put` corrupts base64 values
/// (cloudflare/workers-sdk#15192, fixed after the wrangler version we pin).
fn write_media(dir: &Path, files: &[newsroom::media::MediaFile]) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for f in files {
        let path = dir.join(&f.media.name);
        fs::write(&path, &f.data).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn write_json<T: serde::Serialize>(path: &Path, items: &[T]) -> Result<()> {
    let text = serde_json::to_string_pretty(items).context("cannot serialize KV pairs")?;
    let tmp = path.with_extension("json.tmp");
    fs::write(&tmp, text + "\n").with_context(|| format!("cannot write {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("cannot move {} into place", path.display()))
}
