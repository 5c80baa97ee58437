//! The Cron Trigger's plan, sans-IO: from the settings and the stored go-live schedule
//! (`index:upcoming`, [`contract::golive`]) to the releases to announce now and the feed
//! URLs of each. The adapter claims each in D1 ([`contract::golive::CLAIM_SQL`]) and pings
//! the hub for the ones it claimed.

use chrono::{DateTime, Utc};
use contract::config::Config;
use contract::golive::{due, UpcomingRecord};
use contract::model::SCHEMA_VERSION;

/// What one run of the trigger does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Nothing to announce, and why (for the log line).
    Idle(&'static str),
    /// Tell `hub` about each release's topics, once each release is claimed.
    Announce {
        /// `WEBSUB_HUB`.
        hub: String,
        /// The releases whose moment passed, each with the feed URLs it appears in.
        releases: Vec<Announcement>,
    },
}

/// One release to announce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    /// The release's slug.
    pub slug: String,
    /// Its moment, RFC 3339 as stored (the claim's key with the slug).
    pub moment: String,
    /// Every URL of every feed it appears in.
    pub topics: Vec<String>,
}

/// Why the stored schedule cannot be used (logged; the next publish writes it again).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// Not JSON of the record's shape.
    #[error("index:upcoming is damaged: {0}")]
    Damaged(String),
    /// Written by another schema version.
    #[error("index:upcoming has schema version {0}; this worker reads version {SCHEMA_VERSION}")]
    Version(u32),
}

/// The stored schedule (`index:upcoming`), checked.
pub fn read(bytes: &[u8]) -> Result<UpcomingRecord, ScheduleError> {
    // `from_str` after one UTF-8 check, as every record is read (one serde_json reader type).
    let text = std::str::from_utf8(bytes).map_err(|e| ScheduleError::Damaged(e.to_string()))?;
    let record: UpcomingRecord = serde_json::from_str(text).map_err(|e| ScheduleError::Damaged(e.to_string()))?;
    if record.v != SCHEMA_VERSION {
        return Err(ScheduleError::Version(record.v));
    }
    Ok(record)
}

/// The WebSub plan at `now` for the stored schedule `stored` (`None`: never published).
pub fn plan(config: &Config, stored: Option<&[u8]>, now: DateTime<Utc>) -> Result<Plan, ScheduleError> {
    let Some(hub) = &config.websub_hub else { return Ok(Plan::Idle("WEBSUB_HUB is not set")) };
    let Some(base) = &config.base_url else { return Ok(Plan::Idle("BASE_URL is not set: feed URLs unknown")) };
    let Some(bytes) = stored else { return Ok(Plan::Idle("nothing published yet")) };
    let record = read(bytes)?;
    let releases: Vec<Announcement> = due(&record, now)
        .map(|u| Announcement {
            slug: u.slug.clone(),
            moment: u.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            topics: u.topics(base),
        })
        .collect();
    if releases.is_empty() {
        return Ok(Plan::Idle("no moment passed"));
    }
    Ok(Plan::Announce { hub: hub.clone(), releases })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(hub: Option<&str>, base: Option<&str>) -> Config {
        Config { websub_hub: hub.map(Into::into), base_url: base.map(Into::into), ..Config::default() }
    }

    const STORED: &str = r#"{"v":1,"releases":[
        {"slug":"a","at":"2026-12-01T09:00:00+02:00","publisher":"kymsote","keywords":[]},
        {"slug":"b","at":"2026-12-01T10:00:00+02:00","publisher":"kymsote","keywords":["sote"]}]}"#;

    #[test]
    fn announces_the_passed_moments_on_the_configured_hub() {
        let now = DateTime::parse_from_rfc3339("2026-12-01T07:30:00Z").expect("valid").to_utc();
        let plan = plan(&config(Some("https://hub.example/"), Some("https://x.fi")), Some(STORED.as_bytes()), now);
        let Ok(Plan::Announce { hub, releases }) = plan else { panic!("{plan:?}") };
        assert_eq!(hub, "https://hub.example/");
        assert_eq!(releases.len(), 1);
        assert_eq!((releases[0].slug.as_str(), releases[0].moment.as_str()), ("a", "2026-12-01T09:00:00+02:00"));
        assert_eq!(releases[0].topics.len(), 8, "site and publisher feeds, four URLs each");
    }

    #[test]
    fn idle_without_a_hub_a_base_url_or_a_schedule_and_errors_on_damage() {
        let now = DateTime::parse_from_rfc3339("2026-12-01T07:30:00Z").expect("valid").to_utc();
        let full = config(Some("https://hub.example/"), Some("https://x.fi"));
        assert!(matches!(plan(&config(None, Some("https://x.fi")), Some(b"{}"), now), Ok(Plan::Idle(_))));
        assert!(matches!(plan(&config(Some("https://h/"), None), Some(b"{}"), now), Ok(Plan::Idle(_))));
        assert!(matches!(plan(&full, None, now), Ok(Plan::Idle(_))));
        assert!(matches!(plan(&full, Some(b"not json"), now), Err(ScheduleError::Damaged(_))));
        assert!(matches!(plan(&full, Some(br#"{"v":9,"releases":[]}"#), now), Err(ScheduleError::Version(9))));
    }
}
