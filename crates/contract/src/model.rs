//! The records stored in KV: what `newsroom build` writes and the worker reads.
//!
//! Every record carries `v`, the [`SCHEMA_VERSION`] it was written with (search shards and
//! filters: `search::INDEX_VERSION`); a worker refuses records of a version it
//! does not read with a clear error instead of misreading them.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::media::{Media, Rendition};

/// Version of the stored record layout. Bump it when a field changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// The entries of a list record (a page, a publisher's newest, a feed). Stored as a plain
/// JSON array; when read, an entry that does not match the schema is left out and its
/// reason kept in [`Listed::skipped`], so one damaged entry costs the list that entry only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed<T> {
    items: Vec<T>,
    /// Why each left-out entry could not be read, by position.
    pub skipped: Vec<String>,
    /// Stored positions of the left-out entries, ascending (for [`Listed::at`]).
    gaps: Vec<usize>,
}

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Vec::new().into()
    }
}

impl<T> From<Vec<T>> for Listed<T> {
    fn from(items: Vec<T>) -> Self {
        Self { items, skipped: Vec::new(), gaps: Vec::new() }
    }
}

impl<T> Listed<T> {
    /// The entry stored at `position` (counting the left-out ones), if it was readable: a
    /// list read by position (a chunk of a list) stays in step past a damaged entry.
    pub fn at(&self, position: usize) -> Option<&T> {
        if self.gaps.binary_search(&position).is_ok() {
            return None;
        }
        let before = self.gaps.partition_point(|&gap| gap < position);
        self.items.get(position - before)
    }

    /// Why the entry stored at `position` was left out, if it was.
    pub fn why_not(&self, position: usize) -> Option<&str> {
        let k = self.gaps.binary_search(&position).ok()?;
        self.skipped.get(k).map(String::as_str)
    }
}

impl<T> std::ops::Deref for Listed<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.items
    }
}

impl<T> std::ops::DerefMut for Listed<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.items
    }
}

impl<T: Serialize> Serialize for Listed<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(s)
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Listed<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Vec::<Box<serde_json::value::RawValue>>::deserialize(d)?;
        let mut listed = Listed { items: Vec::with_capacity(raw.len()), skipped: Vec::new(), gaps: Vec::new() };
        for (n, entry) in raw.iter().enumerate() {
            // From the text: the raw entry is already known to be UTF-8, not checked again.
            match serde_json::from_str(entry.get()) {
                Ok(item) => listed.items.push(item),
                Err(e) => {
                    listed.skipped.push(format!("entry {n}: {e}"));
                    listed.gaps.push(n);
                }
            }
        }
        Ok(listed)
    }
}

/// How precisely the source gives a time: some seeds give only the date.
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// Date and time to the second.
    #[default]
    Second,
    /// Only the date is known; the time part is midnight in the publisher's zone.
    Day,
}

/// An instant with the publisher's offset and zone abbreviation (`EET`/`EEST`) at that instant.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Timestamp {
    /// The instant, with the publisher's UTC offset at that instant.
    #[serde(deserialize_with = "rfc3339")]
    pub at: DateTime<FixedOffset>,
    /// Zone abbreviation in force at that instant, e.g. `EEST`.
    pub zone: String,
    /// Whether the time of day is known.
    #[serde(default)]
    pub precision: Precision,
}

/// Reads a time as `newsroom build` writes it and has always written it (RFC 3339, as
/// chrono's serde writes `DateTime`), with chrono's RFC 3339 parser: ~10× cheaper than the
/// general one behind `FromStr` (a list page reads 20 of them), and that one's interpreter
/// stays out of the worker.
pub(crate) fn rfc3339<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = DateTime<FixedOffset>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an RFC 3339 date and time")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
            DateTime::parse_from_rfc3339(s).map_err(E::custom)
        }
    }
    d.deserialize_str(Visitor)
}

/// A time read by [`rfc3339`], inside other shapes.
#[derive(Deserialize)]
struct Time(#[serde(deserialize_with = "rfc3339")] DateTime<FixedOffset>);

/// [`rfc3339`] of an optional time.
pub(crate) fn rfc3339_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
    Option::<Time>::deserialize(d).map(|t| t.map(|Time(at)| at))
}

/// [`rfc3339`] of the sitemap index's parts: lists of `(lastmod, from)` pairs.
type Pairs = Vec<Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>)>>;
fn rfc3339_pairs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Pairs, D::Error> {
    let parts = Vec::<Vec<(Time, Time)>>::deserialize(d)?;
    Ok(parts.into_iter().map(|part| part.into_iter().map(|(Time(a), Time(b))| (a, b)).collect()).collect())
}

/// What kind of publication a release is.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum ReleaseKind {
    /// A press release (Finnish: tiedote).
    Tiedote,
    /// A news item (uutinen).
    Uutinen,
    /// An article (artikkeli).
    Artikkeli,
    /// An event announcement (tapahtuma).
    Tapahtuma,
    /// A blog post (blogi).
    Blogi,
}

impl ReleaseKind {
    /// Every kind, in the order documented in `content/README.md`.
    pub const ALL: [ReleaseKind; 5] = [Self::Tiedote, Self::Uutinen, Self::Artikkeli, Self::Tapahtuma, Self::Blogi];

    /// The identifier used in front matter and JSON.
    pub fn id(self) -> &'static str {
        match self {
            Self::Tiedote => "tiedote",
            Self::Uutinen => "uutinen",
            Self::Artikkeli => "artikkeli",
            Self::Tapahtuma => "tapahtuma",
            Self::Blogi => "blogi",
        }
    }

    /// Parses a front-matter identifier, or its English alias (`press_release`, `news`,
    /// `article`, `event`, `blog_post`).
    pub fn from_id(id: &str) -> Option<Self> {
        let alias = match id {
            "press_release" => "tiedote",
            "news" => "uutinen",
            "article" => "artikkeli",
            "event" => "tapahtuma",
            "blog_post" => "blogi",
            other => other,
        };
        Self::ALL.into_iter().find(|k| k.id() == alias)
    }

    /// Parses a `type=` query value, with the message a reader sees when it is unknown.
    pub fn from_param(value: &str) -> Result<Self, String> {
        Self::from_id(value).ok_or_else(|| {
            let ids: Vec<&str> = Self::ALL.iter().map(|k| k.id()).collect();
            format!("`type` must be one of {}.", ids.join(", "))
        })
    }
}

/// A person to contact about a release or a publisher.
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    /// Full name.
    pub name: String,
    /// Job title, e.g. `hyvinvointialuejohtaja`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Organisation the person represents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// Phone number as written by the publisher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A keyword: its URL slug and the label as the publisher wrote it.
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Keyword {
    /// URL slug, e.g. `sote`.
    pub slug: String,
    /// Label as written, e.g. `sote`.
    pub label: String,
}

/// The publisher fields a release or summary needs without reading the publisher record.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PublisherRef {
    /// Publisher slug: the publisher file's name, e.g. `kymsote` for
    /// `content/publishers/kymsote.toml`; its page is `/publishers/{slug}`.
    pub slug: String,
    /// Display name (`name` in the publisher file), e.g. `Kymenlaakson hyvinvointialue`.
    pub name: String,
}

/// An image shown in a release.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// The image file (front matter `file`, under `content/media/`), served at `/media/{name}`.
    #[serde(flatten)]
    pub media: Media,
    /// Alternative text (required).
    pub alt: String,
    /// Caption shown under the image (front matter `caption`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Photographer or source, e.g. `Kuva: Etunimi Sukunimi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
    /// Pixel size of [`Image::media`], upright (0 in records built before photos were
    /// processed: their `media` is the file as the publisher gave it).
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub width: u32,
    /// Height in pixels of [`Image::media`] (0 as [`Image::width`]).
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub height: u32,
    /// Smaller copies for pages, narrowest first, each in WebP and then JPEG at one width
    /// (none in records built before photos were processed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renditions: Vec<Rendition>,
    /// The 1,200 × 630 JPEG for `og:image` and `twitter:image`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<Rendition>,
    /// The file name a journalist's download gets, e.g. `konttisairaala.jpg`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_name: Option<String>,
    /// Terms of use: the image's own (`license` in `[[images]]`), else its publisher's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<License>,
}

impl Image {
    /// Every file of the image: the original, then its renditions and share image.
    pub fn files(&self) -> impl Iterator<Item = &Media> {
        std::iter::once(&self.media).chain(self.renditions.iter().chain(&self.share).map(|r| &r.media))
    }

    /// The rendition for feeds and mails: the widest JPEG (the original in older records).
    pub fn feed_file(&self) -> &Media {
        self.renditions.iter().rev().find(|r| r.media.content_type == "image/jpeg").map_or(&self.media, |r| &r.media)
    }
}

/// Terms under which media may be used: a text, and optionally a page with the licence.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct License {
    /// As shown next to the photo, e.g. `Vapaasti median käytettävissä` or `CC BY 4.0`.
    pub text: String,
    /// The licence's page (`https://`), e.g. a Creative Commons deed: schema.org `license`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// For `skip_serializing_if`.
fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}

/// A downloadable file (a PDF) attached to a release.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// The PDF file (front matter `file`, under `content/media/`), served at `/media/{name}`.
    #[serde(flatten)]
    pub media: Media,
    /// Link text (front matter `title`); the page adds the type and size, e.g. `(PDF, 120 kB)`.
    pub title: String,
}

/// A translation of a release: enough to link to it. `newsroom build` pairs releases both
/// ways, whichever of the two names the other in its `translations` front matter.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    /// The translation's release slug; the link is `/releases/{slug}?lang={lang}`.
    pub slug: String,
    /// Its BCP 47 language tag, e.g. `sv`: the link's `hreflang` and `?lang=`.
    pub lang: String,
    /// Its title, in its own language: the link text.
    pub title: String,
    /// Its publication time (a scheduled translation is not linked before it).
    pub published: Timestamp,
}

/// What lists show of a release.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Release slug: the file name without `.md`, e.g. `2024-11-27-ohjausneuvottelut`; the
    /// page is `/releases/{slug}` and the record `release:{slug}`.
    pub slug: String,
    /// Headline (front matter `title`): one line, at most 300 characters.
    pub title: String,
    /// The publisher's slug and name, copied in so that a list needs no publisher record.
    pub publisher: PublisherRef,
    /// Publication time (`published_at`) in the publisher's zone. Until then the release is
    /// scheduled: left out of lists, feeds and search, and its page is a 404 without a
    /// preview token.
    pub published: Timestamp,
    /// Kind of release.
    pub kind: ReleaseKind,
    /// BCP 47 language tag of the release.
    pub lang: String,
    /// Lead paragraph, plain text.
    pub lead: String,
    /// The release's photos and attachments: only in its publisher's media bank list
    /// (`list:media:{publisher}`), absent everywhere else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<Box<ReleaseMedia>>,
}

/// What a release brings to its publisher's media bank.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct ReleaseMedia {
    /// Its images, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<Image>,
    /// Its attachments, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// Its videos, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub videos: Vec<Video>,
}

/// One release, as stored under `release:{slug}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ReleaseRecord {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub v: u32,
    /// Everything lists show.
    #[serde(flatten)]
    pub summary: Summary,
    /// Last update, if the release was updated after publication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<Timestamp>,
    /// What the last update corrected, shown on the page (plain text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<String>,
    /// Images, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<Image>,
    /// Attachments, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// Videos, in order (front matter `[[videos]]`), kept in R2.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub videos: Vec<Video>,
    /// The same release in other languages, by language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<Translation>,
    /// True when the source gave only the lead: the body is that lead, nothing more.
    #[serde(default)]
    pub lead_only: bool,
    /// Body as Markdown, as the publisher wrote it.
    pub body_markdown: String,
    /// Body rendered to safe HTML at build time (raw HTML escaped, unsafe links dropped).
    pub body_html: String,
    /// Keywords in front-matter order (shown as Avainsanat), each linking to `/keywords/{slug}`.
    #[serde(default)]
    pub keywords: Vec<Keyword>,
    /// The release's own press contacts (front matter `[[contacts]]`, shown as
    /// Yhteyshenkilöt); the publisher's are in its record.
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

/// A publisher with its newest releases, as stored under `publisher:{slug}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PublisherRecord {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub v: u32,
    /// Slug and name.
    #[serde(flatten)]
    pub publisher: PublisherRef,
    /// One-line description (`description`): the publisher page's meta description, and its
    /// feed's description (the feed falls back to the name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Boilerplate paragraph shown under every release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boilerplate: Option<String>,
    /// The publisher's own `http(s)` website (`website`), linked on its page and under each
    /// of its releases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Default language of the publisher's releases.
    pub lang: String,
    /// IANA time zone of the publisher.
    pub time_zone: String,
    /// The publisher's press contacts (`[[contacts]]` of its file), shown on its page.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Logo image (`logo`, a file under `content/media/`): shown on the publisher's page, the
    /// image of its feed and the publisher logo in its releases' JSON-LD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<Media>,
    /// Terms of use shown next to the publisher's images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_terms: Option<String>,
    /// The page of those terms' licence (`media_terms_url`, `https://`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_terms_url: Option<String>,
    /// The publisher's standing photos (`[[photos]]` of its file), first in its media bank.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<Image>,
    /// The publisher's standing videos (`[[videos]]` of its file), after its photos.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub videos: Vec<Video>,
    /// The publisher's social media channels (`[social]` of its file), in
    /// [`crate::social::Platform::ALL`]'s order: linked from its page with `rel="me"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub social: Vec<crate::social::SocialLink>,
    /// Number of published releases.
    pub total: usize,
    /// The chunk length of the publisher's list ([`ListRecord::chunk_len`]), so that a later
    /// page is read from its chunk without the head; 0 in profiles built before chunks.
    #[serde(default)]
    pub chunk_len: usize,
    /// Newest releases first, at most `publish::build::LIST_LEN`.
    pub releases: Listed<Summary>,
}

/// One page of a list (site, publisher, keyword or year), stored under `page:{scope}:{n}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PageRecord {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub v: u32,
    /// What the list is of: the keyword's label, the year, or empty.
    pub label: String,
    /// Releases in the whole list (scheduled ones included).
    pub total: usize,
    /// This page's number, from 1.
    pub page: usize,
    /// Number of pages.
    pub pages: usize,
    /// Newest first, at most `PAGE_SIZE` ([`crate::config::Config::page_size`]).
    pub releases: Listed<Summary>,
}

/// A run of a list's releases (site, publisher, keyword or year), numbered from the oldest
/// (0) to `total − 1` and stored so that a new release changes the head and nothing else
/// (`docs/kv-layout.md`, "Lists in stable chunks"):
/// - `list:{scope}`, the head: the list's `total`, and its releases from `from` on, those no
///   complete chunk holds (fewer than two chunk lengths), so page 1 is read from it alone;
/// - `chunk:{scope}:{c}`: releases `from = c × chunk_len` to `from + 2 × chunk_len − 1`
///   (two pages' worth, so that any page lies within one chunk), written when complete and
///   unchanged by later releases (so no `total`).
///
/// One type for both, which also reads the `page:{scope}:{n}` records of earlier builds
/// (same `label`, `total` and `releases`; no `chunk_len`): one decoder in the worker.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ListRecord {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub v: u32,
    /// What the list is of (head only): the keyword's label, the year, the publisher's name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Releases in the whole list, scheduled ones included (head only; 0 in a chunk).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub total: usize,
    /// Releases per chunk length: the `PAGE_SIZE` the list was built with (0 in the page
    /// records of earlier builds).
    #[serde(default)]
    pub chunk_len: usize,
    /// Number (from the oldest) of the oldest release in [`ListRecord::releases`].
    #[serde(default)]
    pub from: usize,
    /// The releases, newest first (`newest` in heads of builds earlier this session).
    #[serde(alias = "newest")]
    pub releases: Listed<Summary>,
}

/// For `skip_serializing_if`.
fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One item of a feed: a summary plus what feed readers show in full.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct FeedItem {
    /// Everything lists show.
    #[serde(flatten)]
    pub summary: Summary,
    /// Last update, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<Timestamp>,
    /// Body HTML (empty for lead-only releases).
    pub body_html: String,
    /// Keywords, as feed categories.
    #[serde(default)]
    pub keywords: Vec<Keyword>,
    /// Videos, images and attachments, as enclosures (RSS carries the first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enclosures: Vec<Media>,
}

/// The newest items of one feed (site, publisher or keyword), stored under `feed:*`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct FeedRecord {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub v: u32,
    /// Feed title as `newsroom build` makes it: the publisher's name, `{Keyword}: {label}`
    /// for a keyword, or `{site name} – {latest releases heading}` for the site.
    pub title: String,
    /// Feed description: the publisher's description (else its name), `{site name} –
    /// {title}` for a keyword, the latest-releases heading for the site.
    pub description: String,
    /// BCP 47 language of the feed: the publisher's for its feed, `DEFAULT_LANG` otherwise.
    pub lang: String,
    /// Newest first, at most `FEED_SIZE` ([`crate::config::Config::feed_size`]), including scheduled ones.
    pub items: Listed<FeedItem>,
    /// The publisher's logo, for a publisher's feed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<Media>,
}

/// A name and how many releases carry it (a keyword, a year).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Count {
    /// Slug (the year for years).
    pub slug: String,
    /// Label shown: the keyword as written in its newest release, or the year.
    pub label: String,
    /// Releases carrying it (scheduled ones included).
    pub count: usize,
    /// Publication times (Unix seconds) of its newest releases, newest first, at most
    /// `publish::build::PAGE_LEN`: scheduled releases are among them, so the worker can
    /// leave them out of the count until they are public.
    #[serde(default)]
    pub newest: Vec<i64>,
}

impl Count {
    /// How many of its releases are public at `now` (Unix seconds).
    pub fn visible(&self, now: i64) -> usize {
        self.count.saturating_sub(self.newest.iter().filter(|&&t| t > now).count())
    }
}

/// Every keyword (`index:keywords`) or year (`index:years`) with its count.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct CountsRecord {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub v: u32,
    /// Keywords by slug; years newest first.
    pub counts: Vec<Count>,
}

/// One URL of a sitemap.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SitemapEntry {
    /// Path on the site, e.g. `/releases/{slug}` (the worker puts the request's origin before it).
    pub path: String,
    /// `<lastmod>`: a release's update (else publication) time; a list's newest publication.
    #[serde(deserialize_with = "rfc3339")]
    pub lastmod: DateTime<FixedOffset>,
    /// Hidden before this instant (a scheduled release, or a list of only scheduled ones).
    #[serde(deserialize_with = "rfc3339")]
    pub from: DateTime<FixedOffset>,
    /// Paths of a release's photos (`<image:image>`): the widest JPEG rendition of each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<String>,
    /// A release's videos with a still to show, as `<video:video>` elements rendered at
    /// build time (`render::sitemap::video_elements`), each URL's origin left as
    /// [`SITEMAP_ORIGIN`] for the worker to fill in; empty without videos.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub videos: String,
}

/// Where a sitemap fragment rendered ahead puts the request's origin (a control character
/// `newsroom check` refuses in every text, so never a publisher's).
pub const SITEMAP_ORIGIN: &str = "\u{1}";

/// One part of the sitemap, stored under `sitemap:{n}` (part 0: site pages; then releases).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SitemapRecord {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub v: u32,
    /// At most `publish::build::SITEMAP_LEN` entries.
    pub entries: Vec<SitemapEntry>,
}

/// The sitemap index, stored under `index:sitemaps`: the newest change of each part.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SitemapIndexRecord {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub v: u32,
    /// Per part, part 0 first: its newest `(lastmod, visible from)` pairs, newest first, at
    /// most `publish::build::PAGE_LEN`, so the worker can skip scheduled entries.
    #[serde(deserialize_with = "rfc3339_pairs")]
    pub parts: Vec<Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>)>>,
}

impl SitemapIndexRecord {
    /// Each part's `lastmod` at `now` (`None`: nothing visible yet), and when that changes.
    pub fn at(
        &self,
        now: DateTime<chrono::Utc>,
    ) -> (Vec<Option<DateTime<FixedOffset>>>, Option<DateTime<FixedOffset>>) {
        let lastmods = self.parts.iter().map(|p| p.iter().find(|(_, from)| *from <= now).map(|(at, _)| *at)).collect();
        let next = self.parts.iter().flatten().map(|(_, from)| *from).filter(|from| *from > now).min();
        (lastmods, next)
    }
}

/// `build:info`: what the last build published and with which settings, for `/healthz`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct BuildInfo {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub v: u32,
    /// Published releases.
    pub releases: usize,
    /// Publishers.
    pub publishers: usize,
    /// `PAGE_SIZE` the lists were built with.
    pub page_size: usize,
    /// `FEED_SIZE` the feeds were built with.
    pub feed_size: usize,
    /// `DEFAULT_LANG` the site-wide lists and feeds were built in.
    pub lang: String,
    /// `SITE_NAME` in the feed titles, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_name: Option<String>,
}

/// `index:hosts`: the publishers that have their own newsroom host names.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct HostsRecord {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub v: u32,
    /// Host name → publisher, sorted by host name.
    pub hosts: Vec<HostEntry>,
}

/// One host name of a publisher's newsroom.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct HostEntry {
    /// Host name, e.g. `uutiset.example.fi`.
    pub host: String,
    /// The publisher it belongs to.
    #[serde(flatten)]
    pub publisher: PublisherRef,
}

/// A release as the manifest remembers it: enough for its `410 Gone` page.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ReleaseStub {
    /// The removed release's slug: `/releases/{slug}` answers `410 Gone`.
    pub slug: String,
    /// Its title, named in the `410` answer.
    pub title: String,
    /// Its publisher, whose name the `410` answer gives.
    pub publisher: PublisherRef,
    /// Its moment of publication: a release removed before it was ever public leaves no
    /// `410` (its title was never public). Absent in manifests written before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "rfc3339_opt")]
    pub published_at: Option<DateTime<FixedOffset>>,
    /// Its keywords' slugs, kept only while it is scheduled: cancelling it changes those
    /// keywords' feeds, and `newsroom publish` announces no feed that only a never-public
    /// release changed. Empty otherwise (and in every `gone:` record).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
}

/// `mail:{slug}`: a release's subscriber mail, rendered ahead by the build in each mail
/// language, with markers for what each subscriber's copy fills in (`render::mail::ahead`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct MailRecord {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub v: u32,
    /// The release's moment: the consumer mails nothing before it, whatever the schedule said.
    #[serde(deserialize_with = "rfc3339")]
    pub at: DateTime<FixedOffset>,
    /// The release's publisher (whose subscribers get it).
    pub publisher: PublisherRef,
    /// The release's keywords (whose subscribers get it).
    pub keywords: Vec<Keyword>,
    /// The mail in each language.
    pub mails: Vec<MailParts>,
    /// The release's own language (BCP 47): its embargo notices are marked in it, as
    /// journalists have no language of their own. Absent in records built before it was
    /// kept: the site's language then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The languages of the release's public translations: a subscriber reading one of
    /// them gets that translation's mail, not this one ([`MailRecord::is_for`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<String>,
    /// Whether this is its family's original (in its publisher's language, else the first
    /// published): subscribers of a language no member is in get the original only.
    /// Records built before families were kept mail everyone (`true`).
    #[serde(default = "original_by_default", skip_serializing_if = "is_true")]
    pub original: bool,
}

fn original_by_default() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

impl MailRecord {
    /// Whether a subscriber reading `lang` gets this mail: one mail per release and its
    /// translations, in the subscriber's language when one of them is in it, else the
    /// original.
    pub fn is_for(&self, lang: &str) -> bool {
        let primary = |tag: &str| tag.split('-').next().unwrap_or(tag).to_ascii_lowercase();
        let wanted = primary(lang);
        if self.lang.as_deref().is_some_and(|own| primary(own) == wanted) {
            return true;
        }
        if self.translations.iter().any(|t| primary(t) == wanted) {
            return false;
        }
        self.original
    }
}

/// A release's mail in one language, with markers.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct MailParts {
    /// The subscriber's language these parts are for.
    pub lang: String,
    /// The subject line.
    pub subject: String,
    /// The `text/plain` part.
    pub text: String,
    /// The `text/html` part.
    pub html: String,
}

/// `gone:{slug}`: a release that was published and then removed from `content/`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct GoneRecord {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub v: u32,
    /// The removed release.
    #[serde(flatten)]
    pub release: ReleaseStub,
}

/// A video of a release, as pages, JSON and feeds show it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Video {
    /// The file as uploaded (the publisher's own, unchanged), served at `/media/{name}`.
    #[serde(flatten)]
    pub media: Media,
    /// What the video is, shown above it and as its accessible name.
    pub title: String,
    /// Length in milliseconds, read from the file.
    pub duration_ms: u64,
    /// Pixel width of the picture.
    pub width: u32,
    /// Pixel height of the picture.
    pub height: u32,
    /// The codecs, as the `codecs` parameter of a MIME type (`avc1.64001f, mp4a.40.2`) or
    /// their names (`vp9, opus`).
    pub codecs: String,
    /// The captions (required: prerecorded video on a public authority's site has them).
    pub captions: Captions,
    /// The still shown before playing, processed like photos (`None`: the first frame).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poster: Option<Image>,
    /// Who made it, e.g. `Video: Kymsote`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
    /// Terms of use: the video's own, else its publisher's media terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<License>,
    /// The file name a download gets, e.g. `tiedotustilaisuus.mp4`.
    pub download_name: String,
}

/// A video's captions file.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Captions {
    /// The WebVTT file as uploaded, served at `/media/{name}`.
    #[serde(flatten)]
    pub media: Media,
    /// Language tag of the captions (`captions_language`, else the release's).
    pub lang: String,
}

impl Video {
    /// The files kept in R2: the video and its captions.
    pub fn objects(&self) -> [&Media; 2] {
        [&self.media, &self.captions.media]
    }

    /// Its length as ISO 8601 (`PT1M5S`), as JSON-LD and sitemaps write it.
    pub fn iso_duration(&self) -> String {
        let seconds = self.seconds();
        let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        let mut out = String::from("PT");
        if h > 0 {
            out.push_str(&format!("{h}H"));
        }
        if m > 0 {
            out.push_str(&format!("{m}M"));
        }
        if s > 0 || out.len() == 2 {
            out.push_str(&format!("{s}S"));
        }
        out
    }

    /// Its length as people read it in Finnish, Swedish and English alike: `8 s`,
    /// `1 min 5 s`, `1 h 2 min 3 s` (a clock's `1.05` reads as a decimal number).
    pub fn readable_duration(&self) -> String {
        let seconds = self.seconds();
        let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        let parts = [(h, "h"), (m, "min"), (s, "s")];
        let shown: Vec<String> = parts.iter().filter(|(n, _)| *n > 0).map(|(n, unit)| format!("{n} {unit}")).collect();
        if shown.is_empty() {
            "0 s".into()
        } else {
            shown.join(" ")
        }
    }

    /// Its length in whole seconds, rounded to the nearest (at least 1 for any video).
    pub fn seconds(&self) -> u64 {
        ((self.duration_ms + 500) / 1000).max(u64::from(self.duration_ms > 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn video(duration_ms: u64) -> Video {
        let media = |name: &str| Media { name: name.into(), content_type: "video/mp4".into(), bytes: 1 };
        Video {
            media: media("0123456789abcdef.mp4"),
            title: "t".into(),
            duration_ms,
            width: 640,
            height: 360,
            codecs: "avc1.64001e, mp4a.40.2".into(),
            captions: Captions { media: media("0123456789abcdef.vtt"), lang: "fi".into() },
            poster: None,
            credit: None,
            license: None,
            download_name: "t.mp4".into(),
        }
    }

    #[test]
    fn durations_as_machines_and_people_read_them() {
        assert_eq!(video(65_000).iso_duration(), "PT1M5S");
        assert_eq!(video(3_723_600).iso_duration(), "PT1H2M4S");
        assert_eq!(video(0).iso_duration(), "PT0S");
        assert_eq!(video(120_000).iso_duration(), "PT2M");
        assert_eq!(video(65_000).readable_duration(), "1 min 5 s");
        assert_eq!(video(3_723_000).readable_duration(), "1 h 2 min 3 s");
        assert_eq!(video(120_000).readable_duration(), "2 min");
        assert_eq!(video(8_021).readable_duration(), "8 s");
        assert_eq!((video(5_200).seconds(), video(5_600).seconds(), video(300).seconds()), (5, 6, 1));
    }

    fn at(json: &str) -> Result<DateTime<FixedOffset>, serde_json::Error> {
        serde_json::from_str::<Timestamp>(&format!(r#"{{"at":{json},"zone":"EEST"}}"#)).map(|t| t.at)
    }

    #[test]
    fn times_read_as_chrono_reads_them() {
        for text in ["2025-06-27T22:57:00+03:00", "2018-11-30T00:00:00.250+02:00", "2025-01-01T00:00:00Z"] {
            let expected: DateTime<FixedOffset> = text.parse().expect("chrono reads it");
            assert_eq!(at(&format!("\"{text}\"")).expect(text), expected, "{text}");
        }
        // Not RFC 3339, but read by chrono's general parser, as before.
        let spaced = at("\"2025-06-27 22:57:00+03:00\"").expect("a space for the T");
        assert_eq!(spaced, at("\"2025-06-27T22:57:00+03:00\"").expect("RFC 3339"));
        for bad in ["\"2025-06-27\"", "\"tomorrow\"", "20250627", "null"] {
            assert!(at(bad).is_err(), "{bad}");
        }
    }
}
