//! Go-live: what the every-minute Cron Trigger announces when a release's moment passes.
//!
//! A release scheduled for Monday 09:00 is uploaded days ahead, but its feeds only show it
//! from 09:00: `newsroom publish` must not ping the WebSub hub for it at upload time, and the
//! mail Worker's Cron Trigger pings it once the moment has passed. `newsroom build` writes the
//! [`UpcomingRecord`] (`index:upcoming`): every release whose moment is at most
//! [`WINDOW_HOURS`] before the build, scheduled ones included. The trigger reads it, picks the
//! [`due`] ones and claims each `(slug, moment)` once in D1 before it pings, so a second run,
//! or two runs at once, announce nothing again; a moment moved later is a new claim.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use crate::route::{FeedScope, FEED_FILES};

/// Key of the go-live schedule.
pub const UPCOMING_KEY: &str = "index:upcoming";

/// How late the trigger still announces a release whose moment it missed (the trigger was
/// paused, or the release was uploaded after its moment but while the schedule was empty):
/// releases older than this were announced by the publish that uploaded them, or not at all.
pub const WINDOW_HOURS: i64 = 24;

/// `index:upcoming`: the releases whose moment is at most [`WINDOW_HOURS`] before the build
/// that wrote it, or later (scheduled), oldest first.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct UpcomingRecord {
    /// Schema version ([`crate::model::SCHEMA_VERSION`]).
    pub v: u32,
    /// The releases, oldest moment first.
    pub releases: Vec<Upcoming>,
}

/// One release the trigger may announce.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Upcoming {
    /// The release's slug.
    pub slug: String,
    /// Its moment of publication.
    #[serde(deserialize_with = "crate::model::rfc3339")]
    pub at: DateTime<FixedOffset>,
    /// Its publisher's slug (the publisher's feed).
    pub publisher: String,
    /// Its keywords' slugs (their feeds).
    pub keywords: Vec<String>,
    /// Already public when the build ran: the publish that uploaded it pinged its feeds, so
    /// the trigger does not.
    #[serde(default)]
    pub public_at_build: bool,
    /// When its publisher's media list is mailed the release under embargo
    /// (`embargo_notice`), if it is to be.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::model::rfc3339_opt")]
    pub notice_at: Option<DateTime<FixedOffset>>,
    /// Its announcements on its publisher's announcing channels (`announce` in `[social]`),
    /// composed ahead; none for a translation (its family's original is announced) or a
    /// publisher that announces nowhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub posts: Vec<crate::social::SocialPost>,
}

impl Upcoming {
    /// The feeds the release appears in: the site's, its publisher's, each keyword's.
    pub fn feeds(&self) -> Vec<FeedScope> {
        let mut feeds = vec![FeedScope::Site, FeedScope::Publisher(self.publisher.clone())];
        feeds.extend(self.keywords.iter().map(|k| FeedScope::Keyword(k.clone())));
        feeds
    }

    /// The feed URLs (topics) to announce for it on `base_url`: every file name of each of
    /// its [`feeds`](Self::feeds), as each feed names itself with `rel="self"`.
    pub fn topics(&self, base_url: &str) -> Vec<String> {
        self.feeds().iter().flat_map(|scope| feed_urls(scope, base_url)).collect()
    }
}

/// Every URL of one feed on `base_url` (`feed.xml`, `atom.xml`, `feed.json`, negotiated `feed`).
pub fn feed_urls(scope: &FeedScope, base_url: &str) -> Vec<String> {
    let base = format!("{}{}", base_url.trim_end_matches('/'), scope.base_path());
    FEED_FILES.iter().map(|(file, _)| format!("{base}/{file}")).collect()
}

/// The releases of `record` whose embargo notice is due at `now`: its time has come, the
/// moment has not, and it was not already public when the build ran.
pub fn notices_due(record: &UpcomingRecord, now: DateTime<Utc>) -> impl Iterator<Item = &Upcoming> {
    record.releases.iter().filter(move |u| !u.public_at_build && u.at > now && u.notice_at.is_some_and(|n| n <= now))
}

/// The releases of `record` whose moment has passed at `now`, within [`WINDOW_HOURS`]:
/// the ones the trigger mails.
pub fn passed(record: &UpcomingRecord, now: DateTime<Utc>) -> impl Iterator<Item = &Upcoming> {
    let since = now - Duration::hours(WINDOW_HOURS);
    record.releases.iter().filter(move |u| u.at <= now && u.at > since)
}

/// The releases of `record` the trigger announces to the hub at `now`: [`passed`], and not
/// already public when they were uploaded (that publish pinged their feeds).
pub fn due(record: &UpcomingRecord, now: DateTime<Utc>) -> impl Iterator<Item = &Upcoming> {
    passed(record, now).filter(|u| !u.public_at_build)
}

/// Claims the announcement of a release at a moment (`?1` slug, `?2` moment in RFC 3339,
/// `?3` the time of the claim): answers one row only to the one run that claimed it first.
/// The table is `migrations/0001_announcements.sql`.
pub const CLAIM_SQL: &str = "INSERT INTO announcements (slug, moment, claimed_at) VALUES (?1, ?2, ?3) \
                             ON CONFLICT (slug, moment) DO NOTHING RETURNING slug";

/// Gives a claim back (`?1` slug, `?2` moment) when the hub could not be told: the next
/// run tries again.
pub const UNCLAIM_SQL: &str = "DELETE FROM announcements WHERE slug = ?1 AND moment = ?2";

/// The `application/x-www-form-urlencoded` body that tells a hub `topic` has new content
/// (WebSub, W3C Recommendation: `hub.mode=publish`).
pub fn ping_body(topic: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("hub.mode", "publish")
        .append_pair("hub.url", topic)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upcoming(slug: &str, at: &str, public_at_build: bool) -> Upcoming {
        Upcoming {
            slug: slug.into(),
            at: DateTime::parse_from_rfc3339(at).expect("valid"),
            publisher: "kymsote".into(),
            keywords: vec!["sote".into()],
            public_at_build,
            notice_at: None,
            posts: Vec::new(),
        }
    }

    #[test]
    fn a_notice_is_due_from_its_time_until_the_moment() {
        let at = |t: &str| DateTime::parse_from_rfc3339(t).expect("valid");
        let mut u = upcoming("a", "2026-12-03T10:00:00+02:00", false);
        u.notice_at = Some(at("2026-12-02T10:00:00+02:00"));
        let record = UpcomingRecord { v: 1, releases: vec![u, upcoming("b", "2026-12-03T10:00:00+02:00", false)] };
        let due = |t: &str| notices_due(&record, at(t).to_utc()).map(|u| u.slug.clone()).collect::<Vec<_>>();
        assert!(due("2026-12-02T09:59:59+02:00").is_empty());
        assert_eq!(due("2026-12-02T10:00:00+02:00"), ["a"]);
        assert_eq!(due("2026-12-03T09:59:59+02:00"), ["a"]);
        assert!(due("2026-12-03T10:00:00+02:00").is_empty(), "public now: no notice");
        let json = serde_json::to_string(&record).unwrap_or_default();
        assert_eq!(serde_json::from_str::<UpcomingRecord>(&json).ok(), Some(record.clone()));
        assert_eq!(json.matches("notice_at").count(), 1, "absent when there is none");
    }

    #[test]
    fn only_passed_unannounced_moments_within_the_window_are_due() {
        let record = UpcomingRecord {
            v: 1,
            releases: vec![
                upcoming("long-ago", "2026-11-30T08:59:00+02:00", false),
                upcoming("uploaded-public", "2026-12-01T08:00:00+02:00", true),
                upcoming("just-now", "2026-12-01T09:00:00+02:00", false),
                upcoming("later", "2026-12-01T09:01:00+02:00", false),
            ],
        };
        let now = DateTime::parse_from_rfc3339("2026-12-01T07:00:30Z").expect("valid").to_utc();
        let due: Vec<&str> = due(&record, now).map(|u| u.slug.as_str()).collect();
        assert_eq!(due, ["just-now"]);
    }

    #[test]
    fn a_release_is_announced_in_every_feed_it_appears_in() {
        let topics = upcoming("x", "2026-12-01T09:00:00+02:00", false).topics("https://uutiset.example.fi/");
        assert_eq!(topics.len(), 12, "{topics:#?}");
        for t in [
            "https://uutiset.example.fi/feed.xml",
            "https://uutiset.example.fi/publishers/kymsote/atom.xml",
            "https://uutiset.example.fi/keywords/sote/feed.json",
            "https://uutiset.example.fi/keywords/sote/feed",
        ] {
            assert!(topics.contains(&t.to_string()), "{t}");
        }
    }

    #[test]
    fn the_ping_is_form_encoded() {
        assert_eq!(
            ping_body("https://uutiset.example.fi/keywords/sote/feed.xml?a=1&b"),
            "hub.mode=publish&hub.url=https%3A%2F%2Fuutiset.example.fi%2Fkeywords%2Fsote%2Ffeed.xml%3Fa%3D1%26b"
        );
    }
}
