//! The standard stack as one future: the same headers on every hop and attempt, one timer per
//! attempt that ends at the total deadline, the transport's own User-Agent, and a custom
//! transport bounded by the stack. Real HTTP on 127.0.0.1.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use common::{Reply, get, initiate, start};
use ringg_transport::layers::{RetryBudget, RetryPolicy};
use ringg_transport::{
    ApiRequest, ApiResponse, RequestLimits, ReqwestConfig, ReqwestTransport, StackBuilder,
    Transport, TransportError, TransportErrorKind,
};
use ringg_types::Secret;

fn reqwest_stack(config: &ReqwestConfig, total: Option<Duration>) -> Arc<dyn Transport> {
    StackBuilder::new(Secret::new("key-abc"))
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            jitter: false,
            ..RetryPolicy::default()
        })
        .retry_budget(RetryBudget::new(100, 0.0))
        .total_timeout(total)
        .build_reqwest(ReqwestTransport::new(config).unwrap())
}

#[tokio::test]
async fn a_followed_redirect_and_a_retry_carry_the_same_key_id_and_extra_headers() {
    let server = start(vec![
        Reply::status(307).header("location", "/moved"),
        Reply::status(503),
        Reply::status(200),
    ])
    .await;
    let t = reqwest_stack(&ReqwestConfig::default(), None);
    let mut req = get(&server.base_url());
    req.headers
        .insert("x-team", http::HeaderValue::from_static("billing"));
    let id = req.request_id.to_string();
    let resp = t.execute(req).await.unwrap();
    assert_eq!(resp.status.as_u16(), 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 3, "redirect, then 503, then retried to 200");
    assert_eq!(seen[1].path_and_query, "/moved");
    for (i, s) in seen.iter().enumerate() {
        let h = |n: &str| {
            s.headers
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(h("x-api-key").as_deref(), Some("key-abc"), "hop {i}");
        assert_eq!(
            h("x-ringg-request-id").as_deref(),
            Some(id.as_str()),
            "hop {i}"
        );
        assert_eq!(h("x-team").as_deref(), Some("billing"), "hop {i}");
        assert_eq!(s.headers.get_all("user-agent").iter().count(), 1, "hop {i}");
    }
    // The retry after the 503 is attempt 2: the first attempt (and its redirect) has no
    // attempt header.
    assert!(seen[0].headers.get("x-ringg-retry-count").is_none());
    assert!(seen[1].headers.get("x-ringg-retry-count").is_none());
    assert_eq!(seen[2].headers.get("x-ringg-retry-count").unwrap(), "1");
}

#[tokio::test]
async fn a_base_urls_credentials_go_with_a_followed_redirect() {
    let server = start(vec![
        Reply::status(308).header("location", "/moved"),
        Reply::status(200),
    ])
    .await;
    let t = reqwest_stack(&ReqwestConfig::default(), None);
    let base = server.base_url().replace("http://", "http://user:pa55@");
    let resp = t.execute(get(&base)).await.unwrap();
    assert_eq!(resp.status.as_u16(), 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].path_and_query, "/moved");
    for s in &seen {
        // user:pa55 in base64
        assert_eq!(
            s.headers.get("authorization").and_then(|v| v.to_str().ok()),
            Some("Basic dXNlcjpwYTU1")
        );
    }
}

#[tokio::test]
async fn the_configured_user_agent_is_the_one_sent() {
    let server = start(vec![Reply::status(200)]).await;
    let config = ReqwestConfig {
        user_agent: "acme-dialer/2.0".into(),
        ..ReqwestConfig::default()
    };
    reqwest_stack(&config, None)
        .execute(get(&server.base_url()))
        .await
        .unwrap();
    let seen = server.seen();
    let agents: Vec<_> = seen[0].headers.get_all("user-agent").iter().collect();
    assert_eq!(agents, ["acme-dialer/2.0"]);
    assert_eq!(seen[0].headers.get("accept").unwrap(), "application/json");
}

#[tokio::test]
async fn the_attempt_timer_ends_at_the_total_deadline() {
    // The server answers after 5 s; the attempt timeout is 30 s, the total 300 ms.
    let server = start(vec![Reply::status(200).delay(Duration::from_secs(5))]).await;
    let t = reqwest_stack(&ReqwestConfig::default(), Some(Duration::from_millis(300)));
    let started = Instant::now();
    let err = t.execute(get(&server.base_url())).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(4), "{err}");
    assert_eq!(err.kind(), TransportErrorKind::TotalTimeout, "{err}");
    assert!(err.to_string().contains("total timeout of 300 ms"), "{err}");
    assert_eq!(server.hits(), 1, "the deadline is not retried");

    // A call initiation cut off by the deadline may have been placed: outcome unknown.
    let err = t.execute(initiate(&server.base_url())).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::OutcomeUnknown, "{err}");
    assert!(err.to_string().contains("total timeout"), "{err}");
}

#[tokio::test]
async fn the_total_timeout_runs_from_the_first_poll_not_from_making_the_future() {
    // Futures made up front and awaited later (a batch run a few at a time) do not spend
    // their total time waiting to be polled.
    let server = start(vec![Reply::status(200)]).await;
    let t = reqwest_stack(&ReqwestConfig::default(), Some(Duration::from_millis(200)));
    let made = t.execute(get(&server.base_url()));
    tokio::time::sleep(Duration::from_millis(400)).await;
    let resp = made
        .await
        .expect("the request has its whole total timeout once polled");
    assert_eq!(resp.status.as_u16(), 200);
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_request_s_own_attempt_timeout_is_its_own_error() {
    let server = start(vec![
        Reply::status(200).delay(Duration::from_secs(5)),
        Reply::status(200),
    ])
    .await;
    let t = reqwest_stack(&ReqwestConfig::default(), Some(Duration::from_secs(60)));
    let req = get(&server.base_url()).with_limits(RequestLimits {
        attempt_timeout: Some(Duration::from_millis(200)),
        ..RequestLimits::default()
    });
    let resp = t.execute(req).await.unwrap();
    assert_eq!(resp.status.as_u16(), 200, "timed out once, then answered");
    assert_eq!(server.hits(), 2);
}

/// A transport that never answers and knows nothing of deadlines.
struct Silent;

#[async_trait]
impl Transport for Silent {
    async fn execute(&self, _request: ApiRequest) -> Result<ApiResponse, TransportError> {
        std::future::pending().await
    }
}

#[tokio::test]
async fn a_custom_transport_is_bounded_by_the_stack() {
    let t = StackBuilder::new(Secret::new("k"))
        .total_timeout(Some(Duration::from_millis(200)))
        .build(Arc::new(Silent));
    let started = Instant::now();
    let err = t.execute(get("http://127.0.0.1:9")).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(4), "{err}");
    assert_eq!(err.kind(), TransportErrorKind::TotalTimeout, "{err}");
    assert!(err.request_id().is_some());
}

/// A refused connection says so in the error's message (the root cause, not only reqwest's
/// "error sending request"), and counts as not sent.
#[tokio::test]
async fn a_refused_connection_names_its_cause() {
    use ringg_transport::{ReqwestConfig, ReqwestTransport, SendState, Transport};
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let transport = ReqwestTransport::new(&ReqwestConfig::default()).unwrap();
    let request = ringg_transport::ApiRequest::new(
        "getWorkspace",
        http::Method::GET,
        format!("http://127.0.0.1:{port}/ca/api/v0").as_str(),
        "/workspace",
        ringg_transport::Idempotency::Idempotent,
    );
    let err = transport.execute(request).await.unwrap_err();
    assert_eq!(err.send_state(), SendState::NotSent, "{err}");
    assert!(
        err.message().to_lowercase().contains("refused"),
        "{}",
        err.message()
    );
}
