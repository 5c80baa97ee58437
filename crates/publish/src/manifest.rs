//! What a build published, kept in KV (`build:manifest`), so the next build knows which
//! keys became stale and which releases were removed (they answer `410 Gone`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use contract::kv;
use contract::model::{GoneRecord, ReleaseStub, SCHEMA_VERSION};

pub use crate::records::Changes;
use crate::records::{pair, Records, Removals};

/// `build:manifest`: every key a build wrote, its releases, and every release removed so far.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub v: u32,
    /// Every key written, sorted (the manifest's own key included).
    pub keys: Vec<String>,
    /// The published releases, by slug.
    pub releases: Vec<ReleaseStub>,
    /// The removed releases, by slug (kept so their URLs keep answering `410 Gone`).
    pub gone: Vec<ReleaseStub>,
    /// One digest of every value the build wrote ([`kv::digest`] of their digests): two
    /// builds of the same keys with different contents differ here, so a publish can tell
    /// that another one finished while it ran even when that one changed no key.
    #[serde(default)]
    pub digest: String,
}

/// Why a previous manifest cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// Not JSON of the expected shape.
    #[error("not a build manifest: {0}")]
    Malformed(#[from] serde_json::Error),
    /// Written by another schema version.
    #[error("schema version {0}; this newsroom reads version {SCHEMA_VERSION}")]
    Version(u32),
}

impl Manifest {
    /// Parses a manifest as stored in KV.
    pub fn parse(bytes: &[u8]) -> Result<Self, ManifestError> {
        let m: Manifest = serde_json::from_slice(bytes)?;
        if m.v != SCHEMA_VERSION {
            return Err(ManifestError::Version(m.v));
        }
        Ok(m)
    }
}

/// Adds `gone:*` records to the indexes and sets the manifest of `records`, and returns what
/// changed since `previous`. `published` are this build's releases; `removals` says which
/// removed releases leave no tombstone (cancelled before their moment, or purged).
pub fn finish(
    records: &mut Records,
    published: Vec<ReleaseStub>,
    previous: Option<&Manifest>,
    removals: &Removals,
) -> Changes {
    let live: BTreeSet<&str> = published.iter().map(|r| r.slug.as_str()).collect();
    let before: BTreeSet<&str> =
        previous.map(|p| p.releases.iter().map(|r| r.slug.as_str()).collect()).unwrap_or_default();
    let purge: BTreeSet<&str> = removals.purge.iter().map(String::as_str).collect();
    let never_public = |stub: &ReleaseStub| match (removals.now, stub.published_at) {
        (Some(now), Some(at)) => at > now,
        _ => false,
    };
    let (mut gone, mut cancelled, mut purged) = (BTreeMap::new(), Vec::new(), Vec::new());
    let earlier_gone = previous.into_iter().flat_map(|p| p.gone.iter().map(|stub| (stub, false)));
    let removed_now = previous.into_iter().flat_map(|p| p.releases.iter().map(|stub| (stub, true)));
    for (stub, now) in earlier_gone.chain(removed_now).filter(|(s, _)| !live.contains(s.slug.as_str())) {
        if purge.contains(stub.slug.as_str()) {
            purged.push(stub.slug.clone());
        } else if now && never_public(stub) {
            cancelled.push(stub.slug.clone());
        } else {
            gone.insert(stub.slug.clone(), ReleaseStub { keywords: Vec::new(), ..stub.clone() });
        }
    }
    for stub in gone.values() {
        records.indexes.push(pair(kv::gone_key(&stub.slug), &GoneRecord { v: SCHEMA_VERSION, release: stub.clone() }));
    }
    let mut keys: Vec<String> = records.releases.iter().chain(&records.indexes).map(|p| p.key.clone()).collect();
    keys.extend(records.media.iter().map(|f| kv::media_key(&f.media.name)));
    keys.push(kv::MANIFEST_KEY.to_string());
    keys.sort();
    let written: BTreeSet<&str> = keys.iter().map(String::as_str).collect();
    let changes = Changes {
        deletions: previous
            .map(|p| p.keys.iter().filter(|k| !written.contains(k.as_str())).cloned().collect())
            .unwrap_or_default(),
        removed: before.difference(&live).filter(|s| gone.contains_key(**s)).map(|s| s.to_string()).collect(),
        cancelled,
        purged,
        added: live.difference(&before).map(|s| s.to_string()).collect(),
    };
    let digest = contents_digest(records);
    let manifest =
        Manifest { v: SCHEMA_VERSION, keys, releases: published, gone: gone.into_values().collect(), digest };
    records.manifest = vec![pair(kv::MANIFEST_KEY.to_string(), &manifest)];
    changes
}

/// The digest of every pair and media file `records` write, in upload order: any changed
/// value changes it.
fn contents_digest(records: &Records) -> String {
    let mut all = String::new();
    for pair in records.releases.iter().chain(&records.indexes) {
        all.extend([pair.key.as_str(), " ", pair.metadata.hash.as_str(), "\n"]);
    }
    for file in &records.media {
        all.extend([kv::media_key(&file.media.name).as_str(), " ", kv::digest(&file.data).as_str(), "\n"]);
    }
    kv::digest(all.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use contract::kv::KvPair;
    use contract::model::PublisherRef;

    fn stub(slug: &str) -> ReleaseStub {
        ReleaseStub {
            slug: slug.into(),
            title: format!("Title {slug}"),
            publisher: PublisherRef { slug: "p".into(), name: "P".into() },
            published_at: DateTime::parse_from_rfc3339("2025-01-02T10:00:00+02:00").ok(),
            keywords: Vec::new(),
        }
    }

    fn records(slugs: &[&str], extra: &[&str]) -> Records {
        let kv = |key: String| KvPair::new(key, "{}".into(), false);
        Records {
            releases: slugs.iter().map(|s| kv(kv::release_key(s))).collect(),
            indexes: extra.iter().map(|k| kv(k.to_string())).collect(),
            ..Records::default()
        }
    }

    fn manifest_of(r: &Records) -> Manifest {
        let value = &r.manifest.first().map(|p| p.value.clone()).unwrap_or_default();
        Manifest::parse(value.as_bytes()).unwrap_or_default()
    }

    #[test]
    fn a_first_build_deletes_nothing() {
        let mut r = records(&["a", "b"], &["page:latest:1"]);
        let changes = finish(&mut r, vec![stub("a"), stub("b")], None, &Removals::default());
        assert_eq!(changes.deletions, Vec::<String>::new());
        assert_eq!(changes.added, ["a", "b"]);
        let m = manifest_of(&r);
        assert_eq!(m.keys, ["build:manifest", "page:latest:1", "release:a", "release:b"]);
        assert!(m.gone.is_empty());
    }

    #[test]
    fn a_removed_release_is_deleted_and_leaves_a_tombstone_that_outlives_later_builds() {
        let mut first = records(&["a", "b"], &["page:latest:1", "page:latest:2"]);
        finish(&mut first, vec![stub("a"), stub("b")], None, &Removals::default());
        let m1 = manifest_of(&first);

        let mut second = records(&["a"], &["page:latest:1"]);
        let changes = finish(&mut second, vec![stub("a")], Some(&m1), &Removals::default());
        assert_eq!(changes.deletions, ["page:latest:2", "release:b"]);
        assert_eq!(changes.removed, ["b"]);
        assert!(second.indexes.iter().any(|p| p.key == "gone:b" && p.value.contains("Title b")));
        let m2 = manifest_of(&second);
        assert_eq!(m2.gone, [stub("b")]);

        // A third build still writes the tombstone, and deletes nothing more.
        let mut third = records(&["a"], &["page:latest:1"]);
        let changes = finish(&mut third, vec![stub("a")], Some(&m2), &Removals::default());
        assert!(changes.deletions.is_empty() && changes.removed.is_empty());
        assert!(third.indexes.iter().any(|p| p.key == "gone:b"));

        // Republishing removes the tombstone.
        let mut fourth = records(&["a", "b"], &["page:latest:1"]);
        let changes = finish(&mut fourth, vec![stub("a"), stub("b")], Some(&manifest_of(&third)), &Removals::default());
        assert_eq!(changes.deletions, ["gone:b"]);
        assert_eq!(changes.added, ["b"]);
        assert!(manifest_of(&fourth).gone.is_empty());
    }

    #[test]
    fn a_changed_value_changes_the_manifest_even_when_no_key_changes() {
        let mut first = records(&["a"], &["page:latest:1"]);
        finish(&mut first, vec![stub("a")], None, &Removals::default());
        let mut same = records(&["a"], &["page:latest:1"]);
        finish(&mut same, vec![stub("a")], None, &Removals::default());
        assert_eq!(manifest_of(&first), manifest_of(&same), "deterministic");
        let mut edited = records(&["a"], &["page:latest:1"]);
        edited.releases[0] = KvPair::new(kv::release_key("a"), "{\"edited\":1}".into(), false);
        finish(&mut edited, vec![stub("a")], None, &Removals::default());
        let (m1, m2) = (manifest_of(&first), manifest_of(&edited));
        assert_eq!(m1.keys, m2.keys);
        assert_ne!(m1.digest, m2.digest, "another publish of the same keys is seen");
    }

    #[test]
    fn foreign_manifests_are_refused() {
        assert!(matches!(
            Manifest::parse(b"{\"v\": 99, \"keys\": [], \"releases\": [], \"gone\": []}"),
            Err(ManifestError::Version(99))
        ));
        assert!(matches!(Manifest::parse(b"Value not found"), Err(ManifestError::Malformed(_))));
    }

    #[test]
    fn a_release_removed_before_its_moment_or_purged_leaves_no_tombstone() {
        let mut first = records(&["a", "b", "c"], &[]);
        let mut later = stub("c");
        later.published_at = DateTime::parse_from_rfc3339("2030-01-01T09:00:00+02:00").ok();
        finish(&mut first, vec![stub("a"), stub("b"), later], None, &Removals::default());
        let m1 = manifest_of(&first);
        let now = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").ok().map(|t| t.to_utc());
        // b (public since 2025) removed: a tombstone; c (due in 2030) removed: cancelled.
        let mut second = records(&["a"], &[]);
        let removals = Removals { now, purge: vec![] };
        let changes = finish(&mut second, vec![stub("a")], Some(&m1), &removals);
        assert_eq!((changes.removed, changes.cancelled), (vec!["b".to_string()], vec!["c".to_string()]));
        let m2 = manifest_of(&second);
        assert_eq!(m2.gone.iter().map(|g| g.slug.as_str()).collect::<Vec<_>>(), ["b"]);
        assert!(second.indexes.iter().any(|p| p.key == "gone:b") && !second.indexes.iter().any(|p| p.key == "gone:c"));
        // Purging b: its tombstone goes, and stays gone in later builds.
        let mut third = records(&["a"], &[]);
        let changes = finish(&mut third, vec![stub("a")], Some(&m2), &Removals { now, purge: vec!["b".into()] });
        assert_eq!(changes.purged, ["b"]);
        assert!(changes.deletions.contains(&"gone:b".to_string()), "{:?}", changes.deletions);
        assert!(manifest_of(&third).gone.is_empty());
    }
}
