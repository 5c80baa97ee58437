//! What a build produces: the KV records of a site in upload order, and what changed
//! since the previous build. Written by `build`, finished by `manifest`, uploaded by the CLI.

use serde::Serialize;

use contract::kv::KvPair;
use contract::media::MediaFile;

/// KV records of a site, in the order `newsroom publish` uploads them: media (stage 0),
/// releases (1), indexes (2), then the deletions (3) and the manifest (4).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Records {
    /// Media files that releases and publishers use: uploaded first of all (stage 0).
    pub media: Vec<MediaFile>,
    /// Video and captions files for R2, each uploaded before its gate (`video:{name}`,
    /// among [`Records::releases`]) while the gate is not in KV yet.
    pub objects: Vec<crate::r2::Object>,
    /// `release:*` records and the videos' gates (`video:*`): uploaded after the media and
    /// before the indexes (stage 1), so that nothing points to a missing record.
    pub releases: Vec<KvPair>,
    /// Everything else but the manifest: lists and feeds (`publisher:*`, `list:*`, `chunk:*`, `feed:*`
    /// and its rendered `rss:`/`atom:`/`jsonfeed:` copies, `index:*`), `gone:*` tombstones,
    /// sitemaps, the search index, `build:info` and `api:openapi`. Uploaded after the releases
    /// they list (stage 2).
    pub indexes: Vec<KvPair>,
    /// Drafts that were left out, by slug.
    pub drafts: Vec<String>,
    /// What changed since the previous build: keys to delete after the upload (stage 3).
    pub changes: Changes,
    /// `build:manifest`, uploaded last (stage 4), after the deletions: an interrupted
    /// publish leaves the old manifest, so running it again repeats every step.
    pub manifest: Vec<KvPair>,
}

/// What changed since the previous build.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Keys the previous build wrote and this one does not: delete them after the upload.
    pub deletions: Vec<String>,
    /// Slugs removed from `content/` since the previous build (now `410 Gone`).
    pub removed: Vec<String>,
    /// Slugs removed before their moment of publication: never public, they leave no
    /// tombstone and answer `404` like any unknown address.
    pub cancelled: Vec<String>,
    /// Removed releases whose tombstones were purged on request (a legal takedown): `404`
    /// from now on, once caches expire.
    pub purged: Vec<String>,
    /// Slugs new since the previous build.
    pub added: Vec<String>,
}

/// What a build does with releases removed from `content/`: by default every one leaves a
/// tombstone (`410 Gone` with its title).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Removals {
    /// The time of the build: a release removed before its moment was never public and
    /// leaves no tombstone. `None` (tests, reproducible builds): every removal leaves one.
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    /// Removed releases (now or earlier) whose tombstones are to be deleted.
    pub purge: Vec<String>,
}

/// `key` with `record` as its JSON value.
pub fn pair<T: Serialize>(key: String, record: &T) -> KvPair {
    // Serializing these plain structs cannot fail: no maps with non-string keys, no custom impls.
    let value = serde_json::to_string(record).unwrap_or_else(|e| unreachable!("record serializes: {e}"));
    KvPair::new(key, value, false)
}
