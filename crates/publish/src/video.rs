//! What `newsroom check` reads from a video file and its captions: the container's length,
//! picture size and codecs (the `mp4` crate for MP4, `matroska-demuxer` for WebM, both
//! reading the headers and seeking past the picture data, never the whole file), and whether
//! a captions file is WebVTT a browser will show. Every problem is a sentence for a
//! communications officer: what is wrong and what to export instead.

use std::io::{Read, Seek};

/// What the container says about a video.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoFacts {
    /// `{16 hex digits of SHA-256}.{mp4|webm}`: the name the file is kept and served under.
    pub name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Length in milliseconds.
    pub duration_ms: u64,
    /// Picture width in pixels.
    pub width: u32,
    /// Picture height in pixels.
    pub height: u32,
    /// The codecs, as [`contract::model::Video::codecs`] writes them.
    pub codecs: String,
}

/// The longest video accepted: longer is a damaged header, not a release's video.
const MAX_DURATION_MS: u64 = 24 * 3600 * 1000;

/// What to export a video as, said with every codec problem.
const EXPORT_AS: &str = "export it as MP4 with H.264 video and AAC sound (or WebM with VP9 and Opus), \
                         which every browser plays";

/// Reads the container of a file of `size` bytes with extension `ext` (`mp4`, `m4v` or
/// `webm`): its length, picture size and codecs. A container reader that panics on a
/// damaged file is caught: the file is refused, the check goes on.
pub fn probe(reader: &mut (impl Read + Seek), size: u64, ext: &str) -> Result<(u64, u32, u32, String), String> {
    let run = std::panic::AssertUnwindSafe(|| match ext {
        "webm" => probe_webm(reader),
        _ => probe_mp4(reader, size),
    });
    let read = std::panic::catch_unwind(run)
        .unwrap_or_else(|_| Err(format!("could not be read as a video (a damaged file?): {EXPORT_AS}")));
    let (duration_ms, width, height, codecs) = read?;
    if duration_ms > MAX_DURATION_MS {
        return Err("is longer than 24 hours (a damaged file?): export it again, or cut it".into());
    }
    if width == 0 || height == 0 {
        return Err("the video has no picture size: export it again".into());
    }
    if duration_ms == 0 {
        return Err("the video has no length (0 seconds): export it again".into());
    }
    Ok((duration_ms, width, height, codecs))
}

fn probe_mp4(reader: &mut (impl Read + Seek), size: u64) -> Result<(u64, u32, u32, String), String> {
    let mp4 = mp4::Mp4Reader::read_header(reader, size)
        .map_err(|e| format!("is not an MP4 video this newsroom can read ({e}): {EXPORT_AS}"))?;
    let mut tracks: Vec<&mp4::Mp4Track> = mp4.tracks().values().collect();
    tracks.sort_by_key(|t| t.track_id());
    let mut video = None;
    let mut codecs = Vec::new();
    for track in tracks {
        match track.track_type() {
            Ok(mp4::TrackType::Video) => {
                let stsd = &track.trak.mdia.minf.stbl.stsd;
                let Some(avc1) = &stsd.avc1 else {
                    let named = if stsd.hev1.is_some() { "H.265 (HEVC)" } else { "a codec browsers cannot all play" };
                    return Err(format!("the picture is {named}: {EXPORT_AS}"));
                };
                let c = &avc1.avcc;
                // Baseline, Main, High (and Constrained Baseline, 66 with a flag): 8-bit 4:2:0,
                // what browsers decode; High 10, 4:2:2 and 4:4:4 from editing software are not.
                if !matches!(c.avc_profile_indication, 66 | 77 | 88 | 100) {
                    return Err(format!(
                        "the picture is H.264 of a profile browsers cannot play (profile {}: 10-bit or 4:2:2/4:4:4 \
                         colour, from editing software): {EXPORT_AS} (High profile, 8-bit, 4:2:0)",
                        c.avc_profile_indication
                    ));
                }
                codecs.push(format!(
                    "avc1.{:02x}{:02x}{:02x}",
                    c.avc_profile_indication, c.profile_compatibility, c.avc_level_indication
                ));
                video.get_or_insert((u32::from(track.width()), u32::from(track.height())));
            }
            Ok(mp4::TrackType::Audio) => {
                if track.trak.mdia.minf.stbl.stsd.mp4a.is_none() {
                    return Err(format!("the sound is in a codec browsers cannot all play: {EXPORT_AS}"));
                }
                codecs.push("mp4a.40.2".into());
            }
            // Subtitles, timecodes and other tracks a camera writes: not played, not refused.
            _ => {}
        }
    }
    let (width, height) = video.ok_or_else(|| format!("has no picture (a sound file?): {EXPORT_AS}"))?;
    // Not `Mp4Reader::duration`, which divides by the time scale unchecked (0 in a damaged file).
    let mvhd = &mp4.moov.mvhd;
    let duration_ms = match u64::from(mvhd.timescale) {
        0 => return Err("has no time scale (a damaged file): export it again".into()),
        scale => mvhd.duration.checked_mul(1000).map_or(u64::MAX, |d| d / scale),
    };
    Ok((duration_ms, width, height, codecs.join(", ")))
}

fn probe_webm(reader: &mut (impl Read + Seek)) -> Result<(u64, u32, u32, String), String> {
    let mkv = matroska_demuxer::MatroskaFile::open(reader)
        .map_err(|e| format!("is not a WebM video this newsroom can read ({e}): {EXPORT_AS}"))?;
    let mut video = None;
    let mut codecs = Vec::new();
    for track in mkv.tracks() {
        let codec = track.codec_id();
        match track.track_type() {
            matroska_demuxer::TrackType::Video => {
                let name = match codec {
                    "V_VP8" => "vp8",
                    "V_VP9" => "vp9",
                    "V_AV1" => "av01",
                    other => {
                        return Err(format!("the picture is `{other}`, which browsers cannot all play: {EXPORT_AS}"))
                    }
                };
                codecs.push(name.to_string());
                if let Some(v) = track.video() {
                    let px = |n: std::num::NonZeroU64| u32::try_from(n.get()).unwrap_or(0);
                    video.get_or_insert((px(v.pixel_width()), px(v.pixel_height())));
                }
            }
            matroska_demuxer::TrackType::Audio => match codec {
                "A_OPUS" => codecs.push("opus".into()),
                "A_VORBIS" => codecs.push("vorbis".into()),
                other => return Err(format!("the sound is `{other}`, which browsers cannot all play: {EXPORT_AS}")),
            },
            _ => {}
        }
    }
    let (width, height) = video.ok_or_else(|| format!("has no picture (a sound file?): {EXPORT_AS}"))?;
    let info = mkv.info();
    // The duration is counted in the file's timestamp units (nanoseconds times its scale).
    let units = info.duration().unwrap_or(0.0);
    let ms = units * info.timestamp_scale().get() as f64 / 1_000_000.0;
    let duration_ms = if ms.is_finite() && ms > 0.0 { ms.ceil() as u64 } else { 0 };
    Ok((duration_ms, width, height, codecs.join(", ")))
}

/// Checks a captions file: WebVTT (`WEBVTT` on its first line) with at least one cue whose
/// timing line browsers read (`00:01.000 --> 00:04.000`). Answers the line of a problem.
pub fn check_captions(text: &str) -> Result<(), (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate();
    let first = lines.next().map(|(_, l)| l).unwrap_or("");
    if first != "WEBVTT" && !first.starts_with("WEBVTT ") && !first.starts_with("WEBVTT\t") {
        return Err((1, "is not WebVTT: its first line must be `WEBVTT` (save the captions as .vtt, not .srt)".into()));
    }
    let mut cues = 0;
    for (n, line) in lines {
        let Some((start, rest)) = line.split_once("-->") else { continue };
        let end = rest.split_whitespace().next().unwrap_or("");
        match (timestamp(start.trim()), timestamp(end)) {
            (Some(a), Some(b)) if a <= b => cues += 1,
            _ => {
                return Err((
                    n + 1,
                    format!(
                        "the cue timing `{line}` is not WebVTT's `00:01.000 --> 00:04.000` (a start before its end)"
                    ),
                ))
            }
        }
    }
    if cues == 0 {
        return Err((1, "has no captions: no cue with a timing line such as `00:01.000 --> 00:04.000`".into()));
    }
    Ok(())
}

/// A WebVTT timestamp (`mm:ss.ttt` or `hh:mm:ss.ttt`) in milliseconds.
fn timestamp(text: &str) -> Option<u64> {
    let (clock, millis) = text.split_once('.')?;
    if millis.len() != 3 || !millis.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let parts: Vec<&str> = clock.split(':').collect();
    let number = |s: &str| (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u64>().ok())?;
    // Minutes and seconds have two digits each (browsers drop `0:1.000`); hours two or more.
    let two = |s: &str| if s.len() == 2 { number(s) } else { None };
    let (h, m, s) = match parts.as_slice() {
        [m, s] => (0, two(m)?, two(s)?),
        [h, m, s] if h.len() >= 2 => (number(h)?, two(m)?, two(s)?),
        _ => return None,
    };
    if m > 59 || s > 59 {
        return None;
    }
    let seconds = h.checked_mul(3600)?.checked_add(m * 60 + s)?;
    seconds.checked_mul(1000)?.checked_add(millis.parse::<u64>().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_must_be_webvtt_with_timed_cues() {
        assert_eq!(check_captions("WEBVTT\n\n00:00.000 --> 00:02.500\nHei\n"), Ok(()));
        assert_eq!(
            check_captions("\u{feff}WEBVTT - tekstit\n\n1\n01:00:00.000 --> 01:00:01.000 align:start\nx\n"),
            Ok(())
        );
        let srt = check_captions("1\n00:00:01,000 --> 00:00:02,000\nHei\n").expect_err("SRT");
        assert_eq!(srt.0, 1);
        assert!(srt.1.contains(".srt"), "{}", srt.1);
        let bad = check_captions("WEBVTT\n\n00:00.000 --> 00:02,500\nHei\n").expect_err("comma");
        assert_eq!(bad.0, 3);
        let backwards = check_captions("WEBVTT\n\n00:03.000 --> 00:02.000\nx\n").expect_err("backwards");
        assert_eq!(backwards.0, 3);
        assert_eq!(check_captions("WEBVTT\n\nNOTE nothing\n").expect_err("empty").0, 1);
        assert_eq!(check_captions("WEBVTT\n\n0:1.000 --> 0:2.000\nx\n").expect_err("one digit").0, 3);
        let huge = "WEBVTT\n\n99999999999999999:00:00.000 --> 99999999999999999:00:01.000\nx\n";
        assert_eq!(check_captions(huge).expect_err("overflow").0, 3);
    }

    #[test]
    fn what_is_not_a_video_says_what_to_export() {
        let mut text = std::io::Cursor::new(b"this is not a video at all".to_vec());
        let e = probe(&mut text, 26, "mp4").expect_err("not MP4");
        assert!(e.contains("not an MP4 video") && e.contains("H.264"), "{e}");
        let mut text = std::io::Cursor::new(b"this is not a video at all".to_vec());
        let e = probe(&mut text, 26, "webm").expect_err("not WebM");
        assert!(e.contains("not a WebM video") && e.contains("VP9"), "{e}");
    }
}
