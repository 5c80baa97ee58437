//! The subscription pages the readers' Worker shows, and what both Workers share of them,
//! sans-IO: the paths, the language of a page, the scope a link offers, the privacy notice
//! linked, and the answer page itself. What the mail Worker does with the form's posts and
//! the links (parsing, SQL, mails) is `newsroom-mailing`'s (`mailing::subscribe`).

use contract::subscription::Scope;

/// The pages of each step, for the adapter.
pub use render::html::{subscribe_page, Site, SubscribeView};

/// The form and the page that says what happened.
pub const SUBSCRIBE_PATH: &str = "/subscribe";
/// The double opt-in link's page (`GET` asks, `POST` confirms).
pub const CONFIRM_PATH: &str = "/subscribe/confirm";
/// The unsubscribe link's page (`GET` asks, `POST` unsubscribes: also RFC 8058's one click).
pub const UNSUBSCRIBE_PATH: &str = "/unsubscribe";

/// The languages mails and pages come in (the mails rendered ahead decide them).
pub use render::mail::ahead::LANGUAGES;

/// `lang` if mails come in it, else English.
pub fn language(lang: &str) -> &'static str {
    let primary = lang.split('-').next().unwrap_or("");
    LANGUAGES.iter().find(|l| primary.eq_ignore_ascii_case(l)).copied().unwrap_or("en")
}

/// The scope a link to the form asks to tick (`?scope=publisher%3Akymsote`), if valid.
pub fn offered_scope(query: Option<&str>) -> Vec<Scope> {
    let Some(query) = query else { return Vec::new() };
    form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name == "scope")
        .filter_map(|(_, value)| Scope::parse(&value).ok())
        .take(1)
        .collect()
}

/// The privacy notice a page or mail links ([`contract::pages::PagesRecord::privacy_notice`]),
/// owned: its title and its URL on `origin`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Privacy {
    /// The notice's title, the link text.
    pub title: String,
    /// Its URL: `{origin}/pages/{slug}`.
    pub url: String,
}

impl Privacy {
    /// The link as renderers take it.
    pub fn link(&self) -> render::mail::PrivacyLink<'_> {
        render::mail::PrivacyLink { title: &self.title, url: &self.url }
    }
}

/// The privacy notice for readers of `lang` of `publisher`'s releases (`None`: the site's),
/// on `origin` (`""` for a path).
pub fn privacy_link(
    pages: &contract::pages::PagesRecord,
    lang: &str,
    publisher: Option<&str>,
    origin: &str,
) -> Option<Privacy> {
    let notice = pages.privacy_notice(lang, publisher)?;
    Some(Privacy { title: notice.title.clone(), url: format!("{}{}", origin.trim_end_matches('/'), notice.path()) })
}

/// An answer page of a subscription step: HTML that no cache keeps (it may hold a personal
/// link) and no search engine indexes.
/// Its footer links the site's content pages in `lang` (else in `fallback`, the site's).
pub fn page(
    status: u16,
    view: &SubscribeView<'_>,
    site: &Site<'_>,
    (lang, fallback): (&str, &str),
    pages: &contract::pages::PagesRecord,
) -> crate::http::HttpResponse {
    let footer = render::html::footer_for(pages, lang, fallback, None);
    let body = subscribe_page(view, site, lang).replacen(render::html::FOOTER_MARK, &footer, 1);
    crate::http::HttpResponse {
        status,
        headers: vec![
            ("content-type", "text/html; charset=utf-8".into()),
            ("cache-control", "private, no-store".into()),
            ("x-robots-tag", "noindex".into()),
            // Their URLs hold personal keys: never sent on to another site.
            ("referrer-policy", "no-referrer".into()),
        ],
        body: body.into_bytes(),
        log: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_to_the_form_offers_one_valid_scope() {
        assert_eq!(offered_scope(Some("scope=keyword%3Asote")), [Scope::Keyword("sote".into())]);
        assert!(offered_scope(Some("scope=planet%3Amars")).is_empty() && offered_scope(None).is_empty());
        assert_eq!(language("sv-FI"), "sv");
        assert_eq!(language("de"), "en");
    }
}
