//! The embargo notice: a release mailed to a journalist on its publisher's media list before
//! its moment (issue 29). It is the release's own mail, rendered ahead (`mail:{slug}`,
//! [`super::ahead`]), with the release's links going through the journalist's personal
//! key, the subject and the top marked "EMBARGO … saakka" in the publisher's time, and a
//! footer that says why the journalist gets it and links their private feed. It is not a
//! list mail: no `List-Unsubscribe` (the publisher keeps the list; `newsroom media revoke`).
//!
//! What follows a notice is short ([`change_mail`]): one update when the moment moves, one
//! cancellation when the release is withdrawn before its moment.

use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use maud::{html, DOCTYPE};

use super::ahead::finish;
use super::labels::mail_labels;
use super::{checked_origin, checked_url, one_line, style, Mail, MailError, PrivacyLink};
use contract::model::MailParts;

/// What a notice says, in one language.
struct EmbargoLabels {
    /// Around the moment: `["EMBARGO ", " saakka"]`.
    until: [&'static str; 2],
    /// Why the journalist gets it, before the publisher's name.
    why: &'static str,
    /// The footer link to the private feed.
    feed: &'static str,
    /// Before the subject of an update.
    moved: &'static str,
    /// What an update says.
    moved_text: &'static str,
    /// Before the subject of a cancellation.
    cancelled: &'static str,
    /// What a cancellation says.
    cancelled_text: &'static str,
}

fn embargo_labels(lang: &str) -> &'static EmbargoLabels {
    const FI: EmbargoLabels = EmbargoLabels {
        until: ["EMBARGO ", " saakka"],
        why: "Saat tämän viestin, koska olet medialistalla julkaisijalla",
        feed: "Kaikki embargon alaiset tiedotteet",
        moved: "Julkaisuhetki muuttui",
        moved_text: "Tiedotteen julkaisuhetki on muuttunut. Embargo on voimassa uuteen julkaisuhetkeen asti.",
        cancelled: "Peruttu",
        cancelled_text: "Julkaisija on perunut tämän tiedotteen ennen sen julkaisuhetkeä, eikä sitä julkaista. Älä julkaise sen sisältöä.",
    };
    const SV: EmbargoLabels = EmbargoLabels {
        until: ["EMBARGO till ", ""],
        why: "Du får detta meddelande eftersom du finns på medielistan hos",
        feed: "Alla pressmeddelanden under embargo",
        moved: "Ny publiceringstid",
        moved_text: "Pressmeddelandets publiceringstid har ändrats. Embargot gäller till den nya tidpunkten.",
        cancelled: "Inställt",
        cancelled_text: "Utgivaren har dragit tillbaka detta pressmeddelande före publiceringstiden, och det publiceras inte. Publicera inte dess innehåll.",
    };
    const EN: EmbargoLabels = EmbargoLabels {
        until: ["EMBARGO until ", ""],
        why: "You receive this message because you are on the media list of",
        feed: "All releases under embargo",
        moved: "Rescheduled",
        moved_text: "The release's moment of publication has changed. The embargo holds until the new moment.",
        cancelled: "Cancelled",
        cancelled_text: "The publisher has withdrawn this release before its moment: it will not be published. Please do not publish its contents.",
    };
    match lang.split('-').next() {
        Some("fi") => &FI,
        Some("sv") => &SV,
        _ => &EN,
    }
}

/// `EMBARGO 1.1.2099 klo 9.00 saakka` (or in Swedish, English): the moment in the
/// publisher's time, as the release's mail record keeps it.
pub fn embargo_line(moment: &DateTime<FixedOffset>, lang: &str) -> String {
    let (d, t) = (moment.date_naive(), moment.time());
    let when = match lang.split('-').next() {
        Some("fi") => format!("{}.{}.{} klo {}.{:02}", d.day(), d.month(), d.year(), t.hour(), t.minute()),
        Some("sv") => format!("{}.{}.{} kl. {}.{:02}", d.day(), d.month(), d.year(), t.hour(), t.minute()),
        _ => {
            let month = contract::time::MONTHS[d.month0() as usize];
            format!("{} {month} {} at {:02}:{:02}", d.day(), d.year(), t.hour(), t.minute())
        }
    };
    let l = embargo_labels(lang);
    format!("{}{when}{}", l.until[0], l.until[1])
}

/// The subject of a notice of the release titled `title`: `EMBARGO … saakka: {title}`. D1
/// keeps it with the notice, so a cancellation can quote it after the release is gone.
pub fn notice_subject(title: &str, moment: &DateTime<FixedOffset>, lang: &str) -> String {
    format!("{}: {}", embargo_line(moment, lang), one_line(title))
}

/// What changed about a release after its journalists were noticed of it.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// Its moment moved to `moment`. `title` is the release's; `link` its page and `feed`
    /// the private feed, both through the journalist's key.
    Moved {
        /// The new moment, in the publisher's time.
        moment: &'a DateTime<FixedOffset>,
        /// The release's title.
        title: &'a str,
        /// The release's page through the journalist's key.
        link: &'a str,
        /// The journalist's private feed.
        feed: &'a str,
    },
    /// It was withdrawn before its moment; `subject` is the notice's (see [`notice_subject`]).
    Cancelled {
        /// The subject of the notice the journalist got.
        subject: &'a str,
    },
}

/// The short mail that follows a notice: an update with the new moment and the release's
/// link, or a cancellation quoting the notice. From the site at `origin`, in `lang`, with
/// the `privacy` notice linked in its footer when the site has one.
pub fn change_mail(
    change: &Change<'_>,
    origin: &str,
    lang: &str,
    privacy: Option<PrivacyLink<'_>>,
) -> Result<Mail, MailError> {
    let origin = checked_origin(origin)?;
    if let Some(p) = privacy {
        checked_url("privacy notice link", p.url)?;
    }
    let l = embargo_labels(lang);
    let (subject, line, text, link, feed) = match *change {
        Change::Moved { moment, title, link, feed } => {
            let link = checked_url("release link", link)?;
            let feed = checked_url("feed link", feed)?;
            let subject = notice_subject(title, moment, lang);
            (
                format!("{} – {subject}", l.moved),
                embargo_line(moment, lang),
                l.moved_text,
                Some((one_line(title), link)),
                Some(feed),
            )
        }
        Change::Cancelled { subject } => {
            let subject = one_line(subject);
            (format!("{} – {subject}", l.cancelled), subject, l.cancelled_text, None, None)
        }
    };
    let mut plain = format!("{line}\n\n{text}\n\n");
    if let Some((title, link)) = &link {
        plain.push_str(&format!("{title}\n{link}\n\n"));
    }
    plain.push_str("-- \n");
    match feed {
        Some(feed) => plain.push_str(&format!("{}: {feed}\n", l.feed)),
        None => plain.push_str(&format!("{origin}\n")),
    }
    if let Some(p) = privacy {
        plain.push_str(&p.text_line());
    }
    let html = html! {
        (DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (subject) }
            }
            body style=(style::BODY) {
                div style=(style::WRAP) {
                    p style=(style::NOTE) { strong { (line) } }
                    p { (text) }
                    @if let Some((title, link)) = &link {
                        p { a style=(style::LINK) href=(link) { (title) } }
                    }
                    hr style=(style::RULE);
                    p style=(style::SMALL) {
                        @match feed {
                            Some(feed) => a style=(style::LINK) href=(feed) { (l.feed) },
                            None => a style=(style::LINK) href=(origin) { (origin) },
                        }
                        @if let Some(p) = privacy { " · " a style=(style::LINK) href=(p.url) { (p.title) } }
                    }
                }
            }
        }
    }
    .into_string();
    Ok(Mail { subject, text: plain, html, headers: Vec::new() })
}

/// One journalist's notice of the release whose mail is `parts` (in `lang`), to be public at
/// `moment`: on `origin`, its release and media links through `personal` (the key's
/// `{origin}/embargo/{key}`), from `publisher` (its name).
pub fn notice_mail(
    parts: &MailParts,
    origin: &str,
    personal: &str,
    moment: &DateTime<FixedOffset>,
    lang: &str,
    publisher: &str,
) -> Result<Mail, MailError> {
    let (l, ml) = (embargo_labels(lang), mail_labels(lang));
    let feed = format!("{personal}/feed.xml");
    let why = format!("{} {publisher}.", l.why);
    let mut mail = finish(parts, origin, &why, &feed)?;
    let origin = origin.trim_end_matches('/');
    let through_key = |text: &str| {
        text.replace(&format!("{origin}/releases/"), &format!("{personal}/releases/"))
            .replace(&format!("{origin}/media/"), &format!("{personal}/media/"))
    };
    let line = embargo_line(moment, lang);
    mail.subject = notice_subject(&mail.subject, moment, lang);
    mail.text = format!(
        "{line}\n\n{}",
        through_key(&mail.text).replace(&format!("{}: {feed}", ml.unsubscribe), &format!("{}: {feed}", l.feed))
    );
    let wrap = format!("<div style=\"{}\">", style::WRAP);
    let banner = html! { p style=(style::NOTE) { strong { (line) } } }.into_string();
    mail.html = through_key(&mail.html)
        .replace(&format!(">{}</a>", ml.unsubscribe), &format!(">{}</a>", l.feed))
        .replacen(&wrap, &format!("{wrap}{banner}"), 1);
    mail.headers.clear();
    Ok(mail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_moment_is_written_as_newsrooms_write_it() {
        let at = DateTime::parse_from_rfc3339("2024-11-27T10:00:00+02:00").unwrap();
        assert_eq!(embargo_line(&at, "fi"), "EMBARGO 27.11.2024 klo 10.00 saakka");
        assert_eq!(embargo_line(&at, "sv"), "EMBARGO till 27.11.2024 kl. 10.00");
        assert_eq!(embargo_line(&at, "en"), "EMBARGO until 27 November 2024 at 10:00");
    }

    #[test]
    fn an_update_gives_the_new_moment_and_a_cancellation_quotes_the_notice() {
        let at = DateTime::parse_from_rfc3339("2024-11-29T12:30:00+02:00").unwrap();
        let (link, feed) = ("https://n.example.fi/embargo/k/releases/x", "https://n.example.fi/embargo/k/feed.xml");
        let moved = Change::Moved { moment: &at, title: "Uusi\nsairaala", link, feed };
        let mail = change_mail(&moved, "https://n.example.fi", "fi", None).unwrap();
        assert_eq!(mail.subject, "Julkaisuhetki muuttui – EMBARGO 29.11.2024 klo 12.30 saakka: Uusi sairaala");
        assert!(
            mail.text.starts_with("EMBARGO 29.11.2024 klo 12.30 saakka\n\nTiedotteen julkaisuhetki"),
            "{}",
            mail.text
        );
        assert!(mail.text.contains(&format!("Uusi sairaala\n{link}\n")) && mail.text.ends_with(&format!("{feed}\n")));
        assert!(mail.html.contains(&format!("href=\"{link}\"")) && mail.headers.is_empty());

        let notice = notice_subject("Uusi sairaala", &at, "en");
        let privacy = PrivacyLink { title: "Privacy notice", url: "https://n.example.fi/pages/privacy-notice" };
        let mail = change_mail(&Change::Cancelled { subject: &notice }, "https://n.example.fi", "en", Some(privacy));
        let mail = mail.unwrap();
        assert_eq!(mail.subject, "Cancelled – EMBARGO until 29 November 2024 at 12:30: Uusi sairaala");
        assert!(mail.text.ends_with("\nPrivacy notice: https://n.example.fi/pages/privacy-notice\n"), "{}", mail.text);
        assert!(mail.html.contains("href=\"https://n.example.fi/pages/privacy-notice\">Privacy notice</a>"));
        assert!(mail.text.contains("withdrawn") && !mail.text.contains("/embargo/"), "{}", mail.text);

        let bad = Change::Moved { moment: &at, title: "x", link: "javascript:alert(1)", feed };
        assert!(change_mail(&bad, "https://n.example.fi", "fi", None).is_err());
    }
}
