//! `ringg calls export`: the call history streamed as JSON lines or CSV.

use std::io::{IsTerminal, Write};

use futures::StreamExt;
use ringg_api::types::calls::CallRecord;
use serde::Serialize;

use super::args::{ExportArgs, ExportFormat};
use super::filters::history_query;
use crate::context::Ctx;
use crate::error::CliError;
use crate::listing::Progress;
use crate::output::json_text;

/// One exported row in CSV.
#[derive(Debug, Serialize)]
struct CsvRow<'a> {
    id: &'a str,
    created_at: String,
    status: &'a str,
    to_number: &'a str,
    name: &'a str,
    agent_id: String,
    agent_name: &'a str,
    call_type: &'a str,
    call_duration: String,
    call_cost: String,
    bulk_list_id: &'a str,
    audio_recording: &'a str,
    transcript: String,
}

fn csv_row(r: &CallRecord) -> CsvRow<'_> {
    CsvRow {
        id: r.id.as_str(),
        created_at: r
            .created_at
            .as_ref()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        status: r.status.as_ref().map(|s| s.as_str()).unwrap_or_default(),
        to_number: r.to_number.as_deref().unwrap_or_default(),
        name: r.name.as_deref().unwrap_or_default(),
        agent_id: r
            .agent
            .as_ref()
            .map(|a| a.id.to_string())
            .unwrap_or_default(),
        agent_name: r
            .agent
            .as_ref()
            .and_then(|a| a.agent_name.as_deref())
            .unwrap_or_default(),
        call_type: r.call_type.as_ref().map(|t| t.as_str()).unwrap_or_default(),
        call_duration: r
            .call_duration
            .as_ref()
            .map(|d| d.as_f64().to_string())
            .unwrap_or_default(),
        call_cost: r
            .call_cost
            .as_ref()
            .map(|c| c.as_f64().to_string())
            .unwrap_or_default(),
        bulk_list_id: r.bulk_list_id.as_deref().unwrap_or_default(),
        audio_recording: r.audio_recording.as_deref().unwrap_or_default(),
        transcript: r
            .transcript
            .as_ref()
            .map(|t| {
                t.turns()
                    .iter()
                    .map(|turn| format!("{}: {}", turn.speaker().as_str(), turn.shown_text()))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default(),
    }
}

pub(crate) async fn export(ctx: &mut Ctx, a: ExportArgs) -> Result<(), CliError> {
    let mut q = history_query(&a.filters)?;
    q.limit = Some(100);
    let client = ctx.client().await?;
    super::filters::resolve_names(&client, &a.filters, &mut q).await?;
    let sink: Box<dyn Write + Send> = match &a.out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| CliError::io(format!("could not create {}", path.display()), &e))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    // A key the server echoed into a row is never written out (JSON lines are masked too).
    let sink = crate::term::MaskedLines::new(sink);
    // Counts and rate on stderr, unless the rows themselves go to that terminal.
    let progress = if a.out.is_some() || !std::io::stdout().is_terminal() {
        Progress::new(ctx, "calls exported")
    } else {
        Progress::hidden("calls exported")
    };
    let stream = client.calls().history_stream(q);
    futures::pin_mut!(stream);
    let mut count = 0u64;
    match a.format {
        ExportFormat::Jsonl => {
            let mut w = sink;
            while let Some(row) = stream.next().await {
                let line = json_text(&row?, false)?;
                w.write_all(line.as_bytes())
                    .and_then(|()| w.write_all(b"\n"))
                    .map_err(write_failed)?;
                count += 1;
                progress.tick();
            }
            w.flush().map_err(write_failed)?;
        }
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(sink);
            let mut wrote_header = false;
            while let Some(row) = stream.next().await {
                let row = row?;
                w.serialize(csv_row(&row)).map_err(csv_failed)?;
                wrote_header = true;
                count += 1;
                progress.tick();
            }
            if !wrote_header {
                w.write_record(CSV_HEADER).map_err(csv_failed)?;
            }
            w.flush().map_err(write_failed)?;
        }
    }
    progress.finish();
    if let Some(path) = &a.out {
        ctx.out
            .note(format!("exported {count} call(s) to {}", path.display()));
    }
    Ok(())
}

/// The CSV columns (the header of an export with no rows).
const CSV_HEADER: [&str; 13] = [
    "id",
    "created_at",
    "status",
    "to_number",
    "name",
    "agent_id",
    "agent_name",
    "call_type",
    "call_duration",
    "call_cost",
    "bulk_list_id",
    "audio_recording",
    "transcript",
];

/// A failed write: a closed pipe (`| head`) ends the command quietly with exit code 0, as
/// Unix tools do; anything else is an error.
fn write_failed(e: std::io::Error) -> CliError {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    CliError::failed(format!("could not write the export: {e}"))
        .with_hint("check the disk space and the path")
}

/// A failed CSV write (a closed pipe included, as [`write_failed`]).
fn csv_failed(e: csv::Error) -> CliError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => write_failed(io),
        other => CliError::failed(format!("could not write the export: {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_header_matches_the_rows() {
        let mut w = csv::Writer::from_writer(Vec::new());
        let row: CallRecord = serde_json::from_value(serde_json::json!({"id": "c1"})).unwrap();
        w.serialize(csv_row(&row)).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(text.lines().next().unwrap(), CSV_HEADER.join(","));
    }
}
