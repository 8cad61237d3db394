//! The blocking facade (feature `blocking`) against the simulator over 127.0.0.1: reads, a
//! write, a list stream as an iterator, per-request options and errors, all from plain threads
//! with no runtime of their own.
#![cfg(feature = "blocking")]

mod common;

use ringg_api::blocking::Client;
use ringg_api::types::calls::CallHistoryQuery;
use ringg_api::{ErrorKind, RequestOptions};
use ringg_sim::{RunningSimulator, Simulator};

/// A simulator with `rows` history rows, served by a runtime of its own (the test thread has
/// none), and a blocking client for it.
fn start(rows: usize) -> (tokio::runtime::Runtime, RunningSimulator, Client) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let sim = runtime
        .block_on(
            Simulator::builder()
                .seed(7)
                .history_rows(rows)
                .quirks(common::quirks())
                .start(),
        )
        .unwrap();
    let client = Client::from_builder(common::client_builder(&sim)).unwrap();
    (runtime, sim, client)
}

#[test]
fn reads_and_list_streams_run_to_their_end() {
    let (_runtime, _sim, client) = start(250);
    let info = client.workspace().call(async |w| w.info().await).unwrap();
    assert!(info.workspace_info.credits.is_some(), "{info:?}");

    let page = client
        .calls()
        .call(async |c| c.history(&CallHistoryQuery::default()).await)
        .unwrap();
    assert!(!page.calls.is_empty());

    // A list stream is an iterator; every row comes once, fetched page by page.
    let stream = client
        .async_client()
        .calls()
        .history_stream(CallHistoryQuery::default());
    let ids: Vec<_> = client.iter(stream).map(|row| row.unwrap().id).collect();
    assert_eq!(ids.len(), 250);
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), 250);
}

#[test]
fn clones_work_from_several_threads_and_options_apply_to_one_view() {
    let (_runtime, sim, client) = start(0);
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let c = client.clone();
            std::thread::spawn(move || c.workspace().call(async |w| w.info().await))
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
    // A view with a refused header fails before sending; the client itself is unchanged.
    let bad = client.with_options(RequestOptions::new().header("x-api-key", "other"));
    let err = bad.workspace().call(async |w| w.info().await).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    client.workspace().call(async |w| w.info().await).unwrap();

    // A wrong key is the async client's authentication error, with its request id.
    let wrong = Client::from_builder(
        ringg_api::Client::builder()
            .ignore_env()
            .api_key("not-the-key")
            .base_url(sim.base_url()),
    )
    .unwrap();
    let err = wrong
        .workspace()
        .call(async |w| w.info().await)
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err}");
    assert!(err.request_id().is_some());
}

#[tokio::test]
async fn made_and_dropped_inside_async_code_without_a_panic() {
    let sim = Simulator::builder()
        .seed(7)
        .quirks(common::quirks())
        .start()
        .await
        .unwrap();
    // Made inside async code, for use from tokio's blocking pool.
    let client = Client::from_builder(common::client_builder(&sim)).unwrap();
    let pooled = client.clone();
    let info =
        tokio::task::spawn_blocking(move || pooled.workspace().call(async |w| w.info().await))
            .await
            .unwrap()
            .unwrap();
    assert!(info.workspace_info.credits.is_some(), "{info:?}");
    // The last clone goes here, inside async code: its runtime stops without blocking.
    drop(client);
}
