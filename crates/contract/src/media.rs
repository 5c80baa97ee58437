//! Media files (images, attachments, logos): stored in KV under content-hashed names and
//! served at `/media/{name}` with immutable caching.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Largest PDF accepted (readers on phones pay for every byte).
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// Largest photo accepted: never uploaded itself (only its copies without metadata are), but
/// its full-size copy is, and must fit in a KV value.
pub const MAX_PHOTO_BYTES: usize = MAX_STORED_BYTES;

/// Largest value KV stores (25 MiB): the bound of every file the build writes.
pub const MAX_STORED_BYTES: usize = 25 * 1024 * 1024;

/// A media file as pages, JSON and feeds refer to it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Media {
    /// `{16 hex digits of SHA-256}.{ext}`: the URL `/media/{name}` and the KV key `media:{name}`.
    pub name: String,
    /// MIME type, fixed by the extension ([`type_of`]), e.g. `image/jpeg` or `application/pdf`.
    pub content_type: String,
    /// Size in bytes.
    pub bytes: u64,
}

impl Media {
    /// Its path, `/media/{name}`.
    pub fn path(&self) -> String {
        format!("/media/{}", self.name)
    }
}

/// A processed photo file (a resized rendition, the share image or the stripped original):
/// the file and its pixel size. Written by `newsroom build`, which decodes every photo.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Rendition {
    /// The file, served at `/media/{name}` with immutable caching.
    #[serde(flatten)]
    pub media: Media,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// A media file with its bytes, ready for upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaFile {
    /// What pages refer to.
    pub media: Media,
    /// The file's bytes.
    pub data: Vec<u8>,
}

/// What a file may be: images are shown, attachments (PDF) are linked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaKind {
    /// JPEG, PNG, WebP or GIF (never SVG: it can carry scripts).
    Image,
    /// A PDF document.
    Document,
}

/// The extension, MIME type and kind of a file name, if it is a type we serve.
pub fn type_of(file: &str) -> Option<(&'static str, &'static str, MediaKind)> {
    let ext = file.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" => ("jpg", "image/jpeg", MediaKind::Image),
        "png" => ("png", "image/png", MediaKind::Image),
        "webp" => ("webp", "image/webp", MediaKind::Image),
        "gif" => ("gif", "image/gif", MediaKind::Image),
        "pdf" => ("pdf", "application/pdf", MediaKind::Document),
        _ => return None,
    })
}

/// What to tell a publisher who names an iPhone's HEIC/HEIF photo, which browsers cannot show.
pub fn heic_advice(file: &str) -> String {
    format!(
        "`{file}` is a HEIC/HEIF photo, which browsers cannot show: save it as JPEG and name that file instead (iPhone: Settings > Camera > Formats > Most Compatible; Mac: open it in Preview, File > Export, JPEG; Windows: open it in Photos, Save as, JPEG)"
    )
}

/// Names and checks a file; the error says why it cannot be served.
pub fn store(file: &str, data: Vec<u8>) -> Result<MediaFile, String> {
    let (ext, _, _) = type_of(file)
        .ok_or_else(|| format!("`{file}` is not a JPEG, PNG, WebP, GIF or PDF file (by its extension)"))?;
    if data.is_empty() {
        return Err(format!("`{file}` is empty (0 bytes): copy or export it again"));
    }
    let limit = limit_of(file);
    if data.len() > limit {
        return Err(format!("`{file}` is {} bytes; the limit is {limit}", data.len()));
    }
    Ok(named(ext, data))
}

/// The most bytes a file of this name may have: [`MAX_PHOTO_BYTES`] for an image,
/// [`MAX_BYTES`] for anything else.
pub fn limit_of(file: &str) -> usize {
    match type_of(file) {
        Some((_, _, MediaKind::Image)) => MAX_PHOTO_BYTES,
        _ => MAX_BYTES,
    }
}

/// `data` named by its content with extension `ext` (one of [`type_of`]'s).
pub fn named(ext: &str, data: Vec<u8>) -> MediaFile {
    let content_type = type_of(&format!("x.{ext}")).map_or("application/octet-stream", |t| t.1);
    let media = Media {
        name: hashed_name(&Sha256::digest(&data), ext),
        content_type: content_type.into(),
        bytes: data.len() as u64,
    };
    MediaFile { media, data }
}

/// A file's name from its SHA-256 `digest`: the first 16 hex digits, a dot and `ext`.
pub fn hashed_name(digest: &[u8], ext: &str) -> String {
    let hash: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("{hash}.{ext}")
}

/// [`hashed_name`] of everything `reader` holds, read in pieces (a video is never held
/// whole); answers the name and the number of bytes read.
pub fn hashed_name_of(reader: &mut impl std::io::Read, ext: &str) -> std::io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        total += n as u64;
    }
    Ok((hashed_name(&hasher.finalize(), ext), total))
}

/// True for a `/media/` name this build could have written: 16 hex digits and a known extension.
pub fn is_name(name: &str) -> bool {
    match name.split_once('.') {
        Some((hash, ext)) => {
            hash.len() == 16
                && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                && type_of(name).is_some_and(|(e, ..)| e == ext)
        }
        None => false,
    }
}

/// Key of a media file.
pub fn key(name: &str) -> String {
    format!("media:{name}")
}

/// Human size for links: `120 kB`, `1.4 MB`.
pub fn human_size(bytes: u64) -> String {
    size_in(bytes, ENGLISH_SIZES)
}

/// How a language writes sizes: its decimal separator and its units for B, kB and MB.
pub type SizeUnits = (char, &'static str, &'static str, &'static str);

/// English: `999 B`, `120 kB`, `1.4 MB`.
pub const ENGLISH_SIZES: SizeUnits = ('.', "B", "kB", "MB");

/// `bytes` in `units`: whole bytes below 1 kB, kilobytes rounded up, megabytes to a tenth.
pub fn size_in(bytes: u64, (point, b, kb, mb): SizeUnits) -> String {
    match bytes {
        n if n < 1000 => format!("{n} {b}"),
        n if n < 1_000_000 => format!("{} {kb}", n.div_ceil(1000)),
        // Integer arithmetic: float formatting would add kilobytes to the wasm.
        n => format!("{}{point}{} {mb}", n / 1_000_000, (n % 1_000_000) / 100_000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_content_hashes_and_types_are_allow_listed() {
        let a = store("kuva.JPG", b"abc".to_vec()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.media.name, "ba7816bf8f01cfea.jpg");
        assert_eq!((a.media.content_type.as_str(), a.media.bytes), ("image/jpeg", 3));
        assert!(is_name(&a.media.name));
        for bad in ["x.svg", "x.html", "x", "x.exe"] {
            assert!(store(bad, b"a".to_vec()).is_err(), "{bad}");
        }
        assert!(store("x.png", Vec::new()).is_err());
        assert!(store("x.pdf", vec![0; MAX_BYTES + 1]).is_err());
        assert!(store("x.png", vec![0; MAX_BYTES + 1]).is_ok(), "a photo may be larger: only its copies are uploaded");
        assert!(store("x.png", vec![0; MAX_PHOTO_BYTES + 1]).is_err());
        for bad in ["ba7816bf8f01cfea.svg", "BA7816BF8F01CFEA.jpg", "ba7816bf.jpg", "../x.jpg", "ba7816bf8f01cfea.jpeg"]
        {
            assert!(!is_name(bad), "{bad}");
        }
        assert_eq!(
            (human_size(999), human_size(120_000), human_size(1_400_000)),
            ("999 B".into(), "120 kB".into(), "1.4 MB".into())
        );
    }
}
