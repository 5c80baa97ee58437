//! Validators and conditional requests (RFC 9110 §8.8, §13): `ETag`, `Last-Modified`,
//! `If-None-Match` and `If-Modified-Since`.

use std::hash::{BuildHasher, Hasher};

use chrono::{DateTime, FixedOffset, Utc};

use crate::http::{HttpResponse, RequestFacts};

/// A strong entity tag from the representation's bytes (different representations, different bytes).
pub fn etag(body: &[u8]) -> String {
    // A fixed seed: stable for one build of the worker, which is all a validator needs (a
    // new deployment may change every tag, which only costs one refetch). foldhash reads
    // 16 bytes a step: a 20 KB page hashes in a quarter of SipHash's time.
    let mut h = foldhash::quality::FixedState::with_seed(0x6e65_7773).build_hasher();
    h.write(body);
    format!("\"{:016x}{:08x}\"", h.finish(), body.len() as u32)
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn http_date(at: &DateTime<FixedOffset>) -> String {
    at.with_timezone(&Utc).format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// True when `If-None-Match` lists `etag` (weak comparison) or is `*`.
pub fn none_match_hits(header: &str, etag: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let ours = opaque(etag);
    header.split(',').any(|t| t.trim() == "*" || opaque(t) == ours)
}

/// Decides whether a GET/HEAD may be answered `304 Not Modified`. `If-Modified-Since` is
/// ignored when `If-None-Match` is present, and when either date is unparseable.
pub fn is_not_modified(
    if_none_match: Option<&str>,
    if_modified_since: Option<&str>,
    etag: Option<&str>,
    last_modified: Option<&str>,
) -> bool {
    if let Some(inm) = if_none_match {
        return etag.is_some_and(|e| none_match_hits(inm, e));
    }
    match (if_modified_since, last_modified) {
        (Some(ims), Some(lm)) => match (DateTime::parse_from_rfc2822(ims), DateTime::parse_from_rfc2822(lm)) {
            (Ok(ims), Ok(lm)) => lm <= ims,
            _ => false,
        },
        _ => false,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_differ_by_bytes() {
        assert_eq!(etag(b"a"), etag(b"a"));
        assert_ne!(etag(b"a"), etag(b"b"));
        assert!(etag(b"a").starts_with('"') && etag(b"a").ends_with('"'));
    }

    #[test]
    fn if_none_match_table() {
        let e = "\"abc\"";
        let cases = [
            ("\"abc\"", true),
            ("W/\"abc\"", true),
            ("\"x\", \"abc\"", true),
            ("*", true),
            ("\"x\"", false),
            ("abc", false),
            ("", false),
        ];
        for (header, expected) in cases {
            assert_eq!(is_not_modified(Some(header), None, Some(e), None), expected, "{header}");
        }
    }

    #[test]
    fn if_modified_since() {
        let lm = "Wed, 25 Jun 2025 07:02:11 GMT";
        assert!(is_not_modified(None, Some(lm), None, Some(lm)));
        assert!(is_not_modified(None, Some("Thu, 26 Jun 2025 00:00:00 GMT"), None, Some(lm)));
        assert!(!is_not_modified(None, Some("Tue, 24 Jun 2025 00:00:00 GMT"), None, Some(lm)));
        assert!(!is_not_modified(None, Some("yesterday"), None, Some(lm)));
        // If-None-Match wins, even when it misses.
        assert!(!is_not_modified(Some("\"x\""), Some(lm), Some("\"y\""), Some(lm)));
        let at = DateTime::parse_from_rfc3339("2025-06-25T10:02:11+03:00").unwrap();
        assert_eq!(http_date(&at), lm);
    }
}
