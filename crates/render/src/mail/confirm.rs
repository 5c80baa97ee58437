//! The double opt-in mail: the only mail an unconfirmed address ever gets.

use maud::{html, DOCTYPE};

use super::labels::{mail_labels, Named};
use super::{checked_origin, checked_url, one_line, style, Mail, MailError, PrivacyLink};
use contract::model::Timestamp;
use contract::time::{display_in, machine};

/// What a confirmation mail is made of.
#[derive(Debug, Clone, Copy)]
pub struct Confirmation<'a> {
    /// The language of the form the reader filled in.
    pub lang: &'a str,
    /// The site's name (`SITE_NAME`, or the word for newsroom in `lang`).
    pub site: &'a str,
    /// Scheme and host of the site, e.g. `https://uutiset.example.fi`.
    pub origin: &'a str,
    /// The confirmation link, carrying its token.
    pub confirm_url: &'a str,
    /// When the link stops working, in the zone the reader should see it in (pin a UTC
    /// expiry with `contract::time::parse_time(&expires.to_rfc3339(), zone)`).
    pub expires: &'a Timestamp,
    /// What the reader asked for, in the form's order.
    pub scopes: &'a [Named<'a>],
    /// The site's privacy notice, which says how the address is handled (GDPR Article 13:
    /// told at collection), if the site has one.
    pub privacy: Option<PrivacyLink<'a>>,
}

/// The confirmation mail: who asked for what, the link that confirms it and until when it
/// works, and that ignoring the mail changes nothing. It has no unsubscribe headers: the
/// address is on no list until the link is followed. Refused if a URL cannot stand in a mail.
pub fn confirmation_mail(c: &Confirmation<'_>) -> Result<Mail, MailError> {
    let origin = checked_origin(c.origin)?;
    let confirm = checked_url("confirmation link", c.confirm_url)?;
    if let Some(p) = c.privacy {
        checked_url("privacy notice link", p.url)?;
    }
    let l = mail_labels(c.lang);
    let scopes: Vec<String> = c.scopes.iter().map(|&n| one_line(&l.describe(n))).collect();
    let site = one_line(c.site);
    let until = display_in(c.expires, c.lang);
    let [until_before, until_after] = l.confirm_until;

    let mut text = format!("{}\n\n", l.confirm_intro);
    for scope in &scopes {
        text.push_str(&format!("- {scope}\n"));
    }
    text.push_str(&format!("\n{}:\n{confirm}\n\n", l.confirm_action));
    text.push_str(&format!("{until_before} {until}{until_after}\n\n{}\n\n-- \n{site}\n{origin}\n", l.confirm_ignore));
    if let Some(p) = c.privacy {
        text.push_str(&p.text_line());
    }

    let html = html! {
        (DOCTYPE)
        html lang=(c.lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (l.confirm_subject) }
            }
            body style=(style::BODY) {
                div style=(style::WRAP) {
                    h1 style=(style::H1) { (l.confirm_subject) }
                    p { (l.confirm_intro) }
                    ul { @for scope in &scopes { li { (scope) } } }
                    p style="margin:24px 0;" { a style=(style::BUTTON) href=(confirm) { (l.confirm_action) } }
                    p {
                        (until_before) " " time datetime=(machine(c.expires)) { (until) } (until_after)
                    }
                    p style=(style::SMALL) { (l.confirm_ignore) }
                    hr style=(style::RULE);
                    p style=(style::SMALL) {
                        a style=(style::LINK) href=(origin) { (site) }
                        @if let Some(p) = c.privacy { " · " a style=(style::LINK) href=(p.url) { (p.title) } }
                    }
                }
            }
        }
    }
    .into_string();

    Ok(Mail { subject: format!("{} – {site}", l.confirm_subject), text, html, headers: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use contract::model::Precision;
    use contract::subscription::Scope;

    const CONFIRM: &str = "https://news.example.fi/subscriptions/confirm?token=c1767225600.00ff";

    fn expires() -> Timestamp {
        let at = chrono::DateTime::parse_from_rfc3339("2026-01-03T14:00:00+02:00").unwrap_or_default();
        Timestamp { at, zone: "EET".into(), precision: Precision::Second }
    }

    fn render(lang: &str, confirm_url: &str) -> Result<Mail, MailError> {
        let scopes = [Scope::All, Scope::Publisher("kymsote".into()), Scope::Keyword("sote".into())];
        let named = [
            Named { scope: &scopes[0], name: None },
            Named { scope: &scopes[1], name: Some("Kymsote") },
            Named { scope: &scopes[2], name: None },
        ];
        confirmation_mail(&Confirmation {
            lang,
            site: "Uutishuone",
            origin: "https://news.example.fi",
            confirm_url,
            expires: &expires(),
            scopes: &named,
            privacy: Some(PrivacyLink {
                title: "Tietosuojaseloste",
                url: "https://news.example.fi/pages/tietosuojaseloste",
            }),
        })
    }

    #[test]
    fn the_mail_says_what_was_asked_and_that_ignoring_it_is_fine() {
        let mail = render("fi", CONFIRM).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mail.subject, "Vahvista tilauksesi – Uutishuone");
        assert!(mail.headers.is_empty());
        let expected = "\
Joku, luultavasti sinä, pyysi lähettämään tähän sähköpostiosoitteeseen:

- kaikki tiedotteet
- tiedotteet julkaisijalta Kymsote
- tiedotteet avainsanalla sote

Vahvista tilaus:
https://news.example.fi/subscriptions/confirm?token=c1767225600.00ff

Linkki toimii 3.1.2026 14:00:00 EET asti.

Jos et pyytänyt tätä, voit jättää viestin huomiotta: mitään ei tapahdu, eikä tähän osoitteeseen lähetetä enempää viestejä.

-- 
Uutishuone
https://news.example.fi
Tietosuojaseloste: https://news.example.fi/pages/tietosuojaseloste
";
        assert_eq!(mail.text, expected);
        assert!(mail.html.starts_with("<!DOCTYPE html><html lang=\"fi\">"), "{}", mail.html);
        assert!(mail.html.contains(&format!("href=\"{CONFIRM}\"")), "{}", mail.html);
        assert!(
            mail.html.contains(
                "Linkki toimii <time datetime=\"2026-01-03T14:00:00+02:00\">3.1.2026 14:00:00 EET</time> asti."
            ),
            "{}",
            mail.html
        );
        assert!(!mail.html.contains("<img") && !mail.html.contains("<style"));
        assert!(mail.html.contains("href=\"https://news.example.fi/pages/tietosuojaseloste\">Tietosuojaseloste</a>"));
    }

    #[test]
    fn every_language_has_its_own_words() {
        let sv = render("sv", CONFIRM).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sv.subject, "Bekräfta din prenumeration – Uutishuone");
        assert!(sv.text.contains("Länken fungerar till 3.1.2026 14:00:00 EET.\n"), "{}", sv.text);
        let en = render("en-GB", CONFIRM).unwrap_or_else(|e| panic!("{e}"));
        assert!(en.text.contains("The link works until 3 January 2026 14:00:00 EET.\n"), "{}", en.text);
        assert!(en.text.contains("nothing happens"), "{}", en.text);
        assert!(en.html.contains("<html lang=\"en-GB\">"), "{}", en.html);
    }

    #[test]
    fn a_link_that_cannot_stand_in_a_mail_is_refused() {
        for bad in ["", "/confirm?token=x", "javascript:alert(1)", "https://x.fi/\"><script>"] {
            assert!(render("fi", bad).is_err(), "{bad:?}");
        }
    }
}
