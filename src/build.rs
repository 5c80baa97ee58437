//! Turns a checked [`Site`] into KV records, in upload order.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::content::{Publisher, Release, Site};
use crate::i18n::labels;
use crate::kv::{self, KvPair};
use crate::markdown;
use crate::model::{
    FeedItem, FeedRecord, Keyword, KeywordCount, KeywordRecord, KeywordsRecord, LatestRecord, PublisherRecord,
    PublisherRef, ReleaseRecord, Summary, SCHEMA_VERSION,
};
use crate::respond::SITE_LANG;

/// How many summaries a list record holds (the first page of a list).
pub const LIST_LEN: usize = 50;
/// How many items a feed record holds (the largest `?limit=`).
pub const FEED_LEN: usize = 50;

/// KV records of a site, split into the two upload stages.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Records {
    /// `release:*` records: uploaded first, so that nothing points to a missing record.
    pub releases: Vec<KvPair>,
    /// Lists and feeds (`publisher:*`, `keyword:*`, `feed:*`, `index:*`): uploaded after
    /// the releases they list.
    pub indexes: Vec<KvPair>,
    /// Drafts that were left out, by slug.
    pub drafts: Vec<String>,
}

/// A release with its rendered body, sorted newest first.
struct Built<'a> {
    release: &'a Release,
    summary: Summary,
    body_html: String,
}

/// Builds every record; deterministic (same site, same bytes). Drafts are left out.
pub fn build(site: &Site) -> Records {
    let mut records = Records::default();
    let mut built: Vec<Built> = Vec::new();
    for r in &site.releases {
        if r.draft {
            records.drafts.push(r.slug.clone());
            continue;
        }
        let summary = summary(r, &site.publishers[&r.publisher]);
        built.push(Built { release: r, summary, body_html: markdown::to_html(&r.body) });
    }
    records.drafts.sort();
    built.sort_by(|a, b| {
        b.release.published.at.cmp(&a.release.published.at).then_with(|| a.release.slug.cmp(&b.release.slug))
    });

    for b in &built {
        records.releases.push(pair(kv::release_key(&b.release.slug), &release_record(b)));
    }
    let all: Vec<&Built> = built.iter().collect();
    for publisher in site.publishers.values() {
        let theirs: Vec<&Built> = built.iter().filter(|b| b.release.publisher == publisher.slug).collect();
        records.indexes.push(pair(kv::publisher_key(&publisher.slug), &publisher_record(publisher, &theirs)));
        let description = publisher.description.clone().unwrap_or_else(|| publisher.name.clone());
        let feed = feed_record(publisher.name.clone(), description, &publisher.lang, &theirs);
        records.indexes.push(pair(kv::publisher_feed_key(&publisher.slug), &feed));
    }
    let by_keyword = group_by_keyword(&built);
    for (slug, (keyword, items)) in &by_keyword {
        records.indexes.push(pair(kv::keyword_key(slug), &keyword_record(keyword, items)));
        let l = labels(SITE_LANG);
        let title = format!("{}: {}", l.keyword, keyword.label);
        let feed = feed_record(title.clone(), format!("{} – {title}", l.site), SITE_LANG, items);
        records.indexes.push(pair(kv::keyword_feed_key(slug), &feed));
    }
    let keywords = KeywordsRecord {
        v: SCHEMA_VERSION,
        keywords: by_keyword
            .iter()
            .map(|(slug, (k, items))| KeywordCount { slug: slug.clone(), label: k.label.clone(), count: items.len() })
            .collect(),
    };
    records.indexes.push(pair(kv::KEYWORDS_KEY.to_string(), &keywords));
    let l = labels(SITE_LANG);
    let site_feed = feed_record(format!("{} – {}", l.site, l.latest), l.latest.to_string(), SITE_LANG, &all);
    records.indexes.push(pair(kv::SITE_FEED_KEY.to_string(), &site_feed));
    let latest = LatestRecord { v: SCHEMA_VERSION, total: all.len(), releases: summaries(&all) };
    records.indexes.push(pair(kv::LATEST_KEY.to_string(), &latest));
    records
}

/// Releases per keyword slug, newest first; the label is the first one met (newest release).
fn group_by_keyword<'a>(built: &'a [Built<'a>]) -> BTreeMap<String, (Keyword, Vec<&'a Built<'a>>)> {
    let mut map: BTreeMap<String, (Keyword, Vec<&Built>)> = BTreeMap::new();
    for b in built {
        for k in &b.release.keywords {
            map.entry(k.slug.clone()).or_insert_with(|| (k.clone(), Vec::new())).1.push(b);
        }
    }
    map
}

fn summary(r: &Release, p: &Publisher) -> Summary {
    Summary {
        slug: r.slug.clone(),
        title: r.title.clone(),
        publisher: PublisherRef { slug: p.slug.clone(), name: p.name.clone() },
        published: r.published.clone(),
        kind: r.kind,
        lang: r.lang.clone(),
        lead: r.lead.clone(),
    }
}

fn summaries(items: &[&Built]) -> Vec<Summary> {
    items.iter().take(LIST_LEN).map(|b| b.summary.clone()).collect()
}

fn release_record(b: &Built) -> ReleaseRecord {
    let r = b.release;
    ReleaseRecord {
        v: SCHEMA_VERSION,
        summary: b.summary.clone(),
        updated: r.updated.clone(),
        lead_only: r.lead_only,
        body_markdown: r.body.clone(),
        body_html: b.body_html.clone(),
        keywords: r.keywords.clone(),
        contacts: r.contacts.clone(),
    }
}

fn publisher_record(p: &Publisher, releases: &[&Built]) -> PublisherRecord {
    PublisherRecord {
        v: SCHEMA_VERSION,
        publisher: PublisherRef { slug: p.slug.clone(), name: p.name.clone() },
        description: p.description.clone(),
        boilerplate: p.boilerplate.clone(),
        website: p.website.clone(),
        lang: p.lang.clone(),
        time_zone: p.zone.name().to_string(),
        contacts: p.contacts.clone(),
        total: releases.len(),
        releases: summaries(releases),
    }
}

fn keyword_record(keyword: &Keyword, releases: &[&Built]) -> KeywordRecord {
    KeywordRecord { v: SCHEMA_VERSION, keyword: keyword.clone(), total: releases.len(), releases: summaries(releases) }
}

fn feed_record(title: String, description: String, lang: &str, items: &[&Built]) -> FeedRecord {
    let items = items
        .iter()
        .take(FEED_LEN)
        .map(|b| FeedItem {
            summary: b.summary.clone(),
            updated: b.release.updated.clone(),
            body_html: b.body_html.clone(),
            keywords: b.release.keywords.clone(),
        })
        .collect();
    FeedRecord { v: SCHEMA_VERSION, title, description, lang: lang.to_string(), items }
}

fn pair<T: Serialize>(key: String, record: &T) -> KvPair {
    // Serializing these plain structs cannot fail: no maps with non-string keys, no custom impls.
    let value = serde_json::to_string(record).unwrap_or_else(|e| unreachable!("record serializes: {e}"));
    KvPair { key, value }
}
