use serde_json::json;

use super::*;
use crate::campaigns::CampaignListResponse;
use crate::common::{Timestamp, decode, to_query_pairs};
use crate::ids::{AgentId, NumberId, NumberPoolId, VersionId};
use crate::phone::PhoneNumber;

#[test]
fn caller_source_is_exactly_one_key() {
    let base = |caller| {
        InitiateCallRequest::new(
            AgentId::new("a"),
            "n",
            PhoneNumber::parse("+919876543210").unwrap(),
            caller,
        )
    };
    let cases = [
        (
            CallerSource::FromNumberId(NumberId::new("x")),
            "from_number_id",
        ),
        (
            CallerSource::FromNumber(PhoneNumber::parse("+14155550132").unwrap()),
            "from_number",
        ),
        (
            CallerSource::NumberPool(NumberPoolId::new("p")),
            "number_pool_id",
        ),
    ];
    for (caller, key) in cases {
        let v1 = caller.is_v1_compatible();
        let json = serde_json::to_value(base(caller)).unwrap();
        let obj = json.as_object().unwrap();
        let present: Vec<_> = ["from_number_id", "from_number", "number_pool_id"]
            .into_iter()
            .filter(|k| obj.contains_key(*k))
            .collect();
        assert_eq!(present, vec![key]);
        assert_eq!(v1, key != "number_pool_id");
        assert_eq!(obj.len(), 4, "{json}");
        let back: InitiateCallRequest = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(serde_json::to_value(back).unwrap(), json);
    }
}

#[test]
fn request_builder_writes_only_set_fields() {
    let req = InitiateCallRequest::new(
        AgentId::new("a"),
        "John",
        PhoneNumber::parse("+919876543210").unwrap(),
        CallerSource::FromNumberId(NumberId::new("n")),
    )
    .custom_arg("order_id", "ORD-1")
    .callback_url("https://example.com/cb")
    .version_id(VersionId::new("v"))
    .call_config(
        CallConfig::default()
            .max_call_length(300)
            .call_retry_config(CallRetryConfig::uniform(2, 30)),
    );
    assert!(!req.is_v1_compatible());
    assert_eq!(
        serde_json::to_value(&req).unwrap(),
        json!({
            "name": "John", "mobile_number": "+919876543210", "agent_id": "a",
            "from_number_id": "n", "custom_args_values": {"order_id": "ORD-1"},
            "callback_url": "https://example.com/cb", "version_id": "v",
            "call_config": {"max_call_length": 300, "call_retry_config": {
                "retry_count": 2, "retry_busy": 30, "retry_not_picked": 30, "retry_failed": 30}}
        })
    );
}

#[test]
fn request_rejects_bad_phone_with_path() {
    let body = br#"{"name":"n","mobile_number":"98765","agent_id":"a","from_number_id":"x"}"#;
    let err = decode::<InitiateCallRequest>(body).unwrap_err();
    assert_eq!(err.path(), "mobile_number");
    assert!(err.message().contains("must start with `+`"));
}

#[test]
fn initiate_response_both_generations() {
    let new: InitiateCallResponse = serde_json::from_value(json!({
        "status": "success",
        "data": {"call_id": "c1", "call_direction": "outbound", "call_status": "ongoing",
                 "initiated_at": "2025-11-24T07:33:49.629642", "agent_id": "a1"},
        "message": "Call initiated successfully"
    }))
    .unwrap();
    let old: InitiateCallResponse = serde_json::from_value(json!({
        "Call Status": "Call initiated successfully",
        "data": {"Unique Call ID": "c1", "Call Direction": "outbound", "Call Status": "ongoing",
                 "From Number": "+1987654321", "To Number": "+1234567890",
                 "Initiated at": "2025-01-15T10:30:00Z", "Agent ID": "a1",
                 "message": "Call initiated successfully"}
    }))
    .unwrap();
    for r in [&new, &old] {
        assert_eq!(r.call_id().unwrap().as_str(), "c1");
        assert_eq!(r.call_status(), Some(&CallStatus::Ongoing));
        assert_eq!(r.call_direction(), Some(&CallDirection::Outbound));
        assert_eq!(r.agent_id().unwrap().as_str(), "a1");
        assert_eq!(r.message(), Some("Call initiated successfully"));
        assert!(r.initiated_at().is_some());
    }
    assert_eq!(old.from_number(), Some("+1987654321"));
    assert_eq!(old.to_number(), Some("+1234567890"));
    let top: InitiateCallResponse = serde_json::from_value(json!({"call_id": "c2"})).unwrap();
    assert_eq!(top.call_id().unwrap().as_str(), "c2");
}

#[test]
fn history_query_pairs() {
    let q = CallHistoryQuery::default()
        .limit(50)
        .offset(0)
        .status(CallStatus::Completed)
        .start_date(Timestamp::parse("2025-09-25T00:00:00+05:30").unwrap());
    let pairs = to_query_pairs(&q).unwrap();
    assert!(pairs.contains(&("start_date".into(), "2025-09-25T00:00:00+05:30".into())));
    assert!(pairs.contains(&("status".into(), "completed".into())));
    assert!(pairs.contains(&("limit".into(), "50".into())));
    let dl = DownloadCallHistoryQuery {
        agent_ids: vec![AgentId::new("a"), AgentId::new("b")],
        include_analysis: Some(true),
        ..Default::default()
    };
    let pairs = to_query_pairs(&dl).unwrap();
    assert_eq!(pairs.iter().filter(|(k, _)| k == "agent_id[]").count(), 2);
}

#[test]
fn record_list_id_ignores_empty() {
    let r: CallRecord = serde_json::from_value(json!({"id": "c", "bulk_list_id": ""})).unwrap();
    assert!(r.list_id().is_none());
    let r: CallRecord = serde_json::from_value(json!({"id": "c", "bulk_list_id": "L"})).unwrap();
    assert_eq!(r.list_id().unwrap().as_str(), "L");
}

#[test]
fn platform_analysis_stringly() {
    let a: PlatformAnalysis = serde_json::from_value(json!({
        "key_points": "[\"a\", \"b\"]", "callback_requested": "yes",
        "callback_requested_time": "2025-12-15T10:00:00+05:30", "sentiment": "mixed"
    }))
    .unwrap();
    assert!(a.callback_requested());
    assert!(a.callback_requested_at().is_some());
    assert_eq!(a.key_points.as_ref().unwrap().items().len(), 2);
    assert_eq!(a.sentiment.as_ref().unwrap().as_str(), "mixed");
}

#[test]
fn platform_analysis_keeps_values_of_unexpected_types_instead_of_failing() {
    let body = json!({
        "summary": 42, "classification": ["qualified_lead", "callback"],
        "key_points": ["a", null, "b"], "action_items": ["call back"],
        "sentiment": 0.35, "call_disconnect_reason": false,
        "callback_requested": "perhaps", "callback_requested_time": 1_734_000_000,
        "timezone": null, "status": "analyzed", "confidence": 0.9
    });
    let a: PlatformAnalysis = serde_json::from_value(body.clone()).unwrap();
    // What fits is typed.
    assert_eq!(a.action_items.as_ref().unwrap().items(), ["call back"]);
    assert_eq!(a.status.as_deref(), Some("analyzed"));
    assert!(a.timezone.is_null());
    assert!(a.callback_requested.is_value());
    // What does not is kept as it came, under its own key.
    for key in [
        "summary",
        "classification",
        "key_points",
        "sentiment",
        "call_disconnect_reason",
        "callback_requested_time",
        "confidence",
    ] {
        assert_eq!(a.extra.get(key), body.get(key), "{key}");
    }
    assert!(a.sentiment.is_absent() && a.summary.is_absent());
    // Written back, nothing is lost or changed.
    assert_eq!(serde_json::to_value(&a).unwrap(), body);
    // Not an object at all is still an error.
    assert!(serde_json::from_value::<PlatformAnalysis>(json!("text")).is_err());
}

#[test]
fn empty_times_in_a_history_page_read_as_no_time() {
    let body = json!({"calls": [
        {"id": "c1", "status": "retry", "created_at": "", "call_attempt_time": " ",
         "next_attempt_time": ""},
        {"id": "c2", "status": "retry", "created_at": null,
         "next_attempt_time": "2025-11-24T07:33:49.629642"}
    ], "total": 2})
    .to_string();
    let page: CallHistoryResponse = decode(body.as_bytes()).unwrap();
    let (a, b) = (&page.calls[0], &page.calls[1]);
    assert_eq!(a.created_at, None);
    assert!(a.call_attempt_time.is_null());
    assert!(a.next_attempt_time.is_null());
    assert_eq!(b.created_at, None);
    assert_eq!(
        b.next_attempt_time.as_ref().map(Timestamp::as_str),
        Some("2025-11-24T07:33:49.629642")
    );
    assert!(page.calls[1].call_attempt_time.is_absent());

    // Text that is neither empty nor a time still fails, naming the row and the field.
    let bad = json!({"calls": [{"id": "c3", "next_attempt_time": "soon"}]}).to_string();
    let err = decode::<CallHistoryResponse>(bad.as_bytes()).unwrap_err();
    assert_eq!(err.path(), "calls[0].next_attempt_time");
    assert!(err.to_string().contains("soon"), "{err}");
}

// Response variants the API reference supports: one of them in one row must not fail a whole
// history page, a call's details or a campaigns page.

/// API reference §3.6 [tut-wh] DOC: the per-call "Call Details" payload writes the transcript as
/// plain text (`"bot: …\nuser: …"`); §7.10 lists the transcript's type as unsettled. One such
/// row must not fail the page that `Calls::reconcile` reads.
#[test]
fn history_page_with_a_plain_text_transcript_decodes() {
    let body = br#"{"calls": [
        {"id": "c-1", "status": "completed", "transcript": "[{\"bot\": \"Hi\"}]"},
        {"id": "c-2", "status": "completed",
         "transcript": "bot: Hello John, this is Caroline from Ringg AI.\nuser: Yes, go ahead."}
    ], "limit": 10, "offset": 0, "count": 2, "total": 2}"#;
    let page = crate::decode::<CallHistoryResponse>(body).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.calls.len(), 2);
    // The text is kept and written back as it came.
    let t = page.calls[1].transcript.as_ref().unwrap();
    assert_eq!(
        serde_json::to_value(t).unwrap(),
        "bot: Hello John, this is Caroline from Ringg AI.\nuser: Yes, go ahead."
    );
}

/// Same variant in `GET /calling/call-details` (`transcription_url`), which `Calls::reconcile`
/// reads for every history row without `custom_args_values`.
#[test]
fn call_details_with_a_plain_text_transcript_decodes() {
    let body = br#"{"status": "success", "data": {
        "id": "550e8400-e29b-41d4-a716-446655440000", "call_status": "completed",
        "transcription_url": "bot: Hello John\nuser: Yes, go ahead.",
        "custom_args_values": {"ringg_client_ref": "rr-1"}
    }}"#;
    let details = crate::decode::<CallDetailsResponse>(body).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        details.data.custom_args_values.as_ref().unwrap()["ringg_client_ref"],
        "rr-1"
    );
}

/// §2.3.4: `platform_analysis`'s shape is undocumented for this endpoint and the live endpoint
/// JSON-encodes its structured fields ([mcp] 3P-OBS for `transcription_url`); §3.7 DOC: analysis
/// "structure varies". `client_analysis` already accepts an object JSON-encoded in a string;
/// `platform_analysis` must too.
#[test]
fn call_details_with_platform_analysis_as_a_json_string_decodes() {
    let body = br#"{"status": "success", "data": {
        "id": "550e8400-e29b-41d4-a716-446655440000", "call_status": "completed",
        "platform_analysis": "{\"summary\": \"Agreed to pay\", \"sentiment\": \"positive\"}",
        "client_analysis": "{\"intent\": \"renewal\"}"
    }}"#;
    let details = crate::decode::<CallDetailsResponse>(body).unwrap_or_else(|e| panic!("{e}"));
    let analysis = details.data.platform_analysis.as_ref().unwrap();
    assert_eq!(analysis.summary.as_deref(), Some("Agreed to pay"));
}

/// §1.10 DOC: Ringg writes the same number as an int or a float (`3025` vs `3025.0`); the
/// lenient `count` already reads `limit`, `offset` and `count` as `1.0`, `Total` does not.
#[test]
fn history_page_with_a_float_total_decodes() {
    let body = br#"{"calls": [{"id": "c-1", "status": "completed"}],
        "limit": 10.0, "offset": 0.0, "count": 1.0, "total": 1.0}"#;
    let page = crate::decode::<CallHistoryResponse>(body).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.total.and_then(|t| t.count()), Some(1));
}

/// The same for `GET /campaign/all` `pagination.total` (used by `Campaigns::find_list`).
#[test]
fn campaign_page_with_a_float_total_decodes() {
    let body = br#"{"campaigns": [{"id": "123e4567-e89b-12d3-a456-426614174000",
        "campaign_status": "ongoing"}],
        "pagination": {"limit": 10, "offset": 0, "total": 1.0}}"#;
    let page = crate::decode::<CampaignListResponse>(body).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.campaigns.len(), 1);
}

/// A body without the list (another envelope, an error answered 200) fails naming it: read as
/// an empty page it would tell a search for a call "not placed", and a launch looking for its
/// list "not there".
#[test]
fn a_page_without_its_list_fails_naming_it() {
    for (body, field) in [
        (&br#"{"data": {"calls": []}, "total": 0}"#[..], "calls"),
        (br#"{"detail": "temporarily unavailable"}"#, "calls"),
    ] {
        let e = crate::decode::<CallHistoryResponse>(body).unwrap_err();
        assert!(e.to_string().contains(field), "{e}");
    }
    let e = crate::decode::<CampaignListResponse>(br#"{"pagination": {"total": 0}}"#).unwrap_err();
    assert!(e.to_string().contains("campaigns"), "{e}");
    // An empty list is an empty page.
    let page = crate::decode::<CallHistoryResponse>(br#"{"calls": [], "total": 0}"#).unwrap();
    assert!(page.calls.is_empty());
}

/// A string that looks like JSON but holds no transcript still fails, naming the field.
#[test]
fn a_transcript_string_that_is_broken_json_still_fails() {
    let body = br#"{"calls": [{"id": "c-1", "transcript": "[{"bot": 1}]"}]}"#;
    let e = crate::decode::<CallHistoryResponse>(body).unwrap_err();
    assert!(e.to_string().contains("calls[0].transcript"), "{e}");
}

/// A name, an inbound caller or a list id written as a JSON number (as `to_number` may be) is
/// read as its digits, not a failure of the whole page.
#[test]
fn numbers_where_history_shows_text_are_read_as_their_digits() {
    let body = json!({"calls": [
        {"id": "c1", "status": "completed", "name": 12345, "inbound_from": 919876543210_u64,
         "bulk_list_id": 123, "to_number": 918035735999_u64},
        {"id": "c2", "status": "completed", "name": "Asha", "bulk_list_id": ""}
    ], "total": 2})
    .to_string();
    let page: CallHistoryResponse = decode(body.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let (a, b) = (&page.calls[0], &page.calls[1]);
    assert_eq!(a.name.as_deref(), Some("12345"));
    assert_eq!(a.inbound_from.as_deref(), Some("919876543210"));
    assert_eq!(
        a.list_id().map(|l| l.as_str().to_owned()).as_deref(),
        Some("123")
    );
    assert_eq!(b.name.as_deref(), Some("Asha"));
    assert_eq!(b.list_id(), None);
}

/// Call details with `callee_name` written as a number (as history's `name` may be) read it as
/// its digits: `Calls::reconcile` reads the details of every history row it cannot match by
/// its variables, so one such call would stop the whole search.
#[test]
fn call_details_with_a_numeric_callee_name_decode() {
    let body = br#"{"status": "success", "data": {
        "id": "550e8400-e29b-41d4-a716-446655440000", "call_status": "completed",
        "callee_name": 4711
    }}"#;
    let details = crate::decode::<CallDetailsResponse>(body).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(details.data.callee_name.as_deref(), Some("4711"));
}
