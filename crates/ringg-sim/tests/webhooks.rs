//! Webhook deliveries to local hyper receivers.

mod common;

use common::capture::Receiver;
use common::{Api, start, wait_for};
use ringg_sim::{CallOutcome, OutcomeWeights, Simulator, demo};
use serde_json::{Value, json};

async fn subscribe(api: &Api, subs: Value) {
    let r = api
        .patch("/agent/v1", json!({"operation": "edit_event_subscriptions", "agent_id": demo::AGENT_ID, "event_subscriptions": subs}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn every_event_is_delivered_with_method_and_headers() {
    let rx = Receiver::default();
    let addr = rx.clone().start().await;
    let (sim, api) = start(
        Simulator::builder()
            .time_scale(0.0001)
            .seed(11)
            .outcome_weights(OutcomeWeights::always(CallOutcome::Answered)),
    )
    .await;
    subscribe(
        &api,
        json!([
            {"event_type": ["call_started", "call_ringing", "call_ongoing", "call_completed", "recording_completed",
                            "platform_analysis_completed", "client_analysis_completed"],
             "callback_url": format!("http://{addr}/events"), "method_type": "PUT",
             "headers": {"Authorization": "Bearer hook-token"}},
            {"event_type": "all_processing_completed", "callback_url": format!("http://{addr}/final"), "method_type": "POST"}
        ]),
    )
    .await;
    let r = api
        .patch("/agent/v1", json!({"operation": "edit_custom_analysis_prompt", "agent_id": demo::AGENT_ID,
            "custom_analysis_prompt": {"prompt": "Extract intent", "keys": {"intent": "string", "amount": "integer"}, "defaults": {"intent": "renewal"}}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let call = api
        .post(
            "/calling/v2/outbound/individual",
            json!({
                "name": "John", "mobile_number": "+919875436897", "agent_id": demo::AGENT_ID,
                "from_number_id": demo::NUMBER_ID, "custom_args_values": {"order_value": "70000"},
                "callback_url": format!("http://{addr}/percall"),
                "callback_args": {"headers": {"X-Call": "yes"}, "params": {"src": "sdk"}},
            }),
        )
        .await;
    assert_eq!(call.status, 200, "{}", call.body);
    let id = call.body["data"]["call_id"].as_str().unwrap().to_owned();
    wait_for(10, || {
        (rx.events("/final").len() == 1 && rx.events("/percall").len() == 3).then_some(())
    })
    .await;

    let events = rx.events("/events");
    // Delivery order is not guaranteed (each delivery is its own task), so compare as a set.
    let mut types: Vec<&str> = events
        .iter()
        .map(|g| g.body["event_type"].as_str().unwrap())
        .collect();
    types.sort_unstable();
    let mut expected = [
        "call_started",
        "call_ringing",
        "call_ongoing",
        "call_completed",
        "recording_completed",
        "platform_analysis_completed",
        "client_analysis_completed",
    ];
    expected.sort_unstable();
    assert_eq!(types, expected);
    for g in &events {
        assert_eq!(g.method, "PUT");
        assert_eq!(g.headers["authorization"], "Bearer hook-token");
        assert_eq!(g.body["call_id"], id.as_str());
        assert_eq!(g.body["workspace_id"], demo::WORKSPACE_ID);
        assert_eq!(g.body["custom_args_values"]["order_value"], "70000");
    }
    let by_type = |t: &str| {
        events
            .iter()
            .find(|g| g.body["event_type"] == t)
            .map(|g| g.body.clone())
            .unwrap()
    };
    assert_eq!(by_type("call_started")["sub_status"], "ACCEPTED");
    let done = by_type("call_completed");
    assert_eq!(done["status"], "completed");
    assert_eq!(done["retry_count"], 0);
    assert!(done["transcript"].is_array());
    assert!(done["bulk_list_id"].is_null());
    assert!(
        by_type("recording_completed")["recording_url"]
            .as_str()
            .unwrap()
            .ends_with(".mp3")
    );
    assert!(by_type("platform_analysis_completed")["analysis_data"]["classification"].is_string());
    assert_eq!(
        by_type("client_analysis_completed")["analysis_data"]["intent"],
        "renewal"
    );
    let fin = &rx.events("/final")[0];
    assert_eq!(fin.method, "POST");
    assert_eq!(fin.body["event_type"], "all_processing_completed");
    assert!(fin.body["platform_analysis"]["summary"].is_string());
    assert_eq!(fin.body["client_analysis"]["intent"], "renewal");
    let per_call = rx.events("/percall");
    assert!(
        per_call
            .iter()
            .all(|g| g.headers["x-call"] == "yes" && g.path.contains("src=sdk"))
    );
    // The per-call callback gets the §3.6 envelope per status change, not the events.
    let mut statuses: Vec<&str> = per_call
        .iter()
        .map(|g| g.body["data"]["status"].as_str().unwrap())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, ["completed", "ongoing", "registered"]);
    assert!(per_call.iter().all(|g| g.body.get("event_type").is_none()));
    let h = sim.handle();
    let stats = wait_for(5, || Some(h.stats()).filter(|s| s.webhook_delivered == 11)).await;
    assert_eq!(stats.webhook_dropped, 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn failing_receiver_gets_retries_and_later_events_still_flow() {
    let rx = Receiver::default();
    rx.failures.lock().unwrap().insert("/flaky".into(), 2);
    rx.failures.lock().unwrap().insert("/down".into(), 100);
    let addr = rx.clone().start().await;
    let (sim, api) = start(
        Simulator::builder()
            .time_scale(0.0005)
            .seed(12)
            .outcome_weights(OutcomeWeights::always(CallOutcome::NotPicked)),
    )
    .await;
    subscribe(
        &api,
        json!([
            {"event_type": "call_completed", "callback_url": format!("http://{addr}/flaky"), "method_type": "POST"},
            {"event_type": "call_started", "callback_url": format!("http://{addr}/down"), "method_type": "POST"}
        ]),
    )
    .await;
    let call = api
        .post("/calling/outbound/individual", json!({
            "name": "R", "mobile_number": "+919800000077", "agent_id": demo::AGENT_ID, "from_number": demo::NUMBER,
            "call_config": {"call_retry_config": {"retry_count": 1, "retry_not_picked": 10}},
        }))
        .await;
    let id = call.body["data"]["call_id"].as_str().unwrap().to_owned();
    let h = sim.handle();
    // Two call_completed events (retry, then failed); the first needs three attempts.
    wait_for(15, || {
        let ok = h
            .webhook_deliveries()
            .iter()
            .filter(|d| d.url.ends_with("/flaky") && d.succeeded())
            .count();
        let dropped = h.stats().webhook_dropped;
        (ok == 2 && dropped == 2).then_some(())
    })
    .await;
    let flaky: Vec<_> = h
        .webhook_deliveries()
        .into_iter()
        .filter(|d| d.url.ends_with("/flaky"))
        .collect();
    let attempts: Vec<(u32, Option<u16>)> = flaky.iter().map(|d| (d.attempt, d.status)).collect();
    assert_eq!(
        &attempts[..3],
        &[(1, Some(500)), (2, Some(500)), (3, Some(200))]
    );
    let statuses: Vec<String> = rx
        .events("/flaky")
        .iter()
        .map(|g| {
            format!(
                "{}:{}",
                g.body["status"].as_str().unwrap(),
                g.body["retry_count"]
            )
        })
        .collect();
    assert_eq!(statuses, ["retry:0", "retry:0", "retry:0", "failed:1"]);
    // /down never answers 200: four attempts per event, then dropped.
    let down = h
        .webhook_deliveries()
        .into_iter()
        .filter(|d| d.url.ends_with("/down"))
        .count();
    assert_eq!(down, 8);
    assert_eq!(h.call(&id).unwrap().status, "failed");
    sim.shutdown().await;
}
