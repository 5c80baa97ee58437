//! The contract: everything the publish wing writes and the serve wing reads, and nothing
//! else. KV record types and key names with their schema versions ([`model`], [`kv`]),
//! settings ([`config`], [`cache`]), times ([`time`]), languages and labels ([`i18n`]),
//! slugs ([`slug`]), media files ([`media`]) and videos in R2 ([`video`]), URL shapes ([`route`]), representations
//! ([`format`]), request errors ([`error`]), preview tokens ([`preview`]), e-mail
//! subscriptions: addresses, scopes and their signed links ([`subscription`]), the go-live schedule the Cron Trigger reads
//! ([`golive`]) and markup
//! escaping ([`text`]).
//!
//! Architecture invariant: this crate depends on no other crate of the workspace. A change
//! here is a change of the contract: both wings, and the records already in KV, must agree.
#![deny(missing_docs)]

pub mod cache;
pub mod config;
pub mod database;
pub mod error;
pub mod format;
pub mod golive;
pub mod i18n;
pub mod journalist;
pub mod kv;
pub mod media;
pub mod model;
pub mod pages;
pub mod preview;
pub mod route;
pub mod slug;
pub mod social;
pub mod subscription;
pub mod text;
pub mod time;
pub mod video;
