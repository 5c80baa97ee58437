//! The one entry point: request facts + the KV values asked for so far → the next step.
//!
//! The adapter calls [`respond`] with an empty [`Loaded`]; while the answer is
//! [`Outcome::Fetch`] it reads those keys from KV and calls again (every route finishes
//! after at most two reads). The response it gets is the full representation, fit for the
//! Cache API; [`finalize`] then turns it into what this request gets (`304`, `HEAD`).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use chrono::{DateTime, FixedOffset, Utc};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::cache::{seconds_until, CacheKind, Ttls};
use crate::conditional::{etag, http_date, is_not_modified};
use crate::error::{DataError, HttpError};
use crate::feed::{self, FeedMeta};
use crate::html;
use crate::html::{Pager, Site};
use crate::http::{HttpResponse, RequestFacts};
use crate::json::{self, CountsView, ErrorView, ListView, PublisherView, ReleaseView, SearchView};
use crate::kv::{self, ListScope};
use crate::manifest::GoneRecord;
use crate::markdown::release_document;
use crate::model::{
    BuildInfo, CountsRecord, FeedItem, FeedRecord, HostsRecord, Keyword, Listed, PageRecord, PublisherRecord,
    PublisherRef, ReleaseRecord, SitemapIndexRecord, SitemapRecord, Summary, Translation, SCHEMA_VERSION,
};
use crate::negotiate::{language_ranking, negotiate, preferred_language, Format};
use crate::preview;
use crate::route::{keyword_path, search_scope, FeedScope, Parsed, Route};
use crate::search::{self, Query, SearchResults};
use crate::sitemap;

/// How many other releases "more from this publisher" shows.
pub const MORE_LEN: usize = 5;
/// Highest `?page=` accepted (20 releases a page: two million releases).
pub const MAX_PAGE: usize = 100_000;
/// Largest KV value the worker will decode, in bytes.
pub const MAX_RECORD_BYTES: usize = 4 * 1024 * 1024;

/// KV values read so far: `None` for a key that does not exist.
#[derive(Debug, Default, Clone)]
pub struct Loaded {
    values: HashMap<String, Option<Vec<u8>>>,
    /// The last search ranked from these values, by its query and the time it was ranked
    /// at: a search takes two rounds of reads (index, then the page's documents) and must
    /// not rank twice.
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
type Ranked = (Rc<search::Ranking>, Option<DateTime<Utc>>);

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

/// Whose newsroom a request is on: the main site, or a publisher's own host name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Home {
    Main,
    Publisher(PublisherRef),
}

/// A resolved request: which resource, in which representation.
struct Target {
    route: Route,
    /// The canonical path of the resource on this host (`/` for a publisher's page on its
    /// own host, where `route` is that publisher's page).
    path: String,
    home: Home,
    format: Format,
    limit: usize,
    page: usize,
    /// A preview token (`?preview=`) for a release page.
    preview: Option<String>,
    /// The language asked for with `?lang=` on a release page.
    lang: Option<String>,
    /// The reader's languages (`Accept-Language`), best first, for an HTML release page
    /// without `?lang=`: they choose among its translations.
    languages: Vec<String>,
}

/// Answers that need no KV read.
enum Early {
    Fail(HttpError),
    Redirect(String),
    /// `302 Found` to this URL (a list filtered by type is a search).
    Found(String),
    Options(&'static [Format]),
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

/// A rendered body plus what the headers need.
struct Rendered {
    body: Vec<u8>,
    lang: String,
    kind: CacheKind,
    last_modified: Option<DateTime<FixedOffset>>,
    /// When a scheduled release becomes public, so caches expire by then.
    next_change: Option<DateTime<FixedOffset>>,
    log: Vec<String>,
}

impl Rendered {
    /// Adds a warning to the log for each entry of `list` (read from `key`) that was left out.
    fn warn<T>(mut self, key: &str, list: &Listed<T>) -> Self {
        self.log.extend(list.skipped.iter().map(|why| format!("{key}: left out damaged {why}")));
        self
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
    let target = match resolve(req, home) {
        Ok(t) => t,
        Err(Early::Fail(e)) => return Outcome::Done(error_response(req, &e, None)),
        Err(Early::Redirect(path)) => return Outcome::Done(redirect(req, &path)),
        Err(Early::Found(location)) => {
            return Outcome::Done(found(&location, "Accept", "This list, filtered, as a search."))
        }
        Err(Early::Options(formats)) => return Outcome::Done(options(formats)),
    };
    match render(&target, req, loaded) {
        Ok(page) => {
            let mut response = full_response(req, 200, target.format, page);
            set_header(&mut response, "vary", vary(&target).into());
            if let Some(link) = links(&target, req) {
                response.headers.push(("link", link));
            }
            Outcome::Done(response)
        }
        Err(Halt::Need(keys)) => Outcome::Fetch(keys),
        Err(Halt::Found(location)) => {
            Outcome::Done(found(&location, vary(&target), "This release in the language asked for."))
        }
        Err(Halt::Fail(e)) => {
            let cap = match &e {
                HttpError::Scheduled(_, at) => seconds_until(req.now, Some(*at)),
                _ => None,
            };
            Outcome::Done(error_response(req, &e, cap))
        }
    }
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

/// Where the OpenAPI description of the JSON API is served (from `api:openapi`).
pub const OPENAPI_PATH: &str = "/openapi.json";

/// `/healthz`: the configuration was valid (or this would be a 500 naming the variable), KV
/// answered; reports the last build and any setting the content was built with differently.
fn render_health(req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    let info: Option<BuildInfo> = record(loaded, kv::BUILD_INFO_KEY.into())?;
    let c = &req.config;
    let mut warnings = Vec::new();
    match &info {
        None => warnings.push("KV holds no build:info: nothing is published yet (run `make publish`).".to_string()),
        Some(b) => {
            let differs = [
                ("PAGE_SIZE", b.page_size.to_string(), c.page_size.to_string()),
                ("FEED_SIZE", b.feed_size.to_string(), c.feed_size.to_string()),
                ("DEFAULT_LANG", b.lang.clone(), c.lang.clone()),
                ("SITE_NAME", b.site_name.clone().unwrap_or_default(), c.site_name.clone().unwrap_or_default()),
            ];
            for (var, built, now) in differs.into_iter().filter(|(_, b, n)| b != n) {
                warnings
                    .push(format!("content was built with {var}={built:?} but the worker has {now:?}: publish again."));
            }
        }
    }
    let view = json::HealthView::new(info.as_ref(), warnings);
    Ok(Rendered {
        body: json::to_bytes(&view),
        lang: String::new(),
        kind: CacheKind::Live,
        last_modified: None,
        next_change: None,
        log: Vec::new(),
    })
}

/// The answer when the configuration is invalid: a `500` naming the variable.
pub fn config_error(req: &RequestFacts, e: &crate::config::ConfigError) -> HttpResponse {
    finalize(req, error_response(req, &HttpError::Config(e.clone()), None))
}

/// The answer when KV or the cache failed (`what`, for the log only): a `503` with
/// `Retry-After`, in the format the client accepts.
pub fn unavailable(req: &RequestFacts, what: &str) -> HttpResponse {
    let mut response = error_response(req, &HttpError::Unavailable(what.to_string()), None);
    response.headers.push(("retry-after", "30".into()));
    finalize(req, response)
}

/// The host name of an origin (`https://host:port` → `host`).
fn host_of(origin: &str) -> &str {
    let rest = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    match rest.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => rest.split(':').next().unwrap_or(""),
    }
}

/// The main site answers without a lookup on `BASE_URL`'s host and on this machine; any other
/// host name is looked up in `index:hosts` (one small read, on a cache miss only).
fn home(req: &RequestFacts, loaded: &Loaded) -> Result<Home, Vec<String>> {
    let host = host_of(&req.origin);
    let main = req.config.base_url.as_deref().map(host_of);
    if main == Some(host) || matches!(host, "127.0.0.1" | "localhost" | "::1" | "") {
        return Ok(Home::Main);
    }
    let hosts: Option<HostsRecord> = match record(loaded, kv::HOSTS_KEY.into()) {
        Ok(hosts) => hosts,
        Err(Halt::Need(keys)) => return Err(keys),
        // Damaged: every host shows the main site rather than failing.
        Err(_) => None,
    };
    let entry = hosts.and_then(|h| h.hosts.into_iter().find(|e| e.host == host));
    Ok(entry.map_or(Home::Main, |e| Home::Publisher(e.publisher)))
}

/// A route as a publisher's own host serves it: the publisher's page and feeds at the root,
/// its keyword and year pages as searches within it; what is not its own lives on the main
/// site (a redirect there with `BASE_URL`, else 404).
fn on_publisher_host(route: Route, slug: &str, req: &RequestFacts) -> Result<Route, Early> {
    let path = route.path();
    let elsewhere = || match &req.config.base_url {
        Some(base) => Early::Redirect(format!("{base}{path}")),
        None => Early::Fail(HttpError::NotFound(req.path.clone())),
    };
    let own = |s: &str| s == slug;
    match route {
        Route::Latest => Ok(Route::Publisher(slug.to_string())),
        Route::Feed(FeedScope::Site, format) => Ok(Route::Feed(FeedScope::Publisher(slug.to_string()), format)),
        Route::Publisher(s) if own(&s) => Err(Early::Redirect("/".into())),
        Route::Keyword(k) => Err(Early::Found(format!("/search?keyword={k}"))),
        Route::Year(y) => Err(Early::Found(format!("/search?year={y}"))),
        Route::Feed(FeedScope::Publisher(s), _) | Route::Publisher(s) if !own(&s) => Err(elsewhere()),
        Route::Keywords
        | Route::Archive
        | Route::Feed(FeedScope::Keyword(_), _)
        | Route::Sitemap
        | Route::SitemapPart(_)
        | Route::NewsSitemap => Err(elsewhere()),
        other => Ok(other),
    }
}

/// How a full response reaches this client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Status, headers and body.
    Full,
    /// `HEAD`: the same status and headers, no body.
    HeadersOnly,
    /// `304 Not Modified`: validators and cache headers, no body.
    NotModified,
}

/// Decides how a full response (fresh or from the cache) is delivered, from the request's
/// conditional headers and method and the response's status and validators.
pub fn delivery(req: &RequestFacts, status: u16, etag: Option<&str>, last_modified: Option<&str>) -> Delivery {
    let get_like = matches!(req.method.as_str(), "GET" | "HEAD");
    let validators = (req.if_none_match.as_deref(), req.if_modified_since.as_deref());
    if status == 200 && get_like && is_not_modified(validators.0, validators.1, etag, last_modified) {
        Delivery::NotModified
    } else if req.method == "HEAD" {
        Delivery::HeadersOnly
    } else {
        Delivery::Full
    }
}

/// Headers a `304` leaves out: they describe a body it does not have.
pub const BODY_HEADERS: [&str; 2] = ["content-type", "content-language"];

/// Applies [`delivery`] to a full response.
pub fn finalize(req: &RequestFacts, mut response: HttpResponse) -> HttpResponse {
    deliver_parts(req, &mut response.status, &mut response.headers, &mut response.body);
    response
}

/// Applies [`delivery`] to a full response given as its parts (any header name type).
pub fn deliver_parts<N: AsRef<str>>(
    req: &RequestFacts,
    status: &mut u16,
    headers: &mut Vec<(N, String)>,
    body: &mut Vec<u8>,
) {
    let header = |name: &str| headers.iter().find(|(n, _)| n.as_ref() == name).map(|(_, v)| v.as_str());
    match delivery(req, *status, header("etag"), header("last-modified")) {
        Delivery::Full => {}
        Delivery::HeadersOnly => body.clear(),
        Delivery::NotModified => {
            *status = 304;
            headers.retain(|(name, _)| !BODY_HEADERS.contains(&name.as_ref()));
            body.clear();
        }
    }
}

/// The Cache API key for this request's full response, if it may be cached: the canonical
/// URL plus the chosen representation and the parameters that change the body.
pub fn cache_key(req: &RequestFacts) -> Option<String> {
    // The key needs no KV read: the origin tells hosts apart, so the main site is assumed.
    let target = resolve(req, Home::Main).ok().filter(|t| t.preview.is_none() && t.route != Route::Health)?;
    let mut key = format!("{}{}?format={}", req.origin, target.path, target.format.query_name());
    if let Some(lang) = &target.lang {
        key.push_str(&format!("&lang={lang}"));
    }
    if !target.languages.is_empty() {
        key.push_str(&format!("&accept-language={}", target.languages.join(".")));
    }
    if matches!(target.route, Route::Feed(..)) {
        key.push_str(&format!("&limit={}", target.limit));
    }
    if target.route == Route::Search {
        let qs = search_query_string(&search_params(req));
        if !qs.is_empty() {
            key.push('&');
            key.push_str(&qs);
        }
    }
    if target.page > 1 {
        key.push_str(&format!("&page={}", target.page));
    }
    Some(key)
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
    loop {
        match respond(req, loaded) {
            Outcome::Done(response) => return finalize(req, response),
            Outcome::Fetch(keys) => keys.into_iter().for_each(|key| read(loaded, key)),
        }
    }
}

/// Method, route, representation and query, all checked before any KV read.
fn resolve(req: &RequestFacts, home: Home) -> Result<Target, Early> {
    let route = match Route::parse(&req.path) {
        Parsed::Found(route) => route,
        Parsed::Redirect(path) => return Err(Early::Redirect(path)),
        Parsed::NotFound => return Err(Early::Fail(HttpError::NotFound(req.path.clone()))),
    };
    let path = route.path();
    let route = match &home {
        Home::Main => route,
        Home::Publisher(p) => on_publisher_host(route, &p.slug, req)?,
    };
    match req.method.as_str() {
        "GET" | "HEAD" => {}
        "OPTIONS" => return Err(Early::Options(route.formats())),
        other => return Err(Early::Fail(HttpError::MethodNotAllowed(other.chars().take(20).collect()))),
    }
    let format = choose_format(req, &route).map_err(Early::Fail)?;
    if let (Some(scope), Some(kind)) = (list_scope(&route), req.query_param("type")) {
        return Err(filtered_list(&scope, kind, format));
    }
    let limit = match (&route, req.query_param("limit")) {
        (Route::Feed(..), Some(text)) => parse_number("limit", text, req.config.feed_size).map_err(Early::Fail)?,
        _ => req.config.feed_size,
    };
    let paged =
        matches!(route, Route::Latest | Route::Publisher(_) | Route::Keyword(_) | Route::Year(_) | Route::Search);
    let page = match (paged, req.query_param("page")) {
        (true, Some(text)) => parse_number("page", text, MAX_PAGE).map_err(Early::Fail)?,
        _ => 1,
    };
    let preview = match (&route, req.query_param("preview")) {
        (Route::Release(_), Some(token)) => Some(token.to_string()),
        _ => None,
    };
    let lang = match (&route, req.query_param("lang")) {
        (Route::Release(_), Some(tag)) if crate::content::is_language_tag(tag) => Some(tag.to_ascii_lowercase()),
        (Route::Release(_), Some(tag)) => {
            let shown: String = tag.chars().take(20).collect();
            return Err(Early::Fail(HttpError::BadRequest(format!(
                "`lang={shown}` must be a language tag such as fi, sv or en."
            ))));
        }
        _ => None,
    };
    let languages = match negotiates_language(&route, format, lang.as_deref()) {
        true => language_ranking(req.accept_language.as_deref()),
        false => Vec::new(),
    };
    Ok(Target { route, path, home, format, limit, page, preview, lang, languages })
}

/// `?type=` on a list: the search for that type within the list's scope, which pages
/// through exactly the matching releases.
fn filtered_list(scope: &str, kind: &str, format: Format) -> Early {
    match crate::model::ReleaseKind::from_param(kind) {
        Ok(kind) => {
            let format =
                if format == Format::Html { String::new() } else { format!("&format={}", format.query_name()) };
            Early::Found(format!("/search?{scope}type={}{format}", kind.id()))
        }
        Err(message) => Early::Fail(HttpError::BadRequest(message)),
    }
}

/// The search parameters that stand for a list page's scope (`publisher=x&`), if it is a list.
fn list_scope(route: &Route) -> Option<String> {
    match route {
        Route::Latest => Some(String::new()),
        Route::Publisher(slug) => Some(search_scope("publisher", slug)),
        Route::Keyword(slug) => Some(search_scope("keyword", slug)),
        Route::Year(year) => Some(search_scope("year", &year.to_string())),
        _ => None,
    }
}

/// `?format=` wins over `Accept`; a feed file name fixes its format.
fn choose_format(req: &RequestFacts, route: &Route) -> Result<Format, HttpError> {
    let offered = route.formats();
    if let (
        Route::Feed(_, Some(_))
        | Route::Sitemap
        | Route::SitemapPart(_)
        | Route::NewsSitemap
        | Route::Robots
        | Route::Media(_)
        | Route::OpenApi
        | Route::Health,
        [only],
    ) = (route, offered)
    {
        return Ok(*only);
    }
    match req.query_param("format") {
        Some(name) => Format::from_query(name).filter(|f| offered.contains(f)).ok_or_else(|| {
            let shown: String = name.chars().take(40).collect();
            HttpError::BadRequest(format!("Unknown format `{shown}` here; use ?format={}.", names(offered, "|")))
        }),
        None => negotiate(req.accept.as_deref(), offered).ok_or(HttpError::NotAcceptable(offered)),
    }
}

/// A whole number from 1 to `max` for query parameter `name`.
fn parse_number(name: &str, text: &str, max: usize) -> Result<usize, HttpError> {
    crate::config::whole_number(text, 1, max).ok_or_else(|| {
        let shown: String = text.chars().take(20).collect();
        HttpError::BadRequest(format!("`{name}={shown}` must be a whole number from 1 to {max}."))
    })
}

/// `?format=` names joined by `sep`.
fn names(formats: &[Format], sep: &str) -> String {
    formats.iter().map(|f| f.query_name()).collect::<Vec<_>>().join(sep)
}

fn render(t: &Target, req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    let lang = req.config.lang.as_str();
    let origin = &req.origin;
    let path = t.path.clone();
    let pager = |page: &PageRecord| Pager { page: page.page, pages: page.pages, path: &path };
    match &t.route {
        Route::Latest => {
            let page = list_page_record(loaded, &ListScope::Latest, t.page, req)?;
            let (items, next) = published(&page.releases, req.now);
            let total = visible_total(page.total, page.releases.len(), items.len());
            let body = match t.format {
                Format::Json => json::to_bytes(&ListView::new((None, None), total, &items, &pager(&page), origin)),
                _ => html::latest_page(total, &items, &pager(&page), &site(req, &t.home), lang).into_bytes(),
            };
            Ok(list_rendered(body, lang, &items, next).warn(&kv::page_key(&ListScope::Latest, t.page), &page.releases))
        }
        Route::Publisher(slug) => {
            let scope = ListScope::Publisher(slug.clone());
            // Page 1 is read from the profile, which lists the newest releases: one read. A
            // later page is read with the profile, in the same round.
            let mut keys = vec![kv::publisher_key(slug)];
            if t.page > 1 {
                keys.push(kv::page_key(&scope, t.page));
            }
            need_all(loaded, &keys)?;
            let not_found = || HttpError::NotFound(req.path.clone());
            let p = publisher_record(loaded, &kv::publisher_key(slug))?.ok_or_else(not_found)?;
            let page = match first_page(&p, t.page, req.config.page_size) {
                Some(page) => page,
                None => list_page_record(loaded, &scope, t.page, req)?,
            };
            let (items, next) = published(&page.releases, req.now);
            let total = visible_total(page.total, page.releases.len(), items.len());
            let body = match t.format {
                Format::Json => json::to_bytes(&PublisherView::new(&p, total, &items, &pager(&page), origin)),
                _ => html::publisher_page(&p, total, &items, &pager(&page), &site(req, &t.home)).into_bytes(),
            };
            Ok(list_rendered(body, &p.lang, &items, next).warn(&kv::page_key(&scope, t.page), &page.releases))
        }
        Route::Keyword(slug) => {
            let page = list_page_record(loaded, &ListScope::Keyword(slug.clone()), t.page, req)?;
            let (items, next) = published(&page.releases, req.now);
            if items.is_empty() {
                // Only scheduled releases carry it: the keyword does not exist yet.
                return Err(not_yet(req, next).into());
            }
            let total = visible_total(page.total, page.releases.len(), items.len());
            let keyword = Keyword { slug: slug.clone(), label: page.label.clone() };
            let body = match t.format {
                Format::Json => {
                    json::to_bytes(&ListView::new((Some(&keyword), None), total, &items, &pager(&page), origin))
                }
                _ => html::keyword_page(&keyword, total, &items, &pager(&page), &site(req, &t.home), lang).into_bytes(),
            };
            Ok(list_rendered(body, lang, &items, next)
                .warn(&kv::page_key(&ListScope::Keyword(slug.clone()), t.page), &page.releases))
        }
        Route::Year(year) => {
            let page = list_page_record(loaded, &ListScope::Year(*year), t.page, req)?;
            let (items, next) = published(&page.releases, req.now);
            if items.is_empty() {
                return Err(not_yet(req, next).into());
            }
            let total = visible_total(page.total, page.releases.len(), items.len());
            let body = match t.format {
                Format::Json => {
                    json::to_bytes(&ListView::new((None, Some(*year)), total, &items, &pager(&page), origin))
                }
                _ => html::year_page(*year, total, &items, &pager(&page), &site(req, &t.home), lang).into_bytes(),
            };
            Ok(list_rendered(body, lang, &items, next)
                .warn(&kv::page_key(&ListScope::Year(*year), t.page), &page.releases))
        }
        Route::Keywords | Route::Archive => {
            let (key, path_of): (&str, fn(&str) -> String) = match t.route {
                Route::Keywords => (kv::KEYWORDS_KEY, keyword_path),
                _ => (kv::YEARS_KEY, |y| format!("/archive/{y}")),
            };
            let stored: CountsRecord =
                record(loaded, key.into())?.unwrap_or(CountsRecord { v: SCHEMA_VERSION, counts: vec![] });
            let (counts, next) = public_counts(stored, req.now.timestamp());
            let body = match (t.format, &t.route) {
                (Format::Json, _) => json::to_bytes(&CountsView::new(&counts, path_of, origin)),
                (_, Route::Keywords) => html::keywords_page(&counts, &site(req, &t.home), lang).into_bytes(),
                _ => html::archive_page(&counts, &site(req, &t.home), lang).into_bytes(),
            };
            Ok(list_rendered(body, lang, &[], next))
        }
        Route::Release(slug) => render_release(slug, t, req, loaded),
        Route::Feed(scope, _) => render_feed(scope, t, req, loaded),
        Route::Sitemap | Route::SitemapPart(_) | Route::NewsSitemap | Route::Robots => render_crawler(t, req, loaded),
        Route::Search => render_search(t, req, loaded),
        Route::OpenApi => raw_value(kv::OPENAPI_KEY.into(), CacheKind::List, req, loaded),
        Route::Health => render_health(req, loaded),
        Route::Media(name) => raw_value(crate::media::key(name), CacheKind::Immutable, req, loaded),
    }
}

/// A KV value served as it is stored (a media file, the OpenAPI document); absent: 404.
fn raw_value(key: String, kind: CacheKind, req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    let body = loaded.values.get(&key).ok_or_else(|| Halt::Need(vec![key.clone()]))?;
    let body = body.clone().ok_or_else(|| HttpError::NotFound(req.path.clone()))?;
    Ok(Rendered { body, lang: String::new(), kind, last_modified: None, next_change: None, log: Vec::new() })
}

/// The 404 of a list whose releases are all scheduled: cached only until the first goes public.
fn not_yet(req: &RequestFacts, next: Option<DateTime<FixedOffset>>) -> HttpError {
    match next {
        Some(at) => HttpError::Scheduled(req.path.clone(), at),
        None => HttpError::NotFound(req.path.clone()),
    }
}

/// Counts of what is public at `now` (names with only scheduled releases left out), and
/// when the next scheduled release changes them.
fn public_counts(mut c: CountsRecord, now: i64) -> (CountsRecord, Option<DateTime<FixedOffset>>) {
    let next = c.counts.iter().flat_map(|c| &c.newest).filter(|&&t| t > now).min().copied();
    for count in &mut c.counts {
        count.count = count.visible(now);
    }
    c.counts.retain(|c| c.count > 0);
    (c, next.and_then(|t| DateTime::from_timestamp(t, 0)).map(|t| t.fixed_offset()))
}

/// The decoded search parameters of a request.
fn search_params(req: &RequestFacts) -> Vec<(String, String)> {
    form_urlencoded::parse(req.query.as_deref().unwrap_or("").as_bytes()).into_owned().collect()
}

/// The search parameters re-encoded in a fixed order (for links and cache keys), without `page`.
fn search_query_string(params: &[(String, String)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for name in ["q", "publisher", "keyword", "year", "type"] {
        if let Some((_, v)) = params.iter().find(|(k, v)| k == name && !v.trim().is_empty()) {
            out.append_pair(name, v.trim());
        }
    }
    out.finish()
}

/// `/search`: reads the metadata, term shards and filters, then the documents of one page.
fn render_search(t: &Target, req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    let lang = req.config.lang.as_str();
    let mut params = search_params(req);
    if let Home::Publisher(p) = &t.home {
        // A publisher's own newsroom searches its releases only.
        params.retain(|(k, _)| k != "publisher");
        params.push(("publisher".into(), p.slug.clone()));
    }
    let query = Query::parse(&params).map_err(HttpError::BadRequest)?;
    let q_text = params.iter().find(|(k, _)| k == "q").map_or("", |(_, v)| v.trim());
    let qs = search_query_string(&params);
    let path = if qs.is_empty() { "/search".to_string() } else { format!("/search?{qs}") };
    let mut results = SearchResults { query: &query, q: q_text, total: 0, hits: Vec::new() };
    let mut pager = Pager { page: 1, pages: 1, path: &path };
    let mut next = None;
    if !query.is_empty() {
        let keys = query.keys();
        need_all(loaded, &keys)?;
        let at = req.now.timestamp();
        let memo = loaded.ranked.borrow().as_ref().filter(|(q, t, _)| *q == query && *t == at).map(|m| m.2.clone());
        let (ranking, scheduled_next) = match memo {
            Some(ranked) => ranked,
            None => {
                let ranked = rank_search(req, loaded, &query, &keys)?;
                *loaded.ranked.borrow_mut() = Some((query.clone(), at, ranked.clone()));
                ranked
            }
        };
        next = scheduled_next;
        results.total = ranking.total();
        pager.pages = results.total.div_ceil(req.config.page_size).max(1);
        pager.page = t.page;
        if t.page > pager.pages {
            let shown = HttpError::NotFound(format!("{path} (page {})", t.page));
            return Err(next.map_or(shown, |at| HttpError::Scheduled(path.clone(), at.fixed_offset())).into());
        }
        let size = req.config.page_size;
        let page_ids: Vec<usize> = ranking.page((t.page - 1) * size, size).into_iter().map(|id| id as usize).collect();
        // Never shown before its time, even beyond the window of known times.
        results.hits = page_documents(loaded, &page_ids)?.into_iter().filter(|d| d.published.at <= req.now).collect();
    }
    let body = match t.format {
        Format::Json => json::to_bytes(&SearchView::new(&results, &pager, &req.origin)),
        _ => html::search_page(&results, &pager, &site(req, &t.home), lang).into_bytes(),
    };
    Ok(list_rendered(body, lang, &[], next.map(|at| at.fixed_offset())))
}

/// The documents of a page's ids, in order, from their `search:snippets:*` chunks: each chunk
/// is split into its lines once, and only the page's documents are decoded. Content built
/// before those chunks existed has `search:docs:*` instead, read in a further round.
fn page_documents(loaded: &Loaded, ids: &[usize]) -> Result<Vec<search::SearchDoc>, Halt> {
    use search::snippets;
    let unique = |places: &[(String, usize)]| -> Vec<String> {
        places.iter().map(|(key, _)| key.clone()).collect::<BTreeSet<_>>().into_iter().collect()
    };
    let places: Vec<(String, usize)> = ids.iter().map(|id| snippets::place(*id)).collect();
    need_all(loaded, &unique(&places))?;
    let places: Vec<(String, usize)> = places
        .into_iter()
        .zip(ids)
        .map(|(place, id)| match loaded.values.get(&place.0) {
            Some(None) => (search::docs_key(id / search::DOCS_PER_CHUNK), id % search::DOCS_PER_CHUNK),
            _ => place,
        })
        .collect();
    let keys = unique(&places);
    need_all(loaded, &keys)?;
    let mut lines: BTreeMap<&str, Vec<&[u8]>> = BTreeMap::new();
    for key in &keys {
        let chunk = if key.starts_with("search:docs:") {
            let chunk: Option<search::RawDocsRecord> = record(loaded, key.clone())?;
            chunk.map(|c| c.docs.iter().map(|d| d.get().as_bytes()).collect())
        } else {
            let bytes = loaded.values.get(key).and_then(Option::as_deref);
            bytes.map(|b| snippet_lines(key, b)).transpose().map_err(|e| Halt::Fail(HttpError::BadData(e)))?
        };
        lines.insert(key, chunk.unwrap_or_default());
    }
    let mut docs = Vec::with_capacity(ids.len());
    for (key, line) in &places {
        // A chunk shorter than the index says: the document is left out, as a missing one is.
        let Some(bytes) = lines.get(key.as_str()).and_then(|l| l.get(*line)) else { continue };
        // As text, like every other record: one reader of each type keeps the wasm small.
        let doc =
            std::str::from_utf8(bytes).map_err(|e| format!("document {line} is not UTF-8 ({e})")).and_then(|text| {
                serde_json::from_str(text).map_err(|e| format!("document {line} does not match its schema ({e})"))
            });
        let doc = doc.map_err(|reason| HttpError::BadData(damaged(key, &reason)))?;
        docs.push(doc);
    }
    Ok(docs)
}

/// The document lines of a `search:snippets:*` value, its size and head checked.
fn snippet_lines<'a>(key: &str, bytes: &'a [u8]) -> Result<Vec<&'a [u8]>, DataError> {
    use search::snippets;
    check_size(key, bytes)?;
    let (head, lines) = snippets::split(bytes);
    let head: snippets::Head = decode_of(key, head, &[snippets::SNIPPETS_VERSION])?;
    snippets::check(head, &lines).map_err(|reason| damaged(key, &reason))?;
    Ok(lines)
}

/// Ranks a search from its index records (all read): matching ids, best first, without the
/// ones still scheduled, and when the next scheduled one goes public.
fn rank_search(req: &RequestFacts, loaded: &Loaded, query: &Query, keys: &[String]) -> Result<Ranked, Halt> {
    let mut shards = BTreeMap::new();
    for term in &query.terms {
        let shard = search::shard_of(term);
        if let Some(r) = record_of::<search::ShardRecord>(loaded, search::shard_key(shard), INDEX_VERSIONS)? {
            shards.insert(shard.to_string(), r);
        }
    }
    let mut filters: Vec<search::FilterRecord> = Vec::new();
    for key in keys.iter().filter(|k| k.starts_with("search:filter:")) {
        // A missing filter lets nothing through.
        filters.push(record_of(loaded, key.clone(), INDEX_VERSIONS)?.unwrap_or_default());
    }
    // Publication times of the newest documents, as the records read carry them.
    let recent: BTreeMap<i64, i64> = shards
        .values()
        .flat_map(|s| &s.recent)
        .chain(filters.iter().flat_map(|f| &f.recent))
        .map(|[id, at]| (*id, *at))
        .collect();
    let now = req.now.timestamp();
    // Results change when the next scheduled release goes public: cache until then.
    let next = recent.values().filter(|&&at| at > now).min().and_then(|&at| DateTime::from_timestamp(at, 0));
    let scheduled: Vec<u32> =
        recent.iter().filter(|(_, at)| **at > now).filter_map(|(id, _)| u32::try_from(*id).ok()).collect();
    Ok((Rc::new(search::rank(query, &shards, &filters, &scheduled)), next))
}

/// The versions of search shards and filters this worker reads.
const INDEX_VERSIONS: &[u32] = &[1, search::INDEX_VERSION];

/// Asks for every key of `keys` not read yet, in one round.
fn need_all(loaded: &Loaded, keys: &[String]) -> Result<(), Halt> {
    let missing: Vec<String> = keys.iter().filter(|k| !loaded.values.contains_key(*k)).cloned().collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Halt::Need(missing))
    }
}

/// Sitemaps and `robots.txt`.
fn render_crawler(t: &Target, req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    let lang = req.config.lang.as_str();
    let (origin, now) = (&req.origin, req.now);
    let (body, next) = match t.route {
        Route::Sitemap => {
            let index: SitemapIndexRecord = record(loaded, kv::SITEMAPS_KEY.into())?
                .unwrap_or(SitemapIndexRecord { v: SCHEMA_VERSION, parts: vec![] });
            let (lastmods, next) = index.at(now);
            (sitemap::index(origin, &lastmods), next)
        }
        Route::SitemapPart(n) => {
            let part: SitemapRecord =
                record(loaded, kv::sitemap_key(n))?.ok_or_else(|| HttpError::NotFound(req.path.clone()))?;
            let next = part.entries.iter().map(|e| e.from).filter(|at| *at > now).min();
            (sitemap::urlset(origin, &part.entries, now), next)
        }
        Route::NewsSitemap => {
            let feed: Option<FeedRecord> = record(loaded, kv::SITE_FEED_KEY.into())?;
            let items = feed.map(|f| f.items).unwrap_or_default();
            let next = items.iter().map(|i| i.summary.published.at).filter(|at| *at > now).min();
            (sitemap::news(origin, &items, now), next)
        }
        _ => (sitemap::robots(origin), None),
    };
    let kind = CacheKind::Feed;
    Ok(Rendered {
        body: body.into_bytes(),
        lang: lang.into(),
        kind,
        last_modified: None,
        next_change: next,
        log: vec![],
    })
}

/// The origin and name pages speak with.
fn site<'a>(req: &'a RequestFacts, home: &'a Home) -> Site<'a> {
    let name = match home {
        Home::Publisher(p) => Some(p.name.as_str()),
        Home::Main => req.config.site_name.as_deref(),
    };
    Site { origin: &req.origin, name }
}

/// Page `n` of a list: a missing first page of the site or a publisher is an empty list,
/// any other missing page is a 404.
fn list_page_record(loaded: &Loaded, scope: &ListScope, n: usize, req: &RequestFacts) -> Result<PageRecord, Halt> {
    match record(loaded, kv::page_key(scope, n))? {
        Some(page) => Ok(page),
        None if n == 1 && matches!(scope, ListScope::Latest | ListScope::Publisher(_)) => Ok(PageRecord {
            v: SCHEMA_VERSION,
            label: String::new(),
            total: 0,
            page: 1,
            pages: 1,
            releases: Default::default(),
        }),
        None => Err(HttpError::NotFound(match n {
            1 => req.path.clone(),
            n => format!("{}?page={n}", req.path),
        })
        .into()),
    }
}

/// Page 1 of a publisher's list as its profile holds it, when it holds all of it: at least a
/// page of entries, or every release, none of them unreadable (`newsroom build` writes the
/// same newest releases to both; [`crate::build::LIST_LEN`] ≥ the default page size).
fn first_page(p: &PublisherRecord, page: usize, size: usize) -> Option<PageRecord> {
    let stored = p.releases.len();
    let whole = stored >= size || stored == p.total;
    (page == 1 && whole && p.releases.skipped.is_empty()).then(|| PageRecord {
        v: SCHEMA_VERSION,
        label: p.publisher.name.clone(),
        total: p.total,
        page: 1,
        pages: p.total.div_ceil(size).max(1),
        releases: p.releases.iter().take(size).cloned().collect::<Vec<_>>().into(),
    })
}

/// True when `token` is a valid, unexpired preview token for `slug` (every failure is a 404).
fn preview_opens(slug: &str, token: Option<&str>, req: &RequestFacts) -> bool {
    match (token, &req.preview_secret) {
        (Some(token), Some(secret)) => preview::verify(secret.as_bytes(), slug, token, req.now).is_ok(),
        _ => false,
    }
}

fn render_release(slug: &str, t: &Target, req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    let (format, preview) = (t.format, t.preview.as_deref());
    let key = kv::release_key(slug);
    let Some(r) = release_record(loaded, &key)? else {
        // Missing: a removed release leaves a tombstone (410), anything else is a 404.
        return Err(match record::<GoneRecord>(loaded, kv::gone_key(slug))? {
            Some(g) => HttpError::Gone(g.release.title, g.release.publisher.name),
            None => HttpError::NotFound(req.path.clone()),
        }
        .into());
    };
    let summary = &r.summary;
    if summary.slug != slug {
        return Err(HttpError::BadData(damaged(&key, "its slug field names another release")).into());
    }
    if matches!(&t.home, Home::Publisher(p) if p.slug != summary.publisher.slug) {
        // Another publisher's release is not part of this publisher's own newsroom.
        return Err(HttpError::NotFound(req.path.clone()).into());
    }
    let embargoed = summary.published.at > req.now;
    if embargoed && !preview_opens(slug, preview, req) {
        // Embargoed: indistinguishable from a missing release, cached only until it lifts.
        return Err(HttpError::Scheduled(req.path.clone(), summary.published.at).into());
    }
    let translations: Vec<&Translation> = r.translations.iter().filter(|t| t.published.at <= req.now).collect();
    if let Some(other) = chosen_translation(t, &summary.lang, &translations) {
        return Err(Halt::Found(other));
    }
    let publisher_key = kv::publisher_key(&summary.publisher.slug);
    need_all(loaded, std::slice::from_ref(&publisher_key))?;
    // The publisher record adds boilerplate and "more from"; a damaged one only loses those.
    let mut log = Vec::new();
    let publisher = match publisher_record(loaded, &publisher_key) {
        Ok(p) => p,
        Err(Halt::Fail(e)) => {
            log.push(e.to_string_for_log());
            None
        }
        Err(need) => return Err(need),
    };
    let (others, next) = publisher.as_ref().map_or((Vec::new(), None), |p| published(&p.releases, req.now));
    let more: Vec<&Summary> = others.into_iter().filter(|s| s.slug != summary.slug).take(MORE_LEN).collect();
    let origin = &req.origin;
    let body = match format {
        Format::Json => json::to_bytes(&ReleaseView::new(&r, publisher.as_deref(), &more, &translations, origin)),
        Format::Markdown => release_document(&r).into_bytes(),
        _ => html::release_page(&r, publisher.as_deref(), &more, &translations, &site(req, &t.home), embargoed)
            .into_bytes(),
    };
    let changed = r.updated.as_ref().unwrap_or(&r.summary.published).at;
    let rendered = Rendered {
        body,
        lang: r.summary.lang.clone(),
        kind: if embargoed { CacheKind::Private } else { CacheKind::Release },
        last_modified: Some(changed),
        next_change: next,
        log,
    };
    Ok(match &publisher {
        Some(p) => rendered.warn(&publisher_key, &p.releases),
        None => rendered,
    })
}

/// The publisher profile under `key`, decoded once per value: once per request, or once per
/// isolate when the adapter hands back what it decoded ([`Loaded::insert_decoded`]).
fn publisher_record(loaded: &Loaded, key: &str) -> Result<Option<Rc<PublisherRecord>>, Halt> {
    if let Some(p) = loaded.decoded(key) {
        return Ok(Some(p));
    }
    let Some(p) = record::<PublisherRecord>(loaded, key.to_string())?.map(Rc::new) else { return Ok(None) };
    loaded.profiles.borrow_mut().insert(key.to_string(), Rc::clone(&p));
    Ok(Some(p))
}

/// The release record under `key`, decoded once for both rounds of a release page.
fn release_record(loaded: &Loaded, key: &str) -> Result<Option<Rc<ReleaseRecord>>, Halt> {
    if let Some((k, r)) = loaded.release.borrow().as_ref() {
        if k == key {
            return Ok(Some(Rc::clone(r)));
        }
    }
    let Some(r) = record::<ReleaseRecord>(loaded, key.to_string())?.map(Rc::new) else { return Ok(None) };
    *loaded.release.borrow_mut() = Some((key.to_string(), Rc::clone(&r)));
    Ok(Some(r))
}

/// The path of the translation the reader asked for: the one in the `?lang=` language, or
/// the one their `Accept-Language` ranks above this release's own language. The language
/// switcher links with `?lang=`, so a reader's explicit choice is never overridden.
fn chosen_translation(t: &Target, own: &str, translations: &[&Translation]) -> Option<String> {
    let wanted = match t.lang.as_deref() {
        Some(lang) => lang,
        None => {
            let langs: Vec<&str> = std::iter::once(own).chain(translations.iter().map(|tr| tr.lang.as_str())).collect();
            preferred_language(&t.languages, &langs)?
        }
    };
    let other = translations.iter().find(|tr| tr.lang.eq_ignore_ascii_case(wanted))?;
    (!other.lang.eq_ignore_ascii_case(own)).then(|| crate::route::release_path(&other.slug))
}

fn render_feed(scope: &FeedScope, t: &Target, req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    let key = match scope {
        FeedScope::Site => kv::SITE_FEED_KEY.to_string(),
        FeedScope::Publisher(slug) => kv::publisher_feed_key(slug),
        FeedScope::Keyword(slug) => kv::keyword_feed_key(slug),
    };
    let ahead_key = kv::ahead_feed_key(t.format, &key);
    if let Some(bytes) = rendered_ahead(loaded, &ahead_key)? {
        return feed_from_ahead(scope, t, req, &ahead_key, bytes);
    }
    let record: Option<FeedRecord> = record(loaded, key.clone())?;
    let lang = req.config.lang.as_str();
    let f = match (record, scope) {
        (Some(f), _) => f,
        (None, FeedScope::Site) => FeedRecord {
            v: SCHEMA_VERSION,
            title: String::new(),
            description: String::new(),
            lang: lang.into(),
            items: Default::default(),
            logo: None,
        },
        (None, _) => return Err(HttpError::NotFound(req.path.clone()).into()),
    };
    let now = req.now;
    let items: Vec<&FeedItem> = f.items.iter().filter(|i| i.summary.published.at <= now).take(t.limit).collect();
    let next = f.items.iter().map(|i| i.summary.published.at).filter(|at| *at > now).min();
    let meta = feed_meta(scope, t, req, (&f.title, &f.description, &f.lang), f.logo.as_ref());
    let body = feed::render(t.format, &meta, &items, &rfc3339_now(req));
    let newest = feed::newest(&items);
    Ok(feed_rendered(body, &f.lang, newest, next).warn(&key, &f.items))
}

/// The feed's items rendered ahead ([`feed::ahead`]), if stored in the version this worker
/// writes; `None` sends the feed to its `feed:*` record.
fn rendered_ahead<'a>(loaded: &'a Loaded, key: &str) -> Result<Option<&'a [u8]>, Halt> {
    let value = loaded.values.get(key).ok_or_else(|| Halt::Need(vec![key.to_string()]))?;
    Ok(value.as_deref().filter(|bytes| leading_version(bytes) == Some(feed::ahead::AHEAD_VERSION)))
}

/// A feed from its items rendered ahead: the public ones, with this request's origin.
fn feed_from_ahead(
    scope: &FeedScope,
    t: &Target,
    req: &RequestFacts,
    key: &str,
    bytes: &[u8],
) -> Result<Rendered, Halt> {
    let bad = |reason: &str| Halt::Fail(HttpError::BadData(damaged(key, reason)));
    let (head, body) = feed::ahead::Ahead::split(bytes).ok_or_else(|| bad("it has no line of items after its head"))?;
    let head = decode_of(key, head, &[feed::ahead::AHEAD_VERSION]).map_err(|e| Halt::Fail(HttpError::BadData(e)))?;
    let ahead = feed::ahead::Ahead::new(head, body).map_err(|reason| bad(&reason))?;
    let h = &ahead.head;
    let now = req.now;
    let shown: Vec<usize> = (0..h.items.len()).filter(|n| h.items[*n].published.at <= now).take(t.limit).collect();
    let next = h.items.iter().map(|i| i.published.at).filter(|at| *at > now).min();
    let newest = feed::newest_change(shown.iter().map(|n| (&h.items[*n].published, h.items[*n].updated.as_ref())));
    let meta = feed_meta(scope, t, req, (&h.title, &h.description, &h.lang), h.logo.as_ref());
    let origin = feed::ahead::escaped_origin(t.format, &req.origin);
    let items_bytes = ahead.items_bytes(&shown, origin.len()) + shown.len();
    let body = feed::document(t.format, &meta, newest.as_ref(), &rfc3339_now(req), items_bytes, |out, separator| {
        for (k, n) in shown.iter().enumerate() {
            if k > 0 {
                out.extend_from_slice(separator.as_bytes());
            }
            ahead.write_item(*n, &origin, out);
        }
    });
    Ok(feed_rendered(body, &h.lang, newest, next))
}

/// What a feed says about itself on this request's origin: `text` is its title,
/// description and language.
fn feed_meta<'a>(
    scope: &FeedScope,
    t: &Target,
    req: &'a RequestFacts,
    text: (&str, &str, &'a str),
    logo: Option<&crate::media::Media>,
) -> FeedMeta<'a> {
    let base = scope.base_path();
    FeedMeta {
        title: text.0.to_string(),
        description: text.1.to_string(),
        lang: text.2,
        home_url: format!("{}{}", req.origin, if base.is_empty() { "/" } else { &base }),
        self_url: format!("{}{}", req.origin, t.path),
        origin: &req.origin,
        ttl_minutes: req.config.ttls.max_age(CacheKind::Feed) / 60,
        logo_url: logo.map(|m| format!("{}{}", req.origin, m.path())),
        hub: req.config.websub_hub.as_deref(),
    }
}

/// Atom's `updated` for a feed with no public item: the time of the request.
fn rfc3339_now(req: &RequestFacts) -> String {
    req.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A feed's headers: last modified by its newest shown change.
fn feed_rendered(
    body: Vec<u8>,
    lang: &str,
    newest: Option<crate::model::Timestamp>,
    next: Option<DateTime<FixedOffset>>,
) -> Rendered {
    Rendered {
        body,
        lang: lang.to_string(),
        kind: CacheKind::Feed,
        last_modified: newest.map(|t| t.at),
        next_change: next,
        log: Vec::new(),
    }
}

/// A list page's headers: last modified by its newest visible item.
fn list_rendered(body: Vec<u8>, lang: &str, items: &[&Summary], next: Option<DateTime<FixedOffset>>) -> Rendered {
    Rendered {
        body,
        lang: lang.to_string(),
        kind: CacheKind::List,
        last_modified: items.iter().map(|s| s.published.at).max(),
        next_change: next,
        log: Vec::new(),
    }
}

/// The releases public at `now`, and the time the next scheduled one goes public.
fn published(items: &[Summary], now: DateTime<Utc>) -> (Vec<&Summary>, Option<DateTime<FixedOffset>>) {
    let (public, scheduled): (Vec<&Summary>, Vec<&Summary>) = items.iter().partition(|s| s.published.at <= now);
    (public, scheduled.iter().map(|s| s.published.at).min())
}

/// A list's total minus its scheduled releases (which are all among the newest stored).
fn visible_total(total: usize, stored: usize, public: usize) -> usize {
    total.saturating_sub(stored - public)
}

/// Decodes the record at `key` (it may borrow from the value): `Need` if not read yet,
/// `Ok(None)` if absent.
fn record<'a, T: Deserialize<'a>>(loaded: &'a Loaded, key: String) -> Result<Option<T>, Halt> {
    record_of(loaded, key, &[SCHEMA_VERSION])
}

/// [`record`] of a type whose schema versions are `versions` (it may borrow from the value).
fn record_of<'a, T: Deserialize<'a>>(loaded: &'a Loaded, key: String, versions: &[u32]) -> Result<Option<T>, Halt> {
    let Some(value) = loaded.values.get(&key) else {
        return Err(Halt::Need(vec![key]));
    };
    let Some(bytes) = value else { return Ok(None) };
    decode_of(&key, bytes, versions).map(Some).map_err(|e| Halt::Fail(HttpError::BadData(e)))
}

/// Checks size, UTF-8, JSON shape and schema version, naming the key in every error.
pub fn decode<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T, DataError> {
    decode_of(key, bytes, &[SCHEMA_VERSION])
}

/// [`decode`] of a type whose schema versions are `versions` (it may borrow from `bytes`).
fn decode_of<'a, T: Deserialize<'a>>(key: &str, bytes: &'a [u8], versions: &[u32]) -> Result<T, DataError> {
    check_size(key, bytes)?;
    // UTF-8 is checked once, for the whole value: parsed from bytes, serde_json would check
    // each string, and the entries of a list twice (as raw JSON, then as entries).
    let text = std::str::from_utf8(bytes).map_err(|e| damaged(key, &format!("not UTF-8 ({e})")))?;
    // `newsroom build` writes the version first (`{"v":1,...`): such records are parsed once.
    // One reader type for every record keeps the wasm small: each one doubles serde's code.
    if leading_version(bytes).is_none_or(|v| !versions.contains(&v)) {
        #[derive(serde::Deserialize)]
        struct Version {
            v: Option<u32>,
        }
        match serde_json::from_str::<Version>(text) {
            Err(e) => return Err(damaged(key, &format!("not a JSON object ({e})"))),
            Ok(Version { v: Some(v) }) if versions.contains(&v) => {}
            Ok(Version { v }) => {
                let found = v.map_or("no".to_string(), |v| format!("version {v}"));
                let known = versions.iter().map(u32::to_string).collect::<Vec<_>>().join(" and ");
                return Err(damaged(key, &format!("{found} schema; this worker reads version {known}")));
            }
        }
    }
    serde_json::from_str(text).map_err(|e| damaged(key, &format!("does not match its schema ({e})")))
}

/// Refuses a value larger than [`MAX_RECORD_BYTES`].
fn check_size(key: &str, bytes: &[u8]) -> Result<(), DataError> {
    if bytes.len() > MAX_RECORD_BYTES {
        let size = format!("{} bytes, more than the {MAX_RECORD_BYTES} a record may have", bytes.len());
        return Err(damaged(key, &size));
    }
    Ok(())
}

/// The version of a record that starts `{"v":N,` (as `newsroom build` writes them).
fn leading_version(bytes: &[u8]) -> Option<u32> {
    let rest = bytes.strip_prefix(b"{\"v\":")?;
    let digits = rest.iter().take(10).take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || rest.get(digits) != Some(&b',') {
        return None;
    }
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

fn damaged(key: &str, reason: &str) -> DataError {
    DataError { key: key.to_string(), reason: reason.to_string() }
}

/// A 308 to the canonical path, keeping the query.
fn redirect(req: &RequestFacts, path: &str) -> HttpResponse {
    let location = match &req.query {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    };
    let headers = vec![
        ("location", location),
        ("cache-control", Ttls::default().cache_control(CacheKind::ClientError, None)),
        ("content-type", "text/plain; charset=utf-8".into()),
    ];
    HttpResponse { status: 308, headers, body: b"Moved permanently to the canonical URL.\n".to_vec(), log: vec![] }
}

/// `302 Found` to `location`, with a one-line `note` for people reading the body.
fn found(location: &str, vary: &str, note: &str) -> HttpResponse {
    let headers = vec![
        ("location", location.to_string()),
        ("vary", vary.into()),
        ("cache-control", Ttls::default().cache_control(CacheKind::ClientError, None)),
        ("content-type", "text/plain; charset=utf-8".into()),
    ];
    HttpResponse { status: 302, headers, body: format!("{note}\n").into_bytes(), log: vec![] }
}

/// `OPTIONS`: what the resource allows, and CORS preflight answers.
fn options(formats: &[Format]) -> HttpResponse {
    let headers = vec![
        ("allow", "GET, HEAD, OPTIONS".into()),
        ("access-control-allow-origin", "*".into()),
        ("access-control-allow-methods", "GET, HEAD, OPTIONS".into()),
        ("access-control-allow-headers", "Accept, If-None-Match, If-Modified-Since".into()),
        ("access-control-max-age", "86400".into()),
        ("cache-control", Ttls::default().cache_control(CacheKind::ClientError, None)),
        ("x-available-formats", names(formats, ", ")),
    ];
    HttpResponse { status: 204, headers, body: vec![], log: vec![] }
}

impl HttpError {
    /// The full story for the operator's log (the public body stays vague for damaged data).
    fn to_string_for_log(&self) -> String {
        match self {
            HttpError::BadData(d) => d.to_string(),
            HttpError::Unavailable(what) => format!("storage unavailable: {what}"),
            other => other.to_string(),
        }
    }
}

/// An error in the format the client accepts (JSON if it takes JSON and not HTML).
fn error_response(req: &RequestFacts, e: &HttpError, cap: Option<u32>) -> HttpResponse {
    let lang = req.config.lang.as_str();
    let format = match req.query_param("format").and_then(Format::from_query) {
        Some(f @ (Format::Json | Format::Html)) => f,
        // A resource that is JSON only (the health check, the API description) errs in JSON.
        _ if matches!(Route::parse(&req.path), Parsed::Found(r) if r.formats() == [Format::Json]) => Format::Json,
        _ => negotiate(req.accept.as_deref(), &[Format::Html, Format::Json]).unwrap_or(Format::Html),
    };
    let body = match format {
        Format::Json => json::to_bytes(&ErrorView::new(e)),
        _ => html::error_page(e, &site(req, &Home::Main), lang).into_bytes(),
    };
    let kind = if e.status() >= 500 { CacheKind::ServerError } else { CacheKind::ClientError };
    let page = Rendered { body, lang: lang.into(), kind, last_modified: None, next_change: None, log: vec![] };
    let mut response = full_response(req, e.status(), format, page);
    set_header(&mut response, "cache-control", req.config.ttls.cache_control(kind, cap));
    response.headers.retain(|(n, _)| *n != "etag");
    match e {
        HttpError::MethodNotAllowed(_) => response.headers.push(("allow", "GET, HEAD, OPTIONS".into())),
        HttpError::NotAcceptable(offered) => response.headers.push(("link", alternates(req, offered))),
        _ => {}
    }
    if e.status() >= 500 {
        response.log.push(e.to_string_for_log());
    }
    response
}

/// `Link` header listing every representation of the resource.
fn alternates(req: &RequestFacts, offered: &[Format]) -> String {
    offered
        .iter()
        .map(|f| format!("<{}?format={}>; rel=\"alternate\"; type=\"{}\"", req.path, f.query_name(), f.media_type()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// True when `Accept-Language` chooses among translations: an HTML release page without `?lang=`.
fn negotiates_language(route: &Route, format: Format, lang: Option<&str>) -> bool {
    matches!(route, Route::Release(_)) && format == Format::Html && lang.is_none()
}

/// The request headers a response depends on.
fn vary(t: &Target) -> &'static str {
    match negotiates_language(&t.route, t.format, t.lang.as_deref()) {
        true => "Accept, Accept-Language",
        false => "Accept",
    }
}

fn set_header(response: &mut HttpResponse, name: &'static str, value: String) {
    response.headers.retain(|(n, _)| *n != name);
    response.headers.push((name, value));
}

/// The headers every response carries; validators for successful ones.
fn full_response(req: &RequestFacts, status: u16, format: Format, page: Rendered) -> HttpResponse {
    let cap = seconds_until(req.now, page.next_change);
    let private = page.kind == CacheKind::Private;
    let content_type = match format {
        // Media names end in an allow-listed extension (`route.rs`), which fixes their type.
        Format::File => crate::media::type_of(&req.path).map_or("application/octet-stream", |t| t.1).to_string(),
        f => f.content_type(),
    };
    let mut headers = vec![
        ("content-type", content_type),
        ("vary", "Accept".to_string()),
        ("cache-control", req.config.ttls.cache_control(page.kind, cap)),
        ("content-language", page.lang),
        ("etag", etag(&page.body)),
        ("x-content-type-options", "nosniff".to_string()),
        ("referrer-policy", "strict-origin-when-cross-origin".to_string()),
    ];
    headers.retain(|(name, value)| *name != "content-language" || !value.is_empty());
    if let Some(lm) = page.last_modified {
        headers.push(("last-modified", http_date(&lm)));
    }
    if private {
        // A secret preview: for the holder of the link only, never indexed or shared.
        headers.push(("x-robots-tag", "noindex, nofollow".into()));
    }
    if format == Format::Html {
        headers.push((
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'".into(),
        ));
        headers.push(("x-frame-options", "DENY".into()));
        headers.push(("permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()".into()));
    } else if !private {
        headers.push(("access-control-allow-origin", "*".into()));
        headers.push(("access-control-expose-headers", "ETag, Last-Modified, Link".into()));
    }
    if req.origin.starts_with("https://") {
        headers.push(("strict-transport-security", "max-age=31536000".into()));
    }
    HttpResponse { status, headers, body: page.body, log: page.log }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every KV record of `releases` generated releases from two publishers.
    #[cfg(feature = "gen")]
    fn generated_kv(releases: usize) -> HashMap<String, Vec<u8>> {
        let spec = crate::gen::Spec { releases, publishers: 2, seed: 3, body_bytes: (200, 400) };
        let (publishers, items) = crate::gen::in_memory(&spec);
        let site = crate::content::load_site(&publishers, &items).expect("generated content is valid");
        let records = crate::build::build(&site, None);
        records.releases.into_iter().chain(records.indexes).map(|p| (p.key, p.value.into_bytes())).collect()
    }

    #[cfg(feature = "gen")]
    #[test]
    fn a_release_page_decodes_its_record_once_over_its_two_rounds_of_reads() {
        let kv = generated_kv(10);
        let now = DateTime::from_timestamp(1_900_000_000, 0).unwrap_or_default();
        let req = RequestFacts::get("/releases/gen-3", None, now);
        let mut loaded = Loaded::default();
        let key = kv::release_key("gen-3");
        loaded.insert(key.clone(), kv.get(&key).cloned());
        let Outcome::Fetch(keys) = respond(&req, &loaded) else { panic!("the publisher is read next") };
        assert!(keys.iter().all(|k| k.starts_with("publisher:")), "{keys:?}");
        assert!(loaded.release.borrow().is_some(), "decoded in the first round");
        // Were the record decoded again, this would fail the request.
        loaded.values.insert(key.clone(), Some(b"damaged".to_vec()));
        for k in keys {
            let value = kv.get(&k).cloned();
            loaded.insert(k, value);
        }
        let Outcome::Done(r) = respond(&req, &loaded) else { panic!("two rounds") };
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        // A changed value drops the decoded record.
        loaded.insert(key, Some(b"damaged".to_vec()));
        assert!(loaded.release.borrow().is_none());
        let Outcome::Done(r) = respond(&req, &loaded) else { panic!("everything is loaded") };
        assert_eq!(r.status, 500);
    }

    #[cfg(feature = "gen")]
    #[test]
    fn a_search_ranks_once_over_its_two_rounds_of_reads() {
        let kv = generated_kv(150);
        let now = DateTime::from_timestamp(1_900_000_000, 0).unwrap_or_default();
        let req = RequestFacts::get("/search?q=sairaala&format=json", None, now);
        let mut loaded = Loaded::default();
        let mut rounds = 0;
        let body = loop {
            rounds += 1;
            match respond(&req, &loaded) {
                Outcome::Done(r) => break r.body,
                Outcome::Fetch(keys) => {
                    if keys.iter().any(|k| k.starts_with("search:snippets:")) {
                        assert!(loaded.ranked.borrow().is_some(), "ranked before asking for documents");
                        // Were it ranked again, this shard would now fail the request.
                        let (key, _) =
                            loaded.values.iter().find(|(k, _)| k.starts_with("search:shard:")).expect("shard");
                        let memo = loaded.ranked.take();
                        loaded.insert(key.clone(), Some(b"damaged".to_vec()));
                        assert!(loaded.ranked.borrow().is_none(), "a changed value drops the ranking");
                        *loaded.ranked.borrow_mut() = memo;
                    }
                    for k in keys {
                        let value = kv.get(&k).cloned();
                        loaded.insert(k, value);
                    }
                }
            }
        };
        assert_eq!(rounds, 3);
        let view: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert!(view["total"].as_u64().is_some_and(|n| n > 0), "{view}");
        // Another query of the same shard is ranked on its own, so it meets the damage.
        let other = RequestFacts::get("/search?q=sairaalaxyz&format=json", None, now);
        let Outcome::Done(r) = respond(&other, &loaded) else { panic!("the same shard is loaded") };
        assert_eq!(r.status, 500, "{}", String::from_utf8_lossy(&r.body));
    }

    #[test]
    fn records_are_checked_against_their_schema_versions() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct R {
            v: u32,
            x: u8,
        }
        assert_eq!(decode::<R>("k", br#"{"v":1,"x":2}"#), Ok(R { v: 1, x: 2 }));
        assert_eq!(decode::<R>("k", br#"{"x":2,"v":1}"#), Ok(R { v: 1, x: 2 }), "any field order");
        let newer = decode::<R>("k", br#"{"v":12,"x":2}"#).expect_err("version 12");
        assert!(newer.reason.contains("version 12 schema; this worker reads version 1"), "{}", newer.reason);
        assert_eq!(decode_of::<R>("k", br#"{"v":2,"x":2}"#, &[1, 2]), Ok(R { v: 2, x: 2 }));
        assert_eq!(decode_of::<R>("k", br#"{"x":2,"v":1}"#, &[1, 2]), Ok(R { v: 1, x: 2 }));
        let both = decode_of::<R>("k", br#"{"v":3,"x":2}"#, &[1, 2]).expect_err("version 3");
        assert!(both.reason.contains("reads version 1 and 2"), "{}", both.reason);
        assert_eq!(decode::<R>("k", br#"{"v":2,"x":2}"#).map_err(|e| e.reason.contains("version 2 schema")), Err(true));
        let broken = decode::<R>("k", br#"{"v":1,"x":"#).expect_err("truncated");
        assert!(broken.reason.contains("does not match its schema (EOF"), "{}", broken.reason);
        let odd = decode::<R>("k", br#"[1, 2"#).expect_err("no object");
        assert!(odd.reason.contains("not a JSON object"), "{}", odd.reason);
        let wrong = decode::<R>("k", br#"{"v":1,"x":"two"}"#).expect_err("wrong type");
        assert!(wrong.reason.contains("does not match its schema"), "{}", wrong.reason);
        let latin1 = decode::<R>("k", b"{\"v\":1,\"x\":\"\xe4\"}").expect_err("not UTF-8");
        assert!(latin1.reason.contains("not UTF-8"), "{}", latin1.reason);
        assert_eq!(leading_version(br#"{"v":12,"#), Some(12));
        assert_eq!(leading_version(br#"{"v":99999999999,"#), None);
        assert_eq!(leading_version(br#"{"v":1}"#), None);
    }
}
