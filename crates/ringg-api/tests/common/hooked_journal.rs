//! A memory journal with hooks, for tests that need a journal's timing to be unlucky: a write
//! that waits (another process holding the file's lock), or reads that meet.

use std::sync::Arc;

use async_trait::async_trait;
use futures::future::BoxFuture;
use ringg_api::journal::{
    CallEntry, Journal, JournalError, LaunchEntry, LaunchKey, MemoryJournal, SavedSubscriptions,
};
use ringg_api::types::{AgentId, ListId};

/// Something a hooked journal awaits at its hook.
pub(crate) type Hook = Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync>;

/// A [`MemoryJournal`] that awaits `before_write` before each write of a call or launch entry,
/// and `after_pending_launches` after reading the pending launches (before answering); with
/// `calls_shown_once`, a call entry is found by the first read only (as the fleet's journal
/// shows another machine's entry only while it is pending).
#[derive(Default)]
pub(crate) struct HookedJournal {
    pub(crate) inner: MemoryJournal,
    pub(crate) before_write: Option<Hook>,
    pub(crate) after_pending_launches: Option<Hook>,
    pub(crate) calls_shown_once: bool,
    pub(crate) calls_read: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for HookedJournal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HookedJournal").finish_non_exhaustive()
    }
}

async fn run(hook: Option<&Hook>) {
    if let Some(hook) = hook {
        hook().await;
    }
}

#[async_trait]
impl Journal for HookedJournal {
    async fn put_call(&self, entry: &CallEntry) -> Result<(), JournalError> {
        run(self.before_write.as_ref()).await;
        self.inner.put_call(entry).await
    }
    async fn put_call_unless_pending(
        &self,
        entry: &CallEntry,
    ) -> Result<Option<CallEntry>, JournalError> {
        run(self.before_write.as_ref()).await;
        self.inner.put_call_unless_pending(entry).await
    }
    async fn call(&self, reference: &str) -> Result<Option<CallEntry>, JournalError> {
        let read = self
            .calls_read
            .swap(true, std::sync::atomic::Ordering::SeqCst);
        if self.calls_shown_once && read {
            return Ok(None);
        }
        self.inner.call(reference).await
    }
    async fn pending_calls(&self) -> Result<Vec<CallEntry>, JournalError> {
        self.inner.pending_calls().await
    }
    async fn put_launch(&self, entry: &LaunchEntry) -> Result<(), JournalError> {
        run(self.before_write.as_ref()).await;
        self.inner.put_launch(entry).await
    }
    async fn put_launch_if_unchanged(
        &self,
        entry: &LaunchEntry,
        seen: Option<&LaunchEntry>,
    ) -> Result<bool, JournalError> {
        run(self.before_write.as_ref()).await;
        self.inner.put_launch_if_unchanged(entry, seen).await
    }
    async fn launch(&self, key: &LaunchKey) -> Result<Option<LaunchEntry>, JournalError> {
        self.inner.launch(key).await
    }
    async fn launch_for_list(&self, list: &ListId) -> Result<Option<LaunchEntry>, JournalError> {
        self.inner.launch_for_list(list).await
    }
    async fn pending_launches(&self) -> Result<Vec<LaunchEntry>, JournalError> {
        let pending = self.inner.pending_launches().await;
        run(self.after_pending_launches.as_ref()).await;
        pending
    }
    async fn save_subscriptions(&self, saved: &SavedSubscriptions) -> Result<bool, JournalError> {
        self.inner.save_subscriptions(saved).await
    }
    async fn saved_subscriptions(&self) -> Result<Vec<SavedSubscriptions>, JournalError> {
        self.inner.saved_subscriptions().await
    }
    async fn forget_subscriptions(&self, agent_id: &AgentId) -> Result<(), JournalError> {
        self.inner.forget_subscriptions(agent_id).await
    }
}
