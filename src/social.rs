//! `newsroom social`: what became of releases' posts on Mastodon and Bluesky and of the
//! publishers' feeds (`report`), trying refused posts again (`retry`), both through
//! `npx wrangler d1 execute` (local, or `--remote --env NAME`); and checking, without
//! posting, that every announcing channel has its credential (`test`): its Worker secret is
//! set in that environment, and, when the credential is in this shell's environment under
//! the secret's name, that the platform takes it for that profile with the right to post.
//! The statements and what the answers mean are the mail wing's (`mailing::social_posts`,
//! `mailing::social_feeds`).

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use contract::social::{secret_name, Platform};
use mailing::social_posts::{bluesky_handle, bluesky_session, mastodon_host, session_of};

use crate::d1::{text_literal, Location};

/// What to do.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Action {
    /// Print each release's posts (posted with their address, waiting for another try and
    /// why, failed and why) and each publisher feed's last fetch.
    Report {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Try the failed posts again at the mail Worker's next Cron Trigger run (within a
    /// minute): after fixing a credential, say. A post already made is never made again.
    Retry,
    /// Check each announcing channel's credential without posting: the Worker secret is set
    /// (`--env NAME`: in that environment on Cloudflare; locally: in `.dev.vars`), and, when
    /// this shell has the credential in a variable of the secret's name, the platform takes it.
    Test {
        /// The content folder, whose publisher files name the channels.
        #[arg(long, default_value = "content")]
        content: PathBuf,
    },
}

/// Runs `action`; the database and environment are `at`'s.
pub fn run(action: &Action, at: &Location, now: DateTime<Utc>) -> Result<bool> {
    match action {
        Action::Report { json } => {
            let db = at.database()?;
            let posts = db.query(mailing::social_posts::sql::REPORT)?;
            let feeds = db.query(mailing::social_feeds::sql::REPORT)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "posts": posts, "feeds": feeds }))?);
            } else {
                print!("{}", report_text(&posts, &feeds));
            }
            Ok(true)
        }
        Action::Retry => {
            let db = at.database()?;
            let time = |t: DateTime<Utc>| {
                text_literal("the time", Some(&t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)), 40)
            };
            let window = time(now - chrono::Duration::hours(contract::golive::WINDOW_HOURS))?;
            let sql = mailing::social_posts::sql::RETRY_FAILED.replace("?1", &time(now)?).replace("?2", &window);
            let marked = db.query(&sql)?;
            let name = |row: &serde_json::Value| {
                format!("{} on {}", row["slug"].as_str().unwrap_or("?"), row["platform"].as_str().unwrap_or("?"))
            };
            for row in &marked {
                println!("{}: tried again within a minute", name(row));
            }
            for row in &db.query(&mailing::social_posts::sql::TOO_LATE.replace("?1", &window))? {
                println!(
                    "{}: not tried again: the release went public more than {} hours ago, when the trigger stops \
                     posting it; post it by hand if it still matters",
                    name(row),
                    contract::golive::WINDOW_HOURS
                );
            }
            if marked.is_empty() {
                println!("No failed posts to try again.");
            }
            Ok(true)
        }
        Action::Test { content } => test(content, at.env.as_deref()),
    }
}

/// The report as text: one line per post, then one per feed.
fn report_text(posts: &[serde_json::Value], feeds: &[serde_json::Value]) -> String {
    let s = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or("").to_string();
    let mut out = String::new();
    if posts.is_empty() {
        out.push_str("No release has been posted to social media yet.\n");
    }
    for p in posts {
        let (slug, platform, state) = (s(p, "slug"), s(p, "platform"), s(p, "state"));
        let line = match state.as_str() {
            "posted" => format!("posted  {slug} on {platform}: {}", s(p, "url")),
            "retry" => format!("LATE    {slug} on {platform}: try {} refused: {}", p["tries"], s(p, "reason")),
            "posting" => format!("posting {slug} on {platform}: try {} under way", p["tries"]),
            _ => format!(
                "FAILED  {slug} on {platform}: {} (`newsroom social retry` tries again after the fix)",
                s(p, "reason")
            ),
        };
        out.push_str(&line);
        out.push('\n');
    }
    for f in feeds {
        let (publisher, platform) = (s(f, "publisher"), s(f, "platform"));
        let line = match f["error"].as_str() {
            None => format!("feed    {publisher} {platform}: fetched {}", s(f, "fetched_at")),
            Some(e) => format!(
                "feed    {publisher} {platform}: FAILING since the last good fetch ({}): {e}; the page keeps the last good posts",
                f["ok_at"].as_str().unwrap_or("never")
            ),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `newsroom social test`: answers whether every channel passed.
fn test(content: &std::path::Path, env: Option<&str>) -> Result<bool> {
    let publishers = crate::files::load_publishers(content)?;
    let stored = stored_secrets(env)?;
    let (mut channels, mut ok) = (0, true);
    for p in publishers.values() {
        for platform in &p.announce {
            channels += 1;
            let name = secret_name(*platform, &p.slug);
            let Some(profile) = p.social.iter().find(|s| s.platform == platform.id()) else { continue };
            let place = env.map_or("in .dev.vars".to_string(), |e| format!("in environment {e}"));
            if !stored.contains(&name) {
                ok = false;
                let fix = match env {
                    Some(e) => format!("set it with `npx wrangler secret put {name} -c wrangler.mail.toml --env {e}`"),
                    None => format!("add a line `{name}=…` to .dev.vars (never committed)"),
                };
                println!(
                    "MISSING {} {}: the Worker secret {name} is not set {place}; {fix} (docs/social.md)",
                    p.slug,
                    platform.name()
                );
                continue;
            }
            match std::env::var(&name).ok().filter(|v| !v.is_empty()) {
                None => println!(
                    "set     {} {}: {name} is set {place} (to check that the platform takes it, run this with the \
                     credential in the variable {name})",
                    p.slug,
                    platform.name()
                ),
                Some(credential) => match check(*platform, &profile.url, &credential) {
                    Ok(who) => println!("ok      {} {}: {name} is set and {who}", p.slug, platform.name()),
                    Err(why) => {
                        ok = false;
                        println!("REFUSED {} {}: {why}", p.slug, platform.name());
                    }
                },
            }
        }
    }
    if channels == 0 {
        println!("No publisher announces releases (`announce` in `[social]` of a publisher file; docs/social.md).");
    }
    Ok(ok)
}

/// The Worker secrets set: `wrangler secret list` of the mail Worker in `env`, or locally the
/// names in `.dev.vars`.
fn stored_secrets(env: Option<&str>) -> Result<Vec<String>> {
    let Some(env) = env else {
        // Locally the Worker reads `.dev.vars`; `make dev` passes its example's as variables.
        let text = std::fs::read_to_string(".dev.vars").unwrap_or_default();
        let mut names: Vec<String> =
            text.lines().filter_map(|l| l.split_once('=')).map(|(k, _)| k.trim().to_string()).collect();
        names.extend(
            std::env::vars()
                .map(|(k, _)| k)
                .filter(|k| k.starts_with("MASTODON_TOKEN_") || k.starts_with("BLUESKY_APP_PASSWORD_")),
        );
        return Ok(names);
    };
    let out = Command::new(if cfg!(windows) { "npx.cmd" } else { "npx" })
        .args(["wrangler", "secret", "list", "-c", "wrangler.mail.toml", "--env", env, "--format", "json"])
        .output()
        .context("cannot run `npx wrangler secret list`")?;
    anyhow::ensure!(
        out.status.success(),
        "`wrangler secret list` failed: {}",
        String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("")
    );
    let list: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).context("cannot read `wrangler secret list --format json`")?;
    Ok(list.iter().filter_map(|s| s["name"].as_str().map(str::to_string)).collect())
}

/// `url` or, with `SOCIAL_VIA` in this shell, its stand-in's (as the Worker does).
fn via(url: &str) -> String {
    contract::social::via(url, std::env::var("SOCIAL_VIA").ok().filter(|v| !v.is_empty()).as_deref())
}

/// Asks the platform whether it takes `credential` for `profile`, without posting; answers
/// who it is.
fn check(platform: Platform, profile: &str, credential: &str) -> Result<String, String> {
    let agent = ureq::AgentBuilder::new().timeout(std::time::Duration::from_secs(20)).build();
    let answer = |r: Result<ureq::Response, ureq::Error>| -> Result<(u16, Vec<u8>), String> {
        match r {
            Ok(r) | Err(ureq::Error::Status(_, r)) => {
                let status = r.status();
                let mut body = Vec::new();
                std::io::Read::read_to_end(&mut r.into_reader(), &mut body).map_err(|e| e.to_string())?;
                Ok((status, body))
            }
            Err(e) => Err(format!("could not reach the platform: {e}")),
        }
    };
    if platform == Platform::Bluesky {
        let handle = bluesky_handle(profile).ok_or("the Bluesky address names no handle")?;
        let service = std::env::var("BLUESKY_SERVICE").unwrap_or_else(|_| "https://bsky.social".into());
        let url = via(&format!("{}/xrpc/com.atproto.server.createSession", service.trim_end_matches('/')));
        let (status, body) = answer(
            agent.post(&url).set("content-type", "application/json").send_string(&bluesky_session(handle, credential)),
        )?;
        return match session_of(status, &body) {
            Some((_, did)) => Ok(format!("Bluesky signs {handle} in with it ({did})")),
            None => Err(format!(
                "Bluesky did not sign {handle} in with this app password (HTTP {status}); make a new one under \
                 Settings > Privacy and security > App passwords"
            )),
        };
    }
    let host = mastodon_host(profile).ok_or("the Mastodon address names no server")?;
    let bearer = format!("Bearer {credential}");
    let (status, body) = answer(
        agent
            .get(&via(&format!("https://{host}/api/v1/accounts/verify_credentials")))
            .set("authorization", &bearer)
            .call(),
    )?;
    if status == 403 {
        return Err(format!(
            "{host} takes this token but will not say whose it is: give it the read-only scope `profile` as well \
             (`read:accounts` before Mastodon 4.3), which this check needs (docs/social.md)"
        ));
    }
    if status != 200 {
        return Err(format!("{host} does not take this access token (HTTP {status}); make a new one (docs/social.md)"));
    }
    let account: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    let (_, app) = answer(
        agent.get(&via(&format!("https://{host}/api/v1/apps/verify_credentials"))).set("authorization", &bearer).call(),
    )?;
    let scopes: serde_json::Value = serde_json::from_slice(&app).unwrap_or_default();
    let can_post = scopes["scopes"]
        .as_array()
        .is_none_or(|s| s.iter().any(|s| matches!(s.as_str(), Some("write" | "write:statuses"))));
    if !can_post {
        return Err(format!("the token of {host} may not post: give it the scope write:statuses"));
    }
    let acct = account["acct"].as_str().unwrap_or("?");
    let named = profile.rsplit_once("/@").map_or("", |(_, n)| n);
    if !acct.eq_ignore_ascii_case(named) {
        return Err(format!("the token is @{acct}'s on {host}, not @{named}'s, whose address `[social]` gives"));
    }
    Ok(format!("{host} takes it for @{acct}"))
}
