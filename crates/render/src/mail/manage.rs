//! The settings mail: what a confirmed subscriber gets (at most once a day) when the
//! subscription form is filled in again with their address. The form answers everyone the
//! same; this mail, which only the address's owner reads, links their own page
//! (`/subscribe/settings?k=…`), where what the form asked for is offered ticked and nothing
//! changes until they save.

use maud::{html, DOCTYPE};

use super::{checked_origin, checked_url, one_line, style, Mail, MailError, PrivacyLink};

/// What a settings mail is made of.
#[derive(Debug, Clone, Copy)]
pub struct SettingsMail<'a> {
    /// The subscriber's language.
    pub lang: &'a str,
    /// The site's name.
    pub site: &'a str,
    /// Scheme and host of the site.
    pub origin: &'a str,
    /// The subscriber's settings link, carrying their key.
    pub settings_url: &'a str,
    /// The site's privacy notice, if it has one.
    pub privacy: Option<PrivacyLink<'a>>,
}

/// The words, by language: subject, what happened, the link's text, and that ignoring it
/// changes nothing.
struct Words {
    subject: &'static str,
    intro: &'static str,
    action: &'static str,
    ignore: &'static str,
}

const FI: Words = Words {
    subject: "Tilauksesi asetukset",
    intro: "Tähän osoitteeseen on jo tilattu tiedotteita, ja tilauslomake täytettiin sillä uudelleen. Voit muuttaa aiheita ja kieltä tai perua tilauksen omalla sivullasi:",
    action: "Avaa tilauksesi",
    ignore: "Jos et täyttänyt lomaketta, voit jättää viestin huomiotta: mikään ei muutu.",
};

const SV: Words = Words {
    subject: "Inställningar för din prenumeration",
    intro: "Den här adressen prenumererar redan på pressmeddelanden, och formuläret fylldes i med den på nytt. Du kan ändra ämnen och språk eller avsluta prenumerationen på din egen sida:",
    action: "Öppna din prenumeration",
    ignore: "Om du inte fyllde i formuläret kan du bortse från meddelandet: ingenting ändras.",
};

const EN: Words = Words {
    subject: "Your subscription settings",
    intro: "This address already subscribes to releases, and the subscription form was filled in with it again. You can change topics and language, or end the subscription, on your own page:",
    action: "Open your subscription",
    ignore: "If you did not fill in the form, ignore this message: nothing changes.",
};

/// The settings mail. It has no unsubscribe headers: it is not a list mail (its link leads
/// to the page that also unsubscribes). Refused if a URL cannot stand in a mail.
pub fn settings_mail(m: &SettingsMail<'_>) -> Result<Mail, MailError> {
    let origin = checked_origin(m.origin)?;
    let url = checked_url("settings link", m.settings_url)?;
    if let Some(p) = m.privacy {
        checked_url("privacy notice link", p.url)?;
    }
    let w = match m.lang.split('-').next() {
        Some("fi") => &FI,
        Some("sv") => &SV,
        _ => &EN,
    };
    let site = one_line(m.site);
    let mut text = format!("{}\n{url}\n\n{}\n\n-- \n{site}\n{origin}\n", w.intro, w.ignore);
    if let Some(p) = m.privacy {
        text.push_str(&p.text_line());
    }
    let html = html! {
        (DOCTYPE)
        html lang=(m.lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (w.subject) }
            }
            body style=(style::BODY) {
                div style=(style::WRAP) {
                    h1 style=(style::H1) { (w.subject) }
                    p { (w.intro) }
                    p style="margin:24px 0;" { a style=(style::BUTTON) href=(url) { (w.action) } }
                    p style=(style::SMALL) { (w.ignore) }
                    hr style=(style::RULE);
                    p style=(style::SMALL) {
                        a style=(style::LINK) href=(origin) { (site) }
                        @if let Some(p) = m.privacy { " · " a style=(style::LINK) href=(p.url) { (p.title) } }
                    }
                }
            }
        }
    }
    .into_string();
    Ok(Mail { subject: format!("{} – {site}", w.subject), text, html, headers: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mail_links_the_subscribers_page_and_changes_nothing_by_itself() {
        let url = "https://news.example.fi/subscribe/settings?k=k7.0123456789abcdef0123456789abcdef&scope=all";
        let m = SettingsMail {
            lang: "fi",
            site: "Uutishuone",
            origin: "https://news.example.fi",
            settings_url: url,
            privacy: None,
        };
        let mail = settings_mail(&m).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mail.subject, "Tilauksesi asetukset – Uutishuone");
        assert!(mail.text.contains(url) && mail.text.contains("mikään ei muutu"), "{}", mail.text);
        assert!(mail.html.contains("k7.0123456789abcdef0123456789abcdef&amp;scope=all"), "{}", mail.html);
        assert!(mail.headers.is_empty());
        let sv = settings_mail(&SettingsMail { lang: "sv", ..m }).unwrap_or_else(|e| panic!("{e}"));
        assert!(sv.subject.starts_with("Inställningar"));
        assert!(settings_mail(&SettingsMail { settings_url: "/relative", ..m }).is_err());
    }
}
