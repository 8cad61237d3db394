//! SDK overhead: the client against raw reqwest on the same minimal server.

use std::convert::Infallible;
use std::num::NonZeroU32;
use std::time::Instant;

use anyhow::{Result, bail};
use bytes::Bytes;
use futures::{StreamExt, stream};
use hyper::Request;
use hyper::body::Incoming;
use ringg_api::Client;
use ringg_api::transport::layers::{RateLimitConfig, RetryPolicy};
use ringg_api::types::workspace::WorkspaceInfoResponse;

pub(crate) const WORKSPACE_BODY: &str = r#"{"workspace_info":{"id":"d079bcb3-72a3-42dc-9586-edf0328e2973","name":"Bench Workspace","created_at":"2024-12-16T13:03:29.947147+00:00","credits":3025,"locked_credits":0,"api_key":"7251cb4b--f52b-4b47-a230-f626ecad3e85"}}"#;

/// A minimal hyper server answering every request with the workspace document.
pub(crate) async fn minimal_server() -> Result<std::net::SocketAddr> {
    crate::servers::bare_server(|_req: Request<Incoming>| async {
        Ok::<_, Infallible>(crate::servers::json_ok(Bytes::from_static(
            WORKSPACE_BODY.as_bytes(),
        )))
    })
    .await
}

pub(crate) fn sdk_client(base: &str) -> Result<Client> {
    // tracing on: a subscriber at INFO, as a typical service has; the request spans are DEBUG.
    let _ = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(std::io::sink)
        .try_init();
    Ok(Client::builder()
        .ignore_env()
        .api_key("bench-key")
        .base_url(base)
        .retry_policy(RetryPolicy::default())
        .rate_limit(RateLimitConfig {
            requests_per_second: NonZeroU32::new(10_000_000),
            burst: NonZeroU32::new(10_000_000),
            max_in_flight: Some(4096),
            ..RateLimitConfig::default()
        })
        .tracing(true)
        .build()?)
}

pub(crate) async fn run_sdk(client: &Client, count: usize, in_flight: usize) -> Result<f64> {
    let start = Instant::now();
    let results: Vec<Result<WorkspaceInfoResponse, ringg_api::Error>> = stream::iter(0..count)
        .map(|_| {
            let c = client.clone();
            async move { c.workspace().info().await }
        })
        .buffer_unordered(in_flight)
        .collect()
        .await;
    let secs = start.elapsed().as_secs_f64();
    if let Some(e) = results.into_iter().find_map(Result::err) {
        bail!("sdk request failed: {e}");
    }
    Ok(count as f64 / secs)
}

pub(crate) async fn run_raw(
    client: &reqwest::Client,
    base: &str,
    count: usize,
    in_flight: usize,
) -> Result<f64> {
    let url = format!("{base}/workspace");
    let start = Instant::now();
    let results: Vec<Result<serde_json::Value>> = stream::iter(0..count)
        .map(|_| {
            let c = client.clone();
            let url = url.clone();
            async move {
                let body = c
                    .get(&url)
                    .header("x-api-key", "bench-key")
                    .send()
                    .await?
                    .bytes()
                    .await?;
                Ok(serde_json::from_slice::<serde_json::Value>(&body)?)
            }
        })
        .buffer_unordered(in_flight)
        .collect()
        .await;
    let secs = start.elapsed().as_secs_f64();
    if let Some(e) = results.into_iter().find_map(Result::err) {
        bail!("raw request failed: {e}");
    }
    Ok(count as f64 / secs)
}

pub(crate) async fn overhead_only(
    count: usize,
    in_flight: usize,
    only: Option<&str>,
    rounds: usize,
) -> Result<()> {
    let server = minimal_server().await?;
    let base = format!("http://{server}/ca/api/v0");
    let sdk = match only {
        Some("raw") => None,
        _ => Some(sdk_client(&base)?),
    };
    let raw = match only {
        Some("sdk") => None,
        _ => Some(reqwest::Client::builder().build()?),
    };
    let (mut sdk_rounds, mut raw_rounds) = (Vec::new(), Vec::new());
    for round in 0..rounds.max(1) {
        // raw first in even rounds, the client first in odd ones, so neither side always
        // runs on the other's leftovers (caches, allocator state)
        for raw_turn in [round % 2 == 0, round % 2 == 1] {
            match (raw_turn, &raw, &sdk) {
                (true, Some(raw), _) => {
                    let rps = run_raw(raw, &base, count, in_flight).await?;
                    println!("raw reqwest: {rps:.0} req/s");
                    raw_rounds.push(rps);
                }
                (false, _, Some(sdk)) => {
                    let rps = run_sdk(sdk, count, in_flight).await?;
                    println!("client: {rps:.0} req/s");
                    sdk_rounds.push(rps);
                }
                _ => {}
            }
        }
    }
    if rounds > 1 && only.is_none() {
        // each round's own ratio as well: slow drift of the machine cancels within a round
        let pairs = sdk_rounds
            .iter()
            .zip(&raw_rounds)
            .map(|(s, r)| s / r)
            .collect();
        let pair_ratio = crate::util::median(pairs);
        let (s, r) = (
            crate::util::median(sdk_rounds),
            crate::util::median(raw_rounds),
        );
        println!(
            "median of {rounds}: client {s:.0} req/s, raw reqwest {r:.0} req/s, ratio {:.3}; \
             median of the rounds' ratios {pair_ratio:.3}",
            s / r
        );
    }
    Ok(())
}
