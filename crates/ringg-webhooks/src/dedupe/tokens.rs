//! The tokens of the claims one shared store made: what lets `confirm`, `remove` and `renew`
//! act on a claim this store made, and not on a claim another receiver made of the same key
//! after this one's lease ran out.
//!
//! The trait names a claim by its key only, so a store that claimed one key twice (the first
//! claim's lease ran out and Ringg's retry reached the same process) cannot tell which of its
//! two handlers calls. It holds every token it issued for the key and judges by all of them:
//! `confirm` marks the key done while it holds any of them (either handler handed the event
//! over), and `remove` forgets the key only when no other claim of this store is still at work
//! on it (the other handler may yet hand the event over).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The tokens of this store's claims still at work, by store key.
#[derive(Default)]
pub(crate) struct ClaimTokens {
    live: Mutex<HashMap<String, Vec<(u64, Instant)>>>,
}

/// What this store held for a key when one of its claims ended.
pub(crate) struct Ended {
    /// Every token this store held for the key, the ended claim's included.
    pub(crate) tokens: Vec<u64>,
    /// Whether no other claim of this store is at work on the key.
    pub(crate) last: bool,
}

/// Past this many keys held, tokens older than [`STALE_AFTER`] are dropped (their claims have
/// lapsed long since, unless renewed all that time).
const PRUNE_ABOVE: usize = 10_000;
const STALE_AFTER: Duration = Duration::from_secs(3600);

impl ClaimTokens {
    /// A token no other claim, of any store or process, is likely to carry: 64 random bits
    /// of a version-4 UUID.
    pub(crate) fn issue(&self) -> u64 {
        uuid::Uuid::new_v4().as_u64_pair().0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<(u64, Instant)>>> {
        self.live.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records `token` as the one of a claim of `key` this store made.
    pub(crate) fn hold(&self, key: &str, token: u64) {
        let mut live = self.lock();
        if live.len() >= PRUNE_ABOVE {
            let now = Instant::now();
            live.retain(|_, held| {
                held.retain(|(_, at)| now.saturating_duration_since(*at) < STALE_AFTER);
                !held.is_empty()
            });
        }
        live.entry(key.to_owned())
            .or_default()
            .push((token, Instant::now()));
    }

    /// One claim of `key` ended (confirmed or removed): its oldest token is forgotten, and all
    /// of them are returned. `None` when this store holds no claim of `key`.
    pub(crate) fn end(&self, key: &str) -> Option<Ended> {
        let mut live = self.lock();
        let held = live.get_mut(key)?;
        let tokens = held.iter().map(|(t, _)| *t).collect();
        held.remove(0);
        let last = held.is_empty();
        if last {
            live.remove(key);
        }
        Some(Ended { tokens, last })
    }

    /// Every token of this store's claims of `key` (a claim being renewed), marked fresh.
    pub(crate) fn renewing(&self, key: &str) -> Vec<u64> {
        let mut live = self.lock();
        let Some(held) = live.get_mut(key) else {
            return Vec::new();
        };
        let now = Instant::now();
        held.iter_mut()
            .map(|(t, at)| {
                *at = now;
                *t
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_distinct_and_every_claim_of_a_key_is_held() {
        let tokens = ClaimTokens::default();
        let (a, b) = (tokens.issue(), tokens.issue());
        assert_ne!(a, b);
        assert_ne!(ClaimTokens::default().issue(), a);
        tokens.hold("k", a);
        tokens.hold("k", b);
        assert_eq!(tokens.renewing("k"), vec![a, b]);
        let first = tokens.end("k").unwrap();
        assert_eq!((first.tokens, first.last), (vec![a, b], false));
        let second = tokens.end("k").unwrap();
        assert_eq!((second.tokens, second.last), (vec![b], true));
        assert!(tokens.end("k").is_none());
        assert!(tokens.renewing("k").is_empty());
    }
}
