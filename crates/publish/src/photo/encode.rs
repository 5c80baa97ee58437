//! Renditions and the share image: resized with `fast_image_resize` (Lanczos3), written as
//! WebP (libwebp, lossy) and JPEG, each with the photo's ICC profile and nothing else.

use fast_image_resize::images::Image as Pixels;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ExtendedColorType, ImageEncoder};
use img_parts::{Bytes, ImageICC};

use super::decode::Decoded;
use super::{output, PhotoError, SHARE, WIDTHS};
use contract::media::Rendition;

/// Quality of the renditions' JPEG and WebP (a photo on a page, not for print).
const JPEG_QUALITY: u8 = 80;
const WEBP_QUALITY: f32 = 75.0;
/// The longest side libwebp encodes.
const WEBP_MAX_SIDE: u32 = 16_383;

/// WebP and JPEG at each of [`WIDTHS`] narrower than the photo, and at the photo's own
/// width when it is narrower than the widest (never upscaled).
pub fn renditions(name: &str, d: &Decoded) -> Result<Vec<(Rendition, Vec<u8>)>, PhotoError> {
    let (w, h) = (d.image.width(), d.image.height());
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|&x| x < w).collect();
    if w <= WIDTHS[WIDTHS.len() - 1] {
        widths.push(w);
    }
    // The widest from the photo itself, the narrower ones from the widest (far fewer pixels
    // to read, and no visible difference at these ratios).
    let mut widest: Option<DynamicImage> = None;
    let mut out = Vec::with_capacity(widths.len() * 2);
    for &width in widths.iter().rev() {
        let height = ((u64::from(h) * u64::from(width) + u64::from(w) / 2) / u64::from(w)).max(1) as u32;
        let small = resize(name, widest.as_ref().unwrap_or(&d.image), (width, height), false)?;
        out.push(output(name, "jpg", jpeg(name, &small, JPEG_QUALITY, d.icc.as_deref())?, (width, height))?);
        // libwebp takes at most 16,383 pixels a side: a long strip gets JPEG alone.
        if height <= WEBP_MAX_SIDE {
            out.push(output(name, "webp", webp(name, &small, d.icc.as_deref())?, (width, height))?);
        }
        widest.get_or_insert(small);
    }
    out.reverse();
    Ok(out)
}

/// The share image: the photo's centre cut to 1.91 : 1 at [`SHARE`] (smaller when the
/// photo is), as JPEG, which every link preview reads.
pub fn share(name: &str, d: &Decoded) -> Result<(Rendition, Vec<u8>), PhotoError> {
    let (w, h) = (d.image.width(), d.image.height());
    // The largest 1200:630 box that fits in the photo, at most SHARE.
    let scale = f64::min(1.0, f64::min(f64::from(w) / f64::from(SHARE.0), f64::from(h) / f64::from(SHARE.1)));
    let size =
        (((f64::from(SHARE.0) * scale).round() as u32).max(1), ((f64::from(SHARE.1) * scale).round() as u32).max(1));
    let cut = resize(name, &d.image, size, true)?;
    output(name, "jpg", jpeg(name, &cut, JPEG_QUALITY, d.icc.as_deref())?, size)
}

/// `image` resized to `size`; with `cut`, its centre cut to the size's aspect ratio first.
fn resize(name: &str, image: &DynamicImage, size: (u32, u32), cut: bool) -> Result<DynamicImage, PhotoError> {
    let failed = |e: String| PhotoError::Encode(name.into(), e);
    let alpha = image.color().has_alpha();
    let kind = if alpha { PixelType::U8x4 } else { PixelType::U8x3 };
    let mut target = Pixels::new(size.0, size.1, kind);
    let mut options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    if cut {
        options = options.fit_into_destination(Some((0.5, 0.5)));
    }
    Resizer::new().resize(image, &mut target, &options).map_err(|e| failed(e.to_string()))?;
    let buffer = target.into_vec();
    let resized = if alpha {
        image::RgbaImage::from_raw(size.0, size.1, buffer).map(DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(size.0, size.1, buffer).map(DynamicImage::ImageRgb8)
    };
    resized.ok_or_else(|| failed("resized buffer of the wrong length".into()))
}

/// JPEG at `quality` (transparency is laid on white), with the ICC profile.
pub fn jpeg(name: &str, image: &DynamicImage, quality: u8, icc: Option<&[u8]>) -> Result<Vec<u8>, PhotoError> {
    let rgb = if image.color().has_alpha() { on_white(image) } else { image.to_rgb8() };
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, quality);
    if let Some(icc) = icc {
        // A profile the encoder refuses (too long) is left out rather than failing the photo.
        let _ = encoder.set_icc_profile(icc.to_vec());
    }
    encoder
        .write_image(rgb.as_raw(), rgb.width(), rgb.height(), ExtendedColorType::Rgb8)
        .map_err(|e| PhotoError::Encode(name.into(), e.to_string()))?;
    Ok(out)
}

/// Lossless PNG of 8-bit RGB or RGBA pixels, with the ICC profile.
pub fn png(name: &str, image: &DynamicImage, icc: Option<&[u8]>) -> Result<Vec<u8>, PhotoError> {
    let kind = if image.color().has_alpha() { ExtendedColorType::Rgba8 } else { ExtendedColorType::Rgb8 };
    let mut out = Vec::new();
    let mut encoder = PngEncoder::new(&mut out);
    if let Some(icc) = icc {
        let _ = encoder.set_icc_profile(icc.to_vec());
    }
    encoder
        .write_image(image.as_bytes(), image.width(), image.height(), kind)
        .map_err(|e| PhotoError::Encode(name.into(), e.to_string()))?;
    Ok(out)
}

/// Lossy WebP (libwebp), with the ICC profile added as its `ICCP` chunk.
fn webp(name: &str, image: &DynamicImage, icc: Option<&[u8]>) -> Result<Vec<u8>, PhotoError> {
    let (w, h) = (image.width(), image.height());
    let encoder = if image.color().has_alpha() {
        webp::Encoder::from_rgba(image.as_bytes(), w, h)
    } else {
        webp::Encoder::from_rgb(image.as_bytes(), w, h)
    };
    let encoded = encoder
        .encode_simple(false, WEBP_QUALITY)
        .map_err(|e| PhotoError::Encode(name.into(), format!("WebP: {e:?}")))?;
    let Some(icc) = icc else { return Ok(encoded.to_vec()) };
    let failed = |e: img_parts::Error| PhotoError::Encode(name.into(), e.to_string());
    let mut file = img_parts::webp::WebP::from_bytes(Bytes::copy_from_slice(&encoded)).map_err(failed)?;
    file.set_icc_profile(Some(Bytes::copy_from_slice(icc)));
    Ok(file.encoder().bytes().to_vec())
}

/// RGBA laid on a white background, as RGB.
fn on_white(image: &DynamicImage) -> image::RgbImage {
    let rgba = image.to_rgba8();
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    })
}
