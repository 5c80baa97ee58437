//! `newsroom mail`: what became of the mail, without SQL (`report`), and sending again the
//! jobs that failed at every try (`retry`), through `npx wrangler d1 execute` on the local
//! database or on Cloudflare's (`--remote --env NAME`). The statements and what they mean
//! are the serve wing's (`mailing::delivery_report`, `mailing::dead_letters`).

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use mailing::delivery_report::{mailings_sql, notices_sql, MailingRow, NoticeRow, State};

use crate::d1::{text_literal, Database};

/// What to do.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Action {
    /// Print, per release, what became of its mail: the jobs it was queued in, mails sent,
    /// refused, removed as inactive, perhaps sent (an answer that could not be read),
    /// bounces and complaints reported later, jobs that failed; and the embargo mails.
    Report {
        /// One release (its slug); default: the latest 20 mailings.
        slug: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Send again the mail jobs that failed at every try (all, or one release's): the mail
    /// Worker's next Cron Trigger run, within a minute, puts them back on the queue. Only
    /// subscribers who did not get the mail are mailed.
    Retry {
        /// One release (its slug); default: every failed job.
        slug: Option<String>,
    },
}

/// Runs `action` and prints its answer on stdout.
pub fn run(action: &Action, db: &Database, now: DateTime<Utc>) -> Result<()> {
    match action {
        Action::Report { slug, json } => {
            let slug = slug_literal(slug.as_deref())?;
            let mailings: Vec<MailingRow> = rows(db.query(&mailings_sql(slug.as_deref(), 20))?)?;
            let notices: Vec<NoticeRow> = rows(db.query(&notices_sql(slug.as_deref(), 20))?)?;
            if *json {
                let report = serde_json::json!({ "mailings": mailings, "embargo_mails": notices });
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", text(&mailings, &notices));
            }
        }
        Action::Retry { slug } => {
            let slug = slug_literal(slug.as_deref())?;
            let at = text_literal("the time", Some(&now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)), 40)?;
            let marked = db.query(&mailing::dead_letters::sql::ask_retry(&at, slug.as_deref()))?;
            if marked.is_empty() {
                println!("No failed mail jobs to send again. `newsroom mail report` shows every mailing.");
            } else {
                let mut releases: Vec<&str> = marked.iter().filter_map(|r| r["slug"].as_str()).collect();
                releases.sort_unstable();
                releases.dedup();
                println!(
                    "{} failed job(s) of {} go out again within a minute, at the mail Worker's next Cron Trigger run. \
                     Only subscribers who did not get the mail are mailed. `newsroom mail report` shows the outcome.",
                    marked.len(),
                    releases.join(", ")
                );
            }
        }
    }
    Ok(())
}

/// `slug`, checked, as an SQL string literal.
fn slug_literal(slug: Option<&str>) -> Result<Option<String>> {
    let Some(slug) = slug else { return Ok(None) };
    let slug = slug.trim().trim_end_matches(".md");
    let slug = slug.rsplit('/').next().unwrap_or(slug);
    anyhow::ensure!(
        contract::slug::is_valid(slug),
        "`{slug}` is not a release's slug (the file name without .md, e.g. 2026-12-07-talousarvio)"
    );
    Ok(Some(text_literal("the slug", Some(slug), 200)?))
}

/// The rows wrangler printed, read as `T`.
fn rows<T: serde::de::DeserializeOwned>(rows: Vec<serde_json::Value>) -> Result<Vec<T>> {
    rows.into_iter()
        .map(|r| serde_json::from_value(r).context("the database answered rows of an unexpected shape"))
        .collect()
}

/// A time D1 keeps (RFC 3339) as readers in Finland read it; the text itself when it does
/// not parse.
fn local(at: &str) -> String {
    match DateTime::parse_from_rfc3339(at) {
        Ok(t) => contract::time::display(&contract::time::in_newsroom_zone(t.to_utc())),
        Err(_) => at.to_string(),
    }
}

/// The report as text, for the person who asked.
fn text(mailings: &[MailingRow], notices: &[NoticeRow]) -> String {
    let mut out = String::new();
    let mut to_do = 0;
    if mailings.is_empty() {
        out.push_str("No release has been mailed to subscribers yet.\n");
    } else {
        out.push_str("Release mails to subscribers, newest first:\n");
    }
    for m in mailings {
        out.push_str(&format!(
            "\n  {}  (public {}; mailing started {})\n",
            m.slug,
            local(&m.moment),
            local(&m.claimed_at)
        ));
        out.push_str(&format!(
            "    sent {} · refused {} · inactive, subscription ended {} · perhaps sent {} · in {} queue job(s)\n",
            m.sent, m.refused, m.removed, m.unknown, m.jobs
        ));
        if m.bounced + m.soft_bounces + m.complaints > 0 {
            out.push_str(&format!(
                "    reported later: bounced {} · soft bounces {} · spam complaints {}\n",
                m.bounced, m.soft_bounces, m.complaints
            ));
        }
        let line = match m.state() {
            State::Done => "    done\n".to_string(),
            State::Failed => {
                to_do += 1;
                format!(
                    "    FAILED: {} job(s) failed at every try and were not sent. Once the mail provider works again, \
                     run `newsroom mail retry {}`.\n",
                    m.failed_jobs, m.slug
                )
            }
            State::Retrying => format!("    {} job(s) go out again at the next minute\n", m.retrying),
            State::Unknown => {
                to_do += 1;
                format!(
                    "    CHECK: the provider's answer for {} mail(s) could not be read. They may have been sent; they are \
                     not sent again. The provider's activity log shows them.\n",
                    m.unknown
                )
            }
        };
        out.push_str(&line);
    }
    if !notices.is_empty() {
        out.push_str("\nEmbargo mails to media lists, newest first:\n");
    }
    for n in notices {
        let kind = match n.kind.as_str() {
            "notice" => "embargo notice",
            "update" => "new time",
            "cancel" => "cancellation",
            other => other,
        };
        out.push_str(&format!(
            "  {}  {kind} ({}): {} journalist(s) · sent {} · refused {} · bounced {} · no answer yet {}\n",
            n.slug,
            local(&n.sent_at),
            n.mails,
            n.sent,
            n.refused,
            n.bounced,
            n.unknown
        ));
    }
    out.push_str(&match to_do {
        0 => "\nNothing needs your action.\n".to_string(),
        n => format!("\n{n} mailing(s) need your action (above).\n"),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_says_what_to_do_for_a_failed_mailing_and_nothing_for_a_done_one() {
        let done = MailingRow {
            slug: "2026-12-07-a".into(),
            moment: "2026-12-07T10:00:00Z".into(),
            claimed_at: "2026-12-07T10:00:05Z".into(),
            jobs: 3,
            sent: 250,
            ..Default::default()
        };
        let failed = MailingRow { slug: "2026-12-08-b".into(), failed_jobs: 2, ..done.clone() };
        let text = text(std::slice::from_ref(&done), &[]);
        assert!(text.contains("sent 250") && text.contains("done") && text.contains("12:00:00 EET"), "{text}");
        assert!(text.contains("Nothing needs your action"), "{text}");
        let text = super::text(&[failed, done], &[]);
        assert!(text.contains("FAILED: 2 job(s)") && text.contains("newsroom mail retry 2026-12-08-b"), "{text}");
        assert!(text.contains("1 mailing(s) need your action"), "{text}");
    }

    #[test]
    fn slugs_are_checked_and_file_names_accepted() {
        assert_eq!(slug_literal(Some("content/releases/2026-12-07-a.md")).expect("ok"), Some("'2026-12-07-a'".into()));
        assert!(slug_literal(Some("x'; DROP TABLE mailings; --")).is_err());
        assert_eq!(slug_literal(None).expect("ok"), None);
    }
}
