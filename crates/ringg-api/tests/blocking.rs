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

/// A proxy on 127.0.0.1 to `upstream` that closes a connection once the client has sent
/// nothing for `idle` (as a server's keep-alive timeout does).
fn idle_closing_proxy(upstream: std::net::SocketAddr, idle: std::time::Duration) -> String {
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { return };
            let Ok(mut server) = TcpStream::connect(upstream) else {
                return;
            };
            let (mut client_out, mut server_in) =
                (client.try_clone().unwrap(), server.try_clone().unwrap());
            // Answers back to the client until the server or the proxy closes.
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut server_in, &mut client_out);
            });
            std::thread::spawn(move || {
                client.set_read_timeout(Some(idle)).unwrap();
                let mut buf = [0u8; 16 * 1024];
                while let Ok(n @ 1..) = client.read(&mut buf) {
                    if server.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
                // Idle (or closed): close both sides, as a server ends a kept-alive connection.
                let _ = client.shutdown(Shutdown::Both);
                let _ = server.shutdown(Shutdown::Both);
            });
        }
    });
    format!("http://{addr}")
}

/// The blocking client's connections are looked after between calls: a kept-alive connection
/// the server closed while the client was idle is not used for the next request, so a call
/// placed after a pause is sent and placed, not failed as "outcome unknown".
#[test]
fn a_call_after_the_server_closed_an_idle_connection_is_placed() {
    let (runtime, sim, _) = start(0);
    let upstream: std::net::SocketAddr = sim
        .base_url()
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let proxy = idle_closing_proxy(upstream, std::time::Duration::from_millis(200));
    let client = Client::from_builder(
        ringg_api::Client::builder()
            .ignore_env()
            .api_key(sim.api_key())
            .base_url(format!("{proxy}/ca/api/v0")),
    )
    .unwrap();
    for (i, to) in ["+919800000101", "+919800000102"].into_iter().enumerate() {
        if i > 0 {
            std::thread::sleep(std::time::Duration::from_millis(800));
        }
        let placed = client
            .calls()
            .call(async |c| c.initiate(common::pool_call(to)).await);
        assert!(placed.is_ok(), "call {i}: {:?}", placed.err());
        assert_eq!(common::calls_to(&sim, to).len(), 1, "call {i}");
    }
    drop(runtime);
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
