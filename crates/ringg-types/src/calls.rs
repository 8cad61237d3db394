//! Calling: initiate a call, call history, call details, history export, contact-list deletion
//! (API reference §2.3).
//!
//! ```
//! use ringg_types::calls::{CallerSource, InitiateCallRequest, CallConfig, CallTime};
//! use ringg_types::ids::{AgentId, NumberPoolId};
//! use ringg_types::phone::PhoneNumber;
//!
//! let req = InitiateCallRequest::new(
//!     AgentId::new("a31f36c4-c8ea-4c4b-9ad6-743dabacafbd"),
//!     "Abhishek",
//!     PhoneNumber::parse("+912332423423").unwrap(),
//!     CallerSource::NumberPool(NumberPoolId::new("0b84b167-2dcb-4bbd-abab-1837000bea17")),
//! )
//! .custom_arg("order_id", "ORD-1042")
//! .call_config(CallConfig::default().call_time(CallTime::window("09:00", "18:00", "Asia/Kolkata")));
//! let json = serde_json::to_value(&req).unwrap();
//! assert_eq!(json["number_pool_id"], "0b84b167-2dcb-4bbd-abab-1837000bea17");
//! assert!(json.get("from_number_id").is_none());
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use crate::common::MessageResponse;
use crate::common::{
    Credits, Extra, FlexBool, Nullable, Seconds, TextList, Timestamp, Total, Transcript,
};
pub use crate::enums::{
    CallDirection, CallStatus, CallSubStatus, CallType, OrchestrationMode, Sentiment,
};
use crate::ids::{AgentId, CallId, ListId, NumberId, NumberPoolId, VersionId, VoiceId};
use crate::macros::option_setters;
use crate::phone::PhoneNumber;

// ---------------------------------------------------------------------------------------------
// Initiate
// ---------------------------------------------------------------------------------------------

/// Which caller ID an outbound call uses. Serialized as exactly one of `from_number_id`,
/// `from_number` or `number_pool_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum CallerSource {
    /// `from_number_id`: a workspace number (`GET /workspace/numbers` → `id`). Preferred on v1.
    #[serde(rename = "from_number_id")]
    FromNumberId(NumberId),
    /// `from_number`: a caller number in E.164.
    #[serde(rename = "from_number")]
    FromNumber(PhoneNumber),
    /// `number_pool_id`: a managed number pool (v2 endpoint only; recommended there).
    #[serde(rename = "number_pool_id")]
    NumberPool(NumberPoolId),
}

impl CallerSource {
    /// True when the source can be sent to the v1 endpoint (`/calling/outbound/individual`),
    /// which knows no number pools.
    pub fn is_v1_compatible(&self) -> bool {
        !matches!(self, Self::NumberPool(_))
    }
}

/// Body of `POST /calling/outbound/individual` (v1) and `POST /calling/v2/outbound/individual`.
///
/// Fields only the v2 endpoint reads: a [`CallerSource::NumberPool`] caller, `voice_id`,
/// `version_id`, `call_category`, `parent_call_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InitiateCallRequest {
    /// `name`: the recipient's name (used as `callee_name` when that variable is absent).
    pub name: String,
    /// `mobile_number`: the number to call.
    pub mobile_number: PhoneNumber,
    /// `agent_id`: the assistant that calls.
    pub agent_id: AgentId,
    /// The caller ID.
    #[serde(flatten)]
    pub caller: CallerSource,
    /// `custom_args_values`: prompt variables (`@{{name}}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_args_values: Option<Map<String, Value>>,
    /// `callback_url`: a per-call callback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// `callback_args`: headers and params sent with the callback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_args: Option<CallbackArgs>,
    /// `smart_formatter`: name clean-up and transliteration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smart_formatter: Option<SmartFormatter>,
    /// `call_config`: per-call overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_config: Option<CallConfig>,
    /// `voice_id`: per-call voice override (v2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_id: Option<VoiceId>,
    /// `version_id`: the assistant version to use (v2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<VersionId>,
    /// `call_category`, e.g. `renewal_reminder` (v2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_category: Option<String>,
    /// `parent_call_id`: links a follow-up call to an earlier one (v2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_call_id: Option<CallId>,
    /// Extra fields to send as they are (and unknown fields when parsing).
    #[serde(flatten)]
    pub extra: Extra,
}

impl InitiateCallRequest {
    /// A request with the required fields.
    pub fn new(
        agent_id: AgentId,
        name: impl Into<String>,
        mobile_number: PhoneNumber,
        caller: CallerSource,
    ) -> Self {
        Self {
            name: name.into(),
            mobile_number,
            agent_id,
            caller,
            custom_args_values: None,
            callback_url: None,
            callback_args: None,
            smart_formatter: None,
            call_config: None,
            voice_id: None,
            version_id: None,
            call_category: None,
            parent_call_id: None,
            extra: Extra::new(),
        }
    }

    /// Adds one `custom_args_values` entry.
    #[must_use]
    pub fn custom_arg(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.custom_args_values
            .get_or_insert_with(Map::new)
            .insert(name.into(), value.into());
        self
    }

    /// True when the request uses only fields the v1 endpoint knows.
    pub fn is_v1_compatible(&self) -> bool {
        self.caller.is_v1_compatible()
            && self.voice_id.is_none()
            && self.version_id.is_none()
            && self.call_category.is_none()
            && self.parent_call_id.is_none()
    }
}

option_setters!(InitiateCallRequest {
    /// Sets `callback_url`.
    callback_url: String,
    /// Sets `callback_args`.
    callback_args: CallbackArgs,
    /// Sets `smart_formatter`.
    smart_formatter: SmartFormatter,
    /// Sets `call_config`.
    call_config: CallConfig,
    /// Sets `voice_id`.
    voice_id: VoiceId,
    /// Sets `version_id`.
    version_id: VersionId,
    /// Sets `call_category`.
    call_category: String,
    /// Sets `parent_call_id`.
    parent_call_id: CallId,
});

/// `callback_args`: sent along with the per-call callback. `Debug` shows the header names,
/// never their values.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallbackArgs {
    /// `headers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<Map<String, Value>>,
    /// `params`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Map<String, Value>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl std::fmt::Debug for CallbackArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackArgs")
            .field("headers", &crate::redact::MaskedMap(&self.headers))
            .field("params", &self.params)
            .field("extra_keys", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// `smart_formatter`: first-name extraction and transliteration of the callee's name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SmartFormatter {
    /// `extract_first_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extract_first_name: Option<bool>,
    /// `transliteration` (turns on `extract_first_name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transliteration: Option<bool>,
    /// `transliteration_language`: `{source: "en", target: "hi"}` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transliteration_language: Option<TransliterationLanguage>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `smart_formatter.transliteration_language`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransliterationLanguage {
    /// `source` (default `en`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `target` (default `hi`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `call_config`: per-call (or per-campaign) overrides. Unset fields keep the assistant's values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallConfig {
    /// `idle_timeout_warning`, seconds (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_warning: Option<u32>,
    /// `idle_timeout_end`, seconds (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_end: Option<u32>,
    /// `max_call_length`, seconds (default 240).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_call_length: Option<u32>,
    /// `call_retry_config`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_retry_config: Option<CallRetryConfig>,
    /// `call_time`: calling window and schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_time: Option<CallTime>,
    /// Other keys (`voicemail`, `noise_filter_config`, ...), sent as they are.
    #[serde(flatten)]
    pub extra: Extra,
}

option_setters!(CallConfig {
    /// Sets `idle_timeout_warning` (seconds).
    idle_timeout_warning: u32,
    /// Sets `idle_timeout_end` (seconds).
    idle_timeout_end: u32,
    /// Sets `max_call_length` (seconds).
    max_call_length: u32,
    /// Sets `call_retry_config`.
    call_retry_config: CallRetryConfig,
    /// Sets `call_time`.
    call_time: CallTime,
});

/// `call_config.call_retry_config`. Delays are in minutes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallRetryConfig {
    /// `retry_count`: how many retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_count: Option<u32>,
    /// `retry_busy`: minutes before retrying a busy line (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_busy: Option<u32>,
    /// `retry_not_picked`: minutes before retrying an unanswered call (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_not_picked: Option<u32>,
    /// `retry_failed`: minutes before retrying a failed call (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_failed: Option<u32>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl CallRetryConfig {
    /// `retry_count` retries, each `delay_minutes` after a busy, unanswered or failed attempt.
    pub fn uniform(retry_count: u32, delay_minutes: u32) -> Self {
        Self {
            retry_count: Some(retry_count),
            retry_busy: Some(delay_minutes),
            retry_not_picked: Some(delay_minutes),
            retry_failed: Some(delay_minutes),
            extra: Extra::new(),
        }
    }
}

/// `call_config.call_time`: the daily calling window and an optional schedule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallTime {
    /// `call_start_time`, `"HH:MM"` (default `00:00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_start_time: Option<String>,
    /// `call_end_time`, `"HH:MM"` (default `23:00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_end_time: Option<String>,
    /// `timezone`: IANA name (default `Asia/Kolkata`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// `scheduled_at`: queue the call for this time (the window still applies).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub scheduled_at: Nullable<Timestamp>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl CallTime {
    /// A daily window `start`–`end` (`"HH:MM"`) in `timezone`.
    pub fn window(
        start: impl Into<String>,
        end: impl Into<String>,
        timezone: impl Into<String>,
    ) -> Self {
        Self {
            call_start_time: Some(start.into()),
            call_end_time: Some(end.into()),
            timezone: Some(timezone.into()),
            ..Self::default()
        }
    }

    /// Sets `scheduled_at`.
    #[must_use]
    pub fn scheduled_at(mut self, at: Timestamp) -> Self {
        self.scheduled_at = Nullable::Value(at);
        self
    }
}

/// Response of both initiate endpoints.
///
/// Reads the current shape (`{status, data: {call_id, call_status, ...}, message}`) and the oldest
/// one, whose keys contain spaces (`{"Call Status": "...", data: {"Unique Call ID": ...}}`). Use
/// the accessors, which look in both.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InitiateCallResponse {
    /// `status`, e.g. `"success"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `message`, e.g. `"Call initiated successfully"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
}

/// `data` of [`InitiateCallResponse`], current and legacy keys side by side.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiated_at: Option<Timestamp>,
    /// `agent_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
    /// `from_number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_number: Option<String>,
    /// `to_number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_number: Option<String>,
    /// `custom_args_values` after enrichment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_args_values: Option<Map<String, Value>>,
    /// `message` (legacy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
        skip_serializing_if = "Option::is_none"
    )]
    pub legacy_from_number: Option<String>,
    /// Legacy `"To Number"`.
    #[serde(rename = "To Number", default, skip_serializing_if = "Option::is_none")]
    pub legacy_to_number: Option<String>,
    /// Legacy `"Initiated at"`.
    #[serde(
        rename = "Initiated at",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub legacy_initiated_at: Option<Timestamp>,
    /// Legacy `"Agent ID"`.
    #[serde(rename = "Agent ID", default, skip_serializing_if = "Option::is_none")]
    pub legacy_agent_id: Option<AgentId>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------------------------------------
// History
// ---------------------------------------------------------------------------------------------

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
    /// Sets `limit`.
    limit: u32,
    /// Sets `offset`.
    offset: u32,
    /// Sets `agent_id`.
    agent_id: AgentId,
    /// Sets `status`.
    status: CallStatus,
    /// Sets `bulk_list_id`.
    bulk_list_id: ListId,
    /// Sets `download`.
    download: bool,
});

/// Response of `GET /calling/history` (no `data` envelope).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallHistoryResponse {
    /// `calls`.
    #[serde(default)]
    pub calls: Vec<CallRecord>,
    /// `limit` echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// `offset` echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// `count`: rows in this page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// `total`: a number or `"many"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Total>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One row of call history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRecord {
    /// `id`: the call ID.
    pub id: CallId,
    /// `to_number` (for inbound calls: the Ringg number).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub to_number: Nullable<String>,
    /// `name`: the callee's name.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// `agent`: the assistant and version.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub agent: Nullable<CallAgent>,
    /// `call_duration`, seconds.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub call_duration: Nullable<Seconds>,
    /// `call_attempt_time`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub call_attempt_time: Nullable<Timestamp>,
    /// `call_cost`, credits.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub call_cost: Nullable<Credits>,
    /// `call_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_type: Option<CallDirection>,
    /// `inbound_from`: the caller of an inbound call.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub inbound_from: Nullable<String>,
    /// `credits_processed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_processed: Option<bool>,
    /// `from_numbers`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub from_numbers: Nullable<Vec<String>>,
    /// `voicemail_detected`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voicemail_detected: Option<bool>,
    /// `currency` (e.g. `INR`).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub currency: Nullable<String>,
    /// `bulk_list_id`: the campaign list; `""` or `null` for individual calls.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub bulk_list_id: Nullable<String>,
    /// `next_attempt_time` for calls in `retry`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub next_attempt_time: Nullable<Timestamp>,
    /// `is_callback`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_callback: Option<bool>,
    /// `custom_args_values`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub custom_args_values: Nullable<Map<String, Value>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// `version`: `{version_id, version_slug}`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub version: Nullable<VersionRef>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A reference to an assistant version: `{version_id, version_slug}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VersionRef {
    /// `version_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<VersionId>,
    /// `version_slug`, e.g. `v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_slug: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------------------------------------
// Details
// ---------------------------------------------------------------------------------------------

/// Query of `GET /calling/call-details` (the parameter is `id`, not `call_id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallDetailsQuery {
    /// `id`: the call.
    pub id: CallId,
    /// `send_analysis`: add `platform_analysis` and `client_analysis`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_analysis: Option<bool>,
}

impl CallDetailsQuery {
    /// Details of `id`, with or without the analyses.
    pub fn new(id: CallId, send_analysis: bool) -> Self {
        Self {
            id,
            send_analysis: Some(send_analysis),
        }
    }
}

/// Response of `GET /calling/call-details`: `{status, data}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallDetailsResponse {
    /// `status`, e.g. `"success"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `data`: the call.
    pub data: CallDetails,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One call in detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallDetails {
    /// `id`.
    pub id: CallId,
    /// `call_direction`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_direction: Option<CallDirection>,
    /// `call_status` (may not be `completed` until processing finishes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_status: Option<CallStatus>,
    /// `call_sub_status`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub call_sub_status: Nullable<CallSubStatus>,
    /// `from_number` (kept as text).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub from_number: Nullable<String>,
    /// `to_number` (kept as text).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub to_number: Nullable<String>,
    /// `callee_name`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub callee_name: Nullable<String>,
    /// `agent_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
    /// `initiation_time`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub initiation_time: Nullable<Timestamp>,
    /// `recording_url` (expires after 24 h).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub recording_url: Nullable<String>,
    /// `transcription_url`: despite the name, the transcript itself (array or JSON string).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub transcription_url: Nullable<Transcript>,
    /// `custom_args_values`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub custom_args_values: Nullable<Map<String, Value>>,
    /// `platform_analysis` (with `send_analysis=true`).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub platform_analysis: Nullable<PlatformAnalysis>,
    /// `client_analysis` (with `send_analysis=true`): the assistant's custom keys.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub client_analysis: Nullable<Map<String, Value>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl CallDetails {
    /// The transcript (from the misnamed `transcription_url`).
    pub fn transcript(&self) -> Option<&Transcript> {
        self.transcription_url.as_ref()
    }
}

/// Ringg's built-in post-call analysis (`platform_analysis`, and `analysis_data` of the
/// `platform_analysis_completed` webhook).
///
/// Values are produced by a language model, so they arrive loosely typed: lists may be strings,
/// booleans may be `"yes"`. Every field is optional and unknown keys are kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlatformAnalysis {
    /// `summary`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub summary: Nullable<String>,
    /// `classification`: one of the assistant's `classification_labels`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub classification: Nullable<String>,
    /// `key_points`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub key_points: Nullable<TextList>,
    /// `action_items`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub action_items: Nullable<TextList>,
    /// `sentiment`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub sentiment: Nullable<Sentiment>,
    /// `call_disconnect_reason`, e.g. `customer_hangup`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub call_disconnect_reason: Nullable<String>,
    /// `callback_requested` (boolean or a yes/no string).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub callback_requested: Nullable<FlexBool>,
    /// `callback_requested_time` as written.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub callback_requested_time: Nullable<String>,
    /// `timezone`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub timezone: Nullable<String>,
    /// `status`, e.g. `analyzed`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub status: Nullable<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl PlatformAnalysis {
    /// True when the callee asked to be called back.
    pub fn callback_requested(&self) -> bool {
        self.callback_requested.as_ref().is_some_and(FlexBool::get)
    }

    /// `callback_requested_time` parsed as a timestamp, when it is one.
    pub fn callback_requested_at(&self) -> Option<Timestamp> {
        self.callback_requested_time
            .as_deref()
            .and_then(|s| Timestamp::parse(s).ok())
    }
}

// ---------------------------------------------------------------------------------------------
// Download, contact lists
// ---------------------------------------------------------------------------------------------

/// Query of `POST /calling/history/download` (the filters go in the query string).
///
/// `agent_ids` is sent as repeated `agent_id[]` parameters; use
/// [`to_query_pairs`](crate::common::to_query_pairs).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DownloadCallHistoryQuery {
    /// `start_date` (ISO with offset, or `YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// `end_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// `agent_id[]` (repeatable).
    #[serde(rename = "agent_id[]", default, skip_serializing_if = "Vec::is_empty")]
    pub agent_ids: Vec<AgentId>,
    /// `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CallStatus>,
    /// `include_analysis`: add analysis columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_analysis: Option<bool>,
    /// `call_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_type: Option<CallDirection>,
    /// `bulk_list_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bulk_list_id: Option<ListId>,
    /// `voicemail`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voicemail: Option<bool>,
    /// `from_number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_number: Option<String>,
    /// `to_number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_number: Option<String>,
    /// `call_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<CallId>,
    /// `limit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// `offset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
}

/// JSON response of `POST /calling/history/download` when the report is emailed (otherwise the
/// endpoint returns a file).
pub type DownloadCallHistoryResponse = MessageResponse;

/// Response of `DELETE /calling/contact/{list_id}`.
pub type DeleteContactListResponse = MessageResponse;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::{decode, to_query_pairs};
    use serde_json::json;

    #[test]
    fn caller_source_is_exactly_one_key() {
        let base = |caller| {
            InitiateCallRequest::new(
                AgentId::new("a"),
                "n",
                PhoneNumber::parse("+919876543210").unwrap(),
                caller,
            )
        };
        let cases = [
            (
                CallerSource::FromNumberId(NumberId::new("x")),
                "from_number_id",
            ),
            (
                CallerSource::FromNumber(PhoneNumber::parse("+14155550132").unwrap()),
                "from_number",
            ),
            (
                CallerSource::NumberPool(NumberPoolId::new("p")),
                "number_pool_id",
            ),
        ];
        for (caller, key) in cases {
            let v1 = caller.is_v1_compatible();
            let json = serde_json::to_value(base(caller)).unwrap();
            let obj = json.as_object().unwrap();
            let present: Vec<_> = ["from_number_id", "from_number", "number_pool_id"]
                .into_iter()
                .filter(|k| obj.contains_key(*k))
                .collect();
            assert_eq!(present, vec![key]);
            assert_eq!(v1, key != "number_pool_id");
            assert_eq!(obj.len(), 4, "{json}");
            let back: InitiateCallRequest = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(serde_json::to_value(back).unwrap(), json);
        }
    }

    #[test]
    fn request_builder_writes_only_set_fields() {
        let req = InitiateCallRequest::new(
            AgentId::new("a"),
            "John",
            PhoneNumber::parse("+919876543210").unwrap(),
            CallerSource::FromNumberId(NumberId::new("n")),
        )
        .custom_arg("order_id", "ORD-1")
        .callback_url("https://example.com/cb")
        .version_id(VersionId::new("v"))
        .call_config(
            CallConfig::default()
                .max_call_length(300u32)
                .call_retry_config(CallRetryConfig::uniform(2, 30)),
        );
        assert!(!req.is_v1_compatible());
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            json!({
                "name": "John", "mobile_number": "+919876543210", "agent_id": "a",
                "from_number_id": "n", "custom_args_values": {"order_id": "ORD-1"},
                "callback_url": "https://example.com/cb", "version_id": "v",
                "call_config": {"max_call_length": 300, "call_retry_config": {
                    "retry_count": 2, "retry_busy": 30, "retry_not_picked": 30, "retry_failed": 30}}
            })
        );
    }

    #[test]
    fn request_rejects_bad_phone_with_path() {
        let body = br#"{"name":"n","mobile_number":"98765","agent_id":"a","from_number_id":"x"}"#;
        let err = decode::<InitiateCallRequest>(body).unwrap_err();
        assert_eq!(err.path(), "mobile_number");
        assert!(err.message().contains("must start with `+`"));
    }

    #[test]
    fn initiate_response_both_generations() {
        let new: InitiateCallResponse = serde_json::from_value(json!({
            "status": "success",
            "data": {"call_id": "c1", "call_direction": "outbound", "call_status": "ongoing",
                     "initiated_at": "2025-11-24T07:33:49.629642", "agent_id": "a1"},
            "message": "Call initiated successfully"
        }))
        .unwrap();
        let old: InitiateCallResponse = serde_json::from_value(json!({
            "Call Status": "Call initiated successfully",
            "data": {"Unique Call ID": "c1", "Call Direction": "outbound", "Call Status": "ongoing",
                     "From Number": "+1987654321", "To Number": "+1234567890",
                     "Initiated at": "2025-01-15T10:30:00Z", "Agent ID": "a1",
                     "message": "Call initiated successfully"}
        }))
        .unwrap();
        for r in [&new, &old] {
            assert_eq!(r.call_id().unwrap().as_str(), "c1");
            assert_eq!(r.call_status(), Some(&CallStatus::Ongoing));
            assert_eq!(r.call_direction(), Some(&CallDirection::Outbound));
            assert_eq!(r.agent_id().unwrap().as_str(), "a1");
            assert_eq!(r.message(), Some("Call initiated successfully"));
            assert!(r.initiated_at().is_some());
        }
        assert_eq!(old.from_number(), Some("+1987654321"));
        assert_eq!(old.to_number(), Some("+1234567890"));
        let top: InitiateCallResponse = serde_json::from_value(json!({"call_id": "c2"})).unwrap();
        assert_eq!(top.call_id().unwrap().as_str(), "c2");
    }

    #[test]
    fn history_query_pairs() {
        let q = CallHistoryQuery::default()
            .limit(50u32)
            .offset(0u32)
            .status(CallStatus::Completed)
            .start_date(Timestamp::parse("2025-09-25T00:00:00+05:30").unwrap());
        let pairs = to_query_pairs(&q).unwrap();
        assert!(pairs.contains(&("start_date".into(), "2025-09-25T00:00:00+05:30".into())));
        assert!(pairs.contains(&("status".into(), "completed".into())));
        assert!(pairs.contains(&("limit".into(), "50".into())));
        let dl = DownloadCallHistoryQuery {
            agent_ids: vec![AgentId::new("a"), AgentId::new("b")],
            include_analysis: Some(true),
            ..Default::default()
        };
        let pairs = to_query_pairs(&dl).unwrap();
        assert_eq!(pairs.iter().filter(|(k, _)| k == "agent_id[]").count(), 2);
    }

    #[test]
    fn record_list_id_ignores_empty() {
        let r: CallRecord = serde_json::from_value(json!({"id": "c", "bulk_list_id": ""})).unwrap();
        assert!(r.list_id().is_none());
        let r: CallRecord =
            serde_json::from_value(json!({"id": "c", "bulk_list_id": "L"})).unwrap();
        assert_eq!(r.list_id().unwrap().as_str(), "L");
    }

    #[test]
    fn platform_analysis_stringly() {
        let a: PlatformAnalysis = serde_json::from_value(json!({
            "key_points": "[\"a\", \"b\"]", "callback_requested": "yes",
            "callback_requested_time": "2025-12-15T10:00:00+05:30", "sentiment": "mixed"
        }))
        .unwrap();
        assert!(a.callback_requested());
        assert!(a.callback_requested_at().is_some());
        assert_eq!(a.key_points.as_ref().unwrap().items().len(), 2);
        assert_eq!(a.sentiment.as_ref().unwrap().as_str(), "mixed");
    }
}
