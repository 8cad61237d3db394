//! Four client processes sharing one `RedisRateLimit` budget against the simulator.
//!
//! This test binary has its own `main` (`harness = false` in Cargo.toml; libtest-mimic reads
//! libtest's command line): run as a test it is the coordinator, which starts a
//! `redis-server` (skipped loudly when it is not installed, failed when `CI` is set), a
//! simulator, and four copies of itself as worker processes. Each worker builds its own
//! client with its own limiter and Redis connection, so the only thing they share is Redis,
//! as a fleet of machines would.
//!
//! Phase one (10 s): every worker sends `GET /workspace` from four tasks as fast as its limiter
//! lets it; the simulator's own request count may not exceed 20 per second plus the burst in
//! any window of one second. Phase two: one worker meets a 429 with `Retry-After: 2`
//! (`GET /workspace/all` always answers so); the other three must go quiet until it ends, and
//! the fleet must be back at full rate in the second after. Worker 0 writes the time to stop
//! (4 s after its 429) to a file every worker reads, so the run always covers that second.

#[path = "../../ringg-webhooks/tests/common/redis_server.rs"]
mod redis_server;

use std::io::{BufRead, BufReader};
use std::num::NonZeroU32;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis_server::RedisServer;
use ringg_api::Client;
use ringg_api::transport::layers::{RateLimitConfig, RateLimiter, RedisRateLimit, RetryPolicy};
use ringg_sim::{FaultConfig, FaultKind, Simulator};

const RPS: u32 = 20;
const BURST: u32 = 5;
const WORKERS: usize = 4;
/// Phase one: the steady load.
const STEADY_MS: u64 = 10_000;
/// When, after the start, the unlucky worker asks for the operation that answers 429.
const HIT_AT_MS: u64 = 10_500;
/// How long the workers keep going after the 429 (the pause, then the second measured after it,
/// and some room): the unlucky request waits its turn in the shared budget like any other, so
/// the 429 comes a varying time after `HIT_AT_MS`, and the end of the run follows it.
const AFTER_HIT_MS: u64 = RETRY_AFTER_SECS * 1_000 + 2_000;
/// When every worker stops if worker 0 never reports its 429 (the coordinator then fails).
const GIVE_UP_MS: u64 = 40_000;
const RETRY_AFTER_SECS: u64 = 2;

/// The environment variable that makes this binary a worker; its value is the worker's index.
const ROLE: &str = "RINGG_FLEET_WORKER";

fn config() -> RateLimitConfig {
    RateLimitConfig {
        requests_per_second: NonZeroU32::new(RPS),
        burst: NonZeroU32::new(BURST),
        max_in_flight: Some(4),
        max_pause: Duration::from_secs(10),
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_millis() as u64
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is set for a worker"))
}

/// The one test of this binary.
const TEST: &str = "four_client_processes_share_one_budget_and_one_pause";

fn main() {
    if let Ok(index) = std::env::var(ROLE) {
        worker(index.parse().expect("a worker index"));
        return;
    }
    // libtest's command line and report (`--list`, filters, `--skip`, `--exact`,
    // `--ignored`), as cargo test and cargo nextest call a test binary.
    let args = libtest_mimic::Arguments::from_args();
    let trial = libtest_mimic::Trial::test(TEST, || {
        coordinate();
        Ok(())
    });
    libtest_mimic::run(&args, vec![trial]).exit();
}

/// A worker process: prints `ok=N failed=M fallbacks=F` at the end, and `hit=MS` (wall-clock ms) when it
/// met the 429.
fn worker(index: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let start: u64 = env("FLEET_START_MS").parse().unwrap();
        // A loaded CI machine can keep Redis from answering within the default 500 ms; the
        // limiter would then decide locally for a second and the fleet exceed the shared rate
        // by design, which is not what this test measures.
        let backend = Arc::new(
            RedisRateLimit::new(&env("FLEET_REDIS_URL"), "test:processes", config())
                .unwrap()
                .with_command_timeout(Duration::from_secs(5)),
        );
        let builder = || {
            Client::builder()
                .ignore_env()
                .api_key(env("FLEET_API_KEY"))
                .base_url(env("FLEET_BASE_URL"))
                .rate_limiter(RateLimiter::shared(config(), backend.clone()))
        };
        let client = builder().build().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let client = client.clone();
            let stop = stop.clone();
            tasks.push(tokio::spawn(async move {
                let (mut ok, mut failed) = (0u64, 0u64);
                while !stop.load(Ordering::Relaxed) {
                    match client.workspace().info().await {
                        Ok(_) => ok += 1,
                        Err(e) => {
                            eprintln!("worker request failed: {e}");
                            failed += 1;
                        }
                    }
                }
                (ok, failed)
            }));
        }
        if index == 0 {
            // The same limiter, without retries, so the 429 comes back to this worker.
            let unlucky = builder().retry_policy(RetryPolicy::none()).build().unwrap();
            sleep_until(start + HIT_AT_MS).await;
            let err = unlucky.workspace().all().await.unwrap_err();
            assert!(err.is_rate_limited(), "{err}");
            let hit = now_ms();
            println!("hit={hit}");
            // Tell every worker when to stop: written whole, then renamed into place.
            let path = env("FLEET_STOP_FILE");
            let tmp = format!("{path}.tmp");
            std::fs::write(&tmp, (hit + AFTER_HIT_MS).to_string()).unwrap();
            std::fs::rename(&tmp, &path).unwrap();
        }
        let stop_file = env("FLEET_STOP_FILE");
        loop {
            let stop_at = std::fs::read_to_string(&stop_file)
                .ok()
                .and_then(|s| s.trim().parse::<u64>().ok())
                .unwrap_or(start + GIVE_UP_MS);
            if now_ms() >= stop_at {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        stop.store(true, Ordering::Relaxed);
        let (mut ok, mut failed) = (0, 0);
        for t in tasks {
            let (o, f) = t.await.unwrap();
            ok += o;
            failed += f;
        }
        println!(
            "ok={ok} failed={failed} fallbacks={}",
            backend.fallback_count()
        );
    });
}

async fn sleep_until(ms: u64) {
    let now = now_ms();
    if ms > now {
        tokio::time::sleep(Duration::from_millis(ms - now)).await;
    }
}

/// What a worker printed.
#[derive(Debug, Default)]
struct Report {
    ok: u64,
    failed: u64,
    fallbacks: u64,
    hit: Option<u64>,
}

fn parse_report(stdout: &str) -> Report {
    let mut r = Report::default();
    for word in stdout.split_whitespace() {
        match word.split_once('=') {
            Some(("ok", n)) => r.ok = n.parse().unwrap(),
            Some(("failed", n)) => r.failed = n.parse().unwrap(),
            Some(("fallbacks", n)) => r.fallbacks = n.parse().unwrap(),
            Some(("hit", n)) => r.hit = Some(n.parse().unwrap()),
            _ => {}
        }
    }
    r
}

fn coordinate() {
    let test = TEST;
    let Some(redis) = RedisServer::start(test) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let _guard = runtime.enter();
    let mut faults = FaultConfig::none().with_operation(
        "listWorkspaces",
        1.0,
        Some(vec![FaultKind::TooManyRequests]),
    );
    faults.retry_after_secs = RETRY_AFTER_SECS;
    let sim = runtime
        .block_on(Simulator::builder().faults(faults).start())
        .expect("the simulator starts");
    let handle = sim.handle();

    // Sample the simulator's own request count every 20 ms, on wall-clock time (the workers
    // report the 429 on the same clock).
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut samples = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                samples.push((now_ms(), handle.stats().requests));
                std::thread::sleep(Duration::from_millis(20));
            }
            samples
        })
    };

    // Workers start together a little in the future, so process start-up is not measured.
    let start = now_ms() + 1_500;
    let stop_dir = tempfile::tempdir().expect("a temporary directory");
    let stop_file = stop_dir.path().join("stop_at");
    let exe = std::env::current_exe().expect("this test binary's path");
    let children: Vec<_> = (0..WORKERS)
        .map(|i| {
            Command::new(&exe)
                .env(ROLE, i.to_string())
                .env("FLEET_START_MS", start.to_string())
                .env("FLEET_REDIS_URL", redis.url())
                .env("FLEET_BASE_URL", sim.base_url())
                .env("FLEET_API_KEY", sim.api_key())
                .env("FLEET_STOP_FILE", &stop_file)
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("a worker process starts")
        })
        .collect();
    let reports: Vec<Report> = children
        .into_iter()
        .map(|mut child| {
            let mut out = String::new();
            for line in BufReader::new(child.stdout.take().unwrap()).lines() {
                out.push_str(&line.unwrap());
                out.push('\n');
            }
            let status = child.wait().unwrap();
            assert!(status.success(), "a worker failed ({status}):\n{out}");
            parse_report(&out)
        })
        .collect();
    stop.store(true, Ordering::Relaxed);
    let samples = sampler.join().unwrap();
    println!("workers: {reports:?}");

    assert!(reports.iter().all(|r| r.failed == 0), "{reports:?}");
    assert!(
        reports.iter().all(|r| r.fallbacks == 0),
        "every worker stayed on Redis the whole run (a fallback lets each process use the whole \
         rate on its own, so the figures below would not test the shared budget): {reports:?}"
    );
    assert!(
        reports.iter().all(|r| r.ok > 0),
        "every process got requests through: {reports:?}"
    );

    // Phase one: the busiest window of at most one second.
    let steady: Vec<_> = samples
        .iter()
        .copied()
        .filter(|(t, _)| *t >= start && *t <= start + STEADY_MS)
        .collect();
    let (busiest, span) = busiest_second(&steady);
    let sent = steady.last().unwrap().1 - steady[0].1;
    let secs = (steady.last().unwrap().0 - steady[0].0) as f64 / 1e3;
    println!(
        "four processes: {sent} requests in {secs:.1} s ({:.1}/s); busiest window {busiest} in {span:.2} s",
        sent as f64 / secs
    );
    assert!(
        busiest <= u64::from(RPS + BURST),
        "the simulator saw {busiest} requests in {span:.2} s (limit {RPS}/s + burst {BURST})"
    );
    assert!(
        sent as f64 >= 0.8 * f64::from(RPS) * secs,
        "the shared budget was used, not starved: {sent} in {secs:.1} s"
    );

    // Phase two: nothing reaches the simulator while the fleet is paused.
    let hit = reports
        .iter()
        .find_map(|r| r.hit)
        .expect("worker 0 met the 429");
    let at = |t: u64| {
        samples
            .iter()
            .take_while(|(s, _)| *s <= t)
            .last()
            .map_or(0, |s| s.1)
    };
    let pause_ms = RETRY_AFTER_SECS * 1_000;
    println!("worker 0 had its 429 {} ms after the start", hit - start);
    let before = at(hit) - at(hit - 400);
    // `hit` is when worker 0 had the 429 in hand, a little after it arrived: the quiet window
    // keeps half a second from either end of the pause.
    let quiet = at(hit + pause_ms - 500) - at(hit + 500);
    let after = at(hit + pause_ms + 1_200) - at(hit + pause_ms + 200);
    println!(
        "after the 429: {before} requests in the 0.4 s before, {quiet} while paused, {after} in the second after"
    );
    assert!(before >= 3, "the fleet was working before: {before}");
    assert_eq!(quiet, 0, "every process pauses on the 429's Retry-After");
    assert!(after >= 10, "the fleet resumes after the pause: {after}");
    drop(sim);
    drop(redis);
    println!("{test}: ok");
}

/// The most requests seen in any window of at most one second, and that window's length.
fn busiest_second(samples: &[(u64, u64)]) -> (u64, f64) {
    let mut worst = (0, 0.0);
    for (i, (t0, n0)) in samples.iter().enumerate() {
        for (t1, n1) in &samples[i + 1..] {
            if t1 - t0 > 1_000 {
                break;
            }
            if n1 - n0 > worst.0 {
                worst = (n1 - n0, (t1 - t0) as f64 / 1e3);
            }
        }
    }
    worst
}
