//! The subscription pages' reads and writes (`/subscribe`, `/subscribe/confirm`,
//! `/unsubscribe`): the form's body, D1 (`mailing::subscribe::sql`), the Rate Limiting binding
//! and the confirmation mail; and the mail provider's bounce webhook (`/mail/webhook`,
//! `mailing::bounces`). What the input means is the core's (`mailing::subscribe`,
//! `contract::subscription`); every answer is a page in the reader's language, never an
//! error page without a way on, and `no-store`: these pages hold personal links.
//!
//! The form tells nobody who subscribes: every well-formed address gets the same page at
//! once, and what differs between a new, a pending, a confirmed and a suppressed address (a
//! D1 write, a call to the provider) happens after the answer, in `waitUntil`.

use chrono::Duration;
use contract::pages::PagesRecord;
use contract::subscription::{self as sub, Purpose};
use mailing::bounces::WEBHOOK_PATH;
use mailing::subscribe::mail::{confirmation_mail, Confirmation, Named};
use mailing::subscribe::{
    language, parse_form, parse_link, privacy_link, sql, stored_scopes, Form, Site, SubscribeView, Subscription,
    CONFIRM_PATH, MAX_FORM_BYTES, SUBSCRIBE_PATH, UNSUBSCRIBE_PATH,
};
use mailing::subscriber_settings::{has_key, key_url, SETTINGS_PATH};
use serve::http::{HttpResponse, RequestFacts};
use worker::wasm_bindgen::JsValue;
use worker::{web_sys, Context, Env, Result};

use crate::mail::body::read_body;
use crate::mail::sender::{Kind, Mailer, Sender};
use mailing::subscribe::mail::provider::Outcome;

/// Binding of the per-IP limit on posted forms (`[[ratelimits]]` in `wrangler.mail.toml`).
const LIMITER: &str = "SUBSCRIBE_LIMIT";

/// True for the requests this module answers: posting the form, the links, and the
/// provider's webhook (the form itself is the core's, `GET /subscribe`).
pub fn handles(method: &str, path: &str) -> bool {
    matches!(
        (method, path),
        ("POST", SUBSCRIBE_PATH) | (_, CONFIRM_PATH | UNSUBSCRIBE_PATH | SETTINGS_PATH | WEBHOOK_PATH)
    )
}

/// The answer to a request for one of [`handles`]'s paths; `ctx` runs the confirmation's
/// work after the answer.
pub async fn answer(
    req: &web_sys::Request,
    facts: &RequestFacts,
    env: &Env,
    secret: Option<&str>,
    ctx: &Context,
) -> Result<HttpResponse> {
    if facts.path == WEBHOOK_PATH {
        return crate::mail::webhook::answer(req, facts, env).await;
    }
    let lang = language(&facts.config.lang);
    let origin = facts.config.base_url.clone().unwrap_or_else(|| facts.origin.clone());
    let fallback = facts.config.lang.as_str();
    // The content pages (footer, privacy notice) are read only once the request is let
    // through: a refused or rate-limited post costs no KV read.
    let no_pages = PagesRecord::default();
    let page = |status: u16, view: &SubscribeView, lang: &str, pages: &PagesRecord| {
        let site = Site { origin: &origin, name: facts.config.site_name.as_deref() };
        mailing::subscribe::page(status, view, &site, (lang, fallback), pages)
    };
    let form = |status: u16, problem: &str, pages: &PagesRecord| {
        let privacy = privacy_link(pages, lang, None, "");
        let view =
            SubscribeView::Form { scopes: &[], problem: Some(problem), privacy: privacy.as_ref().map(|p| p.link()) };
        page(status, &view, lang, pages)
    };
    // The links need only the secret: unsubscribing works even when sending is switched off.
    let sender = Mailer::from_env(env);
    let secret = secret.filter(|s| s.len() >= sub::MIN_SECRET_LEN);
    let Some(secret) = secret.filter(|_| sender.is_some() || facts.path != SUBSCRIBE_PATH) else {
        let text = "E-mail subscriptions are not set up on this newsroom (MAIL_FROM, MAIL_API_TOKEN, PREVIEW_SECRET).";
        return Ok(form(503, text, &no_pages));
    };
    let secret = secret.as_bytes();
    if facts.path == SETTINGS_PATH || (facts.path == UNSUBSCRIBE_PATH && has_key(facts.query.as_deref())) {
        // The key links of release mails (older mails' `a`/`t` links are answered below).
        return crate::mail::subscriber_page::answer(req, facts, env, secret).await;
    }
    let db = env.d1(crate::DATABASE)?;
    let method = facts.method.as_str();
    match (facts.path.as_str(), method) {
        (SUBSCRIBE_PATH, "POST") => {
            if !within_limit(env, req).await {
                let text = "Too many requests from your address; please try again in a minute.";
                return Ok(form(429, text, &no_pages));
            }
            let body = read_body(req, MAX_FORM_BYTES).await?;
            let pages = crate::mail::content_pages::read(env).await;
            match body.as_deref().map(|b| parse_form(b, lang)) {
                None => Ok(form(413, "the form is too long", &pages)),
                Some(Err(e)) => Ok(form(400, &e.to_string(), &pages)),
                Some(Ok(Form::Bot)) => Ok(page(200, &SubscribeView::Sent, lang, &pages)),
                Some(Ok(Form::Subscribe(s))) => {
                    let lang = s.lang.clone();
                    if sender.is_some() {
                        let work = PostedSubscription {
                            env: env.clone(),
                            secret: secret.to_vec(),
                            subscription: s,
                            origin: origin.clone(),
                            pages: pages.clone(),
                            facts: facts.clone(),
                        };
                        ctx.wait_until(work.run());
                    }
                    Ok(page(200, &SubscribeView::Sent, &lang, &pages))
                }
            }
        }
        (CONFIRM_PATH | UNSUBSCRIBE_PATH, "GET" | "HEAD" | "POST") => {
            let purpose = if facts.path == CONFIRM_PATH { Purpose::Confirm } else { Purpose::Unsubscribe };
            let Some(link) = parse_link(facts.query.as_deref()) else {
                return Ok(page(400, &SubscribeView::BadLink, lang, &no_pages));
            };
            if sub::verify(secret, purpose, &link.address, &link.token, facts.now).is_err() {
                return Ok(page(400, &SubscribeView::BadLink, lang, &no_pages));
            }
            let pages = crate::mail::content_pages::read(env).await;
            let action = format!("{}?{}", facts.path, facts.query.as_deref().unwrap_or(""));
            if method != "POST" {
                let view = match purpose {
                    Purpose::Confirm => SubscribeView::ConfirmAsk { action: &action },
                    Purpose::Unsubscribe => SubscribeView::UnsubscribeAsk { action: &action },
                };
                return Ok(page(200, &view, lang, &pages));
            }
            let address = JsValue::from_str(link.address.as_str());
            match purpose {
                Purpose::Confirm => {
                    let args = [address, sub::token_hash(&link.token).into(), crate::rfc3339(facts.now).into()];
                    let rows = db.prepare(sql::CONFIRM).bind(&args)?.raw_js_value().await?;
                    let view = if rows.is_empty() { SubscribeView::BadLink } else { SubscribeView::Confirmed };
                    Ok(page(if rows.is_empty() { 400 } else { 200 }, &view, lang, &pages))
                }
                Purpose::Unsubscribe => {
                    // Both at once (a D1 batch is one transaction): never a half-deleted address.
                    let deliveries = db.prepare(sql::REMOVE_DELIVERIES).bind(std::slice::from_ref(&address))?;
                    db.batch(vec![deliveries, db.prepare(sql::REMOVE).bind(&[address])?]).await?;
                    // Already gone is gone: the one click succeeds either way.
                    Ok(page(200, &SubscribeView::Unsubscribed, lang, &pages))
                }
            }
        }
        _ => {
            let mut r = form(405, "use GET or POST", &no_pages);
            r.headers.push(("allow", "GET, HEAD, POST".into()));
            Ok(r)
        }
    }
}

/// A posted subscription's work, done after the answer ([`PostedSubscription::run`]).
struct PostedSubscription {
    env: Env,
    secret: Vec<u8>,
    subscription: Subscription,
    origin: String,
    pages: PagesRecord,
    facts: RequestFacts,
}

impl PostedSubscription {
    /// Records the subscription and mails its link (see [`request_confirmation`]); a failure
    /// is logged without the address, and the day's confirmation is not used up by it, so
    /// posting the form again sends it.
    async fn run(self) {
        let work = async {
            let Some(sender) = Mailer::from_env(&self.env) else { return Ok(()) };
            let db = self.env.d1(crate::DATABASE)?;
            request_confirmation(&self, &db, &sender).await
        };
        if let Err(e) = work.await {
            worker::console_log!(
                "{{\"level\":\"error\",\"subscribe\":\"confirmation\",\"error\":{}}}",
                serve::observe::json(&e.to_string())
            );
        }
    }

    /// What the mails are made of: the secret, the subscription, the origin, the content
    /// pages and the request.
    fn parts(&self) -> (&[u8], &Subscription, &str, &PagesRecord, &RequestFacts) {
        (&self.secret, &self.subscription, &self.origin, &self.pages, &self.facts)
    }
}

/// Records a pending subscription and mails its confirmation link, unless the address is
/// confirmed already or was sent a link in the last day (decided by one statement, so two
/// posts at once send one mail).
async fn request_confirmation(posted: &PostedSubscription, db: &worker::D1Database, sender: &Mailer) -> Result<()> {
    let (secret, s, origin, pages, facts) = posted.parts();
    let (token, expires) = sub::confirm_token(secret, &s.address, facts.now)
        .map_err(|e| worker::Error::RustError(format!("cannot sign a confirmation link: {e}")))?;
    let address = JsValue::from_str(s.address.as_str());
    let args = [
        address,
        stored_scopes(&s.scopes).into(),
        s.lang.as_str().into(),
        sub::token_hash(&token).into(),
        crate::rfc3339(facts.now).into(),
        crate::rfc3339(facts.now - Duration::days(1)).into(),
    ];
    // One statement decides: a new address, or a pending one whose last confirmation mail
    // is a day old, gets a row back and a mail; a confirmed one, or a recent one, nothing.
    if db.prepare(sql::PENDING).bind(&args)?.raw_js_value().await?.is_empty() {
        return send_settings_link(posted, db, sender).await;
    }
    let url = mailing::subscribe::link_url(origin, CONFIRM_PATH, &s.address, &token);
    // In the newsroom's zone: "3.1.2026 16:00:00 EET", not UTC.
    let expires = contract::time::in_newsroom_zone(expires);
    let named: Vec<Named> = s.scopes.iter().map(|scope| Named { scope, name: None }).collect();
    let site = facts.config.site_name(&s.lang).to_string();
    let privacy = privacy_link(pages, &s.lang, None, origin);
    let confirmation = Confirmation {
        lang: &s.lang,
        site: &site,
        origin,
        confirm_url: &url,
        expires: &expires,
        scopes: &named,
        privacy: privacy.as_ref().map(|p| p.link()),
    };
    let mail = confirmation_mail(&confirmation).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let outcome = sender.send(&[(s.address.clone(), mail)], Kind::TRANSACTIONAL).await;
    match outcome.as_deref() {
        Ok([Outcome::Sent { .. }]) => Ok(()),
        // The provider will never deliver there (bounced, complained, suppressed) or refuses
        // this mail for good: the answer is the same page as for any address, so the form
        // tells no one whom the provider knows, and the log names no address (the
        // provider's message does).
        Ok([Outcome::Inactive { .. }]) => {
            worker::console_warn!("subscribe: the mail provider reports the address inactive; no confirmation sent");
            Ok(())
        }
        Ok([Outcome::Rejected { code, .. }]) => {
            worker::console_error!("subscribe: the mail provider refused the confirmation mail (error {code})");
            Ok(())
        }
        _ => {
            // Not sent now: the day's one confirmation is not used up, so trying again sends it.
            db.prepare(sql::UNSENT).bind(&[JsValue::from_str(s.address.as_str())])?.run().await?;
            let why = match outcome {
                Ok(outcomes) => outcomes.iter().map(retry_reason).collect::<Vec<_>>().join("; "),
                Err(e) => e.reason,
            };
            Err(worker::Error::RustError(format!("the confirmation mail was not sent: {why}")))
        }
    }
}

/// A confirmed address that filled in the form again gets its settings link (at most once a
/// day, decided by one statement), offering what the form asked for: nothing changes until
/// the subscriber saves it there. A pending or recent address gets nothing.
async fn send_settings_link(posted: &PostedSubscription, db: &worker::D1Database, sender: &Mailer) -> Result<()> {
    let (secret, s, origin, pages, facts) = posted.parts();
    use mailing::subscriber_settings::sql::SETTINGS_MAIL;
    let address = JsValue::from_str(s.address.as_str());
    let args = [address, crate::rfc3339(facts.now).into(), crate::rfc3339(facts.now - Duration::days(1)).into()];
    let rows = db.prepare(SETTINGS_MAIL).bind(&args)?.raw_js_value().await?;
    let Some((id, lang, stored)) = rows.first().and_then(|r| {
        let stored = sub::Address::parse(&crate::column(r, 2).as_string()?).ok()?;
        Some((crate::column(r, 0).as_f64()? as i64, language(&crate::column(r, 1).as_string()?).to_string(), stored))
    }) else {
        return Ok(());
    };
    let key = sub::subscriber_key(secret, id, &stored)
        .map_err(|e| worker::Error::RustError(format!("cannot sign a settings link: {e}")))?;
    let url = key_url(origin, SETTINGS_PATH, &key, &s.scopes);
    let privacy = privacy_link(pages, &lang, None, origin);
    let site = facts.config.site_name(&lang).to_string();
    let m = mailing::subscribe::mail::SettingsMail {
        lang: &lang,
        site: &site,
        origin,
        settings_url: &url,
        privacy: privacy.as_ref().map(|p| p.link()),
    };
    let mail = mailing::subscribe::mail::settings_mail(&m).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let why = match sender.send(&[(s.address.clone(), mail)], Kind::TRANSACTIONAL).await.as_deref() {
        Ok([Outcome::Sent { .. }]) => return Ok(()),
        Ok(outcomes) => outcomes.iter().map(retry_reason).collect::<Vec<_>>().join("; "),
        Err(e) => e.reason.clone(),
    };
    // Not sent: the day's one settings mail is not used up, so posting the form again sends it.
    let unsent = mailing::subscriber_settings::sql::SETTINGS_UNSENT;
    db.prepare(unsent).bind(&[JsValue::from_f64(id as f64)])?.run().await?;
    Err(worker::Error::RustError(format!("the settings mail was not sent: {why}")))
}

/// What the log says of an outcome that is to be retried: its code, never the provider's
/// message (which may quote the address).
fn retry_reason(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Retry { code, .. } | Outcome::Rejected { code, .. } => format!("error {code}, to retry"),
        Outcome::Inactive { .. } => "inactive recipient".into(),
        Outcome::Sent { .. } => "sent".into(),
    }
}

/// False when this client posted too many forms lately (the binding missing: no limit).
async fn within_limit(env: &Env, req: &web_sys::Request) -> bool {
    let Ok(limiter) = env.rate_limiter(LIMITER) else { return true };
    let ip = req.headers().get("cf-connecting-ip").ok().flatten().unwrap_or_else(|| "local".into());
    limiter.limit(ip).await.map(|o| o.success).unwrap_or(true)
}
