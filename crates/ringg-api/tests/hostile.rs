//! The client against hostile and broken servers on loopback: redirects to other hosts and on
//! call initiation, absurd `Retry-After` values, endless and stalled bodies, silent servers,
//! lists that never end and bodies that are not JSON. Every server here is a few lines of raw
//! HTTP/1.1 over TCP, so the test controls every byte.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use ringg_api::transport::StallProtection;
use ringg_api::transport::layers::{RetryBudget, RetryPolicy};
use ringg_api::types::calls::{CallHistoryQuery, CallerSource, InitiateCallRequest};
use ringg_api::types::{AgentId, NumberId, PhoneNumber};
use ringg_api::{Client, ClientBuilder, ErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;

const KEY: &str = "hostile-test-key-7f3a9c";

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    head: String,
    body: Vec<u8>,
}

impl Seen {
    fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or_default()
    }
}

/// A raw HTTP/1.1 server: `respond` writes the whole answer to the socket.
struct Raw {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Raw {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Raw {
    async fn start<F, Fut>(ip: &str, respond: F) -> Self
    where
        F: Fn(usize, Seen, TcpStream) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind((ip, 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let seen2 = seen.clone();
        let respond = Arc::new(respond);
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let (seen, respond) = (seen2.clone(), respond.clone());
                tokio::spawn(async move {
                    let Some(req) = read_request(&mut stream).await else {
                        return;
                    };
                    let n = {
                        let mut s = seen.lock().await;
                        s.push(req.clone());
                        s.len() - 1
                    };
                    respond(n, req, stream).await;
                });
            }
        });
        Self { addr, seen, task }
    }

    fn base_url(&self) -> String {
        format!("http://{}/ca/api/v0", self.addr)
    }

    async fn seen(&self) -> Vec<Seen> {
        self.seen.lock().await.clone()
    }
}

/// Reads one request (head and a Content-Length body).
async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let len = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Seen { head, body })
}

async fn answer(mut stream: TcpStream, status: &str, headers: &[(&str, &str)], body: &[u8]) {
    let mut out = format!(
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let _ = stream.write_all(out.as_bytes()).await;
    let _ = stream.write_all(body).await;
    let _ = stream.shutdown().await;
}

fn client(base_url: &str) -> ClientBuilder {
    Client::builder()
        .ignore_env()
        .api_key(KEY)
        .base_url(base_url)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
            jitter: false,
            ..RetryPolicy::default()
        })
}

fn call() -> InitiateCallRequest {
    InitiateCallRequest::new(
        AgentId::new("830f767a-1111-2222-3333-444455556666"),
        "Asha",
        PhoneNumber::parse("+919876543210").unwrap(),
        CallerSource::FromNumberId(NumberId::new("num-1")),
    )
}

const WORKSPACE: &str = r#"{"workspace_info":{"id":"w1","name":"Acme","credits":10}}"#;

#[tokio::test]
async fn a_redirect_to_another_host_never_receives_the_key() {
    let thief = Raw::start("127.0.0.2", |_, _, s| {
        answer(s, "200 OK", &[], WORKSPACE.as_bytes())
    })
    .await;
    // The target carries credentials of its own, which the error must not show.
    let target = format!(
        "http://u:LocPw-13579@{}/steal?token=LocTok-24680",
        thief.addr
    );
    let origin = Raw::start("127.0.0.1", move |_, _, s| {
        let target = target.clone();
        async move { answer(s, "302 Found", &[("location", &target)], b"").await }
    })
    .await;
    let c = client(&origin.base_url()).build().unwrap();
    let err = c.workspace().info().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Api, "{err}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302));
    assert!(err.to_string().contains("redirect"), "{err}");
    assert!(
        err.to_string().contains("127.0.0.2"),
        "names the target: {err}"
    );
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("LocPw") && !shown.contains("LocTok"),
        "{shown}"
    );
    assert!(
        thief.seen().await.is_empty(),
        "the other host was contacted"
    );
    assert_eq!(origin.seen().await.len(), 1, "a redirect is not retried");
}

#[tokio::test]
async fn a_caller_supplied_reqwest_builder_does_not_follow_redirects_either() {
    let thief = Raw::start("127.0.0.2", |_, _, s| {
        answer(s, "200 OK", &[], WORKSPACE.as_bytes())
    })
    .await;
    let target = format!("http://{}/steal", thief.addr);
    let origin = Raw::start("127.0.0.1", move |_, _, s| {
        let target = target.clone();
        async move { answer(s, "307 Temporary Redirect", &[("location", &target)], b"").await }
    })
    .await;
    // reqwest's default policy would follow the redirect with the key attached.
    let c = client(&origin.base_url())
        .reqwest_client_builder(reqwest::Client::builder)
        .build()
        .unwrap();
    let err = c.workspace().info().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(307), "{err}");
    assert!(
        thief.seen().await.is_empty(),
        "the other host was contacted"
    );
}

#[tokio::test]
async fn a_same_origin_redirect_of_a_read_is_followed() {
    let server = Raw::start("127.0.0.1", |n, _, s| async move {
        if n == 0 {
            answer(
                s,
                "307 Temporary Redirect",
                &[("location", "/ca/api/v0/workspace/")],
                b"",
            )
            .await
        } else {
            answer(
                s,
                "200 OK",
                &[("content-type", "application/json")],
                WORKSPACE.as_bytes(),
            )
            .await
        }
    })
    .await;
    let c = client(&server.base_url()).build().unwrap();
    let info = c.workspace().info().await.unwrap();
    assert_eq!(info.workspace_info.name.as_deref(), Some("Acme"));
    let seen = server.seen().await;
    assert_eq!(seen.len(), 2);
    assert!(
        seen[1]
            .request_line()
            .starts_with("GET /ca/api/v0/workspace/ ")
    );
}

#[tokio::test]
async fn a_redirected_call_initiation_is_outcome_unknown_and_not_resent() {
    for status in [
        "307 Temporary Redirect",
        "302 Found",
        "308 Permanent Redirect",
        "303 See Other",
    ] {
        let server = Raw::start("127.0.0.1", move |_, _, s| async move {
            answer(s, status, &[("location", "/ca/api/v0/elsewhere")], b"").await
        })
        .await;
        let c = client(&server.base_url()).build().unwrap();
        let err = c.calls().initiate(call()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{status}: {err}");
        assert!(
            err.client_reference().is_some(),
            "{status}: no reconcile reference"
        );
        let seen = server.seen().await;
        assert_eq!(seen.len(), 1, "{status}: the call was sent again: {seen:?}");
        assert!(seen[0].request_line().starts_with("POST "));
        let body = String::from_utf8_lossy(&seen[0].body);
        assert!(body.contains("ringg_client_ref"), "{body}");
    }
}

#[tokio::test]
async fn a_huge_retry_after_is_an_error_not_a_panic() {
    for (status, header) in [
        ("429 Too Many Requests", ("retry-after", "1e20")),
        (
            "429 Too Many Requests",
            ("retry-after", "18446744073709551616"),
        ),
        ("503 Service Unavailable", ("retry-after-ms", "1e300")),
        ("400 Bad Request", ("retry-after", "1e20")),
    ] {
        let server = Raw::start("127.0.0.1", move |_, _, s| async move {
            answer(s, status, &[header], br#"{"detail":"no"}"#).await
        })
        .await;
        let c = client(&server.base_url()).build().unwrap();
        let err = c.workspace().info().await.unwrap_err();
        if status.starts_with("400") {
            assert_eq!(err.kind(), ErrorKind::Api);
        } else {
            assert_eq!(
                err.kind(),
                ErrorKind::RetryAfterTooLong,
                "{status} {header:?}: {err}"
            );
        }
        assert!(
            err.retry_after()
                .is_some_and(|d| d <= Duration::from_secs(86_400))
        );
        assert_eq!(server.seen().await.len(), 1);
    }
}

#[tokio::test]
async fn an_endless_body_fails_at_the_limit_and_is_not_read_again() {
    let written = Arc::new(AtomicU64::new(0));
    let w = written.clone();
    let server = Raw::start("127.0.0.1", move |_, _, mut s| {
        let w = w.clone();
        async move {
            let head =
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n";
            let _ = s.write_all(head.as_bytes()).await;
            let _ = s.write_all(b"{\"calls\":[").await;
            let chunk = vec![b' '; 64 * 1024];
            // Stops when the client hangs up, or after 1 GiB at most.
            for _ in 0..16_384 {
                if s.write_all(&chunk).await.is_err() {
                    return;
                }
                w.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            }
        }
    })
    .await;
    let c = client(&server.base_url())
        .max_response_body(1024 * 1024)
        .build()
        .unwrap();
    let err = c.workspace().info().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert_eq!(
        err.transport_kind(),
        Some(ringg_api::transport::TransportErrorKind::BodyTooLarge)
    );
    assert!(err.to_string().contains("1048576"), "{err}");
    assert_eq!(
        server.seen().await.len(),
        1,
        "a too-large body is not downloaded again"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = written.load(Ordering::Relaxed);
    assert!(
        sent < 64 * 1024 * 1024,
        "the server got to write {sent} bytes"
    );

    // A declared length over the limit fails before reading anything.
    let server = Raw::start("127.0.0.1", |_, _, mut s| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-length: 2147483648\r\n\r\n{";
        let _ = s.write_all(head.as_bytes()).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let c = client(&server.base_url()).build().unwrap();
    let started = Instant::now();
    let err = c.workspace().info().await.unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(ringg_api::transport::TransportErrorKind::BodyTooLarge),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_silent_server_is_given_up_on_within_the_attempt_timeout() {
    let server = Raw::start("127.0.0.1", |_, _, s| async move {
        tokio::time::sleep(Duration::from_secs(60)).await;
        drop(s);
    })
    .await;
    let c = client(&server.base_url())
        .attempt_timeout(Duration::from_millis(500))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.workspace().info().await.unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(err.to_string().contains("attempt timeout"), "{err}");
}

#[tokio::test]
async fn a_stalled_body_fails_by_the_stall_protection() {
    let server = Raw::start("127.0.0.1", |_, _, mut s| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n{\"workspace_info\":";
        let _ = s.write_all(head.as_bytes()).await;
        // One byte a second: alive, but far below the minimum throughput.
        for _ in 0..60 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if s.write_all(b" ").await.is_err() {
                return;
            }
        }
    })
    .await;
    let c = client(&server.base_url())
        .attempt_timeout(Duration::from_secs(60))
        .retry_policy(RetryPolicy::none())
        .stall_protection(Some(StallProtection {
            grace_period: Duration::from_millis(500),
            window: Duration::from_millis(1500),
            min_bytes_per_sec: 100,
        }))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.workspace().info().await.unwrap_err();
    assert_eq!(
        err.transport_kind(),
        Some(ringg_api::transport::TransportErrorKind::Stalled),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_history_that_repeats_its_page_stops() {
    let rows: Vec<String> = (0..100)
        .map(|i| format!(r#"{{"id":"call-{i}","status":"completed"}}"#))
        .collect();
    let page = Arc::new(format!(
        r#"{{"calls":[{}],"total":"many"}}"#,
        rows.join(",")
    ));
    let server = Raw::start("127.0.0.1", move |_, _, s| {
        let page = page.clone();
        async move {
            answer(
                s,
                "200 OK",
                &[("content-type", "application/json")],
                page.as_bytes(),
            )
            .await
        }
    })
    .await;
    let c = client(&server.base_url()).build().unwrap();
    let got: Vec<_> = c
        .calls()
        .history_stream(CallHistoryQuery::default())
        .collect()
        .await;
    let err = got.last().unwrap().as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Pagination, "{err}");
    assert_eq!(got.iter().filter(|r| r.is_ok()).count(), 100);
    assert_eq!(server.seen().await.len(), 2);

    // Distinct full pages forever: the page cap stops them.
    let n = Arc::new(AtomicUsize::new(0));
    let server = Raw::start("127.0.0.1", move |_, _, s| {
        let i = n.fetch_add(1, Ordering::Relaxed);
        async move {
            let rows: Vec<String> = (0..100)
                .map(|r| format!(r#"{{"id":"call-{i}-{r}","status":"completed"}}"#))
                .collect();
            let page = format!(r#"{{"calls":[{}],"total":"many"}}"#, rows.join(","));
            answer(s, "200 OK", &[], page.as_bytes()).await
        }
    })
    .await;
    let c = client(&server.base_url()).max_pages(5).build().unwrap();
    let got: Vec<_> = c
        .calls()
        .history_stream(CallHistoryQuery::default())
        .collect()
        .await;
    assert_eq!(got.iter().filter(|r| r.is_ok()).count(), 500);
    let err = got.last().unwrap().as_ref().unwrap_err();
    assert!(err.to_string().contains("5 pages"), "{err}");
    assert_eq!(server.seen().await.len(), 5);
}

#[tokio::test]
async fn unreadable_bodies_are_read_again_within_the_budget_with_the_attempt_header() {
    let server = Raw::start("127.0.0.1", |_, _, s| async move {
        answer(
            s,
            "200 OK",
            &[("content-type", "text/html")],
            b"<html>maintenance</html>",
        )
        .await
    })
    .await;
    let budget = RetryBudget::new(5, 0.0);
    let c = client(&server.base_url())
        .retry_budget(budget.clone())
        .build()
        .unwrap();
    for _ in 0..20 {
        let err = c.workspace().info().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
        assert!(err.is_malformed_body());
    }
    let seen = server.seen().await;
    assert_eq!(seen.len(), 25, "20 requests, 5 re-reads from the budget");
    let retried = seen
        .iter()
        .filter(|s| {
            s.head.lines().any(|l| {
                l.eq_ignore_ascii_case("x-ringg-retry-count: 1")
                    || l.eq_ignore_ascii_case("x-ringg-retry-count: 2")
            })
        })
        .count();
    assert_eq!(retried, 5, "every re-read carries its attempt number");
    assert_eq!(budget.remaining(), 0);
}

#[tokio::test]
async fn an_error_body_with_the_key_is_masked_unless_asked_for() {
    let body = r#"{"detail":"bad","workspace_info":{"api_key":"leaked-key-123456"}}"#;
    let server = Raw::start("127.0.0.1", move |_, _, s| async move {
        answer(s, "400 Bad Request", &[], body.as_bytes()).await
    })
    .await;
    let c = client(&server.base_url()).build().unwrap();
    let err = c.workspace().info().await.unwrap_err();
    for shown in [
        format!("{err}"),
        format!("{err:?}"),
        String::from_utf8_lossy(&err.body().unwrap()).into_owned(),
        err.body_text().unwrap(),
    ] {
        assert!(!shown.contains("leaked-key"), "{shown}");
    }
    assert!(err.body_text().unwrap().contains("[REDACTED]"));
    let raw = err.unredacted_body().unwrap();
    assert!(String::from_utf8_lossy(raw).contains("leaked-key-123456"));
}

#[tokio::test]
async fn a_long_hostile_message_is_cut_and_escaped() {
    let long = format!(
        r#"{{"detail":"\u001b]0;pwned\u0007\u001b[2J{}"}}"#,
        "x".repeat(5_000_000)
    );
    let long = Arc::new(long);
    let server = Raw::start("127.0.0.1", move |_, _, s| {
        let long = long.clone();
        async move { answer(s, "400 Bad Request", &[], long.as_bytes()).await }
    })
    .await;
    let c = client(&server.base_url()).build().unwrap();
    let err = c.workspace().info().await.unwrap_err();
    let shown = err.to_string();
    assert!(shown.len() < 5_000, "{} bytes", shown.len());
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "{shown:?}"
    );
    assert!(shown.contains("\\u{1b}]0;pwned"), "{shown}");
    assert!(shown.contains("more characters"), "{shown}");
}
