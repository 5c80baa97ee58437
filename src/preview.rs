//! `newsroom preview`: the secret link to a scheduled release or a draft.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use contract::config::Config;
use contract::preview;
use publish::content::{Release, Site};

use crate::upload::Uploaded;
use crate::wrangler::Kv;
use crate::{checked_to, Diagnostics};

/// What `newsroom preview` links to.
pub struct Link<'a> {
    /// The release's slug.
    pub slug: &'a str,
    /// The content folder.
    pub content: &'a Path,
    /// How long the link is valid.
    pub hours: i64,
    /// The newsroom's origin.
    pub base_url: &'a str,
}

/// The release `slug` of `site`, or why there is none (an unfinished draft, a typo).
pub fn ensure_known<'s>(site: &'s Site, slug: &str, content: &Path) -> Result<&'s Release> {
    if let Some(release) = site.releases.iter().find(|r| r.slug == slug) {
        return Ok(release);
    }
    anyhow::ensure!(
        !site.unfinished_drafts.iter().any(|d| d == slug),
        "`{slug}` is an unfinished draft: `newsroom check` shows what it lacks; a draft can be previewed once it checks"
    );
    let slugs = site.releases.iter().map(|r| r.slug.as_str());
    let hint =
        publish::content::fields::suggest(slug, slugs).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
    anyhow::bail!(
        "no release `{slug}` in {}{hint}: give the release's file name without `.md`, or its path",
        content.display()
    )
}

/// Prints the preview URL of `link.slug`, after asking `namespace` (when given) whether the
/// release is uploaded there as it is in the files: a link to a release never uploaded
/// would answer 404, one to an older upload would show the older text.
pub fn preview_url(link: &Link, namespace: Option<(&Kv, &Config)>) -> Result<ExitCode> {
    let (slug, hours) = (link.slug, link.hours);
    anyhow::ensure!(
        (1..=preview::MAX_VALID_DAYS * 24).contains(&hours),
        "--hours must be from 1 to {}",
        preview::MAX_VALID_DAYS * 24
    );
    // Its stdout is the link alone (scripts take it): problems and warnings go to stderr.
    let Some(site) = checked_to(link.content, Diagnostics::default(), true)? else {
        return Ok(ExitCode::from(1));
    };
    let release = ensure_known(&site, slug, link.content)?;
    let secret = preview_secret(link.base_url)?;
    let now = crate::clock::now()?;
    if let Some((kv, config)) = namespace {
        match crate::upload::uploaded(&site, kv, config, slug)? {
            Uploaded::Current => {}
            Uploaded::Missing(place) => {
                eprintln!(
                    "error: `{slug}` is not uploaded to {place}, so its link would answer 404: run `newsroom publish{}` \
                     first (or `newsroom preview --local {slug}` to see it from your files without uploading)",
                    kv.env.as_deref().map(|e| format!(" --remote --env {e}")).unwrap_or_default()
                );
                return Ok(ExitCode::from(1));
            }
            Uploaded::Older(place) => eprintln!(
                "warning: {place} holds an older version of `{slug}` than your file: the link shows that one until \
                 you publish again"
            ),
        }
    }
    let expires = now + chrono::Duration::hours(hours);
    let token = preview::sign(secret.as_bytes(), slug, expires).context("cannot sign the preview token")?;
    if release.draft {
        eprintln!("note: `{slug}` is a draft: only this link opens it (never listed, fed, searched or counted)");
    } else if release.published.at <= now {
        eprintln!("note: `{slug}` is already public; the link shows the public page");
    }
    println!("{}/releases/{slug}?preview={token}", link.base_url.trim_end_matches('/'));
    let zone = site.publishers.get(&release.publisher).map_or(chrono_tz::Europe::Helsinki, |p| p.zone);
    let local = expires.with_timezone(&zone);
    eprintln!("valid until {} ({})", local.format("%-d.%-m.%Y %H:%M %Z"), publish::timing::relative(expires, now));
    Ok(ExitCode::SUCCESS)
}

/// True for a URL of this machine: `http(s)://` then `localhost`, `127.0.0.1` or `[::1]`
/// (any port), nothing else. A URL without a scheme, with user info or any other host is not.
pub fn is_local(url: &str) -> bool {
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
