//! Calling windows, schedules and campaign end times on the calls' scaled clocks.

mod common;

use common::{Api, start, wait_for};
use ringg_sim::{CallOutcome, OutcomeWeights, Simulator, demo};
use serde_json::json;

/// The Asia/Kolkata wall clock `minutes` from now as "DD/MM/YYYY, HH:MM" and as "HH:MM".
fn ist(minutes: i64) -> (String, String) {
    let t = chrono::Utc::now() + chrono::Duration::minutes(minutes + 330);
    (
        t.format("%d/%m/%Y, %H:%M").to_string(),
        t.format("%H:%M").to_string(),
    )
}

async fn save(api: &Api, end_minutes: i64, window: (&str, &str)) -> String {
    let call_config = json!({"call_time": {"call_start_time": window.0, "call_end_time": window.1, "timezone": "Asia/Kolkata"}});
    let r = api
        .multipart(
            "POST",
            "/campaign/save",
            &[
                ("agent_id", demo::AGENT_ID),
                ("campaign_name", "Short campaign"),
                ("variables_map", r#"{"callee_name":"Name"}"#),
                ("call_config", &call_config.to_string()),
                ("country_code", "+91"),
                ("campaign_start_time", &ist(1).0),
                ("campaign_end_time", &ist(end_minutes).0),
            ],
            &[(
                "file",
                "contacts.csv",
                b"Mobile Number,Name\n+919876500001,Asha\n+919876500002,Ravi\n",
            )],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["list_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn rows_the_campaign_end_leaves_no_window_for_end_unattempted() {
    let (sim, api) = start(
        Simulator::builder()
            .time_scale(0.0001)
            .seed(31)
            .outcome_weights(OutcomeWeights::always(CallOutcome::Answered)),
    )
    .await;
    // The campaign runs for three minutes; its daily window opens an hour from now.
    let (open, close) = (ist(60).1, ist(120).1);
    let list = save(&api, 4, (&open, &close)).await;
    let r = api
        .post(
            "/campaign/v2/start",
            json!({"agent_id": demo::AGENT_ID, "list_id": list, "number_pool_id": demo::NUMBER_POOL_ID}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let h = sim.handle();
    let calls = wait_for(20, || {
        let calls = h.calls();
        calls
            .iter()
            .all(|c| c.status == "cancelled")
            .then_some(calls)
    })
    .await;
    assert_eq!(calls.len(), 2);
    for c in &calls {
        assert_eq!(c.sub_status.as_deref(), Some("CAMPAIGN_TIME_EXCEEDED"));
        assert_eq!(c.attempts, 0, "never dialled");
    }
    let camps = api.get("/campaign/all").await;
    assert_eq!(camps.body["campaigns"][0]["campaign_status"], "completed");
    assert_eq!(h.workspace().locked_credits, 0.0, "credit locks released");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_retry_waits_for_the_window_and_the_schedule_is_shown() {
    let (sim, api) = start(Simulator::builder().time_scale(0.0001).seed(32)).await;
    let h = sim.handle();
    h.script_outcomes("+919876500003", [CallOutcome::Busy, CallOutcome::Answered]);
    // Open now for another 30 minutes, then again tomorrow: the 60-minute retry after the
    // busy first attempt falls outside and waits for the next opening.
    let (open, close) = (ist(-1).1, ist(30).1);
    let r = api
        .post(
            "/calling/v2/outbound/individual",
            json!({"name": "Asha", "mobile_number": "+919876500003", "agent_id": demo::AGENT_ID,
                   "from_number_id": demo::NUMBER_ID,
                   "call_config": {"call_retry_config": {"retry_count": 1, "retry_busy": 60},
                                   "call_time": {"call_start_time": open, "call_end_time": close, "timezone": "Asia/Kolkata"}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body["data"]["call_id"].as_str().unwrap().to_owned();
    // While the retry waits, the details show it: status `retry` and the next opening (in the
    // window's timezone) as `next_attempt_time`.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let d = api.get(&format!("/calling/call-details?id={id}")).await;
        let next = d.body["data"]["next_attempt_time"].as_str().unwrap_or("");
        if d.body["data"]["call_status"] == "retry" && next.contains(&format!("T{open}:00")) {
            assert!(next.ends_with("+05:30"), "{next}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the retry never showed the window's opening: {}",
            d.body
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let done = wait_for(60, || h.call(&id).filter(|c| c.status == "completed")).await;
    assert_eq!(done.attempts, 2);
    let details = api.get(&format!("/calling/call-details?id={id}")).await;
    // One attempt's time is known from the history's retry count; the details carry the last.
    let attempted = details.body["data"]["call_attempt_time"].as_str().unwrap();
    let attempted = chrono::DateTime::parse_from_rfc3339(attempted).unwrap();
    let local = attempted
        .with_timezone(&chrono_tz::Asia::Kolkata)
        .format("%H:%M")
        .to_string();
    let inside = if open <= close {
        open <= local && local < close
    } else {
        local >= open || local < close
    };
    assert!(inside, "dialled at {local}, outside {open}-{close}");
    // The window closed 30 minutes after the first attempt and the retry was due an hour
    // after it, so the second attempt waited for the next day's opening.
    let placed = chrono::DateTime::parse_from_rfc3339(
        details.body["data"]["initiation_time"].as_str().unwrap(),
    )
    .unwrap();
    assert!(
        attempted >= placed + chrono::Duration::hours(23),
        "the retry at {attempted} did not wait for the next opening after {placed}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_campaign_start_at_the_end_of_the_calendar_is_answered_not_dropped() {
    let (sim, api) = common::fast().await;
    let body = json!({
        "bulk_list_id": "00000000-0000-4000-8000-000000000000",
        "agent_id": ringg_sim::demo::AGENT_ID,
        "number_pool_id": ringg_sim::demo::NUMBER_POOL_ID,
        // The last minute chrono can represent, in UTC: the minute after it overflows.
        "campaign_start_time": "31/12/+262142, 23:59",
        "call_config": {"call_time": {"timezone": "UTC"}},
    });
    let r = api
        .try_send(
            "POST",
            "/campaign/make-call-async",
            Some("application/json"),
            serde_json::to_vec(&body).unwrap(),
        )
        .await
        .unwrap_or_else(|e| panic!("no answer for a far-future campaign_start_time: {e}"));
    // Not in the past, so the window passes; the unknown list is the refusal.
    assert!(
        (400..500).contains(&r.status),
        "{} {}",
        r.status,
        String::from_utf8_lossy(&r.raw)
    );
    sim.shutdown().await;
}
