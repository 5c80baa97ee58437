//! Mail delivery at the moment of publication: the Cron Trigger's part ([`schedule`]: claim
//! each release's mailing once in D1, then one Queue message per [`Job`]) and the queue
//! consumer ([`deliver`]: claim each recipient, send, give back what the provider says to
//! retry). The plan and the mails are the core's (`serve::delivery`).

use chrono::{DateTime, Utc};
use contract::golive::UpcomingRecord;
use contract::kv;
use serve::delivery::{jobs, mails, sql, Job, Subscriber};
use serve::subscribe::mail::provider::Outcome;
use worker::js_sys::Reflect;
use worker::wasm_bindgen::JsValue;
use worker::{console_log, event, Context, Env, MessageBatch, MessageExt, QueueContentType, RawMessageBuilder, Result};

use crate::mail::{Postmark, Sender};

/// The queue binding (`[[queues.producers]]`; the same worker consumes it).
const QUEUE: &str = "MAIL_QUEUE";

/// Claims the mailing of every release of `record` whose moment passed (within the window)
/// and enqueues its jobs; answers the slugs it enqueued. Releases public at upload are
/// mailed too: the moment of publication was the upload.
pub async fn schedule(env: &Env, record: &UpcomingRecord, now: DateTime<Utc>) -> Result<Vec<String>> {
    let since = now - chrono::Duration::hours(contract::golive::WINDOW_HOURS);
    let due: Vec<_> = record.releases.iter().filter(|u| u.at <= now && u.at > since).collect();
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let db = env.d1("DB")?;
    let queue = env.queue(QUEUE)?;
    let claimed_at = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut scheduled = Vec::new();
    for u in due {
        let moment = u.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        let args = [JsValue::from_str(&u.slug), moment.into(), claimed_at.as_str().into()];
        if db.prepare(sql::CLAIM_MAILING).bind(&args)?.raw_js_value().await?.is_empty() {
            continue; // mailed (or being mailed) by an earlier run
        }
        let rows = db.prepare(sql::MAX_ID).raw_js_value().await?;
        let max_id = rows.first().and_then(|r| column(r, 0).as_f64()).unwrap_or(0.0) as i64;
        for job in jobs(&u.slug, max_id) {
            let message = RawMessageBuilder::new(JsValue::from_str(&job.encode()));
            queue.send_raw(message.build_with_content_type(QueueContentType::Text)).await?;
        }
        scheduled.push(u.slug.clone());
    }
    Ok(scheduled)
}

/// The queue consumer: each message is one [`Job`]. A job that fails as a whole is retried
/// by the queue (its claims given back first); a message that is not a job is dropped.
#[event(queue)]
async fn deliver(batch: MessageBatch<String>, env: Env, _ctx: Context) -> Result<()> {
    for message in batch.raw_iter() {
        let body = message.body().as_string().unwrap_or_default();
        let Some(job) = Job::parse(&body) else {
            console_log!("{{\"level\":\"warning\",\"queue\":\"mail\",\"dropped\":{body:?}}}");
            message.ack();
            continue;
        };
        match run(&env, &job).await {
            Ok((sent, retry)) => {
                console_log!("{{\"queue\":\"mail\",\"slug\":{:?},\"sent\":{sent},\"retry\":{retry}}}", job.slug);
                if retry {
                    message.retry()
                } else {
                    message.ack()
                }
            }
            Err(e) => {
                console_log!(
                    "{{\"level\":\"error\",\"queue\":\"mail\",\"job\":{body:?},\"error\":{:?}}}",
                    e.to_string()
                );
                message.retry();
            }
        }
    }
    Ok(())
}

/// Mails one job; answers how many went out and whether some must be tried again.
async fn run(env: &Env, job: &Job) -> Result<(usize, bool)> {
    let Some(sender) = Postmark::from_env(env) else {
        return Err(worker::Error::RustError("MAIL_FROM or MAIL_API_TOKEN is not set".into()));
    };
    let (config, secret) = crate::settings(env);
    let config = config.map_err(|e| worker::Error::RustError(e.to_string()))?;
    let secret = secret.unwrap_or_default();
    let Some(record) = env.kv(crate::BINDING)?.get(&kv::mail_key(&job.slug)).bytes().await? else {
        return Ok((0, false)); // removed before its mail went out: not mailed at all
    };
    let db = env.d1("DB")?;
    let slug = JsValue::from_str(&job.slug);
    let args = [JsValue::from_f64(job.from as f64), JsValue::from_f64(job.to as f64), slug.clone()];
    let rows = db.prepare(sql::RECIPIENTS).bind(&args)?.raw_js_value().await?;
    let subscribers: Vec<Subscriber> = rows
        .iter()
        .filter_map(|r| {
            let text = |i| column(r, i).as_string().unwrap_or_default();
            Subscriber::from_row(column(r, 0).as_f64()? as i64, &text(1), &text(2), &text(3))
        })
        .collect();
    let Some(origin) = config.base_url.as_deref() else {
        return Err(worker::Error::RustError("BASE_URL is not set: mails need absolute links".into()));
    };
    let site = config.site_name(&config.lang);
    let all = mails(&record, &subscribers, origin, site, secret.as_bytes())
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    let now = crate::now_rfc3339();
    let mut claimed = Vec::new();
    for (id, address, mail) in all {
        let args = [slug.clone(), JsValue::from_f64(id as f64), now.as_str().into()];
        if !db.prepare(sql::CLAIM_DELIVERY).bind(&args)?.raw_js_value().await?.is_empty() {
            claimed.push((id, address, mail));
        }
    }
    if claimed.is_empty() {
        return Ok((0, false));
    }
    let batch: Vec<_> = claimed.iter().map(|(_, a, m)| (a.clone(), m.clone())).collect();
    let outcomes = match sender.send(&batch).await {
        Ok(outcomes) => outcomes,
        Err(e) => {
            give_back(&db, &slug, claimed.iter().map(|(id, ..)| *id)).await?;
            return Err(e);
        }
    };
    let (mut sent, mut retry) = (0, Vec::new());
    for ((id, address, _), outcome) in claimed.iter().zip(&outcomes) {
        match outcome {
            Outcome::Sent { .. } => sent += 1,
            Outcome::Retry { .. } => retry.push(*id),
            Outcome::Inactive { .. } => {
                // The provider will never deliver there: the subscription ends.
                let remove = db.prepare(serve::subscribe::sql::REMOVE);
                remove.bind(&[JsValue::from_str(address.as_str())])?.run().await?;
            }
            Outcome::Rejected { code, message } => {
                console_log!(
                    "{{\"level\":\"warning\",\"queue\":\"mail\",\"rejected\":{code},\"message\":{message:?}}}"
                );
            }
        }
    }
    let again = !retry.is_empty();
    give_back(&db, &slug, retry.into_iter()).await?;
    Ok((sent, again))
}

/// Deletes the delivery claims of `ids` for `slug`: the next try mails them.
async fn give_back(db: &worker::D1Database, slug: &JsValue, ids: impl Iterator<Item = i64>) -> Result<()> {
    for id in ids {
        db.prepare(sql::UNCLAIM_DELIVERY).bind(&[slug.clone(), JsValue::from_f64(id as f64)])?.run().await?;
    }
    Ok(())
}

/// Column `i` of a raw D1 row (an array).
fn column(row: &JsValue, i: u32) -> JsValue {
    Reflect::get_u32(row, i).unwrap_or(JsValue::NULL)
}
