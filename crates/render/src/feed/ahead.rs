//! Feeds rendered ahead: `newsroom build` writes the items of each feed in each format once,
//! so answering a feed only copies them, putting the request's origin into their links.
//! Rendering 50 full-content items was nearly all of a feed's cost: decoding their bodies
//! from JSON and escaping them again for XML.
//!
//! Stored under `{format}:{feed key}` (`rss:feed:site`, `atom:feed:publisher:x`,
//! `jsonfeed:feed:keyword:y`; [`contract::kv::ahead_feed_key`]): one line of JSON, the [`Head`],
//! then a newline and the items' markup one after another. Each [`ItemHead`] gives the
//! length of its item's markup and the offsets at which the origin goes. The `feed:*` record
//! stays the source: a worker renders from it when the rendered record is missing or of
//! another [`AHEAD_VERSION`] (its markup may differ from this worker's).

use std::collections::HashMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::item_markup;
use contract::format::Format;
use contract::media::Media;
use contract::model::{FeedItem, FeedRecord, Timestamp};

/// Version of the rendered records: raise it whenever an item's markup changes, so that
/// workers render from `feed:*` until the records are built again.
pub const AHEAD_VERSION: u32 = 1;

/// The formats feeds are rendered ahead in.
pub const FORMATS: [Format; 3] = [Format::Rss, Format::Atom, Format::JsonFeed];

/// What a rendered feed says about itself and its items, before their markup.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The version it was rendered with ([`AHEAD_VERSION`]); a worker that expects another
    /// renders from the `feed:*` record instead.
    pub v: u32,
    /// Feed title, as in the `feed:*` record ([`FeedRecord::title`]).
    pub title: String,
    /// Feed description, as in the `feed:*` record ([`FeedRecord::description`]).
    pub description: String,
    /// Feed language, as in the `feed:*` record ([`FeedRecord::lang`]).
    pub lang: String,
    /// The publisher's logo, for a publisher's feed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<Media>,
    /// The items, newest first, scheduled ones included (the worker shows the public ones).
    pub items: Vec<ItemHead>,
}

/// One rendered item: when it is public, when it changed, where its markup is.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ItemHead {
    /// Publication time: the item is shown from then on.
    pub published: Timestamp,
    /// Last update, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<Timestamp>,
    /// Length in bytes of the item's markup without its origin; the items' markup follows
    /// the head line in this order.
    pub len: usize,
    /// Offsets in the markup, ascending, at which the request's origin is put.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<usize>,
}

/// An item's markup without its origin, and where the origin goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Markup {
    text: String,
    origins: Vec<usize>,
}

/// The origin [`Markup::of`] renders with when the item's text is known not to hold it.
pub const MARKER: char = '\u{E000}';

impl Markup {
    /// Renders `item` in `format` with a marker character for its origin: where the markers
    /// are is where the origin goes. `free_of_marker` says the item's text holds no
    /// [`MARKER`] (its feed record does not): one rendering then suffices. Otherwise the
    /// item is rendered with an empty origin first, and with a marker that rendering does not
    /// contain. `None` only if the item holds every private-use character.
    pub fn of(format: Format, item: &FeedItem, free_of_marker: bool) -> Option<Markup> {
        if free_of_marker {
            return Some(Self::unmarked(&item_markup(format, MARKER.encode_utf8(&mut [0; 4]), item), MARKER));
        }
        let plain = item_markup(format, "", item);
        let marker = ('\u{E000}'..='\u{F8FF}').find(|c| !plain.contains(*c))?;
        let markup = Self::unmarked(&item_markup(format, marker.encode_utf8(&mut [0; 4]), item), marker);
        (markup.text == plain).then_some(markup)
    }

    /// `marked` without its markers, and where they were.
    fn unmarked(marked: &str, marker: char) -> Markup {
        let (mut text, mut origins) = (String::with_capacity(marked.len()), Vec::new());
        for (n, part) in marked.split(marker).enumerate() {
            if n > 0 {
                origins.push(text.len());
            }
            text.push_str(part);
        }
        Markup { text, origins }
    }
}

/// Renders the feeds of one build, each item's markup only once however many feeds hold it.
#[derive(Default)]
pub struct Renderer {
    markup: HashMap<(String, usize), Option<Rc<Markup>>>,
}

impl Renderer {
    /// The value to store for `record` in `format`; `None` if an item could not be marked
    /// (the worker then renders from `record` itself). `free_of_marker`: the record as
    /// stored holds no [`MARKER`] (serde_json writes it as it is), so each item is rendered once.
    pub fn encode(&mut self, record: &FeedRecord, free_of_marker: bool, format: Format) -> Option<String> {
        let slot = FORMATS.iter().position(|f| *f == format)?;
        let mut markups = Vec::with_capacity(record.items.len());
        for item in record.items.iter() {
            let markup = self
                .markup
                .entry((item.summary.slug.clone(), slot))
                .or_insert_with(|| Markup::of(format, item, free_of_marker).map(Rc::new))
                .clone()?;
            markups.push(markup);
        }
        let items = record.items.iter().zip(&markups).map(|(item, markup)| ItemHead {
            published: item.summary.published.clone(),
            updated: item.updated.clone(),
            len: markup.text.len(),
            origins: markup.origins.clone(),
        });
        let head = Head {
            v: AHEAD_VERSION,
            title: record.title.clone(),
            description: record.description.clone(),
            lang: record.lang.clone(),
            logo: record.logo.clone(),
            items: items.collect(),
        };
        // Compact JSON escapes every newline, so the first one ends the head.
        let mut value = serde_json::to_string(&head).ok()?;
        value.reserve(markups.iter().map(|m| m.text.len()).sum::<usize>() + 1);
        value.push('\n');
        for markup in &markups {
            value.push_str(&markup.text);
        }
        Some(value)
    }
}

/// A rendered feed as read from KV: its head and its items' markup, checked where it is cut.
///
/// The markup is copied as bytes. `newsroom build` wrote it as UTF-8, and every place a
/// worker cuts it (item ends, origins) must begin a character, so splicing cannot break
/// one; the markup is not read through on every request (that was half of a feed's cost).
#[derive(Debug)]
pub struct Ahead<'a> {
    /// What the feed says about itself and its items.
    pub head: Head,
    body: &'a [u8],
    /// Where each item's markup starts in `body`.
    starts: Vec<usize>,
}

impl<'a> Ahead<'a> {
    /// Splits a stored value into its head's bytes and the markup that follows.
    pub fn split(value: &[u8]) -> Option<(&[u8], &[u8])> {
        let newline = value.iter().position(|b| *b == b'\n')?;
        Some((&value[..newline], &value[newline + 1..]))
    }

    /// Checks that `body` holds the items `head` describes: lengths that add up, and items
    /// and origins on character boundaries. The error says what is wrong.
    pub fn new(head: Head, body: &'a [u8]) -> Result<Self, String> {
        let mut starts = Vec::with_capacity(head.items.len());
        let mut at: usize = 0;
        for (n, item) in head.items.iter().enumerate() {
            let end = at.checked_add(item.len).filter(|end| starts_char(body, *end));
            let end = end.ok_or_else(|| format!("item {n} ends outside its markup"))?;
            let in_order = item.origins.windows(2).all(|w| w[0] <= w[1]);
            if !in_order || !item.origins.iter().all(|o| *o <= item.len && starts_char(body, at + o)) {
                return Err(format!("item {n} puts its origin outside its markup"));
            }
            starts.push(at);
            at = end;
        }
        if at != body.len() {
            return Err(format!("{} bytes of markup follow the last item", body.len() - at));
        }
        Ok(Ahead { head, body, starts })
    }

    /// The bytes items `shown` take with an origin of `origin_len` bytes.
    pub fn items_bytes(&self, shown: &[usize], origin_len: usize) -> usize {
        let items = shown.iter().filter_map(|n| self.head.items.get(*n));
        items.map(|i| i.len + i.origins.len() * origin_len).sum()
    }

    /// Appends item `n`'s markup with `origin` (already escaped for the format) in its links.
    pub fn write_item(&self, n: usize, origin: &str, out: &mut Vec<u8>) {
        let (Some(start), Some(item)) = (self.starts.get(n), self.head.items.get(n)) else { return };
        let text = &self.body[*start..start + item.len];
        let mut from = 0;
        for at in &item.origins {
            out.extend_from_slice(&text[from..*at]);
            out.extend_from_slice(origin.as_bytes());
            from = *at;
        }
        out.extend_from_slice(&text[from..]);
    }
}

/// True when byte `at` of `bytes` begins a UTF-8 character (or is the end).
fn starts_char(bytes: &[u8], at: usize) -> bool {
    // Continuation bytes are 0b10xx_xxxx: -64..0 as i8.
    at == bytes.len() || bytes.get(at).is_some_and(|b| (*b as i8) >= -0x40)
}

/// `origin` as it appears inside the markup of `format`.
pub fn escaped_origin(format: Format, origin: &str) -> String {
    match format {
        Format::JsonFeed => {
            let quoted = crate::json::to_string(&origin);
            quoted[1..quoted.len() - 1].to_string()
        }
        _ => {
            let mut out = String::new();
            super::escape(origin, &mut out);
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use contract::model::{PublisherRef, ReleaseKind, Summary};

    fn item(slug: &str, body_html: &str) -> FeedItem {
        let at = chrono::DateTime::parse_from_rfc3339("2025-06-25T10:02:11+03:00").expect("time");
        FeedItem {
            summary: Summary {
                slug: slug.into(),
                title: "Otsikko & <b>".into(),
                publisher: PublisherRef { slug: "p".into(), name: "Julkaisija".into() },
                published: Timestamp { at, zone: "EEST".into(), precision: Default::default() },
                kind: ReleaseKind::Tiedote,
                lang: "fi".into(),
                lead: "Ingressi".into(),
                media: None,
            },
            updated: None,
            body_html: body_html.into(),
            keywords: Vec::new(),
            enclosures: Vec::new(),
        }
    }

    fn record(items: Vec<FeedItem>) -> FeedRecord {
        FeedRecord {
            v: contract::model::SCHEMA_VERSION,
            title: "T".into(),
            description: "D".into(),
            lang: "fi".into(),
            items: items.into(),
            logo: None,
        }
    }

    fn decode(value: &str) -> Ahead<'_> {
        let (head, body) = Ahead::split(value.as_bytes()).expect("a head line");
        Ahead::new(serde_json::from_slice(head).expect("head"), body).expect("valid")
    }

    #[test]
    fn items_written_with_an_origin_equal_items_rendered_with_it() {
        // In the first feed the body holds the marker, so each item is rendered twice and
        // another private-use character marks the origin; the second is rendered once.
        let feeds = [
            vec![item("a", "<p>\u{E000}\u{E001}</p>\n<pre>x\ny</pre>"), item("b", "")],
            vec![item("c", "<p>ä &amp; ö</p>\n"), item("d", "")],
        ];
        for (n, items) in feeds.iter().enumerate() {
            let rec = record(items.clone());
            let stored = serde_json::to_string(&rec).expect("JSON");
            assert_eq!(stored.contains(MARKER), n == 0);
            for format in FORMATS {
                let free = !stored.contains(MARKER);
                let value = Renderer::default().encode(&rec, free, format).expect("encodes");
                let ahead = decode(&value);
                for origin in ["https://example.fi", "http://127.0.0.1:8787", "https://a&b\"c"] {
                    for (n, item) in items.iter().enumerate() {
                        let mut out = Vec::new();
                        ahead.write_item(n, &escaped_origin(format, origin), &mut out);
                        assert_eq!(out, item_markup(format, origin, item).into_bytes(), "{format:?} {origin}");
                    }
                }
            }
        }
    }

    #[test]
    fn damaged_markup_is_refused_with_a_reason() {
        let value =
            Renderer::default().encode(&record(vec![item("a", "<p>ä</p>")]), true, Format::Rss).expect("encodes");
        let (head, body) = Ahead::split(value.as_bytes()).expect("a head line");
        let head: Head = serde_json::from_slice(head).expect("head");
        let cut = &body[..body.len() - 1];
        assert!(Ahead::new(head.clone(), cut).unwrap_err().contains("outside its markup"));
        let mut longer = body.to_vec();
        longer.push(b'x');
        assert!(Ahead::new(head.clone(), &longer).unwrap_err().contains("follow the last item"));
        let mut off = head.clone();
        off.items[0].origins = vec![off.items[0].len + 1];
        assert!(Ahead::new(off, body).unwrap_err().contains("origin outside"));
        let mut split_char = head.clone();
        let inside_a = std::str::from_utf8(body).expect("utf-8").find('ä').expect("ä") + 1;
        split_char.items[0].origins = vec![inside_a];
        assert!(Ahead::new(split_char, body).is_err());
        // A cut inside a character is refused; bytes between cuts are copied as they are.
        let mut inside = head.clone();
        inside.items[0].len = inside_a;
        assert!(Ahead::new(inside, body).unwrap_err().contains("ends outside"));
    }
}
