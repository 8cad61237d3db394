//! Assembling the standard layer stack around a transport.

use std::sync::Arc;
use std::time::Duration;

use ringg_types::Secret;
use tower::ServiceBuilder;

use crate::layers::{
    AuthLayer, RateLimiter, RetryBudget, RetryLayer, RetryPolicy, TotalTimeoutLayer, TraceLayer,
};
use crate::transport::{Transport, TransportExt};

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

    /// Wraps `transport` in the stack.
    pub fn build(self, transport: Arc<dyn Transport>) -> Arc<dyn Transport> {
        let base = crate::transport::TransportService::new(transport);
        let authed = ServiceBuilder::new()
            .layer(AuthLayer::new(self.api_key))
            .service(base);
        let limited = ServiceBuilder::new()
            .option_layer(self.rate_limiter.map(|l| l.layer()))
            .service(authed);
        let traced = ServiceBuilder::new()
            .option_layer(self.tracing.then_some(TraceLayer))
            .service(limited);
        let retried = ServiceBuilder::new()
            .layer(RetryLayer::new(self.retry).with_budget(self.budget))
            .service(traced);
        let timed = ServiceBuilder::new()
            .option_layer(self.total_timeout.map(TotalTimeoutLayer::new))
            .service(retried);
        Arc::new(MapErrService(timed))
    }
}

/// `option_layer` produces `Either` services whose error type is `BoxError`; this adapter
/// turns them back into a [`Transport`].
#[derive(Clone)]
struct MapErrService<S>(S);

#[async_trait::async_trait]
impl<S> Transport for MapErrService<S>
where
    S: tower::Service<crate::ApiRequest, Response = crate::ApiResponse>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Error: Into<tower::BoxError>,
    S::Future: Send + 'static,
{
    async fn execute(
        &self,
        request: crate::ApiRequest,
    ) -> Result<crate::ApiResponse, crate::TransportError> {
        use tower::ServiceExt;
        let operation = request.operation;
        self.0.clone().oneshot(request).await.map_err(|e| {
            let e: tower::BoxError = e.into();
            match e.downcast::<crate::TransportError>() {
                Ok(t) => *t,
                Err(other) => crate::TransportError::new(
                    crate::TransportErrorKind::Other,
                    crate::SendState::MaybeSent,
                    other.to_string(),
                )
                .with_operation(operation),
            }
        })
    }
}

#[allow(dead_code)]
fn assert_transport_ext<T: Transport + 'static>(t: T) {
    let _ = t.into_service();
}
