//! What the simulator sends besides subscription events: the per-call `callback_url`
//! envelope (§3.6), the campaign `callback_url` (§2.5.3), `analysis_data` on
//! `all_processing_completed`, and which events an `"all"` subscription gets.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::capture::Receiver;
use common::{Api, start, start_time_ist, wait_for};
use ringg_sim::{CallOutcome, DeliveryKind, DeliveryRecord, OutcomeWeights, Simulator, demo};
use serde_json::{Value, json};

fn builder(scale: f64, outcome: CallOutcome) -> ringg_sim::SimulatorBuilder {
    Simulator::builder()
        .time_scale(scale)
        .seed(21)
        .webhook_timeout_floor(Duration::from_secs(5))
        .outcome_weights(OutcomeWeights::always(outcome))
}

async fn call(api: &Api, to: &str, extra: Value) -> String {
    let mut body = json!({
        "name": "Asha", "mobile_number": to, "agent_id": demo::AGENT_ID,
        "from_number_id": demo::NUMBER_ID, "custom_args_values": {"order_id": "ORD-7"},
    });
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    let r = api.post("/calling/v2/outbound/individual", body).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["data"]["call_id"].as_str().unwrap().to_owned()
}

fn of_kind(d: Vec<DeliveryRecord>, kind: DeliveryKind) -> Vec<DeliveryRecord> {
    d.into_iter().filter(|d| d.kind == kind).collect()
}

async fn subscribe(api: &Api, subs: Value) {
    let r = api
        .patch("/agent/v1", json!({"operation": "edit_event_subscriptions", "agent_id": demo::AGENT_ID, "event_subscriptions": subs}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn call_callback_gets_one_envelope_per_status_change_with_only_the_callers_headers() {
    let rx = Receiver::default();
    let addr = rx.clone().start().await;
    let (sim, api) = start(builder(0.0001, CallOutcome::Answered)).await;
    let id = call(
        &api,
        "+919800000101",
        json!({"callback_url": format!("http://{addr}/cb"),
               "callback_args": {"headers": {"X-Token": "t-1", "X-Tenant": "acme"}}}),
    )
    .await;
    let h = sim.handle();
    let got = wait_for(10, || {
        let g = rx.events("/cb");
        g.iter()
            .any(|g| g.body["data"]["status"] == "completed")
            .then_some(g)
    })
    .await;
    // Nothing else follows the completed envelope.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let got_after = rx.events("/cb");
    assert_eq!(got_after.len(), got.len());
    let mut statuses: Vec<&str> = got
        .iter()
        .map(|g| g.body["data"]["status"].as_str().unwrap())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, ["completed", "ongoing", "registered"]);
    for g in &got {
        assert_eq!(g.method, "POST");
        let names: BTreeSet<&str> = g
            .headers
            .keys()
            .map(|k| k.as_str())
            .filter(|k| *k != "host" && *k != "content-length")
            .collect();
        assert_eq!(
            names,
            BTreeSet::from(["x-tenant", "x-token"]),
            "{:?}",
            g.headers
        );
        assert!(g.headers.get("content-type").is_none());
        assert_eq!(g.headers["x-token"], "t-1");
        let b = &g.body;
        assert_eq!(b["status"], "success");
        assert_eq!(b["message"], "Call Details");
        assert!(b.get("event_type").is_none());
        let d = &b["data"];
        assert_eq!(d["call_id"], id.as_str());
        assert_eq!(d["call_direction"], "outbound");
        assert_eq!(d["agent_id"], demo::AGENT_ID);
        assert_eq!(d["retry"], 0);
        assert_eq!(d["to_number"], "+919800000101");
        assert_eq!(d["from_number"], demo::NUMBER);
        assert_eq!(d["custom_args_values"]["order_id"], "ORD-7");
        assert!(d["transcript"].is_string());
    }
    let by = |s: &str| {
        got.iter()
            .find(|g| g.body["data"]["status"] == s)
            .map(|g| g.body["data"].clone())
            .unwrap()
    };
    assert!(by("registered").get("analysis").is_none());
    assert!(by("ongoing").get("analysis").is_none());
    let done = by("completed");
    assert!(done["call_duration"].as_f64().unwrap() > 0.0);
    assert!(done["recording_url"].as_str().unwrap().ends_with(".mp3"));
    assert!(done["transcript"].as_str().unwrap().starts_with("bot: "));
    let details = h.call(&id).unwrap();
    assert_eq!(details.status, "completed");
    assert!(done["analysis"]["classification"].is_string());
    assert!(done["analysis"]["summary"].is_string());
    // The delivery records tell callback deliveries apart.
    let recs = of_kind(h.webhook_deliveries(), DeliveryKind::CallCallback);
    assert_eq!(recs.len(), 3);
    assert!(
        recs.iter()
            .all(|d| d.succeeded() && d.call_id.as_str() == id)
    );
    let kinds: BTreeSet<&str> = recs.iter().map(|d| d.event_type.as_str()).collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["completed", "ongoing", "registered"])
    );
    assert!(of_kind(h.webhook_deliveries(), DeliveryKind::Event).is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn failing_callback_endpoint_is_retried_on_schedule() {
    let rx = Receiver::default();
    rx.failures.lock().unwrap().insert("/down".into(), 1000);
    rx.failures.lock().unwrap().insert("/flaky".into(), 2);
    let addr = rx.clone().start().await;
    let scale = 0.001;
    let (sim, api) = start(builder(scale, CallOutcome::NotPicked)).await;
    // Not picked, no retries: registered → ongoing → failed, each envelope refused every time.
    let down = call(
        &api,
        "+919800000102",
        json!({"callback_url": format!("http://{addr}/down")}),
    )
    .await;
    // Scheduled a day ahead: only the registered envelope, refused twice, then taken.
    let later = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let flaky = call(
        &api,
        "+919800000103",
        json!({"callback_url": format!("http://{addr}/flaky"),
               "call_config": {"call_time": {"scheduled_at": later}}}),
    )
    .await;
    let h = sim.handle();
    let recs = wait_for(20, || {
        let r = of_kind(h.webhook_deliveries(), DeliveryKind::CallCallback);
        let down_n = r.iter().filter(|d| d.call_id.as_str() == down).count();
        let flaky_ok = r
            .iter()
            .any(|d| d.call_id.as_str() == flaky && d.succeeded());
        (down_n == 12 && flaky_ok).then_some(r)
    })
    .await;
    let schedule = [10.0, 60.0, 120.0];
    for status in ["registered", "ongoing", "failed"] {
        let attempts: Vec<&DeliveryRecord> = recs
            .iter()
            .filter(|d| d.call_id.as_str() == down && d.event_type == status)
            .collect();
        let numbers: Vec<u32> = attempts.iter().map(|d| d.attempt).collect();
        assert_eq!(numbers, [1, 2, 3, 4], "{status}");
        assert!(attempts.iter().all(|d| d.status == Some(500)));
        for (pair, wait) in attempts.windows(2).zip(schedule) {
            let gap = (pair[1].at - pair[0].at).num_microseconds().unwrap() as f64 / 1e6;
            let want = wait * scale;
            assert!(
                gap >= want && gap < want + 2.0,
                "{status}: attempt {} came {gap} s after the previous one, want {want} s",
                pair[1].attempt
            );
        }
    }
    let flaky_recs: Vec<(u32, Option<u16>)> = recs
        .iter()
        .filter(|d| d.call_id.as_str() == flaky)
        .map(|d| (d.attempt, d.status))
        .collect();
    assert_eq!(flaky_recs, [(1, Some(500)), (2, Some(500)), (3, Some(200))]);
    assert_eq!(rx.events("/flaky").len(), 3);
    assert_eq!(h.stats().webhook_dropped, 3);
    sim.shutdown().await;
}

#[tokio::test]
async fn campaign_callback_is_called_once_when_the_campaign_completes() {
    let rx = Receiver::default();
    let addr = rx.clone().start().await;
    let (sim, api) = start(builder(0.0001, CallOutcome::Answered)).await;
    let csv = "Mobile Number,Name\n+919876500011,Asha\n+919876500012,Ravi\n";
    let (start_t, end_t) = (start_time_ist(1), start_time_ist(600));
    let fields = [
        ("agent_id", demo::AGENT_ID),
        ("campaign_name", "Callback campaign"),
        ("variables_map", r#"{"callee_name":"Name"}"#),
        ("call_config", r#"{"max_call_length":300}"#),
        ("country_code", "+91"),
        ("campaign_start_time", start_t.as_str()),
        ("campaign_end_time", end_t.as_str()),
    ];
    let r = api
        .multipart(
            "POST",
            "/campaign/save",
            &fields,
            &[("file", "c.csv", csv.as_bytes())],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let list_id = r.body["list_id"].as_str().unwrap().to_owned();
    let r = api
        .post("/campaign/v2/start", json!({"agent_id": demo::AGENT_ID, "list_id": list_id,
            "number_pool_id": demo::NUMBER_POOL_ID, "callback_url": format!("http://{addr}/campaign?src=sim")}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let h = sim.handle();
    let got = wait_for(10, || {
        let g = rx.events("/campaign");
        (!g.is_empty()).then_some(g)
    })
    .await;
    let calls: Vec<_> = h
        .calls()
        .into_iter()
        .filter(|c| c.bulk_list_id.as_ref().map(|l| l.as_str()) == Some(list_id.as_str()))
        .collect();
    assert_eq!(calls.len(), 2);
    assert!(calls.iter().all(|c| c.status == "completed"));
    // Let the calls' processing finish: still one delivery, none per call or per event.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rx.events("/campaign").len(), 1);
    let b = &got[0].body;
    assert_eq!(got[0].method, "POST");
    assert!(got[0].path.contains("src=sim"));
    assert_eq!(b["event_type"], "campaign_completed");
    assert_eq!(b["list_id"], list_id.as_str());
    assert_eq!(b["status"], "completed");
    assert_eq!(b["total_calls"], 2);
    assert_eq!(b["completed_calls"], 2);
    let camps = api.get("/campaign/all").await;
    assert_eq!(camps.body["campaigns"][0]["campaign_status"], "completed");
    let recs = of_kind(h.webhook_deliveries(), DeliveryKind::CampaignCallback);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].list_id.as_deref(), Some(list_id.as_str()));
    assert_eq!(recs[0].event_type, "campaign_completed");
    assert!(of_kind(h.webhook_deliveries(), DeliveryKind::CallCallback).is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn all_processing_completed_carries_analysis_data() {
    let rx = Receiver::default();
    let addr = rx.clone().start().await;
    let (sim, api) = start(builder(0.0001, CallOutcome::Answered)).await;
    subscribe(
        &api,
        json!([{"event_type": ["all_processing_completed"], "callback_url": format!("http://{addr}/final"), "method_type": "POST"}]),
    )
    .await;
    call(&api, "+919800000104", json!({})).await;
    let got = wait_for(10, || rx.events("/final").pop()).await;
    let b = &got.body;
    let data = &b["analysis_data"];
    let platform = b["platform_analysis"].as_object().unwrap();
    assert!(!platform.is_empty());
    for (k, v) in platform {
        assert_eq!(&data[k], v, "analysis_data.{k} matches platform_analysis");
    }
    assert!(data["classification"].is_string());
    assert!(data["summary"].is_string());
    assert_eq!(data["status"], "analyzed");
    sim.shutdown().await;
}

#[tokio::test]
async fn all_subscription_gets_the_six_documented_events_only() {
    let rx = Receiver::default();
    let addr = rx.clone().start().await;
    let (sim, api) = start(builder(0.0001, CallOutcome::Answered)).await;
    subscribe(
        &api,
        json!([
            {"event_type": "all", "callback_url": format!("http://{addr}/all"), "method_type": "POST"},
            {"event_type": ["call_ringing", "call_ongoing"], "callback_url": format!("http://{addr}/explicit"), "method_type": "POST"}
        ]),
    )
    .await;
    call(&api, "+919800000105", json!({})).await;
    let types = |path: &str| -> BTreeSet<String> {
        rx.events(path)
            .iter()
            .map(|g| g.body["event_type"].as_str().unwrap().to_owned())
            .collect()
    };
    wait_for(10, || {
        types("/all")
            .contains("all_processing_completed")
            .then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The demo assistant has no custom analysis prompt: five of the six happen.
    let all: BTreeSet<String> = [
        "call_started",
        "call_completed",
        "recording_completed",
        "platform_analysis_completed",
        "all_processing_completed",
    ]
    .map(String::from)
    .into();
    assert_eq!(types("/all"), all);
    assert_eq!(rx.events("/all").len(), 5);
    let explicit: BTreeSet<String> = ["call_ringing", "call_ongoing"].map(String::from).into();
    assert_eq!(types("/explicit"), explicit);
    // An unknown name is still refused; "all" is named in the message.
    let r = api
        .patch("/agent/v1", json!({"operation": "edit_event_subscriptions", "agent_id": demo::AGENT_ID,
            "event_subscriptions": [{"event_type": "everything", "callback_url": "http://127.0.0.1:9/x", "method_type": "POST"}]}))
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.to_string().contains("all"));
    sim.shutdown().await;
}

/// The campaign completion reaches a real `ringg-webhooks` receiver: the campaign's
/// `callback_url` carries no headers of the caller's, so the secret travels in its query.
#[tokio::test]
async fn the_campaign_completion_is_handed_over_by_a_receiver_checking_the_url_secret() {
    use std::sync::{Arc, Mutex};
    let got: Arc<Mutex<Vec<ringg_webhooks::WebhookEvent>>> = Arc::default();
    let seen = got.clone();
    let receiver = ringg_webhooks::WebhookReceiver::builder()
        .secret("campaign-s3cret")
        .secret_query_param("ringg_secret")
        .handler(move |event| {
            seen.lock().unwrap().push(event);
            async { Ok::<(), ringg_webhooks::HandlerError>(()) }
        })
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(ringg_webhooks::serve(listener, receiver));
    let (sim, api) = start(builder(0.0001, CallOutcome::Answered)).await;
    let csv = "Mobile Number,Name\n+919876500021,Asha\n";
    let (start_t, end_t) = (start_time_ist(1), start_time_ist(600));
    let fields = [
        ("agent_id", demo::AGENT_ID),
        ("campaign_name", "Receiver campaign"),
        ("variables_map", r#"{"callee_name":"Name"}"#),
        ("call_config", r#"{"max_call_length":300}"#),
        ("country_code", "+91"),
        ("campaign_start_time", start_t.as_str()),
        ("campaign_end_time", end_t.as_str()),
    ];
    let r = api
        .multipart(
            "POST",
            "/campaign/save",
            &fields,
            &[("file", "c.csv", csv.as_bytes())],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let list_id = r.body["list_id"].as_str().unwrap().to_owned();
    let url = format!("http://{addr}/campaign?ringg_secret=campaign-s3cret");
    let r = api
        .post(
            "/campaign/v2/start",
            json!({"agent_id": demo::AGENT_ID, "list_id": list_id,
            "number_pool_id": demo::NUMBER_POOL_ID, "callback_url": url}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let events = wait_for(10, || {
        let g = got.lock().unwrap().clone();
        (!g.is_empty()).then_some(g)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(got.lock().unwrap().len(), 1, "handed over once");
    let raw: Value = serde_json::from_str(&events[0].raw()).unwrap();
    assert_eq!(raw["event_type"], "campaign_completed", "{raw}");
    assert_eq!(raw["list_id"], list_id.as_str());
    let recs = sim.handle().webhook_deliveries();
    assert!(
        recs.iter()
            .any(|d| d.kind == DeliveryKind::CampaignCallback && d.succeeded()),
        "{recs:?}"
    );
    server.abort();
    sim.shutdown().await;
}
