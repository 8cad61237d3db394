//! Settling a pending call initiation while its sender (another process) may still be at
//! work: the history search takes a while, and what it rules out is ruled out as of its
//! start; an outcome the sender records meanwhile is not overwritten with "not placed" (which
//! would let the recipient be called again).

mod common;
#[path = "common/hooked_journal.rs"]
mod hooked_journal;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use hooked_journal::HookedJournal;
use ringg_api::ErrorKind;
use ringg_api::journal::{
    CallEntry, CallIntent, CallOutcome, Journal, MemoryJournal, SqliteJournal,
};
use ringg_api::types::{AgentId, CallId};
use ringg_sim::{FaultConfig, RunningSimulator, Simulator, demo};

/// How long the simulator takes to answer each history page.
const SEARCH_MS: u64 = 1500;

/// A simulator whose history pages take [`SEARCH_MS`] to come back.
async fn slow_history() -> RunningSimulator {
    Simulator::builder()
        .time_scale(0.001)
        .seed(8)
        .faults(
            FaultConfig::parse(&format!(
                "op.listCallHistory=1:latency,latency-ms={SEARCH_MS}"
            ))
            .unwrap(),
        )
        .start()
        .await
        .unwrap()
}

/// A pending initiation to `to`, last updated `ago` before now, whose sender waits two seconds
/// for an answer.
fn pending(reference: &str, to: &str, ago: chrono::Duration) -> CallEntry {
    let at = Utc::now() - ago;
    let mut entry = CallEntry::new(CallIntent {
        reference: reference.into(),
        operation: "initiateCallV2".into(),
        agent_id: AgentId::new(demo::AGENT_ID),
        to_number: to.into(),
        caller: format!("number_pool_id:{}", demo::NUMBER_POOL_ID),
        recorded_at: at,
        settle_after: Some(Duration::from_secs(2)),
    });
    entry.updated_at = at;
    entry
}

fn settling_client(sim: &RunningSimulator, journal: Arc<dyn Journal>) -> ringg_api::Client {
    common::client_builder(sim)
        .journal(journal)
        .settle_after(Duration::from_secs(2))
        .build()
        .unwrap()
}

/// Two handles on one journal, as two processes have: the memory journal shared, or two
/// connections to one SQLite file.
fn journals(sqlite: Option<&std::path::Path>) -> (Arc<dyn Journal>, Arc<dyn Journal>) {
    match sqlite {
        None => {
            let j: Arc<dyn Journal> = Arc::new(MemoryJournal::new());
            (j.clone(), j)
        }
        Some(dir) => {
            let path = dir.join("journal.sqlite3");
            let open =
                || -> Arc<dyn Journal> { Arc::new(SqliteJournal::open(&path, "s").unwrap()) };
            (open(), open())
        }
    }
}

/// The initiation's request may be answered for 0.7 s more when the search begins, and the
/// search takes longer than that: a call made meanwhile could be missing from the pages read,
/// so it is not ruled out, by `settle_pending` or by `reconcile`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_begun_while_the_request_may_be_answered_rules_nothing_out() {
    let sim = slow_history().await;
    let journal: Arc<dyn Journal> = Arc::new(MemoryJournal::new());
    let entry = pending(
        "race-1",
        "+919800000071",
        chrono::Duration::milliseconds(1300),
    );
    journal.put_call(&entry).await.unwrap();
    let client = settling_client(&sim, journal.clone());

    let settled = client.calls().settle_pending().await.unwrap();
    assert_eq!(settled.len(), 1);
    let err = settled[0].result.as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooEarly, "{err}");
    let still = journal.call("race-1").await.unwrap().unwrap();
    assert!(!still.is_settled(), "{:?}", still.outcome);

    // The same for reconcile, once the entry is again 1.3 s old.
    journal
        .put_call(&pending(
            "race-1",
            "+919800000071",
            chrono::Duration::milliseconds(1300),
        ))
        .await
        .unwrap();
    let err = client.calls().reconcile("race-1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooEarly, "{err}");
}

/// While a settlement searches the history, the sender records the call as placed: the
/// settlement does not write "not placed" over it, and reports it placed. Then it records an
/// ambiguous failure, which its request may still follow: that stays pending.
async fn an_outcome_recorded_during_the_search_is_kept(sqlite: Option<&std::path::Path>) {
    let sim = slow_history().await;
    let (settler, sender) = journals(sqlite);
    let entry = pending("race-2", "+919800000072", chrono::Duration::hours(1));
    sender.put_call(&entry).await.unwrap();
    let client = settling_client(&sim, settler.clone());

    let record = |outcome: CallOutcome| {
        let (sender, mut entry) = (sender.clone(), entry.clone());
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            entry.outcome = Some(outcome);
            entry.updated_at = Utc::now();
            sender.put_call(&entry).await.unwrap();
        })
    };
    let placed = CallOutcome::Placed {
        call_id: CallId::new("c-sent-meanwhile"),
    };
    let writer = record(placed.clone());
    let settled = client.calls().settle_pending().await.unwrap();
    writer.await.unwrap();
    assert_eq!(settled.len(), 1);
    assert_eq!(settled[0].result.as_ref().unwrap(), &placed);
    let kept = settler.call("race-2").await.unwrap().unwrap();
    assert_eq!(kept.outcome.as_ref(), Some(&placed));

    // The journal says placed, the history does not show it: reconcile does not rule it out.
    let err = client.calls().reconcile("race-2").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unverifiable, "{err}");
    assert!(err.to_string().contains("c-sent-meanwhile"), "{err}");

    sender.put_call(&entry).await.unwrap();
    let writer = record(CallOutcome::Unknown {
        reason: "the connection closed before an answer".into(),
    });
    let settled = client.calls().settle_pending().await.unwrap();
    writer.await.unwrap();
    let err = settled[0].result.as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooEarly, "{err}");
    let kept = settler.call("race-2").await.unwrap().unwrap();
    assert!(
        matches!(kept.outcome, Some(CallOutcome::Unknown { .. })),
        "{:?}",
        kept.outcome
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outcome_recorded_during_the_search_is_kept_in_memory() {
    an_outcome_recorded_during_the_search_is_kept(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outcome_recorded_during_the_search_is_kept_in_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    an_outcome_recorded_during_the_search_is_kept(Some(dir.path())).await;
}

/// The comparison itself: written over the record seen, not over one written since.
#[tokio::test]
async fn put_call_if_unchanged_writes_over_the_record_seen_only() {
    let dir = tempfile::tempdir().unwrap();
    for sqlite in [None, Some(dir.path())] {
        let (a, b) = journals(sqlite);
        let seen = pending("cas-1", "+919800000073", chrono::Duration::hours(1));
        a.put_call(&seen).await.unwrap();
        let mut not_placed = seen.clone();
        not_placed.outcome = Some(CallOutcome::NotPlaced);
        not_placed.updated_at = Utc::now();
        let mut placed = seen.clone();
        placed.outcome = Some(CallOutcome::Placed {
            call_id: CallId::new("c-1"),
        });
        placed.updated_at = Utc::now();
        assert!(b.put_call_if_unchanged(&placed, &seen).await.unwrap());
        assert!(!a.put_call_if_unchanged(&not_placed, &seen).await.unwrap());
        assert_eq!(
            a.call("cas-1").await.unwrap().unwrap().outcome,
            placed.outcome
        );
        // Never recorded: nothing to write over.
        let other = pending("cas-2", "+919800000074", chrono::Duration::hours(1));
        assert!(!a.put_call_if_unchanged(&other, &other).await.unwrap());
        assert!(a.call("cas-2").await.unwrap().is_none());
    }
}

/// The sender's answer is lost and it later records an ambiguous failure, while a settlement
/// whose search found the call is writing: the call is settled as placed all the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_found_while_its_sender_records_a_failure_is_settled_as_placed() {
    let sim = slow_history().await;
    let journal: Arc<dyn Journal> = Arc::new(MemoryJournal::new());
    let sender = common::client_builder(&sim)
        .journal(journal.clone())
        .build()
        .unwrap();
    let placed = sender
        .calls()
        .initiate(common::pool_call("+919800000075"))
        .await
        .unwrap();
    // As if its answer had been lost: pending.
    let mut entry = journal.call(&placed.reference).await.unwrap().unwrap();
    entry.outcome = None;
    journal.put_call(&entry).await.unwrap();
    let writer = {
        let (journal, mut entry) = (journal.clone(), entry.clone());
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            entry.outcome = Some(CallOutcome::Unknown {
                reason: "the connection closed before an answer".into(),
            });
            entry.updated_at = Utc::now();
            journal.put_call(&entry).await.unwrap();
        })
    };
    let settled = settling_client(&sim, journal.clone())
        .calls()
        .settle_pending()
        .await
        .unwrap();
    writer.await.unwrap();
    let expected = CallOutcome::Placed {
        call_id: placed.call_id.clone(),
    };
    assert_eq!(settled[0].result.as_ref().unwrap(), &expected);
    let kept = journal.call(&placed.reference).await.unwrap().unwrap();
    assert_eq!(kept.outcome, Some(expected));
}

/// An entry that is gone when the journal is read again after the search still tells how
/// long its request may be answered: the call is not ruled out by its reference alone (one of
/// the caller's own records no time).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_gone_after_the_search_still_holds_its_wait() {
    let sim = slow_history().await;
    let journal = Arc::new(HookedJournal {
        calls_shown_once: true,
        ..HookedJournal::default()
    });
    let mut entry = pending("order-1", "+919800000076", chrono::Duration::zero());
    entry.intent.settle_after = Some(Duration::from_secs(600));
    journal.put_call(&entry).await.unwrap();
    let client = settling_client(&sim, journal);
    let err = client.calls().reconcile("order-1").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooEarly, "{err}");
}
