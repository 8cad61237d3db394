//! The retry budget: a token bucket shared by every clone of a client.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Tokens are kept in millionths, so the bucket is one atomic and never locked.
const ONE: u64 = 1_000_000;

/// A retry budget shared by every clone of a client, so an outage does not multiply the load.
///
/// A token bucket: each retry costs one token; each first-attempt success returns a fraction of
/// one (`refill_per_success`), up to `capacity`.
#[derive(Debug, Clone)]
pub struct RetryBudget {
    inner: Arc<BudgetState>,
}

#[derive(Debug)]
struct BudgetState {
    /// Tokens left, in millionths.
    tokens: AtomicU64,
    /// The most tokens held, in millionths.
    capacity: u64,
    /// Added per success, in millionths.
    refill: u64,
}

impl RetryBudget {
    /// A budget holding `capacity` retries, refilled by `refill_per_success` per success
    /// (counted in millionths of a retry).
    pub fn new(capacity: u32, refill_per_success: f64) -> Self {
        let capacity = u64::from(capacity) * ONE;
        // `as` saturates (and maps NaN to 0), so any f64 gives a sane refill.
        let refill = (refill_per_success.max(0.0) * ONE as f64).round() as u64;
        Self {
            inner: Arc::new(BudgetState {
                tokens: AtomicU64::new(capacity),
                capacity,
                refill,
            }),
        }
    }

    /// Takes one retry token; false when the budget is exhausted.
    pub fn try_withdraw(&self) -> bool {
        self.inner
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(ONE))
            .is_ok()
    }

    /// Whether a retry token is available (without taking it).
    pub fn has_tokens(&self) -> bool {
        self.inner.tokens.load(Ordering::Acquire) >= ONE
    }

    /// Records a success, refilling the bucket a little. A full bucket costs one atomic load.
    pub fn deposit(&self) {
        let s = &*self.inner;
        if s.refill == 0 || s.tokens.load(Ordering::Relaxed) >= s.capacity {
            return;
        }
        let _ = s
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                Some(t.saturating_add(s.refill).min(s.capacity))
            });
    }

    /// Tokens left (whole retries).
    pub fn remaining(&self) -> u32 {
        u32::try_from(self.inner.tokens.load(Ordering::Acquire) / ONE).unwrap_or(u32::MAX)
    }
}

impl Default for RetryBudget {
    /// 100 retries, refilled by 0.1 per successful request.
    fn default() -> Self {
        Self::new(100, 0.1)
    }
}
