//! The retry layer: safe-retry rules per idempotency class, exponential backoff with jitter,
//! `Retry-After` support, a shared retry budget and an attempt header.
//!
//! The decision is the pure function [`decide`]; the layer only carries it out.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use http::{HeaderMap, HeaderValue, StatusCode};
use serde::Deserialize as _;
use tower::{Layer, Service, ServiceExt};

use crate::error::{SendState, TransportError, TransportErrorKind};
use crate::request::{ApiRequest, ApiResponse, Idempotency};

/// The header carrying the retry number, on retries only (`1` on the first retry; the first
/// attempt carries none).
pub const ATTEMPT_HEADER: &str = "x-ringg-retry-count";

/// Retry settings.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2, so 3 attempts in all).
    pub max_retries: u32,
    /// Delay before the first retry (default 500 ms); doubles each retry.
    pub initial_backoff: Duration,
    /// Upper bound of the backoff delay (default 8 s).
    pub max_backoff: Duration,
    /// The longest `Retry-After` the client waits out (default 60 s). Longer: give up and say so.
    pub max_retry_after: Duration,
    /// Whether to randomise delays (default true; turn off for deterministic tests).
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The backoff before retry number `retry` (0-based), before jitter:
    /// `min(initial * 2^retry, max)`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(30));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// The outcome of one attempt, as the retry decision sees it.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// A response arrived.
    Response {
        /// Its status.
        status: StatusCode,
        /// Its headers (for `Retry-After`).
        headers: &'a HeaderMap,
    },
    /// A 2xx response arrived for a request that expects JSON, but its body is not a JSON
    /// document (truncated or garbled in transit).
    MalformedBody,
    /// No response arrived.
    Error {
        /// The error kind.
        kind: TransportErrorKind,
        /// Whether the request may have reached the server.
        send_state: SendState,
    },
}

/// What to do after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Return this outcome to the caller as it is.
    Return,
    /// Wait, then send again. `server_requested` is true when the delay came from `Retry-After`.
    Retry {
        /// How long to wait.
        delay: Duration,
        /// Whether the server asked for this delay.
        server_requested: bool,
    },
    /// Give up: the server asked to wait longer than the cap.
    RetryAfterTooLong(Duration),
    /// Give up and report that the outcome is unknown (non-idempotent request, ambiguous
    /// failure).
    OutcomeUnknown,
}

/// Why an outcome would be retried, before the attempt count and budget are considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Success or a definite failure: hand it back.
    Final,
    /// Safe to retry for any request: the server did not act (429, not sent).
    SafeForAll,
    /// Retry only when idempotent; for non-idempotent requests the outcome is unknown.
    Ambiguous,
    /// Never retried; final for idempotent requests, outcome unknown for the others (a
    /// redirect, or an answer too large to read).
    Unresolved,
    /// Retry only when idempotent; hand it back as it is otherwise (the caller decides what an
    /// unreadable answer means).
    Unreadable,
}

fn classify(outcome: &Outcome<'_>) -> Class {
    match outcome {
        Outcome::Response { status, .. } => match status.as_u16() {
            429 => Class::SafeForAll,
            408 | 500..=599 => Class::Ambiguous,
            300..=399 => Class::Unresolved,
            _ => Class::Final,
        },
        Outcome::MalformedBody => Class::Unreadable,
        Outcome::Error { kind, send_state } => match (kind, send_state) {
            (TransportErrorKind::InvalidRequest | TransportErrorKind::OutcomeUnknown, _) => {
                Class::Final
            }
            (TransportErrorKind::RetryAfterTooLong | TransportErrorKind::TotalTimeout, _) => {
                Class::Final
            }
            (TransportErrorKind::BodyTooLarge, _) => Class::Unresolved,
            (_, SendState::NotSent) => Class::SafeForAll,
            (_, SendState::MaybeSent) => Class::Ambiguous,
        },
    }
}

/// The longest delay [`parse_retry_after`] reports: anything longer is clamped to it. A server
/// asking for more than a day is, for a client, the same as asking for a day; the cap keeps the
/// arithmetic far from `Duration`'s limits.
pub const MAX_PARSED_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// Parses the server's requested delay: `retry-after-ms` (milliseconds), then `Retry-After`
/// (seconds, possibly fractional, or an HTTP-date).
///
/// Never panics: negative, non-finite and unparseable values are ignored, and huge ones
/// (`Retry-After: 1e20`) are clamped to [`MAX_PARSED_RETRY_AFTER`], which is longer than any
/// retry policy waits, so the caller reports "asked to wait too long" instead.
pub fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(d) = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .and_then(|ms| seconds_to_duration(ms / 1000.0))
    {
        return Some(d);
    }
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<f64>() {
        return seconds_to_duration(secs);
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_PARSED_RETRY_AFTER),
    )
}

/// A non-negative, finite number of seconds as a `Duration`, clamped to
/// [`MAX_PARSED_RETRY_AFTER`].
fn seconds_to_duration(secs: f64) -> Option<Duration> {
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    let secs = secs.min(MAX_PARSED_RETRY_AFTER.as_secs_f64());
    Some(Duration::try_from_secs_f64(secs).unwrap_or(MAX_PARSED_RETRY_AFTER))
}

/// The retry decision: a pure function of the policy, the request's idempotency class, the
/// number of retries already made, whether the budget allows another, and the outcome.
///
/// Rules (ringg-rs design principles 3 and 4):
/// - 2xx and other 4xx: return as is.
/// - 429, and errors proving the request was never sent (connection refused): retry for every
///   request, honouring `Retry-After` up to the cap.
/// - 408, 5xx, timeouts after sending, stalled bodies and resets: retry idempotent requests; for
///   non-idempotent ones report [`Decision::OutcomeUnknown`] at once.
/// - A 2xx whose body should be JSON and is not ([`Outcome::MalformedBody`]): read idempotent
///   requests again; hand the answer back for the others.
/// - A 3xx that the transport did not follow, and a body over the size limit: never retried;
///   for non-idempotent requests the outcome is unknown (the server may have acted).
/// - When retries or the budget run out, return the last outcome (non-idempotent ambiguous
///   outcomes are still reported as unknown).
pub fn decide(
    policy: &RetryPolicy,
    idempotency: Idempotency,
    retries_done: u32,
    budget_allows: bool,
    outcome: &Outcome<'_>,
    now: SystemTime,
) -> Decision {
    let class = classify(outcome);
    let non_idempotent = idempotency == Idempotency::NonIdempotent;
    match class {
        Class::Final => return Decision::Return,
        Class::Unresolved if non_idempotent => return Decision::OutcomeUnknown,
        Class::Unresolved => return Decision::Return,
        Class::Ambiguous if non_idempotent => return Decision::OutcomeUnknown,
        Class::Unreadable if non_idempotent => return Decision::Return,
        _ => {}
    }
    if retries_done >= policy.max_retries || !budget_allows {
        return Decision::Return;
    }
    if let Outcome::Response { headers, .. } = outcome
        && let Some(wait) = parse_retry_after(headers, now)
    {
        if wait > policy.max_retry_after {
            return Decision::RetryAfterTooLong(wait);
        }
        return Decision::Retry {
            delay: wait,
            server_requested: true,
        };
    }
    Decision::Retry {
        delay: policy.backoff(retries_done),
        server_requested: false,
    }
}

/// A retry budget shared by every clone of a client, so an outage does not multiply the load.
///
/// A token bucket: each retry costs one token; each first-attempt success returns a fraction of
/// one (`refill_per_success`), up to `capacity`.
#[derive(Debug, Clone)]
pub struct RetryBudget {
    inner: Arc<Mutex<BudgetState>>,
}

#[derive(Debug)]
struct BudgetState {
    tokens: f64,
    capacity: f64,
    refill_per_success: f64,
}

impl RetryBudget {
    /// A budget holding `capacity` retries, refilled by `refill_per_success` per success.
    pub fn new(capacity: u32, refill_per_success: f64) -> Self {
        Self {
            inner: Arc::new(Mutex::new(BudgetState {
                tokens: f64::from(capacity),
                capacity: f64::from(capacity),
                refill_per_success: refill_per_success.max(0.0),
            })),
        }
    }

    /// Takes one retry token; false when the budget is exhausted.
    pub fn try_withdraw(&self) -> bool {
        let mut s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if s.tokens >= 1.0 {
            s.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Whether a retry token is available (without taking it).
    pub fn has_tokens(&self) -> bool {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).tokens >= 1.0
    }

    /// Records a success, refilling the bucket a little.
    pub fn deposit(&self) {
        let mut s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        s.tokens = (s.tokens + s.refill_per_success).min(s.capacity);
    }

    /// Tokens left (whole retries).
    pub fn remaining(&self) -> u32 {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).tokens as u32
    }
}

impl Default for RetryBudget {
    /// 100 retries, refilled by 0.1 per successful request.
    fn default() -> Self {
        Self::new(100, 0.1)
    }
}

/// Layer adding [`Retry`].
#[derive(Debug, Clone, Default)]
pub struct RetryLayer {
    policy: RetryPolicy,
    budget: RetryBudget,
}

impl RetryLayer {
    /// A retry layer with the given policy and a fresh default budget.
    pub fn new(policy: RetryPolicy) -> Self {
        Self {
            policy,
            budget: RetryBudget::default(),
        }
    }

    /// Uses the given (shared) budget.
    pub fn with_budget(mut self, budget: RetryBudget) -> Self {
        self.budget = budget;
        self
    }
}

impl<S> Layer<S> for RetryLayer {
    type Service = Retry<S>;
    fn layer(&self, inner: S) -> Retry<S> {
        Retry {
            inner,
            policy: Arc::new(self.policy.clone()),
            budget: self.budget.clone(),
        }
    }
}

/// Retries requests according to [`decide`]. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct Retry<S> {
    inner: S,
    policy: Arc<RetryPolicy>,
    budget: RetryBudget,
}

impl<S> Service<ApiRequest> for Retry<S>
where
    S: Service<ApiRequest, Response = ApiResponse, Error = TransportError> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    api_service_types!(ready);

    fn call(&mut self, request: ApiRequest) -> Self::Future {
        let inner = self.inner.clone();
        let policy = self.policy.clone();
        let budget = self.budget.clone();
        Box::pin(run(inner, policy, budget, request))
    }
}

async fn run<S>(
    inner: S,
    policy: Arc<RetryPolicy>,
    budget: RetryBudget,
    request: ApiRequest,
) -> Result<ApiResponse, TransportError>
where
    S: Service<ApiRequest, Response = ApiResponse, Error = TransportError> + Clone,
{
    let operation = request.operation;
    let idempotency = request.idempotency;
    let request_id = request.request_id;
    let policy = policy_for(&policy, request.limits.max_retries);
    let policy: &RetryPolicy = &policy;
    let mut retries = 0u32;
    loop {
        let attempt = attempt_request(&request, retries);
        let result = inner.clone().oneshot(attempt).await;
        let outcome = match &result {
            Ok(resp) if request.expect_json && resp.status.is_success() && !is_json(&resp.body) => {
                Outcome::MalformedBody
            }
            Ok(resp) => Outcome::Response {
                status: resp.status,
                headers: &resp.headers,
            },
            Err(e) => Outcome::Error {
                kind: e.kind(),
                send_state: e.send_state(),
            },
        };
        let decision = decide(
            policy,
            idempotency,
            retries,
            budget.has_tokens(),
            &outcome,
            SystemTime::now(),
        );
        let attempts = retries + 1;
        match decision {
            Decision::Return => {
                if retries == 0
                    && matches!(outcome, Outcome::Response { status, .. } if status.is_success())
                {
                    budget.deposit();
                }
                return result.map_err(|e| {
                    e.with_attempts(attempts)
                        .with_operation(operation)
                        .with_request_id(request_id)
                });
            }
            Decision::OutcomeUnknown => {
                let err = match result {
                    Ok(resp) => TransportError::new(
                        TransportErrorKind::Other,
                        SendState::MaybeSent,
                        format!("server answered {}", resp.status),
                    )
                    .with_response(resp),
                    Err(e) => e,
                };
                return Err(err
                    .into_outcome_unknown()
                    .with_attempts(attempts)
                    .with_operation(operation)
                    .with_request_id(request_id));
            }
            Decision::RetryAfterTooLong(wait) => {
                let mut err = TransportError::new(
                    TransportErrorKind::RetryAfterTooLong,
                    SendState::NotSent,
                    format!(
                        "the server asked to retry after {:.1} s, longer than the {:.0} s this client waits; try again later",
                        wait.as_secs_f64(),
                        policy.max_retry_after.as_secs_f64()
                    ),
                )
                .with_retry_after(wait)
                .with_attempts(attempts)
                .with_operation(operation)
                .with_request_id(request_id);
                if let Ok(resp) = result {
                    err = err.with_response(resp);
                }
                return Err(err);
            }
            Decision::Retry {
                delay,
                server_requested,
            } => {
                if !budget.try_withdraw() {
                    return result.map_err(|e| {
                        e.with_attempts(attempts)
                            .with_operation(operation)
                            .with_request_id(request_id)
                    });
                }
                let delay = if server_requested || !policy.jitter {
                    delay
                } else {
                    jittered(delay)
                };
                tracing::debug!(
                    operation,
                    retry = retries + 1,
                    delay_ms = delay.as_millis() as u64,
                    "retrying request"
                );
                let until = Instant::now() + delay;
                tokio::time::sleep_until(until.into()).await;
                retries += 1;
            }
        }
    }
}

/// The policy for one request: its own retry count, when it sets one, replaces the policy's.
fn policy_for(
    policy: &Arc<RetryPolicy>,
    max_retries: Option<u32>,
) -> std::borrow::Cow<'_, RetryPolicy> {
    match max_retries {
        Some(n) if n != policy.max_retries => std::borrow::Cow::Owned(RetryPolicy {
            max_retries: n,
            ..(**policy).clone()
        }),
        _ => std::borrow::Cow::Borrowed(&**policy),
    }
}

/// The copy of `request` sent as attempt `retries + 1`. The first attempt carries no attempt
/// header: only a retry says which one it is.
fn attempt_request(request: &ApiRequest, retries: u32) -> ApiRequest {
    let mut attempt = request.clone();
    if retries > 0 {
        attempt
            .headers
            .insert(ATTEMPT_HEADER, attempt_header_value(retries));
    }
    attempt
}

/// Whether `body` is one well-formed JSON document (checked without building it).
fn is_json(body: &[u8]) -> bool {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde::de::IgnoredAny::deserialize(&mut de).is_ok() && de.end().is_ok()
}

/// The attempt header's value, without allocating for the common small counts.
fn attempt_header_value(retries: u32) -> HeaderValue {
    const SMALL: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    match SMALL.get(retries as usize) {
        Some(s) => HeaderValue::from_static(s),
        None => HeaderValue::from(retries),
    }
}

/// A random delay in `[d/2, d]`.
fn jittered(d: Duration) -> Duration {
    let f: f64 = rand::random_range(0.5..=1.0);
    d.mul_f64(f)
}

#[cfg(test)]
mod tests;
