//! `ringg calls wait` on a call its calling window holds back: it says until when the call is
//! queued instead of looking stuck, then follows it to the end; a campaign followed while its
//! start is still ahead says the same.

mod common;

use chrono::{Timelike, Utc};
use common::{ok, ringg, sim};
use ringg_api::types::calls::{CallConfig, CallTime, CallerSource, InitiateCallRequest};
use ringg_api::types::{AgentId, NumberId, PhoneNumber};
use ringg_sim::CallOutcome;
use ringg_sim::demo::{AGENT_ID, NUMBER_ID};

/// Places a call to `to` from the demo assistant and number whose daily window is two hours
/// from `opens` (Asia/Kolkata); its id.
async fn place_in_window(
    sim: &ringg_sim::RunningSimulator,
    to: &str,
    opens: chrono::DateTime<chrono::FixedOffset>,
) -> String {
    let client = ringg_api::Client::builder()
        .ignore_env()
        .api_key(sim.api_key())
        .base_url(sim.base_url())
        .build()
        .unwrap();
    let closes = opens + chrono::Duration::hours(2);
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
    placed.call_id.to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_wait_says_until_when_a_call_is_queued() {
    let sim = sim().await;
    let to = "+919876522222";
    sim.handle().script_outcomes(to, [CallOutcome::Answered]);
    // A window opening an hour from now (Asia/Kolkata): about 7 real seconds at this scale.
    let ist = chrono::FixedOffset::east_opt(330 * 60).unwrap();
    let opens = (Utc::now() + chrono::Duration::minutes(60)).with_timezone(&ist);
    let opens = opens.with_second(0).unwrap();
    let id = place_in_window(&sim, to, opens).await;
    // On the display's clock, like every time shown (here --utc).
    let r = ok(ringg(&sim, &["--utc", "calls", "wait", &id])).await;
    let expected = format!(
        "status: registered, queued until {} UTC (window)",
        opens.with_timezone(&Utc).format("%Y-%m-%d %H:%M:%S"),
    );
    assert!(r.stderr.contains(&expected), "{}", r.stderr);
    assert!(r.stderr.contains("status: completed"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_queued_call_shows_what_it_waits_for_and_a_wait_that_runs_out_says_how_to_go_on() {
    let sim = sim().await;
    // A window opening ten hours from now: well over a minute of real time at this scale.
    let ist = chrono::FixedOffset::east_opt(330 * 60).unwrap();
    let opens = (Utc::now() + chrono::Duration::hours(10)).with_timezone(&ist);
    let id = place_in_window(&sim, "+919876522223", opens).await;
    let id = id.as_str();
    let queued = format!(
        "queued until {}:00 UTC (window)",
        opens.with_timezone(&Utc).format("%Y-%m-%d %H:%M")
    );
    let r = ok(ringg(&sim, &["--utc", "calls", "get", id])).await;
    assert!(r.stdout.contains(&queued), "{}", r.stdout);
    // In the display's zone without --utc.
    let mut c = ringg(&sim, &["calls", "get", id]);
    c.env("TZ", "Asia/Kolkata");
    let r = ok(c).await;
    let ist = format!(
        "queued until {}:00 IST (window)",
        opens.format("%Y-%m-%d %H:%M")
    );
    assert!(r.stdout.contains(&ist), "{}", r.stdout);
    let r = common::run(ringg(&sim, &["--timeout", "1", "calls", "wait", id])).await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    let error = r.stderr.lines().last().unwrap();
    assert!(
        error.contains("has not ended after 1 s: it is registered, queued until")
            && error.contains(&format!("`ringg calls wait {id}`")),
        "{error}"
    );
    assert!(
        !error.contains("check its details later"),
        "one piece of advice, in the CLI's words: {error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_followed_campaign_says_until_when_its_calls_are_queued() {
    let sim = sim().await;
    let ist: chrono_tz::Tz = "Asia/Kolkata".parse().unwrap();
    let (start, end) = (common::tomorrow_ist("10:00"), common::tomorrow_ist("18:00"));
    let contacts = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/contacts.csv");
    let flags = [
        "--number-pool",
        ringg_sim::demo::NUMBER_POOL_ID,
        "--timezone",
        "Asia/Kolkata",
        "--start",
        &start,
        "--end",
        &end,
        "--yes",
    ];
    let mut args = vec!["-o", "json", "--timeout", "3"];
    args.extend(common::launch_args(contacts, "Tomorrow", &flags));
    let r = common::run(ringg(&sim, &args)).await;
    // Following gives up after --timeout (the calls wait for tomorrow), having said why.
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let progress = r
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["event"] == "progress")
        .expect("a progress line");
    let counts = &progress["counts"];
    assert_eq!(counts["registered"], 5, "{progress}");
    assert_eq!(counts["queued_reason"], "window", "{progress}");
    let until = chrono::DateTime::parse_from_rfc3339(counts["queued_until"].as_str().unwrap())
        .unwrap()
        .with_timezone(&ist);
    assert_eq!(until.format("%H:%M").to_string(), "10:00", "{progress}");
}
