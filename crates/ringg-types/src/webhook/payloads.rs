//! The payload struct of every known event, with the common and call fields of §3.3.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::calls::PlatformAnalysis;
use crate::common::{Credits, Extra, Nullable, Seconds, Timestamp, Transcript};
use crate::enums::{CallDirection, CallStatus, CallSubStatus, EventType};
use crate::ids::{AgentId, CallId, ListId, VersionId, WorkspaceId};
use crate::webhook::raw::RawJson;

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
        #[derive(Clone, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            /// `event_type`.
            pub event_type: EventType,
            /// `call_id`: the call (same as `calls[].id` in history).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub call_id: Option<CallId>,
            /// `call_sid`: the telephony provider's call id (Twilio `CA…`, Plivo UUID; a
            /// number is read as its digits).
            #[serde(
                default,
                skip_serializing_if = "Option::is_none",
                deserialize_with = "crate::common::lenient::number_text"
            )]
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
            /// `custom_args_values`: the variables supplied at call time (also read from a
            /// JSON-encoded string of the object; `[]` is an empty object, `""` none).
            #[serde(
                default,
                skip_serializing_if = "Option::is_none",
                deserialize_with = "crate::common::lenient::option_object"
            )]
            pub custom_args_values: Option<Map<String, Value>>,
            /// `bulk_list_id`: the campaign list, `null` for individual calls.
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub bulk_list_id: Nullable<ListId>,
            /// `call_cost` in credits, `null` until computed.
            #[serde(
                default,
                skip_serializing_if = "Nullable::is_absent",
                deserialize_with = "crate::common::lenient::blank_is_null"
            )]
            pub call_cost: Nullable<Credits>,
            /// `overall_latency_seconds`.
            #[serde(
                default,
                skip_serializing_if = "Nullable::is_absent",
                deserialize_with = "crate::common::lenient::blank_is_null"
            )]
            pub overall_latency_seconds: Nullable<Seconds>,
            /// `first_utterance_seconds`.
            #[serde(
                default,
                skip_serializing_if = "Nullable::is_absent",
                deserialize_with = "crate::common::lenient::blank_is_null"
            )]
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
            #[serde(
                default,
                skip_serializing_if = "Option::is_none",
                deserialize_with = "crate::common::lenient::count"
            )]
            pub retry_count: Option<u32>,
            /// `call_type`: `outbound`, `inbound` or `webcall`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub call_type: Option<CallDirection>,
            /// `to_number` (kept as text, not validated).
            #[serde(
                default,
                skip_serializing_if = "Nullable::is_absent",
                deserialize_with = "crate::common::lenient::nullable_number_text"
            )]
            pub to_number: Nullable<String>,
            /// `from_number` (kept as text, not validated).
            #[serde(
                default,
                skip_serializing_if = "Nullable::is_absent",
                deserialize_with = "crate::common::lenient::nullable_number_text"
            )]
            pub from_number: Nullable<String>,
            /// `called_on`: when the call was placed.
            #[serde(
                default,
                skip_serializing_if = "Nullable::is_absent",
                deserialize_with = "crate::common::lenient::nullable_time"
            )]
            pub called_on: Nullable<Timestamp>,
            /// `call_duration` in seconds.
            #[serde(
                default,
                skip_serializing_if = "Nullable::is_absent",
                deserialize_with = "crate::common::lenient::blank_is_null"
            )]
            pub call_duration: Nullable<Seconds>,
            /// `agent_message_count`.
            #[serde(
                default,
                skip_serializing_if = "Option::is_none",
                deserialize_with = "crate::common::lenient::count"
            )]
            pub agent_message_count: Option<u32>,
            /// `user_message_count`.
            #[serde(
                default,
                skip_serializing_if = "Option::is_none",
                deserialize_with = "crate::common::lenient::count"
            )]
            pub user_message_count: Option<u32>,
            /// `transcript`: an array of turns (or a JSON-encoded string of one, or plain text).
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub transcript: Nullable<Transcript>,
            /// `recording_url` (expires 24 h after the call).
            #[serde(default, skip_serializing_if = "Nullable::is_absent")]
            pub recording_url: Nullable<String>,
            /// `recording_duration` in seconds.
            #[serde(
                default,
                skip_serializing_if = "Nullable::is_absent",
                deserialize_with = "crate::common::lenient::blank_is_null"
            )]
            pub recording_duration: Nullable<Seconds>,
            $(
                $(#[$fmeta])*
                pub $field: $fty,
            )*
            /// Unknown fields, kept and written back.
            #[serde(flatten)]
            pub extra: Extra,
            /// The body as received (not serialized; none when built by hand).
            #[serde(skip)]
            pub raw: RawJson,
        }

        crate::redact::redacted_debug!($name);

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
                    raw: RawJson::none(),
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
        /// `analysis_data`: summary, classification, sentiment, ... (an object, or one
        /// JSON-encoded in a string).
        #[serde(
            default,
            skip_serializing_if = "Nullable::is_absent",
            deserialize_with = "crate::common::lenient::analysis_object"
        )]
        pub analysis_data: Nullable<PlatformAnalysis>,
    }
}

webhook_payload! {
    /// `client_analysis_completed`: the assistant's custom analysis finished. `analysis_data`
    /// holds the keys of the assistant's `custom_analysis_prompt`.
    ClientAnalysisCompleted => ClientAnalysisCompleted {
        /// `analysis_data`: the custom keys and their values (an object, or one JSON-encoded in
        /// a string; `""` reads as `null`, `[]` as no keys).
        #[serde(
            default,
            skip_serializing_if = "Nullable::is_absent",
            deserialize_with = "crate::common::lenient::nullable_object"
        )]
        pub analysis_data: Nullable<Map<String, Value>>,
    }
}

webhook_payload! {
    /// `all_processing_completed`: recording, transcript and both analyses are done; one
    /// consolidated payload with the whole call.
    AllProcessingCompleted => AllProcessingCompleted {
        /// `platform_analysis`: Ringg's analysis (an object, or one JSON-encoded in a string).
        #[serde(
            default,
            skip_serializing_if = "Nullable::is_absent",
            deserialize_with = "crate::common::lenient::analysis_object"
        )]
        pub platform_analysis: Nullable<PlatformAnalysis>,
        /// `client_analysis`: the custom analysis keys (an object, or one JSON-encoded in a
        /// string).
        #[serde(
            default,
            skip_serializing_if = "Nullable::is_absent",
            deserialize_with = "crate::common::lenient::nullable_object"
        )]
        pub client_analysis: Nullable<Map<String, Value>>,
        /// `analysis_data`, when a sender uses the per-event name instead.
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        pub analysis_data: Nullable<Value>,
    }
}
