//! The mail Worker's part of `/healthz`: the mail queue (bound or not: a producer binding
//! has nothing to ask), the sender (`MAIL_VIA` and its settings, and whether the provider
//! takes the token: a cached `GET /server`), and delivery (one D1 query: failed jobs and
//! unknown outcomes, `mailing::delivery_report`), and social media posts (failed or late,
//! `mailing::social_posts::health`). The core reports what this finds; the
//! readers' entry module merges it into its own `/healthz`.

use serve::http::{ServiceCheck, ServiceStatus};
use worker::Env;

use crate::found;
use crate::mail::sender::Mailer;

/// The mail Worker's own checks, the queue, the sender and delivery: its part of `/healthz`.
/// (Unused in a build with both features, which is never deployed.)
#[cfg_attr(feature = "readers", allow(dead_code))]
pub async fn mail_checks(env: &Env) -> Vec<ServiceCheck> {
    vec![queue(env), mail(env).await, delivery(env).await, social(env).await]
}

/// Whether a social media post failed or is late (`mailing::social_posts::health`): one D1
/// query.
async fn social(env: &Env) -> ServiceCheck {
    let ask = async {
        let db = env.d1(crate::DATABASE)?;
        let stale = crate::rfc3339(crate::now() - chrono::Duration::minutes(mailing::social_posts::STALE_MINUTES));
        let rows = db.prepare(mailing::social_posts::sql::TROUBLE).bind(&[stale.into()])?.raw_js_value().await?;
        let text = |r, i| crate::column(r, i).as_string();
        let rows: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    text(r, 0).unwrap_or_default(),
                    text(r, 1).unwrap_or_default(),
                    text(r, 2).unwrap_or_default(),
                    text(r, 3),
                )
            })
            .collect();
        Ok::<_, worker::Error>(mailing::social_posts::health(&rows))
    };
    match ask.await {
        Ok((status, detail)) => found("social", status, detail),
        Err(e) => {
            worker::console_log!(
                "{{\"level\":\"error\",\"healthz\":\"social\",\"error\":{}}}",
                serve::observe::json(&e.to_string())
            );
            found(
                "social",
                ServiceStatus::Failing,
                "D1 did not answer the social media posts' query (the worker's log has the error)",
            )
        }
    }
}

fn queue(env: &Env) -> ServiceCheck {
    match env.queue(crate::mail::deliver::QUEUE) {
        Ok(_) => found("queue", ServiceStatus::Ok, format!("`{}` is bound", crate::mail::deliver::QUEUE)),
        Err(_) => found(
            "queue",
            ServiceStatus::Off,
            format!("no queue binding `{}`: releases are not mailed", crate::mail::deliver::QUEUE),
        ),
    }
}

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

/// Whether mail that failed waits for an operator, or is late
/// (`mailing::delivery_report::DeliveryHealth`): one D1 query over the last week.
async fn delivery(env: &Env) -> ServiceCheck {
    use mailing::delivery_report::{DeliveryHealth, HEALTH_DAYS, HEALTH_SQL, IN_FLIGHT_MINUTES};
    let now = crate::now();
    let since = crate::rfc3339(now - chrono::Duration::days(HEALTH_DAYS));
    let settled = crate::rfc3339(now - chrono::Duration::minutes(IN_FLIGHT_MINUTES));
    let ask = async {
        let db = env.d1(crate::DATABASE)?;
        let rows = db.prepare(HEALTH_SQL).bind(&[since.into(), settled.into()])?.raw_js_value().await?;
        let row = rows.first().cloned().unwrap_or(worker::wasm_bindgen::JsValue::NULL);
        let counts: [u64; 8] = std::array::from_fn(|i| crate::column(&row, i as u32).as_f64().unwrap_or(0.0) as u64);
        let releases = crate::column(&row, 8).as_string();
        let reason = crate::column(&row, 9).as_string();
        Ok::<_, worker::Error>(DeliveryHealth::from_row(counts, releases.as_deref(), reason))
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
