//! The [`Journal`] trait: where a client writes down what it is about to do.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ringg_types::ids::{AgentId, ListId};

use crate::journal::entry::{CallEntry, JournalError, LaunchEntry, LaunchKey, SavedSubscriptions};

/// Where a client writes down what it is about to do (see the [module docs](crate::journal)).
///
/// Implementations must make a write durable before returning (the request it guards is sent
/// right after). A journal holds the entries of one scope (one server and workspace, see
/// [`journal_scope`](crate::journal::journal_scope)): a durable one is opened for a scope and never shows another's entries.
/// A journal may be shared by several clients and processes of the same scope.
#[async_trait]
pub trait Journal: Send + Sync + fmt::Debug {
    /// Records (or replaces) a call initiation, keyed by its client reference.
    async fn put_call(&self, entry: &CallEntry) -> Result<(), JournalError>;

    /// Records a new call initiation unless one to the same recipient for the same assistant
    /// (or one under the same client reference, to anyone) is pending: then writes nothing and
    /// returns that one. The built-in journals check and
    /// write in one step (one transaction for the SQLite journal), so of two processes
    /// recording the same recipient at once, one gets the other's entry. The default checks
    /// [`pending_calls`](Self::pending_calls), then writes: a journal shared by processes
    /// should override it.
    async fn put_call_unless_pending(
        &self,
        entry: &CallEntry,
    ) -> Result<Option<CallEntry>, JournalError> {
        if let Some(pending) = self
            .pending_calls()
            .await?
            .into_iter()
            .find(|p| entry.intent.may_be_stopped_by(&p.intent))
        {
            return Ok(Some(pending));
        }
        self.put_call(entry).await.map(|()| None)
    }

    /// Records a new call initiation unless one to the same recipient for the same assistant
    /// (or one under the same client reference) is pending, or was placed and recorded at or
    /// after `since`: then writes nothing and
    /// returns that one (a pending one first). The built-in journals check and write in one
    /// step, as [`put_call_unless_pending`](Self::put_call_unless_pending) does. The default
    /// looks for a placed one in [`calls_since`](Self::calls_since), then hands over to
    /// `put_call_unless_pending` (as atomic as the journal makes it): a journal shared by
    /// processes should override it.
    async fn put_call_unless_called(
        &self,
        entry: &CallEntry,
        since: DateTime<Utc>,
    ) -> Result<Option<CallEntry>, JournalError> {
        let calls = self.calls_since(since).await?;
        if let Some(earlier) = entry.intent.stopped_by(calls, Some(since)) {
            return Ok(Some(earlier));
        }
        self.put_call_unless_pending(entry).await
    }

    /// Records `entry` only if its initiation's record is still `seen`, as
    /// [`CallEntry::is_same_record`] compares them, and returns whether it wrote. Settling a
    /// pending initiation writes this way, so that an outcome its sender (or another
    /// settlement) recorded while the history was searched is not overwritten with what a
    /// search begun before it concluded. The built-in journals compare and write in one step
    /// (one transaction for the SQLite journal). The default reads, then writes: a journal
    /// shared by processes should override it.
    async fn put_call_if_unchanged(
        &self,
        entry: &CallEntry,
        seen: &CallEntry,
    ) -> Result<bool, JournalError> {
        let current = self.call(&entry.intent.reference).await?;
        if !current.is_some_and(|c| c.is_same_record(seen)) {
            return Ok(false);
        }
        self.put_call(entry).await.map(|()| true)
    }

    /// The call initiation with this client reference, if recorded.
    async fn call(&self, reference: &str) -> Result<Option<CallEntry>, JournalError>;

    /// The call initiations without a known outcome, oldest first.
    async fn pending_calls(&self) -> Result<Vec<CallEntry>, JournalError>;

    /// The call initiations recorded at or after `since`, settled or not, oldest first: what
    /// was begun lately (`ringg calls create` refuses to call someone again who was called a
    /// moment ago). The built-in journals keep settled entries and return them too. The
    /// default returns the [`pending_calls`](Self::pending_calls) recorded since then, for a
    /// journal that keeps nothing else: one that keeps settled entries should override it.
    async fn calls_since(&self, since: DateTime<Utc>) -> Result<Vec<CallEntry>, JournalError> {
        let mut calls = self.pending_calls().await?;
        calls.retain(|c| c.intent.recorded_at >= since);
        Ok(calls)
    }

    /// Records (or replaces) a launch, keyed by its [`LaunchKey`].
    async fn put_launch(&self, entry: &LaunchEntry) -> Result<(), JournalError>;

    /// Records `entry` only if its launch's record is still `seen` (`None`: no record yet),
    /// as [`LaunchEntry::is_same_record`] compares them, and returns whether it wrote. A run of
    /// a launch writes each step this way, so that of two runs of one launch that read the
    /// same record, one goes on and the other learns that it was overtaken before it sends
    /// anything. The built-in journals compare and write in one step (one transaction for the
    /// SQLite journal). The default reads, then writes: a journal shared by processes should
    /// override it.
    async fn put_launch_if_unchanged(
        &self,
        entry: &LaunchEntry,
        seen: Option<&LaunchEntry>,
    ) -> Result<bool, JournalError> {
        let current = self.launch(&entry.key).await?;
        if !same_launch_record(current.as_ref(), seen) {
            return Ok(false);
        }
        self.put_launch(entry).await.map(|()| true)
    }

    /// The launch with this key, if recorded.
    async fn launch(&self, key: &LaunchKey) -> Result<Option<LaunchEntry>, JournalError>;

    /// The launch of this list, if recorded.
    async fn launch_for_list(&self, list_id: &ListId) -> Result<Option<LaunchEntry>, JournalError>;

    /// The launches that are not settled, oldest first.
    async fn pending_launches(&self) -> Result<Vec<LaunchEntry>, JournalError>;

    /// Saves an assistant's subscriptions to put back later, unless some are saved already
    /// for it (the oldest saved state is the one to restore). Returns whether it saved.
    async fn save_subscriptions(&self, saved: &SavedSubscriptions) -> Result<bool, JournalError>;

    /// Every assistant's saved subscriptions.
    async fn saved_subscriptions(&self) -> Result<Vec<SavedSubscriptions>, JournalError>;

    /// Forgets an assistant's saved subscriptions (once they are put back).
    async fn forget_subscriptions(&self, agent_id: &AgentId) -> Result<(), JournalError>;
}

/// True when the record there is (`current`) is the one a run read (`seen`); both `None`
/// when the launch had no record and still has none.
pub(crate) fn same_launch_record(
    current: Option<&LaunchEntry>,
    seen: Option<&LaunchEntry>,
) -> bool {
    match (current, seen) {
        (None, None) => true,
        (Some(c), Some(s)) => c.is_same_record(s),
        _ => false,
    }
}
