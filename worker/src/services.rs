//! `/healthz`'s probe of the bindings subscriptions need: D1 (one query: which migrations
//! are applied), the mail queue (bound or not: a producer binding has nothing to ask), and
//! the sender (`MAIL_VIA` and its settings). The core reports what this finds. The readers'
//! Worker probes D1; the mail Worker probes the queue and the sender, and the readers' entry
//! module (worker/js/shim.js) merges that report into `/healthz`. Both use the same database
//! (tests/two_workers.rs), so it is queried once.

#[cfg(feature = "readers")]
use contract::database;
use serve::http::{ServiceCheck, ServiceStatus};
use worker::Env;

#[cfg(feature = "mail")]
use crate::mail::Mailer;

/// The readers' Worker's checks, in the order `/healthz` lists them: D1, then (in a build
/// with both features, where no other Worker reports them) the queue and the sender.
#[cfg(feature = "readers")]
pub async fn check(env: &Env) -> Vec<ServiceCheck> {
    let checks = vec![database(env).await];
    #[cfg(feature = "mail")]
    let checks = [checks, mail_checks(env)].concat();
    checks
}

/// The mail Worker's own checks, the queue and the sender: its part of `/healthz`.
#[cfg(feature = "mail")]
pub fn mail_checks(env: &Env) -> Vec<ServiceCheck> {
    vec![queue(env), mail(env)]
}

fn found(name: &'static str, status: ServiceStatus, detail: impl Into<String>) -> ServiceCheck {
    ServiceCheck { name, status, detail: detail.into() }
}

#[cfg(feature = "readers")]
async fn database(env: &Env) -> ServiceCheck {
    let Ok(db) = env.d1(crate::DATABASE) else {
        return found("database", ServiceStatus::Off, "no D1 binding `DB`: subscriptions and announcements are off");
    };
    let applied: Vec<String> = match db.prepare(database::APPLIED_SQL).raw_js_value().await {
        Ok(rows) => rows.iter().filter_map(|r| crate::column(r, 0).as_string()).collect(),
        Err(e) => {
            // The error's own words go to the log only: /healthz is public.
            worker::console_log!(
                "{{\"level\":\"error\",\"healthz\":\"database\",\"error\":{}}}",
                serve::observe::json(&e.to_string())
            );
            return found(
                "database",
                ServiceStatus::Failing,
                "D1 did not answer, or has no migrations applied (the worker's log has the error): run `wrangler d1 \
                 migrations apply DB`",
            );
        }
    };
    match database::missing(&applied).as_slice() {
        [] => found("database", ServiceStatus::Ok, format!("D1 answered; {} migrations applied", applied.len())),
        missing => found(
            "database",
            ServiceStatus::Failing,
            format!("D1 lacks the migrations {}: run `wrangler d1 migrations apply DB`", missing.join(", ")),
        ),
    }
}

#[cfg(feature = "mail")]
fn queue(env: &Env) -> ServiceCheck {
    match env.queue(crate::deliver::QUEUE) {
        Ok(_) => found("queue", ServiceStatus::Ok, format!("`{}` is bound", crate::deliver::QUEUE)),
        Err(_) => found(
            "queue",
            ServiceStatus::Off,
            format!("no queue binding `{}`: releases are not mailed", crate::deliver::QUEUE),
        ),
    }
}

#[cfg(feature = "mail")]
fn mail(env: &Env) -> ServiceCheck {
    match Mailer::from_env(env) {
        Some(mailer) => found("mail", ServiceStatus::Ok, format!("sending through {}", mailer.name())),
        None => found(
            "mail",
            ServiceStatus::Off,
            "MAIL_VIA's sender is not configured (MAIL_FROM, MAIL_API_TOKEN or the SEND_EMAIL binding): subscriptions are off",
        ),
    }
}
