//! Listing campaigns: `GET /campaign/all`.

use serde::{Deserialize, Serialize};

use crate::common::{Credits, Extra, Nullable, Timestamp, Total};
use crate::enums::CampaignStatus;
use crate::ids::{AgentId, CampaignId};

/// Query of `GET /campaign/all`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListCampaignsQuery {
    /// `call_count` (default true): add the count fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_count: Option<bool>,
    /// `limit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// `offset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
    /// `search`: filter by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
}

/// Response of `GET /campaign/all`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CampaignListResponse {
    /// `campaigns`. Required: a body without it fails to decode, naming `campaigns`, rather than
    /// reading as an empty page, which a launch looking for its list would take as "not
    /// there" and upload again.
    pub campaigns: Vec<Campaign>,
    /// `pagination`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(CampaignListResponse);

/// `pagination` of a list response.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Pagination {
    /// `limit`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub limit: Option<u64>,
    /// `offset`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub offset: Option<u64>,
    /// `total`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Total>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(Pagination);

/// One campaign.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    /// `id`: the campaign id (termination takes it). In the documented fixtures it is the
    /// upload's `list_id`; Ringg does not say it always is.
    pub id: CampaignId,
    /// `name`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub name: Nullable<String>,
    /// `campaign_status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_status: Option<CampaignStatus>,
    /// `campaign_start_time` as written (ISO in the catalogue; format unconfirmed; a number,
    /// a Unix time, is kept as its digits).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_time_text"
    )]
    pub campaign_start_time: Nullable<String>,
    /// `campaign_end_time` as written (a number, a Unix time, kept as its digits).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_time_text"
    )]
    pub campaign_end_time: Nullable<String>,
    /// `created_at`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::time"
    )]
    pub created_at: Option<Timestamp>,
    /// `updated_at`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::time"
    )]
    pub updated_at: Option<Timestamp>,
    /// `total_count`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub total_count: Option<u64>,
    /// `completed_count`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub completed_count: Option<u64>,
    /// `registered_count`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub registered_count: Option<u64>,
    /// `agent_id`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub agent_id: Nullable<AgentId>,
    /// `total_calls`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub total_calls: Option<u64>,
    /// `total_contacts`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub total_contacts: Option<u64>,
    /// `invalidated_rows_count`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub invalidated_rows_count: Option<u64>,
    /// `invalidated_rows_csv_url`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub invalidated_rows_csv_url: Nullable<String>,
    /// `csv_file_name`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub csv_file_name: Nullable<String>,
    /// `additional_balance_required` (status `insufficient_balance`).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::blank_is_null"
    )]
    pub additional_balance_required: Nullable<Credits>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(Campaign);

impl Campaign {
    /// `campaign_start_time` parsed, when it is an ISO timestamp or a Unix time.
    pub fn start_time(&self) -> Option<Timestamp> {
        self.campaign_start_time
            .as_deref()
            .and_then(crate::common::lenient::parse_time)
    }

    /// `campaign_end_time` parsed, when it is an ISO timestamp or a Unix time.
    pub fn end_time(&self) -> Option<Timestamp> {
        self.campaign_end_time
            .as_deref()
            .and_then(crate::common::lenient::parse_time)
    }
}
