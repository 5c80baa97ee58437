//! Photos of a checked site, processed by `publish::photo` on every core and cached on disk
//! by the source file's SHA-256 and the recipe, so that a publish in which no photo changed
//! decodes and encodes nothing.
//!
//! The cache lives in `.newsroom-cache/photos/` beside the content folder (or under
//! `$NEWSROOM_CACHE`): one folder per photo holding `photo.json` and the output files. A
//! folder that cannot be read back whole is a miss, and the photo is processed again; the
//! folders of photos the content no longer names, and of older recipes, are removed.

use std::fs;
use std::path::{Path, PathBuf};

use publish::content::Site;
use publish::photo::{self, Photo, Processed, Results};

use contract::media::MediaFile;

/// How many photos a run processed and how many it found in the cache.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    /// Decoded and encoded in this run.
    pub processed: usize,
    /// Taken from the cache.
    pub cached: usize,
}

/// The cache folder for the content folder `content`.
pub fn cache_dir(content: &Path) -> PathBuf {
    match std::env::var_os("NEWSROOM_CACHE") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir).join("photos"),
        _ => content.parent().unwrap_or(Path::new(".")).join(".newsroom-cache").join("photos"),
    }
}

/// Processes (or finds in `cache`) every photo `site` names.
pub fn process(site: &Site, cache: &Path) -> (Results, Counts) {
    let mut results = Results::new();
    let mut todo: Vec<(&str, &[u8], PathBuf)> = Vec::new();
    let mut keep: Vec<String> = Vec::new();
    for (path, file) in photo::wanted(site) {
        let hash = hex_sha256(&file.data);
        let entry = cache.join(photo::RECIPE).join(&hash);
        keep.push(hash);
        match read_entry(&entry) {
            Some(hit) => {
                results.insert(path.to_string(), Ok(hit));
            }
            None => todo.push((path, &file.data, entry)),
        }
    }
    prune(cache, &keep);
    let counts = Counts { processed: todo.len(), cached: results.len() };
    let inputs: Vec<(&str, &[u8])> = todo.iter().map(|(path, data, _)| (*path, *data)).collect();
    for ((path, _, entry), result) in todo.iter().zip(photo::process_all(&inputs)) {
        if let Ok(done) = &result {
            // A cache that cannot be written costs the next run time, never this one's output.
            if let Err(e) = write_entry(entry, done) {
                eprintln!("warning: cannot cache the processed photo {path} in {}: {e}", entry.display());
            }
        }
        results.insert((*path).to_string(), result);
    }
    (results, counts)
}

/// Removes what the content no longer needs from `cache`: other recipes' folders and the
/// entries of photos no file is now (a cache restored in CI keeps only what is used). A
/// folder that cannot be removed is left: the cache is never worth failing a publish for.
fn prune(cache: &Path, keep: &[String]) {
    let Ok(recipes) = fs::read_dir(cache) else { return };
    for recipe in recipes.flatten() {
        let path = recipe.path();
        if recipe.file_name() != photo::RECIPE {
            let _ = fs::remove_dir_all(&path);
            continue;
        }
        for entry in fs::read_dir(&path).into_iter().flatten().flatten() {
            if !keep.iter().any(|k| entry.file_name() == k.as_str()) {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
}

fn read_entry(dir: &Path) -> Option<Processed> {
    let photo: Photo = serde_json::from_slice(&fs::read(dir.join("photo.json")).ok()?).ok()?;
    let files = photo
        .outputs()
        .map(|r| {
            let data = fs::read(dir.join(&r.media.name)).ok()?;
            (data.len() as u64 == r.media.bytes).then(|| MediaFile { media: r.media.clone(), data })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Processed { photo, files })
}

/// Writes the files, then `photo.json` (through a rename), so a half-written entry is a miss.
fn write_entry(dir: &Path, p: &Processed) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    for f in &p.files {
        fs::write(dir.join(&f.media.name), &f.data)?;
    }
    let json = serde_json::to_vec(&p.photo).map_err(std::io::Error::other)?;
    let tmp = dir.join("photo.json.tmp");
    fs::write(&tmp, json)?;
    fs::rename(tmp, dir.join("photo.json"))
}

/// The SHA-256 of `data` in hex: the cache key of a source file.
fn hex_sha256(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}
