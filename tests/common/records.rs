//! Build records as KV holds them: an in-memory namespace written the way `newsroom publish`
//! writes the real one. Shared by the native integration tests (through `common`) and the
//! benchmarks (`benches/core.rs` includes this file alone).

use std::collections::HashMap;

use contract::kv::KvPair;
use publish::build::{media_pairs, Records};

/// The bytes KV holds for `pair`: its value, base64-decoded when the pair says so (media), as
/// `wrangler kv bulk put` does with `"base64": true`.
pub fn stored(pair: &KvPair) -> Vec<u8> {
    use base64::Engine as _;
    match pair.base64 {
        true => base64::engine::general_purpose::STANDARD.decode(&pair.value).expect("valid base64"),
        false => pair.value.clone().into_bytes(),
    }
}

/// Writes `pairs` into `kv` as one upload stage of `newsroom publish` does.
pub fn put<'a>(kv: &mut HashMap<String, Vec<u8>>, pairs: impl IntoIterator<Item = &'a KvPair>) {
    for pair in pairs {
        kv.insert(pair.key.clone(), stored(pair));
    }
}

/// A namespace holding what a first publish of `records` uploads before its manifest: the
/// media, the releases and the indexes.
pub fn kv_map(records: &Records) -> HashMap<String, Vec<u8>> {
    let mut kv = HashMap::new();
    put(&mut kv, media_pairs(&records.media).iter().chain(&records.releases).chain(&records.indexes));
    kv
}
