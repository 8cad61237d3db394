//! Starting a saved campaign: `POST /campaign/start` and `POST /campaign/v2/start`.

use serde::{Deserialize, Serialize};

use crate::common::Extra;
use crate::ids::{AgentId, ListId, NumberPoolId, UserId};

/// Body of `POST /campaign/start` (v1, deprecated in favour of [`StartCampaignV2Request`]).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct StartCampaignRequest {
    /// `agent_id`.
    pub agent_id: AgentId,
    /// `list_id`: from the upload.
    pub list_id: ListId,
    /// `from_numbers`: caller numbers (E.164) or number IDs.
    pub from_numbers: Vec<String>,
    /// Extra fields to send as they are.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(StartCampaignRequest);

/// Body of `POST /campaign/v2/start`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct StartCampaignV2Request {
    /// `agent_id`.
    pub agent_id: AgentId,
    /// `list_id`.
    pub list_id: ListId,
    /// `number_pool_id`.
    pub number_pool_id: NumberPoolId,
    /// `callback_url`: called when the campaign completes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// `email_completion_user_ids`: members to email on completion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_completion_user_ids: Option<Vec<UserId>>,
    /// Extra fields to send as they are.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(StartCampaignV2Request);

impl StartCampaignV2Request {
    /// A start request with the required fields.
    pub fn new(agent_id: AgentId, list_id: ListId, number_pool_id: NumberPoolId) -> Self {
        Self {
            agent_id,
            list_id,
            number_pool_id,
            callback_url: None,
            email_completion_user_ids: None,
            extra: Extra::new(),
        }
    }
}

/// Response of both start endpoints.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StartCampaignResponse {
    /// `status`, e.g. `"campaign registered successfully!"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `has_ongoing_calls` (also `"true"`, `1`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::flag"
    )]
    pub has_ongoing_calls: Option<bool>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(StartCampaignResponse);
