//! The go-live schedule a build writes for the mail Worker's Cron Trigger (`index:upcoming`,
//! [`contract::golive`]): which releases to announce when their moment passes.

use chrono::{DateTime, Duration, Utc};
use contract::golive::{Upcoming, UpcomingRecord, WINDOW_HOURS};
use contract::model::SCHEMA_VERSION;

use crate::content::Release;

/// Whether a release of moment `at` is still the trigger's at `now`: later than
/// [`WINDOW_HOURS`] before it. Such a release is in the schedule and keeps its rendered mail
/// (`mail:{slug}`); an older one was mailed already or never will be, so its mail record is
/// left out (and deleted by the publish). Without a time (reproducible test builds) every
/// release keeps its mail record.
pub fn in_window(at: DateTime<Utc>, now: Option<DateTime<Utc>>) -> bool {
    now.is_none_or(|now| at > now - Duration::hours(WINDOW_HOURS))
}

/// The schedule at `now` (the build's time): every published (not draft) release whose
/// moment is later than [`WINDOW_HOURS`] before `now`, oldest first, each marked whether it
/// was already public at `now`. Without a time (reproducible test builds) it is empty:
/// nothing is announced by the trigger.
pub fn upcoming<'a>(releases: impl Iterator<Item = &'a Release>, now: Option<DateTime<Utc>>) -> UpcomingRecord {
    let Some(now) = now else { return UpcomingRecord { v: SCHEMA_VERSION, releases: Vec::new() } };
    let mut releases: Vec<Upcoming> = releases
        .filter(|r| !r.draft && in_window(r.published.at.to_utc(), Some(now)))
        .map(|r| Upcoming {
            slug: r.slug.clone(),
            at: r.published.at,
            publisher: r.publisher.clone(),
            keywords: r.keywords.iter().map(|k| k.slug.clone()).collect(),
            public_at_build: r.published.at <= now,
            notice_at: r.embargo_notice,
            posts: Vec::new(),
        })
        .collect();
    releases.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.slug.cmp(&b.slug)));
    UpcomingRecord { v: SCHEMA_VERSION, releases }
}
