//! Call details whose analysis holds values of the types ringg-api.md §3.7 warns about
//! (numbers for text, text for booleans, nulls inside lists), over real HTTP on 127.0.0.1:
//! the call is read, and the odd values are kept.

mod common;

use ringg_api::Client;
use ringg_api::types::CallId;
use serde_json::{Value, json};

fn analysis() -> Value {
    json!({
        "summary": "Agreed to pay on Friday", "sentiment": 0.35, "classification": 3,
        "key_points": ["pays Friday", null], "callback_requested": "perhaps",
        "callback_requested_time": 1_734_000_000, "call_disconnect_reason": false
    })
}

async fn client() -> Client {
    let body = json!({"status": "success", "data": {
        "id": "call-odd", "call_status": "completed", "call_duration": "31.5",
        "transcription_url": [{"bot": "Hello"}, {"user": "Friday"}],
        "platform_analysis": analysis(),
        "client_analysis": {"intent": 7}
    }});
    common::client_answering(body.to_string()).await
}

#[tokio::test]
async fn call_details_with_odd_analysis_values_are_read_and_kept() {
    let client = client().await;
    let details = client
        .calls()
        .details(&CallId::new("call-odd"), true)
        .await
        .expect("the call is read whatever the analysis holds");
    assert_eq!(details.transcript().unwrap().turns().len(), 2);
    let platform = details.platform_analysis.as_ref().unwrap();
    assert_eq!(platform.summary.as_deref(), Some("Agreed to pay on Friday"));
    assert!(platform.callback_requested.is_value());
    // The rest is kept as it came.
    let expected = analysis();
    for key in [
        "sentiment",
        "classification",
        "key_points",
        "callback_requested_time",
        "call_disconnect_reason",
    ] {
        assert_eq!(platform.extra.get(key), expected.get(key), "{key}");
    }
    assert_eq!(serde_json::to_value(platform).unwrap(), expected);
}

#[tokio::test]
async fn events_rebuilt_from_such_a_call_carry_its_analysis() {
    let client = client().await;
    let events = client
        .calls()
        .rebuild_events(&CallId::new("call-odd"))
        .await
        .expect("the events are rebuilt whatever the analysis holds");
    let all = events
        .iter()
        .find(|e| e.event_type == "all_processing_completed")
        .expect("an all_processing_completed event");
    assert_eq!(all.body["platform_analysis"], analysis());
    // And the receiver's model reads it as a typed event, not a partial one.
    let event =
        ringg_api::types::webhook::WebhookEvent::from_slice(all.body.to_string().as_bytes())
            .expect("a typed event");
    assert_eq!(event.event_type().as_str(), "all_processing_completed");
}
