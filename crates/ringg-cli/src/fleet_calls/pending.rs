//! The calls not settled across a fleet: those the fleet's pending set names, merged with
//! the local journal's, and another machine's entry read again as its recipient's key holds
//! it now.

use std::sync::PoisonError;

use ringg_api::journal::{CallEntry, JournalError};

use super::FleetJournal;
use super::values::{entry_of, stops_a_call};

impl FleetJournal {
    /// The calls not settled that the fleet's pending set names; keys gone meanwhile (evicted,
    /// or deleted by another version) are taken out of it.
    pub(super) async fn fleet_pending_calls(&self) -> Result<Vec<CallEntry>, String> {
        let mut conn = self.connection().await?;
        let keys: Vec<String> = Self::run(
            redis::cmd("SMEMBERS")
                .arg(&self.call_pending)
                .query_async(&mut conn),
        )
        .await?;
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let values: Vec<Option<String>> =
            Self::run(redis::cmd("MGET").arg(&keys).query_async(&mut conn)).await?;
        let mut gone = Vec::new();
        let mut pending = Vec::new();
        for (key, value) in keys.iter().zip(values) {
            match value.as_deref().map(entry_of) {
                None => gone.push(key),
                Some(Some(entry)) if !entry.is_settled() => pending.push(entry),
                Some(_) => {}
            }
        }
        if !gone.is_empty() {
            let mut invocation = self.tidy.key(&self.call_pending);
            invocation.arg(gone);
            if let Err(why) = Self::run(invocation.invoke_async::<i64>(&mut conn)).await {
                // Tidied on a later read; what was read stands.
                tracing::debug!("the fleet's pending set was not tidied: {why}");
            }
        }
        Ok(pending)
    }

    /// `local` with the entries of `fleet` it does not hold, oldest first. An entry the local
    /// journal holds as settled (its outcome was not written to Redis then) is written now,
    /// and not returned.
    pub(super) async fn merge_pending(
        &self,
        mut local: Vec<CallEntry>,
        fleet: Vec<CallEntry>,
    ) -> Result<Vec<CallEntry>, JournalError> {
        for entry in fleet {
            let reference = entry.intent.reference.clone();
            if local.iter().any(|l| l.intent.reference == reference) {
                continue;
            }
            match self.local.call(&reference).await? {
                Some(settled) if settled.is_settled() => {
                    if let Err(why) = self.follow(&settled, stops_a_call(&settled)).await {
                        tracing::warn!("{}", self.unwritten(why));
                    }
                }
                _ => {
                    // Its machine's clock may run behind this one's.
                    let entry = entry.with_clock_slack();
                    self.seen
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(reference, entry.clone());
                    local.push(entry);
                }
            }
        }
        local.sort_by(|a, b| {
            (a.intent.recorded_at, &a.intent.reference)
                .cmp(&(b.intent.recorded_at, &b.intent.reference))
        });
        Ok(local)
    }

    /// `seen` (another machine's entry) as its recipient's key holds it now, while the key
    /// still holds that call; `seen` itself when it does not, or Redis cannot be asked.
    pub(super) async fn as_recorded_now(&self, seen: CallEntry) -> CallEntry {
        let now = match self.connection().await {
            Ok(mut conn) => Self::run(
                redis::cmd("GET")
                    .arg(self.key(&seen.intent))
                    .query_async::<Option<String>>(&mut conn),
            )
            .await
            .ok()
            .flatten(),
            Err(_) => None,
        };
        match now.as_deref().and_then(entry_of) {
            Some(entry) if entry.intent.reference == seen.intent.reference => {
                if entry.is_settled() {
                    entry
                } else {
                    entry.with_clock_slack()
                }
            }
            _ => seen,
        }
    }

    /// An entry of another process this journal has seen (refused a call for, or listed).
    pub(super) fn seen_entry(&self, reference: &str) -> Option<CallEntry> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(reference)
            .cloned()
    }
}
