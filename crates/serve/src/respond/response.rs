//! Building responses: the headers every response carries, errors in the negotiated
//! format, redirects and `OPTIONS`.

use chrono::{DateTime, FixedOffset};
use contract::cache::{seconds_until, CacheKind, Ttls};
use contract::error::HttpError;
use contract::format::Format;
use contract::model::Listed;
use contract::route::{with_param, Parsed, Route};
use render::html::Site;
use render::json::ErrorView;
use render::{html, json};

use super::resolve::{names, Home};
use crate::conditional::{etag, http_date};
use crate::http::{HttpResponse, RequestFacts};
use crate::negotiate::negotiate;

/// A rendered body plus what the headers need.
pub(super) struct Rendered {
    pub(super) body: Vec<u8>,
    pub(super) lang: String,
    pub(super) kind: CacheKind,
    pub(super) last_modified: Option<DateTime<FixedOffset>>,
    /// When a scheduled release becomes public, so caches expire by then.
    pub(super) next_change: Option<DateTime<FixedOffset>>,
    pub(super) log: Vec<String>,
    /// `Content-Type` when the format does not fix it (a publisher's logo as the favicon).
    pub(super) content_type: Option<String>,
}

impl Rendered {
    /// Adds a warning to the log for each entry of `list` (read from `key`) that was left out.
    pub(super) fn warn<T>(mut self, key: &str, list: &Listed<T>) -> Self {
        self.log.extend(list.skipped.iter().map(|why| format!("{key}: left out damaged {why}")));
        self
    }
}

/// The origin and name pages speak with.
pub(super) fn site<'a>(req: &'a RequestFacts, home: &'a Home) -> Site<'a> {
    let name = match home {
        Home::Publisher(p) => Some(p.name.as_str()),
        Home::Main => req.config.site_name.as_deref(),
    };
    Site { origin: &req.origin, name }
}

/// The headers every response carries; validators for successful ones.
pub(super) fn full_response(req: &RequestFacts, status: u16, format: Format, page: Rendered) -> HttpResponse {
    let cap = seconds_until(req.now, page.next_change);
    let private = page.kind == CacheKind::Private;
    let content_type = match (format, page.content_type) {
        (_, Some(given)) => given,
        // Media names end in an allow-listed extension (`route.rs`), which fixes their type.
        (Format::File, None) => {
            contract::media::type_of(&req.path).map_or("application/octet-stream", |t| t.1).to_string()
        }
        (f, None) => f.content_type(),
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
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; media-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'".into(),
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

/// An error in the format the client accepts (JSON if it takes JSON and not HTML).
pub(super) fn error_response(req: &RequestFacts, e: &HttpError, cap: Option<u32>) -> HttpResponse {
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
    let page = Rendered {
        body,
        lang: lang.into(),
        kind,
        last_modified: None,
        next_change: None,
        log: vec![],
        content_type: None,
    };
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

/// A 308 to the canonical path, keeping the query.
pub(super) fn redirect(req: &RequestFacts, path: &str) -> HttpResponse {
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
pub(super) fn found(location: &str, vary: &str, note: &str) -> HttpResponse {
    let headers = vec![
        ("location", location.to_string()),
        ("vary", vary.into()),
        ("cache-control", Ttls::default().cache_control(CacheKind::ClientError, None)),
        ("content-type", "text/plain; charset=utf-8".into()),
    ];
    HttpResponse { status: 302, headers, body: format!("{note}\n").into_bytes(), log: vec![] }
}

/// `OPTIONS`: what the resource allows, and CORS preflight answers.
pub(super) fn options(formats: &[Format]) -> HttpResponse {
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

/// `Link` header listing every representation of the resource, its query kept (a search's
/// terms, a page number).
pub(super) fn alternates(req: &RequestFacts, offered: &[Format]) -> String {
    let here = match &req.query {
        Some(q) => format!("{}?{q}", req.path),
        None => req.path.clone(),
    };
    offered
        .iter()
        .map(|f| {
            let href = with_param(&here, "format", f.query_name());
            format!("<{href}>; rel=\"alternate\"; type=\"{}\"", f.media_type())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn set_header(response: &mut HttpResponse, name: &'static str, value: String) {
    response.headers.retain(|(n, _)| *n != name);
    response.headers.push((name, value));
}
