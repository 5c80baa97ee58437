//! Turns a checked [`Site`] into KV records, in upload order.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::Datelike;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::content::{Publisher, Release, Site};
use crate::manifest::{self, Manifest};
use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use contract::config::Config;
use contract::i18n::labels;
use contract::kv::{self, KvPair, ListScope};
use contract::media::{self, Media, MediaFile};
use contract::model::ReleaseStub;
use contract::model::{
    BuildInfo, Count, CountsRecord, FeedItem, FeedRecord, HostEntry, HostsRecord, Image, ListRecord, PublisherRecord,
    PublisherRef, ReleaseMedia, ReleaseRecord, SitemapEntry, SitemapIndexRecord, SitemapRecord, Summary, Translation,
    SCHEMA_VERSION,
};
use contract::route;
use render::feed;
use render::markdown;
use search;

/// How many summaries a publisher record holds, for "more from this publisher": its
/// `serve::respond::MORE_LEN` (5) plus the release shown, with room for 14 scheduled releases
/// ahead of them. Every release page reads this record: 50 summaries made it 27 KB, more
/// than the release itself, to show five.
pub const LIST_LEN: usize = 20;
/// How many of a list's newest publication times sitemaps and counts keep (scheduled
/// releases are among them).
pub const PAGE_LEN: usize = 20;
/// URLs per sitemap part (the protocol allows 50,000; smaller parts keep KV values small).
pub const SITEMAP_LEN: usize = 10_000;

pub use crate::records::{pair, Records, Removals};

/// A release with its summary and rendered body.
struct Built<'a> {
    release: &'a Release,
    summary: Summary,
    body_html: String,
}

/// Releases grouped by slug (label from the newest release), each group newest first.
type Groups<'a> = BTreeMap<String, (String, Vec<&'a Built<'a>>)>;

/// [`build_with`] the default [`Config`].
pub fn build(site: &Site, previous: Option<&Manifest>) -> Records {
    build_with(site, previous, &Config::default())
}

/// Builds every record; deterministic (same site, previous manifest and config, same bytes).
/// Drafts are left out; releases in `previous` but no longer in `site` get `gone:*`
/// tombstones. `config` gives the site's name and language, page and feed sizes.
pub fn build_with(site: &Site, previous: Option<&Manifest>, config: &Config) -> Records {
    build_removing(site, previous, config, &Removals::default())
}

/// [`build_with`], with `removals` deciding which removed releases leave no tombstone: those
/// removed before their moment (given the build's time) and those purged. Deterministic
/// for the same `removals`.
pub fn build_removing(site: &Site, previous: Option<&Manifest>, config: &Config, removals: &Removals) -> Records {
    let (page, feed_size, site_lang) = (config.page_size, config.feed_size, config.lang.as_str());
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
    // Complete drafts are stored for previews only (`draft:{slug}`, opened by a token).
    let drafts: Vec<Built> = site
        .releases
        .iter()
        .filter(|r| r.draft)
        .map(|r| Built {
            release: r,
            summary: summary(r, &site.publishers[&r.publisher]),
            body_html: markdown::to_html(&r.body),
        })
        .collect();
    for b in &drafts {
        records.indexes.push(pair(kv::draft_key(&b.release.slug), &release_record(b, Vec::new())));
    }
    records.drafts.extend(site.unfinished_drafts.iter().cloned());
    records.drafts.sort();
    built.sort_by(|a, b| {
        b.release.published.at.cmp(&a.release.published.at).then_with(|| a.release.slug.cmp(&b.release.slug))
    });
    records.media = used_media(site, built.iter().chain(&drafts));
    let published: Vec<&Release> = built.iter().map(|b| b.release).collect();
    let (objects, gates) = crate::r2::objects(site, &published);
    records.objects = objects;
    records.releases.extend(gates);
    let pages = crate::pages::index(site);
    let mut groups = translation_groups(&built);
    // Translations, which are not announced on social media (their family's original is).
    let mut translated = BTreeSet::new();
    for b in &built {
        let translations = groups.remove(b.release.slug.as_str()).unwrap_or_default();
        let record = release_record(b, translations);
        if !is_original(b.release, &record.translations, &site.publishers[&b.release.publisher].lang) {
            translated.insert(b.release.slug.clone());
        }
        // The subscriber and embargo mail, rendered ahead, for the releases the trigger may
        // still mail (only a URL that cannot stand in a mail fails, and the markers are fine
        // ones: never for a checked release).
        let mailed = crate::schedule::in_window(b.release.published.at.to_utc(), removals.now);
        if let Some(Ok(mut mail)) =
            mailed.then(|| render::mail::ahead::render_ahead(&record, config.site_name(&record.summary.lang), &pages))
        {
            // Its family: a subscriber gets the translation in their language, else this
            // one only if it is the original (`MailRecord::is_for`).
            mail.translations = record.translations.iter().map(|t| t.lang.clone()).collect();
            let publisher_lang = &site.publishers[&b.release.publisher].lang;
            mail.original = is_original(b.release, &record.translations, publisher_lang);
            records.indexes.push(pair(kv::mail_key(&b.release.slug), &mail));
        }
        records.releases.push(pair(kv::release_key(&b.release.slug), &record));
    }

    let mut feeds = FeedWriter::default();
    for publisher in site.publishers.values() {
        let theirs: Vec<&Built> = built.iter().filter(|b| b.release.publisher == publisher.slug).collect();
        records.indexes.push(pair(kv::publisher_key(&publisher.slug), &publisher_record(publisher, &theirs, page)));
        let description = publisher.description.clone().unwrap_or_else(|| publisher.name.clone());
        let mut feed = feed_record(publisher.name.clone(), description, &publisher.lang, &theirs, feed_size);
        feed.logo = publisher.logo.clone();
        feeds.push(&mut records, kv::publisher_feed_key(&publisher.slug), &feed);
        push_pages(&mut records, &ListScope::Publisher(publisher.slug.clone()), &publisher.name, &theirs, page);
        push_media_bank(&mut records, publisher, &theirs, page);
    }

    let l = labels(site_lang);
    let site_name = config.site_name(site_lang);
    let by_keyword =
        group_by(&built, |b| b.release.keywords.iter().map(|k| (k.slug.clone(), k.label.clone())).collect());
    for (slug, (label, items)) in &by_keyword {
        let title = format!("{}: {label}", l.keyword);
        let feed = feed_record(title.clone(), format!("{site_name} – {title}"), site_lang, items, feed_size);
        feeds.push(&mut records, kv::keyword_feed_key(slug), &feed);
        push_pages(&mut records, &ListScope::Keyword(slug.clone()), label, items, page);
    }
    records.indexes.push(pair(kv::KEYWORDS_KEY.to_string(), &counts(&by_keyword, false)));

    // Years in the publisher's own zone, as readers see the dates.
    let by_year = group_by(&built, |b| {
        let year = b.release.published.at.year();
        vec![(format!("{year:04}"), year.to_string())]
    });
    for (slug, (label, items)) in &by_year {
        if let Ok(year) = slug.parse() {
            push_pages(&mut records, &ListScope::Year(year), label, items, page);
        }
    }
    records.indexes.push(pair(kv::YEARS_KEY.to_string(), &counts(&by_year, true)));

    let all: Vec<&Built> = built.iter().collect();
    let title = format!("{site_name} – {}", l.latest);
    let site_feed = feed_record(title, l.latest.to_string(), site_lang, &all, feed_size);
    feeds.push(&mut records, kv::SITE_FEED_KEY.to_string(), &site_feed);
    push_pages(&mut records, &ListScope::Latest, "", &all, page);
    records.indexes.extend(crate::pages::pairs(site));
    push_sitemaps(&mut records, site, &all, &by_keyword, &by_year);
    push_search(&mut records, &all, previous.map(|m| m.releases.len() as u32));
    let info = BuildInfo {
        v: SCHEMA_VERSION,
        releases: built.len(),
        publishers: site.publishers.len(),
        page_size: page,
        feed_size,
        lang: site_lang.to_string(),
        site_name: config.site_name.clone(),
    };
    records.indexes.push(pair(kv::BUILD_INFO_KEY.to_string(), &info));
    records.indexes.push(pair(kv::HOSTS_KEY.to_string(), &hosts_record(site)));
    let mut schedule = crate::schedule::upcoming(site.releases.iter(), removals.now);
    let origin = config.base_url.as_deref().unwrap_or(crate::social::LOCAL_ORIGIN);
    crate::social::add_posts(&mut schedule, site, origin, |slug| !translated.contains(slug));
    records.indexes.push(pair(contract::golive::UPCOMING_KEY.to_string(), &schedule));
    records.indexes.push(pair(contract::social::CHANNELS_KEY.to_string(), &crate::social::channels_record(site)));
    #[cfg(not(target_arch = "wasm32"))]
    records.indexes.push(KvPair::new(kv::OPENAPI_KEY.into(), crate::openapi::document_compact(), false));
    let published = built
        .iter()
        .map(|b| ReleaseStub {
            slug: b.summary.slug.clone(),
            title: b.summary.title.clone(),
            publisher: b.summary.publisher.clone(),
            published_at: Some(b.summary.published.at),
            keywords: match removals.now {
                Some(now) if b.summary.published.at > now => {
                    b.release.keywords.iter().map(|k| k.slug.clone()).collect()
                }
                _ => Vec::new(),
            },
        })
        .collect();
    records.changes = manifest::finish(&mut records, published, previous, removals);
    records
}

/// Whether `r` is the original of its family (`translations`): the one in its publisher's
/// language, else the first published (then by slug), so that exactly one member is.
fn is_original(r: &Release, translations: &[Translation], publisher_lang: &str) -> bool {
    let key = |lang: &str, at, slug: &str| (lang != publisher_lang, at, slug.to_string());
    let own = key(&r.lang, r.published.at, &r.slug);
    translations.iter().all(|t| own <= key(&t.lang, t.published.at, &t.slug))
}

/// Each release's translations: the releases it names and those that name it (both ways,
/// drafts left out), ordered by language.
fn translation_groups<'a>(built: &'a [Built<'a>]) -> BTreeMap<&'a str, Vec<Translation>> {
    let by_slug: BTreeMap<&str, &Built> = built.iter().map(|b| (b.release.slug.as_str(), b)).collect();
    let mut linked: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    for b in built {
        for other in b.release.translations.1.iter().filter_map(|s| by_slug.get(s.as_str())) {
            let (a, z) = (b.release.slug.as_str(), other.release.slug.as_str());
            linked.entry(a).or_default().insert(z);
            linked.entry(z).or_default().insert(a);
        }
    }
    linked
        .into_iter()
        .map(|(slug, others)| {
            let mut list: Vec<Translation> = others
                .into_iter()
                .filter_map(|s| by_slug.get(s))
                .map(|o| Translation {
                    slug: o.release.slug.clone(),
                    lang: o.release.lang.clone(),
                    title: o.release.title.clone(),
                    published: o.release.published.clone(),
                })
                .collect();
            list.sort_by(|a, b| (&a.lang, &a.slug).cmp(&(&b.lang, &b.slug)));
            (slug, list)
        })
        .collect()
}

/// The search index ([`search`] defines its records): term shards (`search:shard:*`),
/// filters (`search:filter:*`), the delta of the newest (`search:delta`) and the documents'
/// snippet chunks (`search:snippets:*`). `before` is how many releases the previous build
/// indexed, when known: the delta then also covers what that build's base records left out.
fn push_search(records: &mut Records, all: &[&Built], before: Option<u32>) {
    let mut postings = Postings::default();
    let mut filters: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    // Ids count up from the oldest release: a new release is appended, and leaves the
    // postings of every other release (and the shards that hold only them) unchanged.
    let oldest_first: Vec<&Built> = all.iter().rev().copied().collect();
    for (id, b) in (0u32..).zip(&oldest_first) {
        let r = b.release;
        index_release(&mut postings, id, r);
        filters.entry(search::filter_key('p', &r.publisher)).or_default().push(id);
        for k in &r.keywords {
            filters.entry(search::filter_key('k', &k.slug)).or_default().push(id);
        }
        filters.entry(search::filter_key('y', &r.published.at.year().to_string())).or_default().push(id);
        filters.entry(search::filter_key('t', r.kind.id())).or_default().push(id);
    }
    let terms = shards_of(postings);
    // Each base shard and filter carries the publication times of the newest documents it
    // lists itself: the worker hides scheduled releases with no other read. Its own newest,
    // not the site's: a new release then changes only the records that list it (a window
    // over the whole site moved every record that listed the release leaving it), and a
    // record's own newest include every one of the site's newest that it lists. The delta
    // carries the times of all its ids instead.
    let time_of = |id: u32| oldest_first[id as usize].release.published.at.timestamp();
    let recent = |ids: &mut dyn Iterator<Item = u32>| -> Vec<[i64; 2]> {
        let listed: BTreeSet<u32> = ids.collect();
        let newest = listed.iter().rev().take(search::RECENT).rev();
        newest.map(|&id| [i64::from(id), time_of(id)]).collect()
    };
    // Each record is split at its own cut, its newest part going to the delta
    // (`search::delta`): one release more then rewrites the delta and one group's records.
    let indexed = oldest_first.len() as u32;
    let from = search::delta::delta_from(indexed, before);
    let cut_of = |key: &str| search::delta::cut(indexed, search::delta::group_of(key));
    let mut delta = search::delta::DeltaOut {
        v: search::INDEX_VERSION,
        from,
        times: (from..indexed).map(time_of).collect(),
        ..Default::default()
    };
    for (shard, shard_terms) in terms {
        let key = search::shard_key(&shard);
        let cut = cut_of(&key);
        let (mut base, mut newest) = (BTreeMap::new(), BTreeMap::new());
        for (term, postings) in &shard_terms {
            let split = |keep: &dyn Fn(u32) -> bool| -> Vec<(u32, u8)> {
                postings.iter().filter(|(id, _)| keep(*id)).copied().collect()
            };
            let (below, above) = (split(&|id| id < cut), split(&|id| id >= from));
            if !below.is_empty() {
                base.insert(Cow::from(term.clone()), Cow::from(search::encode_term(&below)));
            }
            if !above.is_empty() {
                newest.insert(Cow::from(term.clone()), Cow::from(search::encode_term(&above)));
            }
        }
        if !base.is_empty() {
            let mut ids = shard_terms.values().flatten().map(|(id, _)| *id).filter(|id| *id < cut);
            let record = search::ShardRecord { v: search::INDEX_VERSION, recent: recent(&mut ids), terms: base };
            records.indexes.push(pair(key, &record));
        }
        if !newest.is_empty() {
            let part = search::ShardRecord { v: search::INDEX_VERSION, terms: newest, recent: Vec::new() };
            delta.shards.insert(shard, raw_json(&part));
        }
    }
    for (key, ids) in filters {
        let cut = cut_of(&key);
        let below: Vec<u32> = ids.iter().copied().filter(|id| *id < cut).collect();
        let above: Vec<u32> = ids.iter().copied().filter(|id| *id >= from).collect();
        if !below.is_empty() {
            let recent = recent(&mut below.iter().copied());
            let docs = search::encode_ids(&below);
            let record = search::FilterRecord { v: search::INDEX_VERSION, docs, recent, ..Default::default() };
            records.indexes.push(pair(key.clone(), &record));
        }
        if !above.is_empty() {
            let part = search::FilterRecord {
                v: search::INDEX_VERSION,
                docs: search::encode_ids(&above),
                ..Default::default()
            };
            delta.filters.insert(key, raw_json(&part));
        }
    }
    records.indexes.push(pair(search::delta::DELTA_KEY.to_string(), &delta));
    for (n, chunk) in oldest_first.chunks(search::snippets::PER_CHUNK).enumerate() {
        let docs: Vec<search::SearchDoc> = chunk
            .iter()
            .map(|b| search::SearchDoc {
                slug: b.summary.slug.clone(),
                title: b.summary.title.clone(),
                publisher: b.summary.publisher.clone(),
                published: b.summary.published.clone(),
                lang: b.summary.lang.clone(),
                snippet: search::snippets::snippet(&b.summary.lead),
            })
            .collect();
        records.indexes.push(KvPair::new(search::snippets::key(n), search::snippets::encode(&docs), false));
    }
}

/// `value` as JSON kept whole inside another record (a part of `search:delta`).
fn raw_json(value: &impl Serialize) -> Box<RawValue> {
    serde_json::value::to_raw_value(value).unwrap_or_else(|e| unreachable!("an index record serializes: {e}"))
}

/// Each term's documents, ascending, with where in each it occurs ([`search::IN_TITLE`] and
/// the other flags, or-ed together).
type Postings = HashMap<String, Vec<(u32, u8)>, foldhash::fast::FixedState>;

/// Adds every term of release `id` (higher than any indexed before) to `postings`.
fn index_release(postings: &mut Postings, id: u32, r: &Release) {
    let keywords: String = r.keywords.iter().map(|k| k.label.as_str()).collect::<Vec<_>>().join(" ");
    // Contacts too: journalists search by the person they want to reach.
    let contacts: Vec<&str> = r.contacts.iter().map(|c| c.name.as_str()).collect();
    let text = format!("{} {} {}", r.lead, search::plain_text(&r.body), contacts.join(" "));
    for (field, flag) in
        [(r.title.as_str(), search::IN_TITLE), (&keywords, search::IN_KEYWORDS), (&text, search::IN_TEXT)]
    {
        search::each_term(field, |term| match postings.get_mut(term) {
            Some(list) => match list.last_mut() {
                // Seen before in this release.
                Some(last) if last.0 == id => last.1 |= flag,
                _ => list.push((id, flag)),
            },
            None => {
                postings.insert(term.to_string(), vec![(id, flag)]);
            }
        });
    }
}

/// Postings grouped into shards ([`search::shard_of`]), terms in order within each.
fn shards_of(postings: Postings) -> BTreeMap<String, BTreeMap<String, Vec<(u32, u8)>>> {
    let mut shards: BTreeMap<String, BTreeMap<String, Vec<(u32, u8)>>> = BTreeMap::new();
    for (term, list) in postings {
        if let Some(shard) = shards.get_mut(search::shard_of(&term)) {
            shard.insert(term, list);
        } else {
            shards.insert(search::shard_of(&term).to_string(), BTreeMap::from([(term, list)]));
        }
    }
    shards
}

/// Sitemap part 0 (front page, publishers, keywords, years) and release parts, then the index.
fn push_sitemaps(records: &mut Records, site: &Site, all: &[&Built], keywords: &Groups, years: &Groups) {
    let entry = |path: String, items: &[&Built]| {
        // Lists change with their newest item and exist once their oldest item is public.
        let lastmod = items.iter().map(|b| b.release.published.at).max()?;
        let from = items.iter().map(|b| b.release.published.at).min()?;
        Some(SitemapEntry { path, lastmod, from, images: Vec::new(), videos: String::new() })
    };
    let mut pages: Vec<SitemapEntry> = Vec::new();
    pages.extend(entry("/".into(), all));
    pages.extend(crate::pages::sitemap_entries(site));
    for p in site.publishers.values() {
        let theirs: Vec<&Built> = all.iter().filter(|b| b.release.publisher == p.slug).copied().collect();
        pages.extend(entry(route::publisher_path(&p.slug), &theirs));
    }
    for (slug, (_, items)) in keywords {
        pages.extend(entry(route::keyword_path(slug), items));
    }
    for (slug, (_, items)) in years {
        pages.extend(entry(format!("/archive/{slug}"), items));
    }
    let releases = all.iter().map(|b| SitemapEntry {
        path: route::release_path(&b.release.slug),
        lastmod: b.release.updated.as_ref().unwrap_or(&b.release.published).at,
        from: b.release.published.at,
        images: b.release.images.iter().map(|i| i.feed_file().path()).collect(),
        videos: sitemap_videos(b.release),
    });
    let mut parts = vec![pages];
    // Parts count from the oldest release, as list chunks do: a new release changes the
    // newest part, part 0 (the lists' `lastmod`) and the index, never shifts the others.
    let releases: Vec<SitemapEntry> = releases.rev().collect();
    parts.extend(releases.chunks(SITEMAP_LEN).map(<[SitemapEntry]>::to_vec));
    let mut index = SitemapIndexRecord { v: SCHEMA_VERSION, parts: Vec::new() };
    for (n, entries) in parts.into_iter().enumerate() {
        let mut newest: Vec<_> = entries.iter().map(|e| (e.lastmod, e.from)).collect();
        newest.sort_by(|a, b| b.cmp(a));
        newest.truncate(PAGE_LEN);
        index.parts.push(newest);
        records.indexes.push(pair(kv::sitemap_key(n), &SitemapRecord { v: SCHEMA_VERSION, entries }));
    }
    records.indexes.push(pair(kv::SITEMAPS_KEY.to_string(), &index));
}

/// Writes one list as stable chunks, counted from its oldest release: chunk `c`
/// (`chunk:{scope}:{c}`) holds releases `c × size` to `(c + 2) × size − 1`, two pages' worth,
/// so that any page of `size` releases lies within one chunk; the head (`list:{scope}`)
/// holds the total and the releases no full chunk holds yet. A new release changes the head,
/// and once every `size` releases adds the chunk it completed; no other key. An empty list
/// still gets its head (an empty first page).
fn push_pages(records: &mut Records, scope: &ListScope, label: &str, items: &[&Built], size: usize) {
    let size = size.max(1);
    let total = items.len();
    let full = total / size;
    let summaries = |from: usize, to: usize| -> Vec<Summary> {
        // `items` is newest first: number `i` (from the oldest) is at `total - 1 - i`.
        (from..to).rev().map(|i| items[total - 1 - i].summary.clone()).collect()
    };
    for c in 0..full.saturating_sub(1) {
        let releases = summaries(c * size, (c + 2) * size).into();
        let chunk =
            ListRecord { v: SCHEMA_VERSION, label: String::new(), total: 0, chunk_len: size, from: c * size, releases };
        records.indexes.push(pair(kv::chunk_key(scope, c), &chunk));
    }
    let from = full.saturating_sub(1) * size;
    let head = ListRecord {
        v: SCHEMA_VERSION,
        label: label.to_string(),
        total,
        chunk_len: size,
        from,
        releases: summaries(from, total).into(),
    };
    records.indexes.push(pair(kv::list_key(scope), &head));
}

/// Counts per group, by slug (or reversed: newest year first).
fn counts(groups: &Groups, reversed: bool) -> CountsRecord {
    let mut counts: Vec<Count> = groups
        .iter()
        .map(|(slug, (label, items))| Count {
            slug: slug.clone(),
            label: label.clone(),
            count: items.len(),
            newest: items.iter().take(PAGE_LEN).map(|b| b.release.published.at.timestamp()).collect(),
        })
        .collect();
    if reversed {
        counts.reverse();
    }
    CountsRecord { v: SCHEMA_VERSION, counts }
}

fn group_by<'a>(built: &'a [Built<'a>], keys: impl Fn(&Built) -> Vec<(String, String)>) -> Groups<'a> {
    let mut map: Groups = BTreeMap::new();
    for b in built {
        for (slug, label) in keys(b) {
            map.entry(slug).or_insert_with(|| (label, Vec::new())).1.push(b);
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
        media: None,
    }
}

/// A publisher's media bank: the list of its releases with photos or attachments, each
/// carrying them, stored as every list is (a head and stable chunks), so a new release with
/// photos changes the head alone and one without changes nothing.
fn push_media_bank(records: &mut Records, publisher: &Publisher, theirs: &[&Built], page: usize) {
    let with_media: Vec<Built> = theirs
        .iter()
        .filter(|b| !b.release.images.is_empty() || !b.release.attachments.is_empty() || !b.release.videos.is_empty())
        .map(|b| {
            let media = ReleaseMedia {
                images: b.release.images.clone(),
                attachments: b.release.attachments.clone(),
                videos: b.release.videos.clone(),
            };
            let summary = Summary { media: Some(Box::new(media)), ..b.summary.clone() };
            Built { release: b.release, summary, body_html: String::new() }
        })
        .collect();
    let refs: Vec<&Built> = with_media.iter().collect();
    push_pages(records, &ListScope::Media(publisher.slug.clone()), &publisher.name, &refs, page);
}

fn release_record(b: &Built, translations: Vec<Translation>) -> ReleaseRecord {
    let r = b.release;
    ReleaseRecord {
        translations,
        v: SCHEMA_VERSION,
        summary: b.summary.clone(),
        updated: r.updated.clone(),
        correction: r.correction.clone(),
        lead_only: r.lead_only,
        body_markdown: r.body.clone(),
        body_html: b.body_html.clone(),
        keywords: r.keywords.clone(),
        contacts: r.contacts.clone(),
        images: r.images.clone(),
        attachments: r.attachments.clone(),
        videos: r.videos.clone(),
    }
}

/// Every publisher host name, sorted.
fn hosts_record(site: &Site) -> HostsRecord {
    let mut hosts: Vec<HostEntry> = site
        .publishers
        .values()
        .flat_map(|p| {
            p.hostnames.iter().map(|(_, host)| HostEntry {
                host: host.clone(),
                publisher: PublisherRef { slug: p.slug.clone(), name: p.name.clone() },
            })
        })
        .collect();
    hosts.sort_by(|a, b| a.host.cmp(&b.host));
    HostsRecord { v: SCHEMA_VERSION, hosts }
}

fn publisher_record(p: &Publisher, releases: &[&Built], chunk_len: usize) -> PublisherRecord {
    PublisherRecord {
        v: SCHEMA_VERSION,
        publisher: PublisherRef { slug: p.slug.clone(), name: p.name.clone() },
        description: p.description.clone(),
        boilerplate: p.boilerplate.clone(),
        website: p.website.clone(),
        lang: p.lang.clone(),
        time_zone: p.zone.name().to_string(),
        contacts: p.contacts.clone(),
        logo: p.logo.clone(),
        media_terms: p.media_terms.as_ref().map(|t| t.text.clone()),
        media_terms_url: p.media_terms.as_ref().and_then(|t| t.url.clone()),
        photos: p.photos.clone(),
        videos: p.videos.clone(),
        social: p.social.clone(),
        total: releases.len(),
        chunk_len: chunk_len.max(1),
        releases: releases.iter().take(LIST_LEN).map(|b| b.summary.clone()).collect::<Vec<_>>().into(),
    }
}

fn feed_record(title: String, description: String, lang: &str, items: &[&Built], size: usize) -> FeedRecord {
    let items: Vec<FeedItem> = items
        .iter()
        .take(size)
        .map(|b| FeedItem {
            summary: b.summary.clone(),
            updated: b.release.updated.clone(),
            body_html: b.body_html.clone(),
            keywords: b.release.keywords.clone(),
            enclosures: enclosures(b.release),
        })
        .collect();
    FeedRecord { v: SCHEMA_VERSION, title, description, lang: lang.to_string(), items: items.into(), logo: None }
}

/// Writes feed records and their items rendered ahead, serializing and rendering each item
/// once however many feeds list it (a release is in the site's, its publisher's and each
/// of its keywords' feeds).
#[derive(Default)]
struct FeedWriter {
    ahead: feed::ahead::Renderer,
    /// Each item's JSON, as a `feed:*` record holds it, by slug; and whether it is free of
    /// the [`feed::ahead::MARKER`].
    items: HashMap<String, (Box<RawValue>, bool)>,
}

/// A [`FeedRecord`] as serde writes it, with its items' JSON already made.
#[derive(Serialize)]
struct StoredFeed<'a> {
    v: u32,
    title: &'a str,
    description: &'a str,
    lang: &'a str,
    items: Vec<&'a RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<&'a Media>,
}

impl FeedWriter {
    /// A feed record under `key`, and its items rendered ahead in each format.
    fn push(&mut self, records: &mut Records, key: String, feed: &FeedRecord) {
        // Every field by name: a field added to `FeedRecord` must be added to `StoredFeed`.
        let FeedRecord { v, title, description, lang, items, logo } = feed;
        for item in items.iter() {
            if !self.items.contains_key(&item.summary.slug) {
                let json = serde_json::to_string(item).unwrap_or_else(|e| unreachable!("a feed item serializes: {e}"));
                let free = !json.contains(feed::ahead::MARKER);
                let raw = RawValue::from_string(json).unwrap_or_else(|e| unreachable!("serde_json wrote JSON: {e}"));
                self.items.insert(item.summary.slug.clone(), (raw, free));
            }
        }
        let made: Vec<&(Box<RawValue>, bool)> =
            items.iter().filter_map(|item| self.items.get(&item.summary.slug)).collect();
        let free_of_marker = made.iter().all(|(_, free)| *free);
        let stored = StoredFeed {
            v: *v,
            title,
            description,
            lang,
            items: made.iter().map(|(raw, _)| &**raw).collect(),
            logo: logo.as_ref(),
        };
        let stored = pair(key, &stored);
        for format in feed::ahead::FORMATS {
            if let Some(value) = self.ahead.encode(feed, free_of_marker, format) {
                records.indexes.push(KvPair::new(kv::ahead_feed_key(format, &stored.key), value, false));
            }
        }
        records.indexes.push(stored);
    }
}

/// A release's videos as its sitemap entry names them: each needs a still (its poster, else
/// the release's first photo), so one without either is left out.
fn sitemap_videos(r: &Release) -> String {
    let first_photo = r.images.first().map(|i| i.feed_file().path());
    let entries: Vec<render::sitemap::VideoEntry> = r
        .videos
        .iter()
        .filter_map(|v| {
            let thumbnail = v.poster.as_ref().map(|p| p.feed_file().path()).or_else(|| first_photo.clone())?;
            Some(render::sitemap::VideoEntry {
                thumbnail,
                title: &v.title,
                description: &r.lead,
                content: v.media.path(),
                seconds: v.seconds(),
            })
        })
        .collect();
    render::sitemap::video_elements(&entries)
}

/// A release's images (each as the rendition feeds and mails show, a JPEG), its attachments,
/// then its videos: RSS carries only the first, so a video is RSS's enclosure only when the
/// release has nothing else (a feed reader that fetches enclosures is not sent 300 MiB
/// first, and a journalist's private feed keeps its photo, which the key opens).
fn enclosures(r: &Release) -> Vec<Media> {
    let images = r.images.iter().map(|i| i.feed_file().clone());
    let videos = r.videos.iter().map(|v| v.media.clone());
    images.chain(r.attachments.iter().map(|a| a.media.clone())).chain(videos).collect()
}

/// Every media file a built release or a publisher uses (unused files are not uploaded),
/// by name: the same bytes under two file names are uploaded once. A photo's files are its
/// stripped original, renditions and share image, never the file the publisher gave.
fn used_media<'a>(site: &Site, built: impl Iterator<Item = &'a Built<'a>>) -> Vec<MediaFile> {
    let logos = site.publishers.values().flat_map(|p| {
        let posters = p.videos.iter().filter_map(|v| v.poster.as_ref());
        p.logo.iter().chain(p.photos.iter().chain(posters).flat_map(Image::files)).cloned()
    });
    let files = |r: &'a Release| {
        let posters = r.videos.iter().filter_map(|v| v.poster.as_ref());
        r.images
            .iter()
            .chain(posters)
            .flat_map(|i| i.files().cloned())
            .chain(r.attachments.iter().map(|a| a.media.clone()))
    };
    let used: BTreeSet<String> = built.flat_map(|b| files(b.release)).chain(logos).map(|m| m.name).collect();
    // An image is uploaded only as `photo::attach` made it, without its metadata: an image
    // that was not processed (a caller that skipped it) is left out rather than leak its EXIF.
    let uploadable = |(path, f): &(&String, &MediaFile)| {
        path.starts_with(crate::photo::PROCESSED) || !f.media.content_type.starts_with("image/")
    };
    let files: BTreeMap<&str, &MediaFile> = site
        .media
        .iter()
        .filter(|entry| uploadable(entry) && used.contains(&entry.1.media.name))
        .map(|(_, f)| (f.media.name.as_str(), f))
        .collect();
    files.into_values().cloned().collect()
}

/// `media:*` pairs for `wrangler kv bulk put`, base64 with `"base64": true`.
pub fn media_pairs(files: &[MediaFile]) -> Vec<KvPair> {
    files.iter().map(|f| KvPair::new(media::key(&f.media.name), BASE64.encode(&f.data), true)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{load_site, SourceFile};

    /// A release in `lang` of the Finnish publisher `p`, at `at`, naming `translations`.
    fn release(slug: &str, lang: &str, at: &str, translations: &str) -> SourceFile {
        let text = format!(
            "+++\ntitle = \"{slug}\"\npublisher = \"p\"\npublished_at = {at}\nlanguage = \"{lang}\"\nlead = \"x\"\ntranslations = [{translations}]\n+++\n\nx\n"
        );
        SourceFile { path: format!("content/releases/{slug}.md"), text }
    }

    #[test]
    fn the_original_of_a_family_is_in_its_publishers_language_else_the_first() {
        let p = SourceFile {
            path: "content/publishers/p.toml".into(),
            text: "name = \"P\"\nlanguage = \"fi\"\ntime_zone = \"Europe/Helsinki\"\n".into(),
        };
        let site = load_site(
            &[p],
            &[
                release("fi-myohemmin", "fi", "2026-12-02T10:00:00", "\"sv-ensin\""),
                release("sv-ensin", "sv", "2026-12-01T10:00:00", ""),
                release("en-ensin", "en", "2026-12-01T10:00:00", "\"sv-sitten\""),
                release("sv-sitten", "sv", "2026-12-01T11:00:00", ""),
            ],
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let built: Vec<Built> = site
            .releases
            .iter()
            .map(|r| Built { release: r, summary: summary(r, &site.publishers["p"]), body_html: String::new() })
            .collect();
        let groups = translation_groups(&built);
        let original = |slug: &str| {
            let b = built.iter().find(|b| b.release.slug == slug).expect("built");
            is_original(b.release, &groups[slug], "fi")
        };
        assert!(original("fi-myohemmin") && !original("sv-ensin"), "the publisher's language wins");
        assert!(original("en-ensin") && !original("sv-sitten"), "else the first published");
    }
}
