//! Assembling the standard layer stack around a transport.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use futures::future::Either;
use http::HeaderValue;
use ringg_types::Secret;
use tower::{Service, ServiceExt};

use crate::error::TransportError;
use crate::layers::auth::{authorize, key_header};
use crate::layers::retry;
use crate::layers::timeout::{attempt_end, bounded};
use crate::layers::trace::{Traced, attempt_span, sensitive_values};
use crate::layers::{RateLimiter, RetryBudget, RetryPolicy};
use crate::request::{ApiRequest, ApiResponse};
use crate::transport::Transport;

/// The standard stack: total timeout → retry → tracing → rate limit → auth → transport.
///
/// Every retry attempt passes through the rate limiter and gets its own span; the key is added
/// last, just before the request leaves. Clones of the built transport share the rate limiter
/// and the retry budget.
///
/// The built stack behaves as [`TotalTimeoutLayer`](crate::layers::TotalTimeoutLayer),
/// [`RetryLayer`](crate::layers::RetryLayer), [`TraceLayer`](crate::layers::TraceLayer),
/// [`RateLimitLayer`](crate::layers::RateLimitLayer) and
/// [`AuthLayer`](crate::layers::AuthLayer) stacked in that order (the same code decides), but
/// runs as one future per request: no box, clone or timer per layer. The total timeout is a
/// deadline on the request ([`RequestLimits::deadline`](crate::RequestLimits::deadline)) that
/// ends the retry waits, the rate limiter's wait and each attempt, so an attempt has one timer.
/// The attempt timeout ([`RequestLimits::attempt_timeout`](crate::RequestLimits::attempt_timeout),
/// else [`attempt_timeout`](Self::attempt_timeout)) ends an attempt on the same timer.
/// To put your own tower layers between these, stack the layers themselves.
#[derive(Debug, Clone)]
pub struct StackBuilder {
    api_key: Secret,
    retry: RetryPolicy,
    budget: RetryBudget,
    rate_limiter: Option<RateLimiter>,
    total_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    tracing: bool,
}

impl StackBuilder {
    /// A stack authenticating with `api_key`, with default retry policy and budget, no client
    /// rate limit, a 5-minute total timeout, no attempt timeout of its own and tracing on.
    pub fn new(api_key: Secret) -> Self {
        Self {
            api_key,
            retry: RetryPolicy::default(),
            budget: RetryBudget::default(),
            rate_limiter: None,
            total_timeout: Some(Duration::from_secs(300)),
            attempt_timeout: None,
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

    /// Sets or removes the bound on each attempt of a request that sets none of its own
    /// ([`RequestLimits::attempt_timeout`](crate::RequestLimits::attempt_timeout)), for the
    /// transports of [`build`](Self::build) and [`build_service`](Self::build_service).
    /// [`build_reqwest`](Self::build_reqwest) uses the reqwest transport's own attempt timeout
    /// instead. A request's own attempt timeout is kept in either case.
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Turns the tracing layer on or off.
    pub fn tracing(mut self, on: bool) -> Self {
        self.tracing = on;
        self
    }

    /// Wraps a shared `transport` in the stack. Each attempt is bounded by its attempt timeout
    /// and the request's deadline with a timer of the stack's, since the transport may not
    /// know them.
    pub fn build(self, transport: Arc<dyn Transport>) -> Arc<dyn Transport> {
        let inner = Foreign {
            transport,
            attempt_timeout: self.attempt_timeout,
        };
        Arc::new(Standard::new(self, inner))
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
        let inner = Foreign {
            transport: Tower(transport),
            attempt_timeout: self.attempt_timeout,
        };
        Arc::new(Standard::new(self, inner))
    }

    /// Wraps the reqwest transport in the stack, its attempt future inside the stack's own
    /// (no box or clone per attempt). The transport ends an attempt at the request's deadline
    /// with the same timer as its attempt timeout.
    #[cfg(feature = "reqwest")]
    pub fn build_reqwest(
        self,
        transport: crate::reqwest_transport::ReqwestTransport,
    ) -> Arc<dyn Transport> {
        Arc::new(Standard::new(self, transport))
    }
}

/// What the standard stack sends each attempt through.
trait Inner: Send + Sync + 'static {
    /// Sends one attempt, ending it at its attempt timeout or the request's deadline.
    fn send(
        &self,
        request: ApiRequest,
    ) -> impl Future<Output = Result<ApiResponse, TransportError>> + Send;
}

/// A transport that may not know a request's limits: the stack bounds each attempt with its
/// own timer, at the attempt timeout (the request's, else `attempt_timeout`) or the deadline.
struct Foreign<T> {
    transport: T,
    attempt_timeout: Option<Duration>,
}

impl<T: Start> Inner for Foreign<T> {
    fn send(
        &self,
        request: ApiRequest,
    ) -> impl Future<Output = Result<ApiResponse, TransportError>> + Send {
        let end = attempt_end(&request.limits, self.attempt_timeout);
        bounded(end, request.operation, self.transport.start(request))
    }
}

/// Starts one attempt on a transport, with no bound of the stack's.
trait Start: Send + Sync + 'static {
    fn start(
        &self,
        request: ApiRequest,
    ) -> impl Future<Output = Result<ApiResponse, TransportError>> + Send;
}

/// A shared transport.
impl Start for Arc<dyn Transport> {
    fn start(
        &self,
        request: ApiRequest,
    ) -> impl Future<Output = Result<ApiResponse, TransportError>> + Send {
        self.execute(request)
    }
}

/// A transport service.
struct Tower<S>(S);

impl<S> Start for Tower<S>
where
    S: Service<ApiRequest, Response = ApiResponse, Error = TransportError>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
    fn start(
        &self,
        request: ApiRequest,
    ) -> impl Future<Output = Result<ApiResponse, TransportError>> + Send {
        self.0.clone().oneshot(request)
    }
}

/// The reqwest transport ends an attempt at the deadline with its own attempt timer.
#[cfg(feature = "reqwest")]
impl Inner for crate::reqwest_transport::ReqwestTransport {
    fn send(
        &self,
        request: ApiRequest,
    ) -> impl Future<Output = Result<ApiResponse, TransportError>> + Send {
        self.send_attempt(request)
    }
}

/// A boxed attempt future (the rare paths: waiting for the rate limiter, failing early).
type Boxed<'a> = Pin<Box<dyn Future<Output = Result<ApiResponse, TransportError>> + Send + 'a>>;

/// The standard stack as one service: the layers' steps in their order, sharing their code.
struct Standard<T> {
    inner: T,
    /// The key as a header value, built once (`None` when it cannot be one).
    key: Option<HeaderValue>,
    limiter: Option<RateLimiter>,
    tracing: bool,
    policy: RetryPolicy,
    budget: RetryBudget,
    total_timeout: Option<Duration>,
}

impl<T: Inner> Standard<T> {
    fn new(b: StackBuilder, inner: T) -> Self {
        Self {
            inner,
            key: key_header(&b.api_key),
            limiter: b.rate_limiter,
            tracing: b.tracing,
            policy: b.retry,
            budget: b.budget,
            total_timeout: b.total_timeout,
        }
    }

    /// One attempt: its span (when a subscriber wants it) around the rate limiter, the key and
    /// the transport.
    fn attempt(
        &self,
        request: ApiRequest,
        retries: u32,
    ) -> Traced<impl Future<Output = Result<ApiResponse, TransportError>> + Send + '_> {
        let span = self.tracing.then(|| attempt_span(&request, retries));
        // The request's own sensitive headers (a per-request credential), for a span recorded.
        let others = match &span {
            Some(span) if !span.is_disabled() => sensitive_values(&request.headers),
            _ => Vec::new(),
        };
        let attempt = self.limited(request);
        match span {
            Some(span) => Traced::masking(attempt, span, self.key.as_ref(), others),
            None => Traced::untraced(attempt),
        }
    }

    /// The rate limiter's slot, the key, and the transport. When a slot is free at once (the
    /// common case) nothing here waits, so no future is made for it.
    fn limited(
        &self,
        mut request: ApiRequest,
    ) -> impl Future<Output = Result<ApiResponse, TransportError>> + Send + '_ {
        let permit = match &self.limiter {
            None => None,
            Some(limiter) => match limiter.try_acquire() {
                Some(held) => Some(held),
                None => return Either::Right(self.waited(request)),
            },
        };
        if let Err(e) = authorize(self.key.as_ref(), &mut request) {
            return Either::Right(Box::pin(futures::future::ready(Err(e))));
        }
        Either::Left(self.inner.send(request).map(move |result| {
            if let (Some(limiter), Ok(response)) = (&self.limiter, &result) {
                limiter.observe(response);
            }
            drop(permit);
            result
        }))
    }

    /// [`limited`](Self::limited) when the rate limiter makes the attempt wait.
    fn waited(&self, mut request: ApiRequest) -> Boxed<'_> {
        Box::pin(async move {
            let _permit = match &self.limiter {
                Some(limiter) => Some(limiter.acquire_for(&request).await?),
                None => None,
            };
            authorize(self.key.as_ref(), &mut request)?;
            let result = self.inner.send(request).await;
            if let (Some(limiter), Ok(response)) = (&self.limiter, &result) {
                limiter.observe(response);
            }
            result
        })
    }
}

impl<T: Inner> Transport for Standard<T> {
    /// The total timeout becomes the request's deadline when the future is first polled; then
    /// the retry loop runs the attempts. One box per request (the trait's), the attempts'
    /// futures inside it.
    fn execute<'a, 'b>(&'a self, request: ApiRequest) -> Boxed<'b>
    where
        'a: 'b,
        Self: 'b,
    {
        let total = request.limits.total_timeout.or(self.total_timeout);
        Box::pin(retry::run(
            &self.policy,
            &self.budget,
            request,
            total,
            move |attempt, retries| self.attempt(attempt, retries),
        ))
    }
}
