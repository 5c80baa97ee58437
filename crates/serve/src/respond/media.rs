//! A publisher's media bank (`/publishers/{slug}/media`), read as its other lists are (a
//! head and stable chunks, [`super::chunks`]) with its profile in the same round, and its
//! press contacts as vCards (`/publishers/{slug}/contacts/{n}.vcf`).

use contract::cache::CacheKind;
use contract::error::HttpError;
use contract::format::Format;
use contract::kv::{self, ListScope};
use contract::model::PageRecord;
use render::html::Pager;
use render::json::MediaBankView;
use render::{html, json, vcard};

use super::chunks::list_page_record;
use super::lists::{list_rendered, published, visible_total};
use super::load::{need_all, publisher_record};
use super::resolve::Target;
use super::response::{site, Rendered};
use super::{Halt, Loaded};
use crate::http::RequestFacts;

/// One page of the media bank: releases with media public at the request's time, newest
/// first; a photo of a scheduled release appears nowhere until its moment.
pub(super) fn render_media_bank(slug: &str, t: &Target, req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    let scope = ListScope::Media(slug.to_string());
    let profile = kv::publisher_key(slug);
    need_all(loaded, &[profile.clone(), kv::list_key(&scope)])?;
    let p = publisher_record(loaded, &profile)?.ok_or_else(|| HttpError::NotFound(req.path.clone()))?;
    let page = list_page_record(loaded, &scope, t.page, req)?;
    let (items, next) = published(&page.releases, req.now);
    let total = visible_total(page.total, page.releases.len(), items.len());
    let pager = |page: &PageRecord| Pager { page: page.page, pages: page.pages, path: &t.path };
    let body = match t.format {
        Format::Json => json::to_bytes(&MediaBankView::new(&p, total, &items, &pager(&page), &req.origin)),
        _ => html::media_bank_page(&p, total, &items, &pager(&page), &site(req, &t.home)).into_bytes(),
    };
    Ok(list_rendered(body, &p.lang, &items, next).warn(&kv::list_key(&scope), &page.releases))
}

/// The vCard of the publisher's `n`th press contact (from 1); 404 past the last.
pub(super) fn render_contact_card(slug: &str, n: usize, req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    let not_found = || HttpError::NotFound(req.path.clone());
    let p = publisher_record(loaded, &kv::publisher_key(slug))?.ok_or_else(not_found)?;
    let contact = n.checked_sub(1).and_then(|i| p.contacts.get(i)).ok_or_else(not_found)?;
    Ok(Rendered {
        body: vcard::contact(contact, &p.publisher.name).into_bytes(),
        lang: p.lang.clone(),
        kind: CacheKind::List,
        last_modified: None,
        next_change: None,
        log: Vec::new(),
        content_type: Some("text/vcard; charset=utf-8".into()),
    })
}
