//! `newsroom mail`: what became of the mail, without SQL (`report`), and sending again the
//! jobs that failed at every try (`retry`), through `npx wrangler d1 execute` on the local
//! database or on Cloudflare's (`--remote --env NAME`). The statements and what they mean
//! are the mail wing's (`mailing::delivery_report`, `mailing::dead_letters`).

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use mailing::delivery::CLAIMS_KEPT_DAYS;
use mailing::delivery_report::{mailings_sql, notices_sql, MailingRow, NoticeRow, State};

use crate::d1::{text_literal, Location};

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

/// Runs `action` on the database `at` names and prints its answer on stdout.
pub fn run(action: &Action, at: &Location, now: DateTime<Utc>) -> Result<()> {
    let db = at.database()?;
    let flags = location_flags(at);
    match action {
        Action::Report { slug, json } => {
            let slug = slug_literal(slug.as_deref())?;
            let mailings: Vec<MailingRow> = rows(db.query(&mailings_sql(slug.as_deref(), 20))?)?;
            let notices: Vec<NoticeRow> = rows(db.query(&notices_sql(slug.as_deref(), 20))?)?;
            if *json {
                let report = serde_json::json!({ "mailings": mailings, "embargo_mails": notices });
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", text(&mailings, &notices, now, &flags));
            }
        }
        Action::Retry { slug } => {
            let slug = slug_literal(slug.as_deref())?;
            let time = |t: DateTime<Utc>| {
                text_literal("the time", Some(&t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)), 40)
            };
            let since = time(too_late_before(now))?;
            let marked = db.query(&mailing::dead_letters::sql::ask_retry(&time(now)?, slug.as_deref(), &since))?;
            for old in db.query(&mailing::dead_letters::sql::too_late(slug.as_deref(), &since))? {
                println!(
                    "{} failed job(s) of {} cannot be sent again: the release went public more than {} days ago, and \
                     the records of who got its mail are gone. Its report keeps them until they are pruned.",
                    old["jobs"],
                    old["slug"].as_str().unwrap_or("?"),
                    CLAIMS_KEPT_DAYS - 1
                );
            }
            if marked.is_empty() {
                println!("No failed mail jobs to send again. `newsroom mail report{flags}` shows every mailing.");
            } else {
                let mut releases: Vec<&str> = marked.iter().filter_map(|r| r["slug"].as_str()).collect();
                releases.sort_unstable();
                releases.dedup();
                println!(
                    "{} failed job(s) of {} go out again within a minute, at the mail Worker's next Cron Trigger run. \
                     Only subscribers who did not get the mail are mailed. `newsroom mail report{flags}` shows the \
                     outcome.",
                    marked.len(),
                    releases.join(", ")
                );
            }
        }
    }
    Ok(())
}

/// The options that name the database, as the command was given them, for the commands
/// the report suggests (so a report of production suggests a retry of production).
fn location_flags(at: &Location) -> String {
    let mut flags = String::new();
    if at.remote {
        flags.push_str(" --remote");
    } else if at.persist_to != std::path::Path::new(".wrangler/state") {
        flags.push_str(&format!(" --persist-to {}", at.persist_to.display()));
    }
    if let Some(env) = &at.env {
        flags.push_str(&format!(" --env {env}"));
    }
    flags
}

/// Releases public before this are too old for their failed jobs to be sent again: the
/// delivery claims that tell who got the mail are kept `CLAIMS_KEPT_DAYS`.
fn too_late_before(now: DateTime<Utc>) -> DateTime<Utc> {
    now - chrono::Duration::days(CLAIMS_KEPT_DAYS - 1)
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

/// The report as text, for the person who asked; `flags` name the database in the commands
/// it suggests.
fn text(mailings: &[MailingRow], notices: &[NoticeRow], now: DateTime<Utc>, flags: &str) -> String {
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
        if m.jobs == 0 && m.sent + m.refused + m.removed + m.unknown == 0 && m.failed_jobs == 0 {
            out.push_str("    mailed before the delivery report existed: no counts\n");
            continue;
        }
        out.push_str(&format!(
            "    sent {} · refused {} · inactive, subscription ended {} · may or may not have been sent {} · in {} queue \
             job(s)\n",
            m.sent, m.refused, m.removed, m.unknown, m.jobs
        ));
        if m.bounced + m.soft_bounces + m.complaints > 0 {
            out.push_str(&format!(
                "    reported later: bounced {} · soft bounces {} · spam complaints {}\n",
                m.bounced, m.soft_bounces, m.complaints
            ));
        }
        let too_old = DateTime::parse_from_rfc3339(&m.moment).is_ok_and(|t| t.to_utc() < too_late_before(now));
        let why = m.reason.as_deref().map(|r| format!(" The last refusal: {r}.")).unwrap_or_default();
        let line = match m.state() {
            State::Done => "    done\n".to_string(),
            State::Failed if too_old => {
                to_do += 1;
                format!(
                    "    FAILED: {} queue job(s) (up to 100 subscribers each) failed at every try, and the release is \
                     too old to send them again. Their subscribers not yet mailed were not mailed.\n",
                    m.failed_jobs
                )
            }
            State::Failed => {
                to_do += 1;
                format!(
                    "    FAILED: {} queue job(s) (up to 100 subscribers each) failed at every try: their subscribers not \
                     yet mailed were not mailed.{why} Once the mail provider works again, run `newsroom mail retry {}{flags}`.\n",
                    m.failed_jobs, m.slug
                )
            }
            State::Retrying => format!("    {} job(s) go out again at the next minute\n", m.retrying),
            State::BackingOff => format!(
                "    LATE: {} queue job(s) were refused at their last try and are tried again by the queue, with \
                 longer waits (up to an hour) for about five hours.{why} Nothing to do yet; if it lasts, check the mail \
                 provider.\n",
                m.backing_off
            ),
            State::Unknown => {
                to_do += 1;
                format!(
                    "    CHECK: the provider's answer for {} mail(s) could not be read. They may or may not have been \
                     sent, and are not sent again: the provider's activity log shows them.\n",
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
            "  {}  {kind} ({}): {} journalist(s) · sent {} · refused {} · bounced {} · no answer yet {}",
            n.slug,
            local(&n.sent_at),
            n.mails,
            n.sent,
            n.refused,
            n.bounced,
            n.unknown
        ));
        if n.unrecorded > 0 {
            out.push_str(&format!(" · sent before the delivery report existed {}", n.unrecorded));
        }
        out.push('\n');
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
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-08T10:00:00Z").expect("valid").to_utc();
        let text = text(std::slice::from_ref(&done), &[], now, "");
        assert!(text.contains("sent 250") && text.contains("done") && text.contains("12:00:00 EET"), "{text}");
        assert!(text.contains("Nothing needs your action"), "{text}");
        let text = super::text(&[failed.clone(), done.clone()], &[], now, " --remote --env production");
        assert!(text.contains("FAILED: 2 queue job(s)"), "{text}");
        assert!(text.contains("newsroom mail retry 2026-12-08-b --remote --env production"), "{text}");
        assert!(text.contains("1 mailing(s) need your action"), "{text}");
        let later = now + chrono::Duration::days(20);
        let text = super::text(&[failed], &[], later, "");
        assert!(text.contains("too old to send them again") && !text.contains("newsroom mail retry"), "{text}");
        let late = MailingRow {
            backing_off: 1,
            reason: Some("the mail provider gave no answer within 20 s".into()),
            ..done.clone()
        };
        let text = super::text(&[late], &[], now, "");
        assert!(text.contains("LATE: 1 queue job(s)") && text.contains("no answer within 20 s"), "{text}");
        assert!(text.contains("Nothing needs your action"), "late mail is the queue's to send: {text}");
        let before = MailingRow { jobs: 0, sent: 0, ..done };
        assert!(super::text(&[before], &[], now, "").contains("no counts"));
    }

    #[test]
    fn slugs_are_checked_and_file_names_accepted() {
        assert_eq!(slug_literal(Some("content/releases/2026-12-07-a.md")).expect("ok"), Some("'2026-12-07-a'".into()));
        assert!(slug_literal(Some("x'; DROP TABLE mailings; --")).is_err());
        assert_eq!(slug_literal(None).expect("ok"), None);
    }
}
