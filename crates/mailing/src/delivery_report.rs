//! What became of the mail, sans-IO: the statements `newsroom mail report` and `/healthz`
//! read (`migrations/0006_delivery_reports.sql`) and what they conclude. A release mailing
//! keeps its tally on its claim (`mailings`): jobs queued, mails sent, refused for good,
//! addresses removed as inactive, answers that could not be read, and the bounces and
//! complaints the webhook reported later; jobs the queue is trying again are in `job_tries`
//! with the reason of their last refused try, and jobs that failed at every try wait in
//! `failed_jobs`; each embargo mail keeps its own outcome (`notices.outcome`).

use serde::Deserialize;

use serve::http::ServiceStatus;

/// Days `/healthz` looks back for mailings whose outcome is unknown.
pub const HEALTH_DAYS: i64 = 7;
/// Minutes an embargo mail may stay without an outcome (in flight) before it counts as
/// unknown.
pub const IN_FLIGHT_MINUTES: i64 = 10;

/// Refused tries in a row after which a job the queue is still trying makes `/healthz`
/// fail: one refusal (a rate limit) passes in seconds; two mean the provider is down or
/// refuses the newsroom, and the mail is late.
pub const LATE_TRIES: u64 = 2;

/// `/healthz`'s one query: `?1` the start of the window (RFC 3339), `?2` the end of
/// "in flight". One row of eight counts, in [`DeliveryHealth`]'s order, then the slugs (at
/// most five, space-separated) of the release mailings that need an operator or are late,
/// then the reason of the latest refused try.
pub const HEALTH_SQL: &str = "SELECT \
     (SELECT count(*) FROM failed_jobs WHERE retry_at IS NULL), \
     (SELECT count(*) FROM failed_jobs WHERE retry_at IS NOT NULL), \
     (SELECT count(*) FROM mailings WHERE claimed_at >= ?1 AND unknown > 0), \
     (SELECT coalesce(sum(refused), 0) FROM mailings WHERE claimed_at >= ?1), \
     (SELECT count(*) FROM notices WHERE sent_at >= ?1 AND sent_at < ?2 AND outcome IS NULL), \
     (SELECT count(*) FROM notices WHERE sent_at >= ?1 AND outcome = 'refused'), \
     (SELECT count(*) FROM job_tries WHERE tries >= 2), \
     (SELECT count(*) FROM job_tries WHERE tries < 2), \
     (SELECT group_concat(slug, ' ') FROM (SELECT slug FROM failed_jobs WHERE retry_at IS NULL \
       UNION SELECT slug FROM mailings WHERE claimed_at >= ?1 AND unknown > 0 \
       UNION SELECT slug FROM job_tries ORDER BY slug LIMIT 5)), \
     (SELECT reason FROM job_tries ORDER BY last_at DESC LIMIT 1)";

/// What [`HEALTH_SQL`] counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryHealth {
    /// Jobs in `failed_jobs` nobody asked to send again.
    pub failed_jobs: u64,
    /// Jobs marked by `newsroom mail retry`, waiting for the next trigger run.
    pub retrying: u64,
    /// Release mailings of the window with mails whose answer could not be read.
    pub unknown_mailings: u64,
    /// Release mails of the window the provider refused for good.
    pub refused_mails: u64,
    /// Embargo mails of the window still without an outcome after [`IN_FLIGHT_MINUTES`].
    pub unknown_notices: u64,
    /// Embargo mails of the window the provider refused.
    pub refused_notices: u64,
    /// Jobs the queue is trying again after [`LATE_TRIES`] or more refused tries: late mail.
    pub late_jobs: u64,
    /// Jobs the queue is trying again after one refused try.
    pub refused_once: u64,
    /// The releases whose mailings need an operator or are late (at most five), for
    /// `/healthz` to name.
    pub releases: Vec<String>,
    /// Why the latest refused try was refused (a status code or a time-out).
    pub reason: Option<String>,
}

impl DeliveryHealth {
    /// The counts of one [`HEALTH_SQL`] row, in order, and its last two columns (the slugs,
    /// space-separated, and the latest reason; `None` when there are none).
    pub fn from_row(counts: [u64; 8], releases: Option<&str>, reason: Option<String>) -> Self {
        let [failed_jobs, retrying, unknown_mailings, refused_mails, unknown_notices, refused_notices, late_jobs, refused_once] =
            counts;
        let releases = releases.unwrap_or("").split_whitespace().map(str::to_string).collect();
        DeliveryHealth {
            failed_jobs,
            retrying,
            unknown_mailings,
            refused_mails,
            unknown_notices,
            refused_notices,
            late_jobs,
            refused_once,
            releases,
            reason,
        }
    }

    /// ` (last: REASON)`, or nothing.
    fn last_reason(&self) -> String {
        self.reason.as_deref().map(|r| format!(" (last: {r})")).unwrap_or_default()
    }

    /// `/healthz`'s verdict: failing when mail failed and waits for an operator (jobs that
    /// failed at every try, answers that could not be read) or is late (jobs refused at
    /// [`LATE_TRIES`] tries in a row, which the queue still tries); ok otherwise, naming a
    /// job refused once and refusals of single addresses, which need nobody's action.
    pub fn check(&self) -> (ServiceStatus, String) {
        let report = "see `newsroom mail report`";
        let mut problems = Vec::new();
        if self.failed_jobs > 0 {
            problems.push(format!(
                "{} mail job(s) failed at every try and were not sent: {report}, then `newsroom mail retry` (with \
                 --remote --env NAME) once the provider works",
                self.failed_jobs
            ));
        }
        if self.late_jobs > 0 {
            problems.push(format!(
                "{} mail job(s) were refused at {LATE_TRIES} or more tries in a row{}: the mail is late, not lost, and \
                 the queue tries again with longer waits (up to an hour) for about five hours; {report}",
                self.late_jobs,
                self.last_reason()
            ));
        }
        if self.unknown_mailings + self.unknown_notices > 0 {
            problems.push(format!(
                "the provider's answer could not be read for {} release mailing(s) and {} embargo mail(s) in the last \
                 {HEALTH_DAYS} days: they may or may not have been sent, {report}",
                self.unknown_mailings, self.unknown_notices
            ));
        }
        if !problems.is_empty() {
            let mut detail = problems.join("; ");
            if !self.releases.is_empty() {
                detail.push_str(&format!(" (releases: {})", self.releases.join(", ")));
            }
            return (ServiceStatus::Failing, detail);
        }
        let mut detail = format!("no failed mailing in the last {HEALTH_DAYS} days");
        if self.retrying > 0 {
            detail.push_str(&format!("; {} failed job(s) go out again at the next minute", self.retrying));
        }
        if self.refused_once > 0 {
            detail.push_str(&format!(
                "; {} job(s) refused at their last try{}, tried again in seconds",
                self.refused_once,
                self.last_reason()
            ));
        }
        let refused = self.refused_mails + self.refused_notices;
        if refused > 0 {
            detail.push_str(&format!("; the provider refused {refused} single address(es): {report}"));
        }
        (ServiceStatus::Ok, detail)
    }
}

/// The release mailings, newest first (at most `limit`), with their failed jobs; `slug`: an
/// SQL string literal naming one release, or `None` for all. For the CLI, whose statements
/// go through `wrangler d1 execute --command` (no parameters).
pub fn mailings_sql(slug: Option<&str>, limit: u32) -> String {
    let filter = slug.map(|s| format!("WHERE m.slug = {s} ")).unwrap_or_default();
    format!(
        "SELECT m.slug, m.moment, m.claimed_at, m.jobs, m.sent, m.refused, m.removed, m.unknown, m.bounced, \
         m.soft_bounces, m.complaints, \
         (SELECT count(*) FROM failed_jobs f WHERE f.slug = m.slug AND f.retry_at IS NULL) AS failed_jobs, \
         (SELECT count(*) FROM failed_jobs f WHERE f.slug = m.slug AND f.retry_at IS NOT NULL) AS retrying, \
         (SELECT count(*) FROM job_tries t WHERE t.slug = m.slug) AS backing_off, \
         (SELECT reason FROM (SELECT reason, last_at AS at FROM job_tries t WHERE t.slug = m.slug \
           UNION ALL SELECT reason, failed_at AS at FROM failed_jobs f WHERE f.slug = m.slug AND reason IS NOT NULL) \
           ORDER BY at DESC LIMIT 1) AS reason \
         FROM mailings m {filter}ORDER BY m.claimed_at DESC, m.slug LIMIT {limit}"
    )
}

/// The embargo mails of each release and kind, newest first; `slug` as in [`mailings_sql`].
pub fn notices_sql(slug: Option<&str>, limit: u32) -> String {
    let filter = slug.map(|s| format!("WHERE slug = {s} ")).unwrap_or_default();
    format!(
        "SELECT slug, kind, max(sent_at) AS sent_at, count(*) AS mails, \
         sum(coalesce(outcome, '') = 'sent') AS sent, sum(coalesce(outcome, '') = 'refused') AS refused, \
         sum(coalesce(outcome, '') = 'bounced') AS bounced, sum(outcome IS NULL) AS unknown, \
         sum(coalesce(outcome, '') = 'unrecorded') AS unrecorded FROM notices {filter}GROUP BY slug, kind ORDER BY max(sent_at) DESC LIMIT {limit}"
    )
}

/// One row of [`mailings_sql`].
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, PartialEq, Eq)]
pub struct MailingRow {
    /// The release.
    pub slug: String,
    /// Its moment of publication.
    pub moment: String,
    /// When the trigger claimed its mailing.
    pub claimed_at: String,
    /// Queue jobs (a hundred subscribers each).
    pub jobs: u64,
    /// Mails the provider took.
    pub sent: u64,
    /// Mails the provider refused for good.
    pub refused: u64,
    /// Addresses the provider called inactive: their subscriptions ended.
    pub removed: u64,
    /// Mails whose answer could not be read: perhaps sent, never sent again.
    pub unknown: u64,
    /// Hard bounces reported later (the subscriptions ended).
    pub bounced: u64,
    /// Soft bounces reported later.
    pub soft_bounces: u64,
    /// Spam complaints reported later (the subscriptions ended).
    pub complaints: u64,
    /// Jobs that failed at every try and wait for `newsroom mail retry`.
    pub failed_jobs: u64,
    /// Jobs marked to go out again at the next trigger run.
    pub retrying: u64,
    /// Jobs whose last try was refused and that the queue tries again by itself.
    #[serde(default)]
    pub backing_off: u64,
    /// Why the latest refused try of its jobs was refused (`None`: none was, or it was
    /// before the reasons were kept).
    #[serde(default)]
    pub reason: Option<String>,
}

/// One row of [`notices_sql`].
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, PartialEq, Eq)]
pub struct NoticeRow {
    /// The release.
    pub slug: String,
    /// `notice`, `update` or `cancel`.
    pub kind: String,
    /// When the latest of them was claimed.
    pub sent_at: String,
    /// Journalists claimed.
    pub mails: u64,
    /// Taken by the provider.
    pub sent: u64,
    /// Refused by the provider.
    pub refused: u64,
    /// Bounced later.
    pub bounced: u64,
    /// No outcome yet: in flight, or an answer that could not be read.
    pub unknown: u64,
    /// Claimed before the report existed (migration 0006): no outcome was recorded.
    #[serde(default)]
    pub unrecorded: u64,
}

/// A mailing's state in one word, for the report's last column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Every mail went out (some addresses may have been refused or removed).
    Done,
    /// Jobs failed at every try: an operator must act (`newsroom mail retry`).
    Failed,
    /// Jobs are marked to go out again.
    Retrying,
    /// Jobs were refused at their last try and the queue tries them again: late, not lost.
    BackingOff,
    /// Some answers could not be read: perhaps not sent.
    Unknown,
}

impl MailingRow {
    /// The mailing's [`State`].
    pub fn state(&self) -> State {
        if self.failed_jobs > 0 {
            State::Failed
        } else if self.retrying > 0 {
            State::Retrying
        } else if self.backing_off > 0 {
            State::BackingOff
        } else if self.unknown > 0 {
            State::Unknown
        } else {
            State::Done
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_jobs_and_unread_answers_fail_the_check_and_refusals_do_not() {
        let ok = DeliveryHealth::default().check();
        assert_eq!(ok.0, ServiceStatus::Ok);
        let refused = DeliveryHealth { refused_mails: 2, refused_notices: 1, ..Default::default() }.check();
        assert_eq!(refused.0, ServiceStatus::Ok);
        assert!(refused.1.contains("refused 3 single address"), "{}", refused.1);
        let failed =
            DeliveryHealth::from_row([3, 0, 1, 0, 0, 0, 0, 0], Some("2026-12-07-a 2026-12-08-b"), None).check();
        assert_eq!(failed.0, ServiceStatus::Failing);
        assert!(failed.1.contains("3 mail job(s) failed") && failed.1.contains("newsroom mail retry"), "{}", failed.1);
        assert!(failed.1.contains("could not be read for 1 release mailing(s) and 0 embargo"), "{}", failed.1);
        assert!(failed.1.ends_with("(releases: 2026-12-07-a, 2026-12-08-b)"), "{}", failed.1);
        let retrying = DeliveryHealth { retrying: 2, ..Default::default() }.check();
        assert_eq!(retrying.0, ServiceStatus::Ok);
    }

    #[test]
    fn a_job_refused_twice_in_a_row_is_late_and_fails_the_check() {
        let reason = Some("the mail provider: HTTP 500".to_string());
        let once = DeliveryHealth::from_row([0, 0, 0, 0, 0, 0, 0, 1], Some("2026-12-07-a"), reason.clone()).check();
        assert_eq!(once.0, ServiceStatus::Ok);
        assert!(
            once.1.contains("1 job(s) refused at their last try (last: the mail provider: HTTP 500)"),
            "{}",
            once.1
        );
        let late = DeliveryHealth::from_row([0, 0, 0, 0, 0, 0, 2, 0], Some("2026-12-07-a"), reason).check();
        assert_eq!(late.0, ServiceStatus::Failing);
        assert!(late.1.contains("2 mail job(s) were refused at 2 or more tries in a row (last: "), "{}", late.1);
        assert!(late.1.contains("late, not lost") && late.1.ends_with("(releases: 2026-12-07-a)"), "{}", late.1);
        assert!(
            HEALTH_SQL.contains(&format!("tries >= {LATE_TRIES}"))
                && HEALTH_SQL.contains(&format!("tries < {LATE_TRIES}"))
        );
    }

    #[test]
    fn a_mailings_state() {
        let row = |failed_jobs, retrying, unknown| MailingRow { failed_jobs, retrying, unknown, ..Default::default() };
        assert_eq!(row(0, 0, 0).state(), State::Done);
        assert_eq!(row(1, 1, 1).state(), State::Failed);
        assert_eq!(row(0, 1, 1).state(), State::Retrying);
        assert_eq!(row(0, 0, 1).state(), State::Unknown);
        let late = MailingRow { backing_off: 1, unknown: 1, ..Default::default() };
        assert_eq!(late.state(), State::BackingOff);
    }

    #[test]
    fn the_report_statements_filter_by_a_literal() {
        assert!(mailings_sql(Some("'a-b'"), 20).contains("WHERE m.slug = 'a-b' ORDER BY"));
        assert!(!mailings_sql(None, 20).contains("WHERE m.slug"));
        assert!(notices_sql(Some("'a-b'"), 5).contains("WHERE slug = 'a-b' GROUP BY"));
    }
}
