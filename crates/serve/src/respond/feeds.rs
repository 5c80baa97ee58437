//! RSS, Atom and JSON Feed: spliced from items rendered ahead, or rendered from the
//! `feed:*` record, with scheduled items left out.

use chrono::{DateTime, FixedOffset};
use contract::cache::CacheKind;
use contract::error::HttpError;
use contract::kv;
use contract::route::FeedScope;
use render::feed;
use render::feed::FeedMeta;

use super::resolve::Target;
use super::response::Rendered;
use crate::http::RequestFacts;
use contract::model::{FeedItem, FeedRecord, SCHEMA_VERSION};

use super::load::{damaged, decode_of, leading_version, record};
use super::{Halt, Loaded};

pub(super) fn render_feed(
    scope: &FeedScope,
    t: &Target,
    req: &RequestFacts,
    loaded: &Loaded,
) -> Result<Rendered, Halt> {
    let key = match scope {
        FeedScope::Site => kv::SITE_FEED_KEY.to_string(),
        FeedScope::Publisher(slug) => kv::publisher_feed_key(slug),
        FeedScope::Keyword(slug) => kv::keyword_feed_key(slug),
    };
    if let Some(access) = &req.embargo {
        return private_feed(scope, t, req, loaded, (key, access));
    }
    let ahead_key = kv::ahead_feed_key(t.format, &key);
    if let Some(bytes) = rendered_ahead(loaded, &ahead_key)? {
        return feed_from_ahead(scope, t, req, &ahead_key, bytes);
    }
    let record: Option<FeedRecord> = record(loaded, key.clone())?;
    let lang = req.config.lang.as_str();
    let f = match (record, scope) {
        (Some(f), _) => f,
        (None, FeedScope::Site) => FeedRecord {
            v: SCHEMA_VERSION,
            title: String::new(),
            description: String::new(),
            lang: lang.into(),
            items: Default::default(),
            logo: None,
        },
        (None, _) => return Err(HttpError::NotFound(req.path.clone()).into()),
    };
    let now = req.now;
    let items: Vec<&FeedItem> = f.items.iter().filter(|i| i.summary.published.at <= now).take(t.limit).collect();
    let next = f.items.iter().map(|i| i.summary.published.at).filter(|at| *at > now).min();
    let meta = feed_meta(scope, t, req, (&f.title, &f.description, &f.lang), f.logo.as_ref());
    let body = feed::render(t.format, &meta, &items, &rfc3339_now(req));
    let newest = feed::newest(&items);
    Ok(feed_rendered(body, &f.lang, newest, next).warn(&key, &f.items))
}

/// A journalist's private feed (`/embargo/{key}/feed.xml`, [`crate::embargo`]): its
/// publisher's releases still under embargo, soonest last as in every feed, each linked
/// through the key; never cached.
fn private_feed(
    scope: &FeedScope,
    t: &Target,
    req: &RequestFacts,
    loaded: &Loaded,
    (key, access): (String, &crate::http::EmbargoAccess),
) -> Result<Rendered, Halt> {
    if !matches!(scope, FeedScope::Publisher(p) if *p == access.publisher) {
        return Err(HttpError::NotFound(req.path.clone()).into());
    }
    let f: FeedRecord = record(loaded, key.clone())?.ok_or_else(|| HttpError::NotFound(req.path.clone()))?;
    let now = req.now;
    let items: Vec<&FeedItem> = f.items.iter().filter(|i| i.summary.published.at > now).take(t.limit).collect();
    let personal = format!("{}{}", req.origin, access.base);
    let file = t.path.rsplit('/').next().unwrap_or("feed.xml");
    let meta = FeedMeta {
        self_url: format!("{personal}/{file}"),
        origin: &personal,
        hub: None,
        ..feed_meta(scope, t, req, (&f.title, &f.description, &f.lang), f.logo.as_ref())
    };
    let body = feed::render(t.format, &meta, &items, &rfc3339_now(req));
    let next = items.iter().map(|i| i.summary.published.at).min();
    Ok(Rendered { kind: CacheKind::Private, ..feed_rendered(body, &f.lang, feed::newest(&items), next) })
}

/// The feed's items rendered ahead ([`feed::ahead`]), if stored in the version this worker
/// reads ([`feed::ahead::AHEAD_VERSION`]); `None` sends the feed to its `feed:*` record.
pub(super) fn rendered_ahead<'a>(loaded: &'a Loaded, key: &str) -> Result<Option<&'a [u8]>, Halt> {
    let value = loaded.values.get(key).ok_or_else(|| Halt::Need(vec![key.to_string()]))?;
    Ok(value.as_deref().filter(|bytes| leading_version(bytes) == Some(feed::ahead::AHEAD_VERSION)))
}

/// A feed from its items rendered ahead: the public ones, with this request's origin.
pub(super) fn feed_from_ahead(
    scope: &FeedScope,
    t: &Target,
    req: &RequestFacts,
    key: &str,
    bytes: &[u8],
) -> Result<Rendered, Halt> {
    let bad = |reason: &str| Halt::Fail(HttpError::BadData(damaged(key, reason)));
    let (head, body) = feed::ahead::Ahead::split(bytes).ok_or_else(|| bad("it has no line of items after its head"))?;
    let head = decode_of(key, head, &[feed::ahead::AHEAD_VERSION]).map_err(|e| Halt::Fail(HttpError::BadData(e)))?;
    let ahead = feed::ahead::Ahead::new(head, body).map_err(|reason| bad(&reason))?;
    let h = &ahead.head;
    let now = req.now;
    let shown: Vec<usize> = (0..h.items.len()).filter(|n| h.items[*n].published.at <= now).take(t.limit).collect();
    let next = h.items.iter().map(|i| i.published.at).filter(|at| *at > now).min();
    let newest = feed::newest_change(shown.iter().map(|n| (&h.items[*n].published, h.items[*n].updated.as_ref())));
    let meta = feed_meta(scope, t, req, (&h.title, &h.description, &h.lang), h.logo.as_ref());
    let origin = feed::ahead::escaped_origin(t.format, &req.origin);
    let items_bytes = ahead.items_bytes(&shown, origin.len()) + shown.len();
    let body = feed::document(t.format, &meta, newest.as_ref(), &rfc3339_now(req), items_bytes, |out, separator| {
        for (k, n) in shown.iter().enumerate() {
            if k > 0 {
                out.extend_from_slice(separator.as_bytes());
            }
            ahead.write_item(*n, &origin, out);
        }
    });
    Ok(feed_rendered(body, &h.lang, newest, next))
}

/// What a feed says about itself on this request's origin: `text` is its title,
/// description and language.
pub(super) fn feed_meta<'a>(
    scope: &FeedScope,
    t: &Target,
    req: &'a RequestFacts,
    text: (&str, &str, &'a str),
    logo: Option<&contract::media::Media>,
) -> FeedMeta<'a> {
    let base = scope.base_path();
    FeedMeta {
        title: text.0.to_string(),
        description: text.1.to_string(),
        lang: text.2,
        home_url: format!("{}{}", req.origin, if base.is_empty() { "/" } else { &base }),
        self_url: format!("{}{}", req.origin, t.path),
        origin: &req.origin,
        ttl_minutes: req.config.ttls.max_age(CacheKind::Feed) / 60,
        logo_url: logo.map(|m| format!("{}{}", req.origin, m.path())),
        hub: req.config.websub_hub.as_deref(),
    }
}

/// Atom's `updated` for a feed with no public item: the time of the request.
pub(super) fn rfc3339_now(req: &RequestFacts) -> String {
    req.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A feed's headers: last modified by its newest shown change.
pub(super) fn feed_rendered(
    body: Vec<u8>,
    lang: &str,
    newest: Option<contract::model::Timestamp>,
    next: Option<DateTime<FixedOffset>>,
) -> Rendered {
    Rendered {
        body,
        lang: lang.to_string(),
        kind: CacheKind::Feed,
        last_modified: newest.map(|t| t.at),
        next_change: next,
        log: Vec::new(),
        content_type: None,
    }
}
