//! The newest releases' part of the index, `search:delta`, which keeps the cost of
//! publishing one release flat however large the archive (issue 31).
//!
//! Every shard and filter is split at its own *cut*: the base record under its usual key
//! (`search:shard:{abc}`, `search:filter:…`) holds its documents below the cut, and the one
//! delta record holds every shard's and filter's documents among the newest [`DELTA_SPAN`]
//! releases. A query reads its base records and the delta in the same round and unions them;
//! a document listed in both counts once.
//!
//! The cuts are staggered so that no publish rewrites many base records: a record's group is
//! a hash of its key modulo [`DELTA_SPAN`] (fixed by the key alone), and its cut is the
//! latest multiple of the span, offset by its group, at or below the number of indexed
//! releases ([`cut`]). One more release moves the cut of exactly one group, so a publish
//! rewrites the delta, the base records of that group that gained documents in the last
//! span of releases, and nothing else of the index. Every record comes round once a span.
//!
//! The cuts also survive KV's propagation (a reader may see the new delta with an old base
//! record, or the reverse, for up to a minute): the delta always covers every id from
//! [`DeltaRecord::from`], which is at or below every cut, so either mix holds every document.
//! It reaches [`DELTA_MARGIN`] releases further back than the oldest cut, so that holds
//! across several publishes within one propagation window too (up to that many releases
//! added in all), and without limit within one publish (`delta_from`'s `before`).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::{FilterRecord, ShardRecord};

/// Key of the delta record.
pub const DELTA_KEY: &str = "search:delta";

/// How many of the newest releases the delta covers, and how many groups the base records
/// are spread over. A larger span means fewer base records per publish and a larger delta
/// read by every search (see `docs/kv-layout.md` for the figures).
pub const DELTA_SPAN: u32 = 128;

/// How many releases further back than the oldest cut the delta reaches: a reader may meet
/// the base record of a build two or three publishes old with the newest delta while KV
/// propagates (publishes a few seconds apart), and the delta must still cover what that
/// record leaves out. With this margin up to 33 releases may be added in that minute, by
/// any number of publishes; a single publish may add any number (`before`).
pub const DELTA_MARGIN: u32 = 32;

/// The group of the base record under `key`: FNV-1a of the key, modulo [`DELTA_SPAN`].
/// Stable across builds, platforms and versions: a record's group must never move.
pub fn group_of(key: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in key.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % DELTA_SPAN
}

/// Where the base record of `group` ends when `indexed` releases are indexed: the largest
/// `p <= indexed` with `p ≡ group (mod DELTA_SPAN)`, or 0 when there is none yet. The base
/// record holds the ids below it; the delta everything from [`delta_from`] on.
pub fn cut(indexed: u32, group: u32) -> u32 {
    if group > indexed {
        return 0;
    }
    indexed - (indexed - group) % DELTA_SPAN
}

/// The first id the delta covers with `indexed` releases, when the previous build indexed
/// `before` (if known): [`DELTA_MARGIN`] below every [`cut`] of now and of the previous
/// build. A reader may meet this delta with any base record of either build while KV
/// propagates, so the delta starts below the lowest old cut (`before + 1 - DELTA_SPAN`)
/// too: after a publish that added several releases it is larger, once, by as many as were
/// added. The margin covers base records of builds before the previous one.
pub fn delta_from(indexed: u32, before: Option<u32>) -> u32 {
    let lowest_cut = match before {
        Some(before) => indexed.min(before + 1),
        None => indexed,
    };
    lowest_cut.saturating_sub(DELTA_SPAN + DELTA_MARGIN)
}

/// `search:delta` as the worker reads it: the shards and filters of the newest releases,
/// each left as its JSON until a query needs it.
#[derive(Deserialize, Debug)]
pub struct DeltaRecord<'a> {
    /// Schema version ([`crate::INDEX_VERSION`]).
    pub v: u32,
    /// The first id it covers ([`delta_from`]).
    pub from: u32,
    /// Publication time (Unix seconds) of each id from `from` on: the worker hides the ones
    /// still scheduled and caches results until the next one's moment.
    pub times: Vec<i64>,
    /// Shard name (`abc`) → a [`ShardRecord`] of its terms' ids from `from` on.
    #[serde(borrow)]
    pub shards: BTreeMap<Cow<'a, str>, &'a RawValue>,
    /// Filter key (`search:filter:p:kymsote`) → a [`FilterRecord`] of its ids from `from` on.
    #[serde(borrow)]
    pub filters: BTreeMap<Cow<'a, str>, &'a RawValue>,
}

impl<'a> DeltaRecord<'a> {
    /// The delta's part of shard `name`, if it has one.
    pub fn shard(&self, name: &str) -> Result<Option<ShardRecord<'a>>, serde_json::Error> {
        self.shards.get(name).map(|raw| serde_json::from_str(raw.get())).transpose()
    }

    /// The delta's part of the filter under `key`, if it has one.
    pub fn filter(&self, key: &str) -> Result<Option<FilterRecord>, serde_json::Error> {
        self.filters.get(key).map(|raw| serde_json::from_str(raw.get())).transpose()
    }

    /// The publication time of `id`, if the delta covers it.
    pub fn time_of(&self, id: u32) -> Option<i64> {
        id.checked_sub(self.from).and_then(|i| self.times.get(i as usize)).copied()
    }
}

/// `search:delta` as the build writes it ([`DeltaRecord`] reads it back).
#[derive(Serialize, Debug, Default)]
pub struct DeltaOut {
    /// Schema version ([`crate::INDEX_VERSION`]).
    pub v: u32,
    /// The first id it covers.
    pub from: u32,
    /// Publication time of each id from `from` on.
    pub times: Vec<i64>,
    /// Shard name → its [`ShardRecord`] from `from` on, as JSON.
    pub shards: BTreeMap<String, Box<RawValue>>,
    /// Filter key → its [`FilterRecord`] from `from` on, as JSON.
    pub filters: BTreeMap<String, Box<RawValue>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_more_release_moves_the_cut_of_exactly_one_group() {
        for indexed in [0, 1, 127, 128, 129, 1000, 100_000] {
            let moved: Vec<u32> = (0..DELTA_SPAN).filter(|&g| cut(indexed, g) != cut(indexed + 1, g)).collect();
            assert_eq!(moved, [(indexed + 1) % DELTA_SPAN], "at {indexed}");
            for g in 0..DELTA_SPAN {
                let c = cut(indexed, g);
                assert!(c <= indexed && c >= delta_from(indexed, None), "cut {c} of group {g} at {indexed}");
            }
        }
    }

    #[test]
    fn the_delta_always_covers_what_either_base_leaves_out() {
        // A reader may meet the new delta with an old base record: every old cut is still
        // at or above the new delta's start, however many releases the publish added.
        for before in [0u32, 5, 127, 128, 500, 100_000] {
            for added in [0u32, 1, 2, 3, 127, 128, 129, 1000] {
                let from = delta_from(before + added, Some(before));
                for g in 0..DELTA_SPAN {
                    assert!(cut(before, g) >= from, "group {g}: {before} + {added}");
                    assert!(cut(before + added, g) >= from, "group {g}: {before} + {added}");
                }
            }
        }
        // One release more: the delta keeps its size.
        assert_eq!(delta_from(1001, Some(1000)), delta_from(1001, None));
        assert_eq!(1001 - delta_from(1001, Some(1000)), DELTA_SPAN + DELTA_MARGIN);
    }

    #[test]
    fn the_delta_covers_base_records_of_earlier_builds_within_the_margin() {
        // Builds a few seconds apart, one release each: a reader may pair the newest delta
        // with a base record written by any of the last DELTA_MARGIN + 1 builds.
        for start in [0u32, 100, 1000, 100_000] {
            let mut before = start;
            for step in 1..=DELTA_MARGIN + 1 {
                let indexed = start + step;
                let from = delta_from(indexed, Some(before));
                for g in 0..DELTA_SPAN {
                    for old in start..=indexed {
                        assert!(cut(old, g) >= from, "group {g}: build of {old} with the delta of {indexed}");
                    }
                }
                before = indexed;
            }
        }
    }

    #[test]
    fn groups_are_stable_and_spread() {
        assert_eq!(group_of("search:shard:hyv"), group_of("search:shard:hyv"));
        let groups: std::collections::BTreeSet<u32> =
            ["aa", "ab", "hyv", "sot", "kym", "pal", "tie", "uut"].iter().map(|s| group_of(s)).collect();
        assert!(groups.len() >= 6, "{groups:?}");
        assert_eq!(group_of(""), 0x811c_9dc5 % DELTA_SPAN);
    }

    #[test]
    fn parts_are_decoded_only_when_asked_for() {
        let json = r#"{"v":3,"from":10,"times":[100,200],"shards":{"sot":{"v":3,"terms":{"sote":"~AQ"}}},
            "filters":{"search:filter:p:x":{"v":3,"docs":"~AQ"}}}"#;
        let delta: DeltaRecord = serde_json::from_str(json).expect("a delta");
        assert_eq!(
            (delta.time_of(9), delta.time_of(10), delta.time_of(11), delta.time_of(12)),
            (None, Some(100), Some(200), None)
        );
        assert!(delta.shard("sot").expect("valid").is_some_and(|s| s.terms.contains_key("sote")));
        assert!(delta.shard("hyv").expect("valid").is_none());
        assert!(delta.filter("search:filter:p:x").expect("valid").is_some());
    }
}
