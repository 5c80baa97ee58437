//! Photos processed at publish time: every image a release or publisher names is decoded,
//! turned upright by its EXIF `Orientation`, stripped of its metadata (EXIF with its GPS
//! position, camera serial number and names; XMP; IPTC; comments; thumbnails) except the
//! ICC colour profile, and written again as renditions for pages and a share image.
//!
//! Nothing here reaches the worker: the records carry the renditions' names and pixel sizes,
//! and the worker only serves the files. The CLI caches each photo's result by the source
//! file's SHA-256 and [`RECIPE`] (`src/photos.rs`), so a publish in which no photo changed
//! decodes and encodes nothing.

mod attach;
mod decode;
mod encode;
#[cfg(any(test, feature = "gen"))]
pub mod sample;
mod strip;

use serde::{Deserialize, Serialize};

use contract::media::{MediaFile, Rendition};

pub use attach::{attach, wanted, Results, PROCESSED};
pub use decode::{MAX_PIXELS, PRINT_LONG_SIDE};

/// Names everything that decides a photo's outputs: bump it when widths, qualities or the
/// stripping change, so that cached results of the old recipe are not used.
pub const RECIPE: &str = "photo-v2";

/// Most photos processed at once, whatever the cores: each holds its pixels in memory.
pub const MAX_THREADS: usize = 4;

/// Widths of the renditions for pages, in pixels (never wider than the photo itself).
pub const WIDTHS: [u32; 4] = [480, 800, 1200, 1600];

/// Pixel size of the share image (`og:image`): the 1.91 : 1 of link previews.
pub const SHARE: (u32, u32) = (1200, 630);

/// A photo ready for upload: its outputs' records and bytes, and what `check` should say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    /// The downloadable original: the publisher's file without its metadata (re-encoded only
    /// when it had to be turned upright).
    pub original: Rendition,
    /// Renditions, narrowest first, WebP then JPEG at each width.
    pub renditions: Vec<Rendition>,
    /// The share image.
    pub share: Rendition,
    /// What `newsroom check` warns of (the photo is still published).
    pub warnings: Vec<Warning>,
}

/// Something worth a warning about a photo that is still published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Warning {
    /// Its long side is under [`PRINT_LONG_SIDE`]: fine on screens, too small for print.
    SmallForPrint {
        /// Its width, upright.
        width: u32,
        /// Its height, upright.
        height: u32,
    },
    /// A CMYK JPEG, made for print: browsers may show its colours wrong.
    Cmyk,
}

impl Warning {
    /// The message for the photo `name` (a path under `content/media/`).
    pub fn message(self, name: &str) -> String {
        match self {
            Warning::SmallForPrint { width, height } => format!(
                "`{name}` is only {width} × {height} pixels: too small for print (journalists need at least {PRINT_LONG_SIDE} pixels on the long side)"
            ),
            Warning::Cmyk => format!(
                "`{name}` is a CMYK JPEG (made for print): browsers may show its colours wrong; export it as RGB (sRGB) JPEG"
            ),
        }
    }
}

impl Photo {
    /// Every output's record, the original first.
    pub fn outputs(&self) -> impl Iterator<Item = &Rendition> {
        std::iter::once(&self.original).chain(&self.renditions).chain(std::iter::once(&self.share))
    }
}

/// A processed photo with the bytes of its outputs, in the order of [`Photo::outputs`].
#[derive(Debug, Clone)]
pub struct Processed {
    /// The records and warnings.
    pub photo: Photo,
    /// The outputs' files.
    pub files: Vec<MediaFile>,
}

/// Why a photo cannot be published; the message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// A 0-byte file.
    #[error("`{0}` is empty (0 bytes): export or copy the photo again")]
    Empty(String),
    /// An iPhone's HEIC/HEIF (or AVIF) photo.
    #[error("{}", contract::media::heic_advice(.0))]
    Heic(String),
    /// Not an image we can read.
    #[error("`{0}` cannot be read as a JPEG, PNG, WebP or GIF image ({1}): export it again as JPEG")]
    Undecodable(String, String),
    /// More pixels than [`MAX_PIXELS`]: a decompression bomb, or a panorama too large to process.
    #[error(
        "`{name}` is {width} × {height} pixels ({megapixels} megapixels); the limit is {limit} megapixels: make it smaller before adding it",
        limit = MAX_PIXELS / 1_000_000
    )]
    TooManyPixels {
        /// The file.
        name: String,
        /// Its width.
        width: u32,
        /// Its height.
        height: u32,
        /// Its pixels in millions.
        megapixels: u64,
    },
    /// An animated GIF, PNG or WebP.
    #[error("`{0}` is an animation; the newsroom publishes still photos: use one frame saved as JPEG or PNG")]
    Animated(String),
    /// Its full-size copy (written again: turned upright, or a GIF as PNG) is larger than a
    /// stored value may be.
    #[error(
        "`{0}` would be {1} bytes at full size once written again (turned upright, or as PNG), more than the {limit} MiB a file may be: save it smaller or as JPEG",
        limit = contract::media::MAX_STORED_BYTES / (1024 * 1024)
    )]
    TooLarge(String, usize),
    /// An output could not be written (a bug or an exotic file, never the publisher's fault).
    #[error("`{0}` could not be processed ({1}); please report this with the file")]
    Encode(String, String),
}

/// Decodes, strips and renders one photo; `name` is its path under `content/media/`.
pub fn process(name: &str, data: &[u8]) -> Result<Processed, PhotoError> {
    let decoded = decode::decode(name, data)?;
    let original = strip::original(name, data, &decoded)?;
    let mut files = vec![original];
    files.extend(encode::renditions(name, &decoded)?);
    files.push(encode::share(name, &decoded)?);
    let mut outputs = files.iter().map(|(r, _)| r.clone());
    let original = outputs.next().ok_or_else(|| PhotoError::Encode(name.into(), "no output".into()))?;
    let mut renditions: Vec<Rendition> = outputs.collect();
    let share = renditions.pop().ok_or_else(|| PhotoError::Encode(name.into(), "no share image".into()))?;
    let photo = Photo { original, renditions, share, warnings: decoded.warnings };
    Ok(Processed { photo, files: files.into_iter().map(|(r, data)| MediaFile { media: r.media, data }).collect() })
}

/// [`process`] for many photos, on every core up to [`MAX_THREADS`] (each thread holds one
/// decoded photo at a time: about 150 MB for a 12-megapixel one, 0.8 GB at the 64-megapixel
/// limit); results in order.
pub fn process_all(photos: &[(&str, &[u8])]) -> Vec<Result<Processed, PhotoError>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(MAX_THREADS).min(photos.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Processed, PhotoError>>>> = Mutex::new(vec![None; photos.len()]);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((name, data)) = photos.get(i) else { break };
                // A decoder's panic on a hostile file is that file's error, not the run's end.
                let result = std::panic::catch_unwind(|| process(name, data)).unwrap_or_else(|_| {
                    Err(PhotoError::Encode((*name).into(), "the image library stopped on this file".into()))
                });
                if let Ok(mut all) = results.lock() {
                    all[i] = Some(result);
                }
            });
        }
    });
    let all = results.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    all.into_iter()
        .zip(photos)
        .map(|(r, (name, _))| {
            r.unwrap_or_else(|| Err(PhotoError::Encode((*name).into(), "the worker thread stopped".into())))
        })
        .collect()
}

/// Processes every photo `site` names, on every core and without a cache (tests and tools;
/// the CLI caches, `src/photos.rs`), and puts the results in place ([`attach`]).
pub fn process_site(site: &mut crate::content::Site) -> Result<(), Vec<crate::content::Diagnostic>> {
    let wanted: Vec<(String, Vec<u8>)> =
        wanted(site).into_iter().map(|(path, file)| (path.to_string(), file.data.clone())).collect();
    let inputs: Vec<(&str, &[u8])> = wanted.iter().map(|(path, data)| (path.as_str(), data.as_slice())).collect();
    let results: Results =
        inputs.iter().zip(process_all(&inputs)).map(|((path, _), result)| (path.to_string(), result)).collect();
    attach(site, &results)
}

/// Names an output file by its content, as every media file is named (`{hash}.{ext}`).
fn output(
    name: &str,
    ext: &str,
    data: Vec<u8>,
    (width, height): (u32, u32),
) -> Result<(Rendition, Vec<u8>), PhotoError> {
    if data.len() > contract::media::MAX_STORED_BYTES {
        return Err(PhotoError::TooLarge(name.into(), data.len()));
    }
    let stored = contract::media::named(ext, data);
    Ok((Rendition { media: stored.media, width, height }, stored.data))
}

#[cfg(test)]
mod tests;
