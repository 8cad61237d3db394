//! Tower layers over [`Transport`](crate::Transport)-shaped services. Each is usable alone.

pub mod auth;
mod budget;
pub mod rate_limit;
#[cfg(feature = "redis")]
pub mod rate_limit_redis;
pub mod retry;
mod retry_after;
pub mod timeout;
pub mod trace;

pub use auth::{API_KEY_HEADER, Auth, AuthLayer};
pub use rate_limit::{
    RateLimit, RateLimitConfig, RateLimitLayer, RateLimiter, SharedPermit, SharedRateLimit,
};
#[cfg(feature = "redis")]
pub use rate_limit_redis::{RedisRateLimit, RedisRateLimitError};
pub use retry::{Decision, Outcome, Retry, RetryBudget, RetryLayer, RetryPolicy, decide};
pub use timeout::{TotalTimeout, TotalTimeoutLayer};
pub use trace::{Trace, TraceLayer};
