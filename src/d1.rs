//! The worker's D1 database (binding `DB`) from the CLI, through `npx wrangler d1 execute`:
//! local (as `wrangler dev --persist-to` keeps it) or on Cloudflare (`--remote --env NAME`).
//! Wrangler's `--command` binds no parameters, so every value from outside goes in through
//! a checked literal ([`address_literal`], [`text_literal`]).

use std::process::{Command, Stdio};

use anyhow::{Context, Result};
use contract::subscription::Address;

/// The command-line options that say which database (`newsroom subscribers`, `newsroom
/// media`).
#[derive(Debug, Clone, clap::Args)]
pub struct Location {
    /// The database on Cloudflare of environment `--env NAME` (default: local D1).
    #[arg(long, global = true)]
    pub remote: bool,
    /// Folder of local state (`wrangler dev --persist-to`).
    #[arg(long, global = true, default_value = ".wrangler/state")]
    pub persist_to: std::path::PathBuf,
    /// A wrangler.toml environment, e.g. `production` (its BASE_URL starts printed links).
    #[arg(long, global = true)]
    pub env: Option<String>,
}

impl Location {
    /// The database the options name; `--remote` needs `--env`.
    pub fn database(&self) -> Result<Database> {
        anyhow::ensure!(
            !self.remote || self.env.is_some(),
            "--remote needs --env NAME: the top-level database is the local one"
        );
        Ok(Database { local: (!self.remote).then(|| self.persist_to.clone()), env: self.env.clone() })
    }
}

/// Where the database is.
pub struct Database {
    /// `Some(dir)`: local D1 as `wrangler dev --persist-to dir` keeps it; `None`: on Cloudflare.
    pub local: Option<std::path::PathBuf>,
    /// A `wrangler.toml` environment.
    pub env: Option<String>,
}

impl Database {
    /// The rows `sql` answers, as JSON objects.
    pub fn query(&self, sql: &str) -> Result<Vec<serde_json::Value>> {
        let mut c = Command::new(if cfg!(windows) { "npx.cmd" } else { "npx" });
        c.args(["wrangler", "d1", "execute", "DB", "--json", "--command", sql]);
        match &self.local {
            Some(dir) => c.arg("--local").arg("--persist-to").arg(dir),
            None => c.arg("--remote"),
        };
        if let Some(env) = &self.env {
            c.args(["--env", env]);
        }
        let mut out = run(&mut c)?;
        // Local D1 is one SQLite file that `wrangler dev` writes too (a counted embargo
        // open, a subscription): a statement that meets the file locked fails whole with
        // workerd's "internal error" and changed nothing, so it is tried again a few times.
        for pause_ms in [100, 300, 900, 2000] {
            if out.status.success() || self.local.is_none() || !is_locked_file(&out) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(pause_ms));
            out = run(&mut c)?;
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            let said = format!("{}\n{}", String::from_utf8_lossy(&out.stderr), stdout);
            anyhow::bail!("{}", explain_failure(&said, sql, self.env.as_deref()));
        }
        let start = stdout.find('[').context("`wrangler d1 execute --json` printed no JSON")?;
        let answer: Vec<serde_json::Value> =
            serde_json::from_str(&stdout[start..]).context("cannot read `wrangler d1 execute --json`")?;
        Ok(answer.first().and_then(|r| r["results"].as_array().cloned()).unwrap_or_default())
    }
}

fn run(c: &mut Command) -> Result<std::process::Output> {
    c.stdin(Stdio::null()).output().context("cannot run `npx wrangler d1 execute` (is Node.js installed?)")
}

/// Whether a failed local `wrangler d1 execute` met the database file locked by the running
/// `wrangler dev`: workerd reports it only as an internal error with a reference.
fn is_locked_file(out: &std::process::Output) -> bool {
    let said = format!("{}{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
    said.contains("internal error") || said.contains("SQLITE_BUSY") || said.contains("database is locked")
}

/// `address`, checked, as an SQL string literal (a valid address has no control
/// characters, and quotes are doubled).
pub fn address_literal(address: &str) -> Result<String> {
    let address = Address::parse(address).map_err(|e| anyhow::anyhow!("`{address}`: {e}"))?;
    Ok(quoted(address.as_str()))
}

/// `text` as an SQL string literal, or `NULL` for `None`: at most `max` characters, no
/// control characters (`what` names the option in the error).
pub fn text_literal(what: &str, text: Option<&str>, max: usize) -> Result<String> {
    let Some(text) = text.map(str::trim) else { return Ok("NULL".into()) };
    anyhow::ensure!(!text.is_empty(), "{what} is empty");
    anyhow::ensure!(text.chars().count() <= max, "{what} is longer than {max} characters");
    anyhow::ensure!(!text.chars().any(char::is_control), "{what} has a control character");
    Ok(quoted(text))
}

/// What a failed `wrangler d1 execute` means, for the person who ran the command: wrangler's
/// own words without the statement it echoes (which holds the addresses), and the fix for the
/// failures people meet (no tables yet, a token without D1 access).
fn explain_failure(said: &str, sql: &str, env: Option<&str>) -> String {
    // The statement's text literals (addresses, names) never appear, however wrangler quotes them.
    let literals: Vec<&str> = sql.split('\'').skip(1).step_by(2).filter(|l| l.len() > 2).collect();
    let words: Vec<String> = said
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.contains(sql) && !l.contains("INSERT ") && !l.contains("SELECT "))
        .map(|l| literals.iter().fold(l.to_string(), |l, literal| l.replace(literal, "…")))
        .collect();
    let words = words.iter().rev().take(6).rev().cloned().collect::<Vec<_>>().join("\n");
    let remote = env.map(|e| format!(" --remote --env {e}")).unwrap_or_else(|| " --local".into());
    let fix = if said.contains("no such table") {
        format!(
            "\nThe database has no tables yet: apply the migrations with `npx wrangler d1 migrations apply DB{remote}`"
        )
    } else if said.contains("Authentication") || said.contains("10000") || said.contains("not authorized") {
        "\nCLOUDFLARE_API_TOKEN cannot use D1: give the token the permission Account > D1 > Edit (docs/operations.md)"
            .to_string()
    } else {
        String::new()
    };
    format!("`wrangler d1 execute` failed:\n{words}{fix}")
}

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_become_safe_literals_or_are_refused() {
        assert_eq!(address_literal("o'brien@Example.FI").expect("valid"), "'o''brien@example.fi'");
        for bad in ["x'; DROP TABLE subscribers; --", "a@b", ""] {
            assert!(address_literal(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn failures_never_echo_the_statement_and_name_the_fix() {
        let sql = "INSERT INTO journalists (address) VALUES ('maija@example.fi')";
        let said = format!("✘ [ERROR] D1_ERROR: no such table: journalists: SQLITE_ERROR\n{sql}\n");
        let told = explain_failure(&said, sql, Some("production"));
        assert!(!told.contains("maija@example.fi"), "{told}");
        assert!(told.contains("no such table") && told.contains("migrations apply DB --remote --env production"));
        let update = "UPDATE journalists SET revoked_at = '2026-12-07T10:00:00Z' WHERE address = 'maija@example.fi'";
        let told = explain_failure("✘ [ERROR] near 'maija@example.fi': syntax error", update, None);
        assert!(!told.contains("maija@example.fi") && told.contains("syntax error"), "{told}");
        let told = explain_failure("✘ [ERROR] Authentication error [code: 10000]", sql, Some("staging"));
        assert!(told.contains("D1 > Edit"), "{told}");
    }

    #[test]
    fn texts_are_quoted_bounded_and_single_line() {
        assert_eq!(text_literal("--name", Some(" O'Neill "), 10).expect("valid"), "'O''Neill'");
        assert_eq!(text_literal("--name", None, 10).expect("none"), "NULL");
        assert!(text_literal("--name", Some("a\nb"), 10).is_err());
        assert!(text_literal("--name", Some("ä".repeat(11).as_str()), 10).is_err());
        assert!(text_literal("--name", Some("  "), 10).is_err());
    }
}
