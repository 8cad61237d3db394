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
use ringg_api::transport::layers::auth::USER_AGENT;
use ringg_api::transport::layers::{RateLimitConfig, RetryPolicy};
use ringg_api::transport::{
    ApiRequest, Idempotency, REQUEST_ID_HEADER, RequestId, ReqwestConfig, ReqwestTransport,
    StackBuilder, Transport,
};
use ringg_api::types::workspace::WorkspaceInfoResponse;

/// Alternating rounds per side of the SDK-overhead lines of `ringg-bench all`.
pub(crate) const OVERHEAD_ROUNDS: usize = 21;

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

/// How much of the SDK the client side of `overhead --sdk` runs, to attribute the gap to raw
/// reqwest layer by layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Layers {
    /// The bench's client (as in `cargo xtask bench`): tracing with a subscriber, a rate
    /// limiter, the total timeout.
    Full,
    /// A `Client` without tracing, rate limiter or total timeout (the typed call, the standard
    /// stack and the transport, with its 30 s attempt timeout).
    Client,
    /// The standard stack (retry, auth) over the reqwest transport, without tracing, rate
    /// limiter or total timeout; the answer decoded into `serde_json::Value`.
    Stack,
    /// The reqwest transport alone, sent the headers the stack's auth step adds (key and
    /// request id); the answer decoded into `serde_json::Value`.
    Transport,
    /// `transport` without its attempt timeout: no timer at all. Built from
    /// `ReqwestTransport::client_builder`, so it also leaves out `ReqwestConfig`'s connect
    /// timeout and pool settings, which a warm connection to the one server does not use.
    Untimed,
}

/// The SDK side of the overhead measurement, built with `layers`.
pub(crate) enum SdkSide {
    /// A typed `Client`.
    Client(Client),
    /// A transport (the stack, or the reqwest transport alone) sent `ApiRequest`s directly.
    Transport {
        transport: std::sync::Arc<dyn Transport>,
        base: std::sync::Arc<str>,
        /// Whether the request carries the key and request id itself (no auth step above).
        add_headers: bool,
    },
}

impl SdkSide {
    pub(crate) fn new(base: &str, layers: Layers) -> Result<Self> {
        let bare_client = || {
            Client::builder()
                .ignore_env()
                .api_key("bench-key")
                .base_url(base)
                .tracing(false)
                .total_timeout(None)
                .build()
        };
        let reqwest = || ReqwestTransport::new(&ReqwestConfig::default());
        Ok(match layers {
            Layers::Full => SdkSide::Client(sdk_client(base)?),
            Layers::Client => SdkSide::Client(bare_client()?),
            Layers::Stack => SdkSide::Transport {
                transport: StackBuilder::new("bench-key".into())
                    .tracing(false)
                    .total_timeout(None)
                    .build_reqwest(reqwest()?),
                base: base.into(),
                add_headers: false,
            },
            Layers::Transport => SdkSide::Transport {
                transport: std::sync::Arc::new(reqwest()?),
                base: base.into(),
                add_headers: true,
            },
            Layers::Untimed => SdkSide::Transport {
                transport: std::sync::Arc::new(ReqwestTransport::from_client_builder(
                    ReqwestTransport::client_builder(),
                    None,
                )?),
                base: base.into(),
                add_headers: true,
            },
        })
    }

    /// Requests per second of `count` `GET /workspace`, `in_flight` at a time.
    pub(crate) async fn run(&self, count: usize, in_flight: usize) -> Result<f64> {
        match self {
            SdkSide::Client(client) => run_sdk(client, count, in_flight).await,
            SdkSide::Transport {
                transport,
                base,
                add_headers,
            } => run_transport(transport, base, *add_headers, count, in_flight).await,
        }
    }
}

/// [`run_sdk`] for a transport sent `ApiRequest`s directly, the answer decoded into `Value`.
async fn run_transport(
    transport: &std::sync::Arc<dyn Transport>,
    base: &std::sync::Arc<str>,
    add_headers: bool,
    count: usize,
    in_flight: usize,
) -> Result<f64> {
    let key = hyper::header::HeaderValue::from_static("bench-key");
    let start = Instant::now();
    let results: Vec<Result<serde_json::Value>> = stream::iter(0..count)
        .map(|_| {
            let mut request = ApiRequest::new(
                "getWorkspace",
                hyper::Method::GET,
                base.clone(),
                "/workspace",
                Idempotency::Idempotent,
            );
            if add_headers {
                request.headers.insert("x-api-key", key.clone());
                request
                    .headers
                    .insert(REQUEST_ID_HEADER, request.request_id.header_value());
            }
            async move {
                let response = transport.execute(request).await?;
                Ok(serde_json::from_slice::<serde_json::Value>(&response.body)?)
            }
        })
        .buffer_unordered(in_flight)
        .collect()
        .await;
    requests_per_second(start, results, "transport")
}

/// Requests per second since `start`, or the first failure among `results`.
fn requests_per_second<T, E: std::fmt::Display>(
    start: Instant,
    results: Vec<Result<T, E>>,
    side: &str,
) -> Result<f64> {
    let secs = start.elapsed().as_secs_f64();
    let count = results.len();
    if let Some(e) = results.into_iter().find_map(Result::err) {
        bail!("{side} request failed: {e}");
    }
    Ok(count as f64 / secs)
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
    requests_per_second(start, results, "sdk")
}

/// Raw reqwest: `count` `GET /workspace`, `in_flight` at a time, each answer decoded into
/// `serde_json::Value`. With `sdk_headers` the request also carries the SDK's `User-Agent`,
/// `Accept` and request id headers, so both sides put the same request on the wire.
pub(crate) async fn run_raw(
    client: &reqwest::Client,
    base: &str,
    count: usize,
    in_flight: usize,
    sdk_headers: bool,
) -> Result<f64> {
    let url = format!("{base}/workspace");
    let start = Instant::now();
    let results: Vec<Result<serde_json::Value>> = stream::iter(0..count)
        .map(|_| {
            let c = client.clone();
            let url = url.clone();
            async move {
                let mut request = c.get(&url).header("x-api-key", "bench-key");
                if sdk_headers {
                    request = request
                        .header(hyper::header::USER_AGENT, USER_AGENT)
                        .header(hyper::header::ACCEPT, "application/json")
                        .header(REQUEST_ID_HEADER, RequestId::generate().header_value());
                }
                let body = request.send().await?.bytes().await?;
                Ok(serde_json::from_slice::<serde_json::Value>(&body)?)
            }
        })
        .buffer_unordered(in_flight)
        .collect()
        .await;
    requests_per_second(start, results, "raw")
}

pub(crate) async fn overhead_only(
    count: usize,
    in_flight: usize,
    only: Option<&str>,
    rounds: usize,
    layers: Layers,
    raw_sdk_headers: bool,
    sched: bool,
) -> Result<()> {
    let server = minimal_server().await?;
    let base = format!("http://{server}/ca/api/v0");
    let sdk = match only {
        Some("raw") => None,
        _ => Some(SdkSide::new(&base, layers)?),
    };
    let raw = match only {
        Some("sdk") => None,
        _ => Some(reqwest::Client::builder().build()?),
    };
    let (raw_rounds, sdk_rounds) = crate::util::alternate(
        rounds.max(1),
        raw.as_ref().map(|raw| {
            let base = &base;
            move || async move {
                let before = sched.then(crate::util::Sched::sample).flatten();
                let rps = run_raw(raw, base, count, in_flight, raw_sdk_headers).await?;
                println!(
                    "raw reqwest: {rps:.0} req/s{}",
                    crate::util::Sched::since(before, count)
                );
                Ok(rps)
            }
        }),
        sdk.as_ref().map(|sdk| {
            move || async move {
                let before = sched.then(crate::util::Sched::sample).flatten();
                let rps = sdk.run(count, in_flight).await?;
                println!(
                    "client: {rps:.0} req/s{}",
                    crate::util::Sched::since(before, count)
                );
                Ok(rps)
            }
        }),
    )
    .await?;
    if rounds > 1 && only.is_none() {
        let pair_ratio = crate::util::median_ratio(&sdk_rounds, &raw_rounds);
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
