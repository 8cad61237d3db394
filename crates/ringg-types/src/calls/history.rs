//! `GET /calling/history`: the query, the page and its rows.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::common::{Credits, Extra, Nullable, Seconds, Timestamp, Total, Transcript};
use crate::enums::{CallDirection, CallStatus, CallSubStatus, OrchestrationMode};
use crate::ids::{AgentId, CallId, ListId, VersionId};
use crate::macros::{option_setters, plain_setters};

/// Query of `GET /calling/history`.
///
/// Always set `limit` and `offset` (the documented defaults disagree). `start_date`/`end_date`
/// are ISO date-times with an offset; omitting them returns current data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallHistoryQuery {
    /// `start_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<Timestamp>,
    /// `end_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<Timestamp>,
    /// `limit` (max 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// `offset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
    /// `agent_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
    /// `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CallStatus>,
    /// `bulk_list_id`: calls of one campaign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bulk_list_id: Option<ListId>,
    /// `download` (old docs: CSV download).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download: Option<bool>,
}

option_setters!(CallHistoryQuery {
    /// Sets `start_date`.
    start_date: Timestamp,
    /// Sets `end_date`.
    end_date: Timestamp,
    /// Sets `agent_id`.
    agent_id: AgentId,
    /// Sets `status`.
    status: CallStatus,
    /// Sets `bulk_list_id`.
    bulk_list_id: ListId,
});

plain_setters!(CallHistoryQuery {
    /// Sets `limit`.
    limit: u32,
    /// Sets `offset`.
    offset: u32,
    /// Sets `download`.
    download: bool,
});

/// Response of `GET /calling/history` (no `data` envelope).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallHistoryResponse {
    /// `calls`. Required: a body without it (another envelope, an error answered 200) fails to
    /// decode, naming `calls`, rather than reading as an empty page, which a search for a call
    /// would take as "not placed".
    pub calls: Vec<CallRecord>,
    /// `limit` echoed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub limit: Option<u64>,
    /// `offset` echoed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub offset: Option<u64>,
    /// `count`: rows in this page.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub count: Option<u64>,
    /// `total`: a number or `"many"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Total>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(CallHistoryResponse);

/// One row of call history.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRecord {
    /// `id`: the call ID.
    pub id: CallId,
    /// `to_number` (for inbound calls: the Ringg number).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_number_text"
    )]
    pub to_number: Nullable<String>,
    /// `name`: the callee's name (a JSON number is read as its digits).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_number_text"
    )]
    pub name: Nullable<String>,
    /// `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CallStatus>,
    /// `sub_status`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub sub_status: Nullable<CallSubStatus>,
    /// `transcript`: a JSON-encoded string here (read either way).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub transcript: Nullable<Transcript>,
    /// `audio_recording`: the recording URL (expires after 24 h).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub audio_recording: Nullable<String>,
    /// `created_at`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::time"
    )]
    pub created_at: Option<Timestamp>,
    /// `agent`: the assistant and version.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub agent: Nullable<CallAgent>,
    /// `call_duration`, seconds.
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::blank_is_null"
    )]
    pub call_duration: Nullable<Seconds>,
    /// `call_attempt_time`.
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_time"
    )]
    pub call_attempt_time: Nullable<Timestamp>,
    /// `call_cost`, credits.
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::blank_is_null"
    )]
    pub call_cost: Nullable<Credits>,
    /// `call_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_type: Option<CallDirection>,
    /// `inbound_from`: the caller of an inbound call (a JSON number is read as its digits).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_number_text"
    )]
    pub inbound_from: Nullable<String>,
    /// `credits_processed`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::flag"
    )]
    pub credits_processed: Option<bool>,
    /// `from_numbers`.
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_strings"
    )]
    pub from_numbers: Nullable<Vec<String>>,
    /// `voicemail_detected`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::flag"
    )]
    pub voicemail_detected: Option<bool>,
    /// `currency` (e.g. `INR`).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub currency: Nullable<String>,
    /// `bulk_list_id`: the campaign list; `""` or `null` for individual calls (a JSON number
    /// is read as its digits).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_number_text"
    )]
    pub bulk_list_id: Nullable<String>,
    /// `next_attempt_time` for calls in `retry`.
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_time"
    )]
    pub next_attempt_time: Nullable<Timestamp>,
    /// `is_callback`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::flag"
    )]
    pub is_callback: Option<bool>,
    /// `custom_args_values`.
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_object"
    )]
    pub custom_args_values: Nullable<Map<String, Value>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(CallRecord);

impl CallRecord {
    /// The campaign list the call belongs to (`None` for individual calls).
    pub fn list_id(&self) -> Option<ListId> {
        self.bulk_list_id
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(ListId::new)
    }
}

/// `calls[].agent` in history.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct CallAgent {
    /// `id`.
    pub id: AgentId,
    /// `agent_name`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub agent_name: Nullable<String>,
    /// `agent_version_id`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub agent_version_id: Nullable<VersionId>,
    /// `orchestration_mode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orchestration_mode: Option<OrchestrationMode>,
    /// `version`: `{version_id, version_slug}`, or the slug alone (`"v1"`, as the assistant
    /// answers write it), read as a reference with only its slug.
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "version_ref"
    )]
    pub version: Nullable<VersionRef>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(CallAgent);

/// A reference to an assistant version: `{version_id, version_slug}`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VersionRef {
    /// `version_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<VersionId>,
    /// `version_slug`, e.g. `v1` (a number read as its text).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::any_text"
    )]
    pub version_slug: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(VersionRef);

/// A call's `version`: an object, or the slug alone (a string or a number); `""` is `null`.
fn version_ref<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Nullable<VersionRef>, D::Error> {
    use serde::de::Error as _;
    Ok(match Value::deserialize(d)? {
        Value::Null => Nullable::Null,
        Value::String(s) if s.trim().is_empty() => Nullable::Null,
        Value::String(slug) => Nullable::Value(VersionRef {
            version_slug: Some(slug),
            ..VersionRef::default()
        }),
        Value::Number(n) => Nullable::Value(VersionRef {
            version_slug: Some(n.to_string()),
            ..VersionRef::default()
        }),
        other => Nullable::Value(VersionRef::deserialize(other).map_err(D::Error::custom)?),
    })
}
