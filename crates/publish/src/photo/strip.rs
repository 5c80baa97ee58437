//! The downloadable original: the publisher's own bytes without a single metadata block but
//! the ICC colour profile, so a journalist gets the full quality and nobody gets the GPS
//! position, camera serial number or names. A photo that had to be turned upright is
//! encoded again instead (JPEG at high quality, or PNG), as is a GIF (as PNG).

use image::ImageFormat;
use img_parts::jpeg::Jpeg;
use img_parts::png::Png;
use img_parts::webp::WebP;
use img_parts::{Bytes, ImageICC};

use super::decode::{clean_scans, Decoded};
use super::encode::{jpeg, png};
use super::{output, PhotoError};
use contract::media::Rendition;

/// Quality of an original encoded again because it was turned.
const ORIGINAL_QUALITY: u8 = 92;

/// The stripped original of `data`.
pub fn original(name: &str, data: &[u8], d: &Decoded) -> Result<(Rendition, Vec<u8>), PhotoError> {
    let size = (d.image.width(), d.image.height());
    let failed = |e: img_parts::Error| PhotoError::Encode(name.into(), e.to_string());
    let bytes = Bytes::copy_from_slice(data);
    match d.format {
        ImageFormat::Jpeg if !d.turned => {
            let mut j = Jpeg::from_bytes(bytes).map_err(failed)?;
            j.segments_mut().retain(|s| keep_jpeg_segment(s.marker(), s.contents()));
            let bytes = j.encoder().bytes();
            // `decode` refused a JPEG whose scans do not end: this one does.
            let cleaned =
                clean_scans(&bytes).ok_or_else(|| PhotoError::Encode(name.into(), "no end of image".into()))?;
            output(name, "jpg", cleaned, size)
        }
        ImageFormat::Png if !d.turned => {
            let mut p = Png::from_bytes(bytes).map_err(failed)?;
            p.chunks_mut().retain(|c| KEPT_PNG_CHUNKS.contains(&c.kind()));
            output(name, "png", p.encoder().bytes().to_vec(), size)
        }
        ImageFormat::WebP if !d.turned => {
            let mut w = WebP::from_bytes(bytes).map_err(failed)?;
            let icc = w.icc_profile();
            w.chunks_mut().retain(|c| KEPT_WEBP_CHUNKS.contains(&c.id()));
            // Writing the profile again rewrites the VP8X header's flags, which still named
            // the EXIF and XMP chunks just removed.
            w.set_icc_profile(icc);
            output(name, "webp", w.encoder().bytes().to_vec(), size)
        }
        ImageFormat::Jpeg => output(name, "jpg", jpeg(name, &d.image, ORIGINAL_QUALITY, d.icc.as_deref())?, size),
        _ => output(name, "png", png(name, &d.image, d.icc.as_deref())?, size),
    }
}

/// JPEG segments kept: everything that is not an application segment or a comment, and of
/// those only the ICC profile (APP2 `ICC_PROFILE`) and Adobe's colour transform (APP14),
/// which decoders need. EXIF and XMP (APP1), MPF thumbnails (APP2), IPTC (APP13), JFIF
/// thumbnails (APP0) and comments (COM) go.
fn keep_jpeg_segment(marker: u8, contents: &[u8]) -> bool {
    match marker {
        0xE2 => contents.starts_with(b"ICC_PROFILE\0"),
        0xEE => contents.starts_with(b"Adobe"),
        0xE0..=0xEF | 0xFE => false,
        _ => true,
    }
}

/// PNG chunks kept: the image itself and what changes how it looks; text (`tEXt`, `zTXt`,
/// `iTXt`), `eXIf`, `tIME` and private chunks go.
const KEPT_PNG_CHUNKS: [[u8; 4]; 12] = [
    *b"IHDR", *b"PLTE", *b"IDAT", *b"IEND", *b"tRNS", *b"iCCP", *b"sRGB", *b"gAMA", *b"cHRM", *b"sBIT", *b"pHYs",
    *b"bKGD",
];

/// WebP chunks kept: the bitstream, its alpha and header, and the ICC profile; `EXIF` and
/// `XMP ` go.
const KEPT_WEBP_CHUNKS: [[u8; 4]; 5] = [*b"VP8 ", *b"VP8L", *b"VP8X", *b"ALPH", *b"ICCP"];
