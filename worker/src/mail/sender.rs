//! Sending mail: the [`Sender`] the subscription pages and the delivery queue use, and its two
//! implementations, chosen by `MAIL_VIA` ([`Mailer::from_env`]):
//! - `postmark` (the default): Postmark's batch API (`mailing::subscribe::mail::provider` writes
//!   the requests and reads the answers). Settings: `MAIL_API_URL` (default Postmark's; the
//!   local stub in tests and `make dev`), the message streams (`MAIL_STREAM_BROADCAST`,
//!   default `broadcast`, for release mails to subscribers; `MAIL_STREAM_TRANSACTIONAL`,
//!   default `outbound`, for confirmations and embargo mails; `MAIL_STREAM`, the older
//!   setting, still stands for both where they are not set), `MAIL_API_TIMEOUT` (seconds the
//!   provider has to answer, default 20: a request it leaves hanging is a failed try, retried)
//!   and the secret `MAIL_API_TOKEN`;
//! - `send_email`: Cloudflare Email Service through the `[[send_email]]` binding `SEND_EMAIL`,
//!   one raw MIME message a call (`mailing::subscribe::mail::mime` writes it). It has no
//!   streams or tags: both kinds of mail leave the same way.
//!
//! Both need `MAIL_FROM`, a sender the provider accepts (`uutiset@example.fi` or
//! `Uutishuone <uutiset@example.fi>`).

use contract::subscription::Address;
use mailing::subscribe::mail::mime::{self, Envelope};
use mailing::subscribe::mail::provider::{
    batch_bodies, batch_body, parse_batch_response, per_message, BatchError, Outcome, Outgoing, TOKEN_HEADER,
};
use mailing::subscribe::mail::Mail;
use worker::js_sys::{futures::JsFuture, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::web_sys::{self, Headers, RequestInit};
use worker::{EmailMessage, Env, Result, SendEmail};

/// Why a whole batch got no per-message outcomes.
#[derive(Debug)]
pub(crate) struct SendFailure {
    /// Nothing of the batch was sent, and sending it later may succeed (a network failure,
    /// a rate limit, a 5xx, or a refusal of the whole request an operator can fix: a
    /// rotated token, an unverified sender). Otherwise the provider may have sent some of it
    /// (an answer it could not read): not to be sent again.
    pub retryable: bool,
    /// What happened, for the log.
    pub reason: String,
}

/// What a batch is, for the provider: bulk mail (a release to its subscribers) or
/// transactional (a confirmation, an embargo mail), and the tag the bounce webhook finds its
/// mailing by (`mailing::bounces::release_tag`, `notice_tag`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kind<'a> {
    /// On the broadcast stream.
    pub broadcast: bool,
    /// The messages' `Tag`.
    pub tag: Option<&'a str>,
}

impl Kind<'static> {
    /// A transactional mail with no mailing (a confirmation).
    pub const TRANSACTIONAL: Kind<'static> = Kind { broadcast: false, tag: None };
}

/// Where mail goes: one call per batch of messages, one outcome per message, in order.
pub(crate) trait Sender {
    /// Sends `mails`, each to its address.
    async fn send(&self, mails: &[(Address, Mail)], kind: Kind<'_>) -> std::result::Result<Vec<Outcome>, SendFailure>;
}

/// What mailing subscribers or journalists needs, all checked at once: the sender, the
/// settings with an absolute origin (mails carry absolute links), and a preview secret long
/// enough to sign their links.
pub(crate) struct Outbox {
    pub sender: Mailer,
    pub config: contract::config::Config,
    pub origin: String,
    pub secret: String,
}

impl Outbox {
    /// The outbox of this deployment; the error names what is missing, and nothing is to be
    /// claimed or sent without it.
    pub fn from_env(env: &Env) -> Result<Self> {
        let missing = |what: &str| worker::Error::RustError(format!("mail cannot be sent: {what}"));
        let (config, secret) = crate::settings(env);
        let config = config.map_err(|e| missing(&e.to_string()))?;
        let sender = Mailer::from_env(env)
            .ok_or_else(|| missing("the sender is not set up (MAIL_VIA, MAIL_FROM and its token or binding)"))?;
        let origin =
            config.base_url.clone().ok_or_else(|| missing("BASE_URL is not set (mails need absolute links)"))?;
        let secret = secret
            .filter(|s| s.len() >= contract::subscription::MIN_SECRET_LEN)
            .ok_or_else(|| missing("PREVIEW_SECRET is missing or too short (it signs the mails' links)"))?;
        Ok(Outbox { sender, config, origin, secret })
    }
}

/// The sender the deployment chose.
pub(crate) enum Mailer {
    Postmark(Postmark),
    Cloudflare(CloudflareEmail),
}

impl Mailer {
    /// The sender `MAIL_VIA` names (`postmark` when unset), if its settings are complete;
    /// `None` switches subscriptions off (the forms answer 503, the trigger mails nothing).
    pub fn from_env(env: &Env) -> Option<Self> {
        match env.var("MAIL_VIA").map(|v| v.to_string()).unwrap_or_default().as_str() {
            "" | "postmark" => Postmark::from_env(env).map(Mailer::Postmark),
            "send_email" => CloudflareEmail::from_env(env).map(Mailer::Cloudflare),
            other => {
                worker::console_log!(
                    "{{\"level\":\"error\",\"MAIL_VIA\":{},\"expected\":\"postmark or send_email\"}}",
                    serve::observe::json(other)
                );
                None
            }
        }
    }
}

impl Mailer {
    /// Which provider, for `/healthz`.
    pub fn name(&self) -> &'static str {
        match self {
            Mailer::Postmark(_) => "Postmark's batch API",
            Mailer::Cloudflare(_) => "Cloudflare's send_email binding",
        }
    }
}

impl Sender for Mailer {
    async fn send(&self, mails: &[(Address, Mail)], kind: Kind<'_>) -> std::result::Result<Vec<Outcome>, SendFailure> {
        match self {
            Mailer::Postmark(p) => p.send(mails, kind).await,
            Mailer::Cloudflare(c) => c.send(mails, kind).await,
        }
    }
}

impl Mailer {
    /// Whether the provider takes this deployment's token: Postmark's `GET /server` (no mail
    /// sent), at most once in [`CHECK_OK_MS`] while it does and once in [`CHECK_FAILED_MS`]
    /// while it does not. The binding has nothing to ask: `Ok`.
    pub async fn check(&self) -> std::result::Result<(), String> {
        let Mailer::Postmark(p) = self else { return Ok(()) };
        let now = crate::now_ms();
        let cached = LAST_CHECK.with(|c| c.borrow().clone());
        if let Some((at, verdict)) = cached {
            let fresh = if verdict.is_ok() { CHECK_OK_MS } else { CHECK_FAILED_MS };
            if now.saturating_sub(at) < fresh {
                return verdict;
            }
        }
        let verdict = p.check().await;
        LAST_CHECK.with(|c| *c.borrow_mut() = Some((now, verdict.clone())));
        verdict
    }
}

/// How long a provider check that passed is trusted.
const CHECK_OK_MS: u64 = 5 * 60 * 1000;
/// How long a provider check that failed is trusted: a fixed token shows within a minute.
const CHECK_FAILED_MS: u64 = 60 * 1000;

thread_local! {
    /// The isolate's last provider check: when (ms) and what it found.
    static LAST_CHECK: std::cell::RefCell<Option<(u64, std::result::Result<(), String>)>> =
        const { std::cell::RefCell::new(None) };
}

/// Postmark's `POST /email/batch` (or a stub with its shape).
pub(crate) struct Postmark {
    url: String,
    from: String,
    /// The stream of release mails to subscribers.
    broadcast: String,
    /// The stream of confirmations and embargo mails.
    transactional: String,
    token: String,
    /// Milliseconds the provider has to answer a request, body included.
    timeout_ms: u32,
}

/// Seconds the provider has to answer when `MAIL_API_TIMEOUT` does not say.
const DEFAULT_TIMEOUT_SECONDS: u32 = 20;

impl Postmark {
    /// The sender the deployment's settings describe; `None` when `MAIL_FROM` or the
    /// `MAIL_API_TOKEN` secret is not set (subscriptions are then switched off).
    pub fn from_env(env: &Env) -> Option<Self> {
        let var = |name: &str| env.var(name).ok().map(|v| v.to_string()).filter(|v| !v.is_empty());
        let token = env.secret("MAIL_API_TOKEN").ok().map(|s| s.to_string()).or_else(|| var("MAIL_API_TOKEN"))?;
        Some(Postmark {
            url: var("MAIL_API_URL").unwrap_or_else(|| "https://api.postmarkapp.com".into()),
            from: var("MAIL_FROM")?,
            // `MAIL_STREAM`, the one setting before the two streams, still sends all mail on
            // its stream where the two are not set, as it did.
            broadcast: var("MAIL_STREAM_BROADCAST")
                .or_else(|| var("MAIL_STREAM"))
                .unwrap_or_else(|| "broadcast".into()),
            transactional: var("MAIL_STREAM_TRANSACTIONAL")
                .or_else(|| var("MAIL_STREAM"))
                .unwrap_or_else(|| "outbound".into()),
            token,
            timeout_ms: var("MAIL_API_TIMEOUT")
                .and_then(|v| v.parse::<u32>().ok())
                .filter(|s| (1..=300).contains(s))
                .unwrap_or(DEFAULT_TIMEOUT_SECONDS)
                * 1000,
        })
    }

    /// A request's settings with the token, the time limit and `headers`.
    fn init(&self, more: &[(&str, &str)]) -> Result<RequestInit> {
        let headers = Headers::new()?;
        for (name, value) in more {
            headers.set(name, value)?;
        }
        headers.set("accept", "application/json")?;
        headers.set(TOKEN_HEADER, &self.token)?;
        let init = RequestInit::new();
        init.set_headers(&headers);
        init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(self.timeout_ms)));
        Ok(init)
    }

    /// `error` as the log and the report say it: a request the time limit ended is "no
    /// answer within N s" (the runtime's words name neither the limit nor the provider).
    fn unreachable(&self, error: &worker::Error) -> String {
        let text = error.to_string();
        if ["timeout", "TimeoutError", "aborted"].iter().any(|w| text.contains(w)) {
            format!("the mail provider gave no answer within {} s", self.timeout_ms / 1000)
        } else {
            format!("the mail provider could not be reached: {text}")
        }
    }
}

impl Sender for Postmark {
    /// One batch request, or several within Postmark's limits (500 messages, 50 MB: a
    /// media list of 1,200 journalists is three); a batch that fails as a whole then gives
    /// its messages their outcomes (`provider::per_message`), the others stand.
    async fn send(&self, mails: &[(Address, Mail)], kind: Kind<'_>) -> std::result::Result<Vec<Outcome>, SendFailure> {
        let stream = if kind.broadcast { &self.broadcast } else { &self.transactional };
        let messages: Vec<Outgoing> =
            mails.iter().map(|(to, mail)| Outgoing { from: &self.from, to, mail, stream, tag: kind.tag }).collect();
        let batches = batch_bodies(&messages);
        if batches.len() > 1 {
            let mut answers = Vec::with_capacity(batches.len());
            for batch in &batches {
                let answer = match self.post(&batch.body).await {
                    Ok((status, body)) => parse_batch_response(status, &body, batch.count),
                    Err(e) => {
                        // Not reached: that batch's messages are to be sent again.
                        worker::console_error!("{}", self.unreachable(&e));
                        Err(BatchError::Unavailable { status: 0 })
                    }
                };
                answers.push((batch.count, answer));
            }
            return Ok(per_message(answers));
        }
        let (status, body) = self
            .post(&batch_body(&messages))
            .await
            .map_err(|e| SendFailure { retryable: true, reason: self.unreachable(&e) })?;
        parse_batch_response(status, &body, mails.len()).map_err(|e| SendFailure {
            retryable: e.is_retryable(),
            reason: format!("the mail provider: {}", e.for_log()),
        })
    }
}

impl Postmark {
    /// `GET /server` with the token: `Ok` when the provider answers 200.
    async fn check(&self) -> std::result::Result<(), String> {
        let ask = async {
            let init = self.init(&[])?;
            let url = format!("{}/server", self.url.trim_end_matches('/'));
            let global: web_sys::WorkerGlobalScope = worker::js_sys::global().unchecked_into();
            let response: web_sys::Response =
                JsFuture::from(global.fetch_with_str_and_init(&url, &init)).await?.dyn_into()?;
            Ok::<_, worker::Error>(response.status())
        };
        match ask.await {
            Ok(200) => Ok(()),
            Ok(status @ (401 | 403)) => Err(format!(
                "the mail provider refuses MAIL_API_TOKEN (HTTP {status}): put the server's current token with `npx \
                 wrangler secret put MAIL_API_TOKEN -c wrangler.mail.toml --env NAME`"
            )),
            Ok(status) => Err(format!("the mail provider answered HTTP {status} when asked about its server")),
            Err(e) => Err(self.unreachable(&e)),
        }
    }

    /// One batch request with `body` (a JSON array of messages); answers the status and the
    /// body.
    async fn post(&self, body: &str) -> Result<(u16, Vec<u8>)> {
        let init = self.init(&[("content-type", "application/json")])?;
        init.set_method("POST");
        init.set_body(&JsValue::from_str(body));
        let url = format!("{}/email/batch", self.url.trim_end_matches('/'));
        let global: web_sys::WorkerGlobalScope = worker::js_sys::global().unchecked_into();
        let response: web_sys::Response =
            JsFuture::from(global.fetch_with_str_and_init(&url, &init)).await?.dyn_into()?;
        let body = JsFuture::from(response.array_buffer()?).await?;
        Ok((response.status(), Uint8Array::new(&body).to_vec()))
    }
}

/// Cloudflare Email Service: the `SEND_EMAIL` binding, one message a call, each a raw MIME
/// message (so the headers, `List-Unsubscribe` included, are exactly the core's).
pub(crate) struct CloudflareEmail {
    binding: SendEmail,
    from: String,
}

impl CloudflareEmail {
    /// The binding and a sender that parses; `None` otherwise.
    fn from_env(env: &Env) -> Option<Self> {
        let from = env.var("MAIL_FROM").ok().map(|v| v.to_string()).filter(|v| mime::sender(v).is_ok())?;
        Some(CloudflareEmail { binding: env.send_email("SEND_EMAIL").ok()?, from })
    }

    /// One message; the binding's refusal, as a [`Outcome`].
    async fn send_one(&self, to: &Address, mail: &Mail, now: chrono::DateTime<chrono::Utc>) -> Outcome {
        let id = format!(
            "{}.{}",
            now.timestamp_millis(),
            &contract::subscription::token_hash(&format!("{}{}", to.as_str(), mail.subject))[..16]
        );
        let envelope = Envelope { from: &self.from, to, date: now, id: &id };
        let refused = |message: String| Outcome::Rejected { code: 0, message };
        let raw = match mime::message(&envelope, mail) {
            Ok(raw) => raw,
            Err(e) => return refused(e.to_string()),
        };
        let address = mime::sender(&self.from).map(|(_, a)| a.as_str().to_string()).unwrap_or_default();
        let message = match EmailMessage::new(&address, to.as_str(), &raw) {
            Ok(message) => message,
            Err(e) => return refused(String::from(e.message())),
        };
        match self.binding.send(&message).await {
            Ok(result) => Outcome::Sent { message_id: result.message_id() },
            Err(e) => {
                let message = String::from(e.message());
                if passes(&message) {
                    Outcome::Retry { code: 429, message }
                } else {
                    refused(message)
                }
            }
        }
    }
}

impl Sender for CloudflareEmail {
    async fn send(&self, mails: &[(Address, Mail)], _: Kind<'_>) -> std::result::Result<Vec<Outcome>, SendFailure> {
        let now = crate::now();
        let mut outcomes = Vec::with_capacity(mails.len());
        // One at a time: a binding call is a subrequest, and a job's hundred stay within the
        // limit of simultaneous ones. After a refusal that passes, the rest are not tried (the
        // same limit would refuse them) and go back to the queue with it.
        for (to, mail) in mails {
            if matches!(outcomes.last(), Some(Outcome::Retry { .. })) {
                let message = "not tried: an earlier message of the batch met a limit".to_string();
                outcomes.push(Outcome::Retry { code: 429, message });
            } else {
                outcomes.push(self.send_one(to, mail, now).await);
            }
        }
        Ok(outcomes)
    }
}

/// A refusal of the binding that passes with time: a quota or rate limit, the invocation's
/// subrequest limit, a timeout or an outage. Anything else (a sender or recipient the
/// service refuses) fails the same way again, and is not retried.
fn passes(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    ["limit", "subrequest", "timeout", "timed out", "internal", "unavailable", "try again"]
        .iter()
        .any(|w| m.contains(w))
}
