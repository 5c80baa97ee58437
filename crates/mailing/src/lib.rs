//! The mail wing, sans-IO: everything the mail Worker decides, with no I/O of its own.
//! [`subscribe`] reads the subscription form's posts and links; [`subscriber_settings`] is a
//! subscriber's own page; [`delivery`] plans and renders the mails of a release;
//! [`notices`] the embargo mails to media lists and what follows them; [`golive`] plans
//! what the Cron Trigger announces; [`dead_letters`] keeps the jobs that failed at every
//! try; [`bounces`] reads the provider's webhook; and [`delivery_report`] says what became
//! of the mail. [`social_posts`] announces releases on Mastodon and Bluesky at their moment
//! and [`social_feeds`] reads publishers' public feeds into their newsroom page. The SQL
//! each runs on D1 sits next to it (`sql` modules; `migrations/`).
//!
//! Architecture invariant: no I/O and no `await`; time comes in as arguments. Compiled for
//! wasm (the mail Worker) and natively (the CLI's reports, tests). Depends on `contract`,
//! `render` and `serve` (the request and response types, the pages both Workers share);
//! the readers' Worker never links it.
#![deny(missing_docs)]

pub mod bounces;
pub mod dead_letters;
pub mod delivery;
pub mod delivery_report;
pub mod golive;
pub mod notices;
pub mod social_feeds;
pub mod social_posts;
pub mod subscribe;
pub mod subscriber_settings;
