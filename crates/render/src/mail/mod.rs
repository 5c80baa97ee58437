//! E-mails for subscribers: a release as a multipart text + HTML message, rendered from the
//! same record as its page ([`release_mail`]), the double opt-in message
//! ([`confirmation_mail`]), in Finnish, Swedish or English ([`mail_labels`]), and the
//! request and answer of the provider that sends them ([`provider`]: Postmark's batch API).
//!
//! A [`Mail`] is what both senders need: Postmark's JSON fields and Cloudflare's
//! `send_email` builder (`subject`, `text`, `html`, `headers`) take it as it is. Every mail
//! is self-contained and honest: inline styles only, no images (so no tracking pixels),
//! links as written (made absolute, never rewritten through a tracker), and every release
//! mail carries a visible unsubscribe link and the RFC 8058 one-click headers.

pub mod ahead;
mod body;
mod confirm;
pub mod embargo;
mod labels;
mod manage;
pub mod mime;
pub mod provider;
mod release;

pub use confirm::{confirmation_mail, Confirmation};
pub use labels::{mail_labels, MailLabels, Named};
pub use manage::{settings_mail, SettingsMail};
// `PrivacyLink` is defined below and public: mails link the privacy notice.
pub use release::{release_mail, ReleaseMail};

/// `List-Unsubscribe-Post`'s only value (RFC 8058, section 3.1).
pub const ONE_CLICK: &str = "List-Unsubscribe=One-Click";

/// The privacy notice a mail links in its footer (GDPR Article 13: the reader is told how
/// their address is handled): the notice's title, the link text, and its absolute URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrivacyLink<'a> {
    /// The page's title, e.g. `Tietosuojaseloste`.
    pub title: &'a str,
    /// Its absolute URL.
    pub url: &'a str,
}

impl PrivacyLink<'_> {
    /// The footer line of a text part: `Tietosuojaseloste: https://…`.
    fn text_line(&self) -> String {
        format!("{}: {}\n", one_line(self.title), self.url)
    }
}

/// One rendered message, before it has a sender and a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// The subject line: one line, no control characters.
    pub subject: String,
    /// The `text/plain` part.
    pub text: String,
    /// The `text/html` part: a whole document with inline styles.
    pub html: String,
    /// Extra header fields, name and value, e.g. `List-Unsubscribe`. Values are one line.
    pub headers: Vec<(String, String)>,
}

impl Mail {
    /// The value of header `name` (case-insensitive), if the mail has it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Why a mail could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailError {
    /// A link the mail needs is not an absolute `http(s)` URL of printable ASCII without
    /// spaces or angle brackets (what the URL was for, and the URL, shortened).
    Url {
        /// What the URL is, e.g. `unsubscribe link`.
        what: &'static str,
        /// The URL, at most 100 bytes of it.
        url: String,
    },
}

impl std::fmt::Display for MailError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailError::Url { what, url } => write!(
                f,
                "the {what} `{url}` cannot go into a mail: it must be an absolute https:// URL without spaces, quotes or angle brackets"
            ),
        }
    }
}

impl std::error::Error for MailError {}

/// `url` if it can stand in a mail and in `List-Unsubscribe: <…>`: `http://` or
/// `https://`, a host, and only printable ASCII that needs no escaping there. Plain `http`
/// is let through for local tests; mail clients offer one-click unsubscribe for `https`
/// only (RFC 8058, section 3.1).
fn checked_url<'u>(what: &'static str, url: &'u str) -> Result<&'u str, MailError> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    let has_host = rest.is_some_and(|r| !r.is_empty() && !r.starts_with(['/', '?', '#', ':', '@']));
    let plain = url.bytes().all(|b| b.is_ascii_graphic() && !b"<>\"'\\^`{|}".contains(&b));
    if has_host && plain {
        Ok(url)
    } else {
        Err(MailError::Url { what, url: contract::text::cut(url, 100).to_string() })
    }
}

/// The `List-Id` (RFC 2919) of the release mails of the site at `origin` (checked):
/// `<releases.uutiset.example.fi>`, the site's host after a label, so that mail programs
/// file and filter the releases as one list.
fn list_id(origin: &str) -> String {
    let host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    let host = host.split(['/', ':']).next().unwrap_or_default().to_ascii_lowercase();
    let host: String = host.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-')).collect();
    let host = host.trim_matches('.');
    format!("<releases.{}>", if host.is_empty() { "localhost" } else { host })
}

/// A site origin as links are built from it: checked, without a trailing slash.
fn checked_origin(origin: &str) -> Result<&str, MailError> {
    let origin = checked_url("site origin", origin)?.trim_end_matches('/');
    let after_scheme = origin.split_once("://").map_or("", |(_, rest)| rest);
    if after_scheme.contains(['/', '?', '#']) {
        return Err(MailError::Url { what: "site origin", url: contract::text::cut(origin, 100).to_string() });
    }
    Ok(origin)
}

/// A subject line: control characters and line breaks become spaces, runs of spaces one.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A phone number as a `tel:` target: digits and a leading `+` only (as pages do it).
fn tel(phone: &str) -> String {
    phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect()
}

/// The inline styles: readable in light and dark clients, no web fonts, no images.
mod style {
    pub const BODY: &str = "margin:0;padding:0;background:#ffffff;color:#1a1a1a;";
    pub const WRAP: &str = "max-width:40em;margin:0 auto;padding:16px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;";
    pub const META: &str = "margin:0 0 8px;color:#555555;font-size:14px;";
    pub const H1: &str = "margin:0 0 16px;font-size:24px;line-height:1.25;";
    pub const H2: &str = "margin:24px 0 8px;font-size:18px;";
    pub const LEAD: &str = "font-weight:bold;";
    pub const NOTE: &str = "padding:8px 12px;background:#f3f3f3;border-left:4px solid #999999;";
    pub const BUTTON: &str = "display:inline-block;padding:10px 16px;background:#0b5394;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold;";
    pub const RULE: &str = "border:0;border-top:1px solid #cccccc;margin:32px 0 16px;";
    pub const SMALL: &str = "margin:0 0 8px;color:#555555;font-size:13px;";
    pub const LINK: &str = "color:#0b5394;";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_id_is_the_sites_host_after_a_label() {
        assert_eq!(list_id("https://uutiset.example.fi"), "<releases.uutiset.example.fi>");
        assert_eq!(list_id("http://127.0.0.1:8787"), "<releases.127.0.0.1>");
        assert_eq!(list_id("https://Uutiset.Example.FI/"), "<releases.uutiset.example.fi>");
        assert_eq!(list_id("http://[::1]:8787"), "<releases.localhost>");
    }

    #[test]
    fn urls_must_work_outside_the_site() {
        for ok in ["https://news.example.fi/unsubscribe?token=u.abc", "http://127.0.0.1:8787/x"] {
            assert_eq!(checked_url("link", ok), Ok(ok));
        }
        for bad in [
            "",
            "/unsubscribe",
            "news.example.fi/x",
            "https://",
            "https:///x",
            "javascript:alert(1)",
            "mailto:a@b.fi",
            "https://x.fi/a b",
            "https://x.fi/a>b",
            "https://x.fi/\r\nBcc: x",
            "https://x.fi/ä",
        ] {
            assert!(checked_url("link", bad).is_err(), "{bad:?}");
        }
        let long = format!("https://x.fi/{}", "ä".repeat(500));
        let Err(MailError::Url { url, .. }) = checked_url("link", &long) else { panic!("accepted") };
        assert!(url.len() <= 100);
    }

    #[test]
    fn origins_lose_a_trailing_slash_and_may_have_no_path() {
        assert_eq!(checked_origin("https://news.example.fi/"), Ok("https://news.example.fi"));
        assert!(checked_origin("https://news.example.fi/releases").is_err());
        assert!(checked_origin("https://news.example.fi?x").is_err());
    }

    #[test]
    fn subjects_are_one_line() {
        assert_eq!(one_line("  Otsikko\r\nBcc: x\u{0}\tja  muuta "), "Otsikko Bcc: x ja muuta");
    }

    #[test]
    fn headers_are_found_by_any_case() {
        let mail = Mail {
            subject: String::new(),
            text: String::new(),
            html: String::new(),
            headers: vec![("List-Unsubscribe".into(), "<https://x.fi>".into())],
        };
        assert_eq!(mail.header("list-unsubscribe"), Some("<https://x.fi>"));
        assert_eq!(mail.header("List-Unsubscribe-Post"), None);
    }
}
