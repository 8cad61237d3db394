//! Pagination memory: a simulator child seeded with history rows, and a child that streams them.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use futures::TryStreamExt;
use ringg_api::Client;
use ringg_api::types::calls::CallHistoryQuery;

use crate::util::peak_rss;

pub(crate) async fn sim_serve(rows: usize) -> Result<()> {
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

pub(crate) async fn paginate_child(base_url: &str, key: &str) -> Result<()> {
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

pub(crate) fn parse_child_output(out: &str) -> Result<(u64, f64, u64)> {
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

pub(crate) fn paginate_in_children(rows: usize) -> Result<(u64, f64, u64)> {
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

/// Pages read per history size when timing the simulator's history pages.
pub(crate) const COST_PAGES: usize = 200;

/// The simulator's cost of one history page: an in-process simulator seeded with `rows` rows,
/// `pages` sequential `GET /calling/history` pages of 100 with `filter` as extra query pairs,
/// at offsets spread over everything the filter selects. Returns each page's time.
pub(crate) async fn history_page_times(
    rows: usize,
    pages: usize,
    filter: &[(&str, &str)],
) -> Result<Vec<std::time::Duration>> {
    let sim = ringg_sim::Simulator::builder()
        .history_rows(rows)
        .start()
        .await?;
    let client = reqwest::Client::new();
    let url = format!("{}/calling/history", sim.base_url());
    let first: serde_json::Value = client
        .get(&url)
        .header("x-api-key", sim.api_key())
        .query(&[("limit", "1")])
        .query(filter)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let selected = first["total"].as_u64().unwrap_or_default() as usize;
    let mut times = Vec::with_capacity(pages);
    let slots = selected.div_ceil(100).max(1);
    for i in 0..pages {
        // a stride coprime with most slot counts, so the offsets cover the history evenly
        let offset = ((i * 7_919) % slots) * 100;
        let start = Instant::now();
        let resp = client
            .get(&url)
            .header("x-api-key", sim.api_key())
            .query(&[("limit", "100"), ("offset", &offset.to_string())])
            .query(filter)
            .send()
            .await?;
        if !resp.status().is_success() {
            bail!("history page at offset {offset} answered {}", resp.status());
        }
        std::hint::black_box(resp.bytes().await?);
        times.push(start.elapsed());
    }
    sim.shutdown().await;
    Ok(times)
}

/// Median milliseconds per history page at `rows` rows: unfiltered, and filtered by status.
pub(crate) async fn history_page_cost(rows: usize) -> Result<(f64, f64)> {
    let ms = |times: Vec<std::time::Duration>| {
        crate::util::median(times.iter().map(|t| t.as_secs_f64() * 1e3).collect())
    };
    let all = ms(history_page_times(rows, COST_PAGES, &[]).await?);
    let completed = ms(history_page_times(rows, COST_PAGES, &[("status", "completed")]).await?);
    Ok((all, completed))
}

/// Reads `pages` history pages from a simulator seeded with `rows` rows and prints the mean
/// time per page (for a profiler: count at two page counts and take the difference).
pub(crate) async fn history_pages_only(
    rows: usize,
    pages: usize,
    status: Option<&str>,
) -> Result<()> {
    let filter: Vec<(&str, &str)> = status.map(|s| ("status", s)).into_iter().collect();
    let times = history_page_times(rows, pages, &filter).await?;
    let total: std::time::Duration = times.iter().sum();
    println!(
        "{pages} history pages at {rows} rows: {:.3} ms per page",
        total.as_secs_f64() * 1e3 / pages.max(1) as f64
    );
    Ok(())
}
