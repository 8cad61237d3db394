//! Calling windows and schedules over real HTTP against the embedded simulator: a campaign
//! whose daily window opens later on the simulator's scaled clock stays queued, says until
//! when, and dials only once the window is open; a scheduled call says so when a wait for it
//! times out.

mod common;

use std::time::Duration;

use chrono::{DateTime, FixedOffset, Timelike, Utc};
use futures::TryStreamExt;
use ringg_api::campaigns::{CampaignFlow, CsvUpload, LaunchRequest, PollOptions};
use ringg_api::types::calls::{
    CallConfig, CallHistoryQuery, CallStatus, CallTime, CallerSource, InitiateCallRequest,
    QueueReason,
};
use ringg_api::types::campaigns::{CampaignTime, LargeCampaignCaller};
use ringg_api::types::common::Timestamp;
use ringg_api::types::{AgentId, NumberId, NumberPoolId, PhoneNumber};
use ringg_sim::{CallOutcome, OutcomeWeights, Simulator, demo};

fn ist() -> FixedOffset {
    FixedOffset::east_opt(330 * 60).unwrap()
}

/// The wall clock `minutes` from now in Asia/Kolkata, to the minute: its `HH:MM` and the
/// instant it next reads so.
fn ist_clock(minutes: i64) -> (String, DateTime<Utc>) {
    let t = (Utc::now() + chrono::Duration::minutes(minutes)).with_timezone(&ist());
    let t = t.with_second(0).unwrap().with_nanosecond(0).unwrap();
    (t.format("%H:%M").to_string(), t.with_timezone(&Utc))
}

fn campaign_time(minutes: i64) -> CampaignTime {
    CampaignTime::new(Utc::now().naive_utc() + chrono::Duration::minutes(330 + minutes))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_dials_only_once_its_window_opens() {
    // 0.001: the window, two simulated hours ahead, opens after about 7 real seconds.
    let (sim, client) = common::start(
        Simulator::builder()
            .time_scale(0.001)
            .seed(19)
            .outcome_weights(OutcomeWeights::always(CallOutcome::Answered)),
    )
    .await;
    let (open, opens_at) = ist_clock(120);
    let (close, _) = ist_clock(240);
    let csv = "Mobile Number,Name\n+919876543210,Asha\n+919876543211,Ravi\n";
    let req = LaunchRequest::builder(AgentId::new(demo::AGENT_ID), CsvUpload::bytes(csv))
        .name("windowed")
        .country_code("+91")
        .window(campaign_time(1), campaign_time(24 * 60))
        .caller(LargeCampaignCaller::NumberPool(NumberPoolId::new(
            demo::NUMBER_POOL_ID,
        )))
        .call_config(CallConfig::default().call_time(CallTime::window(
            open.clone(),
            close,
            "Asia/Kolkata",
        )))
        .build()
        .unwrap()
        .map_variable("callee_name", "Name")
        .flow(CampaignFlow::Standard)
        .upload_poll(PollOptions {
            initial_interval: Duration::from_millis(10),
            max_interval: Duration::from_millis(50),
            multiplier: 1.5,
            timeout: Duration::from_secs(30),
        });
    let launched = client.campaigns().launch(req).await.unwrap();

    // Queued: both rows registered, waiting for the window's opening, and saying so.
    let query = CallHistoryQuery {
        bulk_list_id: Some(launched.list_id.clone()),
        ..CallHistoryQuery::default()
    };
    let rows: Vec<_> = client
        .calls()
        .history_stream(query.clone())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    let date = opens_at.with_timezone(&ist()).format("%Y-%m-%d");
    for row in &rows {
        assert_eq!(row.status, Some(CallStatus::Registered), "{row:?}");
        let queued = row.queued().expect("a queued row has a next_attempt_time");
        assert_eq!(queued.reason, QueueReason::Window);
        assert_eq!(queued.until.to_utc(), opens_at);
        let details = client.calls().details(&row.id, false).await.unwrap();
        assert_eq!(
            details.queued().unwrap().to_string(),
            format!("queued until {open} (window, {date} +05:30)")
        );
    }

    // Dialled once the window opened, on the call's clock, and then completed.
    for row in &rows {
        let done = client
            .calls()
            .wait_for_terminal_with(&row.id, common::fast_wait(Duration::from_secs(90)))
            .await
            .unwrap();
        assert_eq!(done.call_status, Some(CallStatus::Completed));
    }
    let rows: Vec<_> = client
        .calls()
        .history_stream(query)
        .try_collect()
        .await
        .unwrap();
    for row in &rows {
        let attempted = row.call_attempt_time.as_ref().unwrap().to_utc();
        assert!(
            attempted >= opens_at,
            "attempted at {attempted}, the window opens at {opens_at}"
        );
        assert_eq!(row.queued(), None);
    }
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_for_a_scheduled_call_says_until_when() {
    let (sim, client) = common::start(Simulator::builder().time_scale(1.0).seed(20)).await;
    let at = Utc::now().with_timezone(&ist()) + chrono::Duration::days(2);
    let at = at.with_second(0).unwrap().with_nanosecond(0).unwrap();
    let placed = client
        .calls()
        .initiate(
            InitiateCallRequest::new(
                AgentId::new(demo::AGENT_ID),
                "Asha",
                PhoneNumber::parse("+919876543212").unwrap(),
                CallerSource::FromNumberId(NumberId::new(demo::NUMBER_ID)),
            )
            .call_config(
                CallConfig::default().call_time(
                    CallTime::window("00:00", "00:00", "Asia/Kolkata")
                        .scheduled_at(Timestamp::from_datetime(&at)),
                ),
            ),
        )
        .await
        .unwrap();
    let err = client
        .calls()
        .wait_for_terminal_with(&placed.call_id, common::fast_wait(Duration::from_secs(1)))
        .await
        .unwrap_err();
    let expected = format!(
        "queued until {} (scheduled, {} +05:30)",
        at.format("%H:%M"),
        at.format("%Y-%m-%d")
    );
    assert!(err.to_string().contains(&expected), "{err}");
    sim.shutdown().await;
}

/// A start in the past everywhere (a date left in an old script) is refused before the upload,
/// which Ringg would otherwise take and then refuse the campaign.
#[tokio::test]
async fn a_launch_whose_start_has_passed_everywhere_is_refused_before_uploading() {
    let (sim, client) = common::start(Simulator::builder().time_scale(0.001)).await;
    let csv = "Mobile Number,Name\n+919876543210,Asha\n";
    let request = |start: CampaignTime| {
        LaunchRequest::builder(AgentId::new(demo::AGENT_ID), CsvUpload::bytes(csv))
            .name("stale")
            .country_code("+91")
            .window(start, campaign_time(24 * 60))
            .caller(LargeCampaignCaller::NumberPool(NumberPoolId::new(
                demo::NUMBER_POOL_ID,
            )))
            .map_variable("callee_name", "Name")
            .build()
            .unwrap()
    };
    let before = sim.handle().stats().by_operation;
    let err = client
        .campaigns()
        .launch(request(campaign_time(-2 * 24 * 60)))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("in the past in every time zone"),
        "{err}"
    );
    let after = sim.handle().stats().by_operation;
    assert_eq!(
        after.get("saveCampaign"),
        before.get("saveCampaign"),
        "nothing was uploaded"
    );
    // A start ahead launches (and is counted where the refused one was not).
    client
        .campaigns()
        .launch(request(campaign_time(2)))
        .await
        .unwrap();
    let saved = sim
        .handle()
        .stats()
        .by_operation
        .get("saveCampaign")
        .copied();
    assert_eq!(
        saved,
        Some(before.get("saveCampaign").copied().unwrap_or(0) + 1)
    );
    // A start at the end of the calendar (a `CampaignTime` built from any date-time) is an
    // answer, not a panic.
    let last = chrono::NaiveDateTime::MAX - chrono::Duration::hours(1);
    let far = LaunchRequest::builder(AgentId::new(demo::AGENT_ID), CsvUpload::bytes(csv))
        .name("far")
        .country_code("+91")
        .window(
            CampaignTime::new(last),
            CampaignTime::new(chrono::NaiveDateTime::MAX),
        )
        .caller(LargeCampaignCaller::NumberPool(NumberPoolId::new(
            demo::NUMBER_POOL_ID,
        )))
        .map_variable("callee_name", "Name")
        .build()
        .unwrap();
    let _ = client.campaigns().launch(far).await;
    assert!(CampaignTime::parse("31/12/+262142, 23:00").is_err());
    sim.shutdown().await;
}
