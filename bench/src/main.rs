//! Benchmarks of ringg-rs. Run `cargo xtask bench` (release build); it prints one line per
//! figure, each with the baseline measured in the same run, and can write them to
//! `docs/performance.md`.
//!
//! Memory figures come from child processes (`/proc/self/status` `VmHWM`), so the simulator's
//! own state never counts against the client.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Parser, Subcommand};

mod fleet;
mod overhead;
mod pagination;
mod preflight;
mod servers;
mod util;

use overhead::*;
use pagination::*;
use preflight::*;
use servers::*;
use util::*;

#[derive(Parser)]
#[command(about = "ringg-rs benchmarks")]
struct Cli {
    #[command(subcommand)]
    cmd: Option<Cmd>,
    /// Run on a current-thread runtime: one thread, so instruction counts under callgrind
    /// repeat from run to run (a multi-thread runtime moves work between threads).
    #[arg(long, global = true)]
    current_thread: bool,
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
        /// Alternate the sides this many times (raw first in even rounds, the client first in
        /// odd ones); with both sides, print each side's median, their ratio, and the median
        /// of the rounds' own ratios.
        #[arg(long, default_value_t = 1)]
        rounds: usize,
        /// How much of the SDK the client side runs (to attribute the gap layer by layer).
        #[arg(long, value_enum, default_value_t = Layers::Full)]
        sdk: Layers,
        /// Raw reqwest also sends the SDK's `User-Agent`, `Accept` and request id headers, so
        /// both sides put the same request on the wire (the in-process server's share of the
        /// gap drops out).
        #[arg(long)]
        raw_sdk_headers: bool,
        /// After each round, also print the process's context switches (voluntary and
        /// involuntary) and CPU time per request, summed over its threads (Linux `/proc`).
        #[arg(long)]
        sched: bool,
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
    /// Only the webhook receiver or the bare hyper server under the delivery load (handy
    /// under a profiler).
    Receiver {
        /// Deliveries.
        #[arg(long, default_value_t = 20_000)]
        count: usize,
        /// Deliveries in flight.
        #[arg(long, default_value_t = 64)]
        in_flight: usize,
        /// `receiver` or `bare`.
        #[arg(long, default_value = "receiver")]
        only: String,
        /// Serve the receiver with `ServeConfig::http1_only` (no protocol detection).
        #[arg(long)]
        http1_only: bool,
        /// The order of each delivery's keys.
        #[arg(long, value_enum, default_value_t = KeyOrder::Ringg)]
        keys: KeyOrder,
    },
    /// Only the simulator's `GET /workspace` or the bare hyper server answering the same body
    /// (handy under a profiler).
    Simulator {
        /// Requests.
        #[arg(long, default_value_t = 20_000)]
        count: usize,
        /// Requests in flight.
        #[arg(long, default_value_t = 64)]
        in_flight: usize,
        /// `sim` or `bare`.
        #[arg(long, default_value = "sim")]
        only: String,
    },
    /// Read history pages of 100 from an in-process simulator seeded with N rows.
    HistoryPages {
        /// History rows to seed.
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        /// Pages to read (at offsets spread over the history).
        #[arg(long, default_value_t = 200)]
        pages: usize,
        /// Filter by this call status (e.g. `completed`).
        #[arg(long)]
        status: Option<String>,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let rt = if cli.current_thread {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    }
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
            rounds,
            sdk,
            raw_sdk_headers,
            sched,
        } => rt.block_on(overhead_only(
            count,
            in_flight,
            only.as_deref(),
            rounds,
            sdk,
            raw_sdk_headers,
            sched,
        )),
        Cmd::SimServe { rows } => rt.block_on(sim_serve(rows)),
        Cmd::Paginate { base_url, key } => rt.block_on(paginate_child(&base_url, &key)),
        Cmd::Preflight { file } => preflight_child(&file),
        Cmd::Receiver {
            count,
            in_flight,
            only,
            http1_only,
            keys,
        } => rt.block_on(receiver_only(count, in_flight, &only, http1_only, keys)),
        Cmd::Simulator {
            count,
            in_flight,
            only,
        } => rt.block_on(simulator_only(count, in_flight, &only)),
        Cmd::HistoryPages {
            rows,
            pages,
            status,
        } => rt.block_on(history_pages_only(rows, pages, status.as_deref())),
    }
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
    run_raw(&raw, &base, 200, 8, false).await?;
    for (label, in_flight, count) in [("sequential", 1, n(2_000)), ("64 in flight", 64, n(8_000))] {
        // Many short rounds alternating the sides; the headline is the median of the rounds'
        // own ratios, so neither warm-up, noise nor a slow drift of a small shared machine
        // flatters either side (each side's median is printed too).
        let (raw_rounds, sdk_rounds) = alternate(
            OVERHEAD_ROUNDS,
            Some(|| run_raw(&raw, &base, count, in_flight, false)),
            Some(|| run_sdk(&sdk, count, in_flight)),
        )
        .await?;
        let ratio = median_ratio(&sdk_rounds, &raw_rounds);
        let (raw_rps, sdk_rps) = (median(raw_rounds), median(sdk_rounds));
        r.line(format!(
            "sdk overhead ({label}, {OVERHEAD_ROUNDS} alternating rounds of {count}): ratio sdk/raw {ratio:.3} (median of the rounds' ratios); medians client {sdk_rps:.0} req/s, raw reqwest {raw_rps:.0} req/s"
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

    // The simulator's own cost per page, which should not grow with the history.
    let mut page_ms = Vec::new();
    for rows in [10_000usize, 100_000] {
        let (all, completed) = history_page_cost(rows).await?;
        r.line(format!(
            "history page (100 rows, {rows} history rows, median of {COST_PAGES} pages at offsets across the history): {all:.3} ms, filtered by status {completed:.3} ms"
        ));
        page_ms.push(all);
    }
    r.line(format!(
        "history page time 100k/10k: {:.3}",
        page_ms[1] / page_ms[0]
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

    // 4. Webhook receiver with dedupe on, against a bare hyper server.
    r.line(receiver_line(n(20_000), 64).await?);

    // 4b. Fleets: the Redis dedupe store and the shared rate limiter.
    for line in fleet::fleet_lines(n(20_000), n(5_000), &base).await? {
        r.line(line);
    }

    // 5. Simulator throughput, against a bare hyper server answering the same body.
    r.line(simulator_line(n(20_000), n(5_000)).await?);

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
    write!(md, "{}", include_str!("../METHOD.md"))?;
    std::fs::write(path, md)?;
    Ok(())
}
