//! The timing summary of `check`, `publish` and `status` (`publish::timing`), printed: one
//! line per release on stderr, then its problems in the chosen format.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use publish::content::Site;
use publish::manifest::Manifest;
use publish::sync::Comparison;
use publish::timing::{review, Known, Review};

use crate::report::{self, Format};
use crate::Diagnostics;

/// Reviews and prints the timing of `site`; false when it must stop: an error, or a
/// warning under `--strict`.
pub fn check(site: &Site, known: Option<&Known>, diagnostics: Diagnostics, strict: bool) -> Result<bool> {
    let review = review(site, known, crate::clock::now()?);
    Ok(print(&review, diagnostics, strict))
}

/// What the namespace holds, from the comparison of a build with its key list.
pub fn known<'a>(comparison: &Comparison, previous: Option<&'a Manifest>, purged: &'a [String]) -> Known<'a> {
    let slugs = |keys: &[String]| -> BTreeSet<String> {
        keys.iter()
            .filter_map(|k| k.strip_prefix("release:").or_else(|| k.strip_prefix("draft:")))
            .map(str::to_string)
            .collect()
    };
    Known { new: slugs(&comparison.new), changed: slugs(&comparison.changed), previous, purged }
}

fn print(review: &Review, diagnostics: Diagnostics, strict: bool) -> bool {
    if !review.lines.is_empty() {
        eprintln!("timing:");
        review.lines.iter().for_each(|line| eprintln!("  {line}"));
    }
    let (errors, warnings) = match strict {
        true => (review.errors.iter().chain(&review.warnings).cloned().collect(), Vec::new()),
        false => (review.errors.clone(), review.warnings.clone()),
    };
    if errors.is_empty() && warnings.is_empty() {
        return true;
    }
    // The problems are about lines of content files: shown with them, as `check` shows its own.
    let paths: BTreeSet<&String> = errors.iter().chain(&warnings).map(|d| &d.path).collect();
    let texts: BTreeMap<String, String> =
        paths.into_iter().filter_map(|p| Some((p.clone(), std::fs::read_to_string(p).ok()?))).collect();
    let format = match diagnostics.format {
        Format::Json => Format::Short,
        other => other,
    };
    report::print(&errors, &warnings, &texts, format, diagnostics.color, true);
    if !errors.is_empty() {
        let strictly = if strict && !review.warnings.is_empty() { " (`--strict` makes warnings errors)" } else { "" };
        eprintln!(
            "error: {} timing problem{} found{strictly}; nothing was uploaded",
            errors.len(),
            plural(errors.len())
        );
    }
    errors.is_empty()
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
