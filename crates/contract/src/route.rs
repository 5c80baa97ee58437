//! URL paths to routes, with canonical-form redirects.

use crate::format::Format;
use crate::slug::is_valid;

/// Where the OpenAPI description of the JSON API is served (from `api:openapi`).
pub const OPENAPI_PATH: &str = "/openapi.json";
/// Highest `?page=` accepted (at the default 20 releases a page, two million releases).
pub const MAX_PAGE: usize = 100_000;

/// Whose releases a feed carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedScope {
    /// Every publisher's releases: `/feed.xml` and its siblings (record `feed:site`).
    Site,
    /// One publisher's releases, by slug: `/publishers/{slug}/feed.xml` and its siblings (the
    /// site feed's paths, on the publisher's own host).
    Publisher(String),
    /// The releases with one keyword, by slug: `/keywords/{slug}/feed.xml` and its siblings.
    Keyword(String),
}

impl FeedScope {
    /// Path prefix of this scope's pages and feeds (`""` for the site).
    pub fn base_path(&self) -> String {
        match self {
            FeedScope::Site => String::new(),
            FeedScope::Publisher(slug) => publisher_path(slug),
            FeedScope::Keyword(slug) => keyword_path(slug),
        }
    }
}

/// A resource the worker serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/`: newest releases of every publisher.
    Latest,
    /// `/releases/{slug}`: one release, as HTML, JSON or Markdown.
    Release(String),
    /// `/publishers/{slug}`: a publisher's profile and releases, paged (`/` on its own host).
    Publisher(String),
    /// `/keywords`: every keyword with counts.
    Keywords,
    /// `/keywords/{slug}`: the releases with one keyword, paged.
    Keyword(String),
    /// `/archive`: every year with counts.
    Archive,
    /// `/archive/{year}`: the releases of one year (1900–2999), paged.
    Year(i32),
    /// `/search?q=...`: search, with `publisher`, `keyword`, `year` and `type` filters, paged.
    Search,
    /// `/sitemap.xml`: the sitemap index.
    Sitemap,
    /// `/sitemaps/{n}.xml`: one part.
    SitemapPart(usize),
    /// `/news-sitemap.xml`: the Google News sitemap of the last two days' releases.
    NewsSitemap,
    /// `/robots.txt`: allows everything and names both sitemaps.
    Robots,
    /// `/llms.txt` (llmstxt.org): the newsroom described for language models, with links to
    /// the Markdown of its latest releases.
    LlmsTxt,
    /// `/favicon.ico`: the publisher's logo on its own host, a neutral default otherwise.
    Favicon,
    /// `feed.xml`, `atom.xml`, `feed.json` (a fixed format) or `feed` (negotiated) under a scope.
    Feed(FeedScope, Option<Format>),
    /// `/media/{name}`: an image or attachment.
    Media(String),
    /// `/publishers/{slug}/media`: the publisher's media bank, its photos and attachments
    /// newest first, paged (`/media` on its own host).
    MediaBank(String),
    /// `/media`: the media bank of the publisher whose own host this is (404 elsewhere).
    OwnMediaBank,
    /// `/publishers/{slug}/contacts/{n}.vcf`: the publisher's `n`th press contact (from 1)
    /// as a vCard.
    ContactCard(String, usize),
    /// `/openapi.json`: the OpenAPI description of the JSON API.
    OpenApi,
    /// `/subscribe`: the e-mail subscription form (posting it is the adapter's).
    Subscribe,
    /// `/pages/{slug}`: a content page that is not a release (the accessibility statement,
    /// the privacy notice), as HTML, JSON or Markdown.
    ContentPage(String),
    /// `/healthz`: configuration, KV binding and the last build, for monitoring.
    Health,
}

/// What a path means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// The route this very path names (no redirect).
    Found(Route),
    /// The same resource lives at this canonical path (answer 308).
    Redirect(String),
    /// No route has this path, not even lower-cased and without a trailing slash (answer 404).
    NotFound,
}

/// Feed file names and the format each fixes (`None`: negotiated).
pub const FEED_FILES: [(&str, Option<Format>); 4] = [
    ("feed.xml", Some(Format::Rss)),
    ("atom.xml", Some(Format::Atom)),
    ("feed.json", Some(Format::JsonFeed)),
    ("feed", None),
];

impl Route {
    /// Parses a path. Slugs must be valid, so odd input never reaches KV. A trailing slash or
    /// upper-case letters redirect to the canonical path when that path exists.
    pub fn parse(path: &str) -> Parsed {
        if let Some(route) = Self::parse_exact(path) {
            return Parsed::Found(route);
        }
        let canonical = path.to_ascii_lowercase();
        let canonical = if canonical.len() > 1 { canonical.trim_end_matches('/') } else { &canonical };
        match Self::parse_exact(canonical) {
            Some(route) => Parsed::Redirect(route.path()),
            None => Parsed::NotFound,
        }
    }

    fn parse_exact(path: &str) -> Option<Route> {
        let segments: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
        let feed = |scope: FeedScope, file: &str| {
            FEED_FILES.iter().find(|(name, _)| *name == file).map(|(_, format)| Route::Feed(scope, *format))
        };
        match segments.as_slice() {
            [""] => Some(Route::Latest),
            ["releases", slug] if is_valid(slug) => Some(Route::Release((*slug).to_string())),
            ["pages", slug] if is_valid(slug) => Some(Route::ContentPage((*slug).to_string())),
            ["publishers", slug] if is_valid(slug) => Some(Route::Publisher((*slug).to_string())),
            ["keywords"] => Some(Route::Keywords),
            ["keywords", slug] if is_valid(slug) => Some(Route::Keyword((*slug).to_string())),
            ["archive"] => Some(Route::Archive),
            ["archive", year] => parse_year(year).map(Route::Year),
            ["search"] => Some(Route::Search),
            ["media", name] if crate::media::is_name(name) => Some(Route::Media((*name).to_string())),
            ["media"] => Some(Route::OwnMediaBank),
            ["publishers", slug, "media"] if is_valid(slug) => Some(Route::MediaBank((*slug).to_string())),
            ["publishers", slug, "contacts", file] if is_valid(slug) => file
                .strip_suffix(".vcf")
                .filter(|n| (1..=3).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0'))
                .and_then(|n| n.parse().ok())
                .map(|n| Route::ContactCard((*slug).to_string(), n)),
            ["sitemap.xml"] => Some(Route::Sitemap),
            ["news-sitemap.xml"] => Some(Route::NewsSitemap),
            ["robots.txt"] => Some(Route::Robots),
            ["llms.txt"] => Some(Route::LlmsTxt),
            ["favicon.ico"] => Some(Route::Favicon),
            ["subscribe"] => Some(Route::Subscribe),
            ["openapi.json"] => Some(Route::OpenApi),
            ["healthz"] => Some(Route::Health),
            ["sitemaps", part] => part
                .strip_suffix(".xml")
                .filter(|n| !n.is_empty() && n.len() <= 6 && n.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|n| n.parse().ok())
                .map(Route::SitemapPart),
            [file] => feed(FeedScope::Site, file),
            ["publishers", slug, file] if is_valid(slug) => feed(FeedScope::Publisher((*slug).to_string()), file),
            ["keywords", slug, file] if is_valid(slug) => feed(FeedScope::Keyword((*slug).to_string()), file),
            _ => None,
        }
    }

    /// The canonical path of this route.
    pub fn path(&self) -> String {
        match self {
            Route::Latest => "/".into(),
            Route::Release(slug) => release_path(slug),
            Route::ContentPage(slug) => content_page_path(slug),
            Route::Publisher(slug) => publisher_path(slug),
            Route::Keywords => "/keywords".into(),
            Route::Keyword(slug) => keyword_path(slug),
            Route::Archive => "/archive".into(),
            Route::Year(year) => year_path(*year),
            Route::Search => "/search".into(),
            Route::Sitemap => "/sitemap.xml".into(),
            Route::SitemapPart(n) => format!("/sitemaps/{n}.xml"),
            Route::NewsSitemap => "/news-sitemap.xml".into(),
            Route::Robots => "/robots.txt".into(),
            Route::LlmsTxt => "/llms.txt".into(),
            Route::Favicon => "/favicon.ico".into(),
            Route::Subscribe => "/subscribe".into(),
            Route::Media(name) => format!("/media/{name}"),
            Route::MediaBank(slug) => media_bank_path(slug),
            Route::OwnMediaBank => "/media".into(),
            Route::ContactCard(slug, n) => contact_card_path(slug, *n),
            Route::OpenApi => OPENAPI_PATH.into(),
            Route::Health => "/healthz".into(),
            Route::Feed(scope, format) => format!("{}/{}", scope.base_path(), feed_file(*format)),
        }
    }

    /// The representations this route offers, in server preference order.
    pub fn formats(&self) -> &'static [Format] {
        match self {
            Route::Release(_) | Route::ContentPage(_) => &[Format::Html, Format::Json, Format::Markdown],
            Route::Feed(_, Some(Format::Atom)) => &[Format::Atom],
            Route::Feed(_, Some(Format::JsonFeed)) => &[Format::JsonFeed],
            Route::Feed(_, Some(_)) => &[Format::Rss],
            Route::Feed(_, None) => &[Format::Rss, Format::Atom, Format::JsonFeed],
            Route::Sitemap | Route::SitemapPart(_) | Route::NewsSitemap => &[Format::Xml],
            Route::Robots => &[Format::Text],
            Route::LlmsTxt => &[Format::Markdown],
            Route::Favicon => &[Format::File],
            Route::Subscribe => &[Format::Html],
            Route::Media(_) | Route::ContactCard(..) => &[Format::File],
            Route::OpenApi | Route::Health => &[Format::Json],
            _ => &[Format::Html, Format::Json],
        }
    }
}

/// File name of a feed in `format` (`feed` for the negotiated one).
pub fn feed_file(format: Option<Format>) -> &'static str {
    FEED_FILES.iter().find(|(_, f)| *f == format).map_or("feed", |(name, _)| name)
}

/// Path of a release page.
pub fn release_path(slug: &str) -> String {
    format!("/releases/{slug}")
}

/// Path of a content page (`content/pages/{slug}.md`).
pub fn content_page_path(slug: &str) -> String {
    format!("/pages/{slug}")
}

/// Path of a publisher page.
pub fn publisher_path(slug: &str) -> String {
    format!("/publishers/{slug}")
}

/// Path of a publisher's media bank.
pub fn media_bank_path(slug: &str) -> String {
    format!("/publishers/{slug}/media")
}

/// Path of the vCard of a publisher's `n`th press contact (from 1).
pub fn contact_card_path(slug: &str, n: usize) -> String {
    format!("/publishers/{slug}/contacts/{n}.vcf")
}

/// Path of a year's archive page.
pub fn year_path(year: i32) -> String {
    format!("/archive/{year}")
}

/// A four-digit year from 1900 to 2999.
fn parse_year(text: &str) -> Option<i32> {
    let year: i32 = text.parse().ok().filter(|_| text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()))?;
    (1900..3000).contains(&year).then_some(year)
}

/// Search parameters that stand for one list's scope (`publisher=kymsote&`), which a
/// `type=` is appended to.
pub fn search_scope(name: &str, value: &str) -> String {
    format!("{name}={value}&")
}

/// `url` (a path or an absolute URL, with or without a query) with `name=value` added to its
/// query: `/search?q=sote` → `/search?q=sote&format=json`, `/` → `/?format=json`.
pub fn with_param(url: &str, name: &str, value: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{name}={value}")
}

/// Path of a keyword page.
pub fn keyword_path(slug: &str) -> String {
    format!("/keywords/{slug}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_join_the_query_there_is() {
        assert_eq!(with_param("/search?q=sote&page=2", "format", "json"), "/search?q=sote&page=2&format=json");
        assert_eq!(with_param("https://x.fi/releases/a", "format", "json"), "https://x.fi/releases/a?format=json");
        assert_eq!(with_param("/", "page", "2"), "/?page=2");
    }
    use Parsed::*;

    #[test]
    fn table() {
        let found = |r| Found(r);
        let cases = [
            ("/", found(Route::Latest)),
            ("/releases/a-b", found(Route::Release("a-b".into()))),
            ("/pages/tietosuojaseloste", found(Route::ContentPage("tietosuojaseloste".into()))),
            ("/pages/Tietosuojaseloste/", Redirect("/pages/tietosuojaseloste".into())),
            ("/pages", NotFound),
            ("/pages/a/b", NotFound),
            ("/publishers/kymsote", found(Route::Publisher("kymsote".into()))),
            ("/keywords", found(Route::Keywords)),
            ("/keywords/sote", found(Route::Keyword("sote".into()))),
            ("/archive", found(Route::Archive)),
            ("/sitemap.xml", found(Route::Sitemap)),
            ("/sitemaps/0.xml", found(Route::SitemapPart(0))),
            ("/sitemaps/x.xml", NotFound),
            ("/sitemaps/.xml", NotFound),
            ("/news-sitemap.xml", found(Route::NewsSitemap)),
            ("/robots.txt", found(Route::Robots)),
            ("/archive/2018", found(Route::Year(2018))),
            ("/archive/18", NotFound),
            ("/archive/+201", NotFound),
            ("/archive/1800", NotFound),
            ("/feed.xml", found(Route::Feed(FeedScope::Site, Some(Format::Rss)))),
            ("/atom.xml", found(Route::Feed(FeedScope::Site, Some(Format::Atom)))),
            ("/feed.json", found(Route::Feed(FeedScope::Site, Some(Format::JsonFeed)))),
            ("/feed", found(Route::Feed(FeedScope::Site, None))),
            (
                "/publishers/kymsote/atom.xml",
                found(Route::Feed(FeedScope::Publisher("kymsote".into()), Some(Format::Atom))),
            ),
            ("/keywords/sote/feed.json", found(Route::Feed(FeedScope::Keyword("sote".into()), Some(Format::JsonFeed)))),
            ("/releases/a-b/", Redirect("/releases/a-b".into())),
            ("/Releases/A-B", Redirect("/releases/a-b".into())),
            ("/keywords/", Redirect("/keywords".into())),
            ("/FEED.XML", Redirect("/feed.xml".into())),
            ("", NotFound),
            ("//", NotFound),
            ("/releases/", NotFound),
            ("/releases/a/b", NotFound),
            ("/releases/a%2Fb", NotFound),
            ("/releases/..", NotFound),
            ("/nothing", NotFound),
            ("/publishers/x/rss.xml", NotFound),
            ("/releases/x/feed.xml", NotFound),
        ];
        for (path, expected) in cases {
            assert_eq!(Route::parse(path), expected, "{path}");
        }
    }

    #[test]
    fn paths_round_trip() {
        for path in [
            "/",
            "/releases/x",
            "/pages/x",
            "/publishers/p",
            "/keywords",
            "/keywords/k",
            "/feed.xml",
            "/keywords/k/atom.xml",
            "/publishers/p/feed",
        ] {
            match Route::parse(path) {
                Found(route) => assert_eq!(route.path(), path),
                other => panic!("{path}: {other:?}"),
            }
        }
    }
}
