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
