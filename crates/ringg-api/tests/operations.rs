//! One test per operation (all 41): the exact request each typed method sends (method, path,
//! query, body, idempotency class) and the documented response example parsed into its model.
//! Plus the checks made before sending (termination limit, make-call-async caller, KB limits,
//! v1 endpoints refusing number pools), error bodies of every documented shape, and the
//! campaign launch flows, all over a mockall transport.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use http::StatusCode;
use ringg_api::Client;
use ringg_api::ErrorKind;
use ringg_api::campaigns::{
    CampaignFlow, CsvUpload, LaunchError, LaunchRequest, LaunchResponses, LaunchStep, PollOptions,
    PreflightOptions, Uploaded,
};
use ringg_api::knowledge_bases::{KbFile, MAX_KB_FILE_BYTES};
use ringg_api::termination::is_nothing_to_terminate;
use ringg_api::transport::layers::RetryPolicy;
use ringg_api::transport::{ApiRequest, ApiResponse, Body, MockTransport, Part, PartData};
use ringg_api::types::analytics::AnalyticsQuery;
use ringg_api::types::assistants::{
    AgentEdit, AssistantListShape, CreateAssistantRequest, EditAssistantRequest, Language,
    UpdateAssistantRequest, VoicesQuery,
};
use ringg_api::types::calls::{
    CallHistoryQuery, CallStatus, CallerSource, DownloadCallHistoryQuery, InitiateCallRequest,
};
use ringg_api::types::campaigns::{
    CampaignStatus, CampaignTime, LargeCampaignCaller, ListCampaignsQuery, MakeCallAsyncRequest,
    SaveCampaignForm, StartCampaignRequest, StartCampaignV2Request, UploadCsvForm, UploadStatus,
};
use ringg_api::types::common::Extra;
use ringg_api::types::knowledge_base::{CreateKbForm, EditKbForm, Faq, KbStatus, KbType};
use ringg_api::types::operations::{self as ops, Operation};
use ringg_api::types::termination::{TerminateQuery, TerminateRequest};
use ringg_api::types::webhook::{EventSubscription, EventType};
use ringg_api::types::workspace::UserRole;
use ringg_api::types::{
    AgentId, CallId, KbFileId, KbId, ListId, NumberId, NumberPoolId, PhoneNumber, UserId, VoiceId,
};
use serde_json::{Value, json};

const BASE: &str = "http://127.0.0.1:9/ca/api/v0";
const AGENT: &str = "830f767a-397e-4b39-82ff-235cd344e2f9";
const LIST: &str = "123e4567-e89b-12d3-a456-426614174000";
const KB: &str = "550e8400-e29b-41d4-a716-446655440000";

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

type Seen = Arc<Mutex<Vec<ApiRequest>>>;

fn ok(body: &str) -> ApiResponse {
    with_status(200, body)
}

fn with_status(status: u16, body: &str) -> ApiResponse {
    let mut r = ApiResponse::new(StatusCode::from_u16(status).unwrap(), body.to_string());
    r.headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    r
}

/// A client whose transport answers with `responses`, in order, and expects exactly that many
/// requests (none when empty).
fn client_with(responses: Vec<ApiResponse>) -> (Client, Seen) {
    client_with_policy(responses, RetryPolicy::none())
}

fn client_with_policy(responses: Vec<ApiResponse>, policy: RetryPolicy) -> (Client, Seen) {
    let seen: Seen = Arc::default();
    let n = responses.len();
    let queue = Arc::new(Mutex::new(VecDeque::from(responses)));
    let mut mock = MockTransport::new();
    let record = seen.clone();
    mock.expect_execute().times(n).returning(move |req| {
        record.lock().unwrap().push(req);
        Ok(queue
            .lock()
            .unwrap()
            .pop_front()
            .expect("a canned response"))
    });
    let client = Client::builder()
        .api_key("k")
        .base_url(BASE)
        .transport(Arc::new(mock))
        .retry_policy(policy)
        .build()
        .unwrap();
    (client, seen)
}

fn one(seen: &Seen) -> ApiRequest {
    let v = seen.lock().unwrap();
    assert_eq!(v.len(), 1, "expected exactly one request");
    v[0].clone()
}

fn all(seen: &Seen) -> Vec<ApiRequest> {
    seen.lock().unwrap().clone()
}

/// Checks the operation id, method, URL, query pairs (order-insensitive), idempotency class and
/// the auth header.
fn assert_route(
    req: &ApiRequest,
    op: &Operation,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
) {
    assert_eq!(req.operation, op.id);
    assert_eq!(req.method.as_str(), method, "{}", op.id);
    assert_eq!(&*req.base_url, BASE);
    assert_eq!(req.path, path, "{}", op.id);
    let mut got = req.query.clone();
    got.sort();
    let mut want: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    want.sort();
    assert_eq!(got, want, "query of {}", op.id);
    assert_eq!(
        req.idempotency.is_idempotent(),
        op.idempotent,
        "idempotency of {}",
        op.id
    );
    assert_eq!(
        req.headers.get("x-api-key").map(|v| v.to_str().unwrap()),
        Some("k")
    );
}

fn body_json(req: &ApiRequest) -> Value {
    serde_json::from_slice(req.body.as_json().expect("a JSON body")).unwrap()
}

fn assert_no_body(req: &ApiRequest) {
    assert!(
        matches!(req.body, Body::Empty),
        "expected no body: {:?}",
        req.body
    );
}

fn parts(req: &ApiRequest) -> &[Part] {
    req.body.as_multipart().expect("a multipart body")
}

fn text_part<'a>(parts: &'a [Part], name: &str) -> &'a str {
    let found: Vec<&Part> = parts.iter().filter(|p| p.name == name).collect();
    assert_eq!(found.len(), 1, "one part named {name}");
    assert!(found[0].file_name.is_none(), "{name} is a text part");
    match &found[0].data {
        PartData::Text(t) => t,
        other => panic!("{name} is not text: {other:?}"),
    }
}

fn json_part(parts: &[Part], name: &str) -> Value {
    serde_json::from_str(text_part(parts, name)).unwrap()
}

fn text_names(parts: &[Part]) -> Vec<&str> {
    parts
        .iter()
        .filter(|p| p.file_name.is_none())
        .map(|p| p.name.as_str())
        .collect()
}

async fn part_bytes(part: &Part) -> Bytes {
    match &part.data {
        PartData::Text(t) => Bytes::from(t.clone()),
        PartData::Bytes(b) => b.clone(),
        PartData::Path(p) => Bytes::from(tokio::fs::read(p).await.unwrap()),
        PartData::Stream(f) => {
            let chunks: Vec<Bytes> = f().try_collect().await.unwrap();
            Bytes::from(chunks.concat())
        }
    }
}

fn ct(s: &str) -> CampaignTime {
    s.parse().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Workspace (1-4)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn op01_get_workspace() {
    let (client, seen) = client_with(vec![ok(r#"{
      "workspace_info": {
        "id": "d079bcb3-72a3-42dc-9586-edf0328e2973",
        "name": "Siddharth @ DesiVocal's Workspace",
        "created_at": "2024-12-16T13:03:29.947147+00:00",
        "credits": 3025,
        "locked_credits": 0,
        "api_key": "7251cb4b--f52b-4b47-a230-f626ecad3e85"
      }
    }"#)]);
    let info = client.workspace().info().await.unwrap().workspace_info;
    let req = one(&seen);
    assert_route(&req, &ops::GET_WORKSPACE, "GET", "/workspace", &[]);
    assert_no_body(&req);
    assert_eq!(info.id.as_str(), "d079bcb3-72a3-42dc-9586-edf0328e2973");
    assert_eq!(
        info.name.as_deref(),
        Some("Siddharth @ DesiVocal's Workspace")
    );
    assert_eq!(info.credits.as_ref().unwrap().as_f64(), 3025.0);
    assert_eq!(info.available_credits(), 3025.0);
    assert_eq!(
        info.api_key.as_ref().unwrap().expose(),
        "7251cb4b--f52b-4b47-a230-f626ecad3e85"
    );
    assert!(!format!("{info:?}").contains("f626ecad3e85"));
}

#[tokio::test]
async fn op02_list_workspaces() {
    let (client, seen) = client_with(vec![ok(
        r#"{ "workspaces": [ { "id": "d079bcb3-72a3-42dc-9586-edf0328e2973", "name": "Siddharth @ DesiVocal's Workspace",
      "created_at": "2024-12-16T13:03:29.947147+00:00", "role": "owner", "credits": 3025, "locked_credits": 0 } ] }"#,
    )]);
    let all = client.workspace().all().await.unwrap();
    let req = one(&seen);
    assert_route(&req, &ops::LIST_WORKSPACES, "GET", "/workspace/all", &[]);
    assert_no_body(&req);
    assert_eq!(all.workspaces.len(), 1);
    assert_eq!(all.workspaces[0].role, Some(UserRole::Owner));
}

#[tokio::test]
async fn op03_list_workspace_users() {
    let (client, seen) = client_with(vec![ok(
        r#"{ "workspace_users": [ { "id": "7251cb4b-3373-43a4-844c-b27a1d45e0c9", "username": "sahil",
      "email": "user@example.com", "role": "member", "invite_status": "success" } ] }"#,
    )]);
    let users = client.workspace().users(20, 40).await.unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::LIST_WORKSPACE_USERS,
        "GET",
        "/workspace/users",
        &[("limit", "20"), ("offset", "40")],
    );
    let u = &users.workspace_users[0];
    assert_eq!(u.id.as_str(), "7251cb4b-3373-43a4-844c-b27a1d45e0c9");
    assert_eq!(u.username.as_deref(), Some("sahil"));
    assert_eq!(u.role, Some(UserRole::Member));
}

#[tokio::test]
async fn op04_regenerate_api_key() {
    let (client, seen) = client_with(vec![ok(
        r#"{ "new_api_key": "e89b12d3-a456-426c-8001-f05de02b54b4" }"#,
    )]);
    let resp = client.workspace().regenerate_api_key().await.unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::REGENERATE_API_KEY,
        "PATCH",
        "/workspace/api-key",
        &[],
    );
    assert_no_body(&req);
    assert_eq!(
        resp.new_api_key.expose(),
        "e89b12d3-a456-426c-8001-f05de02b54b4"
    );
}

// ---------------------------------------------------------------------------------------------
// Numbers (5)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn op05_list_numbers() {
    let (client, seen) = client_with(vec![ok(r#"{
      "workspace_numbers": [
        {
          "id": "5d7f9a2b-1c3e-4f6a-8b9c-0d1e2f3a4b5c",
          "number": "+1234567890",
          "created_at": "2024-12-16T13:03:29.947147+00:00",
          "call_count": 0,
          "agent": { "id": "830f767a-397e-4b39-82ff-235cd344e2f9", "agent_display_name": "Sales Assistant" },
          "is_inbound_enabled": true,
          "is_test_number": false,
          "tags": [],
          "is_spam": false,
          "spam_message": null,
          "provider": "twilio",
          "display_name": "Sales Line",
          "owner": "demo@ringg.ai",
          "is_custom_number": false,
          "telephony_id": "0b84b167-2dcb-4bbd-abab-1837000bea17",
          "number_pool_id": "0b84b167-2dcb-4bbd-abab-1837000bea17"
        }
      ]
    }"#)]);
    let page = client.numbers().list(100, 0).await.unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::LIST_NUMBERS,
        "GET",
        "/workspace/numbers",
        &[("limit", "100"), ("offset", "0")],
    );
    let n = &page.workspace_numbers[0];
    assert_eq!(n.id.as_str(), "5d7f9a2b-1c3e-4f6a-8b9c-0d1e2f3a4b5c");
    assert_eq!(n.number.as_deref(), Some("+1234567890"));
    assert_eq!(n.agent.as_ref().unwrap().id.as_str(), AGENT);
    assert_eq!(
        n.number_pool_id.as_ref().unwrap().as_str(),
        "0b84b167-2dcb-4bbd-abab-1837000bea17"
    );
    assert!(n.spam_message.is_null());
}

// ---------------------------------------------------------------------------------------------
// Assistants (6-12)
// ---------------------------------------------------------------------------------------------

const ASSISTANT_LIST: &str = r#"{
  "status": "success",
  "data": {
    "agents": [
      {
        "id": "830f767a-397e-4b39-82ff-235cd344e2f9",
        "agent_display_name": "Sales Assistant",
        "agent_type": "outbound",
        "call_count": 42,
        "created_at": "2024-12-16T13:03:29.947147+00:00",
        "updated_at": "2024-12-16T14:15:32.123456+00:00",
        "custom_variables": {},
        "is_archived": false,
        "secondary_language": "hi-IN",
        "secondary_voice_id": "4c6d8e3b-9f0a-5b2c-ad7e-3f6a9b8c5d7e",
        "template_icon": "💼",
        "template_label": "Sales Agent",
        "template_name": "sales",
        "template_source": "ringg",
        "template_type": "outbound",
        "tools": [],
        "orchestration_mode": "single_node",
        "voice_avatar": "https://example.com/avatar.png",
        "call_frequency_cap": null
      }
    ]
  }
}"#;

const ASSISTANT_DETAILS: &str = r#"{
  "agents": {
    "id": "830f767a-397e-4b39-82ff-235cd344e2f9",
    "agent_display_name": "Sales Assistant",
    "agent_type": "outbound",
    "whitelisted_domains": ["https://www.ringg.ai", "https://example.com"],
    "language": "en-US",
    "form_fields": [
      { "key": "company_name", "value": "Ringg AI" },
      { "key": "product", "value": "AI calling platform" }
    ],
    "voice": { "id": "3b5c7d2a-8e9f-4a1b-9c6d-2e5f8a7b3c4d", "name": "Sarah", "voice_preview": "https://example.com/voice-preview.mp3" },
    "agent_config": {
      "custom_variables": { "callee_name": "string", "mobile_number": "string" },
      "agent_prompt": "You are a helpful sales assistant.",
      "intro_message": "Hello! I'm calling from Ringg AI."
    },
    "knowledge_base_id": "7a9c2d5e-4f6b-1a2b-3c4d-5e6f7a8b9c0d",
    "knowledge_base_name": "Product FAQ",
    "template_name": "sales",
    "template_label": "Sales Agent",
    "template_icon": "💼",
    "created_at": "2024-12-16T13:03:29.947147+00:00",
    "updated_at": "2024-12-16T14:15:32.123456+00:00",
    "tools": [],
    "secondary_language": "hi-IN",
    "secondary_voice_id": "4c6d8e3b-9f0a-5b2c-ad7e-3f6a9b8c5d7e",
    "template_type": "outbound"
  }
}"#;

#[tokio::test]
async fn op06_list_assistants() {
    let (client, seen) = client_with(vec![ok(ASSISTANT_LIST)]);
    let list = client.assistants().list(20, 0).await.unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::LIST_ASSISTANTS,
        "GET",
        "/agent/all",
        &[("limit", "20"), ("offset", "0")],
    );
    assert_eq!(list.shape, AssistantListShape::DataEnvelope);
    assert_eq!(list.agents[0].id.as_str(), AGENT);
    assert_eq!(list.agents[0].call_count, Some(42));
    assert_eq!(
        list.agents[0].agent_display_name.as_deref(),
        Some("Sales Assistant")
    );
}

#[tokio::test]
async fn op06_assistant_stream_sends_limit_and_offset_and_stops_on_a_short_page() {
    let row = |i: usize| json!({"id": format!("a{i}")});
    let page1 =
        json!({"status": "success", "data": {"agents": (0..100).map(row).collect::<Vec<_>>()}});
    let page2 =
        json!({"status": "success", "data": {"agents": (100..103).map(row).collect::<Vec<_>>()}});
    let (client, seen) = client_with(vec![ok(&page1.to_string()), ok(&page2.to_string())]);
    let ids: Vec<String> = client
        .assistants()
        .stream()
        .map(|r| r.unwrap().id.to_string())
        .collect()
        .await;
    assert_eq!(ids.len(), 103);
    assert_eq!(ids[102], "a102");
    let reqs = all(&seen);
    assert_eq!(reqs[0].query_param("offset"), Some("0"));
    assert_eq!(reqs[1].query_param("offset"), Some("100"));
    assert_eq!(reqs[1].query_param("limit"), Some("100"));
}

#[tokio::test]
async fn op07_get_assistant() {
    let (client, seen) = client_with(vec![ok(ASSISTANT_DETAILS)]);
    let a = client.assistants().get(&AgentId::new(AGENT)).await.unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::GET_ASSISTANT,
        "GET",
        &format!("/agent/{AGENT}"),
        &[],
    );
    assert_no_body(&req);
    assert_eq!(a.agent_display_name.as_deref(), Some("Sales Assistant"));
    assert_eq!(a.language.as_ref(), Some(&Language::EnUs));
    assert_eq!(a.knowledge_base_name.as_deref(), Some("Product FAQ"));
    assert_eq!(
        a.custom_variable_names(),
        vec!["callee_name", "mobile_number"]
    );
    assert_eq!(a.voice.as_ref().unwrap().name.as_deref(), Some("Sarah"));
}

#[tokio::test]
async fn op08_create_assistant() {
    let (client, seen) = client_with(vec![ok(r#"{ "success": true,
      "data": { "id": "edd618d3-f473-4ac1-b5fa-f1a3981666ff", "version": "v1", "created_at": "2024-12-16T13:03:29.947147+00:00" },
      "message": "Agent created successfully" }"#)]);
    let mut create = CreateAssistantRequest::new(
        "My Sales Agent",
        "Introduce yourself and qualify the lead.",
        "Be brief.",
        "Book a demo.",
        Language::EnIn,
        VoiceId::new("02ad256b-092b-4048-bea0-5af46a452b98"),
        "Hello, this is Sarah",
    );
    create.secondary_language = Some(Language::HiIn);
    create.custom_variables = Some(vec!["callee_name".into(), "mobile_number".into()]);
    let resp = client.assistants().create(&create).await.unwrap();
    let req = one(&seen);
    assert_route(&req, &ops::CREATE_ASSISTANT, "POST", "/public/agent", &[]);
    assert_eq!(
        body_json(&req),
        json!({
            "agent_name": "My Sales Agent",
            "introduction_and_objective": "Introduce yourself and qualify the lead.",
            "response_guidelines": "Be brief.",
            "task": "Book a demo.",
            "primary_language": "en-IN",
            "voice_id": "02ad256b-092b-4048-bea0-5af46a452b98",
            "intro_message": "Hello, this is Sarah",
            "secondary_language": "hi-IN",
            "custom_variables": ["callee_name", "mobile_number"]
        })
    );
    assert_eq!(resp.success, Some(true));
    let data = resp.data.unwrap();
    assert_eq!(data.id.as_str(), "edd618d3-f473-4ac1-b5fa-f1a3981666ff");
    assert_eq!(data.version.as_deref(), Some("v1"));
}

#[tokio::test]
async fn op08_create_assistant_refuses_overlong_fields_before_sending() {
    let (client, _seen) = client_with(vec![]);
    let create = CreateAssistantRequest::new(
        "x".repeat(101),
        "i",
        "r",
        "t",
        Language::EnIn,
        VoiceId::new("v"),
        "hi",
    );
    let e = client.assistants().create(&create).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(
        e.to_string().contains("agent_name") && e.to_string().contains("100"),
        "{e}"
    );
}

#[tokio::test]
async fn op09_update_assistant() {
    let (client, seen) = client_with(vec![ok(r#"{ "success": true,
      "data": { "id": "edd618d3-f473-4ac1-b5fa-f1a3981666ff", "version": "v1", "updated_at": "2024-12-16T14:15:32.123456+00:00" },
      "message": "Agent updated successfully" }"#)]);
    let update = UpdateAssistantRequest {
        task: Some("Confirm the renewal date.".into()),
        ..Default::default()
    };
    let id = AgentId::new("edd618d3-f473-4ac1-b5fa-f1a3981666ff");
    let resp = client.assistants().update(&id, &update).await.unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::UPDATE_ASSISTANT,
        "PATCH",
        "/public/agent/edd618d3-f473-4ac1-b5fa-f1a3981666ff",
        &[],
    );
    assert_eq!(
        body_json(&req),
        json!({"task": "Confirm the renewal date."})
    );
    assert_eq!(resp.message.as_deref(), Some("Agent updated successfully"));
    assert_eq!(
        resp.data.unwrap().updated_at.unwrap().as_str(),
        "2024-12-16T14:15:32.123456+00:00"
    );

    let (client, _seen) = client_with(vec![]);
    let e = client
        .assistants()
        .update(&id, &UpdateAssistantRequest::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn op10_edit_assistant() {
    let (client, seen) = client_with(vec![ok(
        r#"{ "message": "Agent updated successfully!", "agent_id": "830f767a-397e-4b39-82ff-235cd344e2f9" }"#,
    )]);
    let edit = EditAssistantRequest::new(
        AgentId::new(AGENT),
        AgentEdit::EditAgentDisplayName {
            agent_display_name: "Updated Sales Assistant".into(),
        },
    );
    let resp = client.assistants().edit(&edit).await.unwrap();
    let req = one(&seen);
    assert_route(&req, &ops::EDIT_ASSISTANT, "PATCH", "/agent/v1", &[]);
    assert_eq!(
        body_json(&req),
        json!({"operation": "edit_agent_display_name", "agent_id": AGENT,
               "agent_display_name": "Updated Sales Assistant"})
    );
    assert_eq!(resp.message.as_deref(), Some("Agent updated successfully!"));
    assert_eq!(resp.agent_id.unwrap().as_str(), AGENT);
}

#[tokio::test]
async fn op10_subscribe_webhooks_reads_merges_and_writes_back_the_active_version() {
    let details = json!({"agents": {
        "id": AGENT,
        "active_agent_version_id": "ver-2",
        "version_details": {
            "ver-1": {"version_slug": "v1", "event_subscriptions": []},
            "ver-2": {"version_slug": "v2", "event_subscriptions": [
                {"event_type": ["call_completed", "recording_completed"],
                 "callback_url": "https://old.example/hook", "method_type": "POST",
                 "headers": {"X-Token": "t"}},
                {"event_type": "call_started", "callback_url": "https://start.example/hook",
                 "method_type": "PUT"}
            ]}
        }
    }});
    let (client, seen) = client_with(vec![
        ok(&details.to_string()),
        ok(
            r#"{"message": "Agent updated successfully!", "agent_id": "830f767a-397e-4b39-82ff-235cd344e2f9"}"#,
        ),
    ]);
    let (_, written) = client
        .assistants()
        .subscribe_webhooks(
            &AgentId::new(AGENT),
            vec![EventSubscription::new(
                vec![EventType::CallCompleted, EventType::AllProcessingCompleted],
                "https://new.example/hook",
            )],
        )
        .await
        .unwrap();
    assert_eq!(written.len(), 3);
    let reqs = all(&seen);
    assert_route(
        &reqs[0],
        &ops::GET_ASSISTANT,
        "GET",
        &format!("/agent/{AGENT}"),
        &[],
    );
    assert_route(&reqs[1], &ops::EDIT_ASSISTANT, "PATCH", "/agent/v1", &[]);
    assert_eq!(
        body_json(&reqs[1]),
        json!({
            "operation": "edit_event_subscriptions",
            "agent_id": AGENT,
            "version_id": "ver-2",
            "event_subscriptions": [
                {"event_type": ["recording_completed"], "callback_url": "https://old.example/hook",
                 "method_type": "POST", "headers": {"X-Token": "t"}},
                {"event_type": "call_started", "callback_url": "https://start.example/hook",
                 "method_type": "PUT"},
                {"event_type": ["call_completed", "all_processing_completed"],
                 "callback_url": "https://new.example/hook", "method_type": "POST"}
            ]
        })
    );
}

#[tokio::test]
async fn op10_edit_event_subscriptions_replaces_the_list() {
    let (client, seen) = client_with(vec![ok(r#"{"message": "Agent updated successfully!"}"#)]);
    client
        .assistants()
        .edit_event_subscriptions(
            &AgentId::new(AGENT),
            vec![
                EventSubscription::new(
                    vec![EventType::AllProcessingCompleted],
                    "https://a.example/h",
                )
                .header("Authorization", "Bearer x"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        body_json(&one(&seen)),
        json!({"operation": "edit_event_subscriptions", "agent_id": AGENT,
               "event_subscriptions": [{"event_type": ["all_processing_completed"],
                 "callback_url": "https://a.example/h", "method_type": "POST",
                 "headers": {"Authorization": "Bearer x"}}]})
    );
    let (client, _seen) = client_with(vec![]);
    let e = client
        .assistants()
        .edit_event_subscriptions(
            &AgentId::new(AGENT),
            vec![EventSubscription::new(vec![], "https://a")],
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("no event type"), "{e}");
}

#[tokio::test]
async fn op11_delete_assistant() {
    let (client, seen) = client_with(vec![ok(r#"{ "message": "Agent archived successfully" }"#)]);
    let resp = client
        .assistants()
        .delete(&AgentId::new(AGENT))
        .await
        .unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::DELETE_ASSISTANT,
        "DELETE",
        &format!("/agent/{AGENT}"),
        &[],
    );
    assert_no_body(&req);
    assert_eq!(resp.message.as_deref(), Some("Agent archived successfully"));
}

#[tokio::test]
async fn op12_list_voices() {
    let body = r#"{ "voices": [ { "id": "02ad256b-092b-4048-bea0-5af46a452b98", "name": "Sarah", "gender": "female",
      "image_url": "https://example.com/sarah.png", "languages": ["en-US", "hi-IN"],
      "voice_previews": { "en-US": "https://example.com/sarah-en.mp3" },
      "created_at": "2024-12-16T13:03:29.947147+00:00", "updated_at": "2024-12-16T13:03:29.947147+00:00" } ] }"#;
    let (client, seen) = client_with(vec![ok(body), ok(body)]);
    let voices = client
        .assistants()
        .voices(&VoicesQuery::for_languages(&[
            Language::EnUs,
            Language::HiIn,
        ]))
        .await
        .unwrap();
    client
        .assistants()
        .voices(&VoicesQuery::default())
        .await
        .unwrap();
    let reqs = all(&seen);
    assert_route(
        &reqs[0],
        &ops::LIST_VOICES,
        "GET",
        "/agent/voices",
        &[("language", "en-US,hi-IN")],
    );
    assert_route(&reqs[1], &ops::LIST_VOICES, "GET", "/agent/voices", &[]);
    let v = &voices.voices[0];
    assert_eq!(v.id.as_str(), "02ad256b-092b-4048-bea0-5af46a452b98");
    assert!(v.speaks(&Language::HiIn));
    assert_eq!(v.gender.as_deref(), Some("female"));
}

// ---------------------------------------------------------------------------------------------
// Calls (13-18)
// ---------------------------------------------------------------------------------------------

const INITIATE_RESPONSE: &str = r#"{
  "status": "success",
  "data": {
    "call_id": "31106b7c-9d02-4723-8b07-5bb8d90240cb",
    "call_direction": "outbound",
    "call_status": "ongoing",
    "initiated_at": "2025-11-24T07:33:49.629642",
    "agent_id": "a31f36c4-c8ea-4c4b-9ad6-743dabacafbd",
    "custom_args_values": { "callee_name": "abhishek", "mobile_number": "+912332423423", "transfer_to": "+917404243687" }
  },
  "message": "Call initiated successfully"
}"#;

/// The body without the generated client reference, which is checked separately.
fn without_reference(mut body: Value) -> (Value, String) {
    let args = body["custom_args_values"].as_object_mut().unwrap();
    let r = args
        .remove(ringg_api::calls::CLIENT_REFERENCE_KEY)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    if args.is_empty() {
        body.as_object_mut().unwrap().remove("custom_args_values");
    }
    (body, r)
}

#[tokio::test]
async fn op13_initiate_call_v1() {
    let (client, seen) = client_with(vec![ok(INITIATE_RESPONSE)]);
    let call = client
        .calls()
        .initiate_v1(
            InitiateCallRequest::new(
                AgentId::new("a31f36c4-c8ea-4c4b-9ad6-743dabacafbd"),
                "abhishek",
                PhoneNumber::parse("+912332423423").unwrap(),
                CallerSource::FromNumberId(NumberId::new("5d7f9a2b-1c3e-4f6a-8b9c-0d1e2f3a4b5c")),
            )
            .custom_arg("transfer_to", "+917404243687"),
        )
        .await
        .unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::INITIATE_CALL,
        "POST",
        "/calling/outbound/individual",
        &[],
    );
    let (body, reference) = without_reference(body_json(&req));
    assert_eq!(
        body,
        json!({"name": "abhishek", "mobile_number": "+912332423423",
               "agent_id": "a31f36c4-c8ea-4c4b-9ad6-743dabacafbd",
               "from_number_id": "5d7f9a2b-1c3e-4f6a-8b9c-0d1e2f3a4b5c",
               "custom_args_values": {"transfer_to": "+917404243687"}})
    );
    assert_eq!(call.reference, reference);
    assert_eq!(
        call.call_id.as_str(),
        "31106b7c-9d02-4723-8b07-5bb8d90240cb"
    );
    assert_eq!(call.response.call_status(), Some(&CallStatus::Ongoing));
    assert!(!call.response.initiated_at().unwrap().has_offset());
}

#[tokio::test]
async fn op13_initiate_call_v1_reads_the_legacy_response() {
    let (client, _seen) = client_with(vec![ok(r#"{ "Call Status": "Call initiated successfully",
      "data": { "Unique Call ID": "550e8400-e29b-41d4-a716-446655440000", "Call Direction": "outbound", "Call Status": "ongoing",
                "From Number": "+1987654321", "To Number": "+1234567890", "Initiated at": "2025-01-15T10:30:00Z",
                "Agent ID": "830f767a-397e-4b39-82ff-235cd344e2f9", "message": "Call initiated successfully" } }"#)]);
    let call = client
        .calls()
        .initiate_v1(InitiateCallRequest::new(
            AgentId::new(AGENT),
            "John",
            PhoneNumber::parse("+1234567890").unwrap(),
            CallerSource::FromNumber(PhoneNumber::parse("+1987654321").unwrap()),
        ))
        .await
        .unwrap();
    assert_eq!(
        call.call_id.as_str(),
        "550e8400-e29b-41d4-a716-446655440000"
    );
    assert_eq!(call.response.from_number(), Some("+1987654321"));
}

#[tokio::test]
async fn op14_initiate_call_v2() {
    let (client, seen) = client_with(vec![ok(INITIATE_RESPONSE)]);
    let call = client
        .calls()
        .initiate(
            InitiateCallRequest::new(
                AgentId::new(AGENT),
                "john",
                PhoneNumber::parse("+919876543210").unwrap(),
                CallerSource::NumberPool(NumberPoolId::new("0b84b167-2dcb-4bbd-abab-1837000bea17")),
            )
            .custom_arg("order_id", "ORD-1042")
            .call_category("renewal_reminder"),
        )
        .await
        .unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::INITIATE_CALL_V2,
        "POST",
        "/calling/v2/outbound/individual",
        &[],
    );
    let (body, _) = without_reference(body_json(&req));
    assert_eq!(
        body,
        json!({"name": "john", "mobile_number": "+919876543210", "agent_id": AGENT,
               "number_pool_id": "0b84b167-2dcb-4bbd-abab-1837000bea17",
               "custom_args_values": {"order_id": "ORD-1042"},
               "call_category": "renewal_reminder"})
    );
    assert_eq!(
        call.call_id.as_str(),
        "31106b7c-9d02-4723-8b07-5bb8d90240cb"
    );
}

#[tokio::test]
async fn op15_list_call_history() {
    let (client, seen) = client_with(vec![ok(r#"{
      "calls": [
        {
          "id": "34a29572-9e09-453d-bcb8-90cdbb157c79",
          "to_number": "+918882876897",
          "name": "abhishek",
          "status": "completed",
          "transcript": "[{\"bot\": \"Hi there! ...\"}, {\"bot\": \"is valuable to us.\"}]",
          "audio_recording": "https://aps1.media.plivo.com/v1/Account/MAZJNLNJIYNWMZYZHIMM/Recording/e99c9f6b-1d1e-4290-857d-1524d8204aad.mp3",
          "created_at": "2025-11-24T11:37:43.678043+00:00",
          "agent": {
            "id": "5d7cdc09-6d51-4468-93c6-a0b8e5ad3f22",
            "agent_name": "test after prod",
            "agent_version_id": "387bd8f1-5748-4006-b7fe-6a6455e9d45d",
            "orchestration_mode": "single_node",
            "version": { "version_id": "387bd8f1-5748-4006-b7fe-6a6455e9d45d", "version_slug": "v1" }
          },
          "call_duration": 7.98,
          "call_attempt_time": "2025-11-24T11:37:48.549486+00:00",
          "call_cost": 0.2,
          "call_type": "outbound",
          "inbound_from": null,
          "credits_processed": true,
          "from_numbers": ["+912269976804"],
          "voicemail_detected": false
        }
      ],
      "limit": 10, "offset": 0, "count": 1, "total": 1
    }"#)]);
    let q = CallHistoryQuery {
        agent_id: Some(AgentId::new(AGENT)),
        status: Some(CallStatus::Completed),
        bulk_list_id: Some(ListId::new(LIST)),
        limit: Some(50),
        ..Default::default()
    };
    let page = client.calls().history(&q).await.unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::LIST_CALL_HISTORY,
        "GET",
        "/calling/history",
        &[
            ("agent_id", AGENT),
            ("status", "completed"),
            ("bulk_list_id", LIST),
            ("limit", "50"),
            ("offset", "0"),
        ],
    );
    assert_eq!(page.total.as_ref().unwrap().count(), Some(1));
    let row = &page.calls[0];
    assert_eq!(row.status, Some(CallStatus::Completed));
    assert_eq!(row.transcript.as_ref().unwrap().len(), 2);
    assert_eq!(row.call_cost.as_ref().unwrap().as_f64(), 0.2);
    assert_eq!(
        row.agent
            .as_ref()
            .unwrap()
            .version
            .as_ref()
            .unwrap()
            .version_slug
            .as_deref(),
        Some("v1")
    );
}

#[tokio::test]
async fn op16_get_call_details() {
    let (client, seen) = client_with(vec![ok(r#"{
      "status": "success",
      "data": {
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "call_direction": "outbound",
        "call_status": "completed",
        "call_sub_status": "ACCEPTED",
        "from_number": "+1234567890",
        "to_number": "+0987654321",
        "callee_name": "John Doe",
        "agent_id": "agent-123-456",
        "initiation_time": "2024-01-15T14:30:00Z",
        "recording_url": "https://example.com/recordings/call-123.mp3",
        "transcription_url": [
          { "bot": "Hello, how can I help you today?" },
          { "user": "I need information about my order" },
          { "bot": "I'd be happy to help you with that. Can you provide your order number?" },
          { "user": "Sure, it's ORDER-12345" }
        ]
      }
    }"#)]);
    let id = CallId::new("550e8400-e29b-41d4-a716-446655440000");
    let d = client.calls().details(&id, true).await.unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::GET_CALL_DETAILS,
        "GET",
        "/calling/call-details",
        &[
            ("id", "550e8400-e29b-41d4-a716-446655440000"),
            ("send_analysis", "true"),
        ],
    );
    assert_eq!(d.call_status, Some(CallStatus::Completed));
    assert_eq!(d.callee_name.as_deref(), Some("John Doe"));
    let t = d.transcript().unwrap();
    assert_eq!(t.len(), 4);
    assert_eq!(t.turns()[3].text(), "Sure, it's ORDER-12345");
}

#[tokio::test]
async fn reconcile_searches_from_when_the_call_was_sent_when_that_is_over_a_day_ago() {
    // A reference made 30 hours ago by a sender that could wait an hour on its request: the
    // wait is over, and the search must reach back to it, not only over the last 24 hours.
    let made = chrono::Utc::now() - chrono::Duration::hours(30);
    let millis = u64::try_from(made.timestamp_millis()).unwrap();
    let id = uuid::Builder::from_unix_timestamp_millis(millis, &[7; 10]).into_uuid();
    let reference = format!("rr-{}-3600s", id.simple());
    let (client, seen) = client_with(vec![ok(r#"{"calls": [], "total": 0}"#)]);
    let found = client.calls().reconcile(reference.as_str()).await.unwrap();
    assert!(found.is_none());
    let req = one(&seen);
    let start = req.query_param("start_date").unwrap();
    let start = chrono::DateTime::parse_from_rfc3339(start).unwrap();
    let before = made - chrono::Duration::minutes(10);
    assert!(
        (start.to_utc() - before).num_seconds().abs() <= 1,
        "{start} for {made}"
    );
}

#[tokio::test]
async fn op17_download_call_history() {
    let mut file = ApiResponse::new(StatusCode::OK, "id,status\n1,completed\n");
    file.headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/csv"),
    );
    file.headers.insert(
        http::header::CONTENT_DISPOSITION,
        http::HeaderValue::from_static("attachment; filename=\"call_history.csv\""),
    );
    let (client, seen) = client_with(vec![
        ok(
            r#"{ "message": "Call history report (with the applied filters) is being sent to your email." }"#,
        ),
        file,
    ]);
    let q = DownloadCallHistoryQuery {
        start_date: Some("2025-09-01".into()),
        end_date: Some("2025-09-25".into()),
        agent_ids: vec![AgentId::new("a1"), AgentId::new("a2")],
        include_analysis: Some(true),
        ..Default::default()
    };
    let emailed = client.calls().download_history(&q).await.unwrap();
    let downloaded = client.calls().download_history(&q).await.unwrap();
    let reqs = all(&seen);
    assert_route(
        &reqs[0],
        &ops::DOWNLOAD_CALL_HISTORY,
        "POST",
        "/calling/history/download",
        &[
            ("start_date", "2025-09-01"),
            ("end_date", "2025-09-25"),
            ("agent_id[]", "a1"),
            ("agent_id[]", "a2"),
            ("include_analysis", "true"),
        ],
    );
    assert_no_body(&reqs[0]);
    match emailed {
        ringg_api::calls::HistoryDownload::Emailed(m) => assert!(m.contains("sent to your email")),
        other => panic!("{other:?}"),
    }
    match downloaded {
        ringg_api::calls::HistoryDownload::File {
            file_name, bytes, ..
        } => {
            assert_eq!(file_name.as_deref(), Some("call_history.csv"));
            assert!(bytes.starts_with(b"id,status"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn op18_delete_contact_list() {
    let (client, seen) = client_with(vec![ok(r#"{ "message": "Contact list deleted" }"#)]);
    let resp = client
        .calls()
        .delete_contact_list(&ListId::new(LIST))
        .await
        .unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::DELETE_CONTACT_LIST,
        "DELETE",
        &format!("/calling/contact/{LIST}"),
        &[],
    );
    assert_eq!(resp.message.as_deref(), Some("Contact list deleted"));
}

// ---------------------------------------------------------------------------------------------
// Campaigns (19-26)
// ---------------------------------------------------------------------------------------------

const SAVE_RESPONSE: &str = r#"{ "message": "Contacts imported successfully!",
  "list_id": "123e4567-e89b-12d3-a456-426614174000",
  "custom_args_values": [ { "callee_name": "John Doe", "company_name": "XYZ Corp", "mobile_number": "+1234567890" } ],
  "total_rows": 100, "successful_rows": 98, "failed_rows": 2 }"#;
const START_RESPONSE: &str =
    r#"{ "status": "campaign registered successfully!", "has_ongoing_calls": false }"#;
const CSV: &str =
    "Mobile Number,Name,Company\n+919876543210,John Doe,XYZ Corp\n+919876543211,Asha,ABC\n";

fn save_form() -> SaveCampaignForm {
    let mut form = SaveCampaignForm::new(
        AgentId::new(AGENT),
        "Q1 Sales Campaign",
        "+91",
        ct("18/10/2026, 09:00"),
        ct("18/10/2026, 21:00"),
    )
    .map_variable("callee_name", "Name")
    .map_variable("company_name", "Company")
    .call_config(
        ringg_api::types::calls::CallConfig::default()
            .idle_timeout_warning(10u32)
            .max_call_length(300u32),
    );
    form.remove_invalid_rows = Some(true);
    form
}

#[tokio::test]
async fn op19_save_campaign_from_bytes() {
    let (client, seen) = client_with(vec![ok(SAVE_RESPONSE)]);
    let resp = client
        .campaigns()
        .save(&save_form(), CsvUpload::bytes(CSV).with_file_name("q1.csv"))
        .await
        .unwrap();
    let req = one(&seen);
    assert_route(&req, &ops::SAVE_CAMPAIGN, "POST", "/campaign/save", &[]);
    let p = parts(&req);
    assert_eq!(
        text_names(p),
        [
            "agent_id",
            "campaign_name",
            "variables_map",
            "call_config",
            "country_code",
            "campaign_start_time",
            "campaign_end_time",
            "remove_invalid_rows"
        ]
    );
    assert_eq!(text_part(p, "agent_id"), AGENT);
    assert_eq!(text_part(p, "campaign_name"), "Q1 Sales Campaign");
    assert_eq!(
        json_part(p, "variables_map"),
        json!({"mobile_number": "Mobile Number", "callee_name": "Name", "company_name": "Company"})
    );
    assert_eq!(
        json_part(p, "call_config"),
        json!({"idle_timeout_warning": 10, "max_call_length": 300})
    );
    assert_eq!(text_part(p, "country_code"), "+91");
    assert_eq!(text_part(p, "campaign_start_time"), "18/10/2026, 09:00");
    assert_eq!(text_part(p, "campaign_end_time"), "18/10/2026, 21:00");
    assert_eq!(text_part(p, "remove_invalid_rows"), "true");
    let file = p.iter().find(|p| p.name == "file").unwrap();
    assert_eq!(file.file_name.as_deref(), Some("q1.csv"));
    assert_eq!(file.content_type.as_deref(), Some("text/csv"));
    assert!(matches!(file.data, PartData::Bytes(_)));
    assert_eq!(part_bytes(file).await, CSV.as_bytes());

    assert_eq!(resp.list_id.unwrap().as_str(), LIST);
    assert_eq!(resp.failed_rows, Some(2));
    assert_eq!(
        resp.custom_args_values.unwrap()[0]["company_name"],
        "XYZ Corp"
    );
}

#[tokio::test]
async fn op19_save_campaign_streams_a_file_or_a_stream() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("contacts-q1.csv");
    std::fs::write(&path, CSV).unwrap();
    let (client, seen) = client_with(vec![ok(SAVE_RESPONSE), ok(SAVE_RESPONSE)]);
    client
        .campaigns()
        .save(&save_form(), CsvUpload::path(&path))
        .await
        .unwrap();
    client
        .campaigns()
        .save(
            &save_form(),
            CsvUpload::stream(|| {
                futures::stream::iter(
                    CSV.as_bytes()
                        .chunks(7)
                        .map(|c| Ok::<_, std::io::Error>(Bytes::copy_from_slice(c)))
                        .collect::<Vec<_>>(),
                )
                .boxed()
            }),
        )
        .await
        .unwrap();
    let reqs = all(&seen);
    let file = parts(&reqs[0]).iter().find(|p| p.name == "file").unwrap();
    assert_eq!(file.file_name.as_deref(), Some("contacts-q1.csv"));
    assert!(
        matches!(&file.data, PartData::Path(p) if p == &path),
        "a path is streamed, not read"
    );
    assert_eq!(part_bytes(file).await, CSV.as_bytes());
    let file = parts(&reqs[1]).iter().find(|p| p.name == "file").unwrap();
    assert!(matches!(file.data, PartData::Stream(_)));
    // the factory can be replayed
    assert_eq!(part_bytes(file).await, CSV.as_bytes());
    assert_eq!(part_bytes(file).await, CSV.as_bytes());
}

#[tokio::test]
async fn op19_save_refuses_an_end_before_the_start() {
    let (client, _seen) = client_with(vec![]);
    let mut form = save_form();
    form.campaign_end_time = ct("17/10/2026, 09:00");
    let e = client
        .campaigns()
        .save(&form, CsvUpload::bytes(CSV))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("campaign_end_time"), "{e}");
}

#[tokio::test]
async fn op20_start_campaign_v1() {
    let (client, seen) = client_with(vec![ok(START_RESPONSE)]);
    let resp = client
        .campaigns()
        .start_v1(&StartCampaignRequest {
            agent_id: AgentId::new(AGENT),
            list_id: ListId::new(LIST),
            from_numbers: vec!["+1234567890".into()],
            extra: Extra::new(),
        })
        .await
        .unwrap();
    let req = one(&seen);
    assert_route(&req, &ops::START_CAMPAIGN, "POST", "/campaign/start", &[]);
    assert_eq!(
        body_json(&req),
        json!({"agent_id": AGENT, "list_id": LIST, "from_numbers": ["+1234567890"]})
    );
    assert_eq!(
        resp.status.as_deref(),
        Some("campaign registered successfully!")
    );
    assert_eq!(resp.has_ongoing_calls, Some(false));
}

#[tokio::test]
async fn op21_start_campaign_v2() {
    let (client, seen) = client_with(vec![ok(START_RESPONSE)]);
    let mut start = StartCampaignV2Request::new(
        AgentId::new(AGENT),
        ListId::new(LIST),
        NumberPoolId::new("0b84b167-2dcb-4bbd-abab-1837000bea17"),
    );
    start.callback_url = Some("https://example.com/done".into());
    start.email_completion_user_ids =
        Some(vec![UserId::new("7251cb4b-3373-43a4-844c-b27a1d45e0c9")]);
    let resp = client.campaigns().start(&start).await.unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::START_CAMPAIGN_V2,
        "POST",
        "/campaign/v2/start",
        &[],
    );
    assert_eq!(
        body_json(&req),
        json!({"agent_id": AGENT, "list_id": LIST,
               "number_pool_id": "0b84b167-2dcb-4bbd-abab-1837000bea17",
               "callback_url": "https://example.com/done",
               "email_completion_user_ids": ["7251cb4b-3373-43a4-844c-b27a1d45e0c9"]})
    );
    assert_eq!(resp.has_ongoing_calls, Some(false));
}

const CAMPAIGN_LIST: &str = r#"{
  "campaigns": [
    {
      "id": "123e4567-e89b-12d3-a456-426614174000",
      "name": "Q1 Sales Campaign",
      "campaign_status": "ongoing",
      "campaign_start_time": "2026-10-18T03:30:00+00:00",
      "campaign_end_time": "2026-10-18T15:30:00+00:00",
      "created_at": "2026-10-17T10:00:00.000000+00:00",
      "updated_at": "2026-10-18T04:00:00.000000+00:00",
      "total_count": 100,
      "completed_count": 40,
      "registered_count": 55
    }
  ],
  "pagination": { "limit": 10, "offset": 0, "total": 1 }
}"#;

#[tokio::test]
async fn op22_list_campaigns() {
    let (client, seen) = client_with(vec![ok(CAMPAIGN_LIST)]);
    let q = ListCampaignsQuery {
        call_count: Some(true),
        ..Default::default()
    };
    let page = client.campaigns().list(&q).await.unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::LIST_CAMPAIGNS,
        "GET",
        "/campaign/all",
        &[("call_count", "true"), ("limit", "10"), ("offset", "0")],
    );
    let c = &page.campaigns[0];
    assert_eq!(c.id.as_str(), LIST);
    assert_eq!(c.campaign_status, Some(CampaignStatus::Ongoing));
    assert_eq!(c.completed_count, Some(40));
    assert_eq!(
        c.start_time().unwrap().to_utc().to_rfc3339(),
        "2026-10-18T03:30:00+00:00"
    );
    assert_eq!(page.pagination.unwrap().total.unwrap().count(), Some(1));
}

#[tokio::test]
async fn op22_campaign_stream_stops_at_pagination_total() {
    let row = |i: usize| json!({"id": format!("c{i}")});
    let page = json!({"campaigns": (0..3).map(row).collect::<Vec<_>>(),
                      "pagination": {"limit": 3, "offset": 0, "total": 3}});
    let empty = json!({"campaigns": [], "pagination": {"limit": 3, "offset": 3, "total": 3}});
    // A full page whose rows reach `total`: one more page (the total may lag the list), whose
    // emptiness ends the stream.
    let (client, seen) = client_with(vec![ok(&page.to_string()), ok(&empty.to_string())]);
    let rows: Vec<_> = client
        .campaigns()
        .stream(ListCampaignsQuery {
            limit: Some(3),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 3);
    let requests = all(&seen);
    let pages: Vec<_> = requests
        .iter()
        .map(|r| (r.query_param("limit"), r.query_param("offset")))
        .collect();
    assert_eq!(pages, [(Some("3"), Some("0")), (Some("3"), Some("3"))]);
}

#[tokio::test]
async fn op23_upload_large_campaign_csv() {
    let (client, seen) = client_with(vec![ok(
        r#"{ "bulk_list_id": "123e4567-e89b-12d3-a456-426614174000", "status": "verifying",
      "campaign_name": "Renewal reminders - large upload", "total_callees": 0,
      "invalidated_rows_count": 0, "invalidated_rows_csv_url": null }"#,
    )]);
    let mut form = UploadCsvForm::new(
        AgentId::new(AGENT),
        "Renewal reminders - large upload",
        "+91",
    )
    .map_variable("callee_name", "Name");
    form.transliterate_callee_name = Some(false);
    let resp = client
        .campaigns()
        .upload_large_csv(&form, CsvUpload::bytes(CSV))
        .await
        .unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::UPLOAD_LARGE_CAMPAIGN_CSV,
        "POST",
        "/campaign/upload-csv",
        &[],
    );
    let p = parts(&req);
    assert_eq!(
        text_names(p),
        [
            "agent_id",
            "campaign_name",
            "country_code",
            "variables_map",
            "transliterate_callee_name"
        ]
    );
    assert_eq!(
        json_part(p, "variables_map"),
        json!({"mobile_number": "Mobile Number", "callee_name": "Name"})
    );
    assert_eq!(text_part(p, "transliterate_callee_name"), "false");
    let file = p.iter().find(|p| p.name == "file").unwrap();
    assert_eq!(file.file_name.as_deref(), Some("contacts.csv"));
    assert_eq!(resp.bulk_list_id.unwrap().as_str(), LIST);
    assert_eq!(resp.status, Some(UploadStatus::Verifying));
    assert!(resp.invalidated_rows_csv_url.is_null());
}

#[tokio::test]
async fn op24_get_large_upload_status() {
    let (client, seen) = client_with(vec![
        ok(
            r#"{ "bulk_list_id": "123e4567-e89b-12d3-a456-426614174000", "status": "verifying",
      "campaign_name": "Renewal reminders - large upload", "total_callees": 5000,
      "invalidated_rows_count": 12, "invalidated_rows_csv_url": "https://storage.example.com/invalid-rows.csv" }"#,
        ),
        ok(
            r#"{ "bulk_list_id": "123e4567-e89b-12d3-a456-426614174000", "status": "processing",
      "total_rows": 6200, "processed_rows": 2800, "successful_rows": 2744, "failed_rows": 56 }"#,
        ),
    ]);
    let id = ListId::new(LIST);
    let a = client.campaigns().upload_status(&id).await.unwrap();
    let b = client.campaigns().upload_status(&id).await.unwrap();
    let req = &all(&seen)[0];
    assert_route(
        req,
        &ops::GET_LARGE_UPLOAD_STATUS,
        "GET",
        &format!("/campaign/upload-status/{LIST}"),
        &[],
    );
    assert_eq!(a.total_callees, Some(5000));
    assert_eq!(
        a.invalidated_rows_csv_url.as_deref(),
        Some("https://storage.example.com/invalid-rows.csv")
    );
    assert!(!a.is_finished());
    assert_eq!(b.status, Some(UploadStatus::Processing));
    assert!((b.progress().unwrap() - 2800.0 / 6200.0).abs() < 1e-9);
}

#[tokio::test]
async fn op25_check_large_campaign_balance() {
    let (client, seen) = client_with(vec![ok(
        r#"{ "bulk_list_id": "123e4567-e89b-12d3-a456-426614174000", "required_credits": 6200, "available_credits": 8500, "sufficient_balance": true }"#,
    )]);
    let b = client
        .campaigns()
        .check_balance(&ListId::new(LIST))
        .await
        .unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::CHECK_LARGE_CAMPAIGN_BALANCE,
        "POST",
        &format!("/campaign/check-balance/{LIST}"),
        &[],
    );
    assert_no_body(&req);
    assert_eq!(b.is_sufficient(), Some(true));
    assert_eq!(b.required_credits.unwrap().as_f64(), 6200.0);
}

#[tokio::test]
async fn op26_start_large_campaign() {
    let (client, seen) = client_with(vec![ok(
        r#"{ "message": "Campaign calls scheduled", "bulk_list_id": "123e4567-e89b-12d3-a456-426614174000", "status": "scheduled" }"#,
    )]);
    let mut start = MakeCallAsyncRequest::new(
        ListId::new(LIST),
        AgentId::new(AGENT),
        LargeCampaignCaller::FromNumbers(vec!["5d7f9a2b-1c3e-4f6a-8b9c-0d1e2f3a4b5c".into()]),
    );
    start.country_code = Some("+91".into());
    start.campaign_start_time = Some(ct("18/10/2026, 09:00"));
    start.campaign_end_time = Some(ct("18/10/2026, 18:00"));
    start.call_config =
        Some(ringg_api::types::calls::CallConfig::default().max_call_length(300u32));
    start.concurrency_percentage = Some(25);
    let resp = client.campaigns().start_large(&start).await.unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::START_LARGE_CAMPAIGN,
        "POST",
        "/campaign/make-call-async",
        &[],
    );
    assert_eq!(
        body_json(&req),
        json!({"bulk_list_id": LIST, "agent_id": AGENT,
               "from_numbers": ["5d7f9a2b-1c3e-4f6a-8b9c-0d1e2f3a4b5c"],
               "country_code": "+91",
               "campaign_start_time": "18/10/2026, 09:00",
               "campaign_end_time": "18/10/2026, 18:00",
               "call_config": {"max_call_length": 300},
               "concurrency_percentage": 25})
    );
    assert_eq!(resp.status, Some(CampaignStatus::Scheduled));
    assert_eq!(resp.message.as_deref(), Some("Campaign calls scheduled"));
}

#[tokio::test]
async fn make_call_async_takes_exactly_one_caller_and_refuses_before_sending() {
    let (client, _seen) = client_with(vec![]);
    let base = |caller| MakeCallAsyncRequest::new(ListId::new(LIST), AgentId::new(AGENT), caller);

    let mut both = base(LargeCampaignCaller::NumberPool(NumberPoolId::new("p")));
    both.extra
        .insert("from_numbers".into(), json!(["+919876543210"]));
    let mut both2 = base(LargeCampaignCaller::FromNumbers(vec![
        "+919876543210".into(),
    ]));
    both2.extra.insert("number_pool_id".into(), json!("p"));
    for req in [both, both2] {
        let e = client.campaigns().start_large(&req).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(
            e.to_string()
                .contains("exactly one of from_numbers / number_pool_id"),
            "{e}"
        );
        assert_eq!(e.operation(), Some("startLargeCampaign"));
    }
    let e = client
        .campaigns()
        .start_large(&base(LargeCampaignCaller::FromNumbers(vec![])))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("from_numbers is empty"), "{e}");
    let e = client
        .campaigns()
        .start_large(&base(LargeCampaignCaller::NumberPool(NumberPoolId::new(
            " ",
        ))))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("number_pool_id is empty"), "{e}");
    let mut over = base(LargeCampaignCaller::NumberPool(NumberPoolId::new("p")));
    over.concurrency_percentage = Some(101);
    assert!(client.campaigns().start_large(&over).await.is_err());
}

#[tokio::test]
async fn v1_endpoints_refuse_number_pools_before_sending() {
    let (client, _seen) = client_with(vec![]);
    let e = client
        .calls()
        .initiate_v1(InitiateCallRequest::new(
            AgentId::new(AGENT),
            "Asha",
            PhoneNumber::parse("+919876543210").unwrap(),
            CallerSource::NumberPool(NumberPoolId::new("p")),
        ))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("number pools"), "{e}");

    let mut extra = Extra::new();
    extra.insert("number_pool_id".into(), json!("p"));
    let e = client
        .campaigns()
        .start_v1(&StartCampaignRequest {
            agent_id: AgentId::new(AGENT),
            list_id: ListId::new(LIST),
            from_numbers: vec!["+919876543210".into()],
            extra,
        })
        .await
        .unwrap_err();
    assert!(e.to_string().contains("number pools"), "{e}");
    assert!(e.hint().unwrap_or_default().contains("v2 start"), "{e}");
    let e = client
        .campaigns()
        .start_v1(&StartCampaignRequest {
            agent_id: AgentId::new(AGENT),
            list_id: ListId::new(LIST),
            from_numbers: vec![],
            extra: Extra::new(),
        })
        .await
        .unwrap_err();
    assert!(e.to_string().contains("from_numbers is empty"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Termination (27-31)
// ---------------------------------------------------------------------------------------------

const TERMINATED: &str = r#"{ "message": "Calls terminated successfully!" }"#;

fn phone(s: &str) -> PhoneNumber {
    PhoneNumber::parse(s).unwrap()
}

#[tokio::test]
async fn op27_terminate_calls_every_mode() {
    let (client, seen) = client_with(vec![ok(TERMINATED); 6]);
    let modes = [
        TerminateRequest::ByAgent {
            agent_id: AgentId::new("196d8d88-591e-4e08-8324-2f928d152fff"),
        },
        TerminateRequest::ByCallIds {
            call_ids: vec![CallId::new("c1"), CallId::new("c2")],
        },
        TerminateRequest::ByCampaign {
            campaign_id: ListId::new("0b52ca2b-7767-4cb5-ac4c-b2a4f892a856"),
        },
        TerminateRequest::ByCampaignNumbers {
            campaign_id: ListId::new("0b52ca2b-7767-4cb5-ac4c-b2a4f892a856"),
            mobile_numbers: vec![phone("+918882876897"), phone("+918882876898")],
        },
        TerminateRequest::ByNumbers {
            mobile_numbers: vec![phone("+918882876897")],
        },
    ];
    for m in &modes {
        let resp = client.termination().terminate(m).await.unwrap();
        assert_eq!(
            resp.message.as_deref(),
            Some("Calls terminated successfully!")
        );
    }
    client
        .termination()
        .terminate_with(
            &modes[4],
            TerminateQuery {
                terminate_all_calls: Some(true),
            },
        )
        .await
        .unwrap();
    let reqs = all(&seen);
    for r in &reqs[..5] {
        assert_route(
            r,
            &ops::TERMINATE_CALLS,
            "PATCH",
            "/campaign/terminate",
            &[],
        );
    }
    assert_route(
        &reqs[5],
        &ops::TERMINATE_CALLS,
        "PATCH",
        "/campaign/terminate",
        &[("terminate_all_calls", "true")],
    );
    let bodies: Vec<Value> = reqs.iter().map(body_json).collect();
    assert_eq!(
        bodies[0],
        json!({"agent_id": "196d8d88-591e-4e08-8324-2f928d152fff"})
    );
    assert_eq!(bodies[1], json!({"call_ids": ["c1", "c2"]}));
    assert_eq!(
        bodies[2],
        json!({"campaign_id": "0b52ca2b-7767-4cb5-ac4c-b2a4f892a856"})
    );
    assert_eq!(
        bodies[3],
        json!({"campaign_id": "0b52ca2b-7767-4cb5-ac4c-b2a4f892a856",
               "mobile_numbers": ["+918882876897", "+918882876898"]})
    );
    assert_eq!(bodies[4], json!({"mobile_numbers": ["+918882876897"]}));
    assert_eq!(bodies[5], bodies[4]);
}

#[tokio::test]
async fn terminate_all_calls_flag_only_with_numbers() {
    let (client, _seen) = client_with(vec![]);
    let e = client
        .termination()
        .terminate_with(
            &TerminateRequest::ByCampaign {
                campaign_id: ListId::new(LIST),
            },
            TerminateQuery {
                terminate_all_calls: Some(true),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn terminate_enforces_the_100_item_limit_before_sending() {
    let (client, _seen) = client_with(vec![]);
    let ids = TerminateRequest::ByCallIds {
        call_ids: (0..101).map(|i| CallId::new(format!("c{i}"))).collect(),
    };
    let e = client.termination().terminate(&ids).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let msg = e.to_string();
    assert!(
        msg.contains("101") && msg.contains("at most 100") && msg.contains("call_ids"),
        "{msg}"
    );
    let numbers = TerminateRequest::ByCampaignNumbers {
        campaign_id: ListId::new(LIST),
        mobile_numbers: (0..150)
            .map(|i| phone(&format!("+9198765{i:05}")))
            .collect(),
    };
    let e = client.termination().terminate(&numbers).await.unwrap_err();
    assert!(e.to_string().contains("150"), "{e}");
    let e = client
        .termination()
        .terminate_legacy(&numbers)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("150"), "{e}");
    let empty = TerminateRequest::ByNumbers {
        mobile_numbers: vec![],
    };
    assert!(client.termination().terminate(&empty).await.is_err());
    assert!(
        client
            .termination()
            .terminate_all_in_chunks(&empty)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn terminate_all_in_chunks_splits_by_100_and_reports_each_chunk() {
    let (client, seen) = client_with(vec![
        ok(TERMINATED),
        ok(TERMINATED),
        with_status(
            400,
            r#"{"detail": "No terminable calls found for the specified parameters"}"#,
        ),
    ]);
    let ids: Vec<CallId> = (0..250).map(|i| CallId::new(format!("c{i}"))).collect();
    let out = client
        .termination()
        .terminate_all_in_chunks(&TerminateRequest::ByCallIds {
            call_ids: ids.clone(),
        })
        .await
        .unwrap();
    assert_eq!(out.chunks.len(), 3);
    assert_eq!(out.chunks[2].items, 200..250);
    assert!(out.chunks[2].found_nothing());
    assert!(out.is_success());
    assert_eq!(out.failures().count(), 0);
    let reqs = all(&seen);
    let sizes: Vec<usize> = reqs
        .iter()
        .map(|r| body_json(r)["call_ids"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [100, 100, 50]);
    assert_eq!(body_json(&reqs[1])["call_ids"][0], "c100");
    assert!(is_nothing_to_terminate(
        out.chunks[2].result.as_ref().unwrap_err()
    ));
}

async fn legacy(req: TerminateRequest, op: &Operation, path: &str, body: Value) {
    let (client, seen) = client_with(vec![ok(TERMINATED)]);
    let resp = client.termination().terminate_legacy(&req).await.unwrap();
    let r = one(&seen);
    assert_route(&r, op, "PATCH", path, &[]);
    assert!(op.deprecated);
    assert_eq!(body_json(&r), body);
    assert_eq!(
        resp.message.as_deref(),
        Some("Calls terminated successfully!")
    );
}

#[tokio::test]
async fn op28_terminate_by_agent() {
    legacy(
        TerminateRequest::ByAgent {
            agent_id: AgentId::new(AGENT),
        },
        &ops::TERMINATE_BY_AGENT,
        "/campaign/terminate/agent",
        json!({"agent_id": AGENT}),
    )
    .await;
}

#[tokio::test]
async fn op29_terminate_by_call_ids() {
    legacy(
        TerminateRequest::ByCallIds {
            call_ids: vec![CallId::new("c1")],
        },
        &ops::TERMINATE_BY_CALL_IDS,
        "/campaign/terminate/calls",
        json!({"call_ids": ["c1"]}),
    )
    .await;
}

#[tokio::test]
async fn op30_terminate_by_campaign_numbers() {
    legacy(
        TerminateRequest::ByCampaignNumbers {
            campaign_id: ListId::new(LIST),
            mobile_numbers: vec![phone("+918882876897")],
        },
        &ops::TERMINATE_BY_CAMPAIGN_NUMBERS,
        "/campaign/terminate/campaign-numbers",
        json!({"campaign_id": LIST, "mobile_numbers": ["+918882876897"]}),
    )
    .await;
}

#[tokio::test]
async fn op31_terminate_by_numbers() {
    legacy(
        TerminateRequest::ByNumbers {
            mobile_numbers: vec![phone("+918882876897")],
        },
        &ops::TERMINATE_BY_NUMBERS,
        "/campaign/terminate/numbers",
        json!({"mobile_numbers": ["+918882876897"]}),
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Knowledge bases (32-36)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn op32_create_knowledge_base() {
    let (client, seen) = client_with(vec![ok(
        r#"{ "message": "Knowledge Base creation initiated", "kb_id": "550e8400-e29b-41d4-a716-446655440000", "processing_status": "pending", "files_queued": 3 }"#,
    )]);
    let dir = tempfile::tempdir().unwrap();
    let manual = dir.path().join("manual.pdf");
    std::fs::write(&manual, b"%PDF-1.4 ...").unwrap();
    let mut form = CreateKbForm::new("Product Documentation");
    form.urls = vec![
        "https://example.com/docs".into(),
        "https://example.com/faq".into(),
    ];
    form.faqs = vec![Faq::new(
        "What is your return policy?",
        "30-day money back guarantee",
    )];
    let resp = client
        .knowledge_bases()
        .create(
            &form,
            vec![
                KbFile::path(&manual),
                KbFile::bytes("notes.txt", "plain notes"),
            ],
        )
        .await
        .unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::CREATE_KNOWLEDGE_BASE,
        "POST",
        "/external/kb",
        &[],
    );
    let p = parts(&req);
    assert_eq!(text_names(p), ["kb_name", "urls", "faqs"]);
    assert_eq!(text_part(p, "kb_name"), "Product Documentation");
    assert_eq!(
        json_part(p, "urls"),
        json!(["https://example.com/docs", "https://example.com/faq"])
    );
    assert_eq!(
        json_part(p, "faqs"),
        json!([{"question": "What is your return policy?", "answer": "30-day money back guarantee"}])
    );
    let files: Vec<&Part> = p.iter().filter(|p| p.name == "files").collect();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].file_name.as_deref(), Some("manual.pdf"));
    assert_eq!(files[0].content_type.as_deref(), Some("application/pdf"));
    assert_eq!(part_bytes(files[0]).await, &b"%PDF-1.4 ..."[..]);
    assert_eq!(files[1].file_name.as_deref(), Some("notes.txt"));
    assert_eq!(files[1].content_type.as_deref(), Some("text/plain"));
    assert_eq!(resp.kb_id.unwrap().as_str(), KB);
    assert_eq!(resp.processing_status, Some(KbStatus::Pending));
    assert_eq!(resp.files_queued, Some(3));
}

#[tokio::test]
async fn knowledge_base_limits_are_enforced_before_sending() {
    let (client, _seen) = client_with(vec![]);
    let kb = |n: &str| CreateKbForm::new(n);
    let small = |i: usize| KbFile::bytes(format!("f{i}.txt"), vec![b'x'; 10]);

    let e = client
        .knowledge_bases()
        .create(&kb("K"), (0..11).map(small).collect())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(
        e.to_string().contains("11 files") && e.to_string().contains("at most 10"),
        "{e}"
    );

    let big = KbFile::bytes("big.pdf", vec![0u8; MAX_KB_FILE_BYTES as usize + 1]);
    let e = client
        .knowledge_bases()
        .create(&kb("K"), vec![big])
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("big.pdf") && e.to_string().contains("2 MB"),
        "{e}"
    );

    let two_mb =
        |i: usize| KbFile::bytes(format!("p{i}.pdf"), vec![0u8; MAX_KB_FILE_BYTES as usize]);
    let e = client
        .knowledge_bases()
        .create(&kb("K"), (0..3).map(two_mb).collect())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("5 MB"), "{e}");

    let mut many_urls = kb("K");
    many_urls.urls = (0..21)
        .map(|i| format!("https://example.com/{i}"))
        .collect();
    let e = client
        .knowledge_bases()
        .create(&many_urls, vec![])
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("21 URLs") && e.to_string().contains("20"),
        "{e}"
    );

    let e = client
        .knowledge_bases()
        .create(&kb(" "), vec![])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("kb_name"), "{e}");

    let e = client
        .knowledge_bases()
        .create(&kb("K"), vec![KbFile::path("/definitely/not/here.pdf")])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);

    let e = client
        .knowledge_bases()
        .edit(&EditKbForm::new(KbId::new(KB)), vec![])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("changes nothing"), "{e}");
    assert!(
        e.hint().unwrap_or_default().contains("add new files"),
        "{e}"
    );
}

#[tokio::test]
async fn knowledge_base_at_the_limits_is_sent() {
    let (client, seen) = client_with(vec![ok(r#"{"kb_id": "k"}"#)]);
    let mut form = CreateKbForm::new("K");
    form.urls = (0..20)
        .map(|i| format!("https://example.com/{i}"))
        .collect();
    let half_mb = |i: usize| KbFile::bytes(format!("f{i}.txt"), vec![b'x'; 512 * 1024]);
    client
        .knowledge_bases()
        .create(&form, (0..10).map(half_mb).collect())
        .await
        .unwrap();
    assert_eq!(
        parts(&one(&seen))
            .iter()
            .filter(|p| p.name == "files")
            .count(),
        10
    );
}

#[tokio::test]
async fn op33_edit_knowledge_base() {
    let (client, seen) = client_with(vec![ok(
        r#"{ "message": "Knowledge Base edit initiated", "kb_id": "550e8400-e29b-41d4-a716-446655440000",
      "items_removed": 2, "new_files_queued": 1,
      "new_files": [ { "filename": "document.pdf", "file_id": "1e2f0000-0000-0000-0000-000000000000", "processing_status": "pending" } ] }"#,
    )]);
    let mut form = EditKbForm::new(KbId::new(KB));
    form.files_to_remove = vec![KbFileId::new("7a8b9c0d-1e2f-3a4b-5c6d-7e8f9a0b1c2d")];
    form.urls_to_remove = vec!["https://example.com/old-page".into()];
    form.faqs_to_remove = vec![KbFileId::new("faq-1")];
    form.new_urls = vec!["https://example.com/new-page".into()];
    form.new_faqs = vec![Faq::new("Q?", "A.")];
    let mut meta = serde_json::Map::new();
    meta.insert("document.pdf".into(), json!({"source": "upload"}));
    form.new_files_metadata = Some(meta);
    let resp = client
        .knowledge_bases()
        .edit(&form, vec![KbFile::bytes("document.pdf", "%PDF")])
        .await
        .unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::EDIT_KNOWLEDGE_BASE,
        "PATCH",
        "/external/kb",
        &[],
    );
    let p = parts(&req);
    assert_eq!(
        text_names(p),
        [
            "kb_id",
            "files_to_remove",
            "urls_to_remove",
            "faqs_to_remove",
            "new_urls",
            "new_faqs",
            "new_files_metadata"
        ]
    );
    assert_eq!(text_part(p, "kb_id"), KB);
    assert_eq!(
        json_part(p, "files_to_remove"),
        json!(["7a8b9c0d-1e2f-3a4b-5c6d-7e8f9a0b1c2d"])
    );
    assert_eq!(
        json_part(p, "urls_to_remove"),
        json!(["https://example.com/old-page"])
    );
    assert_eq!(json_part(p, "faqs_to_remove"), json!(["faq-1"]));
    assert_eq!(
        json_part(p, "new_urls"),
        json!(["https://example.com/new-page"])
    );
    assert_eq!(
        json_part(p, "new_faqs"),
        json!([{"question": "Q?", "answer": "A."}])
    );
    assert_eq!(
        json_part(p, "new_files_metadata"),
        json!({"document.pdf": {"source": "upload"}})
    );
    let f = p.iter().find(|p| p.name == "new_files").unwrap();
    assert_eq!(f.file_name.as_deref(), Some("document.pdf"));
    assert_eq!(resp.items_removed, Some(2));
    let nf = &resp.new_files.unwrap()[0];
    assert_eq!(nf.filename.as_deref(), Some("document.pdf"));
    assert_eq!(nf.processing_status, Some(KbStatus::Pending));
}

#[tokio::test]
async fn op34_list_knowledge_bases() {
    let (client, seen) = client_with(vec![ok(
        r#"[ { "kb_id": "550e8400-e29b-41d4-a716-446655440000", "kb_name": "Product Documentation",
    "type": "non_deterministic", "created_at": "2024-12-16T13:03:29.947147+00:00" } ]"#,
    )]);
    let list = client.knowledge_bases().list().await.unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::LIST_KNOWLEDGE_BASES,
        "GET",
        "/external/kb/all",
        &[],
    );
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].kb_id.as_str(), KB);
    assert_eq!(list[0].kb_type, Some(KbType::NonDeterministic));
}

#[tokio::test]
async fn op35_get_knowledge_base() {
    let (client, seen) = client_with(vec![ok(
        r#"{ "kb_id": "550e8400-e29b-41d4-a716-446655440000", "kb_name": "Product Documentation", "status": "completed",
  "created_at": "2024-12-16T13:03:29.947147+00:00", "updated_at": "2024-12-16T14:15:32.123456+00:00",
  "files": [ { "file_id": "", "file_type": "", "file_size": 123, "filename": "", "file_path": "" } ],
  "urls":  [ { "file_id": "", "file_type": "", "file_size": 123, "url": "", "file_path": "" } ],
  "faqs":  [ { "file_id": "", "file_type": "faq", "file_size": 123, "content": {} } ] }"#,
    )]);
    let kb = client.knowledge_bases().get(&KbId::new(KB)).await.unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::GET_KNOWLEDGE_BASE,
        "GET",
        &format!("/external/kb/{KB}"),
        &[],
    );
    assert_eq!(kb.status, Some(KbStatus::Completed));
    assert!(kb.is_settled());
    assert_eq!(kb.files.unwrap()[0].file_size, Some(123));
    assert_eq!(kb.faqs.unwrap()[0].file_type.as_deref(), Some("faq"));
}

#[tokio::test]
async fn op36_delete_knowledge_base() {
    let (client, seen) = client_with(vec![ok(
        r#"{ "message": "Knowledge Base deleted successfully", "kb_id": "550e8400-e29b-41d4-a716-446655440000" }"#,
    )]);
    let resp = client
        .knowledge_bases()
        .delete(&KbId::new(KB))
        .await
        .unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::DELETE_KNOWLEDGE_BASE,
        "DELETE",
        &format!("/external/kb/{KB}"),
        &[],
    );
    assert_no_body(&req);
    assert_eq!(
        resp.message.as_deref(),
        Some("Knowledge Base deleted successfully")
    );
    assert_eq!(resp.kb_id.unwrap().as_str(), KB);
}

// ---------------------------------------------------------------------------------------------
// Analytics (37-41)
// ---------------------------------------------------------------------------------------------

fn analytics_query() -> AnalyticsQuery {
    AnalyticsQuery {
        agent_id: Some(AgentId::new(AGENT)),
        voicemail: Some(false),
        ..AnalyticsQuery::between("2026-10-01".parse().unwrap(), "2026-10-31".parse().unwrap())
    }
}

const ANALYTICS_PAIRS: [(&str, &str); 4] = [
    ("start_date", "2026-10-01"),
    ("end_date", "2026-10-31"),
    ("agent_id", AGENT),
    ("voicemail", "false"),
];

#[tokio::test]
async fn op37_get_platform_analytics() {
    let (client, seen) = client_with(vec![ok(r#"{ "cached": false,
      "metrics_summary": {"total_calls": 12, "completed_calls": 9, "failed_calls": 3},
      "performance_metrics": {"by_status": {"completed": 9, "failed": 3}} }"#)]);
    let r = client
        .analytics()
        .platform(&analytics_query())
        .await
        .unwrap();
    let req = one(&seen);
    assert_route(
        &req,
        &ops::GET_PLATFORM_ANALYTICS,
        "GET",
        "/analytics/platform-analytics",
        &ANALYTICS_PAIRS,
    );
    assert_eq!(r.cached, Some(false));
    assert_eq!(r.metrics_summary.as_ref().unwrap()["total_calls"], 12);
}

#[tokio::test]
async fn op38_get_drill_down_analytics() {
    let (client, seen) = client_with(vec![ok(
        r#"{ "cached": true, "performance_metrics": {"by_status": {"completed": 40}} }"#,
    )]);
    let r = client
        .analytics()
        .drill_down(&ListId::new(LIST), &analytics_query())
        .await
        .unwrap();
    let req = one(&seen);
    let mut pairs = ANALYTICS_PAIRS.to_vec();
    pairs.push(("bulk_list_id", LIST));
    assert_route(
        &req,
        &ops::GET_DRILL_DOWN_ANALYTICS,
        "GET",
        "/analytics/drill-down-analytics",
        &pairs,
    );
    assert_eq!(r.cached, Some(true));
    assert_eq!(
        r.performance_metrics.as_ref().unwrap()["by_status"]["completed"],
        40
    );

    let (client, _seen) = client_with(vec![]);
    let mut other = analytics_query();
    other.bulk_list_id = Some(ListId::new("another"));
    let e = client
        .analytics()
        .drill_down(&ListId::new(LIST), &other)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn op39_get_number_analytics() {
    let (client, seen) = client_with(vec![ok(
        r#"{ "number_analytics": [ {"number": "+918035736726", "total_calls": 7, "completed_calls": 5} ] }"#,
    )]);
    let r = client
        .analytics()
        .numbers(&analytics_query())
        .await
        .unwrap();
    assert_route(
        &one(&seen),
        &ops::GET_NUMBER_ANALYTICS,
        "GET",
        "/analytics/number-analytics",
        &ANALYTICS_PAIRS,
    );
    assert_eq!(r.number_analytics.as_ref().unwrap()[0]["total_calls"], 7);
}

#[tokio::test]
async fn op40_get_duration_distribution() {
    let (client, seen) = client_with(vec![ok(r#"{ "duration_distribution": {} }"#)]);
    let r = client
        .analytics()
        .durations(&analytics_query())
        .await
        .unwrap();
    assert_route(
        &one(&seen),
        &ops::GET_DURATION_DISTRIBUTION,
        "GET",
        "/analytics/duration-distribution",
        &ANALYTICS_PAIRS,
    );
    assert_eq!(r.duration_distribution.as_ref().unwrap(), &json!({}));
}

#[tokio::test]
async fn op41_get_classification_analytics() {
    let (client, seen) = client_with(vec![ok(
        r#"{ "classification_analytics": {"interested": 4, "not_interested": 2} }"#,
    )]);
    let r = client
        .analytics()
        .classification(&AnalyticsQuery::default())
        .await
        .unwrap();
    let req = one(&seen);
    assert_eq!(req.path, "/analytics/classification-analytics");
    assert_eq!(req.operation, ops::GET_CLASSIFICATION_ANALYTICS.id);
    // dates are always sent, even when the query leaves them out
    let start = req.query_param("start_date").unwrap();
    let end = req.query_param("end_date").unwrap();
    let (s, e): (chrono::NaiveDate, chrono::NaiveDate) =
        (start.parse().unwrap(), end.parse().unwrap());
    assert_eq!((e - s).num_days(), 29);
    assert_eq!(
        r.classification_analytics.as_ref().unwrap()["interested"],
        4
    );
}

#[test]
fn every_operation_has_a_test_here() {
    let src = include_str!("operations.rs");
    assert_eq!(ops::ALL.len(), 41);
    for (i, op) in ops::ALL.iter().enumerate() {
        let name = format!("ops::{}", const_name(op.id));
        let used = src.match_indices(&name).any(|(at, _)| {
            src[at + name.len()..]
                .chars()
                .next()
                .is_some_and(|c| !(c.is_ascii_alphanumeric() || c == '_'))
        });
        assert!(used, "no test uses {name} (operation #{})", i + 1);
    }
}

/// `initiateCallV2` -> `INITIATE_CALL_V2`.
fn const_name(id: &str) -> String {
    let mut out = String::new();
    for (i, c) in id.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn error_bodies_of_every_documented_shape() {
    let cases: [(u16, &str, &str, Option<&str>); 6] = [
        (
            400,
            r#"{"detail": "Knowledge Base already attached"}"#,
            "Knowledge Base already attached",
            None,
        ),
        (
            400,
            r#"{"error": {"code": "invalid_request", "message": "agent_id is invalid"}}"#,
            "agent_id is invalid",
            Some("invalid_request"),
        ),
        (
            404,
            r#"{"detail": {"code": "not_found", "message": "Agent not found"}}"#,
            "Agent not found",
            Some("not_found"),
        ),
        (
            422,
            r#"{"detail": [{"loc": ["body", "number_pool_id"], "msg": "field required", "type": "value_error.missing"}]}"#,
            "number_pool_id: field required",
            None,
        ),
        (
            500,
            r#"{"message": "Internal error"}"#,
            "Internal error",
            None,
        ),
        (502, "Bad Gateway", "Bad Gateway", None),
    ];
    let (client, _seen) = client_with(
        cases
            .iter()
            .map(|(s, b, _, _)| with_status(*s, b))
            .collect(),
    );
    for (status, _, message, code) in cases {
        let e = client.workspace().info().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Api);
        assert_eq!(e.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(e.message(), message);
        assert_eq!(e.code(), code);
        assert_eq!(e.operation(), Some("getWorkspace"));
        assert!(e.to_string().contains(message), "{e}");
        assert!(e.body().is_some());
    }
}

#[tokio::test]
async fn unauthorized_is_an_auth_error() {
    let (client, _seen) = client_with(vec![
        with_status(401, r#"{"detail": "Invalid API key"}"#),
        with_status(403, r#"{"detail": "Not allowed"}"#),
    ]);
    let e = client.assistants().list(20, 0).await.unwrap_err();
    assert!(e.is_auth() && !e.is_retryable());
    assert_eq!(e.status(), Some(StatusCode::UNAUTHORIZED));
    assert!(e.hint().unwrap().contains("regenerated key"), "{e}");
    assert!(
        !e.to_string().contains("regenerated"),
        "Display carries no hint: {e}"
    );
    let e = client.knowledge_bases().list().await.unwrap_err();
    assert!(e.is_auth());
}

// ---------------------------------------------------------------------------------------------
// Campaign launch
// ---------------------------------------------------------------------------------------------

const LAUNCH_CSV: &str =
    "Mobile Number,Name\n+919876543210,Asha\nnot-a-number,Ravi\n+919876543211,Meera\n";

/// A launch of [`LAUNCH_CSV`] on a far-off day (a start that has passed is refused before the
/// upload).
fn launch_request(caller: LargeCampaignCaller) -> LaunchRequest {
    LaunchRequest::builder(AgentId::new(AGENT), CsvUpload::bytes(LAUNCH_CSV))
        .name("Renewals")
        .country_code("+91")
        .window(ct("18/10/2046, 09:00"), ct("18/10/2046, 18:00"))
        .caller(caller)
        .build()
        .unwrap()
        .map_variable("callee_name", "Name")
        .upload_poll(PollOptions {
            initial_interval: Duration::from_millis(1),
            max_interval: Duration::from_millis(5),
            multiplier: 2.0,
            timeout: Duration::from_secs(5),
        })
}

fn pool() -> LargeCampaignCaller {
    LargeCampaignCaller::NumberPool(NumberPoolId::new("0b84b167-2dcb-4bbd-abab-1837000bea17"))
}

#[tokio::test]
async fn launch_standard_flow_with_a_pool() {
    let (client, seen) = client_with(vec![
        ok(ASSISTANT_DETAILS),
        ok(SAVE_RESPONSE),
        ok(START_RESPONSE),
    ]);
    let outcome = client
        .campaigns()
        .launch(launch_request(pool()))
        .await
        .unwrap();
    assert_eq!(outcome.list_id.as_str(), LIST);
    assert_eq!(outcome.flow, CampaignFlow::Standard);
    assert_eq!(
        (outcome.report.valid_rows, outcome.report.invalid_rows),
        (2, 1)
    );
    assert!(matches!(
        outcome.responses,
        LaunchResponses::Standard {
            used_v1_start: false,
            ..
        }
    ));
    let reqs = all(&seen);
    assert_eq!(
        reqs.iter().map(|r| r.operation).collect::<Vec<_>>(),
        ["getAssistant", "saveCampaign", "startCampaignV2"]
    );
    let p = parts(&reqs[1]);
    // an invalid row was found, so it is skipped rather than failing the upload
    assert_eq!(text_part(p, "remove_invalid_rows"), "true");
    assert_eq!(
        json_part(p, "variables_map"),
        json!({"mobile_number": "Mobile Number", "callee_name": "Name"})
    );
    assert_eq!(
        body_json(&reqs[2]),
        json!({"agent_id": AGENT, "list_id": LIST,
               "number_pool_id": "0b84b167-2dcb-4bbd-abab-1837000bea17"})
    );
}

#[tokio::test]
async fn launch_standard_flow_with_numbers_uses_v1() {
    let (client, seen) = client_with(vec![ok(SAVE_RESPONSE), ok(START_RESPONSE)]);
    let mut req = launch_request(LargeCampaignCaller::FromNumbers(vec![
        "+918035736726".into(),
    ]));
    req.check_assistant_variables = false;
    let outcome = client.campaigns().launch(req).await.unwrap();
    assert!(matches!(
        outcome.responses,
        LaunchResponses::Standard {
            used_v1_start: true,
            ..
        }
    ));
    let reqs = all(&seen);
    assert_eq!(reqs[1].operation, "startCampaign");
    assert_eq!(
        body_json(&reqs[1]),
        json!({"agent_id": AGENT, "list_id": LIST, "from_numbers": ["+918035736726"]})
    );
}

/// A contact file just under one upload's 10,420,224 bytes of file: 1,000 numbers without
/// their +91 (which the checked rows add, taking them over the limit), each row padded, with
/// `note` in each row's last field and `refused` as its first row when given.
fn near_the_limit(note: &str, refused: Option<&str>) -> String {
    let limit = 10 * 1024 * 1024 - 64 * 1024;
    let header = "Mobile Number,Name,Note\n";
    let mut csv = String::from(header);
    if let Some(row) = refused {
        csv.push_str(row);
        csv.push('\n');
    }
    let row_bytes = (limit - 1_000 - 200 - header.len()) / 1_000;
    for i in 0..1_000 {
        let fixed = format!("98765{i:05},,{note}\n").len();
        csv.push_str(&format!(
            "98765{i:05},{},{note}\n",
            "x".repeat(row_bytes - fixed)
        ));
    }
    assert!(csv.len() <= limit && csv.len() + 3_000 > limit);
    csv
}

/// When the checked rows (numbers in their + form) would not fit in one upload, the valid
/// rows go byte for byte as the file holds them, the refused row left out, even when writing
/// them again would quote a field and make them longer than the file.
#[tokio::test]
async fn over_the_limit_the_valid_rows_go_as_the_file_holds_them() {
    let csv = near_the_limit("5\" screen", Some("0091 98765 00342,refused,x"));
    let (client, seen) = client_with(vec![ok(SAVE_RESPONSE), ok(START_RESPONSE)]);
    let mut req = launch_request(pool());
    req.check_assistant_variables = false;
    req.csv = CsvUpload::bytes(csv.clone());
    let outcome = client.campaigns().launch(req).await.expect("launched");
    assert_eq!(outcome.uploaded, Uploaded::ValidRowsAsWritten);
    assert!(outcome.uploaded.warning().unwrap().contains("left out"));
    let file = parts(&all(&seen)[0])
        .iter()
        .find(|p| p.name == "file")
        .cloned()
        .unwrap();
    let sent = part_bytes(&file).await;
    assert_eq!(
        &sent[..],
        csv.replace("0091 98765 00342,refused,x\n", "").as_bytes()
    );
}

/// A file that reads otherwise the second time (here a stream whose later reads repeat one
/// number) is refused before anything is sent: the rows sent are always rows checked.
#[tokio::test]
async fn a_file_that_changes_between_its_readings_is_refused() {
    let text = near_the_limit("n", Some("0091 98765 00342,refused,x"));
    // The same file with every valid row calling one number.
    let same: String = text
        .split_inclusive('\n')
        .map(|row| match row.strip_prefix("98765") {
            Some(rest) => {
                format!("98000{}", &rest[..5].replace(char::is_numeric, "0")) + &rest[5..]
            }
            None => row.to_string(),
        })
        .collect();
    assert_eq!(same.len(), text.len());
    let (first, later) = (Bytes::from(text), Bytes::from(same));
    let reads = Arc::new(Mutex::new(0));
    let counter = reads.clone();
    let csv = CsvUpload::stream(move || {
        let mut n = counter.lock().unwrap();
        *n += 1;
        let body = if *n == 1 {
            first.clone()
        } else {
            later.clone()
        };
        futures::stream::iter([Ok(body)]).boxed()
    });
    let (client, seen) = client_with(vec![]);
    let mut req = launch_request(pool());
    req.check_assistant_variables = false;
    req.csv = csv;
    let e = client.campaigns().launch(req).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("the file changed while it was being launched"),
        "{e}"
    );
    assert!(e.to_string().contains("repeated numbers 0 then"), "{e}");
    assert!(all(&seen).is_empty(), "nothing was sent");
    assert_eq!(*reads.lock().unwrap(), 2);
}

/// A number on two rows (written two ways) would be called twice by one campaign: the launch
/// is refused before anything is sent, naming the first repeated line, unless allowed.
#[tokio::test]
async fn launch_refuses_a_number_on_two_rows_unless_allowed() {
    let twice =
        "Mobile Number,Name\n+919876543210,Asha\n+919876543211,Ravi\n+91 98765 43210,Asha\n";
    let (client, seen) = client_with(vec![ok(SAVE_RESPONSE), ok(START_RESPONSE)]);
    let mut req = launch_request(pool());
    req.check_assistant_variables = false;
    req.csv = CsvUpload::bytes(twice);
    let e = client.campaigns().launch(req.clone()).await.unwrap_err();
    assert!(matches!(e, LaunchError::Refused { .. }), "{e}");
    assert!(
        e.to_string().contains("1 row(s) repeat a number")
            && e.to_string().contains("(the first on line 4)"),
        "{e}"
    );
    assert!(all(&seen).is_empty(), "nothing was sent");
    let outcome = client
        .campaigns()
        .launch(req.allow_duplicate_numbers(true))
        .await
        .expect("allowed, every row is uploaded");
    assert_eq!(outcome.report.duplicate_numbers, 1);
    assert_eq!(all(&seen)[0].operation, "saveCampaign");
}

#[tokio::test]
async fn launch_refuses_an_unusable_csv_with_the_report_and_sends_nothing() {
    let (client, seen) = client_with(vec![]);
    let mut req = launch_request(pool());
    req.csv = CsvUpload::bytes("Phone,Name\n+919876543210,Asha\n");
    req.check_assistant_variables = false;
    let e = client.campaigns().launch(req).await.unwrap_err();
    let report = e.report().expect("the report");
    assert!(!report.is_usable());
    assert!(e.to_string().contains("Mobile Number"), "{e}");
    assert!(e.to_string().contains("nothing was sent"), "{e}");

    let mut req = launch_request(pool());
    req.check_assistant_variables = false;
    req.campaign.remove_invalid_rows = Some(false);
    let e = client.campaigns().launch(req).await.unwrap_err();
    assert!(matches!(e, LaunchError::Refused { .. }));
    assert!(e.to_string().contains("1 rows are invalid"), "{e}");
    assert!(e.to_string().contains("line 3"), "{e}");

    let mut req = launch_request(LargeCampaignCaller::FromNumbers(vec![
        "+918035736726".into(),
    ]));
    req.check_assistant_variables = false;
    req.callback_url = Some("https://example.com/done".into());
    let e = client.campaigns().launch(req).await.unwrap_err();
    assert!(e.to_string().contains("number pool"), "{e}");

    let mut req = launch_request(pool());
    req.campaign.campaign_end_time = ct("17/10/2026, 09:00");
    let e: ringg_api::Error = client.campaigns().launch(req).await.unwrap_err().into();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);

    // Three valid rows with long names, over what one upload carries.
    let long = "n".repeat(3_600_000);
    let mut req = launch_request(pool());
    req.check_assistant_variables = false;
    req.csv = CsvUpload::bytes(format!(
        "Mobile Number,Name\n+919876543210,{long}\n+919876543211,{long}\n+919876543212,{long}\n"
    ));
    let e = client.campaigns().launch(req).await.unwrap_err();
    assert!(matches!(e, LaunchError::Refused { .. }), "{e}");
    assert_eq!(e.report().expect("the report").valid_rows, 3);
    assert!(e.to_string().contains("split it into parts"), "{e}");
    assert!(seen.lock().unwrap().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn launch_does_not_start_twice_when_the_start_fails() {
    // Default retry policy: a 500 on a non-idempotent start is never resent.
    let (client, seen) = client_with_policy(
        vec![ok(SAVE_RESPONSE), with_status(500, r#"{"detail": "boom"}"#)],
        RetryPolicy::default(),
    );
    let mut req = launch_request(pool());
    req.check_assistant_variables = false;
    let e = client.campaigns().launch(req).await.unwrap_err();
    assert_eq!(e.step(), Some(LaunchStep::Start));
    assert_eq!(e.list_id().map(ListId::as_str), Some(LIST));
    assert!(e.to_string().contains("check the campaign list"), "{e}");
    assert_eq!(
        e.error().unwrap().status(),
        Some(StatusCode::INTERNAL_SERVER_ERROR)
    );
    let ops_sent: Vec<&str> = all(&seen).iter().map(|r| r.operation).collect();
    assert_eq!(ops_sent, ["saveCampaign", "startCampaignV2"]);
}

const UPLOADED: &str = r#"{ "bulk_list_id": "123e4567-e89b-12d3-a456-426614174000", "status": "verifying", "campaign_name": "Renewals", "total_callees": 0 }"#;

#[tokio::test]
async fn launch_large_flow_polls_checks_the_balance_and_starts_once() {
    let (client, seen) = client_with(vec![
        ok(UPLOADED),
        ok(
            r#"{"bulk_list_id": "123e4567-e89b-12d3-a456-426614174000", "status": "processing", "total_rows": 3, "processed_rows": 1}"#,
        ),
        ok(
            r#"{"bulk_list_id": "123e4567-e89b-12d3-a456-426614174000", "status": "completed", "total_callees": 2}"#,
        ),
        ok(
            r#"{"bulk_list_id": "123e4567-e89b-12d3-a456-426614174000", "required_credits": 2, "available_credits": 3025, "sufficient_balance": true}"#,
        ),
        ok(
            r#"{ "message": "Campaign calls scheduled", "bulk_list_id": "123e4567-e89b-12d3-a456-426614174000", "status": "scheduled" }"#,
        ),
    ]);
    let mut req = launch_request(pool()).flow(CampaignFlow::Large);
    req.check_assistant_variables = false;
    req.concurrency_percentage = Some(25);
    let outcome = client.campaigns().launch(req).await.unwrap();
    assert_eq!(outcome.flow, CampaignFlow::Large);
    let LaunchResponses::Large(large) = &outcome.responses else {
        panic!("large responses")
    };
    assert_eq!(large.scheduled.status, Some(CampaignStatus::Scheduled));
    assert_eq!(large.status.status, Some(UploadStatus::Completed));
    let reqs = all(&seen);
    assert_eq!(
        reqs.iter().map(|r| r.operation).collect::<Vec<_>>(),
        [
            "uploadLargeCampaignCsv",
            "getLargeUploadStatus",
            "getLargeUploadStatus",
            "checkLargeCampaignBalance",
            "startLargeCampaign"
        ]
    );
    let p = parts(&reqs[0]);
    assert_eq!(text_part(p, "campaign_start_time"), "18/10/2046, 09:00");
    assert!(
        !text_names(p).contains(&"call_config"),
        "an empty call_config is omitted"
    );
    assert_eq!(
        body_json(&reqs[4]),
        json!({"bulk_list_id": LIST, "agent_id": AGENT,
               "number_pool_id": "0b84b167-2dcb-4bbd-abab-1837000bea17",
               "country_code": "+91",
               "campaign_start_time": "18/10/2046, 09:00",
               "campaign_end_time": "18/10/2046, 18:00",
               "concurrency_percentage": 25})
    );
}

#[tokio::test]
async fn launch_large_flow_stops_on_insufficient_balance() {
    let (client, seen) = client_with(vec![
        ok(UPLOADED),
        ok(r#"{"status": "ready"}"#),
        ok(
            r#"{"bulk_list_id": "123e4567-e89b-12d3-a456-426614174000", "required_credits": 6200, "available_credits": 8.5, "sufficient_balance": false}"#,
        ),
    ]);
    let mut req = launch_request(pool()).flow(CampaignFlow::Large);
    req.check_assistant_variables = false;
    let e = client.campaigns().launch(req).await.unwrap_err();
    assert_eq!(e.step(), Some(LaunchStep::CheckBalance));
    let msg = e.to_string();
    assert!(
        msg.contains("requires 6200") && msg.contains("8.5 are available"),
        "{msg}"
    );
    assert_eq!(all(&seen).len(), 3, "make-call-async was not sent");
}

#[tokio::test]
async fn launch_large_flow_stops_on_a_failed_upload() {
    let (client, _seen) = client_with(vec![
        ok(UPLOADED),
        ok(
            r#"{"status": "failed", "invalidated_rows_count": 5000, "invalidated_rows_csv_url": "https://storage.example.com/bad.csv"}"#,
        ),
    ]);
    let mut req = launch_request(pool()).flow(CampaignFlow::Large);
    req.check_assistant_variables = false;
    let e = client.campaigns().launch(req).await.unwrap_err();
    assert_eq!(e.step(), Some(LaunchStep::WaitForUpload));
    let msg = e.to_string();
    assert!(
        msg.contains("failed processing") && msg.contains("https://storage.example.com/bad.csv"),
        "{msg}"
    );
    let hint = e
        .error()
        .and_then(ringg_api::Error::hint)
        .unwrap_or_default();
    assert!(hint.contains("fix the CSV"), "{hint}");
}

#[tokio::test]
async fn preflight_for_assistant_reads_the_variables() {
    let (client, seen) = client_with(vec![ok(ASSISTANT_DETAILS)]);
    let report = client
        .campaigns()
        .preflight_for_assistant(
            &CsvUpload::bytes(CSV),
            &AgentId::new(AGENT),
            PreflightOptions {
                variables_map: BTreeMap::from([("company_name".into(), "Company".into())]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(one(&seen).operation, "getAssistant");
    assert_eq!(report.valid_rows, 2);
    let warnings = report.warnings.join("\n");
    assert!(warnings.contains("callee_name"), "{warnings}");
    assert!(warnings.contains("company_name"), "{warnings}");
}
