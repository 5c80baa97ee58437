//! The publish wing (native only): content files are parsed and checked ([`content`]),
//! turned into KV records ([`build`], [`records`]) with the manifest of what a build wrote
//! ([`manifest`]), compared with what KV holds ([`sync`]), announced to WebSub hubs
//! ([`websub`]) or scheduled for the mail Worker's Cron Trigger ([`schedule`]) and described for API clients ([`openapi`]). [`gen`] makes synthetic
//! content for benchmarks. [`video`] reads a video's container and captions for the check;
//! [`r2`] lists the files a build keeps in R2. [`social`] composes releases' social media
//! posts ahead and lists the feeds the scheduled Worker fetches.
//!
//! Architecture invariant: nothing here is compiled into the worker, and nothing here does
//! I/O of its own: the CLI reads the files and runs wrangler. Depends on `contract`,
//! `search` and `render`, never on `serve`.
#![deny(missing_docs)]

pub mod build;
pub mod content;
#[cfg(feature = "gen")]
pub mod gen;
pub mod manifest;
pub mod openapi;
pub mod pages;
pub mod photo;
pub mod r2;
pub mod records;
pub mod schedule;
pub mod social;
pub mod sync;
pub mod timing;
pub mod video;
pub mod websub;
