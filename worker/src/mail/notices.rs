//! Embargo notices (issue 29): at a release's `embargo_notice` time the Cron Trigger mails
//! every journalist on its publisher's media list whose key works the whole release, marked
//! under embargo, with their personal links (`mailing::notices::notice_mails`); when the
//! release's moment moves later or earlier, the journalists told the old one get one short
//! update, and when it is withdrawn before its moment, one cancellation
//! (`mailing::notices::follow_ups`). Each (release, journalist, moment, kind) is claimed once
//! in D1 before the sender is called; what the sender did not take and says to retry is
//! given back for the next run. Media lists are short (a publisher's accredited
//! journalists), so the trigger sends them itself, without the queue.

use chrono::{DateTime, FixedOffset, Utc};
use contract::golive::{notices_due, UpcomingRecord};
use contract::kv;
use mailing::delivery::{id_list, DeliveryError};
use mailing::notices::{self as embargo, sql, FollowUp, Journalist, Noticed};
use mailing::subscribe::mail::provider::Outcome;
use mailing::subscribe::mail::Mail;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, Env, Result};

use crate::column;
use crate::mail::sender::{Kind, Outbox, Sender};

/// What a run needs to claim and send.
struct Run {
    outbox: Outbox,
    db: D1Database,
    /// The run's time, as D1 keeps times.
    at: String,
}

/// Sends what is owed at `now`: the notices that are due, then the updates and
/// cancellations of releases noticed earlier. Answers how many mails went out.
pub async fn send_due(env: &Env, record: &UpcomingRecord, now: DateTime<Utc>) -> Result<usize> {
    let due: Vec<_> = notices_due(record, now).collect();
    let db = env.d1(crate::DATABASE)?;
    let at = crate::rfc3339(now);
    let noticed = db.prepare(sql::NOTICED).bind(&[at.as_str().into()])?.raw_js_value().await?;
    let noticed: Vec<Noticed> = noticed
        .iter()
        .filter_map(|r| Some(Noticed { slug: column(r, 0).as_string()?, moment: column(r, 1).as_string()? }))
        .collect();
    let follow = embargo::follow_ups(record, &noticed, now);
    let store = env.kv(crate::BINDING)?;
    let missing = missing(&store, &db, &follow, &at).await?;
    if due.is_empty() && follow.is_empty() {
        return Ok(0);
    }
    let settled = crate::rfc3339(now - chrono::Duration::seconds(sql::SETTLED_SECONDS));
    let missing_since = crate::rfc3339(now - chrono::Duration::seconds(sql::MISSING_SECONDS));
    let run = Run { outbox: Outbox::from_env(env)?, db, at };
    // Followed-up mails link the privacy notice; the notices themselves carry it from the
    // mail record rendered at publish time.
    let pages = if follow.is_empty() { Default::default() } else { crate::mail::content_pages::read(env).await };
    let lang = run.outbox.config.lang.clone();
    let secret = run.outbox.secret.as_bytes();
    let mut sent = 0;
    for u in due {
        let Some((record, ahead)) = mail_record(&store, &u.slug, &u.at, &lang).await? else { continue };
        let moment = crate::rfc3339(u.at.to_utc());
        let args = [&u.slug, &moment, &run.at, &u.publisher, &ahead.subject, &ahead.lang];
        let Some(journalists) = run.claim(sql::CLAIM_NOTICES, &args).await? else { continue };
        let mails = embargo::notice_mails(&record, &journalists, &run.outbox.origin, &lang, secret, now);
        sent += run.send(&u.slug, &moment, "notice", &journalists, mails).await?;
    }
    for f in follow {
        sent += match f {
            FollowUp::Moved(u) => {
                let Some((record, ahead)) = mail_record(&store, &u.slug, &u.at, &lang).await? else { continue };
                let moment = crate::rfc3339(u.at.to_utc());
                let args = [&u.slug, &moment, &run.at, &ahead.subject, &u.publisher, &settled, &ahead.lang];
                let Some(journalists) = run.claim(sql::CLAIM_UPDATES, &args).await? else { continue };
                let site = (run.outbox.origin.as_str(), lang.as_str());
                let mails = embargo::update_mails(&u.slug, &record, &journalists, site, secret, &pages);
                run.send(&u.slug, &moment, "update", &journalists, mails).await?
            }
            FollowUp::Cancelled(Noticed { slug, moment }) => {
                if !missing.contains(&slug) {
                    continue;
                }
                let told = [JsValue::from_str(&slug), JsValue::from_str(&moment)];
                let rows = run.db.prepare(sql::TOLD_SUBJECT).bind(&told)?.raw_js_value().await?;
                // Told before subjects were kept (migration 0005): the slug names it.
                let subject = rows.first().and_then(|r| column(r, 0).as_string()).unwrap_or_else(|| slug.clone());
                let told_in = rows.first().and_then(|r| column(r, 1).as_string()).unwrap_or_else(|| lang.clone());
                let args = [&slug, &moment, &run.at, &settled, &missing_since];
                let Some(journalists) = run.claim(sql::CLAIM_CANCELS, &args).await? else {
                    continue;
                };
                let told = (run.outbox.origin.as_str(), told_in.as_str());
                let mails = embargo::cancel_mails(&subject, &journalists, told, &pages);
                run.send(&slug, &moment, "cancel", &journalists, mails).await?
            }
        };
    }
    Ok(sent)
}

/// The releases of the cancellations among `follow` that are really missing: gone from the
/// schedule, and with neither `release:{slug}` (moved earlier and public now, or a schedule
/// read from a stale copy) nor `gone:{slug}` (public once and removed since: nothing was
/// withdrawn before its moment). D1 keeps when each was first found missing
/// ([`sql::MISSING`]) and forgets the ones found again ([`sql::FOUND`]), so a cancellation
/// goes out only after two minutes missing.
async fn missing(
    store: &worker::kv::KvStore,
    db: &D1Database,
    follow: &[FollowUp<'_>],
    at: &str,
) -> Result<Vec<String>> {
    let mut missing = Vec::new();
    for f in follow {
        let FollowUp::Cancelled(Noticed { slug, .. }) = f else { continue };
        if missing.contains(slug)
            || store.get(&kv::release_key(slug)).bytes().await?.is_some()
            || store.get(&kv::gone_key(slug)).bytes().await?.is_some()
        {
            continue;
        }
        missing.push(slug.clone());
    }
    let list = JsValue::from_str(&embargo::slug_list(&missing));
    if !missing.is_empty() {
        db.prepare(sql::MISSING).bind(&[list.clone(), JsValue::from_str(at)])?.run().await?;
    }
    db.prepare(sql::FOUND).bind(&[list])?.run().await?;
    Ok(missing)
}

/// The release's `mail:{slug}` and what the trigger needs of it, when it is there, readable
/// and rendered for the schedule's moment `at`. Anything else is logged and left for a later
/// run (a record still propagating) or for the publisher (a damaged one): the other
/// releases' notices go out all the same.
async fn mail_record(
    store: &worker::kv::KvStore,
    slug: &str,
    at: &DateTime<FixedOffset>,
    lang: &str,
) -> Result<Option<(Vec<u8>, embargo::Ahead)>> {
    let Some(record) = store.get(&kv::mail_key(slug)).bytes().await? else {
        worker::console_warn!("embargo notices: no mail record for {slug} yet; tried again next minute");
        return Ok(None);
    };
    match embargo::ahead(&record, lang) {
        Ok(ahead) if ahead.at == *at => Ok(Some((record, ahead))),
        Ok(ahead) => {
            worker::console_warn!(
                "embargo notices: the mail record of {slug} is for {}, the schedule says {at}; tried again next minute",
                ahead.at
            );
            Ok(None)
        }
        Err(e) => {
            worker::console_error!("embargo notices: the mail record of {slug} is unusable, nothing sent: {e}");
            Ok(None)
        }
    }
}

impl Run {
    /// Runs the claim `statement` with `args`; answers the journalists it claimed, or None
    /// when an earlier run did (or nobody is on the list).
    async fn claim(&self, statement: &str, args: &[&String]) -> Result<Option<Vec<Journalist>>> {
        let args: Vec<JsValue> = args.iter().map(|a| JsValue::from_str(a)).collect();
        let claimed = self.db.prepare(statement).bind(&args)?.raw_js_value().await?;
        let ids: Vec<i64> = claimed.iter().filter_map(|r| column(r, 0).as_f64()).map(|id| id as i64).collect();
        if ids.is_empty() {
            return Ok(None);
        }
        let list = JsValue::from_str(&id_list(ids.iter().copied()));
        let rows = self.db.prepare(sql::JOURNALISTS).bind(&[list])?.raw_js_value().await?;
        let journalists: Vec<Journalist> = rows
            .iter()
            .filter_map(|r| {
                let address = contract::subscription::Address::parse(&column(r, 1).as_string()?).ok()?;
                Some(Journalist { id: column(r, 0).as_f64()? as i64, address, version: column(r, 2).as_f64()? as i64 })
            })
            .collect();
        if journalists.len() < ids.len() {
            // Written by `newsroom media add`, which checks the address: only a row changed by
            // hand gets here. Kept claimed, so it is not tried every minute.
            worker::console_error!(
                "embargo mails: {} of {} journalists have an unusable address and get nothing",
                ids.len() - journalists.len(),
                ids.len()
            );
        }
        Ok(Some(journalists))
    }

    /// Sends the `mails` of release `slug` claimed for `journalists`; gives back the claims
    /// of `kind` for `moment` that the sender says to retry, and answers how many went out.
    /// Mails that could not be written (a bad link in the settings) are logged and their
    /// claims given back, for the next run after the fix; the run goes on.
    async fn send(
        &self,
        slug: &str,
        moment: &str,
        kind: &str,
        journalists: &[Journalist],
        mails: std::result::Result<Vec<(i64, contract::subscription::Address, Mail)>, DeliveryError>,
    ) -> Result<usize> {
        let mails = match mails {
            Ok(mails) => mails,
            Err(e) => {
                worker::console_error!("embargo mails: the {kind} of {slug} could not be written, tried again: {e}");
                self.give_back(slug, moment, kind, journalists.iter().map(|j| j.id)).await?;
                return Ok(0);
            }
        };
        let batch: Vec<_> = mails.iter().map(|(_, a, m)| (a.clone(), m.clone())).collect();
        let tag = mailing::bounces::notice_tag(slug);
        // The sender splits a long media list into the provider's batches (500 each).
        let sending = Kind { broadcast: false, tag: Some(&tag) };
        let (retry, sent, refused): (Vec<i64>, Vec<i64>, Vec<i64>) =
            match self.outbox.sender.send(&batch, sending).await {
                Ok(outcomes) => {
                    let of = |pick: fn(&Outcome) -> bool| {
                        mails.iter().zip(&outcomes).filter(move |(_, o)| pick(o)).map(|((id, ..), _)| *id)
                    };
                    // Refused for good, or an inactive address; a whole batch whose answer could
                    // not be read stays without an outcome (perhaps sent): the report shows both.
                    let refused: Vec<i64> = of(|o| match o {
                        Outcome::Rejected { code, .. } => *code != mailing::subscribe::mail::provider::WHOLE_BATCH,
                        other => matches!(other, Outcome::Inactive { .. }),
                    })
                    .collect();
                    if !refused.is_empty() {
                        // Recorded, not sent: the claims stay (never sent twice), the log says how
                        // many (never whom: the provider's words may quote the address).
                        worker::console_error!(
                            "embargo mails: the provider refused {} {kind} mail(s) of {slug}",
                            refused.len()
                        );
                    }
                    let retry = of(|o| matches!(o, Outcome::Retry { .. })).collect();
                    (retry, of(|o| matches!(o, Outcome::Sent { .. })).collect(), refused)
                }
                Err(failure) if failure.retryable => {
                    (mails.iter().map(|(id, ..)| *id).collect(), Vec::new(), Vec::new())
                }
                // Perhaps sent: kept claimed, so never sent twice, with no outcome (unknown).
                Err(failure) => {
                    worker::console_error!("embargo mails: the {kind} of {slug} was not sent: {}", failure.reason);
                    (Vec::new(), Vec::new(), Vec::new())
                }
            };
        // Claims to retry first: an outcome that fails to be written loses a record, never a mail.
        self.give_back(slug, moment, kind, retry.iter().copied()).await?;
        self.set_outcome(slug, moment, kind, &sent, "sent").await?;
        self.set_outcome(slug, moment, kind, &refused, "refused").await?;
        Ok(sent.len())
    }

    /// Records `outcome` on the claims of `kind` for `moment` of release `slug` for
    /// journalists `ids`.
    async fn set_outcome(&self, slug: &str, moment: &str, kind: &str, ids: &[i64], outcome: &str) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let list = JsValue::from_str(&id_list(ids.iter().copied()));
        let args = [JsValue::from_str(slug), list, kind.into(), JsValue::from_str(moment), outcome.into()];
        self.db.prepare(sql::SET_OUTCOME).bind(&args)?.run().await?;
        Ok(())
    }

    /// Gives back the claims of `kind` for `moment` of release `slug` for journalists `ids`.
    async fn give_back(&self, slug: &str, moment: &str, kind: &str, ids: impl Iterator<Item = i64>) -> Result<()> {
        let ids = id_list(ids);
        if ids == "[]" {
            return Ok(());
        }
        let args = [JsValue::from_str(slug), JsValue::from_str(&ids), kind.into(), JsValue::from_str(moment)];
        self.db.prepare(sql::GIVE_BACK_NOTICES).bind(&args)?.run().await?;
        Ok(())
    }
}
