//! The subscription events a printing `webhooks listen` answered 500 because their line could
//! not be written in time (stdout not read), so that Ringg's next attempt of one is held (answered
//! 200, its event kept on disk until its line is written) instead of refused again: Ringg makes
//! four attempts over about three minutes and then drops the event, so refusing each of them
//! would lose it while the output stays blocked. Kept in this process's memory: an attempt that
//! reaches another `listen` (or this one restarted) is refused once more there.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ringg_webhooks::DedupeKey;

/// How many refused events are remembered before the old ones are forgotten.
const REMEMBERED: usize = 10_000;

/// How long a refusal is remembered: longer than Ringg's retries last (10 s, 1 min and 2 min
/// after the attempts before, each attempt waited for up to 30 s).
const REMEMBERED_FOR: Duration = Duration::from_secs(15 * 60);

/// The events refused, by dedupe key, and when.
#[derive(Default)]
pub(super) struct RefusedBefore(Mutex<HashMap<DedupeKey, Instant>>);

impl RefusedBefore {
    /// Remembers that the event `key` names was answered 500.
    pub(super) fn note(&self, key: DedupeKey) {
        let mut refused = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if refused.len() >= REMEMBERED {
            refused.retain(|_, at| at.elapsed() < REMEMBERED_FOR);
            // Still full: the oldest tenth goes, the refusals Ringg is least likely to retry.
            if refused.len() >= REMEMBERED {
                let mut times: Vec<Instant> = refused.values().copied().collect();
                let (_, cut, _) = times.select_nth_unstable(REMEMBERED / 10);
                let cut = *cut;
                refused.retain(|_, at| *at > cut);
            }
        }
        refused.insert(key, Instant::now());
    }

    /// Whether the event `key` names was answered 500 within [`REMEMBERED_FOR`].
    pub(super) fn contains(&self, key: &DedupeKey) -> bool {
        let refused = self.0.lock().unwrap_or_else(|p| p.into_inner());
        refused
            .get(key)
            .is_some_and(|at| at.elapsed() < REMEMBERED_FOR)
    }

    /// Forgets the event `key` names: an attempt of it was handed over.
    pub(super) fn forget(&self, key: &DedupeKey) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: usize) -> DedupeKey {
        DedupeKey::new(&format!("call-{i}"), "call_completed", None)
    }

    /// Full of refusals none of which has expired: the oldest go, not all of them, and the
    /// newest are still remembered.
    #[test]
    fn a_full_memory_forgets_the_oldest_refusals_only() {
        let refused = RefusedBefore::default();
        for i in 0..REMEMBERED {
            refused.note(key(i));
        }
        refused.note(key(REMEMBERED));
        let held = refused.0.lock().unwrap().len();
        assert!((REMEMBERED * 8 / 10..=REMEMBERED).contains(&held), "{held}");
        assert!(refused.contains(&key(REMEMBERED)));
        assert!(refused.contains(&key(REMEMBERED - 1)));
        assert!(!refused.contains(&key(0)));
        refused.forget(&key(REMEMBERED));
        assert!(!refused.contains(&key(REMEMBERED)));
    }
}
