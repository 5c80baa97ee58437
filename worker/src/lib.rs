//! Cloudflare Workers adapter: converts the request to [`RequestFacts`], serves full responses
//! from memory, the Cache API or the core (reading the KV keys it asks for), and delivers them
//! as the request's conditional headers and method require. Every `await` lives here.
//!
//! It speaks to the runtime through `web_sys` objects, not `worker`'s copies of them: a
//! response kept in memory is a `Headers` and a `Uint8Array`, so a hit costs a handful of
//! calls into JavaScript and no copy of its body through wasm memory (`make bench`, "hit").
#![cfg(target_arch = "wasm32")]
// The worker is built with both features. One alone is built only to measure what each half
// of a split into two Workers would weigh (`scripts/size-split.sh`); what that half does not
// call is left unused there, on purpose.
#![cfg_attr(not(all(feature = "readers", feature = "mail")), allow(dead_code, unused))]

#[cfg(feature = "mail")]
mod cron;
#[cfg(feature = "mail")]
mod deliver;
#[cfg(feature = "readers")]
mod embargo;
#[cfg(feature = "mail")]
mod mail;
#[cfg(feature = "mail")]
mod notices;
mod services;
#[cfg(feature = "mail")]
mod subscribe;

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use chrono::DateTime;
use contract::cache::{age_since, shared_lifetime, stored_at, STORED_AT};
use contract::config::{Config, ConfigError};
use contract::kv::reuse_seconds;
use contract::model::PublisherRecord;
use futures_util::future::join_all;
use serve::http::{HttpResponse, RequestFacts};
use serve::memory_cache::{MemoryCache, Terms, DEFAULT_BUDGET};
use serve::observe::{log_line, server_timing, Timing};
use serve::respond::{config_error, unavailable};
use serve::{cache_key, delivery, respond, too_many_rounds, Delivery, Loaded, Outcome, BODY_HEADERS, MAX_ROUNDS};
use worker::js_sys::{Date, Uint8Array};
use worker::web_sys::{self, Headers, ReadableStream, ResponseInit};
use worker::{console_log, event, Cache, Context, Env, Result};

/// KV binding that holds the records written by `newsroom build`.
pub(crate) const BINDING: &str = "RELEASES";

/// The D1 binding (`[[d1_databases]]`): what the worker writes (claims, subscribers, media
/// lists; schema in `migrations/`).
const DATABASE: &str = "DB";
/// Memory for reusable KV values: a few hundred publisher profiles.
const VALUES_BUDGET: usize = 4 << 20;

thread_local! {
    /// Responses this isolate rendered, served again without leaving it while fresh.
    static MEMORY: RefCell<MemoryCache<Kept>> = RefCell::new(MemoryCache::new(DEFAULT_BUDGET));
    /// KV values this isolate read and may reuse for a while ([`reuse_seconds`]).
    static VALUES: RefCell<MemoryCache<Reused>> = RefCell::new(MemoryCache::new(VALUES_BUDGET));
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
    let mut facts = facts(&req, started)?;
    // A journalist's key: checked in D1, the request rewritten to what it opens (or left alone).
    #[cfg(feature = "readers")]
    let opened = embargo::open(&mut facts, &env).await;
    #[cfg(not(feature = "readers"))]
    let opened: std::result::Result<Option<i64>, worker::Error> = Ok(None);
    let outcome = match &opened {
        Err(e) => Err(worker::Error::RustError(format!("the media list: {e}"))),
        #[cfg(feature = "mail")]
        Ok(_) if subscribe::handles(&facts.method, &facts.path) => {
            subscriptions(&req, facts.clone(), &env).await.and_then(|r| Outgoing::from_core(&r))
        }
        #[cfg(feature = "readers")]
        Ok(_) => handle(facts.clone(), &env, ctx, &mut seen).await,
        // The mail Worker's part of `/healthz`, which the readers' Worker's entry module asks
        // for through its `MAIL` binding and merges into its own (worker/js/shim.js).
        #[cfg(not(feature = "readers"))]
        Ok(_) if facts.path == "/healthz" => {
            Outgoing::from_core(&serve::respond::services_report(&services::check(&env).await))
        }
        #[cfg(not(feature = "readers"))]
        Ok(_) => Outgoing::from_core(&unavailable(&facts, "the readers' worker answers this")),
    };
    let opened = opened.ok().flatten();
    let response = match outcome {
        Ok(response) => response,
        Err(e) => {
            seen.warnings.push(e.to_string());
            Outgoing::from_core(&unavailable(&facts, &e.to_string()))?
        }
    };
    if let (Some(journalist), 200) = (opened, response.status) {
        // A release a journalist's key opened: counted once it was shown.
        #[cfg(feature = "readers")]
        if let Err(e) = embargo::count(&env, journalist).await {
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

/// The subscription pages, with the deployment's settings (a bad setting: its `500` page).
#[cfg(feature = "mail")]
async fn subscriptions(req: &web_sys::Request, mut facts: RequestFacts, env: &Env) -> Result<HttpResponse> {
    let (config, secret) = settings(env);
    facts.config = match config {
        Ok(config) => config,
        Err(e) => return Ok(config_error(&facts, &e)),
    };
    subscribe::answer(req, &facts, env, secret.as_deref()).await
}

/// The runtime's clock.
fn now() -> DateTime<chrono::Utc> {
    DateTime::from_timestamp_millis(i64::try_from(now_ms()).unwrap_or(i64::MAX)).unwrap_or_default()
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
struct Observed {
    timing: Timing,
    warnings: Vec<String>,
    /// `LOG_REQUESTS` is `all`.
    log_all: bool,
    /// With `TRACE_KV` on: one entry per round of KV reads, its keys comma-separated
    /// (`x-kv-keys` joins the rounds with spaces).
    kv_keys: Vec<String>,
}

#[cfg(feature = "readers")]
async fn handle(mut facts: RequestFacts, env: &Env, ctx: Context, seen: &mut Observed) -> Result<Outgoing> {
    let (timing, warnings, kv_keys) = (&mut seen.timing, &mut seen.warnings, &mut seen.kv_keys);
    let (config, secret) = settings(env);
    facts.config = match config {
        Ok(config) => config,
        Err(e) => {
            warnings.push(e.to_string());
            return Outgoing::from_core(&config_error(&facts, &e));
        }
    };
    seen.log_all = facts.config.log_every_request;
    facts.preview_secret = secret;
    if facts.path == "/healthz" {
        facts.services = services::check(env).await;
    }
    let key = cache_key(&facts).filter(|_| facts.config.use_cache);
    let memory = facts.config.use_memory_cache;
    if let Some(key) = &key {
        if memory {
            let hit =
                MEMORY.with(|m| m.borrow_mut().get(key, facts.now).map(|(kept, at)| kept.deliver(&facts, Some(at))));
            if let Some(response) = hit {
                timing.cache = "memory";
                return response;
            }
        }
        timing.cache = "miss";
        if let Some(hit) = Cache::default().get(key.as_str(), true).await? {
            if let Some(response) = from_cache_api(&facts, key, hit, memory).await? {
                timing.cache = "hit";
                return Ok(response);
            }
        }
    }
    let full = serve(&facts, env, timing, kv_keys).await?;
    warnings.extend(full.log.iter().cloned());
    let kept = Kept::from_core(&full)?;
    let terms = kept.terms();
    if let (Some(key), true) = (key, shared_lifetime(terms.status, terms.cache_control).is_some()) {
        let copy = kept.for_cache_api(&facts)?;
        if memory {
            MEMORY.with(|m| m.borrow_mut().put(&key, kept.clone(), terms, facts.now, facts.now));
        }
        ctx.wait_until(async move {
            if let Err(e) = Cache::default().put(key.as_str(), worker::Response::from(copy)).await {
                console_log!("{{\"warning\":\"cache put failed\",\"error\":{}}}", serve::observe::json(&e.to_string()));
            }
        });
    }
    kept.deliver(&facts, None)
}

/// Runs the core, reading from KV what it asks for (or reusing what this isolate read of it
/// lately), and times the reads and the rendering.
#[cfg(feature = "readers")]
async fn serve(facts: &RequestFacts, env: &Env, timing: &mut Timing, trace: &mut Vec<String>) -> Result<HttpResponse> {
    let kv = env.kv(BINDING)?;
    let mut loaded = Loaded::default();
    // Reusable values read from KV by this request: kept once the core is done with them,
    // with the profile it decoded.
    let mut fresh: Vec<(String, Vec<u8>, u32)> = Vec::new();
    // The core's own bound: one call per round of reads, and one last call with them all.
    for round in 0..=MAX_ROUNDS {
        let rendering = now_ms();
        let outcome = respond(facts, &loaded);
        timing.render_ms += now_ms().saturating_sub(rendering);
        let keys = match outcome {
            Outcome::Done(response) => {
                for (key, bytes, lifetime) in fresh {
                    let profile = loaded.decoded(&key);
                    // A decoded profile is charged as twice its JSON again (an estimate: its
                    // strings, plus their allocations).
                    let size = bytes.len() * if profile.is_some() { 3 } else { 1 };
                    let reused = Reused { profile, bytes };
                    VALUES.with(|v| v.borrow_mut().keep(&key, reused, lifetime, size, facts.now, facts.now));
                }
                return Ok(response);
            }
            Outcome::Fetch(keys) if round == MAX_ROUNDS => return Ok(too_many_rounds(facts, &keys)),
            Outcome::Fetch(keys) => keys,
        };
        let keys: Vec<String> = keys.into_iter().filter(|key| !reuse(key, facts, &mut loaded, timing)).collect();
        if keys.is_empty() {
            continue;
        }
        let reading = now_ms();
        // A round's keys are read together: a search's shards and filters, a publisher
        // page's profile and page.
        let values = join_all(keys.iter().map(|key| kv.get(key).bytes())).await;
        if facts.config.trace_kv {
            trace.push(keys.join(","));
        }
        for (key, value) in keys.into_iter().zip(values) {
            let value = value?;
            if let (Some(lifetime), Some(bytes)) = (reuse_seconds(&key), &value) {
                fresh.push((key.clone(), bytes.clone(), lifetime));
            }
            timing.kv_reads += 1;
            loaded.insert(key, value);
        }
        timing.kv_ms += now_ms().saturating_sub(reading);
    }
    // The last round returned above whatever it was; this is not reached.
    Ok(too_many_rounds(facts, &[]))
}

/// A KV value this isolate may reuse, with the publisher profile decoded from it, if any.
struct Reused {
    bytes: Vec<u8>,
    profile: Option<Rc<PublisherRecord>>,
}

/// Answers the read of `key` from this isolate's copy, if it may be reused and one is fresh.
/// Whatever `CACHE` says: that setting is about rendered responses, and a miss reuses values.
fn reuse(key: &str, facts: &RequestFacts, loaded: &mut Loaded, timing: &mut Timing) -> bool {
    if reuse_seconds(key).is_none() {
        return false;
    }
    let copy = VALUES.with(|v| v.borrow_mut().get(key, facts.now).map(|(r, _)| (r.bytes.clone(), r.profile.clone())));
    let Some((bytes, profile)) = copy else { return false };
    match profile {
        Some(profile) => loaded.insert_decoded(key.to_string(), bytes, profile),
        None => loaded.insert(key.to_string(), Some(bytes)),
    }
    timing.kv_reused += 1;
    true
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

/// A full response as this isolate keeps it: runtime objects, ready to be sent again.
/// Never changed once made: every delivery copies its headers.
#[derive(Clone)]
struct Kept {
    status: u16,
    etag: Option<String>,
    last_modified: Option<String>,
    cache_control: Option<String>,
    headers: Headers,
    body: Uint8Array,
    /// Bytes of its header names and values.
    header_bytes: usize,
}

impl Kept {
    /// A response the core rendered.
    fn from_core(r: &HttpResponse) -> Result<Self> {
        let headers = Headers::new()?;
        for (name, value) in &r.headers {
            headers.append(name, value)?;
        }
        Ok(Self {
            status: r.status,
            etag: r.header("etag").map(str::to_string),
            last_modified: r.header("last-modified").map(str::to_string),
            cache_control: r.header("cache-control").map(str::to_string),
            headers,
            body: Uint8Array::from(r.body.as_slice()),
            header_bytes: r.headers.iter().map(|(n, v)| n.len() + v.len()).sum(),
        })
    }

    /// What the memory cache reads of it.
    fn terms(&self) -> Terms<'_> {
        let size = self.body.length() as usize + self.header_bytes;
        Terms { status: self.status, cache_control: self.cache_control.as_deref(), size }
    }

    /// As delivered to `facts` (whole, headers only for `HEAD`, or `304`), with its `Age` if it
    /// was stored at `stored`.
    fn deliver(&self, facts: &RequestFacts, stored: Option<DateTime<chrono::Utc>>) -> Result<Outgoing> {
        let headers = Headers::new_with_headers(&self.headers)?;
        let (status, with_body) =
            prepare(facts, (self.status, self.etag.as_deref(), self.last_modified.as_deref()), &headers, stored)?;
        Ok(Outgoing { status, headers, body: with_body.then(|| Body::Bytes(self.body.clone())) })
    }

    /// The copy the Cache API keeps: stamped with the time it was rendered.
    fn for_cache_api(&self, facts: &RequestFacts) -> Result<web_sys::Response> {
        let headers = Headers::new_with_headers(&self.headers)?;
        headers.set(STORED_AT, &facts.now.timestamp().to_string())?;
        Outgoing { status: self.status, headers, body: Some(Body::Bytes(self.body.clone())) }.build()
    }
}

/// Applies [`delivery`] to a copy of a full response with `status`, `ETag` and
/// `Last-Modified`: sets its `Age` (if it was `stored`), drops the body's headers from a `304`,
/// and says which status to send and whether the body goes with it.
fn prepare(
    facts: &RequestFacts,
    (status, etag, last_modified): (u16, Option<&str>, Option<&str>),
    headers: &Headers,
    stored: Option<DateTime<chrono::Utc>>,
) -> Result<(u16, bool)> {
    if let Some(stored) = stored {
        headers.set("age", &age_since(stored, facts.now))?;
    }
    Ok(match delivery(facts, status, etag, last_modified) {
        Delivery::Full => (status, true),
        Delivery::HeadersOnly => (status, false),
        Delivery::NotModified => {
            for name in BODY_HEADERS {
                headers.delete(name)?;
            }
            (304, false)
        }
    })
}

/// Serves a Cache API copy, or `None` when it is stale (a local runtime may keep a copy past
/// its `s-maxage`): the caller renders it anew. With `remember`, the copy is read into this
/// isolate's memory too, so the next request for it stays here.
async fn from_cache_api(
    facts: &RequestFacts,
    key: &str,
    hit: worker::Response,
    remember: bool,
) -> Result<Option<Outgoing>> {
    let status = hit.status_code();
    let header = |name: &str| hit.headers().get(name);
    let (control, stamp) = (header("cache-control")?, header(STORED_AT)?);
    let stored = stamp.as_deref().and_then(stored_at).unwrap_or(facts.now);
    let lifetime = shared_lifetime(status, control.as_deref()).unwrap_or(0);
    if (facts.now - stored).num_seconds() >= i64::from(lifetime) {
        return Ok(None);
    }
    let headers = Headers::new_with_headers(&hit.headers().0)?;
    headers.delete(STORED_AT)?;
    let (etag, last_modified) = (headers.get("etag")?, headers.get("last-modified")?);
    if !remember {
        // Delivered from the copy's own stream, never read into wasm memory.
        let validators = (status, etag.as_deref(), last_modified.as_deref());
        let (status, with_body) = prepare(facts, validators, &headers, Some(stored))?;
        let body = match hit.body() {
            worker::ResponseBody::Stream(stream) if with_body => Some(Body::Stream(stream.clone())),
            _ => None,
        };
        return Ok(Some(Outgoing { status, headers, body }));
    }
    let header_bytes = hit.headers().entries().map(|(n, v)| n.len() + v.len()).sum();
    let mut hit = hit;
    let body = Uint8Array::from(hit.bytes().await?.as_slice());
    let kept = Kept { status, etag, last_modified, cache_control: control, headers, body, header_bytes };
    let response = kept.deliver(facts, Some(stored))?;
    MEMORY.with(|m| m.borrow_mut().put(key, kept.clone(), kept.terms(), stored, facts.now));
    Ok(Some(response))
}

/// A response on its way out: its headers stay writable until it is built, once.
struct Outgoing {
    status: u16,
    headers: Headers,
    body: Option<Body>,
}

/// A body as the runtime holds it.
enum Body {
    Bytes(Uint8Array),
    Stream(ReadableStream),
}

impl Outgoing {
    /// A response from the core that is already final (`finalize` was applied or not needed).
    fn from_core(r: &HttpResponse) -> Result<Self> {
        let kept = Kept::from_core(r)?;
        let body = (!r.body.is_empty()).then(|| Body::Bytes(kept.body));
        Ok(Self { status: r.status, headers: kept.headers, body })
    }

    /// The runtime's response.
    fn build(self) -> Result<web_sys::Response> {
        let init = ResponseInit::new();
        init.set_status(self.status);
        init.set_headers_headers(&self.headers);
        // No body at all for `304` and `HEAD`, not an empty one: a 304 with a body stream made
        // workerd answer at less than half the rate (`make bench`, If-None-Match).
        let response = match &self.body {
            None => web_sys::Response::new_with_opt_str_and_init(None, &init),
            Some(Body::Bytes(bytes)) => web_sys::Response::new_with_opt_js_u8_array_and_init(Some(bytes), &init),
            Some(Body::Stream(stream)) => web_sys::Response::new_with_opt_readable_stream_and_init(Some(stream), &init),
        };
        Ok(response?)
    }
}
