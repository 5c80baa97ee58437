//! The photos of a checked site: which files to process ([`wanted`]), and their results put
//! in place ([`attach`]): each image, video poster and logo points at its processed files,
//! and each problem is blamed on the `[[images]]`, `[[videos]]` or `logo` line that names
//! the file.

use std::collections::{BTreeMap, BTreeSet};

use super::{PhotoError, Processed};
use crate::content::{Diagnostic, Site};
use contract::media::MediaFile;
use contract::model::Image;

/// What became of each photo, by its path under `content/media/`.
pub type Results = BTreeMap<String, Result<Processed, PhotoError>>;

/// Every photo file the site names (images of releases, drafts included, and logos), once
/// each: path under `content/media/` and the file.
pub fn wanted(site: &Site) -> BTreeMap<&str, &MediaFile> {
    let images = site.releases.iter().flat_map(|r| {
        let posters = r.poster_sources.iter().flatten();
        r.image_sources.iter().chain(posters).map(|(_, path)| path.as_str())
    });
    let logos = site.publishers.values().flat_map(|p| {
        let posters = p.poster_sources.iter().flatten();
        p.logo_source.iter().chain(&p.photo_sources).chain(posters).map(|(_, path)| path.as_str())
    });
    images.chain(logos).filter_map(|path| site.media.get(path).map(|file| (path, file))).collect()
}

/// Puts the results in place: images get their stripped original, pixel size, renditions and
/// share image; logos their stripped file; the processed files join `site.media` (the
/// publisher's own files are never uploaded). Errors come back blamed on the lines naming the
/// files; a draft's are warnings, and the draft is left out as unfinished. Warnings go to
/// [`Site::photo_warnings`], once per file.
pub fn attach(site: &mut Site, results: &Results) -> Result<(), Vec<Diagnostic>> {
    let mut found = Found { results, warnings: Vec::new(), warned: BTreeSet::new(), used: Vec::new() };
    let mut errors = Vec::new();
    let mut unfinished = Vec::new();
    for release in &mut site.releases {
        let mut problems = found.fill(&release.path, &mut release.images, &release.image_sources);
        // A video's poster is processed as a photo is: no metadata, renditions for pages.
        for (video, source) in release.videos.iter_mut().zip(&release.poster_sources) {
            if let (Some(poster), Some(source)) = (video.poster.as_mut(), source) {
                problems.extend(found.fill(&release.path, std::slice::from_mut(poster), std::slice::from_ref(source)));
            }
        }
        match release.draft {
            true if !problems.is_empty() => {
                unfinished.push(release.slug.clone());
                site.draft_problems.extend(problems);
            }
            _ => errors.extend(problems),
        }
    }
    // An unfinished draft is left out, as `content` leaves out one whose text does not check.
    site.releases.retain(|r| !unfinished.contains(&r.slug));
    site.unfinished_drafts.extend(unfinished);
    site.unfinished_drafts.sort();
    crate::content::sort(&mut site.draft_problems);
    for publisher in site.publishers.values_mut() {
        errors.extend(found.fill(&publisher.path, &mut publisher.photos, &publisher.photo_sources));
        for (video, source) in publisher.videos.iter_mut().zip(&publisher.poster_sources) {
            if let (Some(poster), Some(source)) = (video.poster.as_mut(), source) {
                errors.extend(found.fill(&publisher.path, std::slice::from_mut(poster), std::slice::from_ref(source)));
            }
        }
        let Some((line, source)) = &publisher.logo_source else { continue };
        match found.result(&publisher.path, *line, source, Use::Logo) {
            Ok(p) => publisher.logo = Some(p.photo.original.media.clone()),
            Err(e) => errors.push(e),
        }
    }
    site.photo_warnings.extend(found.warnings);
    for file in found.used.iter().flat_map(|p| &p.files) {
        site.media.insert(format!("{PROCESSED}{}", file.media.name), file.clone());
    }
    if errors.is_empty() {
        Ok(())
    } else {
        crate::content::sort(&mut errors);
        errors.dedup();
        Err(errors)
    }
}

/// The prefix of the processed files' entries in `site.media`: the only image files a build
/// uploads (`build::used_media`), so a photo that was not processed is never uploaded as it is.
pub const PROCESSED: &str = "@processed/";

/// What a photo is for: a logo is not warned of being too small for print.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    Photo,
    Logo,
}

/// What [`attach`] has found so far.
struct Found<'r> {
    results: &'r Results,
    warnings: Vec<Diagnostic>,
    /// Files already warned of (a photo in two releases is warned of once).
    warned: BTreeSet<String>,
    /// The results put in place, whose files are uploaded.
    used: Vec<&'r Processed>,
}

impl<'r> Found<'r> {
    /// The result for `source`, named at `path:line`, or its problem blamed there; its warnings
    /// are recorded (once per file).
    fn result(&mut self, path: &str, line: usize, source: &str, usage: Use) -> Result<&'r Processed, Diagnostic> {
        let at = |message: String| Diagnostic { path: path.into(), line, message };
        match self.results.get(source) {
            Some(Ok(p)) => {
                if self.warned.insert(source.to_string()) {
                    let shown = p
                        .photo
                        .warnings
                        .iter()
                        .filter(|w| usage == Use::Photo || !matches!(w, super::Warning::SmallForPrint { .. }));
                    self.warnings.extend(shown.map(|w| at(w.message(source))));
                }
                self.used.push(p);
                Ok(p)
            }
            Some(Err(e)) => Err(at(e.to_string())),
            None => Err(at(format!("`{source}` was not processed (a bug: please report it)"))),
        }
    }

    /// Points each of `images` (named by `sources`, in `path`) at its processed files; the
    /// problems of those that could not be.
    fn fill(&mut self, path: &str, images: &mut [Image], sources: &[(usize, String)]) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for (image, (line, source)) in images.iter_mut().zip(sources) {
            let p = match self.result(path, *line, source, Use::Photo) {
                Ok(p) => p,
                Err(problem) => {
                    problems.push(problem);
                    continue;
                }
            };
            let photo = &p.photo;
            image.media = photo.original.media.clone();
            (image.width, image.height) = (photo.original.width, photo.original.height);
            image.renditions = photo.renditions.clone();
            image.share = Some(photo.share.clone());
            // The original may be of another type than its source (a GIF or a turned WebP
            // becomes PNG): the download's name says what it is.
            let ext = photo.original.media.name.rsplit_once('.').map_or("jpg", |(_, e)| e);
            image.download_name = image.download_name.as_ref().map(|n| {
                let stem = n.rsplit_once('.').map_or(n.as_str(), |(stem, _)| stem);
                format!("{stem}.{ext}")
            });
        }
        problems
    }
}
