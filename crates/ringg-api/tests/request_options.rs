//! Per-request options, raw responses and request ids, over real HTTP on 127.0.0.1.

mod common;

use common::{fast_retry_client as client, head_header as header};

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ringg_api::transport::layers::RetryPolicy;
use ringg_api::{Client, RequestOptions};
use tokio::io::AsyncWriteExt;

const WORKSPACE: &str = r#"{"workspace_info":{"id":"w1","name":"W","credits":1}}"#;

/// A server answering each request with the next scripted status (then 200), recording heads.
async fn server(statuses: Vec<u16>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen2 = seen.clone();
    tokio::spawn(async move {
        let mut n = 0usize;
        while let Ok((mut s, _)) = listener.accept().await {
            let status = statuses.get(n).copied().unwrap_or(200);
            n += 1;
            let seen = seen2.clone();
            tokio::spawn(async move {
                let Some(buf) = common::read_head(&mut s).await else {
                    return;
                };
                seen.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&buf).to_lowercase());
                let body = if status == 200 { WORKSPACE } else { "{}" };
                let resp = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\nx-request-id: srv-{n}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(resp.as_bytes()).await;
            });
        }
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn options_apply_to_one_call_and_not_the_next() {
    let (base, seen) = server(vec![503, 503, 503]).await;
    let c = client(&base);
    let scoped = c.with_options(
        RequestOptions::new()
            .max_retries(0)
            .header("x-team", "billing"),
    );
    let err = scoped.workspace().info().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err}");
    assert_eq!(seen.lock().unwrap().len(), 1, "max_retries(0): one attempt");
    assert_eq!(header(&seen.lock().unwrap()[0], "x-team"), Some("billing"));
    // The plain client keeps its own settings: two retries, no extra header.
    c.workspace().info().await.unwrap();
    let heads = seen.lock().unwrap().clone();
    assert_eq!(heads.len(), 4, "503 then retried to a 200: {heads:?}");
    assert!(heads[1..].iter().all(|h| header(h, "x-team").is_none()));
    // The request id is the same across the retries of one request.
    let ids: Vec<_> = heads[1..]
        .iter()
        .map(|h| header(h, "x-ringg-request-id"))
        .collect();
    assert!(ids.iter().all(|i| i.is_some() && *i == ids[0]), "{ids:?}");
    assert_ne!(header(&heads[0], "x-ringg-request-id"), ids[0]);
    // The error carries the request id that was sent, and the server's id.
    assert_eq!(
        err.request_id().map(|r| r.to_string()).as_deref(),
        header(&heads[0], "x-ringg-request-id")
    );
    assert_eq!(err.server_request_id(), Some("srv-1"));
}

/// Stacked views: a later view's header replaces the one an earlier view set under that name
/// (`y` wins where both set a field), and setting the same view twice sends it once.
#[tokio::test]
async fn a_stacked_view_replaces_a_header_rather_than_repeating_it() {
    let (base, seen) = server(vec![]).await;
    let c = client(&base);
    let team = |t: &str| RequestOptions::new().header("x-team", t);
    let billing = c.with_options(team("billing"));
    for then in ["support", "billing"] {
        let view = billing.with_options(team(then));
        view.workspace().info().await.unwrap();
    }
    // Within one view, a header given twice is sent with both values.
    c.with_options(team("a").header("x-team", "b"))
        .workspace()
        .info()
        .await
        .unwrap();
    let teams: Vec<Vec<String>> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|head| {
            head.lines()
                .filter_map(|l| l.strip_prefix("x-team:"))
                .map(|v| v.trim().to_owned())
                .collect()
        })
        .collect();
    assert_eq!(
        teams,
        vec![vec!["support"], vec!["billing"], vec!["a", "b"]],
        "{teams:?}"
    );
}

#[tokio::test]
async fn per_request_timeout_applies_to_that_call_only() {
    // A server that never answers the first connection in time.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s); // never answers
        }
    });
    let c = client(&base);
    let quick = c.with_options(
        RequestOptions::new()
            .total_timeout(Duration::from_millis(200))
            .max_retries(0),
    );
    let started = std::time::Instant::now();
    let err = quick.workspace().info().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "{err}");
    assert!(err.to_string().contains("total timeout of 200 ms"), "{err}");
    assert!(err.request_id().is_some());
    // The advice is to allow more time, not to check the network.
    let hint = err.hint().unwrap_or_default();
    assert!(hint.contains("allow more time"), "{hint}");
}

#[test]
fn a_network_failure_and_an_ended_wait_get_their_own_advice() {
    use ringg_api::transport::TransportError;
    let connect = ringg_api::Error::from_transport(TransportError::connect("connection refused"));
    let hint = connect.hint().unwrap_or_default();
    assert!(hint.contains("check the base URL"), "{hint}");
    let wait = ringg_api::Error::timeout("the call did not finish within 5 s");
    let hint = wait.hint().unwrap_or_default();
    assert!(hint.contains("longer wait"), "{hint}");
}

#[tokio::test]
async fn raw_response_matches_what_the_server_sent() {
    let (base, seen) = server(vec![]).await;
    let c = client(&base);
    let resp = c
        .with_raw_response(|c| async move { c.workspace().info().await })
        .await
        .unwrap();
    assert_eq!(resp.status.as_u16(), 200);
    assert_eq!(resp.header("x-request-id"), Some("srv-1"));
    assert_eq!(resp.server_request_id.as_deref(), Some("srv-1"));
    assert_eq!(resp.data.workspace_info.name.as_deref(), Some("W"));
    let heads = seen.lock().unwrap().clone();
    assert_eq!(heads.len(), 1, "no second request");
    assert_eq!(
        header(&heads[0], "x-ringg-request-id"),
        Some(resp.request_id.to_string().as_str())
    );
    assert!(header(&heads[0], "x-ringg-retry-count").is_none());
}

#[tokio::test]
async fn a_raw_response_call_through_another_client_is_not_taken_for_nothing_sent() {
    let (base, seen) = server(vec![]).await;
    let c = client(&base);
    let other = client(&base);
    let err = c
        .with_raw_response(|_view| async move { other.workspace().info().await })
        .await
        .unwrap_err();
    // The other client's request was carried out; the error must not say nothing was sent.
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert_eq!(err.kind(), ringg_api::ErrorKind::OutcomeUnknown, "{err}");
    assert!(err.is_outcome_unknown());
    let hint = err.hint().unwrap_or_default();
    assert!(hint.contains("another client"), "{hint}");
}

#[tokio::test]
async fn a_bad_extra_header_is_refused_before_sending() {
    let (base, seen) = server(vec![]).await;
    let c = client(&base).with_options(RequestOptions::new().header("x-api-key", "other"));
    let err = c.workspace().info().await.unwrap_err();
    assert_eq!(err.kind(), ringg_api::ErrorKind::InvalidInput, "{err}");
    for value in ["Jos\u{e9}", "a\nb"] {
        let c = client(&base).with_options(RequestOptions::new().header("x-name", value));
        let err = c.workspace().info().await.unwrap_err();
        assert_eq!(
            err.kind(),
            ringg_api::ErrorKind::InvalidInput,
            "{value:?}: {err}"
        );
        assert!(err.to_string().contains("x-name"), "{err}");
    }
    // A name and its value given as one: refused without showing the value.
    let options = RequestOptions::new().header("Authorization: Bearer tok-3f9a77c1", "");
    assert!(
        !format!("{options:?}").contains("tok-3f9a77c1"),
        "{options:?}"
    );
    let err = refused(&base, options).await;
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("tok-3f9a77c1"), "{shown}");
    assert!(shown.contains("`Authorization`"), "{shown}");
    assert!(seen.lock().unwrap().is_empty());
}

/// The error of a `GET /workspace` through a view with `options`, which must be refused as
/// `InvalidInput`.
async fn refused(base: &str, options: RequestOptions) -> ringg_api::Error {
    let err = client(base)
        .with_options(options)
        .workspace()
        .info()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ringg_api::ErrorKind::InvalidInput, "{err}");
    err
}

#[tokio::test]
async fn a_zero_timeout_is_refused_before_sending() {
    let (base, seen) = server(vec![]).await;
    for options in [
        RequestOptions::new().timeout(Duration::ZERO),
        RequestOptions::new().total_timeout(Duration::ZERO),
    ] {
        let err = refused(&base, options).await;
        // Display says what is wrong; what to do is the hint.
        assert!(err.to_string().contains("timeout is zero"), "{err}");
        assert!(!err.to_string().contains("more than zero"), "{err}");
        assert!(err.hint().unwrap().contains("more than zero"), "{err}");
    }
    // A later, positive timeout replaces the zero one.
    let options = RequestOptions::new()
        .timeout(Duration::ZERO)
        .merge(&RequestOptions::new().timeout(Duration::from_secs(5)));
    assert!(seen.lock().unwrap().is_empty());
    client(&base)
        .with_options(options)
        .workspace()
        .info()
        .await
        .unwrap();

    let builder = || Client::builder().ignore_env().api_key("k").base_url(&base);
    for (what, result) in [
        ("attempt", builder().attempt_timeout(Duration::ZERO).build()),
        ("connect", builder().connect_timeout(Duration::ZERO).build()),
        ("total", builder().total_timeout(Duration::ZERO).build()),
    ] {
        let err = result.expect_err(what);
        assert_eq!(err.kind(), ringg_api::ErrorKind::InvalidInput, "{err}");
        assert!(err.to_string().contains(what), "{err}");
    }
    assert_eq!(seen.lock().unwrap().len(), 1);
}

/// A transport of the user's that answers after `delay`, counting its attempts.
struct Slow {
    delay: Duration,
    attempts: std::sync::atomic::AtomicU32,
}

#[async_trait::async_trait]
impl ringg_api::transport::Transport for Slow {
    async fn execute(
        &self,
        _request: ringg_api::transport::ApiRequest,
    ) -> Result<ringg_api::transport::ApiResponse, ringg_api::transport::TransportError> {
        self.attempts
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        Ok(ringg_api::transport::ApiResponse {
            status: ringg_api::transport::http::StatusCode::OK,
            headers: ringg_api::transport::http::HeaderMap::new(),
            body: bytes::Bytes::from_static(WORKSPACE.as_bytes()),
        })
    }
}

fn slow_client(delay: Duration, attempt_timeout: Duration) -> (Client, Arc<Slow>) {
    let slow = Arc::new(Slow {
        delay,
        attempts: Default::default(),
    });
    let c = Client::builder()
        .ignore_env()
        .api_key("test-key")
        .base_url("http://127.0.0.1:9")
        .transport(slow.clone())
        .attempt_timeout(attempt_timeout)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    (c, slow)
}

#[tokio::test(start_paused = true)]
async fn a_custom_transport_is_bound_by_the_attempt_timeouts() {
    // The client's attempt timeout ends an attempt of a transport that does not know it.
    let (c, slow) = slow_client(Duration::from_millis(500), Duration::from_millis(100));
    let err = c.workspace().info().await.unwrap_err();
    assert!(
        err.to_string()
            .contains("no complete answer within the attempt timeout of 100 ms"),
        "{err}"
    );
    assert!(err.request_id().is_some(), "{err:?}");
    assert_eq!(slow.attempts.load(std::sync::atomic::Ordering::SeqCst), 1);

    // A request's own timeout does too, for that call only.
    let (c, _) = slow_client(Duration::from_millis(500), Duration::from_secs(30));
    let quick = c.with_options(RequestOptions::new().timeout(Duration::from_millis(50)));
    let err = quick.workspace().info().await.unwrap_err();
    assert!(
        err.to_string().contains("attempt timeout of 50 ms"),
        "{err}"
    );
    let info = c.workspace().info().await.unwrap();
    assert_eq!(info.workspace_info.name.as_deref(), Some("W"));
}
