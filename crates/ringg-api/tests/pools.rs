//! Number pools that run dry, over real HTTP against the embedded simulator: a pool call waits
//! (`registered`) while its pool has no number with a free line, and is dialled as soon as
//! one frees. The pool is steered through the simulator's control API (`/_sim/number-pools`).

mod common;

use std::time::Duration;

use ringg_api::Client;
use ringg_api::types::calls::{
    CallConfig, CallStatus, CallTime, CallerSource, InitiateCallRequest,
};
use ringg_api::types::{AgentId, CallId, NumberPoolId, PhoneNumber};
use ringg_sim::{CallOutcome, OutcomeWeights, RunningSimulator, Simulator, demo};
use serde_json::{Value, json};

async fn pool_call(client: &Client, to: &str) -> CallId {
    client
        .calls()
        .initiate(
            InitiateCallRequest::new(
                AgentId::new(demo::AGENT_ID),
                "Asha",
                PhoneNumber::parse(to).unwrap(),
                CallerSource::NumberPool(NumberPoolId::new(demo::NUMBER_POOL_ID)),
            )
            // Open all day: the pool, not the demo assistant's closed hour, decides here.
            .call_config(CallConfig::default().call_time(CallTime::window(
                "00:00",
                "00:00",
                "Asia/Kolkata",
            ))),
        )
        .await
        .unwrap()
        .call_id
}

/// `PUT /_sim/number-pools/{pool}` with the workspace key; the pool's state after it.
async fn set_pool(sim: &RunningSimulator, body: Value) -> Value {
    let resp = reqwest::Client::new()
        .put(format!(
            "http://{}/_sim/number-pools/{}",
            sim.addr(),
            demo::NUMBER_POOL_ID
        ))
        .header("x-api-key", sim.api_key())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

/// Polls the simulator's view of the calls until `f` returns `Some`.
async fn until<T>(
    sim: &RunningSimulator,
    mut f: impl FnMut(&[ringg_sim::CallSnapshot]) -> Option<T>,
) -> T {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(v) = f(&sim.handle().calls()) {
            return v;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{:?}",
            sim.handle().calls()
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_waits_for_a_dry_pool_and_is_dialled_when_a_number_is_added() {
    let (sim, client) = common::start(
        Simulator::builder()
            .time_scale(0.001)
            .seed(23)
            .outcome_weights(OutcomeWeights::always(CallOutcome::Answered)),
    )
    .await;
    let dry = set_pool(&sim, json!({"number_ids": []})).await;
    assert_eq!(dry["free_number_ids"], json!([]));
    let id = pool_call(&client, "+919876543220").await;
    // Several simulated minutes pass: a dry pool lends no number, so the call stays queued.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let details = client.calls().details(&id, false).await.unwrap();
    assert_eq!(details.call_status, Some(CallStatus::Registered));
    assert!(details.from_number.as_ref().is_none(), "{details:?}");
    assert_eq!(sim.handle().call(id.as_str()).unwrap().attempts, 0);

    set_pool(&sim, json!({"number_ids": [demo::NUMBER_ID]})).await;
    let done = client
        .calls()
        .wait_for_terminal_with(&id, common::fast_wait(Duration::from_secs(30)))
        .await
        .unwrap();
    assert_eq!(done.call_status, Some(CallStatus::Completed));
    assert_eq!(done.from_number.as_ref(), Some(&demo::NUMBER.to_string()));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pool_number_carries_one_call_at_a_time_and_the_next_waits_for_it() {
    // 0.01: each call rings and talks for a quarter of a second or more.
    let (sim, client) = common::start(
        Simulator::builder()
            .time_scale(0.01)
            .seed(24)
            .outcome_weights(OutcomeWeights::always(CallOutcome::Answered)),
    )
    .await;
    let state = set_pool(
        &sim,
        json!({"number_ids": [demo::NUMBER_ID], "calls_per_number": 1}),
    )
    .await;
    assert_eq!(state["number_ids"], json!([demo::NUMBER_ID]));
    let a = pool_call(&client, "+919876543221").await;
    let b = pool_call(&client, "+919876543222").await;
    let status = |calls: &[ringg_sim::CallSnapshot], id: &CallId| {
        calls
            .iter()
            .find(|c| c.id == *id)
            .map(|c| c.status.clone())
            .unwrap_or_default()
    };
    // Whichever call takes the line first, the other waits until it has ended.
    let (first, second, other) = until(&sim, |calls| {
        match (status(calls, &a).as_str(), status(calls, &b).as_str()) {
            ("ongoing", other) => Some((a.clone(), b.clone(), other.to_owned())),
            (other, "ongoing") => Some((b.clone(), a.clone(), other.to_owned())),
            _ => None,
        }
    })
    .await;
    assert_eq!(other, "registered", "the second call waits for the line");
    until(&sim, |calls| {
        (status(calls, &second) == "ongoing").then(|| {
            assert_eq!(status(calls, &first), "completed", "one call per line");
        })
    })
    .await;
    for id in [&first, &second] {
        let done = client
            .calls()
            .wait_for_terminal_with(id, common::fast_wait(Duration::from_secs(60)))
            .await
            .unwrap();
        assert_eq!(done.call_status, Some(CallStatus::Completed));
    }
    sim.shutdown().await;
}
