//! Videos in the JSON API (`videos` of a release) and in a release's JSON-LD (schema.org
//! `VideoObject`, which search engines read for video results).

use serde::Serialize;

use super::media::ImageView;
use contract::model::Video;
use contract::model::{License, PublisherRef};
use contract::time::rfc3339;

/// A video: `url` is the file as the publisher gave it (streamed with byte ranges),
/// `captions` its WebVTT captions.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub(super) struct VideoView<'a> {
    url: String,
    content_type: &'a str,
    bytes: u64,
    title: &'a str,
    /// Length in seconds, rounded to the nearest.
    duration_seconds: u64,
    width: u32,
    height: u32,
    /// As a MIME type's `codecs` parameter (`avc1.64001f, mp4a.40.2`) or by name (`vp9, opus`).
    codecs: &'a str,
    captions: CaptionsView<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    poster: Option<ImageView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    license: Option<&'a License>,
    download_name: &'a str,
}

/// A video's captions file.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
struct CaptionsView<'a> {
    url: String,
    language: &'a str,
}

impl<'a> VideoView<'a> {
    /// The view of `v` with absolute URLs on `origin`.
    pub(super) fn new(v: &'a Video, origin: &str) -> Self {
        Self {
            url: format!("{origin}{}", v.media.path()),
            content_type: &v.media.content_type,
            bytes: v.media.bytes,
            title: &v.title,
            duration_seconds: v.seconds(),
            width: v.width,
            height: v.height,
            codecs: &v.codecs,
            captions: CaptionsView { url: format!("{origin}{}", v.captions.media.path()), language: &v.captions.lang },
            poster: v.poster.as_ref().map(|p| ImageView::new(p, origin)),
            credit: v.credit.as_deref(),
            license: v.license.as_ref(),
            download_name: &v.download_name,
        }
    }
}

/// schema.org `VideoObject` of a video in a release's JSON-LD.
#[derive(Serialize)]
pub(super) struct VideoObject<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    description: &'a str,
    #[serde(rename = "thumbnailUrl", skip_serializing_if = "Option::is_none")]
    thumbnail_url: Option<String>,
    #[serde(rename = "uploadDate")]
    upload_date: String,
    duration: String,
    #[serde(rename = "contentUrl")]
    content_url: String,
    #[serde(rename = "encodingFormat")]
    encoding_format: &'a str,
    width: u32,
    height: u32,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "creditText", skip_serializing_if = "Option::is_none")]
    credit_text: Option<&'a str>,
    #[serde(rename = "copyrightNotice")]
    copyright_notice: &'a str,
}

impl<'a> VideoObject<'a> {
    /// The object of `v`, a video of release `s` (whose lead describes it); its thumbnail is
    /// its poster, else `still` (the release's first photo), as in the video sitemap.
    pub(super) fn new(
        v: &'a Video,
        s: &'a contract::model::Summary,
        still: Option<&contract::model::Image>,
        origin: &str,
    ) -> Self {
        let publisher: &PublisherRef = &s.publisher;
        let thumbnail = v.poster.as_ref().or(still).map(|p| format!("{origin}{}", p.feed_file().path()));
        Self {
            kind: "VideoObject",
            name: &v.title,
            description: &s.lead,
            thumbnail_url: thumbnail,
            upload_date: rfc3339(&s.published),
            duration: v.iso_duration(),
            content_url: format!("{origin}{}", v.media.path()),
            encoding_format: &v.media.content_type,
            width: v.width,
            height: v.height,
            in_language: &v.captions.lang,
            credit_text: v.credit.as_deref(),
            copyright_notice: v.credit.as_deref().unwrap_or(&publisher.name),
        }
    }
}
