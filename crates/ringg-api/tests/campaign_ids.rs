//! Launches where a campaign's id (`GET /campaign/all` `campaigns[].id`) is not its list's id.
//! Ringg does not say whether they are the same (API reference §1.9, §7 question 9); the
//! simulator uses one id for both, so these tests run it behind a proxy that gives
//! `/campaign/all` rows an id of their own, everything else unchanged.

mod common;
#[path = "common/rewrite.rs"]
mod rewrite;

use common::{OTHER_CSV, calls_of_list};

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rewrite::{Rewrite, rewriting_proxy};
use ringg_api::Client;
use ringg_api::ErrorKind;
use ringg_api::campaigns::{CampaignFlow, LaunchError, LaunchOutcome, PollOptions};
use ringg_api::journal::{Journal, MemoryJournal};

/// A different id for the campaign of list `id` (same length, first character changed).
fn campaign_id_of(id: &str) -> String {
    let first = if id.starts_with('c') { 'd' } else { 'c' };
    format!("{first}{}", &id[1..])
}

/// Hours to move the `created_at` of a list's campaign by, keyed by list id.
type Shifts = Arc<Mutex<HashMap<String, i64>>>;

/// Rewrites `campaigns[].id` of `GET …/campaign/all`, and moves a row's `created_at` by the
/// hours `shifts` gives its list.
fn campaign_ids(shifts: Shifts) -> Rewrite {
    Arc::new(move |_, path, v| {
        if !path.ends_with("/campaign/all") {
            return;
        }
        for row in v["campaigns"].as_array_mut().into_iter().flatten() {
            let id = row["id"].as_str().unwrap().to_owned();
            row["id"] = campaign_id_of(&id).into();
            let hours = shifts.lock().unwrap().get(&id).copied();
            if let Some(hours) = hours
                && let Some(at) = row["created_at"].as_str()
            {
                let at = chrono::DateTime::parse_from_rfc3339(at).unwrap()
                    + chrono::Duration::hours(hours);
                row["created_at"] = at.to_rfc3339().into();
            }
        }
    })
}

async fn simulator_behind_the_proxy() -> (ringg_sim::RunningSimulator, Client) {
    let (sim, client, _) = simulator_and_journal().await;
    (sim, client)
}

async fn simulator_and_journal() -> (ringg_sim::RunningSimulator, Client, Arc<dyn Journal>) {
    let (sim, client, journal, _) = simulator_with_shifts().await;
    (sim, client, journal)
}

async fn simulator_with_shifts() -> (
    ringg_sim::RunningSimulator,
    Client,
    Arc<dyn Journal>,
    Shifts,
) {
    let shifts = Shifts::default();
    let sim = ringg_sim::Simulator::builder()
        .time_scale(0.001)
        .seed(5)
        .start()
        .await
        .unwrap();
    let base = rewriting_proxy(&sim.base_url(), campaign_ids(shifts.clone())).await;
    let journal: Arc<dyn Journal> = Arc::new(MemoryJournal::new());
    let client = Client::builder()
        .ignore_env()
        .api_key(sim.api_key())
        .base_url(&base)
        .journal(journal.clone())
        .build()
        .unwrap();
    (sim, client, journal, shifts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_run_twice_uploads_and_starts_once() {
    let (sim, client) = simulator_behind_the_proxy().await;
    let name = "campaign id differs";
    let first = launch(&client, name, None).await.unwrap();
    let calls = sim.handle().calls().len();
    // The same launch once more sends nothing: it was started.
    let again = launch(&client, name, None).await.unwrap();
    assert_eq!(again.list_id, first.list_id);
    assert_eq!(sim.handle().list_ids().len(), 1, "uploaded once");
    assert_eq!(sim.handle().calls().len(), calls, "started once");
    // Resuming it finds it started too.
    let resumed = client
        .campaigns()
        .resume(&first.list_id, PollOptions::default())
        .await
        .unwrap();
    assert_eq!(resumed.list_id, first.list_id);
    assert_eq!(sim.handle().calls().len(), calls);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_whose_list_was_deleted_is_uploaded_again() {
    let (sim, client) = simulator_behind_the_proxy().await;
    let name = "campaign id differs, deleted";
    let first = launch(&client, name, None).await.unwrap();
    // Deleted once its calls have ended (the simulator runs a thousand times faster).
    let mut deleted = None;
    for _ in 0..200 {
        match client.calls().delete_contact_list(&first.list_id).await {
            Ok(d) => {
                deleted = Some(d);
                break;
            }
            Err(e) if e.status().is_some_and(|s| s.as_u16() == 400) => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert!(deleted.is_some(), "the list's calls ended within 10 s");
    let again = launch(&client, name, None).await.unwrap();
    assert_ne!(
        again.list_id, first.list_id,
        "a new list, as the old one is gone"
    );
    sim.shutdown().await;
}

/// The launch's error, which must say that its campaign cannot be told apart.
fn unverifiable(result: Result<LaunchOutcome, LaunchError>) -> LaunchError {
    match result {
        Err(e @ LaunchError::Failed { .. }) if matches!(&e, LaunchError::Failed { error, .. } if error.kind() == ErrorKind::Unverifiable) => {
            e
        }
        other => panic!("expected an unverifiable launch, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_launch_never_takes_a_same_named_launchs_started_campaign_for_its_own() {
    let (sim, client) = simulator_behind_the_proxy().await;
    let name = "daily reminders";
    // B uploads, and its start is refused for credits: its list stays a draft.
    sim.handle().set_credits(0.0);
    let b_list = match launch(&client, name, None).await {
        Err(LaunchError::Failed {
            list_id: Some(l), ..
        }) => l,
        other => panic!("B's start is refused after its upload: {other:?}"),
    };
    // C, another file of the same name and assistant, starts at once after.
    sim.handle().set_credits(1000.0);
    let c = launch(&client, name, Some(OTHER_CSV)).await.unwrap();
    let c_calls = calls_of_list(&sim, &c.list_id);
    // B again: two campaigns of its name were made when it uploaded, and neither has its
    // list's id. It must neither take C's started one for its own nor guess.
    let err = unverifiable(launch(&client, name, None).await);
    assert!(err.to_string().contains("cannot be told"), "{err}");
    assert_eq!(calls_of_list(&sim, &b_list), 0, "B's list was not started");
    assert_eq!(
        calls_of_list(&sim, &c.list_id),
        c_calls,
        "C's was not started again"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_started_launch_never_takes_a_same_named_draft_for_its_own() {
    let (sim, client) = simulator_behind_the_proxy().await;
    let name = "weekly follow-up";
    let b = launch(&client, name, None).await.unwrap();
    let b_calls = calls_of_list(&sim, &b.list_id);
    sim.handle().set_credits(0.0);
    let c = launch(&client, name, Some(OTHER_CSV)).await;
    assert!(c.is_err(), "C is refused for credits after its upload");
    sim.handle().set_credits(1000.0);
    unverifiable(launch(&client, name, None).await);
    assert_eq!(
        calls_of_list(&sim, &b.list_id),
        b_calls,
        "B's start was not sent again"
    );
    sim.shutdown().await;
}

/// A later run records its own, shorter wait in the entry; the window in which the launch's
/// campaign was created must not shrink with it, or a run after that would upload again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_later_runs_shorter_wait_does_not_make_the_launch_upload_again() {
    let (sim, client, journal) = simulator_and_journal().await;
    let name = "slow upload";
    let first = launch(&client, name, None).await.unwrap();
    let calls = sim.handle().calls().len();
    // As written by an uploader with a 40-minute attempt timeout whose upload, sent 30
    // minutes ago, was carried out just now (the campaign's creation time).
    let mut entry = journal
        .launch_for_list(&first.list_id)
        .await
        .unwrap()
        .unwrap();
    let now = chrono::Utc::now();
    entry.recorded_at = now - chrono::Duration::minutes(30);
    entry.updated_at = now - chrono::Duration::minutes(1);
    entry.settle_after = Some(std::time::Duration::from_secs(40 * 60));
    journal.put_launch(&entry).await.unwrap();
    for run in 2..=3 {
        launch(&client, name, None)
            .await
            .unwrap_or_else(|e| panic!("run {run}: {e}"));
        assert_eq!(sim.handle().list_ids().len(), 1, "run {run} uploaded again");
    }
    assert_eq!(sim.handle().calls().len(), calls, "started once");
    sim.shutdown().await;
}

/// Another launch of the same name made hours later is told apart by when its campaign was
/// made: the first launch run again finds its own and sends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_same_named_launch_hours_later_is_told_apart() {
    let (sim, client, _, shifts) = simulator_with_shifts().await;
    let name = "reminders";
    let a = launch(&client, name, None).await.unwrap();
    let b = launch(&client, name, Some(OTHER_CSV)).await.unwrap();
    // B's campaign dated three hours after A's.
    shifts.lock().unwrap().insert(b.list_id.to_string(), 3);
    let (lists, calls) = (sim.handle().list_ids().len(), sim.handle().calls().len());
    let again = launch(&client, name, None).await.unwrap();
    assert_eq!(again.list_id, a.list_id);
    assert_eq!(sim.handle().list_ids().len(), lists, "nothing uploaded");
    assert_eq!(sim.handle().calls().len(), calls, "nothing started");
    sim.shutdown().await;
}

/// The standard-flow launch of `name` from the usual contact file, or from `csv`.
async fn launch(
    client: &Client,
    name: &str,
    csv: Option<&'static str>,
) -> Result<LaunchOutcome, LaunchError> {
    let request = match csv {
        Some(csv) => common::launch_of(CampaignFlow::Standard, name, csv),
        None => common::launch(CampaignFlow::Standard, name),
    };
    client.campaigns().launch(request).await
}
