//! The fault suite: call initiations and pagination against the simulator with 20% injected
//! faults of every kind, including connection resets after the request was processed.
//!
//! At the end the simulator's own record and the client's results must agree: every call
//! placed is known to the client (directly or by reconcile), no recipient was called twice,
//! and no call the client reported as placed is missing.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use futures::TryStreamExt;
use ringg_api::calls::{CLIENT_REFERENCE_KEY, ReconcileQuery, new_client_reference};
use ringg_api::transport::layers::{RetryBudget, RetryPolicy};
use ringg_api::types::calls::{CallHistoryQuery, CallerSource, InitiateCallRequest};
use ringg_api::types::common::Timestamp;
use ringg_api::types::{AgentId, CallId, NumberId, PhoneNumber};
use ringg_api::{Client, Error, ErrorKind};
use ringg_sim::{FaultConfig, FaultKind, Simulator, demo};
use tokio::sync::Semaphore;

const CALLS: usize = 2_000;
const IN_FLIGHT: usize = 64;

fn faulty_sim(seed: u64) -> ringg_sim::SimulatorBuilder {
    Simulator::builder()
        .seed(seed)
        .time_scale(1.0) // calls stay queued; the suite is about initiation, not outcomes
        .credits(10_000_000.0)
        .faults(
            FaultConfig::new(0.2, FaultKind::ALL)
                .with_seed(seed)
                .with_latency(Duration::from_millis(10)),
        )
}

fn client(sim: &ringg_sim::RunningSimulator, max_retries: u32) -> Client {
    common::client_builder(sim)
        .retry_policy(RetryPolicy {
            max_retries,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(50),
            ..RetryPolicy::default()
        })
        .retry_budget(RetryBudget::new(1_000_000, 1.0))
        .total_timeout(Duration::from_secs(60))
        // The simulator answers (or drops) a request before the client sees the outcome, so a
        // short wait before ruling a call out is enough here.
        .settle_after(Duration::from_millis(300))
        .build()
        .unwrap()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum HowKnown {
    Direct,
    Reconciled,
}

/// Places one call the way the SDK documents: on any failure that leaves the outcome open,
/// reconcile before trying again, with the same reference.
async fn place_exactly_once(client: &Client, to: String) -> Result<(CallId, HowKnown, u32), Error> {
    let reference = new_client_reference();
    let since = Timestamp::from_datetime(&(chrono::Utc::now() - chrono::Duration::seconds(5)));
    let mut placements = 0u32;
    for _ in 0..30 {
        let req = InitiateCallRequest::new(
            AgentId::new(demo::AGENT_ID),
            "Fault Suite",
            PhoneNumber::parse(&to).unwrap(),
            CallerSource::FromNumberId(NumberId::new(demo::NUMBER_ID)),
        )
        .custom_arg(CLIENT_REFERENCE_KEY, reference.clone());
        placements += 1;
        match client.calls().initiate(req).await {
            Ok(placed) => return Ok((placed.call_id, HowKnown::Direct, placements)),
            Err(e) if e.is_outcome_unknown() || e.is_retryable() => {
                // Ask the server what happened; reconcile itself can hit faults, so ask again
                // until it answers. A call it cannot see yet is not ruled out until the
                // request's time is up (`settle_after`): wait and ask again.
                let mut answer = None;
                for _ in 0..100 {
                    match client
                        .calls()
                        .reconcile(
                            ReconcileQuery::new(reference.clone())
                                .agent_id(AgentId::new(demo::AGENT_ID))
                                .to_number(to.clone())
                                .since(since.clone()),
                        )
                        .await
                    {
                        Ok(found) => {
                            answer = Some(found);
                            break;
                        }
                        Err(e) if e.kind() == ErrorKind::TooEarly => {
                            tokio::time::sleep(Duration::from_millis(25)).await;
                        }
                        Err(_) => continue,
                    }
                }
                match answer.expect("reconcile answered within 100 tries") {
                    Some(row) => return Ok((row.id, HowKnown::Reconciled, placements)),
                    None => continue, // not placed: safe to place again
                }
            }
            Err(e) => return Err(e),
        }
    }
    panic!("could not place a call to {to} in 30 tries");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_calls_under_faults_no_duplicates_no_losses() {
    let sim = faulty_sim(20261128).start().await.unwrap();
    let client = client(&sim, 2);
    let gate = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut tasks = Vec::with_capacity(CALLS);
    for i in 0..CALLS {
        let client = client.clone();
        let gate = gate.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await.unwrap();
            let to = format!("+9190{i:08}");
            let r = place_exactly_once(&client, to.clone()).await;
            (to, r)
        }));
    }
    let mut known: HashMap<String, CallId> = HashMap::new();
    let mut how: HashMap<HowKnown, usize> = HashMap::new();
    let mut extra_placements = 0u32;
    for t in tasks {
        let (to, r) = t.await.unwrap();
        let (id, h, placements) = r.unwrap_or_else(|e| panic!("{to}: {e}"));
        *how.entry(h).or_default() += 1;
        extra_placements += placements - 1;
        assert!(known.insert(to, id).is_none());
    }

    let stats = sim.handle().stats();
    let sim_calls = sim.handle().calls();
    let mut per_recipient: HashMap<&str, usize> = HashMap::new();
    for c in &sim_calls {
        *per_recipient.entry(c.to_number.as_str()).or_default() += 1;
    }
    let twice: Vec<_> = per_recipient.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "recipients called more than once: {twice:?}"
    );

    let sim_ids: HashSet<&str> = sim_calls.iter().map(|c| c.id.as_str()).collect();
    let client_ids: HashSet<&str> = known.values().map(|c| c.as_str()).collect();
    let unknown_to_client: Vec<_> = sim_ids.difference(&client_ids).collect();
    let missing_on_server: Vec<_> = client_ids.difference(&sim_ids).collect();
    assert!(
        unknown_to_client.is_empty(),
        "placed but unknown to the client: {unknown_to_client:?}"
    );
    assert!(
        missing_on_server.is_empty(),
        "reported placed but missing: {missing_on_server:?}"
    );
    assert_eq!(sim_calls.len(), CALLS);

    // The suite is only meaningful if every kind of fault, resets after processing included,
    // actually happened.
    println!(
        "faults injected: {:?}; known directly {}, by reconcile {}, re-placed after a confirmed miss {}",
        stats.faults,
        how.get(&HowKnown::Direct).copied().unwrap_or(0),
        how.get(&HowKnown::Reconciled).copied().unwrap_or(0),
        extra_placements
    );
    for kind in FaultKind::ALL {
        assert!(
            stats.faults.get(&kind).copied().unwrap_or(0) > 0,
            "no {} fault was injected: {:?}",
            kind.as_str(),
            stats.faults
        );
    }
    assert!(how.get(&HowKnown::Reconciled).copied().unwrap_or(0) > 0);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paginating_ten_thousand_rows_under_faults_returns_each_row_once() {
    let sim = faulty_sim(7).history_rows(10_000).start().await.unwrap();
    let client = client(&sim, 8);
    let ids: Vec<String> = client
        .calls()
        .history_stream(CallHistoryQuery::default())
        .map_ok(|r| r.id.to_string())
        .try_collect()
        .await
        .unwrap();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "a row came back twice");
    let expected = sim.handle().calls().len();
    assert_eq!(ids.len(), expected, "rows lost");
    assert!(expected >= 10_000);
    let stats = sim.handle().stats();
    assert!(stats.faults_total() > 0, "no faults were injected");
    println!("paginated {} rows through {:?}", ids.len(), stats.faults);
    sim.shutdown().await;
}
