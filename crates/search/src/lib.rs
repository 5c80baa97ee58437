//! Search at the edge: an inverted index built by `newsroom build`, sharded in KV by the
//! first three letters of each term, read by the worker a bounded number of values at a time
//! (`docs/kv-layout.md`). Document ids count up from the oldest release, so a new release
//! changes only the shards of its own terms; each term's documents are stored as sets
//! (`postings.rs`), and a worker decodes only the terms it matches. Finnish-aware in the
//! simple ways that matter: case and diacritics are folded (ä→a, ö→o, å→a) and query terms
//! match as prefixes, so `hyvinvointialue` finds `hyvinvointialueen`. Ranking: releases with
//! a hit in the title first, then newest.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use pulldown_cmark::{Event, Parser};
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use contract::model::{PublisherRef, ReleaseKind, Timestamp};
use contract::slug::{each_word, words};

pub mod delta;
mod postings;
pub mod snippets;
pub use postings::{
    decode_ids, decode_postings, encode_ids, encode_postings, encode_term, DocSet, Posting, TermDocs, IN_KEYWORDS,
    IN_TEXT, IN_TITLE, MAX_DOCS,
};

/// Documents per `search:docs:{n}` record (the earlier form of [`snippets`]).
pub const DOCS_PER_CHUNK: usize = 100;
/// How many of the newest documents carry their publication time in the shards and filters
/// that list them, so the worker can hide scheduled ones without another read. Scheduled
/// releases are always the newest (ids follow publication time); a result beyond this
/// window that is still scheduled is dropped when its document is read, never shown.
pub const RECENT: usize = 100;
/// Most terms a query may have.
pub const MAX_TERMS: usize = 5;

/// Folded search terms of `text`: lowercase, transliterated, 2–40 characters.
pub fn terms(text: &str) -> impl Iterator<Item = String> {
    words(text).into_iter().filter(|t| is_term(t))
}

/// Calls `f` with each of the [`terms`] of `text`, without allocating one per term.
pub fn each_term(text: &str, mut f: impl FnMut(&str)) {
    each_word(text, |w| {
        if is_term(w) {
            f(w);
        }
    });
}

fn is_term(word: &str) -> bool {
    (2..=40).contains(&word.len())
}

/// The shard a term lives in: its first three characters (a two-letter term is its own
/// shard, so two-letter query words match exactly, longer ones as prefixes).
pub fn shard_of(term: &str) -> &str {
    let end = term.char_indices().nth(3).map_or(term.len(), |(i, _)| i);
    &term[..end]
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

/// The version of the [`ShardRecord`]s and [`FilterRecord`]s `newsroom build` writes: 2
/// since documents are stored as sets ([`encode_term`], [`encode_ids`]), 3 since the newest
/// releases' documents live in [`delta`] (a base record alone lacks them). A worker reads
/// 1 to 3; an older worker refuses a newer version (a 500 naming the key) rather than show
/// results without the newest releases.
pub const INDEX_VERSION: u32 = 3;

/// `search:shard:{abc}`: each term starting with `abc` and its documents ([`encode_term`]).
/// A worker reads the terms and their documents as slices of the stored value: a shard holds
/// thousands of terms (60 KB at 100,000 releases) and a query decodes only those it matches.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct ShardRecord<'a> {
    /// Schema version ([`INDEX_VERSION`]).
    pub v: u32,
    /// Term → its stored documents.
    #[serde(borrow, deserialize_with = "borrowed_terms")]
    pub terms: BTreeMap<Cow<'a, str>, Cow<'a, str>>,
    /// `[id, publication time]` of the newest [`RECENT`] documents this shard lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent: Vec<[i64; 2]>,
}

/// A shard's terms, each term and its stored documents borrowed from the value unless its
/// JSON has escapes (serde copies a `Cow` inside a map; a shard's sets are tens of KB).
fn borrowed_terms<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<Cow<'a, str>, Cow<'a, str>>, D::Error> {
    struct Terms;
    impl<'de> Visitor<'de> for Terms {
        type Value = BTreeMap<Cow<'de, str>, Cow<'de, str>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map of terms to their stored documents")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut terms = BTreeMap::new();
            while let Some((term, docs)) = map.next_entry::<Text<'de>, Text<'de>>()? {
                terms.insert(term.0, docs.0);
            }
            Ok(terms)
        }
    }
    d.deserialize_map(Terms)
}

/// A string borrowed from the input where it can be.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Str;
        impl<'de> Visitor<'de> for Str {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Cow::Owned(v.to_string()))
            }
        }
        d.deserialize_str(Str).map(Text)
    }
}

/// `search:filter:{p|k|y|t}:{value}`: the documents of a publisher, keyword, year or type.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct FilterRecord {
    /// Schema version ([`INDEX_VERSION`]).
    pub v: u32,
    /// Ids, ascending (version 1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<u32>,
    /// The documents as a set ([`encode_ids`]; version 2).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub docs: String,
    /// `[id, publication time]` of the newest [`RECENT`] documents this filter lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent: Vec<[i64; 2]>,
}

impl FilterRecord {
    /// The documents this filter lets through, in either stored form.
    pub fn doc_set(&self) -> DocSet {
        let mut set = decode_ids(&self.docs);
        set.union_with(&DocSet::from_ids(self.ids.iter().copied()));
        set
    }
}

/// What a result shows: one line of a `search:snippets:{n}` chunk (an entry of
/// `search:docs:{n}` in the earlier form), copied from the release's summary at build time.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SearchDoc {
    /// Release slug, e.g. `2024-11-27-ohjausneuvottelut`: the result links to `/releases/{slug}`.
    pub slug: String,
    /// Headline (an HTML result marks the query's words in it).
    pub title: String,
    /// The publisher's slug and name.
    pub publisher: PublisherRef,
    /// Publication time: a result is never shown before it, even beyond [`RECENT`].
    pub published: Timestamp,
    /// BCP 47 language tag of the release: the result's `lang` and its date's format.
    pub lang: String,
    /// The start of the lead ([`snippets::snippet`]; the whole lead in `search:docs:{n}`).
    #[serde(alias = "lead")]
    pub snippet: String,
}

/// `search:docs:{n}` (`{"v":1,"docs":[…]}`): documents `n * DOCS_PER_CHUNK ..`, the earlier
/// form of [`snippets`], still read and no longer written. The worker leaves each document
/// as its JSON, so only the ones a page shows are decoded.
#[derive(Deserialize)]
pub struct RawDocsRecord<'a> {
    /// Documents in id order.
    #[serde(borrow)]
    pub docs: Vec<&'a serde_json::value::RawValue>,
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
    /// `publisher=`: a publisher slug such as `kymsote` (on a publisher's own host, always
    /// that publisher's).
    pub publisher: Option<String>,
    /// `keyword=`: a keyword slug such as `sote`.
    pub keyword: Option<String>,
    /// `year=`: 1900 to 2999, the year of publication in the publisher's zone.
    pub year: Option<i32>,
    /// `type=`: a release kind.
    pub kind: Option<ReleaseKind>,
}

impl Query {
    /// Parses `q`, `publisher`, `keyword`, `year` and `type` from a decoded query string; an
    /// error is the message the reader gets (a 400).
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
                Some(v) if contract::slug::is_valid(v) => Ok(Some(v.to_string())),
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

    /// KV keys of the term shards and filters this query reads, and the [`delta`]
    /// (everything ranking needs, read in one round).
    pub fn keys(&self) -> Vec<String> {
        let mut keys = self.filter_keys();
        keys.splice(0..0, self.shard_names().into_iter().map(shard_key));
        keys.push(delta::DELTA_KEY.to_string());
        keys
    }

    /// The shards of the query's terms ([`shard_of`]), each once, in order.
    pub fn shard_names(&self) -> Vec<&str> {
        let shards: BTreeSet<&str> = self.terms.iter().map(|t| shard_of(t)).collect();
        shards.into_iter().collect()
    }

    /// Keys of the query's filters: publisher, keyword, year, type.
    pub fn filter_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        keys.extend(self.publisher.as_ref().map(|p| filter_key('p', p)));
        keys.extend(self.keyword.as_ref().map(|k| filter_key('k', k)));
        keys.extend(self.year.map(|y| filter_key('y', &y.to_string())));
        keys.extend(self.kind.map(|k| filter_key('t', k.id())));
        keys
    }
}

/// Key of a term shard, `search:shard:{shard}` ([`shard_of`]).
pub fn shard_key(shard: &str) -> String {
    format!("search:shard:{shard}")
}

/// Key of a filter (`p` publisher, `k` keyword, `y` year, `t` type).
pub fn filter_key(kind: char, value: &str) -> String {
    format!("search:filter:{kind}:{value}")
}

/// Key of `search:docs:{chunk}`, the earlier form of a snippets chunk ([`DOCS_PER_CHUNK`]
/// documents): a worker reads it only when the snippets chunk is missing.
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

/// The matches of a query, in two sets: those with a query term in the title, ranked
/// first, and the rest; each newest (highest id) first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ranking {
    title: DocSet,
    rest: DocSet,
    /// Sizes of `title` and `rest`.
    counts: (usize, usize),
}

impl Ranking {
    fn new(title: DocSet, rest: DocSet) -> Self {
        let counts = (title.len(), rest.len());
        Ranking { title, rest, counts }
    }

    /// How many documents match.
    pub fn total(&self) -> usize {
        self.counts.0 + self.counts.1
    }

    /// Up to `take` ids in rank order after the first `skip`.
    pub fn page(&self, skip: usize, take: usize) -> Vec<u32> {
        let mut ids = self.title.newest(skip, take);
        let rest = self.rest.newest(skip.saturating_sub(self.counts.0), take - ids.len());
        ids.extend(rest);
        ids
    }
}

/// [`rank_parts`] of whole records: one record per shard, and the filters' records.
pub fn rank(
    query: &Query,
    shards: &BTreeMap<String, ShardRecord<'_>>,
    filters: &[FilterRecord],
    hidden: &[u32],
) -> Ranking {
    let parts: BTreeMap<&str, Vec<&ShardRecord<'_>>> = shards.iter().map(|(k, v)| (k.as_str(), vec![v])).collect();
    let sets: Vec<DocSet> = filters.iter().map(FilterRecord::doc_set).collect();
    rank_parts(query, &parts, &sets, hidden)
}

/// Ranks the documents that match every term (as a prefix of an indexed term) and every
/// filter, leaving out `hidden` ones: title hits first, then newest. A shard may come in
/// parts (its base record and its part of the [`delta`]), and each filter as the union of
/// its parts. Bitmap operations, so the work grows with the archive's size / 64, not with
/// the number of matches.
pub fn rank_parts(
    query: &Query,
    shards: &BTreeMap<&str, Vec<&ShardRecord<'_>>>,
    filter_sets: &[DocSet],
    hidden: &[u32],
) -> Ranking {
    let mut hits: Option<DocSet> = None;
    let mut title = DocSet::default();
    for term in &query.terms {
        let docs = term_docs(term, shards);
        title.union_with(&docs.title);
        match &mut hits {
            Some(h) => h.intersect_with(&docs.any),
            None => hits = Some(docs.any),
        }
    }
    // Filters only: every document of the first filter.
    let mut hits = hits.or_else(|| filter_sets.first().cloned()).unwrap_or_default();
    for f in filter_sets {
        hits.intersect_with(f);
    }
    for id in hidden {
        hits.remove(*id);
    }
    title.intersect_with(&hits);
    let rest = hits.difference(&title);
    Ranking::new(title, rest)
}

/// The documents of every indexed term that `term` (or one of its stems) is a prefix of,
/// from every part of its shard.
fn term_docs(term: &str, shards: &BTreeMap<&str, Vec<&ShardRecord<'_>>>) -> TermDocs {
    let mut docs = TermDocs::default();
    for shard in shards.get(shard_of(term)).into_iter().flatten() {
        let mut matched = BTreeSet::new();
        for stem in stems(term) {
            let from = std::ops::Bound::Included(stem.as_str());
            let range = shard.terms.range::<str, _>((from, std::ops::Bound::Unbounded));
            for (t, stored) in range.take_while(|(t, _)| t.starts_with(stem.as_str())) {
                if matched.insert(t) {
                    docs.add_encoded(stored);
                }
            }
        }
    }
    docs
}

/// Every id the terms of `shard` list (the delta's part of a shard is small: a few terms of
/// the newest releases), for the publication times the worker checks.
pub fn listed_ids(shard: &ShardRecord<'_>) -> DocSet {
    let mut docs = TermDocs::default();
    for stored in shard.terms.values() {
        docs.add_encoded(stored);
    }
    docs.any
}

/// Wraps the words of `text` that start with a query term in `<mark>`, escaping the rest.
/// Allocates the answer only: a search page highlights the title and lead of every result,
/// so the text between marks is escaped a run at a time.
pub fn highlight(text: &str, terms: &[String]) -> String {
    let prefixes: Vec<String> = terms.iter().flat_map(|t| stems(t)).collect();
    let mut out = String::with_capacity(text.len() + 32);
    let mut written = 0;
    let mut mark = |start: usize, end: usize, out: &mut String| {
        let word = &text[start..end];
        if is_hit(word, &prefixes) {
            contract::text::escape(&text[written..start], out);
            out.push_str("<mark>");
            contract::text::escape(word, out);
            out.push_str("</mark>");
            written = end;
        }
    };
    let mut word_start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() || c == '-' {
            word_start.get_or_insert(i);
        } else if let Some(start) = word_start.take() {
            mark(start, i, &mut out);
        }
    }
    if let Some(start) = word_start {
        mark(start, text.len(), &mut out);
    }
    contract::text::escape(&text[written..], &mut out);
    out
}

/// True when one of the folded words of `word` starts with one of `prefixes`.
fn is_hit(word: &str, prefixes: &[String]) -> bool {
    let starts = |folded: &str| prefixes.iter().any(|p| folded.starts_with(p.as_str()));
    if word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
        // Already folded: one word, as it is.
        return starts(word);
    }
    let mut hit = false;
    each_word(word, |folded| hit = hit || starts(folded));
    hit
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every id of `r`, in rank order.
    fn all(r: &Ranking) -> Vec<u32> {
        r.page(0, usize::MAX)
    }

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
            ["search:shard:hyv", "search:shard:sot", "search:filter:p:kymsote", "search:filter:y:2018", "search:delta"]
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
        shard.terms.insert("hyvinvointialue".into(), encode_postings(&[(0, 4), (3, 1)]).into());
        shard.terms.insert("hyvinvointialueen".into(), encode_postings(&[(1, 4), (2, 1)]).into());
        let shards = BTreeMap::from([("hyv".to_string(), shard)]);
        let q = Query { terms: vec!["hyvinvointialue".into()], ..Query::default() };
        assert_eq!(all(&rank(&q, &shards, &[], &[])), [3, 2, 1, 0]);
        let only = FilterRecord { v: 1, ids: vec![1, 3], ..FilterRecord::default() };
        assert_eq!(all(&rank(&q, &shards, &[only], &[])), [3, 1]);
    }

    #[test]
    fn every_term_and_every_filter_must_hold() {
        let mut hyv = ShardRecord::default();
        hyv.terms.insert("hyvinvointi".into(), encode_postings(&[(1, 4), (2, 4), (5, 1), (9, 4)]).into());
        hyv.terms.insert("hyvinvointialue".into(), encode_postings(&[(2, 1), (7, 4)]).into());
        let mut sot = ShardRecord::default();
        sot.terms.insert("sote".into(), encode_postings(&[(2, 4), (5, 4), (7, 4), (8, 1)]).into());
        let shards = BTreeMap::from([("hyv".to_string(), hyv), ("sot".to_string(), sot)]);
        let q = Query { terms: vec!["hyvinvointi".into(), "sote".into()], ..Query::default() };
        assert_eq!(
            all(&rank(&q, &shards, &[], &[])),
            [5, 2, 7],
            "title hits (2 via hyvinvointialue, 5) first, newest first"
        );
        let filter = FilterRecord { v: INDEX_VERSION, docs: encode_ids(&[0, 2, 3, 7, 10]), ..FilterRecord::default() };
        assert_eq!(all(&rank(&q, &shards, std::slice::from_ref(&filter), &[])), [2, 7]);
        assert_eq!(
            all(&rank(&Query::default(), &shards, &[filter], &[])),
            [10, 7, 3, 2, 0],
            "filters only: newest first"
        );
    }

    #[test]
    fn a_short_prefix_merges_many_terms() {
        let mut pai = ShardRecord::default();
        for (n, term) in
            ["paivys", "paivystys", "paivystyksen", "paivystyksessa", "paivystykseen", "paivitys"].iter().enumerate()
        {
            let n = n as u32;
            pai.terms.insert((*term).into(), encode_postings(&[(n, 4), (n + 10, 1), (20, 4)]).into());
        }
        let shards = BTreeMap::from([("pai".to_string(), pai)]);
        let q = Query { terms: vec!["paivys".into()], ..Query::default() };
        assert_eq!(
            all(&rank(&q, &shards, &[], &[])),
            [14, 13, 12, 11, 10, 20, 4, 3, 2, 1, 0],
            "five terms: sorted, deduplicated"
        );
        let q = Query { terms: vec!["paivystyks".into()], ..Query::default() };
        assert_eq!(all(&rank(&q, &shards, &[], &[])), [14, 13, 12, 20, 4, 3, 2], "three terms: merged");
    }

    #[test]
    fn both_stored_forms_rank_alike_and_a_page_crosses_from_title_hits_to_the_rest() {
        let postings: Vec<Posting> = (0..300).map(|id| (id, if id % 7 == 0 { IN_TITLE } else { IN_TEXT })).collect();
        let q = Query { terms: vec!["sairaala".into()], ..Query::default() };
        let shards = |text: String| {
            let terms = BTreeMap::from([("sairaala".into(), text.into())]);
            BTreeMap::from([("sai".to_string(), ShardRecord { v: INDEX_VERSION, terms, recent: vec![] })])
        };
        let sets = rank(&q, &shards(encode_term(&postings)), &[], &[294, 5]);
        assert_eq!(sets, rank(&q, &shards(encode_postings(&postings)), &[], &[294, 5]));
        assert_eq!(sets.total(), 298, "hidden ids are left out");
        let title = (0..300).rev().filter(|id| id % 7 == 0 && *id != 294);
        let expected: Vec<u32> = title.chain((0..300).rev().filter(|id| id % 7 != 0 && *id != 5)).collect();
        assert_eq!(all(&sets), expected);
        assert_eq!(sets.page(40, 20), expected[40..60], "42 title hits, then the rest");
        assert_eq!(sets.page(290, 20), expected[290..]);
    }

    #[test]
    fn shard_terms_are_borrowed_from_the_value_unless_escaped() {
        let json = r#"{"v":2,"terms":{"sote":"~AQ","s\u00f6te":"~AQ"}}"#;
        let shard: ShardRecord = serde_json::from_str(json).expect("a shard");
        let forms: Vec<(bool, bool)> =
            shard.terms.iter().map(|(t, d)| (matches!(t, Cow::Borrowed(_)), matches!(d, Cow::Borrowed(_)))).collect();
        assert_eq!(forms, [(true, true), (false, true)], "{:?}", shard.terms);
        assert!(serde_json::from_str::<ShardRecord>(r#"{"v":2,"terms":{"sote":1}}"#).is_err());
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
