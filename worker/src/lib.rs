//! Cloudflare Workers adapter: converts the request to [`RequestFacts`], serves full responses
//! from the Cache API or from the core (reading the KV keys it asks for), and delivers them
//! as the request's conditional headers and method require. Every `await` lives here.
#![cfg(target_arch = "wasm32")]

use std::cell::{OnceCell, RefCell};

use chrono::DateTime;
use futures_util::future::join_all;
use newsroom::cache::{age, shared_lifetime, stored_at, STORED_AT};
use newsroom::config::{Config, ConfigError};
use newsroom::http::{HttpResponse, RequestFacts};
use newsroom::memory_cache::{MemoryCache, Stored, DEFAULT_BUDGET};
use newsroom::observe::{log_line, server_timing, Timing};
use newsroom::respond::{config_error, unavailable};
use newsroom::{cache_key, delivery, finalize, respond, Delivery, Loaded, Outcome, BODY_HEADERS};
use worker::{console_log, event, Cache, Context, Date, Env, Headers, Request, Response, ResponseBody, Result};

/// KV binding that holds the records written by `newsroom build`.
const BINDING: &str = "RELEASES";
/// Rounds of KV reads a request may take; the core needs at most three.
const MAX_ROUNDS: usize = 4;

thread_local! {
    /// Responses this isolate rendered, served again without leaving it while fresh.
    static MEMORY: RefCell<MemoryCache> = RefCell::new(MemoryCache::new(DEFAULT_BUDGET));
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
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    let started = now_ms();
    let mut seen = Observed {
        timing: Timing { cache: "bypass", ..Timing::default() },
        warnings: Vec::new(),
        log_all: true,
        kv_keys: Vec::new(),
    };
    let facts = facts(&req, started)?;
    let mut response = match handle(facts.clone(), &env, ctx, &mut seen).await {
        Ok(response) => response,
        Err(e) => {
            seen.warnings.push(e.to_string());
            into_response(unavailable(&facts, &e.to_string()))?
        }
    };
    let Observed { mut timing, warnings, log_all, kv_keys } = seen;
    timing.total_ms = now_ms().saturating_sub(started);
    let headers = response.headers_mut();
    headers.set("server-timing", &server_timing(&timing))?;
    headers.set("x-cache", if matches!(timing.cache, "hit" | "memory") { "hit" } else { "miss" })?;
    headers.set("x-kv-reads", &timing.kv_reads.to_string())?;
    if !kv_keys.is_empty() {
        // `TRACE_KV = "on"` (benchmarks): the keys read, a round's separated by commas.
        headers.set("x-kv-keys", &kv_keys.join(" "))?;
    }
    // `LOG_REQUESTS = "errors"` keeps only the lines an operator must see.
    if log_all || response.status_code() >= 500 || !warnings.is_empty() {
        let content_type = response.headers().get("content-type")?;
        let status = response.status_code();
        console_log!("{}", log_line(&facts.method, &facts.path, status, content_type.as_deref(), &timing, &warnings));
    }
    Ok(response)
}

/// What the log line and `Server-Timing` report of one request.
struct Observed {
    timing: Timing,
    warnings: Vec<String>,
    /// `LOG_REQUESTS` is `all`.
    log_all: bool,
    /// With `TRACE_KV` on: the keys of each round of KV reads, comma-separated.
    kv_keys: Vec<String>,
}

async fn handle(mut facts: RequestFacts, env: &Env, ctx: Context, seen: &mut Observed) -> Result<Response> {
    let (timing, warnings, kv_keys) = (&mut seen.timing, &mut seen.warnings, &mut seen.kv_keys);
    let (config, secret) = SETTINGS.with(|s| {
        s.get_or_init(|| {
            let config = Config::from_vars(|name| env.var(name).ok().map(|v| v.to_string()));
            (config, env.secret("PREVIEW_SECRET").ok().map(|s| s.to_string()))
        })
        .clone()
    });
    facts.config = match config {
        Ok(config) => config,
        Err(e) => {
            warnings.push(e.to_string());
            return into_response(config_error(&facts, &e));
        }
    };
    seen.log_all = facts.config.log_every_request;
    facts.preview_secret = secret;
    let key = cache_key(&facts).filter(|_| facts.config.use_cache);
    let memory = facts.config.use_memory_cache;
    if let Some(key) = &key {
        let remembered = if memory { MEMORY.with(|m| m.borrow_mut().get(key, facts.now)) } else { None };
        if let Some(hit) = remembered {
            timing.cache = "memory";
            return stored_response(hit.deliver(&facts));
        }
        timing.cache = "miss";
        if let Some(hit) = Cache::default().get(key.as_str(), true).await? {
            timing.cache = "hit";
            return if memory { remember(&facts, key, hit).await } else { deliver(&facts, hit) };
        }
    }
    let full = serve(&facts, env, timing, kv_keys).await?;
    warnings.extend(full.log.iter().cloned());
    let cacheable = shared_lifetime(full.status, full.header("cache-control")).is_some();
    if let (Some(key), true) = (&key, cacheable && memory) {
        MEMORY.with(|m| m.borrow_mut().put(key, Stored::from_response(&full), facts.now, facts.now));
    }
    if let (Some(key), true) = (key, cacheable) {
        let mut copy = into_response(full.clone())?;
        copy.headers_mut().set(STORED_AT, &facts.now.timestamp().to_string())?;
        ctx.wait_until(async move {
            if let Err(e) = Cache::default().put(key.as_str(), copy).await {
                console_log!("{{\"warning\":\"cache put failed\",\"error\":{:?}}}", e.to_string());
            }
        });
    }
    // Delivered as the core decides, converted once: not converted, read back and rebuilt.
    into_response(finalize(&facts, full))
}

/// Runs the core, reading from KV what it asks for, and times the reads and the rendering.
async fn serve(facts: &RequestFacts, env: &Env, timing: &mut Timing, trace: &mut Vec<String>) -> Result<HttpResponse> {
    let kv = env.kv(BINDING)?;
    let mut loaded = Loaded::default();
    for _ in 0..MAX_ROUNDS {
        let rendering = now_ms();
        let outcome = respond(facts, &loaded);
        timing.render_ms += now_ms().saturating_sub(rendering);
        match outcome {
            Outcome::Done(response) => {
                timing.kv_reads = loaded.len();
                return Ok(response);
            }
            Outcome::Fetch(keys) => {
                let reading = now_ms();
                // A round's keys are read together: a search's shards and filters, a
                // publisher page's profile and page.
                let values = join_all(keys.iter().map(|key| kv.get(key).bytes())).await;
                if facts.config.trace_kv {
                    trace.push(keys.join(","));
                }
                for (key, value) in keys.into_iter().zip(values) {
                    loaded.insert(key, value?);
                }
                timing.kv_ms += now_ms().saturating_sub(reading);
            }
        }
    }
    Err(worker::Error::RustError(format!("gave up after {MAX_ROUNDS} rounds of KV reads")))
}

fn now_ms() -> u64 {
    Date::now().as_millis()
}

/// The request as the core sees it, at `now_ms` (the adapter reads the clock once).
fn facts(req: &Request, now_ms: u64) -> Result<RequestFacts> {
    // The runtime's own URL string, split by the core: `Request::url` parses it again with the
    // `url` crate, whose IDNA tables alone cost 65 KiB of the gzipped worker.
    let url = req.inner().url();
    let (origin, path, query) =
        newsroom::http::split_url(&url).ok_or_else(|| worker::Error::RustError(format!("not a URL: {url}")))?;
    let headers = req.headers();
    let millis = i64::try_from(now_ms).unwrap_or(i64::MAX);
    Ok(RequestFacts {
        method: req.method().to_string(),
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
    })
}

/// Reads a Cache API copy into this isolate's memory, so the next request for it stays
/// here, and delivers it (counting its age from when it was first stored).
async fn remember(facts: &RequestFacts, key: &str, mut hit: Response) -> Result<Response> {
    let body = hit.bytes().await?;
    let (mut headers, mut stored) = (Vec::new(), facts.now);
    for (name, value) in hit.headers().entries() {
        if name == STORED_AT {
            stored = stored_at(&value).unwrap_or(stored);
        } else {
            headers.push((name, value));
        }
    }
    let copy = Stored { status: hit.status_code(), headers, body };
    MEMORY.with(|m| m.borrow_mut().put(key, copy.clone(), stored, facts.now));
    stored_response(copy.aged(stored, facts.now).deliver(facts))
}

/// A core response as the runtime's (already final: `finalize` was applied or not needed).
fn into_response(r: HttpResponse) -> Result<Response> {
    response_from(r.status, r.headers.iter().map(|(n, v)| (*n, v.as_str())), r.body)
}

/// A stored copy, as delivered, as the runtime's response.
fn stored_response(r: Stored) -> Result<Response> {
    response_from(r.status, r.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())), r.body)
}

fn response_from<'a>(
    status: u16,
    header_list: impl Iterator<Item = (&'a str, &'a str)>,
    body: Vec<u8>,
) -> Result<Response> {
    let headers = Headers::new();
    for (name, value) in header_list {
        headers.append(name, value)?;
    }
    // No body at all for `304` and `HEAD`, not an empty one: a 304 with a body stream made
    // workerd answer at less than half the rate (`make bench`, If-None-Match).
    let response =
        if body.is_empty() { Response::from_body(ResponseBody::Empty)? } else { Response::from_bytes(body)? };
    Ok(response.with_status(status).with_headers(headers))
}

/// Sends a full response as [`delivery`] decides (cached responses have immutable headers,
/// so headers are copied; `fetch` adds `Server-Timing`, `x-cache` and `x-kv-reads`).
fn deliver(facts: &RequestFacts, full: Response) -> Result<Response> {
    let status = full.status_code();
    let (etag, last_modified) = (full.headers().get("etag")?, full.headers().get("last-modified")?);
    let how = delivery(facts, status, etag.as_deref(), last_modified.as_deref());
    let headers = Headers::new();
    for (name, value) in full.headers().entries() {
        if name == STORED_AT {
            if let Some(age) = age(Some(&value), facts.now) {
                headers.set("age", &age)?;
            }
        } else if how != Delivery::NotModified || !BODY_HEADERS.contains(&name.as_str()) {
            headers.append(&name, &value)?;
        }
    }
    // A cached body is a stream: passed on as it is, never copied into wasm memory and back.
    let (status, body) = match how {
        Delivery::Full => (status, full.body().clone()),
        Delivery::HeadersOnly => (status, ResponseBody::Empty),
        Delivery::NotModified => (304, ResponseBody::Empty),
    };
    Ok(Response::from_body(body)?.with_status(status).with_headers(headers))
}
