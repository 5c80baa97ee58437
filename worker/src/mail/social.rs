//! Social media, the Cron Trigger's part: each release's posts on its publisher's
//! announcing channels once its moment has passed ([`announce`]), and publishers' public
//! feeds fetched hourly into their newsroom page ([`feeds`]). What to post, how to read a
//! feed and what each answer means are the core's (`mailing::social_posts`,
//! `mailing::social_feeds`); here are the claims and records in D1, the fragment in KV and
//! the calls, each with a time limit.
//!
//! Settings: `SOCIAL_VIA` sends every call (APIs and feeds) to that address instead, the
//! original host as the path's first part (`make dev`'s and the tests' stand-in,
//! `scripts/social-stub.mjs`); `BLUESKY_SERVICE` is the Bluesky server signed in to
//! (default `https://bsky.social`); `SOCIAL_API_TIMEOUT` the seconds each call has (1–60,
//! default 10); `SOCIAL_FEEDS_EVERY` how many minutes apart feeds are fetched (default 60).

use chrono::{DateTime, Utc};
use contract::golive::{passed, Upcoming, UpcomingRecord};
use contract::social::{secret_name, ChannelsRecord, Platform, SocialPost, CHANNELS_KEY};
use futures_util::StreamExt;
use mailing::social_feeds::{self as feeds_core, Post, MAX_FEED_BYTES};
use mailing::social_posts::{self as core, Outcome};
use serve::observe::json;
use worker::js_sys::futures::JsFuture;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::web_sys::{self, Headers, RequestInit};
use worker::{D1Database, Env, Result};

/// One call's answer: status, the headers asked for, the body (at most the cap).
struct Answer {
    status: u16,
    etag: Option<String>,
    last_modified: Option<String>,
    body: Vec<u8>,
}

/// The settings of the calls.
struct Calls {
    via: Option<String>,
    timeout_seconds: u32,
}

impl Calls {
    fn from_env(env: &Env) -> Self {
        let var = |name: &str| env.var(name).ok().map(|v| v.to_string()).filter(|v| !v.is_empty());
        Calls {
            via: var("SOCIAL_VIA"),
            timeout_seconds: var("SOCIAL_API_TIMEOUT")
                .and_then(|v| v.parse().ok())
                .filter(|s| (1..=60).contains(s))
                .unwrap_or(feeds_core::TIMEOUT_SECONDS),
        }
    }

    /// `url`, or its stand-in's under `SOCIAL_VIA`.
    fn url(&self, url: &str) -> String {
        match (&self.via, url.strip_prefix("https://")) {
            (Some(via), Some(rest)) => format!("{}/{rest}", via.trim_end_matches('/')),
            _ => url.to_string(),
        }
    }

    /// One call; a body longer than `cap` is an error, read no further than the cap.
    async fn call(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
        cap: usize,
    ) -> std::result::Result<Answer, String> {
        let run = async {
            let h = Headers::new()?;
            for (name, value) in headers {
                h.set(name, value)?;
            }
            let init = RequestInit::new();
            init.set_method(method);
            init.set_headers(&h);
            init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(self.timeout_seconds * 1000)));
            if let Some(body) = body {
                init.set_body(&JsValue::from_str(body));
            }
            let global: web_sys::WorkerGlobalScope = worker::js_sys::global().unchecked_into();
            let response: web_sys::Response =
                JsFuture::from(global.fetch_with_str_and_init(&self.url(url), &init)).await?.dyn_into()?;
            let header = |name: &str| response.headers().get(name).ok().flatten();
            let declared = header("content-length").and_then(|l| l.parse::<usize>().ok());
            let answer = Answer {
                status: response.status(),
                etag: header("etag"),
                last_modified: header("last-modified"),
                body: Vec::new(),
            };
            if declared.is_some_and(|n| n > cap) {
                return Ok::<_, worker::Error>(Err(answer));
            }
            let mut answer = answer;
            if response.body().is_none() {
                return Ok(Ok(answer)); // a 304, a HEAD
            }
            let mut stream = worker::Response::from(response).stream()?;
            while let Some(chunk) = stream.next().await {
                answer.body.extend_from_slice(&chunk?);
                if answer.body.len() > cap {
                    return Ok(Err(answer));
                }
            }
            Ok(Ok(answer))
        };
        match run.await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(_)) => Err(format!("the answer is larger than {} KiB", cap / 1024)),
            Err(e) => {
                let text = e.to_string();
                Err(if ["timeout", "TimeoutError", "aborted"].iter().any(|w| text.contains(w)) {
                    format!("no answer within {} s", self.timeout_seconds)
                } else {
                    text
                })
            }
        }
    }
}

/// A secret (or, locally, a variable) by name.
fn secret(env: &Env, name: &str) -> Option<String> {
    env.secret(name).ok().map(|s| s.to_string()).or_else(|| env.var(name).ok().map(|v| v.to_string()))
}

/// Largest API answer read.
const API_CAP: usize = 64 * 1024;

/// Posts each post of each release of `record` whose moment has passed (within the
/// window), once; answers the log line's part.
pub async fn announce(env: &Env, record: &UpcomingRecord, now: DateTime<Utc>) -> Result<String> {
    let due: Vec<&Upcoming> = passed(record, now).filter(|u| !u.posts.is_empty()).collect();
    if due.is_empty() {
        return Ok("\"social posts\":0".into());
    }
    let db = env.d1(crate::DATABASE)?;
    let calls = Calls::from_env(env);
    let speedup = env.var("SOCIAL_RETRY_SPEEDUP").ok().and_then(|v| v.to_string().parse::<u32>().ok()).unwrap_or(1);
    let (claimed_at, stale) =
        (crate::rfc3339(now), crate::rfc3339(now - chrono::Duration::minutes(core::STALE_MINUTES)));
    let (mut posted, mut later, mut failed) = (Vec::new(), Vec::new(), Vec::new());
    for u in due {
        let moment = u.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        for post in &u.posts {
            let args =
                [&u.slug, &post.platform, &u.publisher, &moment, &claimed_at, &stale].map(|s| JsValue::from_str(s));
            let rows = db.prepare(core::sql::CLAIM).bind(&args)?.raw_js_value().await?;
            let Some(tries) = rows.first().and_then(|r| crate::column(r, 0).as_f64()).map(|t| t as i64) else {
                continue; // posted, being posted or waiting for its retry
            };
            let name = format!("{} ({})", u.slug, post.platform);
            let keys = [JsValue::from_str(&u.slug), JsValue::from_str(&post.platform)];
            match post_one(env, &calls, u, post, tries, now).await {
                Outcome::Posted(url) => {
                    let url = url.map_or(JsValue::NULL, |u| JsValue::from_str(&u));
                    db.prepare(core::sql::POSTED).bind(&[keys[0].clone(), keys[1].clone(), url])?.run().await?;
                    posted.push(name);
                }
                Outcome::Retry(why) => {
                    let at = JsValue::from_str(&crate::rfc3339(core::retry_at(tries, now, speedup)));
                    let args = [keys[0].clone(), keys[1].clone(), at, JsValue::from_str(&why)];
                    db.prepare(core::sql::RETRY).bind(&args)?.run().await?;
                    later.push(format!("{name}: {why}"));
                }
                Outcome::Refused(why) => {
                    let args = [keys[0].clone(), keys[1].clone(), JsValue::from_str(&why)];
                    db.prepare(core::sql::FAILED).bind(&args)?.run().await?;
                    failed.push(format!("{name}: {why}"));
                }
            }
        }
    }
    Ok(format!(
        "\"social posted\":{},\"social retrying\":{},\"social failed\":{}",
        json(&posted),
        json(&later),
        json(&failed)
    ))
}

/// One try of one post.
async fn post_one(
    env: &Env,
    calls: &Calls,
    u: &Upcoming,
    post: &SocialPost,
    tries: i64,
    now: DateTime<Utc>,
) -> Outcome {
    let Some(platform) = Platform::from_id(&post.platform).filter(|p| p.can_announce()) else {
        return Outcome::Refused(format!("`{}` cannot be posted to", post.platform));
    };
    let name = secret_name(platform, &u.publisher);
    let Some(credential) = secret(env, &name) else {
        return core::classify(&post.platform, 401, format!("the Worker secret {name} is not set").as_bytes(), tries);
    };
    let sent = match platform {
        Platform::Bluesky => bluesky(env, calls, u, post, &credential, tries, now).await,
        _ => mastodon(calls, u, post, &credential).await,
    };
    match sent {
        Ok(answer) => core::classify(&post.platform, answer.status, &answer.body, tries),
        Err(e) => core::unreachable(&post.platform, &e, calls.timeout_seconds, tries),
    }
}

/// `POST /api/v1/statuses` on the profile's server, with the release's idempotency key.
async fn mastodon(calls: &Calls, u: &Upcoming, post: &SocialPost, token: &str) -> std::result::Result<Answer, String> {
    let host = core::mastodon_host(&post.profile).ok_or("the Mastodon address names no server")?;
    let key = core::idempotency_key(&u.slug, &u.at.to_rfc3339());
    let auth = format!("Bearer {token}");
    let headers = [("authorization", auth.as_str()), ("content-type", "application/json"), ("idempotency-key", &key)];
    let url = format!("https://{host}/api/v1/statuses");
    calls.call("POST", &url, &headers, Some(&core::mastodon_status(post)), API_CAP).await
}

/// Signs in with the app password, looks the post's record up when an earlier try may have
/// made it, then creates it.
async fn bluesky(
    env: &Env,
    calls: &Calls,
    u: &Upcoming,
    post: &SocialPost,
    password: &str,
    tries: i64,
    now: DateTime<Utc>,
) -> std::result::Result<Answer, String> {
    let service = env.var("BLUESKY_SERVICE").map_or("https://bsky.social".into(), |v| v.to_string());
    let service = service.trim_end_matches('/');
    let handle = core::bluesky_handle(&post.profile).ok_or("the Bluesky address names no handle")?;
    let json_type = [("content-type", "application/json")];
    let session = calls
        .call(
            "POST",
            &format!("{service}/xrpc/com.atproto.server.createSession"),
            &json_type,
            Some(&core::bluesky_session(handle, password)),
            API_CAP,
        )
        .await?;
    let Some((jwt, did)) = core::session_of(session.status, &session.body) else {
        return Ok(session); // its status says why (401: the app password)
    };
    let key = core::record_key(&u.slug, u.at.to_utc());
    if tries > 1 {
        let url =
            format!("{service}/xrpc/com.atproto.repo.getRecord?repo={did}&collection=app.bsky.feed.post&rkey={key}");
        if let Ok(found) = calls.call("GET", &url, &[], None, API_CAP).await {
            if found.status == 200 {
                return Ok(found);
            }
        }
    }
    let auth = format!("Bearer {jwt}");
    let headers = [("content-type", "application/json"), ("authorization", auth.as_str())];
    let body = core::bluesky_record(post, &did, &key, now);
    calls.call("POST", &format!("{service}/xrpc/com.atproto.repo.createRecord"), &headers, Some(&body), API_CAP).await
}

/// Fetches every publisher's feeds when they are due and writes the fragment of each
/// publisher whose posts changed; answers the log line's part.
pub async fn feeds(env: &Env, now: DateTime<Utc>) -> Result<String> {
    let every = env.var("SOCIAL_FEEDS_EVERY").ok().and_then(|v| v.to_string().parse::<u32>().ok()).unwrap_or(60);
    if !feeds_core::due(now, every) {
        return Ok("\"social feeds\":\"not due\"".into());
    }
    let kv = env.kv(crate::BINDING)?;
    let channels: ChannelsRecord = match kv.get(CHANNELS_KEY).bytes().await? {
        None => ChannelsRecord::default(),
        Some(bytes) => {
            serve::respond::decode(CHANNELS_KEY, &bytes).map_err(|e| worker::Error::RustError(e.to_string()))?
        }
    };
    let db = env.d1(crate::DATABASE)?;
    let rows = Rows::read(&db).await?;
    let calls = Calls::from_env(env);
    let base = env.var("BASE_URL").map_or(String::new(), |v| v.to_string());
    let agent = format!("newsroom-social-feeds/1 (+{base})");
    let (mut fetched, mut written, mut errors) = (0, 0, Vec::new());
    for p in &channels.publishers {
        let mut changed = !kv_has(&kv, &p.publisher).await;
        let mut posts: Vec<Post> = Vec::new();
        for feed in &p.feeds {
            let row = rows.find(&p.publisher, &feed.platform).filter(|r| r.url == feed.url);
            let mut headers = vec![
                ("accept", "application/rss+xml, application/atom+xml, application/xml;q=0.9"),
                ("user-agent", agent.as_str()),
            ];
            if let Some(r) = row {
                if let Some(etag) = &r.etag {
                    headers.push(("if-none-match", etag));
                }
                if let Some(lm) = &r.last_modified {
                    headers.push(("if-modified-since", lm));
                }
            }
            let kept = row.map(|r| r.posts.clone()).unwrap_or_default();
            fetched += 1;
            let keys = [&p.publisher, &feed.platform, &feed.url].map(|s| JsValue::from_str(s));
            let tried = |error: Option<String>| {
                let mut args = keys.to_vec();
                args.push(JsValue::from_str(&crate::rfc3339(now)));
                args.push(error.map_or(JsValue::NULL, |e| JsValue::from_str(&e)));
                args
            };
            let error = match calls.call("GET", &feed.url, &headers, None, MAX_FEED_BYTES).await {
                Ok(a) if a.status == 304 && row.is_some() => None,
                Ok(a) if a.status == 200 => match feeds_core::parse(&a.body, &feed.platform) {
                    Ok(new) if row.is_some_and(|r| r.posts == new) => None,
                    Ok(new) => {
                        let mut args = keys.to_vec();
                        args.push(JsValue::from_str(&crate::rfc3339(now)));
                        args.push(a.etag.map_or(JsValue::NULL, |v| JsValue::from_str(&v)));
                        args.push(a.last_modified.map_or(JsValue::NULL, |v| JsValue::from_str(&v)));
                        args.push(JsValue::from_str(&feeds_core::posts_json(&new)));
                        db.prepare(feeds_core::sql::STORED).bind(&args)?.run().await?;
                        posts.extend(new);
                        changed = true;
                        continue;
                    }
                    Err(e) => Some(e.to_string()),
                },
                Ok(a) => Some(format!("the feed answered HTTP {}", a.status)),
                Err(e) => Some(e),
            };
            if let Some(e) = &error {
                errors.push(format!("{} {}: {e}", p.publisher, feed.platform));
            }
            db.prepare(feeds_core::sql::TRIED).bind(&tried(error))?.run().await?;
            posts.extend(kept);
        }
        // Channels no longer in the publisher's file.
        for r in
            rows.0.iter().filter(|r| r.publisher == p.publisher && !p.feeds.iter().any(|f| f.platform == r.platform))
        {
            db.prepare(feeds_core::sql::FORGET)
                .bind(&[JsValue::from_str(&r.publisher), JsValue::from_str(&r.platform)])?
                .run()
                .await?;
            changed = true;
        }
        if changed {
            let profiles: Vec<(String, String)> =
                p.feeds.iter().map(|f| (f.platform.clone(), f.profile.clone())).collect();
            let html = feeds_core::fragment(&p.lang, &posts, &profiles);
            let key = contract::social::posts_key(&p.publisher);
            if html.is_empty() {
                kv.delete(&key).await?;
            } else {
                kv.put(&key, html)?.execute().await?;
            }
            written += 1;
        }
    }
    // Publishers whose feeds are all gone from their files.
    for r in rows.0.iter().filter(|r| !channels.publishers.iter().any(|p| p.publisher == r.publisher)) {
        db.prepare(feeds_core::sql::FORGET)
            .bind(&[JsValue::from_str(&r.publisher), JsValue::from_str(&r.platform)])?
            .run()
            .await?;
        kv.delete(&contract::social::posts_key(&r.publisher)).await?;
    }
    Ok(format!("\"social feeds\":{{\"fetched\":{fetched},\"written\":{written},\"failed\":{}}}", json(&errors)))
}

/// Whether the publisher's fragment is in KV (a first fetch, or one after KV was emptied,
/// writes it even when D1's posts did not change).
async fn kv_has(kv: &worker::kv::KvStore, publisher: &str) -> bool {
    kv.get(&contract::social::posts_key(publisher)).text().await.ok().flatten().is_some()
}

/// One row of `social_feeds`.
struct Row {
    publisher: String,
    platform: String,
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
    posts: Vec<Post>,
}

/// Every row of `social_feeds`.
struct Rows(Vec<Row>);

impl Rows {
    async fn read(db: &D1Database) -> Result<Self> {
        let rows = db.prepare(feeds_core::sql::ALL).raw_js_value().await?;
        Ok(Rows(
            rows.iter()
                .map(|r| {
                    let text = |i| crate::column(r, i).as_string();
                    Row {
                        publisher: text(0).unwrap_or_default(),
                        platform: text(1).unwrap_or_default(),
                        url: text(2).unwrap_or_default(),
                        etag: text(3),
                        last_modified: text(4),
                        posts: text(5).map(|p| feeds_core::posts_from_json(&p)).unwrap_or_default(),
                    }
                })
                .collect(),
        ))
    }

    fn find(&self, publisher: &str, platform: &str) -> Option<&Row> {
        self.0.iter().find(|r| r.publisher == publisher && r.platform == platform)
    }
}
