//! A [`Mail`] as one Internet message (RFC 5322 with MIME, RFC 2045–2047): what
//! Cloudflare's `send_email` binding takes as its raw `EmailMessage`.
//!
//! The message is `multipart/alternative` with the text part first and the HTML part last
//! (the one clients prefer, RFC 2046 section 5.1.4), both UTF-8 in base64, so every line is
//! short 7-bit ASCII whatever the release's language; the subject and a sender name that
//! are not ASCII are RFC 2047 encoded words. Lines end in CRLF.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use chrono::{DateTime, Utc};

use super::Mail;
use contract::subscription::Address;

/// Base64 text per line: 76 characters, RFC 2045's most.
const LINE: usize = 76;
/// Bytes of UTF-8 text per encoded word: 39 bytes are 52 base64 characters, 64 with
/// `=?UTF-8?B?` and `?=`, so that even the first word after `Subject: ` keeps its line
/// within RFC 2047's 76 characters.
const WORD_BYTES: usize = 39;
/// Separates the two parts; it cannot occur in base64 text (no `_` there).
const BOUNDARY: &str = "=_newsroom_alternative";

/// Who sends one message, to whom, and when.
#[derive(Debug, Clone, Copy)]
pub struct Envelope<'a> {
    /// The sender as configured: `uutiset@example.fi` or `Uutishuone <uutiset@example.fi>`.
    pub from: &'a str,
    /// The one recipient.
    pub to: &'a Address,
    /// The `Date` header.
    pub date: DateTime<Utc>,
    /// Left of the `@` in `Message-ID`; unique per message (the sender uses the time and a
    /// hash of the recipient and subject). Characters other than letters, digits, `.`, `-`
    /// and `_` become `-`.
    pub id: &'a str,
}

/// The sender configuration could not be read as an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderError(pub String);

impl std::fmt::Display for SenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the sender `{}` is not an address, nor `Name <address>`", self.0)
    }
}

impl std::error::Error for SenderError {}

/// The sender's display name (possibly empty) and address, from `Name <address>` or a bare
/// address; the address must be a valid [`Address`].
pub fn sender(from: &str) -> Result<(&str, Address), SenderError> {
    let from = from.trim();
    let (name, address) = match from.strip_suffix('>').and_then(|f| f.rsplit_once('<')) {
        Some((name, address)) => (name.trim().trim_matches('"').trim(), address),
        None => ("", from),
    };
    let bad = || SenderError(contract::text::cut(from, 100).to_string());
    if name.chars().any(|c| c.is_control() || c == '"' || c == '\\') {
        return Err(bad());
    }
    Address::parse(address).map(|a| (name, a)).map_err(|_| bad())
}

/// The whole message. Fails only when `envelope.from` is not a sender address.
pub fn message(envelope: &Envelope<'_>, mail: &Mail) -> Result<String, SenderError> {
    let (name, from) = sender(envelope.from)?;
    let id: String = envelope
        .id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '-' })
        .collect();
    let mut out = String::with_capacity(mail.text.len() * 4 / 3 + mail.html.len() * 4 / 3 + 1024);
    let mut header = |name: &str, value: &str| {
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push_str("\r\n");
    };
    header("From", &mailbox(name, from.as_str()));
    header("To", envelope.to.as_str());
    header("Subject", &encoded_words(&mail.subject));
    header("Date", &envelope.date.to_rfc2822());
    header("Message-ID", &format!("<{}@{}>", id.trim_matches('.'), from.domain()));
    header("MIME-Version", "1.0");
    for (name, value) in &mail.headers {
        // Rendered mails hold one-line ASCII values; anything else is left out, never let
        // through to start a header of its own.
        let token = !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':');
        if token && value.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) && value.len() <= 900 {
            header(name, value);
        }
    }
    header("Content-Type", &format!("multipart/alternative; boundary=\"{BOUNDARY}\""));
    out.push_str("\r\n");
    for (kind, body) in [("plain", &mail.text), ("html", &mail.html)] {
        out.push_str(&format!("--{BOUNDARY}\r\nContent-Type: text/{kind}; charset=utf-8\r\n"));
        out.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
        let encoded = BASE64.encode(body.as_bytes());
        for line in encoded.as_bytes().chunks(LINE) {
            // Base64 is ASCII: every chunk is valid UTF-8.
            out.push_str(std::str::from_utf8(line).unwrap_or_default());
            out.push_str("\r\n");
        }
    }
    out.push_str(&format!("--{BOUNDARY}--\r\n"));
    Ok(out)
}

/// `Name <address>`, the name quoted, or encoded when it is not ASCII; the bare address
/// when there is no name.
fn mailbox(name: &str, address: &str) -> String {
    if name.is_empty() {
        address.to_string()
    } else if name.is_ascii() {
        format!("\"{name}\" <{address}>")
    } else {
        format!("{} <{address}>", encoded_words(name))
    }
}

/// `text` as it stands in a header: as it is when it is printable ASCII and short, else
/// UTF-8 encoded words of at most [`WORD_BYTES`] each, split between characters and
/// folded one to a line.
fn encoded_words(text: &str) -> String {
    // 69: with `Subject: ` the line keeps to RFC 5322's 78 characters.
    if text.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) && text.len() <= 69 && !text.contains("=?") {
        return text.to_string();
    }
    let mut words = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + WORD_BYTES).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        words.push(format!("=?UTF-8?B?{}?=", BASE64.encode(&text.as_bytes()[start..end])));
        start = end;
    }
    words.join("\r\n ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail() -> Mail {
        Mail {
            subject: "Päivystys muuttuu – Kotkan yöpäivystys siirtyy Kouvolaan 1.1.2025 alkaen".into(),
            text: "Hei,\n\nääkköset ja € säilyvät.\n".into(),
            html: "<!doctype html><p>Hei, ääkköset.</p>".into(),
            headers: vec![
                ("List-Unsubscribe".into(), "<https://news.example.fi/unsubscribe?token=u.abc>".into()),
                ("List-Unsubscribe-Post".into(), super::super::ONE_CLICK.into()),
                ("X-Injected".into(), "a\r\nBcc: someone@example.fi".into()),
            ],
        }
    }

    fn envelope(to: &Address) -> Envelope<'_> {
        Envelope {
            from: "Uutishuone Ääni <uutiset@news.example.fi>",
            to,
            date: DateTime::parse_from_rfc3339("2026-12-02T08:00:00Z").map(|d| d.to_utc()).unwrap_or_default(),
            id: "r.paivystys/1 2",
        }
    }

    #[test]
    fn lines_are_short_ascii_ending_in_crlf() {
        let to = Address::parse("matti@example.fi").unwrap();
        let raw = message(&envelope(&to), &mail()).unwrap();
        assert!(raw.ends_with("\r\n"));
        for line in raw.split("\r\n") {
            assert!(line.len() <= 76 && line.is_ascii(), "{line:?}");
        }
        assert!(!raw.replace("\r\n", "").contains('\n'), "a bare LF");
        assert!(raw.contains("Message-ID: <r.paivystys-1-2@news.example.fi>\r\n"));
        assert!(raw.contains("Date: Wed, 2 Dec 2026 08:00:00 +0000\r\n"));
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
        assert!(!raw.contains("Bcc"), "a header value with a line break is left out");
    }

    #[test]
    fn a_mime_parser_reads_back_what_was_rendered() {
        let to = Address::parse("matti@example.fi").unwrap();
        let mail = mail();
        let raw = message(&envelope(&to), &mail).unwrap();
        let parsed = mail_parser::MessageParser::default().parse(raw.as_bytes()).expect("parses");
        assert_eq!(parsed.subject(), Some(mail.subject.as_str()));
        let from = parsed.from().and_then(|f| f.first()).expect("From");
        assert_eq!(from.name(), Some("Uutishuone Ääni"));
        assert_eq!(from.address(), Some("uutiset@news.example.fi"));
        assert_eq!(parsed.to().and_then(|t| t.first()).and_then(|a| a.address()), Some("matti@example.fi"));
        assert_eq!(parsed.message_id(), Some("r.paivystys-1-2@news.example.fi"));
        assert_eq!(parsed.body_text(0).as_deref(), Some(mail.text.as_str()));
        assert_eq!(parsed.body_html(0).as_deref(), Some(mail.html.as_str()));
        assert_eq!(parsed.text_body.len(), 1);
        assert_eq!(parsed.html_body.len(), 1);
        let header = |name: &'static str| parsed.header_raw(name).map(str::trim);
        assert_eq!(header("List-Unsubscribe"), Some("<https://news.example.fi/unsubscribe?token=u.abc>"));
        assert_eq!(header("List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
        assert_eq!(header("X-Injected"), None);
    }

    #[test]
    fn long_and_non_ascii_words_are_encoded_and_split_between_characters() {
        let subject = "ä".repeat(40);
        let folded = encoded_words(&subject);
        let decoded: Vec<u8> = folded
            .split("\r\n ")
            .flat_map(|w| {
                let inner = w.strip_prefix("=?UTF-8?B?").and_then(|w| w.strip_suffix("?=")).unwrap();
                assert!(w.len() <= 75);
                let bytes = BASE64.decode(inner).unwrap();
                assert!(std::str::from_utf8(&bytes).is_ok(), "a word ends inside a character");
                bytes
            })
            .collect();
        assert_eq!(String::from_utf8(decoded).unwrap(), subject);
        assert_eq!(encoded_words("Plain subject"), "Plain subject");
        assert_eq!(encoded_words(&"a".repeat(69)), "a".repeat(69), "short ASCII stays as it is");
        assert!(encoded_words(&"a".repeat(70)).starts_with("=?UTF-8?B?"), "longer is folded in encoded words");
        assert!(encoded_words("looks =?like?= a word").starts_with("=?UTF-8?B?"));
    }

    #[test]
    fn senders_are_an_address_with_an_optional_name() {
        assert_eq!(sender("uutiset@x.fi").map(|(n, a)| (n, a.as_str().to_string())), Ok(("", "uutiset@x.fi".into())));
        assert_eq!(
            sender("\"Kymsote\" <uutiset@x.fi>").map(|(n, a)| (n, a.as_str().to_string())),
            Ok(("Kymsote", "uutiset@x.fi".into()))
        );
        for bad in ["", "Kymsote", "Kymsote <>", "a\r\nb <u@x.fi>", "<u@x.fi"] {
            assert!(sender(bad).is_err(), "{bad:?}");
        }
        assert_eq!(mailbox("Ääni", "u@x.fi"), "=?UTF-8?B?w4TDpG5p?= <u@x.fi>");
    }
}
