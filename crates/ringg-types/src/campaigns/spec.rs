//! [`CampaignSpec`]: the fields a campaign is created with, shared by the standard upload
//! ([`SaveCampaignForm`]), the large upload ([`UploadCsvForm`]) and the client's launch request.
//!
//! Both uploads are multipart forms: [`text_fields`](CampaignSpec::text_fields) gives the text
//! parts (strings as they are, `variables_map` and `call_config` as JSON text, booleans as
//! `true`/`false`, unset fields left out); the client adds the CSV as the
//! [`FILE_FIELD`](CampaignSpec::FILE_FIELD) part.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::calls::CallConfig;
use crate::campaigns::time::CampaignTime;
use crate::common::{Extra, Nullable};
use crate::enums::UploadStatus;
use crate::ids::{AgentId, ListId};

/// The campaign fields of both uploads. `Time` and `Config` are [`CampaignTime`] and
/// [`CallConfig`] for the standard upload, where they are required, and `Option`s of them for
/// the large upload, where they may be left out.
///
/// The field order is the order of the standard upload's multipart text parts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignSpec<Time = CampaignTime, Config = CallConfig> {
    /// `agent_id`: an outbound assistant.
    pub agent_id: AgentId,
    /// `campaign_name`.
    pub campaign_name: String,
    /// `variables_map`: assistant variable → CSV column header (sent as a JSON string).
    pub variables_map: BTreeMap<String, String>,
    /// `call_config`: retries, calling window and other call settings (sent as a JSON string).
    pub call_config: Config,
    /// `country_code`: dialing prefix (`+91`) or, in older docs, ISO-2 (`IN`).
    pub country_code: String,
    /// `campaign_start_time` (must be in the future).
    pub campaign_start_time: Time,
    /// `campaign_end_time`.
    pub campaign_end_time: Time,
    /// `remove_invalid_rows`: skip bad rows instead of failing the upload.
    pub remove_invalid_rows: Option<bool>,
    /// `transliterate_callee_name`: names into English script.
    pub transliterate_callee_name: Option<bool>,
}

/// Text fields of `POST /campaign/save` (multipart; the CSV goes in the
/// [`FILE_FIELD`](CampaignSpec::FILE_FIELD) part and must have a `Mobile Number` column).
pub type SaveCampaignForm = CampaignSpec;

/// Text fields of `POST /campaign/upload-csv` (large campaigns, beta). The CSV goes in the
/// [`FILE_FIELD`](CampaignSpec::FILE_FIELD) part.
pub type UploadCsvForm = CampaignSpec<Option<CampaignTime>, Option<CallConfig>>;

fn default_variables_map() -> BTreeMap<String, String> {
    BTreeMap::from([("mobile_number".to_owned(), "Mobile Number".to_owned())])
}

impl<Time, Config> CampaignSpec<Time, Config> {
    /// Name of the file part.
    pub const FILE_FIELD: &'static str = "file";

    /// Maps assistant variable `variable` to CSV column `column`.
    #[must_use]
    pub fn map_variable(mut self, variable: impl Into<String>, column: impl Into<String>) -> Self {
        self.variables_map.insert(variable.into(), column.into());
        self
    }
}

impl CampaignSpec {
    /// A standard-upload form with the required fields; `variables_map` starts as
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
            variables_map: default_variables_map(),
            call_config: CallConfig::default(),
            country_code: country_code.into(),
            campaign_start_time,
            campaign_end_time,
            remove_invalid_rows: None,
            transliterate_callee_name: None,
        }
    }

    /// The multipart text parts, in field order.
    pub fn text_fields(&self) -> Result<Vec<(&'static str, String)>, serde_json::Error> {
        crate::form::text_fields(self)
    }

    /// Sets `call_config`.
    #[must_use]
    pub fn call_config(mut self, call_config: CallConfig) -> Self {
        self.call_config = call_config;
        self
    }

    /// The same campaign as a large-upload form: the times are kept, and `call_config` is
    /// left out when it sets nothing (it is optional on the large flow).
    pub fn into_large_upload(self) -> UploadCsvForm {
        let call_config = (self.call_config != CallConfig::default()).then_some(self.call_config);
        CampaignSpec {
            agent_id: self.agent_id,
            campaign_name: self.campaign_name,
            variables_map: self.variables_map,
            call_config,
            country_code: self.country_code,
            campaign_start_time: Some(self.campaign_start_time),
            campaign_end_time: Some(self.campaign_end_time),
            remove_invalid_rows: self.remove_invalid_rows,
            transliterate_callee_name: self.transliterate_callee_name,
        }
    }
}

/// The order of the large upload's text parts.
const LARGE_UPLOAD_PART_ORDER: [&str; 9] = [
    "agent_id",
    "campaign_name",
    "country_code",
    "variables_map",
    "campaign_start_time",
    "campaign_end_time",
    "call_config",
    "remove_invalid_rows",
    "transliterate_callee_name",
];

impl CampaignSpec<Option<CampaignTime>, Option<CallConfig>> {
    /// The multipart text parts, in the large upload's order; unset fields are left out.
    pub fn text_fields(&self) -> Result<Vec<(&'static str, String)>, serde_json::Error> {
        let mut fields = crate::form::text_fields(self)?;
        fields.sort_by_key(|(name, _)| LARGE_UPLOAD_PART_ORDER.iter().position(|n| n == name));
        Ok(fields)
    }

    /// A large-upload form with the required fields; `variables_map` starts as
    /// `{"mobile_number": "Mobile Number"}`.
    pub fn new(
        agent_id: AgentId,
        campaign_name: impl Into<String>,
        country_code: impl Into<String>,
    ) -> Self {
        Self {
            agent_id,
            campaign_name: campaign_name.into(),
            variables_map: default_variables_map(),
            call_config: None,
            country_code: country_code.into(),
            campaign_start_time: None,
            campaign_end_time: None,
            remove_invalid_rows: None,
            transliterate_callee_name: None,
        }
    }
}

/// Response of `POST /campaign/save`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SaveCampaignResponse {
    /// `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `list_id`: the new contact list / campaign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_id: Option<ListId>,
    /// `custom_args_values`: one object per imported row (also read from a JSON-encoded
    /// string, as other answers write this field; rows that are not objects left out).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::object_rows"
    )]
    pub custom_args_values: Option<Vec<Map<String, Value>>>,
    /// `total_rows`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub total_rows: Option<u64>,
    /// `successful_rows`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub successful_rows: Option<u64>,
    /// `failed_rows`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub failed_rows: Option<u64>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(SaveCampaignResponse);

/// Response of `POST /campaign/upload-csv` (both documented variants).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
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
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub total_callees: Option<u64>,
    /// `total_rows`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub total_rows: Option<u64>,
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
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(UploadCsvResponse);

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> CampaignTime {
        s.parse().unwrap()
    }

    #[test]
    fn save_form_text_fields() {
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
        let expected: Vec<(&str, String)> = vec![
            ("agent_id", "a".into()),
            ("campaign_name", "Q1".into()),
            (
                "variables_map",
                r#"{"callee_name":"Name","mobile_number":"Mobile Number"}"#.into(),
            ),
            (
                "call_config",
                r#"{"idle_timeout_warning":10,"max_call_length":300}"#.into(),
            ),
            ("country_code", "+91".into()),
            ("campaign_start_time", "18/10/2026, 09:00".into()),
            ("campaign_end_time", "18/10/2026, 21:00".into()),
            ("remove_invalid_rows", "true".into()),
        ];
        assert_eq!(fields, expected);
    }

    #[test]
    fn upload_form_optional_fields() {
        let form = UploadCsvForm::new(AgentId::new("a"), "Big", "+91");
        let fields = form.text_fields().unwrap();
        assert_eq!(fields.len(), 4);
        let expected: Vec<(&str, String)> = vec![
            ("agent_id", "a".into()),
            ("campaign_name", "Big".into()),
            ("country_code", "+91".into()),
            (
                "variables_map",
                r#"{"mobile_number":"Mobile Number"}"#.into(),
            ),
        ];
        assert_eq!(fields, expected);
    }

    #[test]
    fn the_large_upload_keeps_the_times_and_drops_an_empty_call_config() {
        let save = SaveCampaignForm::new(
            AgentId::new("a"),
            "Q1",
            "+91",
            t("18/10/2026, 09:00"),
            t("18/10/2026, 21:00"),
        );
        let mut large = save.clone().into_large_upload();
        assert_eq!(large.campaign_start_time, Some(save.campaign_start_time));
        assert_eq!(large.call_config, None);
        large.transliterate_callee_name = Some(false);
        let fields = large.text_fields().unwrap();
        assert!(fields.contains(&("transliterate_callee_name", "false".to_owned())));
        assert!(!fields.iter().any(|(k, _)| *k == "call_config"));
    }
}
