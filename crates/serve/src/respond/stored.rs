//! Values served as they are stored: media files and the OpenAPI document.

use contract::cache::CacheKind;
use contract::error::HttpError;

use super::response::Rendered;
use super::{Halt, Loaded};
use crate::http::RequestFacts;

/// A KV value served as it is stored (a media file, the OpenAPI document); absent: 404.
pub(super) fn raw_value(key: String, kind: CacheKind, req: &RequestFacts, loaded: &Loaded) -> Result<Rendered, Halt> {
    let body = loaded.values.get(&key).ok_or_else(|| Halt::Need(vec![key.clone()]))?;
    let body = body.clone().ok_or_else(|| HttpError::NotFound(req.path.clone()))?;
    Ok(Rendered {
        body,
        lang: String::new(),
        kind,
        last_modified: None,
        next_change: None,
        log: Vec::new(),
        content_type: None,
    })
}
