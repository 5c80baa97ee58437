//! Request facts and response values: plain data that the adapter converts to and from
//! the runtime's types.

use chrono::{DateTime, Utc};

use contract::config::Config;

/// The parts of an HTTP request that the core looks at.
#[derive(Debug, Clone)]
pub struct RequestFacts {
    /// Method, upper case (`GET`, `HEAD`, ...).
    pub method: String,
    /// Scheme and host, e.g. `https://news.example.fi`, for absolute URLs.
    pub origin: String,
    /// Path, e.g. `/releases/x` (not percent-decoded).
    pub path: String,
    /// Query string without `?`, if any.
    pub query: Option<String>,
    /// The `Accept` header.
    pub accept: Option<String>,
    /// The `Accept-Language` header (chooses among a release's translations).
    pub accept_language: Option<String>,
    /// The `If-None-Match` header.
    pub if_none_match: Option<String>,
    /// The `If-Modified-Since` header.
    pub if_modified_since: Option<String>,
    /// The current time: releases scheduled after it are invisible.
    pub now: DateTime<Utc>,
    /// The deployment's `PREVIEW_SECRET` (not from the request); `None` disables previews.
    pub preview_secret: Option<String>,
    /// The deployment's settings (`wrangler.toml` `[vars]`).
    pub config: Config,
    /// How the worker's other bindings answered; filled for `/healthz` only.
    pub services: Vec<ServiceCheck>,
    /// A journalist's personal key that the adapter checked (`/embargo/{key}/…`, rewritten
    /// by [`crate::embargo::rewrite`]): opens that publisher's releases under embargo.
    pub embargo: Option<EmbargoAccess>,
}

/// What a valid personal key opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbargoAccess {
    /// The publisher whose media list the key is on: only its releases open.
    pub publisher: String,
    /// The path prefix the key's links start with, `/embargo/{key}`.
    pub base: String,
}

/// How one of the worker's bindings besides KV answered (D1, the mail queue, the sender),
/// as `/healthz` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCheck {
    /// `database`, `queue` or `mail`.
    pub name: &'static str,
    /// Its state.
    pub status: ServiceStatus,
    /// One sentence for the operator: what answered, or what to do.
    pub detail: String,
}

/// The state of a [`ServiceCheck`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceStatus {
    /// Working.
    Ok,
    /// Not configured: subscriptions are switched off, by choice or by omission.
    Off,
    /// Configured but failing: subscribers' mail is at risk.
    Failing,
}

impl ServiceStatus {
    /// Its name in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceStatus::Ok => "ok",
            ServiceStatus::Off => "off",
            ServiceStatus::Failing => "failing",
        }
    }
}

/// An absolute URL as the runtime hands it over (already parsed and normalised by it),
/// split into origin, path and query; `None` if it is not `scheme://authority/...`.
pub fn split_url(url: &str) -> Option<(&str, &str, Option<&str>)> {
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    let authority_start = url.find("://")? + 3;
    let path_start = url[authority_start..].find(['/', '?']).map_or(url.len(), |i| authority_start + i);
    let (origin, rest) = url.split_at(path_start);
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    Some((origin, if path.is_empty() { "/" } else { path }, query))
}

impl RequestFacts {
    /// A GET request for `path_and_query` at `now` (handy in tests and tools).
    pub fn get(path_and_query: &str, accept: Option<&str>, now: DateTime<Utc>) -> Self {
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, Some(q.to_string())),
            None => (path_and_query, None),
        };
        Self {
            method: "GET".into(),
            origin: "http://127.0.0.1:8787".into(),
            path: path.into(),
            query,
            accept: accept.map(str::to_string),
            accept_language: None,
            if_none_match: None,
            if_modified_since: None,
            now,
            preview_secret: None,
            config: Config::default(),
            services: Vec::new(),
            embargo: None,
        }
    }

    /// The value of query parameter `name` (no percent-decoding: our parameters are ASCII words).
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .as_deref()?
            .split('&')
            .map(|kv| kv.split_once('=').unwrap_or((kv, "")))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }
}

/// A response value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// HTTP status: 200 for a full representation, the error's status otherwise, 204, 302 or
    /// 308 for `OPTIONS` and redirects; [`finalize`](crate::finalize) may make a 200 a 304.
    pub status: u16,
    /// Header names (lower case) and values, in order.
    pub headers: Vec<(&'static str, String)>,
    /// Body bytes (empty for `HEAD` and `304`).
    pub body: Vec<u8>,
    /// Warnings for the operator's log (e.g. a damaged record a page skipped).
    pub log: Vec<String>,
}

impl HttpResponse {
    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::split_url;

    #[test]
    fn runtime_urls_split_into_origin_path_and_query() {
        assert_eq!(split_url("https://news.example.fi/"), Some(("https://news.example.fi", "/", None)));
        assert_eq!(
            split_url("http://127.0.0.1:8787/search?q=a%20b&page=2#top"),
            Some(("http://127.0.0.1:8787", "/search", Some("q=a%20b&page=2")))
        );
        assert_eq!(split_url("https://x.fi?q=1"), Some(("https://x.fi", "/", Some("q=1"))));
        assert_eq!(split_url("https://x.fi"), Some(("https://x.fi", "/", None)));
        assert_eq!(split_url("https://x.fi/a?"), Some(("https://x.fi", "/a", Some(""))));
        assert_eq!(split_url("/relative/only"), None);
    }
}
