//! Webhook events and subscriptions (API reference §3).
//!
//! Ringg delivers one JSON object per event to the URL an assistant subscribed with
//! `PATCH /agent/v1` `edit_event_subscriptions` ([`EventSubscription`]). [`WebhookEvent::from_slice`]
//! reads a delivery body:
//!
//! ```
//! use ringg_types::webhook::{WebhookEvent, EventType};
//! use ringg_types::enums::CallStatus;
//!
//! let body = br#"{"event_type": "call_completed", "call_id": "4b30f5dc-7f86-4e4c-a3aa-15c01138559b",
//!                 "status": "retry", "retry_count": 0, "transcript": [{"bot": "Hello"}],
//!                 "new_field_from_tomorrow": 1}"#;
//! let event = WebhookEvent::from_slice(body).unwrap();
//! assert_eq!(event.event_type(), EventType::CallCompleted);
//! assert_eq!(event.call_id().unwrap().as_str(), "4b30f5dc-7f86-4e4c-a3aa-15c01138559b");
//! let WebhookEvent::CallCompleted(done) = &event else { unreachable!() };
//! assert_eq!(done.status, Some(CallStatus::Retry));
//! assert_eq!(done.retry_count, Some(0));
//! // Unknown fields are kept and written back.
//! let back = serde_json::to_value(&event).unwrap();
//! assert_eq!(back["new_field_from_tomorrow"], 1);
//!
//! // Errors name the failing field.
//! let err = WebhookEvent::from_slice(br#"{"event_type": "call_completed", "transcript": [42]}"#).unwrap_err();
//! assert_eq!(err.path(), "transcript[0]");
//! ```
//!
//! An unknown `event_type` is not an error: it parses as [`WebhookEvent::Unknown`] with the raw
//! JSON. Every payload struct carries the common fields of §3.3 and the call fields of
//! `call_completed` (newer deliveries of every event carry them), all optional, plus `extra`.

pub use crate::enums::{CallDirection, CallStatus, CallSubStatus, EventType, WebhookMethod};

mod callback;
mod error;
mod event;
mod partial;
mod payloads;
mod raw;
mod repair;
mod retries;
mod subscriptions;
#[cfg(test)]
mod tests;

pub use self::callback::*;
pub use self::error::*;
pub use self::event::*;
pub use self::partial::*;
pub use self::payloads::*;
pub use self::raw::*;
pub use self::subscriptions::*;
