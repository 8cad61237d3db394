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
            let list_id: ListId = id("campaign list", &list_id)?;
            let client = ctx.client().await?;
            show(ctx, &client.campaigns().upload_status(&list_id).await?)
        }
        StepsCmd::CheckBalance { list_id } => {
            let list_id: ListId = id("campaign list", &list_id)?;
            let client = ctx.client().await?;
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

fn caller(pool: Option<&str>, numbers: &[String]) -> Result<LargeCampaignCaller, CliError> {
    match (pool, numbers) {
        (Some(p), []) => Ok(LargeCampaignCaller::NumberPool(id::<NumberPoolId>(
            "number pool",
            p,
        )?)),
        (None, n) if !n.is_empty() => Ok(LargeCampaignCaller::FromNumbers(n.to_vec())),
        _ => Err(CliError::usage(
            "give --number-pool ID or one or more --from-number, not both",
        )),
    }
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
    let (Some(start), Some(end)) = (
        time("--start", a.start.as_deref())?,
        time("--end", a.end.as_deref())?,
    ) else {
        return Err(CliError::usage(
            "campaigns create needs --start and --end (\"DD/MM/YYYY, HH:MM\")",
        ));
    };
    let agent: AgentId = id("assistant", &a.agent)?;
    let form = fill(
        SaveCampaignForm::new(agent, a.name.clone(), a.country.clone(), start, end),
        &a,
    );
    let client = ctx.journaled_client().await?;
    let saved = client
        .campaigns()
        .save(&form, CsvUpload::path(&a.file))
        .await?;
    show(ctx, &saved)?;
    if let Some(list) = &saved.list_id {
        ctx.out.note(format!(
            "start it with `ringg campaigns start {list} --agent {} --number-pool ID`",
            a.agent
        ));
    }
    Ok(())
}

async fn upload_large(ctx: &mut Ctx, a: CreateArgs) -> Result<(), CliError> {
    let agent: AgentId = id("assistant", &a.agent)?;
    let mut form = fill(
        UploadCsvForm::new(agent, a.name.clone(), a.country.clone()),
        &a,
    );
    form.campaign_start_time = time("--start", a.start.as_deref())?;
    form.campaign_end_time = time("--end", a.end.as_deref())?;
    let client = ctx.journaled_client().await?;
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

/// The assistant and list ids of a start step.
fn target(t: &StartTarget) -> Result<(AgentId, ListId), CliError> {
    Ok((id("assistant", &t.agent)?, id("campaign list", &t.list_id)?))
}

async fn start(ctx: &mut Ctx, a: StartArgs) -> Result<(), CliError> {
    let (agent, list) = target(&a.target)?;
    let client = ctx.journaled_client().await?;
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
        let req = StartCampaignV2Request::new(agent, list, id("number pool", pool)?);
        client.campaigns().start(&req).await?
    };
    show(ctx, &started)
}

async fn start_large(ctx: &mut Ctx, a: StartLargeArgs) -> Result<(), CliError> {
    let (agent, list) = target(&a.target)?;
    let mut req = MakeCallAsyncRequest::new(
        list,
        agent,
        caller(a.number_pool.as_deref(), &a.from_number)?,
    );
    req.campaign_start_time = time("--start", a.start.as_deref())?;
    req.campaign_end_time = time("--end", a.end.as_deref())?;
    req.concurrency_percentage = a.concurrency;
    let client = ctx.journaled_client().await?;
    show(ctx, &client.campaigns().start_large(&req).await?)
}
