//! `GET /subscribe`: the e-mail subscription form, with the scope of the page that linked to
//! it ticked (`?scope=publisher%3Akymsote`) and the privacy notice linked. It reads only
//! `index:pages` (which its footer reads anyway); posting it, and the confirmation and
//! unsubscribe links, are the adapter's (they write to D1).

use contract::cache::CacheKind;
use contract::pages::{PagesRecord, PAGES_KEY};

use super::load::record;
use super::resolve::Target;
use super::response::{site, Rendered};
use super::{Halt, Loaded};
use crate::http::RequestFacts;
use crate::subscribe::{language, offered_scope, privacy_link, subscribe_page, SubscribeView};

/// The form, in the site's language. Not stored by caches: it varies with `?scope=`.
pub(super) fn render_form(t: &Target, req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    let lang = language(&req.config.lang);
    let scopes = offered_scope(req.query.as_deref());
    // A damaged index leaves the form without the link (its footer logs the damage).
    let pages = record::<PagesRecord>(loaded, PAGES_KEY.into()).or_else(|e| match e {
        Halt::Need(keys) => Err(Halt::Need(keys)),
        _ => Ok(None),
    })?;
    // Subscriptions are the site's (one list, one database): its notice, on every host.
    let privacy = pages.and_then(|p| privacy_link(&p, lang, None, ""));
    let view = SubscribeView::Form { scopes: &scopes, problem: None, privacy: privacy.as_ref().map(|p| p.link()) };
    let body = subscribe_page(&view, &site(req, &t.home), lang);
    Ok(Rendered {
        body: body.into_bytes(),
        lang: lang.to_string(),
        kind: CacheKind::Private,
        last_modified: None,
        next_change: None,
        log: vec![],
        content_type: None,
    })
}
