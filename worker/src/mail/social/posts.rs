//! Releases posted to their publishers' Mastodon and Bluesky accounts once their moment has
//! passed: each (release, channel) claimed once in D1 (`social_posts`) before the platform
//! is called, then its outcome recorded (posted, a later try, or failed for the report).

use chrono::{DateTime, Utc};
use contract::golive::{passed, Upcoming, UpcomingRecord};
use contract::social::{secret_name, Platform, SocialPost};
use mailing::social_posts::{self as core, Outcome};
use serve::observe::json;
use worker::wasm_bindgen::JsValue;
use worker::{Env, Result};

use super::{secret, Answer, Calls, API_CAP};

/// Posts each post of each release of `record` whose moment has passed (within the
/// window), once; answers the log line's part. Hourly it also fails, with the reason, the
/// posts still waiting whose release the trigger no longer posts.
pub async fn announce(env: &Env, record: &UpcomingRecord, now: DateTime<Utc>) -> Result<String> {
    let due: Vec<&Upcoming> = passed(record, now).filter(|u| !u.posts.is_empty()).collect();
    let db = env.d1(crate::DATABASE)?;
    let slugs = JsValue::from_str(&core::slug_list(due.iter().map(|u| u.slug.as_str())));
    if mailing::subscribe::expires_pending_at(now) {
        let before = JsValue::from_str(&crate::rfc3339(crate::now() - chrono::Duration::minutes(core::STALE_MINUTES)));
        db.prepare(core::sql::GIVE_UP).bind(&[slugs.clone(), before])?.run().await?;
    }
    if due.is_empty() {
        return Ok("\"social posts\":0".into());
    }
    // The posts done with, in one query: only the others are claimed.
    let settled: Vec<String> = db
        .prepare(core::sql::SETTLED)
        .bind(&[slugs])?
        .raw_js_value()
        .await?
        .iter()
        .filter_map(|r| crate::column(r, 0).as_string())
        .collect();
    let calls = Calls::from_env(env);
    let speedup = env.var("SOCIAL_RETRY_SPEEDUP").ok().and_then(|v| v.to_string().parse::<u32>().ok()).unwrap_or(1);
    let (mut posted, mut later, mut failed) = (Vec::new(), Vec::new(), Vec::new());
    for u in due {
        let moment = u.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        for post in u.posts.iter().filter(|p| !settled.contains(&format!("{} {}", u.slug, p.platform))) {
            // The clock's time, not the run's scheduled minute: a claim's age decides when
            // another run may take it over.
            let clock = crate::now();
            let claimed_at = crate::rfc3339(clock);
            let stale = crate::rfc3339(clock - chrono::Duration::minutes(core::STALE_MINUTES));
            let args =
                [&u.slug, &post.platform, &u.publisher, &moment, &claimed_at, &stale].map(|s| JsValue::from_str(s));
            let rows = db.prepare(core::sql::CLAIM).bind(&args)?.raw_js_value().await?;
            let number = |i| rows.first().and_then(|r| crate::column(r, i).as_f64()).map(|t| t as i64);
            let (Some(tries), Some(this_round)) = (number(0), number(1)) else {
                continue; // being posted or waiting for its retry
            };
            let name = format!("{} ({})", u.slug, post.platform);
            let keys = [JsValue::from_str(&u.slug), JsValue::from_str(&post.platform)];
            match post_one(env, &calls, u, post, (tries, this_round), now).await {
                Outcome::Posted(url) => {
                    let url = url.map_or(JsValue::NULL, |u| JsValue::from_str(&u));
                    db.prepare(core::sql::POSTED).bind(&[keys[0].clone(), keys[1].clone(), url])?.run().await?;
                    posted.push(name);
                }
                Outcome::Retry(why) => {
                    let at = JsValue::from_str(&crate::rfc3339(core::retry_at(this_round, crate::now(), speedup)));
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

/// One try of one post: `tries` in all (a Bluesky post tried before is looked up first) and
/// in this round, since the last `newsroom social retry` (which decides when to give up).
async fn post_one(
    env: &Env,
    calls: &Calls,
    u: &Upcoming,
    post: &SocialPost,
    (tries, this_round): (i64, i64),
    now: DateTime<Utc>,
) -> Outcome {
    let Some(platform) = Platform::from_id(&post.platform).filter(|p| p.can_announce()) else {
        return Outcome::Refused(format!("`{}` cannot be posted to", post.platform));
    };
    let name = secret_name(platform, &u.publisher);
    let Some(credential) = secret(env, &name) else {
        let why = format!("the Worker secret {name} is not set");
        return core::classify(&post.platform, 401, why.as_bytes(), this_round);
    };
    let sent = match platform {
        Platform::Bluesky => bluesky(env, calls, u, post, &credential, tries, now).await,
        _ => mastodon(calls, u, post, &credential).await,
    };
    match sent {
        Ok(answer) => core::classify(&post.platform, answer.status, &answer.body, this_round),
        Err(e) => core::unreachable(&post.platform, &e, calls.timeout_seconds, this_round),
    }
}

/// `POST /api/v1/statuses` on the profile's server, with the release's idempotency key.
async fn mastodon(calls: &Calls, u: &Upcoming, post: &SocialPost, token: &str) -> std::result::Result<Answer, String> {
    let host = core::mastodon_host(&post.profile).ok_or("the Mastodon address names no server")?;
    let key = core::idempotency_key(&u.slug);
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
    let key = core::record_key(&u.slug);
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
