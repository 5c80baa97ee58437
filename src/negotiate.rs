//! Content negotiation (RFC 9110 §12.5.1): picks the representation a client prefers.

/// A representation the worker can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `text/html`.
    Html,
    /// `application/json`.
    Json,
}

impl Format {
    /// Media type without parameters.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Html => "text/html",
            Self::Json => "application/json",
        }
    }

    /// `Content-Type` header value.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Html => "text/html; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        }
    }

    /// The `?format=` value that selects this representation.
    pub fn query_name(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Json => "json",
        }
    }

    /// Parses a `?format=` value.
    pub fn from_query(name: &str) -> Option<Self> {
        [Self::Html, Self::Json]
            .into_iter()
            .find(|f| f.query_name() == name)
    }
}

/// One media range of an `Accept` header with its weight in thousandths.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Range<'a> {
    kind: &'a str,
    subtype: &'a str,
    params: usize,
    q: u16,
}

/// Parses `Accept`, skipping malformed parts (never an error).
fn parse(accept: &str) -> Vec<Range<'_>> {
    accept.split(',').filter_map(parse_range).collect()
}

fn parse_range(part: &str) -> Option<Range<'_>> {
    let mut pieces = part.split(';').map(str::trim);
    let (kind, subtype) = pieces.next()?.split_once('/')?;
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-*".contains(&b))
    };
    if !token(kind) || !token(subtype) || (kind == "*" && subtype != "*") {
        return None;
    }
    let mut q = 1000;
    let mut params = 0;
    for p in pieces {
        let (name, value) = p.split_once('=')?;
        if name.trim().eq_ignore_ascii_case("q") {
            q = parse_q(value.trim())?;
        } else {
            params += 1;
        }
    }
    Some(Range {
        kind,
        subtype,
        params,
        q,
    })
}

/// `0`, `0.5`, `1.000` → thousandths; anything else is malformed.
fn parse_q(v: &str) -> Option<u16> {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac_value = format!("{frac:0<3}").parse::<u16>().ok()?;
    match int {
        "0" => Some(frac_value),
        "1" if frac_value == 0 => Some(1000),
        _ => None,
    }
}

/// The q of the most specific range matching `media`; `None` if no range matches.
fn weight(ranges: &[Range<'_>], media: &str) -> Option<u16> {
    let (kind, subtype) = media.split_once('/')?;
    ranges
        .iter()
        .filter_map(|r| {
            // A range with parameters (`text/html;level=1`) names a variant we never produce.
            let specificity = if r.params > 0 {
                return None;
            } else if r.kind.eq_ignore_ascii_case(kind) && r.subtype.eq_ignore_ascii_case(subtype) {
                2
            } else if r.kind.eq_ignore_ascii_case(kind) && r.subtype == "*" {
                1
            } else if r.kind == "*" {
                0
            } else {
                return None;
            };
            Some((specificity, r.q))
        })
        .max_by_key(|(s, _)| *s)
        .map(|(_, q)| q)
}

/// Picks from `available` (in server preference order) the format the client weights
/// highest; `None` when nothing is acceptable (answer 406). No header means anything.
pub fn negotiate(accept: Option<&str>, available: &[Format]) -> Option<Format> {
    let ranges = match accept.map(str::trim) {
        None | Some("") => return available.first().copied(),
        Some(a) => parse(a),
    };
    if ranges.is_empty() {
        return available.first().copied();
    }
    let mut best: Option<(u16, Format)> = None;
    for &f in available {
        match weight(&ranges, f.media_type()) {
            Some(q) if q > 0 && best.is_none_or(|(bq, _)| q > bq) => best = Some((q, f)),
            _ => {}
        }
    }
    best.map(|(_, f)| f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Format::*;

    #[test]
    fn table() {
        let both = [Html, Json];
        let cases: &[(Option<&str>, Option<Format>)] = &[
            (None, Some(Html)),
            (Some(""), Some(Html)),
            (Some("*/*"), Some(Html)),
            (Some("application/json"), Some(Json)),
            (
                Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                Some(Html),
            ),
            (Some("application/json, text/html;q=0.5"), Some(Json)),
            (Some("text/html;q=0.5, application/json;q=0.9"), Some(Json)),
            (Some("text/*;q=0.3, application/*;q=0.2"), Some(Html)),
            (Some("*/*;q=0.1, application/json;q=0"), Some(Html)),
            (Some("text/html;q=0, */*"), Some(Json)),
            (Some("image/png"), None),
            (Some("text/html;q=0, application/json;q=0"), None),
            (Some("garbage, application/json"), Some(Json)),
            (Some("application/json;q=2"), Some(Html)),
            (Some("application/json;q=0.0001"), Some(Html)),
            (Some("APPLICATION/JSON"), Some(Json)),
            (
                Some("text/html;level=1;q=0.2, text/html;q=0.9, application/json;q=0.5"),
                Some(Html),
            ),
            (Some("*/json"), Some(Html)),
        ];
        for (accept, expected) in cases {
            assert_eq!(negotiate(*accept, &both), *expected, "{accept:?}");
        }
    }

    #[test]
    fn q_values() {
        assert_eq!(parse_q("0.5"), Some(500));
        assert_eq!(parse_q("1"), Some(1000));
        assert_eq!(parse_q("1.000"), Some(1000));
        assert_eq!(parse_q("0.001"), Some(1));
        assert_eq!(parse_q("1.5"), None);
        assert_eq!(parse_q("-1"), None);
        assert_eq!(parse_q(""), None);
    }
}
