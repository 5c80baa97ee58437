//! Journalists' personal links, `/embargo/{key}/…`: the key's MAC is checked, then its row
//! on the media list in D1 (not revoked, not expired, the same key version), a release it
//! shows is counted, and the request goes on as the public path it stands for with
//! `RequestFacts::embargo` set (`serve::embargo`). Any failure leaves the request as it was:
//! an unknown path, the same 404 as a release that does not exist.

use contract::journalist;
use serve::embargo::{parse, sql, Target};
use serve::http::{EmbargoAccess, RequestFacts};
use worker::wasm_bindgen::JsValue;
use worker::{Env, Result};

/// Opens `facts` for a valid personal key; answers the journalist to [`count`] when the key
/// asked for a release (feeds polled are not counted). The key's MAC is checked first, so a
/// made-up key costs no query; a D1 failure is an error (a 503 to retry).
pub async fn open(facts: &mut RequestFacts, env: &Env) -> Result<Option<i64>> {
    let Some(link) = parse(&facts.path) else { return Ok(None) };
    let (_, Some(secret)) = crate::settings(env) else { return Ok(None) };
    let Ok(holder) = journalist::verify(secret.as_bytes(), link.key) else { return Ok(None) };
    let Ok(db) = env.d1(crate::DATABASE) else { return Ok(None) };
    let now = crate::rfc3339(facts.now);
    let args = [
        JsValue::from_f64(holder.id as f64),
        JsValue::from_str(holder.publisher),
        JsValue::from_f64(holder.version as f64),
        JsValue::from_str(&now),
    ];
    if db.prepare(sql::ACTIVE).bind(&args)?.raw_js_value().await?.is_empty() {
        return Ok(None);
    }
    let counted = matches!(link.target, Target::Release(_)).then_some(holder.id);
    let (path, base, publisher) = (link.rewritten(holder.publisher), link.base(), holder.publisher.to_string());
    facts.path = path;
    facts.embargo = Some(EmbargoAccess { base, publisher });
    Ok(counted)
}

/// Counts one release shown to journalist `id`.
pub async fn count(env: &Env, id: i64) -> Result<()> {
    env.d1(crate::DATABASE)?.prepare(sql::COUNT_OPEN).bind(&[JsValue::from_f64(id as f64)])?.run().await?;
    Ok(())
}
