//! The representations the newsroom serves, their media types and `?format=` names: what
//! routes offer, renderers produce and feeds rendered ahead are stored as.

/// A representation the worker can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// HTML pages for browsers, `text/html`: the first choice of every page route.
    Html,
    /// The JSON API, `application/json` (`docs/api.md`, `/openapi.json`).
    Json,
    /// `text/markdown` (releases only).
    Markdown,
    /// RSS 2.0, `application/rss+xml`.
    Rss,
    /// Atom (RFC 4287), `application/atom+xml`.
    Atom,
    /// JSON Feed 1.1, `application/feed+json`.
    JsonFeed,
    /// Sitemaps, `application/xml`.
    Xml,
    /// `robots.txt`, `text/plain`.
    Text,
    /// A media file in its own type (never negotiated, not in [`Format::ALL`]).
    File,
}

impl Format {
    /// Every format, for lookups.
    pub const ALL: [Format; 8] =
        [Self::Html, Self::Json, Self::Markdown, Self::Rss, Self::Atom, Self::JsonFeed, Self::Xml, Self::Text];

    /// The media type without parameters, e.g. `application/rss+xml`: what `Accept` ranges
    /// match and `Link` headers name. [`Format::File`]'s is a placeholder: a media file is
    /// typed by its name.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Html => "text/html",
            Self::Json => "application/json",
            Self::Markdown => "text/markdown",
            Self::Rss => "application/rss+xml",
            Self::Atom => "application/atom+xml",
            Self::JsonFeed => "application/feed+json",
            Self::Xml => "application/xml",
            Self::Text => "text/plain",
            Self::File => "application/octet-stream",
        }
    }

    /// `Content-Type` header value: the media type with `; charset=utf-8`.
    pub fn content_type(self) -> String {
        format!("{}; charset=utf-8", self.media_type())
    }

    /// The `?format=` value that selects this representation.
    pub fn query_name(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Json => "json",
            Self::Markdown => "md",
            Self::Rss => "rss",
            Self::Atom => "atom",
            Self::JsonFeed => "jsonfeed",
            Self::Xml => "xml",
            Self::Text => "txt",
            Self::File => "file",
        }
    }

    /// Parses a `?format=` value.
    pub fn from_query(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.query_name() == name)
    }

    /// True for representations that browser apps on other origins may read (CORS).
    pub fn is_machine_readable(self) -> bool {
        !matches!(self, Self::Html)
    }
}
