//! Request facts and response values: plain data that the adapter converts to and from
//! the runtime's types.

/// The parts of an HTTP request that the core looks at.
#[derive(Debug, Clone, Default)]
pub struct RequestFacts {
    /// Method, upper case (`GET`, `HEAD`, ...).
    pub method: String,
    /// Scheme and host, e.g. `https://news.example.fi`, for absolute URLs.
    pub origin: String,
    /// Path, e.g. `/releases/x` (not percent-decoded).
    pub path: String,
    /// Query string without `?`, if any.
    pub query: Option<String>,
    /// The `Accept` header, if any.
    pub accept: Option<String>,
}

impl RequestFacts {
    /// A GET request for `path_and_query` with an optional `Accept` header (handy in tests).
    pub fn get(path_and_query: &str, accept: Option<&str>) -> Self {
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, Some(q.to_string())),
            None => (path_and_query, None),
        };
        Self {
            method: "GET".into(),
            origin: "http://127.0.0.1:8787".into(),
            path: path.into(),
            query,
            accept: accept.map(str::to_string),
        }
    }

    /// Values of query parameter `name` (no percent-decoding: our parameters are ASCII words).
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .as_deref()?
            .split('&')
            .filter_map(|kv| kv.split_once('=').or(Some((kv, ""))))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }
}

/// A response value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Header names (lower case) and values, in order.
    pub headers: Vec<(&'static str, String)>,
    /// Body bytes (empty for `HEAD`).
    pub body: Vec<u8>,
    /// Warnings for the operator's log (e.g. a damaged record a page skipped).
    pub log: Vec<String>,
}

impl HttpResponse {
    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}
