//! `ringg calls pending`, `ringg calls reconcile --pending`, and `calls create`'s initiation,
//! refused when it could call someone twice.

use ringg_api::Client;
use ringg_api::calls::{PlacedCall, ReconcileQuery};
use ringg_api::journal::{CallEntry, CallOutcome};
use ringg_api::types::calls::InitiateCallRequest;
use serde::Serialize;

use crate::context::Ctx;
use crate::error::{CliError, ErrorClass};
use crate::listing::Paging;
use crate::output::{print_json, print_table, table};

use crate::fleet::RECENTLY_CALLED;

/// Sends the initiation (`v1`: the older endpoint), whose client reference is `reference`.
/// Unless `force`, the journal refuses it in the same step that records it when an earlier
/// call to the recipient for the assistant is unsettled or was placed within
/// [`RECENTLY_CALLED`] (`Calls::initiate_unless_called`); the refusal names that call and what
/// to run next.
pub(super) async fn initiate(
    client: &Client,
    req: InitiateCallRequest,
    reference: &str,
    v1: bool,
    force: bool,
) -> Result<PlacedCall, CliError> {
    let calls = client.calls();
    let within = RECENTLY_CALLED.to_std().unwrap_or_default();
    let placed = match (v1, force) {
        (true, true) => calls.initiate_v1(req).await,
        (true, false) => calls.initiate_v1_unless_called(req, within).await,
        (false, true) => calls.initiate(req).await,
        (false, false) => calls.initiate_unless_called(req, within).await,
    };
    let e = match placed {
        Ok(placed) => return Ok(placed),
        Err(e) => e,
    };
    // The journal's refusal names the earlier call's reference (any other error names this
    // call's own, or none).
    let earlier = match (e.kind(), e.client_reference(), client.journal()) {
        (ringg_api::ErrorKind::InvalidInput, Some(r), Some(journal)) if r != reference => {
            journal.call(r).await.ok().flatten()
        }
        _ => None,
    };
    Err(earlier.map_or_else(|| e.into(), |earlier| refusal(&earlier, reference)))
}

/// The refusal of a call that `earlier`, to the same recipient for the same assistant, stops:
/// placed a moment ago, or not settled (it may have been placed). `own` is the reference this
/// command printed, with which nothing was sent.
fn refusal(earlier: &CallEntry, own: &str) -> CliError {
    let (to, agent) = (&earlier.intent.to_number, &earlier.intent.agent_id);
    let reference = &earlier.intent.reference;
    let nothing_sent = format!("nothing was sent (reference {own} needs no reconcile)");
    match &earlier.outcome {
        Some(CallOutcome::Placed { call_id }) => {
            let ago = match (chrono::Utc::now() - earlier.intent.recorded_at).num_minutes() {
                ..=0 => "less than a minute ago".to_string(),
                1 => "1 min ago".to_string(),
                n => format!("{n} min ago"),
            };
            CliError::failed(format!(
                "{to} was already called for assistant {agent} {ago} (call {call_id}, client reference {reference}), so {nothing_sent}: calling again would call them twice; `ringg calls wait {call_id}` follows that call, or add --force to call them again"
            ))
        }
        _ => CliError::failed(format!(
            "an earlier call to {to} for assistant {agent} is not settled (client reference {reference}, {}), so {nothing_sent}: it may have been placed, and calling again could call them twice; run `ringg calls reconcile --pending` first (on this machine, or with --redis-url on any machine of the fleet), or add --force to call anyway",
            recorded(earlier)
        )),
    }
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
    let unread = ctx.fleet_unread();
    // Campaign launches are not calls, but their contacts wait on them too: said apart.
    let launches = crate::commands::campaigns::pending::unfinished(client.journal())
        .await
        .map(|l| l.len());
    if ctx.out.json() {
        let mut listed = serde_json::json!({
            "items": pending,
            "paging": Paging::whole(pending.len()).json(pending.len()),
        });
        if let Some(why) = &unread {
            listed["fleet_unread"] = why.as_str().into();
        }
        // `null` when they could not be read.
        listed["unfinished_launches"] = launches.ok().into();
        print_json(&listed)?;
    } else {
        match &launches {
            Ok(0) => {}
            Ok(n) => ctx.out.note(format!(
                "{n} campaign launch(es) not finished: `ringg campaigns pending` lists them"
            )),
            Err(e) => ctx.out.note(format!(
                "the journal's campaign launches could not be read ({e}); `ringg campaigns pending` lists them"
            )),
        }
        print_text(ctx, &pending, unread.is_some());
    }
    unread.map_or(Ok(()), |why| Err(fleet_unread(&why, "listed")))
}

/// `calls pending`'s table of `pending` (or the note that there is none; `unread`: the
/// fleet's could not be read).
fn print_text(ctx: &Ctx, pending: &[CallEntry], unread: bool) {
    if pending.is_empty() {
        ctx.out.note(match (unread, ctx.global.redis_url.is_some()) {
            (true, _) => "no pending call initiation on this machine",
            (false, true) => {
                "no pending call initiation: every call this machine and the fleet sharing its Redis placed is settled"
            }
            (false, false) => "no pending call initiation: every call this machine placed is settled",
        });
        return;
    }
    let mut t = table(&[
        "REFERENCE",
        "TO",
        "ASSISTANT",
        "CALLER",
        "RECORDED (UTC)",
        "STATE",
    ]);
    for p in pending {
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
}

/// The failure of a listing (`done`: "listed", "settled") that had this machine's calls not
/// settled only, the fleet's Redis not answering (`why`): a call another machine left
/// unsettled may be missing, and its recipient is still refused until it is settled.
fn fleet_unread(why: &str, done: &str) -> CliError {
    CliError::failed(format!(
        "{why}, so only this machine's calls not settled were {done}: another machine's may be missing; run the command again once Redis answers"
    ))
}

/// One line of `ringg calls reconcile --pending --output json`.
#[derive(Debug, Serialize)]
struct Settled {
    reference: String,
    to_number: String,
    agent_id: String,
    /// `placed`, `not_placed`, or `unsettled` (with `error`).
    outcome: &'static str,
    /// Why an `unsettled` one could not be settled: `too_early`, `search_limit`,
    /// `unverifiable` or `failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    call_id: Option<String>,
    error: Option<String>,
}

/// `ringg calls reconcile --pending`.
pub(super) async fn settle(ctx: &mut Ctx) -> Result<(), CliError> {
    let client = ctx.journaled_client().await?;
    let pb = ctx.spinner("settling pending call initiations through the call history");
    let settled = client.calls().settle_pending().await;
    pb.finish_and_clear();
    let settled = settled?;
    // A search that stopped at its row limit stops there again: it needs a wider one.
    let search_limited = settled.iter().find(|s| {
        s.result
            .as_ref()
            .is_err_and(|e| e.kind() == ringg_api::ErrorKind::SearchLimit)
    });
    let wider = search_limited.map(|s| wider_search(&s.entry));
    let too_early = settled
        .iter()
        .filter(|s| {
            s.result
                .as_ref()
                .is_err_and(|e| e.kind() == ringg_api::ErrorKind::TooEarly)
        })
        .count();
    let rows: Vec<Settled> = settled
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
                kind: s.result.as_ref().err().map(|e| unsettled_kind(e.kind())),
                call_id,
                error,
            }
        })
        .collect();
    let unsettled = rows.iter().filter(|r| r.error.is_some()).count();
    let unread = ctx.fleet_unread();
    // When every one left is only too early to rule out, the way on is to wait, not to fix.
    let all_too_early = unsettled > 0 && too_early == unsettled;
    if ctx.out.json() {
        print_json(&rows)?;
    } else if rows.is_empty() {
        ctx.out.note(match unread {
            Some(_) => "no pending call initiation on this machine",
            None => "no pending call initiation",
        });
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
    let unverifiable = rows
        .iter()
        .filter(|r| r.kind == Some("unverifiable"))
        .count();
    if unsettled > 0 {
        let by_hand = if unverifiable > 0 {
            format!(
                "; {unverifiable} of them cannot be checked by a search (the server shows no variables for the calls named): look at those calls, then record what you found with `ringg calls reconcile REF --placed CALL_ID` or `--not-placed`"
            )
        } else {
            String::new()
        };
        let class = if all_too_early {
            ErrorClass::TooEarly
        } else {
            ErrorClass::Failed
        };
        return Err(CliError::new(
            class,
            format!(
                "{unsettled} initiation(s) could not be settled now; run `ringg calls reconcile --pending` again later{}{by_hand}{}",
                wider.unwrap_or_default(),
                unread.map_or_else(String::new, |why| format!(
                    "; {why}, so only this machine's calls not settled were looked at"
                ))
            ),
        ));
    }
    unread.map_or(Ok(()), |why| Err(fleet_unread(&why, "settled")))
}

/// The `kind` of an unsettled initiation in `calls reconcile --pending`'s output.
fn unsettled_kind(kind: ringg_api::ErrorKind) -> &'static str {
    match kind {
        ringg_api::ErrorKind::TooEarly => "too_early",
        ringg_api::ErrorKind::SearchLimit => "search_limit",
        ringg_api::ErrorKind::Unverifiable => "unverifiable",
        _ => "failed",
    }
}

/// `ringg calls reconcile REF --placed CALL_ID | --not-placed`: the outcome found by hand,
/// recorded in the journal (`Calls::settle_by_hand` checks the call against the initiation).
pub(super) async fn by_hand(
    ctx: &mut Ctx,
    reference: &str,
    placed: Option<String>,
) -> Result<(), CliError> {
    let client = ctx.journaled_client().await?;
    let outcome = match placed {
        Some(given) => CallOutcome::Placed {
            call_id: crate::resolve::call(&client, &given).await?,
        },
        None => CallOutcome::NotPlaced,
    };
    let entry = client.calls().settle_by_hand(reference, outcome).await?;
    let (outcome, call_id) = match &entry.outcome {
        Some(CallOutcome::Placed { call_id }) => ("placed", Some(call_id.to_string())),
        _ => ("not_placed", None),
    };
    if ctx.out.json() {
        return print_json(&Settled {
            reference: entry.intent.reference,
            to_number: entry.intent.to_number,
            agent_id: entry.intent.agent_id.to_string(),
            outcome,
            kind: None,
            call_id,
            error: None,
        });
    }
    crate::term::emit_text(match call_id {
        Some(id) => format!("recorded: {reference} placed call {id}; it is pending no more"),
        None => format!(
            "recorded: {reference} placed no call; a call to {} is no longer refused as a possible repeat",
            entry.intent.to_number
        ),
    });
    Ok(())
}

/// The advice for an initiation whose search stopped at its row limit: `settle_pending`'s own
/// search ([`ReconcileQuery::for_pending`]) as a command, with more rows.
fn wider_search(entry: &CallEntry) -> String {
    let q = ReconcileQuery::for_pending(entry);
    let mut command = format!("ringg calls reconcile {}", q.reference);
    if let Some(agent) = &q.agent_id {
        command.push_str(&format!(" --agent {agent}"));
    }
    if let Some(to) = &q.to_number {
        command.push_str(&format!(" --to {to}"));
    }
    if let Some(since) = &q.since {
        let since = since.to_utc().format("%Y-%m-%dT%H:%M:%SZ");
        command.push_str(&format!(" --since {since}"));
    }
    format!(
        "; a search that stopped at its row limit needs more rows, e.g. `{command} --max-rows 100000`"
    )
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use ringg_api::journal::CallIntent;

    use super::*;
    use crate::cli::{Cli, Command};
    use crate::commands::calls::args::CallsCmd;

    #[test]
    fn the_wider_search_is_a_command_that_parses_with_the_same_search() {
        let recorded_at = chrono::DateTime::parse_from_rfc3339("2026-03-03T09:30:15Z")
            .unwrap()
            .to_utc();
        let entry = CallEntry::new(CallIntent {
            reference: "rr-1a2b".into(),
            operation: "initiateCallV2".into(),
            agent_id: ringg_api::types::AgentId::new("agent-7"),
            to_number: "+919811112222".into(),
            caller: "from_number_id:n1".into(),
            recorded_at,
            settle_after: None,
        });
        let advice = wider_search(&entry);
        let command = advice.split('`').nth(1).unwrap();
        let cli = Cli::try_parse_from(command.split(' ')).unwrap();
        let Command::Calls(CallsCmd::Reconcile {
            reference,
            agent,
            to,
            since,
            max_rows,
            pending,
            placed,
            not_placed,
        }) = cli.command
        else {
            panic!("not `calls reconcile`: {command}");
        };
        assert_eq!(reference.as_deref(), Some("rr-1a2b"));
        assert!(placed.is_none() && !not_placed);
        assert_eq!(agent.as_deref(), Some("agent-7"));
        assert_eq!(to.as_deref(), Some("+919811112222"));
        let since = super::super::filters::when("--since", &since.unwrap(), false).unwrap();
        assert_eq!(
            since.to_utc(),
            recorded_at - chrono::Duration::minutes(10),
            "settle_pending's own start"
        );
        assert!(max_rows > 10_000 && !pending);
    }
}
