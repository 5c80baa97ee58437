//! The one entry point: request facts + the KV values asked for so far → the next step.
//!
//! The adapter calls [`respond`] with an empty [`Loaded`]; while the answer is
//! [`Outcome::Fetch`] it reads those keys from KV and calls again. Every route finishes
//! in at most two rounds of one key each.

use std::collections::HashMap;

use serde::de::DeserializeOwned;

use crate::error::{DataError, HttpError};
use crate::html;
use crate::http::{HttpResponse, RequestFacts};
use crate::json::{self, ErrorView, LatestView, PublisherView, ReleaseView};
use crate::kv::{publisher_key, release_key, LATEST_KEY};
use crate::model::{LatestRecord, PublisherRecord, ReleaseRecord, Summary, SCHEMA_VERSION};
use crate::negotiate::{negotiate, Format};
use crate::route::Route;

/// Language of pages that belong to no publisher (front page, errors).
pub const SITE_LANG: &str = "fi";
/// How many other releases "more from this publisher" shows.
pub const MORE_LEN: usize = 5;
/// Largest KV value the worker will decode, in bytes.
pub const MAX_RECORD_BYTES: usize = 4 * 1024 * 1024;

/// KV values read so far: `None` for a key that does not exist.
#[derive(Debug, Default, Clone)]
pub struct Loaded {
    values: HashMap<String, Option<Vec<u8>>>,
}

impl Loaded {
    /// Records the value of `key` (`None` if KV has no such key).
    pub fn insert(&mut self, key: String, value: Option<Vec<u8>>) {
        self.values.insert(key, value);
    }

    /// How many keys were read.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True before any read.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// What the adapter must do next.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Read these keys, add them to [`Loaded`] and call [`respond`] again.
    Fetch(Vec<String>),
    /// Send this response.
    Done(HttpResponse),
}

/// Drives [`respond`] to the end with a synchronous `get` (tests, benchmarks, tools);
/// returns the response and the number of KV reads it took.
pub fn respond_with(
    req: &RequestFacts,
    mut get: impl FnMut(&str) -> Option<Vec<u8>>,
) -> (HttpResponse, usize) {
    let mut loaded = Loaded::default();
    loop {
        match respond(req, &loaded) {
            Outcome::Done(response) => return (response, loaded.len()),
            Outcome::Fetch(keys) => {
                for key in keys {
                    let value = get(&key);
                    loaded.insert(key, value);
                }
            }
        }
    }
}

/// Why rendering stopped early.
enum Halt {
    Need(String),
    Fail(HttpError),
}

impl From<HttpError> for Halt {
    fn from(e: HttpError) -> Self {
        Halt::Fail(e)
    }
}

/// Answers a request, or asks for the KV values it needs.
pub fn respond(req: &RequestFacts, loaded: &Loaded) -> Outcome {
    let format = requested_format(req);
    let result = check_method(req)
        .and_then(|()| Route::parse(&req.path).ok_or_else(|| HttpError::NotFound(req.path.clone())))
        .map_err(Halt::Fail)
        .and_then(|route| Ok((route, format.clone()?)))
        .and_then(|(route, format)| render(&route, format, req, loaded).map(|page| (format, page)));
    match result {
        Ok((format, page)) => Outcome::Done(finish(req, 200, format, page)),
        Err(Halt::Need(key)) => Outcome::Fetch(vec![key]),
        Err(Halt::Fail(e)) => {
            // A bad `?format=` still gets its error in the format `Accept` asks for.
            let accepted = negotiate(req.accept.as_deref(), &[Format::Html, Format::Json]);
            let format = format.ok().or(accepted).unwrap_or(Format::Html);
            Outcome::Done(error_response(req, &e, format))
        }
    }
}

/// A rendered body plus what the response headers need to know.
struct Page {
    body: Vec<u8>,
    lang: String,
    max_age: u32,
    log: Vec<String>,
}

fn check_method(req: &RequestFacts) -> Result<(), HttpError> {
    match req.method.as_str() {
        "GET" | "HEAD" => Ok(()),
        other => Err(HttpError::MethodNotAllowed(
            other.chars().take(20).collect(),
        )),
    }
}

/// `?format=` wins over `Accept`.
fn requested_format(req: &RequestFacts) -> Result<Format, HttpError> {
    match req.query_param("format") {
        Some(name) => Format::from_query(name).ok_or_else(|| {
            let shown: String = name.chars().take(40).collect();
            HttpError::BadRequest(format!(
                "Unknown format `{shown}`: use ?format=html or ?format=json."
            ))
        }),
        None => negotiate(req.accept.as_deref(), &[Format::Html, Format::Json])
            .ok_or(HttpError::NotAcceptable),
    }
}

fn render(
    route: &Route,
    format: Format,
    req: &RequestFacts,
    loaded: &Loaded,
) -> Result<Page, Halt> {
    let origin = &req.origin;
    match route {
        Route::Latest => {
            let latest: LatestRecord =
                record(loaded, LATEST_KEY.to_string())?.unwrap_or_else(empty_latest);
            let body = match format {
                Format::Html => html::latest_page(&latest, origin, SITE_LANG).into_bytes(),
                Format::Json => json::to_bytes(&LatestView::new(&latest, origin)),
            };
            Ok(Page {
                body,
                lang: SITE_LANG.into(),
                max_age: 60,
                log: Vec::new(),
            })
        }
        Route::Publisher(slug) => {
            let p: PublisherRecord = record(loaded, publisher_key(slug))?
                .ok_or_else(|| HttpError::NotFound(req.path.clone()))?;
            let body = match format {
                Format::Html => html::publisher_page(&p, origin).into_bytes(),
                Format::Json => json::to_bytes(&PublisherView::new(&p, origin)),
            };
            Ok(Page {
                body,
                lang: p.lang.clone(),
                max_age: 60,
                log: Vec::new(),
            })
        }
        Route::Release(slug) => {
            let r: ReleaseRecord = record(loaded, release_key(slug))?
                .ok_or_else(|| HttpError::NotFound(req.path.clone()))?;
            if r.summary.slug != *slug {
                return Err(HttpError::BadData(damaged(
                    &release_key(slug),
                    "its slug field names another release",
                ))
                .into());
            }
            // The publisher record adds boilerplate and "more from"; a damaged one only loses those.
            let mut log = Vec::new();
            let publisher: Option<PublisherRecord> =
                match record(loaded, publisher_key(&r.summary.publisher.slug)) {
                    Ok(p) => p,
                    Err(Halt::Fail(e)) => {
                        log.push(e.to_string_for_log());
                        None
                    }
                    Err(need) => return Err(need),
                };
            let more: Vec<&Summary> = publisher
                .iter()
                .flat_map(|p| &p.releases)
                .filter(|s| s.slug != r.summary.slug)
                .take(MORE_LEN)
                .collect();
            let body = match format {
                Format::Html => {
                    html::release_page(&r, publisher.as_ref(), &more, origin).into_bytes()
                }
                Format::Json => {
                    json::to_bytes(&ReleaseView::new(&r, publisher.as_ref(), &more, origin))
                }
            };
            Ok(Page {
                body,
                lang: r.summary.lang.clone(),
                max_age: 300,
                log,
            })
        }
    }
}

fn empty_latest() -> LatestRecord {
    LatestRecord {
        v: SCHEMA_VERSION,
        total: 0,
        releases: Vec::new(),
    }
}

/// Decodes the record at `key`: `Need` if not read yet, `Ok(None)` if absent.
fn record<T: DeserializeOwned>(loaded: &Loaded, key: String) -> Result<Option<T>, Halt> {
    let Some(value) = loaded.values.get(&key) else {
        return Err(Halt::Need(key));
    };
    let Some(bytes) = value else { return Ok(None) };
    decode(&key, bytes)
        .map(Some)
        .map_err(|e| Halt::Fail(HttpError::BadData(e)))
}

/// Checks size, UTF-8, JSON shape and schema version, naming the key in every error.
pub fn decode<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T, DataError> {
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(damaged(
            key,
            &format!(
                "{} bytes, more than the {MAX_RECORD_BYTES} a record may have",
                bytes.len()
            ),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| damaged(key, &format!("not UTF-8 ({e})")))?;
    #[derive(serde::Deserialize)]
    struct Version {
        v: Option<u32>,
    }
    match serde_json::from_str::<Version>(text) {
        Err(e) => return Err(damaged(key, &format!("not a JSON object ({e})"))),
        Ok(Version {
            v: Some(SCHEMA_VERSION),
        }) => {}
        Ok(Version { v }) => {
            let found = v.map_or("no".to_string(), |v| format!("version {v}"));
            return Err(damaged(
                key,
                &format!("{found} schema; this worker reads version {SCHEMA_VERSION}"),
            ));
        }
    }
    serde_json::from_str(text).map_err(|e| {
        damaged(
            key,
            &format!("does not match schema {SCHEMA_VERSION} ({e})"),
        )
    })
}

fn damaged(key: &str, reason: &str) -> DataError {
    DataError {
        key: key.to_string(),
        reason: reason.to_string(),
    }
}

impl HttpError {
    /// The full story for the operator's log (the public body stays vague for damaged data).
    fn to_string_for_log(&self) -> String {
        match self {
            HttpError::BadData(d) => d.to_string(),
            other => other.to_string(),
        }
    }
}

fn error_response(req: &RequestFacts, e: &HttpError, format: Format) -> HttpResponse {
    let body = match format {
        Format::Html => html::error_page(e, SITE_LANG).into_bytes(),
        Format::Json => json::to_bytes(&ErrorView::new(e)),
    };
    let max_age = if e.status() == 404 { 60 } else { 0 };
    let mut response = finish(
        req,
        e.status(),
        format,
        Page {
            body,
            lang: SITE_LANG.into(),
            max_age,
            log: Vec::new(),
        },
    );
    if let HttpError::MethodNotAllowed(_) = e {
        response.headers.push(("allow", "GET, HEAD".into()));
    }
    if e.status() >= 500 {
        response.log.push(e.to_string_for_log());
    }
    response
}

/// Adds the headers every response carries and drops the body for `HEAD`.
fn finish(req: &RequestFacts, status: u16, format: Format, page: Page) -> HttpResponse {
    let cache = if page.max_age == 0 {
        "no-store".to_string()
    } else {
        format!(
            "public, max-age={}, stale-while-revalidate=60",
            page.max_age
        )
    };
    let mut headers = vec![
        ("content-type", format.content_type().to_string()),
        ("vary", "Accept".to_string()),
        ("cache-control", cache),
        ("content-language", page.lang),
        ("x-content-type-options", "nosniff".to_string()),
        (
            "referrer-policy",
            "strict-origin-when-cross-origin".to_string(),
        ),
    ];
    if format == Format::Html {
        headers.push((
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'".to_string(),
        ));
    }
    let body = if req.method == "HEAD" {
        Vec::new()
    } else {
        page.body
    };
    HttpResponse {
        status,
        headers,
        body,
        log: page.log,
    }
}
