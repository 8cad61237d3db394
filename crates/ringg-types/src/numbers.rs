//! Caller numbers of the workspace (API reference §2.2).

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::common::PageQuery;
use crate::common::{Extra, Nullable, Timestamp};
pub use crate::enums::TelephonyProvider;
use crate::ids::{AgentId, NumberId, NumberPoolId};

/// Response of `GET /workspace/numbers` (no pagination metadata).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NumbersResponse {
    /// `workspace_numbers`. Required: a body without it (another envelope, an error answered 200)
    /// fails to decode, naming it, rather than reading as an empty list.
    pub workspace_numbers: Vec<WorkspaceNumber>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(NumbersResponse);

/// A caller number. Its `id` is the `from_number_id` of a call and the `number_id` of
/// `attach_inbound_number`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceNumber {
    /// `id`.
    pub id: NumberId,
    /// `number` (kept as text).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::number_text"
    )]
    pub number: Option<String>,
    /// `created_at`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::time"
    )]
    pub created_at: Option<Timestamp>,
    /// `call_count`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub call_count: Option<u64>,
    /// `agent`: the assistant attached for inbound calls, or `null` (also for `""`, `{}` or an
    /// object without an `id`: no assistant is attached).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "attached_agent"
    )]
    pub agent: Nullable<NumberAgent>,
    /// `is_inbound_enabled`: required for `attach_inbound_number`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::flag"
    )]
    pub is_inbound_enabled: Option<bool>,
    /// `is_test_number`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::flag"
    )]
    pub is_test_number: Option<bool>,
    /// `tags`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::values"
    )]
    pub tags: Option<Vec<Value>>,
    /// `is_spam`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::flag"
    )]
    pub is_spam: Option<bool>,
    /// `spam_message` (another value read as its text).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_any_text"
    )]
    pub spam_message: Nullable<String>,
    /// `provider`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub provider: Nullable<TelephonyProvider>,
    /// `display_name` (a number or another value read as its text).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_any_text"
    )]
    pub display_name: Nullable<String>,
    /// `owner` (an object or another value read as its JSON text).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_any_text"
    )]
    pub owner: Nullable<String>,
    /// `is_custom_number`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::flag"
    )]
    pub is_custom_number: Option<bool>,
    /// `telephony_id` (a number read as its text).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_any_text"
    )]
    pub telephony_id: Nullable<String>,
    /// `number_pool_id`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub number_pool_id: Nullable<NumberPoolId>,
    /// `isExpired` (camelCase on the wire).
    #[serde(
        rename = "isExpired",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::flag"
    )]
    pub is_expired: Option<bool>,
    /// `expiry_date`, as written (an epoch number as its digits).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_any_text"
    )]
    pub expiry_date: Nullable<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(WorkspaceNumber);

impl WorkspaceNumber {
    /// True when the number can be attached to an inbound assistant: inbound enabled, not
    /// expired and not attached to another assistant.
    pub fn is_free_for_inbound(&self) -> bool {
        self.is_inbound_enabled == Some(true)
            && self.is_expired != Some(true)
            && self.agent.as_ref().is_none()
    }
}

/// `workspace_numbers[].agent`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct NumberAgent {
    /// `id`.
    pub id: AgentId,
    /// `agent_display_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_display_name: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(NumberAgent);

/// A number's `agent`: an object naming the assistant by `id`; `null`, `""`, or an object with
/// no (or a blank) `id` read as `null`, none attached.
fn attached_agent<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Nullable<NumberAgent>, D::Error> {
    use serde::de::Error as _;
    let value = Value::deserialize(d)?;
    let no_id = match &value {
        Value::Object(fields) => match fields.get("id") {
            None | Some(Value::Null) => true,
            Some(Value::String(id)) => id.trim().is_empty(),
            Some(_) => false,
        },
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    };
    if no_id {
        return Ok(Nullable::Null);
    }
    NumberAgent::deserialize(value)
        .map(Nullable::Value)
        .map_err(D::Error::custom)
}
