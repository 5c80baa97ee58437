//! A release page: embargo and preview (of a scheduled release or a draft), the tombstone of a removed release, translations,
//! and "more from this publisher" from the publisher's profile.

use contract::cache::CacheKind;
use contract::error::HttpError;
use contract::format::Format;
use contract::model::{GoneRecord, Summary, Translation};
use contract::{kv, preview};
use render::json::ReleaseView;
use render::markdown::release_document;
use render::{html, json};

use super::lists::published;
use super::load::{damaged, need_all, publisher_record, record, release_record};
use super::resolve::{Home, Target};
use super::response::{site, Rendered};
use super::{Halt, Loaded};
use crate::http::RequestFacts;
use crate::negotiate::preferred_language;

/// How many other releases "more from this publisher" shows.
pub const MORE_LEN: usize = 5;

pub(super) fn render_release(slug: &str, t: &Target, req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    let (format, preview) = (t.format, t.preview.as_deref());
    let mut key = kv::release_key(slug);
    // A preview token opens drafts too; a journalist's key only its publisher's releases.
    let token_opens = preview_opens(slug, preview, req);
    let (r, draft) = match release_record(loaded, &key)? {
        Some(r) => (r, false),
        None => {
            // Missing: a draft opened by its preview token, a removed release's tombstone
            // (410), anything else a 404. The draft and the tombstone are read in one round.
            let (draft_key, gone_key) = (kv::draft_key(slug), kv::gone_key(slug));
            if token_opens {
                need_all(loaded, &[draft_key.clone(), gone_key.clone()])?;
                if let Some(d) = release_record(loaded, &draft_key)? {
                    key = draft_key;
                    (d, true)
                } else {
                    return Err(missing(loaded, gone_key, req)?);
                }
            } else {
                return Err(missing(loaded, gone_key, req)?);
            }
        }
    };
    let summary = &r.summary;
    if summary.slug != slug {
        return Err(HttpError::BadData(damaged(&key, "its slug field names another release")).into());
    }
    if matches!(&t.home, Home::Publisher(p) if p.slug != summary.publisher.slug) {
        // Another publisher's release is not part of this publisher's own newsroom.
        return Err(HttpError::NotFound(req.path.clone()).into());
    }
    let by_key = req.embargo.as_ref().map(|a| a.publisher == summary.publisher.slug);
    if by_key == Some(false) && !token_opens {
        // A key opens its own publisher's releases only, and says nothing of others.
        return Err(HttpError::NotFound(req.path.clone()).into());
    }
    let opens = token_opens || by_key == Some(true);
    let embargoed = draft || summary.published.at > req.now;
    if embargoed && !opens {
        // Embargoed: indistinguishable from a missing release, cached only until it lifts.
        return Err(HttpError::Scheduled(req.path.clone(), summary.published.at).into());
    }
    let translations: Vec<&Translation> = r.translations.iter().filter(|t| t.published.at <= req.now).collect();
    if let Some(other) = chosen_translation(t, &summary.lang, &translations) {
        return Err(Halt::Found(other));
    }
    let publisher_key = kv::publisher_key(&summary.publisher.slug);
    need_all(loaded, std::slice::from_ref(&publisher_key))?;
    // The publisher record adds boilerplate and "more from"; a damaged one only loses those.
    let mut log = Vec::new();
    let publisher = match publisher_record(loaded, &publisher_key) {
        Ok(p) => p,
        Err(Halt::Fail(e)) => {
            log.push(e.to_string_for_log());
            None
        }
        Err(need) => return Err(need),
    };
    let (others, next) = publisher.as_ref().map_or((Vec::new(), None), |p| published(&p.releases, req.now));
    let more: Vec<&Summary> = others.into_iter().filter(|s| s.slug != summary.slug).take(MORE_LEN).collect();
    let origin = &req.origin;
    let body = match format {
        Format::Json => json::to_bytes(&ReleaseView::new(&r, publisher.as_deref(), &more, &translations, origin)),
        Format::Markdown => release_document(&r).into_bytes(),
        _ => {
            let preview = embargoed.then(|| html::Preview::new(draft, preview_expiry(slug, preview, req)));
            html::release_page(&r, publisher.as_deref(), &more, &translations, &site(req, &t.home), preview)
                .into_bytes()
        }
    };
    let changed = r.updated.as_ref().unwrap_or(&r.summary.published).at;
    let rendered = Rendered {
        body,
        lang: r.summary.lang.clone(),
        kind: if embargoed || req.embargo.is_some() { CacheKind::Private } else { CacheKind::Release },
        last_modified: Some(changed),
        next_change: next,
        log,
        content_type: None,
    };
    Ok(match &publisher {
        Some(p) => rendered.warn(&publisher_key, &p.releases),
        None => rendered,
    })
}

/// The answer for a release that is not stored: `410 Gone` with the tombstone's title, or `404`.
fn missing(loaded: &Loaded, gone_key: String, req: &RequestFacts) -> Result<Halt, Halt> {
    Ok(match record::<GoneRecord>(loaded, gone_key)? {
        Some(g) => HttpError::Gone(g.release.title, g.release.publisher.name),
        None => HttpError::NotFound(req.path.clone()),
    }
    .into())
}

/// When the preview link `token` for `slug` stops opening it (`None` if it does not open it).
fn preview_expiry(slug: &str, token: Option<&str>, req: &RequestFacts) -> Option<chrono::DateTime<chrono::Utc>> {
    let (token, secret) = (token?, req.preview_secret.as_ref()?);
    preview::verify(secret.as_bytes(), slug, token, req.now).ok()
}

/// True when `token` is a valid, unexpired preview token for `slug` (every failure is a 404).
pub(super) fn preview_opens(slug: &str, token: Option<&str>, req: &RequestFacts) -> bool {
    match (token, &req.preview_secret) {
        (Some(token), Some(secret)) => preview::verify(secret.as_bytes(), slug, token, req.now).is_ok(),
        _ => false,
    }
}

/// The path of the translation the reader asked for: the one in the `?lang=` language, or
/// the one their `Accept-Language` ranks above this release's own language. The language
/// switcher links with `?lang=`, so a reader's explicit choice is never overridden.
pub(super) fn chosen_translation(t: &Target, own: &str, translations: &[&Translation]) -> Option<String> {
    let wanted = match t.lang.as_deref() {
        Some(lang) => lang,
        None => {
            let langs: Vec<&str> = std::iter::once(own).chain(translations.iter().map(|tr| tr.lang.as_str())).collect();
            preferred_language(&t.languages, &langs)?
        }
    };
    let other = translations.iter().find(|tr| tr.lang.eq_ignore_ascii_case(wanted))?;
    (!other.lang.eq_ignore_ascii_case(own)).then(|| contract::route::release_path(&other.slug))
}
