//! Benchmarks of ringg-rs. Run `cargo xtask bench` (release build); it prints one line per
//! figure, each with the baseline measured in the same run, and can write them to
//! `docs/performance.md`.
//!
//! Memory figures come from child processes (`/proc/self/status` `VmHWM`), so the simulator's
//! own state never counts against the client.

use std::convert::Infallible;
use std::fmt::Write as _;
use std::io::Write as _;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use clap::{Parser, Subcommand};
use futures::{StreamExt, TryStreamExt, stream};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use ringg_api::Client;
use ringg_api::campaigns::{CsvSource, PreflightOptions, preflight::preflight_blocking};
use ringg_api::transport::layers::{RateLimitConfig, RetryPolicy};
use ringg_api::types::calls::CallHistoryQuery;
use ringg_api::types::workspace::WorkspaceInfoResponse;

#[derive(Parser)]
#[command(about = "ringg-rs benchmarks")]
struct Cli {
    #[command(subcommand)]
    cmd: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run every benchmark (the default).
    All {
        /// Also write the figures to this Markdown file.
        #[arg(long)]
        write: Option<PathBuf>,
        /// Scale the request counts (1.0 = the documented run).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
    },
    /// Only the SDK-overhead measurement (handy under a profiler).
    Overhead {
        /// Requests per side.
        #[arg(long, default_value_t = 40_000)]
        count: usize,
        /// Requests in flight.
        #[arg(long, default_value_t = 64)]
        in_flight: usize,
        /// Run only the client (`sdk`) or only raw reqwest (`raw`); both when absent.
        #[arg(long)]
        only: Option<String>,
    },
    /// Child process: serve a simulator with N seeded history rows until stdin closes.
    SimServe {
        /// History rows to seed.
        #[arg(long)]
        rows: usize,
    },
    /// Child process: stream every history row and report rows, seconds and peak RSS.
    Paginate {
        /// Simulator base URL.
        #[arg(long)]
        base_url: String,
        /// API key.
        #[arg(long)]
        key: String,
    },
    /// Child process: pre-flight a CSV and report rows, seconds and peak RSS.
    Preflight {
        /// The CSV file.
        #[arg(long)]
        file: PathBuf,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match cli.cmd.unwrap_or(Cmd::All {
        write: None,
        scale: 1.0,
    }) {
        Cmd::All { write, scale } => rt.block_on(run_all(write, scale)),
        Cmd::Overhead {
            count,
            in_flight,
            only,
        } => rt.block_on(overhead_only(count, in_flight, only.as_deref())),
        Cmd::SimServe { rows } => rt.block_on(sim_serve(rows)),
        Cmd::Paginate { base_url, key } => rt.block_on(paginate_child(&base_url, &key)),
        Cmd::Preflight { file } => preflight_child(&file),
    }
}

/// Peak resident set size of this process, in bytes.
fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

struct Report {
    lines: Vec<String>,
}

impl Report {
    fn line(&mut self, s: String) {
        println!("{s}");
        let _ = std::io::stdout().flush();
        self.lines.push(s);
    }
}

async fn run_all(write: Option<PathBuf>, scale: f64) -> Result<()> {
    let n = |base: usize| ((base as f64 * scale).round() as usize).max(100);
    let mut r = Report { lines: Vec::new() };
    r.line(format!("machine: {}", machine()));

    // 1. SDK overhead against raw reqwest, same minimal server.
    let server = minimal_server().await?;
    let base = format!("http://{server}/ca/api/v0");
    let sdk = sdk_client(&base)?;
    let raw = reqwest::Client::builder().build()?;
    // warm up both
    run_sdk(&sdk, 200, 8).await?;
    run_raw(&raw, &base, 200, 8).await?;
    for (label, in_flight, count) in [("sequential", 1, n(5_000)), ("64 in flight", 64, n(40_000))]
    {
        // alternate and keep each side's best of five, so neither side pays for warm-up or noise
        let mut best_raw = 0f64;
        let mut best_sdk = 0f64;
        for _ in 0..5 {
            best_raw = best_raw.max(run_raw(&raw, &base, count, in_flight).await?);
            best_sdk = best_sdk.max(run_sdk(&sdk, count, in_flight).await?);
        }
        r.line(format!(
            "sdk overhead ({label}): client {best_sdk:.0} req/s, raw reqwest {best_raw:.0} req/s, ratio sdk/raw {:.3}",
            best_sdk / best_raw
        ));
    }

    // 2. Pagination: rows/s and the client's peak RSS at 10k vs 100k rows.
    let mut rss = Vec::new();
    for rows in [10_000usize, 100_000] {
        let (rows_read, secs, peak) = paginate_in_children(rows)?;
        r.line(format!(
            "pagination ({rows} history rows): {:.0} rows/s, client peak RSS {:.1} MiB",
            rows_read as f64 / secs,
            mib(peak)
        ));
        rss.push(peak);
    }
    r.line(format!(
        "pagination peak RSS 100k/10k: {:.3} (target 0.9..1.1)",
        rss[1] as f64 / rss[0].max(1) as f64
    ));

    // 3. Campaign pre-flight on a generated 1,000,000-row CSV.
    let csv = generate_csv(n(1_000_000))?;
    let (rows, secs, peak) = preflight_in_child(&csv)?;
    let _ = std::fs::remove_file(&csv);
    r.line(format!(
        "pre-flight ({rows} rows): {:.0} rows/s, peak RSS {:.1} MiB (target >= 500000 rows/s, < 64 MiB)",
        rows as f64 / secs,
        mib(peak)
    ));

    // 4. Webhook receiver with dedupe on.
    let (eps, p50, p99) = webhook_bench(n(20_000), 64).await?;
    r.line(format!(
        "webhook receiver (dedupe on, 64 in flight): {eps:.0} events/s, p50 {:.2} ms, p99 {:.2} ms (target >= 10000 events/s)",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    ));

    // 5. Simulator throughput.
    let (ws_rps, call_rps) = sim_bench(n(20_000), n(5_000)).await?;
    r.line(format!(
        "simulator (64 in flight): GET /workspace {ws_rps:.0} req/s, call initiation {call_rps:.0} req/s"
    ));

    if let Some(path) = write {
        write_markdown(&path, &r.lines)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map(|kb| format!("{:.0} GiB", kb as f64 / 1024.0 / 1024.0))
        .unwrap_or_else(|| "? GiB".into());
    format!(
        "{} cores ({cpu}), {mem} RAM, {} {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

const WORKSPACE_BODY: &str = r#"{"workspace_info":{"id":"d079bcb3-72a3-42dc-9586-edf0328e2973","name":"Bench Workspace","created_at":"2024-12-16T13:03:29.947147+00:00","credits":3025,"locked_credits":0,"api_key":"7251cb4b--f52b-4b47-a230-f626ecad3e85"}}"#;

/// A minimal hyper server answering every request with the workspace document.
async fn minimal_server() -> Result<std::net::SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let svc = service_fn(|_req: Request<Incoming>| async {
                    Ok::<_, Infallible>(
                        Response::builder()
                            .header("content-type", "application/json")
                            .body(Full::new(Bytes::from_static(WORKSPACE_BODY.as_bytes())))
                            .expect("static response"),
                    )
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    Ok(addr)
}

fn sdk_client(base: &str) -> Result<Client> {
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

async fn run_sdk(client: &Client, count: usize, in_flight: usize) -> Result<f64> {
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

async fn run_raw(
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

async fn overhead_only(count: usize, in_flight: usize, only: Option<&str>) -> Result<()> {
    let server = minimal_server().await?;
    let base = format!("http://{server}/ca/api/v0");
    if only != Some("raw") {
        let sdk = sdk_client(&base)?;
        println!(
            "client: {:.0} req/s",
            run_sdk(&sdk, count, in_flight).await?
        );
    }
    if only != Some("sdk") {
        let raw = reqwest::Client::builder().build()?;
        println!(
            "raw reqwest: {:.0} req/s",
            run_raw(&raw, &base, count, in_flight).await?
        );
    }
    Ok(())
}

async fn sim_serve(rows: usize) -> Result<()> {
    let sim = ringg_sim::Simulator::builder()
        .history_rows(rows)
        .start()
        .await?;
    println!("base_url={}", sim.base_url());
    println!("api_key={}", sim.api_key());
    std::io::stdout().flush()?;
    // serve until the parent closes our stdin
    tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
    })
    .await?;
    sim.shutdown().await;
    Ok(())
}

async fn paginate_child(base_url: &str, key: &str) -> Result<()> {
    let client = Client::builder()
        .ignore_env()
        .api_key(key)
        .base_url(base_url)
        .build()?;
    let start = Instant::now();
    let mut seen = 0u64;
    let mut stream = std::pin::pin!(client.calls().history_stream(CallHistoryQuery::default()));
    while let Some(row) = stream.try_next().await? {
        std::hint::black_box(&row);
        seen += 1;
    }
    println!(
        "rows={seen} secs={} peak_rss={}",
        start.elapsed().as_secs_f64(),
        peak_rss()
    );
    Ok(())
}

fn parse_child_output(out: &str) -> Result<(u64, f64, u64)> {
    let mut rows = None;
    let mut secs = None;
    let mut rss = None;
    for part in out.split_whitespace() {
        if let Some(v) = part.strip_prefix("rows=") {
            rows = v.parse().ok();
        } else if let Some(v) = part.strip_prefix("secs=") {
            secs = v.parse().ok();
        } else if let Some(v) = part.strip_prefix("peak_rss=") {
            rss = v.parse().ok();
        }
    }
    match (rows, secs, rss) {
        (Some(r), Some(s), Some(m)) => Ok((r, s, m)),
        _ => bail!("unexpected child output: {out}"),
    }
}

fn paginate_in_children(rows: usize) -> Result<(u64, f64, u64)> {
    let exe = std::env::current_exe()?;
    let mut sim = Command::new(&exe)
        .args(["sim-serve", "--rows", &rows.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("starting the simulator child")?;
    let stdout = sim.stdout.take().context("simulator stdout")?;
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
    let mut base_url = None;
    let mut key = None;
    while base_url.is_none() || key.is_none() {
        let line = lines.next().context("simulator exited early")??;
        if let Some(v) = line.strip_prefix("base_url=") {
            base_url = Some(v.to_string());
        } else if let Some(v) = line.strip_prefix("api_key=") {
            key = Some(v.to_string());
        }
    }
    let out = Command::new(&exe)
        .args([
            "paginate",
            "--base-url",
            &base_url.unwrap_or_default(),
            "--key",
            &key.unwrap_or_default(),
        ])
        .output()?;
    drop(sim.stdin.take());
    let _ = sim.wait();
    if !out.status.success() {
        bail!(
            "paginate child failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (read, secs, rss) = parse_child_output(&String::from_utf8_lossy(&out.stdout))?;
    if read < rows as u64 {
        bail!("paginated {read} rows, expected at least {rows}");
    }
    Ok((read, secs, rss))
}

fn generate_csv(rows: usize) -> Result<PathBuf> {
    let path = std::env::temp_dir().join(format!("ringg-bench-{}.csv", std::process::id()));
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path)?);
    writeln!(f, "Mobile Number,Name,Policy ID,Due Date")?;
    for i in 0..rows {
        writeln!(f, "+9190{:08},Contact {i},POL-{i:07},18/10/2026", i)?;
    }
    f.flush()?;
    Ok(path)
}

fn preflight_child(file: &Path) -> Result<()> {
    let options = PreflightOptions {
        country_code: Some("+91".into()),
        variables_map: [
            ("mobile_number", "Mobile Number"),
            ("callee_name", "Name"),
            ("policy_id", "Policy ID"),
            ("due_date", "Due Date"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect(),
        assistant_variables: None,
        max_recorded_issues: None,
    };
    let start = Instant::now();
    let report = preflight_blocking(CsvSource::Path(file.to_path_buf()), &options)?;
    let secs = start.elapsed().as_secs_f64();
    if report.valid_rows != report.total_rows {
        bail!(
            "pre-flight rejected rows of a valid file: {}",
            report.summary()
        );
    }
    println!(
        "rows={} secs={secs} peak_rss={}",
        report.total_rows,
        peak_rss()
    );
    Ok(())
}

fn preflight_in_child(file: &Path) -> Result<(u64, f64, u64)> {
    let out = Command::new(std::env::current_exe()?)
        .arg("preflight")
        .arg("--file")
        .arg(file)
        .output()?;
    if !out.status.success() {
        bail!(
            "pre-flight child failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    parse_child_output(&String::from_utf8_lossy(&out.stdout))
}

async fn webhook_bench(events: usize, in_flight: usize) -> Result<(f64, Duration, Duration)> {
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
        })
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

async fn send_event(client: &reqwest::Client, url: &str, body: String) -> Result<()> {
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

async fn sim_bench(gets: usize, calls: usize) -> Result<(f64, f64)> {
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

fn write_markdown(path: &Path, lines: &[String]) -> Result<()> {
    let mut md = String::new();
    writeln!(md, "# Performance")?;
    writeln!(md)?;
    writeln!(
        md,
        "Figures from one run of `cargo xtask bench` (release build), {} UTC. Each figure's baseline was measured in the same run; re-run the command to reproduce them on your machine.",
        chrono::Utc::now().format("%Y-%m-%d %H:%M")
    )?;
    writeln!(md)?;
    writeln!(md, "```")?;
    for l in lines {
        writeln!(md, "{l}")?;
    }
    writeln!(md, "```")?;
    writeln!(md)?;
    writeln!(md, "{}", include_str!("../METHOD.md"))?;
    std::fs::write(path, md)?;
    Ok(())
}
