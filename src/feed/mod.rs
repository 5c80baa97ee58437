//! Feeds: RSS 2.0, Atom (RFC 4287) and JSON Feed 1.1, written by hand to keep the wasm small
//! and parsed back by the `rss`, `atom_syndication` and `feed-rs` crates in tests.

pub(crate) mod xml;

use serde::Serialize;

use crate::model::{FeedItem, Timestamp};
use crate::route::{publisher_path, release_path};
use crate::time::rfc3339;

pub use xml::escape;
use xml::Xml;

/// Generator name and version written into every feed.
pub const GENERATOR: &str = concat!("newsroom ", env!("CARGO_PKG_VERSION"));

/// What a feed says about itself.
pub struct FeedMeta<'a> {
    /// Feed title.
    pub title: String,
    /// One-line description.
    pub description: String,
    /// Language of the feed.
    pub lang: &'a str,
    /// Absolute URL of the HTML page the feed mirrors.
    pub home_url: String,
    /// Absolute URL of the feed itself.
    pub self_url: String,
    /// Origin for item links.
    pub origin: &'a str,
    /// Minutes a reader may cache the feed (RSS `ttl`).
    pub ttl_minutes: u32,
    /// Absolute URL of the publisher's logo, if any.
    pub logo_url: Option<String>,
    /// The WebSub hub that delivers this feed's updates (`WEBSUB_HUB`), if any.
    pub hub: Option<&'a str>,
}

/// The newest change among `items`: their updated or published times.
pub fn newest(items: &[&FeedItem]) -> Option<Timestamp> {
    items.iter().map(|i| i.updated.as_ref().unwrap_or(&i.summary.published)).max_by_key(|t| t.at).cloned()
}

/// Body HTML for readers: the release body, or the lead alone for lead-only releases.
fn content_html(item: &FeedItem) -> String {
    if item.body_html.is_empty() {
        let mut out = String::from("<p>");
        escape(&item.summary.lead, &mut out);
        out.push_str("</p>");
        out
    } else {
        item.body_html.clone()
    }
}

/// RSS 2.0 with `content:encoded`, `dc:creator`, `dc:language` and `atom:link rel="self"`.
pub fn rss(meta: &FeedMeta, items: &[&FeedItem]) -> String {
    let mut x = Xml::new();
    x.open(
        "rss",
        &[
            ("version", "2.0"),
            ("xmlns:atom", "http://www.w3.org/2005/Atom"),
            ("xmlns:content", "http://purl.org/rss/1.0/modules/content/"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
        ],
    );
    x.open("channel", &[]);
    x.text("title", &[], &meta.title);
    x.text("link", &[], &meta.home_url);
    x.text("description", &[], &meta.description);
    x.text("language", &[], meta.lang);
    if let Some(t) = newest(items) {
        x.text("lastBuildDate", &[], &t.at.to_rfc2822());
    }
    x.text("generator", &[], GENERATOR);
    x.text("ttl", &[], &meta.ttl_minutes.to_string());
    x.empty("atom:link", &[("href", &meta.self_url), ("rel", "self"), ("type", "application/rss+xml")]);
    if let Some(hub) = meta.hub {
        x.empty("atom:link", &[("href", hub), ("rel", "hub")]);
    }
    if let Some(logo) = &meta.logo_url {
        x.open("image", &[]);
        x.text("url", &[], logo);
        x.text("title", &[], &meta.title);
        x.text("link", &[], &meta.home_url);
        x.close("image");
    }
    for item in items {
        let s = &item.summary;
        let url = format!("{}{}", meta.origin, release_path(&s.slug));
        x.open("item", &[]);
        x.text("title", &[], &s.title);
        x.text("link", &[], &url);
        x.text("guid", &[("isPermaLink", "true")], &url);
        x.text("pubDate", &[], &s.published.at.to_rfc2822());
        x.text("dc:creator", &[], &s.publisher.name);
        x.text("dc:language", &[], &s.lang);
        for k in &item.keywords {
            x.text("category", &[], &k.label);
        }
        // RSS 2.0 allows one enclosure per item: the first image or attachment.
        if let Some(m) = item.enclosures.first() {
            let len = m.bytes.to_string();
            let href = format!("{}{}", meta.origin, m.path());
            x.empty("enclosure", &[("url", &href), ("length", &len), ("type", &m.content_type)]);
        }
        x.text("description", &[], &s.lead);
        x.text("content:encoded", &[], &content_html(item));
        x.close("item");
    }
    x.close("channel");
    x.close("rss");
    x.finish()
}

/// Atom (RFC 4287); `updated` of an empty feed is `fallback_updated`.
pub fn atom(meta: &FeedMeta, items: &[&FeedItem], fallback_updated: &str) -> String {
    let mut x = Xml::new();
    x.open("feed", &[("xmlns", "http://www.w3.org/2005/Atom"), ("xml:lang", meta.lang)]);
    x.text("title", &[], &meta.title);
    x.text("subtitle", &[], &meta.description);
    x.empty("link", &[("rel", "alternate"), ("type", "text/html"), ("href", &meta.home_url)]);
    x.empty("link", &[("rel", "self"), ("type", "application/atom+xml"), ("href", &meta.self_url)]);
    if let Some(hub) = meta.hub {
        x.empty("link", &[("rel", "hub"), ("href", hub)]);
    }
    x.text("id", &[], &meta.self_url);
    let updated = newest(items).map_or_else(|| fallback_updated.to_string(), |t| rfc3339(&t));
    x.text("updated", &[], &updated);
    x.text("generator", &[("version", env!("CARGO_PKG_VERSION"))], "newsroom");
    if let Some(logo) = &meta.logo_url {
        x.text("logo", &[], logo);
    }
    for item in items {
        let s = &item.summary;
        let url = format!("{}{}", meta.origin, release_path(&s.slug));
        x.open("entry", &[("xml:lang", &s.lang)]);
        x.text("title", &[], &s.title);
        x.empty("link", &[("rel", "alternate"), ("type", "text/html"), ("href", &url)]);
        x.text("id", &[], &url);
        x.text("published", &[], &rfc3339(&s.published));
        x.text("updated", &[], &rfc3339(item.updated.as_ref().unwrap_or(&s.published)));
        x.open("author", &[]);
        x.text("name", &[], &s.publisher.name);
        x.text("uri", &[], &format!("{}{}", meta.origin, publisher_path(&s.publisher.slug)));
        x.close("author");
        for k in &item.keywords {
            x.empty("category", &[("term", &k.slug), ("label", &k.label)]);
        }
        for m in &item.enclosures {
            let (len, href) = (m.bytes.to_string(), format!("{}{}", meta.origin, m.path()));
            x.empty("link", &[("rel", "enclosure"), ("type", &m.content_type), ("length", &len), ("href", &href)]);
        }
        x.text("summary", &[], &s.lead);
        x.text("content", &[("type", "html")], &content_html(item));
        x.close("entry");
    }
    x.close("feed");
    x.finish()
}

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    description: &'a str,
    language: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    icon: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hubs: Option<[JsonHub<'a>; 1]>,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: String,
    url: String,
    title: &'a str,
    content_html: String,
    summary: &'a str,
    date_published: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    authors: [JsonAuthor<'a>; 1],
    tags: Vec<&'a str>,
    language: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<JsonAttachment<'a>>,
}

/// JSON Feed's `hubs` entry.
#[derive(Serialize)]
struct JsonHub<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    url: &'a str,
}

#[derive(Serialize)]
struct JsonAttachment<'a> {
    url: String,
    mime_type: &'a str,
    size_in_bytes: u64,
}

#[derive(Serialize)]
struct JsonAuthor<'a> {
    name: &'a str,
    url: String,
}

/// JSON Feed 1.1.
pub fn json_feed(meta: &FeedMeta, items: &[&FeedItem]) -> Vec<u8> {
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &meta.title,
        home_page_url: &meta.home_url,
        feed_url: &meta.self_url,
        description: &meta.description,
        language: meta.lang,
        icon: meta.logo_url.as_deref(),
        hubs: meta.hub.map(|url| [JsonHub { kind: "WebSub", url }]),
        items: items
            .iter()
            .map(|item| {
                let s = &item.summary;
                let url = format!("{}{}", meta.origin, release_path(&s.slug));
                JsonItem {
                    id: url.clone(),
                    url,
                    title: &s.title,
                    content_html: content_html(item),
                    summary: &s.lead,
                    date_published: rfc3339(&s.published),
                    date_modified: item.updated.as_ref().map(rfc3339),
                    authors: [JsonAuthor {
                        name: &s.publisher.name,
                        url: format!("{}{}", meta.origin, publisher_path(&s.publisher.slug)),
                    }],
                    tags: item.keywords.iter().map(|k| k.label.as_str()).collect(),
                    language: &s.lang,
                    image: item
                        .enclosures
                        .iter()
                        .find(|m| m.content_type.starts_with("image/"))
                        .map(|m| format!("{}{}", meta.origin, m.path())),
                    attachments: item
                        .enclosures
                        .iter()
                        .map(|m| JsonAttachment {
                            url: format!("{}{}", meta.origin, m.path()),
                            mime_type: &m.content_type,
                            size_in_bytes: m.bytes,
                        })
                        .collect(),
                }
            })
            .collect(),
    };
    crate::json::to_bytes(&feed)
}
