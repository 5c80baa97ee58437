//! `newsroom`: the publisher CLI. Scaffolds, checks, builds, previews and publishes the
//! releases under `content/`.
#![recursion_limit = "256"]

mod clock;
mod commands;
mod d1;
mod editor;
mod files;
mod generate;
mod local_preview;
mod mail;
mod media;
mod output;
mod page_templates;
mod photos;
mod preview;
mod report;
mod scaffold;
mod settings;
mod social;
mod subscribers;
mod timing;
mod upload;
mod wrangler;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use contract::model::ReleaseKind;
use publish::build::{build_removing, Removals};
use publish::content::Site;
use publish::manifest::Manifest;

use commands::{Cli, Command, Diagnostics, NewPage};
use report::Format;
use wrangler::{Kv, Target};

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
        Command::New { page: Some(NewPage::Page { name, title, language, publisher, content }), .. } => {
            new_page(&content, &name, title.as_deref(), language.as_deref(), publisher.as_deref())
        }
        Command::New { page: None, publisher, title, kind, language, content } => {
            let (Some(publisher), Some(title)) = (publisher, title) else {
                anyhow::bail!("give the publisher and the title: newsroom new --publisher SLUG \"Title\"");
            };
            new_release(&content, &publisher, &title, &kind, language.as_deref())
        }
        Command::Check { content, strict, diagnostics } => {
            let content = content_folder(&content)?;
            Ok(match checked_with(&content, diagnostics, false, Some(strict), strict)? {
                Some(site) => {
                    let (p, r, pages) = (site.publishers.len(), site.releases.len(), site.pages.len());
                    eprintln!("ok: {p} publishers, {r} releases, {pages} pages");
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
            let Some(site) = checked_with(&content, diagnostics, false, None, strict)? else {
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
        Command::Mail { action, database } => {
            mail::run(&action, &database, clock::now()?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Social { action, database } => {
            let ok = social::run(&action, &database, clock::now()?)?;
            Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
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
                (false, None) => Some(Kv {
                    target: Target::Local(".wrangler/state".into()),
                    binding: "RELEASES".into(),
                    env: None,
                    bucket: None,
                }),
                (false, Some(env)) => {
                    settings::check_remote(&deployment.wrangler_config, Some(&env), "RELEASES")?;
                    Some(Kv { target: Target::Remote, binding: "RELEASES".into(), env: Some(env), bucket: None })
                }
            };
            let link = preview::Link { slug: &slug, content: &content, hours, base_url: &base_url };
            preview::preview_url(&link, namespace.as_ref().map(|kv| (kv, &config)))
        }
        Command::EditorConfig { content, repo, branch, auth_origin, out } => {
            let repo =
                repo.or_else(|| std::env::var("GITHUB_REPOSITORY").ok()).unwrap_or_else(|| "OWNER/REPOSITORY".into());
            let target = editor::Target { repo: &repo, branch: &branch, auth_origin: auth_origin.as_deref() };
            let text = editor::config(&content, &target, clock::now()?)?;
            match out {
                Some(path) => {
                    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                        std::fs::create_dir_all(dir)
                            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
                    }
                    std::fs::write(&path, text).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
                }
                None => println!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
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

/// `newsroom new page NAME`: writes the page and says what to do next.
fn new_page(
    content: &Path,
    name: &str,
    title: Option<&str>,
    lang: Option<&str>,
    publisher: Option<&str>,
) -> Result<ExitCode> {
    if let Some(slug) = publisher {
        let loaded = files::load_publishers(content)?;
        if !loaded.contains_key(slug) {
            let known: Vec<&str> = loaded.keys().map(String::as_str).collect();
            anyhow::bail!("no publisher `{slug}` in {}/publishers; known: {}", content.display(), known.join(", "));
        }
    }
    let today = clock::now()?.with_timezone(&chrono_tz::Europe::Helsinki).format("%Y-%m-%d").to_string();
    let new = scaffold::NewPage { name, title, lang, publisher, today: &today };
    let path = scaffold::create_page(content, &new)?;
    println!("{}", path.display());
    let slug = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    eprintln!(
        "created {}: replace every <<...>> with your own text, then run `newsroom check` (it names each one left). \
         The page will be at /pages/{slug}.",
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
    checked_with(content, diagnostics, to_stderr, None, false)
}

/// [`checked_to`], with `check`'s timing review when `timing` says how strict (its problems
/// among the others, in one report: one JSON document for `--format json`). With `strict`,
/// a required page missing is an error (the site is not ready for production), otherwise a
/// note; a placeholder left is always a warning, of `check`'s only.
fn checked_with(
    content: &Path,
    diagnostics: Diagnostics,
    to_stderr: bool,
    timing: Option<bool>,
    strict: bool,
) -> Result<Option<Site>> {
    let mut loaded = files::load(content)?;
    if let Some(site) = loaded.site.as_mut() {
        let (missing, left) = (std::mem::take(&mut site.missing_pages), std::mem::take(&mut site.placeholders));
        if strict {
            loaded.diagnostics.extend(missing);
            publish::content::sort(&mut loaded.diagnostics);
        } else {
            for d in &missing {
                eprintln!("note: {} (`--strict` refuses it)", d.message);
            }
        }
        // Placeholders are warnings, `check`'s to list: they never block a release, and
        // other commands do not repeat them.
        if timing.is_some() {
            loaded.warnings.extend(left);
            publish::content::sort(&mut loaded.warnings);
        }
    }
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
