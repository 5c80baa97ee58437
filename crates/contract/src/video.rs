//! Videos and their captions: stored in R2 (the `MEDIA` bucket), not KV — a video is read in
//! ranges, not whole, and may be larger than a KV value — under content-hashed names (the
//! record of a video is `model::Video`), and
//! served at `/media/{name}` by the readers' entry module (`worker/js/video.js`) with byte
//! ranges. A video is served only once KV holds its gate, `video:{name}` ([`VideoGate`]),
//! and the gate's moment has passed: the video of a scheduled release answers `404` under
//! any name until its moment.

use serde::{Deserialize, Serialize};

/// Largest video accepted: `wrangler r2 object put` uploads at most 300 MiB in one request.
pub const MAX_VIDEO_BYTES: u64 = 300 * 1024 * 1024;

/// Largest captions file accepted (an hour of captions is about 100 KB).
pub const MAX_CAPTIONS_BYTES: u64 = 1024 * 1024;

/// What a file of a video may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VideoFileKind {
    /// An MP4 (H.264 video, AAC audio) or WebM (VP8, VP9 or AV1 video, Opus or Vorbis audio).
    Video,
    /// WebVTT captions.
    Captions,
}

/// The extension, MIME type and kind of a video or captions file name.
pub fn type_of(file: &str) -> Option<(&'static str, &'static str, VideoFileKind)> {
    let ext = file.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "mp4" | "m4v" => ("mp4", "video/mp4", VideoFileKind::Video),
        "webm" => ("webm", "video/webm", VideoFileKind::Video),
        "vtt" => ("vtt", "text/vtt; charset=utf-8", VideoFileKind::Captions),
        _ => return None,
    })
}

/// True for a name the build gives a video or captions file: 16 lowercase hex digits, a dot
/// and `mp4`, `webm` or `vtt`.
pub fn is_name(name: &str) -> bool {
    let Some((hash, ext)) = name.split_once('.') else { return false };
    hash.len() == 16
        && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && matches!(ext, "mp4" | "webm" | "vtt")
}

/// The R2 key of a video or captions file.
pub fn object_key(name: &str) -> String {
    format!("video/{name}")
}

/// The KV key of a file's [`VideoGate`].
pub fn gate_key(name: &str) -> String {
    format!("video:{name}")
}

/// When a video or captions file may be served: written by the build under
/// [`gate_key`] for every file a release names, with the earliest moment of the releases
/// that name it. The entry module serves the file only after `public_at`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct VideoGate {
    /// Schema version (`model::SCHEMA_VERSION`).
    pub v: u32,
    /// RFC 3339, UTC, with `Z`: the moment from which the file is served.
    pub public_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_types_and_keys() {
        assert!(is_name("0123456789abcdef.webm") && is_name("0123456789abcdef.vtt"));
        assert!(!is_name("0123456789ABCDEF.mp4") && !is_name("0123456789abcdef.jpg") && !is_name("x.mp4"));
        assert_eq!(type_of("Tilaisuus.MP4").map(|t| t.2), Some(VideoFileKind::Video));
        assert_eq!(type_of("tekstit.vtt").map(|t| t.0), Some("vtt"));
        assert_eq!(type_of("kuva.jpg"), None);
        assert_eq!(object_key("a.mp4"), "video/a.mp4");
        assert_eq!(gate_key("a.mp4"), "video:a.mp4");
    }
}
