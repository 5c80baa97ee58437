//! Camera-like sample photos for tests and benchmarks: a JPEG with textured pixels and the
//! metadata a real camera or phone writes (EXIF with GPS position, serial number, artist and
//! orientation; XMP; IPTC; a comment), so that its removal can be checked.

use image::codecs::jpeg::JpegEncoder;
use image::{ExtendedColorType, ImageEncoder};

/// The artist, serial number and place written into every sample, which no output may hold.
pub const ARTIST: &str = "Sample Photographer";
/// See [`ARTIST`].
pub const SERIAL: &str = "SN-0042-PRIVATE";
/// See [`ARTIST`]: the text of the XMP, IPTC and comment blocks.
pub const SECRET: &str = "Home address of the photographer";
/// Latitude and longitude written, in degrees (Kotka).
pub const GPS: (u32, u32) = (60, 26);

/// A `width` × `height` JPEG (as stored: orientation 6 shows it turned a quarter clockwise)
/// with EXIF `Orientation` = `orientation`, GPS, serial and artist, plus XMP, IPTC and a
/// comment. `seed` varies the pixels.
pub fn camera_jpeg(width: u32, height: u32, orientation: u16, seed: u32) -> Vec<u8> {
    // Smooth colour fields with fine grain: compresses like a photo, not like a gradient.
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let grain = (state % 24) as i32 - 12;
        let c = |v: u32| (v as i32 + grain).clamp(0, 255) as u8;
        // The top-left corner is red, so a test can tell which way up a photo is.
        if x < width / 8 && y < height / 8 {
            return image::Rgb([230, 20, 20]);
        }
        image::Rgb([c(x * 200 / width + 30), c(y * 180 / height + 40), c((x + y + seed) % 97 + 80)])
    });
    let mut jpeg = Vec::new();
    let encoder = JpegEncoder::new_with_quality(&mut jpeg, 90);
    if let Err(e) = encoder.write_image(pixels.as_raw(), width, height, ExtendedColorType::Rgb8) {
        unreachable!("a sample JPEG encodes: {e}");
    }
    let mut segments = Vec::new();
    segments.push((0xE1, [b"Exif\0\0".as_slice(), &exif(orientation)].concat()));
    let xmp = format!("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><dc:creator>{ARTIST}</dc:creator><dc:description>{SECRET}</dc:description></x:xmpmeta>");
    segments.push((0xE1, xmp.into_bytes()));
    segments.push((0xED, format!("Photoshop 3.0\08BIM{SECRET}").into_bytes()));
    segments.push((0xFE, SECRET.as_bytes().to_vec()));
    let mut out = jpeg[..2].to_vec();
    for (marker, payload) in segments {
        out.extend([0xFF, marker]);
        out.extend(u16::try_from(payload.len() + 2).unwrap_or(u16::MAX).to_be_bytes());
        out.extend(payload);
    }
    out.extend(&jpeg[2..]);
    out
}

/// A TIFF structure with the camera's fields, as APP1 carries it after `Exif\0\0`.
fn exif(orientation: u16) -> Vec<u8> {
    use exif::{experimental::Writer, Field, In, Rational, Tag, Value};
    let ascii = |s: &str| Value::Ascii(vec![s.as_bytes().to_vec()]);
    let degrees =
        |d: u32| Value::Rational(vec![Rational::from((d, 1)), Rational::from((27, 1)), Rational::from((3512, 100))]);
    let fields = [
        (Tag::Orientation, Value::Short(vec![orientation])),
        (Tag::Make, ascii("SampleCam")),
        (Tag::Artist, ascii(ARTIST)),
        (Tag::BodySerialNumber, ascii(SERIAL)),
        (Tag::GPSLatitudeRef, ascii("N")),
        (Tag::GPSLatitude, degrees(GPS.0)),
        (Tag::GPSLongitudeRef, ascii("E")),
        (Tag::GPSLongitude, degrees(GPS.1)),
    ]
    .map(|(tag, value)| Field { tag, ifd_num: In::PRIMARY, value });
    let mut writer = Writer::new();
    for f in &fields {
        writer.push_field(f);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    if let Err(e) = writer.write(&mut out, false) {
        unreachable!("the sample's EXIF writes: {e}");
    }
    out.into_inner()
}
