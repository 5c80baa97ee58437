//! `newsroom preview`: the secret link to a scheduled release or a draft.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use contract::preview;

use crate::{checked_to, Diagnostics};

/// Prints the preview URL of `slug`, valid for `hours`.
pub fn preview_url(slug: &str, content: &Path, hours: i64, base_url: &str) -> Result<ExitCode> {
    anyhow::ensure!(
        (1..=preview::MAX_VALID_DAYS * 24).contains(&hours),
        "--hours must be from 1 to {}",
        preview::MAX_VALID_DAYS * 24
    );
    // Its stdout is the link alone (scripts take it): problems and warnings go to stderr.
    let Some(site) = checked_to(content, Diagnostics::default(), true)? else {
        return Ok(ExitCode::from(1));
    };
    let release = site.releases.iter().find(|r| r.slug == slug);
    let Some(release) = release else {
        anyhow::ensure!(
            !site.unfinished_drafts.iter().any(|d| d == slug),
            "`{slug}` is an unfinished draft: `newsroom check` shows what it lacks; a draft can be previewed once it \
             checks"
        );
        anyhow::bail!("no release `{slug}` in {}", content.display());
    };
    let secret = preview_secret(base_url)?;
    let now = now()?;
    let expires = now + chrono::Duration::hours(hours);
    let token = preview::sign(secret.as_bytes(), slug, expires).context("cannot sign the preview token")?;
    if release.published.at <= now {
        eprintln!("note: `{slug}` is already public; the link shows the public page");
    } else if release.draft {
        eprintln!(
            "note: `{slug}` is a draft: `newsroom publish` uploads it as a record only this link opens (never listed, \
             fed, searched or counted); publish first if you have not since you last changed it"
        );
    }
    println!("{}/releases/{slug}?preview={token}", base_url.trim_end_matches('/'));
    eprintln!("valid until {} (UTC)", expires.format("%Y-%m-%d %H:%M"));
    Ok(ExitCode::SUCCESS)
}

/// The current time (chrono's clock feature is left out of the core's dependencies).
pub fn now() -> Result<chrono::DateTime<chrono::Utc>> {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).context("clock before 1970")?;
    chrono::DateTime::from_timestamp(i64::try_from(secs.as_secs())?, 0).context("clock out of range")
}

/// True for a URL of this machine: `http(s)://` then `localhost`, `127.0.0.1` or `[::1]`
/// (any port), nothing else. A URL without a scheme, with user info or any other host is not.
fn is_local(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://")) else { return false };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return false;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().map(|h| format!("[{h}]")).unwrap_or_default(),
        None => authority.split(':').next().unwrap_or("").to_string(),
    };
    matches!(host.to_ascii_lowercase().as_str(), "localhost" | "127.0.0.1" | "[::1]")
}

/// PREVIEW_SECRET from the environment, else, for a link to this machine only, from
/// `.dev.vars` (what `wrangler dev` reads). A link to a deployment signed with the local
/// secret would answer 404 there with no one told why: refused, naming the fix.
pub(crate) fn preview_secret(base_url: &str) -> Result<String> {
    if let Ok(secret) = std::env::var("PREVIEW_SECRET") {
        return Ok(secret);
    }
    let local = base_url.is_empty() || is_local(base_url);
    anyhow::ensure!(
        local,
        "a preview link for {base_url} must be signed with that deployment's secret: set PREVIEW_SECRET to the value \
         given to `npx wrangler secret put PREVIEW_SECRET --env NAME`; the local .dev.vars secret would make a link \
         that answers 404 there"
    );
    let text = fs::read_to_string(".dev.vars")
        .context("PREVIEW_SECRET is not set and .dev.vars cannot be read (`make dev` creates one)")?;
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("PREVIEW_SECRET"))
        .filter_map(|rest| rest.trim_start().strip_prefix('='))
        .map(|value| value.trim().trim_matches('"').to_string())
        .next()
        .context(".dev.vars has no PREVIEW_SECRET line")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_is_local() {
        for local in ["http://127.0.0.1:8787", "http://localhost", "https://LOCALHOST:1/x", "http://[::1]:8787/"] {
            assert!(is_local(local), "{local}");
        }
        for remote in [
            "https://uutiset.example.fi",
            "uutiset.example.fi",
            "https://[2001:db8::1]/",
            "https://localhost:1@evil.example/",
            "https://127.0.0.1.example.fi",
            "http://0.0.0.0",
        ] {
            assert!(!is_local(remote), "{remote}");
        }
    }
}
