//! Request errors: one enum, one place that maps each to a status code.

use chrono::{DateTime, FixedOffset};

use crate::format::Format;

/// A KV value that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("KV record `{key}` is unusable: {reason}")]
pub struct DataError {
    /// The KV key.
    pub key: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Why a request gets no regular answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// Nothing at this path (or the record does not exist).
    #[error("Nothing is published at {0}.")]
    NotFound(String),
    /// A release scheduled for later: answered exactly like a missing one, so it does not leak.
    #[error("Nothing is published at {0}.")]
    Scheduled(String, DateTime<FixedOffset>),
    /// A release its publisher removed: its title and publisher's name.
    #[error("The release “{0}” has been removed by {1} and is no longer available.")]
    Gone(String, String),
    /// The method is not supported here.
    #[error("The method {0} is not allowed here; use GET, HEAD or OPTIONS.")]
    MethodNotAllowed(String),
    /// A malformed query parameter.
    #[error("{0}")]
    BadRequest(String),
    /// No representation matches `Accept`; the formats on offer.
    #[error("None of the available representations is acceptable. Available: {}.", list(.0))]
    NotAcceptable(&'static [Format]),
    /// A `wrangler.toml` variable has a value the newsroom cannot use.
    #[error("The newsroom is misconfigured: {0}. The operators must fix wrangler.toml and deploy again.")]
    Config(crate::config::ConfigError),
    /// KV or the Cache API failed; the reader should retry.
    #[error("The newsroom cannot reach its storage right now. Please try again in a minute.")]
    Unavailable(String),
    /// A stored record is damaged.
    #[error("This resource cannot be shown because its stored data is damaged. The operators have been notified.")]
    BadData(DataError),
}

/// `text/html (?format=html), ...` for messages.
fn list(formats: &[Format]) -> String {
    formats.iter().map(|f| format!("{} (?format={})", f.media_type(), f.query_name())).collect::<Vec<_>>().join(", ")
}

impl HttpError {
    /// The status this error is answered with: 400, 404 (for a scheduled release too, so it
    /// does not leak), 405, 406, 410, 500 or 503.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::NotFound(_) | Self::Scheduled(..) => 404,
            Self::MethodNotAllowed(_) => 405,
            Self::Gone(..) => 410,
            Self::NotAcceptable(_) => 406,
            Self::BadData(_) | Self::Config(_) => 500,
            Self::Unavailable(_) => 503,
        }
    }

    /// Stable machine-readable code for JSON bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::NotFound(_) | Self::Scheduled(..) => "not_found",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::Gone(..) => "gone",
            Self::NotAcceptable(_) => "not_acceptable",
            Self::BadData(_) => "damaged_record",
            Self::Config(_) => "bad_configuration",
            Self::Unavailable(_) => "unavailable",
        }
    }

    /// The full story for the operator's log (the public body stays vague for damaged data).
    pub fn to_string_for_log(&self) -> String {
        match self {
            HttpError::BadData(d) => d.to_string(),
            HttpError::Unavailable(what) => format!("storage unavailable: {what}"),
            other => other.to_string(),
        }
    }
}
