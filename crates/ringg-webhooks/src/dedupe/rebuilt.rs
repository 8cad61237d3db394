//! The keys of rebuilt events (`webhooks replay`), apart from those of the deliveries they
//! stand in for.

use std::sync::Arc;

use ringg_types::webhook::WebhookEvent;

use super::DedupeKey;

impl DedupeKey {
    /// The key a delivery is claimed under and, for a rebuilt event
    /// ([`WebhookEvent::is_rebuilt`]), the key of the delivery it stands in for.
    pub(crate) fn for_delivery(event: &WebhookEvent) -> Option<(Self, Option<Self>)> {
        let original = Self::for_original(event)?;
        Some(if event.is_rebuilt() {
            let rebuilt = Self(Arc::from(format!("{}|rebuilt", original.0)));
            (rebuilt, Some(original))
        } else {
            (original, None)
        })
    }
}
