//! The large-campaign (5,000+ rows, beta) processing, balance and start models.

use serde::{Deserialize, Serialize};

use crate::calls::CallConfig;
use crate::campaigns::time::CampaignTime;
use crate::common::{Credits, Extra, Nullable};
use crate::enums::{CampaignStatus, UploadStatus};
use crate::ids::{AgentId, CampaignId, ListId, NumberPoolId, UserId};

/// Response of `GET /campaign/upload-status/{bulk_list_id}`: the union of the documented
/// examples (schema, guidance and fixture variants).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
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
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub total_callees: Option<u64>,
    /// `total_contacts`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub total_contacts: Option<u64>,
    /// `total_rows`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub total_rows: Option<u64>,
    /// `processed_rows`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub processed_rows: Option<u64>,
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
    /// `invalid_entries_file` (fixture variant).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub invalid_entries_file: Nullable<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(UploadStatusResponse);

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
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
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
    /// `sufficient_balance` (also `"true"`, `1`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::flag"
    )]
    pub sufficient_balance: Option<bool>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(CheckBalanceResponse);

impl CheckBalanceResponse {
    /// Whether the balance covers the campaign: `sufficient_balance`, else
    /// `available_credits >= required_credits`, else `false` for a `status` of
    /// `insufficient_balance` (the status `/campaign/all` shows for such a campaign); `None`
    /// when the response does not say.
    pub fn is_sufficient(&self) -> Option<bool> {
        self.sufficient_balance
            .or_else(|| {
                let required = self.required_credits.as_ref()?.as_f64();
                let available = self.available_credits.as_ref()?.as_f64();
                Some(available >= required)
            })
            .or_else(|| {
                let status = self.status.as_ref()?.as_str();
                status
                    .eq_ignore_ascii_case("insufficient_balance")
                    .then_some(false)
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
#[derive(Clone, PartialEq, Serialize, Deserialize)]
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

crate::redact::redacted_debug!(MakeCallAsyncRequest);

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
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
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

crate::redact::redacted_debug!(MakeCallAsyncResponse);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::{CallRetryConfig, CallTime};
    use serde_json::{Value, json};

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
        let short: CheckBalanceResponse =
            serde_json::from_value(json!({"status": "insufficient_balance"})).unwrap();
        assert_eq!(short.is_sufficient(), Some(false));
        let s: UploadStatusResponse = serde_json::from_value(
            json!({"status": "processing", "total_rows": 6200, "processed_rows": 3100}),
        )
        .unwrap();
        assert_eq!(s.progress(), Some(0.5));
        assert!(!s.is_finished() && !s.is_failed());
    }
}
