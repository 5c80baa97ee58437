//! Cloudflare Workers adapter: converts the request to [`RequestFacts`], reads the KV keys the
//! core asks for, and converts the core's [`HttpResponse`] back. Every `await` lives here.
#![cfg(target_arch = "wasm32")]

use newsroom::http::{HttpResponse, RequestFacts};
use newsroom::{respond, Loaded, Outcome};
use worker::{
    console_error, console_warn, event, Context, Env, Headers, Request, Response, Result,
};

/// KV binding that holds the records written by `newsroom build`.
const BINDING: &str = "RELEASES";
/// Rounds of KV reads a request may take; the core needs at most two.
const MAX_ROUNDS: usize = 4;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let facts = facts(&req)?;
    let kv = env.kv(BINDING)?;
    let mut loaded = Loaded::default();
    for _ in 0..MAX_ROUNDS {
        match respond(&facts, &loaded) {
            Outcome::Done(response) => return into_response(response),
            Outcome::Fetch(keys) => {
                for key in keys {
                    let value = kv.get(&key).bytes().await?;
                    loaded.insert(key, value);
                }
            }
        }
    }
    console_error!(
        "{} {}: gave up after {MAX_ROUNDS} rounds of KV reads",
        facts.method,
        facts.path
    );
    Response::error("Internal error: too many storage reads", 500)
}

fn facts(req: &Request) -> Result<RequestFacts> {
    let url = req.url()?;
    Ok(RequestFacts {
        method: req.method().to_string(),
        origin: url.origin().ascii_serialization(),
        path: url.path().to_string(),
        query: url.query().map(str::to_string),
        accept: req.headers().get("accept")?,
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
    Ok(Response::from_bytes(r.body)?
        .with_status(r.status)
        .with_headers(headers))
}
