//! The readers' Worker (`wrangler.toml`): every page, feed and search from the isolate's
//! memory, the Cache API or KV (`pages.rs`), journalists' personal links checked in D1
//! (`embargo.rs`), and its part of `/healthz` (`health.rs`: D1). What it answers is the
//! serve wing's (`newsroom-serve`); this folder is its reads. Built with the `readers`
//! feature; the mail Worker's requests it hands over in its entry module (worker/js/shim.js).

pub(crate) mod embargo;
pub(crate) mod health;
pub(crate) mod pages;
