//! Reading a page of a list from where `newsroom build` stores it: the list's head
//! (`list:{scope}`) and its chunks (`chunk:{scope}:{c}`), counted from the oldest release
//! (`docs/kv-layout.md`, "Lists in stable chunks"). Lists built before chunks have a
//! `page:{scope}:{n}` record per page instead, read where there is no head.

use chrono::{DateTime, Utc};
use contract::error::HttpError;
use contract::kv::{self, ListScope};
use contract::model::{ListRecord, Listed, PageRecord, PublisherRecord, Summary, SCHEMA_VERSION};

use super::load::{need_all, record};
use super::{Halt, Loaded};
use crate::http::RequestFacts;

/// Where a list's releases are, numbered from the oldest (0) to `total − 1`: chunk `c` holds
/// `c × len .. (c + 2) × len`, the head `from .. total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    total: usize,
    len: usize,
    from: usize,
}

impl Shape {
    /// The shape `newsroom build` gives a list of `total` releases in chunks of `len`.
    fn of(total: usize, len: usize) -> Self {
        let len = len.max(1);
        Self { total, len, from: (total / len).saturating_sub(1) * len }
    }

    /// The chunks that hold the releases of `lo..hi` the head does not: the chunk of `lo`,
    /// then every other one (one chunk when a page is no longer than a chunk length).
    fn chunks(self, lo: usize, hi: usize) -> Vec<usize> {
        let end = hi.min(self.from);
        match lo < end {
            true => (lo / self.len..=(end - 1) / self.len).step_by(2).collect(),
            false => Vec::new(),
        }
    }
}

/// Releases `lo..hi` of page `n` (`size` a page, newest first) of a list of `total`.
fn bounds(total: usize, n: usize, size: usize) -> (usize, usize) {
    let hi = total.saturating_sub((n - 1) * size);
    (hi.saturating_sub(size), hi)
}

/// Page `n` (from 1, `PAGE_SIZE` newest first) of a list: from its head, and beyond what the
/// head holds from the one chunk the page lies in (page 1: one read; a later page: two, in
/// two rounds). A list without a head was built before chunks: its `page:{scope}:{n}`
/// record is read. A missing first page of the site or a publisher is an empty list, any
/// other missing page is a 404.
pub(super) fn list_page_record(
    loaded: &Loaded,
    scope: &ListScope,
    n: usize,
    req: &RequestFacts,
) -> Result<PageRecord, Halt> {
    let size = req.config.page_size.max(1);
    let Some(head) = record::<ListRecord>(loaded, kv::list_key(scope))? else {
        // An earlier build's page record, read as the same type (no chunk length).
        return match record::<ListRecord>(loaded, kv::page_key(scope, n))? {
            Some(p) => {
                let pages = p.total.div_ceil(size).max(1);
                Ok(PageRecord { v: p.v, label: p.label, total: p.total, page: n, pages, releases: p.releases })
            }
            None if n == 1 && matches!(scope, ListScope::Latest | ListScope::Publisher(_) | ListScope::Media(_)) => {
                Ok(empty_page())
            }
            None => Err(not_found(req, n)),
        };
    };
    let shape = Shape { total: head.total, len: head.chunk_len.max(1), from: head.from.min(head.total) };
    if n > head.total.div_ceil(size).max(1) {
        return Err(not_found(req, n));
    }
    let (lo, hi) = bounds(head.total, n, size);
    let chunks = read_chunks(loaded, scope, shape, lo, hi)?;
    let releases = collect(scope, shape, Some(&head), &chunks, lo, hi);
    let scheduled = scheduled(&head.releases, req.now);
    Ok(page(head.label, shape.total, n, size, releases, scheduled, req.now))
}

/// Page `n` (≥ 2) of a publisher's list, its shape known from the profile: the chunks and,
/// where the page reaches into it, the head, in one round. A profile built before chunks
/// (no chunk length) sends the page to [`list_page_record`].
pub(super) fn publisher_page_record(
    loaded: &Loaded,
    scope: &ListScope,
    n: usize,
    profile: &PublisherRecord,
    req: &RequestFacts,
) -> Result<PageRecord, Halt> {
    if profile.chunk_len == 0 {
        return list_page_record(loaded, scope, n, req);
    }
    let shape = Shape::of(profile.total, profile.chunk_len);
    let size = req.config.page_size.max(1);
    if n > shape.total.div_ceil(size).max(1) {
        return Err(not_found(req, n));
    }
    let (lo, hi) = bounds(shape.total, n, size);
    let numbers = shape.chunks(lo, hi);
    let mut keys: Vec<String> = numbers.iter().map(|c| kv::chunk_key(scope, *c)).collect();
    // The head only for what the chunks do not hold (a page of a short list, page 2 of 44
    // lies in chunk 0 although it reaches past `from`).
    let needs_head = hi > numbers.last().map_or(lo, |c| (c + 2) * shape.len);
    if needs_head {
        keys.push(kv::list_key(scope));
    }
    need_all(loaded, &keys)?;
    let head = match needs_head {
        true => record::<ListRecord>(loaded, kv::list_key(scope))?,
        false => None,
    };
    if head.as_ref().is_some_and(|h| h.total != shape.total || h.from != shape.from) {
        // The head and the profile are of different builds (a publish under way): the head
        // decides, as it does on the other lists.
        return list_page_record(loaded, scope, n, req);
    }
    let chunks = read_chunks(loaded, scope, shape, lo, hi)?;
    if numbers.iter().any(|c| !chunks.iter().any(|(n, _)| n == c)) && head.is_none() {
        // A chunk is missing or of another build: content built before chunks, a publish
        // under way, a damaged list. The head and the page record are read together, so
        // that whichever there is answers without another round.
        need_all(loaded, &[kv::list_key(scope), kv::page_key(scope, n)])?;
        return list_page_record(loaded, scope, n, req);
    }
    let releases = collect(scope, shape, head.as_ref(), &chunks, lo, hi);
    let scheduled = scheduled(&profile.releases, req.now);
    Ok(page(String::new(), shape.total, n, size, releases, scheduled, req.now))
}

/// The chunks of `shape` that hold `lo..hi`, those that are there and are what the shape
/// says (of its chunk length, at their place): one read of each, in one round.
fn read_chunks(
    loaded: &Loaded,
    scope: &ListScope,
    shape: Shape,
    lo: usize,
    hi: usize,
) -> Result<Vec<(usize, ListRecord)>, Halt> {
    let numbers = shape.chunks(lo, hi);
    need_all(loaded, &numbers.iter().map(|c| kv::chunk_key(scope, *c)).collect::<Vec<_>>())?;
    let mut read = Vec::with_capacity(numbers.len());
    for c in numbers {
        let chunk = record::<ListRecord>(loaded, kv::chunk_key(scope, c))?;
        // A chunk of another length or place (a build with another `PAGE_SIZE`, half
        // uploaded) is not used: its releases are reported missing instead.
        if let Some(chunk) = chunk.filter(|ch| ch.chunk_len == shape.len && ch.from == c * shape.len) {
            read.push((c, chunk));
        }
    }
    Ok(read)
}

/// Releases `lo..hi`, newest first, from the head (`from..`) and the chunks (below `from`).
/// One that a damaged or missing record lost is left out, its reason kept for the log with
/// the key it was to come from.
fn collect(
    scope: &ListScope,
    shape: Shape,
    head: Option<&ListRecord>,
    chunks: &[(usize, ListRecord)],
    lo: usize,
    hi: usize,
) -> Listed<Summary> {
    let mut out: Vec<Summary> = Vec::with_capacity(hi - lo);
    let mut skipped: Vec<String> = Vec::new();
    for i in (lo..hi).rev() {
        // Where release `i` is stored, newest first within its record: the chunk read that
        // holds it (chunks are read every other one from the chunk of `lo`), else the head.
        let c = i / shape.len;
        let c = if c % 2 == (lo / shape.len) % 2 { c } else { c - 1 };
        let chunk = chunks.iter().find(|(n, _)| *n == c).map(|(_, ch)| &ch.releases);
        let (key, place) = match (chunk, i >= shape.from) {
            (Some(releases), _) => (kv::chunk_key(scope, c), Some((releases, (c + 2) * shape.len - 1 - i))),
            (None, true) => (kv::list_key(scope), head.map(|h| (&h.releases, shape.total - 1 - i))),
            (None, false) => (kv::chunk_key(scope, c), None),
        };
        match place.map(|(list, at)| (list.at(at), list.why_not(at))) {
            Some((Some(s), _)) => out.push(s.clone()),
            Some((None, Some(why))) => skipped.push(format!("{why} of {key}")),
            _ => skipped.push(format!("release {i} of the list: {key} is missing or of another build")),
        }
    }
    let mut releases: Listed<Summary> = out.into();
    releases.skipped = skipped;
    releases
}

/// How many of a list's newest releases (`newest`, newest first) are scheduled at `now`:
/// they are all among its newest (ids follow publication time).
fn scheduled(newest: &[Summary], now: DateTime<Utc>) -> usize {
    newest.iter().take_while(|s| s.published.at > now).count()
}

/// A page as the renderers take it. Its `total` leaves out the list's scheduled releases
/// that are not on this page (those on it are left out as the page is filtered), so that
/// every page of a list shows the same public total.
fn page(
    label: String,
    total: usize,
    n: usize,
    size: usize,
    releases: Listed<Summary>,
    scheduled: usize,
    now: DateTime<Utc>,
) -> PageRecord {
    let here = releases.iter().filter(|s| s.published.at > now).count();
    let total_shown = total - scheduled.saturating_sub(here).min(total);
    PageRecord { v: SCHEMA_VERSION, label, total: total_shown, page: n, pages: total.div_ceil(size).max(1), releases }
}

/// The first page of a list with no releases.
fn empty_page() -> PageRecord {
    PageRecord { v: SCHEMA_VERSION, label: String::new(), total: 0, page: 1, pages: 1, releases: Default::default() }
}

/// The 404 of page `n` of the list at the request's path.
fn not_found(req: &RequestFacts, n: usize) -> Halt {
    HttpError::NotFound(match n {
        1 => req.path.clone(),
        n => format!("{}?page={n}", req.path),
    })
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every release of every list shape is in exactly one place the reader looks, for any
    /// page size.
    #[test]
    fn every_release_lies_in_the_head_or_one_chunk_read_for_its_page() {
        for len in 1..=6 {
            for total in 0..=40 {
                let shape = Shape::of(total, len);
                let full = total / len;
                for size in 1..=8 {
                    let pages = total.div_ceil(size).max(1);
                    let mut seen = Vec::new();
                    for n in 1..=pages {
                        let (lo, hi) = bounds(total, n, size);
                        let chunks = shape.chunks(lo, hi);
                        assert!(chunks.iter().all(|c| c + 2 <= full), "chunk {chunks:?} of {full} full lengths");
                        for i in (lo..hi).rev() {
                            let held = i >= shape.from || chunks.iter().any(|c| (c * len..(c + 2) * len).contains(&i));
                            assert!(held, "len {len}, total {total}, size {size}, page {n}: release {i}");
                            seen.push(i);
                        }
                        if size <= len {
                            assert!(chunks.len() <= 1, "a page no longer than a chunk lies in one chunk");
                        }
                    }
                    assert_eq!(seen, (0..total).rev().collect::<Vec<_>>(), "len {len}, total {total}, size {size}");
                }
            }
        }
    }
}
