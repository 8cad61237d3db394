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

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use futures::future::Either;
use tower::{Layer, Service};
use tracing::Instrument;

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

type Traced = Pin<Box<dyn Future<Output = Result<ApiResponse, TransportError>> + Send>>;

impl<S> Service<ApiRequest> for Trace<S>
where
    S: Service<ApiRequest, Response = ApiResponse, Error = TransportError>,
    S::Future: Send + 'static,
{
    type Response = ApiResponse;
    type Error = TransportError;
    type Future = Either<Traced, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: ApiRequest) -> Self::Future {
        let span = tracing::debug_span!(
            "ringg.request",
            otel.name = request.operation,
            otel.kind = "client",
            http.request.method = request.method.as_str(),
            url.path = request.path.as_str(),
            ringg.operation = request.operation,
            ringg.request_id = %request.request_id,
            http.request.resend_count = tracing::field::Empty,
            http.response.status_code = tracing::field::Empty,
            ringg.server_request_id = tracing::field::Empty,
            error.type = tracing::field::Empty,
            ringg.latency_ms = tracing::field::Empty,
        );
        if span.is_disabled() {
            return Either::Right(self.inner.call(request));
        }
        if let Some(retry) = request
            .headers
            .get(ATTEMPT_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u32>().ok())
        {
            span.record("http.request.resend_count", retry);
        }
        let start = Instant::now();
        let fut = self.inner.call(request);
        Either::Left(Box::pin(
            async move {
                let result = fut.await;
                let span = tracing::Span::current();
                span.record("ringg.latency_ms", start.elapsed().as_millis() as u64);
                match &result {
                    Ok(resp) => {
                        span.record("http.response.status_code", resp.status.as_u16());
                        if let Some(id) = server_request_id(&resp.headers) {
                            span.record("ringg.server_request_id", id);
                        }
                        tracing::debug!(status = resp.status.as_u16(), "response");
                    }
                    Err(e) => {
                        span.record("error.type", tracing::field::debug(e.kind()));
                        tracing::debug!(error = %e, "request failed");
                    }
                }
                result
            }
            .instrument(span),
        ))
    }
}
