//! WebSub (W3C Recommendation) for publishers: which feed URLs (topics) a publish announces,
//! in the form a hub expects ([`ping_body`]). Feeds advertise the hub themselves
//! (`rel="hub"` and `rel="self"`, see `render::feed`); `newsroom publish` pings for what is
//! public at upload, and the mail Worker's Cron Trigger for scheduled releases at their moment
//! ([`contract::golive`]).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use contract::golive::feed_urls;
pub use contract::golive::ping_body;
use contract::kv;
use contract::model::ReleaseStub;
use contract::route::FeedScope;

use crate::content::Release;

/// The feed URLs (absolute, on `base_url`) whose content the changed KV keys carry: every
/// file name of each changed feed (`feed.xml`, `atom.xml`, `feed.json` and negotiated `feed`),
/// as each advertises itself with `rel="self"`. Sorted, without duplicates.
pub fn topics<'a>(changed_keys: impl IntoIterator<Item = &'a str>, base_url: &str) -> Vec<String> {
    let mut topics: Vec<String> =
        changed_keys.into_iter().filter_map(scope_of).flat_map(|scope| feed_urls(&scope, base_url)).collect();
    topics.sort();
    topics.dedup();
    topics
}

/// The changed keys less the feeds that only never-public releases changed: a scheduled
/// release shows in its feeds only from its moment (the Cron Trigger announces it then), and
/// one `cancelled` before its moment (stubs from the previous manifest) never showed there.
/// A feed that a public release changed too stays (as does one a publisher's profile changed).
pub fn public_changes<'a>(
    changed_keys: &[&'a str],
    releases: &[Release],
    cancelled: &[&ReleaseStub],
    now: DateTime<Utc>,
) -> Vec<&'a str> {
    let changed: BTreeSet<&str> = changed_keys.iter().filter_map(|k| k.strip_prefix("release:")).collect();
    let (mut quiet, mut public) = (BTreeSet::new(), BTreeSet::new());
    for r in releases.iter().filter(|r| !r.draft && changed.contains(r.slug.as_str())) {
        let into = if r.published.at > now { &mut quiet } else { &mut public };
        into.extend(feed_keys(&r.publisher, r.keywords.iter().map(|k| k.slug.as_str())));
    }
    for stub in cancelled {
        quiet.extend(feed_keys(&stub.publisher.slug, stub.keywords.iter().map(String::as_str)));
    }
    let quiet: BTreeSet<&String> = quiet.difference(&public).collect();
    changed_keys.iter().copied().filter(|k| !quiet.contains(&k.to_string())).collect()
}

/// The KV keys of the feeds a release of `publisher` with `keywords` appears in.
fn feed_keys<'k>(publisher: &str, keywords: impl Iterator<Item = &'k str>) -> Vec<String> {
    let mut keys = vec![kv::SITE_FEED_KEY.to_string(), kv::publisher_feed_key(publisher)];
    keys.extend(keywords.map(kv::keyword_feed_key));
    keys
}

/// The feed a KV key holds, if it is a feed record (`feed:site`, `feed:publisher:x`, `feed:keyword:x`).
fn scope_of(key: &str) -> Option<FeedScope> {
    match key.strip_prefix("feed:")?.split_once(':') {
        None if key == kv::SITE_FEED_KEY => Some(FeedScope::Site),
        Some(("publisher", slug)) if contract::slug::is_valid(slug) => Some(FeedScope::Publisher(slug.into())),
        Some(("keyword", slug)) if contract::slug::is_valid(slug) => Some(FeedScope::Keyword(slug.into())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_feed_keys_become_every_url_of_their_feed() {
        let keys =
            ["release:x", "feed:site", "feed:publisher:kymsote", "page:latest:1", "feed:keyword:sote", "feed:bogus"];
        let topics = topics(keys, "https://uutiset.example.fi");
        assert_eq!(topics.len(), 12, "{topics:#?}");
        for t in [
            "https://uutiset.example.fi/feed.xml",
            "https://uutiset.example.fi/atom.xml",
            "https://uutiset.example.fi/feed.json",
            "https://uutiset.example.fi/feed",
            "https://uutiset.example.fi/publishers/kymsote/feed.xml",
            "https://uutiset.example.fi/keywords/sote/atom.xml",
        ] {
            assert!(topics.contains(&t.to_string()), "{t}");
        }
        assert!(super::topics(["release:x", "index:keywords"], "https://x").is_empty());
    }
}
