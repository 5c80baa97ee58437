//! The readers' Worker's path for every page, feed and API answer: this isolate's memory,
//! then the Cache API, then the core (`serve::respond`) over rounds of KV reads, with KV values
//! this isolate may reuse for a while (publisher profiles). Built with the `readers` feature.

use std::cell::RefCell;
use std::rc::Rc;

use chrono::DateTime;
use contract::cache::{age_since, shared_lifetime, stored_at, STORED_AT};
use contract::kv::reuse_seconds;
use contract::model::PublisherRecord;
use futures_util::future::join_all;
use serve::http::{HttpResponse, RequestFacts};
use serve::memory_cache::{MemoryCache, Terms, DEFAULT_BUDGET};
use serve::observe::Timing;
use serve::respond::config_error;
use serve::{cache_key, delivery, respond, too_many_rounds, Delivery, Loaded, Outcome, BODY_HEADERS, MAX_ROUNDS};
use worker::js_sys::Uint8Array;
use worker::web_sys::{self, Headers};
use worker::{console_log, Cache, Context, Env, Result};

use crate::now_ms;
use crate::outgoing::{headers_of, Body, Outgoing};
use crate::Observed;

/// Memory for reusable KV values: a few hundred publisher profiles.
const VALUES_BUDGET: usize = 4 << 20;

thread_local! {
    /// Responses this isolate rendered, served again without leaving it while fresh.
    static MEMORY: RefCell<MemoryCache<Kept>> = RefCell::new(MemoryCache::new(DEFAULT_BUDGET));
    /// KV values this isolate read and may reuse for a while ([`reuse_seconds`]).
    static VALUES: RefCell<MemoryCache<Reused>> = RefCell::new(MemoryCache::new(VALUES_BUDGET));
}

/// A reader's request: from this isolate's memory, the Cache API or the core over KV, and
/// kept in both caches when its lifetime allows.
pub(crate) async fn handle(mut facts: RequestFacts, env: &Env, ctx: Context, seen: &mut Observed) -> Result<Outgoing> {
    let (timing, warnings, kv_keys) = (&mut seen.timing, &mut seen.warnings, &mut seen.kv_keys);
    let (config, secret) = crate::settings(env);
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
        facts.services = crate::readers::health::check(env).await;
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
async fn serve(facts: &RequestFacts, env: &Env, timing: &mut Timing, trace: &mut Vec<String>) -> Result<HttpResponse> {
    let kv = env.kv(crate::BINDING)?;
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
        let headers = headers_of(r)?;
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
