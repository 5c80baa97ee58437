//! `newsroom`: the publisher CLI. Scaffolds, checks, builds, previews and publishes the
//! releases under `content/`.

mod clock;
mod d1;
mod files;
mod generate;
mod local_preview;
mod media;
mod output;
mod photos;
mod preview;
mod report;
mod scaffold;
mod settings;
mod subscribers;
mod timing;
mod upload;
mod wrangler;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use contract::model::ReleaseKind;
use publish::build::{build_removing, Removals};
use publish::content::Site;
use publish::manifest::Manifest;

use report::{Color, Format};
use wrangler::{Kv, Target};

/// Publish press releases to the edge newsroom.
///
/// Publishers write Markdown files under content/releases/ (one per release) and TOML files
/// under content/publishers/; `newsroom` checks them and uploads them to Workers KV through
/// wrangler. Nothing is uploaded unless every file checks clean.
///
/// Exit codes: 0 success; 1 content errors (nothing was written or uploaded); 2 usage,
/// I/O or wrangler errors.
#[derive(Parser)]
#[command(version, about, long_about, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

const EXAMPLES: &str = "\
Examples:
  newsroom new --publisher kymenlaakson-hyvinvointialue \"Päivystys muuttaa\"
  newsroom check
  newsroom check --format json
  newsroom status
  newsroom publish --dry-run
  newsroom publish --remote --env production";

/// How content problems are shown.
#[derive(Args, Clone, Copy, Default)]
struct Diagnostics {
    /// `human` (rustc-style, with the source line), `short` (`path:line:column: message`)
    /// or `json` (one document on stdout, for editors and CI).
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Colours in human output.
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
}

/// Which KV namespace to talk to.
#[derive(Args, Clone)]
struct Namespace {
    /// Local KV, as `make dev` serves it (the default).
    #[arg(long, conflicts_with = "remote")]
    local: bool,
    /// The namespace on Cloudflare of environment `--env NAME` (needs CLOUDFLARE_API_TOKEN
    /// and that environment's namespace id in wrangler.toml).
    #[arg(long)]
    remote: bool,
    /// Folder of local KV state (`wrangler dev --persist-to`).
    #[arg(long, default_value = ".wrangler/state", conflicts_with = "remote")]
    persist_to: PathBuf,
    /// The KV binding in wrangler.toml.
    #[arg(long, default_value = "RELEASES")]
    binding: String,
    /// A wrangler.toml environment, e.g. `staging` or `production`.
    #[arg(long)]
    env: Option<String>,
    #[command(flatten)]
    deployment: Deployment,
}

/// Where the deployment's settings (`[vars]`) are read from.
#[derive(Args, Clone)]
struct Deployment {
    /// The wrangler configuration whose `[vars]` (or `[env.NAME.vars]`) set page and feed
    /// sizes, the site's name and language, BASE_URL and WEBSUB_HUB.
    #[arg(long, default_value = "wrangler.toml")]
    wrangler_config: PathBuf,
}

impl Deployment {
    fn config(&self, env: Option<&str>, overrides: &[(&str, &str)]) -> Result<contract::config::Config> {
        settings::load(&self.wrangler_config, env, overrides)
    }
}

impl Namespace {
    /// The namespace to talk to; a remote one only with an environment whose namespace id
    /// is real ([`settings::check_remote`]).
    fn kv(&self) -> Result<Kv> {
        if self.remote {
            settings::check_remote(&self.deployment.wrangler_config, self.env.as_deref(), &self.binding)?;
        }
        let target = if self.remote { Target::Remote } else { Target::Local(self.persist_to.clone()) };
        Ok(Kv { target, binding: self.binding.clone(), env: self.env.clone() })
    }
}

#[derive(Subcommand)]
enum Command {
    /// Create a release file to fill in: content/releases/<date>-<title-words>.md.
    ///
    /// The date and time are now, in the publisher's time zone; the language is the
    /// publisher's. The file is a draft (`draft = true`) with an empty lead and body, so
    /// `newsroom check` tells what is still to write. Never overwrites a file.
    #[command(
        after_help = "Example:\n  newsroom new --publisher kymenlaakson-hyvinvointialue \"Päivystys muuttaa Kotkassa\""
    )]
    New {
        /// The publisher's slug (its file name in content/publishers/ without `.toml`).
        #[arg(long)]
        publisher: String,
        /// The headline, as it will be published.
        title: String,
        /// Type: tiedote, uutinen, artikkeli, tapahtuma or blogi.
        #[arg(long = "type", default_value = "tiedote")]
        kind: String,
        /// The language of the text (`fi`, `sv`, `en`, ...); default: the publisher's.
        #[arg(long)]
        language: Option<String>,
        /// The content folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
    },
    /// Check every publisher and release and show each problem with its file, line and column.
    #[command(
        after_help = "Examples:\n  newsroom check\n  newsroom check --format short\n  newsroom check --format json > problems.json"
    )]
    Check {
        /// The content folder (holding `publishers/`, `releases/` and `media/`), or a file in it
        /// (the whole folder is checked: a release is checked with its publisher and translations).
        #[arg(default_value = "content")]
        content: PathBuf,
        /// Timing warnings are errors: translations going live at different moments (the
        /// workflows use it).
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        diagnostics: Diagnostics,
    },
    /// Check, then write the KV upload files for `wrangler kv bulk put`.
    ///
    /// Writes OUT/kv-0-media.json (the media files, base64; also as plain files in
    /// OUT/media/), OUT/kv-1-releases.json, OUT/kv-2-indexes.json,
    /// OUT/kv-3-delete.json (keys for `wrangler kv bulk delete`) and OUT/kv-4-manifest.json,
    /// to be applied in that order, so no index ever points to a missing record and
    /// an interrupted publish can simply be run again. Stale keys and removed releases (which
    /// then answer 410 Gone) are found by comparing with the manifest of the previous build,
    /// as stored in KV under `build:manifest`. The same input gives byte-identical files.
    /// `newsroom publish` does all of this and the upload.
    #[command(
        after_help = "Example:\n  newsroom build content --out build/kv --previous build/previous-manifest.json"
    )]
    Build {
        /// The content folder.
        #[arg(default_value = "content")]
        content: PathBuf,
        /// Folder for the upload files (kv-*.json, and the media files under media/).
        #[arg(long, default_value = "build/kv")]
        out: PathBuf,
        /// The previous build's manifest (the value of `build:manifest`); without it nothing
        /// is deleted.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// A wrangler.toml environment whose `[vars]` to build with.
        #[arg(long)]
        env: Option<String>,
        /// Delete the tombstone of this removed release (a legal takedown): its address then
        /// answers 404, not 410 with its title. Repeatable.
        #[arg(long, value_name = "SLUG")]
        purge: Vec<String>,
        #[command(flatten)]
        deployment: Deployment,
        #[command(flatten)]
        diagnostics: Diagnostics,
    },
    /// Check, build and upload to KV through `npx wrangler`, in the safe order.
    ///
    /// Media, then releases, then lists and feeds, then deletion of keys that only the
    /// previous build wrote, then the build manifest: readers never meet a link to a missing
    /// release, and a publish that is interrupted completes when run again. Only new and
    /// changed keys are uploaded (compared by the digest each key carries as KV metadata), in
    /// bulk files within KV's limits (10,000 pairs). Content errors stop it before anything
    /// is uploaded.
    #[command(
        after_help = "Examples:\n  newsroom publish                 # local KV, as `make dev` serves it\n  newsroom publish --dry-run       # what would change\n  newsroom publish --remote --env staging     # Cloudflare (CLOUDFLARE_API_TOKEN)\n  newsroom publish --remote --env production"
    )]
    Publish {
        /// The content folder.
        #[arg(default_value = "content")]
        content: PathBuf,
        #[command(flatten)]
        namespace: Namespace,
        /// Build and compare, print what would change, upload nothing.
        #[arg(long)]
        dry_run: bool,
        /// Folder for the upload files.
        #[arg(long, default_value = "build/kv")]
        out: PathBuf,
        /// A bulk file uploaded as it is, with the lists (test fixtures).
        #[arg(long, hide = true)]
        extra: Vec<PathBuf>,
        /// Stop after a stage (media, releases, indexes, deletions), as an interrupted publish would (tests).
        #[arg(long, hide = true, value_parser = ["media", "releases", "indexes", "deletions"])]
        stop_after: Option<String>,
        /// Wait before the deletions until this file exists (tests of concurrent publishes).
        #[arg(long, hide = true)]
        pause_before_deletions: Option<PathBuf>,
        /// The WebSub hub to ping for every changed feed (default: WEBSUB_HUB of wrangler.toml).
        #[arg(long)]
        websub_hub: Option<String>,
        /// The newsroom's public URL, naming the feeds in pings (default: BASE_URL of wrangler.toml).
        #[arg(long)]
        base_url: Option<String>,
        /// Delete the tombstone of this removed release (a legal takedown): its address then
        /// answers 404, not 410 with its title, once caches expire. Repeatable.
        #[arg(long, value_name = "SLUG")]
        purge: Vec<String>,
        /// Timing warnings are errors: a new release dated more than a day back, translations
        /// going live at different moments (the workflows use it).
        #[arg(long)]
        strict: bool,
        /// With --dry-run: also list every storage key that would be written or deleted.
        #[arg(long, requires = "dry_run")]
        keys: bool,
        /// Judge the timing of these releases only (slug or file path; repeatable): a pull
        /// request's own, on a staging namespace that other pull requests publish to too.
        #[arg(long, value_name = "SLUG")]
        timing_of: Vec<String>,
        #[command(flatten)]
        diagnostics: Diagnostics,
    },
    /// Compare content/ with what the KV namespace holds: new, changed and stale keys.
    ///
    /// Reads only the key list (`wrangler kv key list`), never the values. Prints one line
    /// per key that differs (`new`, `changed`, `stale`) on stdout and a summary on stderr.
    #[command(after_help = "Examples:\n  newsroom status\n  newsroom status --remote --env production")]
    Status {
        /// The content folder.
        #[arg(default_value = "content")]
        content: PathBuf,
        #[command(flatten)]
        namespace: Namespace,
        #[command(flatten)]
        diagnostics: Diagnostics,
    },
    /// Each publisher's media list: accredited journalists who get its releases under
    /// embargo, each with a personal key (docs/media-embargo.md).
    #[command(
        after_help = "Examples:\n  newsroom media add toimittaja@example.fi --publisher kymsote --name \"Maija Toimittaja\" --outlet \"Kouvolan Sanomat\" --until 2027-06-30\n  newsroom media list --publisher kymsote --remote --env production\n  newsroom media revoke toimittaja@example.fi --publisher kymsote --remote --env production"
    )]
    Media {
        #[command(subcommand)]
        action: media::Action,
        #[command(flatten)]
        database: d1::Location,
        /// The content folder, to check the publisher.
        #[arg(long, global = true, default_value = "content")]
        content: PathBuf,
        #[command(flatten)]
        deployment: Deployment,
    },
    /// E-mail subscribers in the D1 database: count, export one address (GDPR access),
    /// delete one address (GDPR erasure).
    #[command(
        after_help = "Examples:\n  newsroom subscribers count\n  newsroom subscribers export matti@example.fi --remote --env production\n  newsroom subscribers delete matti@example.fi --remote --env production"
    )]
    Subscribers {
        #[command(subcommand)]
        action: subscribers::Action,
        #[command(flatten)]
        database: d1::Location,
    },
    /// Print a secret preview URL for a scheduled release or a draft (drafts are uploaded by
    /// `newsroom publish` as records only such a link opens).
    ///
    /// The token is an HMAC-SHA256 over the slug and the expiry, keyed with PREVIEW_SECRET
    /// (from the environment, else from `.dev.vars`); set the same secret on the worker with
    /// `npx wrangler secret put PREVIEW_SECRET`. At least 32 bytes.
    #[command(
        after_help = "Example:\n  newsroom preview 2026-12-01-talousarvio --hours 48 --base-url https://uutiset.example.fi"
    )]
    Preview {
        /// The release: its slug (file name without `.md`) or its file's path.
        slug: String,
        /// The content folder, to check that the release exists.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Hours the link stays valid (at most 90 days).
        #[arg(long, default_value_t = 72)]
        hours: i64,
        /// Origin of the newsroom (default: BASE_URL of wrangler.toml, else the local server).
        #[arg(long)]
        base_url: Option<String>,
        /// A wrangler.toml environment whose BASE_URL to use, and whose namespace on Cloudflare
        /// is asked whether the release is uploaded.
        #[arg(long)]
        env: Option<String>,
        /// Print the link without asking the namespace whether the release is uploaded.
        #[arg(long, conflicts_with = "local")]
        unchecked: bool,
        /// Serve the release from your files on this machine, as it will look at its moment,
        /// without uploading anything (no wrangler, no secret needed); Ctrl-C stops it.
        #[arg(long)]
        local: bool,
        /// The port of --local.
        #[arg(long, default_value_t = 8790, requires = "local")]
        port: u16,
        /// With --local: stop after answering this many requests (tests).
        #[arg(long, hide = true, requires = "local")]
        requests: Option<usize>,
        #[command(flatten)]
        deployment: Deployment,
    },
    /// Print the OpenAPI 3.1 description of the JSON API, generated from the view types
    /// (the worker serves the copy in docs/openapi.json; a test keeps the two equal).
    #[command(after_help = "Example:\n  newsroom openapi > docs/openapi.json")]
    Openapi,
    /// Generate synthetic content for benchmarks (never into content/).
    #[command(
        after_help = "Example:\n  newsroom gen --releases 10000 --publishers 20 --seed 1 --out target/bench/content"
    )]
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
        /// Camera-sized photos (4,000 × 3,000 JPEGs with GPS, serial and artist in their
        /// EXIF, every other one stored sideways), one on each of the newest releases.
        #[arg(long, default_value_t = 0)]
        photos: usize,
    },
    /// Writes one camera-like JPEG with GPS, serial number and artist in its EXIF (tests).
    #[command(hide = true)]
    SamplePhoto {
        /// The file to write.
        out: PathBuf,
        /// Width as stored, in pixels.
        #[arg(long, default_value_t = 4000)]
        width: u32,
        /// Height as stored, in pixels.
        #[arg(long, default_value_t = 3000)]
        height: u32,
        /// EXIF orientation (6: shown turned a quarter clockwise).
        #[arg(long, default_value_t = 1)]
        orientation: u16,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = enter_newsroom() {
        eprintln!("error: {e:#}");
        return ExitCode::from(2);
    }
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
        Command::New { publisher, title, kind, language, content } => {
            new_release(&content, &publisher, &title, &kind, language.as_deref())
        }
        Command::Check { content, strict, diagnostics } => {
            let content = content_folder(&content)?;
            Ok(match checked_with(&content, diagnostics, false, Some(strict))? {
                Some(site) => {
                    eprintln!("ok: {} publishers, {} releases", site.publishers.len(), site.releases.len());
                    ExitCode::SUCCESS
                }
                None => ExitCode::from(1),
            })
        }
        Command::Build { content, out, previous, env, purge, deployment, diagnostics } => {
            let config = deployment.config(env.as_deref(), &[])?;
            let previous = previous.as_deref().map(read_manifest).transpose()?;
            let Some(site) = checked(&content, diagnostics)? else {
                return Ok(ExitCode::from(1));
            };
            let building = files::spinner("building the KV records");
            let removals = Removals { now: Some(clock::now()?), purge };
            let records = build_removing(&site, previous.as_ref(), &config, &removals);
            building.finish_and_clear();
            output::check_purged(&removals.purge, &records)?;
            let media = publish::build::media_pairs(&records.media);
            let since = output::since_last(&records, &media, output::previous_output(&out));
            output::write_records(&out, &records, &media)?;
            output::summary(&site, &records, &media, &out, previous.is_some(), since.as_ref());
            Ok(ExitCode::SUCCESS)
        }
        Command::Publish {
            content,
            namespace,
            dry_run,
            out,
            extra,
            stop_after,
            pause_before_deletions,
            websub_hub,
            base_url,
            purge,
            strict,
            keys,
            timing_of,
            diagnostics,
        } => {
            let flags = [("WEBSUB_HUB", websub_hub.as_deref()), ("BASE_URL", base_url.as_deref())];
            let overrides: Vec<(&str, &str)> = flags.iter().filter_map(|(k, v)| Some((*k, (*v)?))).collect();
            let config = namespace.deployment.config(namespace.env.as_deref(), &overrides)?;
            let Some(site) = checked(&content, diagnostics)? else {
                return Ok(ExitCode::from(1));
            };
            // The target is checked before anything is touched, upload files included.
            let kv = namespace.kv()?;
            upload::clear_uploads(&out)?;
            let how = upload::Publish {
                out,
                dry_run,
                extra,
                stop_after,
                config,
                pause_before_deletions,
                purge,
                strict,
                keys,
                diagnostics,
                timing_of,
            };
            upload::publish(&site, &kv, &how)
        }
        Command::Subscribers { action, database } => {
            subscribers::run(&action, &database.database()?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Media { action, database, content, deployment } => {
            let base_url = deployment
                .config(database.env.as_deref(), &[])?
                .base_url
                .unwrap_or_else(|| "http://127.0.0.1:8787".into());
            let setup = media::Setup {
                content: &content,
                base_url: &base_url,
                secret: preview::preview_secret(&base_url).ok(),
                now: clock::now()?,
            };
            media::run(&action, &database.database()?, &setup)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Status { content, namespace, diagnostics } => {
            let config = namespace.deployment.config(namespace.env.as_deref(), &[])?;
            let Some(site) = checked(&content, diagnostics)? else {
                return Ok(ExitCode::from(1));
            };
            upload::status(&site, &namespace.kv()?, &config, diagnostics)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Preview { slug, content, hours, base_url, env, unchecked, local, port, requests, deployment } => {
            let slug = files::slug_of_argument(&slug);
            let config = deployment.config(env.as_deref(), &[])?;
            if local {
                let Some(site) = checked_to(&content, Diagnostics::default(), true)? else {
                    return Ok(ExitCode::from(1));
                };
                preview::ensure_known(&site, &slug, &content)?;
                return local_preview::serve(&site, local_preview::Local { slug: &slug, port, config, requests });
            }
            let base_url = match base_url {
                Some(url) => url,
                None => config.base_url.clone().unwrap_or_else(|| "http://127.0.0.1:8787".into()),
            };
            let namespace = match (unchecked, env) {
                (true, _) => None,
                (false, None) if !base_url.is_empty() && !preview::is_local(&base_url) => {
                    eprintln!(
                        "note: not checked that the release is uploaded to {base_url}: give `--env NAME` to ask that \
                         deployment's namespace"
                    );
                    None
                }
                (false, None) => {
                    Some(Kv { target: Target::Local(".wrangler/state".into()), binding: "RELEASES".into(), env: None })
                }
                (false, Some(env)) => {
                    settings::check_remote(&deployment.wrangler_config, Some(&env), "RELEASES")?;
                    Some(Kv { target: Target::Remote, binding: "RELEASES".into(), env: Some(env) })
                }
            };
            let link = preview::Link { slug: &slug, content: &content, hours, base_url: &base_url };
            preview::preview_url(&link, namespace.as_ref().map(|kv| (kv, &config)))
        }
        Command::Openapi => {
            print!("{}", publish::openapi::document_text());
            Ok(ExitCode::SUCCESS)
        }
        Command::SamplePhoto { out, width, height, orientation } => {
            let data =
                publish::photo::sample::camera_jpeg(width.clamp(1, 10_000), height.clamp(1, 10_000), orientation, 7);
            std::fs::write(&out, data).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Gen { releases, publishers, seed, min_body, max_body, out, photos } => {
            let spec = publish::gen::Spec {
                releases,
                publishers: publishers.max(1),
                seed,
                body_bytes: (min_body, max_body.max(min_body)),
            };
            generate::generate_into(&out, &spec)?;
            generate::add_photos(&out, photos.min(releases))?;
            eprintln!(
                "generated {releases} releases of {} publishers ({} with a photo) into {}",
                spec.publishers,
                photos.min(releases),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `newsroom new`: checks the publisher, then writes the scaffold.
fn new_release(content: &Path, publisher: &str, title: &str, kind: &str, lang: Option<&str>) -> Result<ExitCode> {
    let kind = ReleaseKind::from_param(kind).map_err(|e| anyhow::anyhow!("--type: {e}"))?;
    let loaded = files::load_publishers(content)?;
    let Some(p) = loaded.get(publisher) else {
        let known: Vec<&str> = loaded.keys().map(String::as_str).collect();
        anyhow::bail!("no publisher `{publisher}` in {}/publishers; known: {}", content.display(), known.join(", "));
    };
    let new = scaffold::NewRelease { publisher: p, title, kind, now: clock::now()?, lang };
    let path = scaffold::create(content, &new)?;
    println!("{}", path.display());
    eprintln!(
        "created {}: write the lead and the body, set `published_at` to the moment it goes public, delete \
         `draft = true`, then run `newsroom check`.\nFor journalists to get it under embargo, delete the # before \
         `embargo_notice`; for photos and PDFs, before `[[images]]` or `[[attachments]]` and their lines.",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The content folder a path names: itself, or for a file (`content/releases/x.md`) the
/// nearest folder above it holding `publishers/` or `releases/`, with a note saying so.
fn content_folder(path: &Path) -> Result<PathBuf> {
    if !path.is_file() {
        return Ok(path.to_path_buf());
    }
    let is_content = |dir: &Path| dir.join("publishers").is_dir() || dir.join("releases").is_dir();
    match path.ancestors().skip(1).find(|dir| is_content(dir)) {
        Some(dir) => {
            let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
            eprintln!(
                "note: checking all of {}, where {} is: a release is checked with its publisher and translations",
                dir.display(),
                path.display()
            );
            Ok(dir.to_path_buf())
        }
        None => anyhow::bail!(
            "{} is not in a content folder (one holding publishers/ and releases/): run `newsroom check` in the \
             newsroom's folder",
            path.display()
        ),
    }
}

/// Reads a previous build manifest; a missing or foreign one stops the build (exit 2).
fn read_manifest(path: &Path) -> Result<Manifest> {
    use anyhow::Context;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Manifest::parse(&bytes).with_context(|| format!("{}: unusable previous manifest", path.display()))
}

/// Run from a folder inside a newsroom (`content/releases`, `docs/`…), works as from its root:
/// the nearest folder above holding both `wrangler.toml` and `content/` becomes the working
/// folder, and a note says so. Not when the command line names a path of its own (`.`,
/// `../content`, `--out ../out`, a folder here): those are meant from where it was typed.
fn enter_newsroom() -> Result<()> {
    let here = std::env::current_dir()?;
    let is_root = |dir: &Path| dir.join("wrangler.toml").is_file() && dir.join("content").is_dir();
    if here.join("wrangler.toml").exists() || here.join("content").exists() {
        return Ok(());
    }
    let names_a_path = |arg: &String| {
        let value = arg.split_once('=').map_or(arg.as_str(), |(_, v)| v);
        !value.is_empty() && (value.contains(['/', '\\']) || value == "." || value == ".." || Path::new(value).exists())
    };
    if std::env::args().skip(2).any(|arg| names_a_path(&arg)) {
        return Ok(());
    }
    if let Some(root) = here.ancestors().skip(1).find(|dir| is_root(dir)) {
        std::env::set_current_dir(root)?;
        eprintln!("note: using the newsroom at {}", root.display());
    }
    Ok(())
}

/// Loads and checks the content tree; problems are printed and the site is `None`.
fn checked(content: &Path, diagnostics: Diagnostics) -> Result<Option<Site>> {
    checked_to(content, diagnostics, false)
}

/// [`checked`], the problems written to stderr with `to_stderr` (a command whose stdout is
/// its answer).
fn checked_to(content: &Path, diagnostics: Diagnostics, to_stderr: bool) -> Result<Option<Site>> {
    checked_with(content, diagnostics, to_stderr, None)
}

/// [`checked_to`], with `check`'s timing review when `timing` says how strict (its problems
/// among the others, in one report: one JSON document for `--format json`).
fn checked_with(
    content: &Path,
    diagnostics: Diagnostics,
    to_stderr: bool,
    timing: Option<bool>,
) -> Result<Option<Site>> {
    let mut loaded = files::load(content)?;
    let review = match (loaded.site.take(), timing) {
        (Some(site), Some(strict)) => {
            let review = timing::review_for_check(&site, strict, &mut loaded)?;
            loaded.site = Some(site);
            Some(review)
        }
        (site, _) => {
            loaded.site = site;
            None
        }
    };
    // What was done and when each release goes public first, then the problems, then the verdict.
    let photos = loaded.photos;
    if photos.processed + photos.cached > 0 {
        eprintln!(
            "photos: {} processed, {} unchanged (from {}); every one without its metadata (GPS, camera, names)",
            photos.processed,
            photos.cached,
            photos::cache_dir(content).display()
        );
    }
    if let Some(review) = &review {
        timing::print_lines(review);
    }
    let (count, warned) = (loaded.diagnostics.len(), loaded.warnings.len());
    if count > 0 || warned > 0 || diagnostics.format == Format::Json {
        let (format, color) = (diagnostics.format, diagnostics.color);
        report::print(&loaded.diagnostics, &loaded.warnings, &loaded.texts, format, color, to_stderr);
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if count > 0 {
        eprintln!("error: {count} problem{} found; nothing was written", plural(count));
        loaded.site = None;
    }
    if let (0, Some(site)) = (count, &loaded.site) {
        let drafts = &site.unfinished_drafts;
        if !drafts.is_empty() {
            let names = drafts.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
            eprintln!(
                "warning: {} unfinished draft{} ({names}) left out: {} problem{} there block nothing else",
                drafts.len(),
                plural(drafts.len()),
                site.draft_problems.len(),
                plural(site.draft_problems.len())
            );
        }
    }
    Ok(loaded.site)
}
