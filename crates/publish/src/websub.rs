//! WebSub (W3C Recommendation) for publishers: which feed URLs (topics) a build changed, and
//! the notification a hub expects (`hub.mode=publish`). Feeds advertise the hub themselves
//! (`rel="hub"` and `rel="self"`, see [`render::feed`]); `newsroom publish` sends the pings.

use contract::route::{FeedScope, FEED_FILES};

/// The feed URLs (absolute, on `base_url`) whose content the changed KV keys carry: every
/// file name of each changed feed (`feed.xml`, `atom.xml`, `feed.json` and negotiated `feed`),
/// as each advertises itself with `rel="self"`. Sorted, without duplicates.
pub fn topics<'a>(changed_keys: impl IntoIterator<Item = &'a str>, base_url: &str) -> Vec<String> {
    let mut topics: Vec<String> = changed_keys
        .into_iter()
        .filter_map(scope_of)
        .flat_map(|scope| {
            let base = scope.base_path();
            FEED_FILES.iter().map(move |(file, _)| format!("{base_url}{base}/{file}"))
        })
        .collect();
    topics.sort();
    topics.dedup();
    topics
}

/// The feed a KV key holds, if it is a feed record (`feed:site`, `feed:publisher:x`, `feed:keyword:x`).
fn scope_of(key: &str) -> Option<FeedScope> {
    match key.strip_prefix("feed:")?.split_once(':') {
        None if key == contract::kv::SITE_FEED_KEY => Some(FeedScope::Site),
        Some(("publisher", slug)) if contract::slug::is_valid(slug) => Some(FeedScope::Publisher(slug.into())),
        Some(("keyword", slug)) if contract::slug::is_valid(slug) => Some(FeedScope::Keyword(slug.into())),
        _ => None,
    }
}

/// The `application/x-www-form-urlencoded` body that tells a hub `topic` has new content.
pub fn ping_body(topic: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("hub.mode", "publish")
        .append_pair("hub.url", topic)
        .finish()
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

    #[test]
    fn the_ping_is_form_encoded() {
        assert_eq!(
            ping_body("https://uutiset.example.fi/keywords/sote/feed.xml?a=1&b"),
            "hub.mode=publish&hub.url=https%3A%2F%2Fuutiset.example.fi%2Fkeywords%2Fsote%2Ffeed.xml%3Fa%3D1%26b"
        );
    }
}
