//! A shared client-side rate limiter: requests per second, a cap on requests in flight, and a
//! pause for everyone after a 429 with `Retry-After`.
//!
//! Unlike `tower::limit::RateLimit`, the state lives behind an `Arc`: every clone of a layer,
//! service or client built from one [`RateLimiter`] shares one budget.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use governor::{DefaultDirectRateLimiter, Quota};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tower::{Layer, Service, ServiceExt};

use crate::error::{SendState, TransportError, TransportErrorKind};
use crate::layers::retry_after::parse_retry_after;
use crate::layers::timeout::HumanDuration;
use crate::request::{ApiRequest, ApiResponse};

/// Rate-limit settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimitConfig {
    /// Requests per second (sustained), or `None` for no rate cap.
    pub requests_per_second: Option<NonZeroU32>,
    /// Burst allowed above the sustained rate (default: one second's worth).
    pub burst: Option<NonZeroU32>,
    /// Maximum requests in flight at once, or `None` for no cap.
    pub max_in_flight: Option<usize>,
    /// Longest pause taken on a 429's `Retry-After` (default 60 s).
    pub max_pause: Duration,
}

impl Default for RateLimitConfig {
    /// 20 requests per second, 16 in flight.
    fn default() -> Self {
        Self {
            requests_per_second: NonZeroU32::new(20),
            burst: None,
            max_in_flight: Some(16),
            max_pause: Duration::from_secs(60),
        }
    }
}

impl RateLimitConfig {
    /// No limits at all.
    pub fn unlimited() -> Self {
        Self {
            requests_per_second: None,
            burst: None,
            max_in_flight: None,
            max_pause: Duration::from_secs(60),
        }
    }
}

struct Shared {
    rate: Option<DefaultDirectRateLimiter>,
    /// State shared beyond this process (a fleet), which then decides instead of `rate` and
    /// `in_flight`.
    backend: Option<Arc<dyn SharedRateLimit>>,
    in_flight: Option<Arc<Semaphore>>,
    /// The end of a pause as nanoseconds after `base`, plus one; 0 when no pause was set, so
    /// the common case costs one atomic load and no clock read.
    paused_until: AtomicU64,
    base: Instant,
    max_pause: Duration,
    config: RateLimitConfig,
}

/// A rate limiter shared by every clone. Build one and pass clones of its layer wherever the
/// budget must be shared.
#[derive(Clone)]
pub struct RateLimiter {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("config", &self.shared.config)
            .finish()
    }
}

impl RateLimiter {
    /// A limiter whose budget lives in `backend`, shared by every process using it (see
    /// [`RedisRateLimit`](crate::layers::RedisRateLimit), feature `redis`). The pause after a
    /// 429 is taken here and passed on to the backend.
    pub fn shared(config: RateLimitConfig, backend: Arc<dyn SharedRateLimit>) -> Self {
        let mut limiter = Self::new(config);
        if let Some(shared) = Arc::get_mut(&mut limiter.shared) {
            shared.backend = Some(backend);
        }
        limiter
    }

    /// Waits (briefly) until the in-flight slots this process's requests gave back are free
    /// for the other processes sharing the limit ([`SharedRateLimit::flush`]); a process with
    /// a shared limiter calls it before it exits, so the fleet need not wait for their leases
    /// to run out. A local limiter returns at once.
    pub async fn flush(&self) {
        if let Some(backend) = &self.shared.backend {
            backend.flush().await;
        }
    }

    /// A limiter with the given settings.
    pub fn new(config: RateLimitConfig) -> Self {
        let rate = config.requests_per_second.map(|rps| {
            let quota = Quota::per_second(rps).allow_burst(config.burst.unwrap_or(rps));
            governor::RateLimiter::direct(quota)
        });
        Self {
            shared: Arc::new(Shared {
                rate,
                in_flight: config
                    .max_in_flight
                    .map(|n| Arc::new(Semaphore::new(n.max(1)))),
                backend: None,
                paused_until: AtomicU64::new(0),
                base: Instant::now(),
                max_pause: config.max_pause,
                config,
            }),
        }
    }

    /// The settings.
    pub fn config(&self) -> RateLimitConfig {
        self.shared.config
    }

    /// A layer using this limiter.
    pub fn layer(&self) -> RateLimitLayer {
        RateLimitLayer {
            limiter: self.clone(),
        }
    }

    /// Pauses every request through this limiter until `until`.
    pub fn pause_until(&self, until: Instant) {
        let nanos = until.saturating_duration_since(self.shared.base).as_nanos();
        let encoded = u64::try_from(nanos)
            .unwrap_or(u64::MAX - 1)
            .saturating_add(1);
        self.shared
            .paused_until
            .fetch_max(encoded, Ordering::AcqRel);
    }

    fn current_pause(&self) -> Option<Instant> {
        let encoded = self.shared.paused_until.load(Ordering::Acquire);
        if encoded == 0 {
            return None;
        }
        let until = self.shared.base + Duration::from_nanos(encoded - 1);
        if until > Instant::now() {
            Some(until)
        } else {
            // Over: clear it, so later requests take the fast path again (unless a newer
            // pause was set meanwhile).
            let _ = self.shared.paused_until.compare_exchange(
                encoded,
                0,
                Ordering::AcqRel,
                Ordering::Relaxed,
            );
            None
        }
    }

    /// A slot for `request`: at once when nothing stands in the way (no pause, a free in-flight
    /// slot, the rate allows it: no clock read, no lock), else after waiting, at most until the
    /// request's deadline. The slot is freed when the returned guard drops.
    pub(crate) async fn acquire_for(&self, request: &ApiRequest) -> Result<Held, TransportError> {
        if let Some(held) = self.try_acquire() {
            return Ok(held);
        }
        // Boxed: waiting is the rare path, and its future would otherwise enlarge every
        // request's.
        let wait = Box::pin(self.acquire());
        match request.limits.deadline {
            None => Ok(wait.await),
            Some(deadline) => tokio::time::timeout_at(deadline, wait).await.map_err(|_| {
                // Nothing was sent: the whole wait was for the limiter.
                let within = request
                    .limits
                    .total_timeout
                    .map(|t| format!(" of {}", HumanDuration(t)))
                    .unwrap_or_default();
                TransportError::new(
                    TransportErrorKind::TotalTimeout,
                    SendState::NotSent,
                    format!(
                        "the total timeout{within} ran out while waiting for the client's rate limiter; nothing was sent"
                    ),
                )
                .with_operation(request.operation)
                .with_request_id(request.request_id)
            }),
        }
    }

    /// A slot without waiting, when one is free now.
    pub(crate) fn try_acquire(&self) -> Option<Held> {
        let shared = &*self.shared;
        if shared.backend.is_some() || shared.paused_until.load(Ordering::Acquire) != 0 {
            return None;
        }
        let permit = match &shared.in_flight {
            Some(sem) => Some(sem.clone().try_acquire_owned().ok()?),
            None => None,
        };
        if let Some(rate) = &shared.rate
            && rate.check().is_err()
        {
            return None;
        }
        Some(Held::Local(permit))
    }

    /// Waits for a slot; the permit is released when the returned guard drops.
    pub(crate) async fn acquire(&self) -> Held {
        while let Some(until) = self.current_pause() {
            tokio::time::sleep_until(until).await;
        }
        if let Some(backend) = &self.shared.backend {
            return Held::Shared(backend.acquire().await);
        }
        Held::Local(self.acquire_local().await)
    }

    async fn acquire_local(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        let permit = match &self.shared.in_flight {
            Some(sem) => match sem.clone().try_acquire_owned() {
                Ok(p) => Some(p),
                Err(_) => sem.clone().acquire_owned().await.ok(),
            },
            None => None,
        };
        if let Some(rate) = &self.shared.rate
            && rate.check().is_err()
        {
            rate.until_ready().await;
        }
        permit
    }

    /// Takes the pause a 429 with `Retry-After` asks for.
    pub(crate) fn observe(&self, response: &ApiResponse) {
        if response.status == http::StatusCode::TOO_MANY_REQUESTS
            && let Some(wait) = parse_retry_after(&response.headers, SystemTime::now())
        {
            let wait = wait.min(self.shared.max_pause);
            self.pause_until(Instant::now() + wait);
            if let Some(backend) = &self.shared.backend {
                backend.pause(wait);
            }
        }
    }
}

/// What [`RateLimiter::acquire`] hands out; dropping it frees the in-flight slot.
pub(crate) enum Held {
    Local(#[allow(dead_code)] Option<tokio::sync::OwnedSemaphorePermit>),
    Shared(#[allow(dead_code)] SharedPermit),
}

/// A rate-limit budget shared beyond one process, plugged into a [`RateLimiter`] with
/// [`RateLimiter::shared`]. [`RedisRateLimit`](crate::layers::RedisRateLimit) (feature
/// `redis`) is the one this crate ships.
#[async_trait::async_trait]
pub trait SharedRateLimit: Send + Sync + std::fmt::Debug + 'static {
    /// Waits until the request may be sent (rate and in-flight cap); the returned permit
    /// holds the in-flight slot until it drops. It never fails: a backend that cannot reach
    /// its store decides locally (and says so once).
    async fn acquire(&self) -> SharedPermit;

    /// Pauses every process for `wait` (a 429 with `Retry-After` was seen).
    fn pause(&self, wait: Duration);

    /// Waits (briefly) until the in-flight slots this process gave back are free in the shared
    /// store too; a process calls it before it exits, through [`RateLimiter::flush`]. The
    /// default has nothing to wait for.
    async fn flush(&self) {}
}

/// The in-flight slot of one request granted by a [`SharedRateLimit`]; freed on drop.
pub struct SharedPermit {
    _guard: Option<Box<dyn Send + Sync>>,
}

impl SharedPermit {
    /// A permit whose `guard` frees the slot when it drops.
    pub fn new(guard: impl Send + Sync + 'static) -> Self {
        Self {
            _guard: Some(Box::new(guard)),
        }
    }

    /// A permit holding nothing (no in-flight cap).
    pub fn none() -> Self {
        Self { _guard: None }
    }
}

impl std::fmt::Debug for SharedPermit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedPermit").finish_non_exhaustive()
    }
}

/// Layer adding [`RateLimit`].
#[derive(Debug, Clone)]
pub struct RateLimitLayer {
    limiter: RateLimiter,
}

impl RateLimitLayer {
    /// A layer over a shared limiter.
    pub fn new(limiter: RateLimiter) -> Self {
        Self { limiter }
    }
}

impl<S> Layer<S> for RateLimitLayer {
    type Service = RateLimit<S>;
    fn layer(&self, inner: S) -> RateLimit<S> {
        RateLimit {
            inner,
            limiter: self.limiter.clone(),
        }
    }
}

/// Waits for the shared limiter before each request. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct RateLimit<S> {
    inner: S,
    limiter: RateLimiter,
}

impl<S> Service<ApiRequest> for RateLimit<S>
where
    S: Service<ApiRequest, Response = ApiResponse, Error = TransportError> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    api_service_types!(ready);

    fn call(&mut self, request: ApiRequest) -> Self::Future {
        let inner = self.inner.clone();
        let limiter = self.limiter.clone();
        Box::pin(async move {
            let _permit = limiter.acquire_for(&request).await?;
            let result = inner.oneshot(request).await;
            if let Ok(resp) = &result {
                limiter.observe(resp);
            }
            result
        })
    }
}
