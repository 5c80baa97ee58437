//! A photo on a page: `<picture>` with WebP and JPEG renditions for the reader's screen, its
//! pixel size against layout shift, and under it the caption, credit, terms of use and the
//! journalist's link to the full-size original.

use maud::{html, Markup};

use contract::i18n::Labels;
use contract::model::{Image, License};

/// How wide a photo is shown: the article column (`--w` 46rem less 1rem padding each side),
/// or the viewport less that padding on narrower screens.
pub const SIZES: &str = "(min-width: 46rem) 44rem, calc(100vw - 2rem)";

/// `<figure>` with the photo and its caption line. `first` marks the page's first photo,
/// which loads at once (it is the page's largest content); the others load when near.
pub fn figure(i: &Image, first: bool, l: &Labels) -> Markup {
    html! {
        figure {
            (picture(i, first))
            @if i.caption.is_some() || i.credit.is_some() || i.license.is_some() || i.width > 0 {
                figcaption {
                    @if let Some(c) = &i.caption { (c) " " }
                    @if let Some(c) = &i.credit { span.credit { (c) } " " }
                    @if let Some(t) = &i.license { span.terms { (l.terms) ": " (license(t)) } " " }
                    @if i.width > 0 { (download(i, l)) }
                }
            }
        }
    }
}

/// The photo itself: `<picture>` over its renditions, or a plain `<img>` of the file in
/// records built before photos were processed.
pub fn picture(i: &Image, first: bool) -> Markup {
    let loading = if first { "eager" } else { "lazy" };
    let Some(fallback) = middle_jpeg(i) else {
        return html! { img src=(i.media.path()) alt=(i.alt) loading=(loading); };
    };
    html! {
        picture {
            // A long strip has no WebP (libwebp stops at 16,383 pixels a side).
            @let webp = srcset(i, "image/webp");
            @if !webp.is_empty() { source type="image/webp" srcset=(webp) sizes=(SIZES); }
            img src=(fallback) srcset=(srcset(i, "image/jpeg")) sizes=(SIZES) width=(i.width) height=(i.height)
                alt=(i.alt) decoding="async" loading=(loading);
        }
    }
}

/// "Lataa täysikokoinen (4 000 × 3 000, 3,1 Mt)", saving the stripped original under its name.
pub fn download(i: &Image, l: &Labels) -> Markup {
    let name = i.download_name.as_deref().unwrap_or("");
    html! {
        a.download href=(i.media.path()) download=(name) {
            (l.download_full) " (" (l.pixels(i.width, i.height)) ", " (l.file_size(i.media.bytes)) ")"
        }
    }
}

/// The terms, linked to their licence's page when they have one.
pub fn license(t: &License) -> Markup {
    html! {
        @match &t.url {
            Some(url) => a href=(url) rel="license" { (t.text) },
            None => (t.text),
        }
    }
}

/// `srcset` of the renditions of one type: `/media/a.webp 480w, /media/b.webp 800w, …`.
fn srcset(i: &Image, content_type: &str) -> String {
    let mut out = String::new();
    for r in i.renditions.iter().filter(|r| r.media.content_type == content_type) {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(&format!("{} {}w", r.media.path(), r.width));
    }
    out
}

/// The `src` for browsers without `srcset`: the JPEG nearest 800 pixels wide.
pub(super) fn middle_jpeg(i: &Image) -> Option<String> {
    let jpegs = i.renditions.iter().filter(|r| r.media.content_type == "image/jpeg");
    jpegs.min_by_key(|r| r.width.abs_diff(800)).map(|r| r.media.path())
}

#[cfg(test)]
mod tests {
    use super::*;
    use contract::i18n::labels;
    use contract::media::{Media, Rendition};

    fn media(name: &str, content_type: &str, bytes: u64) -> Media {
        Media { name: name.into(), content_type: content_type.into(), bytes }
    }

    /// A record written before photos were processed: only the file, which is shown as it is.
    fn earlier() -> Image {
        let stored = r#"{"name":"0123456789abcdef.jpg","content_type":"image/jpeg","bytes":2100000,"alt":"Kuva"}"#;
        serde_json::from_str(stored).unwrap_or_else(|e| panic!("an earlier record reads: {e}"))
    }

    #[test]
    fn an_earlier_record_is_a_plain_image_and_a_processed_one_a_picture_with_its_download() {
        let l = labels("fi");
        let old = figure(&earlier(), false, l).into_string();
        assert_eq!(old, r#"<figure><img src="/media/0123456789abcdef.jpg" alt="Kuva" loading="lazy"></figure>"#);
        let rendition =
            |name: &str, t: &str, w: u32| Rendition { media: media(name, t, 1000), width: w, height: w * 3 / 4 };
        let new = Image {
            width: 4000,
            height: 3000,
            renditions: vec![
                rendition("aaaaaaaaaaaaaaaa.webp", "image/webp", 480),
                rendition("bbbbbbbbbbbbbbbb.jpg", "image/jpeg", 480),
                rendition("cccccccccccccccc.webp", "image/webp", 800),
                rendition("dddddddddddddddd.jpg", "image/jpeg", 800),
            ],
            download_name: Some("kuva.jpg".into()),
            license: Some(License {
                text: "CC BY 4.0".into(),
                url: Some("https://creativecommons.org/licenses/by/4.0/".into()),
            }),
            media: media("eeeeeeeeeeeeeeee.jpg", "image/jpeg", 3_100_000),
            ..earlier()
        };
        let html = figure(&new, true, l).into_string();
        assert!(html.contains(r#"<source type="image/webp" srcset="/media/aaaaaaaaaaaaaaaa.webp 480w, /media/cccccccccccccccc.webp 800w""#), "{html}");
        assert!(html.contains(r#"<img src="/media/dddddddddddddddd.jpg" srcset="/media/bbbbbbbbbbbbbbbb.jpg 480w, /media/dddddddddddddddd.jpg 800w""#), "{html}");
        assert!(html.contains(r#"width="4000" height="3000" alt="Kuva" decoding="async" loading="eager""#), "{html}");
        assert!(
            html.contains(r#"<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>"#),
            "{html}"
        );
        assert!(
            html.contains("download=\"kuva.jpg\">Lataa täysikokoinen (4\u{a0}000 × 3\u{a0}000, 3,1 Mt)</a>"),
            "{html}"
        );
        assert!(figure(&new, true, labels("en")).into_string().contains("Download full size (4,000 × 3,000, 3.1 MB)"));
    }
}
