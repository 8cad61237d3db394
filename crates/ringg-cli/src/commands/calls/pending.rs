//! `ringg calls pending`, `ringg calls reconcile --pending`, and the check `calls create`
//! makes before calling someone again.

use ringg_api::Client;
use ringg_api::journal::{CallEntry, CallOutcome};
use ringg_api::types::AgentId;
use serde::Serialize;

use crate::context::Ctx;
use crate::error::CliError;
use crate::listing::Paging;
use crate::output::{print_json, print_table, table};

/// Refuses a call to `to` for `agent` while an earlier initiation to them is unsettled.
pub(super) async fn refuse_unsettled(
    client: &Client,
    agent: &AgentId,
    to: &str,
) -> Result<(), CliError> {
    let pending = client.calls().pending().await?;
    if let Some(p) = pending
        .iter()
        .find(|p| p.intent.agent_id == *agent && p.intent.to_number == to)
    {
        return Err(CliError::failed(format!(
            "an earlier call to {to} for assistant {agent} is not settled (client reference {}, {}): it may have been placed, so calling again could call them twice; run `ringg calls reconcile --pending` first, or add --force to call anyway",
            p.intent.reference,
            recorded(p)
        )));
    }
    Ok(())
}

fn recorded(p: &CallEntry) -> String {
    format!(
        "recorded {}",
        p.intent
            .recorded_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )
}

/// What an unsettled entry's state is, in words.
fn state(p: &CallEntry) -> &'static str {
    match &p.outcome {
        None => "no answer recorded",
        Some(CallOutcome::Unknown { .. }) => "outcome unknown",
        Some(_) => "settled",
    }
}

/// `ringg calls pending`.
pub(super) async fn list(ctx: &mut Ctx) -> Result<(), CliError> {
    let client = ctx.journaled_client().await?;
    let pending = client.calls().pending().await?;
    if ctx.out.json() {
        return print_json(&serde_json::json!({
            "items": pending,
            "paging": Paging::whole(pending.len()).json(pending.len()),
        }));
    }
    if pending.is_empty() {
        ctx.out
            .note("no pending call initiation: every call this machine placed is settled");
        return Ok(());
    }
    let mut t = table(&[
        "REFERENCE",
        "TO",
        "ASSISTANT",
        "CALLER",
        "RECORDED (UTC)",
        "STATE",
    ]);
    for p in &pending {
        t.add_row(vec![
            p.intent.reference.clone(),
            p.intent.to_number.clone(),
            p.intent.agent_id.to_string(),
            p.intent.caller.clone(),
            p.intent.recorded_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            state(p).to_string(),
        ]);
    }
    print_table(&t);
    ctx.out.note(format!(
        "{} pending; settle them with `ringg calls reconcile --pending`",
        pending.len()
    ));
    Ok(())
}

/// One line of `ringg calls reconcile --pending --output json`.
#[derive(Debug, Serialize)]
struct Settled {
    reference: String,
    to_number: String,
    agent_id: String,
    /// `placed`, `not_placed`, or `unsettled` (with `error`).
    outcome: &'static str,
    call_id: Option<String>,
    error: Option<String>,
}

/// `ringg calls reconcile --pending`.
pub(super) async fn settle(ctx: &mut Ctx) -> Result<(), CliError> {
    let client = ctx.journaled_client().await?;
    let pb = ctx.spinner("settling pending call initiations through the call history");
    let settled = client.calls().settle_pending().await;
    pb.finish_and_clear();
    let rows: Vec<Settled> = settled?
        .into_iter()
        .map(|s| {
            let (outcome, call_id, error) = match &s.result {
                Ok(CallOutcome::Placed { call_id }) => ("placed", Some(call_id.to_string()), None),
                Ok(_) => ("not_placed", None, None),
                Err(e) => ("unsettled", None, Some(e.to_string())),
            };
            Settled {
                reference: s.entry.intent.reference,
                to_number: s.entry.intent.to_number,
                agent_id: s.entry.intent.agent_id.to_string(),
                outcome,
                call_id,
                error,
            }
        })
        .collect();
    let unsettled = rows.iter().filter(|r| r.error.is_some()).count();
    if ctx.out.json() {
        print_json(&rows)?;
    } else if rows.is_empty() {
        ctx.out.note("no pending call initiation");
    } else {
        let mut t = table(&["REFERENCE", "TO", "OUTCOME", "CALL ID"]);
        for r in &rows {
            let outcome = match (r.outcome, &r.error) {
                ("placed", _) => "placed: do not call again".to_string(),
                ("not_placed", _) => "not placed: safe to call again".to_string(),
                (_, Some(e)) => format!("not settled: {e}"),
                (o, None) => o.to_string(),
            };
            t.add_row(vec![
                r.reference.clone(),
                r.to_number.clone(),
                outcome,
                r.call_id.clone().unwrap_or_else(|| "-".into()),
            ]);
        }
        print_table(&t);
    }
    if unsettled > 0 {
        return Err(CliError::failed(format!(
            "{unsettled} initiation(s) could not be settled now; run `ringg calls reconcile --pending` again later"
        )));
    }
    Ok(())
}
