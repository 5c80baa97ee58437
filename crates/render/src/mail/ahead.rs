//! Release mails rendered ahead: the build renders each release's mail once per language
//! ([`render_ahead`], native: the Markdown parser stays out of the worker, where it would
//! cost ~70 KiB of the gzipped wasm) with markers where a subscriber's own parts go, and the
//! worker fills them in per subscriber ([`finish`]): the site's origin, why the reader gets
//! it, and their unsubscribe link. Plain string replacement of markers that cannot occur in
//! a release (a reserved `.invalid` host and a word no label uses).

use contract::model::{MailParts, MailRecord, ReleaseRecord, SCHEMA_VERSION};
use contract::pages::PagesRecord;
use contract::subscription::Scope;

use super::release::release_mail_with;
use super::{mail_labels, one_line, Mail, MailError, Named, PrivacyLink, ReleaseMail};

/// Stands for the origin (`https://uutiset.example.fi`) in mails rendered ahead.
pub const ORIGIN_MARK: &str = "https://origin.newsroom.invalid";
/// Stands for the subscriber's unsubscribe URL.
pub const UNSUBSCRIBE_MARK: &str = "https://unsubscribe.newsroom.invalid/";
/// Stands for the line that says why the reader gets the mail.
pub const WHY_MARK: &str = "NEWSROOMWHYLINE";

/// The languages a release's mail is rendered in (a subscriber's choice).
pub const LANGUAGES: [&str; 3] = ["fi", "sv", "en"];

/// The mail record of `release` (`mail:{slug}`): its mail in each of [`LANGUAGES`], with
/// markers for what [`finish`] fills in; `site` is the site's name as mails sign it, and
/// `pages` the content pages, whose privacy notice each mail links in its own language
/// (the release's publisher's own, else the site's).
pub fn render_ahead(release: &ReleaseRecord, site: &str, pages: &PagesRecord) -> Result<MailRecord, MailError> {
    let mut mails = Vec::new();
    // The body does not depend on the language: rendered once (the Markdown parse is most
    // of a mail's cost).
    let page = format!("{ORIGIN_MARK}{}", contract::route::release_path(&release.summary.slug));
    let base = super::body::Base { origin: ORIGIN_MARK, page: &page };
    let body =
        (super::body::to_text(&release.body_markdown, &base), super::body::to_html(&release.body_markdown, &base));
    for lang in LANGUAGES {
        let notice = pages.privacy_notice(lang, Some(&release.summary.publisher.slug));
        let privacy_url = notice.map(|p| format!("{ORIGIN_MARK}{}", p.path()));
        let privacy = notice.zip(privacy_url.as_deref()).map(|(p, url)| PrivacyLink { title: &p.title, url });
        let mail = release_mail_with(
            &ReleaseMail {
                release,
                origin: ORIGIN_MARK,
                site,
                lang,
                scope: Named { scope: &Scope::All, name: None },
                unsubscribe_url: UNSUBSCRIBE_MARK,
                privacy,
            },
            Some(&body),
        )?;
        // The "why" line is the subscriber's: replace the one rendered for `all`.
        let why = why_line(lang, Named { scope: &Scope::All, name: None }, site);
        mails.push(MailParts {
            lang: lang.to_string(),
            subject: mail.subject,
            text: mail.text.replace(&why, WHY_MARK),
            html: mail.html.replace(&maud::html! { (why) }.into_string(), WHY_MARK),
        });
    }
    Ok(MailRecord {
        v: SCHEMA_VERSION,
        at: release.summary.published.at,
        publisher: release.summary.publisher.clone(),
        keywords: release.keywords.clone(),
        mails,
        lang: Some(release.summary.lang.clone()),
        // The build fills in the family (it knows the publisher's language).
        translations: Vec::new(),
        original: true,
    })
}

/// "You receive this e-mail because you subscribed to: all releases (Uutishuone)."
pub fn why_line(lang: &str, scope: Named<'_>, site: &str) -> String {
    let ml = mail_labels(lang);
    one_line(&format!("{}: {} ({}).", ml.why, ml.describe(scope), site))
}

/// The mail of `parts` for one subscriber: on `origin`, saying `why`, with their
/// `unsubscribe` URL in the headers (RFC 8058) and in the footer.
pub fn finish(parts: &MailParts, origin: &str, why: &str, unsubscribe: &str) -> Result<Mail, MailError> {
    let origin = super::checked_origin(origin)?;
    let unsubscribe = super::checked_url("unsubscribe link", unsubscribe)?;
    let fill = |text: &str, escape: bool| {
        let why = if escape { maud::html! { (why) }.into_string() } else { why.to_string() };
        let unsubscribe = if escape { maud::html! { (unsubscribe) }.into_string() } else { unsubscribe.to_string() };
        text.replace(UNSUBSCRIBE_MARK, &unsubscribe).replace(ORIGIN_MARK, origin).replace(WHY_MARK, &why)
    };
    Ok(Mail {
        subject: parts.subject.clone(),
        text: fill(&parts.text, false),
        html: fill(&parts.html, true),
        headers: vec![
            ("List-Id".into(), super::list_id(origin)),
            ("List-Unsubscribe".into(), format!("<{unsubscribe}>")),
            ("List-Unsubscribe-Post".into(), super::ONE_CLICK.into()),
        ],
    })
}

/// The parts of `record` in `lang`, else its first (English is always there).
pub fn parts_in<'r>(record: &'r MailRecord, lang: &str) -> Option<&'r MailParts> {
    record.mails.iter().find(|m| m.lang == lang).or_else(|| record.mails.iter().find(|m| m.lang == "en"))
}
