//! The every-minute Cron Trigger (`[triggers] crons` in `wrangler.toml`): announces releases
//! whose moment has passed to the WebSub hub, once each. The plan is the core's
//! ([`serve::golive::plan`]); here are its reads and writes: the schedule from KV, a claim
//! per release in D1 (`DB`, `migrations/`), and the hub's pings.

use chrono::DateTime;
use contract::config::Config;
use contract::golive::{ping_body, CLAIM_SQL, UNCLAIM_SQL, UPCOMING_KEY};
use serve::golive::{plan, Announcement, Plan};
use worker::js_sys::futures::JsFuture;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::web_sys::{self, Headers, RequestInit};
use worker::{console_log, event, Env, Result, ScheduleContext, ScheduledEvent};

/// D1 binding that holds what readers and triggers write (claims of announcements).
const DATABASE: &str = "DB";

/// One run. Every failure is logged as a JSON line and left for the next run: a claim is
/// given back when the hub could not be told, so nothing is lost and nothing is sent twice.
#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let millis = event.schedule() as i64;
    let now = DateTime::from_timestamp_millis(millis).unwrap_or_default();
    match run(&env, now).await {
        Ok(line) => console_log!("{line}"),
        Err(e) => console_log!("{{\"level\":\"error\",\"cron\":\"go-live\",\"error\":{:?}}}", e.to_string()),
    }
}

/// The plan for `now`, carried out; answers the log line.
async fn run(env: &Env, now: DateTime<chrono::Utc>) -> Result<String> {
    let config = Config::from_vars(|name| env.var(name).ok().map(|v| v.to_string()))
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    let stored = env.kv(crate::BINDING)?.get(UPCOMING_KEY).bytes().await?;
    let (hub, releases) = match plan(&config, stored.as_deref(), now) {
        Ok(Plan::Idle(why)) => return Ok(format!("{{\"cron\":\"go-live\",\"idle\":{why:?}}}")),
        Ok(Plan::Announce { hub, releases }) => (hub, releases),
        Err(e) => return Err(worker::Error::RustError(e.to_string())),
    };
    let db = env.d1(DATABASE)?;
    let claimed_at = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
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
        "{{\"level\":{level:?},\"cron\":\"go-live\",\"announced\":{announced:?},\"pings\":{pings},\"failed\":{failed:?}}}"
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
