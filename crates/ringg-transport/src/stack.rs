//! Assembling the standard layer stack around a transport.

use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::Either;
use ringg_types::Secret;
use tower::{Layer, Service};

use crate::error::TransportError;
use crate::layers::{
    AuthLayer, RateLimiter, RetryBudget, RetryLayer, RetryPolicy, TotalTimeoutLayer, TraceLayer,
};
use crate::request::{ApiRequest, ApiResponse};
use crate::transport::Transport;

/// The standard stack: total timeout → retry → tracing → rate limit → auth → transport.
///
/// Every retry attempt passes through the rate limiter and gets its own span; the key is added
/// last, just before the request leaves. Clones of the built transport share the rate limiter
/// and the retry budget.
#[derive(Debug, Clone)]
pub struct StackBuilder {
    api_key: Secret,
    retry: RetryPolicy,
    budget: RetryBudget,
    rate_limiter: Option<RateLimiter>,
    total_timeout: Option<Duration>,
    tracing: bool,
}

impl StackBuilder {
    /// A stack authenticating with `api_key`, with default retry policy and budget, no client
    /// rate limit, a 5-minute total timeout and tracing on.
    pub fn new(api_key: Secret) -> Self {
        Self {
            api_key,
            retry: RetryPolicy::default(),
            budget: RetryBudget::default(),
            rate_limiter: None,
            total_timeout: Some(Duration::from_secs(300)),
            tracing: true,
        }
    }

    /// Sets the retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Uses a (shared) retry budget.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.budget = budget;
        self
    }

    /// Uses a (shared) rate limiter.
    pub fn rate_limiter(mut self, limiter: RateLimiter) -> Self {
        self.rate_limiter = Some(limiter);
        self
    }

    /// Sets or removes the total timeout (retries included).
    pub fn total_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.total_timeout = timeout;
        self
    }

    /// Turns the tracing layer on or off.
    pub fn tracing(mut self, on: bool) -> Self {
        self.tracing = on;
        self
    }

    /// Wraps a shared `transport` in the stack.
    pub fn build(self, transport: Arc<dyn Transport>) -> Arc<dyn Transport> {
        self.build_service(crate::transport::TransportService::new(transport))
    }

    /// Wraps a concrete transport service in the stack. Unlike [`build`](Self::build) this
    /// needs no dynamic dispatch below the top, which saves an allocation per request.
    pub fn build_service<S>(self, transport: S) -> Arc<dyn Transport>
    where
        S: Service<ApiRequest, Response = ApiResponse, Error = TransportError>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        let authed = AuthLayer::new(self.api_key).layer(transport);
        let limited = maybe(self.rate_limiter.map(|l| l.layer()), authed);
        let traced = maybe(self.tracing.then_some(TraceLayer), limited);
        let retried = RetryLayer::new(self.retry)
            .with_budget(self.budget)
            .layer(traced);
        // Always present, so a request's own total timeout is honoured; without one it sets
        // no timer.
        let timed = TotalTimeoutLayer::optional(self.total_timeout).layer(retried);
        Arc::new(timed)
    }
}

/// A layer that may be switched off, without boxing and without changing the error type
/// (tower's `Either` turns errors into `BoxError`).
#[derive(Debug, Clone)]
enum Maybe<On, Off> {
    On(On),
    Off(Off),
}

fn maybe<L: Layer<S>, S>(layer: Option<L>, inner: S) -> Maybe<L::Service, S> {
    match layer {
        Some(l) => Maybe::On(l.layer(inner)),
        None => Maybe::Off(inner),
    }
}

impl<On, Off> Service<ApiRequest> for Maybe<On, Off>
where
    On: Service<ApiRequest, Response = ApiResponse, Error = TransportError>,
    Off: Service<ApiRequest, Response = ApiResponse, Error = TransportError>,
{
    type Response = ApiResponse;
    type Error = TransportError;
    type Future = Either<On::Future, Off::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        match self {
            Self::On(s) => s.poll_ready(cx),
            Self::Off(s) => s.poll_ready(cx),
        }
    }

    fn call(&mut self, request: ApiRequest) -> Self::Future {
        match self {
            Self::On(s) => Either::Left(s.call(request)),
            Self::Off(s) => Either::Right(s.call(request)),
        }
    }
}
