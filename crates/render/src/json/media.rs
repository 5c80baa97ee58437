//! Photos in the JSON API: a photo with its pixel size, renditions, credit and terms, and the
//! media bank (`/publishers/{slug}/media`) as a page of releases with their media.

use serde::Serialize;

use super::{MediaView, Paging, PublisherLink, SummaryView, API_VERSION};
use crate::pager::Pager;
use contract::media::Rendition;
use contract::model::{Image, License, PublisherRecord, Summary};

/// A photo: `url` is the full-size original without metadata (what a journalist downloads),
/// `renditions` the smaller copies pages show, `share` the 1,200 × 630 link-preview image.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub(super) struct ImageView<'a> {
    url: String,
    content_type: &'a str,
    bytes: u64,
    /// Pixel width of the original (absent in records built before photos were processed).
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
    alt: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    caption: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    license: Option<&'a License>,
    #[serde(skip_serializing_if = "Option::is_none")]
    download_name: Option<&'a str>,
    renditions: Vec<RenditionView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    share: Option<RenditionView<'a>>,
}

/// One processed file of a photo.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
struct RenditionView<'a> {
    url: String,
    content_type: &'a str,
    bytes: u64,
    width: u32,
    height: u32,
}

impl<'a> RenditionView<'a> {
    fn new(r: &'a Rendition, origin: &str) -> Self {
        let m = &r.media;
        Self {
            url: format!("{origin}{}", m.path()),
            content_type: &m.content_type,
            bytes: m.bytes,
            width: r.width,
            height: r.height,
        }
    }
}

impl<'a> ImageView<'a> {
    /// The view of `i` with absolute URLs on `origin`.
    pub(super) fn new(i: &'a Image, origin: &str) -> Self {
        let known = |n: u32| (n > 0).then_some(n);
        Self {
            url: format!("{origin}{}", i.media.path()),
            content_type: &i.media.content_type,
            bytes: i.media.bytes,
            width: known(i.width),
            height: known(i.height),
            alt: &i.alt,
            caption: i.caption.as_deref(),
            credit: i.credit.as_deref(),
            license: i.license.as_ref(),
            download_name: i.download_name.as_deref(),
            renditions: i.renditions.iter().map(|r| RenditionView::new(r, origin)).collect(),
            share: i.share.as_ref().map(|r| RenditionView::new(r, origin)),
        }
    }
}

/// `GET /publishers/{slug}/media` as JSON: the publisher's terms and logo, and one page of
/// its public releases that have photos or attachments, newest first, each with them.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct MediaBankView<'a> {
    api_version: u32,
    publisher: PublisherLink<'a>,
    /// The publisher's terms of use of its media (each photo may have its own, in `license`).
    #[serde(skip_serializing_if = "Option::is_none")]
    terms: Option<License>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<MediaView<'a>>,
    /// The publisher's standing photos (portraits, places), not of any release.
    photos: Vec<ImageView<'a>>,
    /// The publisher's standing videos, not of any release.
    videos: Vec<super::video::VideoView<'a>>,
    /// Public releases with media in all pages.
    total: usize,
    #[serde(flatten)]
    paging: Paging,
    releases: Vec<BankReleaseView<'a>>,
}

/// A release in the media bank: its summary, photos, attachments and videos.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
struct BankReleaseView<'a> {
    #[serde(flatten)]
    release: SummaryView<'a>,
    images: Vec<ImageView<'a>>,
    attachments: Vec<MediaView<'a>>,
    videos: Vec<super::video::VideoView<'a>>,
}

impl<'a> MediaBankView<'a> {
    /// A view of one page of the media bank of `p` (`items` already public).
    pub fn new(p: &'a PublisherRecord, total: usize, items: &[&'a Summary], pager: &Pager, origin: &str) -> Self {
        let releases = items
            .iter()
            .map(|s| {
                let media = s.media.as_deref();
                BankReleaseView {
                    release: SummaryView::new(s, origin),
                    images: media
                        .map(|m| m.images.iter().map(|i| ImageView::new(i, origin)).collect())
                        .unwrap_or_default(),
                    attachments: media
                        .map(|m| m.attachments.iter().map(|a| MediaView::attachment(a, origin)).collect())
                        .unwrap_or_default(),
                    videos: media
                        .map(|m| m.videos.iter().map(|v| super::video::VideoView::new(v, origin)).collect())
                        .unwrap_or_default(),
                }
            })
            .collect();
        let terms = p.media_terms.as_ref().map(|text| License { text: text.clone(), url: p.media_terms_url.clone() });
        Self {
            api_version: API_VERSION,
            publisher: PublisherLink::new(&p.publisher, origin),
            terms,
            logo: p.logo.as_ref().map(|m| MediaView::new(m, origin)),
            photos: p.photos.iter().map(|i| ImageView::new(i, origin)).collect(),
            videos: p.videos.iter().map(|v| super::video::VideoView::new(v, origin)).collect(),
            total,
            paging: Paging::new(pager, origin),
            releases,
        }
    }
}

/// schema.org `ImageObject` of a photo in a release's JSON-LD, with the licence metadata
/// search engines show (`license`, `acquireLicensePage`, `creditText`, `copyrightNotice`).
#[derive(Serialize)]
pub(super) struct ImageObject<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "contentUrl")]
    content_url: String,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
    caption: &'a str,
    #[serde(rename = "creditText", skip_serializing_if = "Option::is_none")]
    credit_text: Option<&'a str>,
    #[serde(rename = "copyrightNotice")]
    copyright_notice: &'a str,
    /// The licence's page, else the media bank, which shows the terms.
    license: String,
    #[serde(rename = "acquireLicensePage")]
    acquire_license_page: String,
}

impl<'a> ImageObject<'a> {
    /// The object of `i`, a photo of a release of `publisher`.
    pub(super) fn new(i: &'a Image, publisher: &'a contract::model::PublisherRef, origin: &str) -> Self {
        let bank = format!("{origin}{}", contract::route::media_bank_path(&publisher.slug));
        let known = |n: u32| (n > 0).then_some(n);
        Self {
            kind: "ImageObject",
            content_url: format!("{origin}{}", i.media.path()),
            url: format!("{origin}{}", i.feed_file().path()),
            width: known(i.width),
            height: known(i.height),
            caption: i.caption.as_deref().unwrap_or(&i.alt),
            credit_text: i.credit.as_deref(),
            copyright_notice: i.credit.as_deref().unwrap_or(&publisher.name),
            license: i.license.as_ref().and_then(|l| l.url.clone()).unwrap_or_else(|| bank.clone()),
            acquire_license_page: bank,
        }
    }
}
