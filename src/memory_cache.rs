//! The isolate's own cache, in front of the Cache API: full responses kept in memory for as
//! long as the Cache API would keep them (their `s-maxage`), least recently used first out
//! when a byte budget is spent.
//!
//! A Workers isolate answers many requests in a row, and asking the Cache API leaves the
//! isolate; a popular page found here costs no I/O at all. Nothing is served from here that
//! the Cache API would not serve: the same keys, only cacheable responses, the same lifetime.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use crate::http::HttpResponse;

/// Memory the adapter gives the cache: a small share of an isolate's 128 MB.
pub const DEFAULT_BUDGET: usize = 16 << 20;

/// One stored response and its bookkeeping.
#[derive(Debug)]
struct Entry {
    response: HttpResponse,
    /// Unix seconds when it was stored (its `Age` counts from here).
    stored_at: i64,
    /// Unix seconds after which it is never served.
    expires_at: i64,
    /// Bytes it is charged against the budget.
    size: usize,
    /// Position in the recency order.
    used: u64,
}

/// Full responses by cache key (see [`crate::cache_key`]), bounded by a byte budget.
#[derive(Debug)]
pub struct MemoryCache {
    entries: HashMap<String, Entry>,
    /// Keys by last use, oldest first.
    recency: BTreeMap<u64, String>,
    clock: u64,
    bytes: usize,
    budget: usize,
}

impl MemoryCache {
    /// An empty cache that holds at most `budget` bytes of responses (and keys).
    pub fn new(budget: usize) -> Self {
        Self { entries: HashMap::new(), recency: BTreeMap::new(), clock: 0, bytes: 0, budget }
    }

    /// The response stored under `key` if still fresh at `now`, with its `age` header set.
    pub fn get(&mut self, key: &str, now: DateTime<Utc>) -> Option<HttpResponse> {
        let now = now.timestamp();
        let entry = self.entries.get(key)?;
        if now >= entry.expires_at {
            self.remove(key);
            return None;
        }
        let used = self.tick();
        let entry = self.entries.get_mut(key)?;
        let old = std::mem::replace(&mut entry.used, used);
        let mut response = entry.response.clone();
        response.headers.push(("age", (now - entry.stored_at).max(0).to_string()));
        let key = self.recency.remove(&old)?;
        self.recency.insert(used, key);
        Some(response)
    }

    /// Stores `response` under `key` at `now` if a shared cache may keep it (status 200,
    /// `public`, a positive `s-maxage` or `max-age`) and it fits in an eighth of the budget;
    /// makes room by dropping the least recently used entries.
    pub fn put(&mut self, key: &str, response: &HttpResponse, now: DateTime<Utc>) {
        let Some(lifetime) = shared_lifetime(response) else { return };
        let size =
            key.len() + response.body.len() + response.headers.iter().map(|(n, v)| n.len() + v.len()).sum::<usize>();
        if size > self.budget / 8 {
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
        let stored_at = now.timestamp();
        let mut response = response.clone();
        response.log.clear();
        let entry = Entry { response, stored_at, expires_at: stored_at + i64::from(lifetime), size, used };
        self.entries.insert(key.to_string(), entry);
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

/// Seconds a shared cache may keep `response`: its `s-maxage`, else its `max-age`; `None`
/// unless it is a `public` 200 with a positive lifetime.
pub fn shared_lifetime(response: &HttpResponse) -> Option<u32> {
    let control = response.header("cache-control").filter(|_| response.status == 200)?;
    let directives: Vec<&str> = control.split(',').map(str::trim).collect();
    if !directives.contains(&"public") {
        return None;
    }
    let seconds =
        |name: &str| directives.iter().find_map(|d| d.strip_prefix(name)?.strip_prefix('=')?.parse::<u32>().ok());
    seconds("s-maxage").or_else(|| seconds("max-age")).filter(|&s| s > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_750_000_000 + seconds, 0).unwrap()
    }

    fn page(control: &str, body: &str) -> HttpResponse {
        HttpResponse {
            status: 200,
            headers: vec![("cache-control", control.into()), ("etag", "\"e\"".into())],
            body: body.as_bytes().to_vec(),
            log: vec!["a warning".into()],
        }
    }

    #[test]
    fn serves_a_copy_until_its_shared_max_age_with_its_age() {
        let mut cache = MemoryCache::new(DEFAULT_BUDGET);
        cache.put("k", &page("public, max-age=300, s-maxage=60", "body"), at(0));
        let hit = cache.get("k", at(59)).expect("fresh");
        assert_eq!(hit.body, b"body");
        assert_eq!(hit.header("age"), Some("59"));
        assert_eq!(hit.header("etag"), Some("\"e\""));
        assert!(hit.log.is_empty(), "warnings were logged when it was rendered");
        assert_eq!(cache.get("k", at(60)), None, "s-maxage counts, not max-age");
        assert!(cache.is_empty() && cache.bytes() == 0, "an expired entry is dropped");
    }

    #[test]
    fn keeps_only_what_a_shared_cache_may() {
        let mut cache = MemoryCache::new(DEFAULT_BUDGET);
        cache.put("private", &page("private, no-store", "x"), at(0));
        cache.put("no-store", &page("no-store", "x"), at(0));
        cache.put("zero", &page("public, max-age=0", "x"), at(0));
        let mut not_found = page("public, max-age=60, s-maxage=60", "x");
        not_found.status = 404;
        cache.put("404", &not_found, at(0));
        assert!(cache.is_empty());
        cache.put("max-age", &page("public, max-age=30", "x"), at(0));
        assert!(cache.get("max-age", at(29)).is_some());
        assert!(cache.get("max-age", at(30)).is_none());
    }

    #[test]
    fn drops_the_least_recently_used_when_the_budget_is_spent() {
        let body = "b".repeat(100);
        let size = 1 + 100 + "cache-control".len() + "public, max-age=60".len() + "etag".len() + 3;
        let mut cache = MemoryCache::new(size * 8);
        for key in ["a", "b", "c", "d", "e", "f", "g", "h"] {
            cache.put(key, &page("public, max-age=60", &body), at(0));
        }
        assert_eq!((cache.len(), cache.bytes()), (8, size * 8));
        assert!(cache.get("a", at(1)).is_some(), "a is now the most recently used");
        cache.put("i", &page("public, max-age=60", &body), at(1));
        assert_eq!(cache.len(), 8);
        assert!(cache.get("b", at(1)).is_none(), "b was the least recently used");
        assert!(cache.get("a", at(1)).is_some());
        cache.put("a", &page("public, max-age=60", &body), at(2));
        assert_eq!((cache.len(), cache.bytes()), (8, size * 8), "replacing does not count twice");
        let huge = "h".repeat(size * 2);
        cache.put("huge", &page("public, max-age=60", &huge), at(2));
        assert!(cache.get("huge", at(2)).is_none(), "over an eighth of the budget: not kept");
    }

    #[test]
    fn reads_lifetimes_from_cache_control() {
        assert_eq!(
            shared_lifetime(&page("public, max-age=300, s-maxage=300, stale-while-revalidate=600", "")),
            Some(300)
        );
        assert_eq!(shared_lifetime(&page("public,s-maxage=5,max-age=9", "")), Some(5));
        assert_eq!(shared_lifetime(&page("public, max-age=31536000, immutable", "")), Some(31_536_000));
        assert_eq!(shared_lifetime(&page("public, max-age=x", "")), None);
        assert_eq!(shared_lifetime(&page("max-age=60", "")), None, "not marked public");
    }
}
