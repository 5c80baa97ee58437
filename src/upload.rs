//! `newsroom publish` and `newsroom status`: the build compared with a KV namespace, and
//! uploaded in the safe order (media, releases, indexes, deletions, manifest).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use contract::config::Config;
use contract::kv::KvPair;
use contract::model::ReleaseStub;
use publish::build::{build_removing, media_pairs, Records, Removals};
use publish::content::Site;
use publish::manifest::Manifest;
use publish::sync::{compare, Comparison};

use crate::output::{all_pairs, write_json, write_records};
use crate::wrangler::{chunks, Kv};

/// What `newsroom publish` was asked for.
pub struct Publish {
    /// Where the upload files are written.
    pub out: PathBuf,
    /// Only report what would change.
    pub dry_run: bool,
    /// Bulk files uploaded as they are, with the indexes (test fixtures).
    pub extra: Vec<PathBuf>,
    /// Stop after this stage, as an interrupted publish would (tests).
    pub stop_after: Option<String>,
    /// The deployment's settings (page and feed sizes, site name, WebSub hub).
    pub config: Config,
    /// Wait before the deletions until this file exists, as a slow publish would (tests).
    pub pause_before_deletions: Option<PathBuf>,
    /// Removed releases whose tombstones to delete (`--purge`).
    pub purge: Vec<String>,
    /// Timing warnings stop the publish (`--strict`).
    pub strict: bool,
    /// With `dry_run`: list every key too.
    pub keys: bool,
    /// How timing problems are shown.
    pub diagnostics: crate::Diagnostics,
    /// Only these releases' timing problems are said (`--timing-of`).
    pub timing_of: Vec<String>,
}

/// The build of `site` for `kv`, with what the namespace holds now.
struct Plan {
    records: Records,
    /// `media_pairs(&records.media)`, encoded once.
    media: Vec<KvPair>,
    comparison: Comparison,
    deletions: Vec<String>,
    /// The namespace's `build:manifest` this plan was made against.
    previous: Option<Manifest>,
    /// The video files whose gates are not in KV yet: to upload to R2 first.
    objects: Vec<publish::r2::Object>,
    /// The R2 keys of videos no build needs any more (their gates are stale).
    stale_objects: Vec<String>,
}

/// The build compared with `kv`. Releases removed before their moment leave no tombstone,
/// nor do those in `purge` (checked: each must be a removed release).
fn plan(site: &Site, kv: &Kv, config: &Config, purge: &[String]) -> Result<Plan> {
    let previous = kv.manifest()?;
    let building = crate::files::spinner("building the KV records");
    let removals = Removals { now: Some(crate::clock::now()?), purge: purge.to_vec() };
    let records = build_removing(site, previous.as_ref(), config, &removals);
    building.finish_and_clear();
    crate::output::check_purged(purge, &records)?;
    let listed = kv.list()?;
    let media = media_pairs(&records.media);
    let comparison = compare(all_pairs(&records, &media), &listed);
    // Only keys the previous build wrote are ever deleted; keys put there by hand stay.
    let held: std::collections::BTreeSet<&str> = listed.iter().map(|k| k.name.as_str()).collect();
    let deletions = records.changes.deletions.iter().filter(|k| held.contains(k.as_str())).cloned().collect();
    // A gate in KV means its file is in R2 (the gate goes up after it): only files without
    // one are uploaded, so an interrupted upload resumes where it stopped.
    let objects = records
        .objects
        .iter()
        .filter(|o| !held.contains(contract::video::gate_key(&o.name).as_str()))
        .cloned()
        .collect();
    // From the manifest, not from what KV holds: a publish stopped after deleting a gate
    // still deletes its file when run again (deleting a missing object does nothing).
    let stale_objects = publish::r2::stale_objects(&records.changes.deletions);
    // Posts link to BASE_URL: on Cloudflare without it they would link to this computer.
    let announces = site.publishers.values().any(|p| !p.announce.is_empty());
    if announces && !kv.is_local() && config.base_url.is_none() {
        anyhow::bail!(
            "a publisher announces releases on social media (`announce` in `[social]`), but this environment has \
             no BASE_URL: the posts would link to http://127.0.0.1:8787. Set BASE_URL in [env.{}.vars] of \
             wrangler.toml and wrangler.mail.toml (docs/operations.md)",
            kv.env.as_deref().unwrap_or("NAME")
        );
    }
    // No bucket for videos: said before anything is uploaded (also by --dry-run and status).
    if !records.objects.is_empty() || !stale_objects.is_empty() {
        kv.bucket()?;
    }
    Ok(Plan { records, media, comparison, deletions, previous, objects, stale_objects })
}

/// Uploads what changed; every stage completes before the next starts. Exit 1 (nothing
/// uploaded) for a timing problem ([`crate::timing`]).
pub fn publish(site: &Site, kv: &Kv, how: &Publish) -> Result<ExitCode> {
    let Plan { records, media, comparison, deletions, previous, objects, stale_objects } =
        plan(site, kv, &how.config, &how.purge)?;
    let c = &comparison;
    let known = crate::timing::known(c, previous.as_ref(), &how.purge, &how.timing_of);
    if !crate::timing::check(site, &known, how.diagnostics, how.strict, "nothing was uploaded")? {
        return Ok(ExitCode::from(1));
    }
    write_records(&how.out, &records, &media)?;
    eprintln!(
        "{}: {} keys new, {} changed, {} unchanged; {} to delete",
        where_(kv),
        c.new.len(),
        c.changed.len(),
        c.unchanged,
        deletions.len()
    );
    if !objects.is_empty() || !stale_objects.is_empty() {
        let bytes: u64 = objects.iter().map(|o| o.bytes).sum();
        eprintln!(
            "videos in R2: {} file(s) to upload ({:.1} MB), {} to delete",
            objects.len(),
            bytes as f64 / 1e6,
            stale_objects.len()
        );
    }
    if how.dry_run {
        if how.keys {
            c.new.iter().for_each(|k| println!("new      {k}"));
            c.changed.iter().for_each(|k| println!("changed  {k}"));
            deletions.iter().for_each(|k| println!("delete   {k}"));
            objects.iter().for_each(|o| println!("upload   r2:{} ({})", o.key, o.path));
            stale_objects.iter().for_each(|k| println!("delete   r2:{k}"));
        }
        let releases = known.new.len() + known.changed.len();
        eprintln!(
            "dry run: nothing uploaded; {releases} release{} would change{}",
            if releases == 1 { "" } else { "s" },
            if how.keys { "" } else { " (`--keys` lists every storage key)" }
        );
        return Ok(ExitCode::SUCCESS);
    }
    let pending = |pairs: &[KvPair]| -> Vec<KvPair> { pairs.iter().filter(|p| c.needs_upload(p)).cloned().collect() };
    let stop = |stage: &str| {
        let stop = how.stop_after.as_deref() == Some(stage);
        if stop {
            eprintln!("[publish] stopped after {stage}, as asked: run it again to complete");
        }
        stop
    };
    upload_media(kv, &how.out, &records, &pending(&media))?;
    upload_videos(kv, &how.out, &records, &objects)?;
    if stop("media") {
        return Ok(ExitCode::SUCCESS);
    }
    upload(kv, &how.out, "releases", &pending(&records.releases))?;
    if stop("releases") {
        return Ok(ExitCode::SUCCESS);
    }
    upload(kv, &how.out, "indexes", &pending(&records.indexes))?;
    for file in &how.extra {
        eprintln!("[publish] put {}", file.display());
        kv.bulk_put(file)?;
    }
    if stop("indexes") {
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(resume) = &how.pause_before_deletions {
        pause_until(resume)?;
    }
    // Deleting, then replacing the manifest, are the steps that could undo another publish
    // that finished meanwhile (removing keys its lists need): stop instead.
    still_current(kv, previous.as_ref())?;
    if !deletions.is_empty() {
        let file = how.out.join("upload-delete.json");
        write_json(&file, &deletions)?;
        eprintln!("[publish] delete {} stale keys", deletions.len());
        kv.bulk_delete(&file)?;
    }
    for key in &stale_objects {
        eprintln!("[publish] delete r2:{key}");
        kv.r2_delete(key)?;
    }
    if stop("deletions") {
        return Ok(ExitCode::SUCCESS);
    }
    // Last: until the new manifest is up, running this again repeats every step.
    still_current(kv, previous.as_ref())?;
    upload(kv, &how.out, "manifest", &pending(&records.manifest))?;
    eprintln!("[publish] done: {} keys written, {} deleted", c.new.len() + c.changed.len(), deletions.len());
    let changed: Vec<&str> = c.new.iter().chain(&c.changed).map(String::as_str).collect();
    // Feeds that only scheduled releases changed wait for the mail Worker's Cron Trigger.
    let cancelled: Vec<&ReleaseStub> = previous
        .iter()
        .flat_map(|m| &m.releases)
        .filter(|stub| records.changes.cancelled.contains(&stub.slug))
        .collect();
    let public = publish::websub::public_changes(&changed, &site.releases, &cancelled, crate::clock::now()?);
    notify_hub(&how.config, public.into_iter());
    Ok(ExitCode::SUCCESS)
}

/// Tells the WebSub hub (`WEBSUB_HUB`) about every feed this publish changed with something
/// public now, so subscribers get the new releases at once. The content is already published: a failed ping is a warning.
fn notify_hub<'a>(config: &Config, changed: impl Iterator<Item = &'a str>) {
    let Some(hub) = &config.websub_hub else { return };
    let Some(base) = &config.base_url else {
        eprintln!(
            "[publish] warning: WEBSUB_HUB is set but BASE_URL is not, so the feeds' URLs are unknown: no hub pinged"
        );
        return;
    };
    let topics = publish::websub::topics(changed, base);
    let mut failed = 0;
    for topic in &topics {
        let sent = ureq::post(hub)
            .timeout(std::time::Duration::from_secs(10))
            .set("content-type", "application/x-www-form-urlencoded")
            .send_string(&publish::websub::ping_body(topic));
        if let Err(e) = sent {
            failed += 1;
            eprintln!("[publish] warning: the hub {hub} refused {topic}: {e}");
        }
    }
    eprintln!("[publish] WebSub: {} of {} changed feed URLs announced to {hub}", topics.len() - failed, topics.len());
}

/// Fails when the namespace's manifest is no longer the one this publish planned against:
/// another publish finished in between, and this one must not delete or overwrite its work.
fn still_current(kv: &Kv, planned: Option<&Manifest>) -> Result<()> {
    if kv.manifest()?.as_ref() != planned {
        anyhow::bail!(
            "another publish replaced build:manifest while this one ran: stopped before deleting anything; \
             nothing it uploaded points to a missing record. Run `newsroom publish` again (one at a time)"
        );
    }
    Ok(())
}

/// Creates `RESUME.paused`, then waits (at most 5 minutes) until `RESUME` exists.
fn pause_until(resume: &Path) -> Result<()> {
    let marker = resume.with_extension("paused");
    fs::write(&marker, b"").with_context(|| format!("cannot write {}", marker.display()))?;
    eprintln!("[publish] paused before the deletions until {} exists", resume.display());
    for _ in 0..3000 {
        if resume.exists() {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    anyhow::bail!("{} did not appear within 5 minutes", resume.display())
}

/// Uploads each video file to R2, then at once its gate to KV: a gate in KV means its file
/// is there, which is how the next publish knows what to skip.
fn upload_videos(kv: &Kv, out: &Path, records: &Records, objects: &[publish::r2::Object]) -> Result<()> {
    for (i, object) in objects.iter().enumerate() {
        eprintln!("[publish] put r2:{} ({:.1} MB) from {}", object.key, object.bytes as f64 / 1e6, object.path);
        kv.r2_put(&object.key, &object.path, &object.content_type)
            .with_context(|| format!("uploading {} to R2", object.path))?;
        let gate = contract::video::gate_key(&object.name);
        let pair: Vec<KvPair> = records.releases.iter().filter(|p| p.key == gate).cloned().collect();
        let file = out.join(format!("upload-video-gate-{i}.json"));
        write_json(&file, &pair)?;
        kv.bulk_put(&file).with_context(|| format!("uploading {}", file.display()))?;
    }
    Ok(())
}

/// Uploads `pairs` in bulk files within KV's limits.
fn upload(kv: &Kv, out: &Path, stage: &str, pairs: &[KvPair]) -> Result<()> {
    for (i, chunk) in chunks(pairs).into_iter().enumerate() {
        let file = out.join(format!("upload-{stage}-{i}.json"));
        write_json(&file, chunk)?;
        eprintln!("[publish] put {} {stage} keys", chunk.len());
        kv.bulk_put(&file).with_context(|| format!("uploading {}", file.display()))?;
    }
    Ok(())
}

/// Media go up from their bytes locally: local `kv bulk put` corrupts base64 values
/// (cloudflare/workers-sdk#15192, fixed after the wrangler version we pin).
fn upload_media(kv: &Kv, out: &Path, records: &Records, pending: &[KvPair]) -> Result<()> {
    if !kv.is_local() {
        return upload(kv, out, "media", pending);
    }
    for file in &records.media {
        let key = contract::media::key(&file.media.name);
        if let Some(pair) = pending.iter().find(|p| p.key == key) {
            eprintln!("[publish] put {key}");
            kv.put_file(&key, &out.join("media").join(&file.media.name), &pair.metadata)?;
        }
    }
    Ok(())
}

/// Whether a release is in a namespace as the files have it.
pub enum Uploaded {
    /// Its record holds what the files build.
    Current,
    /// The namespace (named) has no record of it.
    Missing(String),
    /// The namespace (named) holds another version of it.
    Older(String),
}

/// Whether `slug` (a release or a draft of `site`) is uploaded to `kv` as the files build it.
/// A local namespace that was never written to has nothing, and wrangler is not asked.
pub fn uploaded(site: &Site, kv: &Kv, config: &Config, slug: &str) -> Result<Uploaded> {
    if let crate::wrangler::Target::Local(dir) = &kv.target {
        if !dir.exists() {
            return Ok(Uploaded::Missing(where_(kv)));
        }
    }
    let Plan { comparison: c, .. } = plan(site, kv, config, &[])?;
    let keys = [contract::kv::release_key(slug), contract::kv::draft_key(slug)];
    Ok(if c.new.iter().any(|k| keys.contains(k)) {
        Uploaded::Missing(where_(kv))
    } else if c.changed.iter().any(|k| keys.contains(k)) {
        Uploaded::Older(where_(kv))
    } else {
        Uploaded::Current
    })
}

/// Lists what `content/` would change in the namespace, like `git status`.
pub fn status(site: &Site, kv: &Kv, config: &Config, diagnostics: crate::Diagnostics) -> Result<()> {
    let Plan { comparison: c, previous, objects, stale_objects, .. } = plan(site, kv, config, &[])?;
    let known = crate::timing::known(&c, previous.as_ref(), &[], &[]);
    crate::timing::check(site, &known, diagnostics, false, "`newsroom publish` would stop there")?;
    c.new.iter().for_each(|k| println!("new      {k}"));
    c.changed.iter().for_each(|k| println!("changed  {k}"));
    c.stale.iter().for_each(|k| println!("stale    {k}"));
    objects.iter().for_each(|o| println!("new      r2:{} ({})", o.key, o.path));
    stale_objects.iter().for_each(|k| println!("stale    r2:{k}"));
    if c.is_clean() && objects.is_empty() {
        eprintln!("{} holds exactly what content/ builds ({} keys)", where_(kv), c.unchanged);
    } else {
        let releases = |keys: &[String]| keys.iter().filter(|k| k.starts_with("release:")).count();
        eprintln!(
            "releases: {} new, {} changed, {} stale (removed from content/: see `timing` above for what each address will answer)",
            releases(&c.new),
            releases(&c.changed),
            releases(&c.stale)
        );
        eprintln!(
            "{}: {} new, {} changed, {} stale, {} unchanged; `newsroom publish` uploads the new and changed keys and deletes stale keys that an earlier build wrote",
            where_(kv),
            c.new.len(),
            c.changed.len(),
            c.stale.len(),
            c.unchanged
        );
    }
    Ok(())
}

fn where_(kv: &Kv) -> String {
    match &kv.target {
        crate::wrangler::Target::Local(dir) => format!("local KV in {}", dir.display()),
        crate::wrangler::Target::Remote => format!("remote KV (binding {})", kv.binding),
    }
}

/// Removes the upload files of an earlier publish, so `out` holds only this one's.
pub fn clear_uploads(out: &Path) -> Result<()> {
    let Ok(entries) = fs::read_dir(out) else { return Ok(()) };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with("upload-") {
            fs::remove_file(entry.path()).with_context(|| format!("cannot remove {}", entry.path().display()))?;
        }
    }
    Ok(())
}
