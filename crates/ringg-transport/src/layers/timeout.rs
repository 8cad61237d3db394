//! The total-timeout layer: bounds a request including all its retries.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::FutureExt;
use futures::future::Either;
use tokio::time::Instant;
use tower::{Layer, Service};

use crate::error::{SendState, TransportError, TransportErrorKind};
use crate::request::{ApiRequest, ApiResponse, Idempotency, RequestLimits};

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
        Some(t) => format!("no answer within the total timeout of {}", HumanDuration(t)),
        None => "no answer before the request's deadline".to_string(),
    };
    TransportError::new(
        TransportErrorKind::TotalTimeout,
        SendState::MaybeSent,
        message,
    )
}

/// Which limit ends an attempt: its own timeout, or the request's deadline.
#[derive(Debug, Clone, Copy)]
pub(crate) enum AttemptLimit {
    /// The attempt timeout (this long).
    Attempt(Duration),
    /// The request's deadline (set from this total timeout, when known).
    Total(Option<Duration>),
}

impl AttemptLimit {
    /// The error of an attempt this limit ended.
    pub(crate) fn error(self) -> TransportError {
        match self {
            Self::Attempt(t) => TransportError::timeout(format!(
                "no complete answer within the attempt timeout of {}",
                HumanDuration(t)
            )),
            Self::Total(total) => total_timeout_error(total),
        }
    }
}

/// When an attempt starting now must end, and which limit ends it: its attempt timeout
/// (`limits.attempt_timeout`, else `default`) or the request's
/// [`deadline`](RequestLimits::deadline), whichever comes first. `None` when neither is set.
pub(crate) fn attempt_end(
    limits: &RequestLimits,
    default: Option<Duration>,
) -> Option<(Instant, AttemptLimit)> {
    let attempt = limits
        .attempt_timeout
        .or(default)
        .map(|t| (deadline_after(t), AttemptLimit::Attempt(t)));
    match (attempt, limits.deadline) {
        (None, None) => None,
        (Some(a), Some(deadline)) if a.0 < deadline => Some(a),
        (Some(a), None) => Some(a),
        (_, Some(deadline)) => Some((deadline, AttemptLimit::Total(limits.total_timeout))),
    }
}

/// `attempt`, failed at `end` (from [`attempt_end`]) with the error of the limit that ended
/// it, naming `operation`. One timer for the attempt, none when `end` is `None`.
pub(crate) fn bounded<F>(
    end: Option<(Instant, AttemptLimit)>,
    operation: &'static str,
    attempt: F,
) -> impl Future<Output = Result<ApiResponse, TransportError>> + Send
where
    F: Future<Output = Result<ApiResponse, TransportError>> + Send,
{
    match end {
        None => Either::Left(attempt),
        Some((end, ended_by)) => {
            Either::Right(tokio::time::timeout_at(end, attempt).map(move |r| {
                r.unwrap_or_else(|_| Err(ended_by.error().with_operation(operation)))
            }))
        }
    }
}

/// A duration for a message: whole milliseconds under a second (`250 ms`), seconds with one
/// decimal above (`2.5 s`), so a short timeout is not shown as `0.0 s`.
///
/// ```
/// use std::time::Duration;
/// use ringg_transport::HumanDuration;
///
/// assert_eq!(HumanDuration(Duration::from_millis(250)).to_string(), "250 ms");
/// assert_eq!(HumanDuration(Duration::from_millis(2500)).to_string(), "2.5 s");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanDuration(pub Duration);

impl std::fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 < Duration::from_secs(1) {
            write!(f, "{} ms", self.0.as_millis())
        } else {
            write!(f, "{:.1} s", self.0.as_secs_f64())
        }
    }
}
