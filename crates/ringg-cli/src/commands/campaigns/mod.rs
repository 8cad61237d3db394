//! `ringg campaigns check | launch | list | status | pending | resume | discard`, and the
//! single steps of the flows (`create | start | upload-large | upload-status | check-balance |
//! start-large`).

pub(crate) mod args;
mod counted;
mod earlier;
pub(crate) mod follow;
pub(crate) mod pending;
mod plan;
mod preflight;
mod split;
pub(crate) mod step_args;
mod steps;
mod window;

use std::time::Duration;

use ringg_api::campaigns::{
    CampaignFlow, CsvUpload, LaunchOutcome, LaunchRequest, LaunchResponses, PollOptions,
    ResumedLaunch, StartResponse,
};
use ringg_api::client::is_loopback_url;
use ringg_api::types::ListId;
use ringg_api::types::calls::{CallConfig, CallRetryConfig, CallTime};
use ringg_api::types::campaigns::{Campaign, CampaignTime, ListCampaignsQuery};
use serde_json::{Value, json};

use crate::args::{PageArgs, id};
use crate::context::Ctx;
use crate::error::CliError;
use crate::listing::{Columns, Paging, print_all, print_page};
use crate::output::{
    emit_prose, kv_table, nz, or_dash, print_json, print_json_line, print_table, to_value,
};
use crate::term::emit_text;
use args::{CampaignsCmd, CheckArgs, LaunchArgs};
use follow::{counts, find_campaign, follow};
use preflight::{duplicate_numbers, invalid_rows, print_report, run_check, unusable};

pub(crate) async fn run(ctx: &mut Ctx, cmd: CampaignsCmd) -> Result<(), CliError> {
    match cmd {
        CampaignsCmd::Check(args) => check(ctx, args).await,
        CampaignsCmd::Launch(args) => launch(ctx, args).await,
        CampaignsCmd::List(page) => list(ctx, page).await,
        CampaignsCmd::Status { id: campaign } => status(ctx, &campaign).await,
        CampaignsCmd::Pending => pending::list(ctx).await,
        CampaignsCmd::Resume { list_id, no_follow } => resume(ctx, &list_id, no_follow).await,
        CampaignsCmd::Discard { list_id, yes } => discard(ctx, &list_id, yes).await,
        CampaignsCmd::Steps(cmd) => steps::run(ctx, cmd).await,
    }
}

async fn check(ctx: &mut Ctx, args: CheckArgs) -> Result<(), CliError> {
    let client = ctx.client().await?;
    let mut checked = run_check(&client, &args, None).await?;
    // What a launch would be refused for by the workspace, whichever callers it uses.
    plan::size_and_credits(
        &client,
        &args.file,
        false,
        checked.report.valid_rows,
        true,
        &mut checked.workspace_problems,
    )
    .await?;
    if ctx.out.json() {
        print_json(&checked)?;
    } else {
        print_report(&checked);
    }
    if !checked.report.is_usable() {
        return Err(unusable(&checked.report));
    }
    if let Some(p) = checked.workspace_problems.first() {
        return Err(CliError::failed(format!(
            "{p}; `ringg campaigns launch` would refuse it"
        )));
    }
    if checked.report.invalid_rows > 0 {
        if !args.remove_invalid_rows {
            return Err(invalid_rows(&checked.report));
        }
        ctx.out.note(format!(
            "{} invalid row(s) will be skipped (--remove-invalid-rows)",
            checked.report.invalid_rows
        ));
    }
    Ok(())
}

/// Why the checked file (`report`) is not launched as it is: unusable, bad rows without
/// `--remove-invalid-rows`, or a number on several rows without `--allow-duplicate-numbers`.
fn unfit(report: &ringg_api::campaigns::PreflightReport, a: &LaunchArgs) -> Option<CliError> {
    if !report.is_usable() {
        return Some(unusable(report));
    }
    if report.invalid_rows > 0 && !a.check.remove_invalid_rows {
        return Some(invalid_rows(report));
    }
    (report.duplicate_numbers > 0 && !a.allow_duplicate_numbers).then(|| duplicate_numbers(report))
}

async fn launch(ctx: &mut Ctx, a: LaunchArgs) -> Result<(), CliError> {
    if a.callers.number_pool.is_some() != a.callers.from_number.is_empty() {
        return Err(CliError::usage(
            "give --number-pool ID or one or more --from-number, not both",
        ));
    }
    if a.name.trim().is_empty() {
        return Err(CliError::usage("--name is empty; name the campaign"));
    }
    let settings = plan_settings(ctx, &a)?;
    // The journal records each step, so the same launch run again after a crash resumes.
    let client = ctx.journaled_client().await?;

    // 1. Pre-flight of the file, shown before anything is uploaded.
    let (checked, digest) = check_with_digest(&client, &a.check).await?;
    if !ctx.out.json() {
        print_report(&checked);
    }
    if let Some(refusal) = unfit(&checked.report, &a) {
        if ctx.out.json() {
            print_json_line(&checked)?;
        }
        return Err(refusal);
    }

    // 2. The plan, checked against the workspace: size, credits, callers, window.
    let plan = plan::plan(&client, &checked, &a, &settings).await?;
    let lines = plan.lines(settings.tz);
    if a.dry_run {
        if ctx.out.json() {
            print_json(&plan)?;
        } else {
            lines.iter().for_each(emit_prose);
        }
        return match plan.refusal() {
            Some(e) => Err(e),
            None => {
                ctx.out.note("dry run: nothing was uploaded");
                Ok(())
            }
        };
    }
    if let Some(refusal) = plan.refusal() {
        // The plan is the result of a refused launch, as the report is of a failed check.
        if ctx.out.json() {
            print_json_line(&plan)?;
        } else {
            lines.iter().for_each(emit_prose);
        }
        return Err(refusal);
    }
    crate::confirm::confirm(
        &lines,
        "Launch the campaign?",
        "launching the campaign",
        a.yes,
        ctx.out.quiet,
    )?;

    // 3. Upload and start (standard or large flow, chosen by the row count), part by part
    // with --split.
    let parts = if a.split && plan.file_bytes + plan::FORM_OVERHEAD_BYTES > plan::UPLOAD_LIMIT_BYTES
    {
        if file_digest(&a.check.file).await? != digest {
            return Err(changed_since_checked(&a.check.file));
        }
        let file = a.check.file.clone();
        let parts = tokio::task::spawn_blocking(move || {
            let (dir, lock) = split::parts_folder()?;
            split::split(
                &file,
                plan::UPLOAD_LIMIT_BYTES - plan::FORM_OVERHEAD_BYTES,
                &dir,
                Some(lock),
            )
        })
        .await
        .map_err(|e| CliError::failed(format!("splitting the CSV failed: {e}")))??;
        Some(parts)
    } else {
        None
    };
    let files = match &parts {
        Some(p) => p.files.clone(),
        None => vec![a.check.file.clone()],
    };
    let mut launched = Vec::new();
    for (k, file) in files.iter().enumerate() {
        let name = if files.len() > 1 {
            format!("{} (part {}/{})", a.name, k + 1, files.len())
        } else {
            a.name.clone()
        };
        // Each part is checked by its own launch; the whole file by its digest as checked.
        let expect = parts.is_none().then_some(digest.as_str());
        let outcome = launch_file(ctx, &client, &a, &checked, &plan, (file, expect), &name).await?;
        launched.push(outcome.list_id.clone());
    }
    drop(parts);
    let [list_id] = launched.as_slice() else {
        ctx.out.note(format!(
            "launched {} campaigns; follow each with `ringg campaigns status <ID>`",
            launched.len()
        ));
        return Ok(());
    };
    if a.no_follow {
        ctx.out.note(format!(
            "follow it with `ringg campaigns status {list_id}`; stop it with `ringg terminate --campaign {list_id}`"
        ));
        return Ok(());
    }

    // 4. Follow the calls until every one has ended, or Ctrl-C.
    follow(ctx, &client, list_id, plan.rows, ctx.wait_timeout(86_400)).await
}

/// The pre-flight of a launch's file, and the file's digest, read first: what the launch
/// expects, so that a file replaced before the upload is refused.
async fn check_with_digest(
    client: &ringg_api::Client,
    check: &CheckArgs,
) -> Result<(preflight::Checked, String), CliError> {
    let before = CsvUpload::path(&check.file).digest().await.ok();
    // An unreadable file is reported by the check, its own way.
    let checked = run_check(client, check, Some(100)).await?;
    let digest = match before {
        Some(digest) => digest,
        None => file_digest(&check.file).await?,
    };
    Ok((checked, digest))
}

/// The SHA-256 of `file`.
async fn file_digest(file: &std::path::Path) -> Result<String, CliError> {
    CsvUpload::path(file)
        .digest()
        .await
        .map_err(|e| CliError::io(format!("cannot read {}", file.display()), &e))
}

/// `file` is not the file that was checked and confirmed any more.
fn changed_since_checked(file: &std::path::Path) -> CliError {
    CliError::failed(format!(
        "{} changed after it was checked, so it is not launched in the checked one's place; nothing was uploaded: run the launch again to check it as it is now",
        file.display()
    ))
}

/// The time zone and quiet hours of a launch: the flags (or their environment variables),
/// else the profile's, else the defaults.
fn plan_settings(ctx: &Ctx, a: &LaunchArgs) -> Result<plan::Settings, CliError> {
    let profile = ctx.profile_settings();
    let (tz, tz_source) = plan::timezone(a.timezone.as_deref(), profile.timezone.as_deref())?;
    let quiet_text = a
        .quiet_hours
        .clone()
        .or(profile.quiet_hours)
        .unwrap_or_else(|| window::DEFAULT_QUIET_HOURS.to_string());
    let quiet = window::QuietHours::parse(&quiet_text)
        .map_err(|e| CliError::usage(format!("--quiet-hours: {e}")))?;
    Ok(plan::Settings {
        tz,
        tz_source,
        quiet,
    })
}

/// Uploads and starts one file of the launch, and prints what was launched.
async fn launch_file(
    ctx: &Ctx,
    client: &ringg_api::Client,
    a: &LaunchArgs,
    checked: &preflight::Checked,
    plan: &plan::Plan,
    (file, expect): (&std::path::Path, Option<&str>),
    name: &str,
) -> Result<LaunchOutcome, CliError> {
    let (start, end) = (plan.window.start, plan.window.end);
    let mut config = CallConfig::default().call_time(CallTime {
        timezone: Some(plan.timezone.clone()),
        ..CallTime::default()
    });
    if let Some((n, minutes)) = plan.retries {
        config = config.call_retry_config(CallRetryConfig::uniform(n, minutes));
    }
    let mut csv = CsvUpload::path(file);
    if let Some(digest) = expect {
        csv = csv.expecting_digest(digest);
    }
    let mut request = LaunchRequest::builder(checked.agent_id.clone(), csv)
        .name(name.to_string())
        .country_code(a.check.country_code())
        .window(start, end)
        .caller(plan.caller.clone())
        .call_config(config)
        .variables_map(checked.variables_map.clone())
        .remove_invalid_rows(a.check.remove_invalid_rows)
        .build()?
        .upload_as_written(a.upload_as_written)
        .allow_duplicate_numbers(a.allow_duplicate_numbers);
    if is_loopback_url(client.base_url()) {
        request = request.upload_poll(fast_poll());
    }
    let pb = ctx.spinner(format!("launching campaign {name:?}"));
    let outcome = client.campaigns().launch(request).await;
    pb.finish_and_clear();
    let outcome = outcome.map_err(CliError::from)?;
    let list_id = outcome.list_id.clone();
    if ctx.out.json() {
        let mut event = launch_json(name, start, end, &outcome)?;
        event["plan"] = to_value(plan)?;
        print_json_line(&event)?;
    } else if let LaunchResponses::Resumed(r) = &outcome.responses {
        emit_text(resumed_text(Some(name), &list_id, r));
    } else {
        emit_prose(format!(
            "launched campaign {name:?}: id {list_id}, {} flow, {} contact(s), calling from {start} to {end} ({})",
            match outcome.flow {
                CampaignFlow::Standard => "standard",
                CampaignFlow::Large => "large",
            },
            preflight::imported_contacts(&outcome),
            plan.timezone
        ));
    }
    Ok(outcome)
}

fn launch_json(
    name: &str,
    start: CampaignTime,
    end: CampaignTime,
    o: &LaunchOutcome,
) -> Result<Value, CliError> {
    let responses = match &o.responses {
        LaunchResponses::Standard {
            saved,
            started,
            used_v1_start,
        } => json!({"saved": saved, "started": started, "used_v1_start": used_v1_start}),
        LaunchResponses::Large(l) => json!({
            "uploaded": l.uploaded, "status": l.status, "balance": l.balance, "scheduled": l.scheduled,
        }),
        LaunchResponses::Resumed(r) => json!({ "resumed": resumed_json(r) }),
        _ => Value::Null,
    };
    Ok(json!({
        "event": "launched",
        "campaign_name": name,
        "list_id": o.list_id,
        "flow": o.flow,
        "campaign_start_time": start,
        "campaign_end_time": end,
        "report": to_value(&o.report)?,
        "upload": o.uploaded.kind(), "upload_warning": o.uploaded.warning(),
        "responses": responses,
    }))
}

/// A resumed launch in words.
fn resumed_text(name: Option<&str>, list_id: &ListId, r: &ResumedLaunch) -> String {
    let found = r.found.map_or("recorded".to_string(), |s| s.to_string());
    let campaign = match name {
        Some(n) => format!("campaign {n:?} (id {list_id})"),
        None => format!("campaign {list_id}"),
    };
    if r.already_started() {
        format!(
            "{campaign} was already started by an earlier run (journal: {found}, status {}): nothing was uploaded or started again",
            or_dash(r.status.as_ref().map(|s| s.as_str()))
        )
    } else {
        format!(
            "resumed {campaign} from the journal (an earlier run reached: {found}): the list was not uploaded again; the campaign is started now"
        )
    }
}

/// A resumed launch as JSON.
fn resumed_json(r: &ResumedLaunch) -> Value {
    let started = match &r.started {
        Some(StartResponse::Standard(s)) => json!(s),
        Some(StartResponse::Large(s)) => json!(s),
        _ => Value::Null,
    };
    json!({
        "found_stage": r.found,
        "status": r.status,
        "already_started": r.already_started(),
        "upload_status": r.upload_status,
        "balance": r.balance,
        "started": started,
    })
}

/// `ringg campaigns resume LIST_ID`.
async fn resume(ctx: &mut Ctx, list: &str, no_follow: bool) -> Result<(), CliError> {
    id::<ListId>("campaign list", list)?;
    let client = ctx.journaled_client().await?;
    let list_id = crate::resolve::campaign(&client, list).await?;
    let poll = if is_loopback_url(client.base_url()) {
        fast_poll()
    } else {
        PollOptions::default()
    };
    let pb = ctx.spinner(format!("resuming the launch of list {list_id}"));
    let outcome = client.campaigns().resume(&list_id, poll).await;
    pb.finish_and_clear();
    let outcome = outcome.map_err(CliError::from)?;
    if ctx.out.json() {
        print_json_line(&json!({
            "event": "resumed",
            "list_id": outcome.list_id,
            "flow": outcome.flow,
            "resumed": resumed_json(&outcome.resumed),
        }))?;
    } else {
        emit_text(resumed_text(None, &list_id, &outcome.resumed));
    }
    if no_follow || outcome.resumed.already_started() {
        return Ok(());
    }
    let total = counts(&client, &list_id).await?.total;
    follow(ctx, &client, &list_id, total, ctx.wait_timeout(86_400)).await
}

/// `ringg campaigns discard LIST_ID`.
async fn discard(ctx: &mut Ctx, list: &str, yes: bool) -> Result<(), CliError> {
    id::<ListId>("campaign list", list)?;
    let client = ctx.journaled_client().await?;
    let list_id = crate::resolve::campaign(&client, list).await?;
    // A started campaign is refused here in the command line's words, with the commands that
    // fit (the SDK refuses it too, naming its own calls).
    let Some(found) = find_campaign(&client, &list_id).await? else {
        // Gone already (deleted in the dashboard): its unfinished launch is settled with it.
        if client.campaigns().forget_gone_list(&list_id).await? {
            return Err(CliError::not_found(format!(
                "no campaign has list id {list_id} (deleted already?); its launch in the journal is marked discarded, and holds up no other launch of its name"
            )));
        }
        return Err(
            CliError::not_found(format!("no campaign has list id {list_id}"))
                .with_hint("`ringg campaigns list` shows the campaigns and their list ids"),
        );
    };
    let status = found.campaign_status.as_ref();
    if let Some(status) = status.filter(|s| !s.is_never_started()) {
        return Err(CliError::failed(format!(
            "campaign {list_id} is {}: `campaigns discard` deletes only a list that was never started",
            status.as_str()
        ))
        .with_hint(format!(
            "`ringg terminate --campaign {list_id}` stops its queued calls; `ringg calls delete-list {list_id}` deletes the list as it is"
        )));
    }
    let name = nz(&found.name);
    let summary = vec![format!(
        "delete the draft list {list_id} ({name}, {}) and the contacts uploaded with it",
        status.map_or("status unknown", |s| s.as_str())
    )];
    crate::confirm::confirm(
        &summary,
        "Delete the draft list?",
        "deleting the draft list",
        yes,
        ctx.out.quiet,
    )?;
    let deleted = client.campaigns().discard(&list_id).await?;
    if ctx.out.json() {
        return print_json(&deleted);
    }
    emit_text(format!(
        "deleted the draft list {list_id}; it was never started"
    ));
    Ok(())
}

/// Upload polling for a local simulator (its clock is scaled).
fn fast_poll() -> PollOptions {
    PollOptions {
        initial_interval: Duration::from_millis(200),
        max_interval: Duration::from_secs(1),
        multiplier: 1.5,
        timeout: Duration::from_secs(600),
    }
}

/// The campaigns table.
const COLUMNS: Columns<Campaign> = Columns {
    header: &[
        "ID",
        "NAME",
        "STATUS",
        "START",
        "END",
        "TOTAL",
        "COMPLETED",
        "REGISTERED",
    ],
    row: |c| {
        let n = |v: Option<u64>| v.map(|x| x.to_string()).unwrap_or_else(|| "-".into());
        vec![
            c.id.to_string(),
            nz(&c.name),
            or_dash(c.campaign_status.as_ref().map(|s| s.as_str())),
            when(c.start_time(), &c.campaign_start_time),
            when(c.end_time(), &c.campaign_end_time),
            n(c.total_count.or(c.total_contacts)),
            n(c.completed_count),
            n(c.registered_count),
        ]
    },
    empty: "no campaigns; check a contact CSV with `ringg campaigns check`, then `ringg campaigns launch`",
    drop_first: &["REGISTERED", "END"],
};

async fn list(ctx: &mut Ctx, page: PageArgs) -> Result<(), CliError> {
    let client = ctx.client().await?;
    let query = ListCampaignsQuery {
        call_count: Some(true),
        ..ListCampaignsQuery::default()
    };
    if page.all {
        let stream = client.campaigns().stream(query);
        return print_all(ctx, &COLUMNS, "campaigns", stream).await;
    }
    let resp = client
        .campaigns()
        .list(&ListCampaignsQuery {
            limit: Some(page.limit),
            offset: Some(u32::try_from(page.offset).unwrap_or(u32::MAX)),
            ..query
        })
        .await?;
    let total = resp
        .pagination
        .as_ref()
        .and_then(|p| p.total.as_ref())
        .and_then(|t| t.count());
    print_page(ctx, &COLUMNS, &resp.campaigns, Paging::of(&page, total))
}

async fn status(ctx: &mut Ctx, campaign: &str) -> Result<(), CliError> {
    id::<ListId>("campaign", campaign)?;
    let client = ctx.client().await?;
    let list_id = crate::resolve::campaign(&client, campaign).await?;
    let found = find_campaign(&client, &list_id).await?.ok_or_else(|| {
        CliError::not_found(format!("no campaign with id {list_id}"))
            .with_hint("`ringg campaigns list` shows the ids")
    })?;
    let c = counts(&client, &list_id).await?;
    if ctx.out.json() {
        return print_json(&json!({"campaign": found, "calls": c}));
    }
    print_table(&kv_table([
        ("id".to_string(), found.id.to_string()),
        ("name".into(), nz(&found.name)),
        (
            "status".into(),
            or_dash(found.campaign_status.as_ref().map(|s| s.as_str())),
        ),
        (
            "start".into(),
            when(found.start_time(), &found.campaign_start_time),
        ),
        (
            "end".into(),
            when(found.end_time(), &found.campaign_end_time),
        ),
        ("calls".into(), format!("{} ({} ended)", c.total, c.ended())),
        ("by status".into(), c.text()),
    ]));
    Ok(())
}

/// A campaign time as table text (the raw text when it is not a timestamp).
fn when(
    parsed: Option<ringg_api::types::common::Timestamp>,
    raw: &ringg_api::types::common::Nullable<String>,
) -> String {
    match parsed {
        Some(t) => crate::output::ts(Some(&t)),
        None => nz(raw),
    }
}
