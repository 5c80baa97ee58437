//! The browser editor (docs/editor.md) over HTTP: its files at `/admin/` with their own CSP,
//! and its sign-in without settings (run 1); its GitHub sign-in endpoint
//! (`worker/js/editor_auth.js`) against a stand-in for GitHub's OAuth token endpoint (the
//! `run10_` test: run 10 gives the readers' Worker the OAuth settings, scripts/e2e.sh). The
//! editor itself is driven in Chromium by tests/browser/editor.mjs.

use super::*;

/// The stand-in's address: run 10 gives the readers' Worker `GITHUB_OAUTH_URL` pointing here.
const GITHUB_STUB: &str = "127.0.0.1:8794";
/// What the stand-in answers for the code `good-code`: a token with markup in it, so the
/// page that hands it over must keep it inside its script.
const TOKEN: &str = "gho_e2e</script><b>token";

/// A request that does not follow redirects, with `headers`.
fn no_redirect(path: &str, headers: &[(&str, &str)]) -> Reply {
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let mut req = agent.get(&format!("{}{path}", base()));
    for (name, value) in headers {
        req = req.set(name, value);
    }
    reply("GET", path, req.call())
}

/// GitHub's `POST /login/oauth/access_token`: a token for `good-code` with the right client
/// secret, GitHub's error object otherwise. Started once per test process.
fn github_stub() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        use std::io::{BufReader, Write};
        let listener = std::net::TcpListener::bind(GITHUB_STUB).expect("bind the GitHub stand-in");
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream);
                let (request_line, _, body) = read_request(&mut reader);
                let asked: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                let good = request_line.starts_with("POST /login/oauth/access_token ")
                    && asked["client_id"] == "e2e-client"
                    && asked["client_secret"] == "e2e-client-secret"
                    && asked["code"] == "good-code";
                let answer = if good {
                    serde_json::json!({"access_token": TOKEN, "token_type": "bearer", "scope": "repo,user"})
                } else {
                    serde_json::json!({"error": "bad_verification_code"})
                };
                let text = answer.to_string();
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    text.len()
                );
                let _ = reader.get_mut().write_all(head.as_bytes());
                let _ = reader.get_mut().write_all(text.as_bytes());
            }
        });
    });
}

/// Starts a sign-in: the `state` of GitHub's authorize link and the cookie that carries it.
fn start_sign_in() -> (String, String) {
    let r = no_redirect("/admin/auth?provider=github&scope=repo", &[]);
    assert_eq!(r.status, 302, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let location = url::Url::parse(r.header("location").expect("a Location")).expect("a URL");
    assert_eq!(format!("{}:{}", location.host_str().unwrap_or(""), location.port().unwrap_or(0)), GITHUB_STUB);
    assert_eq!(location.path(), "/login/oauth/authorize");
    let query: std::collections::HashMap<_, _> = location.query_pairs().into_owned().collect();
    assert_eq!(query.get("client_id").map(String::as_str), Some("e2e-client"));
    assert_eq!(query.get("redirect_uri"), Some(&format!("{}/admin/callback", base())));
    assert_eq!(query.get("scope").map(String::as_str), Some("repo"));
    let state = query.get("state").expect("a state").clone();
    assert!(state.len() == 32 && state.chars().all(|c| c.is_ascii_hexdigit()), "{state}");
    let cookie = r.header("set-cookie").expect("the state's cookie").to_string();
    for part in [
        format!("newsroom_editor_state={state}"),
        "HttpOnly".into(),
        "Secure".into(),
        "SameSite=Lax".into(),
        "Path=/admin/".into(),
    ] {
        assert!(cookie.contains(&part), "{part} in {cookie}");
    }
    let cookie = format!("newsroom_editor_state={state}");
    (state, cookie)
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn the_editors_files_have_their_own_csp_and_the_readers_pages_keep_theirs() {
    let page = get("/admin/");
    assert_eq!(page.status, 200, "{}", page.body);
    let csp = page.header("content-security-policy").expect("the editor's CSP").to_string();
    for part in ["default-src 'none'", "frame-ancestors 'none'", "form-action 'none'", "https://api.github.com"] {
        assert!(csp.contains(part), "{part} in {csp}");
    }
    assert_eq!(page.header("x-robots-tag"), Some("noindex, nofollow"));
    let doc = page.html();
    let scripts = attrs(&doc, "script", "src");
    assert_eq!(scripts, ["boot.js", "decap-cms.js", "locale-fi.js", "editor.js"], "only our own files, no CDN");
    // The configuration written by `newsroom editor-config`, from the content model.
    let config = get("/admin/config.yml");
    assert_eq!(config.status, 200);
    let config: Value = serde_json::from_str(&config.body).expect("JSON, which is YAML");
    assert_eq!(config["collections"][0]["folder"], "content/releases");
    assert_eq!(config["publish_mode"], "editorial_workflow");
    // The readers' pages keep their own, stricter policy: no eval, no inline styles from outside.
    let front = get("/");
    let readers = front.header("content-security-policy").expect("the readers' CSP");
    assert!(readers.starts_with("default-src 'none'"), "{readers}");
    assert!(!readers.contains("script-src") && !readers.contains("api.github.com"), "no script at all: {readers}");
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn editor_sign_in_without_its_settings_says_what_to_set_up() {
    for path in ["/admin/auth", "/admin/callback?code=x&state=y"] {
        let r = no_redirect(path, &[]);
        assert_eq!(r.status, 503, "{path}: {}", r.body);
        assert!(r.body.contains("GITHUB_OAUTH_CLIENT_ID") && r.body.contains("docs/editor.md"), "{}", r.body);
    }
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn run10_editor_sign_in_hands_githubs_token_only_to_the_editors_own_window() {
    github_stub();
    let (state, cookie) = start_sign_in();
    let r = no_redirect(&format!("/admin/callback?code=good-code&state={state}"), &[("Cookie", &cookie)]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert!(r.header("set-cookie").is_some_and(|c| c.contains("Max-Age=0")), "the state is used once");
    let csp = r.header("content-security-policy").expect("a CSP").to_string();
    let doc = r.html();
    let scripts: Vec<_> = doc.select(&scraper::Selector::parse("script").expect("selector")).collect();
    assert_eq!(scripts.len(), 1, "one script: {}", r.body);
    let nonce = scripts[0].value().attr("nonce").expect("a nonce");
    assert!(csp.contains(&format!("script-src 'nonce-{nonce}'")), "{csp}");
    // Decap's handshake, to this newsroom's origin only, with the token kept inside the script.
    let script = scripts[0].text().collect::<String>();
    assert!(script.contains(&format!("var origin = \"{}\"", base())), "{script}");
    assert!(script.contains("authorizing:github"), "{script}");
    assert!(script.contains("authorization:github:success:"), "{script}");
    assert!(script.contains("gho_e2e\\\\u003c/script>") || script.contains("gho_e2e\\u003c/script>"), "{script}");
    assert!(!r.body.contains(TOKEN), "the token's markup is escaped");
    assert_eq!(texts(&doc, "b"), Vec::<String>::new(), "nothing of the token became markup");

    // Refused: another browser's state, no cookie, a tampered state, GitHub's error, a bad code.
    let (other, _) = start_sign_in();
    for (path, headers, status) in [
        (format!("/admin/callback?code=good-code&state={other}"), vec![("Cookie", cookie.as_str())], 400),
        (format!("/admin/callback?code=good-code&state={state}"), vec![], 400),
        ("/admin/callback?code=good-code&state=x".to_string(), vec![("Cookie", cookie.as_str())], 400),
        (format!("/admin/callback?error=access_denied&state={state}"), vec![("Cookie", cookie.as_str())], 403),
        (format!("/admin/callback?code=bad-code&state={state}"), vec![("Cookie", cookie.as_str())], 502),
        (format!("/admin/callback?code=a%20b&state={state}"), vec![("Cookie", cookie.as_str())], 400),
    ] {
        let r = no_redirect(&path, &headers);
        assert_eq!(r.status, status, "{path}: {}", r.body);
        assert!(!r.body.contains("gho_e2e") && r.body.contains("authorization:github:error:"), "{path}: {}", r.body);
    }
    // Only GET: a HEAD must not set a cookie or spend a code.
    let post = ureq::post(&format!("{}/admin/auth", base())).call();
    assert_eq!(reply("POST", "/admin/auth", post).status, 405);
    let head =
        ureq::head(&format!("{}/admin/callback?code=good-code&state={state}", base())).set("Cookie", &cookie).call();
    let head = reply("HEAD", "/admin/callback", head);
    assert_eq!((head.status, head.header("set-cookie")), (405, None));
}
