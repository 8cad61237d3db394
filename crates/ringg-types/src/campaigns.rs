//! Campaigns: contact-list upload, start, list, and the large-upload (5,000+ rows) flow
//! (API reference §2.5).
//!
//! The uploads are multipart forms: [`SaveCampaignForm`] and [`UploadCsvForm`] give the text
//! parts (`text_fields()`); the client adds the CSV as the `file` part.
//!
//! ```
//! use ringg_types::campaigns::{CampaignTime, SaveCampaignForm};
//! use ringg_types::ids::AgentId;
//!
//! let form = SaveCampaignForm::new(
//!     AgentId::new("830f767a-397e-4b39-82ff-235cd344e2f9"),
//!     "Q1 Sales Campaign",
//!     "+91",
//!     "18/10/2026, 09:00".parse::<CampaignTime>().unwrap(),
//!     "18/10/2026, 21:00".parse::<CampaignTime>().unwrap(),
//! )
//! .map_variable("callee_name", "Name");
//! let fields = form.text_fields().unwrap();
//! assert!(fields.contains(&("campaign_start_time", "18/10/2026, 09:00".to_owned())));
//! assert!(fields.iter().any(|(k, v)| *k == "variables_map" && v.contains("\"callee_name\":\"Name\"")));
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDateTime;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::calls::CallConfig;
use crate::common::{Credits, Extra, Nullable, Timestamp, Total};
pub use crate::enums::{CampaignStatus, UploadStatus};
pub use crate::form::FormError;
use crate::form::{Fields, bool_text, json_text};
use crate::ids::{AgentId, CampaignId, ListId, NumberPoolId, UserId};

// ---------------------------------------------------------------------------------------------
// CampaignTime
// ---------------------------------------------------------------------------------------------

/// Error for a campaign time that is not `DD/MM/YYYY, HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid campaign time {input:?}: expected `DD/MM/YYYY, HH:MM` (24 h), e.g. `18/10/2026, 09:00`"
)]
pub struct CampaignTimeError {
    input: String,
}

/// A campaign start or end time, written `DD/MM/YYYY, HH:MM` (24 h) and interpreted in the
/// campaign's `call_config.call_time.timezone`.
///
/// Parsing also accepts the form without the comma (`18/10/2026 09:00`); it is always written
/// with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CampaignTime(NaiveDateTime);

impl CampaignTime {
    /// The wire format.
    pub const FORMAT: &'static str = "%d/%m/%Y, %H:%M";

    /// Wraps a local date-time (seconds are dropped when written).
    pub fn new(local: NaiveDateTime) -> Self {
        Self(local)
    }

    /// Parses `DD/MM/YYYY, HH:MM`.
    pub fn parse(input: &str) -> Result<Self, CampaignTimeError> {
        let s = input.trim();
        [Self::FORMAT, "%d/%m/%Y,%H:%M", "%d/%m/%Y %H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
            .map(Self)
            .ok_or_else(|| CampaignTimeError {
                input: input.to_owned(),
            })
    }

    /// The local date-time (no time zone).
    pub fn local(&self) -> NaiveDateTime {
        self.0
    }
}

impl fmt::Display for CampaignTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format(Self::FORMAT))
    }
}

impl FromStr for CampaignTime {
    type Err = CampaignTimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for CampaignTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CampaignTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------------------
// Save (standard upload)
// ---------------------------------------------------------------------------------------------

/// Text fields of `POST /campaign/save` (multipart; the CSV goes in the
/// [`FILE_FIELD`](Self::FILE_FIELD) part and must have a `Mobile Number` column).
#[derive(Debug, Clone, PartialEq)]
pub struct SaveCampaignForm {
    /// `agent_id`: an outbound assistant.
    pub agent_id: AgentId,
    /// `campaign_name`.
    pub campaign_name: String,
    /// `variables_map`: assistant variable → CSV column header (sent as a JSON string).
    pub variables_map: BTreeMap<String, String>,
    /// `call_config` (sent as a JSON string).
    pub call_config: CallConfig,
    /// `country_code`: dialing prefix (`+91`) or, in older docs, ISO-2 (`IN`).
    pub country_code: String,
    /// `campaign_start_time` (must be in the future).
    pub campaign_start_time: CampaignTime,
    /// `campaign_end_time`.
    pub campaign_end_time: CampaignTime,
    /// `remove_invalid_rows`: skip bad rows instead of failing the upload.
    pub remove_invalid_rows: Option<bool>,
    /// `transliterate_callee_name`: names into English script.
    pub transliterate_callee_name: Option<bool>,
}

impl SaveCampaignForm {
    /// Name of the file part.
    pub const FILE_FIELD: &'static str = "file";

    /// A form with the required fields; `variables_map` starts as
    /// `{"mobile_number": "Mobile Number"}` and `call_config` empty.
    pub fn new(
        agent_id: AgentId,
        campaign_name: impl Into<String>,
        country_code: impl Into<String>,
        campaign_start_time: CampaignTime,
        campaign_end_time: CampaignTime,
    ) -> Self {
        Self {
            agent_id,
            campaign_name: campaign_name.into(),
            variables_map: BTreeMap::from([(
                "mobile_number".to_owned(),
                "Mobile Number".to_owned(),
            )]),
            call_config: CallConfig::default(),
            country_code: country_code.into(),
            campaign_start_time,
            campaign_end_time,
            remove_invalid_rows: None,
            transliterate_callee_name: None,
        }
    }

    /// Maps assistant variable `variable` to CSV column `column`.
    #[must_use]
    pub fn map_variable(mut self, variable: impl Into<String>, column: impl Into<String>) -> Self {
        self.variables_map.insert(variable.into(), column.into());
        self
    }

    /// Sets `call_config`.
    #[must_use]
    pub fn call_config(mut self, call_config: CallConfig) -> Self {
        self.call_config = call_config;
        self
    }

    /// The text parts, in a stable order.
    pub fn text_fields(&self) -> Result<Vec<(&'static str, String)>, serde_json::Error> {
        let mut out = vec![
            ("agent_id", self.agent_id.to_string()),
            ("campaign_name", self.campaign_name.clone()),
            ("variables_map", json_text(&self.variables_map)?),
            ("call_config", json_text(&self.call_config)?),
            ("country_code", self.country_code.clone()),
            ("campaign_start_time", self.campaign_start_time.to_string()),
            ("campaign_end_time", self.campaign_end_time.to_string()),
        ];
        if let Some(v) = self.remove_invalid_rows {
            out.push(("remove_invalid_rows", bool_text(v)));
        }
        if let Some(v) = self.transliterate_callee_name {
            out.push(("transliterate_callee_name", bool_text(v)));
        }
        Ok(out)
    }

    /// Reads the text parts back.
    pub fn from_text_fields<'a, I>(fields: I) -> Result<Self, FormError>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let f = Fields::new(fields);
        Ok(Self {
            agent_id: AgentId::new(f.required("agent_id")?),
            campaign_name: f.required("campaign_name")?.to_owned(),
            variables_map: f.json("variables_map")?.ok_or(FormError::Missing {
                field: "variables_map",
            })?,
            call_config: f.json("call_config")?.ok_or(FormError::Missing {
                field: "call_config",
            })?,
            country_code: f.required("country_code")?.to_owned(),
            campaign_start_time: campaign_time(&f, "campaign_start_time")?.ok_or(
                FormError::Missing {
                    field: "campaign_start_time",
                },
            )?,
            campaign_end_time: campaign_time(&f, "campaign_end_time")?.ok_or(
                FormError::Missing {
                    field: "campaign_end_time",
                },
            )?,
            remove_invalid_rows: f.bool("remove_invalid_rows")?,
            transliterate_callee_name: f.bool("transliterate_callee_name")?,
        })
    }
}

fn campaign_time(f: &Fields<'_>, field: &'static str) -> Result<Option<CampaignTime>, FormError> {
    match f.get(field).filter(|v| !v.trim().is_empty()) {
        None => Ok(None),
        Some(v) => CampaignTime::parse(v)
            .map(Some)
            .map_err(|e| FormError::Invalid {
                field,
                reason: e.to_string(),
            }),
    }
}

/// Response of `POST /campaign/save`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SaveCampaignResponse {
    /// `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `list_id`: the new contact list / campaign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_id: Option<ListId>,
    /// `custom_args_values`: one object per imported row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_args_values: Option<Vec<Map<String, Value>>>,
    /// `total_rows`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_rows: Option<u64>,
    /// `successful_rows`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successful_rows: Option<u64>,
    /// `failed_rows`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_rows: Option<u64>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

/// Body of `POST /campaign/start` (v1, deprecated in favour of [`StartCampaignV2Request`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// Body of `POST /campaign/v2/start`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StartCampaignResponse {
    /// `status`, e.g. `"campaign registered successfully!"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `has_ongoing_calls`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_ongoing_calls: Option<bool>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------------------------------------
// List
// ---------------------------------------------------------------------------------------------

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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CampaignListResponse {
    /// `campaigns`.
    #[serde(default)]
    pub campaigns: Vec<Campaign>,
    /// `pagination`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `pagination` of a list response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Pagination {
    /// `limit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// `offset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// `total`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Total>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    /// `id` (the same value as the upload's `list_id`).
    pub id: CampaignId,
    /// `name`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub name: Nullable<String>,
    /// `campaign_status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_status: Option<CampaignStatus>,
    /// `campaign_start_time` as written (ISO in the catalogue; format unconfirmed).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub campaign_start_time: Nullable<String>,
    /// `campaign_end_time` as written.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub campaign_end_time: Nullable<String>,
    /// `created_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// `updated_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// `total_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
    /// `completed_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_count: Option<u64>,
    /// `registered_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_count: Option<u64>,
    /// `agent_id`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub agent_id: Nullable<AgentId>,
    /// `total_calls`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_calls: Option<u64>,
    /// `total_contacts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_contacts: Option<u64>,
    /// `invalidated_rows_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalidated_rows_count: Option<u64>,
    /// `invalidated_rows_csv_url`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub invalidated_rows_csv_url: Nullable<String>,
    /// `csv_file_name`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub csv_file_name: Nullable<String>,
    /// `additional_balance_required` (status `insufficient_balance`).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub additional_balance_required: Nullable<Credits>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Campaign {
    /// `campaign_start_time` parsed, when it is an ISO timestamp.
    pub fn start_time(&self) -> Option<Timestamp> {
        self.campaign_start_time
            .as_deref()
            .and_then(|s| Timestamp::parse(s).ok())
    }

    /// `campaign_end_time` parsed, when it is an ISO timestamp.
    pub fn end_time(&self) -> Option<Timestamp> {
        self.campaign_end_time
            .as_deref()
            .and_then(|s| Timestamp::parse(s).ok())
    }
}

// ---------------------------------------------------------------------------------------------
// Large upload (beta)
// ---------------------------------------------------------------------------------------------

/// Text fields of `POST /campaign/upload-csv` (large campaigns, beta). The CSV goes in the
/// [`FILE_FIELD`](Self::FILE_FIELD) part.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadCsvForm {
    /// `agent_id`.
    pub agent_id: AgentId,
    /// `campaign_name`.
    pub campaign_name: String,
    /// `country_code`, e.g. `+91`.
    pub country_code: String,
    /// `variables_map` (JSON string), e.g. `{"mobile_number": "Mobile Number"}`.
    pub variables_map: BTreeMap<String, String>,
    /// `campaign_start_time`.
    pub campaign_start_time: Option<CampaignTime>,
    /// `campaign_end_time`.
    pub campaign_end_time: Option<CampaignTime>,
    /// `call_config` (JSON string).
    pub call_config: Option<CallConfig>,
    /// `remove_invalid_rows`.
    pub remove_invalid_rows: Option<bool>,
    /// `transliterate_callee_name`.
    pub transliterate_callee_name: Option<bool>,
}

impl UploadCsvForm {
    /// Name of the file part.
    pub const FILE_FIELD: &'static str = "file";

    /// A form with the required fields; `variables_map` starts as
    /// `{"mobile_number": "Mobile Number"}`.
    pub fn new(
        agent_id: AgentId,
        campaign_name: impl Into<String>,
        country_code: impl Into<String>,
    ) -> Self {
        Self {
            agent_id,
            campaign_name: campaign_name.into(),
            country_code: country_code.into(),
            variables_map: BTreeMap::from([(
                "mobile_number".to_owned(),
                "Mobile Number".to_owned(),
            )]),
            campaign_start_time: None,
            campaign_end_time: None,
            call_config: None,
            remove_invalid_rows: None,
            transliterate_callee_name: None,
        }
    }

    /// Maps assistant variable `variable` to CSV column `column`.
    #[must_use]
    pub fn map_variable(mut self, variable: impl Into<String>, column: impl Into<String>) -> Self {
        self.variables_map.insert(variable.into(), column.into());
        self
    }

    /// The text parts, in a stable order.
    pub fn text_fields(&self) -> Result<Vec<(&'static str, String)>, serde_json::Error> {
        let mut out = vec![
            ("agent_id", self.agent_id.to_string()),
            ("campaign_name", self.campaign_name.clone()),
            ("country_code", self.country_code.clone()),
            ("variables_map", json_text(&self.variables_map)?),
        ];
        if let Some(t) = &self.campaign_start_time {
            out.push(("campaign_start_time", t.to_string()));
        }
        if let Some(t) = &self.campaign_end_time {
            out.push(("campaign_end_time", t.to_string()));
        }
        if let Some(c) = &self.call_config {
            out.push(("call_config", json_text(c)?));
        }
        if let Some(v) = self.remove_invalid_rows {
            out.push(("remove_invalid_rows", bool_text(v)));
        }
        if let Some(v) = self.transliterate_callee_name {
            out.push(("transliterate_callee_name", bool_text(v)));
        }
        Ok(out)
    }

    /// Reads the text parts back.
    pub fn from_text_fields<'a, I>(fields: I) -> Result<Self, FormError>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let f = Fields::new(fields);
        Ok(Self {
            agent_id: AgentId::new(f.required("agent_id")?),
            campaign_name: f.required("campaign_name")?.to_owned(),
            country_code: f.required("country_code")?.to_owned(),
            variables_map: f.json("variables_map")?.ok_or(FormError::Missing {
                field: "variables_map",
            })?,
            campaign_start_time: campaign_time(&f, "campaign_start_time")?,
            campaign_end_time: campaign_time(&f, "campaign_end_time")?,
            call_config: f.json("call_config")?,
            remove_invalid_rows: f.bool("remove_invalid_rows")?,
            transliterate_callee_name: f.bool("transliterate_callee_name")?,
        })
    }
}

/// Response of `POST /campaign/upload-csv` (both documented variants).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UploadCsvResponse {
    /// `bulk_list_id`: poll it with upload-status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bulk_list_id: Option<ListId>,
    /// `status`, e.g. `verifying` or `in_db`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<UploadStatus>,
    /// `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `campaign_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_name: Option<String>,
    /// `total_callees`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_callees: Option<u64>,
    /// `total_rows`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_rows: Option<u64>,
    /// `invalidated_rows_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalidated_rows_count: Option<u64>,
    /// `invalidated_rows_csv_url`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub invalidated_rows_csv_url: Nullable<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Response of `GET /campaign/upload-status/{bulk_list_id}`: the union of the documented
/// examples (schema, guidance and fixture variants).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UploadStatusResponse {
    /// `bulk_list_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bulk_list_id: Option<ListId>,
    /// `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<UploadStatus>,
    /// `campaign_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_name: Option<String>,
    /// `campaign_id` (fixture variant; equals `bulk_list_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<CampaignId>,
    /// `total_callees`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_callees: Option<u64>,
    /// `total_contacts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_contacts: Option<u64>,
    /// `total_rows`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_rows: Option<u64>,
    /// `processed_rows`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processed_rows: Option<u64>,
    /// `successful_rows`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successful_rows: Option<u64>,
    /// `failed_rows`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_rows: Option<u64>,
    /// `invalidated_rows_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalidated_rows_count: Option<u64>,
    /// `invalidated_rows_csv_url`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub invalidated_rows_csv_url: Nullable<String>,
    /// `invalid_entries_file` (fixture variant).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub invalid_entries_file: Nullable<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl UploadStatusResponse {
    /// True when processing finished successfully (`completed`, `ready`, `draft`).
    pub fn is_finished(&self) -> bool {
        self.status.as_ref().is_some_and(UploadStatus::is_finished)
    }

    /// True when processing failed.
    pub fn is_failed(&self) -> bool {
        self.status.as_ref().is_some_and(UploadStatus::is_failed)
    }

    /// Progress 0.0–1.0 from `processed_rows / total_rows`, when both are known.
    pub fn progress(&self) -> Option<f64> {
        let total = self.total_rows.filter(|t| *t > 0)?;
        let done = self.processed_rows?;
        Some((done as f64 / total as f64).min(1.0))
    }
}

/// Response of `POST /campaign/check-balance/{bulk_list_id}`: the union of the documented
/// examples (`{status, bulk_list_id, message}` and
/// `{bulk_list_id, required_credits, available_credits, sufficient_balance}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckBalanceResponse {
    /// `status`, e.g. `draft`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<UploadStatus>,
    /// `bulk_list_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bulk_list_id: Option<ListId>,
    /// `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `required_credits`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_credits: Option<Credits>,
    /// `available_credits`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_credits: Option<Credits>,
    /// `sufficient_balance`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sufficient_balance: Option<bool>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl CheckBalanceResponse {
    /// Whether the balance covers the campaign: `sufficient_balance`, else
    /// `available_credits >= required_credits`; `None` when the response does not say.
    pub fn is_sufficient(&self) -> Option<bool> {
        self.sufficient_balance.or_else(|| {
            let required = self.required_credits.as_ref()?.as_f64();
            let available = self.available_credits.as_ref()?.as_f64();
            Some(available >= required)
        })
    }
}

/// Which numbers a large campaign calls from: exactly one of `from_numbers` / `number_pool_id`
/// (both or neither is a 422).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum LargeCampaignCaller {
    /// `from_numbers`: number IDs or E.164 numbers.
    #[serde(rename = "from_numbers")]
    FromNumbers(Vec<String>),
    /// `number_pool_id`.
    #[serde(rename = "number_pool_id")]
    NumberPool(NumberPoolId),
}

/// Body of `POST /campaign/make-call-async` (start a large campaign; not idempotent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MakeCallAsyncRequest {
    /// `bulk_list_id`.
    pub bulk_list_id: ListId,
    /// `agent_id`: the assistant used at upload.
    pub agent_id: AgentId,
    /// The caller numbers.
    #[serde(flatten)]
    pub caller: LargeCampaignCaller,
    /// `country_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    /// `campaign_start_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_start_time: Option<CampaignTime>,
    /// `campaign_end_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_end_time: Option<CampaignTime>,
    /// `call_config` (a JSON object here, not a string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_config: Option<CallConfig>,
    /// `concurrency_percentage` 0–100: share of the workspace's concurrency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency_percentage: Option<u8>,
    /// `callback_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// `email_completion_user_ids`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_completion_user_ids: Option<Vec<UserId>>,
    /// Extra fields to send as they are.
    #[serde(flatten)]
    pub extra: Extra,
}

impl MakeCallAsyncRequest {
    /// A request with the required fields.
    pub fn new(bulk_list_id: ListId, agent_id: AgentId, caller: LargeCampaignCaller) -> Self {
        Self {
            bulk_list_id,
            agent_id,
            caller,
            country_code: None,
            campaign_start_time: None,
            campaign_end_time: None,
            call_config: None,
            concurrency_percentage: None,
            callback_url: None,
            email_completion_user_ids: None,
            extra: Extra::new(),
        }
    }
}

/// Response of `POST /campaign/make-call-async`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MakeCallAsyncResponse {
    /// `message`, e.g. `"Campaign calls scheduled"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `bulk_list_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bulk_list_id: Option<ListId>,
    /// `status`, e.g. `scheduled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CampaignStatus>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::{CallRetryConfig, CallTime};
    use serde_json::json;

    fn t(s: &str) -> CampaignTime {
        s.parse().unwrap()
    }

    #[test]
    fn campaign_time_format() {
        let ct = t("18/10/2026, 09:00");
        assert_eq!(ct.to_string(), "18/10/2026, 09:00");
        assert_eq!(t("18/10/2026 09:00"), ct);
        assert_eq!(
            serde_json::to_value(ct).unwrap(),
            json!("18/10/2026, 09:00")
        );
        let err = CampaignTime::parse("2026-10-18 09:00").unwrap_err();
        assert!(err.to_string().contains("DD/MM/YYYY, HH:MM"));
        assert!(CampaignTime::parse("31/02/2026, 09:00").is_err());
    }

    #[test]
    fn save_form_round_trip() {
        let mut form = SaveCampaignForm::new(
            AgentId::new("a"),
            "Q1",
            "+91",
            t("18/10/2026, 09:00"),
            t("18/10/2026, 21:00"),
        )
        .map_variable("callee_name", "Name")
        .call_config(
            CallConfig::default()
                .idle_timeout_warning(10u32)
                .max_call_length(300u32),
        );
        form.remove_invalid_rows = Some(true);
        let fields = form.text_fields().unwrap();
        let call_config = &fields.iter().find(|(k, _)| *k == "call_config").unwrap().1;
        assert_eq!(
            call_config,
            r#"{"idle_timeout_warning":10,"max_call_length":300}"#
        );
        assert!(fields.contains(&("remove_invalid_rows", "true".to_owned())));
        let back = SaveCampaignForm::from_text_fields(fields.iter().map(|(k, v)| (*k, v.as_str())))
            .unwrap();
        assert_eq!(back, form);
    }

    #[test]
    fn save_form_errors_name_the_field() {
        let err = SaveCampaignForm::from_text_fields([("agent_id", "a")]).unwrap_err();
        assert_eq!(
            err,
            FormError::Missing {
                field: "campaign_name"
            }
        );
        let fields = [
            ("agent_id", "a"),
            ("campaign_name", "c"),
            ("variables_map", "{not json"),
        ];
        let err = SaveCampaignForm::from_text_fields(fields).unwrap_err();
        assert!(
            matches!(
                err,
                FormError::Invalid {
                    field: "variables_map",
                    ..
                }
            ),
            "{err}"
        );
        let fields = [
            ("agent_id", "a"),
            ("campaign_name", "c"),
            ("variables_map", "{}"),
            ("call_config", "{}"),
            ("country_code", "IN"),
            ("campaign_start_time", "tomorrow"),
        ];
        let err = SaveCampaignForm::from_text_fields(fields).unwrap_err();
        assert!(err.to_string().contains("campaign_start_time"), "{err}");
        let fields = [
            ("agent_id", "a"),
            ("campaign_name", "c"),
            ("variables_map", "{}"),
            ("call_config", "{}"),
            ("country_code", "IN"),
            ("campaign_start_time", "18/10/2026, 09:00"),
            ("campaign_end_time", "18/10/2026, 10:00"),
            ("remove_invalid_rows", "maybe"),
        ];
        let err = SaveCampaignForm::from_text_fields(fields).unwrap_err();
        assert!(matches!(
            err,
            FormError::Invalid {
                field: "remove_invalid_rows",
                ..
            }
        ));
    }

    #[test]
    fn upload_form_optional_fields() {
        let form = UploadCsvForm::new(AgentId::new("a"), "Big", "+91");
        let fields = form.text_fields().unwrap();
        assert_eq!(fields.len(), 4);
        let back =
            UploadCsvForm::from_text_fields(fields.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
        assert_eq!(back, form);
    }

    #[test]
    fn make_call_async_caller_exactly_one() {
        let mut req = MakeCallAsyncRequest::new(
            ListId::new("L"),
            AgentId::new("a"),
            LargeCampaignCaller::NumberPool(NumberPoolId::new("p")),
        );
        req.call_config = Some(
            CallConfig::default()
                .call_retry_config(CallRetryConfig::uniform(1, 30))
                .call_time(CallTime {
                    scheduled_at: Nullable::Null,
                    ..CallTime::window("09:00", "18:00", "Asia/Kolkata")
                }),
        );
        let v = serde_json::to_value(&req).unwrap();
        assert_eq!(v["number_pool_id"], "p");
        assert!(v.get("from_numbers").is_none());
        assert_eq!(v["call_config"]["call_time"]["scheduled_at"], Value::Null);
        let back: MakeCallAsyncRequest = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(back, req);
    }

    #[test]
    fn balance_and_status_helpers() {
        let a: CheckBalanceResponse =
            serde_json::from_value(json!({"required_credits": 6200, "available_credits": 8500}))
                .unwrap();
        assert_eq!(a.is_sufficient(), Some(true));
        let b: CheckBalanceResponse =
            serde_json::from_value(json!({"status": "draft", "message": "m"})).unwrap();
        assert_eq!(b.is_sufficient(), None);
        let s: UploadStatusResponse = serde_json::from_value(
            json!({"status": "processing", "total_rows": 6200, "processed_rows": 3100}),
        )
        .unwrap();
        assert_eq!(s.progress(), Some(0.5));
        assert!(!s.is_finished() && !s.is_failed());
    }
}
