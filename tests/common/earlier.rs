//! Records in the older forms the worker still reads, made from a current build: what KV
//! holds where the content was built by an earlier `newsroom build` and the worker deployed
//! first (`docs/kv-layout.md`).

use std::collections::HashMap;

use search::{encode_postings, FilterRecord, ShardRecord, TermDocs, IN_TEXT, IN_TITLE};

/// `kv` with its search index as version 1 wrote it (postings lists, id arrays) and the
/// documents results show as `search:docs:{n}` (100 a chunk, `lead` named so) instead of
/// `search:snippets:{n}`.
pub fn earlier_search(kv: &HashMap<String, Vec<u8>>) -> HashMap<String, Vec<u8>> {
    let mut earlier = kv.clone();
    for (key, value) in earlier.iter_mut() {
        if key.starts_with("search:shard:") {
            let stored_value = value.clone();
            let mut shard: ShardRecord = serde_json::from_slice(&stored_value).expect(key);
            assert_eq!(shard.v, 2, "{key}");
            for stored in shard.terms.values_mut() {
                let mut docs = TermDocs::default();
                docs.add_encoded(stored);
                let mut ids = docs.any.newest(0, usize::MAX);
                ids.reverse();
                let flag = |id: &u32| if docs.title.contains(*id) { IN_TITLE | IN_TEXT } else { IN_TEXT };
                *stored = encode_postings(&ids.iter().map(|id| (*id, flag(id))).collect::<Vec<_>>()).into();
            }
            shard.v = 1;
            *value = serde_json::to_vec(&shard).expect("JSON");
        } else if key.starts_with("search:filter:") {
            let filter: FilterRecord = serde_json::from_slice(value).expect(key);
            let mut ids = filter.doc_set().newest(0, usize::MAX);
            ids.reverse();
            let old = FilterRecord { v: 1, ids, docs: String::new(), recent: filter.recent };
            *value = serde_json::to_vec(&old).expect("JSON");
        }
    }
    let mut docs: Vec<serde_json::Value> = Vec::new();
    for n in 0.. {
        let Some(value) = earlier.remove(&search::snippets::key(n)) else { break };
        for line in value.split(|b| *b == b'\n').skip(1) {
            let mut doc: serde_json::Value = serde_json::from_slice(line).expect("a document line");
            let snippet = doc.as_object_mut().and_then(|d| d.remove("snippet")).expect("a snippet");
            doc["lead"] = snippet;
            docs.push(doc);
        }
    }
    for (n, chunk) in docs.chunks(search::DOCS_PER_CHUNK).enumerate() {
        let record = serde_json::json!({"v": 1, "docs": chunk});
        earlier.insert(search::docs_key(n), serde_json::to_vec(&record).expect("JSON"));
    }
    earlier
}

/// `kv` without the feeds rendered ahead (`rss:feed:*`, `atom:feed:*`, `jsonfeed:feed:*`),
/// as content built before they existed: the worker renders feeds from `feed:*`.
pub fn without_feeds_ahead(kv: &HashMap<String, Vec<u8>>) -> HashMap<String, Vec<u8>> {
    let ahead = |k: &str| ["rss:", "atom:", "jsonfeed:"].iter().any(|p| k.starts_with(p));
    kv.iter().filter(|(k, _)| !ahead(k)).map(|(k, v)| (k.clone(), v.clone())).collect()
}
