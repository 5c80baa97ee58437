//! Social media, the Cron Trigger's part: each release's posts on its publisher's
//! announcing channels once its moment has passed (`posts.rs`), and publishers' public
//! feeds fetched hourly into their newsroom page (`feeds.rs`); here, the calls both make,
//! each with a time limit and a cap on what is read. What to post, how to read a feed and
//! what each answer means are the core's (`mailing::social_posts`,
//! `mailing::social_feeds`).
//!
//! Settings: `SOCIAL_VIA` sends every call (APIs and feeds) to that address instead, the
//! original host as the path's first part (`make dev`'s and the tests' stand-in,
//! `scripts/social-stub.mjs`); `BLUESKY_SERVICE` is the Bluesky server signed in to
//! (default `https://bsky.social`); `SOCIAL_API_TIMEOUT` the seconds each call has (1–60,
//! default 10); `SOCIAL_FEEDS_EVERY` how many minutes apart feeds are fetched (default 60).

pub(crate) mod feeds;
pub(crate) mod posts;

use futures_util::StreamExt;
use mailing::social_feeds as feeds_core;
use worker::js_sys::futures::JsFuture;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::web_sys::{self, Headers, RequestInit};
use worker::Env;

/// One call's answer: status, the headers asked for, the body (at most the cap).
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) etag: Option<String>,
    pub(crate) last_modified: Option<String>,
    pub(crate) body: Vec<u8>,
}

/// The settings of the calls.
pub(crate) struct Calls {
    pub(crate) via: Option<String>,
    pub(crate) timeout_seconds: u32,
}

impl Calls {
    pub(crate) fn from_env(env: &Env) -> Self {
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
        contract::social::via(url, self.via.as_deref())
    }

    /// One call; a body longer than `cap` is an error, read no further than the cap.
    pub(crate) async fn call(
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
pub(crate) fn secret(env: &Env, name: &str) -> Option<String> {
    env.secret(name).ok().map(|s| s.to_string()).or_else(|| env.var(name).ok().map(|v| v.to_string()))
}

/// Largest API answer read.
pub(crate) const API_CAP: usize = 64 * 1024;
