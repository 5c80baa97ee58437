//! A publisher's social media channels (`[social]`, issue 44): linked from its page with
//! `rel="me"`, named in its JSON-LD as `sameAs` and listed in its JSON view; a publisher
//! without them shows none of it.

mod common;

use common::{attrs, html, serve, store_seed_with, text};
use serde_json::Value;

const PAGE: &str = "/publishers/kymenlaakson-hyvinvointialue";
const MASTODON: &str = "https://some.social/@kymenhva";
const YOUTUBE: &str = "https://www.youtube.com/@kymenhva";

fn with_channels() -> std::collections::HashMap<String, Vec<u8>> {
    store_seed_with(&contract::config::Config::default(), |p| {
        if p.path.ends_with("kymenlaakson-hyvinvointialue.toml") {
            // Written out of order: the page lists them in the platforms' fixed order.
            p.text.push_str(&format!("\n[social]\nyoutube = \"{YOUTUBE}\"\nmastodon = \"{MASTODON}\"\n"));
        }
    })
}

#[test]
fn the_publisher_page_links_its_channels_with_rel_me_and_names_them_in_json_ld() {
    let kv = with_channels();
    let (page, _) = serve(&kv, PAGE, None);
    assert_eq!(page.status, 200);
    let doc = html(&page);
    assert_eq!(attrs(&doc, "nav.social a[rel=me]", "href"), [MASTODON, YOUTUBE]);
    assert_eq!(common::texts(&doc, "nav.social a"), ["Mastodon", "YouTube"]);
    assert_eq!(common::texts(&doc, "nav.social h2"), ["Sosiaalinen media"]);
    let ld: Vec<Value> = common::texts(&doc, "script[type='application/ld+json']")
        .iter()
        .map(|t| serde_json::from_str(t).expect("JSON-LD"))
        .collect();
    assert_eq!(ld.len(), 1, "{ld:?}");
    assert_eq!(ld[0]["@type"], "Organization");
    assert_eq!(ld[0]["sameAs"], serde_json::json!([MASTODON, YOUTUBE]));

    let (json, _) = serve(&kv, PAGE, Some("application/json"));
    let view: Value = serde_json::from_str(&text(&json)).expect("JSON");
    assert_eq!(
        view["social"],
        serde_json::json!([{"platform": "mastodon", "url": MASTODON}, {"platform": "youtube", "url": YOUTUBE}])
    );
}

#[test]
fn a_publisher_without_channels_shows_none() {
    let kv = store_seed_with(&contract::config::Config::default(), |_| {});
    let (page, _) = serve(&kv, PAGE, None);
    let doc = html(&page);
    assert!(attrs(&doc, "a[rel=me]", "href").is_empty());
    assert!(common::texts(&doc, "script[type='application/ld+json']").is_empty());
    let (json, _) = serve(&kv, PAGE, Some("application/json"));
    let view: Value = serde_json::from_str(&text(&json)).expect("JSON");
    assert_eq!(view["social"], serde_json::json!([]), "{view}");
}
