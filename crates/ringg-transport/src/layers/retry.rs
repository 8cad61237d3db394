//! The retry layer: safe-retry rules per idempotency class, exponential backoff with jitter,
//! `Retry-After` support, a shared retry budget and an attempt header.
//!
//! The decision is the pure function [`decide`]; the layer only carries it out.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use tokio::time::Instant;
use tower::{Layer, Service, ServiceExt};

use crate::error::{SendState, TransportError, TransportErrorKind};
pub use crate::layers::budget::RetryBudget;
pub use crate::layers::retry_after::{MAX_PARSED_RETRY_AFTER, parse_retry_after};
use crate::layers::timeout::{bound_request, deadline_after};
use crate::request::{ApiRequest, ApiResponse, BodyCheck, Idempotency, RequestId, is_json};

/// The header carrying the retry number, on retries only (`1` on the first retry; the first
/// attempt carries none).
pub const ATTEMPT_HEADER: &str = "x-ringg-retry-count";
/// [`ATTEMPT_HEADER`] as a header name.
const ATTEMPT_HEADER_NAME: HeaderName = HeaderName::from_static(ATTEMPT_HEADER);

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
        Box::pin(async move {
            run(&policy, &budget, request, None, move |attempt, _| {
                inner.clone().oneshot(attempt)
            })
            .await
        })
    }
}

/// Carries out [`decide`] for `request`: `send` sends one attempt (given the request, with the
/// attempt header on retries, and the retry number) and the outcome decides what follows. The
/// waits between attempts end at the request's [`deadline`](crate::RequestLimits::deadline),
/// if it has one. Used by [`Retry`] and by the standard stack.
///
/// `total`, when given, bounds the request from the moment the future is first polled (not
/// when it is made: a future made early and awaited later does not spend its time waiting).
///
/// The future holds the request once, and between attempts only the wait.
pub(crate) fn run<'a, F, Fut>(
    policy: &'a RetryPolicy,
    budget: &'a RetryBudget,
    request: ApiRequest,
    total: Option<Duration>,
    mut send: F,
) -> impl Future<Output = Result<ApiResponse, TransportError>> + 'a
where
    F: FnMut(ApiRequest, u32) -> Fut + 'a,
    Fut: Future<Output = Result<ApiResponse, TransportError>> + 'a,
{
    let mut ctx = Context::of(&request);
    let policy = policy_for(policy, request.limits.max_retries);
    let mut held = Some(request);
    async move {
        if let (Some(total), Some(request)) = (total, held.as_mut()) {
            ctx.deadline = Some(bound_request(request, total));
        }
        let mut retries = 0u32;
        loop {
            // The attempt is made in a block that ends before it is awaited, so the future
            // keeps no slot for the request beside the attempt's own.
            let result = {
                // The last attempt the policy allows takes the request itself; earlier ones a
                // copy (cheap: the path is usually static and the body shared bytes).
                let attempt = if retries >= policy.max_retries {
                    held.take()
                } else {
                    held.clone()
                };
                let Some(mut attempt) = attempt else {
                    // Only the last attempt takes the request, and `next_step` retries none
                    // after it.
                    return Err(ctx.finish(
                        TransportError::new(
                            TransportErrorKind::Other,
                            SendState::NotSent,
                            "no request left to send again",
                        ),
                        retries,
                    ));
                };
                if retries > 0 {
                    attempt
                        .headers
                        .insert(ATTEMPT_HEADER_NAME, attempt_header_value(retries));
                }
                send(attempt, retries)
            }
            .await;
            let until = match next_step(&ctx, &policy, budget, retries, result, held.is_some()) {
                Step::Return(result) => return result,
                Step::Wait(until) => until,
            };
            tokio::time::sleep_until(until).await;
            retries += 1;
        }
    }
}

/// What the retry loop does after an attempt.
enum Step {
    /// Hand this back.
    Return(Result<ApiResponse, TransportError>),
    /// Wait until then (before the request's deadline), then send again.
    Wait(Instant),
}

/// Applies [`decide`] to the outcome of attempt `retries + 1`; `can_resend` is false when the
/// request was handed to that attempt (the policy's last).
fn next_step(
    ctx: &Context,
    policy: &RetryPolicy,
    budget: &RetryBudget,
    retries: u32,
    result: Result<ApiResponse, TransportError>,
    can_resend: bool,
) -> Step {
    let outcome = match &result {
        Ok(resp) if resp.status.is_success() => {
            let readable = match &ctx.body_check {
                Some(check) => check.readable(&resp.body),
                None => !ctx.expect_json || is_json(&resp.body),
            };
            if readable {
                // The common case: no retry decision, no clock read.
                if retries == 0 {
                    budget.deposit();
                }
                return Step::Return(result);
            }
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
        ctx.idempotency,
        retries,
        budget.has_tokens(),
        &outcome,
        SystemTime::now(),
    );
    let attempts = retries + 1;
    match decision {
        Decision::Return => Step::Return(result.map_err(|e| ctx.finish(e, attempts))),
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
            Step::Return(Err(ctx.finish(err.into_outcome_unknown(), attempts)))
        }
        Decision::RetryAfterTooLong(wait) => {
            let mut err = TransportError::new(
                TransportErrorKind::RetryAfterTooLong,
                SendState::NotSent,
                format!(
                    "the server asked to retry after {:.1} s, longer than the {:.0} s this client waits",
                    wait.as_secs_f64(),
                    policy.max_retry_after.as_secs_f64()
                ),
            )
            .with_retry_after(wait);
            if let Ok(resp) = result {
                err = err.with_response(resp);
            }
            Step::Return(Err(ctx.finish(err, attempts)))
        }
        Decision::Retry {
            delay,
            server_requested,
        } => {
            let delay = if server_requested || !policy.jitter {
                delay
            } else {
                jittered(delay)
            };
            // A retry that could only start after the request's deadline is not waited for:
            // the last outcome is the answer (a wait cut short by the deadline would only turn
            // it into a timeout, and a call never sent into one that may have been placed).
            let until = deadline_after(delay);
            let out_of_time = ctx.deadline.is_some_and(|d| d <= until);
            // `decide` never retries past the policy's last attempt, which kept no copy.
            if out_of_time || !can_resend || !budget.try_withdraw() {
                return Step::Return(result.map_err(|e| ctx.finish(e, attempts)));
            }
            tracing::debug!(
                operation = ctx.operation,
                ringg.request_id = %ctx.request_id,
                retry = attempts,
                delay_ms = delay.as_millis() as u64,
                "retrying request"
            );
            Step::Wait(until)
        }
    }
}

/// What the retry loop keeps of a request for its errors and decisions.
struct Context {
    operation: &'static str,
    idempotency: Idempotency,
    request_id: RequestId,
    expect_json: bool,
    body_check: Option<Arc<dyn BodyCheck>>,
    deadline: Option<tokio::time::Instant>,
}

impl Context {
    fn of(request: &ApiRequest) -> Self {
        Self {
            operation: request.operation,
            idempotency: request.idempotency,
            request_id: request.request_id,
            expect_json: request.expect_json,
            body_check: request.body_check.clone(),
            deadline: request.limits.deadline,
        }
    }

    /// The error handed back after `attempts` attempts: with the attempt count, the operation
    /// and the request id, and, for a request that may have been carried out when its total
    /// time ran out, reported as of unknown outcome.
    fn finish(&self, err: TransportError, attempts: u32) -> TransportError {
        // A request the deadline stopped may have been carried out, unless it was never sent.
        let err = if err.kind() == TransportErrorKind::TotalTimeout
            && err.send_state() != SendState::NotSent
            && self.idempotency == Idempotency::NonIdempotent
        {
            err.into_outcome_unknown()
        } else {
            err
        };
        err.with_attempts(attempts)
            .with_operation(self.operation)
            .with_request_id(self.request_id)
    }
}

/// The policy for one request: its own retry count, when it sets one, replaces the policy's.
fn policy_for(policy: &RetryPolicy, max_retries: Option<u32>) -> std::borrow::Cow<'_, RetryPolicy> {
    match max_retries {
        Some(n) if n != policy.max_retries => std::borrow::Cow::Owned(RetryPolicy {
            max_retries: n,
            ..policy.clone()
        }),
        _ => std::borrow::Cow::Borrowed(policy),
    }
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
