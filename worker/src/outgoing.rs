//! A response on its way to the runtime: `web_sys` headers that stay writable until it is
//! built, and a body the runtime already holds (bytes, or a Cache API copy's own stream).

use serve::http::HttpResponse;
use worker::js_sys::Uint8Array;
use worker::web_sys::{self, Headers, ResponseInit};
use worker::Result;

/// A response on its way out: its headers stay writable until it is built, once.
pub(crate) struct Outgoing {
    pub(crate) status: u16,
    pub(crate) headers: Headers,
    pub(crate) body: Option<Body>,
}

/// A body as the runtime holds it.
pub(crate) enum Body {
    Bytes(Uint8Array),
    /// A Cache API copy's own stream, never read into wasm memory (readers' pages only).
    #[cfg(feature = "readers")]
    Stream(web_sys::ReadableStream),
}

/// The runtime's headers for the core's `(name, value)` list.
pub(crate) fn headers_of(r: &HttpResponse) -> Result<Headers> {
    let headers = Headers::new()?;
    for (name, value) in &r.headers {
        headers.append(name, value)?;
    }
    Ok(headers)
}

impl Outgoing {
    /// A response from the core that is already final (`finalize` was applied or not needed).
    pub(crate) fn from_core(r: &HttpResponse) -> Result<Self> {
        let body = (!r.body.is_empty()).then(|| Body::Bytes(Uint8Array::from(r.body.as_slice())));
        Ok(Self { status: r.status, headers: headers_of(r)?, body })
    }

    /// The runtime's response.
    pub(crate) fn build(self) -> Result<web_sys::Response> {
        let init = ResponseInit::new();
        init.set_status(self.status);
        init.set_headers_headers(&self.headers);
        // No body at all for `304` and `HEAD`, not an empty one: a 304 with a body stream made
        // workerd answer at less than half the rate (`make bench`, If-None-Match).
        let response = match &self.body {
            None => web_sys::Response::new_with_opt_str_and_init(None, &init),
            Some(Body::Bytes(bytes)) => web_sys::Response::new_with_opt_js_u8_array_and_init(Some(bytes), &init),
            #[cfg(feature = "readers")]
            Some(Body::Stream(stream)) => web_sys::Response::new_with_opt_readable_stream_and_init(Some(stream), &init),
        };
        Ok(response?)
    }
}
