//! The tracing layer: one span per attempt with method, path, operation, status, attempt and
//! latency. It never records headers, so the API key cannot reach a span.

use std::time::Instant;

use tower::{Layer, Service};
use tracing::Instrument;

use crate::error::TransportError;
use crate::layers::retry::ATTEMPT_HEADER;
use crate::request::{ApiRequest, ApiResponse};

/// Layer adding [`Trace`].
#[derive(Debug, Clone, Copy, Default)]
pub struct TraceLayer;

impl<S> Layer<S> for TraceLayer {
    type Service = Trace<S>;
    fn layer(&self, inner: S) -> Trace<S> {
        Trace { inner }
    }
}

/// Wraps each attempt in a `ringg.request` span.
#[derive(Debug, Clone)]
pub struct Trace<S> {
    inner: S,
}

impl<S> Service<ApiRequest> for Trace<S>
where
    S: Service<ApiRequest, Response = ApiResponse, Error = TransportError>,
    S::Future: Send + 'static,
{
    api_service_types!(inner);

    fn call(&mut self, request: ApiRequest) -> Self::Future {
        let attempt: u32 = request
            .headers
            .get(ATTEMPT_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
            + 1;
        let span = tracing::debug_span!(
            "ringg.request",
            operation = request.operation,
            method = %request.method,
            path = %request.path,
            attempt,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let start = Instant::now();
        let fut = self.inner.call(request);
        Box::pin(
            async move {
                let result = fut.await;
                let span = tracing::Span::current();
                span.record("latency_ms", start.elapsed().as_millis() as u64);
                match &result {
                    Ok(resp) => {
                        span.record("status", resp.status.as_u16());
                        tracing::debug!(status = resp.status.as_u16(), "response");
                    }
                    Err(e) => tracing::debug!(error = %e, "request failed"),
                }
                result
            }
            .instrument(span),
        )
    }
}
