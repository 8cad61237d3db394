//! The key of a parsed event: the delivery it is, and for a rebuilt event (`webhooks
//! replay`) apart from the delivery it stands in for.

use std::sync::Arc;

use ringg_types::webhook::{CALLBACK_EVENT_TYPE, EventType, WebhookEvent};

use super::attempt;
use super::digest::{push_canonical_body_digest, push_data_digest};
use super::{Attempt, DedupeKey};

impl DedupeKey {
    /// The key of a parsed event, or `None` when it has no `call_id` (then it is not deduped).
    /// A rebuilt event ([`WebhookEvent::is_rebuilt`]) is keyed apart from its original
    /// ([`for_original`](Self::for_original)), which the receiver still hands over after it.
    pub fn for_event(event: &WebhookEvent) -> Option<Self> {
        Self::for_delivery(event).map(|(key, _)| key)
    }

    /// The key of the delivery `event` is (or, rebuilt, stands in for).
    pub fn for_original(event: &WebhookEvent) -> Option<Self> {
        let call_id = event.call_id()?.as_str();
        let event_type = event.event_type();
        if event_type.as_str().is_empty() || call_id.trim().is_empty() {
            // Only the body tells such a delivery apart from another one about the call (or,
            // with a blank call id, about another call); a retry of it sends the same body
            // (its keys in any order), so it is still one event.
            let mut key = format!("{call_id}|{}|", event_type.as_str());
            push_canonical_body_digest(&mut key, event);
            return Some(Self(Arc::from(key)));
        }
        let key = match event_type {
            // A call ends once (`completed`, `failed`, `error`): that status is the attempt,
            // whether or not this generation of the payload carries `retry_count`, so a rebuilt
            // copy keys the same. Each `retry` attempt is its own event, and so is each one of
            // a status not known to end the call (`RETRY`, `busy`): keyed by the status alone,
            // a later attempt would be taken for the first and lost.
            EventType::CallCompleted => match event.status() {
                Some(s) if s.is_terminal() => Self::new(
                    call_id,
                    event_type.as_str(),
                    Some(Attempt::Status(s.as_str())),
                ),
                status => attempt::key(call_id, event, status.map(|s| s.as_str())),
            },
            _ if event_type.as_str() == CALLBACK_EVENT_TYPE => {
                let key = Self::new(
                    call_id,
                    event_type.as_str(),
                    Some(Attempt::Callback {
                        status: event.status().map(|s| s.as_str()),
                        retry: event.retry_count(),
                    }),
                );
                // A later delivery of the same status and attempt may bring more (the
                // recording, the analysis): told apart by what its `data` holds.
                let mut key = key.0.to_string();
                push_data_digest(&mut key, event);
                Self(Arc::from(key))
            }
            // Each attempt of a call is dialled anew, with its own `call_started` (and
            // `call_ringing`, `call_ongoing`).
            EventType::CallStarted | EventType::CallRinging | EventType::CallOngoing => {
                attempt::key(call_id, event, None)
            }
            // Sent once per call, when everything is done, and rebuilt by `webhooks replay`
            // from history without knowing whether the delivery carried `retry_count`: the
            // documented key, so a rebuilt copy keys as its original.
            EventType::AllProcessingCompleted => Self::new(call_id, event_type.as_str(), None),
            // A type not known here may be sent once per attempt or per change, like
            // `call_completed`: keyed by the call and type alone, a later one would be taken
            // for the first and lost. Its body tells them apart (canonically, so a retry of the
            // delivery keys the same); a duplicate handed over beats an event lost.
            EventType::Unknown(_) => {
                let attempt = event.retry_count().map(Attempt::RetryCount);
                let mut key = Self::new(call_id, event_type.as_str(), attempt)
                    .0
                    .to_string();
                key.push('|');
                push_canonical_body_digest(&mut key, event);
                Self(Arc::from(key))
            }
            // The others (the recording, each analysis): the documented key, and the attempt
            // when the payload names it, so an event of a later attempt of the call (its own
            // recording) is not taken for the first one's. A retry of the delivery names the
            // same attempt.
            _ => Self::new(
                call_id,
                event_type.as_str(),
                event.retry_count().map(Attempt::RetryCount),
            ),
        };
        Some(key)
    }

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
