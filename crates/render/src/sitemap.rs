//! Sitemaps (sitemaps.org 0.9), the Google News sitemap and `robots.txt`.

use chrono::{DateTime, Duration, FixedOffset, Utc};

use crate::feed::xml::Xml;
use contract::model::{FeedItem, SitemapEntry};
use contract::route::release_path;

const NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";
const IMAGE_NS: &str = "http://www.google.com/schemas/sitemap-image/1.1";
/// How far back the news sitemap reaches (Google News reads two days).
pub const NEWS_DAYS: i64 = 2;

fn w3c(at: &DateTime<chrono::FixedOffset>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// `/sitemap.xml`: the index of every non-empty part.
pub fn index(origin: &str, lastmods: &[Option<DateTime<FixedOffset>>]) -> String {
    let mut x = Xml::new();
    x.open("sitemapindex", &[("xmlns", NS)]);
    for (n, lastmod) in lastmods.iter().enumerate() {
        let Some(lastmod) = lastmod else { continue };
        x.open("sitemap", &[]);
        x.text("loc", &[], &format!("{origin}/sitemaps/{n}.xml"));
        x.text("lastmod", &[], &w3c(lastmod));
        x.close("sitemap");
    }
    x.close("sitemapindex");
    x.finish()
}

/// `/sitemaps/{n}.xml`: the entries visible at `now`.
pub fn urlset(origin: &str, entries: &[SitemapEntry], now: DateTime<Utc>) -> String {
    let mut x = Xml::new();
    x.open("urlset", &[("xmlns", NS), ("xmlns:image", IMAGE_NS)]);
    for e in entries.iter().filter(|e| e.from <= now) {
        x.open("url", &[]);
        x.text("loc", &[], &format!("{origin}{}", e.path));
        x.text("lastmod", &[], &w3c(&e.lastmod));
        for image in &e.images {
            x.open("image:image", &[]);
            x.text("image:loc", &[], &format!("{origin}{image}"));
            x.close("image:image");
        }
        x.close("url");
    }
    x.close("urlset");
    x.finish()
}

/// `/news-sitemap.xml`: releases published in the last [`NEWS_DAYS`] days.
pub fn news(origin: &str, items: &[FeedItem], now: DateTime<Utc>) -> String {
    let since = now - Duration::days(NEWS_DAYS);
    let mut x = Xml::new();
    x.open("urlset", &[("xmlns", NS), ("xmlns:news", NEWS_NS)]);
    for item in items.iter().map(|i| &i.summary).filter(|s| s.published.at <= now && s.published.at >= since) {
        x.open("url", &[]);
        x.text("loc", &[], &format!("{origin}{}", release_path(&item.slug)));
        x.open("news:news", &[]);
        x.open("news:publication", &[]);
        x.text("news:name", &[], &item.publisher.name);
        x.text("news:language", &[], &item.lang);
        x.close("news:publication");
        x.text("news:publication_date", &[], &w3c(&item.published.at));
        x.text("news:title", &[], &item.title);
        x.close("news:news");
        x.close("url");
    }
    x.close("urlset");
    x.finish()
}

/// `/robots.txt`: everything may be crawled; where the sitemaps are.
pub fn robots(origin: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {origin}/sitemap.xml\nSitemap: {origin}/news-sitemap.xml\n")
}
