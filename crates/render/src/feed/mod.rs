//! Feeds: RSS 2.0, Atom (RFC 4287) and JSON Feed 1.1, written by hand to keep the wasm small
//! and parsed back by the `rss`, `atom_syndication` and `feed-rs` crates in tests.

pub mod ahead;
pub(crate) mod xml;

use serde::Serialize;

use contract::format::Format;
use contract::model::{FeedItem, Timestamp};
use contract::route::{publisher_path, release_path};
use contract::time::rfc3339;

pub use xml::escape;
use xml::Xml;

/// Generator name and version written into every feed.
pub const GENERATOR: &str = concat!("newsroom ", env!("CARGO_PKG_VERSION"));

/// What a feed says about itself.
pub struct FeedMeta<'a> {
    /// Feed title (RSS and JSON Feed `title`, Atom `<title>`), from the feed's record.
    pub title: String,
    /// Feed description (RSS `<description>`, Atom `<subtitle>`, JSON Feed `description`).
    pub description: String,
    /// BCP 47 language of the feed (RSS `<language>`, Atom `xml:lang`, JSON Feed `language`).
    pub lang: &'a str,
    /// Absolute URL of the HTML page the feed mirrors.
    pub home_url: String,
    /// Absolute URL of the feed itself.
    pub self_url: String,
    /// Scheme and host put before every item's links, e.g. `https://uutiset.example.fi`.
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
    newest_change(items.iter().map(|i| (&i.summary.published, i.updated.as_ref())))
}

/// The newest of (published, updated) times: each item's update, or its publication.
pub fn newest_change<'a>(times: impl Iterator<Item = (&'a Timestamp, Option<&'a Timestamp>)>) -> Option<Timestamp> {
    times.map(|(published, updated)| updated.unwrap_or(published)).max_by_key(|t| t.at).cloned()
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

/// The feed in `format` (RSS 2.0 for anything but Atom and JSON Feed), its items rendered
/// now; `fallback_updated` is Atom's `updated` of an empty feed.
pub fn render(format: Format, meta: &FeedMeta, items: &[&FeedItem], fallback_updated: &str) -> Vec<u8> {
    document(format, meta, newest(items).as_ref(), fallback_updated, 0, |out, separator| {
        for (n, item) in items.iter().enumerate() {
            if n > 0 {
                out.extend_from_slice(separator.as_bytes());
            }
            out.extend_from_slice(item_markup(format, meta.origin, item).as_bytes());
        }
    })
}

/// A feed document in `format` around items that `write_items` appends, each after the
/// first preceded by the separator it is given; `newest` is the newest change among them.
/// `items_bytes` is about how many bytes the items take (the body is allocated once).
pub fn document(
    format: Format,
    meta: &FeedMeta,
    newest: Option<&Timestamp>,
    fallback_updated: &str,
    items_bytes: usize,
    write_items: impl FnOnce(&mut Vec<u8>, &str),
) -> Vec<u8> {
    let (head, separator, tail) = match format {
        Format::Atom => (atom_head(meta, newest, fallback_updated), "", "</feed>\n"),
        Format::JsonFeed => (json_feed_head(meta), ",", "]}"),
        _ => (rss_head(meta, newest), "", "</channel>\n</rss>\n"),
    };
    let mut out = Vec::with_capacity(head.len() + items_bytes + tail.len());
    out.extend_from_slice(head.as_bytes());
    write_items(&mut out, separator);
    out.extend_from_slice(tail.as_bytes());
    out
}

/// One item of a feed in `format`, its links on `origin`.
pub fn item_markup(format: Format, origin: &str, item: &FeedItem) -> String {
    match format {
        Format::Atom => atom_entry(origin, item),
        Format::JsonFeed => crate::json::to_string(&json_item(origin, item)),
        _ => rss_item(origin, item),
    }
}

/// RSS 2.0 with `content:encoded`, `dc:creator`, `dc:language` and `atom:link rel="self"`:
/// everything before the first item.
fn rss_head(meta: &FeedMeta, newest: Option<&Timestamp>) -> String {
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
    if let Some(t) = newest {
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
    x.finish()
}

/// An RSS `<item>`.
fn rss_item(origin: &str, item: &FeedItem) -> String {
    let s = &item.summary;
    let url = format!("{origin}{}", release_path(&s.slug));
    let mut x = Xml::fragment();
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
        let href = format!("{origin}{}", m.path());
        x.empty("enclosure", &[("url", &href), ("length", &len), ("type", &m.content_type)]);
    }
    x.text("description", &[], &s.lead);
    x.text("content:encoded", &[], &content_html(item));
    x.close("item");
    x.finish()
}

/// Atom (RFC 4287) up to the first entry; `updated` of an empty feed is `fallback_updated`.
fn atom_head(meta: &FeedMeta, newest: Option<&Timestamp>, fallback_updated: &str) -> String {
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
    let updated = newest.map_or_else(|| fallback_updated.to_string(), rfc3339);
    x.text("updated", &[], &updated);
    x.text("generator", &[("version", env!("CARGO_PKG_VERSION"))], "newsroom");
    if let Some(logo) = &meta.logo_url {
        x.text("logo", &[], logo);
    }
    x.finish()
}

/// An Atom `<entry>`.
fn atom_entry(origin: &str, item: &FeedItem) -> String {
    let s = &item.summary;
    let url = format!("{origin}{}", release_path(&s.slug));
    let mut x = Xml::fragment();
    x.open("entry", &[("xml:lang", &s.lang)]);
    x.text("title", &[], &s.title);
    x.empty("link", &[("rel", "alternate"), ("type", "text/html"), ("href", &url)]);
    x.text("id", &[], &url);
    x.text("published", &[], &rfc3339(&s.published));
    x.text("updated", &[], &rfc3339(item.updated.as_ref().unwrap_or(&s.published)));
    x.open("author", &[]);
    x.text("name", &[], &s.publisher.name);
    x.text("uri", &[], &format!("{origin}{}", publisher_path(&s.publisher.slug)));
    x.close("author");
    for k in &item.keywords {
        x.empty("category", &[("term", &k.slug), ("label", &k.label)]);
    }
    for m in &item.enclosures {
        let (len, href) = (m.bytes.to_string(), format!("{origin}{}", m.path()));
        x.empty("link", &[("rel", "enclosure"), ("type", &m.content_type), ("length", &len), ("href", &href)]);
    }
    x.text("summary", &[], &s.lead);
    x.text("content", &[("type", "html")], &content_html(item));
    x.close("entry");
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
    /// Always empty: [`json_feed_head`] leaves the array open for the items.
    items: [JsonItem<'a>; 0],
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

/// JSON Feed 1.1 up to its first item: the feed object, its `items` array left open.
fn json_feed_head(meta: &FeedMeta) -> String {
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &meta.title,
        home_page_url: &meta.home_url,
        feed_url: &meta.self_url,
        description: &meta.description,
        language: meta.lang,
        icon: meta.logo_url.as_deref(),
        hubs: meta.hub.map(|url| [JsonHub { kind: "WebSub", url }]),
        items: [],
    };
    let mut head = crate::json::to_string(&feed);
    // `items` is the last member, serialized as `[]}`: keep the array open.
    head.truncate(head.len() - "]}".len());
    head
}

/// A JSON Feed item.
fn json_item<'a>(origin: &str, item: &'a FeedItem) -> JsonItem<'a> {
    let s = &item.summary;
    let url = format!("{origin}{}", release_path(&s.slug));
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
            url: format!("{origin}{}", publisher_path(&s.publisher.slug)),
        }],
        tags: item.keywords.iter().map(|k| k.label.as_str()).collect(),
        language: &s.lang,
        image: item
            .enclosures
            .iter()
            .find(|m| m.content_type.starts_with("image/"))
            .map(|m| format!("{origin}{}", m.path())),
        attachments: item
            .enclosures
            .iter()
            .map(|m| JsonAttachment {
                url: format!("{origin}{}", m.path()),
                mime_type: &m.content_type,
                size_in_bytes: m.bytes,
            })
            .collect(),
    }
}
