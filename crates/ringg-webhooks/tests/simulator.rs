//! The receiver against the simulator's real webhook deliveries, all on 127.0.0.1.
//!
//! The assistant is subscribed with a plain `PATCH /agent/v1` (`edit_event_subscriptions`)
//! sent by a minimal hyper client, then a call is placed on a fast simulated clock.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{Recorder, TestServer, describe};
use http::StatusCode;
use ringg_sim::{CallOutcome, DeliveryRecord, OutcomeWeights, RunningSimulator, Simulator, demo};
use ringg_webhooks::{WebhookEvent, WebhookReceiver};
use serde_json::{Value, json};

const SECRET: &str = "sim-webhook-secret";
const ALL_EVENTS: [&str; 8] = [
    "call_started",
    "call_ringing",
    "call_ongoing",
    "call_completed",
    "recording_completed",
    "platform_analysis_completed",
    "client_analysis_completed",
    "all_processing_completed",
];
const WAIT: Duration = Duration::from_secs(20);

/// One JSON request to the simulator's API.
async fn api(sim: &RunningSimulator, method: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let url = format!("{}{path}", sim.base_url());
    common::json_request(url, sim.api_key(), method, body).await
}

async fn edit_agent(sim: &RunningSimulator, body: Value) {
    let (status, json) = api(sim, "PATCH", "/agent/v1", body).await;
    assert_eq!(status, StatusCode::OK, "{json}");
}

/// Subscribes the demo assistant: `subscriptions` is a list of (event types, method, header
/// value) sent to `url`.
async fn subscribe(sim: &RunningSimulator, url: &str, subscriptions: &[(&[&str], &str, &str)]) {
    let subs: Vec<Value> = subscriptions
        .iter()
        .map(|(events, method, auth)| {
            json!({
                "event_type": events,
                "callback_url": url,
                "headers": {"Authorization": auth, "Content-Type": "application/json"},
                "method_type": method,
            })
        })
        .collect();
    edit_agent(
        sim,
        json!({
            "operation": "edit_event_subscriptions",
            "agent_id": demo::AGENT_ID,
            "event_subscriptions": subs,
        }),
    )
    .await;
}

async fn place_call(sim: &RunningSimulator, to: &str, extra: Value) -> String {
    let mut body = json!({
        "name": "Asha Rao",
        "mobile_number": to,
        "agent_id": demo::AGENT_ID,
        "number_pool_id": demo::NUMBER_POOL_ID,
        "custom_args_values": {"company_name": "Acme"},
    });
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    let (status, json) = api(sim, "POST", "/calling/v2/outbound/individual", body).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    json["data"]["call_id"].as_str().unwrap().to_owned()
}

fn receiver(rec: std::sync::Arc<Recorder>) -> WebhookReceiver {
    WebhookReceiver::builder()
        .secret(SECRET)
        .shared_handler(rec)
        .build()
        .unwrap()
}

/// Waits until the simulator has recorded `n` delivery attempts.
async fn deliveries(sim: &RunningSimulator, n: usize) -> Vec<DeliveryRecord> {
    let h = sim.handle();
    tokio::time::timeout(WAIT, async {
        loop {
            let d = h.webhook_deliveries();
            if d.len() >= n {
                return d;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("expected {n} deliveries, got {:?}", h.webhook_deliveries()))
}

fn bearer() -> String {
    format!("Bearer {SECRET}")
}

#[tokio::test]
async fn every_event_type_of_a_call_is_handed_over_once() {
    let sim = Simulator::builder()
        .time_scale(0.001)
        // Generous delivery timeout: a slow CI machine must not turn into retries.
        .webhook_timeout_floor(Duration::from_secs(10))
        .seed(11)
        .outcome_weights(OutcomeWeights::always(CallOutcome::Answered))
        .start()
        .await
        .unwrap();
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    // client_analysis_completed needs a custom analysis prompt.
    edit_agent(
        &sim,
        json!({
            "operation": "edit_custom_analysis_prompt",
            "agent_id": demo::AGENT_ID,
            "custom_analysis_prompt": {
                "prompt": "Extract the caller's intent",
                "keys": {"intent": "string", "amount": "number"}
            }
        }),
    )
    .await;
    let auth = bearer();
    subscribe(
        &sim,
        &server.url("/webhooks/ringg"),
        &[
            (&ALL_EVENTS[..4], "POST", &auth),
            (&ALL_EVENTS[4..], "PUT", &auth),
        ],
    )
    .await;
    let call_id = place_call(&sim, "+919876543210", json!({})).await;

    assert!(rec.wait_for(8, WAIT).await, "got {:?}", rec.described());
    let delivered = deliveries(&sim, 8).await;
    // Give a stray repeat the chance to show up before counting.
    tokio::time::sleep(Duration::from_millis(100)).await;

    let mut counts = BTreeMap::new();
    for (event_type, id) in rec.described() {
        assert_eq!(id.as_deref(), Some(call_id.as_str()));
        *counts.entry(event_type).or_insert(0) += 1;
    }
    let expected: BTreeMap<String, i32> = ALL_EVENTS.iter().map(|e| (e.to_string(), 1)).collect();
    assert_eq!(counts, expected);
    assert!(
        delivered.iter().all(|d| d.succeeded() && d.attempt == 1),
        "{delivered:?}"
    );
    assert_eq!(sim.handle().webhook_deliveries().len(), 8);

    for event in rec.events() {
        match &event {
            WebhookEvent::CallCompleted(call) => {
                assert_eq!(call.status.as_ref().map(|s| s.as_str()), Some("completed"));
                assert_eq!(call.retry_count, Some(0));
            }
            WebhookEvent::ClientAnalysisCompleted(client) => {
                let data = client.analysis_data.as_ref().expect("analysis_data");
                assert!(data.contains_key("intent"), "{data:?}");
            }
            WebhookEvent::Unknown(unknown) => panic!("unexpected unknown event {unknown:?}"),
            _ => {}
        }
    }
    server.stop().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_receiver_failing_twice_gets_the_event_on_the_third_delivery_once() {
    let sim = Simulator::builder()
        .time_scale(0.001)
        // Generous delivery timeout: a slow CI machine must not turn into retries.
        .webhook_timeout_floor(Duration::from_secs(10))
        .seed(12)
        .outcome_weights(OutcomeWeights::always(CallOutcome::Answered))
        .start()
        .await
        .unwrap();
    let rec = Recorder::failing_first(2);
    let server = TestServer::start(receiver(rec.clone())).await;
    subscribe(
        &sim,
        &server.url("/"),
        &[(&["all_processing_completed"], "POST", &bearer())],
    )
    .await;
    let call_id = place_call(&sim, "+919876500001", json!({})).await;

    assert!(rec.wait_for(1, WAIT).await, "nothing handed over");
    let delivered = deliveries(&sim, 3).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let attempts: Vec<(u32, Option<u16>)> = sim
        .handle()
        .webhook_deliveries()
        .iter()
        .map(|d| (d.attempt, d.status))
        .collect();
    assert_eq!(
        attempts,
        vec![(1, Some(500)), (2, Some(500)), (3, Some(200))],
        "{delivered:?}"
    );
    assert_eq!(rec.calls(), 3);
    assert_eq!(
        rec.described(),
        vec![("all_processing_completed".to_owned(), Some(call_id))]
    );
    server.stop().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn deliveries_with_a_wrong_secret_are_refused_on_every_attempt() {
    let sim = Simulator::builder()
        .time_scale(0.001)
        // Generous delivery timeout: a slow CI machine must not turn into retries.
        .webhook_timeout_floor(Duration::from_secs(10))
        .seed(13)
        .outcome_weights(OutcomeWeights::always(CallOutcome::Answered))
        .start()
        .await
        .unwrap();
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    subscribe(
        &sim,
        &server.url("/"),
        &[(&["call_started"], "POST", "Bearer not-the-secret")],
    )
    .await;
    place_call(&sim, "+919876500002", json!({})).await;

    let delivered = deliveries(&sim, 4).await;
    assert!(
        delivered.iter().all(|d| d.status == Some(401)),
        "{delivered:?}"
    );
    assert_eq!(
        delivered.iter().map(|d| d.attempt).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert_eq!(rec.calls(), 0);
    server.stop().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_retried_call_hands_over_one_call_completed_per_attempt() {
    let sim = Simulator::builder()
        .time_scale(0.001)
        // Generous delivery timeout: a slow CI machine must not turn into retries.
        .webhook_timeout_floor(Duration::from_secs(10))
        .seed(14)
        .start()
        .await
        .unwrap();
    let to = "+919876500003";
    sim.handle()
        .script_outcomes(to, [CallOutcome::Busy, CallOutcome::Answered]);
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    let all: Vec<&str> = ALL_EVENTS.to_vec();
    subscribe(&sim, &server.url("/"), &[(&all, "POST", &bearer())]).await;
    let retry = json!({"call_config": {"call_retry_config": {"retry_count": 1, "retry_busy": 1}}});
    let call_id = place_call(&sim, to, retry).await;

    // Attempt 1: call_started, call_ringing, call_completed (retry). Attempt 2: its own
    // call_started and call_ringing (told apart by their retry_count), then call_ongoing,
    // call_completed (completed), recording, platform analysis, all processing.
    let delivered = deliveries(&sim, 10).await;
    assert!(rec.wait_for(10, WAIT).await, "got {:?}", rec.described());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        delivered.iter().all(DeliveryRecord::succeeded),
        "{delivered:?}"
    );

    let completed: Vec<(Option<u32>, Option<String>)> = rec
        .events()
        .iter()
        .filter_map(|e| match e {
            WebhookEvent::CallCompleted(c) => Some((
                c.retry_count,
                c.status.as_ref().map(|s| s.as_str().to_owned()),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        completed,
        vec![
            (Some(0), Some("retry".to_owned())),
            (Some(1), Some("completed".to_owned()))
        ]
    );
    let types: Vec<String> = rec.events().iter().map(|e| describe(e).0).collect();
    let started: Vec<Option<u32>> = rec
        .events()
        .iter()
        .filter(|e| e.event_type().as_str() == "call_started")
        .map(WebhookEvent::retry_count)
        .collect();
    assert_eq!(started, [Some(0), Some(1)], "{types:?}");
    assert_eq!(types.len(), 10, "{types:?}");
    assert!(
        rec.described()
            .iter()
            .all(|(_, id)| id.as_deref() == Some(call_id.as_str()))
    );
    server.stop().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_calls_callback_deliveries_are_handed_over_once_per_status() {
    let sim = Simulator::builder()
        .time_scale(0.001)
        .webhook_timeout_floor(Duration::from_secs(10))
        .seed(12)
        .outcome_weights(OutcomeWeights::always(CallOutcome::Answered))
        .start()
        .await
        .unwrap();
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    // Only the header the caller sets: no Content-Type, as Ringg sends it.
    let call_id = place_call(
        &sim,
        "+919876543219",
        json!({
            "callback_url": server.url("/callbacks"),
            "callback_args": {"headers": {"Authorization": bearer()}},
        }),
    )
    .await;
    assert!(rec.wait_for(3, WAIT).await, "got {:?}", rec.described());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let events = rec.events();
    let statuses: Vec<&str> = events
        .iter()
        .map(|e| {
            assert!(matches!(e, WebhookEvent::Callback(_)), "{e:?}");
            assert!(!e.is_partial(), "{e:?}");
            assert_eq!(e.call_id().map(|c| c.as_str()), Some(call_id.as_str()));
            e.status().map(|s| s.as_str()).unwrap_or("?")
        })
        .collect();
    assert_eq!(
        statuses,
        ["registered", "ongoing", "completed"],
        "{events:?}"
    );
    let raw: Value = serde_json::from_str(&events[2].raw()).unwrap();
    assert!(raw["data"]["analysis"].is_object(), "{raw}");
    server.stop().await;
    sim.shutdown().await;
}
