//! The auth layer: adds `X-API-KEY` and the request's id to every request.

use std::task::{Context, Poll};

use http::{HeaderName, HeaderValue};
use ringg_types::Secret;
use tower::{Layer, Service};

use crate::error::TransportError;
use crate::request::{ApiRequest, ApiResponse, REQUEST_ID_HEADER_NAME};

/// The header Ringg authenticates with.
pub const API_KEY_HEADER: &str = "x-api-key";
/// [`API_KEY_HEADER`] as a header name (no parsing per request).
const API_KEY_HEADER_NAME: HeaderName = HeaderName::from_static(API_KEY_HEADER);
/// The `User-Agent` [`ReqwestTransport`](crate::ReqwestTransport) sends by default: the SDK
/// and its version.
pub const USER_AGENT: &str = concat!("ringg-rs/", env!("CARGO_PKG_VERSION"));

/// Layer adding [`Auth`].
#[derive(Debug, Clone)]
pub struct AuthLayer {
    key: Secret,
}

impl AuthLayer {
    /// A layer sending `key` as `X-API-KEY`.
    pub fn new(key: Secret) -> Self {
        Self { key }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = Auth<S>;
    fn layer(&self, inner: S) -> Auth<S> {
        Auth {
            inner,
            key: key_header(&self.key),
        }
    }
}

/// The key as a header value marked sensitive (so HTTP stacks do not log it), built once; `None`
/// when it cannot be sent in a header.
pub(crate) fn key_header(key: &Secret) -> Option<HeaderValue> {
    HeaderValue::from_str(key.expose()).ok().map(|mut v| {
        v.set_sensitive(true);
        v
    })
}

/// Adds the key header and the request's id ([`REQUEST_ID_HEADER`](crate::REQUEST_ID_HEADER))
/// to an attempt; fails, before anything is sent, when the key cannot be a header value.
pub(crate) fn authorize(
    key: Option<&HeaderValue>,
    request: &mut ApiRequest,
) -> Result<(), TransportError> {
    let Some(value) = key else {
        return Err(TransportError::invalid_request(
            "the API key contains characters that cannot be sent in an HTTP header (stray whitespace, quotes or a line break?)",
        )
        .with_operation(request.operation)
        .with_request_id(request.request_id));
    };
    let headers = &mut request.headers;
    // Room for the transport's own headers too (User-Agent, Accept, Content-Type), so the map
    // is allocated once.
    headers.reserve(6);
    headers.insert(API_KEY_HEADER_NAME, value.clone());
    headers.insert(REQUEST_ID_HEADER_NAME, request.request_id.header_value());
    Ok(())
}

/// Adds the API key header, marked sensitive so HTTP stacks do not log it, and the request's id
/// ([`REQUEST_ID_HEADER`](crate::REQUEST_ID_HEADER)). The `User-Agent` and `Accept` headers
/// are the transport's: [`ReqwestTransport`](crate::ReqwestTransport) sends them with every
/// request unless the request carries its own.
#[derive(Clone)]
pub struct Auth<S> {
    inner: S,
    /// The key as a header value, or `None` when it cannot be one.
    key: Option<HeaderValue>,
}

impl<S: std::fmt::Debug> std::fmt::Debug for Auth<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("inner", &self.inner)
            .field("key", &"[redacted]")
            .finish()
    }
}

impl<S> Service<ApiRequest> for Auth<S>
where
    S: Service<ApiRequest, Response = ApiResponse, Error = TransportError>,
{
    type Response = ApiResponse;
    type Error = TransportError;
    type Future = futures::future::Either<
        S::Future,
        futures::future::Ready<Result<ApiResponse, TransportError>>,
    >;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: ApiRequest) -> Self::Future {
        match authorize(self.key.as_ref(), &mut request) {
            Ok(()) => futures::future::Either::Left(self.inner.call(request)),
            Err(e) => futures::future::Either::Right(futures::future::ready(Err(e))),
        }
    }
}
