//! Social media through wrangler dev (issue 44), against `scripts/social-stub.mjs`, the
//! stand-in for Mastodon, Bluesky and their feeds that `SOCIAL_VIA` sends every call of the
//! mail Worker to.
//!
//! Run 1: the publisher page shows the latest posts of Kymenlaakson hyvinvointialue's
//! Mastodon feed, a hostile one, harmlessly, and keeps them while the feed fails in every way
//! (`scripts/e2e.sh` set the feed and ran the Cron Trigger once before the tests, so every
//! test and the browser checks see the same page). Run 2: the release that goes public at
//! the lift is posted once to Kymsote's Mastodon and Bluesky accounts, through refusals of
//! every kind, with the trigger fired several times at once.

use super::*;
use serde_json::json;

/// The stand-in's address.
fn stub() -> String {
    std::env::var("NEWSROOM_E2E_SOCIAL").expect("set by scripts/e2e.sh")
}

fn stub_get(path: &str) -> Value {
    let body = ureq::get(&format!("{}{path}", stub())).call().expect("the stand-in answers").into_string();
    serde_json::from_str(&body.expect("text")).expect("JSON")
}

fn stub_post(path: &str, body: Value) {
    ureq::post(&format!("{}{path}", stub()))
        .set("content-type", "application/json")
        .send_string(&body.to_string())
        .expect("the stand-in takes it");
}

/// `newsroom social ARGS` on the run's state: its standard output.
fn social_cli(args: &[&str]) -> String {
    let state = std::env::var("NEWSROOM_E2E_STATE").expect("set by scripts/e2e.sh");
    let out = common::newsroom_command(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
        .arg("social")
        .args(args)
        .args(["--persist-to", &state])
        .output()
        .expect("runs");
    assert!(out.status.success(), "newsroom social {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn report() -> Value {
    serde_json::from_str(&social_cli(&["report", "--json"])).expect("JSON report")
}

/// The Cron Trigger `n` times at once.
fn run_cron_at_once(n: usize) {
    let runs: Vec<_> = (0..n).map(|_| std::thread::spawn(run_cron)).collect();
    for r in runs {
        r.join().expect("a trigger run");
    }
}

/// The hostile feed `scripts/e2e.sh` gives the stand-in before run 1.
const HOSTILE: &str = include_str!("../fixtures/social/hostile.rss");

/// The feed of Kymenlaakson hyvinvointialue's Mastodon channel, as the stand-in is asked for it.
const FEED: &str = "/mastodon.example/@e2e-testi.rss";
const PUBLISHER: &str = "/publishers/kymenlaakson-hyvinvointialue";

/// The fragment in local KV, as `wrangler kv key get` reads it.
fn stored_fragment() -> String {
    let state = std::env::var("NEWSROOM_E2E_STATE").expect("set by scripts/e2e.sh");
    let out = std::process::Command::new("npx")
        .args(["wrangler", "kv", "key", "get", "social-posts:kymenlaakson-hyvinvointialue", "--binding", "RELEASES"])
        .args(["--local", "--persist-to", &state, "--text"])
        .output()
        .expect("npx runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The feed's row of the report.
fn feed_row() -> Value {
    let r = report();
    let rows = r["feeds"].as_array().cloned().unwrap_or_default();
    rows.into_iter()
        .find(|f| f["publisher"] == "kymenlaakson-hyvinvointialue" && f["platform"] == "mastodon")
        .expect("its row")
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh"]
fn the_publisher_page_shows_a_hostile_feed_harmlessly_and_keeps_it_while_the_feed_fails() {
    let page = get(PUBLISHER);
    assert_eq!(page.status, 200);
    let html = page.html();
    let section = texts(&html, "main section.social-posts");
    assert_eq!(section.len(), 1, "the latest posts are shown: {}", page.body);
    let posts = texts(&html, "section.social-posts li");
    assert_eq!(posts.len(), 2, "both posts of the feed");
    let text = texts(&html, "section.social-posts li p");
    let all = text.join("\n");
    // The escaped markup of the post is text; its script and image are gone.
    assert!(all.contains("<b>lihava</b>"), "{all}");
    assert!(!all.contains("alert(1)"), "the script's content is dropped: {all}");
    assert!(texts(&html, "script:not([type='application/ld+json'])").is_empty());
    assert!(texts(&html, "main img:not(.logo)").is_empty(), "no image of the feed");
    let hrefs = attrs(&html, "section.social-posts a", "href");
    assert!(hrefs.iter().all(|h| h.starts_with("https://")), "only https links: {hrefs:?}");
    assert!(hrefs.contains(&"https://mastodon.example/@e2e-testi/2".to_string()), "{hrefs:?}");
    assert!(text.iter().all(|t| t.chars().count() <= 501), "over-long text is cut");
    // The CSP of the page is as strict as before: no third party may be asked anything.
    let csp = page.header("content-security-policy").expect("a CSP");
    assert!(csp.contains("default-src 'none'") || csp.contains("default-src 'self'"), "{csp}");
    assert!(!csp.contains("mastodon.example"), "{csp}");

    let fragment = stored_fragment();
    assert!(page.body.contains(&fragment), "the page shows the stored fragment as it is");
    // Fetched again: the stand-in answers 304 to the feed's ETag.
    run_cron();
    let asked: Vec<Value> = stub_get("/__social/requests")
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r["path"] == FEED)
        .collect();
    assert!(asked.len() >= 2, "{asked:?}");
    assert!(asked.last().is_some_and(|r| r["inm"].is_string()), "a conditional request: {asked:?}");
    assert!(feed_row()["error"].is_null());
    // Every kind of failure: the last good posts stay, the report says why.
    let failures = [
        (json!({ "path": FEED, "status": 500, "body": "down" }), "HTTP 500"),
        (json!({ "path": FEED, "body": "<html><body>not a feed</body></html>" }), "not RSS or Atom"),
        (json!({ "path": FEED, "body": "\u{1}garbage<<<&&&" }), "not RSS or Atom"),
        (json!({ "path": FEED, "size": 2 * 1024 * 1024 }), "larger than 1024 KiB"),
        (json!({ "path": FEED, "mode": "timeout" }), ""),
    ];
    for (answer, words) in failures {
        stub_post("/__social/feed", answer.clone());
        run_cron();
        let row = feed_row();
        let error = row["error"].as_str().unwrap_or_default();
        assert!(!error.is_empty() && error.contains(words), "{answer}: {row}");
        assert_eq!(stored_fragment(), fragment, "{answer}: the last good copy stays");
    }
    assert!(social_cli(&["report"]).contains("FAILING since the last good fetch"));
    // Back to the feed the browser checks see.
    stub_post("/__social/feed", json!({ "path": FEED, "body": HOSTILE }));
}

const LIFT_SLUG: &str = "e2e-lift-fixture";

/// The stand-in's posts of the lift release.
fn lift_posts(platform: &str) -> Vec<Value> {
    let all = stub_get("/__social/posts");
    all.as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p["platform"] == platform && p["text"].as_str().is_some_and(|t| t.contains(LIFT_SLUG)))
        .collect()
}

/// How many times Mastodon was asked to post (the stand-in's count).
fn statuses_asked() -> usize {
    let requests = stub_get("/__social/requests");
    requests.as_array().map_or(0, |r| r.iter().filter(|r| r["path"] == "/mastodon.e2e.test/api/v1/statuses").count())
}

fn post_row(platform: &str) -> Option<Value> {
    let r = report();
    r["posts"].as_array()?.iter().find(|p| p["slug"] == LIFT_SLUG && p["platform"] == platform).cloned()
}

#[test]
#[ignore = "needs workerd: run scripts/e2e.sh (second run)"]
fn run2_a_release_is_posted_once_per_channel_at_its_moment_through_refusals() {
    let lift = lift();
    // Mastodon refuses in every way, then takes the post but its answer is lost; Bluesky
    // refuses the post itself, then, after `newsroom social retry`, loses its answer too.
    stub_post(
        "/__social/next",
        json!({ "account": "mastodon.e2e.test", "answers": [401, 429, 500, "timeout", "drop", "late"] }),
    );
    stub_post("/__social/next", json!({ "account": "kymsote.e2e.test", "answers": [422, "late"] }));
    run_cron_at_once(3);
    still_before(lift);
    assert!(lift_posts("mastodon").is_empty() && lift_posts("bluesky").is_empty(), "nothing before the moment");
    assert!(post_row("mastodon").is_none(), "not even a claim before the moment");
    sleep_past(lift);
    // Until Mastodon took the post (at its seventh try: run 2's retries run 240 times faster,
    // about twenty seconds) and Bluesky's refusal is reported. The stand-in says when: reading the
    // report (a wrangler process) only then keeps the loop quick.
    // Three runs at once now and then, one a second otherwise: the video test measures
    // workerd's memory meanwhile, and a trigger run every few milliseconds would weigh on it.
    let mut reasons = BTreeSet::new();
    let started = std::time::Instant::now();
    for round in 0.. {
        if round % 5 == 0 {
            run_cron_at_once(3);
        } else {
            run_cron();
        }
        let tries = statuses_asked();
        if (2..7).contains(&tries) && reasons.len() < 2 {
            if let Some(r) = post_row("mastodon").and_then(|r| r["reason"].as_str().map(str::to_string)) {
                reasons.insert(r);
            }
        }
        if tries >= 7 && !lift_posts("mastodon").is_empty() {
            let done = post_row("mastodon").is_some_and(|m| m["state"] == "posted");
            if done && post_row("bluesky").is_some_and(|b| b["state"] == "failed") {
                break;
            }
        }
        assert!(started.elapsed().as_secs() < 180, "not posted in 3 minutes: {reasons:?} {}", report());
        std::thread::sleep(std::time::Duration::from_millis(700));
    }
    let mastodon = lift_posts("mastodon");
    assert_eq!(mastodon.len(), 1, "one Mastodon post, whatever the refusals: {mastodon:?}");
    let text = mastodon[0]["text"].as_str().unwrap_or_default();
    assert!(text.starts_with("Testiaineisto: testin aikana julkaistava tiedote\n\n"), "{text}");
    assert!(text.contains(&format!("/releases/{LIFT_SLUG}")) && text.ends_with("#E2eTestiaineisto"), "{text}");
    assert_eq!(mastodon[0]["language"], "fi");
    assert_eq!(mastodon[0]["visibility"], "public");
    assert_eq!(statuses_asked(), 7, "six refused or lost tries and the one that found the post made");
    // While it was late the report said why, in the platform's words (which refusal it
    // caught depends on when it looked: every kind is classified in `mailing`'s tests).
    assert!(!reasons.is_empty(), "the report named no reason while the post was late");
    let known = ["refused the credential", "HTTP 429", "HTTP 500", "gave no answer within 2 s", "could not be reached"];
    for r in &reasons {
        assert!(known.iter().any(|k| r.contains(k)), "an unexpected reason: {r}");
    }
    let bluesky = post_row("bluesky").expect("its row");
    assert!(bluesky["reason"].as_str().is_some_and(|r| r.contains("HTTP 422")), "{bluesky}");
    assert!(lift_posts("bluesky").is_empty(), "a refused post is not posted");
    assert!(social_cli(&["report"]).contains("FAILED"), "reported");
    let health = request("GET", "/healthz", None).json();
    let social = health["services"].as_array().into_iter().flatten().find(|s| s["name"] == "social").cloned();
    let social = social.unwrap_or_else(|| panic!("no social in {health}"));
    assert_eq!(social["status"], "failing", "{social}");
    assert!(social["detail"].as_str().is_some_and(|d| d.contains("e2e-lift-fixture on bluesky failed")), "{social}");

    // After the fix, `newsroom social retry`: Bluesky takes it, its answer is lost, and the
    // next try finds the record made instead of posting again.
    assert!(social_cli(&["retry"]).contains(LIFT_SLUG));
    let started = std::time::Instant::now();
    while post_row("bluesky").is_none_or(|b| b["state"] != "posted") {
        run_cron();
        std::thread::sleep(std::time::Duration::from_millis(700));
        assert!(started.elapsed().as_secs() < 60, "not posted after the retry: {}", report());
    }
    run_cron_at_once(5);
    let bluesky = lift_posts("bluesky");
    assert_eq!(bluesky.len(), 1, "one Bluesky post: {bluesky:?}");
    assert_eq!(lift_posts("mastodon").len(), 1, "still one Mastodon post");
    let post = &bluesky[0];
    let text = post["text"].as_str().unwrap_or_default();
    assert!(text.chars().count() <= 300);
    assert_eq!(post["language"], "fi");
    let link = post["embed"]["external"]["uri"].as_str().unwrap_or_default();
    assert!(link.ends_with(&format!("/releases/{LIFT_SLUG}")), "{post}");
    let facets = post["facets"].as_array().cloned().unwrap_or_default();
    let span = |f: &Value| {
        let (s, e) = (f["index"]["byteStart"].as_u64().unwrap_or(0), f["index"]["byteEnd"].as_u64().unwrap_or(0));
        text.as_bytes().get(s as usize..e as usize).map(|b| String::from_utf8_lossy(b).into_owned())
    };
    assert_eq!(span(&facets[0]).as_deref(), Some(link), "the link facet covers the link: {post}");
    assert_eq!(span(&facets[1]).as_deref(), Some("#E2eTestiaineisto"), "{post}");
    assert_eq!(facets[1]["features"][0]["tag"], "E2eTestiaineisto");
    let row = post_row("bluesky").expect("its row");
    assert!(row["url"].as_str().is_some_and(|u| u.starts_with("https://bsky.app/profile/did:plc:")), "{row}");
    let health = request("GET", "/healthz", None).json();
    assert!(
        health["services"].as_array().into_iter().flatten().any(|s| s["name"] == "social" && s["status"] == "ok"),
        "{health}"
    );
}

/// `newsroom social test` with the credentials in the shell's environment, against the
/// stand-in: the right ones pass, someone else's token and a wrong app password are named.
/// (It never posts: it asks only `verify_credentials` and `createSession`.)
#[test]
#[ignore = "needs workerd: run scripts/e2e.sh (second run)"]
fn run2_the_credentials_are_checked_without_posting() {
    let test = |token: &str, password: &str| {
        let out = common::newsroom_command(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
            .args(["social", "test", "--content", RUN2_CONTENT])
            .env("SOCIAL_VIA", stub())
            .env("MASTODON_TOKEN_KYMSOTE", token)
            .env("BLUESKY_APP_PASSWORD_KYMSOTE", password)
            .output()
            .expect("runs");
        (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (ok, said) = test("kymsote:e2e-token", "e2e-app-password");
    assert!(ok, "{said}");
    assert!(said.contains("ok      kymsote Mastodon") && said.contains("ok      kymsote Bluesky"), "{said}");
    let (ok, said) = test("someone:e2e-token", "wrong");
    assert!(!ok);
    assert!(said.contains("@someone's on mastodon.e2e.test, not @kymsote's"), "{said}");
    assert!(said.contains("did not sign kymsote.e2e.test in"), "{said}");
    let asked: Vec<String> = stub_get("/__social/requests")
        .as_array()
        .map(|r| r.iter().filter_map(|r| r["path"].as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    assert!(asked.iter().any(|p| p == "/mastodon.e2e.test/api/v1/accounts/verify_credentials"), "{asked:?}");
    assert!(asked.iter().any(|p| p == "/mastodon.e2e.test/api/v1/apps/verify_credentials"), "{asked:?}");
}
