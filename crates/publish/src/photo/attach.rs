//! The photos of a checked site: which files to process ([`wanted`]), and their results put
//! in place ([`attach`]): each image and logo points at its processed files, and each
//! problem is blamed on the `[[images]]` or `logo` line that names the file.

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
    let images = site.releases.iter().flat_map(|r| r.image_sources.iter().map(|(_, path)| path.as_str()));
    let logos = site
        .publishers
        .values()
        .flat_map(|p| p.logo_source.iter().chain(&p.photo_sources).map(|(_, path)| path.as_str()));
    images.chain(logos).filter_map(|path| site.media.get(path).map(|file| (path, file))).collect()
}

/// Puts the results in place: images get their stripped original, pixel size, renditions and
/// share image; logos their stripped file; the processed files join `site.media` (the
/// publisher's own files are never uploaded). Errors come back blamed on the lines naming the
/// files; warnings go to [`Site::photo_warnings`], once per file.
pub fn attach(site: &mut Site, results: &Results) -> Result<(), Vec<Diagnostic>> {
    let mut found =
        Found { results, errors: Vec::new(), warnings: Vec::new(), warned: BTreeSet::new(), used: Vec::new() };
    for release in &mut site.releases {
        found.fill(&release.path, &mut release.images, &release.image_sources);
    }
    for publisher in site.publishers.values_mut() {
        found.fill(&publisher.path, &mut publisher.photos, &publisher.photo_sources);
        let Some((line, source)) = &publisher.logo_source else { continue };
        if let Some(p) = found.result(&publisher.path, *line, source) {
            publisher.logo = Some(p.photo.original.media.clone());
        }
    }
    site.photo_warnings.extend(found.warnings);
    for file in found.used.iter().flat_map(|p| &p.files) {
        site.media.insert(format!("@processed/{}", file.media.name), file.clone());
    }
    let mut errors = found.errors;
    if errors.is_empty() {
        Ok(())
    } else {
        crate::content::sort(&mut errors);
        errors.dedup();
        Err(errors)
    }
}

/// What [`attach`] has found so far.
struct Found<'r> {
    results: &'r Results,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// Files already warned of (a photo in two releases is warned of once).
    warned: BTreeSet<String>,
    /// The results put in place, whose files are uploaded.
    used: Vec<&'r Processed>,
}

impl<'r> Found<'r> {
    /// The result for `source`, named at `path:line`: its problem recorded there, its
    /// warnings too (once per file).
    fn result(&mut self, path: &str, line: usize, source: &str) -> Option<&'r Processed> {
        let at = |message: String| Diagnostic { path: path.into(), line, message };
        match self.results.get(source)? {
            Ok(p) => {
                if self.warned.insert(source.to_string()) {
                    self.warnings.extend(p.photo.warnings.iter().cloned().map(at));
                }
                self.used.push(p);
                Some(p)
            }
            Err(e) => {
                self.errors.push(at(e.to_string()));
                None
            }
        }
    }

    /// Points each of `images` (named by `sources`, in `path`) at its processed files.
    fn fill(&mut self, path: &str, images: &mut [Image], sources: &[(usize, String)]) {
        for (image, (line, source)) in images.iter_mut().zip(sources) {
            let Some(p) = self.result(path, *line, source) else { continue };
            let photo = &p.photo;
            image.media = photo.original.media.clone();
            (image.width, image.height) = (photo.original.width, photo.original.height);
            image.renditions = photo.renditions.clone();
            image.share = Some(photo.share.clone());
        }
    }
}
