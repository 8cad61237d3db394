//! Every JSON example in `docs/openapi.yaml` (request bodies, responses, webhook payloads) must
//! deserialize into its `ringg-types` model and serialize back to the same JSON: the models read
//! every documented variant and lose nothing.
//!
//! The schema → model table below is exhaustive: an example whose schema has no entry fails the
//! test, so a new schema cannot go untested silently.

use std::collections::BTreeSet;
use std::fs;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use ringg_types::webhook::WebhookEvent;
use ringg_types::{
    analytics, assistants, calls, campaigns, common, knowledge_base, numbers, stt, termination,
    workspace,
};
use xtask::codegen::SPEC_PATH;
use xtask::repo_root;

/// Deserializes `value` as `T` (through `ringg_types::decode`, which names the failing field)
/// and serializes it back.
fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let bytes = serde_json::to_vec(value).map_err(|e| e.to_string())?;
    let model: T = ringg_types::decode(&bytes).map_err(|e| e.to_string())?;
    serde_json::to_value(&model).map_err(|e| format!("serialize: {e}"))
}

/// Webhook payloads go through `WebhookEvent::from_slice` and must not fall back to `Unknown`.
fn webhook(value: &Value) -> Result<Value, String> {
    let bytes = serde_json::to_vec(value).map_err(|e| e.to_string())?;
    let event = WebhookEvent::from_slice(&bytes).map_err(|e| e.to_string())?;
    if matches!(event, WebhookEvent::Unknown(_)) {
        return Err("parsed as WebhookEvent::Unknown".to_owned());
    }
    let expected = value.get("event_type").and_then(Value::as_str);
    if Some(event.event_type().as_str()) != expected {
        return Err(format!(
            "parsed as {} but the payload says {expected:?}",
            event.event_type()
        ));
    }
    serde_json::to_value(&event).map_err(|e| format!("serialize: {e}"))
}

type Check = fn(&Value) -> Result<Value, String>;

/// The model(s) of each schema that carries JSON examples. A schema shared by two operations
/// with two models (the large-upload status) lists both; each must round-trip every example.
fn models(schema: &str) -> Option<Vec<(&'static str, Check)>> {
    macro_rules! m {
        ($($name:literal => $check:expr),+ $(,)?) => { Some(vec![$(($name, $check as Check)),+]) };
    }
    match schema {
        // workspace, numbers
        "WorkspaceInfoResponse" => {
            m!("workspace::WorkspaceInfoResponse" => round_trip::<workspace::WorkspaceInfoResponse>)
        }
        "WorkspaceListResponse" => {
            m!("workspace::WorkspaceListResponse" => round_trip::<workspace::WorkspaceListResponse>)
        }
        "WorkspaceUsersResponse" => {
            m!("workspace::WorkspaceUsersResponse" => round_trip::<workspace::WorkspaceUsersResponse>)
        }
        "RegenerateApiKeyResponse" => {
            m!("workspace::RegenerateApiKeyResponse" => round_trip::<workspace::RegenerateApiKeyResponse>)
        }
        "WorkspaceNumbersResponse" => {
            m!("numbers::NumbersResponse" => round_trip::<numbers::NumbersResponse>)
        }
        // assistants
        "AssistantListResponse" => {
            m!("assistants::AssistantList" => round_trip::<assistants::AssistantList>)
        }
        "AssistantResponse" => {
            m!("assistants::AssistantDetailsResponse" => round_trip::<assistants::AssistantDetailsResponse>)
        }
        "CreateAssistantRequest" => {
            m!("assistants::CreateAssistantRequest" => round_trip::<assistants::CreateAssistantRequest>)
        }
        "CreateAssistantResponse" => {
            m!("assistants::CreateAssistantResponse" => round_trip::<assistants::CreateAssistantResponse>)
        }
        "UpdateAssistantRequest" => {
            m!("assistants::UpdateAssistantRequest" => round_trip::<assistants::UpdateAssistantRequest>)
        }
        "UpdateAssistantResponse" => {
            m!("assistants::UpdateAssistantResponse" => round_trip::<assistants::UpdateAssistantResponse>)
        }
        "EditAssistantRequest" => {
            m!("assistants::EditAssistantRequest" => round_trip::<assistants::EditAssistantRequest>)
        }
        "EditAssistantResponse" => {
            m!("assistants::EditAssistantResponse" => round_trip::<assistants::EditAssistantResponse>)
        }
        "VoicesResponse" => {
            m!("assistants::VoicesResponse" => round_trip::<assistants::VoicesResponse>)
        }
        "MessageResponse" => m!("common::MessageResponse" => round_trip::<common::MessageResponse>),
        // calls
        "InitiateCallRequest" | "InitiateCallV2Request" => {
            m!("calls::InitiateCallRequest" => round_trip::<calls::InitiateCallRequest>)
        }
        "InitiateCallResponse" => {
            m!("calls::InitiateCallResponse" => round_trip::<calls::InitiateCallResponse>)
        }
        "CallHistoryResponse" => {
            m!("calls::CallHistoryResponse" => round_trip::<calls::CallHistoryResponse>)
        }
        "CallDetailsResponse" => {
            m!("calls::CallDetailsResponse" => round_trip::<calls::CallDetailsResponse>)
        }
        // campaigns
        "SaveCampaignResponse" => {
            m!("campaigns::SaveCampaignResponse" => round_trip::<campaigns::SaveCampaignResponse>)
        }
        "StartCampaignRequest" => {
            m!("campaigns::StartCampaignRequest" => round_trip::<campaigns::StartCampaignRequest>)
        }
        "StartCampaignV2Request" => {
            m!("campaigns::StartCampaignV2Request" => round_trip::<campaigns::StartCampaignV2Request>)
        }
        "StartCampaignResponse" => {
            m!("campaigns::StartCampaignResponse" => round_trip::<campaigns::StartCampaignResponse>)
        }
        "CampaignListResponse" => {
            m!("campaigns::CampaignListResponse" => round_trip::<campaigns::CampaignListResponse>)
        }
        "LargeUploadStatus" => m!(
            "campaigns::UploadCsvResponse" => round_trip::<campaigns::UploadCsvResponse>,
            "campaigns::UploadStatusResponse" => round_trip::<campaigns::UploadStatusResponse>,
        ),
        "CheckBalanceResponse" => {
            m!("campaigns::CheckBalanceResponse" => round_trip::<campaigns::CheckBalanceResponse>)
        }
        "StartLargeCampaignRequest" => {
            m!("campaigns::MakeCallAsyncRequest" => round_trip::<campaigns::MakeCallAsyncRequest>)
        }
        "StartLargeCampaignResponse" => {
            m!("campaigns::MakeCallAsyncResponse" => round_trip::<campaigns::MakeCallAsyncResponse>)
        }
        // termination: the generic body and the four legacy bodies are all modes of one request
        "TerminateRequest"
        | "TerminateByAgent"
        | "TerminateByCallIds"
        | "TerminateCampaign"
        | "TerminateByCampaignNumbers"
        | "TerminateByNumbers" => {
            m!("termination::TerminateRequest" => round_trip::<termination::TerminateRequest>)
        }
        // knowledge bases
        "KnowledgeBaseCreateResponse" => {
            m!("knowledge_base::CreateKbResponse" => round_trip::<knowledge_base::CreateKbResponse>)
        }
        "KnowledgeBaseEditResponse" => {
            m!("knowledge_base::EditKbResponse" => round_trip::<knowledge_base::EditKbResponse>)
        }
        "KnowledgeBaseList" => m!("knowledge_base::KbList" => round_trip::<knowledge_base::KbList>),
        "KnowledgeBase" => {
            m!("knowledge_base::KbDetails" => round_trip::<knowledge_base::KbDetails>)
        }
        "KnowledgeBaseDeleteResponse" => {
            m!("knowledge_base::DeleteKbResponse" => round_trip::<knowledge_base::DeleteKbResponse>)
        }
        // analytics
        "PlatformAnalyticsResponse" => {
            m!("analytics::PlatformAnalyticsResponse" => round_trip::<analytics::PlatformAnalyticsResponse>)
        }
        "DrillDownAnalyticsResponse" => {
            m!("analytics::DrillDownAnalyticsResponse" => round_trip::<analytics::DrillDownAnalyticsResponse>)
        }
        "NumberAnalyticsResponse" => {
            m!("analytics::NumberAnalyticsResponse" => round_trip::<analytics::NumberAnalyticsResponse>)
        }
        "DurationDistributionResponse" => {
            m!("analytics::DurationDistributionResponse" => round_trip::<analytics::DurationDistributionResponse>)
        }
        "ClassificationAnalyticsResponse" => {
            m!("analytics::ClassificationAnalyticsResponse" => round_trip::<analytics::ClassificationAnalyticsResponse>)
        }
        // the speech-to-text service
        "SttTranscription" => m!("stt::Transcription" => round_trip::<stt::Transcription>),
        // webhook events
        "CallStartedEvent"
        | "CallRingingEvent"
        | "CallOngoingEvent"
        | "CallCompletedEvent"
        | "RecordingCompletedEvent"
        | "PlatformAnalysisCompletedEvent"
        | "ClientAnalysisCompletedEvent"
        | "AllProcessingCompletedEvent" => {
            m!("webhook::WebhookEvent" => webhook)
        }
        _ => None,
    }
}

/// Schemas with JSON examples that deliberately have no ringg-types model, and why.
const NOT_MODELLED: &[(&str, &str)] = &[
    (
        "ErrorBody",
        "error bodies are read leniently by ringg-api's error type, not by a ringg-types model",
    ),
    (
        "SttErrorBody",
        "error bodies are read leniently by ringg-api's error type, not by a ringg-types model",
    ),
];

/// One JSON example of the spec.
struct Example {
    /// Where it is, e.g. `POST /calling/history/download 200 (emailed)`.
    location: String,
    schema: String,
    value: Value,
}

fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    while let Some(reference) = current.get("$ref").and_then(Value::as_str) {
        let pointer = reference.strip_prefix('#').expect("local reference");
        current = spec
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{reference} points nowhere"));
    }
    current
}

/// Collects the examples of the `application/json` media type of `content`.
fn collect(spec: &Value, location: &str, content: &Value, out: &mut Vec<Example>) {
    let Some(media) = content.get("application/json") else {
        return;
    };
    let schema = media
        .get("schema")
        .and_then(|s| s.get("$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .unwrap_or_else(|| panic!("{location}: the JSON schema must be a $ref to a named schema"))
        .to_owned();
    if let Some(example) = media.get("example") {
        out.push(Example {
            location: location.to_owned(),
            schema: schema.clone(),
            value: example.clone(),
        });
    }
    for (name, example) in media
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let example = resolve(spec, example);
        let value = example
            .get("value")
            .unwrap_or_else(|| panic!("{location} ({name}): an example needs a `value`"));
        out.push(Example {
            location: format!("{location} ({name})"),
            schema: schema.clone(),
            value: value.clone(),
        });
    }
}

fn load_examples() -> Vec<Example> {
    let text = fs::read_to_string(repo_root().join(SPEC_PATH)).unwrap();
    let spec: Value = serde_norway::from_str(&text).unwrap();
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if method == "parameters" || method == "servers" {
                continue;
            }
            let at = format!("{} {path}", method.to_uppercase());
            if let Some(body) = op.get("requestBody") {
                collect(&spec, &format!("{at} request"), &body["content"], &mut out);
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                let response = resolve(&spec, response);
                if let Some(content) = response.get("content") {
                    collect(&spec, &format!("{at} {status}"), content, &mut out);
                }
            }
        }
    }
    for (event, item) in spec["webhooks"].as_object().unwrap() {
        let body = &item["post"]["requestBody"]["content"];
        collect(&spec, &format!("webhook {event}"), body, &mut out);
    }
    // Shared error responses repeat on every operation: keep one copy of each.
    let mut seen = BTreeSet::new();
    out.retain(|e| seen.insert((e.schema.clone(), e.value.to_string())));
    out
}

/// The JSON paths where `a` and `b` differ.
fn diff(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let p = format!("{path}.{k}");
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => diff(&p, u, v, out),
                    (Some(u), None) => out.push(format!("{p}: lost (was {u})")),
                    (None, Some(v)) => out.push(format!("{p}: added ({v})")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                diff(&format!("{path}[{i}]"), u, v, out);
            }
        }
        _ if a == b => {}
        _ => out.push(format!("{path}: {a} became {b}")),
    }
}

#[test]
fn every_spec_example_round_trips_through_its_model() {
    let examples = load_examples();
    assert!(
        examples.len() > 60,
        "only {} examples found",
        examples.len()
    );
    let mut failures = Vec::new();
    let mut checked = 0;
    for example in &examples {
        if NOT_MODELLED.iter().any(|(s, _)| *s == example.schema) {
            continue;
        }
        let Some(models) = models(&example.schema) else {
            failures.push(format!(
                "{}: schema {} has no entry in the model table of this test",
                example.location, example.schema
            ));
            continue;
        };
        for (model, check) in models {
            checked += 1;
            match check(&example.value) {
                Err(e) => failures.push(format!(
                    "{} as {model}: does not parse: {e}",
                    example.location
                )),
                Ok(back) => {
                    // Fields typed `Secret` write `[REDACTED]`; everything else must be kept.
                    let mut expected = example.value.clone();
                    for pointer in ["/workspace_info/api_key", "/new_api_key"] {
                        if let Some(v) = expected.pointer_mut(pointer)
                            && v.is_string()
                        {
                            *v = Value::String(ringg_types::redact::REDACTED.into());
                        }
                    }
                    let mut diffs = Vec::new();
                    diff("$", &expected, &back, &mut diffs);
                    if !diffs.is_empty() {
                        failures.push(format!(
                            "{} as {model}: not preserved:\n    {}",
                            example.location,
                            diffs.join("\n    ")
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} example checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_collector_sees_every_kind_of_example() {
    let examples = load_examples();
    let has = |prefix: &str| examples.iter().any(|e| e.location.starts_with(prefix));
    assert!(has("POST /calling/v2/outbound/individual request"));
    assert!(has("GET /calling/history 200 (total_many)"));
    assert!(has("POST /calling/outbound/individual 200 (legacy)"));
    assert!(has("PATCH /campaign/terminate 400"));
    for event in [
        "call_started",
        "call_ringing",
        "call_ongoing",
        "call_completed",
        "recording_completed",
        "platform_analysis_completed",
        "client_analysis_completed",
        "all_processing_completed",
    ] {
        assert!(has(&format!("webhook {event} (")), "{event}");
    }
    // Multipart bodies are not JSON and have form types of their own.
    assert!(!has("POST /campaign/save request"));
}

#[test]
fn the_diff_names_lost_and_changed_fields() {
    let a: Value = serde_json::json!({"a": 1, "b": [1, {"c": "x"}], "d": 2});
    let b: Value = serde_json::json!({"a": 1.0, "b": [1, {"c": "y"}], "e": 3});
    let mut out = Vec::new();
    diff("$", &a, &b, &mut out);
    assert_eq!(
        out,
        vec![
            "$.a: 1 became 1.0",
            "$.b[1].c: \"x\" became \"y\"",
            "$.d: lost (was 2)",
            "$.e: added (3)",
        ]
    );
}
