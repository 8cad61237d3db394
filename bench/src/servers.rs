//! The webhook receiver's and the simulator's throughput.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use futures::{StreamExt, stream};

pub(crate) async fn webhook_bench(
    events: usize,
    in_flight: usize,
) -> Result<(f64, Duration, Duration)> {
    webhook_bench_with(events, in_flight, None).await
}

/// [`webhook_bench`] with this dedupe store (default: the memory store).
pub(crate) async fn webhook_bench_with(
    events: usize,
    in_flight: usize,
    store: Option<Arc<dyn ringg_webhooks::DedupeStore>>,
) -> Result<(f64, Duration, Duration)> {
    let received = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = received.clone();
    let receiver = ringg_webhooks::WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret("bench-secret")
        .handler(move |_event: ringg_webhooks::WebhookEvent| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
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
    tokio::spawn(ringg_webhooks::serve(listener, receiver));
    let url = format!("http://{addr}/webhooks/ringg");
    let client = reqwest::Client::new();
    let body_for = |i: usize| {
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
        .to_string()
    };
    // warm up (distinct ids beyond the measured range)
    for i in 0..200 {
        send_event(&client, &url, body_for(events + i)).await?;
    }
    let start = Instant::now();
    let latencies: Vec<Result<Duration>> = stream::iter(0..events)
        .map(|i| {
            let (client, url, body) = (client.clone(), url.clone(), body_for(i));
            async move {
                let t = Instant::now();
                send_event(&client, &url, body).await?;
                Ok(t.elapsed())
            }
        })
        .buffer_unordered(in_flight)
        .collect()
        .await;
    let secs = start.elapsed().as_secs_f64();
    let mut lat: Vec<Duration> = latencies.into_iter().collect::<Result<_>>()?;
    lat.sort();
    let handed = received.load(std::sync::atomic::Ordering::Relaxed);
    if handed != events + 200 {
        bail!("handler got {handed} events, expected {}", events + 200);
    }
    // a replay of the measured range is acknowledged and not handed over again
    for i in 0..100 {
        send_event(&client, &url, body_for(i)).await?;
    }
    if received.load(std::sync::atomic::Ordering::Relaxed) != handed {
        bail!("dedupe let a duplicate through");
    }
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    Ok((events as f64 / secs, pct(0.50), pct(0.99)))
}

pub(crate) async fn send_event(client: &reqwest::Client, url: &str, body: String) -> Result<()> {
    let resp = client
        .post(url)
        .header("x-webhook-secret", "bench-secret")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await?;
    if resp.status() != 200 {
        bail!("receiver answered {}", resp.status());
    }
    Ok(())
}

pub(crate) async fn sim_bench(gets: usize, calls: usize) -> Result<(f64, f64)> {
    let sim = ringg_sim::Simulator::builder()
        .credits(1e12)
        .start()
        .await?;
    let client = reqwest::Client::new();
    let base = sim.base_url();
    let key = sim.api_key().to_string();
    let measure = |n: usize, post: bool| {
        let (client, base, key) = (client.clone(), base.clone(), key.clone());
        async move {
            let start = Instant::now();
            let res: Vec<Result<()>> = stream::iter(0..n)
                .map(|i| {
                    let (client, base, key) = (client.clone(), base.clone(), key.clone());
                    async move {
                        let req = if post {
                            client
                                .post(format!("{base}/calling/v2/outbound/individual"))
                                .json(&serde_json::json!({
                                    "name": "Bench",
                                    "mobile_number": format!("+9191{i:08}"),
                                    "agent_id": ringg_sim::demo::AGENT_ID,
                                    "from_number_id": ringg_sim::demo::NUMBER_ID,
                                }))
                        } else {
                            client.get(format!("{base}/workspace"))
                        };
                        let resp = req.header("x-api-key", key).send().await?;
                        if !resp.status().is_success() {
                            bail!("simulator answered {}", resp.status());
                        }
                        resp.bytes().await?;
                        Ok(())
                    }
                })
                .buffer_unordered(64)
                .collect()
                .await;
            res.into_iter().collect::<Result<Vec<()>>>()?;
            Ok::<f64, anyhow::Error>(n as f64 / start.elapsed().as_secs_f64())
        }
    };
    let ws = measure(gets, false).await?;
    let calls = measure(calls, true).await?;
    sim.shutdown().await;
    Ok((ws, calls))
}
