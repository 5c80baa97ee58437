//! A posted request's body, read once with a limit: the subscription form, a subscriber's
//! settings form and the provider's webhook events.

use worker::js_sys::{futures::JsFuture, Uint8Array};
use worker::{web_sys, Result};

/// The request body, or `None` when it is longer than `max` bytes.
pub(crate) async fn read_body(req: &web_sys::Request, max: usize) -> Result<Option<Vec<u8>>> {
    let buffer = JsFuture::from(req.array_buffer()?).await?;
    let bytes = Uint8Array::new(&buffer);
    Ok((bytes.length() as usize <= max).then(|| bytes.to_vec()))
}
