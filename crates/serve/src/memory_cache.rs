//! The isolate's own cache, in front of the Cache API: full responses kept in memory for as
//! long as the Cache API would keep them (their `s-maxage`), least recently used first out
//! when a byte budget is spent.
//!
//! A Workers isolate answers many requests in a row, and asking the Cache API leaves the
//! isolate; a popular page found here costs no I/O at all. Nothing is served from here that
//! the Cache API would not serve: the same keys, only cacheable responses, the same lifetime.
//! The adapter keeps a second one for KV values it may reuse ([`contract::kv::reuse_seconds`]).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use contract::cache::shared_lifetime;

/// Memory the adapter gives the cache: a small share of an isolate's 128 MB.
pub const DEFAULT_BUDGET: usize = 16 << 20;

/// What the cache reads of a response to decide whether, and for how long, to keep it.
#[derive(Debug, Clone, Copy)]
pub struct Terms<'a> {
    /// HTTP status of the response: only a `200` is kept ([`shared_lifetime`]).
    pub status: u16,
    /// Its `Cache-Control` header.
    pub cache_control: Option<&'a str>,
    /// Bytes it costs: body, header names and values.
    pub size: usize,
}

/// One stored response and its bookkeeping.
#[derive(Debug)]
struct Entry<V> {
    response: V,
    /// Unix seconds when it was stored (its `Age` counts from here).
    stored_at: i64,
    /// Unix seconds after which it is never served.
    expires_at: i64,
    /// Bytes it is charged against the budget.
    size: usize,
    /// Position in the recency order.
    used: u64,
}

/// Full responses by cache key (see [`crate::cache_key`]), bounded by a byte budget. The
/// responses are of any type `V`: the adapter keeps them as runtime objects, ready to send.
#[derive(Debug)]
pub struct MemoryCache<V> {
    entries: HashMap<String, Entry<V>>,
    /// Keys by last use, oldest first.
    recency: BTreeMap<u64, String>,
    clock: u64,
    bytes: usize,
    budget: usize,
}

impl<V> MemoryCache<V> {
    /// An empty cache that holds at most `budget` bytes of responses (and keys).
    pub fn new(budget: usize) -> Self {
        Self { entries: HashMap::new(), recency: BTreeMap::new(), clock: 0, bytes: 0, budget }
    }

    /// The response stored under `key` if still fresh at `now`, and when it was stored (its
    /// `Age` counts from there).
    pub fn get(&mut self, key: &str, now: DateTime<Utc>) -> Option<(&V, DateTime<Utc>)> {
        let entry = self.entries.get(key)?;
        if now.timestamp() >= entry.expires_at {
            self.remove(key);
            return None;
        }
        let used = self.tick();
        let entry = self.entries.get_mut(key)?;
        let old = std::mem::replace(&mut entry.used, used);
        if let Some(key) = self.recency.remove(&old) {
            self.recency.insert(used, key);
        }
        Some((&entry.response, DateTime::from_timestamp(entry.stored_at, 0)?))
    }

    /// Stores `response`, rendered at `stored_at`, under `key` if a shared cache may keep it
    /// (status 200, `public`, a positive `s-maxage` or `max-age`); see [`Self::keep`].
    pub fn put(&mut self, key: &str, response: V, terms: Terms, stored_at: DateTime<Utc>, now: DateTime<Utc>) {
        if let Some(lifetime) = shared_lifetime(terms.status, terms.cache_control) {
            self.keep(key, response, lifetime, terms.size, stored_at, now);
        }
    }

    /// Stores `value` (`size` bytes), made at `stored_at`, under `key` for `lifetime` seconds
    /// if it is still fresh at `now` and fits in an eighth of the budget; makes room by
    /// dropping the least recently used.
    pub fn keep(
        &mut self,
        key: &str,
        value: V,
        lifetime: u32,
        size: usize,
        stored_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) {
        let (stored_at, size) = (stored_at.timestamp(), key.len() + size);
        let expires_at = stored_at + i64::from(lifetime);
        if size > self.budget / 8 || expires_at <= now.timestamp() {
            return;
        }
        self.remove(key);
        while self.bytes + size > self.budget {
            let Some((_, oldest)) = self.recency.pop_first() else { break };
            if let Some(gone) = self.entries.remove(&oldest) {
                self.bytes -= gone.size;
            }
        }
        let used = self.tick();
        self.entries.insert(key.to_string(), Entry { response: value, stored_at, expires_at, size, used });
        self.recency.insert(used, key.to_string());
        self.bytes += size;
    }

    /// Number of stored responses.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes charged against the budget.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    fn remove(&mut self, key: &str) {
        if let Some(gone) = self.entries.remove(key) {
            self.recency.remove(&gone.used);
            self.bytes -= gone.size;
        }
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_750_000_000 + seconds, 0).unwrap()
    }

    /// Stores `body` as a 200 response with `Cache-Control: control`.
    fn put(cache: &mut MemoryCache<String>, key: &str, control: &str, body: &str, now: DateTime<Utc>) {
        let terms = Terms { status: 200, cache_control: Some(control), size: body.len() };
        cache.put(key, body.to_string(), terms, now, now);
    }

    fn body(cache: &mut MemoryCache<String>, key: &str, now: DateTime<Utc>) -> Option<String> {
        cache.get(key, now).map(|(body, _)| body.clone())
    }

    #[test]
    fn serves_a_copy_until_its_shared_max_age_with_its_storage_time() {
        let mut cache = MemoryCache::new(DEFAULT_BUDGET);
        put(&mut cache, "k", "public, max-age=300, s-maxage=60", "body", at(0));
        let (hit, stored_at) = cache.get("k", at(59)).expect("fresh");
        assert_eq!((hit.as_str(), stored_at), ("body", at(0)));
        assert_eq!(body(&mut cache, "k", at(60)), None, "s-maxage counts, not max-age");
        assert!(cache.is_empty() && cache.bytes() == 0, "an expired entry is dropped");
    }

    #[test]
    fn a_copy_from_the_cache_api_keeps_its_first_storage_time() {
        let mut cache = MemoryCache::new(DEFAULT_BUDGET);
        let terms = Terms { status: 200, cache_control: Some("public, max-age=60"), size: 1 };
        cache.put("k", "x".to_string(), terms, at(0), at(50));
        assert_eq!(cache.get("k", at(55)).map(|(_, stored)| stored), Some(at(0)));
        assert_eq!(body(&mut cache, "k", at(60)), None, "expires 60 s after it was rendered, not after it was read");
        cache.put("late", "x".to_string(), terms, at(0), at(61));
        assert!(cache.is_empty(), "already stale when read back: not kept");
    }

    #[test]
    fn keeps_only_what_a_shared_cache_may() {
        let mut cache = MemoryCache::new(DEFAULT_BUDGET);
        put(&mut cache, "private", "private, no-store", "x", at(0));
        put(&mut cache, "no-store", "no-store", "x", at(0));
        put(&mut cache, "zero", "public, max-age=0", "x", at(0));
        let not_found = Terms { status: 404, cache_control: Some("public, max-age=60, s-maxage=60"), size: 1 };
        cache.put("404", "x".to_string(), not_found, at(0), at(0));
        let no_header = Terms { status: 200, cache_control: None, size: 1 };
        cache.put("none", "x".to_string(), no_header, at(0), at(0));
        assert!(cache.is_empty());
        put(&mut cache, "max-age", "public, max-age=30", "x", at(0));
        assert!(cache.get("max-age", at(29)).is_some());
        assert!(cache.get("max-age", at(30)).is_none());
    }

    #[test]
    fn drops_the_least_recently_used_when_the_budget_is_spent() {
        let body_100 = "b".repeat(100);
        let size = 1 + 100;
        let mut cache = MemoryCache::new(size * 8);
        for key in ["a", "b", "c", "d", "e", "f", "g", "h"] {
            put(&mut cache, key, "public, max-age=60", &body_100, at(0));
        }
        assert_eq!((cache.len(), cache.bytes()), (8, size * 8));
        assert!(cache.get("a", at(1)).is_some(), "a is now the most recently used");
        put(&mut cache, "i", "public, max-age=60", &body_100, at(1));
        assert_eq!(cache.len(), 8);
        assert!(cache.get("b", at(1)).is_none(), "b was the least recently used");
        assert!(cache.get("a", at(1)).is_some());
        put(&mut cache, "a", "public, max-age=60", &body_100, at(2));
        assert_eq!((cache.len(), cache.bytes()), (8, size * 8), "replacing does not count twice");
        put(&mut cache, "huge", "public, max-age=60", &"h".repeat(size * 2), at(2));
        assert!(cache.get("huge", at(2)).is_none(), "over an eighth of the budget: not kept");
    }

    #[test]
    fn keeps_a_value_for_the_lifetime_it_is_given() {
        let mut values = MemoryCache::new(DEFAULT_BUDGET);
        values.keep("publisher:a", vec![1u8, 2], 60, 2, at(0), at(0));
        assert_eq!(values.get("publisher:a", at(59)).map(|(v, _)| v.clone()), Some(vec![1, 2]));
        assert!(values.get("publisher:a", at(60)).is_none());
        values.keep("late", vec![1u8], 60, 1, at(0), at(60));
        assert!(values.is_empty(), "already expired: not kept");
    }
}
