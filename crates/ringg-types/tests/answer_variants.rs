//! Answers written in another form than the examples, each one whole answer that failed to
//! decode because of one field: the forms other sources show (API reference §1.10, §2.3–2.8,
//! §7), read as the field's value instead.

use ringg_types::analytics::NumberAnalyticsResponse;
use ringg_types::assistants::AssistantDetailsResponse;
use ringg_types::calls::CallHistoryResponse;
use ringg_types::campaigns::{CampaignListResponse, SaveCampaignResponse};
use ringg_types::decode;
use ringg_types::numbers::NumbersResponse;
use ringg_types::workspace::WorkspaceInfoResponse;
use serde_json::json;

fn read<T: serde::de::DeserializeOwned>(body: serde_json::Value) -> T {
    decode::<T>(body.to_string().as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

/// An upload's echo of its rows JSON-encoded (as history and call details write the field), or
/// with a `null` row: a launch read it as an answer it could not read, outcome unknown.
#[test]
fn an_uploads_rows_as_a_json_string_or_with_a_null_row() {
    for rows in [
        json!("[{\"callee_name\":\"John\"}]"),
        json!([{"callee_name": "John"}, null]),
        json!({"callee_name": "John"}),
    ] {
        let saved: SaveCampaignResponse = read(
            json!({"list_id": "123e4567-e89b-12d3-a456-426614174000", "custom_args_values": rows}),
        );
        assert!(saved.list_id.is_some());
        assert_eq!(saved.custom_args_values.unwrap()[0]["callee_name"], "John");
    }
    // A null row keeps its place; what is not a list of rows fails, naming the field.
    let saved: SaveCampaignResponse =
        read(json!({"custom_args_values": [{"a": 1}, null, {"a": 3}]}));
    let rows = saved.custom_args_values.unwrap();
    assert_eq!((rows.len(), rows[1].is_empty()), (3, true));
    for odd in [json!("not json"), json!(5)] {
        let body = json!({"custom_args_values": odd}).to_string();
        let e = decode::<SaveCampaignResponse>(body.as_bytes()).unwrap_err();
        assert_eq!(e.path(), "custom_args_values");
    }
}

/// A campaign's start and end written as Unix times failed the whole campaign list.
#[test]
fn a_campaign_time_as_a_unix_time() {
    let page: CampaignListResponse = read(json!({"campaigns": [
        {"id": "123e4567", "campaign_start_time": 1760758200, "campaign_end_time": "1760844600"}
    ]}));
    let c = &page.campaigns[0];
    assert_eq!(
        c.start_time().map(|t| t.to_string()).as_deref(),
        Some("2025-10-18T03:30:00.000000+00:00")
    );
    assert!(c.end_time().is_some());
    // Another kind of value is no time: it fails, naming the field.
    let body = json!({"campaigns": [{"id": "123e4567", "campaign_start_time": true}]});
    let e = decode::<CampaignListResponse>(body.to_string().as_bytes()).unwrap_err();
    assert_eq!(e.path(), "campaigns[0].campaign_start_time");
}

/// A call's assistant `version` written as its slug (as the assistant answers write it), or
/// with a numeric slug, failed the history page and every stream over it.
#[test]
fn a_calls_version_as_its_slug() {
    let page: CallHistoryResponse = read(json!({"calls": [
        {"id": "c1", "agent": {"id": "5d7c", "version": "v1"}},
        {"id": "c2", "agent": {"id": "5d7c", "version": {"version_id": "x", "version_slug": 2}}}
    ], "total": 2}));
    let slug = |i: usize| {
        page.calls[i]
            .agent
            .as_ref()
            .and_then(|a| a.version.as_ref())
            .and_then(|v| v.version_slug.clone())
    };
    assert_eq!(slug(0).as_deref(), Some("v1"));
    assert_eq!(slug(1).as_deref(), Some("2"));
}

/// `assistants get` refused forms `assistants list` reads for the same assistant: `""` tools
/// and variables, `[]` for maps, a JSON-encoded client analysis.
#[test]
fn an_assistants_details_in_the_lists_forms() {
    let got: AssistantDetailsResponse = read(json!({"agents": {
        "id": "830f767a-0000-4000-8000-000000000000",
        "tools": "",
        "classification_labels": [],
        "ab_versions": [],
        "agent_config": {"custom_variables": ""},
        "version_details": {"v-a": {"client_analysis": "{\"goal_key\": \"booked\"}"}}
    }}));
    let a = &got.agents;
    assert!(a.tools.is_null() && a.ab_versions.is_null());
    assert!(
        a.classification_labels
            .as_ref()
            .is_some_and(|m| m.is_empty())
    );
    let version = &a.version_details.as_ref().unwrap()["v-a"];
    assert_eq!(
        version.client_analysis.as_ref().unwrap()["goal_key"],
        "booked"
    );
    let empty: AssistantDetailsResponse = read(
        json!({"agents": {"id": "830f767a-0000-4000-8000-000000000000", "version_details": []}}),
    );
    assert!(empty.agents.version_details.is_null());
}

/// Number analytics keyed by number: one row per number, the number in it.
#[test]
fn number_analytics_keyed_by_number() {
    let got: NumberAnalyticsResponse = read(json!({"number_analytics": {
        "+911234567890": {"total_calls": 3}, "+919999999999": {}
    }}));
    let rows = got.number_analytics.into_option().unwrap();
    assert_eq!(
        rows[0],
        json!({"number": "+911234567890", "total_calls": 3})
    );
    assert_eq!(rows[1], json!({"number": "+919999999999"}));
    // One row as an object is one row, not a row per field; a row's own null number takes the
    // key; a scalar fails, naming the field.
    let one: NumberAnalyticsResponse =
        read(json!({"number_analytics": {"number": "+919876543210", "total_calls": 12}}));
    assert_eq!(one.number_analytics.into_option().unwrap().len(), 1);
    let keyed: NumberAnalyticsResponse =
        read(json!({"number_analytics": {"+911": {"number": null, "calls": 3}}}));
    assert_eq!(
        keyed.number_analytics.into_option().unwrap()[0]["number"],
        "+911"
    );
    let e = decode::<NumberAnalyticsResponse>(br#"{"number_analytics": 5}"#).unwrap_err();
    assert_eq!(e.path(), "number_analytics");
}

/// A caller number's text fields in other forms, and empty credits.
#[test]
fn a_numbers_text_fields_and_empty_credits() {
    let got: NumbersResponse = read(json!({"workspace_numbers": [{
        "id": "5d7f9a2b-0000-4000-8000-000000000000", "number": "+918035735999",
        "spam_message": false, "owner": {"name": "ops"}, "telephony_id": 12345
    }]}));
    let n = &got.workspace_numbers[0];
    assert_eq!(n.spam_message.as_deref(), Some("false"));
    assert_eq!(n.owner.as_deref(), Some(r#"{"name":"ops"}"#));
    assert_eq!(n.telephony_id.as_deref(), Some("12345"));
    // An agent with no id is none attached.
    for agent in [json!({}), json!({"id": null}), json!("")] {
        let got: NumbersResponse = read(json!({"workspace_numbers": [{
            "id": "5d7f9a2b-0000-4000-8000-000000000000", "number": "+918035735999", "agent": agent
        }]}));
        assert!(got.workspace_numbers[0].agent.is_null());
    }
    let ws: WorkspaceInfoResponse = read(json!({"workspace_info": {
        "id": "442a9db3-0fd4-47dc-b8cd-cc7eedfa272f", "credits": "", "locked_credits": "12.5"
    }}));
    assert!(ws.workspace_info.credits.is_none());
    assert!(ws.workspace_info.locked_credits.is_some());
}
