//! The tokens of the claims one shared store made: what lets `confirm`, `remove` and `renew`
//! act on the claim this process made, and not on a claim another receiver made of the same
//! key after this one's lease ran out.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The tokens of this store's live claims, by store key.
#[derive(Default)]
pub(crate) struct ClaimTokens {
    live: Mutex<HashMap<String, (u64, Instant)>>,
    issued: AtomicU64,
    seed: std::collections::hash_map::RandomState,
}

/// Past this many tokens held, those older than [`STALE_AFTER`] are dropped (their claims
/// have lapsed anyway, unless renewed all that time).
const PRUNE_ABOVE: usize = 10_000;
const STALE_AFTER: Duration = Duration::from_secs(3600);

impl ClaimTokens {
    /// A token unlikely to be issued by any other process or store: this process's random
    /// hasher keys over a counter and the time.
    pub(crate) fn issue(&self) -> u64 {
        let mut h = self.seed.build_hasher();
        h.write_u64(self.issued.fetch_add(1, Ordering::Relaxed));
        h.write_u128(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos(),
        );
        h.write_u32(std::process::id());
        // Never 0, so a token is never taken for a missing one.
        h.finish().max(1)
    }

    /// Records `token` as the one of this store's claim of `key`.
    pub(crate) fn hold(&self, key: &str, token: u64) {
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        if live.len() >= PRUNE_ABOVE {
            let now = Instant::now();
            live.retain(|_, (_, at)| now.saturating_duration_since(*at) < STALE_AFTER);
        }
        live.insert(key.to_owned(), (token, Instant::now()));
    }

    /// The token of this store's claim of `key`, forgotten (the claim is being confirmed or
    /// removed).
    pub(crate) fn release(&self, key: &str) -> Option<u64> {
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.remove(key).map(|(token, _)| token)
    }

    /// The token of this store's claim of `key`, kept (the claim is being renewed).
    pub(crate) fn get(&self, key: &str) -> Option<u64> {
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.get_mut(key).map(|(token, at)| {
            *at = Instant::now();
            *token
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_distinct_and_held_per_key() {
        let tokens = ClaimTokens::default();
        let (a, b) = (tokens.issue(), tokens.issue());
        assert_ne!(a, b);
        assert_ne!(ClaimTokens::default().issue(), a);
        tokens.hold("k", a);
        assert_eq!(tokens.get("k"), Some(a));
        assert_eq!(tokens.release("k"), Some(a));
        assert_eq!(tokens.release("k"), None);
    }
}
