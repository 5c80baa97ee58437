//! Every link of every page type resolves: each `href` of an `a` or `link` element (canonical,
//! alternates, feeds, pagination, cards, the footer's JSON link), resolved against the page's
//! URL as a browser would, is served with a 2xx or 3xx, and in the media type its `type`
//! attribute announces. Pages that already have a query (search, page 2 of a list) are where
//! a link built by appending `?…` goes wrong.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::now;
use contract::config::Config;
use scraper::{Html, Selector};
use serve::http::{HttpResponse, RequestFacts};
use serve::respond_with;

const ORIGIN: &str = "http://127.0.0.1:8787";

/// Two releases a page, so that the seed's seven releases page.
fn config() -> Config {
    Config { page_size: 2, ..Config::default() }
}

fn kv() -> std::collections::HashMap<String, Vec<u8>> {
    common::store_seed_with(&config(), |_| {})
}

/// `href` on the page at `page` (a path with its query), as a same-origin path and query;
/// `None` for a fragment of the same page or another origin.
fn resolve(page: &str, href: &str) -> Option<String> {
    let page_path = page.split('?').next().unwrap_or(page);
    if let Some(rest) = href.strip_prefix(ORIGIN) {
        return Some(if rest.is_empty() { "/".into() } else { rest.to_string() });
    }
    match href.chars().next()? {
        '#' => None,
        '/' if !href.starts_with("//") => Some(href.to_string()),
        '?' => Some(format!("{page_path}{href}")),
        _ if href.contains("://") || href.starts_with("mailto:") || href.starts_with("tel:") => None,
        _ => panic!("{page}: relative href {href:?} the test does not resolve"),
    }
}

fn get(kv: &std::collections::HashMap<String, Vec<u8>>, path_and_query: &str) -> HttpResponse {
    let mut req = RequestFacts::get(path_and_query, Some("text/html"), now());
    req.config = config();
    respond_with(&req, |k| kv.get(k).cloned()).0
}

/// Every page type, with and without a query of its own.
const PAGES: &[&str] = &[
    "/",
    "/?page=2",
    "/releases/2024-11-27-ohjausneuvottelut",
    "/releases/2018-11-30-kymsote-kehitysohjelma",
    "/publishers/kymenlaakson-hyvinvointialue",
    "/publishers/kymenlaakson-hyvinvointialue?page=2",
    "/keywords",
    "/keywords/sote",
    "/archive",
    "/archive/2025",
    "/archive/2025?page=2",
    "/search",
    "/search?q=hyvinvointialue",
    "/search?q=hyvinvointialue&page=2",
    "/search?publisher=kymenlaakson-hyvinvointialue&type=tiedote",
];

#[test]
fn every_href_of_every_page_type_resolves_to_its_announced_type() {
    let kv = kv();
    let anchors = Selector::parse("a[href], link[href]").expect("selector");
    let mut checked: BTreeMap<String, (String, Option<String>)> = BTreeMap::new();
    for page in PAGES {
        let r = get(&kv, page);
        assert_eq!(r.status, 200, "{page}");
        let body = String::from_utf8(r.body).expect("UTF-8 page");
        let doc = Html::parse_document(&body);
        for el in doc.select(&anchors) {
            let href = el.value().attr("href").unwrap_or_default();
            let Some(target) = resolve(page, href) else { continue };
            assert!(target.matches('?').count() <= 1, "{page}: {href} has two `?`");
            let announced = el.value().attr("type").map(str::to_string);
            checked.insert(format!("{page} -> {href}"), (target, announced));
        }
    }
    let mut statuses = BTreeSet::new();
    for (link, (target, announced)) in &checked {
        // Links say what they lead to; a JSON alternate is fetched as a client would.
        let accept = announced.as_deref().unwrap_or("text/html");
        let mut req = RequestFacts::get(target, Some(accept), now());
        req.config = config();
        let r = respond_with(&req, |k| kv.get(k).cloned()).0;
        assert!((200..400).contains(&r.status), "{link}: {target} answered {}", r.status);
        statuses.insert(r.status);
        if let (Some(announced), 200) = (announced, r.status) {
            let got = r.header("content-type").unwrap_or_default();
            assert!(got.starts_with(announced.as_str()), "{link}: announced {announced}, served {got}");
        }
    }
    // The search page's JSON alternate keeps its query and page.
    let keys: Vec<&String> = checked.keys().collect();
    assert!(
        checked
            .values()
            .any(|(t, a)| t == "/search?q=hyvinvointialue&page=2&format=json"
                && a.as_deref() == Some("application/json")),
        "no JSON alternate of the second search page among {keys:#?}"
    );
    assert!(checked.len() > 100, "{} links checked", checked.len());
}

/// A `406` lists the representations of the resource asked for, query and all.
#[test]
fn a_406_links_the_alternates_of_the_same_query() {
    let kv = kv();
    let mut req = RequestFacts::get("/search?q=hyvinvointialue&page=2", Some("image/png"), now());
    req.config = config();
    let r = respond_with(&req, |k| kv.get(k).cloned()).0;
    assert_eq!(r.status, 406);
    let link = r.header("link").expect("Link");
    assert!(
        link.contains("</search?q=hyvinvointialue&page=2&format=json>; rel=\"alternate\"; type=\"application/json\""),
        "{link}"
    );
    assert!(!link.contains("?format=html?") && link.matches('?').count() == 2, "{link}");
}
