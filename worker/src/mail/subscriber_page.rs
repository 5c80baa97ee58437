//! A subscriber's own page through the key in their mails (`mailing::subscriber_settings`):
//! `/subscribe/settings?k=…` and `/unsubscribe?k=…` show their topics and language (`GET`);
//! a `POST` to the first saves a change, to the second ends the subscription (RFC 8058's
//! one click). The key is checked against the row it names before anything is shown.

use contract::subscription::{self as sub, Address};
use mailing::subscribe::{language, read_scopes, stored_scopes, Site, SubscribeView, MAX_FORM_BYTES, UNSUBSCRIBE_PATH};
use mailing::subscriber_settings::{key_url, offered_scopes, parse_key_link, parse_settings, sql, SETTINGS_PATH};
use serve::http::{HttpResponse, RequestFacts};
use worker::wasm_bindgen::JsValue;
use worker::{web_sys, Env, Result};

/// The answer to a key link (`secret`: the subscription secret, long enough).
pub async fn answer(req: &web_sys::Request, facts: &RequestFacts, env: &Env, secret: &[u8]) -> Result<HttpResponse> {
    let origin = facts.config.base_url.clone().unwrap_or_else(|| facts.origin.clone());
    let fallback = facts.config.lang.as_str();
    let site = Site { origin: &origin, name: facts.config.site_name.as_deref() };
    let no_pages = Default::default();
    let page = |status, view: &SubscribeView, lang: &str, pages| {
        mailing::subscribe::page(status, view, &site, (lang, fallback), pages)
    };
    let site_lang = language(fallback);
    if !matches!(facts.method.as_str(), "GET" | "HEAD" | "POST") {
        let mut r = page(405, &SubscribeView::BadLink, site_lang, &no_pages);
        r.headers.push(("allow", "GET, HEAD, POST".into()));
        return Ok(r);
    }
    let Some(link) = parse_key_link(facts.query.as_deref()) else {
        return Ok(page(400, &SubscribeView::BadLink, site_lang, &no_pages));
    };
    let db = env.d1(crate::DATABASE)?;
    let rows = db.prepare(sql::SUBSCRIBER).bind(&[JsValue::from_f64(link.id as f64)])?.raw_js_value().await?;
    let row = rows.first().and_then(|r| {
        let text = |i| crate::column(r, i).as_string();
        Some((Address::parse(&text(0)?).ok()?, read_scopes(&text(1)?), language(&text(2)?)))
    });
    if row.is_none() && facts.method == "POST" && facts.path == UNSUBSCRIBE_PATH {
        // Gone already (the one click sent twice, or the page's button after it): gone is gone.
        return Ok(page(200, &SubscribeView::Unsubscribed, site_lang, &no_pages));
    }
    // An unknown row, a key of another address, an altered key: one answer for all.
    let Some((address, scopes, lang)) =
        row.filter(|(a, ..)| sub::verify_subscriber_key(secret, link.id, a, &link.key).is_ok())
    else {
        return Ok(page(400, &SubscribeView::BadLink, site_lang, &no_pages));
    };
    let pages = crate::mail::content_pages::read(env).await;
    let id = JsValue::from_f64(link.id as f64);
    let who = [id.clone(), JsValue::from_str(address.as_str())];
    let save = key_url("", SETTINGS_PATH, &link.key, &link.offered);
    let unsubscribe = key_url("", UNSUBSCRIBE_PATH, &link.key, &[]);
    let settings = |status, own: &[_], lang: &str, saved, problem: Option<&str>| {
        let (shown, ticked) = offered_scopes(own, if saved { &[] } else { &link.offered });
        let view = SubscribeView::Settings {
            save: &save,
            unsubscribe: &unsubscribe,
            shown: &shown,
            ticked: &ticked,
            chosen: lang,
            saved,
            problem,
        };
        page(status, &view, lang, &pages)
    };
    if facts.method != "POST" {
        return Ok(settings(200, &scopes, lang, false, None));
    }
    if facts.path == UNSUBSCRIBE_PATH {
        // Both at once (a D1 batch is one transaction): never a half-deleted subscriber.
        let deliveries = db.prepare(sql::REMOVE_DELIVERIES).bind(&who)?;
        db.batch(vec![deliveries, db.prepare(sql::REMOVE).bind(&who)?]).await?;
        return Ok(page(200, &SubscribeView::Unsubscribed, lang, &pages));
    }
    let Some(body) = crate::mail::body::read_body(req, MAX_FORM_BYTES).await? else {
        return Ok(settings(413, &scopes, lang, false, Some("the form is too long")));
    };
    match parse_settings(&body, lang) {
        Err(e) => Ok(settings(400, &scopes, lang, false, Some(&e.to_string()))),
        Ok(chosen) => {
            let args =
                [who[0].clone(), who[1].clone(), stored_scopes(&chosen.scopes).into(), chosen.lang.as_str().into()];
            if db.prepare(sql::SAVE).bind(&args)?.raw_js_value().await?.is_empty() {
                // Unsubscribed in another tab meanwhile.
                return Ok(page(400, &SubscribeView::BadLink, site_lang, &pages));
            }
            Ok(settings(200, &chosen.scopes, &chosen.lang, true, None))
        }
    }
}
