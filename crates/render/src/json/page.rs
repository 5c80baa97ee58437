//! The JSON view of a content page (`/pages/{slug}?format=json`).

use serde::Serialize;

use contract::pages::{PageLink, PageRecord};
use contract::time::rfc3339;

/// A content page: what it is, its text as HTML and as written, and its translations.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct PageView<'a> {
    api_version: u32,
    /// Always `page`: a content page, not a release.
    kind: &'static str,
    #[serde(flatten)]
    link: PageLinkView<'a>,
    /// When its text last changed (RFC 3339).
    updated_at: String,
    body_html: &'a str,
    body_markdown: &'a str,
    translations: Vec<PageLinkView<'a>>,
}

/// A content page as linked.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
struct PageLinkView<'a> {
    slug: &'a str,
    url: String,
    title: &'a str,
    language: &'a str,
    /// `accessibility-statement` or `privacy-notice` for the pages the law requires.
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
    /// The publisher whose own page it is; absent for the whole site's.
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<&'a str>,
}

impl<'a> PageLinkView<'a> {
    fn new(l: &'a PageLink, origin: &str) -> Self {
        PageLinkView {
            slug: &l.slug,
            url: format!("{origin}{}", l.path()),
            title: &l.title,
            language: &l.lang,
            role: l.role.map(|r| r.id()),
            publisher: l.publisher.as_deref(),
        }
    }
}

impl<'a> PageView<'a> {
    /// The view of `page` with absolute URLs on `origin`.
    pub fn new(page: &'a PageRecord, origin: &str) -> Self {
        PageView {
            api_version: super::API_VERSION,
            kind: "page",
            link: PageLinkView::new(&page.link, origin),
            updated_at: rfc3339(&page.updated),
            body_html: &page.body_html,
            body_markdown: &page.body_markdown,
            translations: page.translations.iter().map(|t| PageLinkView::new(t, origin)).collect(),
        }
    }
}
