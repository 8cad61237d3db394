//! [`PartialEvent`]: a delivery whose JSON did not fit the typed model, kept whole.

use std::sync::Arc;

use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::common::whole_count;
use crate::enums::{CallStatus, EventType};
use crate::ids::{AgentId, CallId};
use crate::webhook::callback::{CALLBACK_EVENT_TYPE, is_callback_envelope};
use crate::webhook::error::WebhookParseError;
use crate::webhook::raw::RawJson;

/// Which of Ringg's two delivery shapes a body has (or neither: JSON that is not an object).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventShape {
    /// A subscription event (§3.2): a flat object with `event_type`.
    Subscription,
    /// A per-call `callback_url` delivery (§3.6): `{"status", "data": {...}, "message"}`.
    Callback,
    /// JSON that is not an object (an array, a string, a number, `true`, `false` or `null`):
    /// no shape Ringg documents (a campaign's completion notice, whose shape is undocumented,
    /// might be one), kept whole ([`PartialEvent::non_object`]).
    NotAnObject,
}

impl EventShape {
    /// The shape of a JSON object (see [`is_callback_envelope`]).
    pub fn of(object: &Map<String, Value>) -> Self {
        if is_callback_envelope(object) {
            Self::Callback
        } else {
            Self::Subscription
        }
    }
}

/// A delivery that is JSON but did not fit the typed model (a field of an unexpected type, a
/// missing `event_type`, ..., or a value that is not an object: [`non_object`](Self::non_object)).
///
/// Nothing is lost: the whole object is kept ([`value`](Self::value), and the text as received
/// through [`WebhookEvent::raw`](crate::webhook::WebhookEvent::raw)), with the decode error
/// naming the field path ([`error`](Self::error)), and what could still be read: the shape, the
/// event type, the call id, the call status and the attempt.
#[derive(Clone, PartialEq)]
pub struct PartialEvent {
    shape: EventShape,
    event_type: Option<EventType>,
    call_id: Option<CallId>,
    agent_id: Option<AgentId>,
    status: Option<CallStatus>,
    attempt: Option<u32>,
    value: Map<String, Value>,
    /// The body, when it is JSON but not an object.
    non_object: Option<Value>,
    pub(crate) raw: RawJson,
    /// Read only once mended (see [`is_mended`](Self::is_mended)).
    pub(crate) mended: bool,
    /// The mended text (see [`mended_json`](Self::mended_json)).
    mended_text: Option<Arc<str>>,
    /// The body as received when it is not UTF-8 text (see [`body_bytes`](Self::body_bytes)).
    pub(crate) body_bytes: Option<Box<[u8]>>,
    error: WebhookParseError,
}

fn text<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

/// The ID at `key`, read as its type reads one (a string, or a whole number as its digits: an
/// ID Ringg sends as a number still names the call, so a retry of the delivery is still
/// recognised).
pub(super) fn id_at<'a, T: Deserialize<'a>>(
    object: &'a Map<String, Value>,
    key: &str,
) -> Option<T> {
    T::deserialize(object.get(key)?).ok()
}

/// A count written as a number (`2`, `2.0`) or as a numeric string (`"2"`).
pub(super) fn count(object: &Map<String, Value>, key: &str) -> Option<u32> {
    match object.get(key)? {
        Value::Number(n) => whole_count(n),
        Value::String(s) => serde_json::from_str(s.trim())
            .ok()
            .as_ref()
            .and_then(whole_count),
        _ => None,
    }
}

impl PartialEvent {
    /// Wraps an object that failed to decode with `error`.
    pub fn new(value: Map<String, Value>, error: WebhookParseError) -> Self {
        let shape = EventShape::of(&value);
        let (event_type, fields, attempt_key) = match shape {
            EventShape::Callback => (
                Some(EventType::from(CALLBACK_EVENT_TYPE)),
                value.get("data").and_then(Value::as_object),
                "retry",
            ),
            EventShape::Subscription | EventShape::NotAnObject => (
                text(&value, "event_type").map(EventType::from_loose),
                Some(&value),
                "retry_count",
            ),
        };
        let read = |key: &str| fields.and_then(|f| text(f, key));
        let call_id = fields.and_then(|f| id_at::<CallId>(f, "call_id"));
        let agent_id = fields.and_then(|f| id_at::<AgentId>(f, "agent_id"));
        let status = read("status").map(CallStatus::from);
        let attempt = fields.and_then(|f| count(f, attempt_key));
        Self {
            shape,
            event_type,
            call_id,
            agent_id,
            status,
            attempt,
            value,
            non_object: None,
            raw: RawJson::none(),
            mended: false,
            mended_text: None,
            body_bytes: None,
            error,
        }
    }

    /// A body that is JSON but not an object ([`EventShape::NotAnObject`]), kept whole with
    /// `error` (why the typed model refused it).
    pub(crate) fn not_an_object(value: Value, error: WebhookParseError) -> Self {
        let mut partial = Self::new(Map::new(), error);
        partial.shape = EventShape::NotAnObject;
        partial.non_object = Some(value);
        partial
    }

    /// Records that the body was read only once mended, and the mended text.
    pub(crate) fn set_mended(&mut self, mended: Option<Vec<u8>>) {
        self.mended = mended.is_some();
        self.mended_text = mended
            .and_then(|m| String::from_utf8(m).ok())
            .map(Arc::from);
    }

    /// For a body read only once mended ([`is_mended`](Self::is_mended)): the text as
    /// received with only the mended tokens replaced (`NaN` by `null`, a lone surrogate by
    /// `\ufffd`, …), which is JSON; every other value keeps its digits and its place, as
    /// [`value`](Self::value) written again would not (numbers beyond `u64` rounded, keys
    /// sorted).
    pub fn mended_json(&self) -> Option<&str> {
        self.mended_text.as_deref()
    }

    /// The body as received, when it is not UTF-8 text (read mended, each byte that is not as
    /// U+FFFD), so [`WebhookEvent::raw_json`](crate::webhook::WebhookEvent::raw_json) has no
    /// text for it: what tells two such deliveries apart that were mended alike.
    pub fn body_bytes(&self) -> Option<&[u8]> {
        self.body_bytes.as_deref()
    }

    /// True when the body was read only once mended (`NaN`, `Infinity` or a number beyond
    /// `f64` as `null`, a lone surrogate escape or a byte inside a string that is not UTF-8 as
    /// U+FFFD; see
    /// [`WebhookEvent::from_slice_lenient`](crate::webhook::WebhookEvent::from_slice_lenient)):
    /// [`value`](Self::value) is the object as read, and the raw text, as received, is not
    /// strict JSON.
    pub fn is_mended(&self) -> bool {
        self.mended
    }

    /// The delivery's shape.
    pub fn shape(&self) -> EventShape {
        self.shape
    }

    /// The event type when it was readable (`call_callback` for a callback delivery).
    pub fn event_type(&self) -> Option<&EventType> {
        self.event_type.as_ref()
    }

    /// `call_id` (`data.call_id` for a callback), when it was a string or a whole number.
    pub fn call_id(&self) -> Option<&CallId> {
        self.call_id.as_ref()
    }

    /// `agent_id` (`data.agent_id` for a callback), when it was a string or a whole number.
    pub fn agent_id(&self) -> Option<&AgentId> {
        self.agent_id.as_ref()
    }

    /// `status` (`data.status` for a callback), when it was a string.
    pub fn status(&self) -> Option<&CallStatus> {
        self.status.as_ref()
    }

    /// `retry_count` (`data.retry` for a callback), when it was a count.
    pub fn attempt(&self) -> Option<u32> {
        self.attempt
    }

    /// The whole object as received (empty when the body is not an object: see
    /// [`non_object`](Self::non_object)).
    pub fn value(&self) -> &Map<String, Value> {
        &self.value
    }

    /// The body as read, when it is JSON but not an object ([`EventShape::NotAnObject`]: an
    /// array, a string, a number, `true`, `false` or `null`).
    pub fn non_object(&self) -> Option<&Value> {
        self.non_object.as_ref()
    }

    /// Why the typed model refused it: the field path ([`WebhookParseError::path`]) and serde's
    /// message.
    pub fn error(&self) -> &WebhookParseError {
        &self.error
    }
}

impl std::fmt::Debug for PartialEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartialEvent")
            .field("shape", &self.shape)
            .field("event_type", &self.event_type)
            .field("call_id", &self.call_id)
            .field("agent_id", &self.agent_id)
            .field("status", &self.status)
            .field("attempt", &self.attempt)
            .field("value", &crate::redact::Redacted(&self.value))
            .field(
                "non_object",
                &self.non_object.as_ref().map(crate::redact::Redacted),
            )
            .field("raw", &self.raw)
            .field("mended", &self.mended)
            .field("body_bytes", &self.body_bytes.as_ref().map(|b| b.len()))
            .field("error", &self.error)
            .finish()
    }
}

impl Serialize for PartialEvent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.non_object {
            Some(value) => value.serialize(s),
            None => self.value.serialize(s),
        }
    }
}
