//! Jobs the mail queue is trying again, and those it gave up on, sans-IO. Each try of a job
//! that fails as a whole (the provider refused the batch, did not answer in time, or D1 did
//! not take the claims) is noted in `job_tries` with its reason ([`sql::NOTE_TRY`]) until the
//! job goes out ([`sql::DONE_TRYING`]), so the report and `/healthz` show mail that is late
//! while it is late. A job refused at every try for about five hours
//! (`delivery::retry_delay`, `max_retries` in `wrangler.mail.toml`) goes to the queue's
//! dead-letter queue; the mail Worker consumes that queue too and keeps each job in D1
//! (`failed_jobs`, [`sql::RECORD`]), where `newsroom mail report` and `/healthz` see it.
//! `newsroom mail retry` marks them ([`sql::ask_retry`]); the next Cron Trigger run puts the
//! marked ones back on the mail queue ([`sql::MARKED`]) and deletes their rows
//! ([`sql::FORGET`]). A job sent again mails only those of its subscribers whose delivery
//! was not claimed, so nobody is mailed twice.

/// True for the dead-letter queue's batches: every environment names it after the mail
/// queue with `-dead` (`wrangler.mail.toml`; `tests/two_workers.rs` keeps it so).
pub fn is_dead_letter_queue(name: &str) -> bool {
    name.ends_with(DEAD_SUFFIX)
}

/// The dead-letter queue's name: the mail queue's, with this after it.
pub const DEAD_SUFFIX: &str = "-dead";

/// Most jobs one trigger run puts back on the queue (one `sendBatch` call).
pub const RESEND_PER_RUN: usize = 100;

/// The statements (`migrations/0006_delivery_reports.sql`).
pub mod sql {
    /// Keeps job `?1` (the message body) of release `?2`, failed at `?3`, with the reason of
    /// its last refused try; a job that fails again after a retry is kept again, waiting for
    /// the next `newsroom mail retry`. Run with [`DONE_TRYING`] (`migrations/0007_job_tries.sql`).
    pub const RECORD: &str = "INSERT INTO failed_jobs (job, slug, failed_at, reason) \
         VALUES (?1, ?2, ?3, (SELECT reason FROM job_tries WHERE job = ?1)) \
         ON CONFLICT (job) DO UPDATE SET failed_at = excluded.failed_at, retry_at = NULL, reason = excluded.reason";
    /// Notes that a try of job `?1` of release `?2` failed at `?4` because of `?3` (a status
    /// code or a time-out, never an address): the queue tries it again later.
    pub const NOTE_TRY: &str = "INSERT INTO job_tries (job, slug, tries, reason, last_at) VALUES (?1, ?2, 1, ?3, ?4) \
         ON CONFLICT (job) DO UPDATE SET tries = tries + 1, reason = excluded.reason, last_at = excluded.last_at";
    /// Job `?1` went out, or was given up on: no longer late.
    pub const DONE_TRYING: &str = "DELETE FROM job_tries WHERE job = ?1";
    /// Forgets notes of tries before `?1` (RFC 3339): a job is tried at least hourly while
    /// the queue keeps it, so an older note is of a job the queue no longer holds.
    pub const PRUNE_TRIES: &str = "DELETE FROM job_tries WHERE julianday(last_at) < julianday(?1)";
    /// The jobs an operator asked to send again, oldest first.
    pub const MARKED: &str = "SELECT job FROM failed_jobs WHERE retry_at IS NOT NULL ORDER BY failed_at LIMIT 100";
    /// Forgets the jobs of the JSON array `?1`, once they are back on the queue.
    pub const FORGET: &str = "DELETE FROM failed_jobs WHERE job IN (SELECT value FROM json_each(?1))";

    /// Marks the failed jobs to send again at `at` (all, or those of the release `slug`)
    /// whose release's moment is not before `since` (older ones could no longer tell who was
    /// mailed: `delivery::CLAIMS_KEPT_DAYS`); answers them. All three are SQL string literals:
    /// the CLI's `newsroom mail retry` runs it through `wrangler d1 execute --command`, which
    /// binds no parameters.
    pub fn ask_retry(at: &str, slug: Option<&str>, since: &str) -> String {
        let filter = slug.map(|s| format!(" AND slug = {s}")).unwrap_or_default();
        format!(
            "UPDATE failed_jobs SET retry_at = {at} WHERE retry_at IS NULL{filter} \
             AND slug IN (SELECT slug FROM mailings WHERE julianday(moment) >= julianday({since})) RETURNING job, slug"
        )
    }

    /// The releases (all, or `slug`) with failed jobs too old to send again (moment before
    /// `since`), with how many: `newsroom mail retry` names them.
    pub fn too_late(slug: Option<&str>, since: &str) -> String {
        let filter = slug.map(|s| format!(" AND f.slug = {s}")).unwrap_or_default();
        format!(
            "SELECT f.slug, count(*) AS jobs FROM failed_jobs f JOIN mailings m ON m.slug = f.slug \
             WHERE f.retry_at IS NULL{filter} AND julianday(m.moment) < julianday({since}) GROUP BY f.slug"
        )
    }

    /// Forgets the failed jobs of releases whose moment is before `?1` (RFC 3339): too old to
    /// send again (hourly, from the Cron Trigger, with the delivery claims).
    pub const PRUNE: &str = "DELETE FROM failed_jobs WHERE slug IN \
         (SELECT slug FROM mailings WHERE julianday(moment) < julianday(?1))";
}

/// A JSON array of strings (job bodies), as [`sql::FORGET`] takes them.
pub fn job_list<'a>(jobs: impl Iterator<Item = &'a str>) -> String {
    serde_json::to_string(&jobs.collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_dead_letter_queues_are_dead() {
        for name in ["newsroom-mail-dead", "newsroom-mail-staging-dead", "newsroom-mail-production-dead"] {
            assert!(is_dead_letter_queue(name), "{name}");
        }
        assert!(!is_dead_letter_queue("newsroom-mail"));
        assert!(!is_dead_letter_queue("newsroom-mail-production"));
    }

    #[test]
    fn job_lists_are_json_arrays() {
        assert_eq!(job_list(["a 1 100", "b \"x\""].into_iter()), r#"["a 1 100","b \"x\""]"#);
        assert_eq!(job_list(std::iter::empty()), "[]");
    }
}
