//! The mail Worker (`wrangler.mail.toml`): the subscription posts, links and a subscriber's
//! own page the readers' Worker hands it (`subscribe.rs`, `subscriber_page.rs`), the mail
//! provider's bounce webhook (`webhook.rs`), the every-minute Cron Trigger (`cron.rs`:
//! go-live announcements, the release mailings it queues in `deliver.rs`, the embargo mails
//! of `notices.rs`), the mail queue's consumer and its dead-letter queue's (`deliver.rs`),
//! the senders (`sender.rs`: Postmark or Cloudflare's `send_email`) and its part of
//! `/healthz` (`health.rs`). What it decides is the mail wing's (`newsroom-mailing`); this
//! folder is its reads, writes and calls. Built with the `mail` feature.

pub(crate) mod body;
pub(crate) mod content_pages;
pub(crate) mod cron;
pub(crate) mod deliver;
pub(crate) mod health;
pub(crate) mod notices;
pub(crate) mod sender;
pub(crate) mod subscribe;
pub(crate) mod subscriber_page;
pub(crate) mod webhook;
