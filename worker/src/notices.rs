//! Embargo notices (issue 29): at a release's `embargo_notice` time the Cron Trigger mails
//! every journalist on its publisher's media list whose key works the whole release, marked
//! under embargo, with their personal links (`serve::embargo::notice_mails`). Each
//! (release, journalist) is claimed once in D1 before the sender is called; what the sender
//! did not take and says to retry is given back for the next run. Media lists are short (a
//! publisher's accredited journalists), so the trigger sends them itself, without the queue.

use chrono::{DateTime, Utc};
use contract::golive::{notices_due, UpcomingRecord};
use contract::kv;
use serve::delivery::id_list;
use serve::embargo::{notice_mails, sql, Journalist};
use serve::subscribe::mail::provider::Outcome;
use worker::wasm_bindgen::JsValue;
use worker::{Env, Result};

use crate::column;
use crate::mail::{Outbox, Sender};

/// Sends the notices due at `now`; answers how many went out.
pub async fn send_due(env: &Env, record: &UpcomingRecord, now: DateTime<Utc>) -> Result<usize> {
    let due: Vec<_> = notices_due(record, now).collect();
    if due.is_empty() {
        return Ok(0);
    }
    let Outbox { sender, config, origin, secret } = Outbox::from_env(env)?;
    let (db, store) = (env.d1(crate::DATABASE)?, env.kv(crate::BINDING)?);
    let at = crate::rfc3339(now);
    let mut sent = 0;
    for u in due {
        let Some(record) = store.get(&kv::mail_key(&u.slug)).bytes().await? else { continue };
        let slug = JsValue::from_str(&u.slug);
        let moment = crate::rfc3339(u.at.to_utc());
        let args = [slug.clone(), moment.into(), at.as_str().into(), u.publisher.as_str().into()];
        let claimed = db.prepare(sql::CLAIM_NOTICES).bind(&args)?.raw_js_value().await?;
        let ids: Vec<i64> = claimed.iter().filter_map(|r| column(r, 0).as_f64()).map(|id| id as i64).collect();
        if ids.is_empty() {
            continue; // noticed by an earlier run, or nobody on the list
        }
        let list = JsValue::from_str(&id_list(ids.iter().copied()));
        let rows = db.prepare(sql::JOURNALISTS).bind(&[list])?.raw_js_value().await?;
        let journalists: Vec<Journalist> = rows
            .iter()
            .filter_map(|r| {
                let address = contract::subscription::Address::parse(&column(r, 1).as_string()?).ok()?;
                Some(Journalist { id: column(r, 0).as_f64()? as i64, address, version: column(r, 2).as_f64()? as i64 })
            })
            .collect();
        let mails = notice_mails(&record, &journalists, &origin, &config.lang, secret.as_bytes(), now)
            .map_err(|e| worker::Error::RustError(e.to_string()))?;
        let batch: Vec<_> = mails.iter().map(|(_, a, m)| (a.clone(), m.clone())).collect();
        let retry: Vec<i64> = match sender.send(&batch).await {
            Ok(outcomes) => mails
                .iter()
                .zip(&outcomes)
                .filter(|(_, o)| matches!(o, Outcome::Retry { .. }))
                .map(|((id, ..), _)| *id)
                .collect(),
            Err(failure) if failure.retryable => mails.iter().map(|(id, ..)| *id).collect(),
            // Perhaps sent: kept claimed, so never sent twice.
            Err(_) => Vec::new(),
        };
        sent += mails.len() - retry.len();
        if !retry.is_empty() {
            let list = JsValue::from_str(&id_list(retry.into_iter()));
            db.prepare(sql::GIVE_BACK_NOTICES).bind(&[slug, list])?.run().await?;
        }
    }
    Ok(sent)
}
