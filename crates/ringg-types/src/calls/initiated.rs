//! The response of both initiate endpoints, in its current and its older shape.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::common::{Extra, Timestamp};
use crate::enums::{CallDirection, CallStatus};
use crate::ids::{AgentId, CallId};

/// Response of both initiate endpoints.
///
/// Reads the current shape (`{status, data: {call_id, call_status, ...}, message}`) and the oldest
/// one, whose keys contain spaces (`{"Call Status": "...", data: {"Unique Call ID": ...}}`). Use
/// the accessors, which look in both.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InitiateCallResponse {
    /// `status`, e.g. `"success"` (a number or another value read as its text).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::any_text"
    )]
    pub status: Option<String>,
    /// `message`, e.g. `"Call initiated successfully"` (another value read as its text).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::any_text"
    )]
    pub message: Option<String>,
    /// `call_id` at the top level (some senders put it there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<CallId>,
    /// Legacy top-level `"Call Status"`: the message text.
    #[serde(
        rename = "Call Status",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub legacy_call_status: Option<String>,
    /// `data`: the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<InitiatedCall>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(InitiateCallResponse);

impl InitiateCallResponse {
    /// The new call's ID, from `data.call_id`, legacy `data["Unique Call ID"]` or top-level
    /// `call_id`.
    pub fn call_id(&self) -> Option<&CallId> {
        self.data
            .as_ref()
            .and_then(|d| d.call_id.as_ref().or(d.legacy_call_id.as_ref()))
            .or(self.call_id.as_ref())
    }

    /// The call status (`ongoing` or `registered` right after initiation).
    pub fn call_status(&self) -> Option<&CallStatus> {
        let d = self.data.as_ref()?;
        d.call_status.as_ref().or(d.legacy_call_status.as_ref())
    }

    /// The call direction.
    pub fn call_direction(&self) -> Option<&CallDirection> {
        let d = self.data.as_ref()?;
        d.call_direction
            .as_ref()
            .or(d.legacy_call_direction.as_ref())
    }

    /// When the call was initiated.
    pub fn initiated_at(&self) -> Option<&Timestamp> {
        let d = self.data.as_ref()?;
        d.initiated_at.as_ref().or(d.legacy_initiated_at.as_ref())
    }

    /// The assistant.
    pub fn agent_id(&self) -> Option<&AgentId> {
        let d = self.data.as_ref()?;
        d.agent_id.as_ref().or(d.legacy_agent_id.as_ref())
    }

    /// The caller number (legacy responses only).
    pub fn from_number(&self) -> Option<&str> {
        let d = self.data.as_ref()?;
        d.from_number.as_deref().or(d.legacy_from_number.as_deref())
    }

    /// The called number (legacy responses only).
    pub fn to_number(&self) -> Option<&str> {
        let d = self.data.as_ref()?;
        d.to_number.as_deref().or(d.legacy_to_number.as_deref())
    }

    /// The human-readable result: `message`, legacy `"Call Status"`, or `data.message`.
    pub fn message(&self) -> Option<&str> {
        self.message
            .as_deref()
            .or(self.legacy_call_status.as_deref())
            .or_else(|| self.data.as_ref().and_then(|d| d.message.as_deref()))
    }

    /// The variables the call will use, after enrichment (`mobile_number`, `callee_name` added).
    pub fn custom_args_values(&self) -> Option<&Map<String, Value>> {
        self.data.as_ref()?.custom_args_values.as_ref()
    }

    /// What can be read of an answer the typed reading refused (a field of a shape not
    /// foreseen): the call id, from wherever [`call_id`](Self::call_id) looks (a string, or a
    /// whole number as its digits), with every other field kept unread in `extra` and
    /// `data`'s `extra`. `None` when the body is not a JSON object naming a call id. An answer
    /// naming its call was placed, whatever else it holds, so it must not be reported as
    /// unknown.
    pub fn salvage(body: &[u8]) -> Option<Self> {
        fn take_id(map: &mut Map<String, Value>, key: &str) -> Option<CallId> {
            let id = CallId::deserialize(map.get(key)?).ok()?;
            if id.as_str().trim().is_empty() {
                return None;
            }
            map.remove(key);
            Some(id)
        }
        let Ok(Value::Object(mut top)) = serde_json::from_slice::<Value>(body) else {
            return None;
        };
        let mut out = Self::default();
        if let Some(Value::Object(mut data)) = top.get("data").cloned() {
            top.remove("data");
            let call_id = take_id(&mut data, "call_id");
            let legacy_call_id = match call_id {
                Some(_) => None,
                None => take_id(&mut data, "Unique Call ID"),
            };
            out.data = Some(InitiatedCall {
                call_id,
                legacy_call_id,
                extra: data,
                ..InitiatedCall::default()
            });
        }
        out.call_id = take_id(&mut top, "call_id");
        out.extra = top;
        out.call_id().is_some().then_some(out)
    }
}

/// `data` of [`InitiateCallResponse`], current and legacy keys side by side.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InitiatedCall {
    /// `call_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<CallId>,
    /// `call_direction`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_direction: Option<CallDirection>,
    /// `call_status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_status: Option<CallStatus>,
    /// `initiated_at` (naive, no offset, in the docs).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::time"
    )]
    pub initiated_at: Option<Timestamp>,
    /// `agent_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
    /// `from_number`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::number_text"
    )]
    pub from_number: Option<String>,
    /// `to_number`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::number_text"
    )]
    pub to_number: Option<String>,
    /// `custom_args_values` after enrichment (an object, or one JSON-encoded in a string).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::option_object"
    )]
    pub custom_args_values: Option<Map<String, Value>>,
    /// `message` (legacy; another value read as its text).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::any_text"
    )]
    pub message: Option<String>,
    /// Legacy `"Unique Call ID"`.
    #[serde(
        rename = "Unique Call ID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub legacy_call_id: Option<CallId>,
    /// Legacy `"Call Direction"`.
    #[serde(
        rename = "Call Direction",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub legacy_call_direction: Option<CallDirection>,
    /// Legacy `"Call Status"`.
    #[serde(
        rename = "Call Status",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub legacy_call_status: Option<CallStatus>,
    /// Legacy `"From Number"`.
    #[serde(
        rename = "From Number",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::number_text"
    )]
    pub legacy_from_number: Option<String>,
    /// Legacy `"To Number"`.
    #[serde(
        rename = "To Number",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::number_text"
    )]
    pub legacy_to_number: Option<String>,
    /// Legacy `"Initiated at"`.
    #[serde(
        rename = "Initiated at",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::time"
    )]
    pub legacy_initiated_at: Option<Timestamp>,
    /// Legacy `"Agent ID"`.
    #[serde(rename = "Agent ID", default, skip_serializing_if = "Option::is_none")]
    pub legacy_agent_id: Option<AgentId>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(InitiatedCall);
