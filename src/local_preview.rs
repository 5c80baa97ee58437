//! `newsroom preview --local SLUG`: the release as it will look, from the working copy,
//! uploaded nowhere. The content is built in memory as a publish would build it, and the
//! serve wing answers each request from those records natively (it is sans-IO: the same
//! code the Worker runs, with a map instead of KV), through `tiny_http` on this machine only.
//! The clock is set to the release's moment when that is still to come, so every page shows
//! the site as readers will see it then; a draft opens through a preview link signed with a
//! secret made for this run.

use std::collections::HashMap;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use contract::config::Config;
use publish::build::{build_removing, Removals};
use publish::content::Site;
use serve::http::RequestFacts;

/// What to serve and where.
pub struct Local<'a> {
    /// The release to open first.
    pub slug: &'a str,
    /// The port on 127.0.0.1.
    pub port: u16,
    /// The deployment's settings (its BASE_URL is replaced by this server's address).
    pub config: Config,
    /// Answer this many requests, then stop (tests); forever when `None`.
    pub requests: Option<usize>,
}

/// Serves `site` until interrupted (or `local.requests` answers).
pub fn serve(site: &Site, local: Local) -> Result<ExitCode> {
    let release = site.releases.iter().find(|r| r.slug == local.slug).context("no such release")?;
    let real_now = crate::clock::now()?;
    let moment = release.published.at.to_utc();
    // The site as it will be at the moment (and a second after, so the release is out).
    let now = if moment > real_now { moment + chrono::Duration::seconds(1) } else { real_now };
    let config = Config { base_url: None, ..local.config };
    let values = records(site, &config, now);
    let server = tiny_http::Server::http(("127.0.0.1", local.port))
        .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1:{}: {e} (choose another with --port)", local.port))?;
    let origin = format!("http://127.0.0.1:{}", local.port);
    let secret: String = std::iter::repeat_with(fastrand::alphanumeric).take(48).collect();
    let mut first = format!("{origin}/releases/{}", local.slug);
    if release.draft {
        let token = contract::preview::sign(secret.as_bytes(), local.slug, now + chrono::Duration::days(1))
            .context("cannot sign the preview link")?;
        first.push_str(&format!("?preview={token}"));
    }
    println!("{first}");
    let when = if moment > real_now {
        format!(
            "as it will look at {} (the clock of this preview is set there)",
            publish::timing::moment(&release.published)
        )
    } else {
        "as it looks now".to_string()
    };
    eprintln!("serving `{}` {when}, from your files: nothing was uploaded. Ctrl-C stops it.", local.slug);
    let facts = Facts { origin, now, secret, config };
    for (answered, request) in server.incoming_requests().enumerate() {
        answer(request, &facts, &values);
        if local.requests.is_some_and(|n| answered + 1 >= n) {
            break;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Everything a publish would upload, by key, as KV would hold it.
fn records(site: &Site, config: &Config, now: DateTime<Utc>) -> HashMap<String, Vec<u8>> {
    let removals = Removals { now: Some(now), purge: Vec::new() };
    let records = build_removing(site, None, config, &removals);
    let media = records.media.iter().map(|file| (contract::media::key(&file.media.name), file.data.clone()));
    let pairs = records.releases.iter().chain(&records.indexes).chain(&records.manifest);
    media.chain(pairs.filter(|p| !p.base64).map(|p| (p.key.clone(), p.value.clone().into_bytes()))).collect()
}

/// The request facts every request of this preview shares.
struct Facts {
    origin: String,
    now: DateTime<Utc>,
    secret: String,
    config: Config,
}

fn answer(request: tiny_http::Request, facts: &Facts, values: &HashMap<String, Vec<u8>>) {
    let header = |name: &'static str| {
        request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str().to_string())
    };
    // Only this machine's names: a web page open in the browser cannot reach the embargoed
    // release through a name of its own that points here (DNS rebinding).
    let port = facts.origin.rsplit(':').next().unwrap_or("");
    let host = header("Host").unwrap_or_default();
    if host != format!("127.0.0.1:{port}") && host != format!("localhost:{port}") {
        let refused = tiny_http::Response::from_string("This preview answers only http://127.0.0.1 and localhost.\n")
            .with_status_code(421);
        let _ = request.respond(refused);
        return;
    }
    let (path, query) = match request.url().split_once('?') {
        Some((path, query)) => (path.to_string(), Some(query.to_string())),
        None => (request.url().to_string(), None),
    };
    let req = RequestFacts {
        method: request.method().as_str().to_ascii_uppercase(),
        origin: facts.origin.clone(),
        path,
        query,
        accept: header("Accept"),
        accept_language: header("Accept-Language"),
        if_none_match: header("If-None-Match"),
        if_modified_since: header("If-Modified-Since"),
        now: facts.now,
        preview_secret: Some(facts.secret.clone()),
        config: facts.config.clone(),
        services: Vec::new(),
        embargo: None,
    };
    let (response, _) = serve::respond_with(&req, |key| values.get(key).cloned());
    let mut reply = tiny_http::Response::from_data(response.body).with_status_code(response.status);
    for (name, value) in &response.headers {
        if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            reply.add_header(h);
        }
    }
    // The reader may have gone; nothing to do about it here.
    let _ = request.respond(reply);
}
