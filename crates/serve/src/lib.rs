//! The serve wing, sans-IO: [`respond`] takes request facts ([`http::RequestFacts`]) and
//! the KV values read so far ([`Loaded`]) and answers with the next keys to read or a full
//! response; [`conditional`] turns that into what this request gets (`304`, `HEAD`).
//! Around it: content negotiation ([`negotiate`]), the isolate's memory cache
//! ([`memory_cache`]) and what operators see of each request ([`observe`]). [`embargo`]
//! reads journalists' personal links; [`subscribe`] holds what both Workers share of the
//! subscription pages. The mail Worker's own logic (subscriptions, delivery, notices,
//! go-live) is the mail wing's, `newsroom-mailing`, which builds on this crate.
//!
//! Architecture invariant: no I/O and no `await`; time comes in with the request facts.
//! Compiled for wasm (the worker) and natively (tests and benchmarks).
//! Depends on `contract`, `search` and `render`, never on `publish`.
#![deny(missing_docs)]

pub mod conditional;
pub mod embargo;
pub mod http;
pub mod memory_cache;
pub mod negotiate;
pub mod observe;
pub mod respond;
pub mod subscribe;

pub use conditional::{delivery, finalize, Delivery, BODY_HEADERS};
pub use respond::{
    cache_key, respond, respond_into, respond_with, too_many_rounds, Loaded, Outcome, MAX_RECORD_BYTES, MAX_ROUNDS,
};
