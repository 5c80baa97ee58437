//! The JSON representation: explicit, versioned views over the stored records
//! (documented in `docs/api.md`). Views borrow; nothing is cloned to serialize.

use serde::Serialize;

use contract::media::Media;
use contract::social::SocialLink;

use crate::pager::Pager;
use contract::error::HttpError;
use contract::model::{
    BuildInfo, Contact, CountsRecord, Keyword, Precision, PublisherRecord, PublisherRef, ReleaseRecord, Summary,
    Translation,
};
use contract::route::{publisher_path, release_path, with_param};
use contract::time::rfc3339;
use search::{highlight, SearchResults};

mod media;
mod page;
mod video;

use media::ImageView;
pub use media::MediaBankView;
pub use page::PageView;

/// Version of the JSON API; bumped on breaking changes.
pub const API_VERSION: u32 = 1;

/// A publisher as referenced from a release.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct PublisherLink<'a> {
    slug: &'a str,
    name: &'a str,
    url: String,
}

impl<'a> PublisherLink<'a> {
    fn new(p: &'a PublisherRef, origin: &str) -> Self {
        Self { slug: &p.slug, name: &p.name, url: format!("{origin}{}", publisher_path(&p.slug)) }
    }
}

/// A release in a list.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct SummaryView<'a> {
    slug: &'a str,
    url: String,
    title: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    language: &'a str,
    published_at: String,
    published_precision: Precision,
    publisher: PublisherLink<'a>,
    lead: &'a str,
}

impl<'a> SummaryView<'a> {
    /// A view of `s` with absolute URLs on `origin`.
    pub fn new(s: &'a Summary, origin: &str) -> Self {
        Self {
            slug: &s.slug,
            url: format!("{origin}{}", release_path(&s.slug)),
            title: &s.title,
            kind: s.kind.id(),
            language: &s.lang,
            published_at: rfc3339(&s.published),
            published_precision: s.published.precision,
            publisher: PublisherLink::new(&s.publisher, origin),
            lead: &s.lead,
        }
    }
}

/// Publisher details shown with a release.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct PublisherBrief<'a> {
    #[serde(flatten)]
    link: PublisherLink<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    boilerplate: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    website: Option<&'a str>,
}

/// `GET /releases/{slug}` as JSON.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct ReleaseView<'a> {
    api_version: u32,
    #[serde(flatten)]
    summary: SummaryView<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    correction: Option<&'a str>,
    lead_only: bool,
    body_html: &'a str,
    body_markdown: &'a str,
    keywords: &'a [Keyword],
    contacts: &'a [Contact],
    publisher_details: Option<PublisherBrief<'a>>,
    more_from_publisher: Vec<SummaryView<'a>>,
    translations: Vec<TranslationView<'a>>,
    images: Vec<ImageView<'a>>,
    attachments: Vec<MediaView<'a>>,
    videos: Vec<video::VideoView<'a>>,
}

/// An image or attachment: its absolute URL, type, size and texts.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
struct MediaView<'a> {
    url: String,
    content_type: &'a str,
    bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    alt: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    caption: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
}

impl<'a> MediaView<'a> {
    /// An attachment: its file and link title.
    fn attachment(a: &'a contract::model::Attachment, origin: &str) -> Self {
        MediaView { title: Some(&a.title), ..MediaView::new(&a.media, origin) }
    }

    fn new(m: &'a Media, origin: &str) -> Self {
        Self {
            url: format!("{origin}{}", m.path()),
            content_type: &m.content_type,
            bytes: m.bytes,
            alt: None,
            caption: None,
            credit: None,
            title: None,
        }
    }
}

/// A link to the same release in another language.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
struct TranslationView<'a> {
    slug: &'a str,
    url: String,
    language: &'a str,
    title: &'a str,
}

impl<'a> ReleaseView<'a> {
    /// A view of a release, its publisher (if readable) and the publisher's other releases.
    pub fn new(
        r: &'a ReleaseRecord,
        publisher: Option<&'a PublisherRecord>,
        more: &[&'a Summary],
        translations: &[&'a Translation],
        origin: &str,
    ) -> Self {
        Self {
            images: r.images.iter().map(|i| ImageView::new(i, origin)).collect(),
            attachments: r.attachments.iter().map(|a| MediaView::attachment(a, origin)).collect(),
            videos: r.videos.iter().map(|v| video::VideoView::new(v, origin)).collect(),
            translations: translations
                .iter()
                .map(|t| TranslationView {
                    slug: &t.slug,
                    url: format!("{origin}{}", release_path(&t.slug)),
                    language: &t.lang,
                    title: &t.title,
                })
                .collect(),
            api_version: API_VERSION,
            summary: SummaryView::new(&r.summary, origin),
            updated_at: r.updated.as_ref().map(rfc3339),
            correction: r.correction.as_deref(),
            lead_only: r.lead_only,
            body_html: &r.body_html,
            body_markdown: &r.body_markdown,
            keywords: &r.keywords,
            contacts: &r.contacts,
            publisher_details: publisher.map(|p| PublisherBrief {
                link: PublisherLink::new(&p.publisher, origin),
                boilerplate: p.boilerplate.as_deref(),
                website: p.website.as_deref(),
            }),
            more_from_publisher: more.iter().map(|s| SummaryView::new(s, origin)).collect(),
        }
    }
}

/// Where a list page sits: page numbers and absolute links to its neighbours.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct Paging {
    page: usize,
    pages: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    prev: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

impl Paging {
    /// Paging of `pager`, with `?format=json` links on `origin`.
    pub fn new(pager: &Pager, origin: &str) -> Self {
        let link = |n: usize| with_param(&format!("{origin}{}", pager.href(n)), "format", "json");
        Self { page: pager.page, pages: pager.pages, prev: pager.prev().map(link), next: pager.next().map(link) }
    }
}

/// A list page (`/`, `/keywords/{slug}`, `/archive/{year}`) as JSON.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct ListView<'a> {
    api_version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    keyword: Option<&'a Keyword>,
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<i32>,
    total: usize,
    #[serde(flatten)]
    paging: Paging,
    releases: Vec<SummaryView<'a>>,
}

impl<'a> ListView<'a> {
    /// A view of one page of published releases (`total` counts only published ones).
    pub fn new(
        (keyword, year): (Option<&'a Keyword>, Option<i32>),
        total: usize,
        items: &[&'a Summary],
        pager: &Pager,
        origin: &str,
    ) -> Self {
        let releases = items.iter().map(|s| SummaryView::new(s, origin)).collect();
        Self { api_version: API_VERSION, keyword, year, total, paging: Paging::new(pager, origin), releases }
    }
}

/// `GET /keywords` and `GET /archive` as JSON.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct CountsView<'a> {
    api_version: u32,
    #[serde(rename = "items")]
    counts: Vec<CountView<'a>>,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
struct CountView<'a> {
    slug: &'a str,
    label: &'a str,
    count: usize,
    url: String,
}

impl<'a> CountsView<'a> {
    /// A view of counted names, each linked by `path_of(slug)`.
    pub fn new(c: &'a CountsRecord, path_of: impl Fn(&str) -> String, origin: &str) -> Self {
        let counts = c
            .counts
            .iter()
            .map(|c| CountView {
                slug: &c.slug,
                label: &c.label,
                count: c.count,
                url: format!("{origin}{}", path_of(&c.slug)),
            })
            .collect();
        Self { api_version: API_VERSION, counts }
    }
}

/// `GET /publishers/{slug}` as JSON.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct PublisherView<'a> {
    api_version: u32,
    #[serde(flatten)]
    link: PublisherLink<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    boilerplate: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    website: Option<&'a str>,
    language: &'a str,
    time_zone: &'a str,
    contacts: &'a [Contact],
    /// The publisher's social media channels, in the order its page shows them (`[]` when
    /// it has none).
    social: &'a [SocialLink],
    total: usize,
    #[serde(flatten)]
    paging: Paging,
    releases: Vec<SummaryView<'a>>,
}

impl<'a> PublisherView<'a> {
    /// A view of a publisher and its newest published releases.
    pub fn new(p: &'a PublisherRecord, total: usize, items: &[&'a Summary], pager: &Pager, origin: &str) -> Self {
        Self {
            api_version: API_VERSION,
            link: PublisherLink::new(&p.publisher, origin),
            description: p.description.as_deref(),
            boilerplate: p.boilerplate.as_deref(),
            website: p.website.as_deref(),
            language: &p.lang,
            time_zone: &p.time_zone,
            contacts: &p.contacts,
            social: &p.social,
            total,
            paging: Paging::new(pager, origin),
            releases: items.iter().map(|s| SummaryView::new(s, origin)).collect(),
        }
    }
}

/// Error body: `{"api_version":1,"error":{"status":404,"code":"not_found","message":"..."}}`.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct ErrorView {
    api_version: u32,
    error: ErrorDetail,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
struct ErrorDetail {
    status: u16,
    code: &'static str,
    message: String,
}

impl ErrorView {
    /// The JSON body of an error.
    pub fn new(e: &HttpError) -> Self {
        Self {
            api_version: API_VERSION,
            error: ErrorDetail { status: e.status(), code: e.code(), message: e.to_string() },
        }
    }
}

/// `GET /healthz`.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct HealthView<'a> {
    api_version: u32,
    /// `ok`: configuration valid and KV answering (problems are answered 500 or 503).
    status: &'static str,
    /// What the last build published, if anything.
    build: Option<&'a BuildInfo>,
    /// Things an operator should look at that do not stop the newsroom.
    warnings: Vec<String>,
    /// The bindings e-mail subscriptions need: `database` (D1 and its migrations),
    /// `queue` (the mail queue) and `mail` (the sender). Readers' pages need none of them.
    services: Vec<ServiceView<'a>>,
}

/// One binding's state in [`HealthView`].
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct ServiceView<'a> {
    /// `database`, `queue` or `mail`.
    pub name: &'a str,
    /// `ok`, `off` (not configured: subscriptions switched off) or `failing`.
    pub status: &'a str,
    /// What answered, or what to do.
    pub detail: &'a str,
}

/// The mail Worker's checks alone (`serve::respond::services_report`), merged by the readers'
/// Worker into [`HealthView::services`].
#[derive(Serialize)]
pub struct ServicesView<'a> {
    /// `queue` and `mail`: the bindings only the mail Worker has.
    pub services: Vec<ServiceView<'a>>,
}

impl<'a> HealthView<'a> {
    /// A healthy newsroom with its last build, warnings and other bindings.
    pub fn new(build: Option<&'a BuildInfo>, warnings: Vec<String>, services: Vec<ServiceView<'a>>) -> Self {
        Self { api_version: API_VERSION, status: "ok", build, warnings, services }
    }
}

/// Serializes a view; our views contain only strings, numbers and lists, so this cannot fail.
pub fn to_string<T: Serialize>(view: &T) -> String {
    serde_json::to_string(view).unwrap_or_else(|e| unreachable!("views serialize: {e}"))
}

/// [`to_string`] as bytes.
pub fn to_bytes<T: Serialize>(view: &T) -> Vec<u8> {
    serde_json::to_vec(view).unwrap_or_else(|e| unreachable!("views serialize: {e}"))
}

/// schema.org `NewsArticle` for a release page's JSON-LD.
#[derive(Serialize)]
pub struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    headline: &'a str,
    description: &'a str,
    url: String,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: String,
    #[serde(rename = "datePublished")]
    date_published: String,
    #[serde(rename = "dateModified")]
    date_modified: String,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    keywords: Vec<&'a str>,
    author: Organization<'a>,
    publisher: Organization<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    image: Vec<media::ImageObject<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    video: Vec<video::VideoObject<'a>>,
}

#[derive(Serialize, Clone)]
struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<String>,
    /// The publisher's social media profiles.
    #[serde(rename = "sameAs", skip_serializing_if = "Vec::is_empty")]
    same_as: Vec<&'a str>,
}

/// schema.org `Organization` for a publisher page's JSON-LD, naming its social media
/// channels as `sameAs` (the page links them with `rel="me"`).
#[derive(Serialize)]
pub struct PublisherOrganization<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(flatten)]
    org: Organization<'a>,
}

impl<'a> PublisherOrganization<'a> {
    /// Publisher `p`'s organisation on `origin`.
    pub fn new(p: &'a PublisherRecord, origin: &str) -> Self {
        let org = Organization {
            kind: "Organization",
            name: &p.publisher.name,
            url: format!("{origin}{}", publisher_path(&p.publisher.slug)),
            logo: p.logo.as_ref().map(|m| format!("{origin}{}", m.path())),
            same_as: p.social.iter().map(|s| s.url.as_str()).collect(),
        };
        Self { context: "https://schema.org", org }
    }

    /// JSON safe inside `<script>`, as [`NewsArticle::to_script_json`].
    pub fn to_script_json(&self) -> String {
        String::from_utf8(to_bytes(self)).unwrap_or_default().replace('<', "\\u003c")
    }
}

impl<'a> NewsArticle<'a> {
    /// The article of release `r` on `origin`; `logo` is the publisher's.
    pub fn new(r: &'a ReleaseRecord, logo: Option<&Media>, origin: &str) -> Self {
        let s = &r.summary;
        let url = format!("{origin}{}", release_path(&s.slug));
        let org = Organization {
            kind: "Organization",
            name: &s.publisher.name,
            url: format!("{origin}{}", publisher_path(&s.publisher.slug)),
            logo: logo.map(|m| format!("{origin}{}", m.path())),
            same_as: Vec::new(),
        };
        Self {
            image: r.images.iter().map(|i| media::ImageObject::new(i, &s.publisher, origin)).collect(),
            video: r.videos.iter().map(|v| video::VideoObject::new(v, s, r.images.first(), origin)).collect(),
            context: "https://schema.org",
            kind: "NewsArticle",
            headline: &s.title,
            description: &s.lead,
            url: url.clone(),
            main_entity_of_page: url,
            date_published: rfc3339(&s.published),
            date_modified: rfc3339(r.updated.as_ref().unwrap_or(&s.published)),
            in_language: &s.lang,
            keywords: r.keywords.iter().map(|k| k.label.as_str()).collect(),
            author: org.clone(),
            publisher: org,
        }
    }

    /// JSON safe inside `<script>`: every `<` is written `\u003c`, so no `</script>` or `<!--`.
    pub fn to_script_json(&self) -> String {
        String::from_utf8(to_bytes(self)).unwrap_or_default().replace('<', "\\u003c")
    }
}

/// `GET /search` as JSON.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct SearchView<'a> {
    api_version: u32,
    query: SearchQueryView<'a>,
    total: usize,
    #[serde(flatten)]
    paging: Paging,
    results: Vec<SearchHitView<'a>>,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
struct SearchQueryView<'a> {
    q: &'a str,
    terms: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    keyword: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<i32>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
struct SearchHitView<'a> {
    slug: &'a str,
    url: String,
    title: &'a str,
    title_html: String,
    snippet_html: String,
    language: &'a str,
    published_at: String,
    publisher: PublisherLink<'a>,
}

impl<'a> SearchView<'a> {
    /// A view of one page of search results.
    pub fn new(r: &'a SearchResults<'a>, pager: &Pager, origin: &str) -> Self {
        let terms = &r.query.terms;
        let results = r
            .hits
            .iter()
            .map(|d| SearchHitView {
                slug: &d.slug,
                url: format!("{origin}{}", release_path(&d.slug)),
                title: &d.title,
                title_html: highlight(&d.title, terms),
                snippet_html: highlight(&d.snippet, terms),
                language: &d.lang,
                published_at: rfc3339(&d.published),
                publisher: PublisherLink::new(&d.publisher, origin),
            })
            .collect();
        let query = SearchQueryView {
            q: r.q,
            terms,
            publisher: r.query.publisher.as_deref(),
            keyword: r.query.keyword.as_deref(),
            year: r.query.year,
            kind: r.query.kind.map(|k| k.id()),
        };
        Self { api_version: API_VERSION, query, total: r.total, paging: Paging::new(pager, origin), results }
    }
}
