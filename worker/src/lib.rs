//! Cloudflare Workers adapter: converts the request to [`RequestFacts`], serves full responses
//! from the Cache API or from the core (reading the KV keys it asks for), and delivers them
//! as the request's conditional headers and method require. Every `await` lives here.
#![cfg(target_arch = "wasm32")]

use chrono::DateTime;
use newsroom::cache::{age, STORED_AT};
use newsroom::http::{HttpResponse, RequestFacts};
use newsroom::{cache_key, delivery, respond, Delivery, Loaded, Outcome, BODY_HEADERS};
use worker::{
    console_error, console_warn, event, Cache, Context, Date, Env, Headers, Request, Response, ResponseBody, Result,
};

/// KV binding that holds the records written by `newsroom build`.
const BINDING: &str = "RELEASES";
/// Rounds of KV reads a request may take; the core needs at most two.
const MAX_ROUNDS: usize = 4;

/// Every request gets an answer: a failure of KV, the Cache API or the runtime is logged
/// (method and path only, never the query, which may hold a preview token) and answered with
/// a `503` that tells the reader to retry, never an unhandled exception.
#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> Result<Response> {
    match handle(&req, env, ctx).await {
        Ok(response) => Ok(response),
        Err(e) => {
            console_error!("{} {}: {e}", req.method(), req.path());
            unavailable()
        }
    }
}

fn unavailable() -> Result<Response> {
    let headers = Headers::new();
    headers.set("content-type", "text/plain; charset=utf-8")?;
    headers.set("cache-control", "no-store")?;
    headers.set("retry-after", "30")?;
    let body =
        "503 Service Unavailable: the newsroom cannot reach its storage right now. Please try again in a minute.\n";
    Ok(Response::ok(body)?.with_status(503).with_headers(headers))
}

async fn handle(req: &Request, env: Env, ctx: Context) -> Result<Response> {
    let mut facts = facts(req)?;
    facts.preview_secret = env.secret("PREVIEW_SECRET").ok().map(|s| s.to_string());
    // `CACHE = "off"` (a wrangler var) bypasses the Cache API, e.g. to benchmark rendering.
    let use_cache = env.var("CACHE").map_or(true, |v| v.to_string() != "off");
    let key = cache_key(&facts).filter(|_| use_cache);
    if let Some(key) = &key {
        if let Some(hit) = Cache::default().get(key.as_str(), true).await? {
            return deliver(&facts, hit, "hit", 0);
        }
    }
    let (full, reads) = serve(&facts, &env).await?;
    let cacheable = full.status == 200 && full.header("cache-control").is_some_and(|c| c.starts_with("public"));
    let mut response = into_response(full)?;
    if let (Some(key), true) = (key, cacheable) {
        let mut copy = response.cloned()?;
        copy.headers_mut().set(STORED_AT, &facts.now.timestamp().to_string())?;
        ctx.wait_until(async move {
            if let Err(e) = Cache::default().put(key.as_str(), copy).await {
                console_warn!("cache put {key}: {e}");
            }
        });
    }
    deliver(&facts, response, "miss", reads)
}

/// Runs the core, reading from KV what it asks for; returns the response and the reads made.
async fn serve(facts: &RequestFacts, env: &Env) -> Result<(HttpResponse, usize)> {
    let kv = env.kv(BINDING)?;
    let mut loaded = Loaded::default();
    for _ in 0..MAX_ROUNDS {
        match respond(facts, &loaded) {
            Outcome::Done(response) => return Ok((response, loaded.len())),
            Outcome::Fetch(keys) => {
                for key in keys {
                    let value = kv.get(&key).bytes().await?;
                    loaded.insert(key, value);
                }
            }
        }
    }
    console_error!("{} {}: gave up after {MAX_ROUNDS} rounds of KV reads", facts.method, facts.path);
    Err(worker::Error::RustError("too many storage reads".into()))
}

fn facts(req: &Request) -> Result<RequestFacts> {
    let url = req.url()?;
    let headers = req.headers();
    let millis = i64::try_from(Date::now().as_millis()).unwrap_or(i64::MAX);
    Ok(RequestFacts {
        method: req.method().to_string(),
        origin: url.origin().ascii_serialization(),
        path: url.path().to_string(),
        query: url.query().map(str::to_string),
        accept: headers.get("accept")?,
        accept_language: headers.get("accept-language")?,
        if_none_match: headers.get("if-none-match")?,
        if_modified_since: headers.get("if-modified-since")?,
        now: DateTime::from_timestamp_millis(millis).unwrap_or_default(),
        preview_secret: None,
    })
}

fn into_response(r: HttpResponse) -> Result<Response> {
    for line in &r.log {
        console_warn!("{line}");
    }
    let headers = Headers::new();
    for (name, value) in &r.headers {
        headers.append(name, value)?;
    }
    Ok(Response::from_bytes(r.body)?.with_status(r.status).with_headers(headers))
}

/// Sends a full response as [`delivery`] decides, with `x-cache` and `x-kv-reads` for
/// operators and benchmarks (cached responses have immutable headers, so headers are copied).
fn deliver(facts: &RequestFacts, full: Response, cache: &str, reads: usize) -> Result<Response> {
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
    headers.set("x-cache", cache)?;
    headers.set("x-kv-reads", &reads.to_string())?;
    // A cached body is a stream: passed on as it is, never copied into wasm memory and back.
    let (status, body) = match how {
        Delivery::Full => (status, full.body().clone()),
        Delivery::HeadersOnly => (status, ResponseBody::Empty),
        Delivery::NotModified => (304, ResponseBody::Empty),
    };
    Ok(Response::from_body(body)?.with_status(status).with_headers(headers))
}
