//! A rate limiter on Redis shared by every process of a fleet (feature `redis`).
//!
//! Several workers on one workspace key, each with its own in-process budget, together exceed
//! Ringg's limit. [`RedisRateLimit`] keeps one budget in Redis for every process that uses the
//! same key prefix, with the semantics of the local [`RateLimiter`]:
//!
//! - **requests per second** by GCRA (the algorithm of the local limiter), with the same
//!   burst, decided atomically by one Lua script on Redis's own clock;
//! - **max in flight**: a sorted set of leases; a live process renews its leases, so the slots
//!   of a process that died expire after [`RedisRateLimit::LEASE`];
//! - **the pause after a 429** with `Retry-After`, stored in Redis with that expiry, so every
//!   process waits it out.
//!
//! **When Redis is down** the limiter falls back to a local limiter with the same settings and
//! logs one warning (one per outage), then tries Redis again at most once a second and logs
//! when it is back. A Redis slower than the command timeout (500 ms by default,
//! [`RedisRateLimit::with_command_timeout`]) counts as down for that second;
//! [`RedisRateLimit::fallback_count`] says how often a limiter fell back. Requests keep flowing, each process within its own budget, rather than
//! failing; a fleet may then exceed the shared rate, and Ringg's 429s are retried and pause
//! the process as usual.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use redis::Script;
use redis::aio::ConnectionManager;
use tokio::sync::OnceCell;
use tokio::time::Instant;

use crate::layers::rate_limit::{RateLimitConfig, RateLimiter, SharedPermit, SharedRateLimit};

/// Keys: rate state, in-flight leases, pause. Args: member, emission (µs), tolerance (µs),
/// max in flight (0: none), lease (ms). Returns 0 (go), -1 (in-flight cap reached) or the
/// wait in µs.
const ACQUIRE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local pause = redis.call('PTTL', KEYS[3])
if pause > 0 then return pause * 1000 end
local max = tonumber(ARGV[4])
local lease = tonumber(ARGV[5])
if max > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= max then return -1 end
end
local emission = tonumber(ARGV[2])
if emission > 0 then
  local tat = tonumber(redis.call('GET', KEYS[1]) or now)
  if tat < now then tat = now end
  local allow_at = tat - tonumber(ARGV[3])
  if now < allow_at then return math.ceil(allow_at - now) end
  local new_tat = tat + emission
  redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX',
    math.ceil((new_tat - now) / 1000) + 1000)
end
if max > 0 then
  redis.call('ZADD', KEYS[2], string.format('%.0f', now + lease * 1000), ARGV[1])
  redis.call('PEXPIRE', KEYS[2], lease * 2)
end
return 0
";

/// Keys: in-flight leases. Args: lease (ms), members... Renews the leases still held.
const RENEW: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local until_us = string.format('%.0f', now + tonumber(ARGV[1]) * 1000)
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', until_us, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
return 0
";

/// Keys: pause. Args: wait (ms). Lengthens the pause, never shortens it.
const PAUSE: &str = r"
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 0
";

/// How long one Redis round trip may take before the limiter decides locally, unless
/// [`RedisRateLimit::with_command_timeout`] says otherwise.
const COMMAND_TIMEOUT: Duration = Duration::from_millis(500);
/// How long the limiter decides locally after Redis failed before it tries Redis again.
const RETRY_REDIS_AFTER: Duration = Duration::from_secs(1);
/// How often a process waiting for an in-flight slot asks again.
const SLOT_POLL: Duration = Duration::from_millis(5);

/// A [`SharedRateLimit`] on Redis: every process whose limiter uses the same Redis and key
/// prefix shares one budget. See the [module docs](self) for the semantics and the fallback
/// when Redis is down.
///
/// ```no_run
/// use std::num::NonZeroU32;
/// use ringg_transport::layers::{RateLimitConfig, RedisRateLimit};
///
/// # fn run() -> Result<(), ringg_transport::layers::RedisRateLimitError> {
/// let config = RateLimitConfig {
///     requests_per_second: NonZeroU32::new(20),
///     burst: NonZeroU32::new(5),
///     max_in_flight: Some(8),
///     ..RateLimitConfig::default()
/// };
/// // Every worker of the fleet builds the same limiter; pass it to the client builder.
/// let limiter = RedisRateLimit::limiter("redis://127.0.0.1:6379/0", "myapp:ringg", config)?;
/// # let _ = limiter; Ok(()) }
/// ```
pub struct RedisRateLimit {
    inner: Arc<Inner>,
}

struct Inner {
    client: redis::Client,
    /// `host:port/db`, for messages (never the password).
    shown: Arc<str>,
    keys: Keys,
    conn: OnceCell<ConnectionManager>,
    acquire: Script,
    renew: Script,
    pause: Script,
    emission_us: u64,
    tolerance_us: u64,
    max_in_flight: usize,
    /// The local limiter used while Redis is unreachable.
    fallback: RateLimiter,
    degraded: AtomicBool,
    /// How many times the limiter went from Redis to the local fallback.
    fallbacks: AtomicU64,
    /// How long one Redis round trip may take before the limiter decides locally.
    command_timeout: Duration,
    retry_redis_at: Mutex<Option<Instant>>,
    next_member: AtomicU64,
    process: String,
    lease: Duration,
    /// Removals of leases given back that have not answered yet, and a wake-up when one ends
    /// ([`SharedRateLimit::flush`] waits for them).
    removing: AtomicUsize,
    removed: tokio::sync::Notify,
}

struct Keys {
    rate: String,
    in_flight: String,
    pause: String,
}

/// The Redis URL given to [`RedisRateLimit`] is not valid (or names TLS, `rediss://`, which
/// this build's Redis client does not support).
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message())]
pub struct RedisRateLimitError {
    kind: String,
    tls: bool,
}

impl RedisRateLimitError {
    fn message(&self) -> String {
        if self.tls {
            "this build's Redis client has no TLS support for rediss:// URLs; reach Redis over \
             redis:// (for example through a TLS tunnel), or build with the redis crate's \
             `tokio-rustls-comp` feature"
                .to_owned()
        } else {
            format!(
                "the Redis URL is not valid ({}); expected redis://[:password@]host[:port][/db]",
                self.kind
            )
        }
    }
}

impl RedisRateLimit {
    /// How long an in-flight slot outlives the process holding it (15 s); a live process
    /// renews its slots every 5 s.
    pub const LEASE: Duration = Duration::from_secs(15);

    /// How long one Redis round trip may take, by default, before the limiter decides with
    /// its local fallback (500 ms).
    pub const COMMAND_TIMEOUT: Duration = COMMAND_TIMEOUT;

    /// A shared budget with `config`'s settings on the Redis at `url`
    /// (`redis://[:password@]host[:port][/db]`), in keys starting with `prefix:`. Nothing is
    /// connected yet: the first request connects.
    ///
    /// # Errors
    /// When `url` is not a Redis URL.
    pub fn new(
        url: &str,
        prefix: &str,
        config: RateLimitConfig,
    ) -> Result<Self, RedisRateLimitError> {
        let client = redis::Client::open(url).map_err(|e| RedisRateLimitError {
            kind: format!("{:?}", e.kind()),
            tls: url
                .trim_start()
                .get(..9)
                .is_some_and(|s| s.eq_ignore_ascii_case("rediss://")),
        })?;
        let info = client.get_connection_info();
        let shown = format!("{}/{}", info.addr(), info.redis_settings().db());
        let prefix = prefix.trim_end_matches(':');
        let (emission_us, tolerance_us) = match config.requests_per_second {
            Some(rps) => {
                let emission = 1_000_000 / u64::from(rps.get()).max(1);
                let burst = u64::from(config.burst.unwrap_or(rps).get());
                (emission.max(1), emission.max(1) * burst.saturating_sub(1))
            }
            None => (0, 0),
        };
        Ok(Self {
            inner: Arc::new(Inner {
                client,
                shown: Arc::from(shown),
                keys: Keys {
                    rate: format!("{prefix}:rate"),
                    in_flight: format!("{prefix}:in_flight"),
                    pause: format!("{prefix}:pause"),
                },
                conn: OnceCell::new(),
                acquire: Script::new(ACQUIRE),
                renew: Script::new(RENEW),
                pause: Script::new(PAUSE),
                emission_us,
                tolerance_us,
                max_in_flight: config.max_in_flight.map_or(0, |n| n.max(1)),
                fallback: RateLimiter::new(config),
                degraded: AtomicBool::new(false),
                fallbacks: AtomicU64::new(0),
                command_timeout: Self::COMMAND_TIMEOUT,
                retry_redis_at: Mutex::new(None),
                next_member: AtomicU64::new(0),
                process: format!("{}-{:016x}", std::process::id(), rand::random::<u64>()),
                lease: Self::LEASE,
                removing: AtomicUsize::new(0),
                removed: tokio::sync::Notify::new(),
            }),
        })
    }

    /// A [`RateLimiter`] over a new shared budget: pass it to the client builder
    /// (`ringg_api::ClientBuilder::rate_limiter`) or the [`StackBuilder`](crate::StackBuilder).
    ///
    /// # Errors
    /// When `url` is not a Redis URL.
    pub fn limiter(
        url: &str,
        prefix: &str,
        config: RateLimitConfig,
    ) -> Result<RateLimiter, RedisRateLimitError> {
        let backend = Self::new(url, prefix, config)?;
        Ok(RateLimiter::shared(config, Arc::new(backend)))
    }

    /// How long an in-flight slot outlives a process that died holding it (default
    /// [`LEASE`](Self::LEASE), at least 300 ms); a live process renews its slots every third
    /// of it. Every process of the fleet should use the same lease.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.lease = lease.max(Duration::from_millis(300));
        }
        self
    }

    /// How long one Redis round trip may take before this limiter stops waiting and decides
    /// with its local fallback (default [`COMMAND_TIMEOUT`](Self::COMMAND_TIMEOUT), at least
    /// 50 ms). A longer timeout keeps the shared budget through slow answers (a loaded or
    /// distant Redis) at the cost of requests waiting that long when Redis is gone.
    pub fn with_command_timeout(mut self, timeout: Duration) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.command_timeout = timeout.max(Duration::from_millis(50));
        }
        self
    }

    /// True while Redis is unreachable and the local fallback decides.
    pub fn is_degraded(&self) -> bool {
        self.inner.degraded.load(Ordering::Relaxed)
    }

    /// How many times, since it was made, this limiter stopped sharing the budget and decided
    /// with its local fallback (Redis unreachable, or slower than the command timeout). While
    /// it falls back, each process keeps the limits on its own, so a fleet may exceed them
    /// together: a count above zero says a run was not limited by the shared budget alone.
    pub fn fallback_count(&self) -> u64 {
        self.inner.fallbacks.load(Ordering::Relaxed)
    }
}

impl Inner {
    async fn connection(&self) -> redis::RedisResult<ConnectionManager> {
        self.conn
            .get_or_try_init(|| async {
                let config = redis::aio::ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(self.command_timeout))
                    .set_response_timeout(Some(self.command_timeout))
                    .set_number_of_retries(1);
                ConnectionManager::new_lazy_with_config(self.client.clone(), config)
            })
            .await
            .cloned()
    }

    /// One round trip, bounded by the command timeout; how Redis failed when it did.
    async fn run<T: redis::FromRedisValue>(
        &self,
        invocation: &redis::ScriptInvocation<'_>,
    ) -> Result<T, Unanswered> {
        let outcome = tokio::time::timeout(self.command_timeout, async {
            let mut conn = self.connection().await?;
            invocation.invoke_async::<T>(&mut conn).await
        })
        .await;
        match outcome {
            Ok(Ok(value)) => {
                if self.degraded.swap(false, Ordering::Relaxed) {
                    tracing::info!(
                        target: "ringg_transport",
                        redis = %self.shown,
                        "Redis is reachable again: the shared rate limit applies again"
                    );
                }
                Ok(value)
            }
            Ok(Err(err)) => {
                self.degrade(&format!("{:?}: {}", err.kind(), err.category()));
                // The client's own response timeout, or a connection lost after sending: the
                // command may have run all the same.
                Err(if err.is_timeout() || err.is_connection_dropped() {
                    Unanswered::TooLate
                } else {
                    Unanswered::Failed
                })
            }
            Err(_) => {
                self.degrade(&format!("no answer within {:?}", self.command_timeout));
                Err(Unanswered::TooLate)
            }
        }
    }

    fn degrade(&self, why: &str) {
        *self
            .retry_redis_at
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Instant::now() + RETRY_REDIS_AFTER);
        if !self.degraded.swap(true, Ordering::Relaxed) {
            self.fallbacks.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(
                target: "ringg_transport",
                redis = %self.shown,
                "the shared rate limiter cannot reach Redis ({why}); this process limits its \
                 own requests with the same settings until Redis is back (check that Redis is \
                 running and reachable)"
            );
        }
    }

    fn use_fallback_now(&self) -> bool {
        let retry_at = *self
            .retry_redis_at
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        retry_at.is_some_and(|t| Instant::now() < t)
    }
}

impl Inner {
    /// Removes the in-flight lease `member`, within the command timeout; whether Redis
    /// answered.
    async fn remove_lease(&self, member: &str) -> bool {
        let removed = tokio::time::timeout(self.command_timeout, async {
            let mut conn = self.connection().await?;
            redis::cmd("ZREM")
                .arg(&self.keys.in_flight)
                .arg(member)
                .query_async::<()>(&mut conn)
                .await
        })
        .await;
        matches!(removed, Ok(Ok(())))
    }
}

/// How a round trip to Redis failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unanswered {
    /// An error (no connection, a refused command): the command most likely did not run.
    Failed,
    /// No answer within the command timeout, or the connection lost after sending: the
    /// command may have run or still run.
    TooLate,
}

/// Holds one in-flight lease: renews it while held, removes it on drop.
struct Lease {
    inner: Arc<Inner>,
    member: String,
    renew: tokio::task::JoinHandle<()>,
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.renew.abort();
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return; // no runtime: the lease expires by itself
        };
        let inner = self.inner.clone();
        let member = std::mem::take(&mut self.member);
        inner.removing.fetch_add(1, Ordering::SeqCst);
        handle.spawn(async move {
            inner.remove_lease(&member).await;
            inner.removing.fetch_sub(1, Ordering::SeqCst);
            inner.removed.notify_waiters();
        });
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[async_trait::async_trait]
impl SharedRateLimit for RedisRateLimit {
    async fn acquire(&self) -> SharedPermit {
        let inner = &self.inner;
        loop {
            if inner.use_fallback_now() {
                return SharedPermit::new(inner.fallback.acquire().await);
            }
            let member = format!(
                "{}:{}",
                inner.process,
                inner.next_member.fetch_add(1, Ordering::Relaxed)
            );
            let mut invocation = inner.acquire.prepare_invoke();
            invocation
                .key(&inner.keys.rate)
                .key(&inner.keys.in_flight)
                .key(&inner.keys.pause)
                .arg(&member)
                .arg(inner.emission_us)
                .arg(inner.tolerance_us)
                .arg(inner.max_in_flight)
                .arg(millis(inner.lease));
            let outcome = match inner.run::<i64>(&invocation).await {
                Ok(outcome) => outcome,
                Err(unanswered) => {
                    if unanswered == Unanswered::TooLate && inner.max_in_flight > 0 {
                        // Redis may still run the script it did not answer in time, leaving a
                        // lease nobody holds on a slot of the fleet's until the lease ran out.
                        release_orphan(inner.clone(), member);
                    }
                    return SharedPermit::new(inner.fallback.acquire().await);
                }
            };
            match outcome {
                0 if inner.max_in_flight == 0 => return SharedPermit::none(),
                0 => {
                    let renew = tokio::spawn(renew_loop(inner.clone(), member.clone()));
                    return SharedPermit::new(Lease {
                        inner: inner.clone(),
                        member,
                        renew,
                    });
                }
                wait if wait > 0 => {
                    let wait = Duration::from_micros(u64::try_from(wait).unwrap_or(0));
                    tokio::time::sleep(wait.min(inner.fallback.config().max_pause)).await;
                }
                _ => {
                    let jitter = Duration::from_micros(rand::random::<u64>() % 5_000);
                    tokio::time::sleep(SLOT_POLL + jitter).await;
                }
            }
        }
    }

    /// Waits until the removals of the leases this process gave back have been answered (at
    /// most the command timeout): a process about to exit calls it, so its last slots are free
    /// for the fleet at once rather than when their lease runs out.
    async fn flush(&self) {
        let inner = &self.inner;
        let waited = tokio::time::timeout(inner.command_timeout, async {
            loop {
                let removed = inner.removed.notified();
                if inner.removing.load(Ordering::SeqCst) == 0 {
                    return;
                }
                removed.await;
            }
        });
        let _ = waited.await;
    }

    fn pause(&self, wait: Duration) {
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let inner = self.inner.clone();
        handle.spawn(async move {
            let mut invocation = inner.pause.prepare_invoke();
            invocation.key(&inner.keys.pause).arg(millis(wait).max(1));
            let _ = inner.run::<i64>(&invocation).await;
        });
    }
}

/// Removes the lease `member` that an acquire Redis did not answer in time may have made. The
/// removal goes after the acquire on the same connection, so once Redis answers it, the
/// acquire has run (or never will): it is tried until then, for at most a lease.
fn release_orphan(inner: Arc<Inner>, member: String) {
    let Ok(handle) = tokio::runtime::Handle::try_current() else {
        return; // no runtime: the lease expires by itself
    };
    handle.spawn(async move {
        let give_up = Instant::now() + inner.lease;
        while Instant::now() < give_up {
            if inner.remove_lease(&member).await {
                return;
            }
            tokio::time::sleep(RETRY_REDIS_AFTER).await;
        }
    });
}

async fn renew_loop(inner: Arc<Inner>, member: String) {
    let every = inner.lease / 3;
    loop {
        tokio::time::sleep(every).await;
        let mut invocation = inner.renew.prepare_invoke();
        invocation
            .key(&inner.keys.in_flight)
            .arg(millis(inner.lease))
            .arg(&member);
        let _ = inner.run::<i64>(&invocation).await;
    }
}

impl fmt::Debug for RedisRateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisRateLimit")
            .field("redis", &self.inner.shown)
            .field("prefix_keys", &self.inner.keys.rate)
            .field("config", &self.inner.fallback.config())
            .field("degraded", &self.is_degraded())
            .field("fallbacks", &self.fallback_count())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_that_is_not_usable_says_what_to_give_and_never_its_password() {
        let config = RateLimitConfig::unlimited();
        let err = RedisRateLimit::new("http://nope", "p", config)
            .unwrap_err()
            .to_string();
        assert!(err.contains("expected redis://"), "{err}");
        let tls = RedisRateLimit::new("rediss://:hunter2@cache.example:6380/0", "p", config)
            .unwrap_err()
            .to_string();
        assert!(
            tls.contains("no TLS support") && !tls.contains("hunter2"),
            "{tls}"
        );
    }
}
