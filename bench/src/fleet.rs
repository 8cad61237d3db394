//! Fleet figures: the receiver with the Redis dedupe store against the memory store, and the
//! shared (Redis) rate limiter's cost per request against the local limiter. They need a
//! `redis-server` on this machine; the bench starts its own on a free loopback port.

use std::net::TcpListener;
use std::num::NonZeroU32;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use ringg_api::Client;
use ringg_api::transport::layers::{RateLimitConfig, RedisRateLimit};

use crate::overhead::run_sdk;
use crate::servers::{ROUNDS, compare_webhook_targets, receiver_target};
use crate::util::median;

/// A private redis-server, killed on drop.
struct Redis(Child, u16);

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_redis() -> Result<Option<Redis>> {
    if Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_err()
    {
        return Ok(None);
    }
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let child = Command::new("redis-server")
        .args([
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--port",
        ])
        .arg(port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting redis-server")?;
    let redis = Redis(child, port);
    let deadline = Instant::now() + Duration::from_secs(5);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            bail!("redis-server did not start");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(Some(redis))
}

/// The fleet lines, or one line saying they were skipped.
pub(crate) async fn fleet_lines(events: usize, requests: usize, base: &str) -> Result<Vec<String>> {
    let Some(redis) = start_redis()? else {
        return Ok(vec![
            "fleet: SKIPPED (redis-server is not installed; apt-get install redis-server)".into(),
        ]);
    };
    let url = format!("redis://127.0.0.1:{}/0", redis.1);
    let mut lines = Vec::new();

    // The receiver with each store, in alternating rounds against servers started once.
    let memory = receiver_target(None, false).await?;
    let store = ringg_webhooks::RedisDedupeStore::new(&url, "bench:dedupe")?;
    let shared = receiver_target(Some(Arc::new(store)), false).await?;
    let medians = compare_webhook_targets(&[&memory, &shared], events, 64).await?;
    let (memory, shared) = (medians[0], medians[1]);
    lines.push(format!(
        "webhook receiver, Redis dedupe store (64 in flight, median of {ROUNDS}): {:.0} events/s ({}), memory store {:.0} events/s ({}), ratio redis/memory {:.3}",
        shared.per_sec,
        shared.latencies(),
        memory.per_sec,
        memory.latencies(),
        shared.per_sec / memory.per_sec
    ));

    // Limits far above what is reached, so both limiters only count: the cost is the check.
    let config = RateLimitConfig {
        requests_per_second: NonZeroU32::new(10_000_000),
        burst: NonZeroU32::new(10_000_000),
        max_in_flight: Some(4096),
        max_pause: Duration::from_secs(60),
    };
    let local = limited_client(base, ringg_api::transport::layers::RateLimiter::new(config))?;
    let redis_limited =
        limited_client(base, RedisRateLimit::limiter(&url, "bench:limit", config)?)?;
    run_sdk(&local, 200, 1).await?;
    run_sdk(&redis_limited, 200, 1).await?;
    let (local_rounds, redis_rounds) = crate::util::alternate(
        ROUNDS,
        Some(|| run_sdk(&local, requests, 1)),
        Some(|| run_sdk(&redis_limited, requests, 1)),
    )
    .await?;
    let (local_rps, redis_rps) = (median(local_rounds), median(redis_rounds));
    lines.push(format!(
        "shared rate limiter (sequential, median of {ROUNDS}): {redis_rps:.0} req/s with Redis, {local_rps:.0} req/s with the local limiter, ratio redis/local {:.3}, cost {:.0} µs per request",
        redis_rps / local_rps,
        (1.0 / redis_rps - 1.0 / local_rps) * 1e6
    ));
    drop(redis);
    Ok(lines)
}

fn limited_client(
    base: &str,
    limiter: ringg_api::transport::layers::RateLimiter,
) -> Result<Client> {
    Ok(Client::builder()
        .ignore_env()
        .api_key("bench-key")
        .base_url(base)
        .rate_limiter(limiter)
        .build()?)
}
