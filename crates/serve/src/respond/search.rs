//! `/search`: the index shards and filters are read and ranked in one round, then the
//! documents of one page are read from their snippet chunks (and, for content built before
//! those, from `search:docs` chunks in one more round).

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use ::search;
use chrono::DateTime;
use contract::error::{DataError, HttpError};
use contract::format::Format;
use render::html::Pager;
use render::json::SearchView;
use render::{html, json};
use search::{Query, SearchResults};

use super::lists::list_rendered;
use super::load::{check_size, damaged, decode_of, need_all, record, record_of};
use super::resolve::{search_params, search_query_string, Home, Target};
use super::response::{site, Rendered};
use super::{Halt, Loaded, Ranked};
use crate::http::RequestFacts;

/// `/search`: reads the term shards and filters, then the documents of one page.
pub(super) fn render_search(t: &Target, req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
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
                let ranked = rank_search(req, loaded, &query)?;
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

/// Ranks a search from its index records (all read): matching ids, best first, without the
/// ones still scheduled, and when the next scheduled one goes public. Each shard and filter
/// is its base record and its part of `search:delta` ([`search::delta`]), unioned.
pub(super) fn rank_search(req: &RequestFacts, loaded: &Loaded, query: &Query) -> Result<Ranked, Halt> {
    use search::delta::{DeltaRecord, DELTA_KEY};
    let delta: Option<DeltaRecord> = record_of(loaded, DELTA_KEY.to_string(), INDEX_VERSIONS)?;
    let in_delta = |e: serde_json::Error| Halt::Fail(HttpError::BadData(damaged(DELTA_KEY, &e.to_string())));
    let mut newest = 0;
    let mut parts: BTreeMap<&str, Vec<search::ShardRecord>> = BTreeMap::new();
    // Publication times of the newest documents, as the records read carry them.
    let mut recent: BTreeMap<i64, i64> = BTreeMap::new();
    let mut delta_ids = search::DocSet::default();
    for shard in query.shard_names() {
        let list = parts.entry(shard).or_default();
        if let Some(r) = record_of::<search::ShardRecord>(loaded, search::shard_key(shard), INDEX_VERSIONS)? {
            newest = newest.max(r.v);
            recent.extend(r.recent.iter().map(|[id, at]| (*id, *at)));
            list.push(r);
        }
        if let Some(r) = delta.as_ref().map(|d| d.shard(shard)).transpose().map_err(in_delta)?.flatten() {
            delta_ids.union_with(&search::listed_ids(&r));
            list.push(r);
        }
    }
    let mut filters: Vec<search::DocSet> = Vec::new();
    for key in query.filter_keys() {
        // A filter in neither part lets nothing through.
        let mut set = search::DocSet::default();
        if let Some(r) = record_of::<search::FilterRecord>(loaded, key.clone(), INDEX_VERSIONS)? {
            newest = newest.max(r.v);
            recent.extend(r.recent.iter().map(|[id, at]| (*id, *at)));
            set.union_with(&r.doc_set());
        }
        if let Some(r) = delta.as_ref().map(|d| d.filter(&key)).transpose().map_err(in_delta)?.flatten() {
            let ids = r.doc_set();
            delta_ids.union_with(&ids);
            set.union_with(&ids);
        }
        filters.push(set);
    }
    match &delta {
        Some(d) => recent
            .extend(delta_ids.newest(0, usize::MAX).into_iter().filter_map(|id| Some((i64::from(id), d.time_of(id)?)))),
        // Version 3 keeps the newest releases only in the delta: without it they would be
        // missing from the results, silently.
        None if newest >= 3 => {
            let why = "missing, while the shards and filters (version 3) leave their newest releases to it";
            return Err(Halt::Fail(HttpError::BadData(damaged(DELTA_KEY, why))));
        }
        None => {}
    }
    let now = req.now.timestamp();
    // Results change when the next scheduled release goes public: cache until then.
    let next = recent.values().filter(|&&at| at > now).min().and_then(|&at| DateTime::from_timestamp(at, 0));
    let scheduled: Vec<u32> =
        recent.iter().filter(|(_, at)| **at > now).filter_map(|(id, _)| u32::try_from(*id).ok()).collect();
    let parts: BTreeMap<&str, Vec<&search::ShardRecord>> =
        parts.iter().map(|(name, list)| (*name, list.iter().collect())).collect();
    Ok((Rc::new(search::rank_parts(query, &parts, &filters, &scheduled)), next))
}

/// The versions of search shards and filters this worker reads.
pub(super) const INDEX_VERSIONS: &[u32] = &[1, 2, search::INDEX_VERSION];

/// The documents of a page's ids, in order, from their `search:snippets:*` chunks: each chunk
/// is split into its lines once, and only the page's documents are decoded. Content built
/// before those chunks existed has `search:docs:*` instead, read in a further round.
pub(super) fn page_documents(loaded: &Loaded, ids: &[usize]) -> Result<Vec<search::SearchDoc>, Halt> {
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
pub(super) fn snippet_lines<'a>(key: &str, bytes: &'a [u8]) -> Result<Vec<&'a [u8]>, DataError> {
    use search::snippets;
    check_size(key, bytes)?;
    let (head, lines) = snippets::split(bytes);
    let head: snippets::Head = decode_of(key, head, &[snippets::SNIPPETS_VERSION])?;
    snippets::check(head, &lines).map_err(|reason| damaged(key, &reason))?;
    Ok(lines)
}
