//! Delivering a release to its subscribers, sans-IO. At a release's moment the Cron Trigger
//! claims its mailing once ([`sql::CLAIM_MAILING`]) and splits the subscribers into [`Job`]s
//! by id range, one Queue message each; the queue consumer reads a job's recipients
//! ([`sql::RECIPIENTS`]), claims each (release, subscriber) pair ([`sql::CLAIM_DELIVERY`])
//! and sends the [`mails`] of the claimed ones. A claim is made before the provider is
//! called and given back only when the provider says to try again, so a retried job, a
//! second trigger run or a half-failed batch never mails anyone twice.

use chrono::{DateTime, Utc};
use contract::model::MailRecord;
use contract::subscription::{subscriber_key, Address, Scope};

use crate::subscribe::mail::ahead::{finish, parts_in, why_line};
use crate::subscribe::mail::provider::{Outcome, WHOLE_BATCH};
use crate::subscribe::mail::{Mail, Named};
use crate::subscribe::{read_scopes, UNSUBSCRIBE_PATH};
use crate::subscriber_settings::key_url;
use serve::respond::decode;

/// Subscribers per queue message: one provider batch each, well within a consumer's time.
pub const PER_JOB: i64 = 100;

/// Days a delivery claim is kept: longer than a queue message (retried, or waiting in the
/// dead-letter queue) can live, so a job sent again still finds who was mailed.
pub const CLAIMS_KEPT_DAYS: i64 = 14;

/// Seconds before a job is tried again, when it was first queued `age` seconds ago: half its
/// age, from 10 s up to an hour. Each wait is half again as long as the one before, so a
/// short refusal (a rate limit) costs seconds and a long outage costs few tries:
/// `wrangler.mail.toml`'s `max_retries = 20` waits through about five hours of refusals
/// (`tests/two_workers.rs` keeps the two together) before the job goes to the dead-letter
/// queue. Queues allow delays up to 12 hours.
pub fn retry_delay(age_seconds: i64) -> u32 {
    (age_seconds / 2).clamp(RETRY_MIN_SECONDS, RETRY_MAX_SECONDS) as u32
}

/// [`retry_delay`] on a queue whose time runs `speedup` times faster than the clock: the
/// mail Worker's `MAIL_RETRY_SPEEDUP`, set only by the end-to-end tests (60 turns a
/// twenty-minute outage into twenty seconds with the same tries). The age is counted in
/// that time and the wait given back in real seconds, at least one.
pub fn retry_delay_sped_up(age_seconds: f64, speedup: f64) -> u32 {
    if speedup.is_nan() || speedup <= 1.0 {
        return retry_delay(age_seconds as i64);
    }
    let wait = f64::from(retry_delay((age_seconds * speedup) as i64)) / speedup;
    wait.ceil().max(1.0) as u32
}

/// The first wait before a job is tried again.
pub const RETRY_MIN_SECONDS: i64 = 10;
/// The longest wait between two tries of a job.
pub const RETRY_MAX_SECONDS: i64 = 3600;

/// Seconds a job is tried over before it goes to the dead-letter queue, when it is refused
/// at every one of `retries` tries (the queue's `max_retries`).
pub fn retried_for(retries: u32) -> i64 {
    (0..retries).fold(0, |age, _| age + i64::from(retry_delay(age)))
}

/// Claims made before this (RFC 3339, as D1 stores times) are deleted.
pub fn claims_expire_before(now: chrono::DateTime<chrono::Utc>) -> String {
    (now - chrono::Duration::days(CLAIMS_KEPT_DAYS)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// One queue message: mail release `slug` to the subscribers with ids `from..=to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The release.
    pub slug: String,
    /// First subscriber id.
    pub from: i64,
    /// Last subscriber id.
    pub to: i64,
}

impl Job {
    /// The message body: `{slug} {from} {to}` (a slug has no spaces).
    pub fn encode(&self) -> String {
        format!("{} {} {}", self.slug, self.from, self.to)
    }

    /// A message body written by [`Job::encode`]; `None` for anything else.
    pub fn parse(text: &str) -> Option<Job> {
        let mut parts = text.split(' ');
        let slug = parts.next().filter(|s| contract::slug::is_valid(s))?.to_string();
        let from = parts.next()?.parse().ok()?;
        let to = parts.next()?.parse().ok()?;
        (parts.next().is_none() && from <= to).then_some(Job { slug, from, to })
    }
}

/// The jobs that cover subscriber ids `1..=max_id` for `slug`, [`PER_JOB`] ids each.
pub fn jobs(slug: &str, max_id: i64) -> Vec<Job> {
    (0..(max_id.max(0) + PER_JOB - 1) / PER_JOB)
        .map(|n| Job { slug: slug.to_string(), from: n * PER_JOB + 1, to: ((n + 1) * PER_JOB).min(max_id) })
        .collect()
}

/// A confirmed subscriber as [`sql::RECIPIENTS`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    /// Row id.
    pub id: i64,
    /// Where the mail goes (checked again on the way out of D1).
    pub address: Address,
    /// What they subscribed to.
    pub scopes: Vec<Scope>,
    /// Their language.
    pub lang: String,
}

impl Subscriber {
    /// A row's columns; `None` when the stored address no longer parses.
    pub fn from_row(id: i64, address: &str, scopes: &str, lang: &str) -> Option<Subscriber> {
        let address = Address::parse(address).ok()?;
        Some(Subscriber { id, address, scopes: read_scopes(scopes), lang: crate::subscribe::language(lang).into() })
    }
}

/// Why a job cannot be mailed (logged; the job is not retried).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// The release record is damaged.
    #[error("{0}")]
    Record(String),
    /// The mail could not be made (a URL that cannot stand in a mail, a short secret).
    #[error("{0}")]
    Mail(String),
    /// The release's moment has not come (the trigger read a schedule older than a change).
    #[error("the release's moment has not come")]
    NotYet,
    /// The release's moment is older than its delivery claims are kept
    /// ([`CLAIMS_KEPT_DAYS`], less a day): a job this late (sent again from the dead-letter
    /// queue, say) could no longer tell who was mailed, so it mails no one.
    #[error("the release's moment is more than {} days ago: too late to mail it", CLAIMS_KEPT_DAYS - 1)]
    TooLate,
}

/// What one try of a job adds to its mailing's tally ([`sql::TALLY`]); mails given back
/// to retry are counted when they go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Taken by the provider.
    pub sent: usize,
    /// Refused for good, one by one.
    pub refused: usize,
    /// Inactive addresses (their subscriptions end).
    pub removed: usize,
    /// Perhaps sent: the answer could not be read (kept claimed, never sent again).
    pub unknown: usize,
}

impl Tally {
    /// The tally of one batch's outcomes. A batch refused as a whole when it was one of
    /// several (`provider::WHOLE_BATCH`) was not sent for a reason that does not pass: its
    /// answer could not be read, so its mails count as unknown.
    pub fn of(outcomes: &[Outcome]) -> Tally {
        let mut t = Tally::default();
        for o in outcomes {
            match o {
                Outcome::Sent { .. } => t.sent += 1,
                Outcome::Inactive { .. } => t.removed += 1,
                Outcome::Rejected { code: WHOLE_BATCH, .. } => t.unknown += 1,
                Outcome::Rejected { .. } => t.refused += 1,
                Outcome::Retry { .. } => {}
            }
        }
        t
    }

    /// Nothing to record.
    pub fn is_empty(&self) -> bool {
        *self == Tally::default()
    }
}

/// A JSON array of ids, as [`sql::CLAIM_DELIVERIES`] and [`sql::GIVE_BACK`] take them.
pub fn id_list(ids: impl Iterator<Item = i64>) -> String {
    format!("[{}]", ids.map(|id| id.to_string()).collect::<Vec<_>>().join(","))
}

/// The mails of a release (`record`: the bytes of its `mail:{slug}`, rendered ahead) for
/// the `subscribers` whose scopes cover it, each with the subscriber's id; on `origin`,
/// signed with `secret`; never before the release's moment (`now`).
pub fn mails(
    record: &[u8],
    subscribers: &[Subscriber],
    origin: &str,
    site: &str,
    secret: &[u8],
    now: DateTime<Utc>,
) -> Result<Vec<(i64, Address, Mail)>, DeliveryError> {
    let record: MailRecord = decode("mail", record).map_err(|e| DeliveryError::Record(e.to_string()))?;
    if record.at > now {
        return Err(DeliveryError::NotYet);
    }
    if record.at < now - chrono::Duration::days(CLAIMS_KEPT_DAYS - 1) {
        return Err(DeliveryError::TooLate);
    }
    let publisher = &record.publisher;
    let mut out = Vec::new();
    for s in subscribers {
        // One mail per release and its translations: the one in the subscriber's language.
        if !record.is_for(&s.lang) {
            continue;
        }
        let keywords = record.keywords.iter().map(|k| k.slug.as_str());
        let Some(scope) = s.scopes.iter().find(|scope| scope.matches(&publisher.slug, keywords.clone())) else {
            continue;
        };
        let name = match scope {
            Scope::All => None,
            Scope::Publisher(_) => Some(publisher.name.as_str()),
            Scope::Keyword(slug) => record.keywords.iter().find(|k| &k.slug == slug).map(|k| k.label.as_str()),
        };
        let Some(parts) = parts_in(&record, &s.lang) else {
            return Err(DeliveryError::Record("the mail record has no English mail".into()));
        };
        // The subscriber's key: their own page and one-click unsubscribe, no address in it.
        let key = subscriber_key(secret, s.id, &s.address).map_err(|e| DeliveryError::Mail(e.to_string()))?;
        let unsubscribe = key_url(origin, UNSUBSCRIBE_PATH, &key, &[]);
        let why = why_line(&s.lang, Named { scope, name }, site);
        let mail = finish(parts, origin, &why, &unsubscribe).map_err(|e| DeliveryError::Mail(e.to_string()))?;
        out.push((s.id, s.address.clone(), mail));
    }
    Ok(out)
}

/// The statements of delivery (`migrations/0002_subscriptions.sql`).
pub mod sql {
    /// Deletes the delivery claims made before `?1` ([`claims_expire_before`](super::claims_expire_before)):
    /// no job can still be retried by then, and `mailings` keeps each release from being
    /// mailed again. Hourly, from the Cron Trigger.
    pub const PRUNE_DELIVERIES: &str = "DELETE FROM deliveries WHERE sent_at < ?1";
    /// Claims the mailing of `?1` slug at `?2` moment (`?3` now): one row only for the
    /// first run, ever; a correction or a moved moment is not mailed again.
    pub const CLAIM_MAILING: &str = "INSERT INTO mailings (slug, moment, claimed_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (slug) DO NOTHING RETURNING slug";
    /// The highest subscriber id (the jobs' range).
    pub const MAX_ID: &str = "SELECT COALESCE(MAX(id), 0) FROM subscribers";
    /// Subscribers with ids `?1..=?2` confirmed by the time release `?3`'s mailing was
    /// claimed (its moment: a job sent again days later mails no one who came after) and not
    /// yet mailed it.
    pub const RECIPIENTS: &str = "SELECT id, address, scopes, lang FROM subscribers s \
         WHERE id BETWEEN ?1 AND ?2 AND confirmed_at IS NOT NULL \
         AND confirmed_at <= coalesce((SELECT claimed_at FROM mailings WHERE slug = ?3), confirmed_at) \
         AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.slug = ?3 AND d.subscriber = s.id)";
    /// Claims, in one statement, the mails of release `?1` to the still confirmed
    /// subscribers among the ids of the JSON array `?2`, at `?3`: answers the ids claimed now
    /// (a pair claimed before, or an address gone meanwhile, answers nothing).
    pub const CLAIM_DELIVERIES: &str = "INSERT INTO deliveries (slug, subscriber, sent_at) \
         SELECT ?1, s.id, ?3 FROM subscribers s WHERE s.id IN (SELECT value FROM json_each(?2)) \
         AND s.confirmed_at IS NOT NULL ON CONFLICT (slug, subscriber) DO NOTHING RETURNING subscriber";
    /// Gives back the claims of release `?1` for the ids of the JSON array `?2` (not sent, to
    /// be tried again).
    pub const GIVE_BACK: &str =
        "DELETE FROM deliveries WHERE slug = ?1 AND subscriber IN (SELECT value FROM json_each(?2))";
    /// Records that the mailing of `?1` was split into `?2` queue jobs.
    pub const SET_JOBS: &str = "UPDATE mailings SET jobs = ?2 WHERE slug = ?1";
    /// Adds a try's [`Tally`](super::Tally) to the mailing of `?1`: `?2` sent, `?3` refused,
    /// `?4` removed, `?5` unknown.
    pub const TALLY: &str = "UPDATE mailings SET sent = sent + ?2, refused = refused + ?3, \
         removed = removed + ?4, unknown = unknown + ?5 WHERE slug = ?1";
    /// Gives back the mailing of `?1` (its moment turned out not to have come: a stale
    /// schedule); the trigger claims it again at its moment.
    pub const UNCLAIM_MAILING: &str = "DELETE FROM mailings WHERE slug = ?1";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_as_a_job_ages() {
        assert_eq!([retry_delay(0), retry_delay(19), retry_delay(30), retry_delay(600)], [10, 10, 15, 300]);
        assert_eq!(retry_delay(100_000), 3600, "never more than an hour");
        // The queue's 20 tries outlast a provider outage of four hours; ten fixed waits of
        // 10 s gave up after 100 s.
        assert!(retried_for(20) > 4 * 3600 && retried_for(20) < 6 * 3600, "{}", retried_for(20));
        assert_eq!(retried_for(3), 10 + 10 + 10);
    }

    #[test]
    fn a_twenty_minute_outage_is_waited_out_within_the_queues_tries() {
        // The ages (seconds since first queued) at which a job is tried while the provider
        // refuses: each wait is `retry_delay` of the age so far.
        let mut tries = vec![0i64];
        while tries.len() < 21 {
            let age = *tries.last().unwrap_or(&0);
            tries.push(age + i64::from(retry_delay(age)));
        }
        // The first try after twenty minutes of refusals is within the queue's 20 retries
        // (`wrangler.mail.toml`), and comes at most an hour after the outage ends.
        let first_after = tries.iter().position(|age| *age >= 20 * 60).expect("a try after the outage");
        assert!(first_after <= 20, "try {first_after} of {tries:?}");
        assert!(tries[first_after] - 20 * 60 <= RETRY_MAX_SECONDS, "{tries:?}");
        // Ten minutes of outage are waited out too; the old schedule (10 × 10 s) was not.
        assert!(tries.iter().position(|age| *age >= 10 * 60).is_some_and(|n| n <= 20));
    }

    #[test]
    fn a_sped_up_queue_keeps_the_schedule_in_its_own_time() {
        assert_eq!(retry_delay_sped_up(0.0, 1.0), 10);
        assert_eq!(retry_delay_sped_up(100.0, f64::NAN), 50);
        // At 60 times: the first waits are a second each, and at 20 s (20 minutes in the
        // queue's time) the wait is 10 s, as at 20 minutes a job waits 10 minutes.
        assert_eq!(retry_delay_sped_up(0.0, 60.0), 1);
        assert_eq!(retry_delay_sped_up(20.0, 60.0), 10);
        assert_eq!(retry_delay_sped_up(1e9, 60.0), 60);
    }

    #[test]
    fn a_tries_tally_counts_each_outcome_once_and_not_the_retries() {
        let rejected = |code| Outcome::Rejected { code, message: String::new() };
        let outcomes = [
            Outcome::Sent { message_id: "1".into() },
            Outcome::Sent { message_id: "2".into() },
            Outcome::Retry { code: 429, message: String::new() },
            Outcome::Inactive { message: String::new() },
            rejected(300),
            rejected(WHOLE_BATCH),
        ];
        assert_eq!(Tally::of(&outcomes), Tally { sent: 2, refused: 1, removed: 1, unknown: 1 });
        assert!(Tally::of(&[Outcome::Retry { code: 500, message: String::new() }]).is_empty());
    }

    #[test]
    fn a_subscriber_gets_one_mail_of_a_release_and_its_translations() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00+02:00").unwrap_or_default();
        let parts = |l: &str| contract::model::MailParts {
            lang: l.into(),
            subject: format!("Otsikko {l}"),
            text: "https://unsubscribe.newsroom.invalid/ NEWSROOMWHYLINE".into(),
            html: String::new(),
        };
        let record = |lang: &str, translations: &[&str], original: bool| {
            let record = contract::model::MailRecord {
                v: contract::model::SCHEMA_VERSION,
                at,
                publisher: contract::model::PublisherRef { slug: "kymsote".into(), name: "Kymsote".into() },
                keywords: Vec::new(),
                mails: ["fi", "sv", "en"].map(parts).to_vec(),
                lang: Some(lang.into()),
                translations: translations.iter().map(|t| t.to_string()).collect(),
                original,
            };
            serde_json::to_vec(&record).unwrap_or_default()
        };
        let subscriber =
            |id: i64, lang: &str| Subscriber::from_row(id, &format!("{lang}@example.fi"), "all", lang).expect("valid");
        let all = [subscriber(1, "fi"), subscriber(2, "sv"), subscriber(3, "en")];
        let to = |record: &[u8]| -> Vec<i64> {
            let mails = mails(record, &all, "https://uutiset.example.fi", "Uutishuone", &[7; 32], at.to_utc());
            mails.expect("mails").into_iter().map(|(id, ..)| id).collect()
        };
        // A Finnish original and its Swedish translation: the Swedish reader gets the
        // translation only, the others the original.
        assert_eq!(to(&record("fi", &["sv"], true)), [1, 3]);
        assert_eq!(to(&record("sv", &["fi"], false)), [2]);
        // Alone, a release goes to everyone; a record built before families did too.
        assert_eq!(to(&record("sv", &[], true)), [1, 2, 3]);
    }

    #[test]
    fn claims_are_kept_fourteen_days() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-31T10:00:00Z").map(|d| d.to_utc()).unwrap_or_default();
        assert_eq!(claims_expire_before(now), "2026-12-17T10:00:00Z");
    }

    #[test]
    fn a_release_is_mailed_from_its_moment_until_its_claims_would_be_gone() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00+02:00").unwrap_or_default();
        let record = contract::model::MailRecord {
            v: contract::model::SCHEMA_VERSION,
            at,
            publisher: contract::model::PublisherRef { slug: "kymsote".into(), name: "Kymsote".into() },
            keywords: Vec::new(),
            mails: Vec::new(),
            lang: None,
            translations: Vec::new(),
            original: true,
        };
        let bytes = serde_json::to_vec(&record).unwrap_or_default();
        let when =
            |days: i64, minutes: i64| at.to_utc() + chrono::Duration::days(days) + chrono::Duration::minutes(minutes);
        let result = |now| mails(&bytes, &[], "https://uutiset.example.fi", "Uutishuone", &[0; 32], now);
        assert!(matches!(result(when(0, -1)), Err(DeliveryError::NotYet)));
        assert!(matches!(result(when(0, 0)), Ok(v) if v.is_empty()));
        assert!(result(when(CLAIMS_KEPT_DAYS - 1, 0)).is_ok());
        assert!(matches!(result(when(CLAIMS_KEPT_DAYS - 1, 1)), Err(DeliveryError::TooLate)));
    }

    #[test]
    fn jobs_cover_every_id_once() {
        assert!(jobs("x", 0).is_empty());
        let all = jobs("x", 250);
        assert_eq!(all.iter().map(|j| (j.from, j.to)).collect::<Vec<_>>(), [(1, 100), (101, 200), (201, 250)]);
        let job = &all[1];
        assert_eq!(Job::parse(&job.encode()).as_ref(), Some(job));
        for bad in ["", "x", "x 1", "x 2 1", "x 1 2 3", "../x 1 2", "x a 2"] {
            assert_eq!(Job::parse(bad), None, "{bad}");
        }
        assert_eq!(id_list([3, 1, 20].into_iter()), "[3,1,20]");
        assert_eq!(id_list(std::iter::empty()), "[]");
    }
}
