//! Content pages as KV records: each page under `pages:{slug}` with its text rendered, the
//! index every HTML page's footer reads (`index:pages`), and their sitemap entries.

use contract::kv::KvPair;
use contract::model::{SitemapEntry, SCHEMA_VERSION};
use contract::pages::{page_key, PageLink, PageRecord, PagesRecord, PAGES_KEY};
use render::markdown;

use crate::content::{Page, Site};
use crate::records::pair;

/// The link of `page`, as lists and footers name it.
fn link(page: &Page) -> PageLink {
    PageLink {
        slug: page.slug.clone(),
        title: page.title.clone(),
        lang: page.lang.clone(),
        role: page.role,
        publisher: page.publisher.clone(),
        footer: page.footer,
    }
}

/// `index:pages`: every page, the accessibility statements first, then the privacy
/// notices, then the others by title (the footer's order).
pub fn index(site: &Site) -> PagesRecord {
    let mut pages: Vec<PageLink> = site.pages.iter().map(link).collect();
    // `None` sorts first: put the pages without a role after those with one.
    pages.sort_by(|a, b| {
        (a.role.is_none(), a.role, &a.title, &a.slug).cmp(&(b.role.is_none(), b.role, &b.title, &b.slug))
    });
    PagesRecord { v: SCHEMA_VERSION, pages }
}

/// Every page's record and the index, in upload order (the pages before the index that
/// links them).
pub fn pairs(site: &Site) -> Vec<KvPair> {
    let mut out = Vec::new();
    for page in &site.pages {
        // Translations go both ways: those it names and those that name it.
        let named = |t: &Page| page.translations.1.contains(&t.slug) || t.translations.1.contains(&page.slug);
        let mut translations: Vec<PageLink> =
            site.pages.iter().filter(|t| t.slug != page.slug && named(t)).map(link).collect();
        translations.sort_by(|a, b| (&a.lang, &a.slug).cmp(&(&b.lang, &b.slug)));
        translations.dedup();
        let record = PageRecord {
            v: SCHEMA_VERSION,
            link: link(page),
            updated: page.updated.clone(),
            body_html: markdown::to_html(&page.body),
            body_markdown: page.body.clone(),
            translations,
        };
        out.push(pair(page_key(&page.slug), &record));
    }
    out.push(pair(PAGES_KEY.to_string(), &index(site)));
    out
}

/// The pages' sitemap entries: each page since ever, last modified when it was updated.
pub fn sitemap_entries(site: &Site) -> Vec<SitemapEntry> {
    site.pages
        .iter()
        .map(|p| SitemapEntry {
            path: contract::route::content_page_path(&p.slug),
            lastmod: p.updated.at,
            from: chrono::DateTime::UNIX_EPOCH.fixed_offset(),
            images: Vec::new(),
            videos: String::new(),
        })
        .collect()
}
