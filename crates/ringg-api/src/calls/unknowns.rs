//! The ambiguous failures of a client without a journal: when each call initiation whose
//! outcome is unknown failed, so that [`Calls::reconcile`](super::Calls::reconcile) on the
//! same client waits from then, as it does from a journal entry.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};

/// The most failures kept; the oldest is forgotten first.
const KEPT: usize = 4096;

/// When recent call initiations of this client failed with an unknown outcome, by reference.
#[derive(Debug, Default)]
pub(crate) struct RecentUnknowns {
    inner: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    at: HashMap<String, DateTime<Utc>>,
    order: VecDeque<String>,
}

impl RecentUnknowns {
    /// Records that the initiation with `reference` failed with an unknown outcome now.
    pub(crate) fn record(&self, reference: &str) {
        let mut kept = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.at.insert(reference.to_owned(), Utc::now()).is_none() {
            kept.order.push_back(reference.to_owned());
        }
        while kept.order.len() > KEPT {
            if let Some(oldest) = kept.order.pop_front() {
                kept.at.remove(&oldest);
            }
        }
    }

    /// When the initiation with `reference` last failed with an unknown outcome, if it did on
    /// this client recently.
    pub(crate) fn failed_at(&self, reference: &str) -> Option<DateTime<Utc>> {
        let kept = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        kept.at.get(reference).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_latest_failure_and_forgets_the_oldest() {
        let kept = RecentUnknowns::default();
        kept.record("rr-a");
        let first = kept.failed_at("rr-a").unwrap();
        kept.record("rr-a");
        assert!(kept.failed_at("rr-a").unwrap() >= first);
        for i in 0..KEPT {
            kept.record(&format!("rr-{i}"));
        }
        assert_eq!(kept.failed_at("rr-a"), None, "the oldest is forgotten");
        assert!(kept.failed_at(&format!("rr-{}", KEPT - 1)).is_some());
    }
}
