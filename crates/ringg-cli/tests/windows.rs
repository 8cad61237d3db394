//! `ringg calls wait` on a call its calling window holds back: it says until when the call is
//! queued instead of looking stuck, then follows it to the end.

mod common;

use chrono::{Timelike, Utc};
use common::{ok, ringg, sim};
use ringg_api::types::calls::{CallConfig, CallTime, CallerSource, InitiateCallRequest};
use ringg_api::types::{AgentId, NumberId, PhoneNumber};
use ringg_sim::CallOutcome;
use ringg_sim::demo::{AGENT_ID, NUMBER_ID};

#[tokio::test(flavor = "multi_thread")]
async fn calls_wait_says_until_when_a_call_is_queued() {
    let sim = sim().await;
    let to = "+919876522222";
    sim.handle().script_outcomes(to, [CallOutcome::Answered]);
    // A window opening an hour from now (Asia/Kolkata): about 7 real seconds at this scale.
    let ist = chrono::FixedOffset::east_opt(330 * 60).unwrap();
    let opens = (Utc::now() + chrono::Duration::minutes(60)).with_timezone(&ist);
    let opens = opens.with_second(0).unwrap();
    let closes = opens + chrono::Duration::hours(2);
    let client = ringg_api::Client::builder()
        .ignore_env()
        .api_key(sim.api_key())
        .base_url(sim.base_url())
        .build()
        .unwrap();
    let placed = client
        .calls()
        .initiate(
            InitiateCallRequest::new(
                AgentId::new(AGENT_ID),
                "Asha",
                PhoneNumber::parse(to).unwrap(),
                CallerSource::FromNumberId(NumberId::new(NUMBER_ID)),
            )
            .call_config(CallConfig::default().call_time(CallTime::window(
                opens.format("%H:%M").to_string(),
                closes.format("%H:%M").to_string(),
                "Asia/Kolkata",
            ))),
        )
        .await
        .unwrap();
    let r = ok(ringg(&sim, &["calls", "wait", placed.call_id.as_str()])).await;
    let expected = format!(
        "status: registered, queued until {} (window, {} +05:30)",
        opens.format("%H:%M"),
        opens.format("%Y-%m-%d")
    );
    assert!(r.stderr.contains(&expected), "{}", r.stderr);
    assert!(r.stderr.contains("status: completed"), "{}", r.stderr);
}
