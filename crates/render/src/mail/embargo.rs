//! The embargo notice: a release mailed to a journalist on its publisher's media list before
//! its moment (issue 29). It is the release's own mail, rendered ahead (`mail:{slug}`,
//! [`super::ahead`]), with the release's links going through the journalist's personal
//! key, the subject and the top marked "EMBARGO … saakka" in the publisher's time, and a
//! footer that says why the journalist gets it and links their private feed. It is not a
//! list mail: no `List-Unsubscribe` (the publisher keeps the list; `newsroom media revoke`).

use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use maud::html;

use super::ahead::finish;
use super::labels::mail_labels;
use super::{style, Mail, MailError};
use contract::model::MailParts;

/// What a notice says, in one language.
struct EmbargoLabels {
    /// Around the moment: `["EMBARGO ", " saakka"]`.
    until: [&'static str; 2],
    /// Why the journalist gets it, before the publisher's name.
    why: &'static str,
    /// The footer link to the private feed.
    feed: &'static str,
}

fn embargo_labels(lang: &str) -> &'static EmbargoLabels {
    const FI: EmbargoLabels = EmbargoLabels {
        until: ["EMBARGO ", " saakka"],
        why: "Saat tämän viestin, koska olet medialistalla julkaisijalla",
        feed: "Kaikki embargon alaiset tiedotteet",
    };
    const SV: EmbargoLabels = EmbargoLabels {
        until: ["EMBARGO till ", ""],
        why: "Du får detta meddelande eftersom du finns på medielistan hos",
        feed: "Alla pressmeddelanden under embargo",
    };
    const EN: EmbargoLabels = EmbargoLabels {
        until: ["EMBARGO until ", ""],
        why: "You receive this message because you are on the media list of",
        feed: "All releases under embargo",
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
    mail.subject = format!("{line}: {}", mail.subject);
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
}
