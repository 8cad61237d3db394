//! Call lifecycle, retries, termination, history, details and analytics over real HTTP.

mod common;

use common::{Api, fast, start, wait_for};
use ringg_sim::{CallOutcome, OutcomeWeights, Simulator, demo};
use serde_json::{Value, json};

async fn call(api: &Api, to: &str, extra: Value) -> String {
    let mut body = json!({
        "name": "Asha Rao",
        "mobile_number": to,
        "agent_id": demo::AGENT_ID,
        "number_pool_id": demo::NUMBER_POOL_ID,
        "custom_args_values": {"company_name": "Acme", "ref": format!("ref-{to}")},
    });
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    let r = api.post("/calling/v2/outbound/individual", body).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "success");
    assert_eq!(r.body["data"]["call_status"], "registered");
    r.body["data"]["call_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn call_reaches_completed_and_is_visible_everywhere() {
    let (sim, api) = start(
        Simulator::builder()
            .time_scale(0.0001)
            .seed(3)
            .outcome_weights(OutcomeWeights::always(CallOutcome::Answered)),
    )
    .await;
    let id = call(&api, "+919876543210", json!({})).await;
    let h = sim.handle();
    let snap = wait_for(5, || h.call(&id).filter(|c| c.status == "completed")).await;
    assert_eq!(snap.attempts, 1);
    assert_eq!(snap.custom_args_values["ref"], "ref-+919876543210");
    assert_eq!(snap.custom_args_values["callee_name"], "Asha Rao");
    let cost = snap.call_cost.unwrap();
    assert!(cost > 0.0);

    let d = api
        .get(&format!("/calling/call-details?id={id}&send_analysis=true"))
        .await;
    assert_eq!(d.status, 200);
    let data = &d.body["data"];
    assert_eq!(data["call_status"], "completed");
    assert_eq!(data["call_sub_status"], "ACCEPTED");
    assert!(data["recording_url"].as_str().unwrap().ends_with(".mp3"));
    let turns: Vec<Value> =
        serde_json::from_str(data["transcription_url"].as_str().unwrap()).unwrap();
    assert!(turns[0]["bot"].as_str().unwrap().contains("Asha Rao"));
    let labels = ["qualified_lead", "not_interested", "callback_requested"];
    assert!(
        labels.contains(
            &data["platform_analysis"]["classification"]
                .as_str()
                .unwrap()
        )
    );
    let d = api.get(&format!("/calling/call-details?id={id}")).await;
    assert!(d.body["data"].get("platform_analysis").is_none());
    assert_eq!(api.get("/calling/call-details").await.status, 422);
    assert_eq!(api.get("/calling/call-details?id=nope").await.status, 404);

    let hist = api.get("/calling/history?limit=10&offset=0").await;
    let row = &hist.body["calls"][0];
    assert_eq!(row["id"], id.as_str());
    assert_eq!(row["custom_args_values"]["ref"], "ref-+919876543210");
    assert!(row["transcript"].is_string());
    assert_eq!(row["credits_processed"], true);
    assert_eq!(hist.body["total"], 1);

    let ws = api.get("/workspace").await;
    let credits = ws.body["workspace_info"]["credits"].as_f64().unwrap();
    assert!((credits - (3025.0 - cost)).abs() < 1e-6, "{credits}");
    assert_eq!(ws.body["workspace_info"]["locked_credits"], 0.0);
    sim.shutdown().await;
}

#[tokio::test]
async fn initiate_validation() {
    let (sim, api) = fast().await;
    let base = json!({"name": "A", "mobile_number": "+919876543210", "agent_id": demo::AGENT_ID});
    let mut both = base.clone();
    both["from_number_id"] = json!(demo::NUMBER_ID);
    both["from_number"] = json!(demo::NUMBER);
    assert_eq!(
        api.post("/calling/outbound/individual", both).await.status,
        422
    );
    assert_eq!(
        api.post("/calling/outbound/individual", base.clone())
            .await
            .status,
        422
    );
    let mut bad_num = base.clone();
    bad_num["from_number_id"] = json!(demo::NUMBER_ID);
    bad_num["mobile_number"] = json!("98765");
    assert_eq!(
        api.post("/calling/outbound/individual", bad_num)
            .await
            .status,
        400
    );
    let mut unknown_agent = base.clone();
    unknown_agent["from_number_id"] = json!(demo::NUMBER_ID);
    unknown_agent["agent_id"] = json!("nope");
    assert_eq!(
        api.post("/calling/outbound/individual", unknown_agent)
            .await
            .status,
        404
    );
    let mut inbound = base.clone();
    inbound["from_number_id"] = json!(demo::NUMBER_ID);
    inbound["agent_id"] = json!(demo::INBOUND_AGENT_ID);
    assert_eq!(
        api.post("/calling/outbound/individual", inbound)
            .await
            .status,
        400
    );
    let mut bad_cfg = base.clone();
    bad_cfg["from_number_id"] = json!(demo::NUMBER_ID);
    bad_cfg["call_config"] = json!({"call_retry_config": {"retry_count": "x"}});
    let r = api.post("/calling/outbound/individual", bad_cfg).await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.body["detail"][0]["loc"],
        json!(["body", "call_config", "call_retry_config", "retry_count"])
    );
    let mut wrong_type = base.clone();
    wrong_type["from_number_id"] = json!(demo::NUMBER_ID);
    wrong_type["name"] = json!(5);
    assert_eq!(
        api.post("/calling/outbound/individual", wrong_type)
            .await
            .status,
        422
    );
    // v1 with smart formatter: first name extracted, original kept.
    let mut ok = base.clone();
    ok["from_number"] = json!(demo::NUMBER);
    ok["name"] = json!("Dr. Priya Sharma");
    ok["smart_formatter"] = json!({"extract_first_name": true});
    let r = api.post("/calling/outbound/individual", ok).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["data"]["custom_args_values"]["callee_name"], "Priya");
    assert_eq!(
        r.body["data"]["custom_args_values"]["original_callee_name"],
        "Dr. Priya Sharma"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn retries_follow_the_retry_config() {
    let (sim, api) = fast().await;
    let h = sim.handle();
    h.script_outcomes(
        "+919800000001",
        [
            CallOutcome::Busy,
            CallOutcome::NotPicked,
            CallOutcome::Answered,
        ],
    );
    h.script_outcomes(
        "+919800000002",
        [CallOutcome::NotPicked, CallOutcome::NotPicked],
    );
    let cfg = json!({"call_config": {"call_retry_config": {"retry_count": 2, "retry_busy": 1, "retry_not_picked": 2, "retry_failed": 1}}});
    let ok = call(&api, "+919800000001", cfg.clone()).await;
    let cfg1 =
        json!({"call_config": {"call_retry_config": {"retry_count": 1, "retry_not_picked": 1}}});
    let fails = call(&api, "+919800000002", cfg1).await;
    let a = wait_for(10, || h.call(&ok).filter(|c| c.status == "completed")).await;
    assert_eq!(a.attempts, 3);
    assert_eq!(
        a.attempt_outcomes,
        vec![
            CallOutcome::Busy,
            CallOutcome::NotPicked,
            CallOutcome::Answered
        ]
    );
    let b = wait_for(10, || h.call(&fails).filter(|c| c.status == "failed")).await;
    assert_eq!(b.attempts, 2);
    assert_eq!(b.sub_status.as_deref(), Some("RETRY_LIMIT_REACHED"));
    assert_eq!(h.workspace().locked_credits, 0.0);
    sim.shutdown().await;
}

#[tokio::test]
async fn outcomes_are_reproducible_for_a_seed() {
    async fn run(seed: u64) -> Vec<Vec<CallOutcome>> {
        let (sim, api) = start(Simulator::builder().time_scale(0.00005).seed(seed)).await;
        let mut ids = Vec::new();
        for i in 0..12 {
            let cfg = json!({"call_config": {"call_retry_config": {"retry_count": 2, "retry_busy": 1, "retry_not_picked": 1, "retry_failed": 1}}});
            ids.push(call(&api, &format!("+9198000100{i:02}"), cfg).await);
        }
        let h = sim.handle();
        let out = wait_for(10, || {
            let snaps: Vec<_> = ids.iter().filter_map(|id| h.call(id)).collect();
            snaps
                .iter()
                .all(|c| ["completed", "failed", "error"].contains(&c.status.as_str()))
                .then(|| {
                    snaps
                        .iter()
                        .map(|c| c.attempt_outcomes.clone())
                        .collect::<Vec<_>>()
                })
        })
        .await;
        sim.shutdown().await;
        out
    }
    assert_eq!(run(42).await, run(42).await);
}

#[tokio::test]
async fn termination_cancels_only_queued_calls() {
    let (sim, api) = fast().await;
    let later = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let mut queued = Vec::new();
    for i in 0..3 {
        let cfg = json!({"call_config": {"call_time": {"scheduled_at": later}}});
        queued.push(call(&api, &format!("+91981111000{i}"), cfg).await);
    }
    let h = sim.handle();
    assert_eq!(h.workspace().locked_credits, 3.0);
    // Limits and modes.
    let too_many: Vec<String> = (0..101).map(|i| format!("id-{i}")).collect();
    assert_eq!(
        api.patch("/campaign/terminate", json!({"call_ids": too_many}))
            .await
            .status,
        400
    );
    assert_eq!(
        api.patch("/campaign/terminate", json!({})).await.status,
        400
    );
    assert_eq!(
        api.patch(
            "/campaign/terminate",
            json!({"agent_id": demo::AGENT_ID, "call_ids": ["x"]})
        )
        .await
        .status,
        400
    );
    let none = api
        .patch("/campaign/terminate", json!({"call_ids": ["not-a-call"]}))
        .await;
    assert_eq!(none.status, 400);
    assert_eq!(
        none.body["detail"],
        "No terminable calls found for the specified parameters"
    );
    assert_eq!(
        api.patch(
            "/campaign/terminate/numbers",
            json!({"agent_id": demo::AGENT_ID})
        )
        .await
        .status,
        422,
        "old paths need their own fields"
    );
    // By call id (generic path), then by number (old alias), then by agent.
    let r = api
        .patch("/campaign/terminate", json!({"call_ids": [queued[0]]}))
        .await;
    assert_eq!(
        (r.status, r.body["message"].as_str()),
        (200, Some("Calls terminated successfully!"))
    );
    let r = api
        .patch(
            "/campaign/terminate/numbers",
            json!({"mobile_numbers": ["+919811110001"]}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = api
        .patch(
            "/campaign/terminate/agent",
            json!({"agent_id": demo::AGENT_ID}),
        )
        .await;
    assert_eq!(r.status, 200);
    for id in &queued {
        assert_eq!(h.call(id).unwrap().status, "cancelled");
    }
    assert_eq!(h.workspace().locked_credits, 0.0);
    let again = api
        .patch("/campaign/terminate", json!({"agent_id": demo::AGENT_ID}))
        .await;
    assert_eq!(again.status, 400, "cancelled calls are not terminable");
    let hist = api.get("/calling/history?status=cancelled").await;
    assert_eq!(hist.body["total"], 3);
    sim.shutdown().await;
}

#[tokio::test]
async fn history_filters_pagination_and_analytics() {
    let (sim, api) = start(
        Simulator::builder()
            .time_scale(0.0001)
            .seed(5)
            .history_rows(250),
    )
    .await;
    let ids = sim.handle().seed_history(30);
    assert_eq!(ids.len(), 30);
    let page = api.get("/calling/history").await;
    assert_eq!(page.body["limit"], 10);
    assert_eq!(page.body["count"], 10);
    assert_eq!(page.body["total"], 280);
    let big = api.get("/calling/history?limit=1000&offset=275").await;
    assert_eq!(big.body["limit"], 100);
    assert_eq!(big.body["count"], 5);
    let completed = api.get("/calling/history?status=completed&limit=100").await;
    assert!(
        completed.body["calls"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "completed")
    );
    assert_eq!(api.get("/calling/history?status=weird").await.status, 422);
    assert_eq!(
        api.get("/calling/history?start_date=yesterday")
            .await
            .status,
        422
    );
    let future = (chrono::Utc::now() + chrono::Duration::days(2)).format("%Y-%m-%dT00:00:00+05:30");
    let none = api
        .get(&format!(
            "/calling/history?start_date={}",
            urlenc(&future.to_string())
        ))
        .await;
    assert_eq!(none.body["total"], 0);
    let agent = api
        .get(&format!(
            "/calling/history?agent_id={}",
            demo::INBOUND_AGENT_ID
        ))
        .await;
    assert_eq!(agent.body["total"], 0);
    // Rows are newest first.
    let rows = api.get("/calling/history?limit=100").await;
    let times: Vec<&str> = rows.body["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["created_at"].as_str().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);

    let p = api.get("/analytics/platform-analytics").await;
    assert_eq!(p.body["cached"], false);
    assert_eq!(p.body["metrics_summary"]["total_calls"], 280);
    let d = api.get("/analytics/duration-distribution").await;
    let total: u64 = d.body["duration_distribution"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(
        total,
        p.body["metrics_summary"]["completed_calls"]
            .as_u64()
            .unwrap()
    );
    let c = api.get("/analytics/classification-analytics").await;
    assert!(
        c.body["classification_analytics"]
            .as_object()
            .unwrap()
            .len()
            >= 2
    );
    let n = api.get("/analytics/number-analytics").await;
    assert_eq!(n.body["number_analytics"].as_array().unwrap().len(), 2);
    assert_eq!(api.get("/analytics/drill-down-analytics").await.status, 422);
    assert_eq!(
        api.get("/analytics/drill-down-analytics?bulk_list_id=nope")
            .await
            .status,
        404
    );
    let dl = api
        .send("POST", "/calling/history/download?status=completed", None)
        .await;
    assert_eq!(dl.status, 200);
    assert!(dl.body["message"].as_str().unwrap().contains("email"));
    sim.shutdown().await;
}

fn urlenc(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn thousands_of_calls_complete() {
    let (sim, api) = start(
        Simulator::builder()
            .time_scale(0.00002)
            .seed(9)
            .concurrency(200)
            .outcome_weights(OutcomeWeights::always(CallOutcome::Answered)),
    )
    .await;
    // Four concurrent clients, 250 calls each.
    let mut tasks = Vec::new();
    for t in 0..4 {
        let api = api.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..250 {
                call(&api, &format!("+9197{t}{i:07}"), json!({})).await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let h = sim.handle();
    wait_for(20, || {
        h.calls()
            .iter()
            .all(|c| c.status == "completed")
            .then_some(())
    })
    .await;
    assert_eq!(h.calls().len(), 1000);
    let ws = h.workspace();
    assert_eq!(ws.locked_credits, 0.0);
    sim.shutdown().await;
}
