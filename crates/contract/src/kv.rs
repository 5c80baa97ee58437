//! The KV layout: key names and the bulk-upload file format (`docs/kv-layout.md`).

use serde::{Deserialize, Serialize};

/// Key of the list of every keyword with counts.
pub const KEYWORDS_KEY: &str = "index:keywords";
/// Key of the list of every year with counts.
pub const YEARS_KEY: &str = "index:years";
/// Key of the sitemap index.
pub const SITEMAPS_KEY: &str = "index:sitemaps";

/// Key of sitemap part `n`.
pub fn sitemap_key(n: usize) -> String {
    format!("sitemap:{n}")
}

/// Key of the build manifest (what the last build wrote; never served).
pub const MANIFEST_KEY: &str = "build:manifest";

/// Key of the host names of publishers' own newsrooms.
pub const HOSTS_KEY: &str = "index:hosts";

/// Key of the OpenAPI description of the JSON API (written by the native build, so the
/// worker's wasm does not carry it).
pub const OPENAPI_KEY: &str = "api:openapi";

/// Key of the build's summary and settings (read by `/healthz`).
pub const BUILD_INFO_KEY: &str = "build:info";

/// Key of a media file.
pub fn media_key(name: &str) -> String {
    crate::media::key(name)
}

/// Key of the tombstone of a removed release.
pub fn gone_key(slug: &str) -> String {
    format!("gone:{slug}")
}

/// Key of the site-wide feed items.
pub const SITE_FEED_KEY: &str = "feed:site";

/// Key of one release record.
pub fn release_key(slug: &str) -> String {
    format!("release:{slug}")
}

/// Key of a draft's record (`draft = true`, complete): a [`crate::model::ReleaseRecord`] that
/// only a valid preview token opens, never listed, counted, fed or indexed anywhere.
pub fn draft_key(slug: &str) -> String {
    format!("draft:{slug}")
}

/// Key of a release's subscriber mail rendered ahead ([`crate::model::MailRecord`]).
pub fn mail_key(slug: &str) -> String {
    format!("mail:{slug}")
}

/// Key of one publisher record (profile and newest releases).
pub fn publisher_key(slug: &str) -> String {
    format!("publisher:{slug}")
}

/// Seconds the adapter may answer a read of `key` from a copy it read earlier in the same
/// isolate, instead of reading KV again; `None` for a key it must always read. Only values
/// many pages share and that a publish rarely changes are reused: a publisher's profile
/// (every release page of the publisher reads it), the host names and the content pages'
/// index (every HTML page's footer). KV itself takes up to
/// 60 s to show a change everywhere; reuse adds at most this much to that delay, and a
/// release page is cached for longer than that anyway (`RELEASE_TTL`).
pub fn reuse_seconds(key: &str) -> Option<u32> {
    (key.starts_with("publisher:") || key == HOSTS_KEY || key == crate::pages::PAGES_KEY).then_some(REUSE_SECONDS)
}

/// How long, in seconds, the adapter may reuse a value that [`reuse_seconds`] allows: as
/// long as KV itself may take to show a change everywhere.
pub const REUSE_SECONDS: u32 = 60;

/// Which list a page belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListScope {
    /// Every publisher's releases: the front page `/` (`list:latest`, `chunk:latest:{c}`).
    Latest,
    /// One publisher's releases.
    Publisher(String),
    /// Releases with one keyword.
    Keyword(String),
    /// Releases published in one year (publisher's local time).
    Year(i32),
    /// One publisher's releases that have photos or attachments, each carrying them
    /// ([`crate::model::Summary::media`]): its media bank.
    Media(String),
}

/// The part of a list's keys that names the list: `latest`, `publisher:{slug}`,
/// `keyword:{slug}`, `year:{year}`.
fn scope_name(scope: &ListScope) -> String {
    match scope {
        ListScope::Latest => "latest".into(),
        ListScope::Publisher(slug) => format!("publisher:{slug}"),
        ListScope::Keyword(slug) => format!("keyword:{slug}"),
        ListScope::Year(year) => format!("year:{year}"),
        ListScope::Media(slug) => format!("media:{slug}"),
    }
}

/// Key of a list's head (`list:{scope}`): its total and its newest releases
/// ([`crate::model::ListRecord`]); it changes with every release the list gains.
pub fn list_key(scope: &ListScope) -> String {
    format!("list:{}", scope_name(scope))
}

/// Key of chunk `c` (from 0) of a list (`chunk:{scope}:{c}`): its releases `c × len` to
/// `(c + 2) × len − 1` counted from the oldest ([`crate::model::ListRecord`]). Written once
/// when complete; a new release never changes it.
pub fn chunk_key(scope: &ListScope, c: usize) -> String {
    format!("chunk:{}:{c}", scope_name(scope))
}

/// Key of page `n` (from 1) of a list, as builds before stable chunks wrote them: the
/// worker still reads it where a list has no [`list_key`] head.
pub fn page_key(scope: &ListScope, n: usize) -> String {
    match scope {
        ListScope::Latest => format!("page:latest:{n}"),
        ListScope::Publisher(slug) => format!("page:publisher:{slug}:{n}"),
        ListScope::Keyword(slug) => format!("page:keyword:{slug}:{n}"),
        ListScope::Year(year) => format!("page:year:{year}:{n}"),
        ListScope::Media(slug) => format!("page:media:{slug}:{n}"),
    }
}

/// Key of a publisher's feed items.
pub fn publisher_feed_key(slug: &str) -> String {
    format!("feed:publisher:{slug}")
}

/// Key of a keyword's feed items.
pub fn keyword_feed_key(slug: &str) -> String {
    format!("feed:keyword:{slug}")
}

/// Key of a feed's items rendered ahead in `format` (`render::feed::ahead`): the feed's
/// key after the format's name (`rss:feed:site`).
pub fn ahead_feed_key(format: crate::format::Format, feed_key: &str) -> String {
    let name = match format {
        crate::format::Format::Atom => "atom",
        crate::format::Format::JsonFeed => "jsonfeed",
        _ => "rss",
    };
    format!("{name}:{feed_key}")
}

/// One entry of a `wrangler kv bulk put` file.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct KvPair {
    /// KV key, e.g. `release:2024-11-27-ohjausneuvottelut` or `list:latest`.
    pub key: String,
    /// Value (JSON text of a record, or base64 of a media file).
    pub value: String,
    /// True when `value` is base64 (`wrangler kv bulk put` decodes it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub base64: bool,
    /// Stored as the key's KV metadata, which `wrangler kv key list` returns.
    pub metadata: PairMeta,
}

/// The KV metadata of every key a build writes: a digest of its value, so `newsroom status`
/// and `newsroom publish` tell changed keys from unchanged ones by listing keys, without
/// reading a single value.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
pub struct PairMeta {
    /// The XXH3-128 of the value as uploaded, in hex ([`digest`]).
    pub hash: String,
}

impl KvPair {
    /// A pair with its [`PairMeta`] computed from `value`.
    pub fn new(key: String, value: String, base64: bool) -> Self {
        let metadata = PairMeta { hash: digest(value.as_bytes()) };
        KvPair { key, value, base64, metadata }
    }
}

/// The XXH3-128 of `bytes` in hex: a change detector, not a signature. It was the first 16
/// bytes of SHA-256, which took 12 % of `newsroom build` (every rendered feed is hashed);
/// a key stored with the older digest differs, and is uploaded once more.
pub fn digest(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_shared_rarely_changing_values_are_reused() {
        assert_eq!(reuse_seconds(&publisher_key("kymsote")), Some(REUSE_SECONDS));
        assert_eq!(reuse_seconds(HOSTS_KEY), Some(REUSE_SECONDS));
        assert_eq!(reuse_seconds(crate::pages::PAGES_KEY), Some(REUSE_SECONDS));
        for key in [
            release_key("a"),
            gone_key("a"),
            page_key(&ListScope::Publisher("kymsote".into()), 1),
            SITE_FEED_KEY.into(),
        ] {
            assert_eq!(reuse_seconds(&key), None, "{key}");
        }
    }
}
