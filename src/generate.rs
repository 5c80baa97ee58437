//! `newsroom gen`: synthetic content for benchmarks, never into a real content folder.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

/// Marks a folder as made by `newsroom gen`, so a later run may replace it.
const GEN_MARKER: &str = ".newsroom-gen";

pub fn generate_into(out: &Path, spec: &publish::gen::Spec) -> Result<()> {
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
    publish::gen::generate(spec, |rel, text| -> Result<()> {
        let path = out.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    })
}

/// Writes `count` camera-like photos into `out/media/` and names one in each of the newest
/// `count` releases (`gen-0.md` is the newest).
pub fn add_photos(out: &Path, count: usize) -> Result<()> {
    if count == 0 {
        return Ok(());
    }
    let media = out.join("media");
    fs::create_dir_all(&media).with_context(|| format!("cannot create {}", media.display()))?;
    let mut releases: Vec<std::path::PathBuf> = Vec::new();
    for year in fs::read_dir(out.join("releases"))? {
        for file in fs::read_dir(year?.path())? {
            releases.push(file?.path());
        }
    }
    for n in 0..count {
        let name = format!("gen-photo-{n}.jpg");
        let orientation = if n % 2 == 0 { 1 } else { 6 };
        let data = publish::photo::sample::camera_jpeg(4000, 3000, orientation, n as u32);
        fs::write(media.join(&name), data).with_context(|| format!("cannot write {name}"))?;
        let file = format!("gen-{n}.md");
        let path = releases.iter().find(|p| p.file_name().is_some_and(|f| f == file.as_str()));
        let path = path.with_context(|| format!("no release {file}"))?;
        let text = fs::read_to_string(path)?;
        let image = format!("[[images]]\nfile = \"{name}\"\nalt = \"Synteettinen testikuva {n}\"\n+++\n");
        // The file opens with `+++` on its first line: the first "\n+++\n" closes the front matter.
        let text = text.replacen("\n+++\n", &format!("\n{image}"), 1);
        fs::write(path, text)?;
    }
    Ok(())
}
