//! The total-timeout layer: bounds a request including all its retries.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::Either;
use tokio::time::Instant;
use tower::{Layer, Service};

use crate::error::{SendState, TransportError, TransportErrorKind};
use crate::request::{ApiRequest, ApiResponse, Idempotency};

/// Layer adding [`TotalTimeout`].
#[derive(Debug, Clone, Copy)]
pub struct TotalTimeoutLayer {
    timeout: Option<Duration>,
}

impl TotalTimeoutLayer {
    /// Bounds every request, retries included, by `timeout` (a request's own
    /// [`RequestLimits::total_timeout`](crate::RequestLimits::total_timeout) takes precedence).
    pub fn new(timeout: Duration) -> Self {
        Self {
            timeout: Some(timeout),
        }
    }

    /// Bounds a request by `timeout` when given, and otherwise only a request that sets its own
    /// [`RequestLimits::total_timeout`](crate::RequestLimits::total_timeout). A request with
    /// no bound gets no timer.
    pub fn optional(timeout: Option<Duration>) -> Self {
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
    timeout: Option<Duration>,
}

type Bounded = Pin<Box<dyn Future<Output = Result<ApiResponse, TransportError>> + Send>>;

impl<S> Service<ApiRequest> for TotalTimeout<S>
where
    S: Service<ApiRequest, Response = ApiResponse, Error = TransportError>,
    S::Future: Send + 'static,
{
    type Response = ApiResponse;
    type Error = TransportError;
    type Future = Either<Bounded, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: ApiRequest) -> Self::Future {
        let Some(timeout) = request.limits.total_timeout.or(self.timeout) else {
            return Either::Right(self.inner.call(request));
        };
        // Inner layers and the transport see the bound too: the retry layer's waits end there.
        let deadline = bound_request(&mut request, timeout);
        let operation = request.operation;
        let idempotency = request.idempotency;
        let request_id = request.request_id;
        let fut = self.inner.call(request);
        Either::Left(Box::pin(async move {
            match tokio::time::timeout_at(deadline, fut).await {
                Ok(r) => r,
                Err(_) => {
                    let err = total_timeout_error(Some(timeout))
                        .with_operation(operation)
                        .with_request_id(request_id);
                    Err(if idempotency == Idempotency::NonIdempotent {
                        err.into_outcome_unknown()
                    } else {
                        err
                    })
                }
            }
        }))
    }
}

/// Records the total timeout on `request` as its [`RequestLimits::deadline`](crate::RequestLimits::deadline)
/// (the earlier of the request's own and `timeout` from now) and returns that deadline.
pub(crate) fn bound_request(request: &mut ApiRequest, timeout: Duration) -> Instant {
    let end = deadline_after(timeout);
    let deadline = request.limits.deadline.map_or(end, |d| d.min(end));
    request.limits.total_timeout = Some(timeout);
    request.limits.deadline = Some(deadline);
    deadline
}

/// `now + d`, or far in the future when that overflows.
pub(crate) fn deadline_after(d: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(d)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
}

/// The error of a request whose total time ran out (`timeout` when known).
pub(crate) fn total_timeout_error(timeout: Option<Duration>) -> TransportError {
    let message = match timeout {
        Some(t) => format!(
            "no answer within the total timeout of {:.1} s",
            t.as_secs_f64()
        ),
        None => "no answer before the request's deadline".to_string(),
    };
    TransportError::new(
        TransportErrorKind::TotalTimeout,
        SendState::MaybeSent,
        message,
    )
}
