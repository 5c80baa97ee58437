//! `newsroom subscribers`: what an operator needs of the subscription database (D1, binding
//! `DB`) without writing SQL: how many there are, everything kept about one address (a GDPR
//! access request) and erasing it (a GDPR erasure), through `npx wrangler d1 execute`.

use anyhow::{Context, Result};

use crate::d1::{address_literal as literal, Database};

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
