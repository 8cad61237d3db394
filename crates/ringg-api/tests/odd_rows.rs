//! List pages whose rows hold values in other JSON forms than the documented ones (counts as
//! strings, `""` for absent values, booleans as words, one number where a list was expected,
//! an object JSON-encoded in a string, Unix times, phone numbers as JSON numbers, one tag
//! where a list was expected), over real HTTP on 127.0.0.1: every row is read, and the
//! streams over the lists do not stop at them.

mod common;

use futures::TryStreamExt;
use ringg_api::Client;
use ringg_api::types::calls::CallHistoryQuery;
use ringg_api::types::campaigns::ListCampaignsQuery;
use serde_json::{Value, json};

async fn client(body: Value) -> Client {
    common::client_answering(body.to_string()).await
}

#[tokio::test]
async fn a_history_page_with_odd_rows_is_read_whole() {
    let page = json!({
        "calls": [
            {"id": "c1", "status": "retry", "call_duration": "", "call_cost": "",
             "credits_processed": "true", "voicemail_detected": 0, "is_callback": "",
             "from_numbers": "+918035736726", "custom_args_values": "{\"company\":\"Acme\"}",
             "next_attempt_time": "", "bulk_list_id": "", "created_at": 1_733_392_800_000_u64,
             "to_number": 919_876_543_210_u64},
            {"id": "c2", "status": "completed", "call_duration": "31.5", "call_cost": 0.15,
             "credits_processed": false, "from_numbers": ["+918035736726", null],
             "custom_args_values": ""}
        ],
        "limit": "100", "offset": "0", "count": "2", "total": "2"
    });
    let client = client(page).await;
    let rows: Vec<_> = client
        .calls()
        .history_stream(CallHistoryQuery::default())
        .try_collect()
        .await
        .expect("every row is read");
    assert_eq!(rows.len(), 2);
    let (a, b) = (&rows[0], &rows[1]);
    assert!(a.call_duration.is_null() && a.call_cost.is_null());
    assert_eq!(a.credits_processed, Some(true));
    assert_eq!(a.voicemail_detected, Some(false));
    assert_eq!(a.is_callback, None);
    assert_eq!(
        a.from_numbers.as_ref().unwrap(),
        &vec!["+918035736726".to_owned()]
    );
    assert_eq!(a.custom_args_values.as_ref().unwrap()["company"], "Acme");
    assert!(a.next_attempt_time.is_null());
    let created = a.created_at.as_ref().unwrap().to_utc().to_rfc3339();
    assert_eq!(created, "2024-12-05T10:00:00+00:00");
    assert_eq!(a.to_number.as_ref().unwrap(), "919876543210");
    assert_eq!(b.call_duration.as_ref().unwrap().as_f64(), 31.5);
    assert_eq!(b.from_numbers.as_ref().unwrap().len(), 1);
    assert!(b.custom_args_values.is_null());
}

#[tokio::test]
async fn campaign_assistant_and_number_lists_with_odd_rows_are_read_whole() {
    let campaigns = client(json!({
        "campaigns": [{"id": "k1", "name": "Renewals", "campaign_status": "insufficient_balance",
            "total_count": "6200", "completed_count": "0", "registered_count": 0.0,
            "total_contacts": "", "additional_balance_required": ""}],
        "pagination": {"limit": "10", "offset": "0", "total": "1"}
    }))
    .await;
    let rows: Vec<_> = campaigns
        .campaigns()
        .stream(ListCampaignsQuery::default())
        .try_collect()
        .await
        .expect("the campaign row is read");
    assert_eq!(rows[0].total_count, Some(6200));
    assert_eq!(rows[0].registered_count, Some(0));
    assert_eq!(rows[0].total_contacts, None);
    assert!(rows[0].additional_balance_required.is_null());

    let assistants = client(json!({"agents": [
        {"id": "a1", "agent_display_name": "Sales", "call_count": "42", "is_archived": "false",
         "custom_variables": "", "tools": ""}
    ]}))
    .await;
    let rows: Vec<_> = assistants
        .assistants()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        (rows[0].call_count, rows[0].is_archived),
        (Some(42), Some(false))
    );

    let numbers = client(json!({"workspace_numbers": [
        {"id": "n1", "number": 918_035_736_726_u64, "call_count": "12", "is_spam": "no",
         "is_inbound_enabled": 1, "isExpired": "", "tags": "vip", "created_at": 1_733_392_800}
    ]}))
    .await;
    let rows: Vec<_> = numbers.numbers().stream().try_collect().await.unwrap();
    let n = &rows[0];
    assert_eq!(n.call_count, Some(12));
    assert_eq!(n.number.as_deref(), Some("918035736726"));
    assert_eq!(n.tags, Some(vec![json!("vip")]));
    assert!(n.created_at.is_some());
    assert_eq!(
        (n.is_spam, n.is_inbound_enabled, n.is_expired),
        (Some(false), Some(true), None)
    );
}

#[tokio::test]
async fn a_value_that_is_no_count_still_fails_and_names_its_field() {
    let client =
        client(json!({"calls": [{"id": "c1", "call_cost": "", "is_callback": "perhaps"}]})).await;
    let err = client
        .calls()
        .history(&CallHistoryQuery::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ringg_api::ErrorKind::Decode, "{err}");
    assert_eq!(err.field_path(), Some("calls[0].is_callback"), "{err}");
    assert!(err.to_string().contains("perhaps"), "{err}");
}

#[tokio::test]
async fn reconcile_finds_a_call_whose_row_writes_the_number_another_way() {
    use ringg_api::calls::{CLIENT_REFERENCE_KEY, ReconcileQuery};
    // Rows that do not echo their variables are opened when their number may be the one
    // searched for; the same body answers the history page and the call details.
    for to_number in [
        json!(919_876_543_210_u64),
        json!("09876543210"),
        json!(null),
    ] {
        let client = client(json!({
            "calls": [{"id": "c1", "to_number": to_number}],
            "data": {"id": "c1", "custom_args_values": {CLIENT_REFERENCE_KEY: "rr-mine"}}
        }))
        .await;
        let q = ReconcileQuery::new("rr-mine").to_number("+919876543210");
        let found = client.calls().reconcile(q).await.unwrap();
        assert_eq!(
            found.map(|r| r.id.to_string()),
            Some("c1".into()),
            "{to_number}"
        );
    }
}

/// A voice whose `languages` is one string (one code, or codes separated by commas) is read
/// with those languages, and a workspace whose `created_at` is written day first, as Ringg
/// writes a campaign's times, is read: neither answer fails over one field.
#[tokio::test]
async fn voice_languages_in_a_string_and_a_day_first_time_are_read() {
    use ringg_api::types::assistants::VoicesQuery;
    use ringg_api::types::enums::Language;
    let client = client(json!({
        "voices": [
            {"id": "v1", "name": "Asha", "languages": "hi-IN"},
            {"id": "v2", "name": "Ravi", "languages": "en-IN, hi-IN"},
            {"id": "v3", "name": "Meera", "languages": ""},
            {"id": "v4", "name": "Zed", "languages": ["ta-IN"]}
        ]
    }))
    .await;
    let voices = client
        .assistants()
        .voices(&VoicesQuery::default())
        .await
        .expect("every voice is read");
    let langs: Vec<_> = voices.voices.iter().map(|v| v.languages.clone()).collect();
    assert_eq!(
        langs,
        [
            Some(vec![Language::HiIn]),
            Some(vec![Language::EnIn, Language::HiIn]),
            None,
            Some(vec![Language::TaIn]),
        ]
    );
    assert!(voices.voices[1].speaks(&Language::HiIn));

    let client = common::client_answering(
        json!({"workspace_info": {"id": "w1", "name": "Acme", "created_at": "16/12/2024, 13:03",
            "credits": 10, "locked_credits": 0}})
        .to_string(),
    )
    .await;
    let info = client
        .workspace()
        .info()
        .await
        .expect("the workspace is read");
    let created = info.workspace_info.created_at.expect("its time");
    assert_eq!(created.to_utc().to_rfc3339(), "2024-12-16T13:03:00+00:00");
}
