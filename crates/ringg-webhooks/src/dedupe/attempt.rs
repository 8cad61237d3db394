//! What tells one call attempt's events apart when the payload carries no `retry_count`.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::Arc;

use ringg_types::webhook::{EventType, WebhookEvent};

use super::digest::push_canonical_body_digest;
use super::{Attempt, DedupeKey};

/// The key of an event each attempt of a call sends (`call_completed` of a `retry` attempt,
/// whose `status` is given, and `call_started`, `call_ringing`, `call_ongoing`), when the payload
/// has no `retry_count` or it: its `called_on` and `call_sid` (those present), which describe
/// the dial and are the same in a retry of the delivery. A `retry` attempt's `call_completed`
/// with a `call_sid` but no `called_on` adds a canonical digest of its body (Ringg may keep one
/// `call_sid` for every attempt of a call, whose attempts differ in what they report), and one
/// with neither a canonical digest of its body too. The others with neither are keyed by the
/// call and the event type alone.
pub(super) fn key(call_id: &str, event: &WebhookEvent, status: Option<&str>) -> DedupeKey {
    let kind = event.event_type();
    let event_type = kind.as_str();
    if let Some(n) = event.retry_count() {
        return DedupeKey::new(call_id, event_type, Some(Attempt::RetryCount(n)));
    }
    let (call_sid, called_on) = dial(event);
    let (call_sid, called_on) = (call_sid.as_deref(), called_on.as_deref());
    let completed = matches!(kind, EventType::CallCompleted);
    if called_on.is_some() || (call_sid.is_some() && !completed) {
        let dial = Attempt::Dial {
            call_sid,
            called_on,
        };
        return DedupeKey::new(call_id, event_type, Some(dial));
    }
    if !completed {
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
    // Canonical, so a retry of the delivery that orders its keys otherwise keys the same.
    push_canonical_body_digest(&mut key, event);
    DedupeKey(Arc::from(key))
}

/// The `call_sid` and `called_on` of an attempt's event (typed or partial), each when it is a
/// non-blank text (or, in a partial event, a number, as its JSON text). Both describe the
/// attempt, not its delivery, so a retry of the delivery keys the same.
fn dial(event: &WebhookEvent) -> (Option<Cow<'_, str>>, Option<Cow<'_, str>>) {
    fn text(v: Option<&str>) -> Option<Cow<'_, str>> {
        v.filter(|s| !s.trim().is_empty()).map(Cow::Borrowed)
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
            let field = |k: &str| match x.value().get(k) {
                Some(serde_json::Value::Number(n)) => Some(Cow::Owned(n.to_string())),
                v => text(v.and_then(serde_json::Value::as_str)),
            };
            (field("call_sid"), field("called_on"))
        }
        _ => (None, None),
    }
}
