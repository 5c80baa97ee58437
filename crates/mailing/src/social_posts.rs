//! Announcing releases on social media at their moment, sans-IO. `newsroom build` composed
//! each post ahead ([`contract::social::SocialPost`], in the go-live schedule); once the
//! release's moment has passed the Cron Trigger claims each (release, channel) once in D1
//! ([`sql::CLAIM`]) before it calls the platform, so two runs at once, a retry or a
//! correction of the release never post twice, and records what the platform answered
//! ([`classify`]): posted (with the post's address), to be tried again later
//! ([`retry_at`], at most [`MAX_TRIES`] tries) or refused, which `newsroom social report`
//! and `/healthz` show.
//!
//! A try whose answer was lost (a time-out after the platform posted) is covered twice:
//! Mastodon keeps the request's `Idempotency-Key` for an hour, and a Bluesky post has a
//! record key made from the release ([`record_key`]), which the adapter looks up before it
//! posts again.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use contract::social::SocialPost;

/// Tries of one post before it is reported as failed: waits of 1, 2, 4 … 32 and 45 minutes,
/// under two hours in all, well within the trigger's 24-hour window.
pub const MAX_TRIES: i64 = 8;
/// The longest wait between two tries, in seconds: within the hour Mastodon keeps a
/// request's `Idempotency-Key`, with room for a late trigger run.
pub const MAX_WAIT_SECONDS: i64 = 45 * 60;
/// Minutes after which a claim whose try never reported back (the Worker stopped) is tried
/// again: longer than a trigger run may last (15 minutes), so a slow run is never taken
/// for a dead one.
pub const STALE_MINUTES: i64 = 20;
/// Days the rows of posts are kept (the report shows them).
pub const KEPT_DAYS: i64 = 30;

/// What became of one try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Posted; the post's address when the platform said it.
    Posted(Option<String>),
    /// Not now (rate limit, outage, time-out, a refused credential): try again later.
    Retry(String),
    /// The platform refused the post itself: trying again would not help.
    Refused(String),
}

/// When a post refused at try `tries` is tried again: 1 minute doubled each try, at most
/// [`MAX_WAIT_SECONDS`]; `speedup` (the tests' `SOCIAL_RETRY_SPEEDUP`) divides the wait, at least a second.
pub fn retry_at(tries: i64, now: DateTime<Utc>, speedup: u32) -> DateTime<Utc> {
    let wait = (60_i64 << tries.clamp(1, 7).saturating_sub(1)).min(MAX_WAIT_SECONDS);
    now + chrono::Duration::seconds((wait / i64::from(speedup.max(1))).max(1))
}

/// What a platform answers, as far as this reads it (one type for every call: each
/// deserialised type costs the Worker's wasm its own code).
#[derive(Deserialize, Default)]
struct Answer {
    /// Mastodon: the post's address.
    url: Option<String>,
    /// Bluesky: the record's `at://` address.
    uri: Option<String>,
    /// Bluesky: the session's token.
    #[serde(rename = "accessJwt")]
    access_jwt: Option<String>,
    /// Bluesky: the account.
    did: Option<String>,
    /// Mastodon's and Bluesky's error words.
    error: Option<String>,
    message: Option<String>,
    error_description: Option<String>,
}

/// The outcome of try number `tries` given the platform's answer (`status`, `body`) on
/// `platform`; a try past [`MAX_TRIES`] that would be retried is refused instead.
pub fn classify(platform: &str, status: u16, body: &[u8], tries: i64) -> Outcome {
    let text = String::from_utf8_lossy(body);
    let said: Option<Answer> = serde_json::from_slice(body).ok();
    let words: String = said
        .as_ref()
        .and_then(|a| a.error_description.as_ref().or(a.message.as_ref()).or(a.error.as_ref()))
        .map_or(&*text, |s| s.as_str())
        .chars()
        .take(200)
        .collect();
    let outcome = match status {
        200..=299 => Outcome::Posted(said.as_ref().and_then(|a| post_url(platform, a))),
        400 | 409 if text.contains("already exists") => Outcome::Posted(None),
        401 | 403 => Outcome::Retry(format!(
            "{} refused the credential (HTTP {status}: {words}); check the Worker secret",
            platform_name(platform)
        )),
        408 | 429 | 500..=599 => Outcome::Retry(format!("{} answered HTTP {status}: {words}", platform_name(platform))),
        _ => Outcome::Refused(format!("{} refused the post (HTTP {status}: {words})", platform_name(platform))),
    };
    match outcome {
        Outcome::Retry(why) if tries >= MAX_TRIES => Outcome::Refused(format!("{why}; gave up after {tries} tries")),
        other => other,
    }
}

/// A try that got no answer: the network's words, or the time limit's.
pub fn unreachable(platform: &str, error: &str, timeout_seconds: u32, tries: i64) -> Outcome {
    let why = if ["timeout", "TimeoutError", "aborted", "no answer within"].iter().any(|w| error.contains(w)) {
        format!("{} gave no answer within {timeout_seconds} s", platform_name(platform))
    } else {
        format!("{} could not be reached: {error}", platform_name(platform))
    };
    if tries >= MAX_TRIES {
        Outcome::Refused(format!("{why}; gave up after {tries} tries"))
    } else {
        Outcome::Retry(why)
    }
}

fn platform_name(id: &str) -> &str {
    contract::social::Platform::from_id(id).map_or(id, |p| p.name())
}

/// The public address of a post from the platform's answer: Mastodon's `url`; for
/// Bluesky, its `at://did/app.bsky.feed.post/key` as a `bsky.app` address.
fn post_url(platform: &str, answer: &Answer) -> Option<String> {
    if platform == "bluesky" {
        let uri = answer.uri.as_deref()?;
        let (did, key) = uri.strip_prefix("at://")?.split_once("/app.bsky.feed.post/")?;
        return Some(format!("https://bsky.app/profile/{did}/post/{key}"));
    }
    answer.url.clone()
}

/// The Mastodon server of a profile address (`https://some.social/@name` → `some.social`).
pub fn mastodon_host(profile: &str) -> Option<&str> {
    profile.strip_prefix("https://")?.split('/').next().filter(|h| !h.is_empty())
}

/// The Bluesky handle of a profile address (`https://bsky.app/profile/kymenhva.fi`).
pub fn bluesky_handle(profile: &str) -> Option<&str> {
    profile.strip_prefix("https://bsky.app/profile/")?.split('/').next().filter(|h| !h.is_empty())
}

/// The body of `POST /api/v1/statuses`: public, in the release's language.
pub fn mastodon_status(post: &SocialPost) -> String {
    #[derive(Serialize)]
    struct Status<'a> {
        status: &'a str,
        language: &'a str,
        visibility: &'a str,
    }
    to_json(&Status { status: &post.text, language: primary(&post.lang), visibility: "public" })
}

/// Mastodon's `Idempotency-Key` of a release's post: the same for every try of it, and
/// for a release whose moment moved.
pub fn idempotency_key(slug: &str) -> String {
    format!("newsroom-release-{slug}")
}

/// The body of `com.atproto.server.createSession` with an app password.
pub fn bluesky_session(handle: &str, password: &str) -> String {
    #[derive(Serialize)]
    struct Session<'a> {
        identifier: &'a str,
        password: &'a str,
    }
    to_json(&Session { identifier: handle, password })
}

/// The access token and DID of a `createSession` answer, when it signed in.
pub fn session_of(status: u16, body: &[u8]) -> Option<(String, String)> {
    if !(200..300).contains(&status) {
        return None;
    }
    let a: Answer = serde_json::from_slice(body).ok()?;
    Some((a.access_jwt?, a.did?))
}

/// The body of `com.atproto.repo.createRecord`: an `app.bsky.feed.post` with its language,
/// the link and hashtags as facets and the release as a link card, under `key`.
pub fn bluesky_record(post: &SocialPost, did: &str, key: &str, created_at: DateTime<Utc>) -> String {
    #[derive(Serialize)]
    struct Create<'a> {
        repo: &'a str,
        collection: &'a str,
        rkey: &'a str,
        record: Record<'a>,
    }
    #[derive(Serialize)]
    struct Record<'a> {
        #[serde(rename = "$type")]
        kind: &'a str,
        text: &'a str,
        #[serde(rename = "createdAt")]
        created_at: String,
        langs: [&'a str; 1],
        facets: Vec<FacetOut<'a>>,
        embed: Embed<'a>,
    }
    #[derive(Serialize)]
    struct FacetOut<'a> {
        index: Index,
        features: [Feature<'a>; 1],
    }
    #[derive(Serialize)]
    struct Index {
        #[serde(rename = "byteStart")]
        start: usize,
        #[serde(rename = "byteEnd")]
        end: usize,
    }
    #[derive(Serialize)]
    struct Feature<'a> {
        #[serde(rename = "$type")]
        kind: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        uri: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        tag: Option<&'a str>,
    }
    #[derive(Serialize)]
    struct Embed<'a> {
        #[serde(rename = "$type")]
        kind: &'a str,
        external: External<'a>,
    }
    #[derive(Serialize)]
    struct External<'a> {
        uri: &'a str,
        title: &'a str,
        description: &'a str,
    }
    let facets = post
        .facets
        .iter()
        .map(|f| FacetOut {
            index: Index { start: f.start, end: f.end },
            features: [if f.tag {
                Feature { kind: "app.bsky.richtext.facet#tag", uri: None, tag: Some(&f.value) }
            } else {
                Feature { kind: "app.bsky.richtext.facet#link", uri: Some(&f.value), tag: None }
            }],
        })
        .collect();
    to_json(&Create {
        repo: did,
        collection: "app.bsky.feed.post",
        rkey: key,
        record: Record {
            kind: "app.bsky.feed.post",
            text: &post.text,
            created_at: created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            langs: [primary(&post.lang)],
            facets,
            embed: Embed {
                kind: "app.bsky.embed.external",
                external: External { uri: &post.link, title: &post.title, description: &post.description },
            },
        },
    })
}

fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn primary(lang: &str) -> &str {
    lang.split('-').next().unwrap_or(lang)
}

/// The record key of a release's Bluesky post: a TID (13 characters of base32-sortable)
/// made of a hash of the slug, so every try of the same post names the same record, also
/// when the moment moved: seconds from 2020 on (a time in the past, as TIDs are), then the
/// hash's other bits.
pub fn record_key(slug: &str) -> String {
    const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";
    // FNV-1a: stable across builds, unlike std's hasher.
    let hash = slug.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    // 2020-01-01 plus up to about three years, in microseconds.
    let micros = 1_577_836_800_000_000 + hash % 100_000_000_000_000;
    let value = ((micros & ((1 << 53) - 1)) << 10) | ((hash >> 20) & 0x3ff);
    (0..13).rev().map(|i| ALPHABET[((value >> (i * 5)) & 31) as usize] as char).collect()
}

/// `/healthz`'s `social` check from [`sql::TROUBLE`]'s rows (slug, platform, state,
/// reason): failing while a post failed or is late (refused at two tries or more), naming
/// at most five and what to do; a feed that fails is not a failure here (the page keeps
/// its last good posts, and the report says why).
pub fn health(rows: &[(String, String, String, Option<String>)]) -> (serve::http::ServiceStatus, String) {
    if rows.is_empty() {
        return (serve::http::ServiceStatus::Ok, "no social media post failed or is late".into());
    }
    let named: Vec<String> = rows
        .iter()
        .map(|(slug, platform, state, reason)| {
            let state = if state == "failed" { "failed" } else { "late" };
            format!("{slug} on {platform} {state}: {}", reason.as_deref().unwrap_or("no reason kept"))
        })
        .collect();
    let detail = format!(
        "{}; `newsroom social report` says more, `newsroom social retry` tries failed posts again",
        named.join("; ")
    );
    (serve::http::ServiceStatus::Failing, detail)
}

/// `slugs` as the JSON array the statements' `json_each` reads.
pub fn slug_list<'a>(slugs: impl Iterator<Item = &'a str>) -> String {
    serde_json::to_string(&slugs.collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

/// The statements the adapter and the CLI run on D1 (`migrations/0008_social.sql`).
pub mod sql {
    /// The posts of the releases `?1` (a JSON array of slugs) that are done with, posted or
    /// failed, as `slug platform`: the trigger claims only the others (one query a minute,
    /// not one per post).
    pub const SETTLED: &str = "SELECT slug || ' ' || platform FROM social_posts \
         WHERE state IN ('posted', 'failed') AND slug IN (SELECT value FROM json_each(?1))";
    /// Claims a try of a post (`?1` slug, `?2` platform, `?3` publisher, `?4` moment, `?5`
    /// now, `?6` claims older than this are stale): a first try, a retry whose time has
    /// come or a stale claim. Answers, to the one run that claimed it, the try's number in
    /// all (a Bluesky post tried before is looked up first) and since the last `newsroom
    /// social retry` (at most [`super::MAX_TRIES`]).
    pub const CLAIM: &str = "INSERT INTO social_posts (slug, platform, publisher, moment, state, tries, claimed_at) \
         VALUES (?1, ?2, ?3, ?4, 'posting', 1, ?5) \
         ON CONFLICT (slug, platform) DO UPDATE SET state = 'posting', tries = tries + 1, claimed_at = excluded.claimed_at \
         WHERE (state = 'retry' AND next_at <= excluded.claimed_at) OR (state = 'posting' AND claimed_at <= ?6) \
         RETURNING tries, tries - round";
    /// Posted (`?1` slug, `?2` platform, `?3` the post's address or NULL).
    pub const POSTED: &str = "UPDATE social_posts SET state = 'posted', url = ?3, next_at = NULL \
                              WHERE slug = ?1 AND platform = ?2";
    /// To be tried again (`?3` when, `?4` why).
    pub const RETRY: &str = "UPDATE social_posts SET state = 'retry', next_at = ?3, reason = ?4 \
                             WHERE slug = ?1 AND platform = ?2";
    /// Refused for good (`?3` why).
    pub const FAILED: &str = "UPDATE social_posts SET state = 'failed', next_at = NULL, reason = ?3 \
                              WHERE slug = ?1 AND platform = ?2";
    /// `newsroom social retry`: every failed post of a release still in the trigger's window
    /// (its moment after `?2`) tried again at the next run (`?1` now), with a new round of
    /// tries; its tries in all are kept.
    pub const RETRY_FAILED: &str = "UPDATE social_posts SET state = 'retry', next_at = ?1, round = tries \
         WHERE state = 'failed' AND julianday(moment) > julianday(?2) RETURNING slug, platform";
    /// The failed posts too old to try again (their moment before `?1`).
    pub const TOO_LATE: &str = "SELECT slug, platform FROM social_posts \
         WHERE state = 'failed' AND julianday(moment) <= julianday(?1)";
    /// Posts waiting for a try whose release is no longer the trigger's (`?1`: a JSON array
    /// of the slugs it still posts; `?2` claims before this): failed, with the reason, so
    /// none waits unseen. Run hourly.
    pub const GIVE_UP: &str = "UPDATE social_posts SET state = 'failed', next_at = NULL, \
         reason = 'the release left the schedule before it could be posted (withdrawn, or more than 24 hours past its moment)' \
         WHERE state IN ('retry', 'posting') AND claimed_at < ?2 AND slug NOT IN (SELECT value FROM json_each(?1))";
    /// Rows older than `?1` (claimed before it) are deleted hourly.
    pub const PRUNE: &str = "DELETE FROM social_posts WHERE claimed_at < ?1";
    /// The report: every post, newest moment first.
    pub const REPORT: &str = "SELECT slug, platform, state, tries, reason, url, moment FROM social_posts \
                              ORDER BY moment DESC, slug, platform LIMIT 200";
    /// Posts that need someone (`/healthz`): failed ones, ones refused at two tries, and
    /// claims whose try never reported back (made before `?1`).
    pub const TROUBLE: &str = "SELECT slug, platform, state, reason FROM social_posts \
         WHERE state = 'failed' OR (state = 'retry' AND tries - round >= 2) OR (state = 'posting' AND claimed_at < ?1) \
         ORDER BY moment DESC LIMIT 5";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_posted_retried_or_refused_and_retries_end() {
        let ok = br#"{"id":"1","url":"https://some.social/@a/1"}"#;
        assert_eq!(classify("mastodon", 200, ok, 1), Outcome::Posted(Some("https://some.social/@a/1".into())));
        let sky = br#"{"uri":"at://did:plc:abc/app.bsky.feed.post/3kabc","cid":"x"}"#;
        assert_eq!(
            classify("bluesky", 200, sky, 1),
            Outcome::Posted(Some("https://bsky.app/profile/did:plc:abc/post/3kabc".into()))
        );
        assert!(matches!(classify("mastodon", 429, b"{}", 1), Outcome::Retry(_)));
        assert!(matches!(classify("mastodon", 503, b"down", 1), Outcome::Retry(_)));
        let Outcome::Retry(why) = classify("mastodon", 401, br#"{"error":"The access token is invalid"}"#, 1) else {
            panic!()
        };
        assert!(why.contains("token is invalid") && why.contains("secret"), "{why}");
        let Outcome::Refused(why) = classify("mastodon", 422, br#"{"error":"Validation failed: Text too long"}"#, 1)
        else {
            panic!()
        };
        assert!(why.contains("Text too long"), "{why}");
        assert_eq!(
            classify("bluesky", 400, br#"{"error":"InvalidRequest","message":"Record already exists"}"#, 2),
            Outcome::Posted(None)
        );
        assert!(matches!(classify("mastodon", 500, b"", MAX_TRIES), Outcome::Refused(w) if w.contains("gave up")));
        assert!(
            matches!(unreachable("bluesky", "TimeoutError: aborted", 10, 1), Outcome::Retry(w) if w.contains("10 s"))
        );
    }

    #[test]
    fn health_fails_while_a_post_failed_or_is_late() {
        use serve::http::ServiceStatus;
        assert_eq!(health(&[]).0, ServiceStatus::Ok);
        let row =
            |state: &str| ("r".to_string(), "bluesky".to_string(), state.to_string(), Some("HTTP 422".to_string()));
        let (status, detail) = health(&[row("failed"), row("retry")]);
        assert_eq!(status, ServiceStatus::Failing);
        assert!(detail.contains("r on bluesky failed: HTTP 422; r on bluesky late") && detail.contains("social retry"));
    }

    #[test]
    fn retries_wait_longer_each_time_and_faster_in_tests() {
        let now = DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z").expect("valid").to_utc();
        let wait = |tries, speedup| (retry_at(tries, now, speedup) - now).num_seconds();
        assert_eq!([wait(1, 1), wait(2, 1), wait(3, 1), wait(7, 1), wait(9, 1)], [60, 120, 240, 2700, 2700]);
        assert_eq!(wait(1, 60), 1);
        let total: i64 = (1..MAX_TRIES).map(|t| wait(t, 1)).sum();
        assert!(total < 3 * 3600, "{total}");
    }

    #[test]
    fn a_record_key_is_a_tid_the_same_for_every_try() {
        let key = record_key("2026-12-07-tiedote");
        assert_eq!(key.len(), 13);
        assert_eq!(key, record_key("2026-12-07-tiedote"));
        assert_ne!(key, record_key("2026-12-07-toinen"));
        // A TID's first character holds the top bits of a time since 1970: 2020–2023 is "3".
        assert!(key.starts_with('3'), "{key}");
        assert!(key.bytes().all(|b| b"234567abcdefghijklmnopqrstuvwxyz".contains(&b)));
    }

    #[test]
    fn a_bluesky_post_carries_its_language_facets_and_card() {
        let post = SocialPost {
            platform: "bluesky".into(),
            profile: "https://bsky.app/profile/a.fi".into(),
            text: "Otsikko\n\nhttps://x.fi/r #Tag".into(),
            lang: "fi".into(),
            link: "https://x.fi/r".into(),
            title: "Otsikko".into(),
            description: "Ingressi".into(),
            facets: vec![
                contract::social::Facet { start: 9, end: 23, value: "https://x.fi/r".into(), tag: false },
                contract::social::Facet { start: 24, end: 28, value: "Tag".into(), tag: true },
            ],
        };
        let at = DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z").expect("valid").to_utc();
        let body: serde_json::Value =
            serde_json::from_str(&bluesky_record(&post, "did:plc:x", "3k", at)).expect("JSON");
        assert_eq!(body["record"]["langs"][0], "fi");
        assert_eq!(body["record"]["facets"][1]["features"][0]["tag"], "Tag");
        assert_eq!(body["record"]["embed"]["external"]["uri"], "https://x.fi/r");
        assert_eq!(&post.text[9..23], "https://x.fi/r");
        assert_eq!(mastodon_host("https://some.social/@a"), Some("some.social"));
        assert_eq!(bluesky_handle("https://bsky.app/profile/a.fi"), Some("a.fi"));
    }
}
