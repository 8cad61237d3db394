//! The tracing layer: one span per attempt, named and fielded after OpenTelemetry's HTTP
//! client semantic conventions, so `tracing-opentelemetry` exports standard spans with no glue.
//! It never records headers, so the API key cannot reach a span.
//!
//! Span `ringg.request` (level DEBUG) has the fields:
//!
//! | field | value |
//! | --- | --- |
//! | `otel.name` | the operation id (a low-cardinality span name) |
//! | `otel.kind` | `client` |
//! | `http.request.method` | e.g. `GET` |
//! | `url.path` | the path below the base URL, e.g. `/workspace` |
//! | `ringg.operation` | the operation id, e.g. `getWorkspace` |
//! | `ringg.request_id` | the client-generated request id, the same on every retry |
//! | `http.request.resend_count` | the retry number, on retries only |
//! | `http.response.status_code` | the answer's status, when one came |
//! | `ringg.server_request_id` | a request or trace id the server sent back, if any |
//! | `error.type` | the transport error kind, when no answer came |
//! | `ringg.latency_ms` | the attempt's duration |
//!
//! When no subscriber wants the span, the layer does no work at all: no clock read, no
//! wrapping of the future.
//!
//! A server (or a gateway before it) may echo the key it was sent in its request id. The
//! [standard stack](crate::StackBuilder) records `ringg.server_request_id` with the key masked
//! (`[REDACTED]`). A [`TraceLayer`] of your own stacked outside the
//! [`AuthLayer`](crate::layers::AuthLayer) never sees the key, so it records the id as the
//! server sent it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use futures::future::Either;
use http::HeaderValue;
use tower::{Layer, Service};

use crate::error::TransportError;
use crate::layers::retry::ATTEMPT_HEADER;
use crate::request::{ApiRequest, ApiResponse, server_request_id};

/// Layer adding [`Trace`].
#[derive(Debug, Clone, Copy, Default)]
pub struct TraceLayer;

impl<S> Layer<S> for TraceLayer {
    type Service = Trace<S>;
    fn layer(&self, inner: S) -> Trace<S> {
        Trace { inner }
    }
}

/// Wraps each attempt in a `ringg.request` span (see the [module docs](self)).
#[derive(Debug, Clone)]
pub struct Trace<S> {
    inner: S,
}

type Boxed = Pin<Box<dyn Future<Output = Result<ApiResponse, TransportError>> + Send>>;

impl<S> Service<ApiRequest> for Trace<S>
where
    S: Service<ApiRequest, Response = ApiResponse, Error = TransportError>,
    S::Future: Send + 'static,
{
    type Response = ApiResponse;
    type Error = TransportError;
    type Future = Either<Boxed, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: ApiRequest) -> Self::Future {
        let span = attempt_span(&request, 0);
        if span.is_disabled() {
            return Either::Right(self.inner.call(request));
        }
        // The retry number is read from the attempt header only for a span someone records.
        let resend_count = request
            .headers
            .get(ATTEMPT_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0);
        if resend_count > 0 {
            span.record("http.request.resend_count", resend_count);
        }
        let secrets = sensitive_values(&request.headers);
        let attempt = self.inner.call(request);
        Either::Left(Box::pin(Traced::masking(attempt, span, None, secrets)))
    }
}

/// The `ringg.request` span of one attempt (retry number `resend_count`, 0 on the first). A
/// disabled span (no subscriber wants it) costs no more than this call.
pub(crate) fn attempt_span(request: &ApiRequest, resend_count: u32) -> tracing::Span {
    let span = tracing::debug_span!(
        "ringg.request",
        otel.name = request.operation,
        otel.kind = "client",
        http.request.method = request.method.as_str(),
        url.path = &*request.path,
        ringg.operation = request.operation,
        ringg.request_id = %request.request_id,
        http.request.resend_count = tracing::field::Empty,
        http.response.status_code = tracing::field::Empty,
        ringg.server_request_id = tracing::field::Empty,
        error.type = tracing::field::Empty,
        ringg.latency_ms = tracing::field::Empty,
    );
    if resend_count > 0 && !span.is_disabled() {
        span.record("http.request.resend_count", resend_count);
    }
    span
}

pin_project_lite::pin_project! {
    /// An attempt run inside its span, which records the outcome (see [`attempt_span`]); with
    /// a disabled span, the attempt alone: no clock read, no span work.
    pub(crate) struct Traced<F> {
        #[pin]
        attempt: F,
        span: Option<Recording>,
    }
}

/// What an enabled span's [`Traced`] keeps: the span, when the attempt started, and the key
/// and the request's other sensitive header values to mask in what the server sent back.
pub(crate) struct Recording {
    span: tracing::Span,
    start: Instant,
    key: Option<HeaderValue>,
    others: Vec<HeaderValue>,
}

/// The values of `headers` marked sensitive (the key, a per-request credential): none is
/// shown in a span, even when the server sends it back. No allocation when there are none.
pub(crate) fn sensitive_values(headers: &http::HeaderMap) -> Vec<HeaderValue> {
    headers
        .values()
        .filter(|v| v.is_sensitive())
        .cloned()
        .collect()
}

impl<F> Traced<F> {
    /// `attempt` inside `span`, timed from now when the span is enabled, masking `key` (the
    /// API key the attempt sends) and `others` (its other sensitive header values) wherever
    /// the server's answer shows them in a recorded field.
    pub(crate) fn masking(
        attempt: F,
        span: tracing::Span,
        key: Option<&HeaderValue>,
        others: Vec<HeaderValue>,
    ) -> Self {
        let span = (!span.is_disabled()).then(|| Recording {
            span,
            start: Instant::now(),
            key: key.cloned(),
            others,
        });
        Self { attempt, span }
    }

    /// `attempt` with no span.
    pub(crate) fn untraced(attempt: F) -> Self {
        Self {
            attempt,
            span: None,
        }
    }
}

impl<F> Future for Traced<F>
where
    F: Future<Output = Result<ApiResponse, TransportError>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Some(recording) = this.span.as_ref() else {
            return this.attempt.poll(cx);
        };
        let _entered = recording.span.enter();
        let result = std::task::ready!(this.attempt.poll(cx));
        record(recording, &result);
        Poll::Ready(result)
    }
}

/// Records an attempt's outcome in its span (entered by the caller).
fn record(recording: &Recording, result: &Result<ApiResponse, TransportError>) {
    let span = &recording.span;
    span.record(
        "ringg.latency_ms",
        recording.start.elapsed().as_millis() as u64,
    );
    match result {
        Ok(resp) => {
            span.record("http.response.status_code", resp.status.as_u16());
            if let Some(id) = server_request_id(&resp.headers) {
                let secrets = recording.key.iter().chain(&recording.others);
                span.record("ringg.server_request_id", &*masked(id, secrets));
            }
            tracing::debug!(status = resp.status.as_u16(), "response");
        }
        Err(e) => {
            span.record("error.type", tracing::field::debug(e.kind()));
            tracing::debug!(error = %e, "request failed");
        }
    }
}

/// `text` with each of `secrets` masked (see
/// [`mask_secret`](ringg_types::redact::mask_secret)).
fn masked<'a, 's>(
    text: &'a str,
    secrets: impl Iterator<Item = &'s HeaderValue>,
) -> std::borrow::Cow<'a, str> {
    use std::borrow::Cow;
    secrets
        .filter_map(|s| s.to_str().ok())
        .fold(
            Cow::Borrowed(text),
            |shown, secret| match ringg_types::redact::mask_secret(&shown, secret) {
                Cow::Owned(m) => Cow::Owned(m),
                Cow::Borrowed(_) => shown,
            },
        )
}
