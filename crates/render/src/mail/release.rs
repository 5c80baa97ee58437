//! A release as a mail: what its page shows that a mail can carry, from the same record.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::body::{self, Base};
use super::labels::{mail_labels, Named};
use super::{checked_origin, checked_url, one_line, style, tel, Mail, MailError, PrivacyLink, ONE_CLICK};
use contract::i18n::{labels, Labels};
use contract::media::human_size;
use contract::model::{Contact, ReleaseRecord, Timestamp};
use contract::route::release_path;
use contract::time::{display_in, machine};

/// What a release mail is made of.
#[derive(Debug, Clone, Copy)]
pub struct ReleaseMail<'a> {
    /// The release, as stored under `release:{slug}`.
    pub release: &'a ReleaseRecord,
    /// Scheme and host the links are built on, e.g. `https://uutiset.example.fi`.
    pub origin: &'a str,
    /// The site's name (`SITE_NAME`, or the word for newsroom in `lang`).
    pub site: &'a str,
    /// The subscriber's language (its labels, times and footer); the release's own text
    /// keeps its language, marked with `lang` in the HTML when it differs.
    pub lang: &'a str,
    /// The subscription this mail is sent for, named in the footer.
    pub scope: Named<'a>,
    /// The subscriber's one-click unsubscribe URL (`https://`), for the header and the
    /// visible link.
    pub unsubscribe_url: &'a str,
    /// The site's privacy notice in `lang` (or another language), linked in the footer.
    pub privacy: Option<PrivacyLink<'a>>,
}

/// The mail of a release: the subject is its title; the text and HTML parts carry the
/// byline with the time in the publisher's zone, the update time and correction, the lead,
/// the body (or the lead-only notice), attachments, contacts, the release's link and a
/// footer that says why the reader gets it and links to unsubscribe. The headers are
/// `List-Unsubscribe: <{unsubscribe_url}>` and `List-Unsubscribe-Post:
/// List-Unsubscribe=One-Click` (RFC 8058). Refused if a URL cannot stand in a mail.
pub fn release_mail(m: &ReleaseMail<'_>) -> Result<Mail, MailError> {
    release_mail_with(m, None)
}

/// [`release_mail`] with the body already rendered (text, HTML) for `m.origin`: the build
/// renders a release's mail in three languages and its body once.
pub(super) fn release_mail_with(m: &ReleaseMail<'_>, body: Option<&(String, String)>) -> Result<Mail, MailError> {
    let origin = checked_origin(m.origin)?;
    let unsubscribe = checked_url("unsubscribe link", m.unsubscribe_url)?;
    if let Some(p) = m.privacy {
        checked_url("privacy notice link", p.url)?;
    }
    let s = &m.release.summary;
    let page = format!("{origin}{}", release_path(&s.slug));
    let base = Base { origin, page: &page };
    let parts = Parts { m, l: labels(m.lang), base, unsubscribe, why: why(m), body };
    Ok(Mail {
        subject: one_line(&s.title),
        text: parts.text(),
        html: parts.html(),
        headers: vec![
            ("List-Id".into(), super::list_id(origin)),
            ("List-Unsubscribe".into(), format!("<{unsubscribe}>")),
            ("List-Unsubscribe-Post".into(), ONE_CLICK.into()),
        ],
    })
}

/// "You receive this e-mail because you subscribed to: all releases."
fn why(m: &ReleaseMail<'_>) -> String {
    let ml = mail_labels(m.lang);
    one_line(&format!("{}: {} ({}).", ml.why, ml.describe(m.scope), m.site))
}

/// The pieces both parts are built from.
struct Parts<'a> {
    m: &'a ReleaseMail<'a>,
    l: &'static Labels,
    base: Base<'a>,
    unsubscribe: &'a str,
    why: String,
    /// The body as text and HTML, if rendered already.
    body: Option<&'a (String, String)>,
}

impl Parts<'_> {
    fn byline(&self) -> String {
        let s = &self.m.release.summary;
        format!("{} · {} · {}", s.publisher.name, display_in(&s.published, self.m.lang), self.l.kind(s.kind))
    }

    fn time(&self, ts: &Timestamp) -> String {
        display_in(ts, self.m.lang)
    }

    fn text(&self) -> String {
        let (r, l) = (self.m.release, self.l);
        let s = &r.summary;
        let mut out = format!("{}\n\n{}\n", s.title, self.byline());
        if let Some(u) = &r.updated {
            out.push_str(&format!("{} {}\n", l.updated, self.time(u)));
        }
        if let Some(c) = &r.correction {
            out.push_str(&format!("\n{}: {c}\n", l.correction));
        }
        out.push_str(&format!("\n{}\n\n", s.lead));
        if r.lead_only {
            out.push_str(l.lead_only);
        } else {
            match self.body {
                Some((text, _)) => out.push_str(text),
                None => out.push_str(&body::to_text(&r.body_markdown, &self.base)),
            }
        }
        out.push_str("\n\n");
        if !r.attachments.is_empty() {
            out.push_str(&format!("{}:\n", l.attachments));
            for a in &r.attachments {
                let url = self.base.absolute(&a.media.path());
                out.push_str(&format!("- {} (PDF, {}) <{url}>\n", a.title, human_size(a.media.bytes)));
            }
            out.push('\n');
        }
        if !r.contacts.is_empty() {
            out.push_str(&format!("{}:\n\n", l.contacts));
            for c in &r.contacts {
                out.push_str(&contact_text(c, l));
                out.push('\n');
            }
        }
        let ml = mail_labels(self.m.lang);
        out.push_str(&format!("{}: {}\n", ml.read_online, self.base.page));
        // "-- " is the signature separator: clients show the footer as such.
        let mut footer = format!("\n\n-- \n{}\n{}: {}\n", self.why, ml.unsubscribe, self.unsubscribe);
        if let Some(p) = &self.m.privacy {
            footer.push_str(&p.text_line());
        }
        body::tidy(&out) + &footer
    }

    fn html(&self) -> String {
        let (r, l, m) = (self.m.release, self.l, self.m);
        let s = &r.summary;
        let ml = mail_labels(m.lang);
        let other_lang = (s.lang != m.lang).then_some(s.lang.as_str());
        html! {
            (DOCTYPE)
            html lang=(m.lang) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (s.title) }
                }
                body style=(style::BODY) {
                    div style=(style::WRAP) {
                        article lang=[other_lang] {
                            p style=(style::META) {
                                (s.publisher.name) " · " (time_tag(&s.published, m.lang)) " · " (l.kind(s.kind))
                            }
                            h1 style=(style::H1) { (s.title) }
                            @if let Some(u) = &r.updated { p style=(style::META) { (l.updated) " " (time_tag(u, m.lang)) } }
                            @if let Some(c) = &r.correction {
                                p style=(style::NOTE) { strong { (l.correction) ": " } (c) }
                            }
                            p style=(style::LEAD) { (s.lead) }
                            @if r.lead_only {
                                p style=(style::NOTE) { (l.lead_only) }
                            } @else {
                                @match self.body {
                                    Some((_, html)) => (PreEscaped(html)),
                                    None => (PreEscaped(body::to_html(&r.body_markdown, &self.base))),
                                }
                            }
                            @if !r.attachments.is_empty() {
                                h2 style=(style::H2) { (l.attachments) }
                                ul {
                                    @for a in &r.attachments {
                                        li {
                                            a style=(style::LINK) href=(self.base.absolute(&a.media.path())) { (a.title) }
                                            " (PDF, " (human_size(a.media.bytes)) ")"
                                        }
                                    }
                                }
                            }
                            @if !r.contacts.is_empty() {
                                h2 style=(style::H2) { (l.contacts) }
                                @for c in &r.contacts { (contact_html(c, l)) }
                            }
                            p style="margin:24px 0;" {
                                a style=(style::BUTTON) href=(self.base.page) { (ml.read_online) }
                            }
                        }
                        hr style=(style::RULE);
                        p style=(style::SMALL) { (self.why) }
                        p style=(style::SMALL) {
                            a style=(style::LINK) href=(self.unsubscribe) { (ml.unsubscribe) }
                            " · "
                            @if let Some(p) = &m.privacy {
                                a style=(style::LINK) href=(p.url) { (p.title) }
                                " · "
                            }
                            a style=(style::LINK) href=(self.base.origin) { (m.site) }
                        }
                    }
                }
            }
        }
        .into_string()
    }
}

fn time_tag(ts: &Timestamp, lang: &str) -> Markup {
    html! { time datetime=(machine(ts)) { (display_in(ts, lang)) } }
}

/// A contact as lines: name, title, organisation, phone, e-mail.
fn contact_text(c: &Contact, l: &Labels) -> String {
    let mut out = format!("{}\n", c.name);
    for line in [&c.title, &c.organization].into_iter().flatten() {
        out.push_str(&format!("{line}\n"));
    }
    if let Some(p) = &c.phone {
        out.push_str(&format!("{} {p}\n", l.phone));
    }
    if let Some(e) = &c.email {
        out.push_str(&format!("{} {e}\n", l.email));
    }
    out
}

fn contact_html(c: &Contact, l: &Labels) -> Markup {
    html! {
        p {
            strong { (c.name) }
            @if let Some(t) = &c.title { br; (t) }
            @if let Some(o) = &c.organization { br; (o) }
            @if let Some(p) = &c.phone { br; (l.phone) " " a style=(style::LINK) href={ "tel:" (tel(p)) } { (p) } }
            @if let Some(e) = &c.email { br; (l.email) " " a style=(style::LINK) href={ "mailto:" (e) } { (e) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use contract::media::Media;
    use contract::model::{Attachment, Keyword, Precision, PublisherRef, ReleaseKind, Summary};
    use contract::subscription::Scope;

    fn record() -> ReleaseRecord {
        let at = chrono::DateTime::parse_from_rfc3339("2025-06-25T10:02:11+03:00").unwrap_or_default();
        let markdown = "Hyvinvointialue <aloittaa> neuvottelut.\n\n## Taustaa\n\nLisätietoja [liitteestä](/media/liite.pdf) ja ![kaavio](/media/kaavio.png).\n";
        ReleaseRecord {
            v: 1,
            summary: Summary {
                slug: "2025-06-25-neuvottelut".into(),
                title: "Kymsote & \"neuvottelut\" <alkavat>".into(),
                publisher: PublisherRef { slug: "kymsote".into(), name: "Kymenlaakson hyvinvointialue".into() },
                published: Timestamp { at, zone: "EEST".into(), precision: Precision::Second },
                kind: ReleaseKind::Tiedote,
                lang: "fi".into(),
                lead: "Neuvottelut koskevat <kaikkia> yksiköitä.".into(),
                media: None,
            },
            updated: None,
            correction: Some("Päivämäärä korjattu.".into()),
            images: Vec::new(),
            attachments: vec![Attachment {
                media: Media { name: "liite.pdf".into(), content_type: "application/pdf".into(), bytes: 120_000 },
                title: "Neuvotteluesitys".into(),
            }],
            videos: Vec::new(),
            translations: Vec::new(),
            lead_only: false,
            body_markdown: markdown.into(),
            body_html: crate::markdown::to_html(markdown),
            keywords: vec![Keyword { slug: "sote".into(), label: "sote".into() }],
            contacts: vec![Contact {
                name: "Matti Meikäläinen".into(),
                title: Some("hyvinvointialuejohtaja".into()),
                organization: None,
                phone: Some("+358 40 123 4567".into()),
                email: Some("matti@example.fi".into()),
            }],
        }
    }

    const UNSUBSCRIBE: &str = "https://news.example.fi/subscriptions/unsubscribe?token=u.0123abcd";
    const PRIVACY: &str = "https://news.example.fi/pages/tietosuojaseloste";

    fn mail(r: &ReleaseRecord, lang: &str) -> Mail {
        let scope = Scope::Publisher("kymsote".into());
        let m = ReleaseMail {
            release: r,
            origin: "https://news.example.fi/",
            site: "Uutishuone",
            lang,
            scope: Named { scope: &scope, name: Some("Kymenlaakson hyvinvointialue") },
            unsubscribe_url: UNSUBSCRIBE,
            privacy: Some(PrivacyLink { title: "Tietosuojaseloste", url: PRIVACY }),
        };
        release_mail(&m).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_headers_offer_one_click_unsubscribe() {
        let mail = mail(&record(), "fi");
        assert_eq!(mail.header("List-Unsubscribe"), Some(format!("<{UNSUBSCRIBE}>").as_str()));
        assert_eq!(mail.header("List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
        assert_eq!(mail.header("List-Id"), Some("<releases.news.example.fi>"), "RFC 2919");
        assert_eq!(mail.subject, "Kymsote & \"neuvottelut\" <alkavat>");
    }

    #[test]
    fn the_text_part_reads_like_the_page() {
        let text = mail(&record(), "fi").text;
        let expected = "\
Kymsote & \"neuvottelut\" <alkavat>

Kymenlaakson hyvinvointialue · 25.6.2025 10:02:11 EEST · Tiedote

Korjaus: Päivämäärä korjattu.

Neuvottelut koskevat <kaikkia> yksiköitä.

Hyvinvointialue <aloittaa> neuvottelut.

Taustaa
-------

Lisätietoja liitteestä <https://news.example.fi/media/liite.pdf> ja kaavio <https://news.example.fi/media/kaavio.png>.

Liitteet:
- Neuvotteluesitys (PDF, 120 kB) <https://news.example.fi/media/liite.pdf>

Yhteyshenkilöt:

Matti Meikäläinen
hyvinvointialuejohtaja
Puh. +358 40 123 4567
Sähköposti matti@example.fi

Lue tiedote verkossa: https://news.example.fi/releases/2025-06-25-neuvottelut

-- 
Saat tämän viestin, koska olet tilannut: tiedotteet julkaisijalta Kymenlaakson hyvinvointialue (Uutishuone).
Muuta tilausta tai peru se: https://news.example.fi/subscriptions/unsubscribe?token=u.0123abcd
Tietosuojaseloste: https://news.example.fi/pages/tietosuojaseloste
";
        assert_eq!(text, expected);
    }

    #[test]
    fn the_html_part_is_a_self_contained_accessible_document() {
        let html = mail(&record(), "fi").html;
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"fi\">"), "{html}");
        assert!(html.contains("<title>Kymsote &amp; &quot;neuvottelut&quot; &lt;alkavat&gt;</title>"), "{html}");
        assert!(
            html.contains("<h1 style=\"margin:0 0 16px;font-size:24px;line-height:1.25;\">Kymsote &amp;"),
            "{html}"
        );
        assert!(html.contains("&lt;kaikkia&gt;") && html.contains("&lt;aloittaa&gt;"), "{html}");
        assert!(html.contains("<time datetime=\"2025-06-25T10:02:11+03:00\">25.6.2025 10:02:11 EEST</time>"), "{html}");
        assert!(html.contains(&format!("href=\"{UNSUBSCRIBE}\"")), "{html}");
        assert!(
            html.contains(&format!("<a style=\"color:#0b5394;\" href=\"{PRIVACY}\">Tietosuojaseloste</a>")),
            "{html}"
        );
        assert!(html.contains("href=\"https://news.example.fi/releases/2025-06-25-neuvottelut\""), "{html}");
        assert!(html.contains("href=\"tel:+358401234567\""), "{html}");
        assert!(html.contains("href=\"https://news.example.fi/media/kaavio.png\">kaavio</a>"), "{html}");
        for absent in ["<img", "<style", "<script", "src=", "<link", "href=\"/", "class="] {
            assert!(!html.contains(absent), "{absent} in {html}");
        }
        // Every link is absolute: http(s), mailto or tel.
        for part in html.split("href=\"").skip(1) {
            assert!(["https://", "mailto:", "tel:"].iter().any(|s| part.starts_with(s)), "{part}");
        }
    }

    #[test]
    fn labels_follow_the_subscriber_and_the_release_keeps_its_language() {
        let mail = mail(&record(), "sv");
        assert!(mail.html.starts_with("<!DOCTYPE html><html lang=\"sv\">"));
        assert!(mail.html.contains("<article lang=\"fi\">"), "{}", mail.html);
        assert!(mail.text.contains("Ändra eller avsluta prenumerationen: https://"), "{}", mail.text);
        assert!(mail.text.contains("Kontaktpersoner:"), "{}", mail.text);
        let en = self::mail(&record(), "en");
        assert!(en.text.contains("25 June 2025 10:02:11 EEST"), "{}", en.text);
        assert!(en.text.contains("Change or end your subscription: https://"), "{}", en.text);
        assert!(!self::mail(&record(), "fi").html.contains("<article lang"));
    }

    #[test]
    fn a_lead_only_release_says_so_instead_of_a_body() {
        let mut r = record();
        r.lead_only = true;
        r.body_markdown = r.summary.lead.clone();
        r.attachments.clear();
        r.contacts.clear();
        r.correction = None;
        let mail = mail(&r, "en");
        assert!(mail.text.contains("Only the lead of this release is available."), "{}", mail.text);
        assert_eq!(mail.text.matches("Neuvottelut koskevat").count(), 1, "{}", mail.text);
        assert!(!mail.text.contains("Contacts") && !mail.html.contains("Attachments"));
    }

    #[test]
    fn urls_that_cannot_stand_in_a_mail_are_refused() {
        let r = record();
        let scope = Scope::All;
        let good = ReleaseMail {
            release: &r,
            origin: "https://news.example.fi",
            site: "Uutishuone",
            lang: "fi",
            scope: Named { scope: &scope, name: None },
            unsubscribe_url: UNSUBSCRIBE,
            privacy: None,
        };
        assert!(release_mail(&good).is_ok());
        let privacy = |url| Some(PrivacyLink { title: "Tietosuojaseloste", url });
        assert!(release_mail(&ReleaseMail { privacy: privacy("/pages/x"), ..good }).is_err());
        for bad in ["", "/unsubscribe", "https://x.fi/a>b", "https://x.fi/\r\nBcc: a@b.fi"] {
            assert!(release_mail(&ReleaseMail { unsubscribe_url: bad, ..good }).is_err(), "{bad:?}");
        }
        for bad in ["", "news.example.fi", "https://news.example.fi/path"] {
            assert!(release_mail(&ReleaseMail { origin: bad, ..good }).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hostile_records_stay_escaped() {
        let mut r = record();
        let evil = "</title><script>alert(1)</script>\"'<img src=x>\r\nBcc: a@b.fi";
        r.summary.title = evil.into();
        r.summary.lead = evil.into();
        r.summary.publisher.name = evil.into();
        r.body_markdown = format!("{evil}\n\n[x]({evil})");
        r.contacts[0].name = evil.into();
        r.contacts[0].email = Some(evil.into());
        r.contacts[0].phone = Some(evil.into());
        r.attachments[0].title = evil.into();
        let mail = mail(&r, "fi");
        assert!(!mail.html.contains("<script") && !mail.html.contains("<img"), "{}", mail.html);
        assert!(!mail.subject.contains(['\r', '\n']), "{}", mail.subject);
    }
}
