//! The rate-limit layer: clones of one stack share one budget.

mod common;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use common::{Reply, get, start};
use ringg_transport::layers::{RateLimitConfig, RateLimiter, RetryPolicy};
use ringg_transport::{ReqwestConfig, ReqwestTransport, StackBuilder, Transport};
use ringg_types::Secret;

#[tokio::test]
async fn two_clones_never_exceed_rate_or_in_flight() {
    let server = start(vec![Reply::status(200).delay(Duration::from_millis(60))]).await;
    let limiter = RateLimiter::new(RateLimitConfig {
        requests_per_second: NonZeroU32::new(10),
        burst: NonZeroU32::new(2),
        max_in_flight: Some(3),
        ..RateLimitConfig::default()
    });
    let inner: Arc<dyn Transport> =
        Arc::new(ReqwestTransport::new(&ReqwestConfig::default()).unwrap());
    let a = StackBuilder::new(Secret::new("k"))
        .rate_limiter(limiter.clone())
        .build(inner.clone());
    let b = a.clone();
    // A second stack built from the same limiter shares it too.
    let c = StackBuilder::new(Secret::new("k"))
        .rate_limiter(limiter)
        .build(inner);
    let base = server.base_url();
    let mut tasks = Vec::new();
    for i in 0..24 {
        let t = match i % 3 {
            0 => a.clone(),
            1 => b.clone(),
            _ => c.clone(),
        };
        let req = get(&base);
        tasks.push(tokio::spawn(
            async move { t.execute(req).await.unwrap().status },
        ));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 24);
    assert!(
        server
            .max_concurrent
            .load(std::sync::atomic::Ordering::SeqCst)
            <= 3,
        "more than 3 in flight"
    );
    // In any window of one second at most rate + burst requests start.
    let mut times: Vec<_> = seen.iter().map(|s| s.at).collect();
    times.sort();
    for (i, t0) in times.iter().enumerate() {
        let in_window = times[i..]
            .iter()
            .take_while(|t| t.duration_since(*t0) < Duration::from_secs(1))
            .count();
        assert!(in_window <= 12, "{in_window} requests within one second");
    }
}

#[tokio::test]
async fn a_429_with_retry_after_pauses_every_clone() {
    let server = start(vec![
        Reply::status(429).header("retry-after", "1"),
        Reply::status(200),
    ])
    .await;
    let limiter = RateLimiter::new(RateLimitConfig::unlimited());
    let inner: Arc<dyn Transport> =
        Arc::new(ReqwestTransport::new(&ReqwestConfig::default()).unwrap());
    let a = StackBuilder::new(Secret::new("k"))
        .retry(RetryPolicy::none())
        .rate_limiter(limiter.clone())
        .build(inner.clone());
    let b = StackBuilder::new(Secret::new("k"))
        .retry(RetryPolicy::none())
        .rate_limiter(limiter)
        .build(inner);
    let base = server.base_url();
    assert_eq!(a.execute(get(&base)).await.unwrap().status, 429);
    assert_eq!(b.execute(get(&base)).await.unwrap().status, 200);
    let seen = server.seen();
    let gap = seen[1].at.duration_since(seen[0].at);
    assert!(
        gap >= Duration::from_millis(900),
        "the other clone went ahead after {gap:?}"
    );
}
