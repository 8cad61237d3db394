//! Whether a command's listing of the calls not settled read the fleet's (see
//! `fleet_calls.rs`), shared by the command and its journal.

use std::sync::{Arc, Mutex, PoisonError};

/// Why the fleet journal's last listing of the calls not settled had this machine's only
/// (Redis could not be asked), so a command that lists or settles them does not say the fleet's
/// are settled. Shared by the command and its journal; empty without a fleet.
#[derive(Clone, Debug, Default)]
pub(crate) struct FleetReads(Arc<Mutex<Option<String>>>);

impl FleetReads {
    /// The last listing read the fleet's calls (`None`), or not, and why.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    pub(crate) fn set(&self, unread: Option<String>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = unread;
    }

    /// Why the last listing could not read the fleet's calls; `None` when it did, or when
    /// there is no fleet.
    pub(crate) fn unread(&self) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
