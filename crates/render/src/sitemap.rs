//! Sitemaps (sitemaps.org 0.9), the Google News sitemap and `robots.txt`.

use chrono::{DateTime, Duration, FixedOffset, Utc};

use crate::feed::xml::Xml;
use contract::model::{FeedItem, SitemapEntry, SITEMAP_ORIGIN};
use contract::route::release_path;

const NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";
const IMAGE_NS: &str = "http://www.google.com/schemas/sitemap-image/1.1";
/// Google's video sitemap extension (a release's videos with their stills).
const VIDEO_NS: &str = "http://www.google.com/schemas/sitemap-video/1.1";
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
    x.open("urlset", &[("xmlns", NS), ("xmlns:image", IMAGE_NS), ("xmlns:video", VIDEO_NS)]);
    for e in entries.iter().filter(|e| e.from <= now) {
        x.open("url", &[]);
        x.text("loc", &[], &format!("{origin}{}", e.path));
        x.text("lastmod", &[], &w3c(&e.lastmod));
        for image in &e.images {
            x.open("image:image", &[]);
            x.text("image:loc", &[], &format!("{origin}{image}"));
            x.close("image:image");
        }
        if !e.videos.is_empty() {
            x.raw(&e.videos.replace(SITEMAP_ORIGIN, origin));
        }
        x.close("url");
    }
    x.close("urlset");
    x.finish()
}

/// A video in a sitemap (Google's video sitemap extension), with every field it requires.
pub struct VideoEntry<'a> {
    /// Path of its still: its poster, else the release's first photo (a JPEG).
    pub thumbnail: String,
    /// Its title.
    pub title: &'a str,
    /// What it is about: the release's lead.
    pub description: &'a str,
    /// Path of the file.
    pub content: String,
    /// Its length in seconds.
    pub seconds: u64,
}

/// The `<video:video>` elements of a release's sitemap entry, rendered at build time with
/// [`SITEMAP_ORIGIN`] where each URL's origin goes ([`urlset`] fills it in).
pub fn video_elements(videos: &[VideoEntry<'_>]) -> String {
    let mut x = Xml::fragment();
    for v in videos {
        x.open("video:video", &[]);
        located(&mut x, "video:thumbnail_loc", &v.thumbnail);
        x.text("video:title", &[], v.title);
        x.text("video:description", &[], v.description);
        located(&mut x, "video:content_loc", &v.content);
        x.text("video:duration", &[], &v.seconds.to_string());
        x.close("video:video");
    }
    x.finish()
}

/// `<name>{SITEMAP_ORIGIN}path</name>`: the marker written as it is (escaping would drop a
/// control character), the path escaped.
fn located(x: &mut Xml, name: &str, path: &str) {
    x.open(name, &[]);
    x.raw(SITEMAP_ORIGIN);
    let mut escaped = String::new();
    crate::feed::xml::escape(path, &mut escaped);
    x.raw(&escaped);
    x.close(name);
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
