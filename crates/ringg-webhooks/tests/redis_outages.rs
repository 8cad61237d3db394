//! `RedisDedupeStore` through a Redis restart and a Redis stall, on a real `redis-server`
//! (started by the test on a free loopback port; skipped loudly without redis-server, failed
//! when `CI` is set).

#[path = "common/redis_server.rs"]
mod redis_server;

use std::time::{Duration, Instant};

use redis_server::RedisServer;
use ringg_webhooks::{Claim, DedupeKey, DedupeStore, RedisDedupeStore};

/// Redis restarted under a store that was connected: the first claim after it is not refused
/// (the receiver would answer 503, and Ringg's last retry could be lost that way), since the
/// connection the restart broke is made again and the claim sent once more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_claim_after_a_redis_restart_goes_through() {
    let Some(mut redis) = RedisServer::start("the_first_claim_after_a_redis_restart_goes_through")
    else {
        return;
    };
    let store = RedisDedupeStore::new(&redis.url(), "restart").unwrap();
    store.ping().await.unwrap();
    let before = DedupeKey::new("c0", "call_started", None);
    assert_eq!(store.claim(&before).await.unwrap(), Claim::New);
    redis.restart();
    // The claim made before the restart (kept by the append-only file) is confirmed through
    // the new connection: its event is remembered as handed over.
    store.confirm(&before).await.unwrap();
    let restarted = RedisDedupeStore::new(&redis.url(), "restart").unwrap();
    assert_eq!(restarted.peek(&before).await.unwrap(), Claim::Done);
    redis.restart();
    let key = DedupeKey::new("c1", "call_started", None);
    assert_eq!(store.claim(&key).await.unwrap(), Claim::New);
    // It is this store's own claim: confirmed as such.
    store.confirm(&key).await.unwrap();
    let other = RedisDedupeStore::new(&redis.url(), "restart").unwrap();
    assert_eq!(other.peek(&key).await.unwrap(), Claim::Done);
}

/// Redis stalled while a claim was sent: the claim fails (the receiver answers 503), and once
/// Redis runs it after all, the pending key it made is removed again rather than holding the
/// event in flight, with no receiver at work on it, for the whole 45 s lease.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_redis_did_not_answer_in_time_is_released_once_it_runs() {
    let Some(redis) =
        RedisServer::start("a_claim_redis_did_not_answer_in_time_is_released_once_it_runs")
    else {
        return;
    };
    let store = RedisDedupeStore::new(&redis.url(), "stall").unwrap();
    let other = RedisDedupeStore::new(&redis.url(), "stall").unwrap();
    store.ping().await.unwrap();
    other.ping().await.unwrap();
    let key = DedupeKey::new("c2", "call_completed", None);
    redis.pause();
    let refused = store.claim(&key).await;
    // Resumed a moment later, as a host that stalled for a few seconds.
    tokio::time::sleep(Duration::from_secs(1)).await;
    redis.resume();
    let err = refused.expect_err("Redis is stalled").to_string();
    assert!(err.contains("Redis at 127.0.0.1:"), "{err}");
    // What waited on the store's connection has run once Redis answers the store again.
    store.ping().await.unwrap();
    let since = Instant::now();
    let free = loop {
        let seen = other.peek(&key).await.unwrap();
        if seen == Claim::New || since.elapsed() > Duration::from_secs(20) {
            break seen;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(free, Claim::New, "still held after {:?}", since.elapsed());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(other.peek(&key).await.unwrap(), Claim::New);
    assert_eq!(other.claim(&key).await.unwrap(), Claim::New);
}
