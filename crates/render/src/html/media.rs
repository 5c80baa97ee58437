//! `/publishers/{slug}/media`: the publisher's media bank, where a journalist finds its
//! photos, videos and attachments, each with its caption, credit, terms and download link.

use maud::html;

use super::{layout, pager_nav, photo, time_tag, Head, Pager, Site, Text};
use contract::i18n::labels;
use contract::model::{License, PublisherRecord, Summary};
use contract::route::{publisher_path, release_path};

/// One page of the media bank of `p`: its logo (page 1), then its public releases with
/// media (`items`), newest first.
pub fn media_bank_page(p: &PublisherRecord, total: usize, items: &[&Summary], pager: &Pager, site: &Site) -> String {
    let l = labels(&p.lang);
    let title = format!("{} – {} | {}", l.media_bank, p.publisher.name, site.name(l));
    let head = Head {
        lang: &p.lang,
        title: &title,
        description: Some(l.media_bank_lead),
        canonical: Some(format!("{}{}", site.origin, pager.href(pager.page))),
        feeds: Some((publisher_path(&p.publisher.slug), p.publisher.name.clone())),
        pager: Some(pager),
        extra: None,
    };
    let terms = p.media_terms.as_ref().map(|text| License { text: text.clone(), url: p.media_terms_url.clone() });
    let mut first = true;
    let main = html! {
        p.meta { a href=(publisher_path(&p.publisher.slug)) { (p.publisher.name) } }
        h1 { (l.media_bank) }
        p.lead { (l.media_bank_lead) }
        p.meta { (total) " " (l.total) }
        @if let Some(t) = &terms { p.meta.media-terms { (l.terms) ": " (photo::license(t)) } }
        @if let (1, Some(logo)) = (pager.page, &p.logo) {
            section aria-labelledby="logo" {
                h2 #logo { (l.own_media[0]) }
                figure {
                    img.logo src=(logo.path()) alt={"Logo: " (p.publisher.name)} height="64";
                    figcaption { a.download href=(logo.path()) download { (l.download_full) " (" (l.file_size(logo.bytes)) ")" } }
                }
            }
        }
        @if pager.page == 1 && (!p.photos.is_empty() || !p.videos.is_empty()) {
            section aria-labelledby="own" {
                h2 #own { (p.publisher.name) }
                @for i in &p.photos { (photo::figure(i, std::mem::take(&mut first), l)) }
                @for v in &p.videos { (super::video::figure(v, l)) }
            }
        }
        @if items.is_empty() { p { (l.none_yet) } }
        @for s in items {
            section.bank aria-labelledby={"r-" (s.slug)} {
                h2 id={"r-" (s.slug)} { a href=(release_path(&s.slug)) { (Text(&s.title)) } }
                p.meta { (l.from_release) " · " (time_tag(&s.published, &s.lang)) }
                @if let Some(m) = &s.media {
                    @for i in &m.images {
                        (photo::figure(i, std::mem::take(&mut first), l))
                    }
                    @for v in &m.videos { (super::video::figure(v, l)) }
                    @if !m.attachments.is_empty() {
                        ul {
                            @for a in &m.attachments {
                                li { a href=(a.media.path()) download { (a.title) } " (PDF, " (l.file_size(a.media.bytes)) ")" }
                            }
                        }
                    }
                }
            }
        }
        (pager_nav(pager, l))
    };
    layout(&head, l, site, main)
}
