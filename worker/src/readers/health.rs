//! The readers' Worker's part of `/healthz`: D1 answers and has every migration applied
//! (one query). The mail Worker reports the rest (`mail::health`), and the readers' entry
//! module (worker/js/shim.js) merges that report into `/healthz`. Both use the same
//! database (tests/two_workers.rs).

use contract::database;
use serve::http::{ServiceCheck, ServiceStatus};
use worker::Env;

use crate::found;

/// The readers' Worker's checks, in the order `/healthz` lists them: D1. (A build with both
/// features, for clippy and `make size-split` only, reports no more: it is never deployed.)
pub async fn check(env: &Env) -> Vec<ServiceCheck> {
    vec![database(env).await]
}

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
