//! The auth layer: adds `X-API-KEY` (and the SDK's `User-Agent`) to every request.

use std::task::{Context, Poll};

use http::HeaderValue;
use ringg_types::Secret;
use tower::{Layer, Service};

use crate::error::TransportError;
use crate::request::{ApiRequest, ApiResponse};

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
        Auth {
            inner,
            key: self.key.clone(),
        }
    }
}

/// Adds the API key header, marked sensitive so HTTP stacks do not log it, and the SDK's
/// `User-Agent` and `Accept: application/json` when the request has none.
#[derive(Debug, Clone)]
pub struct Auth<S> {
    inner: S,
    key: Secret,
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
        match HeaderValue::from_str(self.key.expose()) {
            Ok(mut value) => {
                value.set_sensitive(true);
                request.headers.insert(API_KEY_HEADER, value);
                request
                    .headers
                    .entry(http::header::USER_AGENT)
                    .or_insert(HeaderValue::from_static(USER_AGENT));
                request
                    .headers
                    .entry(http::header::ACCEPT)
                    .or_insert(HeaderValue::from_static("application/json"));
                futures::future::Either::Left(self.inner.call(request))
            }
            Err(_) => futures::future::Either::Right(futures::future::ready(Err(
                TransportError::invalid_request(
                    "the API key contains characters that cannot be sent in an HTTP header; check RINGG_API_KEY for stray whitespace or quotes",
                )
                .with_operation(request.operation),
            ))),
        }
    }
}
