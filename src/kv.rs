//! The KV layout: key names and the bulk-upload file format (`docs/kv-layout.md`).

use serde::{Deserialize, Serialize};

/// Key of the site-wide list of newest releases.
pub const LATEST_KEY: &str = "index:latest";

/// Key of one release record.
pub fn release_key(slug: &str) -> String {
    format!("release:{slug}")
}

/// Key of one publisher record (profile and newest releases).
pub fn publisher_key(slug: &str) -> String {
    format!("publisher:{slug}")
}

/// One entry of a `wrangler kv bulk put` file.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct KvPair {
    /// Key.
    pub key: String,
    /// Value (JSON text of a record).
    pub value: String,
}
