//! Journalists' personal links, `/embargo/{key}/…`: the key is checked against the media
//! list in D1 (not revoked, not expired, its MAC matching the row's publisher), an opened
//! release is counted, and the request goes on as the public path it stands for with
//! `RequestFacts::embargo` set (`serve::embargo`). Any failure leaves the request as it was:
//! an unknown path, the same 404 as a release that does not exist.

use contract::journalist;
use serve::embargo::{parse, sql, Target};
use serve::http::{EmbargoAccess, RequestFacts};
use worker::js_sys::Reflect;
use worker::wasm_bindgen::JsValue;
use worker::{Env, Result};

/// Opens `facts` for a valid personal key; answers the journalist to [`count`] when the key
/// asked for a release (feeds polled are not counted). A D1 failure is an error (a 503).
pub async fn open(facts: &mut RequestFacts, env: &Env) -> Result<Option<i64>> {
    let Some(link) = parse(&facts.path) else { return Ok(None) };
    let (Ok(id), (_, Some(secret))) = (journalist::row_id(link.key), crate::settings(env)) else { return Ok(None) };
    let Ok(db) = env.d1("DB") else { return Ok(None) };
    let now = crate::rfc3339(facts.now);
    let args = [JsValue::from_f64(id as f64), JsValue::from_str(&now)];
    let rows = db.prepare(sql::ACTIVE).bind(&args)?.raw_js_value().await?;
    let Some(publisher) = rows.first().and_then(|r| Reflect::get_u32(r, 0).ok()?.as_string()) else {
        return Ok(None);
    };
    if journalist::verify(secret.as_bytes(), link.key, &publisher).is_err() {
        return Ok(None);
    }
    let release = matches!(link.target, Target::Release(_));
    let (path, base) = (link.rewritten(&publisher), link.base());
    facts.path = path;
    facts.embargo = Some(EmbargoAccess { base, publisher });
    Ok(release.then_some(id))
}

/// Counts one release shown to journalist `id`.
pub async fn count(env: &Env, id: i64) -> Result<()> {
    env.d1("DB")?.prepare(sql::COUNT_OPEN).bind(&[JsValue::from_f64(id as f64)])?.run().await?;
    Ok(())
}
