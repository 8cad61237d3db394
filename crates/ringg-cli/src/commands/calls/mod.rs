//! `ringg calls create | list | get | wait | reconcile | export`.

pub(crate) mod args;

use std::io::Write;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use ringg_api::Client;
use ringg_api::calls::{ReconcileQuery, WaitOptions};
use ringg_api::types::calls::{
    CallDetails, CallHistoryQuery, CallRecord, CallerSource, InitiateCallRequest,
};
use ringg_api::types::common::Timestamp;
use ringg_api::types::{AgentId, CallId, CallStatus, ListId, NumberId, NumberPoolId};
use serde::Serialize;
use serde_json::json;

use crate::args::{id, phone};
use crate::context::{Ctx, Lines};
use crate::error::CliError;
use crate::output::{kv_table, print_json, print_json_line, print_table, scalar};
use crate::render;
use crate::term::emit_text;
use args::{
    CallerArgs, CallsCmd, CreateCallArgs, ExportArgs, ExportFormat, HistoryFilters, ListCallsArgs,
};

/// How long `calls wait` and `calls create --wait` wait without --timeout.
const DEFAULT_WAIT_SECS: u64 = 1800;

pub(crate) async fn run(ctx: &mut Ctx, cmd: CallsCmd) -> Result<(), CliError> {
    match cmd {
        CallsCmd::Create(args) => create(ctx, args).await,
        CallsCmd::List(args) => list(ctx, args).await,
        CallsCmd::Get { id: call, analysis } => get(ctx, &call, analysis).await,
        CallsCmd::Wait { id: call } => {
            let call_id: CallId = id("call", &call)?;
            let client = ctx.client().await?;
            let timeout = ctx.wait_timeout(DEFAULT_WAIT_SECS);
            let d = wait(ctx, &client, &call_id, timeout).await?;
            show_details(ctx, &d)
        }
        CallsCmd::Reconcile {
            reference,
            agent,
            to,
            since,
        } => reconcile(ctx, reference, agent, to, since).await,
        CallsCmd::Export(args) => export(ctx, args).await,
    }
}

fn caller(c: &CallerArgs) -> Result<CallerSource, CliError> {
    match (&c.from_number_id, &c.from_number, &c.number_pool) {
        (Some(n), None, None) => Ok(CallerSource::FromNumberId(id::<NumberId>("number", n)?)),
        (None, Some(n), None) => Ok(CallerSource::FromNumber(phone("--from-number", n)?)),
        (None, None, Some(p)) => Ok(CallerSource::NumberPool(id::<NumberPoolId>(
            "number pool",
            p,
        )?)),
        _ => Err(CliError::usage(
            "give exactly one of --from-number-id, --from-number or --number-pool",
        )),
    }
}

async fn create(ctx: &mut Ctx, a: CreateCallArgs) -> Result<(), CliError> {
    let agent: AgentId = id("assistant", &a.agent)?;
    let to = phone("--to", &a.to)?;
    if a.name.trim().is_empty() {
        return Err(CliError::usage("--name is empty; give the callee's name"));
    }
    let mut req = InitiateCallRequest::new(agent, a.name.clone(), to, caller(&a.caller)?);
    for (k, v) in &a.vars {
        req = req.custom_arg(k.clone(), v.clone());
    }
    let client = ctx.client().await?;
    // An ambiguous failure comes back as "outcome unknown" with the `ringg calls reconcile`
    // command to run; the call is never sent twice.
    let placed = client.calls().initiate(req).await?;
    if a.wait {
        ctx.out.note(format!(
            "placed call {} (client reference {}); waiting for it to end",
            placed.call_id, placed.reference
        ));
        let d = wait(
            ctx,
            &client,
            &placed.call_id,
            ctx.wait_timeout(DEFAULT_WAIT_SECS),
        )
        .await?;
        return show_details(ctx, &d);
    }
    if ctx.out.json() {
        return print_json(&json!({
            "call_id": placed.call_id,
            "client_reference": placed.reference,
            "response": placed.response,
        }));
    }
    print_table(&kv_table([
        ("call id".to_string(), placed.call_id.to_string()),
        (
            "status".into(),
            placed
                .response
                .call_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_else(|| "-".into()),
        ),
        ("client reference".into(), placed.reference.clone()),
        (
            "variables".into(),
            placed
                .response
                .custom_args_values()
                .map(render::variables)
                .unwrap_or_else(|| "-".into()),
        ),
    ]));
    ctx.out.note(format!(
        "follow it with `ringg calls wait {}`",
        placed.call_id
    ));
    Ok(())
}

/// History filters as a query. Dates without a time cover the whole day (UTC).
pub(crate) fn history_query(f: &HistoryFilters) -> Result<CallHistoryQuery, CliError> {
    let mut q = CallHistoryQuery::default();
    if let Some(s) = &f.start {
        q.start_date = Some(when("--start", s, false)?);
    }
    if let Some(e) = &f.end {
        q.end_date = Some(when("--end", e, true)?);
    }
    if let Some(a) = &f.agent {
        q.agent_id = Some(id::<AgentId>("assistant", a)?);
    }
    if let Some(s) = &f.status {
        let status = CallStatus::from(s.trim());
        if status.is_unknown() {
            return Err(CliError::usage(format!(
                "--status {s:?} is not a call status; use one of {}",
                CallStatus::KNOWN
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        q.status = Some(status);
    }
    if let Some(l) = &f.list {
        q.bulk_list_id = Some(id::<ListId>("campaign list", l)?);
    }
    Ok(q)
}

/// A date-time for the history filters, always with an offset.
pub(crate) fn when(flag: &str, raw: &str, end_of_day: bool) -> Result<Timestamp, CliError> {
    let s = raw.trim();
    if let Ok(date) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let t = if end_of_day {
            date.and_hms_opt(23, 59, 59)
        } else {
            date.and_hms_opt(0, 0, 0)
        };
        if let Some(t) = t {
            return Ok(Timestamp::from_datetime(&t.and_utc()));
        }
    }
    let t = Timestamp::parse(s).map_err(|_| {
        CliError::usage(format!(
            "{flag} {raw:?} is not a date or date-time; use YYYY-MM-DD or 2025-09-25T09:00:00+05:30"
        ))
    })?;
    Ok(if t.has_offset() {
        t
    } else {
        Timestamp::from_datetime(&t.to_utc())
    })
}

async fn list(ctx: &mut Ctx, a: ListCallsArgs) -> Result<(), CliError> {
    let mut q = history_query(&a.filters)?;
    let client = ctx.client().await?;
    if a.all {
        q.offset = Some(a.offset);
        q.limit = Some(100);
        let stream = client.calls().history_stream(q);
        futures::pin_mut!(stream);
        if ctx.out.json() {
            // JSON lines, as the pages arrive.
            while let Some(row) = stream.next().await {
                print_json_line(&row?)?;
            }
            return Ok(());
        }
        let rows: Vec<CallRecord> = stream.try_collect().await?;
        print_table(&render::call_table(&rows));
        ctx.out.note(format!("{} call(s)", rows.len()));
        return Ok(());
    }
    q.limit = Some(a.limit);
    q.offset = Some(a.offset);
    let page = client.calls().history(&q).await?;
    if ctx.out.json() {
        return print_json(&page);
    }
    print_table(&render::call_table(&page.calls));
    let total = page.total.as_ref().map(|t| match t.count() {
        Some(c) => c.to_string(),
        None => "many".into(),
    });
    ctx.out.note(format!(
        "{} call(s) from offset {}{}",
        page.calls.len(),
        a.offset,
        total.map(|t| format!(" of {t}")).unwrap_or_default()
    ));
    Ok(())
}

async fn get(ctx: &mut Ctx, call: &str, analysis: bool) -> Result<(), CliError> {
    let call_id: CallId = id("call", call)?;
    let client = ctx.client().await?;
    let d = client.calls().details(&call_id, analysis).await?;
    show_details(ctx, &d)
}

/// Prints a call: its fields, transcript and analysis.
pub(crate) fn show_details(ctx: &Ctx, d: &CallDetails) -> Result<(), CliError> {
    if ctx.out.json() {
        return print_json(d);
    }
    print_table(&render::details_table(d));
    if let Some(t) = d.transcript().filter(|t| !t.is_empty()) {
        emit_text("transcript:");
        for l in render::transcript_lines(t) {
            emit_text(l);
        }
    }
    if let Some(a) = d.platform_analysis.as_ref() {
        let rows = render::analysis_rows(a);
        if !rows.is_empty() {
            emit_text("platform analysis:");
            print_table(&kv_table(rows));
        }
    }
    if let Some(c) = d.client_analysis.as_ref().filter(|c| !c.is_empty()) {
        emit_text("client analysis:");
        print_table(&kv_table(
            c.iter()
                .map(|(k, v)| (k.clone(), scalar(v)))
                .collect::<Vec<_>>(),
        ));
    }
    Ok(())
}

/// Waits for a call with a spinner, printing each status change (on stderr).
pub(crate) async fn wait(
    ctx: &Ctx,
    client: &Client,
    call_id: &CallId,
    timeout: Duration,
) -> Result<CallDetails, CliError> {
    let poll = if ringg_api::client::is_loopback_url(client.base_url()) {
        Duration::from_millis(100)
    } else {
        Duration::from_secs(2)
    };
    let options = WaitOptions {
        initial_interval: poll,
        max_interval: poll * 5,
        multiplier: 1.5,
        timeout,
        send_analysis: true,
    };
    let lines = Lines::new(ctx.idle_spinner(), true);
    lines.start(format!("waiting for call {call_id}"));
    let calls = client.calls();
    let waiting = calls.wait_for_terminal_with(call_id, options);
    tokio::pin!(waiting);
    let mut ticker = tokio::time::interval(poll);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut last: Option<String> = None;
    let result = loop {
        tokio::select! {
            res = &mut waiting => break res,
            _ = ticker.tick() => {
                if let Ok(d) = client.calls().details(call_id, false).await
                    && let Some(s) = d.call_status.as_ref()
                    && last.as_deref() != Some(s.as_str())
                {
                    if !ctx.out.quiet {
                        lines.line(format!("status: {}", s.as_str()));
                    }
                    lines.message(format!("call {call_id}: {}", s.as_str()));
                    last = Some(s.as_str().to_string());
                }
            }
        }
    };
    lines.finish();
    let d = result?;
    if !ctx.out.quiet
        && let Some(s) = d.call_status.as_ref()
        && last.as_deref() != Some(s.as_str())
    {
        lines.line(format!("status: {}", s.as_str()));
    }
    Ok(d)
}

/// What `reconcile` prints with `--output json`.
#[derive(Debug, Serialize)]
struct Reconciled {
    reference: String,
    found: bool,
    call: Option<CallRecord>,
}

async fn reconcile(
    ctx: &mut Ctx,
    reference: String,
    agent: Option<String>,
    to: Option<String>,
    since: Option<String>,
) -> Result<(), CliError> {
    if reference.trim().is_empty() {
        return Err(CliError::usage(
            "the reference is empty; pass the rr-… value from the error message",
        ));
    }
    let mut q = ReconcileQuery::new(reference.trim());
    if let Some(a) = &agent {
        q = q.agent_id(id::<AgentId>("assistant", a)?);
    }
    if let Some(t) = &to {
        q = q.to_number(phone("--to", t)?.to_string());
    }
    if let Some(s) = &since {
        q = q.since(when("--since", s, false)?);
    }
    let client = ctx.client().await?;
    let pb = ctx.spinner(format!("searching the history for {}", q.reference));
    let found = client.calls().reconcile(q).await;
    pb.finish_and_clear();
    let found = found?;
    if ctx.out.json() {
        return print_json(&Reconciled {
            reference,
            found: found.is_some(),
            call: found,
        });
    }
    match found {
        Some(call) => {
            emit_text(format!(
                "the call with reference {reference} was placed: {} ({})",
                call.id,
                call.status
                    .as_ref()
                    .map(|s| s.as_str())
                    .unwrap_or("status unknown")
            ));
            print_table(&render::call_table(std::slice::from_ref(&call)));
            ctx.out
                .note("do not place it again; follow it with `ringg calls wait <ID>`");
        }
        None => emit_text(format!(
            "no call with reference {reference} in the history: it was not placed, so placing it again cannot create a duplicate"
        )),
    }
    Ok(())
}

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
                    .map(|turn| format!("{}: {}", turn.speaker().as_str(), turn.text()))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default(),
    }
}

async fn export(ctx: &mut Ctx, a: ExportArgs) -> Result<(), CliError> {
    let mut q = history_query(&a.filters)?;
    q.limit = Some(100);
    let client = ctx.client().await?;
    let sink: Box<dyn Write + Send> = match &a.out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| CliError::io(format!("could not create {}", path.display()), &e))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let pb = if a.out.is_some() {
        ctx.spinner("exporting calls")
    } else {
        indicatif::ProgressBar::hidden()
    };
    let stream = client.calls().history_stream(q);
    futures::pin_mut!(stream);
    let write_err = |e: &dyn std::fmt::Display| {
        CliError::failed(format!(
            "could not write the export: {e}; check the disk space and the path"
        ))
    };
    let mut count = 0u64;
    match a.format {
        ExportFormat::Jsonl => {
            let mut w = sink;
            while let Some(row) = stream.next().await {
                let row = row?;
                serde_json::to_writer(&mut w, &row).map_err(|e| write_err(&e))?;
                w.write_all(b"\n")
                    .map_err(|e| broken_pipe_or(e, write_err))?;
                count += 1;
                pb.set_message(format!("exported {count} calls"));
            }
            w.flush().map_err(|e| broken_pipe_or(e, write_err))?;
        }
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(sink);
            let mut wrote_header = false;
            while let Some(row) = stream.next().await {
                let row = row?;
                w.serialize(csv_row(&row)).map_err(|e| write_err(&e))?;
                wrote_header = true;
                count += 1;
                pb.set_message(format!("exported {count} calls"));
            }
            if !wrote_header {
                w.write_record([
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
                ])
                .map_err(|e| write_err(&e))?;
            }
            w.flush().map_err(|e| broken_pipe_or(e, write_err))?;
        }
    }
    pb.finish_and_clear();
    if let Some(path) = &a.out {
        ctx.out
            .note(format!("exported {count} call(s) to {}", path.display()));
    }
    Ok(())
}

fn broken_pipe_or(
    e: std::io::Error,
    other: impl Fn(&dyn std::fmt::Display) -> CliError,
) -> CliError {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    other(&e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_whole_days_with_offsets() {
        let s = when("--start", "2025-09-25", false).unwrap();
        assert_eq!(s.to_utc().to_rfc3339(), "2025-09-25T00:00:00+00:00");
        assert!(s.has_offset());
        let e = when("--end", "2025-09-25", true).unwrap();
        assert_eq!(e.to_utc().to_rfc3339(), "2025-09-25T23:59:59+00:00");
        let t = when("--start", "2025-09-25T09:00:00+05:30", false).unwrap();
        assert_eq!(t.as_str(), "2025-09-25T09:00:00+05:30");
        assert!(when("--start", "yesterday", false).is_err());
    }

    #[test]
    fn unknown_status_is_refused() {
        let f = HistoryFilters {
            start: None,
            end: None,
            agent: None,
            status: Some("done".into()),
            list: None,
        };
        let e = history_query(&f).unwrap_err();
        assert!(e.to_string().contains("completed"), "{e}");
    }
}
