//! A content page (`/pages/{slug}`), and the footer links every HTML page carries to the
//! content pages of its host and language.

use contract::cache::CacheKind;
use contract::error::HttpError;
use contract::format::Format;
use contract::pages::{page_key, PageRecord, PagesRecord, PAGES_KEY};
use render::html::{footer_for, FOOTER_MARK};
use render::json::PageView;
use render::markdown::page_document;
use render::{html, json};

use super::load::{damaged, record};
use super::resolve::{Home, Target};
use super::response::{site, Rendered};
use super::{Halt, Loaded};
use crate::http::RequestFacts;

/// `/pages/{slug}` in HTML, JSON or Markdown; `404` for a page that does not exist or is
/// another publisher's (a publisher's own host serves its own pages and the site's).
pub(super) fn render_content_page(
    slug: &str,
    t: &Target,
    req: &RequestFacts,
    loaded: &Loaded,
) -> Result<Rendered, Halt> {
    let key = page_key(slug);
    let page: PageRecord = record(loaded, key.clone())?.ok_or_else(|| HttpError::NotFound(req.path.clone()))?;
    if page.link.slug != slug {
        return Err(HttpError::BadData(damaged(&key, "its slug field names another page")).into());
    }
    if !PagesRecord::serves(&page.link, publisher_of(&t.home)) {
        return Err(HttpError::NotFound(req.path.clone()).into());
    }
    let body = match t.format {
        Format::Json => json::to_bytes(&PageView::new(&page, &req.origin)),
        Format::Markdown => page_document(&page).into_bytes(),
        _ => html::content_page(&page, &site(req, &t.home)).into_bytes(),
    };
    Ok(Rendered {
        body,
        lang: page.link.lang.clone(),
        kind: CacheKind::List,
        last_modified: Some(page.updated.at),
        next_change: None,
        log: vec![],
        content_type: None,
    })
}

/// The slug of the publisher whose own host `home` is.
pub(super) fn publisher_of(home: &Home) -> Option<&str> {
    match home {
        Home::Publisher(p) => Some(p.slug.as_str()),
        Home::Main => None,
    }
}

/// Adds `index:pages` to a round of an HTML page's reads, so that its footer costs no
/// round of its own.
pub(super) fn ask_with(keys: &mut Vec<String>, loaded: &Loaded) {
    if !loaded.values.contains_key(PAGES_KEY) && !keys.iter().any(|k| k == PAGES_KEY) {
        keys.push(PAGES_KEY.to_string());
    }
}

/// Fills the footer mark of a rendered HTML `body` with the links to the content pages of
/// `home` in `lang`: `Err` with the key to read when `index:pages` has not been read and
/// `may_read` (a page that needed no other read); an error page never reads for its footer
/// (an unknown path never touches KV). A missing or damaged index leaves the footer without
/// links rather than failing the page; the damage goes to the log.
pub(super) fn fill_footer(
    body: &mut Vec<u8>,
    (lang, home): (&str, &Home),
    req: &RequestFacts,
    (loaded, may_read): (&Loaded, bool),
    log: &mut Vec<String>,
) -> Result<(), Vec<String>> {
    let Some(at) = find(body, FOOTER_MARK.as_bytes()) else { return Ok(()) };
    if !may_read && !loaded.values.contains_key(PAGES_KEY) {
        body.splice(at..at + FOOTER_MARK.len(), []);
        return Ok(());
    }
    let pages = match record::<PagesRecord>(loaded, PAGES_KEY.into()) {
        Ok(pages) => pages.unwrap_or_default(),
        Err(Halt::Need(keys)) => return Err(keys),
        Err(Halt::Fail(e)) => {
            log.push(format!("footer left without its pages: {e}"));
            PagesRecord::default()
        }
        Err(Halt::Found(_)) => PagesRecord::default(),
    };
    let html = footer_for(&pages, lang, &req.config.lang, publisher_of(home));
    body.splice(at..at + FOOTER_MARK.len(), html.into_bytes());
    Ok(())
}

/// Removes the footer mark of `body`, if it has one (a page that cannot read KV).
pub(super) fn strip_mark(body: &mut Vec<u8>) {
    if let Some(at) = find(body, FOOTER_MARK.as_bytes()) {
        body.splice(at..at + FOOTER_MARK.len(), []);
    }
}

/// The last position of `needle` in `haystack` (the footer is at the end of a page, and
/// no text of a release can hold the mark: its markup is escaped).
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}
