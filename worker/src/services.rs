//! `/healthz`'s probe of the bindings subscriptions need: D1 (one query: which migrations
//! are applied), the mail queue (bound or not: a producer binding has nothing to ask), the
//! sender (`MAIL_VIA` and its settings, and whether the provider takes the token: a cached
//! `GET /server`), and delivery (one D1 query: failed jobs and unknown outcomes,
//! `mailing::delivery_report`). The core reports what this finds. The readers' Worker probes
//! D1; the mail Worker probes the rest, and the readers' entry module (worker/js/shim.js)
//! merges that report into `/healthz`. Both use the same database (tests/two_workers.rs).

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
    let checks = [checks, mail_checks(env).await].concat();
    checks
}

/// The mail Worker's own checks, the queue, the sender and delivery: its part of `/healthz`.
#[cfg(feature = "mail")]
pub async fn mail_checks(env: &Env) -> Vec<ServiceCheck> {
    vec![queue(env), mail(env).await, delivery(env).await]
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
async fn mail(env: &Env) -> ServiceCheck {
    match Mailer::from_env(env) {
        Some(mailer) => match mailer.check().await {
            Ok(()) => found("mail", ServiceStatus::Ok, format!("sending through {}", mailer.name())),
            Err(why) => found("mail", ServiceStatus::Failing, why),
        },
        None => found(
            "mail",
            ServiceStatus::Off,
            "MAIL_VIA's sender is not configured (MAIL_FROM, MAIL_API_TOKEN or the SEND_EMAIL binding): subscriptions are off",
        ),
    }
}

/// Whether mail that failed waits for an operator (`mailing::delivery_report::DeliveryHealth`):
/// one D1 query over the last week.
#[cfg(feature = "mail")]
async fn delivery(env: &Env) -> ServiceCheck {
    use mailing::delivery_report::{DeliveryHealth, HEALTH_DAYS, HEALTH_SQL, IN_FLIGHT_MINUTES};
    let now = crate::now();
    let since = crate::rfc3339(now - chrono::Duration::days(HEALTH_DAYS));
    let settled = crate::rfc3339(now - chrono::Duration::minutes(IN_FLIGHT_MINUTES));
    let ask = async {
        let db = env.d1(crate::DATABASE)?;
        let rows = db.prepare(HEALTH_SQL).bind(&[since.into(), settled.into()])?.raw_js_value().await?;
        let row = rows.first().cloned().unwrap_or(worker::wasm_bindgen::JsValue::NULL);
        let counts: [u64; 6] = std::array::from_fn(|i| crate::column(&row, i as u32).as_f64().unwrap_or(0.0) as u64);
        Ok::<_, worker::Error>(DeliveryHealth::from_counts(counts))
    };
    match ask.await {
        Ok(health) => {
            let (status, detail) = health.check();
            found("delivery", status, detail)
        }
        Err(e) => {
            worker::console_log!(
                "{{\"level\":\"error\",\"healthz\":\"delivery\",\"error\":{}}}",
                serve::observe::json(&e.to_string())
            );
            found(
                "delivery",
                ServiceStatus::Failing,
                "D1 did not answer the delivery report's query (the worker's log has the error)",
            )
        }
    }
}
