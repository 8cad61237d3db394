//! The retry layer against a real HTTP server on 127.0.0.1 that scripts failures.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Reply, get, initiate as post, start};
use std::num::NonZeroU32;

use ringg_transport::layers::{RateLimitConfig, RateLimiter, RetryBudget, RetryPolicy};
use ringg_transport::{
    ApiRequest, ReqwestConfig, ReqwestTransport, SendState, StackBuilder, Transport,
    TransportErrorKind,
};
use ringg_types::Secret;

fn fast_policy() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        jitter: false,
        ..RetryPolicy::default()
    }
}

fn stack(policy: RetryPolicy, budget: RetryBudget) -> Arc<dyn Transport> {
    let inner: Arc<dyn Transport> =
        Arc::new(ReqwestTransport::new(&ReqwestConfig::default()).unwrap());
    StackBuilder::new(Secret::new("test-key-123"))
        .retry(policy)
        .retry_budget(budget)
        .build(inner)
}

#[tokio::test]
async fn get_retried_through_503_503_200() {
    let server = start(vec![
        Reply::status(503),
        Reply::status(503),
        Reply::status(200),
    ])
    .await;
    let t = stack(fast_policy(), RetryBudget::default());
    let resp = t.execute(get(&server.base_url())).await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(server.hits(), 3);
    let attempts: Vec<Option<String>> = server
        .seen()
        .iter()
        .map(|s| {
            s.headers
                .get("x-ringg-retry-count")
                .map(|v| v.to_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(
        attempts,
        [None, Some("1".to_string()), Some("2".to_string())],
        "the first attempt carries no attempt header"
    );
    let ids: Vec<String> = server
        .seen()
        .iter()
        .map(|s| {
            s.headers["x-ringg-request-id"]
                .to_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(ids[0].starts_with("req_") && ids[0].len() == 20, "{ids:?}");
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "one request id across retries: {ids:?}"
    );
    for s in server.seen() {
        assert_eq!(s.headers["x-api-key"], "test-key-123");
        assert!(
            s.headers["user-agent"]
                .to_str()
                .unwrap()
                .starts_with("ringg-rs/")
        );
        assert_eq!(s.headers["accept"], "application/json");
    }
}

#[tokio::test]
async fn get_gives_back_last_response_when_retries_run_out() {
    let server = start(vec![Reply::status(503)]).await;
    let t = stack(fast_policy(), RetryBudget::default());
    let resp = t.execute(get(&server.base_url())).await.unwrap();
    assert_eq!(resp.status, 503);
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn non_idempotent_post_answered_500_is_sent_once_and_outcome_unknown() {
    let server = start(vec![Reply::status(500), Reply::status(200)]).await;
    let t = stack(fast_policy(), RetryBudget::default());
    let err = t.execute(post(&server.base_url())).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::OutcomeUnknown);
    assert_eq!(err.response().map(|r| r.status.as_u16()), Some(500));
    assert_eq!(err.operation(), Some("initiateCallV2"));
    // give a stray retry the chance to show up before counting
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.hits(), 1);
    assert_eq!(&server.seen()[0].body[..], b"{\"name\":\"a\"}");
}

#[tokio::test]
async fn non_idempotent_post_timed_out_after_sending_is_outcome_unknown() {
    let server = start(vec![Reply::status(200).delay(Duration::from_millis(800))]).await;
    let inner: Arc<dyn Transport> = Arc::new(
        ReqwestTransport::new(&ReqwestConfig {
            attempt_timeout: Duration::from_millis(150),
            ..ReqwestConfig::default()
        })
        .unwrap(),
    );
    let t = StackBuilder::new(Secret::new("k"))
        .retry(fast_policy())
        .build(inner);
    let err = t.execute(post(&server.base_url())).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn post_answered_429_retry_after_1_is_retried_after_a_second() {
    let server = start(vec![
        Reply::status(429).header("retry-after", "1"),
        Reply::status(200),
    ])
    .await;
    let t = stack(fast_policy(), RetryBudget::default());
    let resp = t.execute(post(&server.base_url())).await.unwrap();
    assert_eq!(resp.status, 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    let gap = seen[1].at.duration_since(seen[0].at);
    assert!(
        gap >= Duration::from_millis(990),
        "retried after only {gap:?}"
    );
}

#[tokio::test]
async fn refused_connection_is_retried_for_both_classes() {
    for make in [get as fn(&str) -> ApiRequest, post] {
        // Reserve a port, close it, and open it again only after the first attempt failed.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let t = stack(
            RetryPolicy {
                max_retries: 3,
                initial_backoff: Duration::from_millis(300),
                max_backoff: Duration::from_millis(300),
                jitter: false,
                ..RetryPolicy::default()
            },
            RetryBudget::default(),
        );
        let base = format!("http://{addr}");
        let opener = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let l = tokio::net::TcpListener::bind(addr).await.unwrap();
            common::serve_on(l, vec![Reply::status(200)])
        });
        let resp = t.execute(make(&base)).await.unwrap();
        assert_eq!(resp.status, 200);
        let server = opener.await.unwrap();
        assert_eq!(
            server.hits(),
            1,
            "only the attempt after the port opened arrives"
        );
    }
}

#[tokio::test]
async fn refused_connection_after_all_retries_reports_not_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let t = stack(fast_policy(), RetryBudget::default());
    let err = t
        .execute(post(&format!("http://{addr}")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Connect);
    assert!(err.is_not_sent());
    assert_eq!(err.attempts(), 3);
}

#[tokio::test]
async fn budget_stops_retries_when_exhausted() {
    let server = start(vec![Reply::status(503)]).await;
    let budget = RetryBudget::new(3, 0.0);
    let policy = RetryPolicy {
        max_retries: 10,
        ..fast_policy()
    };
    let t = stack(policy.clone(), budget.clone());
    let t2 = stack(policy, budget.clone()); // a second stack sharing the budget
    let r1 = t.execute(get(&server.base_url())).await.unwrap();
    assert_eq!(r1.status, 503);
    assert_eq!(server.hits(), 4, "first attempt + 3 budgeted retries");
    let r2 = t2.execute(get(&server.base_url())).await.unwrap();
    assert_eq!(r2.status, 503);
    assert_eq!(server.hits(), 5, "no retries left in the shared budget");
    assert_eq!(budget.remaining(), 0);
}

#[tokio::test]
async fn retry_after_beyond_the_cap_is_not_waited_out() {
    let server = start(vec![
        Reply::status(429).header("retry-after", "3600"),
        Reply::status(200),
    ])
    .await;
    let t = stack(fast_policy(), RetryBudget::default());
    let started = Instant::now();
    let err = t.execute(get(&server.base_url())).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::RetryAfterTooLong);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(err.response().map(|r| r.status.as_u16()), Some(429));
    assert_eq!(server.hits(), 1);
    assert!(started.elapsed() < Duration::from_secs(30));
    // The failure only: the advice is the API error's hint.
    assert!(err.to_string().ends_with("this client waits"), "{err}");
}

/// A stack that would retry 100 times, 400 ms apart, within a total timeout of 1 s (the first
/// answer may take up to 600 ms and still leave room for one retry).
fn retrying_until_1_s() -> Arc<dyn Transport> {
    let inner: Arc<dyn Transport> =
        Arc::new(ReqwestTransport::new(&ReqwestConfig::default()).unwrap());
    StackBuilder::new(Secret::new("k"))
        .retry(RetryPolicy {
            max_retries: 100,
            initial_backoff: Duration::from_millis(400),
            max_backoff: Duration::from_millis(400),
            jitter: false,
            ..RetryPolicy::default()
        })
        .retry_budget(RetryBudget::new(1000, 0.0))
        .total_timeout(Some(Duration::from_secs(1)))
        .build(inner)
}

#[tokio::test]
async fn total_timeout_bounds_retries() {
    let server = start(vec![Reply::status(503)]).await;
    let t = retrying_until_1_s();
    let started = Instant::now();
    // The retry that would start after the deadline is not waited for: the last answer (503)
    // is the outcome, well within the 400 ms backoffs that 100 retries would take.
    let resp = t.execute(get(&server.base_url())).await.unwrap();
    assert_eq!(resp.status.as_u16(), 503);
    assert!(
        server.hits() >= 2 && server.hits() <= 4,
        "hits {}",
        server.hits()
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_call_the_deadline_stopped_before_sending_is_not_outcome_unknown() {
    // A port bound but not listening refuses every connection, and stays ours for the test
    // (a port closed again could be taken by another test's server meanwhile).
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let closed = socket.local_addr().unwrap();
    let t = retrying_until_1_s();
    let err = t
        .execute(post(&format!("http://{closed}")))
        .await
        .unwrap_err();
    assert!(!err.is_outcome_unknown(), "{err}");
    assert_eq!(err.send_state(), SendState::NotSent, "{err}");
    assert!(err.attempts() >= 2, "{err}");
}

#[tokio::test]
async fn a_call_waiting_for_the_rate_limiter_at_the_deadline_was_not_sent() {
    let server = start(vec![Reply::status(200)]).await;
    let inner: Arc<dyn Transport> =
        Arc::new(ReqwestTransport::new(&ReqwestConfig::default()).unwrap());
    let t = StackBuilder::new(Secret::new("k"))
        .rate_limiter(RateLimiter::new(RateLimitConfig {
            requests_per_second: NonZeroU32::new(1),
            burst: NonZeroU32::new(1),
            ..RateLimitConfig::default()
        }))
        .build(inner);
    t.execute(post(&server.base_url())).await.unwrap();
    // The second has to wait about a second for its slot, past its own 100 ms.
    let mut second = post(&server.base_url());
    second.limits.total_timeout = Some(Duration::from_millis(100));
    let err = t.execute(second).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::TotalTimeout, "{err}");
    assert!(!err.is_outcome_unknown(), "{err}");
    assert_eq!(server.hits(), 1);
}
