//! Dedupe of repeated deliveries.
//!
//! Ringg retries a delivery that was not answered with 200 (immediately, then after 10 s, 1 min
//! and 2 min), and a delivery whose 200 got lost on the way back is sent again too. A receiver
//! therefore remembers which events it has handed over and acknowledges a repeat without handing
//! it over a second time.
//!
//! The key is `(call_id, event_type)`, plus, for `call_completed` (which fires once per call
//! **attempt**), what tells the attempt apart: the final `status` of the attempt that ended the
//! call; for a `retry` attempt its `retry_count`, or, when the payload has none (the newest
//! examples carry none), its `called_on` (with its `call_sid`), or else its `call_sid` (which
//! Ringg may keep for every attempt of a call) and a canonical digest of its body, or else that
//! digest alone. `call_started`, `call_ringing` and `call_ongoing`, which each attempt
//! sends again, add the attempt's `retry_count`, or else its `call_sid` and `called_on` (those
//! present). The recording and the analyses add the attempt's `retry_count` when the payload
//! carries it; `all_processing_completed` nothing, since its copy rebuilt from history
//! (`webhooks replay`) must key as its original; a type not known here its `retry_count` and
//! a canonical digest of its body (it may be sent once per attempt or change). An
//! `event_type` in another case (`CALL_COMPLETED`) keys as the documented type. A per-call
//! callback delivery (no
//! `event_type`) is keyed by its call id, its `data.status`, its `data.retry` and a digest of
//! what its `data` holds, so each status change, and a later delivery of it that brings the
//! recording or the analysis, is handed over once. A delivery whose event type could not
//! be read (a partial event) is keyed by its call id and a canonical digest of its body, so two
//! different such deliveries about one call are two events; so is one with a blank `call_id`.
//! Events without a `call_id` have no key and are always handed over.
//!
//! Where nothing in the payload tells two deliveries apart, the body does, written canonically
//! (keys sorted, `null` fields left out): a retry sends the same body, in whatever key order,
//! so it is one event. Two bodies that differ only in a `null` against a missing field, or in
//! digits beyond 64-bit integers (read as `f64`), are taken for one.

mod attempt;
mod digest;
mod of_event;
#[cfg(any(feature = "redis", feature = "sqlite"))]
pub(crate) mod tokens;

use std::collections::{HashMap, VecDeque};
use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use async_trait::async_trait;

/// The identity of one event for dedupe purposes.
///
/// Its string form is stable, so a shared store (Redis, SQL) can use it as its key:
/// `call_id` `|` `event_type`, then
/// - for `call_completed`: `|status=S` when the call ended; for a `retry` attempt
///   `|retry_count=N`, else `|call_sid=SID|called_on=T` (the `call_sid` when present), else
///   `|call_sid=SID|status=retry|body~=` and a SHA-256 prefix of the body written canonically
///   (keys sorted, `null` fields left out), else `|status=retry|body~=` (`|body~=` without a
///   status) and that prefix (`body=` and the body as received for a mended body);
/// - for `call_started`, `call_ringing` and `call_ongoing`, which each attempt sends again:
///   `|retry_count=N`, else `|call_sid=SID|called_on=T` (those present), else nothing more;
/// - for `all_processing_completed`: nothing more; for the recording and the analyses
///   `|retry_count=N` when the payload carries it; for a type not known here the same, then
///   `|body~=` and the canonical prefix;
/// - for a callback delivery: `|status=S`, `|retry=N` when present, then `|data=` and a
///   SHA-256 prefix of its `data` written canonically (keys sorted, `null` fields left out);
///
/// and `call_id` `||body~=` and the canonical prefix of the body when the event type could not
/// be read (`|` `event_type` `|body~=…` when the `call_id` is blank).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DedupeKey(Arc<str>);

/// What tells two `call_completed` deliveries of one call apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Attempt<'a> {
    /// The attempt number (`retry_count`, 0 on the first attempt).
    RetryCount(u32),
    /// The attempt's `status` (`retry`, `failed`, `completed`, ...), used when the payload has
    /// no `retry_count`.
    Status(&'a str),
    /// What the dial of a `retry` attempt whose payload has no `retry_count` carries: its
    /// `call_sid` (the telephony provider's id of the call) and its `called_on` (when it was
    /// dialled); at least one of them.
    Dial {
        /// `call_sid`.
        call_sid: Option<&'a str>,
        /// `called_on`, as written.
        called_on: Option<&'a str>,
    },
    /// A per-call callback delivery: its `data.status` and `data.retry`. Each status change
    /// is an event of its own.
    Callback {
        /// `data.status`.
        status: Option<&'a str>,
        /// `data.retry`.
        retry: Option<u32>,
    },
}

impl DedupeKey {
    /// The key of an event of type `event_type` about call `call_id`, with `attempt` for
    /// `call_completed` events.
    pub fn new(call_id: &str, event_type: &str, attempt: Option<Attempt<'_>>) -> Self {
        let key = match attempt {
            None => format!("{call_id}|{event_type}"),
            Some(Attempt::RetryCount(n)) => format!("{call_id}|{event_type}|retry_count={n}"),
            Some(Attempt::Status(s)) => format!("{call_id}|{event_type}|status={s}"),
            Some(Attempt::Dial {
                call_sid,
                called_on,
            }) => {
                let mut key = format!("{call_id}|{event_type}");
                for (name, value) in [("call_sid", call_sid), ("called_on", called_on)] {
                    if let Some(value) = value {
                        let _ = write!(key, "|{name}={value}"); // writing to a String cannot fail
                    }
                }
                key
            }
            Some(Attempt::Callback { status, retry }) => {
                let mut key = format!("{call_id}|{event_type}|status={}", status.unwrap_or(""));
                if let Some(retry) = retry {
                    key.push_str(&format!("|retry={retry}"));
                }
                key
            }
        };
        Self(Arc::from(key))
    }

    /// The stable string form of the key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DedupeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DedupeKey").field(&&*self.0).finish()
    }
}

impl fmt::Display for DedupeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A failure of a [`DedupeStore`] (for example its database is unreachable).
///
/// The receiver answers such a delivery with 503 and hands nothing over, so Ringg retries it;
/// a per-call callback or a campaign's notice, which Ringg never sends again, is handed over
/// without the duplicate check instead.
#[derive(Debug, thiserror::Error)]
#[error("dedupe store failed: {source}")]
pub struct DedupeStoreError {
    #[source]
    source: Box<dyn std::error::Error + Send + Sync>,
    unreachable: bool,
}

impl DedupeStoreError {
    /// Wraps the store's own error.
    pub fn new(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self {
            source: source.into(),
            unreachable: false,
        }
    }

    /// Wraps the store's own error when the store could not be reached (down, or no answer
    /// in time), which may pass, unlike a refusal of its configuration (a wrong password).
    pub fn unreachable(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self {
            source: source.into(),
            unreachable: true,
        }
    }

    /// True when the store could not be reached ([`unreachable`](Self::unreachable)).
    pub fn is_unreachable(&self) -> bool {
        self.unreachable
    }
}

/// Remembers which events were handed over.
///
/// Implement it over a shared database when several receiver processes sit behind one URL;
/// [`MemoryDedupeStore`] is the in-process default.
///
/// ```
/// use async_trait::async_trait;
/// use ringg_webhooks::{DedupeKey, DedupeStore, DedupeStoreError};
///
/// /// A store that never dedupes (every delivery is handed over).
/// struct NoDedupe;
///
/// #[async_trait]
/// impl DedupeStore for NoDedupe {
///     async fn check_and_insert(&self, _key: &DedupeKey) -> Result<bool, DedupeStoreError> {
///         Ok(true)
///     }
///     async fn remove(&self, _key: &DedupeKey) -> Result<(), DedupeStoreError> {
///         Ok(())
///     }
/// }
/// ```
#[async_trait]
pub trait DedupeStore: Send + Sync + 'static {
    /// Records `key` and returns `true` when it was not recorded yet (the event is new and is
    /// handed over), `false` when it was (the delivery is a duplicate and is acknowledged only).
    ///
    /// Must be atomic: of two concurrent calls with the same key, exactly one returns `true`.
    async fn check_and_insert(&self, key: &DedupeKey) -> Result<bool, DedupeStoreError>;

    /// Forgets `key`. The receiver calls it when the handler failed, so that Ringg's retry of
    /// the same event is handed over again. A store shared by several receivers should forget
    /// only a claim this store made: after its lease ran out, another receiver may have
    /// claimed the key and handed the event over (the built-in Redis and SQLite stores keep
    /// the token of each claim they made and check it).
    async fn remove(&self, key: &DedupeKey) -> Result<(), DedupeStoreError>;

    /// Claims `key` for handing over, telling a key being handled right now apart from one
    /// handed over already. The receiver uses this (not
    /// [`check_and_insert`](Self::check_and_insert)) and answers [`Claim::InFlight`] with 503, so Ringg retries later instead of taking a 200
    /// for an event that may still fail. The default maps `check_and_insert`: `true` is
    /// [`Claim::New`], `false` is [`Claim::Done`]. It cannot tell an event being handled from
    /// one handed over, so a retry that overtakes a slow first attempt is acknowledged, and
    /// lost if that attempt's handler then fails: a store should implement `claim` and
    /// [`confirm`](Self::confirm), as the built-in ones do.
    async fn claim(&self, key: &DedupeKey) -> Result<Claim, DedupeStoreError> {
        Ok(if self.check_and_insert(key).await? {
            Claim::New
        } else {
            Claim::Done
        })
    }

    /// Looks `key` up without claiming it: [`Claim::New`] when it is not recorded (or its
    /// pending claim's lease ran out), [`Claim::Done`] when it was handed over,
    /// [`Claim::InFlight`] while a claim of it is being handled. The receiver asks it about the
    /// delivery a rebuilt event (`webhooks replay`) stands in for, which it does not hand over
    /// itself. The default claims the key and, when it was new, forgets it again, so a
    /// delivery of that key arriving in between meets the claim: answered 503 where the store
    /// implements [`claim`](Self::claim) (Ringg retries it, except after its last attempt), and
    /// acknowledged as a duplicate, never handed over, where it relies on the default `claim`
    /// (which records the key as handed over). A store should implement `peek` as a plain
    /// read, as the built-in ones do.
    async fn peek(&self, key: &DedupeKey) -> Result<Claim, DedupeStoreError> {
        let claim = self.claim(key).await?;
        if claim == Claim::New {
            self.remove(key).await?;
        }
        Ok(claim)
    }

    /// Marks a claimed key as handed over. The receiver calls it once the handler succeeded.
    /// A store that survives restarts keeps claims pending until then, so that a claim left by
    /// a process that died mid-handler expires instead of hiding Ringg's retry for good. The
    /// default does nothing.
    async fn confirm(&self, _key: &DedupeKey) -> Result<(), DedupeStoreError> {
        Ok(())
    }

    /// Starts a pending claim's lease again from now, for a handler that is still at work on
    /// its event and will finish it, past the lease ([`MemoryDedupeStore::PENDING_LEASE`] for
    /// the built-in stores): Ringg's retries meanwhile stay [`Claim::InFlight`] instead of
    /// being handed over a second time. A key handed over already, not claimed, or whose
    /// lease has run out (Ringg's retry may have been handed over since) is left as it is.
    /// The receiver does not call it (a handler that hangs must not hold its event from
    /// Ringg's retries for good); a handler that knows its work goes on does, at intervals
    /// shorter than the lease. The default does nothing, so the claim expires after its lease.
    /// The built-in shared stores renew only claims they made: call it on the store the
    /// receiver was given (an `Arc` clone of it), not on another instance over the same
    /// database.
    async fn renew(&self, _key: &DedupeKey) -> Result<(), DedupeStoreError> {
        Ok(())
    }
}

/// The answer of [`DedupeStore::claim`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Claim {
    /// Not seen before (or its pending claim expired): hand it over.
    New,
    /// Handed over already: acknowledge the repeat.
    Done,
    /// Being handled right now (by this or another process): ask Ringg to retry later.
    InFlight,
}

#[async_trait]
impl<S: DedupeStore + ?Sized> DedupeStore for Arc<S> {
    async fn check_and_insert(&self, key: &DedupeKey) -> Result<bool, DedupeStoreError> {
        (**self).check_and_insert(key).await
    }

    async fn remove(&self, key: &DedupeKey) -> Result<(), DedupeStoreError> {
        (**self).remove(key).await
    }

    async fn claim(&self, key: &DedupeKey) -> Result<Claim, DedupeStoreError> {
        (**self).claim(key).await
    }

    async fn peek(&self, key: &DedupeKey) -> Result<Claim, DedupeStoreError> {
        (**self).peek(key).await
    }

    async fn confirm(&self, key: &DedupeKey) -> Result<(), DedupeStoreError> {
        (**self).confirm(key).await
    }

    async fn renew(&self, key: &DedupeKey) -> Result<(), DedupeStoreError> {
        (**self).renew(key).await
    }
}

/// An in-memory, bounded [`DedupeStore`]: keys expire after a TTL and the oldest keys are
/// dropped beyond a capacity.
///
/// Defaults: [`MemoryDedupeStore::DEFAULT_TTL`] (24 hours, far beyond Ringg's last retry about
/// 3 minutes after the first attempt) and [`MemoryDedupeStore::DEFAULT_MAX_KEYS`] (100,000 keys,
/// a few tens of MiB at most). Inserting, checking and forgetting are O(1) amortized: keys are
/// kept in insertion order, which is also expiry order, so eviction pops from the front.
///
/// A claim stays pending while its handler runs: a delivery of the same event meanwhile (a
/// retry that overtook a slow first attempt) is [`Claim::InFlight`], which the receiver answers
/// with 503 so that Ringg retries later, instead of a 200 for an event whose handler may still
/// fail. A pending claim never confirmed nor removed (its task was dropped) is freed after
/// [`PENDING_LEASE`](Self::PENDING_LEASE).
///
/// The store lives in one process: it forgets everything on restart and is not shared between
/// replicas. When a key is evicted early because the capacity is reached, a later duplicate of
/// that event is handed over again.
pub struct MemoryDedupeStore {
    ttl: Duration,
    max_keys: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Live keys → the generation of their entry in `order`, and their pending claim.
    live: HashMap<Arc<str>, Live>,
    /// Entries in insertion order; an entry whose generation differs from `live`'s is stale
    /// (its key was forgotten or inserted again later).
    order: VecDeque<Entry>,
    next_generation: u64,
}

struct Entry {
    key: Arc<str>,
    inserted: Instant,
    generation: u64,
}

/// A live key.
#[derive(Clone, Copy)]
struct Live {
    generation: u64,
    /// When its pending claim was made; `None` once confirmed (or inserted as handed over).
    pending_since: Option<Instant>,
    /// Claims of the key whose handlers are still at work: a claim whose lease ran out, then
    /// the claim of Ringg's retry, make two.
    at_work: u32,
    /// Whether a claim's handler confirmed the key (not `check_and_insert`'s insertion).
    confirmed: bool,
}

/// How long a claim stays pending before it is freed as one of a handler that never finished
/// (its task dropped, its process dead): longer than Ringg's 30 s per delivery, shorter than
/// the 50 s between its second and third attempts (§3.5, delays counted from the first), so a
/// dead process's claim is free for the next attempt. Every store uses it.
pub(crate) const PENDING_LEASE: Duration = Duration::from_secs(45);

impl MemoryDedupeStore {
    /// The default time a key is remembered: 24 hours.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(24 * 60 * 60);
    /// The default maximum number of keys: 100,000.
    pub const DEFAULT_MAX_KEYS: usize = 100_000;
    /// How long a claim stays pending before it is freed as the claim of a handler that never
    /// finished (45 s).
    pub const PENDING_LEASE: Duration = PENDING_LEASE;

    /// A store with the default TTL and capacity.
    pub fn new() -> Self {
        Self::with_limits(Self::DEFAULT_TTL, Self::DEFAULT_MAX_KEYS)
    }

    /// A store that remembers keys for `ttl` and holds at most `max_keys` keys (at least 1).
    pub fn with_limits(ttl: Duration, max_keys: usize) -> Self {
        Self {
            ttl,
            max_keys: max_keys.max(1),
            inner: Mutex::new(Inner::default()),
        }
    }

    /// The TTL of a key.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The maximum number of keys held.
    pub fn max_keys(&self) -> usize {
        self.max_keys
    }

    /// The number of keys held now (expired keys not yet evicted are counted).
    pub fn len(&self) -> usize {
        self.lock().live.len()
    }

    /// True when no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The critical sections cannot leave the maps inconsistent mid-way in a way that matters
        // for dedupe, so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn check_and_insert_at(&self, key: &DedupeKey, now: Instant) -> bool {
        let mut inner = self.lock();
        inner.evict_expired(now, self.ttl);
        if inner.live.contains_key(&key.0) {
            return false;
        }
        self.insert(&mut inner, key, now, None);
        true
    }

    fn claim_at(&self, key: &DedupeKey, now: Instant) -> Claim {
        let mut inner = self.lock();
        inner.evict_expired(now, self.ttl);
        let mut at_work = 0;
        if let Some(l) = inner.live.get(&key.0) {
            match l.pending_since {
                None => return Claim::Done,
                Some(since) if now.saturating_duration_since(since) < PENDING_LEASE => {
                    return Claim::InFlight;
                }
                // A claim whose lease ran out: claimed anew, its handler may still finish.
                Some(_) => at_work = l.at_work,
            }
        }
        self.insert(&mut inner, key, now, Some(now));
        if let Some(live) = inner.live.get_mut(&key.0) {
            live.at_work = at_work + 1;
        }
        Claim::New
    }

    fn peek_at(&self, key: &DedupeKey, now: Instant) -> Claim {
        let mut inner = self.lock();
        inner.evict_expired(now, self.ttl);
        match inner.live.get(&key.0).map(|l| l.pending_since) {
            None => Claim::New,
            Some(None) => Claim::Done,
            Some(Some(since)) if now.saturating_duration_since(since) < PENDING_LEASE => {
                Claim::InFlight
            }
            Some(Some(_)) => Claim::New,
        }
    }

    fn renew_at(&self, key: &DedupeKey, now: Instant) {
        if let Some(Live {
            pending_since: Some(since),
            ..
        }) = self.lock().live.get_mut(&key.0)
            && now.saturating_duration_since(*since) < PENDING_LEASE
        {
            *since = now;
        }
    }

    /// Marks `key` handed over by one of its claims (recorded anew if it was evicted since).
    fn confirm_now(&self, key: &DedupeKey) {
        let mut inner = self.lock();
        if !inner.live.contains_key(&key.0) {
            self.insert(&mut inner, key, Instant::now(), None);
        }
        if let Some(live) = inner.live.get_mut(&key.0) {
            live.pending_since = None;
            live.at_work = live.at_work.saturating_sub(1);
            live.confirmed = true;
        }
    }

    /// Forgets `key` after a handler failed, unless a claim's handler handed it over already or
    /// another claim of it is still at work (that one decides).
    fn remove_now(&self, key: &DedupeKey) {
        let mut inner = self.lock();
        if let Some(live) = inner.live.get_mut(&key.0) {
            if live.confirmed || live.at_work > 1 {
                live.at_work = live.at_work.saturating_sub(1);
                return;
            }
            inner.live.remove(&key.0);
        }
    }

    /// Records `key` as inserted at `now` (replacing an entry it had).
    fn insert(&self, inner: &mut Inner, key: &DedupeKey, now: Instant, pending: Option<Instant>) {
        let generation = inner.next_generation;
        inner.next_generation += 1;
        inner.live.insert(
            key.0.clone(),
            Live {
                generation,
                pending_since: pending,
                at_work: 0,
                confirmed: false,
            },
        );
        inner.order.push_back(Entry {
            key: key.0.clone(),
            inserted: now,
            generation,
        });
        while inner.live.len() > self.max_keys {
            inner.pop_front();
        }
        // Forgotten keys leave stale entries behind; drop them once they outnumber the live
        // ones, which keeps `order` bounded at O(1) amortized cost per operation.
        if inner.order.len() > 2 * self.max_keys.max(inner.live.len()) + 16 {
            let Inner { live, order, .. } = &mut *inner;
            order.retain(|e| live.get(&e.key).map(|l| l.generation) == Some(e.generation));
        }
    }
}

impl Inner {
    fn evict_expired(&mut self, now: Instant, ttl: Duration) {
        while let Some(front) = self.order.front() {
            if now.saturating_duration_since(front.inserted) < ttl {
                break;
            }
            self.pop_front();
        }
    }

    fn pop_front(&mut self) {
        if let Some(entry) = self.order.pop_front()
            && self.live.get(&entry.key).map(|l| l.generation) == Some(entry.generation)
        {
            self.live.remove(&entry.key);
        }
    }
}

impl Default for MemoryDedupeStore {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryDedupeStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryDedupeStore")
            .field("ttl", &self.ttl)
            .field("max_keys", &self.max_keys)
            .field("len", &self.len())
            .finish()
    }
}

#[async_trait]
impl DedupeStore for MemoryDedupeStore {
    async fn check_and_insert(&self, key: &DedupeKey) -> Result<bool, DedupeStoreError> {
        Ok(self.check_and_insert_at(key, Instant::now()))
    }

    async fn remove(&self, key: &DedupeKey) -> Result<(), DedupeStoreError> {
        self.remove_now(key);
        Ok(())
    }

    async fn claim(&self, key: &DedupeKey) -> Result<Claim, DedupeStoreError> {
        Ok(self.claim_at(key, Instant::now()))
    }

    async fn peek(&self, key: &DedupeKey) -> Result<Claim, DedupeStoreError> {
        Ok(self.peek_at(key, Instant::now()))
    }

    async fn confirm(&self, key: &DedupeKey) -> Result<(), DedupeStoreError> {
        self.confirm_now(key);
        Ok(())
    }

    async fn renew(&self, key: &DedupeKey) -> Result<(), DedupeStoreError> {
        self.renew_at(key, Instant::now());
        Ok(())
    }
}

#[cfg(test)]
mod tests;
