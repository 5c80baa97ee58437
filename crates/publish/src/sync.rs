//! A build compared with what a KV namespace holds (as `wrangler kv key list` shows it):
//! what is new, changed, unchanged and stale. `newsroom status` prints it; `newsroom
//! publish` uploads only the new and changed pairs.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use contract::kv::{KvPair, PairMeta};

/// One entry of `wrangler kv key list` (other fields are ignored).
#[derive(Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ListedKey {
    /// The KV key (wrangler's `name` field).
    pub name: String,
    /// Its metadata; keys written by other tools or older builds have none.
    #[serde(default)]
    pub metadata: Option<PairMeta>,
}

/// Parses the JSON that `wrangler kv key list` prints.
pub fn parse_listing(json: &str) -> Result<Vec<ListedKey>, serde_json::Error> {
    serde_json::from_str(json)
}

/// How a build's keys relate to a namespace's.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// Keys the build writes that the namespace lacks.
    pub new: Vec<String>,
    /// Keys whose value differs (or whose digest is unknown).
    pub changed: Vec<String>,
    /// Keys already holding exactly the built value.
    pub unchanged: usize,
    /// Keys in the namespace that the build does not write.
    pub stale: Vec<String>,
}

impl Comparison {
    /// True when the namespace holds exactly what the build writes.
    pub fn is_clean(&self) -> bool {
        self.new.is_empty() && self.changed.is_empty() && self.stale.is_empty()
    }

    /// Whether `pair` must be uploaded.
    pub fn needs_upload(&self, pair: &KvPair) -> bool {
        self.new.binary_search(&pair.key).is_ok() || self.changed.binary_search(&pair.key).is_ok()
    }
}

/// Compares the pairs a build writes with the keys a namespace holds. Each list is sorted.
pub fn compare<'a>(built: impl IntoIterator<Item = &'a KvPair>, listed: &[ListedKey]) -> Comparison {
    let held: BTreeMap<&str, Option<&str>> =
        listed.iter().map(|k| (k.name.as_str(), k.metadata.as_ref().map(|m| m.hash.as_str()))).collect();
    let mut out = Comparison::default();
    let mut written = BTreeSet::new();
    for pair in built {
        written.insert(pair.key.as_str());
        match held.get(pair.key.as_str()) {
            None => out.new.push(pair.key.clone()),
            Some(Some(hash)) if *hash == pair.metadata.hash => out.unchanged += 1,
            Some(_) => out.changed.push(pair.key.clone()),
        }
    }
    out.stale = held.keys().filter(|k| !written.contains(*k)).map(|k| k.to_string()).collect();
    out.new.sort();
    out.changed.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_changed_unchanged_and_stale() {
        let built = [
            KvPair::new("a".into(), "1".into(), false),
            KvPair::new("b".into(), "2".into(), false),
            KvPair::new("c".into(), "3".into(), false),
            KvPair::new("e".into(), "5".into(), false),
        ];
        let listing = format!(
            r#"[{{"name":"a","metadata":{{"hash":"{}"}}}},{{"name":"b","metadata":{{"hash":"old"}}}},
                {{"name":"c"}},{{"name":"d","expiration":1}}]"#,
            built[0].metadata.hash
        );
        let listed = parse_listing(&listing).expect("wrangler's shape");
        let c = compare(&built, &listed);
        assert_eq!(c.new, ["e"]);
        assert_eq!(c.changed, ["b", "c"], "a key without a digest counts as changed");
        assert_eq!((c.unchanged, c.stale.as_slice()), (1, &["d".to_string()][..]));
        assert!(c.needs_upload(&built[1]) && !c.needs_upload(&built[0]) && !c.is_clean());
        assert!(compare(&built[..1], &listed[..1]).is_clean());
    }
}
