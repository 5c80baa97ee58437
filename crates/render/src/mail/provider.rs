//! Postmark's batch e-mail API: the request body and the reading of its answer. The HTTP
//! call itself is the worker's (`POST` [`BATCH_URL`] with the headers `Accept:
//! application/json`, `Content-Type: application/json` and [`TOKEN_HEADER`]: the server's
//! API token).
//!
//! Followed documentation:
//! - the batch endpoint, its limits and its answer, one result per message in the order
//!   sent: <https://postmarkapp.com/developer/user-guide/send-email-with-api/batch-emails>
//! - the message fields (`From`, `To`, `Subject`, `TextBody`, `HtmlBody`, `Headers` as
//!   `[{"Name", "Value"}]`, `TrackOpens`, `TrackLinks`, `MessageStream`, `Tag`):
//!   <https://postmarkapp.com/developer/api/email-api> and
//!   <https://postmarkapp.com/developer/user-guide/sending-with-api>
//! - HTTP status codes (401 bad token, 413 too large, 422 with `{ErrorCode, Message}`) and
//!   the API error codes (300 invalid request, 406 inactive recipient, 429 rate limit, …):
//!   <https://postmarkapp.com/developer/api/overview>,
//!   <https://postmarkapp.com/support/article/troubleshooting-422-unprocessable-entity-errors>
//! - own List-Unsubscribe headers on a Broadcast stream need the stream's "Manage
//!   unsubscribes on your own" setting (otherwise Postmark adds its own link and headers):
//!   <https://postmarkapp.com/support/article/1299-how-to-include-a-list-unsubscribe-header>,
//!   <https://postmarkapp.com/support/article/managing-your-own-unsubscribe-process>
//!
//! Rate limits: a batch holds at most [`MAX_MESSAGES`] messages and [`MAX_BATCH_BYTES`];
//! Postmark publishes no fixed request rate and answers `429` (or error code 429) when a
//! server sends too fast, which [`BatchError::is_retryable`] and [`Outcome::Retry`] report.

use serde::{Deserialize, Serialize};

use super::Mail;
use contract::subscription::Address;

/// Where a batch is posted.
pub const BATCH_URL: &str = "https://api.postmarkapp.com/email/batch";
/// The header that carries the server's API token.
pub const TOKEN_HEADER: &str = "X-Postmark-Server-Token";
/// Most messages in one batch.
pub const MAX_MESSAGES: usize = 500;
/// Largest batch body, in bytes ("up to 50 MB payload size, including attachments").
pub const MAX_BATCH_BYTES: usize = 50_000_000;
/// Postmark's error code for a recipient it will not send to (hard bounce, spam complaint,
/// or suppressed by an unsubscribe).
pub const INACTIVE_RECIPIENT: i64 = 406;

/// One message to send: a rendered [`Mail`] with its sender, recipient and stream.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    /// The sender: a confirmed sender signature, optionally with a name, e.g.
    /// `Uutishuone <uutiset@example.fi>`.
    pub from: &'a str,
    /// The one recipient (an [`Address`] holds no comma, so it cannot name a second one).
    pub to: &'a Address,
    /// The message.
    pub mail: &'a Mail,
    /// The message stream's ID: `outbound` (transactional, for confirmations) or a
    /// Broadcast stream (for release mails).
    pub stream: &'a str,
    /// A tag for Postmark's statistics (at most 1000 characters), e.g. `release`.
    pub tag: Option<&'a str>,
}

/// A message as the API reads it. Tracking is switched off explicitly, whatever the
/// server's defaults: no open-tracking pixel, no rewritten links.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Message<'a> {
    from: &'a str,
    to: &'a str,
    subject: &'a str,
    text_body: &'a str,
    html_body: &'a str,
    headers: Vec<Header<'a>>,
    message_stream: &'a str,
    track_opens: bool,
    track_links: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tag: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Header<'a> {
    name: &'a str,
    value: &'a str,
}

impl<'a> From<&Outgoing<'a>> for Message<'a> {
    fn from(o: &Outgoing<'a>) -> Self {
        Message {
            from: o.from,
            to: o.to.as_str(),
            subject: &o.mail.subject,
            text_body: &o.mail.text,
            html_body: &o.mail.html,
            headers: o.mail.headers.iter().map(|(name, value)| Header { name, value }).collect(),
            message_stream: o.stream,
            track_opens: false,
            track_links: "None",
            tag: o.tag,
        }
    }
}

/// The JSON body of one batch: an array of the messages, in order. The caller keeps to
/// [`MAX_MESSAGES`] and [`MAX_BATCH_BYTES`]; [`batch_bodies`] does it for any number.
pub fn batch_body(messages: &[Outgoing<'_>]) -> String {
    let mut out = String::from("[");
    for (i, m) in messages.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&message_json(m));
    }
    out.push(']');
    out
}

/// One message's JSON object. Serialising borrowed strings cannot fail.
fn message_json(m: &Outgoing<'_>) -> String {
    serde_json::to_string(&Message::from(m)).unwrap_or_default()
}

/// A batch body and which messages it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Index of its first message in the slice given to [`batch_bodies`].
    pub first: usize,
    /// How many messages it holds; [`parse_batch_response`] expects as many results.
    pub count: usize,
    /// The JSON body.
    pub body: String,
}

/// The messages as few batches as the limits allow, in order: each at most
/// [`MAX_MESSAGES`] messages and [`MAX_BATCH_BYTES`] bytes (a single larger message gets
/// a batch of its own, which Postmark will refuse with `413`).
pub fn batch_bodies(messages: &[Outgoing<'_>]) -> Vec<Batch> {
    let mut batches = Vec::new();
    let mut current = Batch { first: 0, count: 0, body: String::from("[") };
    for (i, m) in messages.iter().enumerate() {
        let json = message_json(m);
        let full = current.count == MAX_MESSAGES || current.body.len() + 1 + json.len() + 1 > MAX_BATCH_BYTES;
        if current.count > 0 && full {
            current.body.push(']');
            batches.push(std::mem::replace(&mut current, Batch { first: i, count: 0, body: String::from("[") }));
        }
        if current.count > 0 {
            current.body.push(',');
        }
        current.body.push_str(&json);
        current.count += 1;
    }
    if current.count > 0 {
        current.body.push(']');
        batches.push(current);
    }
    batches
}

/// The `code` of the outcome of a message whose whole batch was refused or failed
/// ([`per_message`]): no message of that batch was taken one by one.
pub const WHOLE_BATCH: i64 = -1;

/// What became of each message sent as several batches, in order, from each batch's message
/// count and answer: a batch refused or failed as a whole gives each of its messages one
/// outcome (to retry when the failure passes, rejected when it does not), so that one
/// failed batch neither repeats nor loses the others, which were sent.
pub fn per_message(batches: Vec<(usize, Result<Vec<Outcome>, BatchError>)>) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (count, answer) in batches {
        match answer {
            Ok(outcomes) => out.extend(outcomes),
            Err(e) => {
                let message = e.to_string();
                out.extend((0..count).map(|_| match e.is_retryable() {
                    true => Outcome::Retry { code: WHOLE_BATCH, message: message.clone() },
                    false => Outcome::Rejected { code: WHOLE_BATCH, message: message.clone() },
                }));
            }
        }
    }
    out
}

/// What became of one message of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted for delivery, with Postmark's message ID.
    Sent {
        /// `MessageID`.
        message_id: String,
    },
    /// The recipient is inactive (error 406: hard bounce, spam complaint or suppression):
    /// Postmark will not send to it, so the subscription should end.
    Inactive {
        /// Postmark's explanation.
        message: String,
    },
    /// Refused for good as it is (an invalid request, sender signature, …): sending it
    /// again fails the same way. The subscriber is not at fault.
    Rejected {
        /// `ErrorCode`.
        code: i64,
        /// `Message`.
        message: String,
    },
    /// Not sent now, but the message is fine: send it again later (rate limit,
    /// maintenance, or an account problem the operators must fix first).
    Retry {
        /// `ErrorCode`.
        code: i64,
        /// `Message`.
        message: String,
    },
}

/// Error codes after which the same message can succeed later: 100 maintenance, 405 out of
/// credits, 412 account pending, 413 account may not send, 429 rate limit exceeded.
fn retryable(code: i64) -> bool {
    matches!(code, 100 | 405 | 412 | 413 | 429)
}

impl std::fmt::Display for Outcome {
    /// For the log: what became of the message, with the provider's words.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Sent { message_id } => write!(f, "sent as {message_id}"),
            Outcome::Inactive { message } => write!(f, "inactive recipient: {message}"),
            Outcome::Rejected { code, message } => write!(f, "refused ({code}): {message}"),
            Outcome::Retry { code, message } => write!(f, "to retry ({code}): {message}"),
        }
    }
}

impl Outcome {
    fn from_result(code: i64, message: String, message_id: Option<String>) -> Outcome {
        match code {
            0 => Outcome::Sent { message_id: message_id.unwrap_or_default() },
            INACTIVE_RECIPIENT => Outcome::Inactive { message },
            code if retryable(code) => Outcome::Retry { code, message },
            code => Outcome::Rejected { code, message },
        }
    }
}

/// Why a whole batch got no per-message results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchError {
    /// `401`: the server token is missing or wrong.
    Unauthorized,
    /// `422` or `413`: the request as a whole was refused, e.g. error 410 (too many
    /// messages), 402 (invalid JSON) or 10 (bad token).
    Refused {
        /// The HTTP status.
        status: u16,
        /// `ErrorCode` (0 when the body did not say).
        code: i64,
        /// `Message`, or the body as text.
        message: String,
    },
    /// `429`: too many requests; send the batch again later.
    RateLimited,
    /// `5xx`: Postmark failed or is unavailable; send the batch again later.
    Unavailable {
        /// The HTTP status.
        status: u16,
    },
    /// A `200` whose results do not match the messages sent one to one.
    Count {
        /// Messages sent.
        sent: usize,
        /// Results received.
        got: usize,
    },
    /// An answer that is not the documented JSON, or an undocumented status.
    Unexpected {
        /// The HTTP status.
        status: u16,
        /// What was wrong, with the start of the body.
        reason: String,
    },
}

impl BatchError {
    /// Whether nothing of the batch was sent, so that sending it again later cannot mail
    /// anyone twice and may succeed: after a wait (a rate limit, an outage), or once an
    /// operator has fixed what Postmark refused the whole request for (a rotated token, a
    /// sender not verified). Only an answer that cannot be read as Postmark documents it
    /// may hide mails that went out: those are not sent again.
    pub fn is_retryable(&self) -> bool {
        match self {
            BatchError::RateLimited | BatchError::Unavailable { .. } => true,
            BatchError::Unauthorized | BatchError::Refused { .. } => true,
            BatchError::Count { .. } | BatchError::Unexpected { .. } => false,
        }
    }
}

impl BatchError {
    /// The error for a log line: status and code only, never the provider's words, which
    /// may quote an address.
    pub fn for_log(&self) -> String {
        match self {
            BatchError::Refused { status, code, .. } => {
                format!("the whole batch was refused (HTTP {status}, error {code})")
            }
            BatchError::Unexpected { status, .. } => format!("an answer that could not be read (HTTP {status})"),
            other => other.to_string(),
        }
    }
}

impl std::fmt::Display for BatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BatchError::Unauthorized => {
                write!(f, "Postmark refused the server token (HTTP 401): check the {TOKEN_HEADER} secret")
            }
            BatchError::Refused { status, code, message } => {
                write!(f, "Postmark refused the batch (HTTP {status}, error {code}): {message}")
            }
            BatchError::RateLimited => write!(f, "Postmark is rate limiting this server (HTTP 429): send again later"),
            BatchError::Unavailable { status } => {
                write!(f, "Postmark is unavailable (HTTP {status}): send again later")
            }
            BatchError::Count { sent, got } => {
                write!(f, "Postmark answered {got} results for {sent} messages: the outcomes cannot be matched")
            }
            BatchError::Unexpected { status, reason } => {
                write!(f, "Postmark's answer (HTTP {status}) is not the documented one: {reason}")
            }
        }
    }
}

impl std::error::Error for BatchError {}

/// One result, or the body of a refused request: `{"ErrorCode", "Message", "MessageID", …}`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    error_code: i64,
    #[serde(default)]
    message: String,
    #[serde(rename = "MessageID", default)]
    message_id: Option<String>,
}

/// Reads Postmark's answer to a batch of `sent` messages: its HTTP `status` and `body`.
/// A `200` carries one result per message, in the order sent, each its own [`Outcome`]
/// (a `200` does not mean every message was accepted).
pub fn parse_batch_response(status: u16, body: &[u8], sent: usize) -> Result<Vec<Outcome>, BatchError> {
    // `from_str` after one UTF-8 check, as every record is read: a second serde_json reader
    // type (`from_slice`) would add its own copy of the parser to the worker.
    let text = std::str::from_utf8(body).unwrap_or("");
    match status {
        200 => {
            let results: Vec<Answer> = serde_json::from_str(text)
                .map_err(|e| BatchError::Unexpected { status, reason: format!("{e}: {}", start(body)) })?;
            if results.len() != sent {
                return Err(BatchError::Count { sent, got: results.len() });
            }
            Ok(results.into_iter().map(|r| Outcome::from_result(r.error_code, r.message, r.message_id)).collect())
        }
        401 => Err(BatchError::Unauthorized),
        413 | 422 => Err(match serde_json::from_str::<Answer>(text) {
            Ok(r) => BatchError::Refused { status, code: r.error_code, message: r.message },
            Err(_) => BatchError::Refused { status, code: 0, message: start(body) },
        }),
        429 => Err(BatchError::RateLimited),
        500..=599 => Err(BatchError::Unavailable { status }),
        _ => Err(BatchError::Unexpected { status, reason: start(body) }),
    }
}

/// The first 200 bytes of a body, as text, for an error message.
fn start(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(n: usize) -> Mail {
        Mail {
            subject: format!("Tiedote {n} – \"lainaus\""),
            text: "Teksti\nrivi".into(),
            html: "<html><body><strong>Hello</strong></body></html>".into(),
            headers: vec![
                ("List-Unsubscribe".into(), "<https://news.example.fi/u?token=u.ab>".into()),
                ("List-Unsubscribe-Post".into(), "List-Unsubscribe=One-Click".into()),
            ],
        }
    }

    fn address(text: &str) -> Address {
        Address::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_body_has_the_documented_fields_and_no_tracking() {
        let (to, m) = (address("receiver1@example.com"), mail(1));
        let one =
            Outgoing { from: "Uutishuone <sender@example.com>", to: &to, mail: &m, stream: "broadcast", tag: None };
        let body = batch_body(&[one, Outgoing { tag: Some("release"), ..one }]);
        let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let expected = serde_json::json!({
            "From": "Uutishuone <sender@example.com>",
            "To": "receiver1@example.com",
            "Subject": "Tiedote 1 – \"lainaus\"",
            "TextBody": "Teksti\nrivi",
            "HtmlBody": "<html><body><strong>Hello</strong></body></html>",
            "Headers": [
                {"Name": "List-Unsubscribe", "Value": "<https://news.example.fi/u?token=u.ab>"},
                {"Name": "List-Unsubscribe-Post", "Value": "List-Unsubscribe=One-Click"}
            ],
            "MessageStream": "broadcast",
            "TrackOpens": false,
            "TrackLinks": "None"
        });
        assert_eq!(json[0], expected);
        assert_eq!(json[1]["Tag"], "release");
        assert_eq!(json.as_array().map(Vec::len), Some(2));
        assert_eq!(batch_body(&[]), "[]");
    }

    #[test]
    fn many_messages_are_split_at_the_documented_limit() {
        let to = address("a@example.com");
        let m = mail(0);
        let one = Outgoing { from: "s@example.com", to: &to, mail: &m, stream: "broadcast", tag: None };
        let messages = vec![one; 1201];
        let batches = batch_bodies(&messages);
        let counts: Vec<(usize, usize)> = batches.iter().map(|b| (b.first, b.count)).collect();
        assert_eq!(counts, [(0, 500), (500, 500), (1000, 201)]);
        for b in &batches {
            let parsed: Vec<serde_json::Value> = serde_json::from_str(&b.body).unwrap_or_default();
            assert_eq!(parsed.len(), b.count);
            assert_eq!(b.body, batch_body(&messages[b.first..b.first + b.count]));
        }
        assert!(batch_bodies(&[]).is_empty());
    }

    #[test]
    fn a_batch_refused_as_a_whole_gives_each_of_its_messages_an_outcome() {
        let sent = || Outcome::Sent { message_id: "x".into() };
        let outcomes = per_message(vec![
            (2, Ok(vec![sent(), sent()])),
            (3, Err(BatchError::Unavailable { status: 503 })),
            (1, Err(BatchError::Count { sent: 1, got: 0 })),
        ]);
        assert_eq!(outcomes.len(), 6, "one per message, in order");
        assert!(matches!(outcomes[1], Outcome::Sent { .. }));
        assert!(outcomes[2..5].iter().all(|o| matches!(o, Outcome::Retry { code: WHOLE_BATCH, .. })), "{outcomes:?}");
        assert!(matches!(&outcomes[5], Outcome::Rejected { code: WHOLE_BATCH, .. }), "perhaps sent: not again");
    }

    #[test]
    fn large_messages_are_split_by_size() {
        let to = address("a@example.com");
        let mut big = mail(0);
        big.html = "x".repeat(MAX_BATCH_BYTES / 3);
        let one = Outgoing { from: "s@example.com", to: &to, mail: &big, stream: "broadcast", tag: None };
        let batches = batch_bodies(&[one; 7]);
        let counts: Vec<usize> = batches.iter().map(|b| b.count).collect();
        assert_eq!(counts, [2, 2, 2, 1]);
        assert!(batches.iter().all(|b| b.body.len() <= MAX_BATCH_BYTES));
    }

    /// The documented example answer of the batch endpoint.
    const DOCUMENTED_OK: &str = r#"[
      {
        "ErrorCode": 0,
        "Message": "OK",
        "MessageID": "b7bc2f4a-e38e-4336-af7d-e6c392c2f817",
        "SubmittedAt": "2010-11-26T12:01:05.1794748-05:00",
        "To": "receiver1@example.com"
      },
      {
        "ErrorCode": 0,
        "Message": "OK",
        "MessageID": "e2ecbbfc-fe12-463d-b933-9fe22915106d",
        "SubmittedAt": "2010-11-26T12:01:05.1794748-05:00",
        "To": "receiver2@example.com"
      }
    ]"#;

    #[test]
    fn the_documented_answer_is_two_sent_messages() {
        let outcomes = parse_batch_response(200, DOCUMENTED_OK.as_bytes(), 2);
        assert_eq!(
            outcomes,
            Ok(vec![
                Outcome::Sent { message_id: "b7bc2f4a-e38e-4336-af7d-e6c392c2f817".into() },
                Outcome::Sent { message_id: "e2ecbbfc-fe12-463d-b933-9fe22915106d".into() },
            ])
        );
        assert_eq!(parse_batch_response(200, DOCUMENTED_OK.as_bytes(), 3), Err(BatchError::Count { sent: 3, got: 2 }));
    }

    #[test]
    fn each_message_has_its_own_outcome() {
        // A 200 with per-message errors, shaped as the documented results, with codes and
        // messages from the documented error-code table.
        let body = r#"[
          {"ErrorCode": 0, "Message": "OK", "MessageID": "id-1", "SubmittedAt": "2026-01-01T12:00:00Z", "To": "a@example.com"},
          {"ErrorCode": 406, "Message": "You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: b@example.com. Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression."},
          {"ErrorCode": 300, "Message": "Invalid 'To' address: 'c@example'."},
          {"ErrorCode": 429, "Message": "Rate limit exceeded."},
          {"ErrorCode": 405, "Message": "Not allowed to send: you have run out of credits."}
        ]"#;
        let outcomes = parse_batch_response(200, body.as_bytes(), 5).unwrap_or_default();
        assert_eq!(outcomes[0], Outcome::Sent { message_id: "id-1".into() });
        assert!(matches!(&outcomes[1], Outcome::Inactive { message } if message.contains("inactive")));
        assert!(matches!(&outcomes[2], Outcome::Rejected { code: 300, .. }));
        assert!(matches!(&outcomes[3], Outcome::Retry { code: 429, .. }));
        assert!(matches!(&outcomes[4], Outcome::Retry { code: 405, .. }));
    }

    #[test]
    fn refused_batches_say_whether_to_try_again() {
        let refused = parse_batch_response(422, br#"{"ErrorCode": 410, "Message": "Too many batch messages."}"#, 501);
        let Err(e) = refused else { panic!("accepted") };
        assert_eq!(e, BatchError::Refused { status: 422, code: 410, message: "Too many batch messages.".into() });
        assert!(e.is_retryable(), "nothing of a refused batch was sent: it may go again");
        let invalid = r#"{"ErrorCode": 300, "Message": "Invalid 'From' address: 'sender@example.com' is not a verified sender signature."}"#;
        assert!(matches!(parse_batch_response(422, invalid.as_bytes(), 1), Err(BatchError::Refused { code: 300, .. })));
        let maintenance = parse_batch_response(422, br#"{"ErrorCode": 100, "Message": "Maintenance"}"#, 1);
        assert!(maintenance.is_err_and(|e| e.is_retryable()));
        assert_eq!(parse_batch_response(401, b"", 1), Err(BatchError::Unauthorized));
        assert!(BatchError::Unauthorized.is_retryable(), "a rotated token: again once the secret is fixed");
        assert!(!BatchError::Count { sent: 3, got: 2 }.is_retryable(), "perhaps sent: never again");
        assert!(parse_batch_response(429, b"", 1).is_err_and(|e| e == BatchError::RateLimited && e.is_retryable()));
        for status in [500, 503] {
            assert!(parse_batch_response(status, b"<html>", 1).is_err_and(|e| e.is_retryable()), "{status}");
        }
        let too_large = parse_batch_response(413, b"Request Entity Too Large", 1);
        assert!(
            matches!(&too_large, Err(BatchError::Refused { status: 413, code: 0, message }) if message.contains("Too Large"))
        );
    }

    #[test]
    fn broken_answers_are_errors_not_panics() {
        for body in ["", "{", "[{}]", "[{\"ErrorCode\": \"zero\"}]", "null", "\u{0}\u{1}", "[1]"] {
            let result = parse_batch_response(200, body.as_bytes(), 1);
            assert!(matches!(result, Err(BatchError::Unexpected { status: 200, .. })), "{body:?}: {result:?}");
        }
        let long = "x".repeat(10_000);
        let Err(BatchError::Unexpected { reason, .. }) = parse_batch_response(302, long.as_bytes(), 1) else {
            panic!("accepted")
        };
        assert!(reason.len() <= 200);
        assert!(parse_batch_response(200, &[0xff, 0xfe, b'['], 1).is_err());
    }
}
