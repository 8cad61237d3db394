//! `GET /calling/call-details`: one call in detail and Ringg's platform analysis of it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::common::{Extra, FlexBool, Nullable, TextList, Timestamp, Transcript};
use crate::enums::{CallDirection, CallStatus, CallSubStatus, Sentiment};
use crate::ids::{AgentId, CallId};

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
#[derive(Clone, PartialEq, Serialize, Deserialize)]
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

crate::redact::redacted_debug!(CallDetailsResponse);

/// One call in detail.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
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
    /// `callee_name` (a number read as its text, as history's `name`).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_number_text"
    )]
    pub callee_name: Nullable<String>,
    /// `agent_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
    /// `initiation_time`.
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_time"
    )]
    pub initiation_time: Nullable<Timestamp>,
    /// `recording_url` (expires after 24 h).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub recording_url: Nullable<String>,
    /// `transcription_url`: despite the name, the transcript itself (array or JSON string).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub transcription_url: Nullable<Transcript>,
    /// `custom_args_values`.
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_object"
    )]
    pub custom_args_values: Nullable<Map<String, Value>>,
    /// `platform_analysis` (with `send_analysis=true`): an object, or the same object
    /// JSON-encoded in a string (as this endpoint writes other structured fields).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::analysis_object"
    )]
    pub platform_analysis: Nullable<PlatformAnalysis>,
    /// `client_analysis` (with `send_analysis=true`): the assistant's custom keys.
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_object"
    )]
    pub client_analysis: Nullable<Map<String, Value>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(CallDetails);

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
///
/// Decoding never fails on a value of an unexpected type (`"sentiment": 0.35`, `"summary": 42`,
/// `"key_points": ["a", null]`): such a value leaves its field absent and is kept, as it came,
/// in [`extra`](Self::extra) under its own key, so it is still read there and written back
/// unchanged.
///
/// ```
/// use ringg_types::calls::PlatformAnalysis;
/// let a: PlatformAnalysis =
///     serde_json::from_str(r#"{"summary": "Agreed to pay", "sentiment": 0.35}"#).unwrap();
/// assert_eq!(a.summary.as_deref(), Some("Agreed to pay"));
/// assert!(a.sentiment.is_absent());
/// assert_eq!(a.extra["sentiment"], 0.35);
/// ```
#[derive(Clone, Default, PartialEq, Serialize)]
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

crate::redact::redacted_debug!(PlatformAnalysis);

impl<'de> Deserialize<'de> for PlatformAnalysis {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut extra = Extra::deserialize(deserializer)?;
        /// The value of `key` as `T`, taken out of `extra`; left there when it is not a `T`.
        fn take<T: serde::de::DeserializeOwned + Default>(extra: &mut Extra, key: &str) -> T {
            let Some(value) = extra.get(key) else {
                return T::default();
            };
            match T::deserialize(value) {
                Ok(typed) => {
                    extra.remove(key);
                    typed
                }
                Err(_) => T::default(),
            }
        }
        Ok(Self {
            summary: take(&mut extra, "summary"),
            classification: take(&mut extra, "classification"),
            key_points: take(&mut extra, "key_points"),
            action_items: take(&mut extra, "action_items"),
            sentiment: take(&mut extra, "sentiment"),
            call_disconnect_reason: take(&mut extra, "call_disconnect_reason"),
            callback_requested: take(&mut extra, "callback_requested"),
            callback_requested_time: take(&mut extra, "callback_requested_time"),
            timezone: take(&mut extra, "timezone"),
            status: take(&mut extra, "status"),
            extra,
        })
    }
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
