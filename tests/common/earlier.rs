//! Records in the older forms the worker still reads, made from a current build: what KV
//! holds where the content was built by an earlier `newsroom build` and the worker deployed
//! first (`docs/kv-layout.md`).

use std::collections::HashMap;

use search::{encode_postings, FilterRecord, ShardRecord, TermDocs, IN_TEXT, IN_TITLE};

/// `kv` with its search index as version 1 wrote it (postings lists, id arrays) and the
/// documents results show as `search:docs:{n}` (100 a chunk, `lead` named so) instead of
/// `search:snippets:{n}`.
pub fn earlier_search(kv: &HashMap<String, Vec<u8>>) -> HashMap<String, Vec<u8>> {
    let mut earlier = folded(kv);
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

/// `kv` with its search index as version 2 wrote it: each shard and filter whole, no
/// `search:delta` (its parts unioned back into the records they split from).
pub fn folded(kv: &HashMap<String, Vec<u8>>) -> HashMap<String, Vec<u8>> {
    let mut out = kv.clone();
    let Some(delta) = out.remove(search::delta::DELTA_KEY) else { return out };
    let delta: search::delta::DeltaRecord = serde_json::from_slice(&delta).expect("the delta");
    let times: HashMap<u32, i64> = (delta.from..).zip(delta.times.iter().copied()).collect::<HashMap<_, _>>();
    let mut keys: Vec<String> = out.keys().filter(|k| k.starts_with("search:shard:")).cloned().collect();
    keys.extend(delta.shards.keys().map(|name| search::shard_key(name)));
    keys.sort();
    keys.dedup();
    for key in keys {
        let name = &key["search:shard:".len()..];
        let mut terms: std::collections::BTreeMap<String, (Vec<u32>, Vec<u32>)> = Default::default();
        let base: Option<ShardRecord> = out.get(&key).map(|v| serde_json::from_slice(v).expect("a shard"));
        let part = delta.shard(name).expect("the delta's shard");
        let mut recent: Vec<[i64; 2]> = base.as_ref().map(|b| b.recent.clone()).unwrap_or_default();
        for record in base.iter().chain(part.iter()) {
            for (term, stored) in &record.terms {
                let mut docs = TermDocs::default();
                docs.add_encoded(stored);
                let entry = terms.entry(term.to_string()).or_default();
                entry.0.extend(docs.any.newest(0, usize::MAX));
                entry.1.extend(docs.title.newest(0, usize::MAX));
            }
        }
        let mut listed: Vec<u32> = terms.values().flat_map(|(any, _)| any.iter().copied()).collect();
        listed.sort_unstable();
        listed.dedup();
        recent.extend(listed.iter().filter_map(|id| Some([i64::from(*id), *times.get(id)?])));
        let terms = terms
            .into_iter()
            .map(|(term, (mut any, title))| {
                any.sort_unstable();
                any.dedup();
                let postings: Vec<(u32, u8)> =
                    any.iter().map(|id| (*id, if title.contains(id) { IN_TITLE } else { IN_TEXT })).collect();
                (term.into(), search::encode_term(&postings).into())
            })
            .collect();
        let record = ShardRecord { v: 2, terms, recent: newest_recent(recent) };
        out.insert(key, serde_json::to_vec(&record).expect("JSON"));
    }
    let mut keys: Vec<String> = out.keys().filter(|k| k.starts_with("search:filter:")).cloned().collect();
    keys.extend(delta.filters.keys().map(|k| k.to_string()));
    keys.sort();
    keys.dedup();
    for key in keys {
        let base: Option<FilterRecord> = out.get(&key).map(|v| serde_json::from_slice(v).expect("a filter"));
        let part = delta.filter(&key).expect("the delta's filter");
        let mut set = search::DocSet::default();
        let mut recent: Vec<[i64; 2]> = base.as_ref().map(|b| b.recent.clone()).unwrap_or_default();
        for record in base.iter().chain(part.iter()) {
            set.union_with(&record.doc_set());
        }
        let mut ids = set.newest(0, usize::MAX);
        ids.reverse();
        recent.extend(ids.iter().filter_map(|id| Some([i64::from(*id), *times.get(id)?])));
        let record = FilterRecord { v: 2, ids: vec![], docs: search::encode_ids(&ids), recent: newest_recent(recent) };
        out.insert(key, serde_json::to_vec(&record).expect("JSON"));
    }
    out
}

/// The newest [`search::RECENT`] of `[id, time]` pairs, ascending, each once.
fn newest_recent(mut recent: Vec<[i64; 2]>) -> Vec<[i64; 2]> {
    recent.sort_unstable();
    recent.dedup();
    let skip = recent.len().saturating_sub(search::RECENT);
    recent.split_off(skip)
}

/// `kv` without the feeds rendered ahead (`rss:feed:*`, `atom:feed:*`, `jsonfeed:feed:*`),
/// as content built before they existed: the worker renders feeds from `feed:*`.
pub fn without_feeds_ahead(kv: &HashMap<String, Vec<u8>>) -> HashMap<String, Vec<u8>> {
    let ahead = |k: &str| ["rss:", "atom:", "jsonfeed:"].iter().any(|p| k.starts_with(p));
    kv.iter().filter(|(k, _)| !ahead(k)).map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// `kv` with its lists as builds before stable chunks wrote them: one `page:{scope}:{n}`
/// record per page (newest first, the head's chunk length a page), no `list:*` heads and no
/// `chunk:*` records.
pub fn lists_as_pages(kv: &HashMap<String, Vec<u8>>) -> HashMap<String, Vec<u8>> {
    let mut earlier: HashMap<String, Vec<u8>> =
        kv.iter().filter(|(k, _)| !k.starts_with("chunk:")).map(|(k, v)| (k.clone(), v.clone())).collect();
    // Profiles of then had no chunk length.
    for (key, value) in earlier.iter_mut().filter(|(k, _)| k.starts_with("publisher:")) {
        let mut profile: serde_json::Value = serde_json::from_slice(value).expect(key);
        profile.as_object_mut().expect("an object").remove("chunk_len");
        *value = serde_json::to_vec(&profile).expect("JSON");
    }
    let heads: Vec<String> = kv.keys().filter(|k| k.starts_with("list:")).cloned().collect();
    for key in heads {
        let head: serde_json::Value = serde_json::from_slice(&earlier.remove(&key).expect("head")).expect(&key);
        let scope = key.strip_prefix("list:").expect("a list key");
        // Fields a head leaves out when they are empty or 0.
        let number = |name: &str| head[name].as_u64().unwrap_or(0) as usize;
        let (total, len, from) = (number("total"), number("chunk_len"), number("from"));
        // Every release of the list, from the oldest: the head holds `from..`, chunk `c` holds
        // `c × len .. (c + 2) × len`, both newest first.
        let oldest_first: Vec<serde_json::Value> = (0..total)
            .map(|i| match i >= from {
                true => head["releases"][total - 1 - i].clone(),
                false => {
                    let c = (i / len).min((total / len).saturating_sub(2));
                    let chunk: serde_json::Value =
                        serde_json::from_slice(&kv[&format!("chunk:{scope}:{c}")]).expect("chunk");
                    chunk["releases"][(c + 2) * len - 1 - i].clone()
                }
            })
            .collect();
        let newest_first: Vec<serde_json::Value> = oldest_first.into_iter().rev().collect();
        let pages = total.div_ceil(len).max(1);
        for n in 1..=pages {
            let releases: Vec<&serde_json::Value> = newest_first.iter().skip((n - 1) * len).take(len).collect();
            let page = serde_json::json!({
                "v": head["v"], "label": head["label"].as_str().unwrap_or(""), "total": total, "page": n, "pages": pages, "releases": releases,
            });
            earlier.insert(format!("page:{scope}:{n}"), serde_json::to_vec(&page).expect("JSON"));
        }
    }
    earlier
}
