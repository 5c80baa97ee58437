//! End-to-end tests against the compiled worker in workerd with real local KV.
//!
//! Run by `scripts/e2e.sh` (part of `make test`), which loads `content/` and
//! `tests/fixtures/kv-damaged.json` into KV and sets `NEWSROOM_E2E_URL`. They are `#[ignore]`d
//! so that a plain `cargo test` stays native; without the variable they fail, never pass.

mod common;
/// The browser editor's files and its GitHub sign-in (run 1, and run 10 for `run10_*`).
#[path = "e2e/editor_http.rs"]
mod editor_http;
#[path = "common/openapi.rs"]
mod openapi;
/// Run 9: failed mail reported and sent again, the bounce webhook, the form's timing, a
/// subscriber's own page.
#[path = "e2e/run9_mail.rs"]
mod run9_mail;
#[path = "e2e/social.rs"]
mod social;
#[path = "e2e/video.rs"]
mod video;

use std::collections::BTreeSet;

use common::{attrs, texts};
use scraper::Html;
use serde_json::Value;

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn html(&self) -> Html {
        assert!(self.header("content-type").unwrap_or("").starts_with("text/html"), "not HTML: {:?}", self.headers);
        Html::parse_document(&self.body)
    }

    fn json(&self) -> Value {
        assert_eq!(self.header("content-type"), Some("application/json; charset=utf-8"));
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", self.body))
    }
}

fn base() -> String {
    std::env::var("NEWSROOM_E2E_URL").expect("NEWSROOM_E2E_URL is set by scripts/e2e.sh")
}

fn request(method: &str, path: &str, accept: Option<&str>) -> Reply {
    request_with(method, path, accept.map(|a| ("Accept", a)).as_slice())
}

fn request_with(method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = ureq::request(method, &format!("{}{path}", base()));
    for (name, value) in headers {
        req = req.set(name, value);
    }
    reply(method, path, req.call())
}

/// The status, headers and body of an answer (an HTTP error status is an answer too).
fn reply(method: &str, what: &str, answer: Result<ureq::Response, ureq::Error>) -> Reply {
    let resp = match answer {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {what}: {e}"),
    };
    let status = resp.status();
    let headers =
        resp.headers_names().into_iter().map(|n| (n.clone(), resp.header(&n).unwrap_or("").to_string())).collect();
    // HEAD, 204 and 304 have no body (and workerd sends no length for them).
    let body = if method == "HEAD" || status == 304 || status == 204 {
        String::new()
    } else {
        resp.into_string().expect("UTF-8 body")
    };
    Reply { status, headers, body }
}

fn get(path: &str) -> Reply {
    request("GET", path, Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"))
}

fn get_json(path: &str) -> Reply {
    request("GET", path, Some("application/json"))
}

const FULL: &str = "/releases/2024-11-27-ohjausneuvottelut";
const FULL_TITLE: &str = "Kymenlaakson hyvinvointialueelta odotetaan määrätietoisia toimia peruspalvelujen uudistamiseen, digitaalisten palvelujen kasvattamiseen ja talouden tasapainottamiseen";

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn front_page_lists_every_release_newest_first() {
    let r = get("/");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("vary"), Some("Accept"));
    let doc = r.html();
    assert_eq!(attrs(&doc, "html", "lang"), ["fi"]);
    assert_eq!(texts(&doc, "h1"), ["Uusimmat tiedotteet"]);
    let titles = texts(&doc, "main li h3");
    assert_eq!(titles.len(), 7, "{titles:?}");
    assert_eq!(
        titles[0],
        "Kymenlaakson keskussairaalalla uusia väistöjärjestelyjä – konttisairaala aloittaa toimintansa elokuussa"
    );
    assert_eq!(titles[5], FULL_TITLE);
    assert_eq!(titles[6], "Kymsote tähtää kehitystyöllä Suomen sote-huipuksi");
    let times = texts(&doc, "main li time");
    assert_eq!(times[0], "25.6.2025 10:02:11 EEST");
    assert_eq!(attrs(&doc, "main li time", "datetime")[0], "2025-06-25T10:02:11+03:00");
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn front_page_as_json() {
    let v = get_json("/").json();
    assert_eq!(v["api_version"], 1);
    assert_eq!(v["total"], 7);
    let first = &v["releases"][0];
    assert_eq!(first["published_at"], "2025-06-25T10:02:11+03:00");
    assert_eq!(first["publisher"]["name"], "Kymenlaakson hyvinvointialue");
    assert_eq!(first["type"], "tiedote");
    assert_eq!(v["releases"][6]["published_at"], "2018-11-30T00:00:00+02:00");
    assert_eq!(v["releases"][6]["published_precision"], "day");
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn the_full_release_page() {
    let r = get(FULL);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-language"), Some("fi"));
    let doc = r.html();
    assert_eq!(attrs(&doc, "html", "lang"), ["fi"]);
    assert_eq!(texts(&doc, "h1"), [FULL_TITLE]);
    assert_eq!(texts(&doc, "article > p.meta time"), ["27.11.2024"]);
    assert!(texts(&doc, "p.lead")[0].starts_with("Hyvinvointialueiden lakisääteiset ohjausneuvottelut"));
    let paragraphs = texts(&doc, "article > p");
    assert!(paragraphs.iter().any(|p| p.starts_with("– Olemme talousraportoinneissa")), "{paragraphs:?}");
    assert!(paragraphs
        .iter()
        .any(|p| p.contains("”STM:n selvitys hyvinvointialueen sosiaali- ja terveydenhuollon järjestämisestä 2024”")));
    assert_eq!(texts(&doc, "article > ul > li").len(), 3);
    assert_eq!(
        texts(&doc, "h2"),
        [
            "Avainsanat",
            "Yhteyshenkilöt",
            "Kymenlaakson hyvinvointialue",
            "Lue lisää julkaisijalta Kymenlaakson hyvinvointialue"
        ]
    );
    assert_eq!(texts(&doc, "ul.tags li"), ["ohjausneuvottelut", "hyvinvointialue", "sote"]);
    assert_eq!(attrs(&doc, "#contacts + ul a", "href"), ["tel:0206332113", "mailto:harri.hagman@kymenhva.fi"]);
    assert!(texts(&doc, ".boilerplate p")[0].starts_with("Järjestämme Kymenlaakson sosiaali- ja terveydenhuollon"));
    let more = attrs(&doc, "aside li h3 a", "href");
    assert_eq!(more.len(), 5);
    assert!(!more.contains(&FULL.to_string()));
    assert_eq!(more[0], "/releases/2025-06-25-konttisairaala");
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn a_lead_only_release_says_so_and_shows_its_time_in_eest() {
    let doc = get("/releases/2025-06-10-yhteistoimintaneuvottelut").html();
    assert_eq!(texts(&doc, "h1"), ["Hyvinvointialue aloittaa yhteistoimintaneuvottelut 16.6.2025"]);
    assert_eq!(texts(&doc, "article > p.meta time"), ["10.6.2025 13:41:29 EEST"]);
    assert_eq!(texts(&doc, "p.notice"), ["Tästä julkaisusta on saatavilla vain ingressi."]);
    assert!(texts(&doc, "article h2").iter().all(|h| h != "Avainsanat"), "no empty keyword section");
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn the_release_as_json_by_accept_and_by_query() {
    let by_accept = get_json(FULL);
    let by_query = request("GET", &format!("{FULL}?format=json"), None);
    assert_eq!(by_accept.status, 200);
    assert_eq!(by_accept.header("vary"), Some("Accept"));
    assert_eq!(by_accept.body, by_query.body);
    let v = by_accept.json();
    assert_eq!(v["title"], FULL_TITLE);
    assert_eq!(v["published_at"], "2024-11-27T00:00:00+02:00");
    assert_eq!(v["keywords"][2]["slug"], "sote");
    assert_eq!(v["contacts"][0]["phone"], "020 633 2113");
    assert_eq!(v["more_from_publisher"].as_array().map(Vec::len), Some(5));
    assert!(v["body_html"].as_str().unwrap_or("").contains("<li>Alueen on konkretisoitava"));
    assert!(v["body_markdown"].as_str().unwrap_or("").starts_with("Kymenlaaksolle neuvottelut"));
    assert_eq!(v["url"], format!("{}{FULL}", base()));
}

/// Clients that put `charset=utf-8` in `Accept` (Java's and .NET's JSON defaults) get the
/// representation they name; a parameter we never produce still gets a 406.
#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn accept_ranges_with_a_charset_get_their_representation() {
    for (accept, status, content_type) in [
        ("application/json; charset=utf-8", 200, Some("application/json; charset=utf-8")),
        ("application/json;charset=UTF-8, */*;q=0.1", 200, Some("application/json; charset=utf-8")),
        ("text/html; charset=utf-8", 200, Some("text/html; charset=utf-8")),
        ("text/markdown; charset=\"utf-8\"", 200, Some("text/markdown; charset=utf-8")),
        ("text/html;level=1", 406, None),
    ] {
        let r = request("GET", FULL, Some(accept));
        assert_eq!(r.status, status, "{accept}");
        if let Some(content_type) = content_type {
            assert_eq!(r.header("content-type"), Some(content_type), "{accept}");
        }
    }
}

/// `/llms.txt` and the icon, through workerd: the Markdown file names the newest release's
/// Markdown, and the icon every page declares is an image.
#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn llms_txt_and_the_icon() {
    let r = request("GET", "/llms.txt", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/markdown; charset=utf-8"));
    let text = r.body.clone();
    assert!(text.starts_with("# "), "{text}");
    assert!(text.contains(&format!("{}/releases/2025-06-25-konttisairaala?format=md)", base())), "{text}");
    let icon = request("GET", "/favicon.ico", None);
    assert_eq!(icon.status, 200);
    assert_eq!(icon.header("content-type"), Some("image/svg+xml"));
    assert_eq!(icon.header("cache-control"), Some("public, max-age=86400, s-maxage=86400"));
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn publisher_pages() {
    let doc = get("/publishers/kymsote").html();
    assert_eq!(texts(&doc, "h1"), ["Kymsote"]);
    assert_eq!(texts(&doc, "main li h3"), ["Kymsote tähtää kehitystyöllä Suomen sote-huipuksi"]);
    let v = get_json("/publishers/kymenlaakson-hyvinvointialue").json();
    assert_eq!(v["total"], 6);
    assert_eq!(v["time_zone"], "Europe/Helsinki");
    assert_eq!(v["contacts"][0]["email"], "harri.hagman@kymenhva.fi");
    let kymsote = get("/releases/2018-11-30-kymsote-kehitysohjelma").html();
    assert_eq!(texts(&kymsote, "article > p.meta"), ["Kymsote · 30.11.2018 · Artikkeli"]);
    assert_eq!(texts(&kymsote, "article h2"), ["Keskitetty kehitystyö tuo hyötyjä koko maakunnalle", "Avainsanat"]);
    assert!(texts(&kymsote, "aside").is_empty(), "Kymsote has no other releases");
}

/// Content pages through workerd: the seed's statement and notice in three representations,
/// linked from the footer of every page type in its language, in the sitemap, never in a
/// list or a feed; the form links the notice.
#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn content_pages_answer_and_every_page_links_them() {
    let page = get("/pages/tietosuojaseloste");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.header("last-modified").is_some() && page.header("etag").is_some());
    let h1 = scraper::Selector::parse("h1").expect("selector");
    let h1: Vec<String> = page.html().select(&h1).map(|h| h.text().collect::<String>()).collect();
    assert_eq!(h1, ["Tietosuojaseloste"]);
    let json = get_json("/pages/tietosuojaseloste");
    let v: serde_json::Value = serde_json::from_str(&json.body).expect("JSON");
    let what = (v["kind"].as_str(), v["role"].as_str(), v["language"].as_str());
    assert_eq!(what, (Some("page"), Some("privacy-notice"), Some("fi")));
    assert_eq!(v["translations"][0]["slug"], "dataskyddsbeskrivning");
    let md = request("GET", "/pages/tillganglighetsutlatande", Some("text/markdown"));
    assert_eq!(md.header("content-type"), Some("text/markdown; charset=utf-8"));
    assert!(md.body.starts_with("# Tillgänglighetsutlåtande\n\nSenast uppdaterad "), "{}", md.body);

    let footer = |path: &str| {
        let r = get(path);
        assert_eq!(r.status, 200, "{path}");
        let links = scraper::Selector::parse("footer nav.pages a").expect("selector");
        r.html().select(&links).filter_map(|a| a.value().attr("href").map(str::to_string)).collect::<Vec<_>>()
    };
    let fi = ["/pages/saavutettavuusseloste", "/pages/tietosuojaseloste"];
    for path in [
        "/",
        "/releases/2024-11-27-ohjausneuvottelut",
        "/publishers/kymsote",
        "/keywords",
        "/archive",
        "/search?q=sote",
        "/subscribe",
        "/publishers/kymenlaakson-hyvinvointialue/media",
        "/pages/tietosuojaseloste",
    ] {
        assert_eq!(footer(path), fi, "{path}");
    }
    let sv = ["/pages/tillganglighetsutlatande", "/pages/dataskyddsbeskrivning"];
    assert_eq!(footer("/pages/dataskyddsbeskrivning"), sv);
    let missing = get("/releases/ei-ole");
    assert!(missing.status == 404 && missing.body.contains("/pages/saavutettavuusseloste"), "the 404 page too");
    let form = get("/subscribe");
    assert!(form.body.contains("tietosuojaselosteessa: <a href=\"/pages/tietosuojaseloste\">"), "{}", form.body);

    assert!(get("/sitemaps/0.xml").body.contains("/pages/dataskyddsbeskrivning</loc>"));
    for feed in ["/feed.xml", "/atom.xml", "/feed.json", "/publishers/kymenlaakson-hyvinvointialue/feed.xml"] {
        assert!(!get(feed).body.contains("/pages/"), "{feed}");
    }
    assert!(!get_json("/").body.contains("/pages/"), "not in a release list");
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn every_internal_link_resolves() {
    let (mut seen, mut downloads) = (BTreeSet::new(), BTreeSet::new());
    let mut queue = vec!["/".to_string()];
    while let Some(path) = queue.pop() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let r = get(&path);
        assert_eq!(r.status, 200, "{path}");
        let page = r.html();
        for href in attrs(&page, "a[href^='/']:not([type]):not([download])", "href") {
            queue.push(href);
        }
        downloads.extend(attrs(&page, "a[href^='/'][download]", "href"));
    }
    assert!(seen.len() >= 14, "{seen:?}");
    // Downloads (full-size photos, attachments, vCards) are files, not pages: each answers.
    assert!(downloads.iter().any(|d| d.ends_with(".vcf")), "{downloads:?}");
    for href in &downloads {
        let r = ureq::get(&format!("{}{href}", base())).call().unwrap_or_else(|e| panic!("{href}: {e}"));
        assert_eq!(r.status(), 200, "{href}");
    }
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn errors_by_negotiation() {
    let r = get("/no/such/page");
    assert_eq!(r.status, 404);
    assert_eq!(texts(&r.html(), "h1"), ["Virhe 404"]);
    let v = get_json("/releases/does-not-exist").json();
    assert_eq!(v["error"]["status"], 404);
    assert_eq!(v["error"]["code"], "not_found");
    assert_eq!(get("/releases/Bad_Slug").status, 404);

    let post = request("POST", FULL, None);
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD, OPTIONS"));

    let png = request("GET", FULL, Some("image/png"));
    assert_eq!(png.status, 406);
    for t in ["text/html", "application/json", "text/markdown"] {
        assert!(png.body.contains(t), "{t} listed in the body");
        assert!(png.header("link").unwrap_or("").contains(&format!("type=\"{t}\"")), "{t} listed in Link");
    }

    let bad = request("GET", &format!("{FULL}?format=xml"), Some("application/json"));
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["code"], "bad_request");
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn head_has_headers_and_no_body() {
    // Raw HTTP/1.1 with `Connection: close`, so "no body" is observable as EOF after the headers.
    use std::io::{Read, Write};
    let host = base().trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&host).expect("connect");
    write!(stream, "HEAD {FULL} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").expect("send");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read");
    let (head, body) = raw.split_once("\r\n\r\n").expect("header end");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(body, "", "HEAD must not send a body");
    let get = request("GET", FULL, None);
    for name in ["content-type", "cache-control", "vary", "content-language"] {
        let line = format!("{name}: {}", get.header(name).expect("GET has it")).to_lowercase();
        assert!(head.to_lowercase().contains(&line), "{line} missing from HEAD:\n{head}");
    }
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn damaged_records_fail_alone() {
    for slug in ["broken-json", "future-schema", "wrong-shape", "not-utf8", "other-slug", "missing-fields"] {
        let r = get_json(&format!("/releases/{slug}"));
        assert_eq!(r.status, 500, "{slug}: {}", r.body);
        assert_eq!(r.header("cache-control"), Some("no-store"));
        let v = r.json();
        assert_eq!(v["error"]["code"], "damaged_record", "{slug}");
        let html = get(&format!("/releases/{slug}"));
        assert_eq!(html.status, 500);
        assert_eq!(texts(&html.html(), "h1"), ["Virhe 500"]);
    }
    // A damaged publisher record costs the release only its boilerplate and "more from".
    let r = get("/releases/damaged-publisher");
    assert_eq!(r.status, 200);
    let doc = r.html();
    assert_eq!(texts(&doc, "h1"), ["Fixture damaged-publisher"]);
    assert!(texts(&doc, ".boilerplate").is_empty());
    // And the rest of the site is unaffected.
    assert_eq!(get(FULL).status, 200);
}

const FEEDS: [&str; 9] = [
    "/feed.xml",
    "/atom.xml",
    "/feed.json",
    "/publishers/kymenlaakson-hyvinvointialue/feed.xml",
    "/publishers/kymsote/atom.xml",
    "/publishers/kymenlaakson-hyvinvointialue/feed.json",
    "/keywords/sote/feed.xml",
    "/keywords/sote/atom.xml",
    "/keywords/ohjausneuvottelut/feed.json",
];

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn every_feed_parses_and_matches_the_json_api() {
    for path in FEEDS {
        let r = get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        let feed = feed_rs::parser::parse(r.body.as_bytes()).unwrap_or_else(|e| panic!("{path}: {e}"));
        // The HTML/JSON list of the same scope names the same releases in the same order.
        let scope = path.rsplit_once('/').map(|(s, _)| s).unwrap_or("");
        let list = get_json(if scope.is_empty() { "/" } else { scope }).json();
        let expected: Vec<&str> =
            list["releases"].as_array().expect("list").iter().filter_map(|s| s["url"].as_str()).collect();
        let got: Vec<&str> = feed.entries.iter().map(|e| e.links[0].href.as_str()).collect();
        assert_eq!(got, expected, "{path}");
        for (entry, summary) in feed.entries.iter().zip(list["releases"].as_array().expect("list")) {
            assert_eq!(entry.title.as_ref().map(|t| t.content.as_str()), summary["title"].as_str());
            let published = chrono::DateTime::parse_from_rfc3339(summary["published_at"].as_str().expect("time"))
                .expect("RFC 3339");
            assert_eq!(entry.published.map(|p| p.timestamp()), Some(published.timestamp()), "{path}");
            assert!(
                entry.content.as_ref().and_then(|c| c.body.as_ref()).is_some_and(|b| b.starts_with('<')),
                "{path}: HTML body"
            );
        }
    }
    let rss = rss::Channel::read_from(get("/feed.xml").body.as_bytes()).expect("RSS");
    assert_eq!(rss.items().len(), 7);
    assert_eq!(rss.items()[5].content().map(|c| c.contains("<li>Alueen on konkretisoitava")), Some(true));
    let atom = atom_syndication::Feed::read_from(get("/atom.xml").body.as_bytes()).expect("Atom");
    assert_eq!(atom.entries().len(), 7);
    assert_eq!(get("/keywords/nothing-here/feed.xml").status, 404);
    assert_eq!(get("/feed.json?limit=2").json_feed_items(), 2);
}

impl Reply {
    fn json_feed_items(&self) -> usize {
        assert_eq!(self.header("content-type"), Some("application/feed+json; charset=utf-8"));
        let v: Value = serde_json::from_str(&self.body).expect("JSON Feed");
        v["items"].as_array().map_or(0, Vec::len)
    }
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn revalidation_answers_304_for_pages_and_feeds() {
    for path in ["/", FULL, "/feed.xml", "/keywords/sote/atom.xml", "/publishers/kymsote"] {
        let first = get(path);
        let etag = first.header("etag").expect("ETag").to_string();
        let last_modified = first.header("last-modified").expect("Last-Modified").to_string();
        let again = request_with("GET", path, &[("If-None-Match", &etag)]);
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        for h in ["etag", "cache-control", "vary", "last-modified"] {
            assert_eq!(again.header(h), first.header(h), "{path}: {h}");
        }
        let since = request_with("GET", path, &[("If-Modified-Since", &last_modified)]);
        assert_eq!(since.status, 304, "{path}");
        let stale = request_with("GET", path, &[("If-None-Match", "\"old\"")]);
        assert_eq!(stale.status, 200, "{path}");
        assert_eq!(stale.body, first.body);
    }
    let html = get(FULL).header("etag").map(str::to_string);
    let json = get_json(FULL).header("etag").map(str::to_string);
    assert_ne!(html, json, "representations have different ETags");
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn a_repeated_request_is_served_from_the_isolates_memory() {
    let path = "/releases/2025-06-23-diagnoositiedot?format=json";
    let first = request("GET", path, None);
    let second = request("GET", path, None);
    assert!(second.header("server-timing").is_some_and(|t| t.starts_with("cache;desc=memory")), "{second:?}");
    assert_eq!((second.header("x-cache"), second.header("x-kv-reads")), (Some("hit"), Some("0")));
    assert_eq!(second.body, first.body);
    assert_eq!(second.header("etag"), first.header("etag"));
    assert!(second.header("age").is_some_and(|a| a.parse::<u32>().is_ok()), "a copy says its age");
    let revalidated = request_with("GET", path, &[("If-None-Match", first.header("etag").expect("ETag"))]);
    assert_eq!((revalidated.status, revalidated.header("x-cache")), (304, Some("hit")));
    assert!(revalidated.body.is_empty() && revalidated.header("content-type").is_none());
    let head = request("HEAD", path, None);
    assert_eq!((head.status, head.header("x-cache"), head.body.len()), (200, Some("hit"), 0));
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn cors_preflight_and_canonical_redirects() {
    let pre = request_with(
        "OPTIONS",
        "/feed.json",
        &[("Origin", "https://app.example"), ("Access-Control-Request-Method", "GET")],
    );
    assert_eq!(pre.status, 204);
    assert_eq!(pre.header("access-control-allow-origin"), Some("*"));
    assert!(pre.header("access-control-allow-methods").is_some_and(|m| m.contains("GET")));
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let r = match agent.get(&format!("{}/Releases/{}/", base(), FULL.trim_start_matches("/releases/"))).call() {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(r.status(), 308);
    assert_eq!(r.header("location"), Some(FULL));
    let doc = get("/keywords").html();
    assert_eq!(texts(&doc, "ul.tags li a"), ["hyvinvointialue", "ohjausneuvottelut", "sote"]);
    let sote = get_json("/keywords/sote").json();
    assert_eq!(sote["total"], 2);
    assert_eq!(sote["keyword"]["label"], "sote");
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn crawlers_find_sitemaps_and_article_metadata() {
    let robots = request("GET", "/robots.txt", None);
    assert_eq!(robots.status, 200);
    assert!(robots.body.contains(&format!("Sitemap: {}/sitemap.xml", base())));
    let index = get("/sitemap.xml");
    let doc = roxmltree::Document::parse(&index.body).expect("sitemap index XML");
    let parts: Vec<String> =
        doc.descendants().filter(|n| n.has_tag_name("loc")).filter_map(|n| n.text().map(str::to_string)).collect();
    assert_eq!(parts.len(), 2);
    let mut urls = Vec::new();
    for part in &parts {
        let path = part.strip_prefix(&base()).expect("same origin");
        let xml = get(path).body;
        let doc = roxmltree::Document::parse(&xml).expect("urlset XML");
        urls.extend(doc.descendants().filter(|n| n.has_tag_name("loc")).filter_map(|n| n.text().map(str::to_string)));
    }
    assert!(urls.contains(&format!("{}{FULL}", base())));
    for url in &urls {
        assert_eq!(get(url.strip_prefix(&base()).expect("same origin")).status, 200, "{url}");
    }
    let page = get(FULL).html();
    let ld = texts(&page, "script[type='application/ld+json']");
    let v: Value = serde_json::from_str(&ld[0]).expect("JSON-LD");
    assert_eq!(v["headline"], FULL_TITLE);
    assert_eq!(attrs(&page, "meta[property='og:type']", "content"), ["article"]);
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn search_from_the_edge() {
    let r = get("/search?q=p%C3%A4ivystyksiss%C3%A4");
    assert_eq!(r.status, 200);
    let doc = r.html();
    assert_eq!(texts(&doc, "main li h3"), ["Juhannus sujui Kymenlaakson päivystyksissä rauhallisissa merkeissä"]);
    assert_eq!(texts(&doc, "main li h3 mark"), ["päivystyksissä"]);
    let v = get_json("/search?q=hyvinvointialue&year=2025").json();
    assert_eq!(v["total"], 3);
    let reads: usize =
        get_json("/search?q=sote+palvelut").header("x-kv-reads").and_then(|n| n.parse().ok()).unwrap_or(99);
    assert!(reads <= 4, "{reads} KV reads: two shards, the delta and one documents chunk");
    assert_eq!(request("GET", "/search?q=sote&page=0", None).status, 400);
    let first = |q: &str| get_json(&format!("/search?q={q}")).json()["results"][0]["slug"].clone();
    assert_eq!(first("digitaalisten"), "2024-11-27-ohjausneuvottelut");
    assert_eq!(first("Hagman"), "2024-11-27-ohjausneuvottelut");
    assert_eq!(first("konttisairaala"), "2025-06-25-konttisairaala");
    assert_eq!(first("paivystys"), "2025-06-23-juhannus-paivystyksissa", "folded: päivystyksissä");
}

const SCHEDULED: &str = "/releases/e2e-scheduled-fixture";

fn preview_token(slug: &str, hours: i64) -> String {
    let secret = std::env::var("NEWSROOM_E2E_PREVIEW_SECRET").expect("set by scripts/e2e.sh");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock after 1970");
    let now = chrono::DateTime::from_timestamp(now.as_secs() as i64, 0).expect("clock in range");
    let expires = now + chrono::Duration::hours(hours);
    contract::preview::sign(secret.as_bytes(), slug, expires).expect("long enough test secret")
}

/// `newsroom media …` against this run's local D1, with the run's preview secret.
fn media_cli(args: &[&str]) -> std::process::Output {
    let state = std::env::var("NEWSROOM_E2E_STATE").expect("set by scripts/e2e.sh");
    let secret = std::env::var("NEWSROOM_E2E_PREVIEW_SECRET").expect("set by scripts/e2e.sh");
    common::newsroom_command(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
        .env("PREVIEW_SECRET", secret)
        .arg("media")
        .args(args)
        .args(["--persist-to", &state, "--content", "target/e2e-content"])
        .output()
        .expect("runs")
}

/// A journalist on a publisher's media list: the personal key opens that publisher's
/// releases under embargo (page, JSON, private feeds) and nothing else, is counted, and
/// answers 404 once revoked; public routes never change.
#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn a_journalists_key_opens_the_publishers_embargoed_releases_until_revoked() {
    let add = |address: &str| {
        let added = media_cli(&["add", address, "--publisher", "kymsote", "--name", "Maija Toimittaja"]);
        let said = String::from_utf8_lossy(&added.stderr);
        assert!(added.status.success(), "{said}");
        assert!(said.contains("note: no --until, so this access never ends by itself"), "said so: {said}");
        let link = String::from_utf8_lossy(&added.stdout).trim().to_string();
        link.split("/embargo/").nth(1).and_then(|rest| rest.strip_suffix("/feed.xml")).expect("a feed link").to_string()
    };
    let key = add("toimittaja@example.fi");
    let personal = format!("/embargo/{key}");

    let page = get(&format!("{personal}{SCHEDULED}"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.header("cache-control"), Some("private, no-store"));
    assert_eq!(page.header("x-robots-tag"), Some("noindex, nofollow"));
    let doc = page.html();
    assert_eq!(texts(&doc, "h1"), ["Testiaineisto: ajastettu tiedote"]);
    assert!(texts(&doc, ".embargo").first().is_some_and(|b| b.contains("embargo päättyy 1.1.2099")), "{}", page.body);
    let json = get_json(&format!("{personal}{SCHEDULED}"));
    assert_eq!((json.status, json.json()["slug"].as_str()), (200, Some("e2e-scheduled-fixture")), "{}", json.body);

    // The private feeds: only the publisher's releases still under embargo, linked through the key.
    let rss = get(&format!("{personal}/feed.xml"));
    assert_eq!((rss.status, rss.header("cache-control")), (200, Some("private, no-store")), "{}", rss.body);
    let channel = rss::Channel::read_from(rss.body.as_bytes()).expect("RSS");
    let links: Vec<&str> = channel.items().iter().filter_map(|i| i.link()).collect();
    assert!(links.contains(&format!("{}{personal}{SCHEDULED}", base()).as_str()), "{links:?}");
    assert!(links.iter().all(|l| l.starts_with(&format!("{}{personal}/releases/", base()))), "{links:?}");
    assert!(get("/publishers/kymsote/feed.xml").body.contains("2018-11-30-kymsote-kehitysohjelma"), "public");
    assert!(
        !links.iter().any(|l| l.contains("2018-11-30-kymsote-kehitysohjelma")),
        "a public release is not under embargo"
    );
    for file in ["atom.xml", "feed.json"] {
        let r = get(&format!("{personal}/{file}"));
        assert_eq!(r.status, 200, "{file}: {}", r.body);
        let feed = feed_rs::parser::parse(r.body.as_bytes()).expect(file);
        assert!(feed.entries.iter().any(|e| e.links.iter().any(|l| l.href.ends_with(SCHEDULED))), "{file}");
    }
    // Nothing else opens: another publisher's release, a tampered key, one journalist's MAC
    // on another's row, a malformed key, a page the key does not stand for.
    let other = add("toinen@example.fi");
    let mac = key.rsplit('.').next().expect("mac");
    let (other_row, _) = other.rsplit_once('.').expect("row.mac");
    let borrowed = format!("{other_row}.{mac}");
    let mut tampered = key.clone();
    let last = if tampered.ends_with('0') { "1" } else { "0" };
    tampered.replace_range(tampered.len() - 1.., last);
    for path in [
        format!("{personal}/releases/2024-11-27-ohjausneuvottelut"),
        format!("/embargo/{tampered}{SCHEDULED}"),
        format!("/embargo/{borrowed}{SCHEDULED}"),
        format!("/embargo/x{SCHEDULED}"),
        format!("/embargo/{tampered}/feed.xml"),
        format!("{personal}/publishers/kymsote"),
    ] {
        let r = get(&path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.body.contains("ajastettu"), "{path} leaked the release");
    }
    assert_eq!(get(&format!("/embargo/{other}{SCHEDULED}")).status, 200, "the other journalist's own key works");
    assert_eq!(get(SCHEDULED).status, 404, "the public page stays hidden");
    assert!(!get("/publishers/kymsote/feed.xml").body.contains("e2e-scheduled-fixture"));

    // Opens are a number per key: the page and its JSON, not the refusals.
    let list = media_cli(&["list", "--publisher", "kymsote"]);
    let listed = String::from_utf8_lossy(&list.stdout);
    let row = listed.lines().find(|l| l.contains("toimittaja@example.fi")).expect("listed");
    assert!(row.ends_with("\tactive\t2"), "{row}");
    // Revoked: the same 404 from the next request on; added again, a new key, the old one dead.
    let revoked = media_cli(&["revoke", "toimittaja@example.fi", "--publisher", "kymsote"]);
    assert!(revoked.status.success(), "{}", String::from_utf8_lossy(&revoked.stderr));
    for path in [format!("{personal}{SCHEDULED}"), format!("{personal}/feed.xml")] {
        assert_eq!(get(&path).status, 404, "{path} after revoke");
    }
    let renewed = add("toimittaja@example.fi");
    assert_ne!(renewed, key, "a new key after a revoke");
    assert_eq!(get(&format!("/embargo/{renewed}{SCHEDULED}")).status, 200);
    assert_eq!(get(&format!("{personal}{SCHEDULED}")).status, 404, "the revoked key stays dead");
    let again = media_cli(&["revoke", "nobody@example.fi", "--publisher", "kymsote"]);
    assert!(!again.status.success(), "revoking an address not on the list fails");

    // Erased on request (GDPR Article 17): the row is gone, and so is the key at once.
    let erased = add("poistettava@example.fi");
    assert_eq!(get(&format!("/embargo/{erased}{SCHEDULED}")).status, 200);
    let deleted = media_cli(&["delete", "poistettava@example.fi", "--publisher", "kymsote"]);
    assert!(deleted.status.success(), "{}", String::from_utf8_lossy(&deleted.stderr));
    assert_eq!(get(&format!("/embargo/{erased}{SCHEDULED}")).status, 404, "an erased journalist's key");
    let list = media_cli(&["list", "--publisher", "kymsote"]);
    assert!(!String::from_utf8_lossy(&list.stdout).contains("poistettava@example.fi"), "erased from the list");
    let again = media_cli(&["delete", "poistettava@example.fi", "--publisher", "kymsote"]);
    assert!(!again.status.success(), "erasing an address not on the list fails");
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn a_scheduled_release_is_hidden_but_opens_with_a_valid_preview_token() {
    assert_eq!(get(SCHEDULED).status, 404);
    assert!(!get("/").body.contains("e2e-scheduled-fixture"));
    assert!(!get("/feed.xml").body.contains("e2e-scheduled-fixture"));

    let token = preview_token("e2e-scheduled-fixture", 1);
    let r = get(&format!("{SCHEDULED}?preview={token}"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("private, no-store"));
    assert_eq!(r.header("x-robots-tag"), Some("noindex, nofollow"));
    assert_eq!(r.header("x-cache"), Some("miss"));
    let doc = r.html();
    assert_eq!(texts(&doc, "h1"), ["Testiaineisto: ajastettu tiedote"]);
    let banner = texts(&doc, ".embargo");
    assert_eq!(banner.len(), 1);
    assert!(banner[0].starts_with("Esikatselu: embargo päättyy 1.1.2099"), "{banner:?}");

    // Tampered, expired, for another release, or malformed: the same 404 as no token.
    let mut tampered = token.clone();
    let last = if tampered.ends_with('0') { "1" } else { "0" };
    tampered.replace_range(tampered.len() - 1.., last);
    let other = preview_token("2024-11-27-ohjausneuvottelut", 1);
    let expired = preview_token("e2e-scheduled-fixture", -1);
    for bad in [tampered.as_str(), other.as_str(), expired.as_str(), "x", ""] {
        let r = get(&format!("{SCHEDULED}?preview={bad}"));
        assert_eq!(r.status, 404, "token {bad}");
        assert!(!r.body.contains("ajastettu"), "token {bad} leaked the release");
    }
    // A token never makes a preview cacheable: the next plain request is still a 404.
    assert_eq!(get(SCHEDULED).status, 404);
}

const DRAFT: &str = "/releases/e2e-draft-fixture";

/// A draft (`draft = true`) is uploaded as a record that only its preview link opens, with a
/// banner saying it is a draft and until when the link works; no public route shows it.
#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn a_draft_opens_only_with_its_preview_token_and_no_public_route_shows_it() {
    let r = get(DRAFT);
    assert_eq!(r.status, 404);
    assert!(!r.body.contains("luonnos"), "a 404 names nothing");
    let token = preview_token("e2e-draft-fixture", 2);
    let r = get(&format!("{DRAFT}?preview={token}"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("private, no-store"));
    assert_eq!(r.header("x-robots-tag"), Some("noindex, nofollow"));
    let doc = r.html();
    assert_eq!(texts(&doc, "h1"), ["Testiaineisto: luonnos"]);
    let banner = texts(&doc, ".embargo");
    assert_eq!(banner.len(), 1, "{banner:?}");
    assert!(banner[0].starts_with("Esikatselu: luonnos, jota ei ole julkaistu eikä ajastettu."), "{banner:?}");
    assert!(banner[0].contains("Tämä linkki toimii") && banner[0].ends_with("UTC asti."), "{banner:?}");
    let json = get_json(&format!("{DRAFT}?preview={token}"));
    assert_eq!(json.status, 200);
    assert_eq!(json.json()["title"], "Testiaineisto: luonnos");
    // Another release's token, an expired one, or none: the same 404.
    for bad in [preview_token("e2e-scheduled-fixture", 1), preview_token("e2e-draft-fixture", -1)] {
        assert_eq!(get(&format!("{DRAFT}?preview={bad}")).status, 404, "{bad}");
    }
    let public = [
        "/",
        "/?page=2",
        "/feed.xml",
        "/atom.xml",
        "/feed.json",
        "/publishers/kymsote",
        "/publishers/kymsote/feed.json",
        "/keywords",
        "/archive",
        "/archive/2025",
        "/search?q=luonnossanasto",
        "/search?q=luonnos",
        "/sitemap.xml",
        "/sitemaps/1.xml",
        "/news-sitemap.xml",
        "/llms.txt",
        "/healthz",
    ];
    for path in public {
        for r in [get(path), get_json(path)] {
            assert!(!r.body.contains("e2e-draft-fixture") && !r.body.contains("e2e-luonnos"), "{path} shows the draft");
            assert!(!r.body.contains("Testiaineisto: luonnos"), "{path} shows the draft's title");
        }
    }
    assert_eq!(get("/keywords/e2e-luonnos").status, 404, "its keyword has no public release");
    assert_eq!(get_json("/search?q=luonnossanasto").json()["total"], 0);
    assert_eq!(get(DRAFT).status, 404, "a token never makes the draft cacheable");
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn a_removed_release_answers_410_gone() {
    // scripts/e2e.sh published it, then published again without it.
    let r = get("/releases/e2e-removed-fixture");
    assert_eq!(r.status, 410);
    let doc = r.html();
    assert!(texts(&doc, "main").join(" ").contains("Testiaineisto: poistettu tiedote"), "{}", r.body);
    let v = get_json("/releases/e2e-removed-fixture").json();
    assert_eq!(v["error"]["code"], "gone");
    assert!(!get("/archive/2019").body.contains("e2e-removed-fixture"));
    assert_eq!(get("/releases/never-existed").status, 404);
}

/// When run 2's lift release goes public (scripts/e2e.sh writes it).
fn lift() -> chrono::DateTime<chrono::Utc> {
    let lift = std::env::var("NEWSROOM_E2E_LIFT").expect("set by scripts/e2e.sh");
    chrono::DateTime::parse_from_rfc3339(&lift).expect("RFC 3339").with_timezone(&chrono::Utc)
}

/// Fails when `lift` has passed: the checks made "before" it would prove nothing.
fn still_before(lift: chrono::DateTime<chrono::Utc>) {
    assert!((lift - utc_now()).num_seconds() > 0, "the lift passed before the check: raise E2E_LIFT_SECONDS");
}

/// Sleeps until a moment after `lift`.
fn sleep_past(lift: chrono::DateTime<chrono::Utc>) {
    std::thread::sleep((lift - utc_now()).to_std().unwrap_or_default() + std::time::Duration::from_millis(1500));
}

fn utc_now() -> chrono::DateTime<chrono::Utc> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock after 1970");
    chrono::DateTime::from_timestamp_millis(now.as_millis() as i64).expect("clock in range")
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn run2_a_scheduled_release_appears_at_its_lift_time_without_an_upload() {
    let lift = lift();
    let slug = "e2e-lift-fixture";
    let paths = [
        LIFTED.to_string(),
        "/".into(),
        "/publishers/kymsote".into(),
        "/keywords/e2e-testiaineisto".into(),
        "/keywords".into(),
        format!("/archive/{}", lift.format("%Y")),
        "/feed.xml".into(),
        "/atom.xml".into(),
        "/publishers/kymsote/feed.json".into(),
        "/search?q=testin+aikana".into(),
        "/news-sitemap.xml".into(),
        "/sitemaps/1.xml".into(),
    ];
    let left = (lift - utc_now()).num_seconds();
    assert!(left > 3, "scripts/e2e.sh took too long to start: the lift time has passed; raise E2E_LIFT_SECONDS");
    // The sitemap index names no release, but its lastmod changes at the lift.
    for path in paths.iter().map(String::as_str).chain(["/sitemap.xml"]) {
        let r = get(path);
        assert!(r.status == 404 || !r.body.contains(slug) && !r.body.contains("e2e-testiaineisto"), "{path} leaks");
        let lifetime = common::cache_lifetime(r.header("cache-control"), &format!("{path} ({})", r.status));
        // A copy from the Cache API says how old it is.
        let age: i64 = r.header("age").and_then(|a| a.parse().ok()).unwrap_or(0);
        let left = (lift - utc_now()).num_seconds();
        assert!(lifetime - age <= left + 1, "{path} may be cached {lifetime}s (age {age}), past the lift in {left}s");
    }
    sleep_past(lift);
    for path in &paths {
        let r = get(path);
        assert_eq!(r.status, 200, "{path} after the lift");
        assert!(r.body.contains(slug) || r.body.contains("e2e-testiaineisto"), "{path} still hides it after the lift");
    }
}

/// Runs the worker's Cron Trigger once (`wrangler dev --test-scheduled`), as Cloudflare does
/// every minute.
fn run_cron() {
    let r = trigger("/__scheduled?cron=*+*+*+*+*");
    assert_eq!(r.status, 200, "the scheduled handler failed: {}", r.body);
}

/// One run of the Cron Trigger as if `minutes` had passed (Miniflare's trigger route takes
/// the run's time; wrangler's `/__scheduled` does not).
fn run_cron_ahead(minutes: i64) {
    let at = utc_now() + chrono::Duration::minutes(minutes);
    let r = trigger(&format!("/cdn-cgi/handler/scheduled?cron=*+*+*+*+*&time={}", at.timestamp_millis()));
    assert_eq!(r.status, 200, "the scheduled handler failed: {}", r.body);
}

/// A GET to the mail Worker's own port, where `wrangler dev --test-scheduled` runs its Cron
/// Trigger (it has no public address: readers reach it through the `MAIL` binding).
fn trigger(path: &str) -> Reply {
    let mail = std::env::var("NEWSROOM_E2E_MAIL_WORKER").expect("set by scripts/e2e.sh");
    reply("GET", path, ureq::get(&format!("{mail}{path}")).call())
}

/// The go-live trigger: nothing before the lift; after it, exactly one ping for each URL of
/// each feed the release appears in (site, publisher, keyword); nothing on the next runs.
#[test]
#[ignore = "needs workerd: run scripts/e2e.sh (second run)"]
fn run2_the_cron_trigger_announces_a_release_once_after_its_moment() {
    let lift = lift();
    let hub = std::env::var("NEWSROOM_E2E_HUB").expect("set by scripts/e2e.sh");
    let (_, pings) = hub_stub_at(&hub);
    let taken = || std::mem::take(&mut *pings.lock().expect("lock"));
    run_cron();
    run_cron();
    std::thread::sleep(std::time::Duration::from_secs(2));
    still_before(lift);
    assert_eq!(taken(), Vec::<String>::new(), "nothing is announced before the moment");
    sleep_past(lift);
    // Two runs at once: the claim in D1 lets only one of them ping.
    let other = std::thread::spawn(run_cron);
    run_cron();
    other.join().expect("the other run");
    // The run may finish its pings after `/__scheduled` answers: wait for them, then a little
    // longer, so a duplicate would be seen.
    wait_for(|| (pings.lock().expect("lock").len() >= 12).then_some(()), "the pings after the lift");
    std::thread::sleep(std::time::Duration::from_secs(2));
    let mut first = taken();
    first.sort();
    let base = base();
    let mut expected: Vec<String> = ["", "/publishers/kymsote", "/keywords/e2e-testiaineisto"]
        .iter()
        .flat_map(|scope| ["feed.xml", "atom.xml", "feed.json", "feed"].map(|f| format!("{base}{scope}/{f}")))
        .collect();
    expected.sort();
    assert_eq!(first, expected, "one ping per URL of each of its feeds");
    run_cron();
    run_cron();
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(taken(), Vec::<String>::new(), "announced once: later runs ping nothing");
}

/// The stand-in for Postmark of runs 2 and 7, one for every test of the run (its port is fixed).
fn run2_mailbox() -> Mailbox {
    static MAILBOX: std::sync::OnceLock<Mailbox> = std::sync::OnceLock::new();
    MAILBOX.get_or_init(|| postmark_stub(&std::env::var("NEWSROOM_E2E_MAIL").expect("set by scripts/e2e.sh"))).clone()
}

/// Messages the mail stub received, each a Postmark message object (`From`, `To`, `Subject`,
/// `TextBody`, `HtmlBody`, `Headers`, ...).
type Mailbox = std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>;

/// How the Postmark stand-in answers right now: `0` as Postmark does; `1` it closes the
/// connection without an answer (a network failure); `2` it holds the connection for a
/// minute without answering (a time-out: the mail Worker gives up after `MAIL_API_TIMEOUT`);
/// any other value is the HTTP status it answers every request with (401 a rotated token,
/// 422 an unverified sender, 429, 500). Run 9 switches it (`e2e/run9_mail.rs`).
static STUB_REFUSAL: std::sync::atomic::AtomicU16 = std::sync::atomic::AtomicU16::new(0);

/// Batch requests the stand-in refused on demand ([`STUB_REFUSAL`]): the tries the queue made.
static STUB_REFUSED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The message counts of the batches the stand-in took, in order.
static STUB_BATCHES: std::sync::Mutex<Vec<usize>> = std::sync::Mutex::new(Vec::new());

/// A stand-in for Postmark's batch API (`POST /email/batch`, as
/// `render::mail::provider` documents it) on `address`: records every message and answers
/// one result per message. A release mail to an address that starts with `retry-once` is
/// refused once with error 429 (retry later), as a half-failed batch. `GET /server` answers
/// 200 to the right token (the mail Worker's provider check). [`STUB_REFUSAL`] makes it
/// refuse everything on demand.
/// One HTTP/1.1 request read from a stand-in's connection: its request line, its header
/// lines in lower case, and its body (by `Content-Length`, or chunked as workerd's fetch may
/// send it, RFC 9112 section 7.1).
fn read_request(reader: &mut impl std::io::BufRead) -> (String, Vec<String>, Vec<u8>) {
    let (mut request_line, mut headers, mut length, mut chunked) = (String::new(), Vec::new(), 0, false);
    reader.read_line(&mut request_line).unwrap_or(0);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        let lower = line.trim_end().to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        chunked |= lower.starts_with("transfer-encoding:") && lower.contains("chunked");
        headers.push(lower);
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    while chunked {
        let mut size = String::new();
        reader.read_line(&mut size).unwrap_or(0);
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        let mut chunk = vec![0; size + 2];
        let _ = reader.read_exact(&mut chunk);
        body.extend_from_slice(&chunk[..size]);
        chunked = size > 0;
    }
    (request_line, headers, body)
}

fn postmark_stub(address: &str) -> Mailbox {
    use std::io::{BufReader, Write};
    let listener = std::net::TcpListener::bind(address).expect("bind the mail stub");
    let mailbox: Mailbox = Default::default();
    let kept = mailbox.clone();
    std::thread::spawn(move || {
        let mut refused = std::collections::BTreeSet::new();
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let (request_line, headers, body) = read_request(&mut reader);
            let token = headers.iter().any(|h| h.starts_with("x-postmark-server-token: local-stub-token"));
            let refusal = STUB_REFUSAL.load(std::sync::atomic::Ordering::SeqCst);
            if refusal != 0 && request_line.starts_with("POST /email/batch ") {
                STUB_REFUSED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            if refusal == 1 {
                continue; // dropped without an answer
            }
            if refusal == 2 {
                // Held open, unanswered, while the stand-in serves the next connections.
                std::thread::spawn(move || {
                    std::thread::sleep(std::time::Duration::from_secs(60));
                    drop(reader);
                });
                continue;
            }
            let (status, answer) = if refusal != 0 {
                let code = if refusal == 401 { 10 } else { refusal.into() };
                (refusal, serde_json::json!({"ErrorCode": code, "Message": format!("refused on demand ({refusal})")}))
            } else if !token {
                (401, serde_json::json!({"ErrorCode": 10, "Message": "No Account or Server API tokens were supplied"}))
            } else if request_line.starts_with("GET /server ") {
                (200, serde_json::json!({"ID": 1, "Name": "e2e stand-in", "DeliveryType": "Live"}))
            } else if !request_line.starts_with("POST /email/batch ") {
                (404, serde_json::json!({"ErrorCode": 404, "Message": "not here"}))
            } else {
                let messages: Vec<serde_json::Value> = serde_json::from_slice(&body).unwrap_or_default();
                // Postmark's limit: a longer batch is refused as a whole.
                if messages.len() > 500 {
                    let refusal = serde_json::json!({"ErrorCode": 300, "Message": "at most 500 messages"});
                    let text = refusal.to_string();
                    let head = format!("HTTP/1.1 422 X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", text.len());
                    let _ = reader.get_mut().write_all(head.as_bytes());
                    let _ = reader.get_mut().write_all(text.as_bytes());
                    continue;
                }
                STUB_BATCHES.lock().expect("lock").push(messages.len());
                let results: Vec<serde_json::Value> = messages
                    .into_iter()
                    .map(|m| {
                        let to = m["To"].as_str().unwrap_or_default().to_string();
                        let release = !m["Subject"].as_str().unwrap_or("").starts_with("Vahvista");
                        if to.starts_with("retry-once") && release && refused.insert(to.clone()) {
                            return serde_json::json!({"ErrorCode": 429, "Message": "Rate limit exceeded", "To": to});
                        }
                        if to.starts_with("suppressed") {
                            let message = format!("You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: {to}.");
                            return serde_json::json!({"ErrorCode": 406, "Message": message, "To": to});
                        }
                        kept.lock().expect("lock").push(m);
                        serde_json::json!({"ErrorCode": 0, "Message": "OK", "MessageID": "b7bc2f4a-e38e-4336-af7d-e6c392c2f817", "SubmittedAt": "2026-12-02T10:00:00Z", "To": to})
                    })
                    .collect();
                (200, serde_json::Value::Array(results))
            };
            let text = answer.to_string();
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                text.len()
            );
            let _ = reader.get_mut().write_all(head.as_bytes());
            let _ = reader.get_mut().write_all(text.as_bytes());
        }
    });
    mailbox
}

/// Posts a form body to `path`.
fn post_form(path: &str, body: &str) -> Reply {
    let req = ureq::post(&format!("{}{path}", base())).set("content-type", "application/x-www-form-urlencoded");
    reply("POST", path, req.send_string(body))
}

/// The messages to `to` so far.
fn mails_to(mailbox: &Mailbox, to: &str) -> Vec<serde_json::Value> {
    mailbox.lock().expect("lock").iter().filter(|m| m["To"] == to).cloned().collect()
}

/// The first URL in `text` that starts with `prefix`.
fn link_in(text: &str, prefix: &str) -> String {
    let start = text.find(prefix).unwrap_or_else(|| panic!("no {prefix} link in {text}"));
    text[start..].split_whitespace().next().unwrap_or_default().to_string()
}

/// Subscribes `address` to `scope` and confirms it through the link in its mail.
fn subscribe_and_confirm(mailbox: &Mailbox, address: &str, scope: &str) {
    let text = || mails_to(mailbox, address).first().map(|m| m["TextBody"].as_str().unwrap_or_default().to_string());
    subscribe_and_confirm_by(text, address, scope);
}

/// [`subscribe_and_confirm`] with the confirmation mail's text part read by `confirmation`.
fn subscribe_and_confirm_by(confirmation: impl Fn() -> Option<String>, address: &str, scope: &str) {
    subscribe_and_confirm_in(confirmation, address, scope, "fi");
}

/// [`subscribe_and_confirm_by`] with the form in `lang` (`fi` or `sv`): the confirmation mail
/// comes in that language, with its privacy notice and the expiry in Finnish time.
fn subscribe_and_confirm_in(confirmation: impl Fn() -> Option<String>, address: &str, scope: &str, lang: &str) {
    let form = format!("address={}&scope={}&lang={lang}", urlencode(address), urlencode(scope));
    let r = post_form("/subscribe", &form);
    assert_eq!(r.status, 200, "{}", r.body);
    let text = wait_for(confirmation, "a confirmation mail");
    let (privacy, until) = match lang {
        "sv" => (format!("Dataskyddsbeskrivning: {}/pages/dataskyddsbeskrivning", base()), ["EET.", "EEST."]),
        _ => (privacy_line(), ["EET asti.", "EEST asti."]),
    };
    assert!(text.contains(&privacy), "the confirmation links the privacy notice: {text}");
    assert!(until.iter().any(|u| text.contains(&format!(" {u}"))), "the expiry in Finnish time: {text}");
    let link = link_in(&text, &format!("{}/subscribe/confirm?", base()));
    let path = &link[base().len()..];
    let page = get(path);
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.header("cache-control"), Some("private, no-store"));
    let action = page
        .html()
        .select(&scraper::Selector::parse("form[method=post]").expect("selector"))
        .next()
        .and_then(|f| f.value().attr("action").map(str::to_string))
        .expect("a confirm button");
    let done = post_form(&action, "");
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Tilaus on vahvistettu"), "{}", done.body);
    assert!(
        done.body.contains("<a href=\"/pages/tietosuojaseloste\">Tietosuojaseloste</a>"),
        "the mail Worker's footer"
    );
}

/// The line every mail's footer carries: the seed's privacy notice in Finnish.
fn privacy_line() -> String {
    format!("Tietosuojaseloste: {}/pages/tietosuojaseloste", base())
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Polls `f` for up to 30 s.
fn wait_for<T>(f: impl Fn() -> Option<T>, what: &str) -> T {
    for _ in 0..300 {
        if let Some(v) = f() {
            return v;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("timed out waiting for {what}")
}

/// `newsroom media ARGS --publisher kymsote` on the state of the run (run 2's content).
fn media(args: &[&str]) {
    let state = std::env::var("NEWSROOM_E2E_STATE").expect("set by scripts/e2e.sh");
    let secret = std::env::var("NEWSROOM_E2E_PREVIEW_SECRET").expect("set by scripts/e2e.sh");
    let out = common::newsroom_command(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
        .env("PREVIEW_SECRET", secret)
        .arg("media")
        .args(args)
        .args(["--persist-to", &state, "--content", RUN2_CONTENT, "--publisher", "kymsote"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Run 2's content folder (scripts/e2e.sh).
const RUN2_CONTENT: &str = "target/e2e-content-lift";

/// Mails to `to` whose subject starts with `start`.
fn mails_starting(mailbox: &Mailbox, to: &str, start: &str) -> Vec<serde_json::Value> {
    mails_to(mailbox, to).into_iter().filter(|m| m["Subject"].as_str().unwrap_or("").starts_with(start)).collect()
}

/// Embargo notices: at the release's `embargo_notice` time (the lift, scripts/e2e.sh) the
/// trigger mails each journalist on the publisher's media list the release once, marked
/// under embargo, linking through their own key; never a revoked one, never before.
#[test]
#[ignore = "needs workerd: run scripts/e2e.sh (second run)"]
fn run2_journalists_get_an_embargo_notice_once_at_its_time() {
    let lift = lift();
    let mailbox = run2_mailbox();
    let (listed, revoked) = ("toimittaja@example.fi", "entinen@example.fi");
    media(&["add", listed]);
    media(&["add", revoked]);
    media(&["revoke", revoked]);
    let notices = |to: &str| mails_starting(&mailbox, to, "EMBARGO");
    run_cron();
    std::thread::sleep(std::time::Duration::from_secs(2));
    still_before(lift);
    assert!(notices(listed).is_empty(), "no notice before its time");
    sleep_past(lift);
    run_cron();
    run_cron();
    let mail = wait_for(|| notices(listed).first().cloned(), "the embargo notice");
    std::thread::sleep(std::time::Duration::from_secs(3));
    run_cron();
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(notices(listed).len(), 1, "exactly one notice");
    assert!(notices(revoked).is_empty(), "never to a revoked address");
    let subject = mail["Subject"].as_str().unwrap_or_default();
    assert!(subject.contains("saakka: Testiaineisto: embargoilmoitus"), "{subject}");
    assert!(
        mail["Headers"].as_array().is_none_or(|h| h.iter().all(|h| h["Name"] != "List-Unsubscribe")),
        "not a list mail"
    );
    let text = mail["TextBody"].as_str().unwrap_or_default();
    assert!(text.starts_with("EMBARGO ") && text.contains("Tämä tiedote lähtee medialistalle"), "{text}");
    assert!(text.contains(&privacy_line()), "the notice links the privacy notice: {text}");
    let link = link_in(text, &format!("{}/embargo/kymsote.", base()));
    assert!(link.ends_with("/releases/e2e-notice-fixture"), "{link}");
    let page = get(&link[base().len()..]);
    assert_eq!((page.status, page.header("cache-control")), (200, Some("private, no-store")), "{}", page.body);
    let feed = text.split_whitespace().find(|w| w.ends_with("/feed.xml")).expect("the private feed in the footer");
    assert!(feed.starts_with(&format!("{}/embargo/kymsote.", base())), "{feed}");
    assert_eq!(get(&feed[base().len()..]).status, 200);
    let html = scraper::Html::parse_document(mail["HtmlBody"].as_str().unwrap_or_default());
    let banner = html
        .select(&scraper::Selector::parse("strong").expect("selector"))
        .next()
        .map(|s| s.text().collect::<String>());
    assert!(banner.is_some_and(|b| b.starts_with("EMBARGO ") && b.ends_with(" saakka")), "the banner at the top");
    assert_eq!(get("/releases/e2e-notice-fixture").status, 404, "still hidden from the public");
}

/// Subscriptions end to end, with a stand-in for Postmark: double opt-in, the release mailed
/// once after its moment and never before, to the subscribers whose scope covers it; a
/// half-failed batch retried without a duplicate; one-click unsubscribe; bad input refused.
#[test]
#[ignore = "needs workerd: run scripts/e2e.sh (second run)"]
fn run2_subscribers_get_a_release_once_at_its_moment() {
    let lift = lift();
    let mailbox = run2_mailbox();
    let (all, keyword, other, retry, pending, leaver) = (
        "kaikki@example.fi",
        "aihe@example.fi",
        "toinen@example.fi",
        "retry-once@example.fi",
        "vahvistamaton@example.fi",
        "lahtija@example.fi",
    );
    subscribe_and_confirm(&mailbox, all, "all");
    subscribe_and_confirm(&mailbox, keyword, "keyword:e2e-testiaineisto");
    subscribe_and_confirm(&mailbox, other, "publisher:kymenlaakson-hyvinvointialue");
    subscribe_and_confirm(&mailbox, retry, "all");
    subscribe_and_confirm(&mailbox, leaver, "all");
    // The leaver unsubscribes before the moment, with the link its mails would carry.
    let secret = std::env::var("NEWSROOM_E2E_PREVIEW_SECRET").expect("set by scripts/e2e.sh");
    let address = contract::subscription::Address::parse(leaver).expect("valid");
    let token = contract::subscription::unsubscribe_token(secret.as_bytes(), &address).expect("long secret");
    let r = post_form(&format!("/unsubscribe?a={}&t={token}", urlencode(leaver)), "List-Unsubscribe=One-Click");
    assert_eq!(r.status, 200, "{}", r.body);
    // Subscribing again, confirmed or pending, or an address the provider has suppressed
    // (it answers 406 for it): the same page as for a new address, and no second mail.
    let answer = |address: &str| post_form("/subscribe", &format!("address={}&scope=all", urlencode(address)));
    let new = answer("uusi-tilaaja@example.fi");
    assert_eq!(new.status, 200, "{}", new.body);
    assert!(new.body.contains("Jos osoite ei vielä ole tilaaja"), "{}", new.body);
    for address in [all, pending, pending, "suppressed@example.fi"] {
        let r = answer(address);
        assert_eq!((r.status, &r.body), (200, &new.body), "{address}: the same answer as a new address");
    }
    std::thread::sleep(std::time::Duration::from_secs(1));
    assert_eq!(mails_to(&mailbox, all).len(), 1, "a confirmed address gets no second confirmation");
    assert_eq!(mails_to(&mailbox, pending).len(), 1, "one confirmation mail per address per day");
    // Bad input: a 400 page naming the problem, nothing stored, nothing sent.
    for (form, words) in [
        ("address=ei-osoite&scope=all", "@"),
        ("address=a%40b.fi&scope=planeetta%3Amars", "planeetta"),
        ("scope=all", "exactly one e-mail address"),
    ] {
        let r = post_form("/subscribe", form);
        assert_eq!(r.status, 400, "{form}: {}", r.body);
        assert!(r.html().root_element().text().collect::<String>().contains(words), "{form}: {}", r.body);
    }
    let long = format!("address={}%40example.fi&scope=all", "a".repeat(5000));
    assert_eq!(post_form("/subscribe", &long).status, 413);
    // A honeypot filled in: the same answer, no mail.
    let bot = post_form("/subscribe", "address=botti%40example.fi&scope=all&website=http%3A%2F%2Fspam.example");
    assert_eq!(bot.status, 200);
    // Altered and unknown links change nothing.
    for path in [
        "/subscribe/confirm?a=kaikki%40example.fi&t=c1.00",
        "/unsubscribe?a=kaikki%40example.fi&t=u.0000000000000000000000000000000000000000000000000000000000000000",
        "/unsubscribe",
    ] {
        assert_eq!(post_form(path, "List-Unsubscribe=One-Click").status, 400, "{path}");
    }

    // Before the moment: nothing but confirmations.
    run_cron();
    std::thread::sleep(std::time::Duration::from_secs(3));
    let releases = |to: &str| -> Vec<serde_json::Value> {
        mails_to(&mailbox, to)
            .into_iter()
            .filter(|m| m["Subject"].as_str().unwrap_or("").contains("testin aikana"))
            .collect()
    };
    still_before(lift);
    assert!(releases(all).is_empty(), "nothing is mailed before the moment");
    sleep_past(lift);
    run_cron();
    run_cron();
    let mail = wait_for(|| releases(all).first().cloned(), "the release mail");
    wait_for(|| (releases(retry).len() == 1).then_some(()), "the retried mail");
    wait_for(|| (releases(keyword).len() == 1).then_some(()), "the keyword subscriber's mail");
    std::thread::sleep(std::time::Duration::from_secs(4));
    run_cron();
    std::thread::sleep(std::time::Duration::from_secs(3));
    for to in [all, keyword, retry] {
        assert_eq!(releases(to).len(), 1, "{to}: exactly one mail");
    }
    assert!(releases(leaver).is_empty(), "an address unsubscribed before the moment gets nothing");
    assert!(releases(other).is_empty(), "another publisher's subscriber gets nothing");
    assert!(releases(pending).is_empty(), "an unconfirmed address gets nothing");
    // The mail: RFC 8058 headers, the visible link, text and HTML from the release record.
    let header = |name: &str| {
        mail["Headers"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|h| h["Name"] == name)
            .and_then(|h| h["Value"].as_str())
            .map(str::to_string)
    };
    assert_eq!(header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
    assert_eq!(header("List-Id").as_deref(), Some("<releases.127.0.0.1>"), "RFC 2919");
    let unsubscribe = header("List-Unsubscribe").expect("List-Unsubscribe");
    let unsubscribe = unsubscribe.trim_start_matches('<').trim_end_matches('>').to_string();
    // The subscriber's key, not their address (older mails' `a`/`t` links keep working: the
    // leaver above used one).
    assert!(unsubscribe.starts_with(&format!("{}/unsubscribe?k=k", base())), "{unsubscribe}");
    assert!(!unsubscribe.contains("kaikki") && !unsubscribe.contains("%40"), "{unsubscribe}");
    let text = mail["TextBody"].as_str().unwrap_or_default();
    assert!(text.contains("Testiaineisto. Tämä tiedote tulee näkyviin testin aikana"), "{text}");
    assert!(text.contains(&unsubscribe) && text.contains("/releases/e2e-lift-fixture"), "{text}");
    assert!(text.contains(&privacy_line()), "the release mail links the privacy notice: {text}");
    let html = scraper::Html::parse_document(mail["HtmlBody"].as_str().unwrap_or_default());
    let links: Vec<&str> = html
        .select(&scraper::Selector::parse("a[href]").expect("selector"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(links.contains(&unsubscribe.as_str()), "{links:?}");
    assert!(links.contains(&format!("{}/pages/tietosuojaseloste", base()).as_str()), "{links:?}");
    assert!(html.select(&scraper::Selector::parse("img").expect("selector")).next().is_none(), "no pixels");
    assert_eq!(mail["TrackOpens"], false);

    // One click: the address and its records go, and the link works once more harmlessly.
    let path = &unsubscribe[base().len()..];
    let own = get(path);
    assert_eq!(own.status, 200, "the link shows the subscriber's own page: {}", own.body);
    assert!(own.body.contains("Tilauksesi") && own.body.contains(r#"value="all" checked"#), "{}", own.body);
    let r = post_form(path, "List-Unsubscribe=One-Click");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Tilaus on peruttu"), "{}", r.body);
    assert_eq!(post_form(path, "List-Unsubscribe=One-Click").status, 200, "already gone is gone");
    // Subscribing again needs a new confirmation: the old one was for the old subscription.
    let r = post_form("/subscribe", &format!("address={}&scope=all", urlencode(all)));
    assert_eq!(r.status, 200);
    let confirmations = || mails_to(&mailbox, all).iter().filter(|m| m["Subject"] != mail["Subject"]).count();
    wait_for(|| (confirmations() == 2).then_some(()), "a new confirmation: the unsubscribed address was deleted");
    // The Rate Limiting binding: a client posting forms without end is stopped with a 429.
    let limited = (0..40).map(|_| post_form("/subscribe", "address=x&scope=all").status).find(|s| *s == 429);
    assert_eq!(limited, Some(429), "30 forms a minute from one client, then 429");
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh (second run)"]
fn run2_a_release_page_reuses_the_publisher_profile_an_earlier_page_read() {
    // Run 2 has `CACHE=shared`: nothing rendered is kept in the isolate's memory, and no other
    // test asks for these two (so both are rendered). Both releases are the same publisher's.
    let reads = |r: &ureq::Response| {
        (r.header("x-kv-reads").map(str::to_string), r.header("server-timing").map(str::to_string))
    };
    let first = get_unfollowed("/releases/2025-06-10-yhteistoimintaneuvottelut?format=json", &[]);
    assert_eq!((first.status(), first.header("x-cache")), (200, Some("miss")));
    let second = get_unfollowed("/releases/2025-06-16-aluehallituksen-jaostot?format=json", &[]);
    assert_eq!((second.status(), second.header("x-cache")), (200, Some("miss")));
    let (count, timing) = reads(&second);
    assert_eq!(count.as_deref(), Some("1"), "only the release is read: {timing:?}");
    assert!(timing.is_some_and(|t| t.contains("\"1 reads, 1 reused\"")));
    let v: serde_json::Value = serde_json::from_str(&second.into_string().expect("body")).expect("JSON");
    assert_eq!(v["publisher"]["name"], "Kymenlaakson hyvinvointialue");
    assert!(v["more_from_publisher"].as_array().is_some_and(|m| !m.is_empty()), "the reused profile is used");
}

/// A GET that does not follow redirects, with extra headers.
fn get_unfollowed(path: &str, headers: &[(&str, &str)]) -> ureq::Response {
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let mut req = agent.get(&format!("{}{path}", base()));
    for (name, value) in headers {
        req = req.set(name, value);
    }
    match req.call() {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("GET {path}: {e}"),
    }
}

/// The release run 2 reads after its lift time, when nothing scheduled cuts its lifetime:
/// the Cache API holds it for `RELEASE_TTL` (300 s).
const LIFTED: &str = "/releases/e2e-lift-fixture";

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh (fifth run)"]
fn run5_a_new_isolate_reads_a_cache_api_copy_into_memory() {
    let first = get_unfollowed(LIFTED, &[]);
    let timing = |r: &ureq::Response| r.header("server-timing").unwrap_or_default().to_string();
    assert!(timing(&first).starts_with("cache;desc=hit"), "run 2 left it in the Cache API: {}", timing(&first));
    let age: u64 = first.header("age").and_then(|a| a.parse().ok()).expect("a copy says its age");
    assert!(age >= 1, "counted from when run 2 stored it");
    let etag = first.header("etag").map(str::to_string);
    let body = first.into_string().expect("body");
    let second = get_unfollowed(LIFTED, &[]);
    assert!(timing(&second).starts_with("cache;desc=memory"), "{}", timing(&second));
    assert_eq!(second.header("etag").map(str::to_string), etag);
    assert!(second.header("age").and_then(|a| a.parse::<u64>().ok()).is_some_and(|a| a >= age));
    assert_eq!(second.header("x-kv-reads"), Some("0"));
    assert_eq!(second.into_string().expect("body"), body);
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh (second run)"]
fn run2_accept_language_chooses_a_translation_even_when_the_page_is_cached() {
    let (fi, sv) = ("/releases/2018-11-30-kymsote-kehitysohjelma", "/releases/e2e-translation-fixture");
    // A Finnish reader, twice: the second answer comes from the Cache API (run 2 has
    // `CACHE=shared`, so not from the isolate's memory).
    let finnish = [("Accept-Language", "fi-FI,fi;q=0.9,en;q=0.5")];
    let first = get_unfollowed(fi, &finnish);
    assert_eq!(first.status(), 200);
    assert_eq!(first.header("vary"), Some("Accept, Accept-Language"));
    let mut hit = get_unfollowed(fi, &finnish);
    for _ in 0..20 {
        if hit.header("x-cache") == Some("hit") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        hit = get_unfollowed(fi, &finnish);
    }
    assert_eq!(hit.header("x-cache"), Some("hit"));
    assert!(hit.header("server-timing").is_some_and(|t| t.starts_with("cache;desc=hit")), "the Cache API");
    let doc = Html::parse_document(&hit.into_string().expect("body"));
    assert_eq!(attrs(&doc, "nav.translations a", "href"), [format!("{sv}?lang=sv")]);
    // A Swedish reader is sent to the translation, not served the cached Finnish page.
    let swedish = get_unfollowed(fi, &[("Accept-Language", "sv-FI, sv;q=0.9, fi;q=0.8")]);
    assert_eq!((swedish.status(), swedish.header("location")), (302, Some(sv)));
    // The switcher's explicit choice wins over the reader's languages, both ways.
    let chosen = get_unfollowed(&format!("{sv}?lang=sv"), &finnish);
    assert_eq!((chosen.status(), chosen.header("content-language")), (200, Some("sv")));
    let back = get_unfollowed(&format!("{fi}?lang=fi"), &[("Accept-Language", "sv")]);
    assert_eq!((back.status(), back.header("content-language")), (200, Some("fi")));
    // Without the header, nobody is redirected.
    assert_eq!(get_unfollowed(fi, &[]).status(), 200);
}

/// The bytes of a media file, with its status and headers checked as every media file's.
fn media_bytes(url: &str) -> (String, Vec<u8>) {
    let url = url.strip_prefix(&base()).unwrap_or(url);
    let resp = ureq::get(&format!("{}{url}", base())).call().unwrap_or_else(|e| panic!("{url}: {e}"));
    assert_eq!(resp.status(), 200, "{url}");
    assert_eq!(resp.header("cache-control"), Some("public, max-age=31536000, immutable"), "{url}");
    let content_type = resp.header("content-type").unwrap_or("").to_string();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut resp.into_reader(), &mut bytes).expect("body");
    (content_type, bytes)
}

/// A photo's file holds no EXIF (by an EXIF reader) and none of the sample's private words.
fn assert_no_metadata(url: &str, bytes: &[u8]) {
    let exif = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes));
    assert!(exif.is_err(), "{url} still has EXIF: {:?}", exif.map(|e| e.fields().map(|f| f.tag).collect::<Vec<_>>()));
    for private in ["SN-0042-PRIVATE", "Sample Photographer", "Home address", "SampleCam", "xmpmeta", "8BIM"] {
        assert!(!bytes.windows(private.len()).any(|w| w == private.as_bytes()), "{url} holds {private}");
    }
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn a_camera_photo_reaches_readers_upright_without_gps_serial_or_artist_in_any_file() {
    let token = preview_token("e2e-media-fixture", 1);
    let page = get(&format!("/releases/e2e-media-fixture?preview={token}")).html();
    assert_eq!(attrs(&page, "figure img", "alt")[0], "Testikuva: kameran kuva, jonka EXIF-tiedoissa on sijainti");
    // Stored 2,400 × 1,800 with orientation 6: upright it is 1,800 × 2,400.
    assert_eq!(attrs(&page, "figure img", "width")[0], "1800");
    assert_eq!(attrs(&page, "figure img", "height")[0], "2400");
    assert_eq!(attrs(&page, "figure img", "loading"), ["eager", "lazy"], "the first photo loads at once");
    assert_eq!(attrs(&page, "figure img", "decoding")[0], "async");
    assert!(attrs(&page, "figure img", "sizes")[0].contains("100vw"));
    // Every file a reader or a journalist can reach from the page.
    let mut urls: Vec<String> = Vec::new();
    for set in attrs(&page, "figure picture source", "srcset").iter().chain(&attrs(&page, "figure img", "srcset")) {
        urls.extend(set.split(", ").map(|c| c.split(' ').next().unwrap_or("").to_string()));
    }
    urls.extend(attrs(&page, "figure img", "src"));
    let downloads = attrs(&page, "figure a.download", "href");
    urls.extend(downloads.iter().cloned());
    urls.extend(attrs(&page, "meta[property='og:image']", "content"));
    let json = get_json(&format!("/releases/e2e-media-fixture?preview={token}")).json();
    let photo = &json["images"][0];
    for r in photo["renditions"].as_array().expect("renditions") {
        urls.push(r["url"].as_str().expect("url").to_string());
    }
    urls.push(photo["share"]["url"].as_str().expect("share").to_string());
    urls.sort();
    urls.dedup();
    assert!(urls.len() >= 10, "{urls:?}");
    for url in &urls {
        let (content_type, bytes) = media_bytes(url);
        assert!(content_type.starts_with("image/"), "{url}: {content_type}");
        assert_no_metadata(url, &bytes);
        image::load_from_memory(&bytes).unwrap_or_else(|e| panic!("{url} does not decode: {e}"));
    }
    // The download: the full-size original, upright, with a file name and its size shown.
    let (_, original) = media_bytes(&downloads[0]);
    let full = image::load_from_memory(&original).expect("decodes");
    assert_eq!((full.width(), full.height()), (1800, 2400));
    let red = full.to_rgb8().get_pixel(1800 - 30, 30).0;
    assert!(red[0] > 180 && red[1] < 80, "the stored top-left corner is now top right: {red:?}");
    assert_eq!(attrs(&page, "figure a.download", "download")[0], "e2e-camera.jpg");
    let label = page.select(&scraper::Selector::parse("figure a.download").expect("selector")).next().expect("link");
    let label: String = label.text().collect();
    assert!(label.starts_with("Lataa täysikokoinen (1\u{a0}800 × 2\u{a0}400, "), "no-break spaces: {label:?}");
    // The JSON view: pixel size, renditions, credit and the photo's own licence.
    assert_eq!((photo["width"].as_u64(), photo["height"].as_u64()), (Some(1800), Some(2400)));
    assert_eq!(photo["credit"], "Kuva: testiaineisto");
    assert_eq!(photo["license"]["url"], "https://creativecommons.org/licenses/by/4.0/");
    assert_eq!(photo["share"]["width"], 1200);
    assert_eq!(texts(&page, "figure .terms a[rel=license]")[0], "CC BY 4.0");
    assert_eq!(get("/media/0123456789abcdef.png").status, 404);
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn the_media_bank_lists_photos_with_downloads_and_terms_and_hides_embargoed_ones() {
    let bank = get("/publishers/kymenlaakson-hyvinvointialue/media");
    assert_eq!(bank.status, 200);
    let page = bank.html();
    assert_eq!(texts(&page, "h1"), ["Kuvat ja videot"]);
    assert_eq!(attrs(&page, "figure img", "alt"), ["Testikuva: julkaisijan vakiokuva"]);
    assert!(texts(&page, ".media-terms")[0].contains("vapaasti median käytettävissä"), "{}", bank.body);
    let download = attrs(&page, "figure a.download", "href");
    let (content_type, bytes) = media_bytes(&download[0]);
    assert_eq!(content_type, "image/jpeg");
    assert_no_metadata(&download[0], &bytes);
    // Linked from the publisher page.
    let profile = get("/publishers/kymenlaakson-hyvinvointialue").html();
    assert!(attrs(&profile, "a", "href").contains(&"/publishers/kymenlaakson-hyvinvointialue/media".to_string()));
    // Kymsote's only photos are in a release not yet public: nothing of them anywhere.
    let kymsote = get("/publishers/kymsote/media");
    assert_eq!(kymsote.status, 200);
    assert!(attrs(&kymsote.html(), "img", "src").is_empty(), "{}", kymsote.body);
    assert!(!kymsote.body.contains("e2e-media-fixture"));
    let json = get_json("/publishers/kymsote/media").json();
    assert_eq!((json["total"].as_u64(), json["releases"].as_array().map(Vec::len)), (Some(0), Some(0)));
    let json = get_json("/publishers/kymenlaakson-hyvinvointialue/media").json();
    assert_eq!(
        json["photos"][0]["license"]["text"],
        "Kaikki tiedotepalvelussa julkaistu materiaali on vapaasti median käytettävissä."
    );
    // On the publisher's own host, at /media; a release page links to the bank.
    let own = get_on_host("uutiset.kymsote.test", "/media", "text/html");
    assert_eq!(own.status, 200, "{}", own.body);
    assert_eq!(texts(&own.html(), "h1"), ["Kuvat ja videot"]);
    assert_eq!(get("/media").status, 404);
    assert_eq!(get("/publishers/no-such-publisher/media").status, 404);
    assert_eq!(get("/publishers/kymsote/media?page=0").status, 400);
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn a_press_contact_is_saved_to_an_address_book_as_a_vcard() {
    let profile = get("/publishers/kymenlaakson-hyvinvointialue").html();
    let links = attrs(&profile, "ul.cards a[download]", "href");
    assert_eq!(links, ["/publishers/kymenlaakson-hyvinvointialue/contacts/1.vcf"]);
    let card = get(&links[0]);
    assert_eq!(card.status, 200);
    assert_eq!(card.header("content-type"), Some("text/vcard; charset=utf-8"));
    assert!(card.header("etag").is_some());
    let text = card.body.replace("\r\n ", "");
    for line in ["BEGIN:VCARD", "VERSION:4.0", "FN:Harri Hagman", "N:Hagman;Harri;;;", "TITLE:hyvinvointialuejohtaja"] {
        assert!(text.split("\r\n").any(|l| l == line), "{line} in {text}");
    }
    assert!(text.contains("TEL;TYPE=work,voice:020 633 2113\r\nEMAIL;TYPE=work:harri.hagman@kymenhva.fi\r\n"));
    assert_eq!(get("/publishers/kymenlaakson-hyvinvointialue/contacts/2.vcf").status, 404);
    assert_eq!(get("/publishers/kymenlaakson-hyvinvointialue/contacts/0.vcf").status, 404);
}

/// Runs the publisher CLI from the repository root (where wrangler.toml and node_modules are).
fn newsroom_cli(args: &[&str]) -> std::process::Output {
    common::newsroom(args, std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// A WebSub hub stand-in: records the body of every POST it receives (the topics pinged).
fn hub_stub() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    hub_stub_at("127.0.0.1:0")
}

/// [`hub_stub`] listening on `address`.
fn hub_stub_at(address: &str) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind(address).expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("addr"));
    let pings = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = pings.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let topic = form_urlencoded::parse(&body).find(|(k, _)| k == "hub.url").map(|(_, v)| v.into_owned());
            seen.lock().expect("lock").push(topic.unwrap_or_default());
            let _ =
                reader.get_mut().write_all(b"HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    (url, pings)
}

/// `newsroom status` says what readers do not see yet: an unfinished draft, and when each
/// new release goes live, in its publisher's time zone.
#[test]
#[ignore = "needs wrangler: run scripts/e2e.sh"]
fn status_lists_drafts_and_scheduled_releases() {
    let _ = base(); // only under scripts/e2e.sh, where wrangler is installed
    let tmp = tempfile::tempdir().expect("tmp");
    let content = tmp.path().join("content");
    common::copy_tree(&common::content_dir(), &content);
    let scheduled = std::fs::read_to_string("tests/fixtures/e2e-releases/e2e-scheduled-fixture.md").expect("fixture");
    std::fs::write(content.join("releases/ajastettu.md"), scheduled).expect("write");
    let draft = "+++\ntitle = \"Kesken\"\npublisher = \"kymsote\"\npublished_at = 2025-01-02T10:00:00\nlead = \"\"\ndraft = true\n+++\n";
    std::fs::write(content.join("releases/kesken.md"), draft).expect("write");
    let state = tmp.path().join("state");
    let o = newsroom_cli(&["status", content.to_str().expect("UTF-8"), "--persist-to", state.to_str().expect("UTF-8")]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("1 unfinished draft (`kesken`) left out"), "{stderr}");
    assert!(stderr.contains("\n  new      ajastettu: scheduled for 1.1.2099 09:00 EET (in "), "{stderr}");
    assert!(stderr.contains("\n  new      2025-06-25-konttisairaala: public now (dated 25.6.2025 10:02 EEST)"));
}

#[test]
#[ignore = "needs wrangler: run scripts/e2e.sh"]
fn publish_uploads_only_what_changed_and_status_lists_new_changed_and_stale() {
    let _ = base(); // only under scripts/e2e.sh, where wrangler is installed
    let tmp = tempfile::tempdir().expect("tmp");
    let content = tmp.path().join("content");
    common::copy_tree(&common::content_dir(), &content);
    let state = tmp.path().join("state");
    let out = tmp.path().join("out");
    let (content, state, out) =
        (content.to_str().expect("UTF-8"), state.to_str().expect("UTF-8"), out.to_str().expect("UTF-8"));
    let ok = |args: &[&str]| {
        let o = newsroom_cli(args);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        (String::from_utf8_lossy(&o.stdout).to_string(), String::from_utf8_lossy(&o.stderr).to_string())
    };
    let (hub, pings) = hub_stub();
    let taken = || std::mem::take(&mut *pings.lock().expect("lock"));
    let site = "https://uutiset.example.fi";
    let publish = |extra: &[&str]| {
        let args = ["publish", content, "--local", "--persist-to", state, "--out", out, "--websub-hub", &hub];
        ok(&[&args[..], &["--base-url", site], extra].concat())
    };
    let status = || ok(&["status", content, "--persist-to", state]);

    let (stdout, _) = status();
    assert!(
        stdout.lines().all(|l| l.starts_with("new ")) && stdout.contains("new      release:2025-06-25-konttisairaala")
    );
    let (stdout, stderr) = publish(&["--dry-run"]);
    assert!(stderr.contains("dry run: nothing uploaded; 7 releases would change"), "{stderr}");
    assert!(
        stderr.contains("  new      2025-06-25-konttisairaala: public now (dated 25.6.2025 10:02 EEST)"),
        "{stderr}"
    );
    assert!(stdout.is_empty(), "storage keys only with --keys: {stdout}");
    let (stdout, _) = publish(&["--dry-run", "--keys"]);
    assert!(stdout.contains("new      build:manifest"), "{stdout}");
    assert!(status().0.contains("new      release:"), "a dry run uploads nothing");
    assert!(taken().is_empty(), "a dry run pings nothing");
    let (_, stderr) = publish(&[]);
    assert!(stderr.contains("0 changed, 0 unchanged; 0 to delete"), "{stderr}");
    let first = taken();
    for topic in
        ["/feed.xml", "/atom.xml", "/feed.json", "/feed", "/publishers/kymsote/feed.xml", "/keywords/sote/atom.xml"]
    {
        assert!(first.contains(&format!("{site}{topic}")), "{topic} not pinged: {first:?}");
    }
    let (stdout, stderr) = status();
    assert_eq!(stdout, "", "published: nothing differs");
    assert!(stderr.contains("holds exactly what content/ builds"), "{stderr}");
    let (_, stderr) = publish(&[]);
    assert!(stderr.contains(": 0 keys new, 0 changed,") && stderr.contains("done: 0 keys written"), "{stderr}");
    assert!(taken().is_empty(), "nothing changed: no feed pinged");

    // A scheduled release changes feed records, but shows in them only from its moment: the
    // worker's Cron Trigger announces it then, the upload announces nothing.
    let scheduled = std::fs::read_to_string("tests/fixtures/e2e-releases/e2e-scheduled-fixture.md").expect("fixture");
    let scheduled_file = std::path::Path::new(content).join("releases/e2e-scheduled-fixture.md");
    std::fs::write(&scheduled_file, scheduled).expect("write");
    let (_, stderr) = publish(&[]);
    assert!(stderr.contains("changed") && !stderr.contains("done: 0 keys written"), "{stderr}");
    assert!(taken().is_empty(), "a scheduled release is announced at its moment, not at upload");
    std::fs::remove_file(&scheduled_file).expect("rm");
    let (_, stderr) = publish(&[]);
    assert!(stderr.contains("cancelled") || stderr.contains("delete"), "{stderr}");
    assert!(taken().is_empty(), "cancelling a scheduled release announces nothing");

    std::fs::remove_file(std::path::Path::new(content).join("releases/2025-06-23-diagnoositiedot.md")).expect("rm");
    let (stdout, _) = status();
    assert!(stdout.lines().any(|l| l == "stale    release:2025-06-23-diagnoositiedot"), "{stdout}");
    assert!(stdout.lines().any(|l| l == "new      gone:2025-06-23-diagnoositiedot"), "{stdout}");
    assert!(stdout.lines().any(|l| l == "changed  list:latest"), "{stdout}");
    // Interrupted after the releases: the lists still show the old site; a rerun completes it.
    let (_, stderr) = publish(&["--stop-after", "releases"]);
    assert!(stderr.contains("stopped after releases"), "{stderr}");
    assert!(status().0.lines().any(|l| l == "stale    release:2025-06-23-diagnoositiedot"), "not deleted yet");
    assert!(taken().is_empty(), "an interrupted publish pings nothing yet");
    let (_, stderr) = publish(&[]);
    assert!(stderr.contains("delete ") && stderr.contains("stale keys"), "{stderr}");
    let after_removal = taken();
    assert!(after_removal.contains(&format!("{site}/feed.xml")), "{after_removal:?}");
    assert!(after_removal.contains(&format!("{site}/publishers/kymenlaakson-hyvinvointialue/atom.xml")));
    assert!(!after_removal.iter().any(|t| t.contains("/publishers/kymsote/")), "kymsote's feed did not change");
    let (stdout, _) = status();
    assert_eq!(stdout, "", "after publishing the removal nothing differs");
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn hostile_requests_get_a_4xx_never_a_5xx() {
    let long = "a".repeat(10_000);
    let many_accepts = vec!["text/x-thing;q=0.5"; 1_000].join(", ");
    let paths = [
        "/releases/..%2Findex".to_string(),
        "/releases/%2e%2e%2fbuild:manifest".into(),
        "/releases/build:manifest".into(),
        "/releases/a%2Fb".into(),
        "/releases/a%00b".into(),
        "/releases/%zz".into(),
        "/releases/%C3%28".into(),
        "/publishers/..%5c..%5cetc".into(),
        "/keywords/%00".into(),
        "/media/..%2Fbuild:manifest".into(),
        "/media/x.exe".into(),
        format!("/releases/{long}"),
        format!("/search?q={long}"),
        format!("/?page={long}"),
        "/?page=-1".into(),
        "/?page=99999999999999999999".into(),
        "/search?q=%zz&publisher=%00".into(),
        "/feed.xml?limit=1e9".into(),
        "/releases/2025-06-25-konttisairaala?format=exe".into(),
    ];
    for path in &paths {
        let r = get(path);
        assert!((400..500).contains(&r.status), "{}: {}", &path[..path.len().min(80)], r.status);
        assert!(!r.body.is_empty(), "{}: a 4xx says why", &path[..path.len().min(80)]);
        assert!(!r.body.contains("build:manifest\":") && !r.body.contains("\"keys\""), "never a KV value by injection");
    }
    let r = request("GET", "/", Some(&many_accepts));
    assert!(r.status == 406 || r.status == 200, "1,000 Accept parts: {}", r.status);
    let r = request_with(
        "GET",
        "/releases/2025-06-25-konttisairaala",
        &[("Accept-Language", &many_accepts), ("If-None-Match", &many_accepts)],
    );
    assert_eq!(r.status, 200, "hostile Accept-Language and If-None-Match are just not matched");
    for method in ["PUT", "DELETE", "PATCH", "POST", "TRACE"] {
        let r = request(method, "/releases/2025-06-25-konttisairaala", None);
        assert_eq!(r.status, 405, "{method}");
        assert!(r.header("allow").is_some_and(|a| a.contains("GET")), "{method}: Allow");
    }
}

/// A GET to this worker as if it were at `host` (DNS resolved to the test server).
fn get_on_host(host: &str, path: &str, accept: &str) -> Reply {
    let port: u16 = base().rsplit(':').next().and_then(|p| p.parse().ok()).expect("port in NEWSROOM_E2E_URL");
    let agent = ureq::AgentBuilder::new()
        .redirects(0)
        .resolver(move |_: &str| Ok(vec![std::net::SocketAddr::from(([127, 0, 0, 1], port))]))
        .build();
    reply(
        "GET",
        &format!("{host}{path}"),
        agent.get(&format!("http://{host}:{port}{path}")).set("Accept", accept).call(),
    )
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn a_publisher_host_serves_its_own_newsroom_and_the_main_host_everyone() {
    let host = "uutiset.kymsote.test";
    let origin = format!("http://{host}:{}", base().rsplit(':').next().expect("port"));
    let home = get_on_host(host, "/", "text/html");
    assert_eq!(home.status, 200, "{}", home.body);
    let doc = home.html();
    assert_eq!(texts(&doc, "h1"), ["Kymsote"]);
    assert_eq!(texts(&doc, "header.site a"), ["Kymsote"]);
    assert_eq!(attrs(&doc, "link[rel=canonical]", "href"), [format!("{origin}/")]);
    let feed = get_on_host(host, "/feed.xml", "application/rss+xml");
    let channel = rss::Channel::read_from(feed.body.as_bytes()).expect("RSS");
    assert!(!channel.items().is_empty());
    assert!(channel.items().iter().all(|i| i.dublin_core_ext().is_some_and(|dc| dc.creators() == ["Kymsote"])));
    let release = get_on_host(host, "/releases/2018-11-30-kymsote-kehitysohjelma", "text/html");
    assert_eq!(release.status, 200);
    assert_eq!(
        attrs(&release.html(), "link[rel=canonical]", "href"),
        [format!("{origin}/releases/2018-11-30-kymsote-kehitysohjelma")]
    );
    assert_eq!(get_on_host(host, FULL, "text/html").status, 404, "another publisher's release");
    let moved = get_on_host(host, "/publishers/kymsote", "text/html");
    assert_eq!((moved.status, moved.header("location")), (308, Some("/")));
    // The main host is unchanged: everyone's releases.
    let main = get("/");
    let publishers: BTreeSet<String> = texts(&main.html(), "ul.cards li p.meta a").into_iter().collect();
    assert!(publishers.len() > 1, "{publishers:?}");
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn openapi_is_served_and_every_json_response_matches_it() {
    let served = request("GET", "/openapi.json", None);
    assert_eq!(served.status, 200);
    let doc = openapi::committed();
    assert_eq!(serde_json::from_str::<Value>(&served.body).expect("JSON"), doc, "the build stored docs/openapi.json");
    let cases = [
        ("/", "/", 200),
        (FULL, "/releases/{slug}", 200),
        ("/releases/2018-11-30-kymsote-kehitysohjelma", "/releases/{slug}", 200),
        ("/publishers/kymsote", "/publishers/{slug}", 200),
        ("/publishers/kymenlaakson-hyvinvointialue/media", "/publishers/{slug}/media", 200),
        ("/keywords", "/keywords", 200),
        ("/keywords/sote", "/keywords/{slug}", 200),
        ("/archive", "/archive", 200),
        ("/archive/2025", "/archive/{year}", 200),
        ("/search?q=sote+palvelut", "/search", 200),
        ("/healthz", "/healthz", 200),
        ("/releases/broken-json", "/releases/{slug}", 500),
        ("/releases/nothing-here", "/releases/{slug}", 404),
        ("/?page=x", "/", 400),
    ];
    for (path, template, status) in cases {
        let r = get_json(path);
        assert_eq!(r.status, status, "{path}: {}", r.body);
        openapi::validate(&doc, template, status, &r.json()).unwrap_or_else(|e| panic!("{e}"));
        if status == 200 {
            assert_eq!(r.header("link"), Some("</openapi.json>; rel=\"service-desc\""), "{path}");
        }
    }
}

/// The readers' Worker hands exactly the mail Worker's requests over its `MAIL` binding
/// (worker/js/shim.js, a copy of worker/src/mail/subscribe.rs `handles()`): a request on the wrong
/// side shows, as the readers' build has no subscription posts and the mail build no pages
/// (it answers those 503).
#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn the_readers_worker_hands_the_mail_workers_requests_over() {
    // The readers': the form, other methods on it, and paths that only look alike.
    let form = get("/subscribe");
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(
        form.html()
            .select(&scraper::Selector::parse("form[method=post] input[name=address]").expect("selector"))
            .next()
            .is_some(),
        "{}",
        form.body
    );
    assert_eq!(request("PUT", "/subscribe", None).status, 405);
    for path in ["/subscribe/confirm/", "/Unsubscribe", "/unsubscribe/", "/subscribe/x"] {
        let r = get(path);
        assert!(matches!(r.status, 301 | 308 | 404), "{path}: {} {}", r.status, r.body);
    }
    // The mail Worker's: a post naming its problem, and links checked there.
    let r = post_form("/subscribe", "address=ei-osoite&scope=all");
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.header("content-type").is_some_and(|t| t.starts_with("text/html")), "{:?}", r.headers);
    for path in ["/unsubscribe", "/subscribe/confirm?a=x%40example.fi&t=c1.00"] {
        let r = get(path);
        assert_eq!(r.status, 400, "{path}: {}", r.body);
        let r = request("PUT", path, None);
        assert_eq!(r.status, 405, "{path}: the mail Worker's 405 page: {}", r.body);
    }
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn health_check_server_timing_and_hub_links() {
    let health = request("GET", "/healthz", None);
    assert_eq!((health.status, health.header("cache-control")), (200, Some("no-store")));
    let v = health.json();
    assert_eq!(v["status"], "ok");
    assert!(v["build"]["releases"].as_u64().is_some_and(|n| n > 5), "{v}");
    // The bindings subscriptions need, each probed: D1 with every migration of migrations/
    // applied (scripts/publish.sh), the mail queue, the local Postmark stand-in (which takes
    // the token), and delivery (no failed mailing).
    let services = services_of(&v);
    assert_eq!(
        services,
        [("database", "ok"), ("queue", "ok"), ("mail", "ok"), ("delivery", "ok"), ("social", "ok")],
        "{v}"
    );
    let migrations = std::fs::read_dir("migrations").expect("migrations/").count();
    assert_eq!(v["services"][0]["detail"], format!("D1 answered; {migrations} migrations applied"), "{v}");
    assert_eq!(v["warnings"], serde_json::json!([]), "{v}");
    for path in ["/", FULL, "/feed.xml", "/nothing-here"] {
        let r = get(path);
        let timing = r.header("server-timing").unwrap_or_else(|| panic!("{path}: no Server-Timing"));
        assert!(timing.starts_with("cache;desc=") && timing.contains("kv;dur=") && timing.contains("total;dur="));
    }
    let again = get("/");
    assert!(again.header("server-timing").is_some_and(|t| t.starts_with("cache;desc=")));
    // WEBSUB_HUB is set for this run (scripts/e2e.sh): feeds name the hub and themselves.
    let feed = request("GET", "/publishers/kymsote/atom.xml", None);
    let atom = atom_syndication::Feed::read_from(feed.body.as_bytes()).expect("Atom");
    let links: Vec<(&str, &str)> = atom.links().iter().map(|l| (l.rel(), l.href())).collect();
    assert!(links.contains(&("hub", "https://hub.example.test/")), "{links:?}");
    assert!(links.contains(&("self", &format!("{}/publishers/kymsote/atom.xml", base()))), "{links:?}");
    assert!(feed.header("link").is_some_and(|l| l.contains("rel=\"hub\"")));
}

/// One message as `send_email` stored it: the raw file, parsed back by a MIME parser.
struct Eml {
    raw: Vec<u8>,
}

impl Eml {
    fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default().parse(&self.raw).expect("a MIME message")
    }
    fn to(&self) -> String {
        let parsed = self.parsed();
        parsed.to().and_then(|t| t.first()).and_then(|a| a.address()).unwrap_or_default().to_string()
    }
    fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_string()
    }
    fn text(&self) -> String {
        self.parsed().body_text(0).unwrap_or_default().into_owned()
    }
}

/// Every message the local `send_email` binding stored so far: the `.eml` paths the mail
/// Worker's log names (miniflare writes each message to a file and logs where).
fn send_email_outbox() -> Vec<Eml> {
    let log = std::fs::read_to_string(std::env::var("NEWSROOM_E2E_MAIL_LOG").expect("set by scripts/e2e.sh"))
        .unwrap_or_default();
    log.split_whitespace()
        .filter(|w| w.ends_with(".eml"))
        .filter_map(|path| std::fs::read(path).ok())
        .map(|raw| Eml { raw })
        .collect()
}

/// Mail through Cloudflare's `send_email` binding (`MAIL_VIA=send_email`) instead of
/// Postmark: the same double opt-in and the same release mail, as MIME messages a parser
/// reads back; the mailing claimed again mails nobody run 2 already mailed.
#[test]
#[ignore = "needs workerd: run scripts/e2e.sh (sixth run)"]
fn run6_send_email_sends_the_same_mails_as_mime_messages() {
    let address = "mime@example.fi";
    let to = |who: &str| send_email_outbox().into_iter().filter(|m| m.to() == who).collect::<Vec<_>>();
    subscribe_and_confirm_by(|| to(address).first().map(Eml::text), address, "all");
    let confirmation = &to(address)[0];
    let parsed = confirmation.parsed();
    assert_eq!(parsed.from().and_then(|f| f.first()).and_then(|a| a.address()), Some("uutiset@example.invalid"));
    assert!(parsed.message_id().is_some_and(|id| id.ends_with("@example.invalid")), "{:?}", parsed.message_id());
    assert!(parsed.date().is_some(), "a Date header");
    assert_eq!((parsed.text_body.len(), parsed.html_body.len()), (1, 1), "text and HTML alternatives");

    // Run 2's release, its mailing forgotten (scripts/e2e.sh): claimed again at the next run.
    run_cron();
    let releases =
        |who: &str| to(who).into_iter().filter(|m| m.subject().contains("testin aikana")).collect::<Vec<_>>();
    let mail = wait_for(|| releases(address).pop(), "the release mail through send_email");
    std::thread::sleep(std::time::Duration::from_secs(3));
    run_cron();
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(releases(address).len(), 1, "exactly one release mail");
    for earlier in ["aihe@example.fi", "retry-once@example.fi"] {
        assert!(releases(earlier).is_empty(), "{earlier} had it in run 2: not mailed again");
    }
    let parsed = mail.parsed();
    let header = |name: &'static str| parsed.header_raw(name).map(|v| v.trim().to_string());
    assert_eq!(header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
    assert_eq!(header("List-Id").as_deref(), Some("<releases.127.0.0.1>"), "RFC 2919");
    let unsubscribe = header("List-Unsubscribe").expect("List-Unsubscribe");
    let unsubscribe = unsubscribe.trim_start_matches('<').trim_end_matches('>').to_string();
    assert!(unsubscribe.starts_with(&format!("{}/unsubscribe?k=k", base())), "{unsubscribe}");
    let text = mail.text();
    assert!(text.contains("Testiaineisto. Tämä tiedote tulee näkyviin testin aikana"), "{text}");
    assert!(text.contains(&unsubscribe) && text.contains("/releases/e2e-lift-fixture"), "{text}");
    assert!(text.contains(&privacy_line()), "the release mail links the privacy notice: {text}");
    let html = scraper::Html::parse_document(&parsed.body_html(0).unwrap_or_default());
    let links: Vec<&str> = html
        .select(&scraper::Selector::parse("a[href]").expect("selector"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(links.contains(&unsubscribe.as_str()), "{links:?}");
    assert!(links.contains(&format!("{}/pages/tietosuojaseloste", base()).as_str()), "{links:?}");
    assert!(html.select(&scraper::Selector::parse("img").expect("selector")).next().is_none(), "no pixels");
    // The one-click link works the same.
    let r = post_form(&unsubscribe[base().len()..], "List-Unsubscribe=One-Click");
    assert!(r.status == 200 && r.body.contains("Tilaus on peruttu"), "{}", r.body);

    // Retention, by the hourly clean-up run at a later time: a pending address whose link
    // expired is forgotten (so a new post mails again at once, not a day later), and
    // delivery claims older than 14 days go, while the mailings keep anyone from a repeat.
    let pending = "odottaja@example.fi";
    let confirmations = || to(pending).len();
    for _ in 0..2 {
        assert_eq!(post_form("/subscribe", &format!("address={}&scope=all", urlencode(pending))).status, 200);
    }
    wait_for(|| (confirmations() == 1).then_some(()), "one confirmation mail");
    assert!(d1_count("deliveries") > 0, "run 2's and this run's claims");
    use chrono::Timelike;
    let later = (utc_now() + chrono::Duration::days(15)).with_minute(7).expect("minute 7");
    // Miniflare's own trigger route takes the run's time (wrangler's `/__scheduled` does not).
    let r = trigger(&format!("/cdn-cgi/handler/scheduled?cron=*+*+*+*+*&time={}", later.timestamp_millis()));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(d1_count("deliveries"), 0, "claims older than 14 days are deleted");
    assert!(d1_count("mailings") > 0, "mailings are kept: no release is mailed twice");
    assert_eq!(post_form("/subscribe", &format!("address={}&scope=all", urlencode(pending))).status, 200);
    wait_for(|| (confirmations() == 2).then_some(()), "a new confirmation: the expired pending address was forgotten");
}

/// Rows in `table` of the run's local D1 database, read with `wrangler d1 execute`.
fn d1_count(table: &str) -> u64 {
    let state = std::env::var("NEWSROOM_E2E_STATE").expect("set by scripts/e2e.sh");
    let out = common::local_d1(&state, &["--json", "--command", &format!("SELECT COUNT(*) AS n FROM {table}")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("wrangler's JSON");
    v[0]["results"][0]["n"].as_u64().expect("a count")
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn run3_a_bad_setting_answers_500_naming_the_variable() {
    let page = get("/");
    assert_eq!((page.status, page.header("cache-control")), (500, Some("no-store")));
    assert!(page.body.contains("PAGE_SIZE") && page.body.contains("zero"), "{}", page.body);
    let health = request("GET", "/healthz", None);
    assert_eq!(health.status, 500);
    assert_eq!(health.json()["error"]["code"], "bad_configuration");
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn run4_without_kv_every_request_is_a_503_to_retry() {
    for path in ["/", FULL, "/feed.xml", "/healthz"] {
        let r = get_json(path);
        assert_eq!((r.status, r.header("retry-after")), (503, Some("30")), "{path}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], "unavailable");
        assert!(r.header("server-timing").is_some());
    }
    // One JSON log line per request, with the failure, never the query (a preview token).
    assert_eq!(get("/releases/x?preview=SECRET-TOKEN-123").status, 503);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let log = std::fs::read_to_string(std::env::var("NEWSROOM_E2E_LOG").expect("set by scripts/e2e.sh")).expect("log");
    assert!(!log.contains("SECRET-TOKEN-123"), "the query string reached the log");
    let lines: Vec<Value> = log.lines().filter_map(|l| serde_json::from_str::<Value>(l.trim()).ok()).collect();
    let line = lines.iter().find(|v| v["path"] == "/releases/x").unwrap_or_else(|| panic!("no log line:\n{log}"));
    assert_eq!((line["method"].as_str(), line["status"].as_u64()), (Some("GET"), Some(503)));
    assert_eq!(line["representation"], "text/html");
    assert!(line["warnings"][0].as_str().is_some_and(|w| w.contains("RELEASES")), "{line}");
    assert!(line["duration_ms"].is_u64() && line["kv_reads"].is_u64());
    assert!(lines.len() >= 5, "a line for every request: {}", lines.len());
}

#[test]
#[ignore = "needs wrangler: run scripts/e2e.sh"]
fn a_publish_overtaken_by_another_stops_before_deleting_what_the_other_needs() {
    let _ = base(); // only under scripts/e2e.sh, where wrangler is installed
    let tmp = tempfile::tempdir().expect("tmp");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (a, b, c) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("c"));
    for dir in [&a, &b, &c] {
        common::copy_tree(&common::content_dir(), dir);
    }
    let removed = "releases/2025-06-23-diagnoositiedot.md";
    std::fs::remove_file(b.join(removed)).expect("rm"); // B removes a release: it would delete it
    let edited = c.join("releases/2018-11-30-kymsote-kehitysohjelma.md");
    let text = std::fs::read_to_string(&edited).expect("read");
    std::fs::write(&edited, text + "\nMuutettu testissä.\n").expect("write"); // C keeps it
    let state = tmp.path().join("state");
    let s = |p: &std::path::Path| p.to_str().expect("UTF-8").to_string();
    let publish_args = |content: &std::path::Path, out: &str| {
        let out = s(&tmp.path().join(out));
        vec!["publish".to_string(), s(content), "--local".into(), "--persist-to".into(), s(&state), "--out".into(), out]
    };
    let run = |args: &[String]| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        newsroom_cli(&args)
    };
    assert!(run(&publish_args(&a, "out-a")).status.success(), "publish A");

    // B plans against A's manifest, uploads its releases and lists, then waits...
    let resume = tmp.path().join("resume");
    let mut b_args = publish_args(&b, "out-b");
    b_args.extend(["--pause-before-deletions".into(), s(&resume)]);
    let slow =
        common::newsroom_command(root).args(&b_args).stderr(std::process::Stdio::piped()).spawn().expect("spawn");
    let paused = resume.with_extension("paused");
    for _ in 0..1200 {
        if paused.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(paused.exists(), "publish B never reached its deletions");
    // ...while C publishes completely (it still has the release B removes).
    let c_run = run(&publish_args(&c, "out-c"));
    assert!(c_run.status.success(), "publish C: {}", String::from_utf8_lossy(&c_run.stderr));
    std::fs::write(&resume, b"").expect("resume");
    let b_done = slow.wait_with_output().expect("B ends");
    let stderr = String::from_utf8_lossy(&b_done.stderr);
    assert_eq!(b_done.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("another publish replaced build:manifest"), "{stderr}");
    // C's release is still there: B deleted nothing.
    let status = run(&["status".into(), s(&c), "--persist-to".into(), s(&state)]);
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert!(!stdout.contains("release:2025-06-23-diagnoositiedot"), "{stdout}");
}

/// `newsroom publish` of run 2's content onto the run's state, as a publisher would.
fn publish_run2_content() {
    let state = std::env::var("NEWSROOM_E2E_STATE").expect("set by scripts/e2e.sh");
    let secret = std::env::var("NEWSROOM_E2E_PREVIEW_SECRET").expect("set by scripts/e2e.sh");
    let out = common::newsroom_command(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
        .env("PREVIEW_SECRET", secret)
        .args(["publish", RUN2_CONTENT, "--persist-to", &state])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Run 7, over run 2's state: the release whose embargo notice run 2 mailed is moved four
/// days later, then withdrawn. The journalist told of it gets one update with the new
/// moment and its link, then one cancellation quoting it; a journalist added after the
/// notice gets the notice of the new moment and no update; the revoked one gets nothing;
/// the public sees nothing at any point.
#[test]
#[ignore = "needs workerd: run scripts/e2e.sh (seventh run)"]
fn run7_a_moved_moment_sends_one_update_and_a_withdrawal_one_cancellation() {
    let mailbox = run2_mailbox();
    let (told, newcomer, revoked) = ("toimittaja@example.fi", "uusi-toimittaja@example.fi", "entinen@example.fi");
    media(&["add", newcomer]);
    let file = format!("{RUN2_CONTENT}/releases/e2e-notice-fixture.md");
    let text = std::fs::read_to_string(&file).expect("run 2's fixture");
    let moved = (utc_now() + chrono::Duration::days(4)).date_naive();
    let line = text.lines().find(|l| l.starts_with("published_at = ")).expect("its moment");
    std::fs::write(&file, text.replace(line, &format!("published_at = \"{moved}T10:00:00Z\""))).expect("written");
    publish_run2_content();
    // A follow-up waits two minutes after the journalist's latest mail (KV's propagation):
    // the trigger runs as if three minutes had passed, then six.
    run_cron_ahead(3);
    run_cron_ahead(3);
    let update = wait_for(|| mails_starting(&mailbox, told, "Julkaisuhetki muuttui").first().cloned(), "the update");
    let notice = wait_for(|| mails_starting(&mailbox, newcomer, "EMBARGO").first().cloned(), "the newcomer's notice");
    std::thread::sleep(std::time::Duration::from_secs(3));
    run_cron_ahead(4);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(mails_starting(&mailbox, told, "Julkaisuhetki muuttui").len(), 1, "exactly one update");
    assert!(mails_starting(&mailbox, told, "EMBARGO").is_empty(), "no second notice to one already told");
    assert_eq!(mails_starting(&mailbox, newcomer, "EMBARGO").len(), 1, "the newcomer gets the notice once");
    assert!(
        mails_starting(&mailbox, newcomer, "Julkaisuhetki").is_empty(),
        "and no update: it never knew another moment"
    );
    assert!(mails_to(&mailbox, revoked).is_empty(), "never to a revoked address");

    let (subject, noticed) = (update["Subject"].as_str().unwrap_or(""), notice["Subject"].as_str().unwrap_or(""));
    assert_eq!(
        subject,
        format!("Julkaisuhetki muuttui – {noticed}"),
        "the update names the new moment as a notice would"
    );
    let day = moved.format("%-d.%-m.%Y").to_string();
    assert!(
        noticed.starts_with(&format!("EMBARGO {day} klo ")) && noticed.ends_with(": Testiaineisto: embargoilmoitus"),
        "{noticed}"
    );
    let text = update["TextBody"].as_str().unwrap_or_default();
    assert!(text.contains("julkaisuhetki on muuttunut") && text.contains(&privacy_line()), "{text}");
    let link = link_in(text, &format!("{}/embargo/kymsote.", base()));
    assert!(link.ends_with("/releases/e2e-notice-fixture"), "{link}");
    let page = get(&link[base().len()..]);
    assert_eq!((page.status, page.header("cache-control")), (200, Some("private, no-store")), "{}", page.body);
    assert!(page.body.contains(&day), "the page shows the new moment");
    assert_eq!(get("/releases/e2e-notice-fixture").status, 404, "still hidden from the public");

    std::fs::remove_file(&file).expect("withdrawn");
    publish_run2_content();
    run_cron_ahead(4);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert!(mails_starting(&mailbox, told, "Peruttu").is_empty(), "no cancellation when first found missing");
    // A cancellation waits until the release has been missing three minutes.
    run_cron_ahead(6);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert!(mails_starting(&mailbox, told, "Peruttu").is_empty(), "no cancellation within three minutes missing");
    run_cron_ahead(7);
    run_cron_ahead(7);
    let cancelled = wait_for(|| mails_starting(&mailbox, told, "Peruttu").first().cloned(), "the cancellation");
    wait_for(|| mails_starting(&mailbox, newcomer, "Peruttu").first().cloned(), "the newcomer's cancellation");
    std::thread::sleep(std::time::Duration::from_secs(3));
    run_cron_ahead(8);
    std::thread::sleep(std::time::Duration::from_secs(2));
    for to in [told, newcomer] {
        assert_eq!(mails_starting(&mailbox, to, "Peruttu").len(), 1, "exactly one cancellation to {to}");
    }
    assert!(mails_to(&mailbox, revoked).is_empty(), "never to a revoked address");
    assert_eq!(cancelled["Subject"].as_str(), Some(format!("Peruttu – {noticed}").as_str()), "it quotes what was told");
    let text = cancelled["TextBody"].as_str().unwrap_or_default();
    assert!(text.contains("perunut") && !text.contains("/embargo/") && text.contains(&privacy_line()), "{text}");
    assert_eq!(get(&link[base().len()..]).status, 404, "the personal link leads nowhere now");
    assert_eq!(mails_to(&mailbox, told).len(), 2, "an update and a cancellation, nothing else");

    // A release and its translation (issue 42): a Swedish translation of run 2's lift
    // release goes public now. A Swedish-language subscriber gets it, once, in Swedish; the
    // Finnish subscribers, mailed the original in run 2, get nothing more.
    let swedish = "svenska@example.fi";
    let confirmation = || mails_to(&mailbox, swedish).first().and_then(|m| m["TextBody"].as_str().map(str::to_string));
    subscribe_and_confirm_in(confirmation, swedish, "all", "sv");
    let at = (utc_now() - chrono::Duration::minutes(2)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let translation = format!(
        "+++\ntitle = \"Testmaterial: publicerat under testet\"\npublisher = \"kymsote\"\npublished_at = \"{at}\"\n\
         language = \"sv\"\nlead = \"Testmaterial. Ingen text från utgivaren.\"\nkeywords = [\"e2e-testiaineisto\"]\n\
         translations = [\"e2e-lift-fixture\"]\n+++\n\nTestmaterial.\n"
    );
    std::fs::write(format!("{RUN2_CONTENT}/releases/e2e-lift-fixture-sv.md"), translation).expect("written");
    publish_run2_content();
    let released = |to: &str| mails_starting(&mailbox, to, "Testmaterial: publicerat");
    run_cron_ahead(9);
    let mail = wait_for(|| released(swedish).first().cloned(), "the Swedish subscriber's mail");
    std::thread::sleep(std::time::Duration::from_secs(3));
    run_cron_ahead(10);
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(released(swedish).len(), 1, "once");
    let text = mail["TextBody"].as_str().unwrap_or_default();
    assert!(
        text.contains("Testmaterial. Ingen text från utgivaren.")
            && text.contains("Ändra eller avsluta prenumerationen"),
        "{text}"
    );
    for finnish in ["kaikki@example.fi", "aihe@example.fi", "retry-once@example.fi"] {
        assert!(mails_to(&mailbox, finnish).is_empty(), "{finnish} had the original: nothing more");
    }
}

/// `/healthz`'s `services` as (name, status) pairs, in order.
fn services_of(v: &Value) -> Vec<(&str, &str)> {
    let services = v["services"].as_array().expect("services");
    services.iter().map(|s| (s["name"].as_str().unwrap_or(""), s["status"].as_str().unwrap_or(""))).collect()
}

/// Run 8: the readers' Worker with its mail Worker down. Readers lose nothing; `/healthz`
/// says what is failing, and the subscription posts answer `503` to retry.
#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn run8_without_the_mail_worker_pages_answer_and_health_says_mail_is_failing() {
    for path in ["/", "/subscribe", "/feed.xml", "/releases/2025-06-25-konttisairaala"] {
        assert_eq!(get(path).status, 200, "{path}");
    }
    let health = request("GET", "/healthz", None);
    assert_eq!(health.status, 200, "{}", health.body);
    let v = health.json();
    let services = services_of(&v);
    assert_eq!(services, [("database", "ok"), ("mail", "failing")], "{v}");
    let warnings = v["warnings"].as_array().expect("warnings");
    assert!(
        warnings.iter().any(|w| w.as_str().is_some_and(|w| w.starts_with("mail: the mail Worker did not answer"))),
        "{v}"
    );
    let r = post_form("/subscribe", "address=ei-postia%40example.fi&scope=all");
    assert_eq!(r.status, 503, "{}", r.body);
}
