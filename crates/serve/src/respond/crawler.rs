//! What crawlers and machines read: sitemaps, the news sitemap, `robots.txt` and
//! `/llms.txt`.

use contract::cache::CacheKind;
use contract::error::HttpError;
use contract::kv::{self, ListScope};
use contract::model::{FeedRecord, SitemapIndexRecord, SitemapRecord, Summary, SCHEMA_VERSION};
use contract::route::Route;
use render::llms::{llms_txt, About};
use render::sitemap;

use super::chunks::list_page_record;
use super::lists::published;
use super::load::{publisher_record, record};
use super::resolve::{Home, Target};
use super::response::Rendered;
use super::{Halt, Loaded};
use crate::http::RequestFacts;

/// Sitemaps, `robots.txt` and `/llms.txt`.
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
        Route::LlmsTxt => return llms(t, req, loaded),
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
        content_type: None,
    })
}

/// `/llms.txt`: the main site's latest releases from page 1 of the latest list, or, on a
/// publisher's own host, the publisher's from its profile (one read either way).
fn llms(t: &Target, req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    let origin = &req.origin;
    let site_lang = req.config.lang.as_str();
    let (body, lang, next) = match &t.home {
        Home::Main => {
            let page = list_page_record(loaded, &ListScope::Latest, 1, req)?;
            let (items, next) = published(&page.releases, req.now);
            let name = req.config.site_name(site_lang);
            let about = About { name, description: None, lang: site_lang, feeds: "" };
            (llms_txt(&about, &items, origin), site_lang.to_string(), next)
        }
        Home::Publisher(p) => {
            let key = kv::publisher_key(&p.slug);
            let profile = publisher_record(loaded, &key)?.ok_or_else(|| HttpError::NotFound(req.path.clone()))?;
            let (items, next) = published(&profile.releases, req.now);
            let items: Vec<&Summary> = items.into_iter().take(req.config.page_size).collect();
            // On its own host the root feeds are the publisher's.
            let about = About {
                name: &profile.publisher.name,
                description: profile.description.as_deref(),
                lang: &profile.lang,
                feeds: "",
            };
            (llms_txt(&about, &items, origin), profile.lang.clone(), next)
        }
    };
    Ok(Rendered {
        body: body.into_bytes(),
        lang,
        kind: CacheKind::Feed,
        last_modified: None,
        next_change: next,
        log: vec![],
        content_type: None,
    })
}
