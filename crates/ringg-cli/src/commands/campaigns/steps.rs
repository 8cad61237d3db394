//! `ringg campaigns create | start | upload-large | upload-status | check-balance |
//! start-large`: one API call each, for scripts that run the campaign flows step by step.

use ringg_api::campaigns::CsvUpload;
use ringg_api::types::campaigns::{
    CampaignSpec, CampaignTime, LargeCampaignCaller, MakeCallAsyncRequest, SaveCampaignForm,
    StartCampaignRequest, StartCampaignV2Request, UploadCsvForm,
};
use ringg_api::types::{AgentId, ListId, NumberPoolId};
use serde::Serialize;

use super::step_args::{CreateArgs, StartArgs, StartLargeArgs, StartTarget, StepsCmd};
use crate::args::id;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{flatten, kv_table, print_json, print_table, to_value};

pub(crate) async fn run(ctx: &mut Ctx, cmd: StepsCmd) -> Result<(), CliError> {
    match cmd {
        StepsCmd::Create(a) => create(ctx, a).await,
        StepsCmd::UploadLarge(a) => upload_large(ctx, a).await,
        StepsCmd::Start(a) => start(ctx, a).await,
        StepsCmd::UploadStatus { list_id } => {
            id::<ListId>("campaign list", &list_id)?;
            let client = ctx.client().await?;
            let list_id = crate::resolve::campaign(&client, &list_id).await?;
            show(ctx, &client.campaigns().upload_status(&list_id).await?)
        }
        StepsCmd::CheckBalance { list_id } => {
            id::<ListId>("campaign list", &list_id)?;
            let client = ctx.client().await?;
            let list_id = crate::resolve::campaign(&client, &list_id).await?;
            show(ctx, &client.campaigns().check_balance(&list_id).await?)
        }
        StepsCmd::StartLarge(a) => start_large(ctx, a).await,
    }
}

/// A response: JSON, or its fields as a FIELD / VALUE table.
fn show<T: Serialize>(ctx: &Ctx, resp: &T) -> Result<(), CliError> {
    if ctx.out.json() {
        return print_json(resp);
    }
    let mut rows = Vec::new();
    flatten("", &to_value(resp)?, &mut rows);
    print_table(&kv_table(rows));
    Ok(())
}

/// A campaign time given as `DD/MM/YYYY, HH:MM`.
fn time(flag: &str, raw: Option<&str>) -> Result<Option<CampaignTime>, CliError> {
    raw.map(|s| CampaignTime::parse(s).map_err(|e| CliError::usage(format!("{flag}: {e}"))))
        .transpose()
}

/// The callers of a large-flow start: a pool (id or id prefix) or caller numbers.
async fn caller(
    client: &ringg_api::Client,
    pool: Option<&str>,
    numbers: &[String],
) -> Result<LargeCampaignCaller, CliError> {
    match (pool, numbers) {
        (Some(p), []) => {
            id::<NumberPoolId>("number pool", p)?;
            Ok(LargeCampaignCaller::NumberPool(
                crate::resolve::number_pool(client, p).await?,
            ))
        }
        (None, n) if !n.is_empty() => Ok(LargeCampaignCaller::FromNumbers(n.to_vec())),
        _ => Err(CliError::usage(
            "give --number-pool ID or one or more --from-number, not both",
        )),
    }
}

/// `--start` and `--end` when both are given: the end must come after the start.
fn ordered(
    start: Option<CampaignTime>,
    end: Option<CampaignTime>,
) -> Result<(Option<CampaignTime>, Option<CampaignTime>), CliError> {
    if let (Some(s), Some(e)) = (start, end)
        && e <= s
    {
        return Err(
            CliError::usage(format!("--end {e} is not after --start {s}"))
                .with_hint("give an end later than the start (\"DD/MM/YYYY, HH:MM\")"),
        );
    }
    Ok((start, end))
}

/// An upload form with the column mapping and --remove-invalid-rows of the arguments.
fn fill<T, C>(mut form: CampaignSpec<T, C>, a: &CreateArgs) -> CampaignSpec<T, C> {
    for (var, col) in &a.map {
        form = form.map_variable(var.clone(), col.clone());
    }
    form.remove_invalid_rows = a.remove_invalid_rows.then_some(true);
    form
}

async fn create(ctx: &mut Ctx, a: CreateArgs) -> Result<(), CliError> {
    let (Some(start), Some(end)) = ordered(
        time("--start", a.start.as_deref())?,
        time("--end", a.end.as_deref())?,
    )?
    else {
        return Err(CliError::usage(
            "campaigns create needs --start and --end (\"DD/MM/YYYY, HH:MM\")",
        ));
    };
    id::<AgentId>("assistant", &a.agent)?;
    let client = ctx.journaled_client().await?;
    let agent = crate::resolve::agent(&client, &a.agent).await?;
    let form = fill(
        SaveCampaignForm::new(agent.clone(), a.name.clone(), a.country.clone(), start, end),
        &a,
    );
    let saved = client
        .campaigns()
        .save(&form, CsvUpload::path(&a.file))
        .await?;
    show(ctx, &saved)?;
    if let Some(list) = &saved.list_id {
        // The assistant's id, not its name as typed: the command pastes as it is.
        ctx.out.note(format!(
            "start it with `ringg campaigns start {list} --agent {agent} --number-pool ID`"
        ));
    }
    Ok(())
}

async fn upload_large(ctx: &mut Ctx, a: CreateArgs) -> Result<(), CliError> {
    id::<AgentId>("assistant", &a.agent)?;
    let (start, end) = ordered(
        time("--start", a.start.as_deref())?,
        time("--end", a.end.as_deref())?,
    )?;
    let client = ctx.journaled_client().await?;
    let agent = crate::resolve::agent(&client, &a.agent).await?;
    let mut form = fill(
        UploadCsvForm::new(agent, a.name.clone(), a.country.clone()),
        &a,
    );
    form.campaign_start_time = start;
    form.campaign_end_time = end;
    let uploaded = client
        .campaigns()
        .upload_large_csv(&form, CsvUpload::path(&a.file))
        .await?;
    show(ctx, &uploaded)?;
    if let Some(list) = &uploaded.bulk_list_id {
        ctx.out.note(format!(
            "follow the processing with `ringg campaigns upload-status {list}`"
        ));
    }
    Ok(())
}

/// The assistant and list ids of a start step (ids, names or id prefixes).
async fn target(
    client: &ringg_api::Client,
    t: &StartTarget,
) -> Result<(AgentId, ListId), CliError> {
    id::<AgentId>("assistant", &t.agent)?;
    id::<ListId>("campaign list", &t.list_id)?;
    Ok((
        crate::resolve::agent(client, &t.agent).await?,
        crate::resolve::campaign(client, &t.list_id).await?,
    ))
}

async fn start(ctx: &mut Ctx, a: StartArgs) -> Result<(), CliError> {
    let client = ctx.journaled_client().await?;
    let (agent, list) = target(&client, &a.target).await?;
    let started = if a.v1 {
        let mut req = StartCampaignRequest {
            agent_id: agent,
            list_id: list,
            from_numbers: a.from_number.clone(),
            extra: Default::default(),
        };
        req.from_numbers.retain(|n| !n.trim().is_empty());
        client.campaigns().start_v1(&req).await?
    } else {
        let pool = a.number_pool.as_deref().unwrap_or_default();
        id::<NumberPoolId>("number pool", pool)?;
        let pool = crate::resolve::number_pool(&client, pool).await?;
        let req = StartCampaignV2Request::new(agent, list, pool);
        client.campaigns().start(&req).await?
    };
    show(ctx, &started)
}

async fn start_large(ctx: &mut Ctx, a: StartLargeArgs) -> Result<(), CliError> {
    let (start, end) = ordered(
        time("--start", a.start.as_deref())?,
        time("--end", a.end.as_deref())?,
    )?;
    let client = ctx.journaled_client().await?;
    let (agent, list) = target(&client, &a.target).await?;
    let mut req = MakeCallAsyncRequest::new(
        list,
        agent,
        caller(&client, a.number_pool.as_deref(), &a.from_number).await?,
    );
    req.campaign_start_time = start;
    req.campaign_end_time = end;
    req.concurrency_percentage = a.concurrency;
    show(ctx, &client.campaigns().start_large(&req).await?)
}
