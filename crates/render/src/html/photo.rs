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
            figcaption {
                @if let Some(c) = &i.caption { (c) " " }
                @if let Some(c) = &i.credit { span.credit { (c) } " " }
                @if let Some(t) = &i.license { span.terms { (l.terms) ": " (license(t)) } " " }
                @if i.width > 0 { (download(i, l)) }
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
            source type="image/webp" srcset=(srcset(i, "image/webp")) sizes=(SIZES);
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
fn middle_jpeg(i: &Image) -> Option<String> {
    let jpegs = i.renditions.iter().filter(|r| r.media.content_type == "image/jpeg");
    jpegs.min_by_key(|r| r.width.abs_diff(800)).map(|r| r.media.path())
}
