//! The mail provider's bounce and complaint webhook (`/mail/webhook`, `mailing::bounces`):
//! the readers' Worker hands it over unchanged; this checks its credentials and applies
//! each event in D1.

use mailing::bounces::{self, Mailing, Verdict};
use mailing::subscribe::sql;
use serve::http::{HttpResponse, RequestFacts};
use worker::wasm_bindgen::JsValue;
use worker::{web_sys, Env, Result};

/// The mail provider's bounce and complaint webhook (`mailing::bounces`): authenticated,
/// then each event applied in D1: a hard bounce, a complaint or a suppression ends the
/// subscription; every event of a tagged mailing is added to its tally.
pub async fn answer(req: &web_sys::Request, facts: &RequestFacts, env: &Env) -> Result<HttpResponse> {
    let secret = env
        .secret("MAIL_WEBHOOK_SECRET")
        .ok()
        .map(|s| s.to_string())
        .or_else(|| env.var("MAIL_WEBHOOK_SECRET").ok().map(|v| v.to_string()));
    let authorization = req.headers().get("authorization")?;
    if let Err(refusal) = bounces::admit(&facts.method, authorization.as_deref(), secret.as_deref()) {
        return Ok(refusal);
    }
    let Some(body) = crate::mail::body::read_body(req, bounces::MAX_EVENT_BYTES).await? else {
        return Ok(bounces::reply(413, "The event is longer than a webhook event can be."));
    };
    let event = match bounces::read(&body) {
        Ok(event) => event,
        // An event of an address we cannot read is of no subscriber: acknowledged, so the
        // provider does not post it again and again.
        Err(e @ bounces::EventError::Address { .. }) => return Ok(bounces::reply(200, &format!("nothing to do: {e}"))),
        Err(e) => return Ok(bounces::reply(400, &e.to_string())),
    };
    let Some(address) = &event.address else { return Ok(bounces::reply(200, bounces::done(&event))) };
    let db = env.d1(crate::DATABASE)?;
    let address = JsValue::from_str(address.as_str());
    let mut statements = Vec::new();
    if matches!(event.verdict, Verdict::Remove | Verdict::Complaint | Verdict::Suppressed) {
        // Both at once (a D1 batch is one transaction), as an unsubscription.
        statements.push(db.prepare(sql::REMOVE_DELIVERIES).bind(std::slice::from_ref(&address))?);
        statements.push(db.prepare(sql::REMOVE).bind(std::slice::from_ref(&address))?);
    }
    let one = |yes: bool| JsValue::from_f64(if yes { 1.0 } else { 0.0 });
    match &event.mailing {
        Some(Mailing::Release(slug)) if event.verdict != Verdict::Suppressed => {
            let v = event.verdict;
            let args = [
                slug.as_str().into(),
                one(v == Verdict::Remove),
                one(v == Verdict::SoftBounce),
                one(v == Verdict::Complaint),
            ];
            statements.push(db.prepare(bounces::sql::COUNT).bind(&args)?);
        }
        Some(Mailing::Notice(slug)) if matches!(event.verdict, Verdict::Remove | Verdict::Complaint) => {
            statements.push(db.prepare(bounces::sql::NOTICE_BOUNCED).bind(&[slug.as_str().into(), address.clone()])?);
        }
        _ => {}
    }
    if !statements.is_empty() {
        db.batch(statements).await?;
    }
    Ok(bounces::reply(200, bounces::done(&event)))
}
