//! Interface labels in the language of the page (Finnish, Swedish, English).

use crate::model::ReleaseKind;

/// Every label a page uses. A quoted field doc is the English text; each language's
/// table holds its own words for it.
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
    /// "Keywords": heading of `/keywords` and of a release's keyword list, and the link to `/keywords`.
    pub keywords: &'static str,
    /// "Keyword" (before one keyword's name).
    pub keyword: &'static str,
    /// "Subscribe": the feed links' lead-in.
    pub subscribe: &'static str,
    /// "Contacts": heading of the contact cards on release and publisher pages.
    pub contacts: &'static str,
    /// "Read more from publisher" (publisher name follows).
    pub more_from: &'static str,
    /// "Publisher": the line above a publisher page's heading.
    pub publisher: &'static str,
    /// "Updated": before a release's update time.
    pub updated: &'static str,
    /// "Attachments": heading of a release's PDF links.
    pub attachments: &'static str,
    /// "In other languages" (before links to translations).
    pub translations: &'static str,
    /// "Correction" (before the correction note).
    pub correction: &'static str,
    /// Preview banner: "Embargoed until" (the time follows).
    pub embargoed_until: &'static str,
    /// The link to the e-mail subscription form, in every page's footer.
    pub by_email: &'static str,
    /// Preview banner of a draft: says it is not published nor scheduled.
    pub draft_preview: &'static str,
    /// Preview banner, before the time the link stops working.
    pub link_until: &'static str,
    /// Preview banner, after that time (may be empty).
    pub link_until_end: &'static str,
    /// "Phone" (Finnish `Puh.`): before a contact's number.
    pub phone: &'static str,
    /// "E-mail": before a contact's address.
    pub email: &'static str,
    /// "Website": before the publisher's URL, on its page and under its releases.
    pub website: &'static str,
    /// Notice on releases whose source gave only the lead.
    pub lead_only: &'static str,
    /// "No releases yet."
    pub none_yet: &'static str,
    /// "releases in total".
    pub total: &'static str,
    /// "This page as JSON".
    pub as_json: &'static str,
    /// "About this site": the name of the footer's list of content pages (the
    /// accessibility statement, the privacy notice).
    pub about_site: &'static str,
    /// Under the subscription form: how the address is handled, before the privacy
    /// notice's link.
    pub privacy_lead: &'static str,
    /// "Last updated": before a content page's date.
    pub last_updated: &'static str,
    /// "Pages" (pager landmark).
    pub pages: &'static str,
    /// "Page": in the pager's `Page 2 / 5`.
    pub page: &'static str,
    /// "Newer": the pager's link to the previous page (lists run newest first).
    pub prev: &'static str,
    /// "Older": the pager's link to the next page.
    pub next: &'static str,
    /// "Archive": heading of `/archive` and of a year's page, and the link to `/archive`.
    pub archive: &'static str,
    /// "Search" as a noun: heading and title of `/search`, and its query field's label.
    pub search: &'static str,
    /// "Search" as a verb (Finnish `Hae`): the search form's button.
    pub search_button: &'static str,
    /// "results": after the number of search hits.
    pub results: &'static str,
    /// "No results.": shown when a search finds nothing.
    pub no_results: &'static str,
    /// Heading of error pages.
    pub error: &'static str,
    /// Link back to the front page.
    pub back_home: &'static str,
    /// "Type" (of release), and "all types".
    pub kind_filter: [&'static str; 2],
    /// Kind names: press release, news, article, event, blog post.
    pub kinds: [&'static str; 5],
    /// `/llms.txt`: what the newsroom offers machines, one sentence.
    pub machine_readable: &'static str,
    /// `/llms.txt`: the heading of the feed links.
    pub feeds: &'static str,
    /// `/llms.txt`: the heading of the API links.
    pub api: &'static str,
    /// "Download full size": a photo's link to its stripped original (size follows).
    pub download_full: &'static str,
    /// "Download the video": a video's link to its file (type, size and length follow).
    pub download_video: &'static str,
    /// "Captions": what a video's captions track is called.
    pub captions: &'static str,
    /// "Photos and videos": the media bank's heading, and the links to it.
    pub media_bank: &'static str,
    /// "Terms of use": before a photo's licence.
    pub terms: &'static str,
    /// "Save to contacts": a contact's vCard link.
    pub save_contact: &'static str,
    /// "Social media": the heading of a publisher's channels.
    pub social: &'static str,
    /// Lead of the media bank: what journalists find there.
    pub media_bank_lead: &'static str,
    /// "From the release": before the release a photo belongs to.
    pub from_release: &'static str,
    /// "Logo" and "Photo" (of the publisher's own media in the bank).
    pub own_media: [&'static str; 2],
    /// The decimal separator of sizes (`3,1 Mt`), and the units B, kB and MB.
    pub size_units: crate::media::SizeUnits,
    /// The thousands separator of pixel counts (`4 000`: a no-break space in Finnish).
    pub thousands: char,
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
    by_email: "Tilaa tiedotteet sähköpostiisi",
    draft_preview: "Esikatselu: luonnos, jota ei ole julkaistu eikä ajastettu.",
    link_until: "Tämä linkki toimii",
    link_until_end: "asti.",
    phone: "Puh.",
    email: "Sähköposti",
    website: "Verkkosivut",
    lead_only: "Tästä julkaisusta on saatavilla vain ingressi.",
    none_yet: "Ei vielä julkaisuja.",
    total: "julkaisua yhteensä",
    as_json: "Tämä sivu JSON-muodossa",
    about_site: "Tietoa sivustosta",
    privacy_lead: "Miten käsittelemme sähköpostiosoitettasi, kerrotaan tietosuojaselosteessa",
    last_updated: "Päivitetty viimeksi",
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
    machine_readable: "Jokainen sivu on saatavilla myös Markdown- ja JSON-muodossa (?format=md, ?format=json), ja tiedotteet syötteinä RSS-, Atom- ja JSON Feed -muodossa.",
    feeds: "Syötteet",
    api: "Rajapinta",
    download_full: "Lataa täysikokoinen",
    download_video: "Lataa video",
    captions: "Tekstitys",
    media_bank: "Kuvat ja videot",
    terms: "Käyttöehdot",
    save_contact: "Tallenna yhteystiedot",
    social: "Sosiaalinen media",
    media_bank_lead: "Julkaisijan kuvat ja liitteet, vapaasti median käytettävissä käyttöehtojen mukaan. Uusimmat ensin.",
    from_release: "Tiedotteesta",
    own_media: ["Logo", "Kuva"],
    size_units: (',', "t", "kt", "Mt"),
    thousands: '\u{a0}',
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
    by_email: "Prenumerera per e-post",
    draft_preview: "Förhandsvisning: ett utkast som varken är publicerat eller schemalagt.",
    link_until: "Den här länken fungerar till",
    link_until_end: "",
    phone: "Tfn",
    email: "E-post",
    website: "Webbplats",
    lead_only: "Endast ingressen finns tillgänglig för denna publikation.",
    none_yet: "Inga publikationer ännu.",
    total: "publikationer totalt",
    as_json: "Denna sida som JSON",
    about_site: "Om webbplatsen",
    privacy_lead: "Hur vi behandlar din e-postadress beskrivs i dataskyddsbeskrivningen",
    last_updated: "Senast uppdaterad",
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
    machine_readable: "Varje sida finns också som Markdown och JSON (?format=md, ?format=json), och pressmeddelandena som flöden i RSS, Atom och JSON Feed.",
    feeds: "Flöden",
    api: "Gränssnitt",
    download_full: "Ladda ner i full storlek",
    download_video: "Ladda ner videon",
    captions: "Textning",
    media_bank: "Bilder och videor",
    terms: "Användningsvillkor",
    save_contact: "Spara kontaktuppgifter",
    social: "Sociala medier",
    media_bank_lead: "Utgivarens bilder och bilagor, fritt tillgängliga för medierna enligt användningsvillkoren. De nyaste först.",
    from_release: "Ur meddelandet",
    own_media: ["Logotyp", "Bild"],
    size_units: (',', "B", "kB", "MB"),
    thousands: '\u{a0}',
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
    by_email: "Get releases by e-mail",
    draft_preview: "Preview: a draft, neither published nor scheduled.",
    link_until: "This link works until",
    link_until_end: "",
    phone: "Phone",
    email: "E-mail",
    website: "Website",
    lead_only: "Only the lead of this release is available.",
    none_yet: "No releases yet.",
    total: "releases in total",
    as_json: "This page as JSON",
    about_site: "About this site",
    privacy_lead: "How we handle your e-mail address is described in the privacy notice",
    last_updated: "Last updated",
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
    machine_readable: "Every page is also available as Markdown and JSON (?format=md, ?format=json), and the releases as RSS, Atom and JSON Feed feeds.",
    feeds: "Feeds",
    api: "API",
    download_full: "Download full size",
    download_video: "Download the video",
    captions: "Captions",
    media_bank: "Photos and videos",
    terms: "Terms of use",
    save_contact: "Save to contacts",
    social: "Social media",
    media_bank_lead: "The publisher's photos and attachments, free for media use under their terms. Newest first.",
    from_release: "From the release",
    own_media: ["Logo", "Photo"],
    size_units: crate::media::ENGLISH_SIZES,
    thousands: ',',
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
    /// A file size as people read it: `120 kt`, `3,1 Mt` (`3.1 MB` in English, as
    /// [`crate::media::human_size`] writes it).
    pub fn file_size(&self, bytes: u64) -> String {
        crate::media::size_in(bytes, self.size_units)
    }

    /// A number with thousands grouped: `4 000`, `4,000`.
    pub fn number(&self, n: u32) -> String {
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + 4);
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(self.thousands);
            }
            out.push(d);
        }
        out
    }

    /// A pixel size: `4 000 × 3 000`.
    pub fn pixels(&self, width: u32, height: u32) -> String {
        format!("{} × {}", self.number(width), self.number(height))
    }

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
