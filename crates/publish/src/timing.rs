//! When each release goes live, said before anything is uploaded: one line per release a
//! publish changes ("public now", "scheduled for 10.12.2026 10:00 EET (in 3 days)",
//! "cancelled", "withdrawn (410)"), and the moments that would break an embargo or surprise
//! its publisher: an embargo notice whose moment has passed, a new release dated in the past,
//! translations that go live at different moments.
//!
//! `newsroom check` knows nothing of what a namespace holds ([`Known`] is `None`): it lists
//! the drafts, the scheduled releases and those that went live in the last week. `publish`,
//! `publish --dry-run` and `status` compare with the namespace, and list exactly the new,
//! changed and removed releases.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, Duration, Utc};
use contract::model::{Precision, Timestamp};

use crate::content::{Diagnostic, Release, Site};
use crate::manifest::Manifest;

/// How far back `check` (which cannot tell new releases from old) lists public ones.
pub const RECENT_DAYS: i64 = 7;
/// A new release dated further back than this is probably a typo of a future date.
pub const BACKDATED_HOURS: i64 = 24;

/// What a namespace holds, as far as timing needs it.
pub struct Known<'a> {
    /// Slugs of the releases whose record is new to the namespace.
    pub new: BTreeSet<String>,
    /// Slugs of the releases whose record changed.
    pub changed: BTreeSet<String>,
    /// The namespace's manifest (`None` for a namespace never published to: then nothing is
    /// "backdated", as the first publish loads an archive).
    pub previous: Option<&'a Manifest>,
    /// Removed releases whose tombstones are deleted (`--purge`).
    pub purged: &'a [String],
}

/// What happens to a release's address when this content is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Visible to everyone (since this moment).
    Public(Timestamp),
    /// Invisible until this moment, then public by itself.
    Scheduled(Timestamp),
    /// Uploaded as a record only a preview link opens.
    Draft,
    /// Removed before it was ever public: a plain 404, no trace in lists or feeds.
    Cancelled,
    /// Removed after it was public: `410 Gone` naming its title.
    Withdrawn,
    /// Removed and purged (`--purge`): 404, its title gone too.
    Purged,
}

/// How a release differs from what the namespace holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Not there yet.
    New,
    /// There, with other content.
    Changed,
    /// There, and no longer in `content/`.
    Removed,
    /// Unknown (`check`, which compares with no namespace).
    Listed,
}

/// One line of the timing summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The release's slug.
    pub slug: String,
    /// How it differs from the namespace.
    pub change: Change,
    /// What its address will answer.
    pub state: State,
    /// The time the line was made at (for "in 3 days").
    pub now: DateTime<Utc>,
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let change = match self.change {
            Change::New => "new",
            Change::Changed => "changed",
            Change::Removed => "removed",
            Change::Listed => "",
        };
        let state = match &self.state {
            State::Public(at) if at.at > self.now - Duration::days(RECENT_DAYS) => {
                format!("public now (since {}, {})", moment(at), relative(at.at.to_utc(), self.now))
            }
            State::Public(at) => format!("public now (dated {})", moment(at)),
            State::Scheduled(at) => format!("scheduled for {} ({})", moment(at), relative(at.at.to_utc(), self.now)),
            State::Draft => "draft: only a preview link opens it".into(),
            State::Cancelled => {
                "cancelled: it was never public, its address stays a 404, and journalists told of it under embargo \
                 get a cancellation"
                    .into()
            }
            State::Withdrawn => "withdrawn (410): its address answers 410 Gone with its title".into(),
            State::Purged => "withdrawn and purged: its address answers 404".into(),
        };
        match change {
            "" => write!(f, "{}: {state}", self.slug),
            change => write!(f, "{change:<8} {}: {state}", self.slug),
        }
    }
}

/// The timing of a publish: its lines, and what stops it or deserves a warning.
#[derive(Debug, Default)]
pub struct Review {
    /// One line per release this publish changes (or, for `check`, per release not plainly public).
    pub lines: Vec<Line>,
    /// Problems that stop the publish: an embargo notice whose moment has passed.
    pub errors: Vec<Diagnostic>,
    /// Problems that stop it only with `--strict`: backdated new releases, translations
    /// with different moments.
    pub warnings: Vec<Diagnostic>,
}

/// Reviews the timing of `site` at `now` against what the namespace holds (`known`; `None`
/// for `check`).
pub fn review(site: &Site, known: Option<&Known>, now: DateTime<Utc>) -> Review {
    let mut review = Review::default();
    let mut releases: Vec<&Release> = site.releases.iter().collect();
    releases.sort_by(|a, b| a.published.at.cmp(&b.published.at).then_with(|| a.slug.cmp(&b.slug)));
    for r in releases {
        let state = if r.draft {
            State::Draft
        } else if r.published.at.to_utc() > now {
            State::Scheduled(r.published.clone())
        } else {
            State::Public(r.published.clone())
        };
        let change = match known {
            Some(k) if k.new.contains(&r.slug) => Change::New,
            Some(k) if k.changed.contains(&r.slug) => Change::Changed,
            Some(_) => continue,
            None if matches!(&state, State::Public(at) if at.at.to_utc() <= now - Duration::days(RECENT_DAYS)) => {
                continue
            }
            None => Change::Listed,
        };
        if let Some(k) = known.filter(|_| !r.draft) {
            check_moment(r, k, change, now, &mut review);
        }
        review.lines.push(Line { slug: r.slug.clone(), change, state, now });
    }
    if let Some(previous) = known.and_then(|k| k.previous.map(|m| (k, m))) {
        let (k, manifest) = previous;
        let here: BTreeSet<&str> = site.releases.iter().filter(|r| !r.draft).map(|r| r.slug.as_str()).collect();
        for stub in manifest.releases.iter().filter(|s| !here.contains(s.slug.as_str())) {
            let state = match stub.published_at {
                Some(at) if at.to_utc() > now => State::Cancelled,
                _ if k.purged.contains(&stub.slug) => State::Purged,
                _ => State::Withdrawn,
            };
            review.lines.push(Line { slug: stub.slug.clone(), change: Change::Removed, state, now });
        }
    }
    review.warnings.extend(translation_moments(site, now));
    review
}

/// An embargo notice whose moment has passed stops the publish of a new release, or of one
/// whose moment moved: the media list would never get it under embargo. A new release dated
/// more than [`BACKDATED_HOURS`] back is a warning: it would be public at once, unannounced.
fn check_moment(r: &Release, k: &Known, change: Change, now: DateTime<Utc>, review: &mut Review) {
    let before = k.previous.and_then(|m| m.releases.iter().find(|s| s.slug == r.slug)).and_then(|s| s.published_at);
    let moved = change == Change::New || before.is_some_and(|at| at != r.published.at);
    if let Some(notice) = r.embargo_notice.filter(|n| moved && n.to_utc() <= now) {
        let public = if r.published.at.to_utc() <= now { " and it would be public at once" } else { "" };
        review.errors.push(Diagnostic {
            path: r.path.clone(),
            line: r.moment_lines.1.max(1),
            message: format!(
                "the journalists' notice of `embargo_notice` was due at {} ({}), so the media list would never get \
                 this release under embargo{public}: move `published_at` to the moment you mean (the notice moves \
                 with it), or delete `embargo_notice` to publish without one",
                short(notice, &r.published.zone),
                relative(notice.to_utc(), now)
            ),
        });
        return;
    }
    let backdated = r.published.at.to_utc() < now - Duration::hours(BACKDATED_HOURS);
    if change == Change::New && backdated && k.previous.is_some() {
        review.warnings.push(Diagnostic {
            path: r.path.clone(),
            line: r.moment_lines.0,
            message: format!(
                "this new release is dated {} ({}): it would be public at once, listed under that date rather than \
                 first, and no subscriber would be mailed. If you meant a future moment, correct `published_at`; an \
                 old release added to the archive on purpose is published without `--strict`",
                moment(&r.published),
                relative(r.published.at.to_utc(), now)
            ),
        });
    }
}

/// A warning for translations that go live at different moments while either is still to
/// come: one language would be public first, under the other's embargo. Said once per pair,
/// in the file of the one that goes live first.
fn translation_moments(site: &Site, now: DateTime<Utc>) -> Vec<Diagnostic> {
    let by_slug: BTreeMap<&str, &Release> = site.releases.iter().map(|r| (r.slug.as_str(), r)).collect();
    let mut pairs: BTreeSet<(&str, &str)> = BTreeSet::new();
    for r in site.releases.iter().filter(|r| !r.draft) {
        for t in r.translations.1.iter().filter_map(|slug| by_slug.get(slug.as_str())).filter(|t| !t.draft) {
            pairs.insert(if r.slug < t.slug { (&r.slug, &t.slug) } else { (&t.slug, &r.slug) });
        }
    }
    let mut out = Vec::new();
    for (a, b) in pairs {
        let (Some(a), Some(b)) = (by_slug.get(a), by_slug.get(b)) else { continue };
        let (first, second) = if a.published.at <= b.published.at { (a, b) } else { (b, a) };
        if first.published.at == second.published.at || second.published.at.to_utc() <= now {
            continue;
        }
        out.push(Diagnostic {
            path: first.path.clone(),
            line: first.moment_lines.0,
            message: format!(
                "this release goes live at {}, its translation `{}` at {}: the {} text would be public first. Give \
                 both the same `published_at`",
                moment(&first.published),
                second.slug,
                moment(&second.published),
                language_name(&first.lang)
            ),
        });
    }
    out
}

/// A moment as communications officers write it: `10.12.2026 10:00 EET`, or the date alone.
pub fn moment(ts: &Timestamp) -> String {
    let local = ts.at.naive_local();
    match ts.precision {
        Precision::Day => local.format("%-d.%-m.%Y").to_string(),
        Precision::Second => format!("{} {}", local.format("%-d.%-m.%Y %H:%M"), ts.zone),
    }
}

/// A notice moment as [`moment`] writes one, in its own offset, named by the zone of the
/// release's moment.
fn short(at: chrono::DateTime<chrono::FixedOffset>, zone: &str) -> String {
    format!("{} {zone}", at.naive_local().format("%-d.%-m.%Y %H:%M"))
}

/// "in 3 days", "5 hours ago", "in 20 minutes".
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let span = (at - now).abs();
    let amount = if span >= Duration::days(2) {
        format!("{} days", span.num_days())
    } else if span >= Duration::hours(2) {
        format!("{} hours", span.num_hours())
    } else {
        let minutes = span.num_minutes();
        format!("{minutes} minute{}", if minutes == 1 { "" } else { "s" })
    };
    if at >= now {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

/// A language's name in messages.
fn language_name(tag: &str) -> String {
    match tag.split('-').next().unwrap_or(tag) {
        "fi" => "Finnish".into(),
        "sv" => "Swedish".into(),
        "en" => "English".into(),
        other => format!("`{other}`"),
    }
}

#[cfg(test)]
mod tests;
