//! The isolate's own cache, in front of the Cache API: full responses kept in memory for as
//! long as the Cache API would keep them (their `s-maxage`), least recently used first out
//! when a byte budget is spent.
//!
//! A Workers isolate answers many requests in a row, and asking the Cache API leaves the
//! isolate; a popular page found here costs no I/O at all. Nothing is served from here that
//! the Cache API would not serve: the same keys, only cacheable responses, the same lifetime.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use crate::cache::{age_since, shared_lifetime};
use crate::http::{HttpResponse, RequestFacts};
use crate::respond::deliver_parts;

/// Memory the adapter gives the cache: a small share of an isolate's 128 MB.
pub const DEFAULT_BUDGET: usize = 16 << 20;

/// A full response as kept here: from the core's rendering or read back from the Cache API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Status code.
    pub status: u16,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Stored {
    /// A rendered response, without its log.
    pub fn from_response(r: &HttpResponse) -> Self {
        let headers = r.headers.iter().map(|(n, v)| (n.to_string(), v.clone())).collect();
        Self { status: r.status, headers, body: r.body.clone() }
    }

    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// With its `age` header: seconds from `stored_at` to `now` (a stale `age` is replaced).
    pub fn aged(mut self, stored_at: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        self.headers.retain(|(n, _)| n != "age");
        self.headers.push(("age".into(), age_since(stored_at, now)));
        self
    }

    /// As delivered to `req`: whole, headers only (`HEAD`) or `304` (see [`crate::delivery`]).
    pub fn deliver(mut self, req: &RequestFacts) -> Self {
        deliver_parts(req, &mut self.status, &mut self.headers, &mut self.body);
        self
    }

    fn size(&self) -> usize {
        self.body.len() + self.headers.iter().map(|(n, v)| n.len() + v.len()).sum::<usize>()
    }
}

/// One stored response and its bookkeeping.
#[derive(Debug)]
struct Entry {
    response: Stored,
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
    pub fn get(&mut self, key: &str, now: DateTime<Utc>) -> Option<Stored> {
        let entry = self.entries.get(key)?;
        if now.timestamp() >= entry.expires_at {
            self.remove(key);
            return None;
        }
        let used = self.tick();
        let entry = self.entries.get_mut(key)?;
        let old = std::mem::replace(&mut entry.used, used);
        let (response, stored_at) = (entry.response.clone(), entry.stored_at);
        let key = self.recency.remove(&old)?;
        self.recency.insert(used, key);
        Some(response.aged(DateTime::from_timestamp(stored_at, 0)?, now))
    }

    /// Stores `response`, rendered at `stored_at`, under `key` if a shared cache may keep it
    /// (status 200, `public`, a positive `s-maxage` or `max-age`), it is still fresh at `now`
    /// and it fits in an eighth of the budget; makes room by dropping the least recently used.
    pub fn put(&mut self, key: &str, response: Stored, stored_at: DateTime<Utc>, now: DateTime<Utc>) {
        let Some(lifetime) = shared_lifetime(response.status, response.header("cache-control")) else { return };
        let (stored_at, size) = (stored_at.timestamp(), key.len() + response.size());
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
        self.entries.insert(key.to_string(), Entry { response, stored_at, expires_at, size, used });
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

    fn page(control: &str, body: &str) -> Stored {
        let rendered = HttpResponse {
            status: 200,
            headers: vec![("cache-control", control.into()), ("etag", "\"e\"".into())],
            body: body.as_bytes().to_vec(),
            log: vec!["a warning".into()],
        };
        Stored::from_response(&rendered)
    }

    fn put(cache: &mut MemoryCache, key: &str, response: Stored, now: DateTime<Utc>) {
        cache.put(key, response, now, now);
    }

    #[test]
    fn serves_a_copy_until_its_shared_max_age_with_its_age() {
        let mut cache = MemoryCache::new(DEFAULT_BUDGET);
        put(&mut cache, "k", page("public, max-age=300, s-maxage=60", "body"), at(0));
        let hit = cache.get("k", at(59)).expect("fresh");
        assert_eq!(hit.body, b"body");
        assert_eq!(hit.header("age"), Some("59"));
        assert_eq!(hit.header("etag"), Some("\"e\""));
        assert_eq!(cache.get("k", at(60)), None, "s-maxage counts, not max-age");
        assert!(cache.is_empty() && cache.bytes() == 0, "an expired entry is dropped");
    }

    #[test]
    fn a_copy_from_the_cache_api_keeps_its_first_storage_time() {
        let mut cache = MemoryCache::new(DEFAULT_BUDGET);
        cache.put("k", page("public, max-age=60", "x"), at(0), at(50));
        assert_eq!(cache.get("k", at(55)).and_then(|r| r.header("age").map(str::to_string)), Some("55".into()));
        assert_eq!(cache.get("k", at(60)), None, "expires 60 s after it was rendered, not after it was read");
        cache.put("late", page("public, max-age=60", "x"), at(0), at(61));
        assert!(cache.is_empty(), "already stale when read back: not kept");
        let mut copy = page("public, max-age=60", "x");
        copy.headers.push(("age".into(), "0".into()));
        let aged = copy.aged(at(0), at(7));
        let ages: Vec<&str> = aged.headers.iter().filter(|(n, _)| n == "age").map(|(_, v)| v.as_str()).collect();
        assert_eq!(ages, ["7"], "the runtime's own age is replaced, not repeated");
    }

    #[test]
    fn delivers_a_copy_as_the_request_asks() {
        let mut cache = MemoryCache::new(DEFAULT_BUDGET);
        let mut response = page("public, max-age=60", "body");
        response.headers.push(("content-type".into(), "text/html".into()));
        put(&mut cache, "k", response, at(0));
        let now = at(1);
        let mut req = RequestFacts::get("/", None, now);
        req.if_none_match = Some("\"e\"".into());
        let not_modified = cache.get("k", now).expect("fresh").deliver(&req);
        assert_eq!((not_modified.status, not_modified.header("content-type")), (304, None));
        assert!(not_modified.body.is_empty() && not_modified.header("etag").is_some());
        req.if_none_match = None;
        req.method = "HEAD".into();
        let head = cache.get("k", now).expect("fresh").deliver(&req);
        assert_eq!((head.status, head.header("content-type"), head.body.len()), (200, Some("text/html"), 0));
    }

    #[test]
    fn keeps_only_what_a_shared_cache_may() {
        let mut cache = MemoryCache::new(DEFAULT_BUDGET);
        put(&mut cache, "private", page("private, no-store", "x"), at(0));
        put(&mut cache, "no-store", page("no-store", "x"), at(0));
        put(&mut cache, "zero", page("public, max-age=0", "x"), at(0));
        let mut not_found = page("public, max-age=60, s-maxage=60", "x");
        not_found.status = 404;
        put(&mut cache, "404", not_found, at(0));
        assert!(cache.is_empty());
        put(&mut cache, "max-age", page("public, max-age=30", "x"), at(0));
        assert!(cache.get("max-age", at(29)).is_some());
        assert!(cache.get("max-age", at(30)).is_none());
    }

    #[test]
    fn drops_the_least_recently_used_when_the_budget_is_spent() {
        let body = "b".repeat(100);
        let size = 1 + 100 + "cache-control".len() + "public, max-age=60".len() + "etag".len() + 3;
        let mut cache = MemoryCache::new(size * 8);
        for key in ["a", "b", "c", "d", "e", "f", "g", "h"] {
            put(&mut cache, key, page("public, max-age=60", &body), at(0));
        }
        assert_eq!((cache.len(), cache.bytes()), (8, size * 8));
        assert!(cache.get("a", at(1)).is_some(), "a is now the most recently used");
        put(&mut cache, "i", page("public, max-age=60", &body), at(1));
        assert_eq!(cache.len(), 8);
        assert!(cache.get("b", at(1)).is_none(), "b was the least recently used");
        assert!(cache.get("a", at(1)).is_some());
        put(&mut cache, "a", page("public, max-age=60", &body), at(2));
        assert_eq!((cache.len(), cache.bytes()), (8, size * 8), "replacing does not count twice");
        let huge = "h".repeat(size * 2);
        put(&mut cache, "huge", page("public, max-age=60", &huge), at(2));
        assert!(cache.get("huge", at(2)).is_none(), "over an eighth of the budget: not kept");
    }
}
