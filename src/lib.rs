//! The newsroom core: a pure, synchronous library that knows nothing of Workers.
//!
//! Content files are parsed and checked ([`content`]), turned into KV records ([`build`]),
//! and served by [`respond`], a function from request facts plus the KV values it asked
//! for to a response value. The wasm adapter (`worker/`) and the publisher CLI
//! (`src/bin/newsroom/`) are thin shells around it.
#![deny(missing_docs)]

pub mod build;
pub mod cache;
pub mod conditional;
pub mod config;
pub mod content;
pub mod error;
pub mod feed;
#[cfg(feature = "gen")]
pub mod gen;
pub mod html;
pub mod http;
pub mod i18n;
pub mod json;
pub mod kv;
pub mod manifest;
pub mod markdown;
pub mod media;
pub mod memory_cache;
pub mod model;
pub mod negotiate;
pub mod observe;
#[cfg(not(target_arch = "wasm32"))]
pub mod openapi;
pub mod preview;
pub mod respond;
pub mod route;
pub mod search;
pub mod sitemap;
pub mod slug;
pub mod sync;
pub mod time;
pub mod websub;

pub use respond::{
    cache_key, delivery, finalize, respond, respond_into, respond_with, Delivery, Loaded, Outcome, BODY_HEADERS,
    MAX_RECORD_BYTES,
};
