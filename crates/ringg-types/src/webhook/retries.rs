//! Which deliveries Ringg sends again after a failed answer.

use crate::webhook::callback::CALLBACK_EVENT_TYPE;
use crate::webhook::event::WebhookEvent;

impl WebhookEvent {
    /// Whether Ringg is documented to send this delivery again after an answer other than 200
    /// (for about three minutes): the events of a webhook subscription are; a per-call
    /// callback ([`CALLBACK_EVENT_TYPE`]) and a delivery without `event_type` (a campaign's
    /// notice) are not, so a receiver that cannot take one now should keep it rather than
    /// answer an error.
    pub fn is_retried_by_ringg(&self) -> bool {
        let event_type = self.event_type();
        !event_type.as_str().is_empty() && event_type.as_str() != CALLBACK_EVENT_TYPE
    }
}
