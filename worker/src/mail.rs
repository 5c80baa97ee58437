//! Sending mail: the [`Sender`] the subscription pages and the delivery queue use, and its
//! implementation for Postmark's batch API (`serve::subscribe::mail::provider` writes the requests and
//! reads the answers). Settings: `MAIL_API_URL` (default Postmark's; the local stub in tests
//! and `make dev`), `MAIL_FROM` (a confirmed sender), `MAIL_STREAM` (default `outbound`), and
//! the secret `MAIL_API_TOKEN`.

use contract::subscription::Address;
use serve::subscribe::mail::provider::{batch_body, parse_batch_response, Outcome, Outgoing, TOKEN_HEADER};
use serve::subscribe::mail::Mail;
use worker::js_sys::{futures::JsFuture, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::web_sys::{self, Headers, RequestInit};
use worker::{Env, Result};

/// Why a whole batch got no per-message outcomes.
#[derive(Debug)]
pub(crate) struct SendFailure {
    /// Sending the same batch later may succeed, and nothing of it was sent (a network
    /// failure, a rate limit, a 5xx). Otherwise the provider may have sent some of it (an
    /// answer it could not read) or never will (a wrong token): not to be sent again.
    pub retryable: bool,
    /// What happened, for the log.
    pub reason: String,
}

/// Where mail goes: one call per batch of messages, one outcome per message, in order.
pub(crate) trait Sender {
    /// Sends `mails`, each to its address.
    async fn send(&self, mails: &[(Address, Mail)]) -> std::result::Result<Vec<Outcome>, SendFailure>;
}

/// Postmark's `POST /email/batch` (or a stub with its shape).
pub(crate) struct Postmark {
    url: String,
    from: String,
    stream: String,
    token: String,
}

impl Postmark {
    /// The sender the deployment's settings describe; `None` when `MAIL_FROM` or the
    /// `MAIL_API_TOKEN` secret is not set (subscriptions are then switched off).
    pub fn from_env(env: &Env) -> Option<Self> {
        let var = |name: &str| env.var(name).ok().map(|v| v.to_string()).filter(|v| !v.is_empty());
        let token = env.secret("MAIL_API_TOKEN").ok().map(|s| s.to_string()).or_else(|| var("MAIL_API_TOKEN"))?;
        Some(Postmark {
            url: var("MAIL_API_URL").unwrap_or_else(|| "https://api.postmarkapp.com".into()),
            from: var("MAIL_FROM")?,
            stream: var("MAIL_STREAM").unwrap_or_else(|| "outbound".into()),
            token,
        })
    }
}

impl Sender for Postmark {
    async fn send(&self, mails: &[(Address, Mail)]) -> std::result::Result<Vec<Outcome>, SendFailure> {
        let (status, body) = self
            .post(mails)
            .await
            .map_err(|e| SendFailure { retryable: true, reason: format!("the mail provider: {e}") })?;
        parse_batch_response(status, &body, mails.len())
            .map_err(|e| SendFailure { retryable: e.is_retryable(), reason: format!("the mail provider: {e}") })
    }
}

impl Postmark {
    /// The batch request; answers the status and the body.
    async fn post(&self, mails: &[(Address, Mail)]) -> Result<(u16, Vec<u8>)> {
        let messages: Vec<Outgoing> = mails
            .iter()
            .map(|(to, mail)| Outgoing { from: &self.from, to, mail, stream: &self.stream, tag: None })
            .collect();
        let headers = Headers::new()?;
        headers.set("content-type", "application/json")?;
        headers.set("accept", "application/json")?;
        headers.set(TOKEN_HEADER, &self.token)?;
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(&JsValue::from_str(&batch_body(&messages)));
        let url = format!("{}/email/batch", self.url.trim_end_matches('/'));
        let global: web_sys::WorkerGlobalScope = worker::js_sys::global().unchecked_into();
        let response: web_sys::Response =
            JsFuture::from(global.fetch_with_str_and_init(&url, &init)).await?.dyn_into()?;
        let body = JsFuture::from(response.array_buffer()?).await?;
        Ok((response.status(), Uint8Array::new(&body).to_vec()))
    }
}
