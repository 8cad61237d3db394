//! The control API: inbound and web calls, pools and scripted outcomes, through the
//! in-process handle and through `/_sim/` over HTTP.

mod common;

use common::{Api, start, wait_for};
use ringg_sim::{CallOutcome, IncomingCall, SimError, Simulator, demo};
use serde_json::json;

fn control(api: &Api) -> Api {
    Api::new(api.base.replace(ringg_sim::BASE_PATH, "/_sim"), &api.key)
}

#[tokio::test]
async fn inbound_and_web_calls_through_the_handle() {
    let (sim, _api) = start(Simulator::builder().time_scale(0.0001).seed(41)).await;
    let h = sim.handle();
    let inbound = h
        .place_inbound_call(
            demo::NUMBER_2,
            "+919811112222",
            IncomingCall::new().name("Meera").var("order_id", "ORD-1"),
        )
        .unwrap();
    let web = h
        .place_web_call(
            demo::AGENT_ID,
            IncomingCall::new().outcome(CallOutcome::Forwarded),
        )
        .unwrap();
    let done = wait_for(20, || {
        let a = h.call(inbound.as_str())?;
        let b = h.call(web.as_str())?;
        (a.status == "completed" && b.status == "forwarded").then_some((a, b))
    })
    .await;
    assert_eq!(done.0.call_type, "inbound");
    assert_eq!(done.0.inbound_from.as_deref(), Some("+919811112222"));
    assert_eq!(done.0.agent_id.as_str(), demo::INBOUND_AGENT_ID);
    assert_eq!(done.0.custom_args_values["callee_name"], "Meera");
    assert_eq!(done.1.call_type, "webcall");
    assert_eq!(done.1.attempt_outcomes, [CallOutcome::Forwarded]);
    assert!(done.1.call_cost.is_some(), "a transferred call is charged");

    let refused = h
        .place_inbound_call(demo::NUMBER, "+919811112222", IncomingCall::new())
        .unwrap_err();
    assert!(
        matches!(refused, SimError::Rejected(ref m) if m.contains("attach_inbound_number")),
        "{refused}"
    );
    assert!(
        h.place_web_call("no-such-agent", IncomingCall::new())
            .is_err()
    );
    assert!(h.set_number_pool("no-such-pool", None, None).is_err());
    sim.shutdown().await;
}

#[tokio::test]
async fn the_http_routes_check_what_they_are_given() {
    let (sim, api) = start(Simulator::builder().time_scale(0.0001).seed(42)).await;
    let ctl = control(&api);
    let r = ctl.get("/nope").await;
    assert_eq!(r.status, 404);
    let r = ctl.get("/web-calls").await;
    assert_eq!(r.status, 405);
    assert_eq!(r.headers["allow"], "POST");
    let r = ctl
        .post(
            "/web-calls",
            json!({"agent_id": demo::AGENT_ID, "outcome": "maybe"}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = ctl
        .post("/inbound-calls", json!({"from_number": "+919811112222"}))
        .await;
    assert_eq!(r.status, 422, "needs a number: {}", r.body);
    let r = ctl
        .post(
            "/inbound-calls",
            json!({"number_id": demo::NUMBER_ID_2, "from_number": "not-a-number"}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = ctl.get("/number-pools/unknown").await;
    assert_eq!(r.status, 404);
    let r = ctl
        .send(
            "PUT",
            &format!("/number-pools/{}", demo::NUMBER_POOL_ID),
            Some(json!({"number_ids": ["nope"]})),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = ctl
        .send(
            "PUT",
            &format!("/number-pools/{}", demo::NUMBER_POOL_ID),
            Some(json!({"calls_per_number": 0})),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let r = ctl
        .get(&format!("/number-pools/{}", demo::NUMBER_POOL_ID))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body["number_ids"],
        json!([demo::NUMBER_ID, demo::NUMBER_ID_2])
    );

    // Scripted outcomes for an outbound number: a transfer.
    let r = ctl
        .post(
            "/outcomes",
            json!({"to_number": "+919811113333", "outcomes": ["forwarded"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = api
        .post(
            "/calling/v2/outbound/individual",
            json!({"name": "Ravi", "mobile_number": "+919811113333", "agent_id": demo::AGENT_ID,
                   "number_pool_id": demo::NUMBER_POOL_ID}),
        )
        .await;
    let id = r.body["data"]["call_id"].as_str().unwrap().to_owned();
    let h = sim.handle();
    let call = wait_for(20, || h.call(&id).filter(|c| c.status == "forwarded")).await;
    assert_eq!(call.sub_status.as_deref(), Some("ACCEPTED"));

    // Another workspace's key sees only its own pool.
    let (_, key) = h.add_workspace("Other", 10.0);
    let other = ctl.with_key(key.expose());
    let r = other
        .get(&format!("/number-pools/{}", demo::NUMBER_POOL_ID))
        .await;
    assert_eq!(r.status, 404);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_forced_outcome_leaves_the_numbers_script_for_the_next_call() {
    let (sim, api) = start(Simulator::builder().time_scale(0.0001).seed(43)).await;
    let h = sim.handle();
    h.script_outcomes(demo::NUMBER_2, [CallOutcome::Busy]);
    // The inbound call's outcome is forced: the script stays.
    let inbound = h
        .place_inbound_call(
            demo::NUMBER_2,
            "+919811113333",
            IncomingCall::new().outcome(CallOutcome::Answered),
        )
        .unwrap();
    let done = wait_for(20, || {
        let c = h.call(inbound.as_str())?;
        (c.status == "completed").then_some(c)
    })
    .await;
    assert_eq!(done.attempt_outcomes, [CallOutcome::Answered]);
    // The next call to that number takes it.
    let r = api
        .post(
            "/calling/v2/outbound/individual",
            json!({
                "name": "Asha Rao",
                "mobile_number": demo::NUMBER_2,
                "agent_id": demo::AGENT_ID,
                "number_pool_id": demo::NUMBER_POOL_ID,
                "custom_args_values": {"company_name": "Acme"},
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body["data"]["call_id"].as_str().unwrap().to_owned();
    let first = wait_for(20, || {
        let c = h.call(&id)?;
        c.attempt_outcomes.first().cloned()
    })
    .await;
    assert_eq!(first, CallOutcome::Busy);
    sim.shutdown().await;
}
