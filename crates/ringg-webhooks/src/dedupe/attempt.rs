//! What tells one call attempt's events apart when the payload carries no `retry_count`.

use std::fmt::Write as _;
use std::sync::Arc;

use ringg_types::webhook::{EventType, WebhookEvent};

use super::digest::push_body_digest;
use super::{Attempt, DedupeKey};

/// The key of an event each attempt of a call sends (`call_completed` of a `retry` attempt,
/// whose `status` is given, and `call_started`, `call_ringing`, `call_ongoing`): its
/// `retry_count`; else its `called_on` (with its `call_sid`), which names the dial; else, with
/// a `call_sid` (which Ringg may keep for every attempt of a call) or a `call_completed`, a
/// digest of its body, since a retry of the delivery sends the same body; else, for the
/// others, nothing more than the call and the event type.
pub(super) fn key(call_id: &str, event: &WebhookEvent, status: Option<&str>) -> DedupeKey {
    let kind = event.event_type();
    let event_type = kind.as_str();
    if let Some(n) = event.retry_count() {
        return DedupeKey::new(call_id, event_type, Some(Attempt::RetryCount(n)));
    }
    let (call_sid, called_on) = dial(event);
    if called_on.is_some() {
        let dial = Attempt::Dial {
            call_sid,
            called_on,
        };
        return DedupeKey::new(call_id, event_type, Some(dial));
    }
    if call_sid.is_none() && !matches!(kind, EventType::CallCompleted) {
        return DedupeKey::new(call_id, event_type, None);
    }
    let mut key = format!("{call_id}|{event_type}|");
    // Writing to a String cannot fail.
    if let Some(sid) = call_sid {
        let _ = write!(key, "call_sid={sid}|");
    }
    if let Some(status) = status {
        let _ = write!(key, "status={status}|");
    }
    push_body_digest(&mut key, event);
    DedupeKey(Arc::from(key))
}

/// The `call_sid` and `called_on` of an attempt's event (typed or partial), each when it is a
/// non-blank text. Both describe the attempt, not its delivery, so a retry of the delivery
/// keys the same.
fn dial(event: &WebhookEvent) -> (Option<&str>, Option<&str>) {
    fn text(v: Option<&str>) -> Option<&str> {
        v.filter(|s| !s.trim().is_empty())
    }
    macro_rules! typed {
        ($p:expr) => {
            (
                text($p.call_sid.as_deref()),
                text($p.called_on.as_ref().map(|t| t.as_str())),
            )
        };
    }
    match event {
        WebhookEvent::CallStarted(p) => typed!(p),
        WebhookEvent::CallRinging(p) => typed!(p),
        WebhookEvent::CallOngoing(p) => typed!(p),
        WebhookEvent::CallCompleted(p) => typed!(p),
        WebhookEvent::Partial(x) => {
            let field = |k: &str| text(x.value().get(k).and_then(serde_json::Value::as_str));
            (field("call_sid"), field("called_on"))
        }
        _ => (None, None),
    }
}
