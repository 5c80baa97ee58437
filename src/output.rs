//! The upload files of `newsroom build`, and what it says about them.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use contract::kv::KvPair;
use contract::media::human_size;
use publish::build::Records;
use publish::content::Site;
use publish::sync::{compare, Comparison, ListedKey};

/// The upload files, in upload order (`kv-3-delete.json` holds keys, not pairs).
pub const PAIR_FILES: [&str; 4] = ["kv-0-media.json", "kv-1-releases.json", "kv-2-indexes.json", "kv-4-manifest.json"];

/// Every pair of `records`, in upload order, borrowed (a large build's values run to hundreds
/// of megabytes). `media` is `media_pairs(&records.media)`, encoded once by the caller.
pub fn all_pairs<'a>(records: &'a Records, media: &'a [KvPair]) -> impl Iterator<Item = &'a KvPair> {
    media.iter().chain(&records.releases).chain(&records.indexes).chain(&records.manifest)
}

/// KV's limits per pair: key bytes, value bytes, metadata bytes (as JSON).
pub const KV_LIMITS: (usize, usize, usize) = (512, 25 * 1024 * 1024, 1024);

/// Refuses a build with a pair that KV would reject, naming the key (before anything is written).
pub fn check_limits<'a>(pairs: impl IntoIterator<Item = &'a KvPair>) -> Result<()> {
    let (key_max, value_max, meta_max) = KV_LIMITS;
    for p in pairs {
        let meta = serde_json::to_string(&p.metadata).map_or(0, |m| m.len());
        let key: String = p.key.chars().take(80).collect();
        anyhow::ensure!(p.key.len() <= key_max, "KV key `{key}…` is {} bytes; KV takes at most {key_max}", p.key.len());
        anyhow::ensure!(
            p.value.len() <= value_max,
            "the value of `{key}` is {}; KV takes at most 25 MiB (fewer or shorter releases in one feed or list)",
            human_size(p.value.len() as u64)
        );
        anyhow::ensure!(meta <= meta_max, "the metadata of `{key}` is {meta} bytes; KV takes at most {meta_max}");
    }
    Ok(())
}

/// Writes the upload files, each through a temporary file and a rename, after checking
/// every pair against KV's limits.
pub fn write_records(out: &Path, records: &Records, media: &[KvPair]) -> Result<()> {
    check_limits(all_pairs(records, media))?;
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    write_media(&out.join("media"), &records.media)?;
    write_json(&out.join(PAIR_FILES[0]), media)?;
    write_json(&out.join(PAIR_FILES[1]), &records.releases)?;
    write_json(&out.join(PAIR_FILES[2]), &records.indexes)?;
    write_json(&out.join("kv-3-delete.json"), &records.changes.deletions)?;
    write_json(&out.join(PAIR_FILES[3]), &records.manifest)
}

/// The keys (with digests) of the upload files a previous build left in `out`, if any.
pub fn previous_output(out: &Path) -> Option<Vec<ListedKey>> {
    let mut listed = Vec::new();
    for name in PAIR_FILES {
        let bytes = fs::read(out.join(name)).ok()?;
        let pairs: Vec<KvPair> = serde_json::from_slice(&bytes).ok()?;
        listed.extend(pairs.into_iter().map(|p| ListedKey { name: p.key, metadata: Some(p.metadata) }));
    }
    Some(listed)
}

/// The media files as plain files too: local KV takes binary values only from files
/// (`wrangler kv key put --path`), because local `kv bulk put` corrupts base64 values
/// (cloudflare/workers-sdk#15192, fixed after the wrangler version we pin).
fn write_media(dir: &Path, files: &[contract::media::MediaFile]) -> Result<()> {
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

/// Writes `items` as pretty JSON through a temporary file and a rename.
pub fn write_json<T: serde::Serialize>(path: &Path, items: &[T]) -> Result<()> {
    let text = serde_json::to_string_pretty(items).context("cannot serialize KV pairs")?;
    let tmp = path.with_extension("json.tmp");
    fs::write(&tmp, text + "\n").with_context(|| format!("cannot write {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("cannot move {} into place", path.display()))
}

/// Prints what a build holds and what changed, to stderr.
pub fn summary(
    site: &Site,
    records: &Records,
    media: &[KvPair],
    out: &Path,
    had_previous: bool,
    since: Option<&Comparison>,
) {
    for slug in &records.drafts {
        eprintln!("skipped draft `{slug}` (remove `draft = true` to publish it)");
    }
    for slug in &records.changes.removed {
        eprintln!("removed `{slug}`: it will answer 410 Gone");
    }
    for slug in &records.changes.cancelled {
        eprintln!("cancelled `{slug}` before its moment: it was never public and will answer 404, its title nowhere");
    }
    for slug in &records.changes.purged {
        eprintln!(
            "purged `{slug}`: its tombstone is deleted and its address answers 404; caches may still hold the 410 \
             page for up to 60 s (the Cache API's lifetime of error pages) plus KV's ~60 s"
        );
    }
    let (count, bytes) = all_pairs(records, media).fold((0, 0), |(n, b), p| (n + 1, b + p.value.len()));
    let keywords: BTreeSet<&str> = site.releases.iter().flat_map(|r| &r.keywords).map(|k| k.slug.as_str()).collect();
    eprintln!(
        "built {} releases of {} publishers, {} keywords, {} media files: {} KV records ({}) in {}",
        records.releases.len(),
        site.publishers.len(),
        keywords.len(),
        records.media.len(),
        count,
        human_size(bytes as u64),
        out.display()
    );
    let c = &records.changes;
    if had_previous {
        eprintln!(
            "since the published build (--previous): {} new, {} removed, {} stale keys to delete",
            c.added.len(),
            c.removed.len(),
            c.deletions.len()
        );
    } else {
        eprintln!("no previous manifest given: nothing will be deleted");
    }
    if let Some(s) = since {
        eprintln!(
            "since the last build in {}: {} keys new, {} changed, {} unchanged, {} gone",
            out.display(),
            s.new.len(),
            s.changed.len(),
            s.unchanged,
            s.stale.len()
        );
    }
}

/// Compares a build with the files a previous build left in `out`.
pub fn since_last(records: &Records, media: &[KvPair], previous: Option<Vec<ListedKey>>) -> Option<Comparison> {
    previous.map(|listed| compare(all_pairs(records, media), &listed))
}

/// Refuses a `--purge` of a slug that is not a removed release of the published build: a
/// typo would otherwise purge nothing and say so nowhere.
pub fn check_purged(purge: &[String], records: &Records) -> Result<()> {
    let missing: Vec<&String> = purge.iter().filter(|s| !records.changes.purged.contains(s)).collect();
    match missing.first() {
        None => Ok(()),
        Some(slug) => anyhow::bail!(
            "--purge `{slug}`: no removed release of that name in the published build (build:manifest); \
             a release still in content/ is removed by deleting its file first"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_over_kv_limits_are_refused_by_name() {
        let ok = KvPair::new("release:a".into(), "{}".into(), false);
        assert!(check_limits([&ok]).is_ok());
        let long_key = KvPair::new("k".repeat(513), "{}".into(), false);
        assert!(check_limits([&ok, &long_key]).unwrap_err().to_string().contains("513 bytes"));
        let big = KvPair::new("feed:site".into(), "x".repeat(KV_LIMITS.1 + 1), false);
        assert!(check_limits(&[big]).unwrap_err().to_string().contains("`feed:site`"));
    }
}
