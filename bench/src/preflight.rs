//! Campaign pre-flight throughput and memory, in a child process.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Result, bail};
use ringg_api::campaigns::{CsvSource, PreflightOptions, preflight::preflight_blocking};

use crate::pagination::parse_child_output;
use crate::util::peak_rss;

pub(crate) fn generate_csv(rows: usize) -> Result<PathBuf> {
    let path = std::env::temp_dir().join(format!("ringg-bench-{}.csv", std::process::id()));
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path)?);
    writeln!(f, "Mobile Number,Name,Policy ID,Due Date")?;
    for i in 0..rows {
        writeln!(f, "+9190{:08},Contact {i},POL-{i:07},18/10/2026", i)?;
    }
    f.flush()?;
    Ok(path)
}

pub(crate) fn preflight_child(file: &Path) -> Result<()> {
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

pub(crate) fn preflight_in_child(file: &Path) -> Result<(u64, f64, u64)> {
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
