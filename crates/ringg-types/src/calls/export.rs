//! History export (`POST /calling/history/download`) and contact-list deletion.

use serde::{Deserialize, Serialize};

use crate::common::MessageResponse;
use crate::enums::{CallDirection, CallStatus};
use crate::ids::{AgentId, CallId, ListId};

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
