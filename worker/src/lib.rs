//! Cloudflare Workers adapter: converts the request to [`RequestFacts`], answers it, logs it,
//! and runs the Cron Trigger and the queue consumer. Every `await` lives in this crate.
//!
//! The crate is deployed as two Workers (ARCHITECTURE.md, "Two Workers"), each built with one
//! feature and each a folder: `readers/` (`readers` feature: pages from memory, the Cache API
//! and the core over KV; journalists' keys) and `mail/` (`mail` feature: subscriptions, the
//! Cron Trigger, the mail queue, the senders). Both features together, the default, is built
//! only for clippy and `make size-split`.
//!
//! It speaks to the runtime through `web_sys` objects, not `worker`'s copies of them: a
//! response kept in memory is a `Headers` and a `Uint8Array`, so a hit costs a handful of
//! calls into JavaScript and no copy of its body through wasm memory (`make bench`, "hit").
#![cfg(target_arch = "wasm32")]

#[cfg(feature = "mail")]
mod mail;
mod outgoing;
#[cfg(feature = "readers")]
mod readers;

use std::cell::OnceCell;

use chrono::DateTime;
use contract::config::{Config, ConfigError};
use serve::http::{RequestFacts, ServiceCheck, ServiceStatus};
use serve::observe::{log_line, server_timing, Timing};
use serve::respond::unavailable;
use worker::js_sys::Date;
use worker::web_sys::{self, Headers, ResponseInit};
use worker::{console_log, event, Context, Env, Result};

use outgoing::Outgoing;

/// KV binding that holds the records written by `newsroom build`.
pub(crate) const BINDING: &str = "RELEASES";

/// The D1 binding (`[[d1_databases]]`): what the worker writes (claims, subscribers, media
/// lists; schema in `migrations/`).
const DATABASE: &str = "DB";
thread_local! {
    /// The deployment's settings and preview secret, read once: an isolate serves one
    /// version of the worker, whose variables and secrets do not change under it.
    static SETTINGS: OnceCell<Settings> = const { OnceCell::new() };
}

/// The validated variables and the preview secret.
type Settings = (std::result::Result<Config, ConfigError>, Option<String>);

/// Every request gets an answer and one JSON log line: a failure of KV, the Cache API or the
/// runtime is answered with a `503` that tells the reader to retry, never an unhandled
/// exception; the log names the method and path only, never the query (it may hold a
/// preview token).
#[event(fetch)]
async fn fetch(req: web_sys::Request, env: Env, ctx: Context) -> Result<web_sys::Response> {
    match answer(req, env, ctx).await {
        Ok(response) => Ok(response),
        Err(e) => last_resort(&e),
    }
}

/// The answer when even the error path failed (the runtime refused a header, or the request
/// has no URL): a plain `503` with `Retry-After`, built without the core, and a log line.
fn last_resort(e: &worker::Error) -> Result<web_sys::Response> {
    console_log!("{{\"level\":\"error\",\"error\":{}}}", serve::observe::json(&e.to_string()));
    let init = ResponseInit::new();
    init.set_status(503);
    let headers = Headers::new()?;
    headers.set("content-type", "text/plain; charset=utf-8")?;
    headers.set("retry-after", "30")?;
    headers.set("cache-control", "no-store")?;
    init.set_headers(&headers);
    let body = "The newsroom cannot answer right now. Please try again in a minute.\n";
    Ok(web_sys::Response::new_with_opt_str_and_init(Some(body), &init)?)
}

/// [`fetch`] itself: every failure of KV, the Cache API or the core's bound is answered here;
/// what remains to fail (building the response's headers) goes to [`last_resort`].
async fn answer(req: web_sys::Request, env: Env, ctx: Context) -> Result<web_sys::Response> {
    let started = now_ms();
    let mut seen = Observed {
        timing: Timing { cache: "bypass", ..Timing::default() },
        warnings: Vec::new(),
        log_all: true,
        kv_keys: Vec::new(),
    };
    let facts = facts(&req, started)?;
    // A journalist's key: checked in D1, the request rewritten to what it opens (or left alone).
    #[cfg(feature = "readers")]
    let (facts, opened) = {
        let mut facts = facts;
        let opened = readers::embargo::open(&mut facts, &env).await;
        (facts, opened)
    };
    #[cfg(feature = "readers")]
    let outcome = match &opened {
        Err(e) => Err(worker::Error::RustError(format!("the media list: {e}"))),
        #[cfg(feature = "mail")]
        Ok(_) if mail::subscribe::handles(&facts.method, &facts.path) => {
            mail::subscriptions(&req, facts.clone(), &env, &ctx).await.and_then(|r| Outgoing::from_core(&r))
        }
        Ok(_) => readers::pages::handle(facts.clone(), &env, ctx, &mut seen).await,
    };
    #[cfg(not(feature = "readers"))]
    let outcome = mail::answer(&req, &facts, &env, &ctx).await;
    let response = match outcome {
        Ok(response) => response,
        Err(e) => {
            seen.warnings.push(e.to_string());
            Outgoing::from_core(&unavailable(&facts, &e.to_string()))?
        }
    };
    #[cfg(feature = "readers")]
    if let (Ok(Some(journalist)), 200) = (opened, response.status) {
        // A release a journalist's key opened: counted once it was shown.
        if let Err(e) = readers::embargo::count(&env, journalist).await {
            seen.warnings.push(format!("an opening was not counted: {e}"));
        }
    }
    let Observed { mut timing, warnings, log_all, kv_keys } = seen;
    timing.total_ms = now_ms().saturating_sub(started);
    let headers = &response.headers;
    headers.set("server-timing", &server_timing(&timing))?;
    headers.set("x-cache", if matches!(timing.cache, "hit" | "memory") { "hit" } else { "miss" })?;
    headers.set("x-kv-reads", &timing.kv_reads.to_string())?;
    if !kv_keys.is_empty() {
        // `TRACE_KV = "on"` (benchmarks): the keys read, a round's separated by commas.
        headers.set("x-kv-keys", &kv_keys.join(" "))?;
    }
    // `LOG_REQUESTS = "errors"` keeps only the lines an operator must see.
    if log_all || response.status >= 500 || !warnings.is_empty() {
        let content_type = headers.get("content-type")?;
        let line = log_line(&facts.method, &facts.path, response.status, content_type.as_deref(), &timing, &warnings);
        console_log!("{line}");
    }
    response.build()
}

/// The runtime's clock.
#[cfg(feature = "mail")]
fn now() -> DateTime<chrono::Utc> {
    DateTime::from_timestamp_millis(i64::try_from(now_ms()).unwrap_or(i64::MAX)).unwrap_or_default()
}

/// One `/healthz` service check (`readers::health`, `mail::health`).
fn found(name: &'static str, status: ServiceStatus, detail: impl Into<String>) -> ServiceCheck {
    ServiceCheck { name, status, detail: detail.into() }
}

/// Column `i` of a raw D1 row (`raw_js_value`: an array); `null` when absent.
fn column(row: &worker::wasm_bindgen::JsValue, i: u32) -> worker::wasm_bindgen::JsValue {
    worker::js_sys::Reflect::get_u32(row, i).unwrap_or(worker::wasm_bindgen::JsValue::NULL)
}

/// `at` as D1 stores times: RFC 3339, UTC, seconds (so they compare as text).
fn rfc3339(at: DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The deployment's settings and preview secret, read once per isolate.
fn settings(env: &Env) -> Settings {
    SETTINGS.with(|s| {
        s.get_or_init(|| {
            let config = Config::from_vars(|name| env.var(name).ok().map(|v| v.to_string()));
            (config, env.secret("PREVIEW_SECRET").ok().map(|s| s.to_string()))
        })
        .clone()
    })
}

/// What the log line and `Server-Timing` report of one request.
pub(crate) struct Observed {
    timing: Timing,
    warnings: Vec<String>,
    /// `LOG_REQUESTS` is `all`.
    log_all: bool,
    /// With `TRACE_KV` on: one entry per round of KV reads, its keys comma-separated
    /// (`x-kv-keys` joins the rounds with spaces).
    kv_keys: Vec<String>,
}

/// Milliseconds since the epoch, from the runtime's clock (one call, no `Date` object).
fn now_ms() -> u64 {
    Date::now() as u64
}

/// The request as the core sees it, at `now_ms` (the adapter reads the clock once).
fn facts(req: &web_sys::Request, now_ms: u64) -> Result<RequestFacts> {
    // The runtime's own URL string, split by the core: parsing it with the `url` crate would
    // cost 65 KiB of the gzipped worker (its IDNA tables).
    let url = req.url();
    let (origin, path, query) =
        serve::http::split_url(&url).ok_or_else(|| worker::Error::RustError(format!("not a URL: {url}")))?;
    let headers = req.headers();
    let millis = i64::try_from(now_ms).unwrap_or(i64::MAX);
    Ok(RequestFacts {
        method: req.method(),
        origin: origin.to_string(),
        path: path.to_string(),
        query: query.map(str::to_string),
        accept: headers.get("accept")?,
        accept_language: headers.get("accept-language")?,
        if_none_match: headers.get("if-none-match")?,
        if_modified_since: headers.get("if-modified-since")?,
        now: DateTime::from_timestamp_millis(millis).unwrap_or_default(),
        preview_secret: None,
        config: Config::default(),
        services: Vec::new(),
        embargo: None,
    })
}
