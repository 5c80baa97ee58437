use super::decode;
use super::sample::{camera_jpeg, ARTIST, SECRET, SERIAL};
use super::*;

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// True when an EXIF reader finds any EXIF in the file.
fn has_exif(data: &[u8]) -> bool {
    exif::Reader::new().read_from_container(&mut std::io::Cursor::new(data)).is_ok()
}

fn ok(name: &str, data: &[u8]) -> Processed {
    process(name, data).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_camera_photo_loses_every_metadata_block_and_is_turned_upright() {
    // Stored 2000 × 1500 with orientation 6: shown 1500 × 2000.
    let source = camera_jpeg(2000, 1500, 6, 1);
    assert!(has_exif(&source) && contains(&source, SERIAL) && contains(&source, ARTIST) && contains(&source, SECRET));
    let p = ok("kuva.jpg", &source);
    assert_eq!((p.photo.original.width, p.photo.original.height), (1500, 2000));
    assert_eq!(p.files.len(), p.photo.outputs().count());
    for (r, f) in p.photo.outputs().zip(&p.files) {
        assert_eq!(r.media, f.media);
        assert!(!has_exif(&f.data), "{} has EXIF", r.media.name);
        for secret in [SERIAL, ARTIST, SECRET, "Exif", "xmpmeta", "8BIM"] {
            assert!(!contains(&f.data, secret), "{} holds {secret}", r.media.name);
        }
        let decoded = image::load_from_memory(&f.data).unwrap_or_else(|e| panic!("{}: {e}", r.media.name));
        assert_eq!((decoded.width(), decoded.height()), (r.width, r.height), "{}", r.media.name);
    }
    // Upright: the red corner (top-left as stored) is now at the top right.
    let original = image::load_from_memory(&p.files[0].data).unwrap_or_else(|e| panic!("{e}")).to_rgb8();
    let [r, g, _] = original.get_pixel(1500 - 20, 20).0;
    assert!(r > 180 && g < 80, "top right is {r},{g}");
    let widths: Vec<(u32, &str)> =
        p.photo.renditions.iter().map(|r| (r.width, r.media.content_type.as_str())).collect();
    assert_eq!(
        widths,
        [
            (480, "image/webp"),
            (480, "image/jpeg"),
            (800, "image/webp"),
            (800, "image/jpeg"),
            (1200, "image/webp"),
            (1200, "image/jpeg"),
            (1500, "image/webp"),
            (1500, "image/jpeg")
        ]
    );
    assert_eq!((p.photo.share.width, p.photo.share.height), SHARE);
    assert!(p.photo.warnings.is_empty(), "{:?}", p.photo.warnings);
}

#[test]
fn an_upright_jpeg_keeps_its_own_bytes_without_the_metadata() {
    let source = camera_jpeg(1800, 1200, 1, 2);
    let p = ok("kuva.jpg", &source);
    let original = &p.files[0].data;
    // Lossless: the same pixels as the source, fewer bytes.
    let (a, b) =
        (image::load_from_memory(&source).map(|i| i.to_rgb8()), image::load_from_memory(original).map(|i| i.to_rgb8()));
    assert!(a.is_ok() && a.ok() == b.ok());
    assert!(original.len() < source.len());
    assert_eq!(p.photo.original.media.content_type, "image/jpeg");
}

#[test]
fn bad_files_are_refused_with_what_to_do() {
    let msg = |name: &str, data: &[u8]| process(name, data).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(msg("tyhja.jpg", b"").contains("is empty"));
    assert!(msg("IMG_1234.HEIC", b"....ftypheic....").contains("save it as JPEG"));
    assert!(msg("kuva.jpg", b"....ftypheic....").contains("HEIC"));
    assert!(msg("kuva.jpg", b"not an image at all").contains("cannot be read"));
    let mut truncated = camera_jpeg(600, 400, 1, 3);
    truncated.truncate(truncated.len() / 3);
    assert!(msg("katkennut.jpg", &truncated).contains("cannot be read"));
    // A PNG header claiming 100,000 × 100,000 pixels: refused before any pixel is decoded.
    let mut bomb = Vec::new();
    let png = image::codecs::png::PngEncoder::new(&mut bomb);
    let _ = image::ImageEncoder::write_image(png, &[0; 3], 1, 1, image::ExtendedColorType::Rgb8);
    bomb[16..24].copy_from_slice(&[0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0]);
    let crc = crc32(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    assert!(msg("pommi.png", &bomb).contains("megapixels"), "{}", msg("pommi.png", &bomb));
    // An animated GIF.
    let mut gif = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut gif);
        let frame = |c: u8| image::Frame::new(image::RgbaImage::from_pixel(4, 4, image::Rgba([c, 0, 0, 255])));
        let _ = encoder.encode_frames([frame(10), frame(200)]);
    }
    assert!(msg("animaatio.gif", &gif).contains("animation"));
}

#[test]
fn a_small_photo_is_never_upscaled_and_is_warned_of() {
    let p = ok("pieni.jpg", &camera_jpeg(640, 480, 1, 4));
    let widths: Vec<u32> = p.photo.renditions.iter().map(|r| r.width).collect();
    assert_eq!(widths, [480, 480, 640, 640]);
    assert_eq!((p.photo.share.width, p.photo.share.height), (640, 336));
    assert_eq!(p.photo.warnings, [Warning::SmallForPrint { width: 640, height: 480 }]);
    assert!(p.photo.warnings[0]
        .message("pieni.jpg")
        .contains("`pieni.jpg` is only 640 × 480 pixels: too small for print"));
}

#[test]
fn png_and_webp_keep_their_colour_profile_and_lose_text() {
    let mut png = Vec::new();
    let mut encoder = image::codecs::png::PngEncoder::new(&mut png);
    let _ = image::ImageEncoder::set_icc_profile(&mut encoder, vec![7; 200]);
    let pixels = image::RgbaImage::from_fn(900, 600, |x, y| image::Rgba([x as u8, y as u8, 90, 200]));
    let _ = image::ImageEncoder::write_image(encoder, pixels.as_raw(), 900, 600, image::ExtendedColorType::Rgba8);
    // A tEXt chunk before IEND.
    let iend = png.len() - 12;
    let text = b"Author\0Sample Photographer";
    let mut chunk = (text.len() as u32).to_be_bytes().to_vec();
    chunk.extend(b"tEXt");
    chunk.extend(text);
    chunk.extend(crc32(&chunk[4..]).to_be_bytes());
    png.splice(iend..iend, chunk);
    let p = ok("logo.png", &png);
    assert!(!contains(&p.files[0].data, ARTIST));
    assert!(contains(&p.files[0].data, "iCCP"), "the original keeps its profile");
    assert!(p.files.iter().all(|f| contains(&f.data, "ICC") || contains(&f.data, "iCCP")), "every output keeps it");
}

/// The CRC of a PNG chunk (type and data).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn a_photo_exactly_as_wide_as_the_widest_rendition_gets_it() {
    let p = ok("tasan.jpg", &camera_jpeg(1600, 1200, 1, 5));
    let widths: Vec<u32> = p.photo.renditions.iter().map(|r| r.width).collect();
    assert_eq!(widths, [480, 480, 800, 800, 1200, 1200, 1600, 1600]);
}

#[test]
fn a_long_strip_is_written_without_webp_where_libwebp_cannot_and_never_panics() {
    // 300 × 17,000: its own-width rendition is taller than the 16,383 pixels WebP allows.
    let p = ok("nauha.png", &{
        let mut png = Vec::new();
        let strip = image::RgbImage::from_fn(300, 17_000, |x, y| image::Rgb([x as u8, (y % 251) as u8, 9]));
        image::DynamicImage::ImageRgb8(strip)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap_or_else(|e| panic!("{e}"));
        png
    });
    let kinds: Vec<(u32, &str)> = p.photo.renditions.iter().map(|r| (r.width, r.media.content_type.as_str())).collect();
    assert_eq!(kinds, [(300, "image/jpeg")]);
}

#[test]
fn segments_between_the_scans_of_a_jpeg_and_anything_after_its_end_are_dropped() {
    // SOI, a quantisation table, SOS with two bytes of data (one escaped 0xFF), a comment and
    // an APP1 between scans, a restart marker, DHT, EOI, then a trailer with its own EXIF.
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x04, 0x01, 0x02];
    jpeg.extend([0xFF, 0xDA, 0x00, 0x03, 0x07, 0x11, 0xFF, 0x00, 0x22]);
    jpeg.extend([0xFF, 0xFE, 0x00, 0x08]);
    jpeg.extend(b"SECRET");
    jpeg.extend([0xFF, 0xE1, 0x00, 0x08]);
    jpeg.extend(b"Exif\0\0");
    jpeg.extend([0x33, 0xFF, 0xD3, 0x44, 0xFF, 0xC4, 0x00, 0x03, 0x05, 0x55, 0xFF, 0xD9]);
    jpeg.extend(b"\xFF\xE1 trailing Exif SECRET");
    let cleaned = decode::clean_scans(&jpeg).unwrap_or_else(|| panic!("it ends"));
    let mut wanted = vec![0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x04, 0x01, 0x02];
    wanted.extend([0xFF, 0xDA, 0x00, 0x03, 0x07, 0x11, 0xFF, 0x00, 0x22]);
    wanted.extend([0x33, 0xFF, 0xD3, 0x44, 0xFF, 0xC4, 0x00, 0x03, 0x05, 0x55, 0xFF, 0xD9]);
    assert_eq!(cleaned, wanted);
    // Fill bytes before a header are passed over; an impossible length or no end is refused.
    let mut filled = vec![0xFF, 0xD8, 0xFF, 0xFF];
    filled.extend(&jpeg[2..]);
    assert!(decode::clean_scans(&filled).is_some_and(|c| c.ends_with(&[0xFF, 0xD9])));
    let mut impossible = wanted.clone();
    impossible.splice(17..17, [0xFF, 0xFE, 0x00, 0x01]);
    assert_eq!(decode::clean_scans(&impossible), None);
    assert_eq!(decode::clean_scans(&wanted[..wanted.len() - 2]), None, "cut short");
}
