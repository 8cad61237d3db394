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

use crate::redact::{MaskedMap, REDACTED};
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::calls::PlatformAnalysis;
use crate::common::{
    Credits, DecodeError, Extra, Nullable, OneOrMany, Seconds, Timestamp, Transcript, decode,
};
pub use crate::enums::{CallDirection, CallStatus, CallSubStatus, EventType, WebhookMethod};
use crate::ids::{AgentId, CallId, ListId, VersionId, WorkspaceId};

macro_rules! webhook_payload {
    (
        $(#[$meta:meta])*
        $name:ident => $event:ident {
            $(
                $(#[$fmeta:meta])*
                pub $field:ident : $fty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        ///
        /// Every field except `event_type` is optional: which ones arrive depends on the
        /// documentation generation the sender follows. Unknown fields land in `extra`.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            /// `event_type`.
            pub event_type: EventType,
            /// `call_id`: the call (same as `calls[].id` in history).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub call_id: Option<CallId>,
            /// `call_sid`: the telephony provider's call id (Twilio `CA…`, Plivo UUID).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub call_sid: Option<String>,
            /// `agent_id`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub agent_id: Option<AgentId>,
            /// `workspace_id`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub workspace_id: Option<WorkspaceId>,
            /// `agent_name`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub agent_name: Option<String>,
            /// `version_id`: the assistant version that handled the call.
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub version_id: Nullable<VersionId>,
            /// `version_slug` (e.g. `v1`).
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub version_slug: Nullable<String>,
            /// `version_description`.
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub version_description: Nullable<String>,
            /// `custom_args_values`: the variables supplied at call time.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub custom_args_values: Option<Map<String, Value>>,
            /// `bulk_list_id`: the campaign list, `null` for individual calls.
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub bulk_list_id: Nullable<ListId>,
            /// `call_cost` in credits, `null` until computed.
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub call_cost: Nullable<Credits>,
            /// `overall_latency_seconds`.
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub overall_latency_seconds: Nullable<Seconds>,
            /// `first_utterance_seconds`.
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub first_utterance_seconds: Nullable<Seconds>,
            /// `tool_call_logs` (shape undocumented).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub tool_call_logs: Option<Vec<Value>>,
            /// `status`: `completed`, `failed` or `retry` on `call_completed`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub status: Option<CallStatus>,
            /// `sub_status` (e.g. `ACCEPTED`).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub sub_status: Option<CallSubStatus>,
            /// `retry_count`: 0 on the first attempt.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub retry_count: Option<u32>,
            /// `call_type`: `outbound`, `inbound` or `webcall`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub call_type: Option<CallDirection>,
            /// `to_number` (kept as text, not validated).
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub to_number: Nullable<String>,
            /// `from_number` (kept as text, not validated).
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub from_number: Nullable<String>,
            /// `called_on`: when the call was placed.
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub called_on: Nullable<Timestamp>,
            /// `call_duration` in seconds.
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub call_duration: Nullable<Seconds>,
            /// `agent_message_count`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub agent_message_count: Option<u32>,
            /// `user_message_count`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub user_message_count: Option<u32>,
            /// `transcript`: an array of turns (or a JSON-encoded string of one).
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub transcript: Nullable<Transcript>,
            /// `recording_url` (expires 24 h after the call).
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub recording_url: Nullable<String>,
            /// `recording_duration` in seconds.
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub recording_duration: Nullable<Seconds>,
            $(
                $(#[$fmeta])*
                pub $field: $fty,
            )*
            /// Unknown fields, kept and written back.
            #[serde(flatten)]
            pub extra: Extra,
        }

        impl Default for $name {
            fn default() -> Self {
                Self {
                    event_type: EventType::$event,
                    call_id: None,
                    call_sid: None,
                    agent_id: None,
                    workspace_id: None,
                    agent_name: None,
                    version_id: Nullable::Absent,
                    version_slug: Nullable::Absent,
                    version_description: Nullable::Absent,
                    custom_args_values: None,
                    bulk_list_id: Nullable::Absent,
                    call_cost: Nullable::Absent,
                    overall_latency_seconds: Nullable::Absent,
                    first_utterance_seconds: Nullable::Absent,
                    tool_call_logs: None,
                    status: None,
                    sub_status: None,
                    retry_count: None,
                    call_type: None,
                    to_number: Nullable::Absent,
                    from_number: Nullable::Absent,
                    called_on: Nullable::Absent,
                    call_duration: Nullable::Absent,
                    agent_message_count: None,
                    user_message_count: None,
                    transcript: Nullable::Absent,
                    recording_url: Nullable::Absent,
                    recording_duration: Nullable::Absent,
                    $($field: Default::default(),)*
                    extra: Extra::new(),
                }
            }
        }

        impl $name {
            /// An empty payload for `call_id` (fields to be filled in), with the right
            /// `event_type`.
            pub fn new(call_id: CallId) -> Self {
                Self {
                    call_id: Some(call_id),
                    ..Self::default()
                }
            }
        }
    };
}

webhook_payload! {
    /// `call_started`: the call was initiated or answered (`sub_status: "ACCEPTED"`).
    CallStarted => CallStarted {}
}

webhook_payload! {
    /// `call_ringing`: the phone is ringing.
    CallRinging => CallRinging {}
}

webhook_payload! {
    /// `call_ongoing`: the conversation is in progress.
    CallOngoing => CallOngoing {}
}

webhook_payload! {
    /// `call_completed`: one call **attempt** finished. `status` is `completed`, `failed` or
    /// `retry`; with retries one call can produce several of these (`retry_count` 0, 1, ...).
    CallCompleted => CallCompleted {}
}

webhook_payload! {
    /// `recording_completed`: the recording is processed and `recording_url` is ready.
    RecordingCompleted => RecordingCompleted {}
}

webhook_payload! {
    /// `platform_analysis_completed`: Ringg's built-in analysis finished (`analysis_data`).
    PlatformAnalysisCompleted => PlatformAnalysisCompleted {
        /// `analysis_data`: summary, classification, sentiment, ...
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        pub analysis_data: Nullable<PlatformAnalysis>,
    }
}

webhook_payload! {
    /// `client_analysis_completed`: the assistant's custom analysis finished. `analysis_data`
    /// holds the keys of the assistant's `custom_analysis_prompt`.
    ClientAnalysisCompleted => ClientAnalysisCompleted {
        /// `analysis_data`: the custom keys and their values.
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        pub analysis_data: Nullable<Map<String, Value>>,
    }
}

webhook_payload! {
    /// `all_processing_completed`: recording, transcript and both analyses are done; one
    /// consolidated payload with the whole call.
    AllProcessingCompleted => AllProcessingCompleted {
        /// `platform_analysis`: Ringg's analysis.
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        pub platform_analysis: Nullable<PlatformAnalysis>,
        /// `client_analysis`: the custom analysis keys.
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        pub client_analysis: Nullable<Map<String, Value>>,
        /// `analysis_data`, when a sender uses the per-event name instead.
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        pub analysis_data: Nullable<Value>,
    }
}

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

impl From<CallCompleted> for WebhookEvent {
    fn from(p: CallCompleted) -> Self {
        Self::CallCompleted(p)
    }
}

impl From<CallStarted> for WebhookEvent {
    fn from(p: CallStarted) -> Self {
        Self::CallStarted(p)
    }
}

impl From<CallRinging> for WebhookEvent {
    fn from(p: CallRinging) -> Self {
        Self::CallRinging(p)
    }
}

impl From<CallOngoing> for WebhookEvent {
    fn from(p: CallOngoing) -> Self {
        Self::CallOngoing(p)
    }
}

impl From<RecordingCompleted> for WebhookEvent {
    fn from(p: RecordingCompleted) -> Self {
        Self::RecordingCompleted(p)
    }
}

impl From<PlatformAnalysisCompleted> for WebhookEvent {
    fn from(p: PlatformAnalysisCompleted) -> Self {
        Self::PlatformAnalysisCompleted(p)
    }
}

impl From<ClientAnalysisCompleted> for WebhookEvent {
    fn from(p: ClientAnalysisCompleted) -> Self {
        Self::ClientAnalysisCompleted(p)
    }
}

impl From<AllProcessingCompleted> for WebhookEvent {
    fn from(p: AllProcessingCompleted) -> Self {
        Self::AllProcessingCompleted(p)
    }
}

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

// ---------------------------------------------------------------------------------------------
// Subscriptions
// ---------------------------------------------------------------------------------------------

/// One webhook subscription of an assistant (`event_subscriptions[]`, §3.1).
///
/// Written with `PATCH /agent/v1` `edit_event_subscriptions`; the list **replaces** the
/// assistant's whole set, so read the current list first
/// ([`AssistantDetails::event_subscriptions`](crate::assistants::AssistantDetails::event_subscriptions)).
///
/// ```
/// use ringg_types::webhook::{EventSubscription, EventType};
/// let sub = EventSubscription::new(
///     vec![EventType::AllProcessingCompleted],
///     "https://api.example.com/webhooks/ringg",
/// )
/// .header("Authorization", "Bearer token");
/// let json = serde_json::to_value(&sub).unwrap();
/// assert_eq!(json["event_type"][0], "all_processing_completed");
/// assert_eq!(json["method_type"], "POST");
/// // Header values usually carry a shared secret: Debug shows their names only.
/// assert!(!format!("{sub:?}").contains("Bearer token"));
/// ```
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct EventSubscription {
    /// `event_type`: one type (older docs) or a list (newer docs).
    pub event_type: OneOrMany<EventType>,
    /// `callback_url`: the HTTPS URL Ringg delivers to.
    pub callback_url: String,
    /// `headers` Ringg sends with every delivery (use one to authenticate Ringg to you).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Map<String, Value>>,
    /// `method_type`: POST (recommended), PUT or PATCH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method_type: Option<WebhookMethod>,
    /// `auth_fetch_config`: fetch a token before each delivery.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub auth_fetch_config: Nullable<AuthFetchConfig>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl EventSubscription {
    /// A POST subscription of `event_types` to `callback_url`.
    pub fn new(event_types: Vec<EventType>, callback_url: impl Into<String>) -> Self {
        Self {
            event_type: OneOrMany::Many(event_types),
            callback_url: callback_url.into(),
            headers: None,
            method_type: Some(WebhookMethod::Post),
            auth_fetch_config: Nullable::Absent,
            extra: Extra::new(),
        }
    }

    /// Adds a header Ringg sends with each delivery.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers
            .get_or_insert_with(Map::new)
            .insert(name.into(), Value::String(value.into()));
        self
    }

    /// Sets the delivery method.
    #[must_use]
    pub fn method(mut self, method: WebhookMethod) -> Self {
        self.method_type = Some(method);
        self
    }

    /// The subscribed event types.
    pub fn event_types(&self) -> &[EventType] {
        self.event_type.as_slice()
    }

    /// True when the subscription covers `event_type`.
    pub fn covers(&self, event_type: &EventType) -> bool {
        self.event_types().contains(event_type)
    }
}

/// `auth_fetch_config`: Ringg fetches a token from your auth server before delivering, and sends
/// it in `header_name` using `header_value_template` (which must contain `{{token}}`).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthFetchConfig {
    /// `enabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// `url` of the token endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `method` for the token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// `headers` for the token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Map<String, Value>>,
    /// `body` of the token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// `query_params` of the token request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_params: Option<Map<String, Value>>,
    /// `token_path` in the token response, e.g. `data.token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_path: Option<String>,
    /// `ttl_seconds` (30–86400).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_seconds: Option<u32>,
    /// `header_name`, e.g. `Authorization`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_name: Option<String>,
    /// `header_value_template`, e.g. `Bearer {{token}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_value_template: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl fmt::Debug for EventSubscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventSubscription")
            .field("event_type", &self.event_type)
            .field("callback_url", &self.callback_url)
            .field("headers", &MaskedMap(&self.headers))
            .field("method_type", &self.method_type)
            .field("auth_fetch_config", &self.auth_fetch_config)
            .field("extra_keys", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl fmt::Debug for AuthFetchConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthFetchConfig")
            .field("enabled", &self.enabled)
            .field("url", &self.url)
            .field("method", &self.method)
            .field("headers", &MaskedMap(&self.headers))
            .field("body", &self.body.as_ref().map(|_| REDACTED))
            .field("query_params", &MaskedMap(&self.query_params))
            .field("token_path", &self.token_path)
            .field("ttl_seconds", &self.ttl_seconds)
            .field("header_name", &self.header_name)
            .field("header_value_template", &self.header_value_template)
            .field("extra_keys", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::Speaker;
    use serde_json::json;

    fn parse(v: Value) -> WebhookEvent {
        WebhookEvent::from_slice(v.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn dispatches_on_event_type() {
        for et in EventType::KNOWN {
            let ev = parse(json!({"event_type": et.as_str(), "call_id": "c1", "agent_id": "a1"}));
            assert_eq!(&ev.event_type(), et);
            assert_eq!(ev.call_id().unwrap().as_str(), "c1");
            assert_eq!(ev.agent_id().unwrap().as_str(), "a1");
            assert!(!matches!(ev, WebhookEvent::Unknown(_)));
        }
    }

    #[test]
    fn unknown_event_type_is_kept_raw() {
        let raw = json!({"event_type": "call_transferred", "call_id": "c1", "x": [1, 2]});
        let ev = parse(raw.clone());
        let WebhookEvent::Unknown(u) = &ev else {
            panic!("expected Unknown, got {ev:?}")
        };
        assert_eq!(u.event_type_str(), "call_transferred");
        assert_eq!(
            ev.event_type(),
            EventType::Unknown("call_transferred".into())
        );
        assert_eq!(ev.call_id().unwrap().as_str(), "c1");
        assert_eq!(ev.to_value().unwrap(), raw);
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (json!({"call_id": "c"}), "event_type"),
            (json!({"event_type": null}), "event_type"),
            (json!({"event_type": 7}), "event_type"),
            (
                json!({"event_type": "call_completed", "call_id": 5}),
                "call_id",
            ),
            (
                json!({"event_type": "call_completed", "transcript": [{"bot": "hi"}, 3]}),
                "transcript[1]",
            ),
            (
                json!({"event_type": "call_completed", "retry_count": -1}),
                "retry_count",
            ),
            (
                json!({"event_type": "platform_analysis_completed", "analysis_data": {"callback_requested": "perhaps"}}),
                "analysis_data.callback_requested",
            ),
            (json!([1, 2]), "."),
        ];
        for (body, path) in cases {
            let err = WebhookEvent::from_slice(body.to_string().as_bytes()).unwrap_err();
            assert_eq!(err.path(), path, "{body}: {err}");
            assert!(err.to_string().contains(path), "{err}");
            assert_eq!(err.body(), body.to_string().as_bytes());
        }
        let err = WebhookEvent::from_slice(b"{not json").unwrap_err();
        assert!(err.event_type().is_none());
        let err = WebhookEvent::from_slice(br#"{"event_type":"call_completed","call_id":1}"#)
            .unwrap_err();
        assert_eq!(err.event_type(), Some(&EventType::CallCompleted));
        assert!(err.to_string().contains("call_completed"));
    }

    #[test]
    fn call_completed_fields_and_round_trip() {
        let raw = json!({
            "event_type": "call_completed", "call_id": "c", "status": "completed", "retry_count": 1,
            "transcript": "[{\"bot\": \"Hello\"}, {\"user\": \"Hi\"}]", "bulk_list_id": null,
            "call_cost": 0.15, "call_duration": 9, "called_on": "2025-12-14T19:37:13.310707Z",
            "custom_args_values": {"callee_name": "John"}, "surprise": {"nested": true}
        });
        let ev = parse(raw.clone());
        let WebhookEvent::CallCompleted(c) = &ev else {
            panic!("{ev:?}")
        };
        assert_eq!(c.status, Some(CallStatus::Completed));
        assert_eq!(c.retry_count, Some(1));
        assert!(c.bulk_list_id.is_null());
        assert_eq!(
            c.transcript.as_ref().unwrap().turns()[1].speaker(),
            Speaker::User
        );
        assert_eq!(ev.status(), Some(&CallStatus::Completed));
        assert!(ev.extra().contains_key("surprise"));
        assert_eq!(ev.to_value().unwrap(), raw);
        let via_serde: WebhookEvent = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(via_serde, ev);
    }

    #[test]
    fn built_payload_serializes() {
        let mut done = CallCompleted::new(CallId::new("c9"));
        done.status = Some(CallStatus::Failed);
        done.retry_count = Some(2);
        let ev = WebhookEvent::from(done);
        assert_eq!(
            ev.to_value().unwrap(),
            json!({"event_type": "call_completed", "call_id": "c9", "status": "failed", "retry_count": 2})
        );
    }

    #[test]
    fn subscriptions_accept_one_or_many() {
        let old: EventSubscription = serde_json::from_value(json!({
            "event_type": "call_completed", "callback_url": "https://x", "method_type": "PUT"
        }))
        .unwrap();
        assert!(old.covers(&EventType::CallCompleted));
        assert_eq!(old.method_type, Some(WebhookMethod::Put));
        let new: EventSubscription = serde_json::from_value(json!({
            "event_type": ["call_started", "call_completed"], "callback_url": "https://x",
            "auth_fetch_config": {"enabled": true, "ttl_seconds": 3600, "header_value_template": "Bearer {{token}}"}
        }))
        .unwrap();
        assert_eq!(new.event_types().len(), 2);
        assert_eq!(
            new.auth_fetch_config.as_ref().unwrap().ttl_seconds,
            Some(3600)
        );
    }
}
