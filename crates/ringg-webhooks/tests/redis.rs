//! A fleet of receivers sharing one `RedisDedupeStore` on a real `redis-server` (started by the
//! test on a free loopback port; skipped loudly without redis-server, failed when `CI` is set).

mod common;

#[path = "common/redis_server.rs"]
mod redis_server;

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use common::{TestServer, event, send};
use http::StatusCode;
use redis_server::RedisServer;
use ringg_webhooks::{
    DedupeKey, DedupeStore, HandlerError, RedisDedupeStore, WebhookEvent, WebhookHandler,
    WebhookReceiver,
};

const SECRET: &str = "whsec-fleet";
const PREFIX: &str = "test:dedupe";

/// Every event handed over by any receiver of the fleet: `(receiver, call_id)`.
#[derive(Default)]
struct Ledger {
    handed: Mutex<Vec<(usize, String)>>,
    /// Call ids whose next hand-over fails (once), on any receiver.
    fail_once: Mutex<HashSet<String>>,
    /// Call ids whose handler takes this long.
    slow: Mutex<HashSet<String>>,
}

impl Ledger {
    fn counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for (_, call) in self.handed.lock().unwrap().iter() {
            *counts.entry(call.clone()).or_insert(0) += 1;
        }
        counts
    }
    fn by(&self, call: &str) -> Vec<usize> {
        let handed = self.handed.lock().unwrap();
        handed
            .iter()
            .filter(|(_, c)| c == call)
            .map(|(r, _)| *r)
            .collect()
    }
}

struct Member {
    id: usize,
    ledger: Arc<Ledger>,
}

#[async_trait]
impl WebhookHandler for Member {
    async fn handle(&self, event: WebhookEvent) -> Result<(), HandlerError> {
        let call = event.call_id().map(|c| c.to_string()).unwrap_or_default();
        if self.ledger.slow.lock().unwrap().contains(&call) {
            tokio::time::sleep(Duration::from_millis(800)).await;
        }
        if self.ledger.fail_once.lock().unwrap().remove(&call) {
            return Err(HandlerError::msg("the application is down"));
        }
        self.ledger.handed.lock().unwrap().push((self.id, call));
        Ok(())
    }
}

/// One receiver process of the fleet: its own store (own connection), its own server.
async fn member(id: usize, url: &str, ledger: &Arc<Ledger>) -> TestServer {
    let store = RedisDedupeStore::new(url, PREFIX).unwrap();
    let receiver = WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret(SECRET)
        .dedupe_store(store)
        .handler(Member {
            id,
            ledger: ledger.clone(),
        })
        .build()
        .unwrap();
    TestServer::start(receiver).await
}

fn headers() -> [(&'static str, &'static str); 2] {
    [
        ("x-webhook-secret", SECRET),
        ("content-type", "application/json"),
    ]
}

/// Sends the same delivery to every receiver at once; returns the statuses.
async fn to_all(fleet: &[TestServer], body: &str) -> Vec<StatusCode> {
    let sends = fleet.iter().map(|s| {
        let url = s.url("/webhooks/ringg");
        let body = body.to_owned();
        async move { send("POST", &url, &headers(), body).await.0 }
    });
    futures::future::join_all(sends).await
}

/// Like Ringg: sends to one receiver until it stops answering 503 (bounded).
async fn until_settled(server: &TestServer, body: &str) -> StatusCode {
    for _ in 0..50 {
        let (status, _) = send("POST", &server.url("/"), &headers(), body.to_owned()).await;
        if status != StatusCode::SERVICE_UNAVAILABLE {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("still 503 after 50 tries");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_receivers_hand_each_event_over_exactly_once_also_after_a_restart() {
    let Some(redis) = RedisServer::start("three_receivers_hand_each_event_over_exactly_once")
    else {
        return;
    };
    let ledger = Arc::new(Ledger::default());
    let mut fleet = Vec::new();
    for id in 0..3 {
        fleet.push(member(id, &redis.url(), &ledger).await);
    }
    let bodies: Vec<String> = (0..30)
        .map(|i| event("call_started", &format!("call-{i}")))
        .collect();
    for body in &bodies {
        for status in to_all(&fleet, body).await {
            assert!(
                status == StatusCode::OK || status == StatusCode::SERVICE_UNAVAILABLE,
                "{status}"
            );
        }
    }
    // Ringg retries every delivery: now each receiver acknowledges it as a duplicate.
    for body in &bodies {
        assert_eq!(to_all(&fleet, body).await, vec![StatusCode::OK; 3]);
    }
    // One receiver restarts (a new process: a new store and connection).
    let first = fleet.remove(0);
    first.stop().await;
    fleet.insert(0, member(3, &redis.url(), &ledger).await);
    for body in &bodies {
        assert_eq!(to_all(&fleet, body).await, vec![StatusCode::OK; 3]);
    }
    let counts = ledger.counts();
    assert_eq!(counts.len(), 30, "{counts:?}");
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    // The work was shared out: more than one receiver handed events over.
    let receivers: HashSet<usize> = ledger.handed.lock().unwrap().iter().map(|h| h.0).collect();
    assert!(!receivers.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_handler_lets_the_retry_through_on_another_receiver_and_in_flight_is_503() {
    let Some(redis) = RedisServer::start("a_failed_handler_lets_the_retry_through") else {
        return;
    };
    let ledger = Arc::new(Ledger::default());
    let mut fleet = Vec::new();
    for id in 0..3 {
        fleet.push(member(id, &redis.url(), &ledger).await);
    }
    let body = event("call_started", "call-fails");
    ledger.fail_once.lock().unwrap().insert("call-fails".into());
    let (status, json) = send("POST", &fleet[0].url("/"), &headers(), body.clone()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{json}");
    // Ringg's retry lands on another receiver: it is handed over there, once.
    assert_eq!(until_settled(&fleet[1], &body).await, StatusCode::OK);
    assert_eq!(until_settled(&fleet[2], &body).await, StatusCode::OK);
    assert_eq!(until_settled(&fleet[0], &body).await, StatusCode::OK);
    assert_eq!(ledger.by("call-fails"), vec![1]);

    // While one receiver is handling an event, another answers 503 (retry later), not 200.
    let slow = event("call_started", "call-slow");
    ledger.slow.lock().unwrap().insert("call-slow".into());
    let url0 = fleet[0].url("/");
    let first = tokio::spawn({
        let slow = slow.clone();
        async move { send("POST", &url0, &headers(), slow).await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, json) = send("POST", &fleet[1].url("/"), &headers(), slow.clone()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{json}");
    assert_eq!(first.await.unwrap().0, StatusCode::OK);
    assert_eq!(until_settled(&fleet[1], &slow).await, StatusCode::OK);
    assert_eq!(ledger.by("call-slow"), vec![0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_mid_run_answers_503_and_hands_nothing_over_twice() {
    let Some(mut redis) = RedisServer::start("redis_killed_mid_run_answers_503") else {
        return;
    };
    let ledger = Arc::new(Ledger::default());
    let mut fleet = Vec::new();
    for id in 0..3 {
        fleet.push(member(id, &redis.url(), &ledger).await);
    }
    let before: Vec<String> = (0..10)
        .map(|i| event("call_started", &format!("before-{i}")))
        .collect();
    let during: Vec<String> = (0..10)
        .map(|i| event("call_started", &format!("during-{i}")))
        .collect();
    for body in &before {
        to_all(&fleet, body).await;
    }
    assert_eq!(ledger.counts().len(), 10);

    redis.kill();
    for body in before.iter().chain(&during) {
        let sends = fleet.iter().map(|s| {
            let url = s.url("/");
            let body = body.clone();
            async move { send("POST", &url, &headers(), body).await }
        });
        for (status, json) in futures::future::join_all(sends).await {
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{json}");
            assert_eq!(json["error"]["code"], "dedupe_unavailable", "{json}");
        }
    }
    assert_eq!(
        ledger.counts().len(),
        10,
        "nothing handed over while Redis is down"
    );

    // Redis comes back (its append-only file kept the keys): the receivers reconnect.
    redis.restart();
    for body in before.iter().chain(&during) {
        for server in &fleet {
            assert_eq!(until_settled(server, body).await, StatusCode::OK);
        }
    }
    let counts = ledger.counts();
    assert_eq!(counts.len(), 20, "{counts:?}");
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
}

#[tokio::test]
async fn the_store_alone_claims_confirms_and_releases() {
    let Some(redis) = RedisServer::start("the_store_alone_claims_confirms_and_releases") else {
        return;
    };
    let a = RedisDedupeStore::with_ttl(&redis.url(), "unit", Duration::from_secs(2)).unwrap();
    let b = RedisDedupeStore::new(&redis.url(), "unit:").unwrap();
    a.ping().await.unwrap();
    let key = DedupeKey::new("c1", "call_started", None);
    use ringg_webhooks::Claim;
    assert_eq!(a.peek(&key).await.unwrap(), Claim::New);
    assert_eq!(a.claim(&key).await.unwrap(), Claim::New);
    assert_eq!(b.peek(&key).await.unwrap(), Claim::InFlight);
    assert_eq!(b.claim(&key).await.unwrap(), Claim::InFlight);
    a.remove(&key).await.unwrap();
    assert_eq!(b.peek(&key).await.unwrap(), Claim::New);
    assert_eq!(b.claim(&key).await.unwrap(), Claim::New);
    b.confirm(&key).await.unwrap();
    assert_eq!(a.peek(&key).await.unwrap(), Claim::Done);
    assert_eq!(a.claim(&key).await.unwrap(), Claim::Done);
    // Another prefix is another store.
    let other = RedisDedupeStore::new(&redis.url(), "elsewhere").unwrap();
    assert_eq!(other.claim(&key).await.unwrap(), Claim::New);
    // A confirmed key lasts the window (2 s here), then is forgotten.
    a.confirm(&key).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2_300)).await;
    assert_eq!(a.claim(&key).await.unwrap(), Claim::New);
    // Debug shows where, never a password.
    let with_password =
        RedisDedupeStore::new("redis://:hunter2-secret@127.0.0.1:1/0", "p").unwrap();
    let shown = format!("{with_password:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    let err = with_password
        .claim(&key)
        .await
        .expect_err("nothing listens on port 1")
        .to_string();
    assert!(!err.contains("hunter2"), "{err}");
    assert!(err.contains("127.0.0.1:1"), "{err}");
    assert!(
        RedisDedupeStore::new("http://nope", "p")
            .unwrap_err()
            .to_string()
            .contains("redis://")
    );
    let tls = RedisDedupeStore::new("rediss://:hunter2@cache.example:6380/0", "p")
        .unwrap_err()
        .to_string();
    assert!(
        tls.contains("no TLS support") && !tls.contains("hunter2"),
        "{tls}"
    );
}

/// A renewed pending claim's lease starts again; a confirmed key is left as it is.
#[tokio::test]
async fn a_renewed_claim_gets_a_full_lease_again() {
    let Some(redis) = RedisServer::start("a_renewed_claim_gets_a_full_lease_again") else {
        return;
    };
    use ringg_webhooks::Claim;
    let store = RedisDedupeStore::new(&redis.url(), "renew").unwrap();
    let client = redis::Client::open(redis.url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let key = DedupeKey::new("c1", "call_started", None);
    let redis_key = format!("renew:{}", key.as_str());
    let ttl = |conn: &mut redis::aio::MultiplexedConnection| {
        let mut conn = conn.clone();
        let redis_key = redis_key.clone();
        async move {
            redis::cmd("PTTL")
                .arg(&redis_key)
                .query_async::<i64>(&mut conn)
                .await
                .unwrap()
        }
    };
    let lease = RedisDedupeStore::PENDING_LEASE.as_millis() as i64;
    assert_eq!(store.claim(&key).await.unwrap(), Claim::New);
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let before = ttl(&mut conn).await;
    assert!(before <= lease - 1_000, "{before}");
    store.renew(&key).await.unwrap();
    let after = ttl(&mut conn).await;
    assert!(after > lease - 1_000, "renewed: {after} ms left of {lease}");
    assert_eq!(store.claim(&key).await.unwrap(), Claim::InFlight);
    // A confirmed key keeps its window, not a lease.
    store.confirm(&key).await.unwrap();
    store.renew(&key).await.unwrap();
    assert_eq!(store.claim(&key).await.unwrap(), Claim::Done);
    assert!(ttl(&mut conn).await > lease * 10);
}

/// `check_and_insert` keeps the key as handed over for the window, not as a pending claim
/// that lapses after its lease (after which the same event would be taken for a new one).
#[tokio::test]
async fn check_and_insert_keeps_the_key_for_the_window() {
    let Some(redis) = RedisServer::start("check_and_insert_keeps_the_key_for_the_window") else {
        return;
    };
    let store = RedisDedupeStore::new(&redis.url(), "cai").unwrap();
    let client = redis::Client::open(redis.url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let key = DedupeKey::new("c1", "call_started", None);
    assert!(store.check_and_insert(&key).await.unwrap());
    assert!(!store.check_and_insert(&key).await.unwrap());
    let ttl: i64 = redis::cmd("PTTL")
        .arg(format!("cai:{}", key.as_str()))
        .query_async(&mut conn)
        .await
        .unwrap();
    let lease = RedisDedupeStore::PENDING_LEASE.as_millis() as i64;
    assert!(ttl > lease * 10, "{ttl} ms left; the lease is {lease}");
}

/// Receiver A's handler: waits until released, then fails (the application was down).
struct SlowThenFails {
    release: Arc<tokio::sync::Notify>,
    entered: Arc<tokio::sync::Notify>,
}

#[async_trait]
impl WebhookHandler for SlowThenFails {
    async fn handle(&self, _event: WebhookEvent) -> Result<(), HandlerError> {
        self.entered.notify_one();
        self.release.notified().await;
        Err(HandlerError::msg("the application is down"))
    }
}

/// A receiver whose claim lapsed (its handler ran past the lease; the test expires the key as
/// the lease would) and whose handler then fails leaves alone the key another receiver
/// claimed, handed over and confirmed meanwhile: a later delivery is a duplicate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_whose_claim_lapsed_does_not_undo_anothers_hand_over() {
    let Some(redis) = RedisServer::start("a_receiver_whose_claim_lapsed") else {
        return;
    };
    let body = event("all_processing_completed", "call-lapsed");
    let key = DedupeKey::for_event(&ringg_webhooks::parse_event(body.as_bytes()).unwrap()).unwrap();
    fn receiver(url: &str, handler: impl WebhookHandler) -> WebhookReceiver {
        WebhookReceiver::builder()
            .secret_header("X-Webhook-Secret")
            .secret(SECRET)
            .dedupe_store(RedisDedupeStore::new(url, PREFIX).unwrap())
            .handler(handler)
            .build()
            .unwrap()
    }
    let (release, entered) = (
        Arc::new(tokio::sync::Notify::new()),
        Arc::new(tokio::sync::Notify::new()),
    );
    let a = TestServer::start(receiver(
        &redis.url(),
        SlowThenFails {
            release: release.clone(),
            entered: entered.clone(),
        },
    ))
    .await;
    let ledger = Arc::new(Ledger::default());
    let b = TestServer::start(receiver(
        &redis.url(),
        Member {
            id: 1,
            ledger: ledger.clone(),
        },
    ))
    .await;

    // The first delivery reaches A, whose handler hangs; its lease runs out meanwhile.
    let a_url = a.url("/");
    let first = {
        let body = body.clone();
        tokio::spawn(async move { send("POST", &a_url, &headers(), body).await.0 })
    };
    entered.notified().await;
    lapse(&redis.url(), &key).await;

    // Ringg's retry reaches B: handed over and confirmed.
    let (status, _) = send("POST", &b.url("/"), &headers(), body.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ledger.by("call-lapsed"), vec![1]);

    // A's handler fails: A answers 500, and its claim is no longer there to forget.
    release.notify_one();
    assert_eq!(first.await.unwrap(), StatusCode::INTERNAL_SERVER_ERROR);
    let (status, answer) = send("POST", &b.url("/"), &headers(), body.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        ledger.by("call-lapsed"),
        vec![1],
        "handed over again ({answer}): A's late remove undid B's hand-over"
    );
}

/// Ends the lease of `key`'s claim at once (as 45 s of a slow handler would), through a
/// connection of the test's own to the Redis at `url`.
async fn lapse(url: &str, key: &DedupeKey) {
    let client = redis::Client::open(url).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    redis::cmd("PEXPIRE")
        .arg(format!("{PREFIX}:{}", key.as_str()))
        .arg(1)
        .query_async::<i64>(&mut conn)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
}

/// One store claims a key twice: its first claim's lease ran out, and Ringg's retry reached
/// the same process. The first handler fails: the key stays claimed while the second is at
/// work (another receiver's delivery is in flight, not handed over a third time), and the
/// second's own `remove` then frees it; with a confirm first, the event was handed over,
/// whichever handler it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_store_claiming_a_key_twice_keeps_it_while_either_is_at_work() {
    let Some(redis) = RedisServer::start("one_store_claiming_a_key_twice") else {
        return;
    };
    use ringg_webhooks::Claim;
    let url = redis.url();
    let (a, b) = (
        RedisDedupeStore::new(&url, PREFIX).unwrap(),
        RedisDedupeStore::new(&url, PREFIX).unwrap(),
    );
    let key = DedupeKey::new("call-twice", "call_completed", None);
    assert_eq!(a.claim(&key).await.unwrap(), Claim::New);
    lapse(&url, &key).await;
    assert_eq!(a.claim(&key).await.unwrap(), Claim::New);
    a.remove(&key).await.unwrap();
    assert_eq!(b.claim(&key).await.unwrap(), Claim::InFlight);
    a.renew(&key).await.unwrap();
    a.remove(&key).await.unwrap();
    assert_eq!(b.claim(&key).await.unwrap(), Claim::New);

    let key = DedupeKey::new("call-twice-confirmed", "call_completed", None);
    assert_eq!(a.claim(&key).await.unwrap(), Claim::New);
    lapse(&url, &key).await;
    assert_eq!(a.claim(&key).await.unwrap(), Claim::New);
    a.confirm(&key).await.unwrap();
    a.remove(&key).await.unwrap();
    assert_eq!(b.claim(&key).await.unwrap(), Claim::Done);
}

/// A handler that outlived its lease, with nobody claiming the key meanwhile, then succeeded:
/// its late `confirm` still records the key as handed over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_confirm_of_a_lapsed_claim_nobody_took_is_recorded() {
    let Some(redis) = RedisServer::start("a_late_confirm_of_a_lapsed_claim") else {
        return;
    };
    let url = redis.url();
    let (a, b) = (
        RedisDedupeStore::new(&url, PREFIX).unwrap(),
        RedisDedupeStore::new(&url, PREFIX).unwrap(),
    );
    let key = DedupeKey::new("call-late", "call_completed", None);
    assert_eq!(a.claim(&key).await.unwrap(), ringg_webhooks::Claim::New);
    lapse(&url, &key).await;
    a.confirm(&key).await.unwrap();
    assert_eq!(b.claim(&key).await.unwrap(), ringg_webhooks::Claim::Done);
}
