//! The webhook receiver's and the simulator's throughput, each against a bare hyper server
//! doing the same work, measured in alternating rounds of the same run.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use bytes::Bytes;
use futures::{StreamExt, stream};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use ringg_webhooks::DedupeStore;

use crate::util::median;

/// Rounds per side in every comparison; each side's median is kept.
pub(crate) const ROUNDS: usize = 5;

/// A server under the webhook load, and how many deliveries it handed over.
pub(crate) struct WebhookTarget {
    url: String,
    handed: Arc<AtomicUsize>,
    /// Whether the server dedupes, so a replay must not be handed over again.
    dedupes: bool,
}

/// `ringg_webhooks::serve_with_config` with this dedupe store (default: the memory store), the
/// default [`ringg_webhooks::ServeConfig`] (HTTP/1.1 only when asked) and a handler that
/// counts.
pub(crate) async fn receiver_target(
    store: Option<Arc<dyn DedupeStore>>,
    http1_only: bool,
) -> Result<WebhookTarget> {
    let handed = Arc::new(AtomicUsize::new(0));
    let counter = handed.clone();
    let receiver = ringg_webhooks::WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret("bench-secret")
        .handler(move |_event: ringg_webhooks::WebhookEvent| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::Relaxed);
                Ok::<_, ringg_webhooks::HandlerError>(())
            }
        });
    let receiver = match store {
        Some(store) => receiver.dedupe_store(store),
        None => receiver,
    }
    .build()?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let config = ringg_webhooks::ServeConfig::default().http1_only(http1_only);
    tokio::spawn(ringg_webhooks::serve_with_config(
        listener,
        receiver,
        config,
        std::future::pending(),
    ));
    Ok(WebhookTarget {
        url: format!("http://{addr}/webhooks/ringg"),
        handed,
        dedupes: true,
    })
}

/// A bare hyper HTTP/1.1 server doing what any webhook endpoint must: read the whole body and
/// answer 200 with a small JSON acknowledgement. No secret check, parsing or dedupe.
pub(crate) async fn bare_webhook_target() -> Result<WebhookTarget> {
    let handed = Arc::new(AtomicUsize::new(0));
    let counter = handed.clone();
    let addr = bare_server(move |request: Request<Incoming>| {
        let counter = counter.clone();
        async move {
            let body = request.into_body().collect().await?.to_bytes();
            std::hint::black_box(&body);
            counter.fetch_add(1, Ordering::Relaxed);
            Ok::<_, hyper::Error>(json_ok(Bytes::from_static(br#"{"status":"accepted"}"#)))
        }
    })
    .await?;
    Ok(WebhookTarget {
        url: format!("http://{addr}/webhooks/ringg"),
        handed,
        dedupes: false,
    })
}

pub(crate) fn json_ok(body: Bytes) -> Response<Full<Bytes>> {
    Response::builder()
        .header("content-type", "application/json")
        .body(Full::new(body))
        .expect("static response")
}

/// Serves `answer` for every request with hyper's HTTP/1.1 connection builder and nothing
/// else: the baseline the receiver and the simulator are compared with.
pub(crate) async fn bare_server<F, Fut, E>(answer: F) -> Result<std::net::SocketAddr>
where
    F: Fn(Request<Incoming>) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<Response<Full<Bytes>>, E>> + Send + 'static,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let _ = stream.set_nodelay(true);
            let answer = answer.clone();
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service_fn(answer))
                    .await;
            });
        }
    });
    Ok(addr)
}

/// The order of a delivery's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum KeyOrder {
    /// `event_type` first, as in Ringg's documented payloads.
    Ringg,
    /// Alphabetical (what serializing a `serde_json::Value` gives).
    Sorted,
}

/// A `call_completed` delivery with call id number `i`, its keys in `order`.
fn delivery(i: usize, order: KeyOrder) -> Bytes {
    let mut fields = delivery_value(i);
    match order {
        KeyOrder::Sorted => fields.to_string().into(),
        KeyOrder::Ringg => {
            if let Some(fields) = fields.as_object_mut() {
                fields.remove("event_type");
            }
            let rest = fields.to_string();
            format!(r#"{{"event_type":"call_completed",{}"#, &rest[1..]).into()
        }
    }
}

fn delivery_value(i: usize) -> serde_json::Value {
    serde_json::json!({
        "event_type": "call_completed",
        "call_id": format!("00000000-0000-4000-8000-{i:012}"),
        "call_sid": "CA1234567890abcdef123456789012345",
        "agent_id": "cbaf9944-3e34-43b6-b3e8-6a905de16639",
        "workspace_id": "442a9db3-0fd4-47dc-b8cd-cc7eedfa272f",
        "status": "completed",
        "retry_count": 0,
        "call_duration": 15.73,
        "call_cost": 0.15,
        "called_on": "2025-12-14T19:37:13.310707Z",
        "custom_args_values": {"callee_name": "John", "order_value": "70000"},
        "transcript": [{"bot": "Hello John"}, {"user": "Hi"}]
    })
}

/// One round's figures: requests per second and client-side latency percentiles.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Round {
    pub(crate) per_sec: f64,
    pub(crate) p50: Duration,
    pub(crate) p99: Duration,
}

impl Round {
    /// Each figure's median over `rounds`.
    pub(crate) fn median_of(rounds: &[Round]) -> Round {
        let ms = |f: fn(&Round) -> Duration| {
            Duration::from_secs_f64(median(rounds.iter().map(|r| f(r).as_secs_f64()).collect()))
        };
        Round {
            per_sec: median(rounds.iter().map(|r| r.per_sec).collect()),
            p50: ms(|r| r.p50),
            p99: ms(|r| r.p99),
        }
    }

    /// `p50 X ms, p99 Y ms`.
    pub(crate) fn latencies(&self) -> String {
        format!(
            "p50 {:.2} ms, p99 {:.2} ms",
            self.p50.as_secs_f64() * 1e3,
            self.p99.as_secs_f64() * 1e3
        )
    }
}

/// Sends `requests` (at most `in_flight` at once) and times each one and the whole batch.
async fn hammer<F, Fut>(requests: usize, in_flight: usize, send: F) -> Result<Round>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let start = Instant::now();
    let latencies: Vec<Result<Duration>> = stream::iter(0..requests)
        .map(|i| {
            let sent = send(i);
            async move {
                let t = Instant::now();
                sent.await?;
                Ok(t.elapsed())
            }
        })
        .buffer_unordered(in_flight.max(1))
        .collect()
        .await;
    let secs = start.elapsed().as_secs_f64();
    let mut lat: Vec<Duration> = latencies.into_iter().collect::<Result<_>>()?;
    if lat.is_empty() {
        anyhow::bail!("no requests to time: give a count of at least 1");
    }
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    Ok(Round {
        per_sec: requests as f64 / secs,
        p50: pct(0.50),
        p99: pct(0.99),
    })
}

/// Sends deliveries `first..first + count` to `target` and checks that each was handed over
/// once.
pub(crate) async fn deliver_round(
    client: &reqwest::Client,
    target: &WebhookTarget,
    first: usize,
    count: usize,
    in_flight: usize,
    order: KeyOrder,
) -> Result<Round> {
    let bodies: Vec<Bytes> = (first..first + count).map(|i| delivery(i, order)).collect();
    let before = target.handed.load(Ordering::Relaxed);
    let round = hammer(count, in_flight, |i| {
        send_event(client, &target.url, bodies[i].clone())
    })
    .await?;
    let handed = target.handed.load(Ordering::Relaxed) - before;
    if handed != count {
        bail!(
            "{} handed over {handed} events, expected {count}",
            target.url
        );
    }
    Ok(round)
}

/// Sends deliveries `first..first + 100` (already handed over) again: a deduping target
/// acknowledges them without handing them over a second time.
async fn check_replays(
    client: &reqwest::Client,
    target: &WebhookTarget,
    first: usize,
) -> Result<()> {
    if !target.dedupes {
        return Ok(());
    }
    let before = target.handed.load(Ordering::Relaxed);
    for i in first..first + 100 {
        send_event(client, &target.url, delivery(i, KeyOrder::Ringg)).await?;
    }
    if target.handed.load(Ordering::Relaxed) != before {
        bail!("dedupe let a duplicate through at {}", target.url);
    }
    Ok(())
}

async fn send_event(client: &reqwest::Client, url: &str, body: Bytes) -> Result<()> {
    let resp = client
        .post(url)
        .header("x-webhook-secret", "bench-secret")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await?;
    if resp.status() != 200 {
        bail!("{url} answered {}", resp.status());
    }
    resp.bytes().await?;
    Ok(())
}

/// Runs `targets` in alternating rounds (`ROUNDS` each, after a warm-up), each round with
/// fresh delivery ids, checks that replays of the last round are not handed over again, and
/// returns each target's median round.
pub(crate) async fn compare_webhook_targets(
    targets: &[&WebhookTarget],
    events: usize,
    in_flight: usize,
) -> Result<Vec<Round>> {
    let client = reqwest::Client::new();
    // Warm-up: target k gets deliveries 200k..200k + 200 (ids the rounds never use).
    for (k, target) in targets.iter().enumerate() {
        deliver_round(&client, target, 200 * k, 200, 8, KeyOrder::Ringg).await?;
    }
    let mut next = 200 * targets.len();
    let mut rounds = vec![Vec::new(); targets.len()];
    let mut last_first = vec![0; targets.len()];
    for _ in 0..ROUNDS {
        for ((target, rounds), last) in targets.iter().zip(&mut rounds).zip(&mut last_first) {
            let round = deliver_round(&client, target, next, events, in_flight, KeyOrder::Ringg);
            rounds.push(round.await?);
            *last = next;
            next += events;
        }
    }
    // Replays of the last round's deliveries: still within the memory store's bound of
    // 100,000 keys, which the five rounds together exceed at full scale (the oldest keys
    // are evicted, as documented).
    for (target, first) in targets.iter().zip(last_first) {
        check_replays(&client, target, first).await?;
    }
    Ok(rounds.iter().map(|r| Round::median_of(r)).collect())
}

/// The receiver line: the receiver (memory dedupe store) against a bare hyper server under
/// the same deliveries.
pub(crate) async fn receiver_line(events: usize, in_flight: usize) -> Result<String> {
    let receiver = receiver_target(None, false).await?;
    let bare = bare_webhook_target().await?;
    let medians = compare_webhook_targets(&[&receiver, &bare], events, in_flight).await?;
    let (r, b) = (medians[0], medians[1]);
    Ok(format!(
        "webhook receiver (dedupe on, {in_flight} in flight, median of {ROUNDS}): {:.0} events/s ({}), bare hyper {:.0} events/s ({}), ratio receiver/bare {:.3} (target >= 10000 events/s)",
        r.per_sec,
        r.latencies(),
        b.per_sec,
        b.latencies(),
        r.per_sec / b.per_sec
    ))
}

/// Only one side of the receiver comparison (`receiver` or `bare`), for a profiler.
pub(crate) async fn receiver_only(
    count: usize,
    in_flight: usize,
    side: &str,
    http1_only: bool,
    order: KeyOrder,
) -> Result<()> {
    let target = match side {
        "receiver" => receiver_target(None, http1_only).await?,
        "bare" => bare_webhook_target().await?,
        other => bail!("unknown side `{other}`: use receiver or bare"),
    };
    let client = reqwest::Client::new();
    let round = deliver_round(&client, &target, 0, count, in_flight, order).await?;
    println!(
        "{side}: {:.0} events/s ({})",
        round.per_sec,
        round.latencies()
    );
    Ok(())
}

/// A simulator serving its demo workspace, and a bare hyper server answering every request
/// with the simulator's own `GET /workspace` body (same bytes, same size).
struct SimTargets {
    sim: ringg_sim::RunningSimulator,
    bare: String,
    body_len: usize,
}

async fn sim_targets() -> Result<SimTargets> {
    let sim = ringg_sim::Simulator::builder()
        .credits(1e12)
        .start()
        .await?;
    let body = reqwest::Client::new()
        .get(format!("{}/workspace", sim.base_url()))
        .header("x-api-key", sim.api_key())
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    let body_len = body.len();
    let addr = bare_server(move |_request: Request<Incoming>| {
        let body = body.clone();
        async move { Ok::<_, Infallible>(json_ok(body)) }
    })
    .await?;
    Ok(SimTargets {
        sim,
        bare: format!("http://{addr}/ca/api/v0"),
        body_len,
    })
}

async fn get_round(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    count: usize,
    in_flight: usize,
) -> Result<Round> {
    let url = format!("{base}/workspace");
    hammer(count, in_flight, |_| {
        let req = client.get(&url).header("x-api-key", key);
        async move {
            let resp = req.send().await?;
            if !resp.status().is_success() {
                bail!("{} answered {}", resp.url(), resp.status());
            }
            resp.bytes().await?;
            Ok(())
        }
    })
    .await
}

async fn initiate_round(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    count: usize,
) -> Result<Round> {
    let url = format!("{base}/calling/v2/outbound/individual");
    hammer(count, 64, |i| {
        let req = client
            .post(&url)
            .header("x-api-key", key)
            .json(&serde_json::json!({
                "name": "Bench",
                "mobile_number": format!("+9191{i:08}"),
                "agent_id": ringg_sim::demo::AGENT_ID,
                "from_number_id": ringg_sim::demo::NUMBER_ID,
            }));
        async move {
            let resp = req.send().await?;
            if !resp.status().is_success() {
                bail!("the simulator answered {}", resp.status());
            }
            resp.bytes().await?;
            Ok(())
        }
    })
    .await
}

/// The simulator line: `GET /workspace` against a bare hyper server answering the same body,
/// in alternating rounds, and call initiation.
pub(crate) async fn simulator_line(gets: usize, calls: usize) -> Result<String> {
    let targets = sim_targets().await?;
    let client = reqwest::Client::new();
    let (base, key) = (targets.sim.base_url(), targets.sim.api_key().to_owned());
    get_round(&client, &base, &key, 200, 8).await?;
    get_round(&client, &targets.bare, &key, 200, 8).await?;
    let (sim_rounds, bare_rounds) = crate::util::alternate(
        ROUNDS,
        Some(|| get_round(&client, &base, &key, gets, 64)),
        Some(|| get_round(&client, &targets.bare, &key, gets, 64)),
    )
    .await?;
    let (sim, bare) = (
        Round::median_of(&sim_rounds),
        Round::median_of(&bare_rounds),
    );
    let initiate = initiate_round(&client, &base, &key, calls).await?;
    let line = format!(
        "simulator (64 in flight, median of {ROUNDS}): GET /workspace {:.0} req/s, bare hyper with the same {}-byte body {:.0} req/s, ratio sim/bare {:.3}; call initiation {:.0} req/s",
        sim.per_sec,
        targets.body_len,
        bare.per_sec,
        sim.per_sec / bare.per_sec,
        initiate.per_sec
    );
    targets.sim.shutdown().await;
    Ok(line)
}

/// Only one side of the simulator comparison (`sim` or `bare`), for a profiler.
pub(crate) async fn simulator_only(count: usize, in_flight: usize, side: &str) -> Result<()> {
    let targets = sim_targets().await?;
    let client = reqwest::Client::new();
    let key = targets.sim.api_key().to_owned();
    let base = match side {
        "sim" => targets.sim.base_url(),
        "bare" => targets.bare.clone(),
        other => bail!("unknown side `{other}`: use sim or bare"),
    };
    let round = get_round(&client, &base, &key, count, in_flight).await?;
    println!(
        "{side}: GET /workspace {:.0} req/s ({})",
        round.per_sec,
        round.latencies()
    );
    targets.sim.shutdown().await;
    Ok(())
}
