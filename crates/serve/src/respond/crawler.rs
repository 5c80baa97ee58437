//! Sitemaps, the news sitemap and `robots.txt`.

use contract::cache::CacheKind;
use contract::error::HttpError;
use contract::kv;
use contract::route::Route;
use render::sitemap;

use super::load::record;
use super::resolve::Target;
use super::response::Rendered;
use crate::http::RequestFacts;
use contract::model::{FeedRecord, SitemapIndexRecord, SitemapRecord, SCHEMA_VERSION};

use super::{Halt, Loaded};

/// Sitemaps and `robots.txt`.
pub(super) fn render_crawler(t: &Target, req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    let lang = req.config.lang.as_str();
    let (origin, now) = (&req.origin, req.now);
    let (body, next) = match t.route {
        Route::Sitemap => {
            let index: SitemapIndexRecord = record(loaded, kv::SITEMAPS_KEY.into())?
                .unwrap_or(SitemapIndexRecord { v: SCHEMA_VERSION, parts: vec![] });
            let (lastmods, next) = index.at(now);
            (sitemap::index(origin, &lastmods), next)
        }
        Route::SitemapPart(n) => {
            let part: SitemapRecord =
                record(loaded, kv::sitemap_key(n))?.ok_or_else(|| HttpError::NotFound(req.path.clone()))?;
            let next = part.entries.iter().map(|e| e.from).filter(|at| *at > now).min();
            (sitemap::urlset(origin, &part.entries, now), next)
        }
        Route::NewsSitemap => {
            let feed: Option<FeedRecord> = record(loaded, kv::SITE_FEED_KEY.into())?;
            let items = feed.map(|f| f.items).unwrap_or_default();
            let next = items.iter().map(|i| i.summary.published.at).filter(|at| *at > now).min();
            (sitemap::news(origin, &items, now), next)
        }
        _ => (sitemap::robots(origin), None),
    };
    let kind = CacheKind::Feed;
    Ok(Rendered {
        body: body.into_bytes(),
        lang: lang.into(),
        kind,
        last_modified: None,
        next_change: next,
        log: vec![],
    })
}
