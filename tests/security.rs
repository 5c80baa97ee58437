//! Property tests for every parser of outside input (issue 9): content files, request paths,
//! query strings and headers, preview tokens and Markdown. Invariants: nothing panics; HTML
//! never carries a script, event handler or `javascript:`/`data:` URL that came from content;
//! feeds are well-formed XML that feed parsers read back; JSON always parses; KV keys are
//! never built from unvalidated input.
//!
//! `make test` runs the default number of cases (256 each, `PROPTEST_CASES` overrides it);
//! `make fuzz` runs many more.

mod common;

use std::collections::HashMap;

use common::{newsroom, now, serve_req, text};
use proptest::prelude::*;
use publish::content::{load_site, SourceFile};
use scraper::{Html, Selector};
use serve::http::RequestFacts;
use serve::{respond, Loaded, Outcome};

const PUBLISHER: &str = "name = \"Testi <b>&\"\nlanguage = \"fi\"\ntime_zone = \"Europe/Helsinki\"\nboilerplate = \"Meistä </script><script>alert(1)</script>\"\n";

/// Text that tries to break out of HTML, attributes, JSON-LD, XML, CDATA and Markdown.
fn hostile() -> impl Strategy<Value = String> {
    let fragments = prop_oneof![
        Just("<script>alert(1)</script>".to_string()),
        Just("</script><script>alert(2)</script>".to_string()),
        Just("<img src=x onerror=alert(3)>".to_string()),
        Just("<svg onload=alert(4)>".to_string()),
        Just("[klikkaa](javascript:alert(5))".to_string()),
        Just("[x](JaVaScRiPt:alert(6))".to_string()),
        Just("[x](&#x6a;avascript:alert(7))".to_string()),
        Just("[x](data:text/html;base64,PHNjcmlwdD4=)".to_string()),
        Just("![kuva](javascript:alert(8))".to_string()),
        Just("<a href=\"javascript:alert(9)\">a</a>".to_string()),
        Just("]]>".to_string()),
        Just("<![CDATA[x]]>".to_string()),
        Just("\"'`<>&".to_string()),
        Just("&amp;&lt;&#0;&#x110000;".to_string()),
        Just("\u{200B}\u{200D}\u{FEFF}".to_string()),
        Just("\u{202E}".to_string()),
        Just("\u{0007}\u{0000}".to_string()),
        Just("\n\n> > > > lainaus\n\n".to_string()),
        Just("\n\n- a\n  - b\n    - c\n".to_string()),
        Just("\n\n```\n</script>\n```\n".to_string()),
        Just("<!-- kommentti -->".to_string()),
        Just("<iframe src=//evil.example>".to_string()),
        Just("<style>body{}</style>".to_string()),
        "[a-zåäöA-ZÅÄÖ0-9 .,:-]{0,24}",
        any::<String>(),
    ];
    prop::collection::vec(fragments, 0..6).prop_map(|parts| parts.concat())
}

/// Mostly text that passes the content checks (so it reaches the renderers), sometimes raw.
fn field(multiline: bool) -> impl Strategy<Value = String> {
    let forbidden = move |c: char| {
        c.is_control() && !(multiline && c == '\n')
            || ('\u{202A}'..='\u{202E}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    prop_oneof![
        4 => hostile().prop_map(move |s| format!("A {}", s.replace(forbidden, " ").chars().take(50).collect::<String>())),
        1 => hostile(),
    ]
}

/// A TOML basic string (JSON's escapes are valid TOML).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

fn release_file(title: &str, lead: &str, body: &str, keyword: &str) -> String {
    format!(
        "+++\ntitle = {}\npublisher = \"testi\"\npublished_at = 2025-06-25T10:00:00\nlead = {}\nkeywords = [{}]\n\n[[contacts]]\nname = {}\n+++\n{body}\n",
        quoted(title),
        quoted(lead),
        quoted(keyword),
        quoted(title),
    )
}

/// Fails when `html` holds anything executable or a dangerous URL.
fn assert_inert_html(html: &str) {
    let doc = Html::parse_document(html);
    let all = Selector::parse("*").expect("selector");
    for el in doc.select(&all) {
        let name = el.value().name();
        assert!(
            !["iframe", "object", "embed", "frame", "applet", "base"].contains(&name),
            "<{name}> in the page:\n{html}"
        );
        if name == "script" {
            assert_eq!(el.value().attr("type"), Some("application/ld+json"), "an executable script:\n{html}");
            let json: String = el.text().collect();
            serde_json::from_str::<serde_json::Value>(&json).unwrap_or_else(|e| panic!("JSON-LD broke ({e}): {json}"));
        }
        for (attr, value) in el.value().attrs() {
            assert!(!attr.to_ascii_lowercase().starts_with("on"), "event handler {attr}={value:?}");
            if ["href", "src", "action", "formaction", "srcset", "poster", "xlink:href"].contains(&attr) {
                let bare: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                assert!(
                    !bare.starts_with("javascript:") && !bare.starts_with("vbscript:") && !bare.starts_with("data:"),
                    "dangerous URL {attr}={value:?}"
                );
            }
        }
    }
}

/// The prefixes a folded query term matches (`search::stems`): itself, and the stem its
/// inflected forms share for two Finnish nominative endings: `…s` of 5+ letters (not `…ks`)
/// also as `…ks` (`paivystys` → `paivystyksissa`), `…nen` of 6+ letters also as `…s`
/// (`suomalainen` → `suomalaisia`).
fn stems(term: &str) -> Vec<String> {
    let mut out = vec![term.to_string()];
    if term.len() >= 5 && term.ends_with('s') && !term.ends_with("ks") {
        out.push(format!("{}ks", &term[..term.len() - 1]));
    }
    if term.len() >= 6 && term.ends_with("nen") {
        out.push(format!("{}s", &term[..term.len() - 3]));
    }
    out
}

/// `text` cut into its words (runs of letters, digits and `-`, what highlighting marks whole)
/// and what lies between them, in order, each with whether it is a word.
fn runs(text: &str) -> Vec<(bool, &str)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '-';
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(first) = rest.chars().next() {
        let end = rest.find(|c: char| is_word(c) != is_word(first)).unwrap_or(rest.len());
        out.push((is_word(first), &rest[..end]));
        rest = &rest[end..];
    }
    out
}

fn assert_feeds_parse(kv: &HashMap<String, Vec<u8>>, prefix: &str) {
    let get = |path: &str| serve_req(kv, &RequestFacts::get(path, None, now()));
    let rss = get(&format!("{prefix}/feed.xml"));
    assert_eq!(rss.status, 200);
    roxmltree::Document::parse(&text(&rss)).unwrap_or_else(|e| panic!("RSS not well-formed: {e}\n{}", text(&rss)));
    rss::Channel::read_from(rss.body.as_slice()).expect("RSS parses back");
    let atom = get(&format!("{prefix}/atom.xml"));
    roxmltree::Document::parse(&text(&atom)).expect("Atom well-formed");
    atom_syndication::Feed::read_from(atom.body.as_slice()).expect("Atom parses back");
    let json = get(&format!("{prefix}/feed.json"));
    serde_json::from_slice::<serde_json::Value>(&json.body).expect("JSON Feed parses");
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever a publisher writes is either refused with a located message or served inert.
    #[test]
    fn content_is_refused_or_rendered_inert(title in field(false), lead in field(true), body in hostile(), keyword in field(false)) {
        let publishers = [SourceFile { path: "content/publishers/testi.toml".into(), text: PUBLISHER.into() }];
        let file = SourceFile { path: "content/releases/vihamielinen.md".into(), text: release_file(&title, &lead, &body, &keyword) };
        let lines = file.text.lines().count() + 1;
        let site = match load_site(&publishers, &[file]) {
            Ok(site) => site,
            Err(diags) => {
                prop_assert!(diags.iter().all(|d| d.line >= 1 && d.line <= lines && !d.message.is_empty()), "{diags:?}");
                return Ok(());
            }
        };
        let kv = common::store(&site);
        for path in ["/releases/vihamielinen", "/", "/publishers/testi", "/keywords", "/search?q=alert"] {
            let r = serve_req(&kv, &RequestFacts::get(path, None, now()));
            prop_assert!(r.status < 500, "{path}: {}", r.status);
            if r.status == 200 {
                assert_inert_html(&text(&r));
            }
            let j = serve_req(&kv, &RequestFacts::get(path, Some("application/json"), now()));
            serde_json::from_slice::<serde_json::Value>(&j.body).expect("JSON parses");
        }
        let md = serve_req(&kv, &RequestFacts::get("/releases/vihamielinen", Some("text/markdown"), now()));
        prop_assert_eq!(md.header("content-type"), Some("text/markdown; charset=utf-8"));
        prop_assert_eq!(md.header("x-content-type-options"), Some("nosniff"));
        assert_feeds_parse(&kv, "");
        assert_feeds_parse(&kv, "/publishers/testi");
        if let Some(k) = site.releases[0].keywords.first() {
            assert_feeds_parse(&kv, &format!("/keywords/{}", k.slug));
        }
    }

    /// Markdown alone, with arbitrary nesting: always inert HTML.
    #[test]
    fn markdown_renders_inert(md in hostile(), depth in 0usize..200) {
        let nested = format!("{}{md}\n\n{}{md}", "> ".repeat(depth), "- ".repeat(depth));
        assert_inert_html(&render::markdown::to_html(&nested));
    }

    /// Any file text: the loader reports, never panics.
    #[test]
    fn any_file_text_is_checked_without_panicking(text in any::<String>(), front in "[a-z_]{1,12} = .{0,40}") {
        let publishers = [SourceFile { path: "content/publishers/testi.toml".into(), text: PUBLISHER.into() }];
        for t in [text.clone(), format!("+++\n{front}\n+++\n{text}")] {
            let _ = load_site(&publishers, &[SourceFile { path: "content/releases/x.md".into(), text: t }]);
        }
        let _ = load_site(&[SourceFile { path: "content/publishers/p.toml".into(), text }], &[]);
    }

    /// Any request: a status below 500, and every KV key asked for is well-formed.
    #[test]
    fn any_request_is_answered_and_asks_only_for_sane_keys(
        path in prop_oneof![Just("/releases/".to_string()), Just("/publishers/".to_string()), Just("/keywords/".to_string()), Just("/search".to_string()), Just("/".to_string()), Just("/media/".to_string())]
            .prop_flat_map(|p| (Just(p), "([a-z0-9.%/_-]|%2[fF]|%00|\\.\\.|[^a-z]){0,60}"))
            .prop_map(|(p, rest)| format!("{p}{rest}")),
        query in proptest::option::of("([a-z]{1,8}=[^&#]{0,30}&?){0,5}"),
        accept in proptest::option::of(".{0,80}"),
        language in proptest::option::of(".{0,80}"),
        etag in proptest::option::of(".{0,80}"),
        since in proptest::option::of(".{0,40}"),
        method in prop_oneof![Just("GET"), Just("HEAD"), Just("POST"), Just("OPTIONS"), Just("DELETE"), Just("get")],
    ) {
        let mut req = RequestFacts::get(&path, None, now());
        req.query = query;
        req.accept = accept;
        req.accept_language = language;
        req.if_none_match = etag;
        req.if_modified_since = since;
        req.method = method.to_string();
        req.preview_secret = Some("0123456789abcdef0123456789abcdef".into());
        let mut loaded = Loaded::default();
        let response = loop {
            match respond(&req, &loaded) {
                Outcome::Done(r) => break r,
                Outcome::Fetch(keys) => {
                    for key in keys {
                        prop_assert!(key.len() <= 512 && key.bytes().all(|b| b.is_ascii_alphanumeric() || b":.-_".contains(&b)), "key {key:?}");
                        prop_assert!(!key.contains(".."), "key {key:?}");
                        loaded.insert(key, None);
                    }
                }
            }
        };
        prop_assert!(response.status < 500, "{} {path}: {}", req.method, response.status);
        let secret = req.preview_secret.as_deref().unwrap_or_default();
        prop_assert!(response.log.iter().chain(response.headers.iter().map(|(_, v)| v)).all(|l| !l.contains(secret)), "the secret leaked");
    }

    /// Preview tokens from anywhere: refused, never a panic, never accepted for another slug.
    #[test]
    fn preview_tokens_are_verified_safely(token in ".{0,120}", slug in "[a-z0-9-]{1,20}") {
        let secret = b"0123456789abcdef0123456789abcdef";
        prop_assert!(contract::preview::verify(secret, &slug, &token, now()).is_err());
        let real = contract::preview::sign(secret, &slug, now() + chrono::Duration::hours(1)).expect("signs");
        let other = format!("{}x", slug);
        prop_assert!(contract::preview::verify(secret, &other, &real, now()).is_err());
    }

    /// Header parsers alone.
    #[test]
    fn header_parsers_never_panic(value in ".{0,200}", parts in 0usize..1200) {
        let many = vec![value.as_str(); parts].join(",");
        let _ = serve::negotiate::negotiate(Some(&many), &[contract::format::Format::Html, contract::format::Format::Json]);
        prop_assert!(serve::negotiate::language_ranking(Some(&many)).len() <= 64);
        let _ = serve::conditional::none_match_hits(&many, "\"abc\"");
    }

    /// Highlighting only adds `<mark>` around whole words of the escaped text: around exactly
    /// the words a folded part of which starts with a query term or one of its `stems`.
    #[test]
    fn highlighting_marks_whole_hits_of_the_escaped_text(
        text in "([a-zA-ZäöÅ-]{1,12}|[ ,.&<>\"'–]{1,3}|[0-9]{1,4}){0,30}",
        term in "[a-zä]{2,6}",
    ) {
        let terms: Vec<String> = search::terms(&term).collect();
        let marked = search::highlight(&text, &terms);
        let mut escaped = String::new();
        contract::text::escape(&text, &mut escaped);
        prop_assert_eq!(marked.replace("<mark>", "").replace("</mark>", ""), escaped);
        let prefixes: Vec<String> = terms.iter().flat_map(|t| stems(t)).collect();
        for t in &terms {
            prop_assert_eq!(search::stems(t), stems(t));
        }
        let mut expected = String::new();
        for (is_word, run) in runs(&text) {
            // Over 40 letters a word is no search term, but it is still marked when it starts so.
            let hit = is_word
                && contract::slug::words(run).iter().any(|w| prefixes.iter().any(|p| w.starts_with(p.as_str())));
            expected.push_str(if hit { "<mark>" } else { "" });
            contract::text::escape(run, &mut expected);
            expected.push_str(if hit { "</mark>" } else { "" });
        }
        prop_assert_eq!(marked, expected, "{:?} for {:?}", text, terms);
    }

    /// A stored snippets chunk of any bytes splits into its head and lines without panicking,
    /// and they are the value's bytes between its newlines.
    #[test]
    fn snippets_chunks_split_at_their_newlines(value in proptest::collection::vec(prop_oneof![Just(b'\n'), any::<u8>()], 0..400)) {
        use search::snippets;
        let (head, lines) = snippets::split(&value);
        let mut joined = head.to_vec();
        for line in &lines {
            joined.push(b'\n');
            joined.extend_from_slice(line);
        }
        prop_assert_eq!(joined, value.clone());
        prop_assert!(lines.iter().chain([&head]).all(|l| !l.contains(&b'\n')));
    }

    /// A snippet is the start of its lead, whole or cut and ended with `…`, never longer than
    /// the limit and its ellipsis.
    #[test]
    fn snippets_are_the_start_of_their_lead(lead in "([a-zA-ZäöÅ]{1,15}|[ ,.–\n]{1,2}){0,60}") {
        use search::snippets::{snippet, SNIPPET_CHARS};
        let cut = snippet(&lead);
        prop_assert!(cut.chars().count() <= SNIPPET_CHARS + 1, "{}", cut);
        match cut.strip_suffix('…') {
            Some(start) if cut != lead => prop_assert!(lead.starts_with(start), "{:?} of {:?}", cut, lead),
            _ => prop_assert_eq!(&cut, &lead),
        }
    }
}

#[test]
fn a_good_share_of_generated_content_is_valid_and_rendered() {
    // Runs the content property on its own budget of cases and counts the valid ones.
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let strategy = (field(false), field(true), hostile(), field(false));
    let valid = std::cell::Cell::new(0);
    runner
        .run(&strategy, |(title, lead, body, keyword)| {
            let publishers = [SourceFile { path: "content/publishers/testi.toml".into(), text: PUBLISHER.into() }];
            let file =
                SourceFile { path: "content/releases/x.md".into(), text: release_file(&title, &lead, &body, &keyword) };
            if load_site(&publishers, &[file]).is_ok() {
                valid.set(valid.get() + 1);
            }
            Ok(())
        })
        .expect("runs");
    let valid = valid.get();
    assert!(
        valid >= 20,
        "only {valid} of 200 generated releases were valid: the strategy must produce renderable content"
    );
}

/// The HTML check itself must catch what it is for (a canary per rule).
#[test]
fn the_inertness_check_flags_each_kind_of_danger() {
    for bad in [
        "<script>alert(1)</script>",
        "<p onclick=x>a</p>",
        "<a href=' JaVaScRiPt:alert(1)'>a</a>",
        "<a href='&#x6a;avascript:alert(1)'>a</a>",
        "<img src='data:image/svg+xml,x'>",
        "<iframe src=x></iframe>",
        "<script type='application/ld+json'>{\"a\": \"</script><script>alert(1)</script>\"}</script>",
    ] {
        let caught = std::panic::catch_unwind(|| assert_inert_html(bad)).is_err();
        assert!(caught, "not flagged: {bad}");
    }
    assert_inert_html("<p><a href='/x'>ok</a><script type='application/ld+json'>{}</script></p>");
}

fn corpus(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile").join(name)
}

/// tests/fixtures/hostile/valid: every field of a release and its publisher tries to break
/// out of its context; `check` accepts it and every representation shows it as inert text.
#[test]
fn the_hostile_corpus_that_is_valid_renders_inert_everywhere() {
    let dir = corpus("valid");
    let o = newsroom(&["check", dir.to_str().expect("UTF-8")], std::path::Path::new("."));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let site =
        load_site(&common::read_dir(&dir.join("publishers"), "toml"), &common::read_dir(&dir.join("releases"), "md"))
            .expect("valid corpus");
    let kv = common::store(&site);
    let pages = [
        "/releases/kaikki-kentat",
        "/",
        "/publishers/testi",
        "/keywords",
        "/keywords/b-sote-b",
        "/search?q=alert",
        "/archive/2025",
    ];
    for path in pages {
        let r = serve_req(&kv, &RequestFacts::get(path, None, now()));
        assert_eq!(r.status, 200, "{path}");
        assert_inert_html(&text(&r));
        let j = serve_req(&kv, &RequestFacts::get(path, Some("application/json"), now()));
        serde_json::from_slice::<serde_json::Value>(&j.body).unwrap_or_else(|e| panic!("{path} JSON: {e}"));
    }
    let page = Html::parse_document(&text(&serve_req(&kv, &RequestFacts::get("/releases/kaikki-kentat", None, now()))));
    let h1: String = page.select(&Selector::parse("h1").expect("css")).flat_map(|e| e.text()).collect();
    assert_eq!(
        h1, "<script>alert(\"otsikko\")</script> & \"lainaus\" ]]> </title>",
        "the title is shown as written, as text"
    );
    let quotes = page.select(&Selector::parse("blockquote").expect("css")).count();
    assert!(quotes >= 100, "deeply nested quotes render ({quotes})");
    for prefix in ["", "/publishers/testi", "/keywords/b-sote-b", "/keywords/sote2"] {
        assert_feeds_parse(&kv, prefix);
    }
    let rss = text(&serve_req(&kv, &RequestFacts::get("/feed.xml", None, now())));
    let channel = rss::Channel::read_from(rss.as_bytes()).expect("RSS");
    assert_eq!(channel.items()[0].title(), Some("<script>alert(\"otsikko\")</script> & \"lainaus\" ]]> </title>"));
    let md = serve_req(&kv, &RequestFacts::get("/releases/kaikki-kentat", Some("text/markdown"), now()));
    assert_eq!((md.status, md.header("x-content-type-options")), (200, Some("nosniff")));
}

/// tests/fixtures/hostile/invalid: refused, each at its file and line.
#[test]
fn the_hostile_corpus_that_is_invalid_is_refused_at_its_line() {
    let o = newsroom(&["check", "invalid", "--format", "short"], &corpus(""));
    assert_eq!(o.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let located: Vec<&str> = stdout.lines().map(|l| l.split(": ").next().unwrap_or(l)).collect();
    assert_eq!(
        located,
        [
            "invalid/publishers/testi.toml:5:12",
            "invalid/releases/bad-contact.md:3:14",
            "invalid/releases/bad-contact.md:10:28",
            "invalid/releases/control-char.md:3:14",
            "invalid/releases/control-char.md:5:1",
            "invalid/releases/image-url.md:3:14",
            "invalid/releases/image-url.md:8:9",
            "invalid/releases/invisible-title.md:2:1",
            "invalid/releases/invisible-title.md:3:14",
            "invalid/releases/rtl-override.md:3:14",
            "invalid/releases/rtl-override.md:5:1",
            "invalid/releases/script-in-body-control.md:3:14",
            "invalid/releases/script-in-body-control.md:8:7",
        ],
        "{stdout}"
    );
    for expected in [
        "is not an http(s) URL",
        "U+0007",
        "U+202E",
        "U+0000",
        "only invisible characters",
        "`javascript:alert(1).png` is not in content/media/",
        "cannot be used until the problems in invalid/publishers/testi.toml are fixed",
    ] {
        assert!(stdout.contains(expected), "{expected}: {stdout}");
    }
}

/// Too big to keep in the repository, so made here: a 1 MB title, 10,000 keywords, a file
/// that is not UTF-8, and a body over the limit.
#[test]
fn oversized_and_undecodable_files_are_refused_at_their_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    let write = |rel: &str, bytes: &[u8]| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    };
    write("content/publishers/testi.toml", b"name = \"Testi\"\nlanguage = \"fi\"\ntime_zone = \"Europe/Helsinki\"\n");
    let head = "+++\npublisher = \"testi\"\npublished_at = 2025-06-25T10:00:00\nlead = \"L.\"\n";
    write(
        "content/releases/huge-title.md",
        format!("{head}title = \"{}\"\n+++\n\nB.\n", "a".repeat(1_000_000)).as_bytes(),
    );
    let keywords: Vec<String> = (0..10_000).map(|i| format!("\"k{i}\"")).collect();
    write(
        "content/releases/many-keywords.md",
        format!("{head}title = \"T\"\nkeywords = [{}]\n+++\n\nB.\n", keywords.join(", ")).as_bytes(),
    );
    let mut latin1 = format!("{head}title = \"T\"\n+++\n\n").into_bytes();
    latin1.extend_from_slice(b"P\xe4iv\xe4\n");
    write("content/releases/latin1.md", &latin1);
    write(
        "content/releases/huge-body.md",
        format!("{head}title = \"T\"\n+++\n\n{}\n", "sana ".repeat(120_000)).as_bytes(),
    );
    let o = newsroom(&["check", "--format", "short"], root);
    assert_eq!(o.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(
        lines[0].starts_with("content/releases/huge-body.md:7:1: the body is 600002 bytes; the limit is 524288"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1]
            .starts_with("content/releases/huge-title.md:5:1: `title` is 1000000 characters long; the limit is 300"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("content/releases/latin1.md:8:1: the file is not valid UTF-8"), "{}", lines[2]);
    assert!(lines[3].starts_with("content/releases/many-keywords.md:6:1: ") && lines[3].contains("30"), "{}", lines[3]);
}
