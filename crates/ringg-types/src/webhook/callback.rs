//! The per-call `callback_url` envelope (API reference §3.6): `{"status", "data", "message"}`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::common::{Extra, Nullable, Seconds, Transcript};
use crate::enums::{CallDirection, CallStatus};
use crate::ids::{AgentId, CallId};
use crate::webhook::raw::RawJson;

/// The pseudo event type of a per-call callback delivery (which has no `event_type`):
/// what [`WebhookEvent::event_type`](crate::webhook::WebhookEvent::event_type) returns for it.
pub const CALLBACK_EVENT_TYPE: &str = "call_callback";

/// A delivery to the per-call `callback_url` given when a call is started (§3.6).
///
/// Ringg posts one whenever the call's status changes (`registered`, `ongoing`, `completed`,
/// ...). It has no `event_type`:
/// `{"status": "success", "data": {...}, "message": "Call Details"}`. Every field may be
/// absent or `null`; unknown fields land in `extra`.
///
/// ```
/// use ringg_types::webhook::{WebhookEvent, CallStatus};
/// let body = br#"{"status":"success","message":"Call Details",
///   "data":{"call_id":"c-1","status":"completed","retry":0,"transcript":"bot: Hi\nuser: Hello"}}"#;
/// let WebhookEvent::Callback(cb) = WebhookEvent::from_slice(body).unwrap() else { panic!() };
/// let data = cb.data.as_ref().unwrap();
/// assert_eq!(data.status.as_ref(), Some(&CallStatus::Completed));
/// assert_eq!(data.retry.as_ref(), Some(&0));
/// ```
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CallbackDelivery {
    /// `status`: always `"success"` in the documents.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub status: Nullable<String>,
    /// `data`: the call.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub data: Nullable<CallbackData>,
    /// `message`: `"Call Details"`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub message: Nullable<String>,
    /// Unknown fields, kept and written back.
    #[serde(flatten)]
    pub extra: Extra,
    /// The body as received (not serialized).
    #[serde(skip)]
    pub raw: RawJson,
}

crate::redact::redacted_debug!(CallbackDelivery);

/// `data` of a [`CallbackDelivery`].
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CallbackData {
    /// `call_id`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub call_id: Nullable<CallId>,
    /// `call_direction`: `outbound`, `inbound` or `webcall`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub call_direction: Nullable<CallDirection>,
    /// `status`: the call status that changed (`registered`, `ongoing`, `completed`, ...).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub status: Nullable<CallStatus>,
    /// `call_duration` in seconds (a number or a numeric string).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::blank_is_null"
    )]
    pub call_duration: Nullable<Seconds>,
    /// `recording_url`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub recording_url: Nullable<String>,
    /// `transcript`: plain text (`"bot: ...\nuser: ..."`) in the documents.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub transcript: Nullable<CallbackTranscript>,
    /// `agent_id`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub agent_id: Nullable<AgentId>,
    /// `retry`: the retry attempt (0 on the first).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_count"
    )]
    pub retry: Nullable<u32>,
    /// `from_number` (kept as text).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_number_text"
    )]
    pub from_number: Nullable<String>,
    /// `to_number` (kept as text).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_number_text"
    )]
    pub to_number: Nullable<String>,
    /// `custom_args_values`: the variables supplied at call time (also read from a
    /// JSON-encoded string of the object; `[]` is an empty object, `""` null).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_object"
    )]
    pub custom_args_values: Nullable<Map<String, Value>>,
    /// `analysis`: present once the call was analysed; its keys vary.
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_object"
    )]
    pub analysis: Nullable<Map<String, Value>>,
    /// Unknown fields, kept and written back.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(CallbackData);

/// The `transcript` of a callback: plain text as documented (`"bot: Hello\nuser: Hi"`), a
/// JSON-encoded string of turns, or an array of turns, each read into [`Turns`](Self::Turns)
/// (which keeps a string as it came and writes it back unchanged); anything else kept as it
/// came, never an error.
///
/// ```
/// use ringg_types::common::Speaker;
/// use ringg_types::webhook::CallbackTranscript;
/// let t: CallbackTranscript = serde_json::from_str(r#""bot: Hello\nuser: Hi""#).unwrap();
/// assert_eq!(t.turns().unwrap().turns()[1].speaker(), Speaker::User);
/// assert_eq!(t.as_text(), Some("bot: Hello\nuser: Hi"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CallbackTranscript {
    /// A string that is JSON and does not hold a transcript (decoding gives
    /// [`Turns`](Self::Turns) for every other string).
    Text(String),
    /// The turns: from plain text, a JSON-encoded string or an array.
    Turns(Transcript),
    /// Anything else.
    Other(Value),
}

impl CallbackTranscript {
    /// The text as sent, when the transcript came as a string (plain text, or a JSON-encoded
    /// string of turns).
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(t) => Some(t),
            Self::Turns(t) => t.raw_string(),
            Self::Other(_) => None,
        }
    }

    /// The turns, when the transcript could be read.
    pub fn turns(&self) -> Option<&Transcript> {
        match self {
            Self::Turns(t) => Some(t),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for CallbackTranscript {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let read = match &value {
            // Text that is not JSON at all is plain text, whatever it starts with
            // (`[Music]\nbot: Hi`).
            Value::String(text) => Transcript::deserialize(&value).ok().or_else(|| {
                serde_json::from_str::<serde::de::IgnoredAny>(text)
                    .is_err()
                    .then(|| Transcript::from_plain_text(text))
            }),
            Value::Array(_) => Transcript::deserialize(&value).ok(),
            _ => None,
        };
        Ok(match (read, value) {
            (Some(turns), _) => Self::Turns(turns),
            (None, Value::String(text)) => Self::Text(text),
            (None, other) => Self::Other(other),
        })
    }
}

impl CallbackDelivery {
    /// `data.call_id`.
    pub fn call_id(&self) -> Option<&CallId> {
        self.data.as_ref()?.call_id.as_ref()
    }

    /// `data.transcript`, when it could be read into turns (see [`CallbackTranscript`]).
    pub fn transcript(&self) -> Option<&Transcript> {
        self.data.as_ref()?.transcript.as_ref()?.turns()
    }

    /// `data.agent_id`.
    pub fn agent_id(&self) -> Option<&AgentId> {
        self.data.as_ref()?.agent_id.as_ref()
    }

    /// `data.status`.
    pub fn call_status(&self) -> Option<&CallStatus> {
        self.data.as_ref()?.status.as_ref()
    }

    /// `data.retry`.
    pub fn retry(&self) -> Option<u32> {
        self.data.as_ref()?.retry.as_ref().copied()
    }
}

/// True when a JSON object is a per-call callback envelope rather than a subscription event: it
/// has no `event_type` (or a `null` one) and its `data` is an object.
pub fn is_callback_envelope(object: &Map<String, Value>) -> bool {
    object.get("event_type").is_none_or(Value::is_null)
        && object.get("data").is_some_and(Value::is_object)
}
