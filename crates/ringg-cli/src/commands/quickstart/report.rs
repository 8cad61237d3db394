//! What `ringg quickstart --output json` prints: everything the run learned.

use ringg_api::types::analytics::PlatformAnalyticsResponse;
use ringg_api::types::calls::{CallDetails, CallHistoryResponse};
use ringg_api::types::numbers::WorkspaceNumber;
use ringg_api::types::webhook::WebhookEvent;
use ringg_api::types::{AgentId, CallId, CallStatus};
use serde::Serialize;
use serde_json::{Map, Value};

/// Everything the run learned, for `--output json`.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    pub(crate) mode: &'static str,
    pub(crate) base_url: String,
    pub(crate) workspace: Value,
    pub(crate) assistant: AssistantSummary,
    pub(crate) number: WorkspaceNumber,
    pub(crate) webhooks: WebhookSummary,
    pub(crate) call: CallSummary,
    pub(crate) details: CallDetails,
    pub(crate) history: CallHistoryResponse,
    pub(crate) analytics: PlatformAnalyticsResponse,
}

#[derive(Debug, Serialize)]
pub(crate) struct AssistantSummary {
    pub(crate) id: AgentId,
    pub(crate) name: Option<String>,
    pub(crate) variables: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct WebhookSummary {
    pub(crate) subscribed_url: Option<String>,
    pub(crate) events: Vec<WebhookEvent>,
}

#[derive(Debug, Serialize)]
pub(crate) struct CallSummary {
    pub(crate) call_id: CallId,
    pub(crate) client_reference: String,
    pub(crate) to: String,
    pub(crate) variables: Map<String, Value>,
    pub(crate) status_changes: Vec<String>,
    pub(crate) final_status: Option<CallStatus>,
}
