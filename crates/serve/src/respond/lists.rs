//! List pages: the latest releases, a publisher's, a keyword's and a year's, and the
//! keyword and year indexes, with scheduled releases left out until their moment.

use chrono::{DateTime, FixedOffset, Utc};
use contract::cache::CacheKind;
use contract::error::HttpError;
use contract::format::Format;
use contract::kv::{self, ListScope};
use contract::model::{CountsRecord, Keyword, PageRecord, PublisherRecord, Summary, SCHEMA_VERSION};
use contract::route::{keyword_path, Route};
use render::html::Pager;
use render::json::{CountsView, ListView, PublisherView};
use render::{html, json};

use super::chunks::{list_page_record, publisher_page_record};
use super::load::{publisher_record, record};
use super::resolve::Target;
use super::response::{site, Rendered};
use super::{Halt, Loaded};
use crate::http::RequestFacts;

/// The lists: the latest releases, a publisher's, a keyword's and a year's (paged, read from
/// their heads and chunks, [`super::chunks`], or page 1 from the publisher's profile), and
/// the keyword and year indexes.
pub(super) fn render_list(t: &Target, req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    let lang = req.config.lang.as_str();
    let origin = &req.origin;
    let path = t.path.clone();
    let pager = |page: &PageRecord| Pager { page: page.page, pages: page.pages, path: &path };
    match &t.route {
        Route::Latest => {
            let page = list_page_record(loaded, &ListScope::Latest, t.page, req)?;
            let (items, next) = published(&page.releases, req.now);
            let total = visible_total(page.total, page.releases.len(), items.len());
            let body = match t.format {
                Format::Json => json::to_bytes(&ListView::new((None, None), total, &items, &pager(&page), origin)),
                _ => html::latest_page(total, &items, &pager(&page), &site(req, &t.home), lang).into_bytes(),
            };
            Ok(list_rendered(body, lang, &items, next).warn(&kv::list_key(&ListScope::Latest), &page.releases))
        }
        Route::Publisher(slug) => {
            let scope = ListScope::Publisher(slug.clone());
            // Page 1 is read from the profile, which lists the newest releases: one read. The
            // profile's total tells a later page which chunk it lies in: a second read.
            let not_found = || HttpError::NotFound(req.path.clone());
            // Page 1 in HTML also shows the latest social media posts: a fragment the
            // scheduled Worker writes (escaped there), read in the same round.
            let posts_key = contract::social::posts_key(slug);
            let with_posts = t.format != Format::Json && t.page == 1;
            if with_posts {
                super::load::need_all(loaded, &[kv::publisher_key(slug), posts_key.clone()])?;
            }
            let posts = with_posts
                .then(|| loaded.values.get(&posts_key).and_then(|v| v.as_deref()))
                .flatten()
                .and_then(|b| std::str::from_utf8(b).ok());
            let p = publisher_record(loaded, &kv::publisher_key(slug))?.ok_or_else(not_found)?;
            let page = match first_page(&p, t.page, req.config.page_size) {
                Some(page) => page,
                None => publisher_page_record(loaded, &scope, t.page, &p, req)?,
            };
            let (items, next) = published(&page.releases, req.now);
            let total = visible_total(page.total, page.releases.len(), items.len());
            let body = match t.format {
                Format::Json => json::to_bytes(&PublisherView::new(&p, total, &items, &pager(&page), origin)),
                _ => html::publisher_page(&p, total, &items, &pager(&page), &site(req, &t.home), posts).into_bytes(),
            };
            Ok(list_rendered(body, &p.lang, &items, next).warn(&kv::list_key(&scope), &page.releases))
        }
        Route::Keyword(slug) => {
            let page = list_page_record(loaded, &ListScope::Keyword(slug.clone()), t.page, req)?;
            let (items, next) = published(&page.releases, req.now);
            if items.is_empty() {
                // Only scheduled releases carry it: the keyword does not exist yet.
                return Err(not_yet(req, next).into());
            }
            let total = visible_total(page.total, page.releases.len(), items.len());
            let keyword = Keyword { slug: slug.clone(), label: page.label.clone() };
            let body = match t.format {
                Format::Json => {
                    json::to_bytes(&ListView::new((Some(&keyword), None), total, &items, &pager(&page), origin))
                }
                _ => html::keyword_page(&keyword, total, &items, &pager(&page), &site(req, &t.home), lang).into_bytes(),
            };
            Ok(list_rendered(body, lang, &items, next)
                .warn(&kv::list_key(&ListScope::Keyword(slug.clone())), &page.releases))
        }
        Route::Year(year) => {
            let page = list_page_record(loaded, &ListScope::Year(*year), t.page, req)?;
            let (items, next) = published(&page.releases, req.now);
            if items.is_empty() {
                return Err(not_yet(req, next).into());
            }
            let total = visible_total(page.total, page.releases.len(), items.len());
            let body = match t.format {
                Format::Json => {
                    json::to_bytes(&ListView::new((None, Some(*year)), total, &items, &pager(&page), origin))
                }
                _ => html::year_page(*year, total, &items, &pager(&page), &site(req, &t.home), lang).into_bytes(),
            };
            Ok(list_rendered(body, lang, &items, next).warn(&kv::list_key(&ListScope::Year(*year)), &page.releases))
        }
        Route::Keywords | Route::Archive => {
            let (key, path_of): (&str, fn(&str) -> String) = match t.route {
                Route::Keywords => (kv::KEYWORDS_KEY, keyword_path),
                _ => (kv::YEARS_KEY, |y| format!("/archive/{y}")),
            };
            let stored: CountsRecord =
                record(loaded, key.into())?.unwrap_or(CountsRecord { v: SCHEMA_VERSION, counts: vec![] });
            let (counts, next) = public_counts(stored, req.now.timestamp());
            let body = match (t.format, &t.route) {
                (Format::Json, _) => json::to_bytes(&CountsView::new(&counts, path_of, origin)),
                (_, Route::Keywords) => html::keywords_page(&counts, &site(req, &t.home), lang).into_bytes(),
                _ => html::archive_page(&counts, &site(req, &t.home), lang).into_bytes(),
            };
            Ok(list_rendered(body, lang, &[], next))
        }
        // Not a list: the dispatcher in `respond` sends only lists here.
        _ => Err(HttpError::NotFound(req.path.clone()).into()),
    }
}

/// Page 1 of a publisher's list as its profile holds it, when it holds all of it: at least a
/// page of entries, or every release, none of them unreadable (`newsroom build` writes the
/// same newest releases to both; `publish::build::LIST_LEN` ≥ the default page size).
pub(super) fn first_page(p: &PublisherRecord, page: usize, size: usize) -> Option<PageRecord> {
    let size = size.max(1);
    let stored = p.releases.len();
    let whole = stored >= size || stored == p.total;
    (page == 1 && whole && p.releases.skipped.is_empty()).then(|| PageRecord {
        v: SCHEMA_VERSION,
        label: p.publisher.name.clone(),
        total: p.total,
        page: 1,
        pages: p.total.div_ceil(size).max(1),
        releases: p.releases.iter().take(size).cloned().collect::<Vec<_>>().into(),
    })
}

/// The releases public at `now`, and the time the next scheduled one goes public.
pub(super) fn published(items: &[Summary], now: DateTime<Utc>) -> (Vec<&Summary>, Option<DateTime<FixedOffset>>) {
    let (public, scheduled): (Vec<&Summary>, Vec<&Summary>) = items.iter().partition(|s| s.published.at <= now);
    (public, scheduled.iter().map(|s| s.published.at).min())
}

/// A list's total minus its scheduled releases (which are all among the newest stored).
pub(super) fn visible_total(total: usize, stored: usize, public: usize) -> usize {
    total.saturating_sub(stored - public)
}

/// Counts of what is public at `now` (names with only scheduled releases left out), and
/// when the next scheduled release changes them.
pub(super) fn public_counts(mut c: CountsRecord, now: i64) -> (CountsRecord, Option<DateTime<FixedOffset>>) {
    let next = c.counts.iter().flat_map(|c| &c.newest).filter(|&&t| t > now).min().copied();
    for count in &mut c.counts {
        count.count = count.visible(now);
    }
    c.counts.retain(|c| c.count > 0);
    (c, next.and_then(|t| DateTime::from_timestamp(t, 0)).map(|t| t.fixed_offset()))
}

/// The 404 of a list whose releases are all scheduled: cached only until the first goes public.
pub(super) fn not_yet(req: &RequestFacts, next: Option<DateTime<FixedOffset>>) -> HttpError {
    match next {
        Some(at) => HttpError::Scheduled(req.path.clone(), at),
        None => HttpError::NotFound(req.path.clone()),
    }
}

/// A list page's headers: last modified by its newest visible item.
pub(super) fn list_rendered(
    body: Vec<u8>,
    lang: &str,
    items: &[&Summary],
    next: Option<DateTime<FixedOffset>>,
) -> Rendered {
    Rendered {
        body,
        lang: lang.to_string(),
        kind: CacheKind::List,
        last_modified: items.iter().map(|s| s.published.at).max(),
        next_change: next,
        log: Vec::new(),
        content_type: None,
    }
}
