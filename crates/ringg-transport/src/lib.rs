//! The transport layer of ringg-rs.
//!
//! Requests are data ([`ApiRequest`]); a [`Transport`] turns one into an [`ApiResponse`]. This
//! crate knows HTTP, not Ringg resources: it has the trait, a reqwest implementation
//! ([`ReqwestTransport`], feature `reqwest`, on by default) and tower layers, each usable alone:
//!
//! - [`layers::AuthLayer`]: adds `X-API-KEY` from a [`Secret`](ringg_types::Secret) and the
//!   request's id ([`REQUEST_ID_HEADER`], the same on every retry). The `User-Agent` and
//!   `Accept` headers are the transport's ([`ReqwestTransport`] sends them once per request).
//! - [`layers::RetryLayer`]: safe retries per idempotency class, backoff with jitter,
//!   `Retry-After`, a shared budget, an attempt header on retries; a request's own
//!   [`RequestLimits::max_retries`] overrides the policy. The decision is [`layers::decide`].
//! - [`layers::RateLimitLayer`]: requests per second and in-flight cap shared by every clone;
//!   a 429 with `Retry-After` pauses all requests through it. With feature `redis`,
//!   [`layers::RedisRateLimit`] shares that budget between the processes of a fleet.
//! - [`layers::TotalTimeoutLayer`]: bounds a request including its retries (or by the
//!   request's own [`RequestLimits::total_timeout`]); no timer when neither is set. The bound
//!   travels on the request as [`RequestLimits::deadline`], which ends the retry waits.
//! - [`layers::TraceLayer`]: a span per attempt with OpenTelemetry HTTP field names
//!   (`http.request.method`, `url.path`, `http.response.status_code`, `ringg.operation`,
//!   `ringg.request_id`); never headers.
//!
//! [`ReqwestTransport`] never lets reqwest follow redirects (see [`redirect`]: the key must not
//! reach another origin), bounds every response body ([`ReqwestConfig::max_response_body`]) and
//! gives up on a response that stops arriving ([`StallProtection`]).
//!
//! [`StackBuilder`] assembles them in the standard order, as one future per request (the layers'
//! own code, without a box, clone or timer per layer); [`StackBuilder::build_reqwest`] puts the
//! reqwest transport's attempt inside it, with one timer per attempt for both the attempt
//! timeout and the total deadline. With feature `mock`, `MockTransport` is a mockall mock of
//! [`Transport`].
//!
//! Modules, and which way they depend (an arrow points at what a module uses; no circles):
//!
//! ```text
//! stack              -> layers::*, reqwest_transport, transport, error, request
//! reqwest_transport  -> reqwest_body, redirect, layers::auth (the User-Agent), layers::timeout,
//!                       error, request
//! reqwest_body       -> layers::timeout, error, request   (reading a body, reqwest's errors)
//! layers::retry      -> layers::budget, layers::retry_after, layers::timeout
//! layers::rate_limit -> layers::retry_after; layers::trace -> layers::retry
//! layers::rate_limit_redis -> layers::rate_limit   (feature `redis`)
//! layers::*          -> error, request
//! transport          -> error, request
//! redirect, error    -> request
//! request, macros    (leaves)
//! ```

#[macro_use]
mod macros;

pub mod error;
pub mod layers;
pub mod redirect;
pub mod request;
#[cfg(feature = "reqwest")]
mod reqwest_body;
#[cfg(feature = "reqwest")]
pub mod reqwest_transport;
pub mod stack;
pub mod transport;

pub use error::{BoxError, SendState, TransportError, TransportErrorKind};
pub use layers::timeout::HumanDuration;
pub use request::{
    ApiRequest, ApiResponse, Body, BodyCheck, DEFAULT_MAX_RESPONSE_BODY, Idempotency, Part,
    PartData, REQUEST_ID_HEADER, RequestId, RequestLimits, SERVER_REQUEST_ID_HEADERS,
    StallProtection, StreamFactory, is_json, is_loopback_host, masked_url, server_request_id,
};
#[cfg(feature = "reqwest")]
pub use reqwest_transport::{ReqwestConfig, ReqwestTransport};
pub use stack::StackBuilder;
#[cfg(feature = "mock")]
pub use transport::MockTransport;
pub use transport::{Transport, TransportExt, TransportService};

/// Re-exported so users name the same `http` types.
pub use http;
