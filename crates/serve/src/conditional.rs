//! Validators and conditional requests (RFC 9110 §8.8, §13): `ETag`, `Last-Modified`,
//! `If-None-Match` and `If-Modified-Since`.

use std::hash::{BuildHasher, Hasher};

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};

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

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), written out by hand: chrono's
/// `format` would bring its format-string interpreter into the worker for this one shape.
pub fn http_date(at: &DateTime<FixedOffset>) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let t = at.with_timezone(&Utc);
    let (day, month) = (DAYS[t.weekday().num_days_from_monday() as usize], MONTHS[t.month0() as usize]);
    format!("{day}, {:02} {month} {:04} {:02}:{:02}:{:02} GMT", t.day(), t.year(), t.hour(), t.minute(), t.second())
}

/// True when `If-None-Match` lists `etag` (weak comparison) or is `*`.
pub fn none_match_hits(header: &str, etag: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let ours = opaque(etag);
    header.split(',').any(|t| t.trim() == "*" || opaque(t) == ours)
}

/// The Unix time an HTTP-date names (RFC 9110 §5.6.7): the IMF-fixdate every client sends
/// (`Sun, 06 Nov 1994 08:49:37 GMT`) and, as recipients must, the obsolete RFC 850
/// (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`) forms.
/// `None` for anything else. By hand: chrono's RFC 2822 parser is its general interpreter.
pub fn http_date_seconds(text: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = |m: &str| MONTHS.iter().position(|n| *n == m).map(|i| i as u32 + 1);
    let number = |t: &str| t.parse::<u32>().ok().filter(|_| t.bytes().all(|b| b.is_ascii_digit()));
    let words: Vec<&str> = text.split_ascii_whitespace().collect();
    let (day, month, year, time) = match words.as_slice() {
        // IMF-fixdate: the weekday ends in a comma, the zone is GMT.
        [weekday, day, m, year, time, "GMT"] if weekday.ends_with(',') && day.len() == 2 && year.len() == 4 => {
            (number(day)?, month(m)?, number(year)? as i32, *time)
        }
        // RFC 850: `Sunday, 06-Nov-94`; two-digit years are 19xx from 70, else 20xx.
        [weekday, date, time, "GMT"] if weekday.ends_with(',') => {
            let mut parts = date.split('-');
            let (day, m, year) = (parts.next()?, parts.next()?, parts.next()?);
            let year = number(year).filter(|_| year.len() == 2)? as i32;
            (number(day)?, month(m)?, if year >= 70 { 1900 + year } else { 2000 + year }, *time)
        }
        // asctime: `Sun Nov  6 08:49:37 1994`.
        [_, m, day, time, year] if year.len() == 4 => (number(day)?, month(m)?, number(year)? as i32, *time),
        _ => return None,
    };
    let mut hms = time.split(':').map(number);
    let (h, mi, sec) = (hms.next()??, hms.next()??, hms.next()??);
    if hms.next().is_some() || time.len() != 8 {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(year, month, day)?;
    Some(date.and_hms_opt(h, mi, sec)?.and_utc().timestamp())
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
        (Some(ims), Some(lm)) => match (http_date_seconds(ims), http_date_seconds(lm)) {
            (Some(ims), Some(lm)) => lm <= ims,
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
    fn http_dates_are_read_in_all_three_forms_and_nothing_else() {
        let t = Some(784_111_777);
        assert_eq!(http_date_seconds("Sun, 06 Nov 1994 08:49:37 GMT"), t);
        assert_eq!(http_date_seconds("Sunday, 06-Nov-94 08:49:37 GMT"), t);
        assert_eq!(http_date_seconds("Sun Nov  6 08:49:37 1994"), t);
        for bad in [
            "",
            "Sun, 06 Nov 1994 08:49:37 EET",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 8:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov +994 08:49:37 GMT",
            "1994-11-06T08:49:37Z",
        ] {
            assert_eq!(http_date_seconds(bad), None, "{bad}");
        }
        // What `http_date` writes is read back to the second.
        let start = DateTime::parse_from_rfc3339("2023-12-25T23:59:58+03:00").expect("valid");
        for n in 0..5_000 {
            let at = start + chrono::Duration::seconds(n * 86_399);
            assert_eq!(http_date_seconds(&http_date(&at)), Some(at.timestamp()));
        }
    }

    #[test]
    fn http_dates_match_chrono_format() {
        let start = DateTime::parse_from_rfc3339("2023-12-25T23:59:58+03:00").expect("valid");
        for hours in 0..(24 * 800) {
            let at = start + chrono::Duration::seconds(hours * 3_599);
            assert_eq!(http_date(&at), at.with_timezone(&Utc).format("%a, %d %b %Y %H:%M:%S GMT").to_string());
        }
    }

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
