//! [`WebhookEvent`]: one delivery, parsed by its `event_type`; unknown events and parse errors.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::common::{DecodeError, Extra, Transcript, decode};
use crate::enums::{CallStatus, EventType};
use crate::ids::{AgentId, CallId, WorkspaceId};
use crate::webhook::payloads::{
    AllProcessingCompleted, CallCompleted, CallOngoing, CallRinging, CallStarted,
    ClientAnalysisCompleted, PlatformAnalysisCompleted, RecordingCompleted,
};

/// Reads only `event_type` from a JSON object (anything but an object is an error at `.`).
struct Probe {
    event_type: Option<String>,
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
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key == "event_type" {
                        event_type = map.next_value::<Option<String>>()?;
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                Ok(Probe { event_type })
            }
        }
        d.deserialize_map(V)
    }
}

/// An event whose `event_type` this crate does not know. The whole payload is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownEvent {
    event_type: String,
    call_id: Option<CallId>,
    agent_id: Option<AgentId>,
    /// The whole payload, `event_type` included.
    pub raw: Map<String, Value>,
}

impl UnknownEvent {
    /// Wraps a raw payload (it should contain `event_type`).
    pub fn from_map(raw: Map<String, Value>) -> Self {
        let text = |k: &str| raw.get(k).and_then(Value::as_str).map(str::to_owned);
        Self {
            event_type: text("event_type").unwrap_or_default(),
            call_id: text("call_id").map(CallId::new),
            agent_id: text("agent_id").map(AgentId::new),
            raw,
        }
    }

    /// The `event_type` string.
    pub fn event_type_str(&self) -> &str {
        &self.event_type
    }

    /// `call_id`, when present as a string.
    pub fn call_id(&self) -> Option<&CallId> {
        self.call_id.as_ref()
    }

    /// `agent_id`, when present as a string.
    pub fn agent_id(&self) -> Option<&AgentId> {
        self.agent_id.as_ref()
    }
}

impl Serialize for UnknownEvent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(s)
    }
}

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
}

macro_rules! each_known {
    ($self:expr, $p:ident => $body:expr, $u:ident => $unknown:expr) => {
        match $self {
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
    /// path of the failing field (e.g. `call_id`, `transcript[0]`) and the body.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, WebhookParseError> {
        let probe: Probe = decode(bytes).map_err(|source| WebhookParseError {
            event_type: None,
            source,
        })?;
        let Some(event_type) = probe.event_type else {
            return Err(WebhookParseError {
                event_type: None,
                source: DecodeError::new(
                    "event_type",
                    "missing field `event_type`: every Ringg webhook payload names its event \
                     (e.g. \"call_completed\"); is this endpoint receiving something else?",
                    bytes,
                ),
            });
        };
        let event_type = EventType::from(event_type);
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
        let bytes = serde_json::to_vec(&value).map_err(|e| WebhookParseError {
            event_type: None,
            source: DecodeError::new(".", e.to_string(), Vec::new()),
        })?;
        Self::from_slice(&bytes)
    }

    /// The event type.
    pub fn event_type(&self) -> EventType {
        each_known!(self, p => p.event_type.clone(), u => EventType::from(u.event_type.as_str()))
    }

    /// `call_id`, when present.
    pub fn call_id(&self) -> Option<&CallId> {
        each_known!(self, p => p.call_id.as_ref(), u => u.call_id())
    }

    /// `agent_id`, when present.
    pub fn agent_id(&self) -> Option<&AgentId> {
        each_known!(self, p => p.agent_id.as_ref(), u => u.agent_id())
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
            u => u.raw.get("custom_args_values").and_then(Value::as_object)
        )
    }

    /// `transcript`, when present.
    pub fn transcript(&self) -> Option<&Transcript> {
        each_known!(self, p => p.transcript.as_ref(), _u => None)
    }

    /// `status` (on `call_completed` and consolidated payloads).
    pub fn status(&self) -> Option<&CallStatus> {
        each_known!(self, p => p.status.as_ref(), _u => None)
    }

    /// `retry_count`, when present.
    pub fn retry_count(&self) -> Option<u32> {
        each_known!(self, p => p.retry_count, _u => None)
    }

    /// The unknown fields of a known event (for an unknown event: its whole payload).
    pub fn extra(&self) -> &Extra {
        each_known!(self, p => &p.extra, u => &u.raw)
    }

    /// The payload as a JSON value (the same JSON that was parsed, unknown fields included).
    pub fn to_value(&self) -> Result<Value, serde_json::Error> {
        serde_json::to_value(self)
    }
}

impl Serialize for WebhookEvent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        each_known!(self, p => p.serialize(s), u => u.serialize(s))
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

/// A webhook body that could not be parsed.
///
/// Names the JSON path of the failing field ([`path`](Self::path)), the event type when it was
/// readable, and keeps the body ([`body`](Self::body)). `Display` shows at most 512 characters of
/// the body.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid {kind} webhook payload at `{path}`: {message}; check that the sender is Ringg and the \
     payload is JSON. Body (first 512 chars): {preview}",
    kind = self.event_type.as_ref().map_or("Ringg", |e| e.as_str()),
    path = self.source.path(),
    message = self.source.message(),
    preview = self.source.body_preview()
)]
pub struct WebhookParseError {
    event_type: Option<EventType>,
    source: DecodeError,
}

impl WebhookParseError {
    /// The JSON path of the failing field (`event_type`, `call_id`, `transcript[0]`, `.` for
    /// the document).
    pub fn path(&self) -> &str {
        self.source.path()
    }

    /// serde's description of the failure.
    pub fn message(&self) -> &str {
        self.source.message()
    }

    /// The event type, when the body named a readable one.
    pub fn event_type(&self) -> Option<&EventType> {
        self.event_type.as_ref()
    }

    /// The whole body.
    pub fn body(&self) -> &[u8] {
        self.source.body()
    }

    /// The underlying decode error.
    pub fn decode_error(&self) -> &DecodeError {
        &self.source
    }
}

impl fmt::Debug for WebhookParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookParseError")
            .field("event_type", &self.event_type)
            .field("source", &self.source)
            .finish()
    }
}
