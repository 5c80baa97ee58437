//! `newsroom media`: each publisher's list of accredited journalists (D1 table
//! `journalists`, `migrations/0004_media.sql`), who get its releases under embargo through a
//! personal key (`contract::journalist`). `add` prints the journalist's personal links;
//! `revoke` ends the key from the worker's next request on (adding the address again makes
//! a new key: the old one stays dead); `delete` erases the journalist and the record of the
//! notices sent to them (a data subject's erasure request, GDPR Article 17).

use std::path::Path;

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use contract::journalist;

use crate::d1::{address_literal, text_literal, Database};

/// Longest name or outlet kept.
const MAX_TEXT: usize = 200;

/// What to do.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Action {
    /// Add ADDRESS to a publisher's media list (or renew it: a revoked address is active
    /// again) and print the journalist's personal links.
    Add {
        /// The journalist's e-mail address.
        address: String,
        /// The publisher's slug (a file in content/publishers/).
        #[arg(long)]
        publisher: String,
        /// The journalist's name, as the publisher knows it.
        #[arg(long)]
        name: Option<String>,
        /// The journalist's outlet, e.g. `Kouvolan Sanomat`.
        #[arg(long)]
        outlet: Option<String>,
        /// Last day of access (YYYY-MM-DD, to its end in UTC) or an RFC 3339 time.
        #[arg(long)]
        until: Option<String>,
    },
    /// List the journalists of every publisher, or of `--publisher`.
    List {
        /// Only this publisher's list.
        #[arg(long)]
        publisher: Option<String>,
    },
    /// Revoke ADDRESS's key on a publisher's list: refused from the next request on.
    Revoke {
        /// The journalist's e-mail address.
        address: String,
        /// The publisher's slug.
        #[arg(long)]
        publisher: String,
    },
    /// Erase ADDRESS from a publisher's list: the row (name, outlet, access, openings) and
    /// the record of the notices sent to it. Their key stops working at once. For a
    /// journalist's request to be erased; `revoke` keeps the row as a record of access.
    Delete {
        /// The journalist's e-mail address.
        address: String,
        /// The publisher's slug.
        #[arg(long)]
        publisher: String,
    },
}

/// What `add` needs besides the database: the content (to check the publisher), and how to
/// print the links (`None` secret: the links are not printed, with a note why).
pub struct Setup<'a> {
    pub content: &'a Path,
    pub base_url: &'a str,
    pub secret: Option<String>,
    pub now: DateTime<Utc>,
}

/// Runs `action` and prints its answer on stdout.
pub fn run(action: &Action, db: &Database, cx: &Setup<'_>) -> Result<()> {
    match action {
        Action::Add { address, publisher, name, outlet, until } => {
            let publisher = known_publisher(cx.content, publisher)?;
            let address = address_literal(address)?;
            let name = text_literal("--name", name.as_deref(), MAX_TEXT)?;
            let outlet = text_literal("--outlet", outlet.as_deref(), MAX_TEXT)?;
            let until = match until {
                Some(text) => format!("'{}'", rfc3339(parse_until(text, cx.now)?)),
                None => {
                    eprintln!(
                        "note: no --until, so this access never ends by itself: end it with `newsroom media revoke`, \
                         or add the address again with --until YYYY-MM-DD"
                    );
                    "NULL".into()
                }
            };
            let rows = db.query(&format!(
                "INSERT INTO journalists (publisher, address, name, outlet, until, added_at) \
                 VALUES ('{publisher}', {address}, {name}, {outlet}, {until}, '{now}') \
                 ON CONFLICT (publisher, address) DO UPDATE SET name = excluded.name, outlet = excluded.outlet, \
                 until = excluded.until, key_version = journalists.key_version + (journalists.revoked_at IS NOT NULL), \
                 revoked_at = NULL RETURNING id, key_version",
                now = rfc3339(cx.now)
            ))?;
            let row = rows.first().context("wrangler returned no row")?;
            let (id, version) = (row["id"].as_i64(), row["key_version"].as_i64());
            let (Some(id), Some(version)) = (id, version) else { anyhow::bail!("wrangler returned no row id: {row}") };
            eprintln!("on {publisher}'s media list as journalist {id}");
            match &cx.secret {
                Some(secret) => {
                    let holder = journalist::Holder { publisher: &publisher, id, version };
                    let key = journalist::key(secret.as_bytes(), &holder)
                        .context("cannot make the key: PREVIEW_SECRET is shorter than 32 bytes")?;
                    let base = cx.base_url.trim_end_matches('/');
                    println!("{base}/embargo/{key}/feed.xml");
                    eprintln!(
                        "the personal feed of {publisher}'s releases under embargo; each embargo mail links the release \
                         itself"
                    );
                }
                None => eprintln!(
                    "note: PREVIEW_SECRET is not set, so the personal links are not printed; the embargo mails carry \
                     them"
                ),
            }
        }
        Action::List { publisher } => {
            let filter = match publisher {
                Some(p) => format!("WHERE publisher = '{}'", slug(p)?),
                None => String::new(),
            };
            let rows = db.query(&format!(
                "SELECT id, publisher, address, name, outlet, until, revoked_at, opens FROM journalists {filter} \
                 ORDER BY publisher, address"
            ))?;
            println!("id\tpublisher\taddress\tname\toutlet\tuntil\tstate\topens");
            for r in &rows {
                let text = |k: &str| r[k].as_str().unwrap_or("").to_string();
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r["id"],
                    text("publisher"),
                    text("address"),
                    text("name"),
                    text("outlet"),
                    text("until"),
                    state(r, cx.now),
                    r["opens"]
                );
            }
            eprintln!("{} journalists", rows.len());
        }
        Action::Revoke { address, publisher } => {
            let publisher = slug(publisher)?;
            let literal = address_literal(address)?;
            let rows = db.query(&format!(
                "UPDATE journalists SET revoked_at = '{}' WHERE publisher = '{publisher}' AND address = {literal} \
                 RETURNING id",
                rfc3339(cx.now)
            ))?;
            anyhow::ensure!(!rows.is_empty(), "no journalist {address} on {publisher}'s media list: nothing revoked");
            eprintln!(
                "revoked: the key answers 404 from the next request on; adding the address again makes a new key"
            );
        }
        Action::Delete { address, publisher } => {
            let publisher = slug(publisher)?;
            let literal = address_literal(address)?;
            // The notices first (the row's `ON DELETE CASCADE` would take them too, should
            // foreign keys be on), then the row: a failure between leaves only the row.
            db.query(&format!(
                "DELETE FROM notices WHERE journalist IN (SELECT id FROM journalists WHERE publisher = '{publisher}' \
                 AND address = {literal})"
            ))?;
            let rows = db.query(&format!(
                "DELETE FROM journalists WHERE publisher = '{publisher}' AND address = {literal} RETURNING id"
            ))?;
            anyhow::ensure!(!rows.is_empty(), "no journalist {address} on {publisher}'s media list: nothing erased");
            eprintln!("erased: {address} and the record of the notices sent to it; the key answers 404 at once");
        }
    }
    Ok(())
}

/// `active`, `revoked` or `expired`, for `list`.
fn state(row: &serde_json::Value, now: DateTime<Utc>) -> &'static str {
    if row["revoked_at"].is_string() {
        "revoked"
    } else if row["until"].as_str().is_some_and(|u| u <= rfc3339(now).as_str()) {
        "expired"
    } else {
        "active"
    }
}

/// `publisher` if it is a slug with a file in `content/publishers/`.
fn known_publisher(content: &Path, publisher: &str) -> Result<String> {
    let publisher = slug(publisher)?;
    let file = content.join("publishers").join(format!("{publisher}.toml"));
    anyhow::ensure!(
        file.is_file(),
        "no publisher `{publisher}`: {} does not exist (the slugs are the file names in {})",
        file.display(),
        content.join("publishers").display()
    );
    Ok(publisher)
}

fn slug(text: &str) -> Result<String> {
    anyhow::ensure!(contract::slug::is_valid(text), "`{text}` is not a publisher slug (lowercase letters, digits, -)");
    Ok(text.to_string())
}

/// `--until`: a date (access to its end, UTC) or an RFC 3339 time, in the future.
fn parse_until(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let at = match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(day) => day.and_hms_opt(23, 59, 59).map(|t| t.and_utc()).context("a day without an end")?,
        Err(_) => DateTime::parse_from_rfc3339(text)
            .map(|t| t.to_utc())
            .map_err(|_| anyhow::anyhow!("--until `{text}`: expected YYYY-MM-DD or an RFC 3339 time"))?,
    };
    anyhow::ensure!(at > now, "--until `{text}` has passed");
    Ok(at)
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-02T12:00:00Z").map(|t| t.to_utc()).unwrap_or_default()
    }

    #[test]
    fn until_is_a_future_day_or_time() {
        assert_eq!(rfc3339(parse_until("2027-01-31", now()).unwrap()), "2027-01-31T23:59:59Z");
        assert_eq!(rfc3339(parse_until("2027-01-31T10:00:00+02:00", now()).unwrap()), "2027-01-31T08:00:00Z");
        for bad in ["2026-12-01", "tomorrow", "31.1.2027", ""] {
            assert!(parse_until(bad, now()).is_err(), "{bad}");
        }
    }

    #[test]
    fn publishers_must_exist_in_the_content() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("publishers")).unwrap();
        std::fs::write(dir.path().join("publishers/kymsote.toml"), "").unwrap();
        assert_eq!(known_publisher(dir.path(), "kymsote").unwrap(), "kymsote");
        assert!(known_publisher(dir.path(), "toinen").unwrap_err().to_string().contains("no publisher `toinen`"));
        assert!(known_publisher(dir.path(), "../etc").is_err());
    }

    #[test]
    fn list_states() {
        let row = |until: &str, revoked: bool| serde_json::json!({"until": until, "revoked_at": if revoked { serde_json::json!("2026-12-01T00:00:00Z") } else { serde_json::Value::Null }});
        assert_eq!(state(&row("2027-01-01T00:00:00Z", false), now()), "active");
        assert_eq!(state(&row("2026-12-01T00:00:00Z", false), now()), "expired");
        assert_eq!(state(&row("2027-01-01T00:00:00Z", true), now()), "revoked");
    }
}
