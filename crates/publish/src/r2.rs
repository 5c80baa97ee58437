//! What a build keeps in R2 (the `MEDIA` bucket): the video and captions files of the
//! published releases, uploaded as the publisher gave them, and for each its gate in KV,
//! `video:{name}` ([`contract::video::VideoGate`]), with the earliest moment of the releases
//! that name it. The gate goes up with the release records (stage 1), after its file, so a
//! gate in KV means its file is in R2: `newsroom publish` uploads a file only while its gate
//! is missing, which also resumes an interrupted upload where it stopped. A gate the next
//! build no longer writes is deleted with the other stale keys, and its file after it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::content::{Release, Site};
use contract::kv::KvPair;
use contract::model::SCHEMA_VERSION;
use contract::video::{gate_key, object_key, VideoGate};

/// One file to keep in R2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Object {
    /// Its R2 key, `video/{name}`.
    pub key: String,
    /// Its name, `{hash}.{ext}`, as `/media/{name}` serves it.
    pub name: String,
    /// The file on disk that is uploaded.
    pub path: String,
    /// Its MIME type, stored with it.
    pub content_type: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// The files `releases` and the publishers name (each once) and their gates, by name: a
/// publisher's standing videos are public from the start.
pub fn objects(site: &Site, releases: &[&Release]) -> (Vec<Object>, Vec<KvPair>) {
    let by_name: BTreeMap<&str, &crate::content::VideoFile> =
        site.media.videos.files.values().map(|f| (f.media.name.as_str(), f)).collect();
    let mut first: BTreeMap<&str, DateTime<Utc>> = BTreeMap::new();
    for media in site.publishers.values().flat_map(|p| p.videos.iter().flat_map(|v| v.objects())) {
        first.insert(media.name.as_str(), DateTime::UNIX_EPOCH);
    }
    for r in releases {
        for media in r.videos.iter().flat_map(|v| v.objects()) {
            let at = r.published.at.to_utc();
            first.entry(media.name.as_str()).and_modify(|t| *t = (*t).min(at)).or_insert(at);
        }
    }
    let mut objects = Vec::new();
    let mut gates = Vec::new();
    for (name, at) in first {
        let Some(file) = by_name.get(name) else { continue };
        objects.push(Object {
            key: object_key(name),
            name: name.to_string(),
            path: file.path.clone(),
            content_type: file.media.content_type.clone(),
            bytes: file.media.bytes,
        });
        let public_at = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let gate = VideoGate { v: SCHEMA_VERSION, public_at };
        // A plain struct of two fields: serializing it cannot fail.
        let value = serde_json::to_string(&gate).unwrap_or_default();
        gates.push(KvPair::new(gate_key(name), value, false));
    }
    (objects, gates)
}

/// The names of the R2 files whose gates `deletions` (a build's stale keys) remove: deleted
/// from R2 after their gates.
pub fn stale_objects(deletions: &[String]) -> Vec<String> {
    deletions.iter().filter_map(|k| k.strip_prefix("video:")).map(object_key).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_gates_name_their_objects() {
        let deletions = ["release:a".to_string(), "video:0123456789abcdef.mp4".to_string()];
        assert_eq!(stale_objects(&deletions), ["video/0123456789abcdef.mp4"]);
    }
}
