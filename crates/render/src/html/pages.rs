//! One function per page type. Lists receive only what is already published.

use maud::{html, Markup, PreEscaped};

use super::{contact_cards, keyword_links, layout, pager_nav, photo, summary_cards, time_tag, Head, Pager, Site, Text};
use crate::json::{NewsArticle, PublisherOrganization};
use contract::error::HttpError;
use contract::i18n::{labels, Labels};
use contract::media::{human_size, Media};
use contract::model::{CountsRecord, Keyword, PublisherRecord, ReleaseKind, ReleaseRecord, Summary, Translation};
use contract::route::{keyword_path, media_bank_path, publisher_path, release_path, search_scope};
use contract::time::rfc3339;
use search::{highlight, SearchResults};

/// What the banner of a preview (a page opened by a preview token) says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// A draft (never published nor scheduled), not a scheduled release.
    pub draft: bool,
    /// When the link stops working, in UTC (the token's expiry).
    pub until: Option<contract::model::Timestamp>,
}

impl Preview {
    /// The banner of a preview whose token expires at `expires`.
    pub fn new(draft: bool, expires: Option<chrono::DateTime<chrono::Utc>>) -> Self {
        let until = expires.map(|at| contract::model::Timestamp {
            at: at.fixed_offset(),
            zone: "UTC".into(),
            precision: contract::model::Precision::Second,
        });
        Preview { draft, until }
    }
}

/// `/releases/{slug}`: the full release, contacts, boilerplate and more from the publisher.
pub fn release_page(
    r: &ReleaseRecord,
    publisher: Option<&PublisherRecord>,
    more: &[&Summary],
    translations: &[&Translation],
    site: &Site,
    preview: Option<Preview>,
) -> String {
    let s = &r.summary;
    let l = labels(&s.lang);
    let title = format!("{} | {}", s.title, s.publisher.name);
    let head = Head {
        lang: &s.lang,
        title: &title,
        description: Some(&s.lead),
        canonical: Some(format!("{}{}", site.origin, release_path(&s.slug))),
        feeds: Some((publisher_path(&s.publisher.slug), s.publisher.name.clone())),
        pager: None,
        extra: Some(html! {
            (article_meta(r, publisher.and_then(|p| p.logo.as_ref()), site.origin))
            @if !translations.is_empty() {
                link rel="alternate" hreflang=(s.lang) href={(site.origin)(release_path(&s.slug))};
                @for t in translations { link rel="alternate" hreflang=(t.lang) href={(site.origin)(release_path(&t.slug))}; }
            }
        }),
    };
    let main = html! {
        article {
            @if let Some(p) = &preview {
                p.notice.embargo role="status" {
                    @if p.draft { (l.draft_preview) } @else { (l.embargoed_until) " " (time_tag(&s.published, &s.lang)) "." }
                    @if let Some(until) = &p.until {
                        " " (l.link_until) " " (time_tag(until, &s.lang))
                        @if l.link_until_end.is_empty() { "." } @else { " " (l.link_until_end) }
                    }
                }
            }
            p.meta {
                a href=(publisher_path(&s.publisher.slug)) { (s.publisher.name) }
                " · " (time_tag(&s.published, &s.lang)) " · " span.kind { (l.kind(s.kind)) }
            }
            h1 { (Text(&s.title)) }
            @if let Some(u) = &r.updated { p.meta { (l.updated) " " (time_tag(u, &s.lang)) } }
            @if let Some(c) = &r.correction { p.notice.correction { strong { (l.correction) ": " } (c) } }
            @if !translations.is_empty() {
                nav.translations aria-label=(l.translations) {
                    (l.translations) ": "
                    @for (i, t) in translations.iter().enumerate() {
                        @if i > 0 { ", " }
                        // `?lang=` marks an explicit choice that `Accept-Language` must not undo.
                        a href={(release_path(&t.slug)) "?lang=" (t.lang)} hreflang=(t.lang) lang=(t.lang) { (t.title) }
                    }
                }
            }
            p.lead { (Text(&s.lead)) }
            @if r.lead_only {
                p.notice { (l.lead_only) }
            } @else {
                (PreEscaped(&r.body_html))
            }
            @for (n, i) in r.images.iter().enumerate() { (photo::figure(i, n == 0, l)) }
            @for v in &r.videos { (super::video::figure(v, l)) }
            // Records built before photos were processed carry no terms of their own.
            @if let (true, Some(terms)) = (r.images.iter().any(|i| i.license.is_none()), publisher.and_then(|p| p.media_terms.as_ref())) {
                p.meta.media-terms { (terms) }
            }
            @if !r.images.is_empty() || !r.attachments.is_empty() || !r.videos.is_empty() {
                p.meta { a href=(media_bank_path(&s.publisher.slug)) { (l.media_bank) } }
            }
            @if !r.attachments.is_empty() {
                section aria-labelledby="attachments" {
                    h2 #attachments { (l.attachments) }
                    ul {
                        @for a in &r.attachments {
                            li { a href=(a.media.path()) download { (a.title) } " (PDF, " (human_size(a.media.bytes)) ")" }
                        }
                    }
                }
            }
            @if !r.keywords.is_empty() {
                section aria-labelledby="keywords" {
                    h2 #keywords { (l.keywords) }
                    (keyword_links(&r.keywords))
                }
            }
            @if !r.contacts.is_empty() {
                section aria-labelledby="contacts" {
                    h2 #contacts { (l.contacts) }
                    (contact_cards(&r.contacts, l, None))
                }
            }
            @if let Some(p) = publisher { (boilerplate(p, l)) }
        }
        @if !more.is_empty() {
            aside aria-labelledby="more" {
                h2 #more { (l.more_from) " " (s.publisher.name) }
                (summary_cards(more, &s.lang, l))
            }
        }
    };
    layout(&head, l, site, main)
}

/// OpenGraph article tags and the JSON-LD `NewsArticle`.
fn article_meta(r: &ReleaseRecord, logo: Option<&Media>, origin: &str) -> Markup {
    let s = &r.summary;
    html! {
        meta property="og:type" content="article";
        @if let Some(i) = r.images.first() {
            @if let Some(share) = &i.share {
                meta property="og:image" content={(origin)(share.media.path())};
                meta property="og:image:type" content=(share.media.content_type);
                meta property="og:image:width" content=(share.width);
                meta property="og:image:height" content=(share.height);
            } @else {
                meta property="og:image" content={(origin)(i.media.path())};
            }
            meta property="og:image:alt" content=(i.alt);
            meta name="twitter:card" content="summary_large_image";
        }
        meta property="article:published_time" content=(rfc3339(&s.published));
        @if let Some(u) = &r.updated { meta property="article:modified_time" content=(rfc3339(u)); }
        @for k in &r.keywords { meta property="article:tag" content=(k.label); }
        script type="application/ld+json" { (PreEscaped(NewsArticle::new(r, logo, origin).to_script_json())) }
    }
}

/// A publisher page's JSON-LD, when it has channels to name (`sameAs`).
fn organization_ld(p: &PublisherRecord, site: &Site) -> Option<Markup> {
    (!p.social.is_empty()).then(|| {
        let json = PublisherOrganization::new(p, site.origin).to_script_json();
        html! { script type="application/ld+json" { (PreEscaped(json)) } }
    })
}

fn boilerplate(p: &PublisherRecord, l: &Labels) -> Markup {
    html! {
        @if p.boilerplate.is_some() || p.website.is_some() {
            section.boilerplate aria-labelledby="about" {
                h2 #about { a href=(publisher_path(&p.publisher.slug)) { (p.publisher.name) } }
                @if let Some(b) = &p.boilerplate { p { (b) } }
                @if let Some(w) = &p.website { p { (l.website) ": " a href=(w) { (w) } } }
            }
        }
    }
}

/// `/`: the newest releases of every publisher.
pub fn latest_page(total: usize, items: &[&Summary], pager: &Pager, site: &Site, lang: &str) -> String {
    let l = labels(lang);
    let head = Head {
        lang,
        title: site.name(l),
        description: Some(l.latest),
        canonical: Some(format!("{}{}", site.origin, pager.href(pager.page))),
        feeds: Some((String::new(), format!("{} – {}", site.name(l), l.latest))),
        pager: Some(pager),
        extra: None,
    };
    let main = html! {
        h1 { (l.latest) }
        p.meta { (total) " " (l.total) " · " a href="/archive" { (l.archive) } " · " a href="/keywords" { (l.keywords) } }
        (kind_filter(None, l))
        h2.visually-hidden { (l.releases) }
        (summary_cards(items, lang, l))
        (pager_nav(pager, l))
    };
    layout(&head, l, site, main)
}

/// `/publishers/{slug}`: description, boilerplate, social media channels and their latest
/// posts (`posts`: the fragment the scheduled Worker rendered, escaped there, shown as it
/// is), contacts and releases.
pub fn publisher_page(
    p: &PublisherRecord,
    total: usize,
    items: &[&Summary],
    pager: &Pager,
    site: &Site,
    posts: Option<&str>,
) -> String {
    let l = labels(&p.lang);
    let title = format!("{} | {}", p.publisher.name, site.name(l));
    let head = Head {
        lang: &p.lang,
        title: &title,
        description: p.description.as_deref(),
        canonical: Some(format!("{}{}", site.origin, pager.href(pager.page))),
        feeds: Some((publisher_path(&p.publisher.slug), p.publisher.name.clone())),
        pager: Some(pager),
        extra: organization_ld(p, site),
    };
    let main = html! {
        p.meta { (l.publisher) }
        @if let Some(logo) = &p.logo { img.logo src=(logo.path()) alt={"Logo: " (p.publisher.name)} height="64"; }
        h1 { (p.publisher.name) }
        @if let Some(d) = &p.description { p.lead { (d) } }
        @if let Some(b) = &p.boilerplate { p { (b) } }
        @if let Some(w) = &p.website { p { (l.website) ": " a href=(w) { (w) } } }
        p { a href=(media_bank_path(&p.publisher.slug)) { (l.media_bank) } }
        @if !p.social.is_empty() {
            // `rel="me"`: a Mastodon profile that links back here shows this page as verified.
            nav.social aria-labelledby="social" {
                h2 #social { (l.social) }
                ul { @for s in &p.social { li { a rel="me" href=(s.url) { (s.name()) } } } }
            }
        }
        @if let Some(posts) = posts { (PreEscaped(posts)) }
        @if !p.contacts.is_empty() {
            section aria-labelledby="contacts" {
                h2 #contacts { (l.contacts) }
                (contact_cards(&p.contacts, l, Some(&p.publisher.slug)))
            }
        }
        section aria-labelledby="releases" {
            h2 #releases { (l.releases) }
            p.meta { (total) " " (l.total) }
            (kind_filter(Some(("publisher", &p.publisher.slug)), l))
            (summary_cards(items, &p.lang, l))
            (pager_nav(pager, l))
        }
    };
    layout(&head, l, site, main)
}

/// Links to this list's releases of one type (a search filtered by the list's scope).
fn kind_filter(scope: Option<(&str, &str)>, l: &Labels) -> Markup {
    let scope = scope.map_or(String::new(), |(name, value)| search_scope(name, value));
    html! {
        nav.filter aria-label=(l.kind_filter[0]) {
            (l.kind_filter[0]) ": "
            @for k in ReleaseKind::ALL {
                " " a href={"/search?" (scope) "type=" (k.id())} { (l.kind(k)) }
            }
        }
    }
}

/// A titled list page: one keyword's or one year's releases.
#[allow(clippy::too_many_arguments)]
fn titled_list(
    heading: &str,
    up: (&str, &str),
    scope: (&str, &str),
    feeds: Option<String>,
    total: usize,
    items: &[&Summary],
    pager: &Pager,
    site: &Site,
    lang: &str,
) -> String {
    let l = labels(lang);
    let title = format!("{heading} | {}", site.name(l));
    let head = Head {
        lang,
        title: &title,
        description: Some(heading),
        canonical: Some(format!("{}{}", site.origin, pager.href(pager.page))),
        feeds: feeds.map(|base| (base, heading.to_string())),
        pager: Some(pager),
        extra: None,
    };
    let main = html! {
        p.meta { a href=(up.0) { (up.1) } }
        h1 { (heading) }
        p.meta { (total) " " (l.total) }
        (kind_filter(Some(scope), l))
        h2.visually-hidden { (l.releases) }
        (summary_cards(items, lang, l))
        (pager_nav(pager, l))
    };
    layout(&head, l, site, main)
}

/// `/keywords/{slug}`: releases with one keyword.
pub fn keyword_page(k: &Keyword, total: usize, items: &[&Summary], pager: &Pager, site: &Site, lang: &str) -> String {
    let l = labels(lang);
    let heading = format!("{}: {}", l.keyword, k.label);
    let feeds = Some(keyword_path(&k.slug));
    let scope = ("keyword", k.slug.as_str());
    titled_list(&heading, ("/keywords", l.keywords), scope, feeds, total, items, pager, site, lang)
}

/// `/archive/{year}`: releases of one year.
pub fn year_page(year: i32, total: usize, items: &[&Summary], pager: &Pager, site: &Site, lang: &str) -> String {
    let l = labels(lang);
    let heading = format!("{} {year}", l.archive);
    let year = year.to_string();
    titled_list(&heading, ("/archive", l.archive), ("year", &year), None, total, items, pager, site, lang)
}

/// A page of counted links (keywords, years).
fn counts_page(
    heading: &str,
    path: &str,
    counts: &CountsRecord,
    href: impl Fn(&str) -> String,
    site: &Site,
    lang: &str,
) -> String {
    let l = labels(lang);
    let title = format!("{heading} | {}", site.name(l));
    let head = Head {
        lang,
        title: &title,
        description: Some(heading),
        canonical: Some(format!("{}{path}", site.origin)),
        feeds: None,
        pager: None,
        extra: None,
    };
    let main = html! {
        h1 { (heading) }
        @if counts.counts.is_empty() { p { (l.none_yet) } }
        ul.tags {
            @for c in &counts.counts {
                li { a href=(href(&c.slug)) { (c.label) } " (" (c.count) ")" }
            }
        }
    };
    layout(&head, l, site, main)
}

/// `/keywords`: every keyword with its number of releases.
pub fn keywords_page(k: &CountsRecord, site: &Site, lang: &str) -> String {
    counts_page(labels(lang).keywords, "/keywords", k, keyword_path, site, lang)
}

/// `/archive`: every year with its number of releases.
pub fn archive_page(years: &CountsRecord, site: &Site, lang: &str) -> String {
    counts_page(labels(lang).archive, "/archive", years, |y| format!("/archive/{y}"), site, lang)
}

/// An error page with the status, the explanation and a way back.
pub fn error_page(e: &HttpError, site: &Site, lang: &str) -> String {
    let l = labels(lang);
    let title = format!("{} {} | {}", l.error, e.status(), site.name(l));
    let head = Head { lang, title: &title, description: None, canonical: None, feeds: None, pager: None, extra: None };
    let main = html! {
        h1 { (l.error) " " (e.status()) }
        p lang="en" { (e.to_string()) }
        p { a href="/" { (l.back_home) } }
    };
    layout(&head, l, site, main)
}

/// `/search`: the form, then ranked results with highlighted titles and snippets.
pub fn search_page(r: &SearchResults, pager: &Pager, site: &Site, lang: &str) -> String {
    let l = labels(lang);
    let title = if r.q.is_empty() {
        format!("{} | {}", l.search, site.name(l))
    } else {
        format!("{}: {} | {}", l.search, r.q, site.name(l))
    };
    let head = Head {
        lang,
        title: &title,
        description: Some(l.search),
        canonical: Some(format!("{}{}", site.origin, pager.href(pager.page))),
        feeds: None,
        pager: Some(pager),
        extra: Some(html! { meta name="robots" content="noindex"; }),
    };
    let main = html! {
        h1 { (l.search) }
        // Not a second `search` landmark: the site header holds the one of every page.
        form.query action="/search" method="get" {
            label for="q" { (l.search) } " "
            input #q type="search" name="q" value=(r.q);
            @if let Some(p) = &r.query.publisher { input type="hidden" name="publisher" value=(p); }
            @if let Some(k) = &r.query.keyword { input type="hidden" name="keyword" value=(k); }
            @if let Some(y) = r.query.year { input type="hidden" name="year" value=(y); }
            " " label for="type" { (l.kind_filter[0]) } " "
            select #type name="type" {
                option value="" { (l.kind_filter[1]) }
                @for k in ReleaseKind::ALL {
                    option value=(k.id()) selected[r.query.kind == Some(k)] { (l.kind(k)) }
                }
            }
            " " button type="submit" { (l.search_button) }
        }
        @if !r.query.is_empty() {
            h2.visually-hidden { (l.releases) }
            p.meta { (r.total) " " (l.results) }
            @if r.hits.is_empty() { p { (l.no_results) } }
            ul.cards {
                @for d in &r.hits {
                    li lang=[(d.lang != lang).then_some(d.lang.as_str())] {
                        p.meta {
                            a href=(publisher_path(&d.publisher.slug)) { (d.publisher.name) }
                            " · " (time_tag(&d.published, &d.lang))
                        }
                        h3 { a href=(release_path(&d.slug)) { (PreEscaped(highlight(&d.title, &r.query.terms))) } }
                        p { (PreEscaped(highlight(&d.snippet, &r.query.terms))) }
                    }
                }
            }
            (pager_nav(pager, l))
        }
    };
    layout(&head, l, site, main)
}
