//! A video on a page: `<video controls preload="none">` (nothing is loaded until the reader
//! presses play) with its pixel size against layout shift, its poster, its captions track
//! (shown by default), and under it the title, credit, terms of use and the journalist's
//! download link with type, size and length. The files are streamed from R2 by
//! `worker/js/video.js`.

use maud::{html, Markup};

use contract::i18n::Labels;
use contract::model::Video;

/// `<figure>` with the video and its caption line.
pub fn figure(v: &Video, l: &Labels) -> Markup {
    let poster = v.poster.as_ref().and_then(super::photo::middle_jpeg);
    let kind = if v.media.content_type == "video/webm" { "WebM" } else { "MP4" };
    html! {
        figure.video {
            video controls preload="none" width=(v.width) height=(v.height) poster=[poster] aria-label=(v.title) {
                source src=(v.media.path()) type=(v.media.content_type);
                track kind="captions" src=(v.captions.media.path()) srclang=(v.captions.lang)
                    label={(l.captions) " (" (language_name(&v.captions.lang)) ")"} default;
            }
            figcaption {
                strong { (v.title) } " "
                @if let Some(c) = &v.credit { span.credit { (c) } " " }
                @if let Some(t) = &v.license { span.terms { (l.terms) ": " (super::photo::license(t)) } " " }
                a.download href=(v.media.path()) download=(v.download_name) {
                    (l.download_video) " (" (kind) ", " (l.file_size(v.media.bytes)) ", " (v.readable_duration()) ")"
                }
            }
        }
    }
}

/// A language's name in itself, for the captions menu; other tags as they are.
fn language_name(tag: &str) -> &str {
    match tag {
        "fi" => "suomi",
        "sv" => "svenska",
        "en" => "English",
        other => other,
    }
}
