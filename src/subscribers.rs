//! `newsroom subscribers`: what an operator needs of the subscription database (D1, binding
//! `DB`) without writing SQL: how many there are, everything kept about one address (a GDPR
//! access request) and erasing it (a GDPR erasure), through `npx wrangler d1 execute`.

use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use contract::subscription::Address;

/// What to do.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Action {
    /// Print how many addresses are confirmed and how many are pending.
    Count,
    /// Print, as JSON, everything kept about ADDRESS: its scopes, language, when it was
    /// confirmed, and which releases were mailed to it and when (records are kept 14 days).
    Export {
        /// The e-mail address.
        address: String,
    },
    /// Delete ADDRESS and every record of mails sent to it.
    Delete {
        /// The e-mail address.
        address: String,
    },
}

/// Where the database is.
pub struct Database {
    /// `Some(dir)`: local D1 as `wrangler dev --persist-to dir` keeps it; `None`: on Cloudflare.
    pub local: Option<std::path::PathBuf>,
    /// A `wrangler.toml` environment.
    pub env: Option<String>,
}

/// Runs `action` and prints its answer on stdout.
pub fn run(action: &Action, db: &Database) -> Result<()> {
    match action {
        Action::Count => {
            let rows = db.query(
                "SELECT COUNT(confirmed_at) AS confirmed, COUNT(*) - COUNT(confirmed_at) AS pending FROM subscribers",
            )?;
            let row = rows.first().context("wrangler returned no row")?;
            println!("confirmed: {}\npending: {}", row["confirmed"], row["pending"]);
        }
        Action::Export { address } => {
            let address = literal(address)?;
            let subscriber = db.query(&format!(
                "SELECT address, scopes, lang, confirmed_at, confirm_sent_at FROM subscribers WHERE address = {address}"
            ))?;
            let mails = db.query(&format!(
                "SELECT d.slug, d.sent_at FROM deliveries d JOIN subscribers s ON s.id = d.subscriber \
                 WHERE s.address = {address} ORDER BY d.sent_at"
            ))?;
            let export = serde_json::json!({ "subscriber": subscriber.first(), "mails": mails });
            println!("{}", serde_json::to_string_pretty(&export)?);
        }
        Action::Delete { address } => {
            let address = literal(address)?;
            db.query(&format!(
                "DELETE FROM deliveries WHERE subscriber IN (SELECT id FROM subscribers WHERE address = {address})"
            ))?;
            let gone = db.query(&format!("DELETE FROM subscribers WHERE address = {address} RETURNING id"))?;
            if gone.is_empty() {
                eprintln!("no subscriber with that address: nothing to delete");
            } else {
                eprintln!("deleted the address and every record of mails sent to it");
            }
        }
    }
    Ok(())
}

/// `address`, checked, as an SQL string literal (wrangler's `--command` binds no
/// parameters; a valid address has no control characters, and quotes are doubled).
fn literal(address: &str) -> Result<String> {
    let address = Address::parse(address).map_err(|e| anyhow::anyhow!("`{address}`: {e}"))?;
    Ok(format!("'{}'", address.as_str().replace('\'', "''")))
}

impl Database {
    /// The rows `sql` answers, as JSON objects.
    fn query(&self, sql: &str) -> Result<Vec<serde_json::Value>> {
        let mut c = Command::new(if cfg!(windows) { "npx.cmd" } else { "npx" });
        c.args(["wrangler", "d1", "execute", "DB", "--json", "--command", sql]);
        match &self.local {
            Some(dir) => c.arg("--local").arg("--persist-to").arg(dir),
            None => c.arg("--remote"),
        };
        if let Some(env) = &self.env {
            c.args(["--env", env]);
        }
        let out =
            c.stdin(Stdio::null()).output().context("cannot run `npx wrangler d1 execute` (is Node.js installed?)")?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        anyhow::ensure!(
            out.status.success(),
            "`wrangler d1 execute` failed: {}{}",
            String::from_utf8_lossy(&out.stderr).trim(),
            stdout.trim()
        );
        let start = stdout.find('[').context("`wrangler d1 execute --json` printed no JSON")?;
        let answer: Vec<serde_json::Value> =
            serde_json::from_str(&stdout[start..]).context("cannot read `wrangler d1 execute --json`")?;
        Ok(answer.first().and_then(|r| r["results"].as_array().cloned()).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_become_safe_literals_or_are_refused() {
        assert_eq!(literal("o'brien@Example.FI").expect("valid"), "'o''brien@example.fi'");
        for bad in ["x'; DROP TABLE subscribers; --", "a@b", ""] {
            assert!(literal(bad).is_err(), "{bad}");
        }
    }
}
