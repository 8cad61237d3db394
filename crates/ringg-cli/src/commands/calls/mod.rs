//! `ringg calls create | list | get | wait | pending | reconcile | export | download | tail |
//! delete-list`.

pub(crate) mod args;
mod download;
mod export;
mod filters;
mod pending;
mod tail;
mod vars;
pub(crate) mod wait;

use ringg_api::calls::{CLIENT_REFERENCE_KEY, ReconcileQuery};
use ringg_api::types::calls::{CallDetails, CallRecord, CallerSource, InitiateCallRequest};
use ringg_api::types::{AgentId, CallId, CallStatus, NumberId, NumberPoolId};
use serde::Serialize;
use serde_json::json;

use crate::args::{id, phone};
use crate::context::Ctx;
use crate::error::{CliError, ErrorClass};
use crate::listing::{Paging, print_all, print_page};
use crate::output::{kv_table, print_json, print_table, scalar};
use crate::render;
use crate::term::emit_text;
use args::{CallerArgs, CallsCmd, CreateCallArgs, ListCallsArgs};
use filters::{history_query, when};

/// `calls create`'s initiation (see `pending::initiate`), for other commands that place a call.
pub(crate) async fn initiate_checked(
    client: &ringg_api::Client,
    req: InitiateCallRequest,
    reference: &str,
    force: bool,
) -> Result<ringg_api::calls::PlacedCall, CliError> {
    pending::initiate(client, req, reference, false, force).await
}

/// How long `calls wait` and `calls create --wait` wait without --timeout.
const DEFAULT_WAIT_SECS: u64 = 1800;

pub(crate) async fn run(ctx: &mut Ctx, cmd: CallsCmd) -> Result<(), CliError> {
    match cmd {
        CallsCmd::Create(args) => create(ctx, args).await,
        CallsCmd::List(args) => list(ctx, args).await,
        CallsCmd::Get { id: call, analysis } => get(ctx, &call, analysis).await,
        CallsCmd::Wait { id: call } => {
            id::<CallId>("call", &call)?;
            let client = ctx.client().await?;
            let call_id = crate::resolve::call(&client, &call).await?;
            let timeout = ctx.wait_timeout(DEFAULT_WAIT_SECS);
            let d = wait::wait(ctx, &client, &call_id, timeout).await?;
            show_details(ctx, &d)?;
            ended_well(&d)
        }
        CallsCmd::Pending => pending::list(ctx).await,
        CallsCmd::Reconcile { pending: true, .. } => pending::settle(ctx).await,
        CallsCmd::Reconcile {
            reference: Some(reference),
            placed,
            not_placed,
            ..
        } if placed.is_some() || not_placed => pending::by_hand(ctx, &reference, placed).await,
        CallsCmd::Reconcile {
            reference,
            agent,
            to,
            since,
            max_rows,
            ..
        } => {
            let reference = reference.unwrap_or_default();
            reconcile(ctx, reference, agent, to, since, max_rows).await
        }
        CallsCmd::Export(args) => export::export(ctx, args).await,
        CallsCmd::Download(args) => download::download(ctx, args).await,
        CallsCmd::Tail(args) => tail::tail(ctx, args).await,
        CallsCmd::DeleteList { list_id, yes } => delete_list(ctx, &list_id, yes).await,
    }
}

/// `ringg calls delete-list LIST_ID`: the contact list deleted as it is, after the question.
async fn delete_list(ctx: &mut Ctx, list: &str, yes: bool) -> Result<(), CliError> {
    let client = ctx.client().await?;
    let list_id = crate::resolve::campaign(&client, list).await?;
    crate::confirm::confirm_after(
        async || {
            // The list's name and status, so a name or prefix that matched the wrong one
            // shows.
            let found =
                crate::commands::campaigns::follow::find_campaign(&client, &list_id).await?;
            let about = found
                .map(|c| {
                    let status = c
                        .campaign_status
                        .as_ref()
                        .map_or("status unknown", |s| s.as_str());
                    format!(" ({}, {status})", crate::output::nz(&c.name))
                })
                .unwrap_or_default();
            Ok(vec![format!(
                "delete contact list {list_id}{about} and the contacts uploaded with it (calls already placed stay in the history)"
            )])
        },
        "Delete the contact list?",
        "deleting the contact list",
        yes,
        ctx.out.quiet,
    )
    .await?;
    let deleted = client.calls().delete_contact_list(&list_id).await?;
    if ctx.out.json() {
        return print_json(&deleted);
    }
    emit_text(format!("deleted contact list {list_id}"));
    Ok(())
}

/// After waiting for a call: success when it completed or was handed over to a person
/// (`forwarded`, a transfer), otherwise the call-unsuccessful error (exit code 7) naming how
/// it ended.
fn ended_well(d: &CallDetails) -> Result<(), CliError> {
    let status = d.call_status.as_ref();
    if matches!(status, Some(CallStatus::Completed | CallStatus::Forwarded)) {
        return Ok(());
    }
    let sub = d
        .call_sub_status
        .as_ref()
        .map(|s| format!(" ({})", s.as_str()))
        .unwrap_or_default();
    Err(CliError::new(
        ErrorClass::CallUnsuccessful,
        format!(
            "call {} ended {}{sub}",
            d.id,
            status.map_or("without a status", |s| s.as_str())
        ),
    )
    .with_hint(format!(
        "`ringg calls get {} --analysis` shows why (the disconnect reason)",
        d.id
    )))
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
    crate::args::name("--name", &a.name, "the callee's name")?;
    vars::check_pairs(&a.vars, &a.name, &to)?;
    let mut req = InitiateCallRequest::new(
        agent.clone(),
        a.name.clone(),
        to.clone(),
        caller(&a.caller)?,
    );
    for (k, v) in &a.vars {
        req = req.custom_arg(k.clone(), v.clone());
    }
    let client = ctx.journaled_client().await?;
    let agent = crate::resolve::agent(&client, agent.as_str()).await?;
    req.agent_id = agent.clone();
    match &req.caller {
        CallerSource::FromNumberId(n) => {
            req.caller =
                CallerSource::FromNumberId(crate::resolve::number(&client, n.as_str()).await?);
        }
        CallerSource::NumberPool(p) => {
            req.caller =
                CallerSource::NumberPool(crate::resolve::number_pool(&client, p.as_str()).await?);
        }
        _ => {}
    }
    let assistant = client.assistants().get(&agent).await?;
    vars::check(
        &assistant,
        &a.vars,
        a.allow_missing_vars,
        a.allow_unknown_vars,
    )?;
    // The reference is on disk (the journal) and on the terminal before the call is sent, so
    // an interrupted command can be settled with `ringg calls reconcile --pending`.
    let reference = client.calls().new_reference();
    req = req.custom_arg(CLIENT_REFERENCE_KEY, reference.clone());
    ctx.out.note(format!(
        "client reference {reference} (if this command is interrupted, `ringg calls reconcile --pending` settles it)"
    ));
    // An ambiguous failure comes back as "outcome unknown" with the `ringg calls reconcile`
    // command to run; the call is never sent twice.
    // Unless --force, refused (nothing sent) when it could call them twice.
    let placed = pending::initiate(&client, req, &reference, a.v1, a.force).await?;
    if a.wait {
        ctx.out.note(format!(
            "placed call {} (client reference {}); waiting for it to end",
            placed.call_id, placed.reference
        ));
        let d = wait::wait(
            ctx,
            &client,
            &placed.call_id,
            ctx.wait_timeout(DEFAULT_WAIT_SECS),
        )
        .await?;
        show_details(ctx, &d)?;
        return ended_well(&d);
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
            // The client reference has its own row, apart from the callee's variables.
            placed
                .response
                .custom_args_values()
                .map(render::callee_variables)
                .unwrap_or_else(|| "-".into()),
        ),
    ]));
    ctx.out.note(format!(
        "follow it with `ringg calls wait {}`",
        placed.call_id
    ));
    Ok(())
}

async fn list(ctx: &mut Ctx, a: ListCallsArgs) -> Result<(), CliError> {
    let mut q = history_query(&a.filters)?;
    let client = ctx.client().await?;
    filters::resolve_names(&client, &a.filters, &mut q).await?;
    if a.all {
        q.offset = Some(a.offset);
        q.limit = Some(100);
        let stream = client.calls().history_stream(q);
        return print_all(ctx, &render::CALL_COLUMNS, "calls", stream).await;
    }
    q.limit = Some(a.limit);
    q.offset = Some(a.offset);
    let page = client.calls().history(&q).await?;
    let paging = Paging {
        offset: a.offset.into(),
        limit: Some(a.limit.into()),
        total: page.total.as_ref().and_then(|t| t.count()),
    };
    print_page(ctx, &render::CALL_COLUMNS, &page.calls, paging)
}

async fn get(ctx: &mut Ctx, call: &str, analysis: bool) -> Result<(), CliError> {
    id::<CallId>("call", call)?;
    let client = ctx.client().await?;
    let call_id = crate::resolve::call(&client, call).await?;
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

/// What `reconcile` prints with `--output json`.
#[derive(Debug, Serialize)]
struct Reconciled {
    reference: String,
    found: bool,
    /// `true` when found, `false` when ruled out, `null` when neither (the search may have
    /// started after the call was initiated; the exit code is then 1, as for a search that
    /// stopped at its row limit).
    placed: Option<bool>,
    call: Option<CallRecord>,
    /// The part of the history searched: `found: false` rules the call out only if it was
    /// initiated there.
    searched: Searched,
}

/// The part of the history a reconcile searched.
#[derive(Debug, Serialize)]
struct Searched {
    /// Calls since this time.
    since: ringg_types::common::Timestamp,
    /// Of this assistant only.
    #[serde(skip_serializing_if = "Option::is_none")]
    agent_id: Option<String>,
    /// Rows that do not echo their variables were opened only when they went to this number.
    #[serde(skip_serializing_if = "Option::is_none")]
    to_number: Option<String>,
}

impl Searched {
    /// The search in words, e.g. "calls since 2026-12-05 09:00:00 UTC of assistant 830f767a…".
    fn describe(&self) -> String {
        let mut text = format!("calls since {}", crate::output::ts(Some(&self.since)));
        if let Some(agent) = &self.agent_id {
            text.push_str(&format!(" of assistant {agent}"));
        }
        if let Some(to) = &self.to_number {
            text.push_str(&format!(
                " (those that do not echo their variables: only to {to})"
            ));
        }
        text
    }
}

async fn reconcile(
    ctx: &mut Ctx,
    reference: String,
    agent: Option<String>,
    to: Option<String>,
    since: Option<String>,
    max_rows: u64,
) -> Result<(), CliError> {
    let mut q = reconcile_query(
        &reference,
        agent.as_deref(),
        to.as_deref(),
        since.as_deref(),
    )?
    .max_rows(max_rows);
    // Without --since the SDK picks the start (24 hours ago, or earlier for an older call);
    // the reference's own time gives the same one.
    let since_time = q.start(None);
    // With the journal, a call of its own whose request may still be answered is not ruled
    // out; a journal that cannot be opened (damaged) leaves the reference as the way in.
    let client = match ctx.journaled_client().await {
        Ok(client) => client,
        Err(e) => {
            let client = ctx.client().await?;
            ctx.out.note(format!(
                "note: searching without the journal, which could not be opened: {e}"
            ));
            client
        }
    };
    if let Some(a) = &agent {
        q = q.agent_id(crate::resolve::agent(&client, a).await?);
    }
    let searched = Searched {
        since: since_time,
        agent_id: q.agent_id.as_ref().map(ToString::to_string),
        to_number: q.to_number.clone(),
    };
    let narrowed = agent.is_some() || to.is_some() || since.is_some();
    let pb = ctx.spinner(format!("searching the history for {}", q.reference));
    let found = client.calls().reconcile(q).await;
    pb.finish_and_clear();
    let found = found?;
    // Neither the reference nor this machine's journal says when it was sent: the call may
    // have been initiated before the search's start (or the reference was mistyped), so a
    // call not found is not ruled out.
    let undetermined = found.is_none() && since.is_none() && !time_known(&client, &reference).await;
    let described = searched.describe();
    let not_ruled_out = || {
        CliError::new(
            ErrorClass::Failed,
            format!(
                "no call with reference {reference} among {described}; the reference records no time and this machine's journal has no entry for it, so a call initiated with it before then is not ruled out"
            ),
        )
        .with_hint(
            "check the reference against the error that printed it, or search from when it was sent with --since",
        )
    };
    if ctx.out.json() {
        print_json(&Reconciled {
            reference: reference.clone(),
            found: found.is_some(),
            placed: (!undetermined).then_some(found.is_some()),
            call: found,
            searched,
        })?;
        return if undetermined {
            Err(not_ruled_out())
        } else {
            Ok(())
        };
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
            let id = &call.id;
            ctx.out
                .note(if call.status.as_ref().is_some_and(|s| s.is_terminal()) {
                    format!("do not place it again; it has ended (`ringg calls get {id}` shows it)")
                } else {
                    format!("do not place it again; follow it with `ringg calls wait {id}`")
                });
        }
        None if undetermined => return Err(not_ruled_out()),
        None => {
            emit_text(format!(
                "no call with reference {reference} among {}: if it was initiated there, it was not placed, so placing it again cannot create a duplicate",
                searched.describe()
            ));
            if narrowed {
                ctx.out.note(
                    "the search was narrowed by --agent, --to or --since: if the call may have been initiated outside it, search again without them",
                );
            }
        }
    }
    Ok(())
}

/// The search of `calls reconcile REF` from its flags, checked (the assistant as an id; a
/// name is resolved once the client is made).
fn reconcile_query(
    reference: &str,
    agent: Option<&str>,
    to: Option<&str>,
    since: Option<&str>,
) -> Result<ReconcileQuery, CliError> {
    if reference.trim().is_empty() {
        return Err(CliError::usage(
            "the reference is empty; pass the rr-… value from the error message",
        ));
    }
    let mut q = ReconcileQuery::new(reference.trim());
    if let Some(a) = agent {
        q = q.agent_id(id::<AgentId>("assistant", a)?);
    }
    if let Some(t) = to {
        q = q.to_number(phone("--to", t)?.to_string());
    }
    if let Some(s) = since {
        let t = when("--since", s, false)?;
        if t.to_utc() > chrono::Utc::now() {
            return Err(CliError::usage(format!(
                "--since {s:?} is in the future: a search from then finds nothing, which would not show that the call was not placed"
            ))
            .with_hint("give the time the call was initiated or earlier, or leave --since out (it searches the last 24 hours, or from when the reference was made if that is earlier)"));
        }
        q = q.since(t);
    }
    Ok(q)
}

/// Whether the reference records when it was made, or this machine's journal when it was
/// sent (a journal that cannot be read counts as not knowing).
async fn time_known(client: &ringg_api::Client, reference: &str) -> bool {
    if ringg_api::calls::reference_time(reference).is_some() {
        return true;
    }
    match client.journal() {
        Some(journal) => matches!(journal.call(reference).await, Ok(Some(_))),
        None => false,
    }
}
