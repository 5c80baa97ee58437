//! `GET /subscribe`: the e-mail subscription form, with the scope of the page that linked to
//! it ticked (`?scope=publisher%3Akymsote`). It reads nothing; posting it, and the
//! confirmation and unsubscribe links, are the adapter's (they write to D1).

use contract::cache::CacheKind;

use super::resolve::Target;
use super::response::{site, Rendered};
use super::{Halt, Loaded};
use crate::http::RequestFacts;
use crate::subscribe::{language, offered_scope, subscribe_page, SubscribeView};

/// The form, in the site's language. Not stored by caches: it varies with `?scope=`.
pub(super) fn render_form(t: &Target, req: &RequestFacts, _loaded: &Loaded) -> Result<Rendered, Halt> {
    let lang = language(&req.config.lang);
    let scopes = offered_scope(req.query.as_deref());
    let body = subscribe_page(&SubscribeView::Form { scopes: &scopes, problem: None }, &site(req, &t.home), lang);
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
