//! Reading a photo: what it is, whether we accept it, and its pixels upright.

use std::io::Cursor;

use image::{AnimationDecoder, DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::{PhotoError, Warning};

/// Most pixels a photo may have (a 64-megapixel camera's; a decompression bomb has far more).
pub const MAX_PIXELS: u64 = 64_000_000;

/// A long side shorter than this is too small for print: `check` warns.
pub const PRINT_LONG_SIDE: u32 = 1600;

/// A photo's pixels, upright, and what else its file said.
pub struct Decoded {
    /// The pixels, turned by the EXIF `Orientation`, as 8-bit RGB or RGBA.
    pub image: DynamicImage,
    /// The file's format.
    pub format: ImageFormat,
    /// True when the orientation turned or mirrored the pixels (the original is re-encoded).
    pub turned: bool,
    /// The ICC colour profile, kept in every output.
    pub icc: Option<Vec<u8>>,
    /// Warnings for `check`.
    pub warnings: Vec<Warning>,
}

/// Reads `data` (the file `name`), refusing what [`PhotoError`] lists.
pub fn decode(name: &str, data: &[u8]) -> Result<Decoded, PhotoError> {
    if data.is_empty() {
        return Err(PhotoError::Empty(name.into()));
    }
    if is_heif(name, data) {
        return Err(PhotoError::Heic(name.into()));
    }
    let undecodable = |e: image::ImageError| PhotoError::Undecodable(name.into(), e.to_string());
    let format = image::guess_format(data).map_err(undecodable)?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif) {
        let e = format!("it is {format:?}");
        return Err(PhotoError::Undecodable(name.into(), e));
    }
    let mut reader = ImageReader::with_format(Cursor::new(data), format);
    let mut limits = Limits::default();
    // Room for the largest photo we accept, as RGBA with 16 bits a channel.
    limits.max_alloc = Some(MAX_PIXELS * 8);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(undecodable)?;
    let (width, height) = decoder.dimensions();
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels { name: name.into(), width, height, megapixels: pixels / 1_000_000 });
    }
    // Only now that the size is known to be sane: this decodes a GIF's frames.
    if is_animated(format, data) {
        return Err(PhotoError::Animated(name.into()));
    }
    if format == ImageFormat::Jpeg && clean_scans(data).is_none() {
        let why = "the file ends before the image does, or is damaged: copy or export it again";
        return Err(PhotoError::Undecodable(name.into(), why.into()));
    }
    let mut warnings = Vec::new();
    if format == ImageFormat::Jpeg && jpeg_components(data) == Some(4) {
        warnings.push(Warning::Cmyk);
    }
    let icc = decoder.icc_profile().ok().flatten();
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(undecodable)?;
    let turned = orientation != image::metadata::Orientation::NoTransforms;
    image.apply_orientation(orientation);
    // 8 bits a channel, RGB or RGBA: what the resizer and encoders take (no copy for the
    // common case, a JPEG, which decodes to RGB already).
    let image = if image.color().has_alpha() {
        DynamicImage::ImageRgba8(image.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.into_rgb8())
    };
    if image.width().max(image.height()) < PRINT_LONG_SIDE {
        warnings.push(Warning::SmallForPrint { width: image.width(), height: image.height() });
    }
    Ok(Decoded { image, format, turned, icc, warnings })
}

/// HEIC, HEIF or AVIF, by extension or by the ISO media `ftyp` box.
fn is_heif(name: &str, data: &[u8]) -> bool {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if matches!(ext.as_str(), "heic" | "heif" | "hif" | "avif") {
        return true;
    }
    data.get(4..8) == Some(b"ftyp")
        && data.get(8..12).is_some_and(|brand| {
            [b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif"].iter().any(|b| brand == *b)
        })
}

/// True for an animated GIF, PNG (APNG) or WebP: more than one readable frame. A file whose
/// frames cannot be read is left to the decoder, which says so.
fn is_animated(format: ImageFormat, data: &[u8]) -> bool {
    match format {
        ImageFormat::Gif => image::codecs::gif::GifDecoder::new(Cursor::new(data))
            .is_ok_and(|d| d.into_frames().take(2).filter(Result::is_ok).count() > 1),
        ImageFormat::Png => {
            image::codecs::png::PngDecoder::new(Cursor::new(data)).is_ok_and(|d| d.is_apng().unwrap_or(false))
        }
        ImageFormat::WebP => image::codecs::webp::WebPDecoder::new(Cursor::new(data)).is_ok_and(|d| d.has_animation()),
        _ => false,
    }
}

/// The number of colour components in a JPEG's frame header (4: CMYK or YCCK).
fn jpeg_components(data: &[u8]) -> Option<u8> {
    let jpeg = img_parts::jpeg::Jpeg::from_bytes(img_parts::Bytes::copy_from_slice(data)).ok()?;
    let frame = jpeg.segments().iter().find(|s| {
        let m = s.marker();
        (0xC0..=0xCF).contains(&m) && !matches!(m, 0xC4 | 0xC8 | 0xCC)
    })?;
    // Precision (1), height (2), width (2), components (1).
    frame.contents().get(5).copied()
}

/// A JPEG's part from its first start-of-scan on, cleaned: application segments and comments
/// that a progressive JPEG may carry between its scans are dropped, and so is anything after
/// the end-of-image marker (phones append preview images and depth maps there, with metadata
/// of their own). `None` when the file is cut short (no end-of-image) or a segment's length
/// is impossible. In entropy-coded data 0xFF is followed by 0x00, a restart marker or more
/// 0xFF; anything else is a marker segment with a length.
pub fn clean_scans(data: &[u8]) -> Option<Vec<u8>> {
    let scan = first_scan(data)?;
    let mut out = data[..scan].to_vec();
    let mut i = scan;
    while let Some(&byte) = data.get(i) {
        match (byte, data.get(i + 1).copied()) {
            (0xFF, Some(0xD9)) => {
                out.extend([0xFF, 0xD9]);
                return Some(out);
            }
            (0xFF, Some(marker)) if !matches!(marker, 0x00 | 0x01 | 0xD0..=0xD7 | 0xFF) => {
                let len = data.get(i + 2..i + 4).map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))?;
                if len < 2 {
                    return None;
                }
                let end = (i + 2 + len).min(data.len());
                if !matches!(marker, 0xE0..=0xEF | 0xFE) {
                    out.extend(&data[i..end]);
                }
                i = end;
            }
            _ => {
                out.push(byte);
                i += 1;
            }
        }
    }
    None
}

/// Where a JPEG's first start-of-scan marker is. The headers before it are walked by their
/// lengths, so no byte inside one is taken for a marker; fill bytes (`FF FF`) and stray bytes
/// between segments are passed over, as decoders do.
fn first_scan(data: &[u8]) -> Option<usize> {
    let mut i = 2;
    while let (Some(&byte), Some(&marker)) = (data.get(i), data.get(i + 1)) {
        match (byte, marker) {
            (0xFF, 0xDA) => return Some(i),
            (0xFF, 0xFF) | (0xFF, 0x01 | 0xD0..=0xD9) => i += 1 + usize::from(marker != 0xFF),
            (0xFF, _) => {
                let len = data.get(i + 2..i + 4).map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))?;
                if len < 2 {
                    return None;
                }
                i += 2 + len;
            }
            _ => i += 1,
        }
    }
    None
}
