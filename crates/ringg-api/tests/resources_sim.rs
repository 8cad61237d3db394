//! The resource groups end to end over real HTTP (loopback) against the embedded simulator:
//! campaign launch in both flows, webhook subscription merging, termination in chunks,
//! knowledge bases, and analytics.

mod common;

use std::time::Duration;

use chrono::Utc;
use futures::TryStreamExt;
use ringg_api::Client;
use ringg_api::campaigns::{CampaignFlow, CsvUpload, LaunchRequest, LaunchResponses, PollOptions};
use ringg_api::knowledge_bases::KbFile;
use ringg_api::termination::is_nothing_to_terminate;
use ringg_api::types::analytics::AnalyticsQuery;
use ringg_api::types::calls::{
    CallConfig, CallStatus, CallTime, CallerSource, InitiateCallRequest,
};
use ringg_api::types::campaigns::{CampaignTime, LargeCampaignCaller, ListCampaignsQuery};
use ringg_api::types::common::Timestamp;
use ringg_api::types::knowledge_base::{CreateKbForm, EditKbForm, Faq};
use ringg_api::types::termination::TerminateRequest;
use ringg_api::types::webhook::{EventSubscription, EventType};
use ringg_api::types::{AgentId, CallId, NumberId, NumberPoolId, PhoneNumber};
use ringg_sim::{RunningSimulator, Simulator, demo};

async fn start(history_rows: usize) -> (RunningSimulator, Client) {
    common::start(
        Simulator::builder()
            .time_scale(0.001)
            .seed(11)
            .history_rows(history_rows),
    )
    .await
}

/// Now in Asia/Kolkata (UTC+05:30, no daylight saving), the default campaign time zone.
fn ist_in(minutes: i64) -> CampaignTime {
    CampaignTime::new(Utc::now().naive_utc() + chrono::Duration::minutes(330 + minutes))
}

fn fast_poll() -> PollOptions {
    PollOptions {
        initial_interval: Duration::from_millis(10),
        max_interval: Duration::from_millis(50),
        multiplier: 1.5,
        timeout: Duration::from_secs(30),
    }
}

const CSV: &str = "Mobile Number,Name,Company\n+919876543210,Asha,Acme\n+919876543211,Ravi,Acme\nnot-a-number,Broken,Acme\n";

fn launch_request(flow: CampaignFlow) -> LaunchRequest {
    LaunchRequest::builder(AgentId::new(demo::AGENT_ID), CsvUpload::bytes(CSV))
        .name(format!("{flow:?} launch"))
        .country_code("+91")
        .window(ist_in(2), ist_in(8 * 60))
        .caller(LargeCampaignCaller::NumberPool(NumberPoolId::new(
            demo::NUMBER_POOL_ID,
        )))
        .build()
        .unwrap()
        .map_variable("callee_name", "Name")
        .map_variable("company_name", "Company")
        .flow(flow)
        .upload_poll(fast_poll())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launch_standard_flow_end_to_end() {
    let (sim, client) = start(0).await;
    let outcome = client
        .campaigns()
        .launch(launch_request(CampaignFlow::Standard))
        .await
        .unwrap();
    assert_eq!(outcome.flow, CampaignFlow::Standard);
    assert_eq!(outcome.report.valid_rows, 2);
    assert!(
        outcome.report.warnings.is_empty(),
        "{:?}",
        outcome.report.warnings
    );
    let LaunchResponses::Standard { saved, .. } = &outcome.responses else {
        panic!("standard responses")
    };
    assert_eq!(saved.successful_rows, Some(2));

    let campaigns: Vec<_> = client
        .campaigns()
        .stream(ListCampaignsQuery::default())
        .try_collect()
        .await
        .unwrap();
    let ours = campaigns
        .iter()
        .find(|c| c.id == outcome.list_id)
        .expect("the launched campaign is listed");
    let status = ours.campaign_status.as_ref().unwrap().as_str().to_string();
    assert!(
        ["scheduled", "ongoing", "running", "completed"].contains(&status.as_str()),
        "{status}"
    );

    // Starting the same list again is refused by the server, not resent by the client.
    let again = client
        .campaigns()
        .start(&ringg_api::types::campaigns::StartCampaignV2Request::new(
            AgentId::new(demo::AGENT_ID),
            outcome.list_id.clone(),
            NumberPoolId::new(demo::NUMBER_POOL_ID),
        ))
        .await
        .unwrap_err();
    assert_eq!(again.status().map(|s| s.as_u16()), Some(400), "{again}");

    match client
        .termination()
        .terminate(&TerminateRequest::ByCampaign {
            campaign_id: outcome.list_id.clone(),
        })
        .await
    {
        Ok(_) => {}
        Err(e) => assert!(is_nothing_to_terminate(&e), "{e}"),
    }
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launch_large_flow_end_to_end() {
    let (sim, client) = start(0).await;
    let mut req = launch_request(CampaignFlow::Large);
    req.concurrency_percentage = Some(50);
    let outcome = client.campaigns().launch(req).await.unwrap();
    assert_eq!(outcome.flow, CampaignFlow::Large);
    let LaunchResponses::Large(large) = &outcome.responses else {
        panic!("large responses")
    };
    assert!(large.status.is_finished(), "{:?}", large.status);
    assert_ne!(large.balance.is_sufficient(), Some(false));
    assert_eq!(
        large.scheduled.status.as_ref().map(|s| s.as_str()),
        Some("scheduled")
    );
    // make-call-async is not idempotent: a second start for the same list is refused.
    let mut again = ringg_api::types::campaigns::MakeCallAsyncRequest::new(
        outcome.list_id.clone(),
        AgentId::new(demo::AGENT_ID),
        LargeCampaignCaller::NumberPool(NumberPoolId::new(demo::NUMBER_POOL_ID)),
    );
    again.country_code = Some("+91".into());
    assert!(client.campaigns().start_large(&again).await.is_err());
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launch_stops_on_insufficient_balance() {
    let (sim, client) = start(0).await;
    sim.handle().set_credits(0.0);
    let e = client
        .campaigns()
        .launch(launch_request(CampaignFlow::Large))
        .await
        .unwrap_err();
    assert_eq!(
        e.step(),
        Some(ringg_api::campaigns::LaunchStep::CheckBalance),
        "{e}"
    );
    assert!(e.list_id().is_some());
    assert!(e.to_string().contains("not enough credits"), "{e}");
    let hint = e
        .error()
        .and_then(ringg_api::Error::hint)
        .unwrap_or_default();
    assert!(hint.contains("top up the workspace"), "{hint}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_row_is_reported_at_its_line_by_the_preflight_and_the_simulator() {
    // A blank line and a quoted line break come before the bad row, on line 6; saved with
    // Unix line ends and with Windows ones.
    const ODD: &str = "Mobile Number,Name,Company\n+919876543210,Asha,Acme\n\n\
                       +919876543211,\"Ravi\nKumar\",Beta\nnot-a-number,X,Y\n";
    let (sim, client) = start(0).await;
    for csv in [ODD.to_string(), ODD.replace('\n', "\r\n")] {
        let request = LaunchRequest::builder(AgentId::new(demo::AGENT_ID), CsvUpload::bytes(csv))
            .name("odd lines")
            .country_code("+91")
            .window(ist_in(2), ist_in(8 * 60))
            .caller(LargeCampaignCaller::NumberPool(NumberPoolId::new(
                demo::NUMBER_POOL_ID,
            )))
            .build()
            .unwrap();
        let report = client
            .campaigns()
            .preflight(&request.csv, Default::default())
            .await
            .unwrap();
        let lines: Vec<u64> = report.issues.iter().map(|i| i.line).collect();
        assert_eq!(lines, [6], "{report:?}");
        let mut form = request.campaign.clone();
        form.remove_invalid_rows = Some(false);
        let e = client
            .campaigns()
            .save(&form, request.csv.clone())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("CSV line(s) 6;"), "{e}");
    }
    sim.shutdown().await;
}

/// A quote opened and never closed takes every later line into one field: the simulator (as
/// Ringg) would import one contact holding the others in a variable. The launch is refused
/// before anything is uploaded, naming the lines.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_of_a_file_with_a_quote_never_closed_uploads_nothing() {
    const FILE: &str = "Mobile Number,Name,Company\n\
                        +919876500401,Asha,\"Acme\n\
                        +919876500402,Ravi,Acme\n\
                        +919876500403,Meera,Acme\n";
    let (sim, client) = start(0).await;
    let request = common::launch_of(CampaignFlow::Standard, "unclosed quote", FILE);
    let e = client.campaigns().launch(request).await.unwrap_err();
    assert!(e.list_id().is_none(), "{e}");
    assert!(e.to_string().contains("lines 2-4"), "{e}");
    let listed = client.campaigns().list(&Default::default()).await.unwrap();
    assert!(
        listed
            .campaigns
            .iter()
            .all(|c| c.name.as_deref() != Some("unclosed quote")),
        "nothing uploaded"
    );
    sim.shutdown().await;
}

/// A file replaced between its check and its launch is not launched in the checked one's
/// place: with the checked digest expected, the launch is refused and nothing uploaded; the
/// file as it is now launches once its own digest is expected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_changed_after_its_check_is_refused_by_the_launch_expecting_the_checked_one() {
    const CHECKED: &str = "Mobile Number,Name,Company\n+919876500501,Asha,Acme\n";
    const REPLACED: &str = "Mobile Number,Name,Company\n+14155550100,Someone,Else\n";
    let (sim, client) = start(0).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("contacts.csv");
    std::fs::write(&path, CHECKED).unwrap();
    let checked = CsvUpload::path(&path).digest().await.unwrap();
    std::fs::write(&path, REPLACED).unwrap();

    let mut request = common::launch_of(CampaignFlow::Standard, "replaced file", CHECKED);
    request.csv = CsvUpload::path(&path).expecting_digest(checked.clone());
    let e = client.campaigns().launch(request).await.unwrap_err();
    assert!(e.list_id().is_none(), "{e}");
    assert!(
        e.to_string().contains("changed after it was checked"),
        "{e}"
    );
    assert!(e.to_string().contains(&checked), "{e}");
    assert!(
        common::campaigns_named(&client, "replaced file")
            .await
            .is_empty()
    );

    let now = CsvUpload::path(&path).digest().await.unwrap();
    let mut request = common::launch_of(CampaignFlow::Standard, "replaced file", CHECKED);
    request.csv = CsvUpload::path(&path).expecting_digest(now.to_uppercase());
    // As written: the bytes read for the digest are the bytes sent.
    let launched = client
        .campaigns()
        .launch(request.upload_as_written(true))
        .await
        .unwrap();
    assert_eq!(launched.report.valid_rows, 1);
    assert_eq!(
        common::campaigns_named(&client, "replaced file")
            .await
            .len(),
        1
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_webhooks_merges_with_the_existing_list() {
    let (sim, client) = start(0).await;
    let agent = AgentId::new(demo::AGENT_ID);
    let a = client.assistants();
    a.subscribe_webhooks(
        &agent,
        vec![EventSubscription::new(
            vec![EventType::CallCompleted, EventType::RecordingCompleted],
            "http://127.0.0.1:9/first",
        )],
    )
    .await
    .unwrap();
    a.subscribe_webhooks(
        &agent,
        vec![EventSubscription::new(
            vec![EventType::AllProcessingCompleted],
            "http://127.0.0.1:9/second",
        )],
    )
    .await
    .unwrap();
    a.subscribe_webhooks(
        &agent,
        vec![EventSubscription::new(
            vec![EventType::CallCompleted],
            "http://127.0.0.1:9/third",
        )],
    )
    .await
    .unwrap();
    let details = a.get(&agent).await.unwrap();
    let subs = details.event_subscriptions().unwrap();
    let by_url: Vec<(&str, Vec<&str>)> = subs
        .iter()
        .map(|s| {
            (
                s.callback_url.as_str(),
                s.event_types().iter().map(|t| t.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        by_url,
        vec![
            ("http://127.0.0.1:9/first", vec!["recording_completed"]),
            (
                "http://127.0.0.1:9/second",
                vec!["all_processing_completed"]
            ),
            ("http://127.0.0.1:9/third", vec!["call_completed"]),
        ]
    );
    // Nothing subscribed there: a not-found, and nothing is written.
    let e = a
        .unsubscribe_webhooks(&agent, "http://127.0.0.1:9/nowhere", &[])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ringg_api::ErrorKind::NotFound, "{e}");
    assert!(e.is_not_found() && e.status().is_none(), "{e}");
    assert!(e.to_string().contains("has no subscription"), "{e}");
    assert_eq!(
        a.get(&agent)
            .await
            .unwrap()
            .event_subscriptions()
            .unwrap()
            .len(),
        3
    );
    a.edit_event_subscriptions(&agent, vec![]).await.unwrap();
    let details = a.get(&agent).await.unwrap();
    assert!(details.event_subscriptions().unwrap_or_default().is_empty());
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminate_more_than_100_queued_calls_in_chunks() {
    let (sim, client) = start(0).await;
    let tomorrow = Timestamp::from_datetime(&(Utc::now() + chrono::Duration::days(1)));
    let mut ids: Vec<CallId> = Vec::new();
    for i in 0..105u32 {
        let placed = client
            .calls()
            .initiate(
                InitiateCallRequest::new(
                    AgentId::new(demo::AGENT_ID),
                    format!("Contact {i}"),
                    PhoneNumber::parse(&format!("+9198{:08}", 10_000 + i)).unwrap(),
                    CallerSource::FromNumberId(NumberId::new(demo::NUMBER_ID)),
                )
                .call_config(
                    CallConfig::default().call_time(
                        CallTime::window("00:00", "23:59", "Asia/Kolkata")
                            .scheduled_at(tomorrow.clone()),
                    ),
                ),
            )
            .await
            .unwrap();
        ids.push(placed.call_id);
    }
    let single = client
        .termination()
        .terminate(&TerminateRequest::ByCallIds {
            call_ids: ids.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(single.kind(), ringg_api::ErrorKind::InvalidInput);

    let out = client
        .termination()
        .terminate_all_in_chunks(&TerminateRequest::ByCallIds {
            call_ids: ids.clone(),
        })
        .await
        .unwrap();
    assert_eq!(out.chunks.len(), 2);
    assert!(out.is_success(), "{:?}", out.chunks);
    for id in [&ids[0], &ids[99], &ids[104]] {
        let d = client.calls().details(id, false).await.unwrap();
        assert_eq!(d.call_status, Some(CallStatus::Cancelled), "{id}");
    }
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn knowledge_base_round_trip() {
    let (sim, client) = start(0).await;
    let kbs = client.knowledge_bases();
    let mut form = CreateKbForm::new("Renewal policy");
    form.urls = vec!["https://example.com/renewals".into()];
    form.faqs = vec![Faq::new("Grace period?", "30 days.")];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terms.txt");
    std::fs::write(&path, "Policies renew yearly.").unwrap();
    let created = kbs
        .create(
            &form,
            vec![
                KbFile::path(&path),
                KbFile::bytes("extra.txt", "More terms."),
            ],
        )
        .await
        .unwrap();
    let kb_id = created.kb_id.unwrap();
    let details = kbs.get(&kb_id).await.unwrap();
    assert_eq!(details.kb_name.as_deref(), Some("Renewal policy"));
    let files = details.files.clone().unwrap_or_default();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(kbs.list().await.unwrap().iter().any(|k| k.kb_id == kb_id));

    let mut edit = EditKbForm::new(kb_id.clone());
    edit.new_faqs = vec![Faq::new("Who to call?", "Your agent.")];
    edit.urls_to_remove = vec!["https://example.com/renewals".into()];
    let edited = kbs
        .edit(&edit, vec![KbFile::bytes("addendum.txt", "Addendum.")])
        .await
        .unwrap();
    assert_eq!(edited.kb_id.as_ref(), Some(&kb_id));

    kbs.delete(&kb_id).await.unwrap();
    let gone = kbs.get(&kb_id).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analytics_over_seeded_history() {
    let (sim, client) = start(30).await;
    let today = Utc::now().date_naive();
    let q = AnalyticsQuery::between(today - chrono::Duration::days(10), today);
    let platform = client.analytics().platform(&q).await.unwrap();
    let total = platform.metrics_summary.as_ref().unwrap()["total_calls"]
        .as_u64()
        .unwrap();
    assert_eq!(total, 30);
    let numbers = client.analytics().numbers(&q).await.unwrap();
    assert!(!numbers.number_analytics.as_ref().unwrap().is_empty());
    let durations = client.analytics().durations(&q).await.unwrap();
    let buckets: u64 = durations
        .duration_distribution
        .as_ref()
        .unwrap()
        .as_object()
        .unwrap()
        .values()
        .filter_map(|v| v.as_u64())
        .sum();
    assert!(buckets > 0 && buckets <= 30, "{buckets}");
    client.analytics().classification(&q).await.unwrap();
    // no date given: the client fills the last 30 days
    let defaulted = client
        .analytics()
        .platform(&AnalyticsQuery::default())
        .await
        .unwrap();
    assert_eq!(
        defaulted.metrics_summary.as_ref().unwrap()["total_calls"].as_u64(),
        Some(30)
    );
    sim.shutdown().await;
}
