//! [`WebhookEvent`]: one delivery, parsed by its `event_type`; unknown events and parse errors.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::common::{DecodeError, Extra, Transcript, decode};
use crate::enums::{CallStatus, EventType};
use crate::ids::{AgentId, CallId, WorkspaceId};
use crate::webhook::callback::{CALLBACK_EVENT_TYPE, CallbackDelivery};
use crate::webhook::error::WebhookParseError;
use crate::webhook::partial::PartialEvent;
use crate::webhook::payloads::{
    AllProcessingCompleted, CallCompleted, CallOngoing, CallRinging, CallStarted,
    ClientAnalysisCompleted, PlatformAnalysisCompleted, RecordingCompleted,
};
use crate::webhook::raw::RawJson;

/// Reads only `event_type` from a JSON object (anything but an object is an error at `.`).
struct Probe {
    event_type: Option<String>,
    data_is_object: bool,
}

/// The keys the probe looks at, told apart without allocating a `String` per key.
enum ProbeKey {
    EventType,
    Data,
    Other,
}

impl<'de> Deserialize<'de> for ProbeKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = ProbeKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<ProbeKey, E> {
                Ok(match key {
                    "event_type" => ProbeKey::EventType,
                    "data" => ProbeKey::Data,
                    _ => ProbeKey::Other,
                })
            }
        }
        d.deserialize_str(V)
    }
}

/// Whether a value is a JSON object; the value itself is skipped, not built.
struct IsObject(bool);

impl<'de> Deserialize<'de> for IsObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = IsObject;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<IsObject, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(IsObject(true))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<IsObject, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(IsObject(false))
            }
            fn visit_bool<E>(self, _: bool) -> Result<IsObject, E> {
                Ok(IsObject(false))
            }
            fn visit_i64<E>(self, _: i64) -> Result<IsObject, E> {
                Ok(IsObject(false))
            }
            fn visit_u64<E>(self, _: u64) -> Result<IsObject, E> {
                Ok(IsObject(false))
            }
            fn visit_f64<E>(self, _: f64) -> Result<IsObject, E> {
                Ok(IsObject(false))
            }
            fn visit_str<E>(self, _: &str) -> Result<IsObject, E> {
                Ok(IsObject(false))
            }
            fn visit_unit<E>(self) -> Result<IsObject, E> {
                Ok(IsObject(false))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Probe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Probe;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object with an `event_type`")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Probe, A::Error> {
                let mut event_type = None;
                let mut data_is_object = false;
                while let Some(key) = map.next_key::<ProbeKey>()? {
                    match key {
                        ProbeKey::EventType => event_type = map.next_value::<Option<String>>()?,
                        ProbeKey::Data => data_is_object = map.next_value::<IsObject>()?.0,
                        ProbeKey::Other => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(Probe {
                    event_type,
                    data_is_object,
                })
            }
        }
        d.deserialize_map(V)
    }
}

/// The value of `event_type` when it is the object's first key and a plain string (no
/// escapes), read without parsing the rest of the body.
pub(super) fn leading_event_type(bytes: &[u8]) -> Option<&str> {
    fn after(bytes: &[u8], token: &[u8]) -> Option<usize> {
        let start = bytes
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))?;
        bytes[start..]
            .starts_with(token)
            .then_some(start + token.len())
    }
    let mut at = after(bytes, b"{")?;
    at += after(&bytes[at..], b"\"event_type\"")?;
    at += after(&bytes[at..], b":")?;
    at += after(&bytes[at..], b"\"")?;
    let value = &bytes[at..];
    let end = value
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    (value[end] == b'"')
        .then(|| std::str::from_utf8(&value[..end]).ok())
        .flatten()
}

/// An event whose `event_type` this crate does not know. The whole payload is kept.
#[derive(Clone, PartialEq)]
pub struct UnknownEvent {
    event_type: String,
    call_id: Option<CallId>,
    agent_id: Option<AgentId>,
    /// The whole payload, `event_type` included.
    pub raw: Map<String, Value>,
    raw_json: RawJson,
}

impl UnknownEvent {
    /// Wraps a raw payload (it should contain `event_type`).
    pub fn from_map(raw: Map<String, Value>) -> Self {
        let text = |k: &str| raw.get(k).and_then(Value::as_str).map(str::to_owned);
        Self {
            event_type: text("event_type").unwrap_or_default(),
            call_id: super::partial::id_at(&raw, "call_id"),
            agent_id: super::partial::id_at(&raw, "agent_id"),
            raw,
            raw_json: RawJson::none(),
        }
    }

    /// The `event_type` string.
    pub fn event_type_str(&self) -> &str {
        &self.event_type
    }

    /// `call_id`, when present as a string or a whole number.
    pub fn call_id(&self) -> Option<&CallId> {
        self.call_id.as_ref()
    }

    /// `agent_id`, when present as a string or a whole number.
    pub fn agent_id(&self) -> Option<&AgentId> {
        self.agent_id.as_ref()
    }
}

impl fmt::Debug for UnknownEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnknownEvent")
            .field("event_type", &self.event_type)
            .field("call_id", &self.call_id)
            .field("agent_id", &self.agent_id)
            .field("raw", &crate::redact::Redacted(&self.raw))
            .field("raw_json", &self.raw_json)
            .finish()
    }
}

impl Serialize for UnknownEvent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(s)
    }
}

/// The field a payload rebuilt after the fact carries, set to `true` (see
/// [`WebhookEvent::is_rebuilt`]).
pub const REBUILT_MARKER: &str = "ringg_rebuilt";

/// A webhook delivery, by event type.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant)]
pub enum WebhookEvent {
    /// `call_started`.
    CallStarted(CallStarted),
    /// `call_ringing`.
    CallRinging(CallRinging),
    /// `call_ongoing`.
    CallOngoing(CallOngoing),
    /// `call_completed`.
    CallCompleted(CallCompleted),
    /// `recording_completed`.
    RecordingCompleted(RecordingCompleted),
    /// `platform_analysis_completed`.
    PlatformAnalysisCompleted(PlatformAnalysisCompleted),
    /// `client_analysis_completed`.
    ClientAnalysisCompleted(ClientAnalysisCompleted),
    /// `all_processing_completed`.
    AllProcessingCompleted(AllProcessingCompleted),
    /// Any other `event_type`, kept raw.
    Unknown(UnknownEvent),
    /// A per-call `callback_url` delivery (§3.6), which has no `event_type`; its
    /// [`event_type`](Self::event_type) is [`CALLBACK_EVENT_TYPE`].
    Callback(CallbackDelivery),
    /// A JSON object that did not fit the typed model, kept whole with the decode error. Only
    /// [`WebhookEvent::from_slice_lenient`] (what the receiver uses) produces it.
    Partial(PartialEvent),
}

macro_rules! each_known {
    ($self:expr, $p:ident => $body:expr, $u:ident => $unknown:expr) => {
        each_known!($self, $p => $body, $u => $unknown, _c => None, _x => None)
    };
    (
        $self:expr, $p:ident => $body:expr, $u:ident => $unknown:expr,
        $c:ident => $callback:expr, $x:ident => $partial:expr
    ) => {
        match $self {
            WebhookEvent::Callback($c) => $callback,
            WebhookEvent::Partial($x) => $partial,
            WebhookEvent::CallStarted($p) => $body,
            WebhookEvent::CallRinging($p) => $body,
            WebhookEvent::CallOngoing($p) => $body,
            WebhookEvent::CallCompleted($p) => $body,
            WebhookEvent::RecordingCompleted($p) => $body,
            WebhookEvent::PlatformAnalysisCompleted($p) => $body,
            WebhookEvent::ClientAnalysisCompleted($p) => $body,
            WebhookEvent::AllProcessingCompleted($p) => $body,
            WebhookEvent::Unknown($u) => $unknown,
        }
    };
}

impl WebhookEvent {
    /// Parses a delivery body. Dispatches on `event_type`; a missing `event_type` is an error
    /// naming `event_type`, an unknown one gives [`WebhookEvent::Unknown`]. Errors carry the JSON
    /// path of the failing field (e.g. `call_id`, `transcript[0]`) and the body. A UTF-8
    /// byte-order mark before the object is skipped: it is not part of the JSON (nor of
    /// [`raw`](Self::raw)).
    pub fn from_slice(bytes: &[u8]) -> Result<Self, WebhookParseError> {
        let bytes = super::repair::without_bom(bytes);
        // Ringg writes `event_type` first. When it leads the object, the typed decode runs at
        // once, without the probe's pass over the whole body. Only a success is taken: with a
        // single `event_type` key the probe would have found the same type (a repeated key
        // fails the typed decode), and any failure is reported by the probed path below.
        if let Some(event_type) = leading_event_type(bytes) {
            let probe = Probe {
                event_type: Some(event_type.to_owned()),
                data_is_object: false,
            };
            if let Ok(mut event) = Self::decode_typed(probe, bytes) {
                event.set_raw(RawJson::from_bytes(bytes));
                return Ok(event);
            }
        }
        Self::from_slice_probed(bytes)
    }

    /// [`from_slice`](Self::from_slice) without the leading-`event_type` shortcut.
    pub(super) fn from_slice_probed(bytes: &[u8]) -> Result<Self, WebhookParseError> {
        let probe: Probe = decode(bytes).map_err(WebhookParseError::document)?;
        let mut event = Self::decode_typed(probe, bytes)?;
        event.set_raw(RawJson::from_bytes(bytes));
        Ok(event)
    }

    /// Like [`WebhookEvent::from_slice`], but a JSON object that does not fit the typed model
    /// is not an error: it becomes [`WebhookEvent::Partial`], with the whole object and the
    /// decode error. So does an object that JSON refuses only for `NaN`, `Infinity`,
    /// `-Infinity` or a number beyond `f64` outside strings (read as `null`), or a lone UTF-16
    /// surrogate escape or a byte that is not UTF-8 inside a string (read as U+FFFD), with the
    /// body as received as its raw text (when it is UTF-8); and strict JSON that is not an
    /// object (an array, a scalar), of shape `NotAnObject`. Only a body that is not JSON is an
    /// error.
    ///
    /// ```
    /// use ringg_types::webhook::WebhookEvent;
    /// let body = br#"{"event_type":"call_completed","call_id":"c-1","transcript":[42]}"#;
    /// let event = WebhookEvent::from_slice_lenient(body).unwrap();
    /// let WebhookEvent::Partial(partial) = &event else { panic!() };
    /// assert_eq!(partial.error().path(), "transcript[0]");
    /// assert_eq!(event.call_id().unwrap().as_str(), "c-1");
    /// assert_eq!(event.raw().as_bytes(), body);
    /// assert!(WebhookEvent::from_slice_lenient(b"[1]").unwrap().is_partial());
    /// assert!(WebhookEvent::from_slice_lenient(b"[1,").is_err());
    /// ```
    pub fn from_slice_lenient(bytes: &[u8]) -> Result<Self, WebhookParseError> {
        let bytes = super::repair::without_bom(bytes);
        match Self::from_slice(bytes) {
            Ok(event) => Ok(event),
            Err(error) => {
                // The body read once as JSON (or, not strict JSON, once `mend` replaced what JSON
                // refuses); not JSON even then, it is refused with what JSON's reader said.
                let (value, mended) = match decode::<Value>(bytes) {
                    Ok(value) => (value, None),
                    Err(source) => match super::repair::mend(bytes)
                        .and_then(|m| Some((decode::<Value>(&m).ok()?, Some(m))))
                    {
                        Some(read) => read,
                        None => return Err(WebhookParseError::document(source)),
                    },
                };
                let mut partial = match value {
                    Value::Object(object) => PartialEvent::new(object, error),
                    other => PartialEvent::not_an_object(other, error),
                };
                partial.raw = RawJson::from_bytes(bytes);
                if partial.raw.is_none() {
                    partial.body_bytes = Some(bytes.into());
                }
                partial.set_mended(mended);
                Ok(Self::Partial(partial))
            }
        }
    }

    fn decode_typed(probe: Probe, bytes: &[u8]) -> Result<Self, WebhookParseError> {
        if probe.event_type.is_none() && probe.data_is_object {
            return decode(bytes)
                .map(Self::Callback)
                .map_err(|source| WebhookParseError {
                    event_type: Some(EventType::from(CALLBACK_EVENT_TYPE)),
                    source,
                });
        }
        let Some(event_type) = probe.event_type else {
            return Err(WebhookParseError {
                event_type: None,
                source: DecodeError::new(
                    "event_type",
                    "missing field `event_type`: every Ringg subscription event names its event \
                     (e.g. \"call_completed\") and a per-call callback delivery has a `data` \
                     object; this is neither (a campaign's completion notice, whose shape Ringg \
                     does not document, or something else)",
                    bytes,
                ),
            });
        };
        let event_type = EventType::from_loose(&event_type);
        let wrap = |source: DecodeError| WebhookParseError {
            event_type: Some(event_type.clone()),
            source,
        };
        Ok(match event_type {
            EventType::CallStarted => Self::CallStarted(decode(bytes).map_err(wrap)?),
            EventType::CallRinging => Self::CallRinging(decode(bytes).map_err(wrap)?),
            EventType::CallOngoing => Self::CallOngoing(decode(bytes).map_err(wrap)?),
            EventType::CallCompleted => Self::CallCompleted(decode(bytes).map_err(wrap)?),
            EventType::RecordingCompleted => Self::RecordingCompleted(decode(bytes).map_err(wrap)?),
            EventType::PlatformAnalysisCompleted => {
                Self::PlatformAnalysisCompleted(decode(bytes).map_err(wrap)?)
            }
            EventType::ClientAnalysisCompleted => {
                Self::ClientAnalysisCompleted(decode(bytes).map_err(wrap)?)
            }
            EventType::AllProcessingCompleted => {
                Self::AllProcessingCompleted(decode(bytes).map_err(wrap)?)
            }
            EventType::Unknown(_) => {
                Self::Unknown(UnknownEvent::from_map(decode(bytes).map_err(wrap)?))
            }
        })
    }

    /// [`WebhookEvent::from_slice`] for a `&str`.
    pub fn from_str_body(body: &str) -> Result<Self, WebhookParseError> {
        Self::from_slice(body.as_bytes())
    }

    /// Builds an event from an already-parsed JSON value.
    pub fn from_value(value: Value) -> Result<Self, WebhookParseError> {
        let bytes = serde_json::to_vec(&value).map_err(|e| {
            WebhookParseError::document(DecodeError::new(".", e.to_string(), Vec::new()))
        })?;
        Self::from_slice(&bytes)
    }

    /// The event type ([`CALLBACK_EVENT_TYPE`] for a per-call callback delivery; for a
    /// partial event, the `event_type` it carried, or an empty one when it had none), read
    /// as [`EventType::from_loose`] does: `"CALL_COMPLETED"` is
    /// [`EventType::CallCompleted`], though the payload keeps the spelling it came with.
    pub fn event_type(&self) -> EventType {
        each_known!(
            self,
            p => if p.event_type.is_unknown() {
                EventType::from_loose(p.event_type.as_str())
            } else {
                p.event_type.clone()
            },
            u => EventType::from_loose(&u.event_type),
            _c => EventType::from(CALLBACK_EVENT_TYPE),
            x => x.event_type().cloned().unwrap_or_else(|| EventType::from(""))
        )
    }

    /// `call_id` (`data.call_id` for a callback delivery), when present.
    pub fn call_id(&self) -> Option<&CallId> {
        each_known!(self, p => p.call_id.as_ref(), u => u.call_id(), c => c.call_id(), x => x.call_id())
    }

    /// `agent_id`, when present.
    pub fn agent_id(&self) -> Option<&AgentId> {
        each_known!(self, p => p.agent_id.as_ref(), u => u.agent_id(), c => c.agent_id(), x => x.agent_id())
    }

    /// `workspace_id`, when present.
    pub fn workspace_id(&self) -> Option<&WorkspaceId> {
        each_known!(self, p => p.workspace_id.as_ref(), _u => None)
    }

    /// `custom_args_values`, when present.
    pub fn custom_args_values(&self) -> Option<&Map<String, Value>> {
        each_known!(
            self,
            p => p.custom_args_values.as_ref(),
            u => u.raw.get("custom_args_values").and_then(Value::as_object),
            c => c.data.as_ref().and_then(|d| d.custom_args_values.as_ref()),
            x => x.value().get("custom_args_values").and_then(Value::as_object)
        )
    }

    /// `transcript`, when present (of a callback: `data.transcript`, when it could be read
    /// into turns).
    pub fn transcript(&self) -> Option<&Transcript> {
        each_known!(self, p => p.transcript.as_ref(), _u => None, c => c.transcript(), _x => None)
    }

    /// `status` (on `call_completed` and consolidated payloads; `data.status` of a callback).
    pub fn status(&self) -> Option<&CallStatus> {
        each_known!(self, p => p.status.as_ref(), _u => None, c => c.call_status(), x => x.status())
    }

    /// `retry_count` (`data.retry` of a callback), when present (for an event of a type not
    /// known here, when its payload has a whole number there, or a text holding one).
    pub fn retry_count(&self) -> Option<u32> {
        each_known!(self, p => p.retry_count, u => super::partial::count(&u.raw, "retry_count"), c => c.retry(), x => x.attempt())
    }

    /// The unknown fields of a known event (for an unknown or partial event: its whole
    /// payload; empty for JSON that is not an object, see `PartialEvent::non_object`).
    pub fn extra(&self) -> &Extra {
        each_known!(self, p => &p.extra, u => &u.raw, c => &c.extra, x => x.value())
    }

    /// True for an event rebuilt from the API after the fact rather than delivered by Ringg
    /// (its payload carries [`REBUILT_MARKER`]` = true`; `ringg webhooks replay` makes them).
    pub fn is_rebuilt(&self) -> bool {
        self.extra().get(REBUILT_MARKER) == Some(&Value::Bool(true))
    }

    /// True for a [`WebhookEvent::Partial`] event.
    pub fn is_partial(&self) -> bool {
        matches!(self, Self::Partial(_))
    }

    /// Why a partial event did not fit the typed model (`None` for a typed event).
    pub fn partial_error(&self) -> Option<&WebhookParseError> {
        match self {
            Self::Partial(x) => Some(x.error()),
            _ => None,
        }
    }

    /// The JSON text exactly as received, when the event was parsed from a body.
    pub fn raw_json(&self) -> Option<&str> {
        self.raw_ref().as_str()
    }

    /// The JSON of the event: the text as received when it was parsed from a body, otherwise
    /// its serialization. Nothing that came in is missing from it.
    pub fn raw(&self) -> Cow<'_, str> {
        match self.raw_json() {
            Some(text) => Cow::Borrowed(text),
            None => Cow::Owned(serde_json::to_string(self).unwrap_or_default()),
        }
    }

    fn raw_ref(&self) -> &RawJson {
        each_known!(self, p => &p.raw, u => &u.raw_json, c => &c.raw, x => &x.raw)
    }

    fn set_raw(&mut self, raw: RawJson) {
        let slot = each_known!(
            self,
            p => &mut p.raw,
            u => &mut u.raw_json,
            c => &mut c.raw,
            x => &mut x.raw
        );
        *slot = raw;
    }

    /// The payload as a JSON value: the JSON that was parsed when the event came from a body
    /// (unknown fields and explicit `null`s included; for a partial event, its object as read,
    /// or the value that is not an object, mended where the body needed it), otherwise its
    /// serialization.
    pub fn to_value(&self) -> Result<Value, serde_json::Error> {
        if let Self::Partial(x) = self {
            let whole = x.non_object().cloned();
            return Ok(whole.unwrap_or_else(|| Value::Object(x.value().clone())));
        }
        match self.raw_json() {
            Some(text) => serde_json::from_str(text),
            None => serde_json::to_value(self),
        }
    }
}

impl Serialize for WebhookEvent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        each_known!(self, p => p.serialize(s), u => u.serialize(s), c => c.serialize(s), x => x.serialize(s))
    }
}

impl<'de> Deserialize<'de> for WebhookEvent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Self::from_value(value).map_err(serde::de::Error::custom)
    }
}

/// `From<payload>` for the event of each known payload type.
macro_rules! from_payload {
    ($($variant:ident),+ $(,)?) => {
        $(
            impl From<$variant> for WebhookEvent {
                fn from(p: $variant) -> Self {
                    Self::$variant(p)
                }
            }
        )+
    };
}

from_payload!(
    CallCompleted,
    CallStarted,
    CallRinging,
    CallOngoing,
    RecordingCompleted,
    PlatformAnalysisCompleted,
    ClientAnalysisCompleted,
    AllProcessingCompleted,
);

impl From<CallbackDelivery> for WebhookEvent {
    fn from(c: CallbackDelivery) -> Self {
        Self::Callback(c)
    }
}
