//! The mail provider's bounce and spam-complaint webhook, sans-IO: Postmark posts one JSON
//! object per event to [`WEBHOOK_PATH`] on the newsroom's host (the readers' Worker hands it
//! to the mail Worker), with the user name and password the operator wrote into the
//! webhook's URL (`https://newsroom:SECRET@uutiset.example.fi/mail/webhook`): HTTP Basic
//! authentication against the secret `MAIL_WEBHOOK_SECRET` ([`authorized`]).
//!
//! What an event does ([`read`]):
//! - a hard bounce, an address that does not exist, a spam complaint, a manual
//!   deactivation or a suppression ("SubscriptionChange" with `SuppressSending`): the
//!   provider will not deliver there again, so the subscription ends at once
//!   ([`Verdict::Remove`]). A journalist on a media list stays on it (the publisher decides),
//!   and the report shows the bounce;
//! - a soft bounce (mailbox full, a DNS failure, a temporary block): counted only;
//! - anything else (deliveries, opens, clicks, auto-replies): acknowledged and ignored.
//!
//! Which mailing an event belongs to comes from the message's `Tag` ([`tag_of`]), written
//! when it was sent: `release:{slug}` or `notice:{slug}`.
//!
//! Followed documentation: <https://postmarkapp.com/developer/webhooks/bounce-webhook>,
//! <https://postmarkapp.com/developer/webhooks/spam-complaint-webhook>,
//! <https://postmarkapp.com/developer/webhooks/subscription-change-webhook>,
//! <https://postmarkapp.com/developer/api/bounce-api#bounce-types>.

use contract::subscription::Address;
use serde::Deserialize;

use serve::http::HttpResponse;

/// Where the provider posts its events.
pub const WEBHOOK_PATH: &str = "/mail/webhook";
/// The shortest secret accepted: shorter ones are guessable, and the webhook is off.
pub const MIN_WEBHOOK_SECRET_LEN: usize = 32;
/// Largest event body read (Postmark's events are a few kilobytes, with the bounce's
/// original headers at most).
pub const MAX_EVENT_BYTES: usize = 64 * 1024;

/// What an event means for the address it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The provider will never deliver there: the subscription ends (a hard bounce, a
    /// deactivation or a suppression).
    Remove,
    /// The reader marked a mail as spam: the subscription ends, and it is counted apart.
    Complaint,
    /// Delivery failed for now (a full mailbox, a DNS failure): counted only.
    SoftBounce,
    /// The provider suppressed the address ("SubscriptionChange"): the subscription ends,
    /// uncounted, since the provider reports the bounce or complaint behind it on its own.
    Suppressed,
    /// Nothing to do.
    Ignore,
}

/// Which mailing a message belonged to, from its `Tag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mailing {
    /// A release's mail to its subscribers.
    Release(String),
    /// An embargo notice (or its update or cancellation) to a media list.
    Notice(String),
}

/// One event, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// What to do.
    pub verdict: Verdict,
    /// The recipient (absent on an ignored event).
    pub address: Option<Address>,
    /// The mailing the message belonged to, when its tag says.
    pub mailing: Option<Mailing>,
}

/// Why an event was refused (answered `400`; the provider shows it in its webhook log).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// Not a JSON object of the documented shape.
    #[error("not a Postmark webhook event (a JSON object with RecordType): {0}")]
    Shape(String),
    /// The event needs an address and has none that parses.
    #[error("the event's {field} is not an e-mail address")]
    Address {
        /// `Email` or `Recipient`.
        field: &'static str,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Payload {
    record_type: String,
    #[serde(rename = "Type")]
    kind: Option<String>,
    email: Option<String>,
    recipient: Option<String>,
    tag: Option<String>,
    suppress_sending: Option<bool>,
}

/// Reads one webhook body.
pub fn read(body: &[u8]) -> Result<Event, EventError> {
    let p: Payload = serde_json::from_slice(body).map_err(|e| EventError::Shape(e.to_string()))?;
    let (verdict, field, address) = match p.record_type.as_str() {
        "Bounce" => (bounce_verdict(p.kind.as_deref().unwrap_or("")), "Email", p.email),
        "SpamComplaint" => (Verdict::Complaint, "Email", p.email),
        "SubscriptionChange" if p.suppress_sending == Some(true) => (Verdict::Suppressed, "Recipient", p.recipient),
        _ => (Verdict::Ignore, "Email", None),
    };
    if verdict == Verdict::Ignore {
        return Ok(Event { verdict, address: None, mailing: None });
    }
    let address = address.as_deref().and_then(|a| Address::parse(a).ok()).ok_or(EventError::Address { field })?;
    Ok(Event { verdict, address: Some(address), mailing: p.tag.as_deref().and_then(tag_of) })
}

/// The verdict on a bounce of Postmark's `Type`.
fn bounce_verdict(kind: &str) -> Verdict {
    match kind {
        "HardBounce" | "BadEmailAddress" | "ManuallyDeactivated" | "Unsubscribe" => Verdict::Remove,
        "SpamComplaint" => Verdict::Complaint,
        "SoftBounce" | "Transient" | "DnsError" | "InboxFull" | "Blocked" | "DMARCPolicy" => Verdict::SoftBounce,
        _ => Verdict::Ignore,
    }
}

/// The tag a release's mails carry (see [`tag_of`]).
pub fn release_tag(slug: &str) -> String {
    format!("release:{slug}")
}

/// The tag embargo notices, updates and cancellations carry.
pub fn notice_tag(slug: &str) -> String {
    format!("notice:{slug}")
}

/// The mailing a tag names; `None` for any other tag (a confirmation mail's, or one set by
/// hand in the provider's dashboard).
pub fn tag_of(tag: &str) -> Option<Mailing> {
    let valid = |slug: &str| contract::slug::is_valid(slug).then(|| slug.to_string());
    if let Some(slug) = tag.strip_prefix("release:") {
        return valid(slug).map(Mailing::Release);
    }
    tag.strip_prefix("notice:").and_then(valid).map(Mailing::Notice)
}

/// Whether a request to [`WEBHOOK_PATH`] may be read: a `POST` (else `405`), the webhook
/// switched on (`secret`: `MAIL_WEBHOOK_SECRET`, at least [`MIN_WEBHOOK_SECRET_LEN`]
/// characters, else `503`), with the secret as its Basic password (else `401`).
pub fn admit(method: &str, authorization: Option<&str>, secret: Option<&str>) -> Result<(), HttpResponse> {
    if method != "POST" {
        let mut r = reply(405, "The mail provider's webhook takes POST only.");
        r.headers.push(("allow", "POST".into()));
        return Err(r);
    }
    let Some(secret) = secret.filter(|s| s.len() >= MIN_WEBHOOK_SECRET_LEN) else {
        return Err(reply(
            503,
            "The bounce webhook is off: set the secret MAIL_WEBHOOK_SECRET (at least 32 characters) on the mail \
             Worker (docs/subscriptions.md, \"Bounces and complaints\").",
        ));
    };
    if !authorized(authorization, secret) {
        let mut r = reply(401, "Wrong or missing credentials: the webhook's URL carries them (docs/subscriptions.md).");
        r.headers.push(("www-authenticate", "Basic realm=\"mail webhook\", charset=\"UTF-8\"".into()));
        return Err(r);
    }
    Ok(())
}

/// The webhook's answer: plain text, which the provider's webhook log shows; never stored.
pub fn reply(status: u16, text: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("content-type", "text/plain; charset=utf-8".into()), ("cache-control", "no-store".into())],
        body: format!("{text}\n").into_bytes(),
        log: Vec::new(),
    }
}

/// What the answer to an applied event says (the provider's log; no address in it).
pub fn done(event: &Event) -> &'static str {
    match event.verdict {
        Verdict::Remove => "hard bounce or suppression: the subscription, if any, has ended",
        Verdict::Complaint => "spam complaint: the subscription, if any, has ended",
        Verdict::SoftBounce => "soft bounce: counted",
        Verdict::Suppressed => "suppressed by the provider: the subscription, if any, has ended",
        Verdict::Ignore => "not a bounce or complaint: nothing to do",
    }
}

/// True when the `Authorization` header carries HTTP Basic credentials whose password is
/// `secret` (any user name), compared in constant time.
pub fn authorized(header: Option<&str>, secret: &str) -> bool {
    use base64::Engine;
    let Some(encoded) = header.and_then(|h| h.strip_prefix("Basic ").or_else(|| h.strip_prefix("basic "))) else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else { return false };
    let Some(at) = decoded.iter().position(|b| *b == b':') else { return false };
    let given = &decoded[at + 1..];
    let expected = secret.as_bytes();
    given.len() == expected.len() && given.iter().zip(expected).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0
}

/// The statements of the webhook (`migrations/0006_delivery_reports.sql`); removing an
/// address is `subscribe::sql::REMOVE_DELIVERIES` then `subscribe::sql::REMOVE`.
pub mod sql {
    /// Adds one event to the tally of the release mailing `?1`: `?2` bounced, `?3` soft
    /// bounces, `?4` complaints.
    pub const COUNT: &str = "UPDATE mailings SET bounced = bounced + ?2, soft_bounces = soft_bounces + ?3, \
         complaints = complaints + ?4 WHERE slug = ?1";
    /// Marks the embargo mails of release `?1` to the journalist with address `?2` bounced
    /// (a soft bounce leaves them as they are).
    pub const NOTICE_BOUNCED: &str = "UPDATE notices SET outcome = 'bounced' WHERE slug = ?1 \
         AND journalist IN (SELECT id FROM journalists WHERE address = ?2)";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(json: &str) -> Result<Event, EventError> {
        read(json.as_bytes())
    }

    #[test]
    fn a_hard_bounce_of_a_release_mail_removes_the_address_and_names_the_mailing() {
        let e = event(
            r#"{"RecordType":"Bounce","ID":4323372036854775807,"Type":"HardBounce","TypeCode":1,
            "Email":"Matti@Example.FI","Tag":"release:2026-12-07-talousarvio","MessageStream":"broadcast",
            "Inactive":true,"CanActivate":true}"#,
        )
        .expect("reads");
        assert_eq!(e.verdict, Verdict::Remove);
        assert_eq!(e.address.expect("address").as_str(), "Matti@example.fi");
        assert_eq!(e.mailing, Some(Mailing::Release("2026-12-07-talousarvio".into())));
    }

    #[test]
    fn complaints_suppressions_and_soft_bounces() {
        let complaint = event(r#"{"RecordType":"SpamComplaint","Email":"a@b.fi","Tag":"notice:x-y"}"#).expect("reads");
        assert_eq!((complaint.verdict, complaint.mailing), (Verdict::Complaint, Some(Mailing::Notice("x-y".into()))));
        let suppressed =
            event(r#"{"RecordType":"SubscriptionChange","Recipient":"a@b.fi","SuppressSending":true}"#).expect("reads");
        assert_eq!(suppressed.verdict, Verdict::Suppressed);
        let reactivated =
            event(r#"{"RecordType":"SubscriptionChange","Recipient":"a@b.fi","SuppressSending":false}"#).expect("ok");
        assert_eq!(reactivated.verdict, Verdict::Ignore);
        let soft = event(r#"{"RecordType":"Bounce","Type":"SoftBounce","Email":"a@b.fi"}"#).expect("reads");
        assert_eq!((soft.verdict, soft.mailing), (Verdict::SoftBounce, None));
        let delivery = event(r#"{"RecordType":"Delivery","Recipient":"a@b.fi"}"#).expect("reads");
        assert_eq!(delivery, Event { verdict: Verdict::Ignore, address: None, mailing: None });
    }

    #[test]
    fn a_bad_body_or_address_is_refused() {
        assert!(matches!(event("[]"), Err(EventError::Shape(_))));
        assert!(matches!(event("{\"Type\":\"HardBounce\"}"), Err(EventError::Shape(_))));
        assert_eq!(
            event(r#"{"RecordType":"Bounce","Type":"HardBounce","Email":"ei osoite"}"#),
            Err(EventError::Address { field: "Email" })
        );
    }

    #[test]
    fn tags_name_only_valid_slugs() {
        assert_eq!(tag_of(&release_tag("a-b")), Some(Mailing::Release("a-b".into())));
        assert_eq!(tag_of(&notice_tag("a-b")), Some(Mailing::Notice("a-b".into())));
        assert_eq!(tag_of("release:../x"), None);
        assert_eq!(tag_of("confirmation"), None);
    }

    #[test]
    fn only_an_authenticated_post_is_admitted_and_only_when_the_webhook_is_on() {
        use base64::Engine;
        let secret = "k".repeat(40);
        let good = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("pm:{secret}")));
        assert!(admit("POST", Some(&good), Some(&secret)).is_ok());
        let status = |r: Result<(), HttpResponse>| r.err().map(|r| r.status);
        assert_eq!(status(admit("GET", Some(&good), Some(&secret))), Some(405));
        assert_eq!(status(admit("POST", Some(&good), None)), Some(503));
        assert_eq!(status(admit("POST", Some(&good), Some("short"))), Some(503));
        let refused = admit("POST", None, Some(&secret)).expect_err("no credentials");
        assert_eq!(refused.status, 401);
        assert!(refused.header("www-authenticate").is_some_and(|h| h.starts_with("Basic")));
    }

    #[test]
    fn basic_credentials_are_checked_against_the_secret() {
        use base64::Engine;
        let secret = "s".repeat(MIN_WEBHOOK_SECRET_LEN);
        let header = |creds: &str| format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(creds));
        assert!(authorized(Some(&header(&format!("newsroom:{secret}"))), &secret));
        assert!(authorized(Some(&header(&format!(":{secret}"))), &secret));
        assert!(!authorized(Some(&header(&format!("newsroom:{secret}x"))), &secret));
        assert!(!authorized(Some(&header(&secret)), &secret), "no colon: no password");
        assert!(!authorized(Some("Bearer x"), &secret));
        assert!(!authorized(None, &secret));
    }
}
