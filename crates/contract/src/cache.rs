//! Caching rules: `Cache-Control` per kind of response, capped so that nothing is cached
//! past the moment a scheduled release goes public.

use chrono::{DateTime, FixedOffset, Utc};

/// What kind of response is being cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheKind {
    /// A release page in any representation: `RELEASE_TTL`.
    Release,
    /// A list page (front page, publisher, keyword, year, the keyword and year indexes),
    /// search results and the OpenAPI document: `LIST_TTL`.
    List,
    /// A feed, a sitemap or `robots.txt`: `FEED_TTL`.
    Feed,
    /// A 4xx answer that is the same for everyone (404, 405, 406, 400); also redirects and
    /// `OPTIONS` answers. 60 s.
    ClientError,
    /// A 5xx answer: never cached.
    ServerError,
    /// Meant for one person (a secret preview): never stored anywhere.
    Private,
    /// A content-hashed media file: the same URL never changes.
    Immutable,
    /// `/favicon.ico`: the same URL for as long as the deployment (or the publisher's logo)
    /// lasts; browsers ask for it on every page, so it is kept a day.
    Icon,
    /// Must be answered fresh every time (the health check): never stored.
    Live,
}

/// Seconds each kind of page may be reused: `RELEASE_TTL`, `LIST_TTL`, `FEED_TTL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ttls {
    /// `RELEASE_TTL`: release pages (default 300).
    pub release: u32,
    /// `LIST_TTL`: list pages, search results and the OpenAPI document (default 60).
    pub list: u32,
    /// `FEED_TTL`: feeds, sitemaps and `robots.txt` (default 300; a feed's RSS `ttl` is this
    /// in minutes).
    pub feed: u32,
}

impl Default for Ttls {
    fn default() -> Self {
        Self { release: 300, list: 60, feed: 300 }
    }
}

impl Ttls {
    /// Seconds browsers and the CDN may reuse a response of `kind`, before any cap.
    pub fn max_age(&self, kind: CacheKind) -> u32 {
        match kind {
            CacheKind::Release => self.release,
            CacheKind::List => self.list,
            CacheKind::Feed => self.feed,
            CacheKind::ClientError => 60,
            CacheKind::ServerError | CacheKind::Private | CacheKind::Live => 0,
            CacheKind::Immutable => 31_536_000,
            CacheKind::Icon => 86_400,
        }
    }

    /// The `Cache-Control` value, with max-age cut to `cap_seconds` when a scheduled change is near.
    pub fn cache_control(&self, kind: CacheKind, cap_seconds: Option<u32>) -> String {
        match kind {
            CacheKind::Private => return "private, no-store".into(),
            CacheKind::Immutable => return "public, max-age=31536000, immutable".into(),
            _ => {}
        }
        let age = cap_seconds.map_or(self.max_age(kind), |cap| cap.min(self.max_age(kind)));
        if age == 0 {
            return "no-store".into();
        }
        match kind {
            // A stale copy may be shown briefly while a fresh one is fetched, never past a cap.
            CacheKind::Release | CacheKind::List | CacheKind::Feed if cap_seconds.is_none() => {
                format!("public, max-age={age}, s-maxage={age}, stale-while-revalidate={}", age * 2)
            }
            _ => format!("public, max-age={age}, s-maxage={age}"),
        }
    }
}

/// Header the adapter stores with a Cache API copy: when it was stored (Unix seconds).
pub const STORED_AT: &str = "x-stored-at";

/// The `Age` of a copy stored at `stored_at` (a [`STORED_AT`] value), so that downstream
/// caches count its `max-age` from when it was rendered, not from when it was served again.
pub fn age(stored_at: Option<&str>, now: DateTime<Utc>) -> Option<String> {
    Some(age_since(self::stored_at(stored_at?)?, now))
}

/// The `Age` value of a copy stored at `stored` (0 if the clock stepped back).
pub fn age_since(stored: DateTime<Utc>, now: DateTime<Utc>) -> String {
    (now - stored).num_seconds().max(0).to_string()
}

/// The time a [`STORED_AT`] value names.
pub fn stored_at(value: &str) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(value.trim().parse().ok()?, 0)
}

/// Seconds a shared cache may keep a response with `status` and `cache_control`: its
/// `s-maxage`, else its `max-age`; `None` unless it is a `public` 200 with a positive lifetime.
pub fn shared_lifetime(status: u16, cache_control: Option<&str>) -> Option<u32> {
    let control = cache_control.filter(|_| status == 200)?;
    let directives: Vec<&str> = control.split(',').map(str::trim).collect();
    if !directives.contains(&"public") {
        return None;
    }
    let seconds =
        |name: &str| directives.iter().find_map(|d| d.strip_prefix(name)?.strip_prefix('=')?.parse::<u32>().ok());
    seconds("s-maxage").or_else(|| seconds("max-age")).filter(|&s| s > 0)
}

/// Seconds from `now` until `next` (a scheduled release), at least 1; `None` without one.
pub fn seconds_until(now: DateTime<Utc>, next: Option<DateTime<FixedOffset>>) -> Option<u32> {
    let next = next?;
    let secs = (next.with_timezone(&Utc) - now).num_seconds().clamp(1, i64::from(u32::MAX));
    u32::try_from(secs).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache_control(kind: CacheKind, cap: Option<u32>) -> String {
        Ttls::default().cache_control(kind, cap)
    }

    #[test]
    fn policies() {
        let short = Ttls { release: 30, list: 0, feed: 10 };
        assert_eq!(
            short.cache_control(CacheKind::Release, None),
            "public, max-age=30, s-maxage=30, stale-while-revalidate=60"
        );
        assert_eq!(short.cache_control(CacheKind::List, None), "no-store");
        assert_eq!(short.cache_control(CacheKind::Feed, Some(5)), "public, max-age=5, s-maxage=5");
        assert_eq!(
            cache_control(CacheKind::Release, None),
            "public, max-age=300, s-maxage=300, stale-while-revalidate=600"
        );
        assert_eq!(cache_control(CacheKind::List, Some(10)), "public, max-age=10, s-maxage=10");
        assert_eq!(cache_control(CacheKind::List, Some(1000)), "public, max-age=60, s-maxage=60");
        assert_eq!(cache_control(CacheKind::ServerError, None), "no-store");
        assert_eq!(cache_control(CacheKind::Private, Some(10)), "private, no-store");
        assert_eq!(cache_control(CacheKind::ClientError, None), "public, max-age=60, s-maxage=60");
    }

    #[test]
    fn cached_copies_carry_their_age() {
        let now = DateTime::parse_from_rfc3339("2025-01-01T00:01:00Z").unwrap().with_timezone(&Utc);
        let stored = (now.timestamp() - 42).to_string();
        assert_eq!(age(Some(&stored), now).as_deref(), Some("42"));
        assert_eq!(age(Some("9999999999"), now).as_deref(), Some("0"), "a clock step back is age 0");
        assert_eq!(age(Some("x"), now), None);
        assert_eq!(age(None, now), None);
    }

    #[test]
    fn caps() {
        let now = DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z").unwrap().with_timezone(&Utc);
        let soon = DateTime::parse_from_rfc3339("2025-01-01T02:00:30+02:00").ok();
        assert_eq!(seconds_until(now, soon), Some(30));
        assert_eq!(seconds_until(now, None), None);
        let past = DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").ok();
        assert_eq!(seconds_until(now, past), Some(1));
    }

    #[test]
    fn reads_lifetimes_from_cache_control() {
        let lifetime = |control: &str| shared_lifetime(200, Some(control));
        assert_eq!(lifetime("public, max-age=300, s-maxage=300, stale-while-revalidate=600"), Some(300));
        assert_eq!(lifetime("public,s-maxage=5,max-age=9"), Some(5));
        assert_eq!(lifetime("public, max-age=31536000, immutable"), Some(31_536_000));
        assert_eq!(lifetime("public, max-age=x"), None);
        assert_eq!(lifetime("max-age=60"), None, "not marked public");
        assert_eq!(shared_lifetime(404, Some("public, max-age=60")), None);
        assert_eq!(shared_lifetime(200, None), None);
        // Every policy above that a shared cache may store, and only those.
        let t = Ttls::default();
        for kind in [CacheKind::Release, CacheKind::List, CacheKind::Feed, CacheKind::Immutable] {
            assert!(shared_lifetime(200, Some(&t.cache_control(kind, None))).is_some(), "{kind:?}");
            assert!(shared_lifetime(200, Some(&t.cache_control(kind, Some(5)))).is_some(), "{kind:?} capped");
        }
        for kind in [CacheKind::Private, CacheKind::ServerError, CacheKind::Live] {
            assert_eq!(shared_lifetime(200, Some(&t.cache_control(kind, None))), None, "{kind:?}");
        }
    }
}
