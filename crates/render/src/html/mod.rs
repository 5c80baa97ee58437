//! Server-rendered HTML pages (maud escapes every interpolated string).

mod content_page;
mod media;
mod pages;
pub mod photo;
mod subscribe;
mod video;

use maud::{html, Markup, PreEscaped, DOCTYPE};

use contract::format::Format;
use contract::i18n::Labels;
use contract::model::{Contact, Keyword, Summary, Timestamp};
use contract::route::{feed_file, keyword_path, publisher_path, release_path, with_param};
use contract::time;

pub use content_page::{content_page, footer_for, FOOTER_MARK};
pub use media::media_bank_page;
pub use pages::{
    archive_page, error_page, keyword_page, keywords_page, latest_page, publisher_page, release_page, search_page,
    year_page, Preview,
};
pub use subscribe::{subscribe_page, SubscribeView};

const STYLE: &str = include_str!("style.css");

/// Text escaped exactly as maud escapes an interpolated string (`&`, `<`, `>`, `"`), but
/// copying the runs between those characters whole: maud pushes byte by byte, which was 11 %
/// of rendering a release page (callgrind). Used for the long texts: titles and leads.
pub struct Text<'a>(pub &'a str);

impl maud::Render for Text<'_> {
    fn render_to(&self, out: &mut String) {
        let text = self.0;
        let mut copied = 0;
        for (i, byte) in text.bytes().enumerate() {
            let entity = match byte {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => continue,
            };
            // `i` is at an ASCII byte, so both slices end at character boundaries.
            out.push_str(&text[copied..i]);
            out.push_str(entity);
            copied = i + 1;
        }
        out.push_str(&text[copied..]);
    }
}

/// What a page's `<head>` carries: title, description, canonical URL, feed and pager links
/// and any extra tags.
pub struct Head<'a> {
    /// Page language (`lang` on `<html>`).
    pub lang: &'a str,
    /// Text of `<title>` and `og:title`, e.g. `{release title} | {publisher}` or
    /// `{heading} | {site name}` (escaped when written).
    pub title: &'a str,
    /// `<meta name="description">`, if any.
    pub description: Option<&'a str>,
    /// Absolute canonical URL, if the page has one.
    pub canonical: Option<String>,
    /// Path prefix of the feeds that mirror this page (`""` for the site feeds), and their title.
    pub feeds: Option<(String, String)>,
    /// Where this page sits in a paged list.
    pub pager: Option<&'a Pager<'a>>,
    /// Extra `<head>` content: OpenGraph and Twitter tags, JSON-LD.
    pub extra: Option<Markup>,
}

/// Who is speaking: the origin for absolute URLs and the configured site name.
#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    /// Scheme and host, e.g. `https://uutiset.example.fi`.
    pub origin: &'a str,
    /// `SITE_NAME`, if set; otherwise the word for "newsroom" in the page's language.
    pub name: Option<&'a str>,
}

impl Site<'_> {
    /// The site's name on a page with labels `l`.
    pub fn name<'b>(&'b self, l: &'b Labels) -> &'b str {
        self.name.unwrap_or(l.site)
    }
}

pub use crate::pager::Pager;

/// The three feed formats, with the names shown in links.
const FEEDS: [(Format, &str); 3] = [(Format::Rss, "RSS"), (Format::Atom, "Atom"), (Format::JsonFeed, "JSON Feed")];

/// The page frame: head, skip link, site header, `main`, footer with feed links.
fn layout(head: &Head<'_>, labels: &Labels, site: &Site, main: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang=(head.lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                link rel="icon" href="/favicon.ico";
                title { (Text(head.title)) }
                @if let Some(d) = head.description { meta name="description" content=(Text(d)); }
                @if let Some(c) = &head.canonical {
                    link rel="canonical" href=(c);
                    link rel="alternate" type="application/json" href=(with_param(c, "format", "json"));
                }
                @if let Some((base, title)) = &head.feeds {
                    @for (format, name) in FEEDS {
                        link rel="alternate" type=(format.media_type()) title={ (title) " (" (name) ")" }
                            href={ (base) "/" (feed_file(Some(format))) };
                    }
                }
                @if let Some(p) = head.pager {
                    @if let Some(n) = p.prev() { link rel="prev" href=(p.href(n)); }
                    @if let Some(n) = p.next() { link rel="next" href=(p.href(n)); }
                }
                @if let Some(c) = &head.canonical {
                    meta property="og:site_name" content=(site.name(labels));
                    meta property="og:title" content=(Text(head.title));
                    meta property="og:url" content=(c);
                    @if let Some(d) = head.description { meta property="og:description" content=(Text(d)); }
                    meta property="og:locale" content=(og_locale(head.lang));
                    meta name="twitter:card" content="summary";
                }
                @if let Some(extra) = &head.extra { (extra) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                a.skip href="#main" { (labels.skip) }
                header.site { div.wrap {
                    a href="/" { (site.name(labels)) }
                    " "
                    form.search action="/search" method="get" role="search" {
                        label for="site-q" { (labels.search) }
                        " "
                        input #site-q type="search" name="q" placeholder=(labels.search);
                        " "
                        button type="submit" { (labels.search_button) }
                    }
                } }
                main #main { (main) }
                footer.site { div.wrap {
                    (PreEscaped(FOOTER_MARK))
                    @if let Some((base, _)) = &head.feeds {
                        p.feeds {
                            (labels.subscribe) ": "
                            @for (i, (format, name)) in FEEDS.iter().enumerate() {
                                @if i > 0 { " · " }
                                a href={ (base) "/" (feed_file(Some(*format))) } type=(format.media_type()) { (name) }
                            }
                        }
                        p.feeds { a href=(subscribe_link(base)) { (labels.by_email) } }
                    }
                    @if let Some(c) = &head.canonical {
                        p { a.alt href=(with_param(c, "format", "json")) type="application/json" { (labels.as_json) } }
                    }
                } }
            }
        }
    }
    .into_string()
}

/// The subscription form for the releases of the feeds at `base` (`""`: every release,
/// `/publishers/{slug}`, `/keywords/{slug}`), with that scope ticked.
fn subscribe_link(base: &str) -> String {
    let scope = match base.strip_prefix('/').and_then(|b| b.split_once('/')) {
        Some(("publishers", slug)) => format!("publisher:{slug}"),
        Some(("keywords", slug)) => format!("keyword:{slug}"),
        _ => "all".into(),
    };
    format!("/subscribe?scope={}", scope.replace(':', "%3A"))
}

/// Previous/next links and "page 2 / 5".
fn pager_nav(p: &Pager<'_>, labels: &Labels) -> Markup {
    html! {
        @if p.pages > 1 {
            nav.pager aria-label=(labels.pages) {
                @if let Some(n) = p.prev() { a rel="prev" href=(p.href(n)) { "← " (labels.prev) } " " }
                span { (labels.page) " " (p.page) " / " (p.pages) }
                @if let Some(n) = p.next() { " " a rel="next" href=(p.href(n)) { (labels.next) " →" } }
            }
        }
    }
}

/// `<time>` with a machine-readable value and the Finnish-style display.
fn time_tag(ts: &Timestamp, lang: &str) -> Markup {
    html! { time datetime=(time::machine(ts)) { (time::display_in(ts, lang)) } }
}

/// Keywords as links to their pages.
fn keyword_links(keywords: &[Keyword]) -> Markup {
    html! { ul.tags { @for k in keywords { li { a href=(keyword_path(&k.slug)) { (k.label) } } } } }
}

/// A list of release cards; items in another language than the page get their own `lang`.
fn summary_cards(items: &[&Summary], page_lang: &str, labels: &Labels) -> Markup {
    html! {
        @if items.is_empty() {
            p { (labels.none_yet) }
        } @else {
            ul.cards {
                @for s in items {
                    li lang=[(s.lang != page_lang).then_some(s.lang.as_str())] {
                        p.meta {
                            a href=(publisher_path(&s.publisher.slug)) { (s.publisher.name) }
                            " · " (time_tag(&s.published, &s.lang)) " · " span.kind { (labels.kind(s.kind)) }
                        }
                        h3 { a href=(release_path(&s.slug)) { (Text(&s.title)) } }
                        p { (Text(&s.lead)) }
                    }
                }
            }
        }
    }
}

/// Contact cards with `tel:` and `mailto:` links.
/// The contacts as cards; with `cards_of` (a publisher's slug), each links to its vCard.
fn contact_cards(contacts: &[Contact], labels: &Labels, cards_of: Option<&str>) -> Markup {
    html! {
        ul.cards {
            @for (n, c) in contacts.iter().enumerate() {
                li {
                    strong { (c.name) }
                    @if let Some(t) = &c.title { br; (t) }
                    @if let Some(o) = &c.organization { br; (o) }
                    @if let Some(p) = &c.phone { br; (labels.phone) " " a href={ "tel:" (tel(p)) } { (p) } }
                    @if let Some(e) = &c.email { br; (labels.email) " " a href={ "mailto:" (e) } { (e) } }
                    @if let Some(slug) = cards_of {
                        br; a href=(contract::route::contact_card_path(slug, n + 1)) download={(contract::slug::slugify(&c.name)) ".vcf"} {
                            (labels.save_contact) span.visually-hidden { ": " (c.name) }
                        }
                    }
                }
            }
        }
    }
}

/// `fi` → `fi_FI`, `sv` → `sv_FI`, others → `en_GB` (OpenGraph wants a territory).
fn og_locale(lang: &str) -> &'static str {
    match lang.split('-').next().unwrap_or("") {
        "fi" => "fi_FI",
        "sv" => "sv_FI",
        _ => "en_GB",
    }
}

/// A phone number as a `tel:` target: digits and a leading `+` only.
fn tel(phone: &str) -> String {
    phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn text_escapes_as_maud_does(text in "(?s).{0,40}|[a-zä&<>\"' ]{0,40}") {
            let ours = html! { p title=(Text(&text)) { (Text(&text)) } }.into_string();
            let maud = html! { p title=(text) { (text) } }.into_string();
            proptest::prop_assert_eq!(ours, maud);
        }
    }

    #[test]
    fn text_escapes_every_special_character() {
        let s = r#"<a href="x">&amp; ä</a>"#;
        assert_eq!(html! { (Text(s)) }.into_string(), "&lt;a href=&quot;x&quot;&gt;&amp;amp; ä&lt;/a&gt;");
    }
}
