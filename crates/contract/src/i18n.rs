//! Interface labels in the language of the page (Finnish, Swedish, English).

use crate::model::ReleaseKind;

/// Every label a page uses.
#[derive(Debug)]
pub struct Labels {
    /// Name of the site in the header.
    pub site: &'static str,
    /// Skip link text.
    pub skip: &'static str,
    /// Heading of the latest-releases page.
    pub latest: &'static str,
    /// Heading for a publisher's releases.
    pub releases: &'static str,
    /// "Keywords".
    pub keywords: &'static str,
    /// "Keyword" (before one keyword's name).
    pub keyword: &'static str,
    /// "Subscribe": the feed links' lead-in.
    pub subscribe: &'static str,
    /// "Contacts".
    pub contacts: &'static str,
    /// "Read more from publisher" (publisher name follows).
    pub more_from: &'static str,
    /// "Publisher".
    pub publisher: &'static str,
    /// "Updated".
    pub updated: &'static str,
    /// "Attachments".
    pub attachments: &'static str,
    /// "In other languages" (before links to translations).
    pub translations: &'static str,
    /// "Correction" (before the correction note).
    pub correction: &'static str,
    /// Preview banner: "Embargoed until" (the time follows).
    pub embargoed_until: &'static str,
    /// "Phone".
    pub phone: &'static str,
    /// "E-mail".
    pub email: &'static str,
    /// "Website".
    pub website: &'static str,
    /// Notice on releases whose source gave only the lead.
    pub lead_only: &'static str,
    /// "No releases yet."
    pub none_yet: &'static str,
    /// "releases in total".
    pub total: &'static str,
    /// "This page as JSON".
    pub as_json: &'static str,
    /// "Pages" (pager landmark).
    pub pages: &'static str,
    /// "Page".
    pub page: &'static str,
    /// "Newer".
    pub prev: &'static str,
    /// "Older".
    pub next: &'static str,
    /// "Archive".
    pub archive: &'static str,
    /// "Search" (label).
    pub search: &'static str,
    /// "Search" (button).
    pub search_button: &'static str,
    /// "results".
    pub results: &'static str,
    /// "No results."
    pub no_results: &'static str,
    /// Heading of error pages.
    pub error: &'static str,
    /// Link back to the front page.
    pub back_home: &'static str,
    /// "Type" (of release), and "all types".
    pub kind_filter: [&'static str; 2],
    /// Kind names: press release, news, article, event, blog post.
    pub kinds: [&'static str; 5],
}

const FI: Labels = Labels {
    site: "Uutishuone",
    skip: "Siirry sisältöön",
    latest: "Uusimmat tiedotteet",
    releases: "Tiedotteet",
    keywords: "Avainsanat",
    keyword: "Avainsana",
    subscribe: "Tilaa syöte",
    contacts: "Yhteyshenkilöt",
    more_from: "Lue lisää julkaisijalta",
    publisher: "Julkaisija",
    updated: "Päivitetty",
    correction: "Korjaus",
    translations: "Muilla kielillä",
    attachments: "Liitteet",
    embargoed_until: "Esikatselu: embargo päättyy",
    phone: "Puh.",
    email: "Sähköposti",
    website: "Verkkosivut",
    lead_only: "Tästä julkaisusta on saatavilla vain ingressi.",
    none_yet: "Ei vielä julkaisuja.",
    total: "julkaisua yhteensä",
    as_json: "Tämä sivu JSON-muodossa",
    pages: "Sivut",
    page: "Sivu",
    prev: "Uudemmat",
    next: "Vanhemmat",
    archive: "Arkisto",
    search: "Haku",
    search_button: "Hae",
    results: "hakutulosta",
    no_results: "Ei hakutuloksia.",
    error: "Virhe",
    back_home: "Etusivulle",
    kind_filter: ["Tyyppi", "Kaikki tyypit"],
    kinds: ["Tiedote", "Uutinen", "Artikkeli", "Tapahtuma", "Blogi"],
};

const SV: Labels = Labels {
    site: "Nyhetsrum",
    skip: "Hoppa till innehållet",
    latest: "Senaste pressmeddelanden",
    releases: "Pressmeddelanden",
    keywords: "Nyckelord",
    keyword: "Nyckelord",
    subscribe: "Prenumerera",
    contacts: "Kontaktpersoner",
    more_from: "Läs mer från utgivaren",
    publisher: "Utgivare",
    updated: "Uppdaterad",
    correction: "Rättelse",
    translations: "På andra språk",
    attachments: "Bilagor",
    embargoed_until: "Förhandsvisning: embargo till",
    phone: "Tfn",
    email: "E-post",
    website: "Webbplats",
    lead_only: "Endast ingressen finns tillgänglig för denna publikation.",
    none_yet: "Inga publikationer ännu.",
    total: "publikationer totalt",
    as_json: "Denna sida som JSON",
    pages: "Sidor",
    page: "Sida",
    prev: "Nyare",
    next: "Äldre",
    archive: "Arkiv",
    search: "Sök",
    search_button: "Sök",
    results: "träffar",
    no_results: "Inga träffar.",
    error: "Fel",
    back_home: "Till startsidan",
    kind_filter: ["Typ", "Alla typer"],
    kinds: ["Pressmeddelande", "Nyhet", "Artikel", "Evenemang", "Blogg"],
};

const EN: Labels = Labels {
    site: "Newsroom",
    skip: "Skip to content",
    latest: "Latest releases",
    releases: "Releases",
    keywords: "Keywords",
    keyword: "Keyword",
    subscribe: "Subscribe",
    contacts: "Contacts",
    more_from: "More from",
    publisher: "Publisher",
    updated: "Updated",
    correction: "Correction",
    translations: "In other languages",
    attachments: "Attachments",
    embargoed_until: "Preview: embargoed until",
    phone: "Phone",
    email: "E-mail",
    website: "Website",
    lead_only: "Only the lead of this release is available.",
    none_yet: "No releases yet.",
    total: "releases in total",
    as_json: "This page as JSON",
    pages: "Pages",
    page: "Page",
    prev: "Newer",
    next: "Older",
    archive: "Archive",
    search: "Search",
    search_button: "Search",
    results: "results",
    no_results: "No results.",
    error: "Error",
    back_home: "Front page",
    kind_filter: ["Type", "All types"],
    kinds: ["Press release", "News", "Article", "Event", "Blog post"],
};

/// Labels for a BCP 47 tag: Finnish and Swedish by primary subtag, English otherwise.
pub fn labels(lang: &str) -> &'static Labels {
    match lang.split('-').next().unwrap_or("") {
        "fi" => &FI,
        "sv" => &SV,
        _ => &EN,
    }
}

impl Labels {
    /// Display name of a release kind.
    pub fn kind(&self, kind: ReleaseKind) -> &'static str {
        match kind {
            ReleaseKind::Tiedote => self.kinds[0],
            ReleaseKind::Uutinen => self.kinds[1],
            ReleaseKind::Artikkeli => self.kinds[2],
            ReleaseKind::Tapahtuma => self.kinds[3],
            ReleaseKind::Blogi => self.kinds[4],
        }
    }
}

/// A BCP 47 language tag of the simple shape we serve: `fi`, `sv`, `en`, `en-GB`, `se`...
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}
