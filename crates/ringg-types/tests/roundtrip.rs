//! Every fixture under `tests/fixtures/` decodes into its model and re-serializes to the same
//! JSON value: no field lost, none changed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use ringg_types::analytics::*;
use ringg_types::assistants::*;
use ringg_types::calls::*;
use ringg_types::campaigns::*;
use ringg_types::common::{MessageResponse, Speaker, Total, TranscriptEncoding, decode};
use ringg_types::knowledge_base::*;
use ringg_types::numbers::*;
use ringg_types::termination::*;
use ringg_types::webhook::{CALLBACK_EVENT_TYPE, EventType, WebhookEvent};
use ringg_types::workspace::*;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(fixtures_dir().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Decodes `path` as `T`, re-serializes it and compares JSON values. The fields typed `Secret`
/// write `[REDACTED]`, so those (and only those) are masked in the original first. Returns the
/// model.
fn roundtrip<T: DeserializeOwned + Serialize>(path: &str) -> Result<T, String> {
    let bytes = read(path);
    let mut original: Value = serde_json::from_slice(&bytes).map_err(|e| format!("{path}: {e}"))?;
    let model: T = decode(&bytes).map_err(|e| format!("{path}: decode failed: {e}"))?;
    let back = serde_json::to_value(&model).map_err(|e| format!("{path}: {e}"))?;
    mask_secret_typed_fields(&mut original);
    if back != original {
        return Err(format!(
            "{path}: re-serialized JSON differs\n  original: {original}\n  back:     {back}"
        ));
    }
    Ok(model)
}

/// Masks the fields the models type as `Secret`: `workspace_info.api_key` and `new_api_key`.
fn mask_secret_typed_fields(value: &mut Value) {
    for pointer in ["/workspace_info/api_key", "/new_api_key"] {
        if let Some(v) = value.pointer_mut(pointer)
            && v.is_string()
        {
            *v = Value::String(ringg_types::redact::REDACTED.into());
        }
    }
}

fn check<T: DeserializeOwned + Serialize>(path: &str) -> Result<(), String> {
    roundtrip::<T>(path).map(drop)
}

type Check = fn(&str) -> Result<(), String>;

const CASES: &[(&str, Check)] = &[
    (
        "workspace/get_workspace.json",
        check::<WorkspaceInfoResponse>,
    ),
    (
        "workspace/get_workspace_float_credits.json",
        check::<WorkspaceInfoResponse>,
    ),
    (
        "workspace/list_workspaces.json",
        check::<WorkspaceListResponse>,
    ),
    ("workspace/list_users.json", check::<WorkspaceUsersResponse>),
    (
        "workspace/regenerate_api_key.json",
        check::<RegenerateApiKeyResponse>,
    ),
    ("numbers/list_numbers.json", check::<NumbersResponse>),
    (
        "numbers/list_numbers_fixture_variant.json",
        check::<NumbersResponse>,
    ),
    (
        "calls/initiate_request_v1.json",
        check::<InitiateCallRequest>,
    ),
    (
        "calls/initiate_request_v2.json",
        check::<InitiateCallRequest>,
    ),
    (
        "calls/initiate_response.json",
        check::<InitiateCallResponse>,
    ),
    (
        "calls/initiate_response_v2.json",
        check::<InitiateCallResponse>,
    ),
    (
        "calls/initiate_response_legacy.json",
        check::<InitiateCallResponse>,
    ),
    ("calls/history_response.json", check::<CallHistoryResponse>),
    (
        "calls/history_response_total_many.json",
        check::<CallHistoryResponse>,
    ),
    ("calls/call_details.json", check::<CallDetailsResponse>),
    (
        "calls/call_details_string_transcript.json",
        check::<CallDetailsResponse>,
    ),
    (
        "calls/call_details_with_analysis.json",
        check::<CallDetailsResponse>,
    ),
    (
        "calls/download_history_emailed.json",
        check::<DownloadCallHistoryResponse>,
    ),
    (
        "calls/delete_contact_list.json",
        check::<DeleteContactListResponse>,
    ),
    ("assistants/list_envelope.json", check::<AssistantList>),
    ("assistants/list_agents_key.json", check::<AssistantList>),
    ("assistants/list_bare_array.json", check::<AssistantList>),
    (
        "assistants/get_assistant.json",
        check::<AssistantDetailsResponse>,
    ),
    (
        "assistants/get_assistant_versioned.json",
        check::<AssistantDetailsResponse>,
    ),
    (
        "assistants/create_request.json",
        check::<CreateAssistantRequest>,
    ),
    (
        "assistants/create_request_with_variables.json",
        check::<CreateAssistantRequest>,
    ),
    (
        "assistants/create_response.json",
        check::<CreateAssistantResponse>,
    ),
    (
        "assistants/update_request.json",
        check::<UpdateAssistantRequest>,
    ),
    (
        "assistants/update_response.json",
        check::<UpdateAssistantResponse>,
    ),
    (
        "assistants/edit_request_documented.json",
        check::<EditAssistantRequest>,
    ),
    (
        "assistants/edit_request_traffic.json",
        check::<EditAssistantRequest>,
    ),
    (
        "assistants/edit_request_attach_kb_draft.json",
        check::<EditAssistantRequest>,
    ),
    (
        "assistants/edit_request_node_op.json",
        check::<EditAssistantRequest>,
    ),
    (
        "assistants/edit_event_subscriptions_request.json",
        check::<EditAssistantRequest>,
    ),
    (
        "assistants/edit_event_subscriptions_old_style.json",
        check::<EditAssistantRequest>,
    ),
    (
        "assistants/edit_response.json",
        check::<EditAssistantResponse>,
    ),
    (
        "assistants/edit_response_version.json",
        check::<EditAssistantResponse>,
    ),
    (
        "assistants/edit_response_kb.json",
        check::<EditAssistantResponse>,
    ),
    (
        "assistants/edit_response_ab_version.json",
        check::<EditAssistantResponse>,
    ),
    (
        "assistants/edit_response_tool.json",
        check::<EditAssistantResponse>,
    ),
    (
        "assistants/delete_response.json",
        check::<DeleteAssistantResponse>,
    ),
    ("assistants/voices.json", check::<VoicesResponse>),
    (
        "campaigns/save_response.json",
        check::<SaveCampaignResponse>,
    ),
    (
        "campaigns/start_request.json",
        check::<StartCampaignRequest>,
    ),
    (
        "campaigns/start_v2_request.json",
        check::<StartCampaignV2Request>,
    ),
    (
        "campaigns/start_response.json",
        check::<StartCampaignResponse>,
    ),
    (
        "campaigns/list_response.json",
        check::<CampaignListResponse>,
    ),
    (
        "campaigns/list_response_fixture_variant.json",
        check::<CampaignListResponse>,
    ),
    (
        "campaigns/upload_csv_response.json",
        check::<UploadCsvResponse>,
    ),
    (
        "campaigns/upload_csv_response_fixture.json",
        check::<UploadCsvResponse>,
    ),
    (
        "campaigns/upload_status_schema.json",
        check::<UploadStatusResponse>,
    ),
    (
        "campaigns/upload_status_guidance.json",
        check::<UploadStatusResponse>,
    ),
    (
        "campaigns/upload_status_fixture_draft.json",
        check::<UploadStatusResponse>,
    ),
    (
        "campaigns/check_balance_schema.json",
        check::<CheckBalanceResponse>,
    ),
    (
        "campaigns/check_balance_guidance.json",
        check::<CheckBalanceResponse>,
    ),
    (
        "campaigns/make_call_async_request.json",
        check::<MakeCallAsyncRequest>,
    ),
    (
        "campaigns/make_call_async_request_from_numbers.json",
        check::<MakeCallAsyncRequest>,
    ),
    (
        "campaigns/make_call_async_response.json",
        check::<MakeCallAsyncResponse>,
    ),
    (
        "campaigns/make_call_async_response_fixture.json",
        check::<MakeCallAsyncResponse>,
    ),
    ("termination/by_agent.json", check::<TerminateRequest>),
    ("termination/by_call_ids.json", check::<TerminateRequest>),
    ("termination/by_campaign.json", check::<TerminateRequest>),
    (
        "termination/by_campaign_numbers.json",
        check::<TerminateRequest>,
    ),
    ("termination/by_numbers.json", check::<TerminateRequest>),
    ("termination/response.json", check::<TerminateResponse>),
    (
        "termination/response_fixture.json",
        check::<MessageResponse>,
    ),
    (
        "knowledge_base/create_response.json",
        check::<CreateKbResponse>,
    ),
    ("knowledge_base/edit_response.json", check::<EditKbResponse>),
    ("knowledge_base/list.json", check::<KbList>),
    ("knowledge_base/details.json", check::<KbDetails>),
    (
        "knowledge_base/delete_response.json",
        check::<DeleteKbResponse>,
    ),
    (
        "analytics/platform_analytics.json",
        check::<PlatformAnalyticsResponse>,
    ),
    (
        "analytics/drill_down_analytics.json",
        check::<DrillDownAnalyticsResponse>,
    ),
    (
        "analytics/number_analytics.json",
        check::<NumberAnalyticsResponse>,
    ),
    (
        "analytics/duration_distribution.json",
        check::<DurationDistributionResponse>,
    ),
    (
        "analytics/classification_analytics.json",
        check::<ClassificationAnalyticsResponse>,
    ),
    ("webhooks/call_started.json", check_webhook),
    ("webhooks/call_completed.json", check_webhook),
    ("webhooks/call_completed_old.json", check_webhook),
    (
        "webhooks/call_completed_string_transcript.json",
        check_webhook,
    ),
    ("webhooks/recording_completed.json", check_webhook),
    ("webhooks/recording_completed_minimal.json", check_webhook),
    ("webhooks/platform_analysis_completed.json", check_webhook),
    (
        "webhooks/platform_analysis_completed_stringly.json",
        check_webhook,
    ),
    ("webhooks/client_analysis_completed.json", check_webhook),
    ("webhooks/all_processing_completed.json", check_webhook),
    ("webhooks/unknown_event.json", check_webhook),
    ("webhooks/callback_registered.json", check_webhook),
    ("webhooks/callback_ongoing.json", check_webhook),
    ("webhooks/callback_completed.json", check_webhook),
    ("webhooks/callback_completed_analysis.json", check_webhook),
    ("webhooks/callback_failed_retry.json", check_webhook),
    (
        "webhooks/callback_retry_numeric_strings.json",
        check_counted_webhook,
    ),
    (
        "webhooks/platform_analysis_completed_free_text_flag.json",
        check_webhook,
    ),
    (
        "webhooks/platform_analysis_completed_odd_types.json",
        check_webhook,
    ),
    (
        "webhooks/call_completed_numeric_strings.json",
        check_counted_webhook,
    ),
    (
        "webhooks/all_processing_completed_odd_types.json",
        check_webhook,
    ),
    // An analysis written as plain text is no analysis object: a partial event, nothing lost.
    (
        "webhooks/all_processing_completed_analysis_as_text.json",
        check_partial_webhook,
    ),
];

/// Webhooks go through `WebhookEvent::from_slice_lenient` (the receiver's path), keep their
/// body byte for byte, re-serialize to the same JSON value, and fit the typed model (also
/// through serde).
fn check_webhook(path: &str) -> Result<(), String> {
    let event = check_lenient_webhook(path)?;
    if let Some(err) = event.partial_error() {
        return Err(format!(
            "{path}: expected a typed event, got a partial one: {err}"
        ));
    }
    check::<WebhookEvent>(path)
}

/// Webhooks whose counts are numeric strings (`"retry_count": "1"`, API reference §1.10): typed,
/// the body kept byte for byte, and re-serialized with those counts as numbers.
fn check_counted_webhook(path: &str) -> Result<(), String> {
    let bytes = read(path);
    let mut original: Value = serde_json::from_slice(&bytes).map_err(|e| format!("{path}: {e}"))?;
    let event = WebhookEvent::from_slice_lenient(&bytes).map_err(|e| format!("{path}: {e}"))?;
    if let Some(err) = event.partial_error() {
        return Err(format!(
            "{path}: expected a typed event, got a partial one: {err}"
        ));
    }
    if event.raw().as_bytes() != bytes.as_slice() {
        return Err(format!("{path}: raw() is not the body as read"));
    }
    let counts = [
        "retry_count",
        "retry",
        "agent_message_count",
        "user_message_count",
    ];
    let as_numbers = |object: Option<&mut serde_json::Map<String, Value>>| {
        for (key, value) in object.into_iter().flatten() {
            if counts.contains(&key.as_str())
                && let Some(n) = value.as_str().and_then(|t| t.parse::<u64>().ok())
            {
                *value = n.into();
            }
        }
    };
    as_numbers(original.as_object_mut());
    as_numbers(original.get_mut("data").and_then(Value::as_object_mut));
    let back = serde_json::to_value(&event).map_err(|e| format!("{path}: {e}"))?;
    if back != original {
        return Err(format!(
            "{path}: re-serialized JSON differs\n  expected: {original}\n  back:     {back}"
        ));
    }
    if event.retry_count() != Some(1) {
        return Err(format!("{path}: retry count {:?}", event.retry_count()));
    }
    Ok(())
}

/// Webhooks with a value the typed model does not take: handed over as partial events, nothing
/// lost.
fn check_partial_webhook(path: &str) -> Result<(), String> {
    let event = check_lenient_webhook(path)?;
    match event.partial_error() {
        Some(err) if !err.path().is_empty() => Ok(()),
        _ => Err(format!("{path}: expected a partial event, got {event:?}")),
    }
}

fn check_lenient_webhook(path: &str) -> Result<WebhookEvent, String> {
    let bytes = read(path);
    let original: Value = serde_json::from_slice(&bytes).map_err(|e| format!("{path}: {e}"))?;
    let event = WebhookEvent::from_slice_lenient(&bytes).map_err(|e| format!("{path}: {e}"))?;
    if event.raw().as_bytes() != bytes.as_slice() {
        return Err(format!("{path}: raw() is not the body as read"));
    }
    let back = serde_json::to_value(&event).map_err(|e| format!("{path}: {e}"))?;
    if back != original {
        return Err(format!(
            "{path}: re-serialized JSON differs\n  original: {original}\n  back:     {back}"
        ));
    }
    let expected_type = original["event_type"]
        .as_str()
        .unwrap_or(CALLBACK_EVENT_TYPE);
    if event.event_type().as_str() != expected_type {
        return Err(format!("{path}: event type {:?}", event.event_type()));
    }
    let expected_call = original["call_id"]
        .as_str()
        .or_else(|| original["data"]["call_id"].as_str());
    if event.call_id().map(|c| c.as_str()) != expected_call {
        return Err(format!("{path}: call id {:?}", event.call_id()));
    }
    Ok(event)
}

#[test]
fn every_fixture_round_trips() {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|(path, check)| check(path).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_fixture_file_is_checked() {
    fn walk(dir: &Path, base: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, base, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel);
            }
        }
    }
    let dir = fixtures_dir();
    let mut on_disk = BTreeSet::new();
    walk(&dir, &dir, &mut on_disk);
    let listed: BTreeSet<String> = CASES.iter().map(|(p, _)| (*p).to_owned()).collect();
    assert_eq!(listed.len(), CASES.len(), "a fixture is listed twice");
    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    assert!(
        unlisted.is_empty(),
        "fixtures without a check: {unlisted:?}"
    );
    assert!(missing.is_empty(), "checks without a fixture: {missing:?}");
}

#[test]
fn quirks_decode_to_the_same_meaning() {
    // credits 3025 vs 3025.0
    let a: WorkspaceInfoResponse = roundtrip("workspace/get_workspace.json").unwrap();
    let b: WorkspaceInfoResponse = roundtrip("workspace/get_workspace_float_credits.json").unwrap();
    let credits = |r: &WorkspaceInfoResponse| r.workspace_info.credits.as_ref().unwrap().as_f64();
    assert_eq!(credits(&a), 3025.0);
    assert_eq!(credits(&a), credits(&b));

    // legacy initiate response with spaced keys
    let new: InitiateCallResponse = roundtrip("calls/initiate_response.json").unwrap();
    let old: InitiateCallResponse = roundtrip("calls/initiate_response_legacy.json").unwrap();
    assert_eq!(
        new.call_id().unwrap().as_str(),
        "31106b7c-9d02-4723-8b07-5bb8d90240cb"
    );
    assert_eq!(
        old.call_id().unwrap().as_str(),
        "550e8400-e29b-41d4-a716-446655440000"
    );
    assert_eq!(old.call_status(), Some(&CallStatus::Ongoing));
    assert!(!new.initiated_at().unwrap().has_offset());
    assert!(old.initiated_at().unwrap().has_offset());

    // total as number or "many"; transcript as string (possibly empty) or array
    let h: CallHistoryResponse = roundtrip("calls/history_response.json").unwrap();
    assert_eq!(h.total, Some(Total::Count(1)));
    let t = h.calls[0].transcript.as_ref().unwrap();
    assert_eq!(t.encoding(), TranscriptEncoding::JsonString);
    assert_eq!(t.turns()[0].text(), "Hi there! ...");
    let many: CallHistoryResponse = roundtrip("calls/history_response_total_many.json").unwrap();
    assert!(many.total.as_ref().unwrap().is_many());
    assert!(many.calls[0].transcript.as_ref().unwrap().is_empty());
    assert_eq!(
        many.calls[1].transcript.as_ref().unwrap().turns()[1].audio_offset_ms(),
        Some(4100)
    );
    assert!(many.calls[1].list_id().is_none());
    let d: CallDetailsResponse = roundtrip("calls/call_details.json").unwrap();
    let t = d.data.transcript().unwrap();
    assert_eq!(t.encoding(), TranscriptEncoding::Array);
    assert_eq!(t.turns()[1].speaker(), Speaker::User);
    assert_eq!(d.data.to_number.as_deref(), Some("+0987654321"));

    // analysis values typed or stringly
    let d: CallDetailsResponse = roundtrip("calls/call_details_with_analysis.json").unwrap();
    let pa = d.data.platform_analysis.as_ref().unwrap();
    assert!(pa.callback_requested());
    assert_eq!(pa.key_points.as_ref().unwrap().items().len(), 2);
    assert_eq!(pa.extra["lead_score"], 8);
    assert_eq!(d.data.client_analysis.as_ref().unwrap()["amount"], 4999);

    // custom_variables map vs list, list envelopes
    let docs: AssistantDetailsResponse = roundtrip("assistants/get_assistant.json").unwrap();
    assert_eq!(
        docs.agents.custom_variable_names(),
        vec!["callee_name", "mobile_number"]
    );
    let live: AssistantDetailsResponse =
        roundtrip("assistants/get_assistant_versioned.json").unwrap();
    let (active_id, _) = live.agents.active_version().unwrap();
    assert_eq!(active_id, "9c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e");
    assert_eq!(
        live.agents.custom_variable_names(),
        vec!["callee_name", "mobile_number", "plan"]
    );
    let subs = live.agents.event_subscriptions().unwrap();
    assert!(subs[0].covers(&EventType::AllProcessingCompleted));
    assert_eq!(
        subs[0].auth_fetch_config.as_ref().unwrap().ttl_seconds,
        Some(3600)
    );
    for path in [
        "assistants/list_envelope.json",
        "assistants/list_agents_key.json",
        "assistants/list_bare_array.json",
    ] {
        let list: AssistantList = roundtrip(path).unwrap();
        assert!(!list.agents.is_empty(), "{path}");
    }

    // upload-status and check-balance, both documented examples
    let s: UploadStatusResponse = roundtrip("campaigns/upload_status_guidance.json").unwrap();
    assert_eq!(s.status, Some(UploadStatus::Processing));
    let s: UploadStatusResponse = roundtrip("campaigns/upload_status_fixture_draft.json").unwrap();
    assert!(s.is_finished());
    let b: CheckBalanceResponse = roundtrip("campaigns/check_balance_guidance.json").unwrap();
    assert_eq!(b.is_sufficient(), Some(true));
    let b: CheckBalanceResponse = roundtrip("campaigns/check_balance_schema.json").unwrap();
    assert_eq!(b.is_sufficient(), None);

    // the documented edit example sends many fields at once; the unread ones are kept
    let e: EditAssistantRequest = roundtrip("assistants/edit_request_documented.json").unwrap();
    assert!(matches!(e.edit, AgentEdit::EditAgentDisplayName { .. }));
    assert!(e.extra.contains_key("kb_id"));
    let e: EditAssistantRequest =
        roundtrip("assistants/edit_event_subscriptions_old_style.json").unwrap();
    let AgentEdit::EditEventSubscriptions {
        event_subscriptions,
    } = &e.edit
    else {
        panic!("{:?}", e.edit)
    };
    assert_eq!(event_subscriptions.len(), 3);

    // webhooks: role/content transcript, unknown event kept
    let ev = WebhookEvent::from_slice(&read("webhooks/call_completed_old.json")).unwrap();
    let WebhookEvent::CallCompleted(c) = &ev else {
        panic!("{ev:?}")
    };
    assert_eq!(c.retry_count, Some(0));
    assert_eq!(c.status, Some(CallStatus::Retry));
    assert_eq!(
        c.transcript.as_ref().unwrap().turns()[0].speaker(),
        Speaker::Bot
    );
    let ev = WebhookEvent::from_slice(&read("webhooks/all_processing_completed.json")).unwrap();
    let WebhookEvent::AllProcessingCompleted(all) = &ev else {
        panic!("{ev:?}")
    };
    assert_eq!(
        all.platform_analysis
            .as_ref()
            .unwrap()
            .classification
            .as_deref(),
        Some("qualified_lead")
    );
    assert!(all.recording_url.is_value());
    let ev = WebhookEvent::from_slice(&read("webhooks/unknown_event.json")).unwrap();
    assert!(matches!(ev, WebhookEvent::Unknown(_)));
}

#[test]
fn keys_never_reach_debug() {
    let info: WorkspaceInfoResponse = roundtrip("workspace/get_workspace.json").unwrap();
    let rotated: RegenerateApiKeyResponse = roundtrip("workspace/regenerate_api_key.json").unwrap();
    for shown in [
        format!("{info:?}"),
        format!("{info:#?}"),
        format!("{:?}", info.workspace_info),
        format!("{rotated:?}"),
        format!("{rotated:#?}"),
    ] {
        assert!(!shown.contains("7251cb4b"), "{shown}");
        assert!(!shown.contains("e89b12d3"), "{shown}");
        assert!(shown.contains("REDACTED"), "{shown}");
    }
    // The key is still there for whoever asks for it explicitly.
    assert_eq!(
        rotated.new_api_key.expose(),
        "e89b12d3-a456-426c-8001-f05de02b54b4"
    );

    // A failed decode of a key-bearing body does not show the key either.
    let body = br#"{"workspace_info": {"id": [5], "api_key": "7251cb4b-secret"}}"#;
    let err = decode::<WorkspaceInfoResponse>(body).unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("7251cb4b"), "{shown}");
    assert_eq!(err.path(), "workspace_info.id");
}

/// A partial event's error names the field and the failure, and copies nothing of the body (a
/// delivery holds phone numbers and transcripts), which stays reachable through `body()`.
#[test]
fn a_partial_events_error_message_copies_nothing_of_the_body() {
    let body = br#"{"event_type":"call_completed","call_id":"c1","to_number":"+919876543210","call_duration":"long"}"#;
    let event = WebhookEvent::from_slice_lenient(body).unwrap();
    let error = event.partial_error().expect("a partial event");
    let message = error.to_string();
    assert!(message.contains("`call_duration`"), "{message}");
    assert!(!message.contains("9876543210"), "{message}");
    assert_eq!(error.body(), body);
}

/// A 2xx whose body is not the list (an error answered 200, another envelope) fails to decode,
/// naming the list's key, instead of reading as "nothing there".
#[test]
fn an_answer_without_its_list_is_not_an_empty_list() {
    let bodies = [
        r#"{"detail":"Not authorized"}"#,
        r#"{"status":"error","message":"Workspace suspended"}"#,
        r#"{"status":"success","data":{"workspace_numbers":[{"id":"n1"}]}}"#,
    ];
    for body in bodies {
        let b = body.as_bytes();
        let paths = [
            decode::<NumbersResponse>(b).unwrap_err().to_string(),
            decode::<WorkspaceListResponse>(b).unwrap_err().to_string(),
            decode::<WorkspaceUsersResponse>(b).unwrap_err().to_string(),
            decode::<VoicesResponse>(b).unwrap_err().to_string(),
        ];
        for (err, key) in paths.iter().zip([
            "workspace_numbers",
            "workspaces",
            "workspace_users",
            "voices",
        ]) {
            assert!(err.contains(key), "{body}: {err}");
        }
    }
    // An assistant list in the documented envelope: `data` without `agents` is empty only
    // when the envelope says it succeeded.
    let err =
        decode::<AssistantList>(br#"{"status":"error","data":{},"message":"Workspace suspended"}"#)
            .unwrap_err();
    assert!(err.to_string().contains("data.agents"), "{err}");
    let empty = decode::<AssistantList>(br#"{"status":"success","data":{}}"#).unwrap();
    assert!(empty.agents.is_empty());
    // An empty list is still an empty list.
    assert!(
        decode::<NumbersResponse>(br#"{"workspace_numbers":[]}"#)
            .unwrap()
            .workspace_numbers
            .is_empty()
    );
}

/// Free-text fields sent as numbers are read as their text, not refused with the whole answer.
#[test]
fn free_text_fields_sent_as_numbers_are_read_as_text() {
    let ws =
        decode::<WorkspaceInfoResponse>(br#"{"workspace_info":{"id":"w1","name":42}}"#).unwrap();
    assert_eq!(ws.workspace_info.name.as_deref(), Some("42"));
    let numbers = decode::<NumbersResponse>(
        br#"{"workspace_numbers":[{"id":"n1","display_name":7,"expiry_date":1735689600},{"id":"n2","display_name":null}]}"#,
    )
    .unwrap();
    let first = &numbers.workspace_numbers[0];
    assert_eq!(first.display_name.as_ref(), Some(&"7".to_string()));
    assert_eq!(first.expiry_date.as_ref(), Some(&"1735689600".to_string()));
    assert!(numbers.workspace_numbers[1].display_name.is_null());
}
