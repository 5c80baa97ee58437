//! What operators configure and observe, natively: `[vars]` settings, publisher newsrooms on
//! their own host names, WebSub discovery, `/healthz`, and the 500/503 pages.

mod common;

use std::collections::HashMap;

use common::{attrs, html, now, seed_site, serve_req, store, text, texts};
use contract::config::Config;
use serve::http::RequestFacts;
use serve::respond_with;

const KYMSOTE_HOST: &str = "uutiset.kymsote.test";
const KYMSOTE_RELEASE: &str = "/releases/2018-11-30-kymsote-kehitysohjelma";
const OTHER_RELEASE: &str = "/releases/2025-06-25-konttisairaala";

fn config(vars: &[(&str, &str)]) -> Config {
    Config::from_vars(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())).expect("valid")
}

fn request(origin: &str, path: &str, accept: Option<&str>, config: &Config) -> RequestFacts {
    let mut req = RequestFacts::get(path, accept, now());
    req.origin = origin.to_string();
    req.config = config.clone();
    req
}

/// The seed content with kymsote's own host name, built with `config`.
fn hosted_kv(config: &Config) -> HashMap<String, Vec<u8>> {
    let mut site = seed_site();
    site.publishers.get_mut("kymsote").expect("kymsote").hostnames = vec![(1, KYMSOTE_HOST.into())];
    common::store_with(&site, config)
}

#[test]
fn settings_change_names_languages_sizes_and_cache_lifetimes() {
    let c = config(&[
        ("SITE_NAME", "Kaakon uutiset"),
        ("DEFAULT_LANG", "sv"),
        ("PAGE_SIZE", "2"),
        ("FEED_SIZE", "3"),
        ("LIST_TTL", "15"),
        ("RELEASE_TTL", "600"),
        ("BASE_URL", "https://uutiset.example.fi"),
    ]);
    let kv = common::store_with(&seed_site(), &c);
    let front = serve_req(&kv, &request("http://127.0.0.1:8787", "/", None, &c));
    assert_eq!(attrs(&html(&front), "html", "lang"), ["sv"]);
    assert_eq!(texts(&html(&front), "header.site a"), ["Kaakon uutiset"]);
    assert_eq!(texts(&html(&front), "ul.cards > li").len(), 2, "PAGE_SIZE");
    assert_eq!(front.header("cache-control"), Some("public, max-age=15, s-maxage=15, stale-while-revalidate=30"));
    assert_eq!(
        attrs(&html(&front), "link[rel=canonical]", "href"),
        ["https://uutiset.example.fi/"],
        "BASE_URL names the canonical host whatever host was asked"
    );
    let release = serve_req(&kv, &request("http://127.0.0.1:8787", OTHER_RELEASE, None, &c));
    assert!(release.header("cache-control").is_some_and(|v| v.starts_with("public, max-age=600,")));
    let feed = serve_req(&kv, &request("http://127.0.0.1:8787", "/feed.xml", None, &c));
    let channel = rss::Channel::read_from(&feed.body[..]).expect("RSS");
    assert_eq!(channel.items().len(), 3, "FEED_SIZE");
    assert!(channel.title().starts_with("Kaakon uutiset – "), "{}", channel.title());
    let over = serve_req(&kv, &request("http://127.0.0.1:8787", "/feed.xml?limit=4", None, &c));
    assert_eq!(over.status, 400, "?limit= is capped by FEED_SIZE");
}

#[test]
fn a_bad_variable_is_a_500_naming_it_in_html_and_json() {
    let e = Config::from_vars(|name| (name == "PAGE_SIZE").then(|| "twenty".to_string())).expect_err("invalid");
    let req = RequestFacts::get("/", None, now());
    let html = serve::respond::config_error(&req, &e);
    assert_eq!((html.status, html.header("cache-control")), (500, Some("no-store")));
    assert!(text(&html).contains("PAGE_SIZE") && text(&html).contains("from 1 to 100"), "{}", text(&html));
    let health = serve::respond::config_error(&RequestFacts::get("/healthz", None, now()), &e);
    let v: serde_json::Value = serde_json::from_slice(&health.body).expect("/healthz errors are JSON");
    assert_eq!((v["error"]["code"].as_str(), health.status), (Some("bad_configuration"), 500));
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("PAGE_SIZE = \"twenty\"")));
}

#[test]
fn storage_failures_are_503_with_retry_after_and_no_detail() {
    let r = serve::respond::unavailable(&RequestFacts::get("/", Some("application/json"), now()), "KV said: boom");
    assert_eq!((r.status, r.header("retry-after"), r.header("cache-control")), (503, Some("30"), Some("no-store")));
    assert!(!text(&r).contains("boom"), "internals stay in the log");
    assert!(r.log.iter().any(|l| l.contains("boom")));
}

#[test]
fn a_publisher_host_shows_that_publishers_newsroom_at_the_root() {
    let c = Config::default();
    let kv = hosted_kv(&c);
    let on_host = |path: &str, accept: Option<&str>| {
        respond_with(&request(&format!("https://{KYMSOTE_HOST}"), path, accept, &c), |k| kv.get(k).cloned())
    };
    let (home, reads) = on_host("/", None);
    assert_eq!(home.status, 200);
    assert_eq!(texts(&html(&home), "h1"), ["Kymsote"]);
    assert_eq!(texts(&html(&home), "header.site a"), ["Kymsote"], "the site is the publisher's");
    assert_eq!(attrs(&html(&home), "link[rel=canonical]", "href"), [format!("https://{KYMSOTE_HOST}/")]);
    assert_eq!(
        reads, 4,
        "the host list, then the publisher (page 1 is in its profile), its latest social media posts and the footer's pages"
    );
    let (json, _) = on_host("/", Some("application/json"));
    let v: serde_json::Value = serde_json::from_slice(&json.body).expect("JSON");
    assert_eq!(v["slug"], "kymsote");

    let (feed, _) = on_host("/feed.xml", None);
    let channel = rss::Channel::read_from(&feed.body[..]).expect("RSS");
    assert_eq!(channel.items().len(), 1, "only kymsote's release");
    assert_eq!(channel.items()[0].link(), Some(format!("https://{KYMSOTE_HOST}{KYMSOTE_RELEASE}").as_str()));

    let (release, _) = on_host(KYMSOTE_RELEASE, None);
    assert_eq!(release.status, 200);
    assert_eq!(
        attrs(&html(&release), "link[rel=canonical]", "href"),
        [format!("https://{KYMSOTE_HOST}{KYMSOTE_RELEASE}")]
    );
    assert_eq!(on_host(OTHER_RELEASE, None).0.status, 404, "another publisher's release");

    let (search, _) = on_host("/search?q=kymenlaakso&publisher=kymenlaakson-hyvinvointialue", Some("application/json"));
    let v: serde_json::Value = serde_json::from_slice(&search.body).expect("JSON");
    let publishers: Vec<&str> =
        v["results"].as_array().expect("results").iter().filter_map(|r| r["publisher"]["slug"].as_str()).collect();
    assert!(!publishers.is_empty() && publishers.iter().all(|p| *p == "kymsote"), "{publishers:?}");

    let (own_page, _) = on_host("/publishers/kymsote", None);
    assert_eq!((own_page.status, own_page.header("location")), (308, Some("/")));
    let (keyword, _) = on_host("/keywords/sote", None);
    assert_eq!((keyword.status, keyword.header("location")), (302, Some("/search?keyword=sote")));
    assert_eq!(on_host("/publishers/kymenlaakson-hyvinvointialue", None).0.status, 404);

    // The main site keeps showing everyone, without reading the host list.
    let (main, reads) = respond_with(&request("http://127.0.0.1:8787", "/", None, &c), |k| kv.get(k).cloned());
    assert!(texts(&html(&main), "ul.cards > li").len() > 1);
    assert_eq!(reads, 2, "the list and the footer's pages");
    // An unknown host is the main site.
    let unknown = serve_req(&kv, &request("https://muu.example.fi", "/", None, &c));
    assert!(texts(&html(&unknown), "ul.cards > li").len() > 1);
}

#[test]
fn with_base_url_what_a_publisher_host_does_not_hold_redirects_to_the_main_site() {
    let c = config(&[("BASE_URL", "https://uutiset.example.fi")]);
    let kv = hosted_kv(&c);
    let r = serve_req(&kv, &request(&format!("https://{KYMSOTE_HOST}"), "/keywords", None, &c));
    assert_eq!((r.status, r.header("location")), (308, Some("https://uutiset.example.fi/keywords")));
    let main = respond_with(&request("https://uutiset.example.fi", "/", None, &c), |k| kv.get(k).cloned());
    assert_eq!(main.1, 2, "BASE_URL's host needs no host lookup: the list and the footer's pages");
}

/// A page of `content/pages/` as `newsroom check` reads it.
fn page(slug: &str, front: &str) -> publish::content::Page {
    let text = format!("+++\n{front}\nupdated_at = 2026-12-01\n+++\n\n# {slug}\n\nText of {slug}.\n");
    let publishers = seed_site().publishers;
    publish::content::parse_page(&format!("content/pages/{slug}.md"), &text, &publishers)
        .unwrap_or_else(|e| panic!("{slug}: {e:?}"))
}

/// Content pages: the site's in every page's footer in the page's language, a publisher's
/// own instead of the site's of the same role on its own host; served in three
/// representations on the main site and on their own host, never on another publisher's;
/// in the sitemap, never in a list or a feed.
#[test]
fn content_pages_are_served_footed_and_kept_out_of_lists_and_feeds() {
    let c = Config::default();
    let mut site = seed_site();
    site.publishers.get_mut("kymsote").expect("kymsote").hostnames = vec![(1, KYMSOTE_HOST.into())];
    site.pages = vec![
        page("saavutettavuusseloste", "title = \"Saavutettavuusseloste\"\nlanguage = \"fi\"\nrole = \"accessibility-statement\""),
        page("tietosuojaseloste", "title = \"Tietosuojaseloste\"\nlanguage = \"fi\"\nrole = \"privacy-notice\"\ntranslations = [\"dataskyddsbeskrivning\"]"),
        page("dataskyddsbeskrivning", "title = \"Dataskyddsbeskrivning\"\nlanguage = \"sv\"\nrole = \"privacy-notice\""),
        page("kymsote-tietosuoja", "title = \"Kymsoten tietosuojaseloste\"\npublisher = \"kymsote\"\nlanguage = \"fi\"\nrole = \"privacy-notice\""),
        page("hva-tietoa", "title = \"Tietoa hyvinvointialueesta\"\npublisher = \"kymenlaakson-hyvinvointialue\""),
    ];
    let kv = common::store_with(&site, &c);
    let main = |path: &str, accept: Option<&str>| serve_req(&kv, &request("http://127.0.0.1:8787", path, accept, &c));
    let host = |path: &str| serve_req(&kv, &request(&format!("https://{KYMSOTE_HOST}"), path, None, &c));

    let footer = |r: &serve::http::HttpResponse| texts(&html(r), "footer nav.pages a");
    for path in [
        "/",
        OTHER_RELEASE,
        "/keywords",
        "/archive",
        "/search?q=sote",
        "/subscribe",
        "/pages/hva-tietoa",
        "/nowhere/at/all",
    ] {
        let r = main(path, None);
        let expected =
            if path.starts_with("/nowhere") { vec![] } else { vec!["Saavutettavuusseloste", "Tietosuojaseloste"] };
        assert_eq!(footer(&r), expected, "{path}: an unknown path reads nothing, not even the footer's pages");
    }
    assert_eq!(footer(&host("/")), ["Saavutettavuusseloste", "Kymsoten tietosuojaseloste"], "its own notice");
    // No Swedish statement: the Finnish one, marked as Finnish; the notice in Swedish.
    let sv = main("/pages/dataskyddsbeskrivning", None);
    assert_eq!(footer(&sv), ["Saavutettavuusseloste", "Dataskyddsbeskrivning"], "the statement from every page");
    assert_eq!(attrs(&html(&sv), "footer nav.pages a[lang=fi]", "hreflang"), ["fi"]);

    let page = main("/pages/tietosuojaseloste", None);
    assert_eq!(page.status, 200);
    assert_eq!(texts(&html(&page), "h1"), ["Tietosuojaseloste"]);
    assert_eq!(attrs(&html(&page), "nav.translations a", "href"), ["/pages/dataskyddsbeskrivning"]);
    assert_eq!(page.header("last-modified"), Some("Mon, 30 Nov 2026 22:00:00 GMT"));
    assert!(page.header("etag").is_some());
    let json: serde_json::Value =
        serde_json::from_slice(&main("/pages/tietosuojaseloste", Some("application/json")).body).expect("JSON");
    assert_eq!((json["kind"].as_str(), json["role"].as_str()), (Some("page"), Some("privacy-notice")));
    assert_eq!(json["translations"][0]["url"], "http://127.0.0.1:8787/pages/dataskyddsbeskrivning");
    let md = main("/pages/tietosuojaseloste", Some("text/markdown"));
    assert!(
        text(&md).starts_with("# Tietosuojaseloste\n\nPäivitetty viimeksi 1.12.2026\n\n# tietosuojaseloste\n"),
        "{}",
        text(&md)
    );

    assert_eq!(host("/pages/kymsote-tietosuoja").status, 200, "its own page on its own host");
    assert_eq!(host("/pages/tietosuojaseloste").status, 200, "the site's pages too");
    assert_eq!(host("/pages/hva-tietoa").status, 404, "never another publisher's");
    assert_eq!(main("/pages/hva-tietoa", None).status, 200, "the main site serves every page");
    assert_eq!(main("/pages/missing", None).status, 404);
    assert!(
        footer(&main("/pages/hva-tietoa", None)).iter().all(|t| *t != "Tietoa hyvinvointialueesta"),
        "not in the footer"
    );

    let form = main("/subscribe", None);
    assert_eq!(attrs(&html(&form), "main a[href^='/pages/']", "href"), ["/pages/tietosuojaseloste"]);

    let sitemap = text(&main("/sitemaps/0.xml", None));
    assert!(sitemap.contains("<loc>http://127.0.0.1:8787/pages/tietosuojaseloste</loc>"), "{sitemap}");
    let search = main("/search?q=tietosuojaseloste", Some("application/json"));
    assert!(text(&search).contains("\"total\":0"), "search finds releases only: {}", text(&search));
    for listing in ["/", "/feed.xml", "/atom.xml", "/feed.json", "/archive/2025"] {
        assert!(!text(&main(listing, None)).contains("/pages/kymsote-tietosuoja\""), "{listing}");
        let body = text(&main(listing, Some("application/json")));
        assert!(!body.contains("tietosuoja"), "{listing} lists no page: {body}");
    }
}

#[test]
fn hostnames_are_checked_for_clashes() {
    let root = common::content_dir();
    let mut publishers = common::read_dir(&root.join("publishers"), "toml");
    for p in &mut publishers {
        p.text.insert_str(0, "hostnames = [\"uutiset.example.fi\"]\n");
    }
    let releases = common::read_dir(&root.join("releases"), "md");
    let errors = publish::content::load_site(&publishers, &releases).expect_err("same host twice");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].message.contains("hostname `uutiset.example.fi` is already the newsroom of publisher"));
}

#[test]
fn feeds_advertise_the_websub_hub_in_the_body_and_the_link_header() {
    let c = config(&[("WEBSUB_HUB", "https://hub.example.fi/")]);
    let kv = store(&seed_site());
    let rss_feed = serve_req(&kv, &request("http://127.0.0.1:8787", "/feed.xml", None, &c));
    assert_eq!(
        rss_feed.header("link"),
        Some("<https://hub.example.fi/>; rel=\"hub\", <http://127.0.0.1:8787/feed.xml>; rel=\"self\"")
    );
    rss::Channel::read_from(&rss_feed.body[..]).expect("RSS");
    let xml = text(&rss_feed);
    let doc = roxmltree::Document::parse(&xml).expect("XML");
    let atom_links: Vec<(&str, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name(("http://www.w3.org/2005/Atom", "link")))
        .filter_map(|n| Some((n.attribute("rel")?, n.attribute("href")?)))
        .collect();
    assert!(atom_links.contains(&("hub", "https://hub.example.fi/")), "{atom_links:?}");
    assert!(atom_links.contains(&("self", "http://127.0.0.1:8787/feed.xml")), "{atom_links:?}");
    let atom = serve_req(&kv, &request("http://127.0.0.1:8787", "/atom.xml", None, &c));
    let feed = atom_syndication::Feed::read_from(&atom.body[..]).expect("Atom");
    assert!(feed.links().iter().any(|l| l.rel() == "hub" && l.href() == "https://hub.example.fi/"));
    let json = serve_req(&kv, &request("http://127.0.0.1:8787", "/feed.json", None, &c));
    let v: serde_json::Value = serde_json::from_slice(&json.body).expect("JSON Feed");
    assert_eq!(v["hubs"][0], serde_json::json!({"type": "WebSub", "url": "https://hub.example.fi/"}));
    let without = serve_req(&kv, &request("http://127.0.0.1:8787", "/feed.xml", None, &Config::default()));
    assert!(!text(&without).contains("rel=\"hub\"") && without.header("link").is_none());
}

#[test]
fn health_reports_the_build_and_settings_it_differs_in() {
    let kv = store(&seed_site());
    let (r, reads) = respond_with(&RequestFacts::get("/healthz", None, now()), |k| kv.get(k).cloned());
    assert_eq!((r.status, reads, r.header("cache-control")), (200, 1, Some("no-store")));
    let v: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON");
    assert_eq!(v["status"], "ok");
    assert_eq!(v["build"]["releases"].as_u64(), Some(seed_site().releases.len() as u64));
    assert_eq!(v["warnings"], serde_json::json!([]));
    let c = config(&[("PAGE_SIZE", "10")]);
    let r = serve_req(&kv, &request("http://127.0.0.1:8787", "/healthz", None, &c));
    let v: serde_json::Value = serde_json::from_slice(&r.body).expect("JSON");
    assert!(v["warnings"][0].as_str().is_some_and(|w| w.contains("PAGE_SIZE=\"20\"")), "{v}");
    let empty = serve_req(&HashMap::new(), &RequestFacts::get("/healthz", None, now()));
    let v: serde_json::Value = serde_json::from_slice(&empty.body).expect("JSON");
    assert!(v["build"].is_null() && v["warnings"][0].as_str().is_some_and(|w| w.contains("nothing is published")));
}
