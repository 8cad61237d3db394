//! A journal whose write waits (another process holds its file's lock): the initiation's
//! request must still be over by the time a settler may rule it out, which is counted from when
//! the initiation was recorded, not from when the write returned.

mod common;
#[path = "common/hooked_journal.rs"]
mod hooked_journal;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{calls_to, campaigns_named, launch, pool_call as call};
use hooked_journal::HookedJournal;
use ringg_api::ErrorKind;
use ringg_api::campaigns::CampaignFlow;
use ringg_sim::{FaultConfig, RunningSimulator, Simulator};

/// A memory journal whose first write returns only after `lag` (another process held its
/// file's lock).
fn lagging(lag: Duration) -> HookedJournal {
    let waited = Arc::new(AtomicBool::new(false));
    HookedJournal {
        before_write: Some(Arc::new(move || {
            let first = !waited.swap(true, Ordering::SeqCst);
            Box::pin(async move {
                if first {
                    tokio::time::sleep(lag).await;
                }
            })
        })),
        ..HookedJournal::default()
    }
}

/// A simulator whose call initiations are answered after `latency_ms`.
async fn simulator(latency_ms: u64) -> RunningSimulator {
    Simulator::builder()
        .time_scale(0.001)
        .seed(41)
        .faults(
            FaultConfig::parse(&format!(
                "op.initiateCallV2=1:latency,latency-ms={latency_ms}"
            ))
            .unwrap(),
        )
        .start()
        .await
        .unwrap()
}

/// A client whose initiations are ruled out `wait` after they are recorded.
fn client(sim: &RunningSimulator, journal: HookedJournal, wait: Duration) -> ringg_api::Client {
    common::client_builder(sim)
        .journal(Arc::new(journal))
        .attempt_timeout(wait)
        .total_timeout(wait)
        .settle_after(wait)
        .build()
        .unwrap()
}

/// A write that took the whole wait sends nothing: a settler could rule the call out as soon
/// as the request left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_initiation_whose_record_took_the_whole_wait_is_not_sent() {
    let sim = simulator(0).await;
    let c = client(
        &sim,
        lagging(Duration::from_millis(1_500)),
        Duration::from_secs(1),
    );
    let to = "+919800000801";
    let err = c.calls().initiate(call(to)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Journal, "{err}");
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    assert!(calls_to(&sim, to).is_empty(), "the call was placed");
    // Settled as not placed, so a later call is not held back by it.
    let journal = c.journal().unwrap();
    assert!(journal.pending_calls().await.unwrap().is_empty());
}

/// A request sent after a slow write ends when the wait counted from the record ends, not a
/// whole wait later.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_initiation_after_a_slow_record_ends_within_the_recorded_wait() {
    // Initiations answered after 10 s; a wait of 3 s; the record takes 2 s.
    let sim = simulator(10_000).await;
    let c = client(
        &sim,
        lagging(Duration::from_secs(2)),
        Duration::from_secs(3),
    );
    let started = Instant::now();
    let err = c.calls().initiate(call("+919800000802")).await.unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
    // 3 s from the record; a whole wait after the write would be 5 s.
    assert!(took < Duration::from_millis(4_500), "took {took:?}");
}

/// A launch whose upload step took the whole wait to record uploads nothing, and leaves the
/// launch to its next run, which uploads and starts it once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_step_whose_record_took_the_whole_wait_is_not_sent() {
    let sim = simulator(0).await;
    let c = client(
        &sim,
        lagging(Duration::from_millis(1_500)),
        Duration::from_secs(1),
    );
    let name = "slow journal launch";
    let err = c
        .campaigns()
        .launch(launch(CampaignFlow::Standard, name))
        .await
        .unwrap_err();
    assert_eq!(
        err.error().map(|e| e.kind()),
        Some(ErrorKind::Journal),
        "{err}"
    );
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    assert!(
        campaigns_named(&c, name).await.is_empty(),
        "a list was uploaded"
    );
    // The next run (once the wait is over) finds nothing on the server and sends the step.
    tokio::time::sleep(Duration::from_millis(200)).await;
    c.campaigns()
        .launch(launch(CampaignFlow::Standard, name))
        .await
        .unwrap();
    let statuses = campaigns_named(&c, name).await;
    assert_eq!(statuses.len(), 1, "{statuses:?}");
    assert_ne!(statuses[0], "draft", "started");
}

/// A wait too long for the clock (`settle_after(Duration::MAX)`, a client that never settles
/// on its own) bounds nothing: the call is placed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_too_long_for_the_clock_bounds_nothing() {
    let sim = simulator(0).await;
    for (n, builder) in [
        common::client_builder(&sim).settle_after(Duration::MAX),
        common::client_builder(&sim).total_timeout(Duration::MAX),
    ]
    .into_iter()
    .enumerate()
    {
        let c = builder
            .journal(Arc::new(HookedJournal::default()))
            .build()
            .unwrap();
        let to = format!("+91980000081{n}");
        let placed = tokio::spawn(async move { c.calls().initiate(call(&to)).await }).await;
        assert!(placed.expect("no panic").is_ok());
    }
    assert_eq!(sim.handle().calls().len(), 2);
}
