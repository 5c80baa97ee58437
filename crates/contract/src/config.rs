//! Deployment settings: the `[vars]` of `wrangler.toml` (per `[env.*]`), read by the worker
//! on every request and by the CLI when it builds, both through [`Config::from_vars`], so a
//! bad value is refused the same way in both places, naming the variable.

use crate::cache::Ttls;

/// Largest `PAGE_SIZE` accepted: releases on one list or search page.
pub const MAX_PAGE_SIZE: usize = 100;
/// Largest `FEED_SIZE` accepted: items in one feed.
pub const MAX_FEED_SIZE: usize = 200;
/// Longest TTL accepted, in seconds (one day).
pub const MAX_TTL: u32 = 86_400;

/// The validated settings of one deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `SITE_NAME`; `None` uses the word for "newsroom" in the page's language.
    pub site_name: Option<String>,
    /// `BASE_URL` without a trailing slash; `None` uses the request's origin.
    pub base_url: Option<String>,
    /// `DEFAULT_LANG`: language of the site-wide pages, lists and feeds (default `fi`).
    pub lang: String,
    /// `PAGE_SIZE`: releases on a list or search page, 1 to [`MAX_PAGE_SIZE`] (default 20).
    pub page_size: usize,
    /// `FEED_SIZE`: items a feed record keeps and a feed shows, 1 to [`MAX_FEED_SIZE`]
    /// (default 50); also the largest `?limit=` of a feed.
    pub feed_size: usize,
    /// `RELEASE_TTL`, `LIST_TTL`, `FEED_TTL`.
    pub ttls: Ttls,
    /// `WEBSUB_HUB`: the hub feeds advertise (`rel="hub"`) and `newsroom publish` pings;
    /// `None`: no hub.
    pub websub_hub: Option<String>,
    /// `CACHE` is not `off`: responses are kept in the Cache API.
    pub use_cache: bool,
    /// `CACHE` is `on` (not `shared` or `off`): each isolate also keeps what it rendered in
    /// memory (`serve::memory_cache`).
    pub use_memory_cache: bool,
    /// `LOG_REQUESTS` is `all` (the default), not `errors`.
    pub log_every_request: bool,
    /// `TRACE_KV` is `on`: responses name the KV keys they read (`x-kv-keys`), for benchmarks.
    pub trace_kv: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            site_name: None,
            base_url: None,
            lang: "fi".into(),
            page_size: 20,
            feed_size: 50,
            ttls: Ttls::default(),
            websub_hub: None,
            use_cache: true,
            use_memory_cache: true,
            log_every_request: true,
            trace_kv: false,
        }
    }
}

/// A variable with a value the newsroom cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration variable {var} = {value:?} is not valid: {expected}")]
pub struct ConfigError {
    /// The variable's name, e.g. `PAGE_SIZE`.
    pub var: &'static str,
    /// The value found (cut to 80 characters).
    pub value: String,
    /// What it must be.
    pub expected: String,
}

impl Config {
    /// Reads and checks every variable through `get` (unset or empty: the default).
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let d = Config::default();
        let var = |name: &str| get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let ttl = |name: &'static str, default: u32| {
            var(name).map_or(Ok(default), |v| number(name, &v, 0, MAX_TTL as usize).map(|n| n as u32))
        };
        let cache = var("CACHE");
        let cache = match cache.as_deref() {
            None | Some("on" | "shared" | "off") => cache.as_deref(),
            Some(other) => return Err(invalid("CACHE", other, "`on`, `shared` or `off`")),
        };
        Ok(Config {
            site_name: var("SITE_NAME").map(|v| site_name(&v)).transpose()?,
            base_url: var("BASE_URL").map(|v| base_url("BASE_URL", &v)).transpose()?,
            lang: var("DEFAULT_LANG").map_or(Ok(d.lang), |v| language("DEFAULT_LANG", &v))?,
            page_size: var("PAGE_SIZE").map_or(Ok(d.page_size), |v| number("PAGE_SIZE", &v, 1, MAX_PAGE_SIZE))?,
            feed_size: var("FEED_SIZE").map_or(Ok(d.feed_size), |v| number("FEED_SIZE", &v, 1, MAX_FEED_SIZE))?,
            ttls: Ttls {
                release: ttl("RELEASE_TTL", d.ttls.release)?,
                list: ttl("LIST_TTL", d.ttls.list)?,
                feed: ttl("FEED_TTL", d.ttls.feed)?,
            },
            websub_hub: var("WEBSUB_HUB").map(|v| base_url("WEBSUB_HUB", &v).map(|_| v)).transpose()?,
            use_cache: cache != Some("off"),
            use_memory_cache: cache.is_none() || cache == Some("on"),
            log_every_request: match var("LOG_REQUESTS").as_deref() {
                None | Some("all") => true,
                Some("errors") => false,
                Some(other) => return Err(invalid("LOG_REQUESTS", other, "`all` or `errors`")),
            },
            trace_kv: match var("TRACE_KV").as_deref() {
                None | Some("off") => false,
                Some("on") => true,
                Some(other) => return Err(invalid("TRACE_KV", other, "`on` or `off`")),
            },
        })
    }

    /// The site's name on pages in `lang`.
    pub fn site_name(&self, lang: &str) -> &str {
        self.site_name.as_deref().unwrap_or(crate::i18n::labels(lang).site)
    }
}

fn invalid(var: &'static str, value: &str, expected: &str) -> ConfigError {
    ConfigError { var, value: value.chars().take(80).collect(), expected: expected.to_string() }
}

/// `text` as a whole number from `min` to `max`, written plainly (no sign): the one rule for
/// numbers in settings and in query strings.
pub fn whole_number(text: &str, min: usize, max: usize) -> Option<usize> {
    text.parse::<usize>().ok().filter(|n| (min..=max).contains(n) && !text.starts_with('+'))
}

fn number(var: &'static str, v: &str, min: usize, max: usize) -> Result<usize, ConfigError> {
    whole_number(v, min, max).ok_or_else(|| invalid(var, v, &format!("a whole number from {min} to {max}")))
}

fn site_name(v: &str) -> Result<String, ConfigError> {
    if v.chars().count() > 80 || v.chars().any(char::is_control) {
        return Err(invalid("SITE_NAME", v, "at most 80 characters, no control characters"));
    }
    Ok(v.to_string())
}

fn language(var: &'static str, v: &str) -> Result<String, ConfigError> {
    match crate::i18n::is_language_tag(v) {
        true => Ok(v.to_string()),
        false => Err(invalid(var, v, "a lower-case language tag such as fi, sv or en")),
    }
}

/// An absolute `http(s)` URL; for `BASE_URL` only scheme, host and port (no path or query).
fn base_url(var: &'static str, v: &str) -> Result<String, ConfigError> {
    let expected = match var {
        "BASE_URL" => "an absolute https:// URL of a host, without path, query or fragment",
        _ => "an absolute https:// URL",
    };
    let rest = v.strip_prefix("https://").or_else(|| v.strip_prefix("http://"));
    let Some(rest) = rest else { return Err(invalid(var, v, expected)) };
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    let host_ok = !host.is_empty()
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    let rest_ok = match var {
        "BASE_URL" => path.is_empty(),
        _ => !path.contains(char::is_whitespace),
    };
    match host_ok && rest_ok {
        true => Ok(v.trim_end_matches('/').to_string()),
        false => Err(invalid(var, v, expected)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_vars(|name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn unset_and_empty_variables_take_the_defaults() {
        assert_eq!(with(&[]), Ok(Config::default()));
        assert_eq!(with(&[("PAGE_SIZE", " "), ("SITE_NAME", "")]), Ok(Config::default()));
    }

    #[test]
    fn every_variable_is_read() {
        let c = with(&[
            ("SITE_NAME", "Kymenlaakson uutiset"),
            ("BASE_URL", "https://uutiset.example.fi/"),
            ("DEFAULT_LANG", "sv"),
            ("PAGE_SIZE", "10"),
            ("FEED_SIZE", "25"),
            ("RELEASE_TTL", "600"),
            ("LIST_TTL", "0"),
            ("FEED_TTL", "120"),
            ("WEBSUB_HUB", "https://pubsubhubbub.appspot.com/"),
            ("CACHE", "off"),
            ("LOG_REQUESTS", "errors"),
            ("TRACE_KV", "on"),
        ])
        .expect("valid");
        assert_eq!(c.site_name("fi"), "Kymenlaakson uutiset");
        assert_eq!(c.base_url.as_deref(), Some("https://uutiset.example.fi"));
        assert_eq!((c.lang.as_str(), c.page_size, c.feed_size), ("sv", 10, 25));
        assert_eq!(c.ttls, Ttls { release: 600, list: 0, feed: 120 });
        assert_eq!(c.websub_hub.as_deref(), Some("https://pubsubhubbub.appspot.com/"));
        assert!(!c.use_cache && !c.use_memory_cache && !c.log_every_request && c.trace_kv);
        assert!(!Config::default().trace_kv);
        let shared = with(&[("CACHE", "shared")]).expect("valid");
        assert!(shared.use_cache && !shared.use_memory_cache);
        let on = with(&[("CACHE", "on")]).expect("valid");
        assert!(on.use_cache && on.use_memory_cache);
    }

    #[test]
    fn a_bad_value_names_its_variable_and_what_it_must_be() {
        let cases = [
            ("PAGE_SIZE", "twenty", "from 1 to 100"),
            ("PAGE_SIZE", "0", "from 1 to 100"),
            ("FEED_SIZE", "+5", "from 1 to 200"),
            ("FEED_TTL", "-1", "from 0 to 86400"),
            ("BASE_URL", "uutiset.example.fi", "absolute https://"),
            ("BASE_URL", "https://example.fi/news", "without path"),
            ("WEBSUB_HUB", "ftp://hub", "absolute https://"),
            ("DEFAULT_LANG", "Finnish", "language tag"),
            ("SITE_NAME", "a\u{7}b", "control"),
            ("CACHE", "yes", "`on`, `shared` or `off`"),
            ("LOG_REQUESTS", "some", "`all` or `errors`"),
            ("TRACE_KV", "yes", "`on` or `off`"),
        ];
        for (var, value, expected) in cases {
            let e = with(&[(var, value)]).expect_err(var);
            assert_eq!((e.var, e.value.as_str()), (var, value));
            assert!(e.to_string().contains(expected) && e.to_string().contains(var), "{e}");
        }
    }
}
