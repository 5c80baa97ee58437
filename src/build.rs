//! Turns a checked [`Site`] into KV records, in upload order.

use std::collections::BTreeMap;

use crate::content::{Publisher, Release, Site};
use crate::kv::{publisher_key, release_key, KvPair, LATEST_KEY};
use crate::markdown;
use crate::model::{
    LatestRecord, PublisherRecord, PublisherRef, ReleaseRecord, Summary, SCHEMA_VERSION,
};

/// How many summaries a list record holds (the first page of a list).
pub const LIST_LEN: usize = 50;

/// KV records of a site, split into the two upload stages.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Records {
    /// `release:*` records: uploaded first, so that nothing points to a missing record.
    pub releases: Vec<KvPair>,
    /// `publisher:*` and `index:*` records: uploaded after the releases they list.
    pub indexes: Vec<KvPair>,
}

/// Builds every record; deterministic (same site, same bytes).
pub fn build(site: &Site) -> Records {
    let mut releases: Vec<&Release> = site.releases.iter().collect();
    releases.sort_by(|a, b| {
        b.published
            .at
            .cmp(&a.published.at)
            .then_with(|| a.slug.cmp(&b.slug))
    });
    let summaries: Vec<Summary> = releases
        .iter()
        .map(|r| summary(r, &site.publishers[&r.publisher]))
        .collect();

    let mut records = Records::default();
    for (release, summary) in releases.iter().zip(&summaries) {
        let record = release_record(release, summary.clone());
        records
            .releases
            .push(pair(release_key(&release.slug), &record));
    }
    let mut by_publisher: BTreeMap<&str, Vec<&Summary>> = BTreeMap::new();
    for s in &summaries {
        by_publisher
            .entry(s.publisher.slug.as_str())
            .or_default()
            .push(s);
    }
    for publisher in site.publishers.values() {
        let theirs = by_publisher
            .remove(publisher.slug.as_str())
            .unwrap_or_default();
        let record = publisher_record(publisher, &theirs);
        records
            .indexes
            .push(pair(publisher_key(&publisher.slug), &record));
    }
    let latest = LatestRecord {
        v: SCHEMA_VERSION,
        total: summaries.len(),
        releases: summaries.iter().take(LIST_LEN).cloned().collect(),
    };
    records.indexes.push(pair(LATEST_KEY.to_string(), &latest));
    records
}

fn summary(r: &Release, p: &Publisher) -> Summary {
    Summary {
        slug: r.slug.clone(),
        title: r.title.clone(),
        publisher: PublisherRef {
            slug: p.slug.clone(),
            name: p.name.clone(),
        },
        published: r.published.clone(),
        kind: r.kind,
        lang: r.lang.clone(),
        lead: r.lead.clone(),
    }
}

fn release_record(r: &Release, summary: Summary) -> ReleaseRecord {
    ReleaseRecord {
        v: SCHEMA_VERSION,
        summary,
        updated: r.updated.clone(),
        lead_only: r.lead_only,
        body_markdown: r.body.clone(),
        body_html: markdown::to_html(&r.body),
        keywords: r.keywords.clone(),
        contacts: r.contacts.clone(),
    }
}

fn publisher_record(p: &Publisher, releases: &[&Summary]) -> PublisherRecord {
    PublisherRecord {
        v: SCHEMA_VERSION,
        publisher: PublisherRef {
            slug: p.slug.clone(),
            name: p.name.clone(),
        },
        description: p.description.clone(),
        boilerplate: p.boilerplate.clone(),
        website: p.website.clone(),
        lang: p.lang.clone(),
        time_zone: p.zone.name().to_string(),
        contacts: p.contacts.clone(),
        total: releases.len(),
        releases: releases
            .iter()
            .take(LIST_LEN)
            .map(|s| (*s).clone())
            .collect(),
    }
}

fn pair<T: serde::Serialize>(key: String, record: &T) -> KvPair {
    // Serializing these plain structs cannot fail: no maps with non-string keys, no custom impls.
    let value =
        serde_json::to_string(record).unwrap_or_else(|e| unreachable!("record serializes: {e}"));
    KvPair { key, value }
}
