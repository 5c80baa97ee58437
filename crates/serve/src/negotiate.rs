//! Content negotiation (RFC 9110 §12.5.1): picks the representation a client prefers.

use contract::format::Format;

/// One media range of an `Accept` header with its weight in thousandths.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Range<'a> {
    kind: &'a str,
    subtype: &'a str,
    /// The range says `charset=utf-8` (what every representation here is encoded in).
    utf8: bool,
    /// Parameters other than `q` and `charset=utf-8` (`level=1`, `charset=iso-8859-1`): they
    /// name a variant we never produce, so the range matches nothing.
    foreign: usize,
    q: u16,
}

/// Parses `Accept`, skipping malformed parts (never an error).
fn parse(accept: &str) -> Vec<Range<'_>> {
    accept.split(',').filter_map(parse_range).collect()
}

fn parse_range(part: &str) -> Option<Range<'_>> {
    let mut pieces = part.split(';').map(str::trim);
    let (kind, subtype) = pieces.next()?.split_once('/')?;
    let token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-*".contains(&b));
    if !token(kind) || !token(subtype) || (kind == "*" && subtype != "*") {
        return None;
    }
    let (mut q, mut utf8, mut foreign) = (1000, false, 0);
    for p in pieces {
        let (name, value) = p.split_once('=')?;
        let (name, value) = (name.trim(), value.trim());
        if name.eq_ignore_ascii_case("q") {
            q = parse_q(value)?;
        } else if name.eq_ignore_ascii_case("charset") && is_utf8(value) {
            utf8 = true;
        } else {
            foreign += 1;
        }
    }
    Some(Range { kind, subtype, utf8, foreign, q })
}

/// `utf-8` as a `charset` value: any case, quoted or not (RFC 9110 §8.3.2: "charset names
/// are case-insensitive"; §5.6.6: a parameter value may be a quoted string).
fn is_utf8(value: &str) -> bool {
    let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
    value.eq_ignore_ascii_case("utf-8")
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

/// The q of the most specific range matching `media`, with that specificity: by the range's
/// shape (`type/subtype` over `type/*` over `*/*`), then `charset=utf-8` over no parameter
/// (RFC 9110 §12.5.1: a range with parameters is more specific). Every representation here
/// is UTF-8 (`Format::content_type`), so `charset=utf-8` is satisfied; any other parameter
/// (`text/html;level=1`, `charset=iso-8859-1`) matches nothing. `None` if no range matches.
fn weight(ranges: &[Range<'_>], media: &str) -> Option<(u16, u8)> {
    let (kind, subtype) = media.split_once('/')?;
    ranges
        .iter()
        .filter_map(|r| {
            let shape = if r.foreign > 0 {
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
            Some((r.q, shape * 2 + u8::from(r.utf8)))
        })
        .max_by_key(|(_, s)| *s)
}

/// Picks from `available` (in server preference order) the format the client weights
/// highest; on equal q the one named more specifically wins (`application/json, */*` means
/// JSON), then server order. `None` when nothing is acceptable (answer 406); no header
/// means anything.
pub fn negotiate(accept: Option<&str>, available: &[Format]) -> Option<Format> {
    let ranges = match accept.map(str::trim) {
        None | Some("") => return available.first().copied(),
        Some(a) => parse(a),
    };
    if ranges.is_empty() {
        return available.first().copied();
    }
    let mut best: Option<((u16, u8), Format)> = None;
    for &f in available {
        match weight(&ranges, f.media_type()) {
            Some(w) if w.0 > 0 && best.is_none_or(|(bw, _)| w > bw) => best = Some((w, f)),
            _ => {}
        }
    }
    best.map(|(_, f)| f)
}

/// Most languages of an `Accept-Language` ranking that count (more only split caches).
const MAX_LANGUAGES: usize = 4;

/// The primary language subtags an `Accept-Language` header (RFC 9110 §12.5.4) asks for,
/// best first: lower case, without `q=0` ones, `*` or malformed parts, each once, at most
/// [`MAX_LANGUAGES`]. Equal weights keep the header's order. Never an error.
pub fn language_ranking(header: Option<&str>) -> Vec<String> {
    let mut weighted: Vec<(u16, String)> = Vec::new();
    for part in header.unwrap_or("").split(',').take(64) {
        let mut pieces = part.split(';').map(str::trim);
        let tag = pieces.next().unwrap_or("");
        let q = match pieces.next().map(|p| p.split_once('=')) {
            None => Some(1000),
            Some(Some((name, value))) if name.trim().eq_ignore_ascii_case("q") => parse_q(value.trim()),
            Some(_) => None,
        };
        let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        let valid = (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
        match q {
            Some(q) if q > 0 && valid && !weighted.iter().any(|(_, l)| *l == primary) => weighted.push((q, primary)),
            _ => {}
        }
    }
    weighted.sort_by_key(|w| std::cmp::Reverse(w.0));
    weighted.into_iter().map(|(_, l)| l).take(MAX_LANGUAGES).collect()
}

/// The language from `available` that `ranking` puts first; `None` if it names none of them.
pub fn preferred_language<'a>(ranking: &[String], available: &[&'a str]) -> Option<&'a str> {
    ranking.iter().find_map(|want| {
        available.iter().copied().find(|have| have.split('-').next().is_some_and(|p| p.eq_ignore_ascii_case(want)))
    })
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
            (Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"), Some(Html)),
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
            (Some("text/html;level=1;q=0.2, text/html;q=0.9, application/json;q=0.5"), Some(Html)),
            (Some("*/json"), Some(Html)),
        ];
        for (accept, expected) in cases {
            assert_eq!(negotiate(*accept, &both), *expected, "{accept:?}");
        }
    }

    #[test]
    fn real_world_headers() {
        let page = [Html, Json, Markdown];
        let feeds = [Rss, Atom, JsonFeed];
        let cases: &[(&str, &[Format], Option<Format>)] = &[
            // Firefox, Chrome, Safari navigations.
            ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", &page, Some(Html)),
            ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7", &page, Some(Html)),
            ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", &feeds, Some(Rss)),
            // curl, wget, fetch(), Python requests.
            ("*/*", &page, Some(Html)),
            ("*/*;q=0.1", &page, Some(Html)),
            ("application/json, text/plain, */*", &page, Some(Json)),
            ("text/markdown", &page, Some(Markdown)),
            ("text/markdown;q=0.9, text/html;q=0.8", &page, Some(Markdown)),
            ("text/plain", &page, None),
            ("text/*", &page, Some(Html)),
            // Feed readers.
            ("application/rss+xml, application/rdf+xml;q=0.8, application/atom+xml;q=0.6, application/xml;q=0.4, text/xml;q=0.4", &feeds, Some(Rss)),
            ("application/atom+xml,application/rss+xml;q=0.9,*/*;q=0.8", &feeds, Some(Atom)),
            ("application/feed+json, application/json;q=0.9", &feeds, Some(JsonFeed)),
            ("application/json", &feeds, None),
            ("application/*", &feeds, Some(Rss)),
            ("application/*;q=0.5, application/atom+xml", &feeds, Some(Atom)),
            ("", &feeds, Some(Rss)),
            (",,,", &feeds, Some(Rss)),
            ("application/rss+xml;q=0, */*", &feeds, Some(Atom)),
            ("text/html;q=abc, application/json", &page, Some(Json)),
            ("text/html; q=0.5 , application/json ; q=0.6", &page, Some(Json)),
        ];
        for (accept, available, expected) in cases {
            assert_eq!(negotiate(Some(accept), available), *expected, "{accept}");
        }
    }

    /// Media ranges with parameters, as real clients send them (Java's and .NET's JSON
    /// defaults, Spring's `RestTemplate`, `HttpClient`), and the cases of jshttp/negotiator's
    /// `test/mediaType.js` that apply to a server offering fixed UTF-8 representations.
    #[test]
    fn ranges_with_parameters() {
        let page = [Html, Json, Markdown];
        let feeds = [Rss, Atom, JsonFeed];
        let cases: &[(&str, &[Format], Option<Format>)] = &[
            // `charset=utf-8` is what we send: satisfied, in any case, quoted or not.
            ("application/json; charset=utf-8", &page, Some(Json)),
            ("application/json;charset=UTF-8", &page, Some(Json)),
            ("application/json; charset=\"utf-8\"", &page, Some(Json)),
            ("text/html; charset=utf-8", &page, Some(Html)),
            ("text/markdown;charset=utf-8", &page, Some(Markdown)),
            ("application/rss+xml; charset=utf-8", &feeds, Some(Rss)),
            ("application/feed+json;charset=utf-8, application/json;q=0.5", &feeds, Some(JsonFeed)),
            // .NET HttpClient and Java's defaults, with wildcards after them.
            ("application/json; charset=utf-8, text/plain; q=0.9, */*; q=0.8", &page, Some(Json)),
            ("application/json;charset=UTF-8, text/javascript, */*;q=0.01", &page, Some(Json)),
            // A parameter makes a range more specific: its q wins over the bare range's.
            ("text/html;q=0.2, text/html;charset=utf-8;q=0.9, application/json;q=0.5", &page, Some(Html)),
            ("text/html;charset=utf-8;q=0, text/html, application/json;q=0.5", &page, Some(Json)),
            ("text/*;charset=utf-8", &page, Some(Html)),
            // Another charset, or a parameter we do not know: that range matches nothing.
            ("application/json; charset=iso-8859-1", &page, None),
            ("application/json; charset=iso-8859-1, text/html;q=0.1", &page, Some(Html)),
            ("text/html;level=1", &page, None),
            ("text/html;LEVEL=1, application/json;q=0.5", &page, Some(Json)),
            ("text/html;level=1;charset=utf-8", &page, None),
            ("application/json;charset=utf-8;q=0.5, text/html;level=1", &page, Some(Json)),
            // Malformed parameters drop the range, never the header.
            ("application/json;charset, text/html;q=0.1", &page, Some(Html)),
            ("application/json; =utf-8, text/markdown", &page, Some(Markdown)),
        ];
        for (accept, available, expected) in cases {
            assert_eq!(negotiate(Some(accept), available), *expected, "{accept}");
        }
    }

    #[test]
    fn language_rankings() {
        let r = |h: &str| language_ranking(Some(h));
        assert_eq!(r("fi-FI,fi;q=0.9,en-US;q=0.8,en;q=0.7"), ["fi", "en"]);
        assert_eq!(r("en;q=0.5, sv-FI"), ["sv", "en"]);
        assert_eq!(r("*, de;q=0, sv;q=0.3, x-klingon, fi;q=abc, ENGLISH, en"), ["en", "sv"]);
        assert_eq!(r("a,b,c"), Vec::<String>::new());
        assert_eq!(r("fi,sv,en,de,fr,it"), ["fi", "sv", "en", "de"]);
        assert!(language_ranking(None).is_empty());
        assert!(r(&"de,".repeat(10_000)).len() == 1, "a huge header is cut, not parsed whole");
        let ranking = r("sv, fi;q=0.5");
        assert_eq!(preferred_language(&ranking, &["fi", "sv-FI"]), Some("sv-FI"));
        assert_eq!(preferred_language(&ranking, &["en"]), None);
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
