//! The auth layer: adds `X-API-KEY` (and the SDK's `User-Agent`) to every request.

use std::task::{Context, Poll};

use http::HeaderValue;
use ringg_types::Secret;
use tower::{Layer, Service};

use crate::error::TransportError;
use crate::request::{ApiRequest, ApiResponse, REQUEST_ID_HEADER};

/// The header Ringg authenticates with.
pub const API_KEY_HEADER: &str = "x-api-key";
/// The `User-Agent` sent when a request carries none: the SDK and its version.
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
        // The header value is built once here, not per request.
        let key = HeaderValue::from_str(self.key.expose()).ok().map(|mut v| {
            v.set_sensitive(true);
            v
        });
        Auth { inner, key }
    }
}

/// Adds the API key header, marked sensitive so HTTP stacks do not log it, the request's id
/// ([`REQUEST_ID_HEADER`]), and the SDK's `User-Agent` and `Accept: application/json` when the
/// request has none.
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
        match &self.key {
            Some(value) => {
                let headers = &mut request.headers;
                headers.reserve(4);
                headers.insert(API_KEY_HEADER, value.clone());
                headers.insert(REQUEST_ID_HEADER, request.request_id.header_value());
                headers
                    .entry(http::header::USER_AGENT)
                    .or_insert(HeaderValue::from_static(USER_AGENT));
                headers
                    .entry(http::header::ACCEPT)
                    .or_insert(HeaderValue::from_static("application/json"));
                futures::future::Either::Left(self.inner.call(request))
            }
            None => futures::future::Either::Right(futures::future::ready(Err(
                TransportError::invalid_request(
                    "the API key contains characters that cannot be sent in an HTTP header; check RINGG_API_KEY for stray whitespace or quotes",
                )
                .with_operation(request.operation)
                .with_request_id(request.request_id),
            ))),
        }
    }
}
