//! Mail delivery at the moment of publication: the Cron Trigger's part ([`schedule`]: claim
//! each release's mailing once in D1, then one Queue message per [`Job`]; [`resend`]: put
//! back on the queue the failed jobs an operator asked for) and the queue consumer
//! ([`deliver`]: claim each recipient, send, give back what the provider says to retry, add
//! the outcome to the mailing's tally; and keep what reaches the dead-letter queue in D1).
//! The plan and the mails are the core's (`mailing::delivery`, `mailing::dead_letters`).

use chrono::{DateTime, Utc};
use contract::golive::UpcomingRecord;
use contract::kv;

use contract::subscription::Address;
use mailing::bounces::release_tag;
use mailing::dead_letters::{self, is_dead_letter_queue, job_list};
use mailing::delivery::{id_list, jobs, mails, sql, DeliveryError, Job, Subscriber, Tally};
use mailing::subscribe::mail::provider::Outcome;
use mailing::subscribe::mail::Mail;
use serve::observe::json;
use worker::js_sys::{futures::JsFuture, Array, Reflect};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::{
    console_log, event, Context, Date, Env, MessageBatch, MessageExt, QueueContentType, QueueRetryOptions,
    QueueRetryOptionsBuilder, RawMessage, RawMessageBuilder, Result,
};

use crate::mail::sender::{Kind, Outbox, Sender};

/// The queue binding (`[[queues.producers]]`; the same worker consumes it).
pub(crate) const QUEUE: &str = "MAIL_QUEUE";

/// Claims the mailing of every release of `record` whose moment passed (within the window)
/// and enqueues its jobs; answers the slugs it enqueued. Releases public at upload are
/// mailed too: the moment of publication was the upload.
pub async fn schedule(env: &Env, record: &UpcomingRecord, now: DateTime<Utc>) -> Result<Vec<String>> {
    let due: Vec<_> = contract::golive::passed(record, now).collect();
    if due.is_empty() {
        return Ok(Vec::new());
    }
    // Nothing is claimed that the consumer could not send: a mailing claimed is never again.
    Outbox::from_env(env)?;
    let db = env.d1(crate::DATABASE)?;
    let queue = env.queue(QUEUE)?;
    let claimed_at = crate::rfc3339(now);
    let mut scheduled = Vec::new();
    for u in due {
        let moment = u.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        let args = [JsValue::from_str(&u.slug), moment.into(), claimed_at.as_str().into()];
        if db.prepare(sql::CLAIM_MAILING).bind(&args)?.raw_js_value().await?.is_empty() {
            continue; // mailed (or being mailed) by an earlier run
        }
        if let Err(e) = enqueue(&db, &queue, &u.slug).await {
            // Given back: the next run claims it again (a job queued twice mails no one
            // twice, each delivery being claimed on its own).
            db.prepare(sql::UNCLAIM_MAILING).bind(&[JsValue::from_str(&u.slug)])?.run().await?;
            return Err(e);
        }
        scheduled.push(u.slug.clone());
    }
    Ok(scheduled)
}

/// Puts the jobs of `slug`'s mailing on the queue, [`SEND_BATCH`] messages a call (so a
/// million subscribers are 100 calls, within an invocation's subrequests).
async fn enqueue(db: &worker::D1Database, queue: &worker::Queue, slug: &str) -> Result<()> {
    let rows = db.prepare(sql::MAX_ID).raw_js_value().await?;
    let max_id = rows.first().and_then(|r| crate::column(r, 0).as_f64()).unwrap_or(0.0) as i64;
    let jobs = jobs(slug, max_id);
    let bodies: Vec<String> = jobs.iter().map(Job::encode).collect();
    for chunk in bodies.chunks(SEND_BATCH) {
        send_jobs(queue, chunk).await?;
    }
    let count = JsValue::from_f64(jobs.len() as f64);
    db.prepare(sql::SET_JOBS).bind(&[JsValue::from_str(slug), count])?.run().await?;
    Ok(())
}

/// Puts job bodies on the queue, in one call (at most [`SEND_BATCH`]).
async fn send_jobs(queue: &worker::Queue, bodies: &[String]) -> Result<()> {
    let messages: Vec<_> = bodies
        .iter()
        .map(|body| RawMessageBuilder::new(JsValue::from_str(body)).build_with_content_type(QueueContentType::Text))
        .collect();
    queue.send_raw_batch(messages).await
}

/// Puts back on the queue the failed jobs `newsroom mail retry` marked (at most
/// `dead_letters::RESEND_PER_RUN` a run), then forgets them; answers how many.
pub async fn resend(env: &Env) -> Result<usize> {
    let db = env.d1(crate::DATABASE)?;
    let rows = db.prepare(dead_letters::sql::MARKED).raw_js_value().await?;
    let bodies: Vec<String> = rows.iter().filter_map(|r| crate::column(r, 0).as_string()).collect();
    if bodies.is_empty() {
        return Ok(0);
    }
    // Queued before forgotten: a failure between the two queues a job twice, which mails
    // no one twice (each delivery is claimed).
    send_jobs(&env.queue(QUEUE)?, &bodies).await?;
    let list = JsValue::from_str(&job_list(bodies.iter().map(String::as_str)));
    db.prepare(dead_letters::sql::FORGET).bind(&[list])?.run().await?;
    Ok(bodies.len())
}

/// Most messages one `sendBatch` call takes (Queues' limit).
const SEND_BATCH: usize = 100;

/// The queue consumer: each message is one [`Job`]. A job that fails as a whole is retried
/// by the queue (its claims given back first); a message that is not a job is dropped.
#[event(queue)]
async fn deliver(batch: MessageBatch<String>, env: Env, _ctx: Context) -> Result<()> {
    if is_dead_letter_queue(&batch.queue()) {
        return keep_failed(&batch, &env).await;
    }
    for message in batch.raw_iter() {
        let Some((body, job)) = job_of(&message, "mail") else { continue };
        let mut cost = Cost::default();
        match run(&env, &job, &mut cost).await {
            Ok((sent, retry)) => {
                if retry {
                    note_try(&env, &body, &job.slug, "the provider asked to try some addresses again").await;
                } else if age_of(&message) * speedup(&env) >= mailing::delivery::RETRY_MIN_SECONDS as f64 {
                    // Perhaps tried before (a first try is seldom this old): no longer late.
                    done_trying(&env, &body).await;
                }
                console_log!(
                    "{{\"queue\":\"mail\",\"slug\":{},\"sent\":{sent},\"retry\":{retry},\"d1_rows_read\":{},\"d1_rows_written\":{}}}",
                    json(&job.slug),
                    cost.read,
                    cost.written
                );
                if retry {
                    message.retry_with_options(&later(&message, &env))
                } else {
                    message.ack()
                }
            }
            Err(e) => {
                console_log!(
                    "{{\"level\":\"error\",\"queue\":\"mail\",\"job\":{},\"error\":{}}}",
                    json(&body),
                    json(&e.to_string())
                );
                note_try(&env, &body, &job.slug, &e.to_string()).await;
                message.retry_with_options(&later(&message, &env));
            }
        }
    }
    Ok(())
}

/// The job a message of `queue` carries, with its body; a message that is not a job is
/// logged and acknowledged (trying it again would not make it one).
fn job_of(message: &RawMessage, queue: &str) -> Option<(String, Job)> {
    let body = message.body().as_string().unwrap_or_default();
    let job = Job::parse(&body);
    if job.is_none() {
        console_log!("{{\"level\":\"warning\",\"queue\":{},\"dropped\":{}}}", json(queue), json(&body));
        message.ack();
    }
    Some(body).zip(job)
}

/// The dead-letter queue's consumer: each job that failed at every try is kept in D1
/// (`failed_jobs`) for the report, `/healthz` and `newsroom mail retry`, and logged at
/// error level. A message kept is acknowledged; one D1 would not take is retried.
async fn keep_failed(batch: &MessageBatch<String>, env: &Env) -> Result<()> {
    let db = env.d1(crate::DATABASE)?;
    let at = crate::rfc3339(crate::now());
    for message in batch.raw_iter() {
        let Some((body, job)) = job_of(&message, "mail-dead") else { continue };
        let args = [JsValue::from_str(&body), JsValue::from_str(&job.slug), JsValue::from_str(&at)];
        let record = vec![
            db.prepare(dead_letters::sql::RECORD).bind(&args)?,
            db.prepare(dead_letters::sql::DONE_TRYING).bind(&[JsValue::from_str(&body)])?,
        ];
        match db.batch(record).await {
            Ok(_) => {
                console_log!(
                    "{{\"level\":\"error\",\"queue\":\"mail-dead\",\"failed job\":{},\"to do\":\"newsroom mail report, then newsroom mail retry\"}}",
                    json(&body)
                );
                message.ack();
            }
            Err(e) => {
                // D1 did not take it: tried again in a minute (the consumer's `max_retries`).
                console_log!("{{\"level\":\"error\",\"queue\":\"mail-dead\",\"error\":{}}}", json(&e.to_string()));
                message.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(60).build());
            }
        }
    }
    Ok(())
}

/// Tries a job again later: the older the job (queued at the message's timestamp), the
/// longer the wait (`mailing::delivery::retry_delay`: 10 s at first, up to an hour), so a rate
/// limit passes in seconds and an outage of hours is waited out. `MAIL_RETRY_SPEEDUP` (the
/// end-to-end tests' only) runs that schedule faster.
fn later(message: &impl MessageExt, env: &Env) -> QueueRetryOptions {
    let delay = mailing::delivery::retry_delay_sped_up(age_of(message), speedup(env));
    QueueRetryOptionsBuilder::new().with_delay_seconds(delay).build()
}

/// How many times faster than the clock the retry schedule runs: 1, unless the end-to-end
/// tests set `MAIL_RETRY_SPEEDUP`.
fn speedup(env: &Env) -> f64 {
    // A whole number: parsing a float would link float parsing into the Worker (about 17 KiB).
    env.var("MAIL_RETRY_SPEEDUP").ok().and_then(|v| v.to_string().parse::<u32>().ok()).map_or(1.0, f64::from)
}

/// Seconds since the message was first queued.
fn age_of(message: &impl MessageExt) -> f64 {
    (Date::now().as_millis().saturating_sub(message.timestamp().as_millis())) as f64 / 1000.0
}

/// Notes a failed try of job `body` and why (`job_tries`), for the report and `/healthz`;
/// a note D1 does not take is logged (the job is retried all the same).
async fn note_try(env: &Env, body: &str, slug: &str, reason: &str) {
    let write = async {
        let args = [body.into(), slug.into(), reason.into(), crate::rfc3339(crate::now()).into()];
        env.d1(crate::DATABASE)?.prepare(dead_letters::sql::NOTE_TRY).bind(&args)?.run().await
    };
    if let Err(e) = write.await {
        console_log!("{{\"level\":\"error\",\"queue\":\"mail\",\"try not noted\":{}}}", json(&e.to_string()));
    }
}

/// Forgets the failed tries of job `body`: it went out.
async fn done_trying(env: &Env, body: &str) {
    let write =
        async { env.d1(crate::DATABASE)?.prepare(dead_letters::sql::DONE_TRYING).bind(&[body.into()])?.run().await };
    if let Err(e) = write.await {
        console_log!("{{\"level\":\"error\",\"queue\":\"mail\",\"tries not forgotten\":{}}}", json(&e.to_string()));
    }
}

/// Rows D1 reports a job's statements read and wrote (its `meta`), for the log line and
/// the delivery benchmark.
#[derive(Default)]
struct Cost {
    read: u64,
    written: u64,
}

/// Runs `statement`, answering its rows (objects by column name) and adding its cost.
async fn query(statement: &worker::D1PreparedStatement, cost: &mut Cost) -> Result<Vec<JsValue>> {
    let result = JsFuture::from(statement.inner().all()?).await?;
    let rows = Reflect::get(&result, &"results".into())?.dyn_into::<Array>().map(|a| a.to_vec()).unwrap_or_default();
    let meta = Reflect::get(&result, &"meta".into()).unwrap_or(JsValue::UNDEFINED);
    let count = |name: &str| Reflect::get(&meta, &name.into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as u64;
    cost.read += count("rows_read");
    cost.written += count("rows_written");
    Ok(rows)
}

/// Column `name` of a row [`query`] answered.
fn field(row: &JsValue, name: &str) -> JsValue {
    Reflect::get(row, &name.into()).unwrap_or(JsValue::NULL)
}

/// Mails one job; answers how many went out and whether some must be tried again. Every
/// recipient is claimed before the provider is called, all in one statement; claims are
/// given back only for what the provider did not take and says to try again.
async fn run(env: &Env, job: &Job, cost: &mut Cost) -> Result<(usize, bool)> {
    let Outbox { sender, config, origin, secret } = Outbox::from_env(env)?;
    let Some(record) = env.kv(crate::BINDING)?.get(&kv::mail_key(&job.slug)).bytes().await? else {
        return Ok((0, false)); // removed before its mail went out: not mailed at all
    };
    let db = env.d1(crate::DATABASE)?;
    let slug = JsValue::from_str(&job.slug);
    let args = [JsValue::from_f64(job.from as f64), JsValue::from_f64(job.to as f64), slug.clone()];
    let rows = query(&db.prepare(sql::RECIPIENTS).bind(&args)?, cost).await?;
    let subscribers: Vec<Subscriber> = rows
        .iter()
        .filter_map(|r| {
            let text = |name| field(r, name).as_string().unwrap_or_default();
            Subscriber::from_row(field(r, "id").as_f64()? as i64, &text("address"), &text("scopes"), &text("lang"))
        })
        .collect();
    let now = crate::rfc3339(crate::now());
    let site = config.site_name(&config.lang);
    let all = match mails(&record, &subscribers, &origin, site, secret.as_bytes(), crate::now()) {
        Ok(all) => all,
        Err(DeliveryError::NotYet) => {
            // A schedule older than the latest publish: the trigger claims it at its moment.
            db.prepare(sql::UNCLAIM_MAILING).bind(&[slug])?.run().await?;
            return Ok((0, false));
        }
        Err(e @ DeliveryError::TooLate) => {
            console_log!("{{\"level\":\"warning\",\"queue\":\"mail\",\"dropped\":{}}}", json(&e.to_string()));
            return Ok((0, false));
        }
        Err(e) => return Err(worker::Error::RustError(e.to_string())),
    };
    if all.is_empty() {
        return Ok((0, false));
    }
    let ids = JsValue::from_str(&id_list(all.iter().map(|(id, ..)| *id)));
    let claim = db.prepare(sql::CLAIM_DELIVERIES).bind(&[slug.clone(), ids, now.as_str().into()])?;
    let rows = query(&claim, cost).await?;
    // At most a job's hundred ids: a list is enough.
    let claimed_ids: Vec<i64> =
        rows.iter().filter_map(|r| field(r, "subscriber").as_f64()).map(|id| id as i64).collect();
    let claimed: Vec<(i64, Address, Mail)> = all.into_iter().filter(|(id, ..)| claimed_ids.contains(id)).collect();
    if claimed.is_empty() {
        return Ok((0, false));
    }
    let batch: Vec<(Address, Mail)> = claimed.iter().map(|(_, a, m)| (a.clone(), m.clone())).collect();
    let tag = release_tag(&job.slug);
    let outcomes = match sender.send(&batch, Kind { broadcast: true, tag: Some(&tag) }).await {
        Ok(outcomes) => outcomes,
        Err(failure) if failure.retryable => {
            let ids: Vec<i64> = claimed.iter().map(|(id, ..)| *id).collect();
            give_back(&db, &slug, &ids, cost).await?;
            return Err(worker::Error::RustError(failure.reason));
        }
        Err(failure) => {
            // Perhaps sent, perhaps never sendable: kept claimed, so never sent twice, and
            // counted as unknown in the mailing's tally (the report and /healthz show it).
            console_log!("{{\"level\":\"error\",\"queue\":\"mail\",\"not retried\":{}}}", json(&failure.reason));
            tally(&db, &slug, Tally { unknown: claimed.len(), ..Tally::default() }, cost).await;
            return Ok((0, false));
        }
    };
    let (mut sent, mut retry, mut inactive) = (0, Vec::new(), Vec::new());
    for ((id, address, _), outcome) in claimed.iter().zip(&outcomes) {
        match outcome {
            Outcome::Sent { .. } => sent += 1,
            Outcome::Retry { .. } => retry.push(*id),
            Outcome::Inactive { .. } => inactive.push(address.clone()),
            // The code only: the provider's message may quote the address.
            Outcome::Rejected { code, .. } => {
                console_log!("{{\"level\":\"warning\",\"queue\":\"mail\",\"rejected\":{code}}}");
            }
        }
    }
    let again = !retry.is_empty();
    give_back(&db, &slug, &retry, cost).await?;
    for address in inactive {
        // The provider will never deliver there: the subscription ends, with its records.
        let address = JsValue::from_str(address.as_str());
        let deliveries = db.prepare(mailing::subscribe::sql::REMOVE_DELIVERIES).bind(std::slice::from_ref(&address))?;
        db.batch(vec![deliveries, db.prepare(mailing::subscribe::sql::REMOVE).bind(&[address])?]).await?;
    }
    // Last, once the claims to retry are given back: a tally that fails loses a count, never a mail.
    tally(&db, &slug, Tally::of(&outcomes), cost).await;
    Ok((sent, again))
}

/// Adds a try's outcome to the mailing's tally (`mailings`), read by `newsroom mail report`;
/// a failure is logged (the mails stand; only the count is short).
async fn tally(db: &worker::D1Database, slug: &JsValue, t: Tally, cost: &mut Cost) {
    if t.is_empty() {
        return;
    }
    let n = |v: usize| JsValue::from_f64(v as f64);
    let args = [slug.clone(), n(t.sent), n(t.refused), n(t.removed), n(t.unknown)];
    let write = async { query(&db.prepare(sql::TALLY).bind(&args)?, cost).await };
    if let Err(e) = write.await {
        console_log!("{{\"level\":\"error\",\"queue\":\"mail\",\"tally not written\":{}}}", json(&e.to_string()));
    }
}

/// Deletes the delivery claims of `ids` for `slug`: the next try mails them.
async fn give_back(db: &worker::D1Database, slug: &JsValue, ids: &[i64], cost: &mut Cost) -> Result<()> {
    let ids = id_list(ids.iter().copied());
    if ids != "[]" {
        query(&db.prepare(sql::GIVE_BACK).bind(&[slug.clone(), JsValue::from_str(&ids)])?, cost).await?;
    }
    Ok(())
}
