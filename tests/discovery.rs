//! What machines and browsers find without being told: `/llms.txt` (llmstxt.org) and
//! `/favicon.ico`, on the main site and on a publisher's own host.

mod common;

use std::collections::HashMap;

use common::{now, read_dir};
use contract::config::Config;
use publish::content::{load_site_with_media, SourceMedia};
use serve::http::{HttpResponse, RequestFacts};
use serve::respond_with;

const PUBLISHER_HOST: &str = "https://uutiset.hyvinvointialue.test";

/// `content/` with Kymenlaakson hyvinvointialue on its own host and with a logo (a fixture
/// image), and Kymsote as it is (no logo).
fn kv() -> HashMap<String, Vec<u8>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut publishers = read_dir(&root.join("content/publishers"), "toml");
    for p in publishers.iter_mut().filter(|p| p.path.ends_with("kymenlaakson-hyvinvointialue.toml")) {
        p.text = format!("hostnames = [\"uutiset.hyvinvointialue.test\"]\nlogo = \"e2e-pixel.png\"\n{}", p.text);
    }
    let pixel = root.join("tests/fixtures/e2e-media/e2e-pixel.png");
    let media = [SourceMedia {
        path: pixel.display().to_string(),
        name: "e2e-pixel.png".into(),
        data: std::fs::read(&pixel).expect("fixture image"),
        unread: None,
        video: None,
    }];
    let mut site = load_site_with_media(&publishers, &read_dir(&root.join("content/releases"), "md"), &media)
        .expect("content/ checks clean");
    publish::photo::process_site(&mut site).expect("the logo is an image");
    common::store_with(&site, &Config::default())
}

fn get(kv: &HashMap<String, Vec<u8>>, origin: Option<&str>, path: &str) -> HttpResponse {
    let mut req = RequestFacts::get(path, None, now());
    if let Some(origin) = origin {
        req.origin = origin.into();
    }
    respond_with(&req, |k| kv.get(k).cloned()).0
}

#[test]
fn llms_txt_describes_the_site_and_links_the_markdown_of_the_latest_releases() {
    let kv = kv();
    let r = get(&kv, None, "/llms.txt");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/markdown; charset=utf-8"));
    assert_eq!(r.header("content-language"), Some("fi"));
    assert!(r.header("cache-control").is_some_and(|c| c.starts_with("public")), "{:?}", r.header("cache-control"));
    let text = String::from_utf8(r.body).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    // The llms.txt shape: an H1 title, a blockquote summary, then H2 sections of link lists.
    assert_eq!(lines[0], "# Uutishuone");
    assert_eq!(lines[2], "> Uusimmat tiedotteet");
    assert!(text.contains("\n## Uusimmat tiedotteet\n"), "{text}");
    let releases: Vec<&str> = lines.iter().filter(|l| l.contains("?format=md)")).copied().collect();
    assert_eq!(releases.len(), 7, "every public seed release, newest first: {text}");
    assert!(releases[0].contains("/releases/2025-06-25-konttisairaala?format=md)"), "newest first: {}", releases[0]);
    assert!(releases[6].contains("/releases/2018-11-30-kymsote-kehitysohjelma?format=md)"), "{}", releases[6]);
    // Every linked Markdown representation is there.
    for line in &releases {
        let url = line.split("](").nth(1).and_then(|r| r.split(')').next()).expect("a link");
        let path = url.strip_prefix("http://127.0.0.1:8787").expect("absolute on this origin");
        let md = get(&kv, None, path);
        assert_eq!(md.status, 200, "{path}");
        assert_eq!(md.header("content-type"), Some("text/markdown; charset=utf-8"), "{path}");
    }
    for section in ["## Syötteet", "## Rajapinta"] {
        assert!(text.contains(section), "{section} in {text}");
    }
    assert!(text.contains("(http://127.0.0.1:8787/feed.xml)") && text.contains("/openapi.json)"), "{text}");
    let search = get(&kv, None, "/search?q=&format=json");
    assert_eq!((search.status, search.header("content-type")), (200, Some("application/json; charset=utf-8")));
}

#[test]
fn llms_txt_on_a_publisher_host_speaks_for_that_publisher() {
    let kv = kv();
    let r = get(&kv, Some(PUBLISHER_HOST), "/llms.txt");
    assert_eq!(r.status, 200);
    let text = String::from_utf8(r.body).expect("UTF-8");
    assert!(text.starts_with("# Kymenlaakson hyvinvointialue\n"), "{text}");
    let links: Vec<&str> = text.lines().filter(|l| l.contains("?format=md)")).collect();
    assert_eq!(links.len(), 6, "only its own releases: {text}");
    assert!(links.iter().all(|l| l.contains(&format!("({PUBLISHER_HOST}/releases/"))), "{links:?}");
    assert!(!text.contains("kymsote-kehitysohjelma"), "{text}");
}

#[test]
fn the_icon_is_the_default_on_the_main_site_and_the_logo_on_a_publisher_host() {
    let kv = kv();
    let main = get(&kv, None, "/favicon.ico");
    assert_eq!(main.status, 200);
    assert_eq!(main.header("content-type"), Some("image/svg+xml"));
    assert_eq!(main.header("cache-control"), Some("public, max-age=86400, s-maxage=86400"));
    assert!(String::from_utf8_lossy(&main.body).starts_with("<svg"), "an SVG document");
    let own = get(&kv, Some(PUBLISHER_HOST), "/favicon.ico");
    assert_eq!(own.status, 200);
    assert_eq!(own.header("content-type"), Some("image/png"));
    let pixel =
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/e2e-media/e2e-pixel.png"))
            .expect("fixture");
    assert_eq!(own.body, pixel, "the publisher's logo itself");
    // Every page declares it.
    let page = String::from_utf8(get(&kv, None, "/").body).expect("UTF-8");
    assert!(page.contains(r#"<link rel="icon" href="/favicon.ico">"#), "{page}");
}
