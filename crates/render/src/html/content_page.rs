//! Content pages (`/pages/{slug}`: the accessibility statement, the privacy notice) and the
//! footer's links to them.
//!
//! Every page's footer carries [`FOOTER_MARK`] where those links go: the serve wing fills
//! it in from `index:pages` for the page's language and host ([`footer_links`]), so that no
//! renderer needs to know which pages exist.

use maud::{html, PreEscaped};

use super::{layout, time_tag, Head, Site, Text};
use contract::i18n::labels;
use contract::pages::{PageLink, PageRecord, PagesRecord};
use contract::route::content_page_path;

/// Stands in a rendered page's footer for the links to its content pages.
pub const FOOTER_MARK: &str = "<!--newsroom:pages-->";

/// `/pages/{slug}`: the page's title, its last update, links to its translations and its text.
pub fn content_page(page: &PageRecord, site: &Site) -> String {
    let link = &page.link;
    let l = labels(&link.lang);
    let title = format!("{} | {}", link.title, site.name(l));
    let canonical = format!("{}{}", site.origin, link.path());
    let head = Head {
        lang: &link.lang,
        title: &title,
        description: None,
        canonical: Some(canonical),
        feeds: None,
        pager: None,
        extra: Some(html! {
            @if !page.translations.is_empty() {
                link rel="alternate" hreflang=(link.lang) href={(site.origin)(link.path())};
                @for t in &page.translations { link rel="alternate" hreflang=(t.lang) href={(site.origin)(t.path())}; }
            }
        }),
    };
    let main = html! {
        article.content-page {
            h1 { (Text(&link.title)) }
            p.meta { (l.last_updated) " " (time_tag(&page.updated, &link.lang)) }
            @if !page.translations.is_empty() {
                nav.translations aria-label=(l.translations) {
                    (l.translations) ": "
                    @for (i, t) in page.translations.iter().enumerate() {
                        @if i > 0 { ", " }
                        a href=(content_page_path(&t.slug)) hreflang=(t.lang) lang=(t.lang) { (Text(&t.title)) }
                    }
                }
            }
            (PreEscaped(&page.body_html))
        }
    };
    layout(&head, l, site, main)
}

/// What stands for [`FOOTER_MARK`] in a page in `lang` on the home of `publisher` (`None`:
/// the main site): the links [`PagesRecord::footer`] chooses, with `fallback` the site's
/// language. Both Workers' pages fill their footers with it.
pub fn footer_for(pages: &PagesRecord, lang: &str, fallback: &str, publisher: Option<&str>) -> String {
    footer_links(&pages.footer(lang, fallback, publisher), lang)
}

/// The footer's list of content pages for a page in `lang` (empty when there are none):
/// a link in another language than the page's says so with `lang` and `hreflang`.
fn footer_links(links: &[&PageLink], lang: &str) -> String {
    if links.is_empty() {
        return String::new();
    }
    let l = labels(lang);
    html! {
        nav.pages aria-label=(l.about_site) {
            ul {
                @for p in links {
                    @let other = (p.lang != lang).then_some(p.lang.as_str());
                    li { a href=(p.path()) lang=[other] hreflang=[other] { (Text(&p.title)) } }
                }
            }
        }
    }
    .into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use contract::model::{Precision, Timestamp};
    use contract::pages::PageRole;

    fn link(slug: &str, lang: &str) -> PageLink {
        PageLink {
            slug: slug.into(),
            title: format!("{slug} <&>"),
            lang: lang.into(),
            role: Some(PageRole::PrivacyNotice),
            publisher: None,
            footer: true,
        }
    }

    #[test]
    fn a_content_page_has_its_title_date_translations_and_text() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-07T00:00:00+02:00").unwrap();
        let page = PageRecord {
            v: 1,
            link: link("tietosuojaseloste", "fi"),
            updated: Timestamp { at, zone: "EET".into(), precision: Precision::Day },
            body_html: "<h2>Rekisterinpitäjä</h2>".into(),
            body_markdown: "# Rekisterinpitäjä".into(),
            translations: vec![link("dataskyddsbeskrivning", "sv")],
        };
        let html = content_page(&page, &Site { origin: "https://x.fi", name: Some("Uutishuone") });
        assert!(html.contains("<h1>tietosuojaseloste &lt;&amp;&gt;</h1>"), "{html}");
        assert!(html.contains("Päivitetty viimeksi <time datetime=\"2026-12-07\">7.12.2026</time>"), "{html}");
        assert!(html.contains(r#"<a href="/pages/dataskyddsbeskrivning" hreflang="sv" lang="sv">"#), "{html}");
        assert!(html.contains(r#"<link rel="canonical" href="https://x.fi/pages/tietosuojaseloste">"#));
        assert!(html.contains("<h2>Rekisterinpitäjä</h2>") && html.contains(FOOTER_MARK));
    }

    #[test]
    fn footer_links_mark_another_language() {
        assert_eq!(footer_links(&[], "fi"), "");
        let (fi, sv) = (link("a", "fi"), link("b", "sv"));
        let html = footer_links(&[&fi, &sv], "fi");
        assert!(html.starts_with(r#"<nav class="pages" aria-label="Tietoa sivustosta"><ul>"#), "{html}");
        assert!(html.contains(r#"<li><a href="/pages/a">a &lt;&amp;&gt;</a></li>"#), "{html}");
        assert!(html.contains(r#"<a href="/pages/b" lang="sv" hreflang="sv">"#), "{html}");
    }
}
