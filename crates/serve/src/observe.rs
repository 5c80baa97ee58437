//! What operators see of each request: the `Server-Timing` header and one structured JSON
//! log line (never the query string, which may hold a preview token).

use contract::text::cut;
use serde::Serialize;

/// Where a request's time went, as measured by the adapter, in whole milliseconds (the
/// resolution of the Workers clock; integers also keep float formatting out of the wasm).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Timing {
    /// `memory` (this isolate's [`crate::memory_cache`]), `hit` or `miss` of the Cache API, or
    /// `bypass` when caching is off or not used for the route.
    pub cache: &'static str,
    /// Milliseconds waiting for KV.
    pub kv_ms: u64,
    /// KV keys read by this request, over all its rounds (a key KV does not hold counts too).
    pub kv_reads: usize,
    /// Values the adapter took from its copies instead of reading KV
    /// ([`contract::kv::reuse_seconds`]); not counted in `kv_reads`.
    pub kv_reused: usize,
    /// Milliseconds in the core (rendering). Workers advance the clock only across I/O, so
    /// on Cloudflare this reads 0 unless rendering waited on something.
    pub render_ms: u64,
    /// Milliseconds from the request's arrival to the response.
    pub total_ms: u64,
}

/// The `Server-Timing` value: `cache;desc=hit, kv;dur=1;desc="2 reads", render;dur=0, total;dur=1`
/// (`"1 reads, 1 reused"` when a value was reused).
pub fn server_timing(t: &Timing) -> String {
    let reused = if t.kv_reused > 0 { format!(", {} reused", t.kv_reused) } else { String::new() };
    format!(
        "cache;desc={}, kv;dur={};desc=\"{} reads{reused}\", render;dur={}, total;dur={}",
        t.cache, t.kv_ms, t.kv_reads, t.render_ms, t.total_ms
    )
}

/// One request as the log line records it.
#[derive(Serialize)]
struct LogLine<'a> {
    method: &'a str,
    path: &'a str,
    status: u16,
    representation: &'a str,
    cache: &'static str,
    kv_reads: usize,
    #[serde(skip_serializing_if = "is_zero")]
    kv_reused: usize,
    kv_ms: u64,
    duration_ms: u64,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Longest path written to the log, in bytes (the rest is cut at a character boundary).
const MAX_LOGGED_PATH: usize = 256;

/// The JSON log line of one request: method, path (no query), status, representation (the
/// media type without parameters), cache status, KV reads and times, and any warnings.
pub fn log_line(
    method: &str,
    path: &str,
    status: u16,
    content_type: Option<&str>,
    t: &Timing,
    warnings: &[String],
) -> String {
    let line = LogLine {
        // Both come from outside: cut on character boundaries, never inside one.
        method: cut(method, 16),
        path: cut(path, MAX_LOGGED_PATH),
        status,
        representation: content_type.and_then(|c| c.split(';').next()).unwrap_or("").trim(),
        cache: t.cache,
        kv_reads: t.kv_reads,
        kv_reused: t.kv_reused,
        kv_ms: t.kv_ms,
        duration_ms: t.total_ms,
        warnings,
    };
    String::from_utf8(render::json::to_bytes(&line)).unwrap_or_default()
}

/// `value` as JSON, for the adapter's own log lines (a string's `{:?}` is not always valid
/// JSON: `\u{7f}`, for one).
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    render::json::to_string(&value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_and_the_log_line_say_the_same() {
        let mut t = Timing { cache: "miss", kv_ms: 3, kv_reads: 2, kv_reused: 0, render_ms: 1, total_ms: 4 };
        assert_eq!(server_timing(&t), "cache;desc=miss, kv;dur=3;desc=\"2 reads\", render;dur=1, total;dur=4");
        let line = log_line("GET", "/releases/x", 200, Some("text/html; charset=utf-8"), &t, &[]);
        let v: serde_json::Value = serde_json::from_str(&line).expect("one JSON object");
        assert_eq!(v["representation"], "text/html");
        assert_eq!(
            (v["status"].as_u64(), v["kv_reads"].as_u64(), v["cache"].as_str()),
            (Some(200), Some(2), Some("miss"))
        );
        assert!(v.get("warnings").is_none() && v.get("kv_reused").is_none() && !line.contains('\n'));
        (t.kv_reads, t.kv_reused) = (1, 1);
        assert!(server_timing(&t).contains("desc=\"1 reads, 1 reused\""));
        let v: serde_json::Value = serde_json::from_str(&log_line("GET", "/", 200, None, &t, &[])).expect("JSON");
        assert_eq!((v["kv_reads"].as_u64(), v["kv_reused"].as_u64()), (Some(1), Some(1)));
    }

    #[test]
    fn long_paths_are_cut_at_a_character_boundary() {
        let path = format!("/{}", "ä".repeat(500));
        let line = log_line("GET", &path, 404, None, &Timing::default(), &["w".into()]);
        let v: serde_json::Value = serde_json::from_str(&line).expect("JSON");
        assert!(v["path"].as_str().expect("path").len() <= MAX_LOGGED_PATH);
        assert_eq!(v["warnings"][0], "w");
    }

    #[test]
    fn a_long_non_ascii_method_is_cut_at_a_character_boundary() {
        // 15 ASCII bytes, then a two-byte character across the 16-byte cut.
        let method = format!("{}ä{}", "X".repeat(15), "Ö".repeat(100));
        let line = log_line(&method, "/", 405, None, &Timing::default(), &[]);
        let v: serde_json::Value = serde_json::from_str(&line).expect("JSON");
        assert_eq!(v["method"], "X".repeat(15));
    }
}
