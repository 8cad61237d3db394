//! [`MemoryJournal`]: a journal that lives as long as its process.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;
use ringg_types::ids::{AgentId, ListId};

use crate::journal::entry::{CallEntry, JournalError, LaunchEntry, LaunchKey, SavedSubscriptions};
use crate::journal::store::{Journal, same_launch_record};

/// A [`Journal`] in memory: it survives nothing, but gives one process (a test, a worker
/// talking to a simulator that ends with it) the same pending/settle API as a durable one.
#[derive(Debug, Default)]
pub struct MemoryJournal {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    calls: BTreeMap<String, CallEntry>,
    launches: BTreeMap<String, LaunchEntry>,
    subscriptions: BTreeMap<String, SavedSubscriptions>,
}

impl MemoryJournal {
    /// An empty journal.
    pub fn new() -> Self {
        Self::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.inner.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Records `entry` unless an earlier call stops it (`CallIntent::stopped_by`: one pending,
    /// or with `since` one placed since then), in one step under the lock; returns that call.
    fn put_unless(
        &self,
        entry: &CallEntry,
        since: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Option<CallEntry> {
        self.with(|i| {
            let same: Vec<CallEntry> = i
                .calls
                .values()
                .filter(|e| entry.intent.may_be_stopped_by(&e.intent))
                .cloned()
                .collect();
            let earlier = entry.intent.stopped_by(same, since);
            if earlier.is_none() {
                i.calls
                    .insert(entry.intent.reference.clone(), entry.clone());
            }
            earlier
        })
    }
}

#[async_trait]
impl Journal for MemoryJournal {
    async fn put_call(&self, entry: &CallEntry) -> Result<(), JournalError> {
        self.with(|i| {
            i.calls
                .insert(entry.intent.reference.clone(), entry.clone())
        });
        Ok(())
    }

    async fn put_call_unless_pending(
        &self,
        entry: &CallEntry,
    ) -> Result<Option<CallEntry>, JournalError> {
        Ok(self.put_unless(entry, None))
    }

    async fn put_call_unless_called(
        &self,
        entry: &CallEntry,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<CallEntry>, JournalError> {
        Ok(self.put_unless(entry, Some(since)))
    }

    async fn put_call_if_unchanged(
        &self,
        entry: &CallEntry,
        seen: &CallEntry,
    ) -> Result<bool, JournalError> {
        Ok(self.with(|i| {
            let current = i.calls.get(&entry.intent.reference);
            let unchanged = current.is_some_and(|c| c.is_same_record(seen));
            if unchanged {
                i.calls
                    .insert(entry.intent.reference.clone(), entry.clone());
            }
            unchanged
        }))
    }

    async fn call(&self, reference: &str) -> Result<Option<CallEntry>, JournalError> {
        Ok(self.with(|i| i.calls.get(reference).cloned()))
    }

    async fn pending_calls(&self) -> Result<Vec<CallEntry>, JournalError> {
        let mut v: Vec<CallEntry> = self.with(|i| {
            i.calls
                .values()
                .filter(|e| !e.is_settled())
                .cloned()
                .collect()
        });
        v.sort_by_key(|e| e.intent.recorded_at);
        Ok(v)
    }

    async fn calls_since(
        &self,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<CallEntry>, JournalError> {
        let mut v: Vec<CallEntry> = self.with(|i| {
            i.calls
                .values()
                .filter(|e| e.intent.recorded_at >= since)
                .cloned()
                .collect()
        });
        v.sort_by_key(|e| e.intent.recorded_at);
        Ok(v)
    }

    async fn put_launch(&self, entry: &LaunchEntry) -> Result<(), JournalError> {
        self.with(|i| i.launches.insert(entry.key.to_key_string(), entry.clone()));
        Ok(())
    }

    async fn put_launch_if_unchanged(
        &self,
        entry: &LaunchEntry,
        seen: Option<&LaunchEntry>,
    ) -> Result<bool, JournalError> {
        Ok(self.with(|i| {
            let key = entry.key.to_key_string();
            let unchanged = same_launch_record(i.launches.get(&key), seen);
            if unchanged {
                i.launches.insert(key, entry.clone());
            }
            unchanged
        }))
    }

    async fn launch(&self, key: &LaunchKey) -> Result<Option<LaunchEntry>, JournalError> {
        Ok(self.with(|i| i.launches.get(&key.to_key_string()).cloned()))
    }

    async fn launch_for_list(&self, list_id: &ListId) -> Result<Option<LaunchEntry>, JournalError> {
        Ok(self.with(|i| {
            i.launches
                .values()
                .filter(|e| e.list_id.as_ref() == Some(list_id))
                .max_by_key(|e| e.updated_at)
                .cloned()
        }))
    }

    async fn pending_launches(&self) -> Result<Vec<LaunchEntry>, JournalError> {
        let mut v: Vec<LaunchEntry> = self.with(|i| {
            i.launches
                .values()
                .filter(|e| !e.stage.is_settled())
                .cloned()
                .collect()
        });
        v.sort_by_key(|e| e.recorded_at);
        Ok(v)
    }

    async fn save_subscriptions(&self, saved: &SavedSubscriptions) -> Result<bool, JournalError> {
        Ok(self.with(|i| {
            let key = saved.agent_id.to_string();
            match i.subscriptions.entry(key) {
                std::collections::btree_map::Entry::Occupied(_) => false,
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(saved.clone());
                    true
                }
            }
        }))
    }

    async fn saved_subscriptions(&self) -> Result<Vec<SavedSubscriptions>, JournalError> {
        Ok(self.with(|i| i.subscriptions.values().cloned().collect()))
    }

    async fn forget_subscriptions(&self, agent_id: &AgentId) -> Result<(), JournalError> {
        self.with(|i| i.subscriptions.remove(agent_id.as_str()));
        Ok(())
    }
}
