//! The total-timeout layer: bounds a request including all its retries.

use std::time::Duration;

use tower::{Layer, Service};

use crate::error::{SendState, TransportError, TransportErrorKind};
use crate::request::{ApiRequest, ApiResponse, Idempotency};

/// Layer adding [`TotalTimeout`].
#[derive(Debug, Clone, Copy)]
pub struct TotalTimeoutLayer {
    timeout: Duration,
}

impl TotalTimeoutLayer {
    /// Bounds every request, retries included, by `timeout`.
    pub fn new(timeout: Duration) -> Self {
        Self { timeout }
    }
}

impl<S> Layer<S> for TotalTimeoutLayer {
    type Service = TotalTimeout<S>;
    fn layer(&self, inner: S) -> TotalTimeout<S> {
        TotalTimeout {
            inner,
            timeout: self.timeout,
        }
    }
}

/// Fails a request that takes longer than the total timeout. For a non-idempotent request the
/// error is [`TransportErrorKind::OutcomeUnknown`], since it may have been carried out.
#[derive(Debug, Clone)]
pub struct TotalTimeout<S> {
    inner: S,
    timeout: Duration,
}

impl<S> Service<ApiRequest> for TotalTimeout<S>
where
    S: Service<ApiRequest, Response = ApiResponse, Error = TransportError>,
    S::Future: Send + 'static,
{
    api_service_types!(inner);

    fn call(&mut self, request: ApiRequest) -> Self::Future {
        let operation = request.operation;
        let idempotency = request.idempotency;
        let timeout = self.timeout;
        let fut = self.inner.call(request);
        Box::pin(async move {
            match tokio::time::timeout(timeout, fut).await {
                Ok(r) => r,
                Err(_) => {
                    let err = TransportError::new(
                        TransportErrorKind::TotalTimeout,
                        SendState::MaybeSent,
                        format!(
                            "no answer within the total timeout of {:.1} s; raise it with the client's total_timeout setting if the server is slow",
                            timeout.as_secs_f64()
                        ),
                    )
                    .with_operation(operation);
                    Err(if idempotency == Idempotency::NonIdempotent {
                        err.into_outcome_unknown()
                    } else {
                        err
                    })
                }
            }
        })
    }
}
