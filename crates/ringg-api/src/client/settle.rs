//! How long a client waits before it rules out what an earlier request may still do, and the
//! wait it records with the journal entries of the requests it sends.

use std::time::Duration;

use crate::client::{Client, TRANSFER_ATTEMPT_TIMEOUT};

impl Client {
    /// See [`ClientBuilder::settle_after`].
    pub(crate) fn settle_after(&self) -> Duration {
        self.inner
            .settle_after
            .unwrap_or(self.inner.attempt_timeout)
    }

    /// [`settle_after`](Self::settle_after) for a launch's upload and start: the same, except
    /// that without a total timeout it covers an upload's longer attempt.
    pub(crate) fn transfer_settle_after(&self) -> Duration {
        let transfer = self.inner.attempt_timeout.max(TRANSFER_ATTEMPT_TIMEOUT);
        self.inner.settle_after.unwrap_or(transfer)
    }

    /// The wait before ruling out what a journal entry's call initiation may still do: the
    /// longer of this client's own [`settle_after`](Self::settle_after) and the wait its
    /// sender `recorded` (the own one alone with [`ClientBuilder::ignore_recorded_waits`]).
    pub(crate) fn settle_wait(&self, recorded: Option<Duration>) -> Duration {
        self.wait_with(self.settle_after(), recorded)
    }

    /// [`settle_wait`](Self::settle_wait) for a launch's upload and start.
    pub(crate) fn transfer_settle_wait(&self, recorded: Option<Duration>) -> Duration {
        self.wait_with(self.transfer_settle_after(), recorded)
    }

    fn wait_with(&self, own: Duration, recorded: Option<Duration>) -> Duration {
        match recorded {
            Some(r) if !self.inner.ignore_recorded_waits => own.max(r),
            _ => own,
        }
    }

    /// The wait to record with a journal entry of a call initiation this client sends: its
    /// [`settle_after`](Self::settle_after), or longer while the request itself may still be
    /// waited on (the total timeout, else the attempt timeout; a scoped view's longer ones).
    pub(crate) fn recorded_wait(&self) -> Duration {
        self.recorded(self.settle_after(), self.inner.attempt_timeout)
    }

    /// [`recorded_wait`](Self::recorded_wait) for a launch's upload and start.
    pub(crate) fn recorded_transfer_wait(&self) -> Duration {
        let attempt = self.inner.attempt_timeout.max(TRANSFER_ATTEMPT_TIMEOUT);
        self.recorded(self.transfer_settle_after(), attempt)
    }

    fn recorded(&self, own: Duration, attempt: Duration) -> Duration {
        let scoped = self.scope().and_then(|s| s.options.longest_timeout());
        own.max(self.inner.total_timeout.unwrap_or(attempt))
            .max(scoped.unwrap_or_default())
    }
}
