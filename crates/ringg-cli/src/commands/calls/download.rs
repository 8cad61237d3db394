//! `ringg calls download`: Ringg's own export of the history (`POST /calling/history/download`)
//! saved as one file.

use std::io::Write;
use std::path::{Path, PathBuf};

use ringg_api::calls::HistoryDownload;
use ringg_api::types::calls::DownloadCallHistoryQuery;
use serde_json::json;

use super::args::DownloadArgs;
use super::filters::history_query;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::print_json;
use crate::term::emit_text;

/// The file name when Ringg gives none.
const DEFAULT_FILE: &str = "call-history.csv";

pub(crate) async fn download(ctx: &mut Ctx, a: DownloadArgs) -> Result<(), CliError> {
    let mut h = history_query(&a.filters)?;
    let client = ctx.client().await?;
    // An assistant or campaign named by name or id prefix, as in `calls list`.
    super::filters::resolve_names(&client, &a.filters, &mut h).await?;
    let query = DownloadCallHistoryQuery {
        start_date: h.start_date.map(|t| t.as_str().to_string()),
        end_date: h.end_date.map(|t| t.as_str().to_string()),
        agent_ids: h.agent_id.into_iter().collect(),
        status: h.status,
        include_analysis: a.analysis.then_some(true),
        bulk_list_id: h.bulk_list_id,
        ..DownloadCallHistoryQuery::default()
    };
    let pb = ctx.spinner("downloading the call history");
    let got = client.calls().download_history(&query).await;
    pb.finish_and_clear();
    match got? {
        HistoryDownload::Emailed(message) => {
            if ctx.out.json() {
                return print_json(&json!({"emailed": true, "message": message}));
            }
            emit_text(format!("Ringg emails the report instead: {message}"));
            Ok(())
        }
        HistoryDownload::File {
            file_name, bytes, ..
        } => {
            if a.out.as_deref() == Some(Path::new("-")) {
                return write_stdout(&bytes);
            }
            let path = a.out.clone().unwrap_or_else(|| {
                PathBuf::from(safe_name(file_name.as_deref().unwrap_or(DEFAULT_FILE)))
            });
            if a.out.is_none() && path.exists() {
                return Err(CliError::usage(format!(
                    "{} already exists; give --out FILE to choose where the download goes",
                    path.display()
                )));
            }
            std::fs::write(&path, &bytes)
                .map_err(|e| CliError::io(format!("could not write {}", path.display()), &e))?;
            if ctx.out.json() {
                return print_json(&json!({
                    "emailed": false,
                    "file": path.display().to_string(),
                    "bytes": bytes.len(),
                }));
            }
            emit_text(format!("saved {} ({} bytes)", path.display(), bytes.len()));
            Ok(())
        }
        _ => Err(CliError::failed(
            "Ringg answered the download with something this version of ringg does not know",
        )),
    }
}

/// A server-given file name reduced to its last component, so it cannot point elsewhere.
fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    if base.is_empty() || base == "." || base == ".." {
        DEFAULT_FILE.to_string()
    } else {
        base.to_string()
    }
}

/// Writes the file to stdout; a closed pipe ends quietly.
fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::io("could not write the download to stdout", &e))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_file_names_stay_in_the_folder() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name(".."), DEFAULT_FILE);
        assert_eq!(safe_name("calls.zip"), "calls.zip");
    }
}
