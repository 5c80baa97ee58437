//! Content pages: the pages of a newsroom that are not releases (`content/pages/{slug}.md`,
//! served at `/pages/{slug}`), above all the two a Finnish public body must publish: the
//! accessibility statement (Act on the Provision of Digital Services 306/2019) and the
//! privacy notice (GDPR Article 13).
//!
//! The build writes each page as a [`PageRecord`] under [`page_key`] and every page's
//! [`PageLink`] in one small [`PagesRecord`] under [`PAGES_KEY`]: every HTML page reads it
//! in its first round for its footer, and mails and the subscription form find the privacy
//! notice in it. Which pages a host shows and serves is decided here, once, for both wings.

use serde::{Deserialize, Serialize};

use crate::model::Timestamp;

/// Key of the index of every content page ([`PagesRecord`]).
pub const PAGES_KEY: &str = "index:pages";

/// Key of one content page's record ([`PageRecord`]).
pub fn page_key(slug: &str) -> String {
    format!("pages:{slug}")
}

/// What the law asks a page to be, when it is one of the two required pages: the footer
/// lists these first, and mails link the privacy notice.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum PageRole {
    /// Saavutettavuusseloste / tillgänglighetsutlåtande (306/2019, section 15).
    AccessibilityStatement,
    /// Tietosuojaseloste / dataskyddsbeskrivning (GDPR Articles 13 and 14).
    PrivacyNotice,
}

impl PageRole {
    /// Every role, in footer order.
    pub const ALL: [PageRole; 2] = [PageRole::AccessibilityStatement, PageRole::PrivacyNotice];

    /// The value written in front matter (`role = "privacy-notice"`).
    pub fn id(self) -> &'static str {
        match self {
            PageRole::AccessibilityStatement => "accessibility-statement",
            PageRole::PrivacyNotice => "privacy-notice",
        }
    }

    /// The role a front-matter value names.
    pub fn from_id(id: &str) -> Option<PageRole> {
        Self::ALL.into_iter().find(|r| r.id() == id)
    }
}

/// One content page as stored under `pages:{slug}`: its text rendered at publish time.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PageRecord {
    /// Schema version ([`crate::model::SCHEMA_VERSION`]).
    pub v: u32,
    /// Where it is listed and how it links: slug, title, language, role, owner.
    pub link: PageLink,
    /// When its text was last changed (`updated` in front matter): its `Last-Modified`.
    pub updated: Timestamp,
    /// The body rendered to safe HTML (`render::markdown::to_html`).
    pub body_html: String,
    /// The body as the publisher wrote it (the Markdown representation).
    pub body_markdown: String,
    /// The same page in other languages (both ways), ordered by language.
    pub translations: Vec<PageLink>,
}

/// A content page as lists and links name it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PageLink {
    /// Slug: the file name without `.md`; the page is at `/pages/{slug}`.
    pub slug: String,
    /// Title, the link text.
    pub title: String,
    /// Its BCP 47 language tag.
    pub lang: String,
    /// The required page it is, if it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<PageRole>,
    /// The publisher whose own page it is (shown on that publisher's own host instead of
    /// the site's page of the same role); `None` for the whole site's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Linked from the footer of every page in its language.
    #[serde(default)]
    pub footer: bool,
}

impl PageLink {
    /// Its path, `/pages/{slug}`.
    pub fn path(&self) -> String {
        crate::route::content_page_path(&self.slug)
    }
}

/// `index:pages`: every content page, in footer order.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct PagesRecord {
    /// Schema version ([`crate::model::SCHEMA_VERSION`]).
    pub v: u32,
    /// Every page: the accessibility statements first, then the privacy notices, then the
    /// others by title.
    pub pages: Vec<PageLink>,
}

/// The primary language subtag: `fi` of `fi-FI`.
fn primary(lang: &str) -> &str {
    lang.split('-').next().unwrap_or(lang)
}

impl PagesRecord {
    /// Whether `link` may be served on the home of `publisher` (`None`: the main site,
    /// which serves every page; a publisher's own host serves its own and the site's).
    pub fn serves(link: &PageLink, publisher: Option<&str>) -> bool {
        publisher.is_none() || link.publisher.is_none() || link.publisher.as_deref() == publisher
    }

    /// The pages a home shows to readers of `lang`: the site's (on the main site), or on a
    /// publisher's own host its own with the site's for the roles it has no page of.
    fn shown<'a>(&'a self, lang: &'a str, publisher: Option<&'a str>) -> impl Iterator<Item = &'a PageLink> + 'a {
        let in_lang = move |p: &&PageLink| primary(&p.lang) == primary(lang);
        let own = move |role: Option<PageRole>| {
            publisher.is_some()
                && self.pages.iter().filter(in_lang).any(|p| p.publisher.as_deref() == publisher && p.role == role)
        };
        self.pages.iter().filter(in_lang).filter(move |p| match (&p.publisher, publisher) {
            (None, None) => true,
            (Some(_), None) => false,
            (Some(owner), Some(home)) => owner == home,
            // The site's page of a role the publisher has its own page of gives way to it.
            (None, Some(_)) => p.role.is_none() || !own(p.role),
        })
    }

    /// The footer links of a page in `lang` on the home of `publisher`, in order: the
    /// accessibility statement, the privacy notice, then the others by title. A required
    /// page with no version in `lang` is linked in `fallback` (the site's language): the
    /// statement and the notice must be reachable from every page.
    pub fn footer<'a>(&'a self, lang: &'a str, fallback: &'a str, publisher: Option<&'a str>) -> Vec<&'a PageLink> {
        let found: Vec<&PageLink> = self.shown(lang, publisher).filter(|p| p.footer).collect();
        let mut out: Vec<&PageLink> = Vec::new();
        for role in PageRole::ALL {
            let own = found.iter().filter(|p| p.role == Some(role)).copied().collect::<Vec<_>>();
            if !own.is_empty() || primary(lang) == primary(fallback) {
                out.extend(own);
            } else {
                out.extend(self.shown(fallback, publisher).filter(|p| p.footer && p.role == Some(role)));
            }
        }
        out.extend(found.iter().filter(|p| p.role.is_none()));
        out
    }

    /// The privacy notice for readers of `lang` of `publisher`'s releases (`None`: the
    /// site's): the publisher's own, else the site's; in `lang`, else in any language
    /// (Finnish, Swedish, English first).
    pub fn privacy_notice(&self, lang: &str, publisher: Option<&str>) -> Option<&PageLink> {
        let notice = |owner: Option<&str>, l: Option<&str>| {
            self.pages.iter().find(|p| {
                p.role == Some(PageRole::PrivacyNotice)
                    && p.publisher.as_deref() == owner
                    && l.is_none_or(|l| primary(&p.lang) == l)
            })
        };
        let owners: &[Option<&str>] = if publisher.is_some() { &[publisher, None] } else { &[None] };
        [Some(primary(lang)), Some("fi"), Some("sv"), Some("en"), None]
            .into_iter()
            .find_map(|l| owners.iter().find_map(|owner| notice(*owner, l)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(slug: &str, lang: &str, role: Option<PageRole>, publisher: Option<&str>) -> PageLink {
        PageLink {
            slug: slug.into(),
            title: slug.into(),
            lang: lang.into(),
            role,
            publisher: publisher.map(Into::into),
            footer: true,
        }
    }

    fn index() -> PagesRecord {
        use PageRole::*;
        PagesRecord {
            v: 1,
            pages: vec![
                link("saavutettavuusseloste", "fi", Some(AccessibilityStatement), None),
                link("tillganglighetsutlatande", "sv", Some(AccessibilityStatement), None),
                link("kymsote-saavutettavuus", "fi", Some(AccessibilityStatement), Some("kymsote")),
                link("tietosuojaseloste", "fi", Some(PrivacyNotice), None),
                link("dataskyddsbeskrivning", "sv", Some(PrivacyNotice), None),
                link("kymsote-tietosuoja", "fi", Some(PrivacyNotice), Some("kymsote")),
                link("tietoa", "fi", None, None),
            ],
        }
    }

    fn slugs(links: Vec<&PageLink>) -> Vec<&str> {
        links.into_iter().map(|l| l.slug.as_str()).collect()
    }

    #[test]
    fn the_main_site_shows_its_own_pages_in_the_language_of_the_page() {
        let i = index();
        assert_eq!(slugs(i.footer("fi", "fi", None)), ["saavutettavuusseloste", "tietosuojaseloste", "tietoa"]);
        assert_eq!(slugs(i.footer("sv-FI", "fi", None)), ["tillganglighetsutlatande", "dataskyddsbeskrivning"]);
        // No page in English: the required ones in the site's language; an "about" page is
        // not required, and stays in its own language's footer.
        assert_eq!(slugs(i.footer("en", "fi", None)), ["saavutettavuusseloste", "tietosuojaseloste"]);
        let mut english_notice = i.clone();
        english_notice.pages.push(link("privacy-notice", "en", Some(PageRole::PrivacyNotice), None));
        let en = english_notice.footer("en", "fi", None);
        assert_eq!(slugs(en), ["saavutettavuusseloste", "privacy-notice"], "the statement is never missing");
    }

    #[test]
    fn a_publishers_host_shows_its_own_page_of_a_role_instead_of_the_sites() {
        let i = index();
        assert_eq!(
            slugs(i.footer("fi", "fi", Some("kymsote"))),
            ["kymsote-saavutettavuus", "kymsote-tietosuoja", "tietoa"]
        );
        assert_eq!(slugs(i.footer("sv", "fi", Some("kymsote"))), ["tillganglighetsutlatande", "dataskyddsbeskrivning"]);
        assert_eq!(
            slugs(i.footer("fi", "fi", Some("other"))),
            ["saavutettavuusseloste", "tietosuojaseloste", "tietoa"]
        );
    }

    #[test]
    fn pages_are_served_on_their_own_home_and_the_main_site() {
        let i = index();
        let own = &i.pages[2];
        assert!(PagesRecord::serves(own, None) && PagesRecord::serves(own, Some("kymsote")));
        assert!(!PagesRecord::serves(own, Some("other")));
        assert!(PagesRecord::serves(&i.pages[0], Some("other")));
    }

    #[test]
    fn mails_link_the_privacy_notice_in_their_language_when_there_is_one() {
        let i = index();
        assert_eq!(i.privacy_notice("sv", None).map(|l| l.slug.as_str()), Some("dataskyddsbeskrivning"));
        assert_eq!(i.privacy_notice("en", None).map(|l| l.slug.as_str()), Some("tietosuojaseloste"));
        assert_eq!(i.privacy_notice("fi", Some("kymsote")).map(|l| l.slug.as_str()), Some("kymsote-tietosuoja"));
        assert_eq!(i.privacy_notice("sv", Some("kymsote")).map(|l| l.slug.as_str()), Some("dataskyddsbeskrivning"));
        assert_eq!(PagesRecord::default().privacy_notice("fi", None), None);
    }

    #[test]
    fn roles_read_as_written() {
        for role in PageRole::ALL {
            assert_eq!(PageRole::from_id(role.id()), Some(role));
        }
        assert_eq!(PageRole::from_id("privacy"), None);
    }
}
