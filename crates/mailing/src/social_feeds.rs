//! A publisher's latest social media posts, sans-IO: the scheduled Worker fetches each
//! public feed of `social:channels` ([`contract::social::ChannelsRecord`]) hourly, this
//! module reads what came back ([`parse`]: RSS 2.0 of Mastodon and Bluesky profiles, Atom of
//! YouTube channels) into [`Post`]s of plain text, and renders the newest of a publisher's
//! posts into the HTML fragment the publisher page shows as it is ([`fragment`]).
//!
//! Nothing of a feed reaches a reader's page as markup: a post's HTML is reduced to text
//! ([`to_text`]), every text is escaped, and only `https://` addresses become links. No
//! image, script or style of a feed is kept, so the page asks nothing of any third party.
//! A feed larger than [`MAX_FEED_BYTES`], not UTF-8 or not a feed is refused
//! ([`FeedError`]); the adapter then keeps the last good copy (D1 `social_feeds.posts`).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use quick_xml::events::Event;
use serde::{Deserialize, Serialize};

use contract::social::Platform;
use contract::text::escape;

/// The largest feed read; the adapter stops reading there.
pub const MAX_FEED_BYTES: usize = 1024 * 1024;
/// Posts kept per feed, and shown per publisher (the newest of all its feeds).
pub const MAX_POSTS: usize = 5;
/// Characters of a post's text shown; longer ones end with `…`.
pub const MAX_TEXT_CHARS: usize = 500;

/// One post, as kept (D1) and shown.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Post {
    /// The platform's id.
    pub platform: String,
    /// The post's own address (`https://` only; else empty and not linked).
    pub url: String,
    /// When it was posted, RFC 3339.
    pub at: String,
    /// Its text, plain (no markup), cut to [`MAX_TEXT_CHARS`].
    pub text: String,
}

/// Posts as D1 keeps them (`social_feeds.posts`).
pub fn posts_json(posts: &[Post]) -> String {
    serde_json::to_string(posts).unwrap_or_default()
}

/// Posts from D1; none when the value is damaged (the next good fetch writes it again).
pub fn posts_from_json(text: &str) -> Vec<Post> {
    serde_json::from_str(text).unwrap_or_default()
}

/// Why a fetched feed was not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    /// More than [`MAX_FEED_BYTES`].
    #[error("the feed is larger than {} KiB", MAX_FEED_BYTES / 1024)]
    TooLarge,
    /// Not UTF-8.
    #[error("the feed is not UTF-8 text")]
    NotText,
    /// Not well-formed XML, or no RSS or Atom feed.
    #[error("the feed is not RSS or Atom: {0}")]
    NotAFeed(String),
}

/// The newest posts (at most [`MAX_POSTS`]) of a feed of `platform`, newest first.
pub fn parse(bytes: &[u8], platform: &str) -> Result<Vec<Post>, FeedError> {
    if bytes.len() > MAX_FEED_BYTES {
        return Err(FeedError::TooLarge);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| FeedError::NotText)?;
    let mut reader = quick_xml::Reader::from_str(text);
    let (mut root, mut path): (Option<String>, Vec<String>) = (None, Vec::new());
    let mut posts = Vec::new();
    let mut item: Option<Item> = None;
    let mut buffer = String::new();
    loop {
        let event = reader.read_event().map_err(|e| FeedError::NotAFeed(e.to_string()))?;
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                root.get_or_insert_with(|| name.clone());
                if name == "item" || name == "entry" {
                    item = Some(Item::default());
                } else if let (Some(it), "link") = (item.as_mut(), name.as_str()) {
                    it.link_href(&e, reader.decoder());
                }
                path.push(name);
                buffer.clear();
            }
            Event::Empty(e) => {
                root.get_or_insert_with(|| String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                if let (Some(it), b"link") = (item.as_mut(), e.local_name().as_ref()) {
                    it.link_href(&e, reader.decoder());
                }
            }
            Event::Text(t) => buffer.push_str(&t.decode().map_err(|e| FeedError::NotAFeed(e.to_string()))?),
            Event::CData(t) => buffer.push_str(&String::from_utf8_lossy(&t)),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    buffer.push(c);
                } else if let Some(s) = r.decode().ok().and_then(|n| quick_xml::escape::resolve_predefined_entity(&n)) {
                    buffer.push_str(s);
                }
            }
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                if name == "item" || name == "entry" {
                    if let Some(post) = item.take().and_then(|it| it.post(platform)) {
                        posts.push(post);
                    }
                } else if let Some(it) = item.as_mut() {
                    it.field(&name, std::mem::take(&mut buffer));
                }
                buffer.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    match root.as_deref() {
        Some("rss" | "feed" | "RDF") => {}
        Some(other) => return Err(FeedError::NotAFeed(format!("its root element is <{other}>"))),
        None => return Err(FeedError::NotAFeed("it is empty".into())),
    }
    posts.sort_by(|a, b| b.at.cmp(&a.at));
    posts.truncate(MAX_POSTS);
    Ok(posts)
}

/// The fields of one `<item>` or `<entry>` read so far.
#[derive(Default)]
struct Item {
    link: String,
    title: String,
    description: String,
    at: Option<DateTime<FixedOffset>>,
}

impl Item {
    /// Atom's `<link href>` (the alternate one, or the first).
    fn link_href(&mut self, e: &quick_xml::events::BytesStart, decoder: quick_xml::encoding::Decoder) {
        let attr = |name: &str| {
            e.try_get_attribute(name)
                .ok()
                .flatten()
                .and_then(|a| a.decoded_and_normalized_value(quick_xml::XmlVersion::Implicit1_0, decoder).ok())
                .map(|v| v.into_owned())
        };
        // Only the alternate link is the post's (not `rel="self"`, `"enclosure"` …).
        if let (Some(href), true) = (attr("href"), attr("rel").is_none_or(|r| r == "alternate")) {
            self.link = href;
        }
    }

    fn field(&mut self, name: &str, value: String) {
        match name {
            "link" if self.link.is_empty() => self.link = value.trim().to_string(),
            "title" => self.title = value,
            // RSS `description`, Atom `content`/`summary`, YouTube's `media:description`.
            "description" | "content" | "summary" if self.description.is_empty() => self.description = value,
            "pubDate" => self.at = self.at.or_else(|| rfc2822(value.trim())),
            "published" | "updated" | "date" => {
                self.at = self.at.or_else(|| DateTime::parse_from_rfc3339(value.trim()).ok());
            }
            _ => {}
        }
    }

    /// The post, when it has a time (a post without one cannot be placed among the newest).
    fn post(self, platform: &str) -> Option<Post> {
        let at = self.at?;
        let mut text = to_text(&self.description);
        if platform == Platform::Youtube.id() || text.is_empty() {
            let title = to_text(&self.title);
            text = if text.is_empty() { title } else { format!("{title}\n\n{text}") };
        }
        let url = if is_https(&self.link) { self.link } else { String::new() };
        Some(Post {
            platform: platform.to_string(),
            url,
            at: at.to_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            text: cut_chars(&text, MAX_TEXT_CHARS),
        })
    }
}

/// An RFC 822/2822 date as RSS writes it (`Mon, 07 Dec 2026 10:00:00 +0000`, or `GMT`).
fn rfc2822(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.split_once(',').map_or(text, |(_, rest)| rest);
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [day, month, year, time, zone] = parts.as_slice() else { return None };
    let month = contract::time::MONTHS.iter().position(|m| m[..3].eq_ignore_ascii_case(month))? as u32 + 1;
    let date = NaiveDate::from_ymd_opt(year.parse().ok()?, month, day.parse().ok()?)?;
    // By hand: chrono's format-string parser would cost the Worker kilobytes.
    let mut hms = time.split(':').map(|n| n.parse::<u32>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next().unwrap_or(Some(0))?);
    let time = NaiveTime::from_hms_opt(h, m, s)?;
    let offset = match *zone {
        "GMT" | "UT" | "UTC" | "Z" => 0,
        z => {
            let (sign, digits) = z.split_at_checked(1)?;
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) || !matches!(sign, "+" | "-") {
                return None;
            }
            let (hours, minutes): (i32, i32) = (digits[..2].parse().ok()?, digits[2..].parse().ok()?);
            if minutes >= 60 {
                return None;
            }
            let seconds = hours * 3600 + minutes * 60;
            if sign == "-" {
                -seconds
            } else {
                seconds
            }
        }
    };
    date.and_time(time).and_local_timezone(FixedOffset::east_opt(offset)?).single()
}

/// Markup reduced to text: tags dropped (with the content of `script` and `style`), line
/// and paragraph breaks kept, character references decoded, spaces collapsed.
pub fn to_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&decode_references(&rest[..open]));
        let after = &rest[open + 1..];
        // "a < b" in a plain-text feed (Bluesky's) is text, not a tag.
        if !after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!') {
            out.push('<');
            rest = after;
            continue;
        }
        let Some(close) = after.find('>') else {
            // No tag ends anywhere after: the rest is text (looked for once, not per `<`).
            out.push('<');
            rest = after;
            break;
        };
        let tag = after[..close].trim().to_ascii_lowercase();
        let name = tag.trim_start_matches('/').split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
        rest = &after[close + 1..];
        match name {
            "br" => out.push('\n'),
            "p" | "div" | "li" | "blockquote" if tag.starts_with('/') => out.push_str("\n\n"),
            "script" | "style" if !tag.starts_with('/') => {
                // Up to its end tag, in any case, found without copying the rest.
                let end = format!("</{name}");
                let at = rest.as_bytes().windows(end.len()).position(|w| w.eq_ignore_ascii_case(end.as_bytes()));
                rest = at.map_or("", |i| &rest[i..]);
            }
            _ => {}
        }
    }
    out.push_str(&decode_references(rest));
    // Bidirectional controls (which could make a link's text read as another address) and
    // noncharacters (invalid in HTML) go.
    out.retain(|c| {
        !matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FDD0}'..='\u{FDEF}')
            && (u32::from(c) & 0xFFFE) != 0xFFFE
    });
    // Spaces collapsed within lines; at most one empty line between paragraphs.
    let lines: Vec<String> = out.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    let mut text = String::new();
    for line in lines {
        if line.is_empty() {
            if !text.is_empty() && !text.ends_with("\n\n") {
                text.push('\n');
            }
        } else {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&line);
            text.push('\n');
        }
    }
    text.trim().to_string()
}

/// HTML's character references in `text`: the common named ones and numeric ones; any
/// other `&` stays as it is.
fn decode_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        // A reference is short: look for its `;` in the next few bytes only (a search to the
        // end for each `&` of a hostile megabyte of them would take minutes).
        let end = after.as_bytes().iter().take(12).position(|&b| b == b';');
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code).filter(|c| !c.is_control() || *c == '\n')?
                }
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// An `https://` address that is a valid URL as it stands: a host of letters, digits, dots
/// and hyphens (a port allowed), then only the characters URLs may hold, each `%` followed
/// by two hex digits. Anything else is shown as text, never linked.
fn is_https(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else { return false };
    let (authority, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    let host = authority.split(':').next().unwrap_or("");
    let host_ok = !host.is_empty()
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && authority.split(':').nth(1).is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let bytes = path.as_bytes();
    let path_ok = bytes.iter().enumerate().all(|(i, &b)| match b {
        b'%' => bytes.get(i + 1..i + 3).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)),
        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => true,
        _ => b"-._~:/?#@!$&'()*+,;=".contains(&b),
    });
    host_ok && path_ok
}

/// The host of an `https://` address, lower-cased.
fn host_of(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    Some(authority.split(':').next()?.to_ascii_lowercase())
}

/// Whether `post` links to the platform of `profile`: the same host (a Mastodon server),
/// or the platform's own (`bsky.app`, YouTube), so a feed cannot label a link elsewhere
/// "Original post".
fn same_site(post: &str, profile: &str) -> bool {
    let (Some(a), Some(b)) = (host_of(post), host_of(profile)) else { return false };
    let bare = |h: &str| h.trim_start_matches("www.").trim_start_matches("m.").to_string();
    bare(&a) == bare(&b)
}

fn cut_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((i, _)) if text.chars().count() > max => format!("{}…", text[..i].trim_end()),
        _ => text.to_string(),
    }
}

/// The words of the fragment, by the publisher's language.
fn labels(lang: &str) -> (&'static str, &'static str) {
    match lang.split('-').next() {
        Some("fi") => ("Uusimmat julkaisut sosiaalisessa mediassa", "Alkuperäinen julkaisu"),
        Some("sv") => ("Senaste inläggen i sociala medier", "Ursprungligt inlägg"),
        _ => ("Latest social media posts", "Original post"),
    }
}

/// The publisher page's section of the newest `posts` of all its feeds (at most
/// [`MAX_POSTS`], newest first), in `lang`; empty when there are none. `profiles` gives each
/// platform's profile address, the link of the post's platform name.
pub fn fragment(lang: &str, posts: &[Post], profiles: &[(String, String)]) -> String {
    let mut posts: Vec<&Post> = posts.iter().collect();
    posts.sort_by(|a, b| b.at.cmp(&a.at));
    posts.truncate(MAX_POSTS);
    if posts.is_empty() {
        return String::new();
    }
    let (heading, original) = labels(lang);
    let mut out =
        String::from("<section class=\"social-posts\" aria-labelledby=\"social-posts\"><h2 id=\"social-posts\">");
    escape(heading, &mut out);
    out.push_str("</h2><ul>");
    for p in posts {
        let name = Platform::from_id(&p.platform).map_or(p.platform.as_str(), |pl| pl.name());
        out.push_str("<li><article><p class=\"meta\">");
        match profiles.iter().find(|(id, _)| *id == p.platform).filter(|(_, url)| is_https(url)) {
            Some((_, url)) => link(&mut out, url, name),
            None => escape(name, &mut out),
        }
        out.push_str(" · <time datetime=\"");
        escape(&p.at, &mut out);
        out.push_str("\">");
        escape(&date_in(&p.at, lang), &mut out);
        out.push_str("</time></p>");
        for paragraph in p.text.split("\n\n") {
            out.push_str("<p dir=\"auto\">");
            text_with_links(paragraph, &mut out);
            out.push_str("</p>");
        }
        let profile = profiles.iter().find(|(id, _)| *id == p.platform).map(|(_, url)| url.as_str());
        if !p.url.is_empty() && profile.is_some_and(|profile| same_site(&p.url, profile)) {
            out.push_str("<p>");
            link(&mut out, &p.url, &format!("{original} ({name})"));
            out.push_str("</p>");
        }
        out.push_str("</article></li>");
    }
    out.push_str("</ul></section>");
    out
}

/// `<a href="url" rel="nofollow ugc">text</a>`, both escaped.
fn link(out: &mut String, url: &str, text: &str) {
    out.push_str("<a href=\"");
    escape(url, out);
    out.push_str("\" rel=\"nofollow ugc\">");
    escape(text, out);
    out.push_str("</a>");
}

/// `text` escaped, its line breaks as `<br>`, each `https://` address in it a link.
fn text_with_links(text: &str, out: &mut String) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        for (j, word) in line.split(' ').enumerate() {
            if j > 0 {
                out.push(' ');
            }
            let bare = word.trim_end_matches(['.', ',', ')', '!', '?', ':', ';']);
            if is_https(bare) {
                link(out, bare, bare);
                escape(&word[bare.len()..], out);
            } else {
                escape(word, out);
            }
        }
    }
}

/// The date of RFC 3339 `at` as the page's language writes dates.
fn date_in(at: &str, lang: &str) -> String {
    let Ok(at) = DateTime::parse_from_rfc3339(at) else { return at.to_string() };
    let ts = contract::time::in_newsroom_zone(at.to_utc());
    let day = contract::model::Timestamp { precision: contract::model::Precision::Day, ..ts };
    contract::time::display_in(&day, lang)
}

/// Whether the trigger run at `now` fetches the feeds: every `every` minutes
/// (`SOCIAL_FEEDS_EVERY`, default 60), at 23 minutes past the hour when hourly, away from the
/// full hour when releases go out.
pub fn due(now: DateTime<chrono::Utc>, every: u32) -> bool {
    let every = i64::from(every.max(1));
    (now.timestamp() / 60) % every == 23 % every
}

/// Seconds a feed has to answer.
pub const TIMEOUT_SECONDS: u32 = 10;

/// The statements the adapter and the CLI run on D1 (`migrations/0008_social.sql`): one row
/// per (publisher, platform) with the validators of the last answer and the last good posts.
pub mod sql {
    /// Every feed's row.
    pub const ALL: &str = "SELECT publisher, platform, url, etag, last_modified, posts FROM social_feeds";
    /// A fetch that brought no posts (`?1` publisher, `?2` platform, `?3` url, `?4` now, `?5`
    /// the error, or NULL for a `304 Not Modified`, a good fetch): the last good posts stay,
    /// unless the feed's address changed.
    pub const TRIED: &str = "INSERT INTO social_feeds (publisher, platform, url, fetched_at, error) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (publisher, platform) DO UPDATE SET \
         fetched_at = excluded.fetched_at, error = excluded.error, \
         ok_at = CASE WHEN excluded.error IS NULL THEN excluded.fetched_at ELSE ok_at END, \
         posts = CASE WHEN url = excluded.url THEN posts ELSE NULL END, url = excluded.url";
    /// A good fetch (`?1` publisher, `?2` platform, `?3` url, `?4` now, `?5` ETag, `?6`
    /// Last-Modified, `?7` the posts as JSON).
    pub const STORED: &str = "INSERT INTO social_feeds \
         (publisher, platform, url, fetched_at, etag, last_modified, ok_at, posts, error) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?4, ?7, NULL) ON CONFLICT (publisher, platform) DO UPDATE SET \
         url = excluded.url, fetched_at = excluded.fetched_at, etag = excluded.etag, \
         last_modified = excluded.last_modified, ok_at = excluded.ok_at, posts = excluded.posts, error = NULL";
    /// A channel no longer in the publisher's file (`?1` publisher, `?2` platform).
    pub const FORGET: &str = "DELETE FROM social_feeds WHERE publisher = ?1 AND platform = ?2";
    /// The report: each feed's last try, last good fetch and error.
    pub const REPORT: &str =
        "SELECT publisher, platform, fetched_at, ok_at, error FROM social_feeds ORDER BY publisher, platform";
}

#[cfg(test)]
mod tests;
