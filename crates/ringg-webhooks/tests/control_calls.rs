//! Inbound and web calls placed through the simulator's control API (`POST /_sim/…`, with the
//! workspace key) reach a real receiver with the same webhooks as outbound calls, all on
//! 127.0.0.1.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use bytes::Bytes;
use common::{Recorder, TestServer};
use http::{Request, StatusCode};
use http_body_util::Full;
use ringg_sim::{RunningSimulator, Simulator, demo};
use ringg_webhooks::{WebhookEvent, WebhookReceiver};
use serde_json::{Value, json};

const SECRET: &str = "control-webhook-secret";
const WAIT: Duration = Duration::from_secs(30);
/// The events of an answered call of an assistant without a custom analysis prompt.
const EVENTS: [&str; 7] = [
    "call_started",
    "call_ringing",
    "call_ongoing",
    "call_completed",
    "recording_completed",
    "platform_analysis_completed",
    "all_processing_completed",
];

/// One JSON request to the simulator; `path` is absolute (`/_sim/…`) or under the API base.
async fn request(
    sim: &RunningSimulator,
    method: &str,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    let url = if path.starts_with("/_sim") {
        format!("http://{}{path}", sim.addr())
    } else {
        format!("{}{path}", sim.base_url())
    };
    common::json_request(url, sim.api_key(), method, body).await
}

async fn subscribe(sim: &RunningSimulator, agent_id: &str, url: &str) {
    let (status, body) = request(
        sim,
        "PATCH",
        "/agent/v1",
        json!({
            "operation": "edit_event_subscriptions",
            "agent_id": agent_id,
            "event_subscriptions": [{
                "event_type": EVENTS,
                "callback_url": url,
                "headers": {"Authorization": format!("Bearer {SECRET}")},
                "method_type": "POST",
            }],
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn start() -> (RunningSimulator, std::sync::Arc<Recorder>, TestServer) {
    let sim = Simulator::builder()
        .time_scale(0.001)
        .webhook_timeout_floor(Duration::from_secs(10))
        .seed(19)
        .start()
        .await
        .unwrap();
    let rec = Recorder::new();
    let receiver = WebhookReceiver::builder()
        .secret(SECRET)
        .shared_handler(rec.clone())
        .build()
        .unwrap();
    let server = TestServer::start(receiver).await;
    (sim, rec, server)
}

/// Waits until the receiver has every event of an answered call, checks they all are
/// `call_id`'s, and returns its `call_completed` payload.
async fn every_event_of(rec: &Recorder, call_id: &str) -> Value {
    assert!(
        rec.wait_for(EVENTS.len(), WAIT).await,
        "{:?}",
        rec.described()
    );
    let mut types = BTreeSet::new();
    let mut completed = Value::Null;
    for event in rec.events() {
        if event.call_id().map(|c| c.as_str()) != Some(call_id) {
            continue;
        }
        types.insert(event.event_type().to_string());
        if let WebhookEvent::CallCompleted(_) = &event {
            completed = serde_json::from_str(&event.raw()).unwrap();
        }
    }
    assert_eq!(types, EVENTS.iter().map(|e| e.to_string()).collect());
    completed
}

#[tokio::test]
async fn an_inbound_call_reaches_the_receiver_with_every_event() {
    let (sim, rec, server) = start().await;
    // NUMBER_2 is attached to the inbound assistant of the demo workspace.
    subscribe(&sim, demo::INBOUND_AGENT_ID, &server.url("/hooks")).await;
    let (status, placed) = request(
        &sim,
        "POST",
        "/_sim/inbound-calls",
        json!({"to_number": demo::NUMBER_2, "from_number": "+919812345678", "name": "Meera",
               "custom_args_values": {"order_id": "ORD-7"}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{placed}");
    assert_eq!(placed["data"]["call_direction"], "inbound");
    let call_id = placed["data"]["call_id"].as_str().unwrap().to_owned();

    let completed = every_event_of(&rec, &call_id).await;
    assert_eq!(completed["call_type"], "inbound");
    assert_eq!(completed["status"], "completed");
    assert_eq!(completed["to_number"], demo::NUMBER_2);
    assert_eq!(completed["from_number"], "+919812345678");
    assert_eq!(completed["agent_id"], demo::INBOUND_AGENT_ID);
    assert_eq!(completed["custom_args_values"]["order_id"], "ORD-7");

    let (_, history) = request(&sim, "GET", "/calling/history?limit=10", Value::Null).await;
    let row = &history["calls"][0];
    assert_eq!(row["id"], call_id.as_str());
    assert_eq!(row["call_type"], "inbound");
    assert_eq!(row["inbound_from"], "+919812345678");
    assert_eq!(row["to_number"], demo::NUMBER_2);

    // A number no inbound assistant answers is refused, and says what to do.
    let (status, body) = request(
        &sim,
        "POST",
        "/_sim/inbound-calls",
        json!({"to_number": demo::NUMBER, "from_number": "+919812345678"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("attach_inbound_number"),
        "{body}"
    );
    server.stop().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_transferred_web_call_reaches_the_receiver_with_every_event() {
    let (sim, rec, server) = start().await;
    subscribe(&sim, demo::AGENT_ID, &server.url("/hooks")).await;
    let (status, placed) = request(
        &sim,
        "POST",
        "/_sim/web-calls",
        json!({"agent_id": demo::AGENT_ID, "name": "Visitor", "outcome": "forwarded"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{placed}");
    let call_id = placed["data"]["call_id"].as_str().unwrap().to_owned();

    let completed = every_event_of(&rec, &call_id).await;
    assert_eq!(completed["call_type"], "webcall");
    assert_eq!(completed["status"], "forwarded");
    assert!(completed["to_number"].is_null(), "{completed}");

    let (_, details) = request(
        &sim,
        "GET",
        &format!("/calling/call-details?id={call_id}&send_analysis=true"),
        Value::Null,
    )
    .await;
    assert_eq!(details["data"]["call_status"], "forwarded");
    assert_eq!(details["data"]["call_direction"], "webcall");
    assert_eq!(
        details["data"]["platform_analysis"]["call_disconnect_reason"],
        "call_transferred"
    );

    // Without the workspace key the control API answers 401 like the rest.
    let req = Request::builder()
        .method("POST")
        .uri(format!("http://{}/_sim/web-calls", sim.addr()))
        .body(Full::new(Bytes::from(
            json!({"agent_id": demo::AGENT_ID}).to_string(),
        )))
        .unwrap();
    let resp = common::client().request(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
    sim.shutdown().await;
}
