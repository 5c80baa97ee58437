//! Renderers: decoded records in, bytes out. HTML pages ([`html`]), the JSON API's views
//! ([`json`]), RSS/Atom/JSON Feed ([`feed`], including feeds rendered ahead at build time),
//! sitemaps ([`sitemap`]), Markdown ([`markdown`]), `/llms.txt` ([`llms`]) and subscribers'
//! e-mails with their provider's batch request ([`mail`]), with the pager
//! links they share ([`pager`]) and the default icon ([`icon`]).
//!
//! Architecture invariant: renderers are called, they never call back. Nothing here reads
//! KV, looks at a request or decides a status code; `serve` calls them per request and
//! `publish` calls them ahead of time. Depends on `contract` and `search` only.
#![deny(missing_docs)]

pub mod feed;
pub mod html;
pub mod icon;
pub mod json;
pub mod llms;
pub mod mail;
pub mod markdown;
pub mod pager;
pub mod sitemap;
pub mod vcard;
