//! The mail Worker (`wrangler.mail.toml`): the subscription posts, links and a subscriber's
//! own page the readers' Worker hands it (`subscribe.rs`, `subscriber_page.rs`), the mail
//! provider's bounce webhook (`webhook.rs`), the every-minute Cron Trigger (`cron.rs`:
//! go-live announcements, the release mailings it queues in `deliver.rs`, the embargo mails
//! of `notices.rs`, social media posts and feeds in `social/`), the mail queue's consumer and its dead-letter queue's (`deliver.rs`),
//! the senders (`sender.rs`: Postmark or Cloudflare's `send_email`) and its part of
//! `/healthz` (`health.rs`), and here what the Worker answers ([`answer`]). What it decides
//! is the mail wing's (`newsroom-mailing`); this folder is its reads, writes and calls. Built
//! with the `mail` feature.

pub(crate) mod body;
pub(crate) mod content_pages;
pub(crate) mod cron;
pub(crate) mod deliver;
pub(crate) mod health;
pub(crate) mod notices;
pub(crate) mod sender;
pub(crate) mod social;
pub(crate) mod subscribe;
pub(crate) mod subscriber_page;
pub(crate) mod webhook;

use serve::http::{HttpResponse, RequestFacts};
use serve::respond::config_error;
use worker::{web_sys, Context, Env, Result};

/// The subscription pages, with the deployment's settings (a bad setting: its `500` page).
pub(crate) async fn subscriptions(
    req: &web_sys::Request,
    mut facts: RequestFacts,
    env: &Env,
    ctx: &Context,
) -> Result<HttpResponse> {
    let (config, secret) = crate::settings(env);
    facts.config = match config {
        Ok(config) => config,
        Err(e) => return Ok(config_error(&facts, &e)),
    };
    subscribe::answer(req, &facts, env, secret.as_deref(), ctx).await
}

/// What the mail Worker answers: the subscription posts and links the readers' Worker hands
/// it, and its part of `/healthz`, which the readers' entry module asks for through its
/// `MAIL` binding and merges into its own (worker/js/shim.js). Nothing else reaches it.
#[cfg(not(feature = "readers"))]
pub(crate) async fn answer(
    req: &web_sys::Request,
    facts: &RequestFacts,
    env: &Env,
    ctx: &Context,
) -> Result<crate::outgoing::Outgoing> {
    use crate::outgoing::Outgoing;
    if subscribe::handles(&facts.method, &facts.path) {
        return Outgoing::from_core(&subscriptions(req, facts.clone(), env, ctx).await?);
    }
    if facts.path == "/healthz" {
        return Outgoing::from_core(&serve::respond::services_report(&health::mail_checks(env).await));
    }
    Outgoing::from_core(&serve::respond::unavailable(facts, "the readers' Worker answers this"))
}
