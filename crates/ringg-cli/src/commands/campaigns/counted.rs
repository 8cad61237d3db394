//! A contact CSV read for the pre-flight check with its progress on stderr: bytes read of the
//! file's size and the rate, drawn when stderr is a terminal (and not with --quiet).

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use ringg_api::campaigns::CsvUpload;

/// How much of the file one read takes.
const CHUNK: usize = 256 * 1024;

/// The file as an upload source that counts what is read on `bar` (hidden when progress is
/// off).
pub(crate) fn with_progress(path: &Path) -> (CsvUpload, ProgressBar) {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let bar = if !crate::display::get().quiet && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(size);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} checking {msg}: {bytes} of {total_bytes} ({bytes_per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(path.display().to_string());
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    } else {
        ProgressBar::hidden()
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let path: PathBuf = path.to_path_buf();
    let counter = bar.clone();
    let csv = CsvUpload::stream(move || {
        counter.set_position(0);
        let file = std::fs::File::open(&path);
        let counter = counter.clone();
        futures::stream::unfold(Some(file), move |state| {
            let counter = counter.clone();
            async move {
                let mut file = match state? {
                    Ok(f) => f,
                    Err(e) => return Some((Err(e), None)),
                };
                let mut buf = vec![0u8; CHUNK];
                match file.read(&mut buf) {
                    Ok(0) => None,
                    Ok(n) => {
                        buf.truncate(n);
                        counter.inc(n as u64);
                        Some((Ok(Bytes::from(buf)), Some(Ok(file))))
                    }
                    Err(e) => Some((Err(e), None)),
                }
            }
        })
        .boxed()
    });
    let csv = if name.is_empty() {
        csv
    } else {
        csv.with_file_name(name)
    };
    (csv, bar)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread")]
    async fn the_counted_file_reads_like_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.csv");
        let text = "Mobile Number,Name\n".to_string() + &"+919876500101,Asha\n".repeat(40_000);
        std::fs::write(&path, &text).unwrap();
        let (csv, bar) = with_progress(&path);
        let client = ringg_api::Client::builder()
            .api_key("k")
            .ignore_env()
            .build()
            .unwrap();
        let report = client
            .campaigns()
            .preflight(&csv, ringg_api::campaigns::PreflightOptions::default())
            .await
            .unwrap();
        assert_eq!(report.total_rows, 40_000);
        assert_eq!(bar.position(), text.len() as u64);
    }
}
