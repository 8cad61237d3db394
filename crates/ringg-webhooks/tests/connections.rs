//! Hostile clients against the real server loop over 127.0.0.1: connections that send nothing,
//! one byte, only the HTTP/2 preface or a trickle of header bytes are closed on time; the
//! connection cap gives way to real deliveries; idle keep-alive connections and slow bodies are
//! closed; shutdown has a deadline. Each scenario runs with the protocol auto-detected and with
//! HTTP/1.1 only.
//!
//! Bounds are generous (a loaded 2-core machine must pass): a connection is expected closed
//! no earlier than the configured timeout (measured from connect, which precedes accept) and
//! within the timeout plus many seconds.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use common::{Recorder, TestServer, event, send};
use http::StatusCode;
use ringg_webhooks::{HandlerError, ServeConfig, WebhookEvent, WebhookHandler, WebhookReceiver};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SECRET: &str = "whsec-conn";

/// The client's HTTP/2 connection preface.
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
/// An empty SETTINGS frame (length 0, type 4, no flags, stream 0).
const H2_EMPTY_SETTINGS: &[u8] = &[0, 0, 0, 4, 0, 0, 0, 0, 0];

fn receiver(rec: Arc<Recorder>) -> WebhookReceiver {
    WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret(SECRET)
        .shared_handler(rec)
        .build()
        .unwrap()
}

async fn deliver(server: &TestServer, call_id: &str) -> StatusCode {
    let (status, _) = send(
        "POST",
        &server.url("/"),
        &[("x-webhook-secret", SECRET)],
        event("call_started", call_id),
    )
    .await;
    status
}

/// The reading side of a client connection.
type Conn = Box<dyn AsyncRead + Send + Unpin>;

/// Reads (and discards) until the server closes the connection; returns how long after
/// `since` that happened, or `None` if it was still open after `limit`.
async fn closed_after(mut stream: Conn, since: Instant, limit: Duration) -> Option<Duration> {
    let mut buf = [0u8; 4096];
    let read_all = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return since.elapsed(),
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(limit, read_all).await.ok()
}

/// Waits for every connection to be closed; returns the (min, max) time to close.
async fn all_closed(conns: Vec<(Conn, Instant)>, limit: Duration) -> (Duration, Duration) {
    let total = conns.len();
    let tasks: Vec<_> = conns
        .into_iter()
        .map(|(stream, since)| tokio::spawn(closed_after(stream, since, limit)))
        .collect();
    let mut times = Vec::new();
    for task in tasks {
        if let Some(t) = task.await.unwrap() {
            times.push(t);
        }
    }
    assert_eq!(
        times.len(),
        total,
        "{} of {total} connections were still open after {limit:?}",
        total - times.len()
    );
    (
        times.iter().copied().min().unwrap(),
        times.iter().copied().max().unwrap(),
    )
}

async fn two_thousand_silent_connections_are_closed_after_the_header_timeout(http1_only: bool) {
    let rec = Recorder::new();
    let header_timeout = Duration::from_secs(1);
    // The cap is above the attack, so it is the header timeout that closes them.
    let config = ServeConfig::default()
        .http1_only(http1_only)
        .header_timeout(header_timeout)
        .max_connections(4096);
    let server = TestServer::start_with(receiver(rec.clone()), config).await;
    let started = Instant::now();
    let mut conns = Vec::new();
    for _ in 0..2000 {
        let stream = TcpStream::connect(server.addr).await.unwrap();
        conns.push((Box::new(stream) as Conn, Instant::now()));
    }
    let opened_in = started.elapsed();
    // A real delivery is answered while they are open (the oldest may already be closed).
    let delivered_at = Instant::now();
    assert_eq!(deliver(&server, "c-real").await, StatusCode::OK);
    let delivery_took = delivered_at.elapsed();
    let (min, max) = all_closed(conns, Duration::from_secs(30)).await;
    eprintln!(
        "2000 silent connections opened in {opened_in:?}; delivery answered in {delivery_took:?}; \
         closed {min:?}..{max:?} after connect"
    );
    assert!(
        min >= header_timeout - Duration::from_millis(50),
        "closed early: {min:?}"
    );
    assert!(max <= Duration::from_secs(20), "closed late: {max:?}");
    assert_eq!(rec.events().len(), 1);
    server.stop().await;
}

async fn partial_clients_are_closed_after_the_header_timeout(http1_only: bool) {
    let rec = Recorder::new();
    let header_timeout = Duration::from_secs(1);
    let server = TestServer::start_with(
        receiver(rec.clone()),
        ServeConfig::default()
            .http1_only(http1_only)
            .header_timeout(header_timeout),
    )
    .await;
    let mut conns = Vec::new();
    // HTTP/1.1 only: an HTTP/2 preface is a request head hyper refuses, closing the connection.
    let mut refused = Vec::new();
    let mut tricklers = Vec::new();
    for i in 0..40 {
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        let since = Instant::now();
        match i % 4 {
            // One byte of what could be either protocol.
            0 => stream.write_all(b"P").await.unwrap(),
            // The HTTP/2 preface only.
            1 => stream.write_all(H2_PREFACE).await.unwrap(),
            // An idle HTTP/2 client: preface and SETTINGS, then no request.
            2 => {
                stream.write_all(H2_PREFACE).await.unwrap();
                stream.write_all(H2_EMPTY_SETTINGS).await.unwrap();
            }
            // Slowloris: an HTTP/1.1 head trickled a header at a time, never finished.
            _ => {
                stream.write_all(b"POST / HTTP/1.1\r\n").await.unwrap();
                let (read, mut write) = stream.into_split();
                tricklers.push(tokio::spawn(async move {
                    for n in 0..200 {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        let line = format!("x-pad-{n}: 1\r\n");
                        if write.write_all(line.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                }));
                conns.push((Box::new(read) as Conn, since));
                continue;
            }
        }
        if http1_only && i % 4 != 0 {
            refused.push((Box::new(stream) as Conn, since));
        } else {
            conns.push((Box::new(stream) as Conn, since));
        }
    }
    assert_eq!(deliver(&server, "c-real").await, StatusCode::OK);
    if !refused.is_empty() {
        let (_, max) = all_closed(refused, Duration::from_secs(30)).await;
        eprintln!("HTTP/2 prefaces on an HTTP/1.1-only server closed within {max:?}");
        assert!(max <= Duration::from_secs(20), "closed late: {max:?}");
    }
    let (min, max) = all_closed(conns, Duration::from_secs(30)).await;
    eprintln!("partial clients closed {min:?}..{max:?} after connect");
    for trickler in tricklers {
        trickler.abort();
    }
    assert!(
        min >= header_timeout - Duration::from_millis(50),
        "closed early: {min:?}"
    );
    assert!(max <= Duration::from_secs(20), "closed late: {max:?}");
    server.stop().await;
}

async fn at_the_cap_silent_connections_give_way_to_deliveries(http1_only: bool) {
    let rec = Recorder::new();
    let cap = 64;
    // A long header timeout: only the cap can close these quickly.
    let server = TestServer::start_with(
        receiver(rec.clone()),
        ServeConfig::default()
            .http1_only(http1_only)
            .header_timeout(Duration::from_secs(60))
            .max_connections(cap),
    )
    .await;
    let mut conns = Vec::new();
    for _ in 0..500 {
        let stream = TcpStream::connect(server.addr).await.unwrap();
        conns.push((Box::new(stream) as Conn, Instant::now()));
    }
    // The cap is full of silent connections; deliveries still get in, one after another.
    let started = Instant::now();
    for i in 0..20 {
        assert_eq!(deliver(&server, &format!("c-{i}")).await, StatusCode::OK);
    }
    let deliveries_took = started.elapsed();
    assert_eq!(rec.events().len(), 20);
    // Everything beyond the cap was closed long before the 60 s header timeout.
    let tasks: Vec<_> = conns
        .into_iter()
        .map(|(s, since)| tokio::spawn(closed_after(s, since, Duration::from_secs(10))))
        .collect();
    let mut closed = 0;
    for task in tasks {
        if task.await.unwrap().is_some() {
            closed += 1;
        }
    }
    eprintln!(
        "cap {cap}: 20 deliveries took {deliveries_took:?}; {closed} of 500 silent connections closed"
    );
    assert!(closed >= 500 - cap, "only {closed} of 500 were closed");
    server.stop().await;
}

/// Sends a raw HTTP/1.1 delivery and reads the response head; returns the status.
async fn raw_delivery(stream: &mut TcpStream, body: &str) -> u16 {
    let head = format!(
        "POST / HTTP/1.1\r\nhost: x\r\nx-webhook-secret: {SECRET}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
    read_status(stream).await
}

async fn read_status(stream: &mut TcpStream) -> u16 {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed before a response: {buf:?}");
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf);
    head.split(' ').nth(1).unwrap().parse().unwrap()
}

async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout(http1_only: bool) {
    let rec = Recorder::new();
    let idle = Duration::from_secs(2);
    let server = TestServer::start_with(
        receiver(rec.clone()),
        ServeConfig::default()
            .http1_only(http1_only)
            .header_timeout(Duration::from_millis(500))
            .idle_timeout(idle),
    )
    .await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    assert_eq!(
        raw_delivery(&mut stream, &event("call_started", "k1")).await,
        200
    );
    // Past the header timeout but within the idle timeout: the connection is still usable.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        raw_delivery(&mut stream, &event("call_started", "k2")).await,
        200
    );
    let since = Instant::now();
    let closed = closed_after(Box::new(stream), since, Duration::from_secs(20))
        .await
        .expect("the idle connection was closed");
    eprintln!("idle connection closed {closed:?} after its last response (idle timeout {idle:?})");
    assert!(
        closed >= idle - Duration::from_millis(100),
        "closed early: {closed:?}"
    );
    assert_eq!(rec.events().len(), 2);
    server.stop().await;
}

async fn a_slow_body_is_answered_408_and_the_connection_closed(http1_only: bool) {
    let rec = Recorder::new();
    let r = WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret(SECRET)
        .read_timeout(Duration::from_secs(1))
        .shared_handler(rec.clone())
        .build()
        .unwrap();
    let server = TestServer::start_with(r, ServeConfig::default().http1_only(http1_only)).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nhost: x\r\nx-webhook-secret: {SECRET}\r\ncontent-length: 1000\r\n\r\n{{\"event_type\""
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let status = tokio::time::timeout(Duration::from_secs(20), read_status(&mut stream))
        .await
        .expect("answered");
    assert_eq!(status, 408);
    let closed = closed_after(Box::new(stream), started, Duration::from_secs(20)).await;
    eprintln!("slow body answered 408 and closed after {closed:?}");
    assert!(closed.is_some(), "the connection was kept open");
    assert_eq!(rec.calls(), 0);
    server.stop().await;
}

async fn shutdown_drops_connections_after_the_deadline(http1_only: bool) {
    let r = WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret(SECRET)
        .handler(Slow(Duration::from_secs(600)))
        .build()
        .unwrap();
    let deadline = Duration::from_secs(1);
    let config = ServeConfig::default()
        .http1_only(http1_only)
        .shutdown_timeout(deadline);
    let server = TestServer::start_with(r, config).await;
    // A request stuck in its handler, an idle HTTP/2 client and a silent connection.
    let mut stuck = TcpStream::connect(server.addr).await.unwrap();
    let body = event("call_started", "s1");
    let head = format!(
        "POST / HTTP/1.1\r\nhost: x\r\nx-webhook-secret: {SECRET}\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    stuck.write_all(head.as_bytes()).await.unwrap();
    let mut h2 = TcpStream::connect(server.addr).await.unwrap();
    h2.write_all(H2_PREFACE).await.unwrap();
    h2.write_all(H2_EMPTY_SETTINGS).await.unwrap();
    let _silent = TcpStream::connect(server.addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(20), server.stop())
        .await
        .expect("shutdown finished");
    let took = started.elapsed();
    eprintln!("shutdown with a stuck handler took {took:?} (deadline {deadline:?})");
    assert!(
        took >= deadline - Duration::from_millis(100),
        "the stuck request was not waited for: {took:?}"
    );
    let closed = closed_after(Box::new(stuck), started, Duration::from_secs(5)).await;
    assert!(closed.is_some(), "the stuck connection was dropped");
}

/// Takes its time over each event.
struct Slow(Duration);

#[async_trait]
impl WebhookHandler for Slow {
    async fn handle(&self, _event: WebhookEvent) -> Result<(), HandlerError> {
        tokio::time::sleep(self.0).await;
        Ok(())
    }
}

async fn a_request_in_flight_outlasts_the_timeouts(http1_only: bool) {
    let r = WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret(SECRET)
        .handler(Slow(Duration::from_millis(2500)))
        .build()
        .unwrap();
    let idle = Duration::from_secs(1);
    let config = ServeConfig::default()
        .http1_only(http1_only)
        .header_timeout(Duration::from_millis(500))
        .idle_timeout(idle);
    let server = TestServer::start_with(r, config).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    // The handler outlasts both timeouts: the connection stays open until it answered.
    let status = raw_delivery(&mut stream, &event("call_started", "slow-1")).await;
    assert_eq!(status, 200);
    let since = Instant::now();
    let closed = closed_after(Box::new(stream), since, Duration::from_secs(20))
        .await
        .expect("the connection was closed once idle");
    eprintln!("closed {closed:?} after the slow answer (idle timeout {idle:?})");
    assert!(
        closed >= idle - Duration::from_millis(100),
        "closed early: {closed:?}"
    );
    server.stop().await;
}

/// What the server first answers an HTTP/2 client with prior knowledge (until it closes, or
/// for at most 5 s).
async fn answer_to_http2(http1_only: bool) -> Vec<u8> {
    let server = TestServer::start_with(
        receiver(Recorder::new()),
        ServeConfig::default().http1_only(http1_only),
    )
    .await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(H2_PREFACE).await.unwrap();
    stream.write_all(H2_EMPTY_SETTINGS).await.unwrap();
    let mut answer = Vec::new();
    let mut chunk = [0u8; 1024];
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while let Ok(n @ 1..) = stream.read(&mut chunk).await {
            answer.extend_from_slice(&chunk[..n]);
            if answer.len() >= 9 {
                break;
            }
        }
    })
    .await;
    drop(stream);
    server.stop().await;
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_is_spoken_unless_the_server_is_http1_only() {
    // By default an HTTP/2 client gets the server's SETTINGS frame (type 4).
    let answer = answer_to_http2(false).await;
    assert!(answer.len() >= 9 && answer[3] == 4, "{answer:?}");
    // HTTP/1.1 only: no HTTP/2 frame, at most an HTTP/1.1 error before the close.
    let answer = answer_to_http2(true).await;
    assert!(
        answer.is_empty() || answer.starts_with(b"HTTP/1.1 "),
        "{}",
        String::from_utf8_lossy(&answer)
    );
}

/// Runs each scenario against both ways of serving: HTTP/1.1 and HTTP/2 told apart by their
/// opening bytes (the default), and HTTP/1.1 only (hyper's HTTP/1 connection directly).
macro_rules! both_protocols {
    ($($name:ident),+ $(,)?) => {
        mod auto_detected {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(false).await;
                }
            )+
        }
        mod http1_only {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(true).await;
                }
            )+
        }
    };
}

both_protocols!(
    a_request_in_flight_outlasts_the_timeouts,
    two_thousand_silent_connections_are_closed_after_the_header_timeout,
    partial_clients_are_closed_after_the_header_timeout,
    at_the_cap_silent_connections_give_way_to_deliveries,
    an_idle_keep_alive_connection_is_closed_after_the_idle_timeout,
    a_slow_body_is_answered_408_and_the_connection_closed,
    shutdown_drops_connections_after_the_deadline,
);
