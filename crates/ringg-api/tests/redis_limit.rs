//! Clients sharing one `RedisRateLimit` budget against the simulator, on a real `redis-server`
//! (started by the test on a free loopback port; skipped loudly without redis-server, failed
//! when `CI` is set). Each client has its own limiter and Redis connection, as separate
//! processes would; `fleet_processes.rs` runs the shared budget and pause across four real
//! processes.

mod common;

#[path = "../../ringg-webhooks/tests/common/redis_server.rs"]
mod redis_server;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use redis_server::RedisServer;
use ringg_api::Client;
use ringg_api::transport::layers::{
    RateLimitConfig, RateLimiter, RedisRateLimit, RetryPolicy, SharedRateLimit,
};
use ringg_sim::{FaultConfig, FaultKind, RunningSimulator, Simulator};
use tokio::time::Instant;

const RPS: u32 = 20;
const BURST: u32 = 5;

fn config() -> RateLimitConfig {
    RateLimitConfig {
        requests_per_second: NonZeroU32::new(RPS),
        burst: NonZeroU32::new(BURST),
        max_in_flight: Some(4),
        max_pause: Duration::from_secs(10),
    }
}

fn fleet_client(sim: &RunningSimulator, backend: Arc<RedisRateLimit>) -> Client {
    common::client_builder(sim)
        .rate_limiter(RateLimiter::shared(config(), backend))
        .build()
        .unwrap()
}

/// Four clients, each with four tasks sending `GET /workspace` until `stop`; returns the
/// successes.
fn run_fleet(
    clients: &[Client],
    stop: &Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<(u64, u64)>> {
    let mut tasks = Vec::new();
    for client in clients {
        for _ in 0..4 {
            let client = client.clone();
            let stop = stop.clone();
            tasks.push(tokio::spawn(async move {
                let (mut ok, mut failed) = (0, 0);
                while !stop.load(Ordering::Relaxed) {
                    match client.workspace().info().await {
                        Ok(_) => ok += 1,
                        Err(_) => failed += 1,
                    }
                }
                (ok, failed)
            }));
        }
    }
    tasks
}

/// Samples the simulator's request count every 20 ms until `stop`.
fn sample(
    sim: &RunningSimulator,
    stop: &Arc<AtomicBool>,
) -> tokio::task::JoinHandle<Vec<(Instant, u64)>> {
    let handle = sim.handle();
    let stop = stop.clone();
    tokio::spawn(async move {
        let mut samples = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            samples.push((Instant::now(), handle.stats().requests));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        samples
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_with_retry_after_pauses_every_client() {
    let Some(redis) = RedisServer::start("a_429_with_retry_after_pauses_every_client") else {
        return;
    };
    // `GET /workspace/all` always answers 429 with `Retry-After: 2`; `GET /workspace` never.
    let mut faults = FaultConfig::none().with_operation(
        "listWorkspaces",
        1.0,
        Some(vec![FaultKind::TooManyRequests]),
    );
    faults.retry_after_secs = 2;
    let sim = Simulator::builder().faults(faults).start().await.unwrap();
    // Redis gets 5 s to answer: a limiter that fell back to its local budget on a loaded
    // machine would not see the pause, which is not what this test is about.
    let backends: Vec<_> = (0..4)
        .map(|_| {
            let limiter = RedisRateLimit::new(&redis.url(), "test:pause", config()).unwrap();
            Arc::new(limiter.with_command_timeout(Duration::from_secs(5)))
        })
        .collect();
    // Three clients keep working; the fourth (its own limiter) meets the 429.
    let workers: Vec<_> = backends[..3]
        .iter()
        .map(|b| fleet_client(&sim, b.clone()))
        .collect();
    let unlucky = common::client_builder(&sim)
        .rate_limiter(RateLimiter::shared(config(), backends[3].clone()))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = sample(&sim, &stop);
    let tasks = run_fleet(&workers, &stop);
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let err = unlucky.workspace().all().await.unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    let hit = Instant::now();
    tokio::time::sleep(Duration::from_millis(3_500)).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        assert_eq!(t.await.unwrap().1, 0);
    }
    let samples = sampler.await.unwrap();
    let at = |t: Instant| {
        samples
            .iter()
            .take_while(|(s, _)| *s <= t)
            .last()
            .map_or(0, |s| s.1)
    };
    // In-flight requests finish within a few ms; then nothing for the rest of the 2 s.
    let quiet = at(hit + Duration::from_millis(1_800)) - at(hit + Duration::from_millis(150));
    let before = at(hit) - at(hit - Duration::from_millis(900));
    let after = at(hit + Duration::from_millis(3_400)) - at(hit + Duration::from_millis(2_400));
    println!(
        "requests: {before} in the 0.9 s before the 429, {quiet} while paused, {after} in 1 s after"
    );
    assert!(before >= 10, "the fleet was working before: {before}");
    assert_eq!(quiet, 0, "every client pauses on the 429's Retry-After");
    assert!(after >= 10, "the fleet resumes after the pause: {after}");
    assert!(
        backends.iter().all(|b| b.fallback_count() == 0),
        "every limiter stayed on Redis: {backends:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_mid_run_falls_back_to_the_local_limiter_and_recovers() {
    let Some(mut redis) = RedisServer::start("redis_killed_mid_run_falls_back") else {
        return;
    };
    let sim = Simulator::builder().start().await.unwrap();
    let backends: Vec<_> = (0..2)
        .map(|_| Arc::new(RedisRateLimit::new(&redis.url(), "test:down", config()).unwrap()))
        .collect();
    let clients: Vec<_> = backends
        .iter()
        .map(|b| fleet_client(&sim, b.clone()))
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let tasks = run_fleet(&clients, &stop);
    tokio::time::sleep(Duration::from_millis(700)).await;
    redis.kill();
    let at_kill = sim.handle().stats().requests;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let during = sim.handle().stats().requests - at_kill;
    assert!(backends.iter().all(|b| b.is_degraded()), "{backends:?}");
    assert!(
        backends.iter().all(|b| b.fallback_count() == 1),
        "one fallback per limiter for one outage: {backends:?}"
    );
    // Each process keeps its own budget meanwhile: requests flow, within 2 × the rate.
    assert!(during >= 10, "requests kept flowing: {during}");
    assert!(
        during <= 2 * (u64::from(RPS) * 2 + u64::from(BURST)),
        "{during}"
    );
    redis.restart();
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        assert_eq!(t.await.unwrap().1, 0, "no request failed");
    }
    assert!(backends.iter().all(|b| !b.is_degraded()), "back on Redis");
    assert!(
        backends.iter().all(|b| b.fallback_count() == 1),
        "{backends:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_flight_slots_are_shared_and_a_dead_process_frees_its_slots() {
    let Some(redis) = RedisServer::start("in_flight_slots_are_shared") else {
        return;
    };
    let cfg = RateLimitConfig {
        requests_per_second: None,
        burst: None,
        max_in_flight: Some(2),
        max_pause: Duration::from_secs(10),
    };
    let a = RedisRateLimit::new(&redis.url(), "test:slots", cfg)
        .unwrap()
        .with_lease(Duration::from_millis(600));
    let b = RedisRateLimit::new(&redis.url(), "test:slots", cfg)
        .unwrap()
        .with_lease(Duration::from_millis(600));
    let first = a.acquire().await;
    let _second = b.acquire().await;
    assert!(
        tokio::time::timeout(Duration::from_millis(900), b.acquire())
            .await
            .is_err(),
        "a third slot must wait (the leases are renewed while held)"
    );
    drop(first);
    tokio::time::timeout(Duration::from_secs(2), a.acquire())
        .await
        .expect("a freed slot is handed out");

    // A process that dies holding slots (its runtime and renewals gone) frees them on expiry.
    let url = redis.url();
    let taken = Arc::new(AtomicU64::new(0));
    let counter = taken.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let dying = RedisRateLimit::new(&url, "test:dead", cfg)
                .unwrap()
                .with_lease(Duration::from_millis(600));
            for _ in 0..2 {
                std::mem::forget(dying.acquire().await);
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        drop(rt);
    })
    .join()
    .unwrap();
    assert_eq!(taken.load(Ordering::SeqCst), 2);
    let survivor = RedisRateLimit::new(&redis.url(), "test:dead", cfg).unwrap();
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(3), survivor.acquire())
        .await
        .expect("the dead process's slots expire");
    assert!(started.elapsed() >= Duration::from_millis(300));
    // Debug shows where, never a password.
    let shown = format!(
        "{:?}",
        RedisRateLimit::new("redis://:hunter2-secret@127.0.0.1:1/0", "p", cfg).unwrap()
    );
    assert!(
        !shown.contains("hunter2") && shown.contains("127.0.0.1:1"),
        "{shown}"
    );
}

/// One RESP command to `port` on a fresh connection (not the limiter's); the raw answer.
fn resp(port: u16, args: &[&str]) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut cmd = format!("*{}\r\n", args.len());
    for a in args {
        cmd.push_str(&format!("${}\r\n{a}\r\n", a.len()));
    }
    s.write_all(cmd.as_bytes()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 512];
    let n = s.read(&mut buf).unwrap();
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// An acquire Redis answers too late (the process went on with its local limiter) leaves no
/// lease behind once Redis runs it: another process gets the slot at once, not after the 15 s
/// lease.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acquire_redis_answered_too_late_leaves_no_slot_taken() {
    let Some(redis) = RedisServer::start("an_acquire_redis_answered_too_late") else {
        return;
    };
    let port = redis.port();
    let config = RateLimitConfig {
        max_in_flight: Some(1),
        ..RateLimitConfig::unlimited()
    };
    let one = RedisRateLimit::new(&redis.url(), "late", config).unwrap();
    let other = RedisRateLimit::new(&redis.url(), "late", config).unwrap();
    // Both connected, their scripts loaded, and the slots given back.
    drop(one.acquire().await);
    drop(other.acquire().await);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(resp(port, &["ZCARD", "late:in_flight"]).trim(), ":0");

    // Redis is slow for 0.8 s (a fork, a slow disk): the acquire gives up after 500 ms and
    // decides locally; the request ends and its permit is dropped.
    let paused = std::thread::spawn(move || resp(port, &["CLIENT", "PAUSE", "800", "WRITE"]));
    assert!(paused.join().unwrap().starts_with("+OK"));
    let permit = one.acquire().await;
    assert!(one.is_degraded(), "the acquire decided locally");
    assert_eq!(one.fallback_count(), 1);
    drop(permit);

    // Redis then runs the late script; nothing is in flight anywhere.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let got = tokio::time::timeout(Duration::from_secs(3), other.acquire()).await;
    assert!(
        got.is_ok(),
        "another process waited over 3 s for a slot nobody holds (in-flight set: {})",
        resp(port, &["ZCARD", "late:in_flight"]).trim()
    );
}

/// A limiter given a longer command timeout waits out a slow Redis instead of deciding
/// locally: the same 0.8 s stall that makes the default limiter fall back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_longer_command_timeout_waits_for_a_slow_redis() {
    let Some(redis) = RedisServer::start("a_longer_command_timeout_waits") else {
        return;
    };
    let port = redis.port();
    let config = RateLimitConfig {
        max_in_flight: Some(1),
        ..RateLimitConfig::unlimited()
    };
    let patient = RedisRateLimit::new(&redis.url(), "patient", config)
        .unwrap()
        .with_command_timeout(Duration::from_secs(3));
    drop(patient.acquire().await);
    tokio::time::sleep(Duration::from_millis(200)).await;

    let paused = std::thread::spawn(move || resp(port, &["CLIENT", "PAUSE", "800", "WRITE"]));
    assert!(paused.join().unwrap().starts_with("+OK"));
    let started = Instant::now();
    let permit = patient.acquire().await;
    let waited = started.elapsed();
    assert!(!patient.is_degraded(), "{patient:?}");
    assert_eq!(patient.fallback_count(), 0, "{patient:?}");
    assert!(
        waited >= Duration::from_millis(500),
        "the slot came from Redis after its stall, not from the fallback: {waited:?}"
    );
    drop(permit);
    assert!(format!("{patient:?}").contains("fallbacks: 0"));
}
