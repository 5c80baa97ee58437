//! Search at the edge: an inverted index built by `newsroom build`, sharded in KV by the
//! first three letters of each term, read by the worker a bounded number of values at a time
//! (`docs/kv-layout.md`). Document ids count up from the oldest release, so a new release
//! changes only the shards of its own terms; postings are stored compactly (delta-coded
//! varints in base64), so a worker decodes only the postings of the terms it matches. Finnish-aware in the simple ways that matter: case and diacritics
//! are folded (ä→a, ö→o, å→a) and query terms match as prefixes, so `hyvinvointialue`
//! finds `hyvinvointialueen`. Ranking: releases with a hit in the title first, then newest.

use std::collections::{BTreeMap, BTreeSet};

use pulldown_cmark::{Event, Parser};
use serde::{Deserialize, Serialize};

use crate::model::{PublisherRef, ReleaseKind, Timestamp};
use crate::slug::words;

/// Documents per `search:docs:{n}` record.
pub const DOCS_PER_CHUNK: usize = 100;
/// How many of the newest documents carry their publication time in the shards and filters
/// that list them, so the worker can hide scheduled ones without another read. Scheduled
/// releases are always the newest (ids follow publication time); a result beyond this
/// window that is still scheduled is dropped when its document is read, never shown.
pub const RECENT: usize = 100;
/// Most terms a query may have.
pub const MAX_TERMS: usize = 5;

/// A term hit in the title.
pub const IN_TITLE: u8 = 1;
/// A term hit in the keywords.
pub const IN_KEYWORDS: u8 = 2;
/// A term hit in the lead or body.
pub const IN_TEXT: u8 = 4;

/// Folded search terms of `text`: lowercase, transliterated, 2–40 characters.
pub fn terms(text: &str) -> impl Iterator<Item = String> {
    words(text).into_iter().filter(|t| (2..=40).contains(&t.len()))
}

/// The shard a term lives in: its first three characters (a two-letter term is its own
/// shard, so two-letter query words match exactly, longer ones as prefixes).
pub fn shard_of(term: &str) -> &str {
    let end = term.char_indices().nth(3).map_or(term.len(), |(i, _)| i);
    &term[..end]
}

/// A document id and where a term occurs in it ([`IN_TITLE`] | [`IN_KEYWORDS`] | [`IN_TEXT`]).
pub type Posting = (u32, u8);

/// Postings `(doc id, where)` in ascending id order as stored: each entry a LEB128 varint
/// of `(id - previous id) << 3 | where`, the bytes in unpadded URL-safe base64.
pub fn encode_postings(postings: &[Posting]) -> String {
    use base64::Engine as _;
    let mut bytes = Vec::with_capacity(postings.len() * 2);
    let mut previous = 0;
    for &(id, flags) in postings {
        let mut v = (u64::from(id - previous) << 3) | u64::from(flags & 7);
        previous = id;
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                bytes.push(byte);
                break;
            }
            bytes.push(byte | 0x80);
        }
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes [`encode_postings`]; damaged text yields the entries before the damage.
pub fn decode_postings(text: &str) -> Vec<Posting> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).unwrap_or_default();
    // Most entries take one byte.
    let (mut out, mut id, mut v, mut shift) = (Vec::with_capacity(bytes.len()), 0u32, 0u64, 0);
    for byte in bytes {
        v |= u64::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            let Some(next) = u32::try_from(v >> 3).ok().and_then(|d| id.checked_add(d)) else { break };
            id = next;
            out.push((id, (v & 7) as u8));
            (v, shift) = (0, 0);
        } else if shift > 35 {
            break;
        }
    }
    out
}

/// Plain text of Markdown (for indexing).
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(markdown) {
        if let Event::Text(t) | Event::Code(t) = event {
            out.push_str(&t);
            out.push(' ');
        }
    }
    out
}

/// `search:shard:{abc}`: each term starting with `abc` and its postings ([`encode_postings`]).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct ShardRecord {
    /// Schema version.
    pub v: u32,
    /// Term → encoded postings, ids ascending.
    pub terms: BTreeMap<String, String>,
    /// `[id, publication time]` of the newest [`RECENT`] documents this shard lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent: Vec<[i64; 2]>,
}

/// `search:filter:{p|k|y}:{value}`: ids of the documents of a publisher, keyword or year.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct FilterRecord {
    /// Schema version.
    pub v: u32,
    /// Ids, ascending.
    pub ids: Vec<u32>,
    /// `[id, publication time]` of the newest [`RECENT`] documents this filter lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent: Vec<[i64; 2]>,
}

/// What a result shows.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SearchDoc {
    /// Release slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Publisher.
    pub publisher: PublisherRef,
    /// Publication time.
    pub published: Timestamp,
    /// Language.
    pub lang: String,
    /// Lead (the snippet).
    pub lead: String,
}

/// `search:docs:{n}`: documents `n * DOCS_PER_CHUNK ..`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct DocsRecord {
    /// Schema version.
    pub v: u32,
    /// Documents in id order.
    pub docs: Vec<SearchDoc>,
}

/// What a search page shows.
#[derive(Debug)]
pub struct SearchResults<'a> {
    /// The parsed query.
    pub query: &'a Query,
    /// The `q` text as typed.
    pub q: &'a str,
    /// Matching published releases.
    pub total: usize,
    /// This page's hits, ranked.
    pub hits: Vec<SearchDoc>,
}

/// A parsed, validated query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    /// Folded terms, at most [`MAX_TERMS`].
    pub terms: Vec<String>,
    /// `publisher=` slug.
    pub publisher: Option<String>,
    /// `keyword=` slug.
    pub keyword: Option<String>,
    /// `year=`.
    pub year: Option<i32>,
    /// `type=`: a release kind.
    pub kind: Option<ReleaseKind>,
}

impl Query {
    /// Parses `q`, `publisher`, `keyword` and `year` from a decoded query string.
    pub fn parse(params: &[(String, String)]) -> Result<Query, String> {
        let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim());
        let mut query = Query::default();
        if let Some(q) = get("q") {
            if q.chars().count() > 200 {
                return Err("The search `q` may be at most 200 characters.".into());
            }
            let mut seen = BTreeSet::new();
            query.terms = terms(q).filter(|t| seen.insert(t.clone())).collect();
            if query.terms.len() > MAX_TERMS {
                return Err(format!("Use at most {MAX_TERMS} search words."));
            }
        }
        let slug = |name: &str| -> Result<Option<String>, String> {
            match get(name).filter(|v| !v.is_empty()) {
                Some(v) if crate::slug::is_valid(v) => Ok(Some(v.to_string())),
                Some(_) => Err(format!("`{name}` must be a slug such as `kymsote`.")),
                None => Ok(None),
            }
        };
        query.publisher = slug("publisher")?;
        query.keyword = slug("keyword")?;
        query.kind = match get("type").filter(|v| !v.is_empty()) {
            Some(v) => Some(ReleaseKind::from_param(v)?),
            None => None,
        };
        query.year = match get("year").filter(|v| !v.is_empty()) {
            Some(v) => {
                Some(v.parse().ok().filter(|y| (1900..3000).contains(y)).ok_or("`year` must be a year such as 2025.")?)
            }
            None => None,
        };
        Ok(query)
    }

    /// True when there is nothing to search for (the search page shows its form only).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
            && self.publisher.is_none()
            && self.keyword.is_none()
            && self.year.is_none()
            && self.kind.is_none()
    }

    /// KV keys of the term shards and filters this query reads (everything ranking needs).
    pub fn keys(&self) -> Vec<String> {
        let shards: BTreeSet<&str> = self.terms.iter().map(|t| shard_of(t)).collect();
        let mut keys: Vec<String> = shards.into_iter().map(shard_key).collect();
        keys.extend(self.publisher.as_ref().map(|p| filter_key('p', p)));
        keys.extend(self.keyword.as_ref().map(|k| filter_key('k', k)));
        keys.extend(self.year.map(|y| filter_key('y', &y.to_string())));
        keys.extend(self.kind.map(|k| filter_key('t', k.id())));
        keys
    }
}

/// Key of a term shard.
pub fn shard_key(shard: &str) -> String {
    format!("search:shard:{shard}")
}

/// Key of a filter (`p` publisher, `k` keyword, `y` year, `t` type).
pub fn filter_key(kind: char, value: &str) -> String {
    format!("search:filter:{kind}:{value}")
}

/// Key of a documents chunk.
pub fn docs_key(chunk: usize) -> String {
    format!("search:docs:{chunk}")
}

/// The prefixes a folded query term matches: itself, and for the commonest Finnish nominative
/// endings the stem its inflected forms share (`paivystys` → `paivystyks-`, as in
/// `päivystyksissä`; `suomalainen` → `suomalais-`). Every stem shares the term's shard.
pub fn stems(term: &str) -> Vec<String> {
    let mut out = vec![term.to_string()];
    if term.len() >= 5 && term.ends_with('s') && !term.ends_with("ks") {
        out.push(format!("{}ks", &term[..term.len() - 1]));
    }
    if term.len() >= 6 && term.ends_with("nen") {
        out.push(format!("{}s", &term[..term.len() - 3]));
    }
    out
}

/// Matching ids, ranked: title hits first, then newest (highest id). Every term must match
/// (as a prefix of an indexed term); every filter must hold. Works on id-sorted vectors
/// (postings and filters are stored in id order), so no maps and no sorting of the hits.
pub fn rank(query: &Query, shards: &BTreeMap<String, ShardRecord>, filters: &[FilterRecord]) -> Vec<u32> {
    let mut hits: Option<Vec<Posting>> = None;
    for term in &query.terms {
        let this = term_postings(term, shards);
        hits = Some(match hits {
            None => this,
            Some(prev) => intersect(&prev, &this),
        });
    }
    let mut hits = match hits {
        Some(h) => h,
        // Filters only: every document of the (first) filter.
        None => filters.first().map(|f| f.ids.iter().map(|id| (*id, 0)).collect()).unwrap_or_default(),
    };
    for f in filters {
        let mut allowed = f.ids.iter().peekable();
        hits.retain(|(id, _)| {
            while allowed.next_if(|a| *a < id).is_some() {}
            allowed.peek() == Some(&id)
        });
    }
    let in_title = |(_, f): &&Posting| f & IN_TITLE != 0;
    let title = hits.iter().rev().filter(in_title);
    let rest = hits.iter().rev().filter(|p| !in_title(p));
    let mut ranked = Vec::with_capacity(hits.len());
    ranked.extend(title.chain(rest).map(|(id, _)| *id));
    ranked
}

/// The postings of every indexed term `term` (or one of its stems) is a prefix of, merged
/// into one id-sorted list with the places of each id combined.
fn term_postings(term: &str, shards: &BTreeMap<String, ShardRecord>) -> Vec<Posting> {
    let Some(shard) = shards.get(shard_of(term)) else { return Vec::new() };
    let mut lists: Vec<Vec<Posting>> = Vec::new();
    for stem in stems(term) {
        for (_, postings) in shard.terms.range(stem.clone()..).take_while(|(t, _)| t.starts_with(stem.as_str())) {
            lists.push(decode_postings(postings));
        }
    }
    // A few lists merge in linear passes; many (a short prefix) are cheaper sorted once.
    if lists.len() <= 4 {
        return lists.into_iter().reduce(|all, list| union(&all, &list)).unwrap_or_default();
    }
    let mut all: Vec<Posting> = lists.concat();
    all.sort_unstable_by_key(|(id, _)| *id);
    all.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 |= later.1;
        }
        same
    });
    all
}

/// The ids in either id-sorted list, with their places combined.
fn union(a: &[Posting], b: &[Posting]) -> Vec<Posting> {
    if a.is_empty() {
        return b.to_vec();
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::with_capacity(a.len() + b.len()));
    loop {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                out.push((x.0, x.1 | y.1));
                (i, j) = (i + 1, j + 1);
            }
            (Some(x), Some(y)) if x.0 < y.0 => {
                out.push(*x);
                i += 1;
            }
            (_, Some(y)) => {
                out.push(*y);
                j += 1;
            }
            (Some(x), None) => {
                out.push(*x);
                i += 1;
            }
            (None, None) => return out,
        }
    }
}

/// The ids in both id-sorted lists, with their places combined.
fn intersect(a: &[Posting], b: &[Posting]) -> Vec<Posting> {
    let (mut i, mut j, mut out) = (0, 0, Vec::with_capacity(a.len().min(b.len())));
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.0.cmp(&y.0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push((x.0, x.1 | y.1));
                (i, j) = (i + 1, j + 1);
            }
        }
    }
    out
}

/// Wraps the words of `text` that start with a query term in `<mark>`, escaping the rest.
pub fn highlight(text: &str, terms: &[String]) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let hit = words(word).iter().any(|f| terms.iter().flat_map(|t| stems(t)).any(|t| f.starts_with(t.as_str())));
        if hit {
            out.push_str("<mark>");
        }
        crate::feed::escape(word, out);
        if hit {
            out.push_str("</mark>");
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '-' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            crate::feed::escape(&c.to_string(), &mut out);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(q.as_bytes()).into_owned().collect()
    }

    #[test]
    fn terms_are_folded() {
        let t: Vec<String> = terms("Hyvinvointialueen SOTE-palvelut – Kymenlaakso, ä ö").collect();
        assert_eq!(t, ["hyvinvointialueen", "sote", "palvelut", "kymenlaakso"]);
        assert_eq!((shard_of("hyvinvointi"), shard_of("eu")), ("hyv", "eu"));
    }

    #[test]
    fn queries_parse_and_validate() {
        let q = Query::parse(&params("q=Hyvinvointialue+S%C3%B6te&publisher=kymsote&year=2018")).unwrap();
        assert_eq!(q.terms, ["hyvinvointialue", "sote"]);
        assert_eq!((q.publisher.as_deref(), q.year), (Some("kymsote"), Some(2018)));
        assert_eq!(
            q.keys(),
            ["search:shard:hyv", "search:shard:sot", "search:filter:p:kymsote", "search:filter:y:2018"]
        );
        assert!(Query::parse(&params("q=a+b+c+d+e+f")).unwrap().terms.is_empty(), "one-letter words are ignored");
        assert!(Query::parse(&params("q=aa+bb+cc+dd+ee+ff")).is_err());
        assert!(Query::parse(&params("year=20x")).is_err());
        assert!(Query::parse(&params("publisher=Bad%20Slug")).is_err());
        assert!(Query::parse(&params("")).unwrap().is_empty());
    }

    #[test]
    fn ranking_prefers_title_hits_then_newest() {
        let mut shard = ShardRecord::default();
        shard.terms.insert("hyvinvointialue".into(), encode_postings(&[(0, 4), (3, 1)]));
        shard.terms.insert("hyvinvointialueen".into(), encode_postings(&[(1, 4), (2, 1)]));
        let shards = BTreeMap::from([("hyv".to_string(), shard)]);
        let q = Query { terms: vec!["hyvinvointialue".into()], ..Query::default() };
        assert_eq!(rank(&q, &shards, &[]), [3, 2, 1, 0]);
        let only = FilterRecord { v: 1, ids: vec![1, 3], recent: vec![] };
        assert_eq!(rank(&q, &shards, &[only]), [3, 1]);
    }

    #[test]
    fn every_term_and_every_filter_must_hold() {
        let mut hyv = ShardRecord::default();
        hyv.terms.insert("hyvinvointi".into(), encode_postings(&[(1, 4), (2, 4), (5, 1), (9, 4)]));
        hyv.terms.insert("hyvinvointialue".into(), encode_postings(&[(2, 1), (7, 4)]));
        let mut sot = ShardRecord::default();
        sot.terms.insert("sote".into(), encode_postings(&[(2, 4), (5, 4), (7, 4), (8, 1)]));
        let shards = BTreeMap::from([("hyv".to_string(), hyv), ("sot".to_string(), sot)]);
        let q = Query { terms: vec!["hyvinvointi".into(), "sote".into()], ..Query::default() };
        assert_eq!(rank(&q, &shards, &[]), [5, 2, 7], "title hits (2 via hyvinvointialue, 5) first, newest first");
        let filter = FilterRecord { v: 1, ids: vec![0, 2, 3, 7, 10], recent: vec![] };
        assert_eq!(rank(&q, &shards, std::slice::from_ref(&filter)), [2, 7]);
        assert_eq!(rank(&Query::default(), &shards, &[filter]), [10, 7, 3, 2, 0], "filters only: newest first");
    }

    #[test]
    fn a_short_prefix_merges_many_terms() {
        let mut pai = ShardRecord::default();
        for (n, term) in
            ["paivys", "paivystys", "paivystyksen", "paivystyksessa", "paivystykseen", "paivitys"].iter().enumerate()
        {
            let n = n as u32;
            pai.terms.insert(term.to_string(), encode_postings(&[(n, 4), (n + 10, 1), (20, 4)]));
        }
        let shards = BTreeMap::from([("pai".to_string(), pai)]);
        let q = Query { terms: vec!["paivys".into()], ..Query::default() };
        assert_eq!(rank(&q, &shards, &[]), [14, 13, 12, 11, 10, 20, 4, 3, 2, 1, 0], "five terms: sorted, deduplicated");
        let q = Query { terms: vec!["paivystyks".into()], ..Query::default() };
        assert_eq!(rank(&q, &shards, &[]), [14, 13, 12, 20, 4, 3, 2], "three terms: merged");
    }

    #[test]
    fn postings_round_trip_compactly_and_damage_stops_decoding() {
        let postings: Vec<Posting> = vec![(0, 1), (1, 4), (130, 7), (70_000, 2), (4_000_000_000, 5)];
        let text = encode_postings(&postings);
        assert_eq!(decode_postings(&text), postings);
        assert!(encode_postings(&[(5, 4), (6, 4), (7, 4)]).len() <= 4, "small gaps take a byte each");
        assert_eq!(decode_postings("not base64!"), []);
        assert_eq!(decode_postings(&"_".repeat(20)), [], "an endless varint");
    }

    #[test]
    fn finnish_nominatives_find_their_inflected_forms() {
        assert_eq!(stems("paivystys"), ["paivystys", "paivystyks"]);
        assert_eq!(stems("suomalainen"), ["suomalainen", "suomalais"]);
        assert_eq!(stems("sote"), ["sote"]);
        assert_eq!(highlight("päivystyksissä", &["paivystys".into()]), "<mark>päivystyksissä</mark>");
    }

    #[test]
    fn highlighting_escapes() {
        assert_eq!(
            highlight("Sote & <talous>, sote-palvelut", &["sote".into()]),
            "<mark>Sote</mark> &amp; &lt;talous&gt;, <mark>sote-palvelut</mark>"
        );
    }
}
