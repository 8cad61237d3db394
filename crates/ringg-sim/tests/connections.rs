//! Hostile clients against the simulator over 127.0.0.1: request heads trickled a header at a
//! time (slowloris) and bodies trickled a byte at a time are cut off at the configured
//! timeouts, while ordinary requests are answered meanwhile.
//!
//! Bounds are generous (a loaded 2-core machine must pass): a connection is expected closed no
//! earlier than its timeout and within the timeout plus many seconds.

mod common;

use std::time::{Duration, Instant};

use common::start;
use ringg_sim::{DEMO_API_KEY, ServeConfig, Simulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedReadHalf;

/// Reads until the server closes; returns what was read and when (after `since`) it closed,
/// or `None` when it was still open after `limit`.
async fn read_until_closed(
    mut read: OwnedReadHalf,
    since: Instant,
    limit: Duration,
) -> Option<(Vec<u8>, Duration)> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    tokio::time::timeout(limit, async {
        loop {
            match read.read(&mut buf).await {
                Ok(0) | Err(_) => return (got, since.elapsed()),
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .ok()
}

/// Writes `first`, then one `piece(n)` every 100 ms until the write fails or 20 s passed.
fn trickle(
    mut write: tokio::net::tcp::OwnedWriteHalf,
    piece: fn(usize) -> Vec<u8>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        for n in 0..200 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if write.write_all(&piece(n)).await.is_err() {
                return;
            }
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slowloris_and_slow_bodies_are_cut_off_while_requests_are_answered() {
    let header_timeout = Duration::from_secs(1);
    let body_timeout = Duration::from_millis(1500);
    let (sim, api) = start(
        Simulator::builder()
            .time_scale(0.001)
            .connection_limits(ServeConfig::default().header_timeout(header_timeout))
            .body_read_timeout(body_timeout),
    )
    .await;
    let mut slowloris = Vec::new();
    let mut slow_bodies = Vec::new();
    let mut tricklers = Vec::new();
    for _ in 0..50 {
        let stream = TcpStream::connect(sim.addr()).await.unwrap();
        let since = Instant::now();
        let (read, mut write) = stream.into_split();
        write
            .write_all(b"GET /ca/api/v0/workspace HTTP/1.1\r\nhost: sim\r\n")
            .await
            .unwrap();
        tricklers.push(trickle(write, |n| format!("x-pad-{n}: 1\r\n").into_bytes()));
        slowloris.push((read, since));
    }
    for _ in 0..20 {
        let stream = TcpStream::connect(sim.addr()).await.unwrap();
        let (read, mut write) = stream.into_split();
        let head = format!(
            "POST /ca/api/v0/public/agent HTTP/1.1\r\nhost: sim\r\nx-api-key: {DEMO_API_KEY}\r\n\
             content-type: application/json\r\ncontent-length: 5000\r\n\r\n{{\"agent_name\""
        );
        write.write_all(head.as_bytes()).await.unwrap();
        let since = Instant::now();
        tricklers.push(trickle(write, |_| b" ".to_vec()));
        slow_bodies.push((read, since));
    }
    // Ordinary requests are answered while all of that is going on.
    for _ in 0..10 {
        assert_eq!(api.get("/workspace").await.status, 200);
    }
    let limit = Duration::from_secs(30);
    let slowloris: Vec<_> = slowloris
        .into_iter()
        .map(|(r, since)| tokio::spawn(read_until_closed(r, since, limit)))
        .collect();
    let slow_bodies: Vec<_> = slow_bodies
        .into_iter()
        .map(|(r, since)| tokio::spawn(read_until_closed(r, since, limit)))
        .collect();
    let mut loris_times = Vec::new();
    for task in slowloris {
        let (got, after) = task
            .await
            .unwrap()
            .expect("a slowloris connection stayed open");
        assert!(got.is_empty() || got.starts_with(b"HTTP/1.1 4"), "{got:?}");
        loris_times.push(after);
    }
    let mut body_times = Vec::new();
    for task in slow_bodies {
        let (got, after) = task
            .await
            .unwrap()
            .expect("a slow-body connection stayed open");
        let text = String::from_utf8_lossy(&got);
        assert!(text.starts_with("HTTP/1.1 408"), "{text}");
        assert!(text.contains("did not arrive within 1500 ms"), "{text}");
        body_times.push(after);
    }
    for t in tricklers {
        t.abort();
    }
    let span = |v: &[Duration]| (*v.iter().min().unwrap(), *v.iter().max().unwrap());
    let (loris_min, loris_max) = span(&loris_times);
    let (body_min, body_max) = span(&body_times);
    eprintln!(
        "50 slowloris closed {loris_min:?}..{loris_max:?}; 20 slow bodies answered 408 and closed {body_min:?}..{body_max:?}"
    );
    assert!(loris_min >= header_timeout - Duration::from_millis(50));
    assert!(loris_max <= Duration::from_secs(20));
    assert!(body_min >= body_timeout - Duration::from_millis(50));
    assert!(body_max <= Duration::from_secs(20));
    // And the simulator still answers afterwards.
    assert_eq!(api.get("/workspace").await.status, 200);
    sim.shutdown().await;
}
