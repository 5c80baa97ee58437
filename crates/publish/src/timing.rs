//! When each release goes live, said before anything is uploaded: one line per release a
//! publish changes ("public now", "scheduled for 10.12.2026 10:00 EET (in 3 days)",
//! "cancelled", "withdrawn (410)"), and the moments that would break an embargo or surprise
//! its publisher: a past `published_at` with an embargo notice (an error), a new release
//! dated in the past and translations that go live at different moments (warnings), a
//! notice that goes out late (a note).
//!
//! `newsroom check` knows nothing of what a namespace holds ([`Known`] is `None`): it lists
//! the drafts, the scheduled releases and those that went live in the last week. `publish`,
//! `publish --dry-run` and `status` compare with the namespace, and list exactly the new,
//! changed and removed releases.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
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
    /// Only these releases' problems are said (`--timing-of`: a pull request's own releases,
    /// on a staging namespace other pull requests publish to as well); `None`: every one's.
    pub only: Option<BTreeSet<String>>,
}

impl Known<'_> {
    /// Whether problems of `slug` are said.
    fn concerns(&self, slug: &str) -> bool {
        self.only.as_ref().is_none_or(|only| only.contains(slug))
    }

    /// Whether `slug` is new or changed in this publish.
    fn touches(&self, slug: &str) -> bool {
        self.new.contains(slug) || self.changed.contains(slug)
    }
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
    /// The social media accounts the release will be posted to at its moment (its
    /// publisher's `announce`), when the Cron Trigger will still post it.
    pub announced_on: Vec<&'static str>,
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
        let posted = match (&self.state, self.announced_on.as_slice()) {
            (_, []) => String::new(),
            (State::Scheduled(_), on) => format!("; posted then to {}", on.join(" and ")),
            (State::Public(_), on) => {
                format!("; posted to {} within a minute, unless it was already", on.join(" and "))
            }
            _ => String::new(),
        };
        match change {
            "" => write!(f, "{}: {state}{posted}", self.slug),
            change => write!(f, "{change:<8} {}: {state}{posted}", self.slug),
        }
    }
}

/// The timing of a publish: its lines, and what stops it or deserves a warning.
#[derive(Debug, Default)]
pub struct Review {
    /// One line per release this publish changes (or, for `check`, per release not plainly public).
    pub lines: Vec<Line>,
    /// Problems that stop the publish: a past `published_at` on a new or moved release with
    /// an embargo notice.
    pub errors: Vec<Diagnostic>,
    /// Problems that stop it only with `--strict`: backdated new releases, translations
    /// with different moments.
    pub warnings: Vec<Diagnostic>,
    /// What is worth knowing and never stops anything: an embargo notice that goes out late.
    pub notes: Vec<Diagnostic>,
}

/// Whether `r` is posted for its family: in its publisher's language, or in no family at all
/// (as `build` decides, but for families with no member in the publisher's language).
fn is_original(site: &Site, r: &Release, publisher_lang: &str) -> bool {
    r.lang == publisher_lang
        || (r.translations.1.is_empty() && !site.releases.iter().any(|o| o.translations.1.contains(&r.slug)))
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
        if let Some(k) = known.filter(|k| !r.draft && k.concerns(&r.slug)) {
            let zone = site.publishers.get(&r.publisher).map_or(chrono_tz::Europe::Helsinki, |p| p.zone);
            check_moment(r, k, change, (now, zone), &mut review);
        }
        // The trigger posts what went public within its window, translations apart (their
        // original is posted: `build` knows which that is, this says it of each).
        let posts = crate::schedule::in_window(r.published.at.to_utc(), Some(now)) && !r.draft;
        let announced_on = match site.publishers.get(&r.publisher) {
            Some(p) if posts && is_original(site, r, &p.lang) => p.announce.iter().map(|p| p.name()).collect(),
            _ => Vec::new(),
        };
        review.lines.push(Line { slug: r.slug.clone(), change, state, now, announced_on });
    }
    if let Some(previous) = known.and_then(|k| k.previous.map(|m| (k, m))) {
        let (k, manifest) = previous;
        let here: BTreeSet<&str> = site.releases.iter().filter(|r| !r.draft).map(|r| r.slug.as_str()).collect();
        for stub in manifest.releases.iter().filter(|s| !here.contains(s.slug.as_str())) {
            let state = match stub.published_at {
                _ if k.purged.contains(&stub.slug) => State::Purged,
                Some(at) if at.to_utc() > now => State::Cancelled,
                _ => State::Withdrawn,
            };
            review.lines.push(Line {
                slug: stub.slug.clone(),
                change: Change::Removed,
                state,
                now,
                announced_on: Vec::new(),
            });
        }
    }
    review.warnings.extend(translation_moments(site, known, now));
    review
}

/// The moment of a new release, or of one whose moment moved, against its embargo notice
/// and the clock:
/// - a `published_at` already past with an `embargo_notice` stops the publish: the release
///   would be public at once, and the media list would never get it under embargo (the
///   date slip: a past date typed for a future one);
/// - a notice whose time has passed, before a moment still to come, is a note: the Cron
///   Trigger sends it at once, later than asked, unless the journalists were told of the
///   earlier moment already (they get an update);
/// - a new release dated more than [`BACKDATED_HOURS`] back is a warning: public at once,
///   listed under that date, no subscriber mailed.
///
/// Nothing is said of the first publish to an empty namespace: it loads an archive.
fn check_moment(r: &Release, k: &Known, change: Change, (now, zone): (DateTime<Utc>, Tz), review: &mut Review) {
    if k.previous.is_none() {
        return;
    }
    let before = k.previous.and_then(|m| m.releases.iter().find(|s| s.slug == r.slug)).and_then(|s| s.published_at);
    let moved = change == Change::New || before.is_some_and(|at| at != r.published.at);
    let at = r.published.at.to_utc();
    if let Some(notice) = r.embargo_notice.filter(|_| moved) {
        let lead = r.published.at - notice;
        if at <= now {
            review.errors.push(Diagnostic {
                path: r.path.clone(),
                line: r.moment_lines.0,
                message: format!(
                    "`published_at` is {} ({}), so this release would be public at once, and the media list would \
                     never get it under embargo (its notice was due at {}): correct `published_at` to the moment \
                     you mean, or delete `embargo_notice` to publish it now without one",
                    moment(&r.published),
                    relative(at, now),
                    short(notice, zone)
                ),
            });
            return;
        }
        let told_before = before.is_some_and(|b| (b - lead).to_utc() <= now);
        if notice.to_utc() <= now && !told_before {
            review.notes.push(Diagnostic {
                path: r.path.clone(),
                line: r.moment_lines.1.max(1),
                message: format!(
                    "the journalists' notice was due at {} ({}): the media list gets it at once, {} before the moment \
                     instead of {} before",
                    short(notice, zone),
                    relative(notice.to_utc(), now),
                    relative(at, now).replace("in ", ""),
                    span(lead)
                ),
            });
        }
    }
    let backdated = at < now - Duration::hours(BACKDATED_HOURS);
    if change == Change::New && backdated {
        review.warnings.push(Diagnostic {
            path: r.path.clone(),
            line: r.moment_lines.0,
            message: format!(
                "this new release is dated {} ({}): it would be public at once, listed under that date rather than \
                 first, and no subscriber would be mailed. If you meant a future moment, correct `published_at`; an \
                 old release added to the archive on purpose is published without `--strict`",
                moment(&r.published),
                relative(at, now)
            ),
        });
    }
}

/// A warning for translations that go live at different moments while neither is public
/// yet: one language would be public first, under the other's embargo. Said once per pair,
/// in the file of the one that goes live first; with what a namespace holds (`known`), only
/// of pairs this publish touches. (A translation added later to a release already public is
/// fine.)
fn translation_moments(site: &Site, known: Option<&Known>, now: DateTime<Utc>) -> Vec<Diagnostic> {
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
        if first.published.at == second.published.at || first.published.at.to_utc() <= now {
            continue;
        }
        if let Some(k) = known {
            let touched = k.touches(&a.slug) || k.touches(&b.slug);
            if !touched || !(k.concerns(&a.slug) || k.concerns(&b.slug)) {
                continue;
            }
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

/// A notice moment as [`moment`] writes one, in the publisher's time zone.
fn short(at: chrono::DateTime<chrono::FixedOffset>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%-d.%-m.%Y %H:%M %Z").to_string()
}

/// A span of time as people say it: "24 hours", "90 minutes", "2 days".
fn span(d: Duration) -> String {
    if d >= Duration::days(2) && d.num_hours() % 24 == 0 {
        format!("{} days", d.num_days())
    } else if d >= Duration::hours(2) && d.num_minutes() % 60 == 0 {
        format!("{} hours", d.num_hours())
    } else {
        format!("{} minutes", d.num_minutes())
    }
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
