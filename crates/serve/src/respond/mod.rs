//! The one entry point: request facts + the KV values asked for so far → the next step.
//!
//! The adapter calls [`respond`] with an empty [`Loaded`]; while the answer is
//! [`Outcome::Fetch`] it reads those keys from KV, all of a round at once, and calls again
//! (at most [`MAX_ROUNDS`] rounds). The response it gets is the full representation, fit for
//! the Cache API; [`finalize`] then turns it into what this request gets (`304`, `HEAD`).
//!
//! This folder is the driver and nothing else; each step lives in a file of its own:
//! [`resolve`] (host, route, format, parameters, cache key, before any read), [`load`]
//! (asking for and decoding records), [`chunks`] (a list's pages from its head and chunks), one file per kind of resource ([`lists`],
//! [`release`], [`search`], [`feeds`], [`crawler`], [`health`], [`icon`], [`stored`]) and
//! [`response`] (headers, errors, redirects). Renderers (`render`) are called from the
//! resource files and never call back.

mod chunks;
mod content_page;
mod crawler;
mod feeds;
mod health;
mod icon;
mod lists;
mod load;
mod media;
mod release;
mod resolve;
mod response;
mod search;
mod stored;
mod subscribe;
#[cfg(test)]
mod tests;

pub use health::services_report;
pub use load::{decode, MAX_RECORD_BYTES};
pub use release::MORE_LEN;
pub use resolve::cache_key;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use ::search::{Query, Ranking};
use chrono::{DateTime, Utc};
use contract::cache::{seconds_until, CacheKind};
use contract::error::{DataError, HttpError};
use contract::format::Format;
use contract::kv;
use contract::model::{PublisherRecord, ReleaseRecord};
use contract::route::{Route, OPENAPI_PATH};

use self::resolve::{home, resolve, vary, Early, Home, Target};
use self::response::{error_response, found, full_response, options, redirect, set_header, Rendered};
use crate::conditional::finalize;
use crate::http::{HttpResponse, RequestFacts};

/// Rounds of KV reads one request may take, at most: the host lookup on a publisher's own
/// host name, then a search's index shards, the page's snippet chunks and, for content built
/// before snippets existed, its `search:docs` chunks. The adapter stops after this many
/// rounds ([`respond_into`] too); `tests/rounds.rs` drives every route, on both kinds of
/// host and over both record forms, and checks this bound.
pub const MAX_ROUNDS: usize = 4;

/// KV values read so far: `None` for a key that does not exist.
#[derive(Debug, Default, Clone)]
pub struct Loaded {
    values: HashMap<String, Option<Vec<u8>>>,
    /// The last search ranked from these values, by its query and the time it was ranked
    /// at: a search takes two or three rounds of reads (index, then the page's snippet
    /// chunks, then any `search:docs` chunks of content built before them) and must not
    /// rank again in each.
    ranked: RefCell<Option<(Query, i64, Ranked)>>,
    /// The release record a release page decoded in its first round, by key: the record
    /// names the publisher whose record the second round reads, and is decoded only once.
    release: RefCell<Option<(String, Rc<ReleaseRecord>)>>,
    /// Publisher profiles decoded from these values, by key: here, or by an earlier request
    /// of the same isolate ([`Loaded::insert_decoded`]). Decoding a profile (its newest 20
    /// summaries) was 40 % of rendering a release page.
    profiles: RefCell<HashMap<String, Rc<PublisherRecord>>>,
}

/// The ranked results of a search and when they change next (a scheduled release).
type Ranked = (Rc<Ranking>, Option<DateTime<Utc>>);

impl Loaded {
    /// Records the value of `key` (`None` if KV has no such key).
    pub fn insert(&mut self, key: String, value: Option<Vec<u8>>) {
        self.profiles.get_mut().remove(&key);
        if self.values.insert(key, value).is_some() {
            // A value changed under what was decoded from it: decode again.
            self.ranked.take();
            self.release.take();
        }
    }

    /// Records `key`'s value with the publisher profile an earlier request decoded from the
    /// same bytes, so that it is not decoded again.
    pub fn insert_decoded(&mut self, key: String, value: Vec<u8>, profile: Rc<PublisherRecord>) {
        self.insert(key.clone(), Some(value));
        self.profiles.get_mut().insert(key, profile);
    }

    /// The publisher profile decoded from `key`'s value while answering, if one was.
    pub fn decoded(&self, key: &str) -> Option<Rc<PublisherRecord>> {
        self.profiles.borrow().get(key).cloned()
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
    /// The full response; pass it through [`finalize`] before sending.
    Done(HttpResponse),
}

/// Why rendering stopped before a response.
enum Halt {
    Need(Vec<String>),
    Fail(HttpError),
    /// `302 Found` to this path: a translation chosen by `?lang=` or `Accept-Language`.
    Found(String),
}

impl From<HttpError> for Halt {
    fn from(e: HttpError) -> Self {
        Halt::Fail(e)
    }
}

/// Answers a request, or asks for the KV values it needs.
pub fn respond(req: &RequestFacts, loaded: &Loaded) -> Outcome {
    let home = match home(req, loaded) {
        Ok(home) => home,
        Err(keys) => return Outcome::Fetch(keys),
    };
    // Canonical links on the main site use BASE_URL, whichever host the request came to.
    let canonical;
    let req = match (&home, &req.config.base_url) {
        (Home::Main, Some(base)) if *base != req.origin => {
            canonical = RequestFacts { origin: base.clone(), ..req.clone() };
            &canonical
        }
        _ => req,
    };
    let target = match resolve(req, home.clone()) {
        Ok(t) => t,
        Err(Early::Fail(e)) => return with_footer(error_response(req, &e, None), req, &home, loaded),
        Err(Early::Redirect(path)) => return Outcome::Done(redirect(req, &path)),
        Err(Early::Found(location)) => {
            return Outcome::Done(found(&location, "Accept", "This list, filtered, as a search."))
        }
        Err(Early::Options(formats)) => return Outcome::Done(options(formats)),
    };
    match render(&target, req, loaded) {
        Ok(mut page) => {
            if target.format == Format::Html {
                let (body, log) = (&mut page.body, &mut page.log);
                let on = (page.lang.as_str(), &target.home);
                if let Err(keys) = content_page::fill_footer(body, on, req, (loaded, true), log) {
                    return Outcome::Fetch(keys);
                }
            }
            let mut response = full_response(req, 200, target.format, page);
            set_header(&mut response, "vary", vary(&target).into());
            if let Some(link) = links(&target, req) {
                response.headers.push(("link", link));
            }
            Outcome::Done(response)
        }
        Err(Halt::Need(mut keys)) => {
            if target.format == Format::Html {
                content_page::ask_with(&mut keys, loaded);
            }
            Outcome::Fetch(keys)
        }
        Err(Halt::Found(location)) => {
            Outcome::Done(found(&location, vary(&target), "This release in the language asked for."))
        }
        Err(Halt::Fail(e)) => {
            let cap = match &e {
                HttpError::Scheduled(_, at) => seconds_until(req.now, Some(*at)),
                _ => None,
            };
            with_footer(error_response(req, &e, cap), req, &target.home, loaded)
        }
    }
}

/// An HTML error page with its footer's links filled in from `index:pages` when an HTML
/// page's first round read it; never with a read of its own (an unknown path, or a bad
/// parameter, never touches KV). Any other response as it is.
fn with_footer(mut response: HttpResponse, req: &RequestFacts, home: &Home, loaded: &Loaded) -> Outcome {
    let html = response.headers.iter().any(|(n, v)| *n == "content-type" && v.starts_with("text/html"));
    if html {
        let lang = req.config.lang.clone();
        let (body, log) = (&mut response.body, &mut response.log);
        // Cannot ask for a read: `may_read` is false.
        let _ = content_page::fill_footer(body, (&lang, home), req, (loaded, false), log);
    }
    Outcome::Done(response)
}

/// `Link` header of a successful response: the API description for JSON, the WebSub hub
/// and topic for a feed (so subscribers find them without parsing the body).
fn links(t: &Target, req: &RequestFacts) -> Option<String> {
    match (&t.route, t.format, req.config.websub_hub.as_deref()) {
        (_, Format::Json, _) => Some(format!("<{OPENAPI_PATH}>; rel=\"service-desc\"")),
        (Route::Feed(..), _, Some(hub)) => {
            Some(format!("<{hub}>; rel=\"hub\", <{}{}>; rel=\"self\"", req.origin, t.path))
        }
        _ => None,
    }
}

/// Renders the resource `t` names, or asks for the values it needs: one file per kind of
/// resource.
fn render(t: &Target, req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    match &t.route {
        Route::Latest | Route::Publisher(_) | Route::Keyword(_) | Route::Year(_) | Route::Keywords | Route::Archive => {
            lists::render_list(t, req, loaded)
        }
        Route::Release(slug) => release::render_release(slug, t, req, loaded),
        Route::ContentPage(slug) => content_page::render_content_page(slug, t, req, loaded),
        Route::Feed(scope, _) => feeds::render_feed(scope, t, req, loaded),
        Route::Sitemap | Route::SitemapPart(_) | Route::NewsSitemap | Route::Robots | Route::LlmsTxt => {
            crawler::render_crawler(t, req, loaded)
        }
        Route::Search => search::render_search(t, req, loaded),
        Route::OpenApi => stored::raw_value(kv::OPENAPI_KEY.into(), CacheKind::List, req, loaded),
        Route::Health => health::render_health(req, loaded),
        Route::Favicon => icon::render_icon(t, req, loaded),
        Route::Subscribe => subscribe::render_form(t, req, loaded),
        Route::Media(name) => stored::raw_value(contract::media::key(name), CacheKind::Immutable, req, loaded),
        Route::MediaBank(slug) => media::render_media_bank(slug, t, req, loaded),
        Route::ContactCard(slug, n) => media::render_contact_card(slug, *n, req, loaded),
        // `/media` names a media bank on a publisher's own host only (`resolve` maps it there).
        Route::OwnMediaBank => Err(HttpError::NotFound(req.path.clone()).into()),
    }
}

/// Drives [`respond`] and [`finalize`] with a synchronous `get` (tests, benchmarks, tools);
/// returns the response and the number of KV reads it took.
pub fn respond_with(req: &RequestFacts, mut get: impl FnMut(&str) -> Option<Vec<u8>>) -> (HttpResponse, usize) {
    let mut loaded = Loaded::default();
    let response = respond_into(req, &mut loaded, |loaded, key| {
        let value = get(&key);
        loaded.insert(key, value);
    });
    (response, loaded.len())
}

/// Drives [`respond`] and [`finalize`] over `loaded`, which `read` fills with each key the
/// core asks for (as [`Loaded::insert`] or [`Loaded::insert_decoded`] would); `loaded` keeps
/// what was read and decoded.
pub fn respond_into(
    req: &RequestFacts,
    loaded: &mut Loaded,
    mut read: impl FnMut(&mut Loaded, String),
) -> HttpResponse {
    for _ in 0..MAX_ROUNDS {
        match respond(req, loaded) {
            Outcome::Done(response) => return finalize(req, response),
            Outcome::Fetch(keys) => keys.into_iter().for_each(|key| read(loaded, key)),
        }
    }
    match respond(req, loaded) {
        Outcome::Done(response) => finalize(req, response),
        Outcome::Fetch(keys) => finalize(req, too_many_rounds(req, &keys)),
    }
}

/// The answer when a request still asks for keys after [`MAX_ROUNDS`] rounds (a bug, or
/// records that point in a circle): a full `500` response, with the keys it still wanted
/// in the log.
pub fn too_many_rounds(req: &RequestFacts, wanted: &[String]) -> HttpResponse {
    let reason = format!("still asked for {} after {MAX_ROUNDS} rounds of KV reads", wanted.join(", "));
    without_footer(error_response(req, &HttpError::BadData(DataError { key: req.path.clone(), reason }), None))
}

/// An error page answered without reading KV (or after KV failed): its footer without links.
fn without_footer(mut response: HttpResponse) -> HttpResponse {
    content_page::strip_mark(&mut response.body);
    response
}

/// The answer when the configuration is invalid: a `500` naming the variable.
pub fn config_error(req: &RequestFacts, e: &contract::config::ConfigError) -> HttpResponse {
    finalize(req, without_footer(error_response(req, &HttpError::Config(e.clone()), None)))
}

/// The answer when KV or the cache failed (`what`, for the log only): a `503` with
/// `Retry-After`, in the format the client accepts.
pub fn unavailable(req: &RequestFacts, what: &str) -> HttpResponse {
    let mut response = without_footer(error_response(req, &HttpError::Unavailable(what.to_string()), None));
    response.headers.push(("retry-after", "30".into()));
    finalize(req, response)
}
