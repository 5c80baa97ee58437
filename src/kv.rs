//! The KV layout: key names and the bulk-upload file format (`docs/kv-layout.md`).

use serde::{Deserialize, Serialize};

/// Key of the site-wide list of newest releases.
pub const LATEST_KEY: &str = "index:latest";
/// Key of the list of every keyword with counts.
pub const KEYWORDS_KEY: &str = "index:keywords";
/// Key of the site-wide feed items.
pub const SITE_FEED_KEY: &str = "feed:site";

/// Key of one release record.
pub fn release_key(slug: &str) -> String {
    format!("release:{slug}")
}

/// Key of one publisher record (profile and newest releases).
pub fn publisher_key(slug: &str) -> String {
    format!("publisher:{slug}")
}

/// Key of one keyword's list of releases.
pub fn keyword_key(slug: &str) -> String {
    format!("keyword:{slug}")
}

/// Key of a publisher's feed items.
pub fn publisher_feed_key(slug: &str) -> String {
    format!("feed:publisher:{slug}")
}

/// Key of a keyword's feed items.
pub fn keyword_feed_key(slug: &str) -> String {
    format!("feed:keyword:{slug}")
}

/// One entry of a `wrangler kv bulk put` file.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct KvPair {
    /// Key.
    pub key: String,
    /// Value (JSON text of a record).
    pub value: String,
}
