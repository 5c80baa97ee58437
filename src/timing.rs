//! The timing summary of `check`, `publish` and `status` (`publish::timing`), printed: one
//! line per release on stderr, then its problems in the chosen format.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use publish::content::{Diagnostic, Site};
use publish::manifest::Manifest;
use publish::sync::Comparison;
use publish::timing::{review, Known, Review};

use crate::report::{self, Format};
use crate::Diagnostics;

/// Reviews and prints the timing of a publish (`publish`, `status`) of `site`: its lines,
/// then its problems on stderr (`--format json` keeps stdout for nothing else). False when
/// the publish must stop: an error, or a warning under `--strict`.
pub fn check(site: &Site, known: &Known, diagnostics: Diagnostics, strict: bool, verb: &str) -> Result<bool> {
    let review = review(site, Some(known), crate::clock::now()?);
    print_lines(&review);
    Ok(print(&review, diagnostics, strict, verb))
}

/// `check`'s review (no namespace): its problems join `loaded`'s, the errors (and under
/// `--strict` the warnings) as errors, the rest as warnings, so they are reported with the
/// others in one go.
pub fn review_for_check(site: &Site, strict: bool, loaded: &mut crate::files::Loaded) -> Result<Review> {
    let review = review(site, None, crate::clock::now()?);
    let (errors, warnings) = split(&review, strict);
    loaded.diagnostics.extend(errors);
    loaded.warnings.extend(warnings);
    add_texts(&mut loaded.texts, loaded.diagnostics.iter().chain(&loaded.warnings));
    publish::content::sort(&mut loaded.diagnostics);
    Ok(review)
}

/// The `timing:` block, on stderr.
pub fn print_lines(review: &Review) {
    if !review.lines.is_empty() {
        eprintln!("timing:");
        review.lines.iter().for_each(|line| eprintln!("  {line}"));
    }
}

/// The review's errors and warnings as reported: under `--strict` its warnings are errors;
/// its notes are always warnings.
fn split(review: &Review, strict: bool) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let mut errors = review.errors.clone();
    let mut warnings = review.notes.clone();
    match strict {
        true => errors.extend(review.warnings.iter().cloned()),
        false => warnings.extend(review.warnings.iter().cloned()),
    }
    (errors, warnings)
}

/// What the namespace holds, from the comparison of a build with its key list.
pub fn known<'a>(
    comparison: &Comparison,
    previous: Option<&'a Manifest>,
    purged: &'a [String],
    only: &[String],
) -> Known<'a> {
    let slugs = |keys: &[String]| -> BTreeSet<String> {
        keys.iter()
            .filter_map(|k| k.strip_prefix("release:").or_else(|| k.strip_prefix("draft:")))
            .map(str::to_string)
            .collect()
    };
    let only = (!only.is_empty()).then(|| only.iter().map(|s| crate::files::slug_of_argument(s)).collect());
    Known { new: slugs(&comparison.new), changed: slugs(&comparison.changed), previous, purged, only }
}

fn print(review: &Review, diagnostics: Diagnostics, strict: bool, verb: &str) -> bool {
    let (errors, warnings) = split(review, strict);
    if errors.is_empty() && warnings.is_empty() {
        return true;
    }
    // The problems are about lines of content files: shown with them, as `check` shows its own.
    let mut texts = BTreeMap::new();
    add_texts(&mut texts, errors.iter().chain(&warnings));
    let format = match diagnostics.format {
        Format::Json => Format::Short,
        other => other,
    };
    report::print(&errors, &warnings, &texts, format, diagnostics.color, true);
    if !errors.is_empty() {
        let strictly = if strict && !review.warnings.is_empty() { " (`--strict` makes warnings errors)" } else { "" };
        eprintln!("error: {} timing problem{} found{strictly}; {verb}", errors.len(), plural(errors.len()));
    }
    errors.is_empty()
}

/// Reads the file of each of `diagnostics` not in `texts` yet (the media and stray files
/// a check names are not among the texts it read), for showing the lines they name.
fn add_texts<'a>(texts: &mut BTreeMap<String, String>, diagnostics: impl Iterator<Item = &'a Diagnostic>) {
    for d in diagnostics {
        if !texts.contains_key(&d.path) {
            if let Ok(text) = std::fs::read_to_string(&d.path) {
                texts.insert(d.path.clone(), text);
            }
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
