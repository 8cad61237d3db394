//! A printed event's claim in the dedupe store, renewed while the writer is blocked writing its
//! line, so that Ringg's retries meanwhile are answered 503 (in flight) instead of being
//! printed a second time.

use std::sync::Arc;
use std::time::Duration;

use ringg_webhooks::{DedupeKey, DedupeStore, MemoryDedupeStore};
use tokio::sync::oneshot;

/// How often a delivery whose line the writer took (and may be blocked writing) renews its
/// dedupe claim while it waits for the write: well within the claim's lease, so Ringg's
/// retries meanwhile are answered 503 (in flight) instead of being printed a second time.
const RENEW_EVERY: Duration =
    Duration::from_millis(MemoryDedupeStore::PENDING_LEASE.as_millis() as u64 / 3);

/// A delivery's claim in the dedupe store, renewed while its line is being written.
pub(super) struct Claim {
    pub(super) store: Arc<dyn DedupeStore>,
    pub(super) key: DedupeKey,
}

/// Whether the line the writer took was written (`false` when the writer is gone), renewing
/// `claim` every [`RENEW_EVERY`] until then.
pub(super) async fn written_renewing(
    mut written: oneshot::Receiver<()>,
    claim: Option<Claim>,
) -> bool {
    loop {
        if let Ok(outcome) = tokio::time::timeout(RENEW_EVERY, &mut written).await {
            return outcome.is_ok();
        }
        if let Some(Claim { store, key }) = &claim
            && let Err(e) = store.renew(key).await
        {
            crate::term::err_line(format!(
                "warning: could not renew the dedupe claim of an event being printed ({e}); if it lapses, Ringg's retry is printed again"
            ));
        }
    }
}
