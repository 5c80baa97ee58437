//! Resolution before any KV read: whose newsroom (host), which resource (route), in
//! which representation (format), with which parameters, and the Cache API key.

use contract::error::HttpError;
use contract::format::Format;
use contract::kv;
use contract::model::{HostsRecord, PublisherRef};
use contract::route::{search_scope, FeedScope, Parsed, Route, MAX_PAGE};

use super::load::record;
use super::{Halt, Loaded};
use crate::http::RequestFacts;
use crate::negotiate::{language_ranking, negotiate};

/// Whose newsroom a request is on: the main site, or a publisher's own host name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Home {
    Main,
    Publisher(PublisherRef),
}

/// A resolved request: which resource, in which representation.
pub(super) struct Target {
    pub(super) route: Route,
    /// The canonical path of the resource on this host (`/` for a publisher's page on its
    /// own host, where `route` is that publisher's page).
    pub(super) path: String,
    pub(super) home: Home,
    pub(super) format: Format,
    pub(super) limit: usize,
    pub(super) page: usize,
    /// A preview token (`?preview=`) for a release page.
    pub(super) preview: Option<String>,
    /// The language asked for with `?lang=` on a release page.
    pub(super) lang: Option<String>,
    /// The reader's languages (`Accept-Language`), best first, for an HTML release page
    /// without `?lang=`: they choose among its translations.
    pub(super) languages: Vec<String>,
}

/// Answers that need no KV read.
pub(super) enum Early {
    Fail(HttpError),
    Redirect(String),
    /// `302 Found` to this URL (a list filtered by type is a search).
    Found(String),
    Options(&'static [Format]),
}

/// The host name of an origin (`https://host:port` → `host`).
pub(super) fn host_of(origin: &str) -> &str {
    let rest = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    match rest.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => rest.split(':').next().unwrap_or(""),
    }
}

/// The main site answers without a lookup on `BASE_URL`'s host and on this machine; any other
/// host name is looked up in `index:hosts` (one small read, on a cache miss only).
pub(super) fn home(req: &RequestFacts, loaded: &Loaded) -> Result<Home, Vec<String>> {
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
pub(super) fn on_publisher_host(route: Route, slug: &str, req: &RequestFacts) -> Result<Route, Early> {
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
        Route::OwnMediaBank => Ok(Route::MediaBank(slug.to_string())),
        Route::MediaBank(s) if own(&s) => Err(Early::Redirect("/media".into())),
        Route::MediaBank(s) | Route::ContactCard(s, _) if !own(&s) => Err(elsewhere()),
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

/// The Cache API key for this request's full response, if it may be cached: the canonical
/// URL plus the chosen representation and the parameters that change the body.
pub fn cache_key(req: &RequestFacts) -> Option<String> {
    // The key needs no KV read: the origin tells hosts apart, so the main site is assumed.
    // Previews and journalists' keys are answered for one reader only: never from a cache.
    if req.embargo.is_some() {
        return None;
    }
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

/// Method, route, representation and query, all checked before any KV read.
pub(super) fn resolve(req: &RequestFacts, home: Home) -> Result<Target, Early> {
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
    // `/media` is a media bank on a publisher's own host; the cache key resolves it on the
    // main host, where it must keep its page too.
    let paged = matches!(
        route,
        Route::Latest
            | Route::Publisher(_)
            | Route::MediaBank(_)
            | Route::OwnMediaBank
            | Route::Keyword(_)
            | Route::Year(_)
            | Route::Search
    );
    let page = match (paged, req.query_param("page")) {
        (true, Some(text)) => parse_number("page", text, MAX_PAGE).map_err(Early::Fail)?,
        _ => 1,
    };
    let preview = match (&route, req.query_param("preview")) {
        (Route::Release(_), Some(token)) => Some(token.to_string()),
        _ => None,
    };
    let lang = match (&route, req.query_param("lang")) {
        (Route::Release(_), Some(tag)) if contract::i18n::is_language_tag(tag) => Some(tag.to_ascii_lowercase()),
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
pub(super) fn filtered_list(scope: &str, kind: &str, format: Format) -> Early {
    match contract::model::ReleaseKind::from_param(kind) {
        Ok(kind) => {
            let format =
                if format == Format::Html { String::new() } else { format!("&format={}", format.query_name()) };
            Early::Found(format!("/search?{scope}type={}{format}", kind.id()))
        }
        Err(message) => Early::Fail(HttpError::BadRequest(message)),
    }
}

/// The search parameters that stand for a list page's scope (`publisher=x&`), if it is a list.
pub(super) fn list_scope(route: &Route) -> Option<String> {
    match route {
        Route::Latest => Some(String::new()),
        Route::Publisher(slug) => Some(search_scope("publisher", slug)),
        Route::Keyword(slug) => Some(search_scope("keyword", slug)),
        Route::Year(year) => Some(search_scope("year", &year.to_string())),
        _ => None,
    }
}

/// `?format=` wins over `Accept`; a feed file name fixes its format.
pub(super) fn choose_format(req: &RequestFacts, route: &Route) -> Result<Format, HttpError> {
    let offered = route.formats();
    if let (
        Route::Feed(_, Some(_))
        | Route::Sitemap
        | Route::SitemapPart(_)
        | Route::NewsSitemap
        | Route::Robots
        | Route::LlmsTxt
        | Route::Favicon
        | Route::Subscribe
        | Route::Media(_)
        | Route::ContactCard(..)
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
pub(super) fn parse_number(name: &str, text: &str, max: usize) -> Result<usize, HttpError> {
    contract::config::whole_number(text, 1, max).ok_or_else(|| {
        let shown: String = text.chars().take(20).collect();
        HttpError::BadRequest(format!("`{name}={shown}` must be a whole number from 1 to {max}."))
    })
}

/// `?format=` names joined by `sep`.
pub(super) fn names(formats: &[Format], sep: &str) -> String {
    formats.iter().map(|f| f.query_name()).collect::<Vec<_>>().join(sep)
}

/// The decoded search parameters of a request.
pub(super) fn search_params(req: &RequestFacts) -> Vec<(String, String)> {
    form_urlencoded::parse(req.query.as_deref().unwrap_or("").as_bytes()).into_owned().collect()
}

/// The search parameters re-encoded in a fixed order (for links and cache keys), without `page`.
pub(super) fn search_query_string(params: &[(String, String)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for name in ["q", "publisher", "keyword", "year", "type"] {
        if let Some((_, v)) = params.iter().find(|(k, v)| k == name && !v.trim().is_empty()) {
            out.append_pair(name, v.trim());
        }
    }
    out.finish()
}

/// True when `Accept-Language` chooses among translations: an HTML release page without `?lang=`.
pub(super) fn negotiates_language(route: &Route, format: Format, lang: Option<&str>) -> bool {
    matches!(route, Route::Release(_)) && format == Format::Html && lang.is_none()
}

/// The request headers a response depends on.
pub(super) fn vary(t: &Target) -> &'static str {
    match negotiates_language(&t.route, t.format, t.lang.as_deref()) {
        true => "Accept, Accept-Language",
        false => "Accept",
    }
}
