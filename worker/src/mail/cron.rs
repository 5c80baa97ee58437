//! The mail Worker's every-minute Cron Trigger (`[triggers] crons` in `wrangler.mail.toml`): queues the mails
//! of releases whose moment has passed (`deliver::schedule`), mails embargo notices whose
//! time has come to the media lists, and their updates and cancellations
//! (`notices::send_due`), puts back on the queue the failed jobs `newsroom mail retry`
//! marked (`deliver::resend`), posts releases to their publishers' Mastodon and Bluesky
//! accounts and fetches publishers' public feeds hourly (`social`), announces releases to
//! the WebSub hub, once each, and hourly
//! forgets pending addresses whose confirmation link expired, delivery claims older than
//! `mailing::delivery::CLAIMS_KEPT_DAYS` and embargo notices
//! `mailing::notices::NOTICES_KEPT_DAYS` after their moment. The plan is the core's
//! ([`mailing::golive::plan`]); here are its reads and writes: the schedule from KV, a claim
//! per release in D1 (`DB`, `migrations/`), and the hub's pings.
use chrono::DateTime;
use contract::golive::{ping_body, CLAIM_SQL, UNCLAIM_SQL, UPCOMING_KEY};
use mailing::golive::{plan, Announcement, Plan};
use serve::observe::json;
use worker::js_sys::futures::JsFuture;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::web_sys::{self, Headers, RequestInit};
use worker::{console_log, event, Env, Result, ScheduleContext, ScheduledEvent};

/// One run. Every failure is logged as a JSON line and left for the next run: a claim is
/// given back when the hub could not be told, so nothing is lost and nothing is sent twice.
#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let millis = event.schedule() as i64;
    let now = DateTime::from_timestamp_millis(millis).unwrap_or_default();
    match run(&env, now).await {
        Ok(line) => console_log!("{line}"),
        Err(e) => console_log!("{{\"level\":\"error\",\"cron\":\"go-live\",\"error\":{}}}", json(&e.to_string())),
    }
}

/// Both jobs of a run: the releases' mails (queued) and the WebSub announcements; answers
/// the log line. A failure of one does not stop the other.
async fn run(env: &Env, now: DateTime<chrono::Utc>) -> Result<String> {
    let stored = env.kv(crate::BINDING)?.get(UPCOMING_KEY).bytes().await?;
    let schedule = stored.as_deref().map(mailing::golive::read);
    let (mailed, noticed) = match &schedule {
        None => ("\"nothing published yet\"".to_string(), "0".to_string()),
        Some(Err(e)) => (json(&e.to_string()), "0".to_string()),
        Some(Ok(record)) => {
            let mailed = match crate::mail::deliver::schedule(env, record, now).await {
                Ok(slugs) => json(&slugs),
                Err(e) => json(&format!("error: {e}")),
            };
            let noticed = match crate::mail::notices::send_due(env, record, now).await {
                Ok(sent) => sent.to_string(),
                Err(e) => json(&format!("error: {e}")),
            };
            (mailed, noticed)
        }
    };
    let resent = match crate::mail::deliver::resend(env).await {
        Ok(n) => n.to_string(),
        Err(e) => json(&format!("error: {e}")),
    };
    let expired = if mailing::subscribe::expires_pending_at(now) { expire(env, now).await } else { 0 };
    let announced = announce(env, stored.as_deref(), now).await?;
    // Social media last: its calls (each up to SOCIAL_API_TIMEOUT) never delay the mail or
    // the hub.
    let social = match &schedule {
        Some(Ok(record)) => crate::mail::social::posts::announce(env, record, now)
            .await
            .unwrap_or_else(|e| format!("\"social posts\":{}", json(&format!("error: {e}")))),
        _ => "\"social posts\":0".to_string(),
    };
    let feeds = crate::mail::social::feeds::feeds(env, now)
        .await
        .unwrap_or_else(|e| format!("\"social feeds\":{}", json(&format!("error: {e}"))));
    Ok(format!(
        "{{\"cron\":\"go-live\",\"mailed\":{mailed},\"embargo notices\":{noticed},\"failed jobs resent\":{resent},\"expired\":{expired},{social},{feeds},{announced}}}"
    ))
}

/// Forgets pending addresses whose confirmation link has expired and delivery claims past
/// their use; answers how many rows went (a failure is logged and left for the next hour).
async fn expire(env: &Env, now: DateTime<chrono::Utc>) -> usize {
    let pending = JsValue::from_str(&mailing::subscribe::expired_before(now));
    let claims = JsValue::from_str(&mailing::delivery::claims_expire_before(now));
    let notices = JsValue::from_str(&crate::rfc3339(now - chrono::Duration::days(mailing::notices::NOTICES_KEPT_DAYS)));
    let run = async {
        let db = env.d1(crate::DATABASE)?;
        let statements = vec![
            db.prepare(mailing::subscribe::sql::EXPIRE_PENDING).bind(&[pending])?,
            db.prepare(mailing::delivery::sql::PRUNE_DELIVERIES).bind(&[claims])?,
            db.prepare(mailing::notices::sql::PRUNE_NOTICES).bind(&[notices])?,
            // Failed jobs of releases too old to send again (their claims are gone): the
            // report showed them for two weeks.
            db.prepare(mailing::dead_letters::sql::PRUNE)
                .bind(&[JsValue::from_str(&mailing::delivery::claims_expire_before(now))])?,
            // Social media posts' rows, kept for the report a month.
            db.prepare(mailing::social_posts::sql::PRUNE).bind(&[JsValue::from_str(&crate::rfc3339(
                now - chrono::Duration::days(mailing::social_posts::KEPT_DAYS),
            ))])?,
            // Notes of tries of jobs the queue no longer holds (each is tried at least hourly).
            db.prepare(mailing::dead_letters::sql::PRUNE_TRIES)
                .bind(&[JsValue::from_str(&crate::rfc3339(now - chrono::Duration::hours(3)))])?,
        ];
        let mut gone = 0;
        for result in db.batch(statements).await? {
            gone += result.meta()?.and_then(|m| m.changes).unwrap_or(0);
        }
        Ok::<_, worker::Error>(gone)
    };
    run.await.unwrap_or_else(|e| {
        console_log!("{{\"level\":\"error\",\"cron\":\"clean-up\",\"error\":{}}}", json(&e.to_string()));
        0
    })
}

/// The WebSub part of a run; answers its part of the log line.
async fn announce(env: &Env, stored: Option<&[u8]>, now: DateTime<chrono::Utc>) -> Result<String> {
    let (config, _) = crate::settings(env);
    let config = config.map_err(|e| worker::Error::RustError(e.to_string()))?;
    let (hub, releases) = match plan(&config, stored, now) {
        Ok(Plan::Idle(why)) => return Ok(format!("\"websub\":{}", json(&why))),
        Ok(Plan::Announce { hub, releases }) => (hub, releases),
        Err(e) => return Err(worker::Error::RustError(e.to_string())),
    };
    let db = env.d1(crate::DATABASE)?;
    let claimed_at = crate::rfc3339(now);
    let (mut announced, mut pings, mut failed) = (Vec::new(), 0, Vec::new());
    for release in &releases {
        let Announcement { slug, moment, topics } = release;
        let args = [JsValue::from_str(slug), JsValue::from_str(moment), JsValue::from_str(&claimed_at)];
        let rows = db.prepare(CLAIM_SQL).bind(&args)?.raw_js_value().await?;
        if rows.is_empty() {
            continue; // announced by an earlier run
        }
        let mut refused = None;
        for topic in topics {
            match ping(&hub, topic).await {
                Ok(()) => pings += 1,
                Err(e) => refused = Some(format!("{topic}: {e}")),
            }
        }
        match refused {
            None => announced.push(slug.clone()),
            Some(why) => {
                // Given back: the next run tries every topic of it again.
                db.prepare(UNCLAIM_SQL).bind(&args[..2])?.run().await?;
                failed.push(format!("{slug} ({why})"));
            }
        }
    }
    let level = if failed.is_empty() { "info" } else { "warning" };
    Ok(format!(
        "\"level\":{},\"announced\":{},\"pings\":{pings},\"failed\":{}",
        json(level),
        json(&announced),
        json(&failed)
    ))
}

/// Tells `hub` that `topic` has new content; a status other than 2xx is a failure.
async fn ping(hub: &str, topic: &str) -> Result<()> {
    let headers = Headers::new()?;
    headers.set("content-type", "application/x-www-form-urlencoded")?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&ping_body(topic)));
    let global: web_sys::WorkerGlobalScope = worker::js_sys::global().unchecked_into();
    let response: web_sys::Response = JsFuture::from(global.fetch_with_str_and_init(hub, &init)).await?.dyn_into()?;
    if !response.ok() {
        return Err(worker::Error::RustError(format!("the hub answered {}", response.status())));
    }
    Ok(())
}
