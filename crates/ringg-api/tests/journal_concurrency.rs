//! Two clients with their own connections to one SQLite journal file (as two processes have)
//! calling one recipient at once, or running one campaign launch at once: the check of the
//! journal and its write are one step, so exactly one call is sent (one list uploaded and
//! started) and the other run is refused, saying why.

mod common;

use std::sync::Arc;

use common::{calls_to, campaigns_named, launch, pool_call as call};
use ringg_api::ErrorKind;
use ringg_api::campaigns::{CampaignFlow, LaunchResponses};
use ringg_api::journal::{
    Journal, LaunchEntry, LaunchKey, LaunchStage, MemoryJournal, PlannedStart, SqliteJournal,
};
use ringg_api::types::campaigns::StartCampaignV2Request;
use ringg_api::types::{AgentId, ListId, NumberPoolId};
use ringg_sim::{FaultConfig, RunningSimulator, Simulator};

/// A simulator whose answers to `op` take 300 ms, and a folder for a journal file.
async fn slow_simulator(seed: u64, op: &str) -> (RunningSimulator, tempfile::TempDir) {
    let sim = Simulator::builder()
        .time_scale(0.001)
        .seed(seed)
        .faults(FaultConfig::parse(&format!("op.{op}=1:latency,latency-ms=300")).unwrap())
        .start()
        .await
        .unwrap();
    (sim, tempfile::tempdir().unwrap())
}

/// A client for `sim` with its own connection to the journal file in `dir`, as a process has.
fn shared_journal_client(sim: &RunningSimulator, dir: &std::path::Path) -> ringg_api::Client {
    let journal: Arc<dyn Journal> =
        Arc::new(SqliteJournal::open(dir.join("journal.sqlite3"), "shared").unwrap());
    common::client_builder(sim)
        .journal(journal)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clients_calling_one_recipient_at_once_send_one_call() {
    // Each answer takes a while, so the second call is tried while the first is in flight.
    let (sim, dir) = slow_simulator(6, "initiateCallV2").await;
    let client = || shared_journal_client(&sim, dir.path());
    for round in 0..5 {
        let to = format!("+91980000070{round}");
        let (a, b) = (client(), client());
        let (calls_a, calls_b) = (a.calls(), b.calls());
        let (ra, rb) = tokio::join!(
            calls_a.initiate_unless_pending(call(&to)),
            calls_b.initiate_unless_pending(call(&to)),
        );
        let (sent, refused): (Vec<_>, Vec<_>) = [ra, rb].into_iter().partition(Result::is_ok);
        assert_eq!(sent.len(), 1, "round {round}: {refused:?}");
        let err = refused.into_iter().next().unwrap().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
        assert!(err.to_string().contains("is not settled"), "{err}");
        // It names the call in the way, and says what to do.
        assert!(err.client_reference().is_some(), "{err}");
        assert!(err.hint().unwrap().contains("settle"), "{err}");
        assert_eq!(calls_to(&sim, &to).len(), 1, "round {round}");
    }
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_launch_run_twice_at_once_uploads_one_list() {
    // The upload takes a while, so the second run reads the journal while it is in flight.
    let (sim, dir) = slow_simulator(7, "saveCampaign").await;
    let client = || shared_journal_client(&sim, dir.path());
    for round in 0..3 {
        let name = format!("run twice at once {round}");
        let (a, b) = (client(), client());
        let (campaigns_a, campaigns_b) = (a.campaigns(), b.campaigns());
        let (ra, rb) = tokio::join!(
            campaigns_a.launch(launch(CampaignFlow::Standard, &name)),
            campaigns_b.launch(launch(CampaignFlow::Standard, &name)),
        );
        let (launched, refused): (Vec<_>, Vec<_>) = [ra, rb].into_iter().partition(Result::is_ok);
        assert_eq!(launched.len(), 1, "round {round}: {refused:?}");
        let err = refused.into_iter().next().unwrap().unwrap_err();
        assert_eq!(
            err.error().map(|e| e.kind()),
            Some(ErrorKind::TooEarly),
            "{err}"
        );
        let statuses = campaigns_named(&a, &name).await;
        assert_eq!(
            statuses.len(),
            1,
            "round {round}: one list, got {statuses:?}"
        );
        assert_ne!(statuses[0], "draft", "round {round}: started");
        // Run once more: it was started, nothing is sent.
        let again = client()
            .campaigns()
            .launch(launch(CampaignFlow::Standard, &name))
            .await
            .unwrap();
        let LaunchResponses::Resumed(r) = &again.responses else {
            panic!("{:?}", again.responses)
        };
        assert!(r.already_started(), "round {round}");
        assert_eq!(campaigns_named(&a, &name).await.len(), 1, "round {round}");
    }
    sim.shutdown().await;
}

/// `put_launch_if_unchanged` writes only over the record the run saw, and a run that holds an
/// older record learns that it was overtaken.
async fn writes_only_over_the_record_it_saw(journal: &dyn Journal) {
    let agent = AgentId::new("agent");
    let now = chrono::Utc::now();
    let first = LaunchEntry {
        key: LaunchKey {
            csv_digest: "digest".into(),
            name: "launch".into(),
            agent_id: agent.clone(),
        },
        list_id: None,
        stage: LaunchStage::Uploading,
        start: PlannedStart::Start(StartCampaignV2Request::new(
            agent,
            ListId::new(""),
            NumberPoolId::new("pool"),
        )),
        note: None,
        recorded_at: now,
        updated_at: now,
        settle_after: None,
    };
    assert!(journal.put_launch_if_unchanged(&first, None).await.unwrap());
    // A second run that saw no record is too late.
    let mut rival = first.clone().at(LaunchStage::Uploading);
    rival.recorded_at = rival.updated_at;
    assert!(!journal.put_launch_if_unchanged(&rival, None).await.unwrap());
    let mut uploaded = first.clone().at(LaunchStage::Uploaded);
    uploaded.list_id = Some(ListId::new("list-1"));
    assert!(
        journal
            .put_launch_if_unchanged(&uploaded, Some(&first))
            .await
            .unwrap()
    );
    // A run still holding the first record is overtaken, and writes nothing.
    let stale = first.clone().at(LaunchStage::Starting);
    assert!(
        !journal
            .put_launch_if_unchanged(&stale, Some(&first))
            .await
            .unwrap()
    );
    assert_eq!(journal.launch(&first.key).await.unwrap(), Some(uploaded));
}

#[tokio::test]
async fn a_launch_step_is_written_only_over_the_record_it_saw() {
    writes_only_over_the_record_it_saw(&MemoryJournal::new()).await;
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteJournal::open(dir.path().join("journal.sqlite3"), "scope").unwrap();
    writes_only_over_the_record_it_saw(&sqlite).await;
}
