//! `ringg campaigns check | launch | list | status`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use chrono::TimeZone;
use futures::{StreamExt, TryStreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use ringg_api::Client;
use ringg_api::campaigns::{
    CampaignFlow, CsvUpload, LaunchOutcome, LaunchRequest, LaunchResponses, PollOptions,
    PreflightOptions, PreflightReport,
};
use ringg_api::types::calls::{CallConfig, CallHistoryQuery, CallTime};
use ringg_api::types::campaigns::{
    Campaign, CampaignTime, LargeCampaignCaller, ListCampaignsQuery,
};
use ringg_api::types::{AgentId, CallStatus, ListId, NumberPoolId};
use serde::Serialize;
use serde_json::{Value, json};

use crate::cli::{CampaignsCmd, CheckArgs, LaunchArgs, PageArgs};
use crate::commands::{id, is_loopback};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{
    emit_text, kv_table, nz, or_dash, print_json, print_json_line, print_table, table, to_value,
};

/// The column Ringg requires.
const MOBILE: &str = ringg_api::campaigns::preflight::MOBILE_NUMBER_COLUMN;

pub(crate) async fn run(ctx: &mut Ctx, cmd: CampaignsCmd) -> Result<(), CliError> {
    match cmd {
        CampaignsCmd::Check(args) => check(ctx, args).await,
        CampaignsCmd::Launch(args) => launch(ctx, args).await,
        CampaignsCmd::List(page) => list(ctx, page).await,
        CampaignsCmd::Status { id: campaign } => status(ctx, &campaign).await,
    }
}

/// A checked CSV: the mapping used and the report.
#[derive(Debug, Serialize)]
struct Checked {
    file: String,
    variables_map: BTreeMap<String, String>,
    assistant_variables: Vec<String>,
    report: PreflightReport,
}

/// Reads the CSV header (first record), for matching variables to columns.
fn csv_header(path: &Path) -> Result<Vec<String>, CliError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_path(path)
        .map_err(|e| {
            CliError::failed(format!(
                "could not open {}: {e}; check the path",
                path.display()
            ))
        })?;
    let header = rdr.headers().map_err(|e| {
        CliError::failed(format!(
            "could not read the header of {}: {e}; is it a CSV file?",
            path.display()
        ))
    })?;
    Ok(header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect())
}

/// `variables_map`: `mobile_number` → `Mobile Number`, the `--map` pairs, then every other
/// assistant variable matched to a column with the same name (ignoring case, spaces and `_`;
/// `callee_name` also matches `Name`).
fn variables_map(
    explicit: &[(String, String)],
    assistant_variables: &[String],
    header: &[String],
) -> BTreeMap<String, String> {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let mut map = BTreeMap::from([("mobile_number".to_string(), MOBILE.to_string())]);
    for (var, col) in explicit {
        map.insert(var.clone(), col.clone());
    }
    for var in assistant_variables {
        if map.contains_key(var) {
            continue;
        }
        let want = norm(var);
        let found = header.iter().find(|h| norm(h) == want).or_else(|| {
            (var == "callee_name")
                .then(|| {
                    header
                        .iter()
                        .find(|h| matches!(norm(h).as_str(), "name" | "fullname" | "customername"))
                })
                .flatten()
        });
        if let Some(col) = found {
            map.insert(var.clone(), col.clone());
        }
    }
    map
}

async fn run_check(
    client: &Client,
    args: &CheckArgs,
    max_issues: Option<usize>,
) -> Result<Checked, CliError> {
    let agent: AgentId = id("assistant", &args.agent)?;
    let header = csv_header(&args.file)?;
    let assistant = client.assistants().get(&agent).await?;
    let assistant_variables: Vec<String> = assistant
        .custom_variable_names()
        .into_iter()
        .map(str::to_string)
        .collect();
    let map = variables_map(&args.map, &assistant_variables, &header);
    let options = PreflightOptions {
        country_code: args.country.clone(),
        variables_map: map.clone(),
        assistant_variables: Some(assistant_variables.clone()),
        max_recorded_issues: max_issues,
    };
    let report = client
        .campaigns()
        .preflight(&CsvUpload::path(&args.file), options)
        .await?;
    Ok(Checked {
        file: args.file.display().to_string(),
        variables_map: map,
        assistant_variables,
        report,
    })
}

/// Prints the report (rows, mapping, problems, every bad row with its line).
fn print_report(c: &Checked) {
    let r = &c.report;
    emit_text(format!(
        "{}: {} rows, {} valid, {} invalid; {} flow",
        c.file,
        r.total_rows,
        r.valid_rows,
        r.invalid_rows,
        match r.flow {
            CampaignFlow::Standard => "standard",
            CampaignFlow::Large => "large (5,000+ rows)",
        }
    ));
    emit_text(format!(
        "columns: {}",
        c.variables_map
            .iter()
            .map(|(v, col)| format!("{v} <- {col:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    for f in &r.fatal {
        emit_text(format!("problem: {f}"));
    }
    for w in &r.warnings {
        emit_text(format!("warning: {w}"));
    }
    if !r.issues.is_empty() {
        let mut t = table(&["LINE", "COLUMN", "VALUE", "PROBLEM"]);
        for i in &r.issues {
            t.add_row(vec![
                i.line.to_string(),
                or_dash(i.column.as_deref()),
                or_dash(i.value.as_deref()),
                i.reason.clone(),
            ]);
        }
        print_table(&t);
        if (r.issues.len() as u64) < r.invalid_rows {
            emit_text(format!(
                "({} more invalid rows not listed)",
                r.invalid_rows - r.issues.len() as u64
            ));
        }
    }
}

/// The refusal for a CSV that cannot be uploaded.
fn unusable(r: &PreflightReport) -> CliError {
    CliError::failed(format!(
        "the CSV cannot be used as it is: {}; fix it and run `ringg campaigns check` again",
        r.fatal
            .first()
            .cloned()
            .unwrap_or_else(|| "it has no valid row".into())
    ))
}

/// The refusal for a CSV with bad rows (Ringg would reject the whole upload).
fn invalid_rows(r: &PreflightReport) -> CliError {
    CliError::failed(format!(
        "{} row(s) are invalid (lines {}) and Ringg would reject the whole upload; fix them, or add --remove-invalid-rows to skip them",
        r.invalid_rows,
        lines_text(r)
    ))
}

/// `3, 4, 7` (the first ten bad lines).
fn lines_text(r: &PreflightReport) -> String {
    let mut s = r
        .issues
        .iter()
        .take(10)
        .map(|i| i.line.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if r.invalid_rows > 10 {
        s.push_str(", …");
    }
    s
}

async fn check(ctx: &mut Ctx, args: CheckArgs) -> Result<(), CliError> {
    let client = ctx.client().await?;
    let checked = run_check(&client, &args, None).await?;
    if ctx.out.json() {
        print_json(&checked)?;
    } else {
        print_report(&checked);
    }
    if !checked.report.is_usable() {
        return Err(unusable(&checked.report));
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

/// Campaign times: given (`DD/MM/YYYY, HH:MM`), or start in two minutes and end 12 hours
/// later, in `tz`.
fn campaign_times(
    start: Option<&str>,
    end: Option<&str>,
    tz: chrono_tz::Tz,
) -> Result<(CampaignTime, CampaignTime), CliError> {
    let parse = |flag: &str, s: &str| {
        CampaignTime::parse(s).map_err(|e| CliError::usage(format!("{flag}: {e}")))
    };
    let start = match start {
        Some(s) => parse("--start", s)?,
        None => {
            let now = chrono::Utc::now().with_timezone(&tz).naive_local();
            CampaignTime::new(now + chrono::Duration::minutes(2))
        }
    };
    let end = match end {
        Some(e) => parse("--end", e)?,
        None => CampaignTime::new(start.local() + chrono::Duration::hours(12)),
    };
    if end <= start {
        return Err(CliError::usage(format!(
            "--end ({end}) is not after --start ({start})"
        )));
    }
    // Ringg refuses a start in the past (the current minute still counts).
    if let Some(at) = tz.from_local_datetime(&start.local()).earliest()
        && at + chrono::Duration::minutes(1) < chrono::Utc::now()
    {
        return Err(CliError::usage(format!(
            "--start {start} is in the past in {tz}; give a future time, or leave --start out to start in two minutes"
        )));
    }
    Ok((start, end))
}

async fn launch(ctx: &mut Ctx, a: LaunchArgs) -> Result<(), CliError> {
    let tz: chrono_tz::Tz = a.timezone.parse().map_err(|_| {
        CliError::usage(format!(
            "--timezone {:?} is not an IANA time zone such as Asia/Kolkata",
            a.timezone
        ))
    })?;
    let (start, end) = campaign_times(a.start.as_deref(), a.end.as_deref(), tz)?;
    let caller = match (&a.callers.number_pool, a.callers.from_number.as_slice()) {
        (Some(p), []) => LargeCampaignCaller::NumberPool(id::<NumberPoolId>("number pool", p)?),
        (None, nums) if !nums.is_empty() => LargeCampaignCaller::FromNumbers(nums.to_vec()),
        _ => {
            return Err(CliError::usage(
                "give --number-pool ID or one or more --from-number, not both",
            ));
        }
    };
    if a.name.trim().is_empty() {
        return Err(CliError::usage("--name is empty; name the campaign"));
    }
    let client = ctx.client().await?;

    // 1. Pre-flight, shown before anything is uploaded.
    let checked = run_check(&client, &a.check, Some(100)).await?;
    if !ctx.out.json() {
        print_report(&checked);
    }
    if !checked.report.is_usable() {
        if ctx.out.json() {
            print_json_line(&checked)?;
        }
        return Err(unusable(&checked.report));
    }
    if checked.report.invalid_rows > 0 && !a.check.remove_invalid_rows {
        if ctx.out.json() {
            print_json_line(&checked)?;
        }
        return Err(invalid_rows(&checked.report));
    }

    // 2. Upload and start (standard or large flow, chosen by the row count).
    let agent: AgentId = id("assistant", &a.check.agent)?;
    let mut request = LaunchRequest::builder(agent, CsvUpload::path(&a.check.file))
        .name(a.name.clone())
        .country_code(a.check.country.clone().unwrap_or_else(|| "+91".to_string()))
        .window(start, end)
        .caller(caller)
        .call_config(CallConfig::default().call_time(CallTime {
            timezone: Some(tz.name().to_string()),
            ..CallTime::default()
        }))
        .variables_map(checked.variables_map.clone())
        .remove_invalid_rows(a.check.remove_invalid_rows)
        .build()
        .map_err(|e| CliError::failed(e.to_string()))?;
    if is_loopback(client.base_url()) {
        request = request.upload_poll(PollOptions {
            initial_interval: Duration::from_millis(200),
            max_interval: Duration::from_secs(1),
            multiplier: 1.5,
            timeout: Duration::from_secs(600),
        });
    }
    let pb = ctx.spinner(format!("launching campaign {:?}", a.name));
    let outcome = client.campaigns().launch(request).await;
    pb.finish_and_clear();
    let outcome = outcome.map_err(|e| CliError::failed(e.to_string()))?;
    let list_id = outcome.list_id.clone();
    if ctx.out.json() {
        print_json_line(&launch_json(&a.name, start, end, &outcome)?)?;
    } else {
        emit_text(format!(
            "launched campaign {:?}: id {list_id}, {} flow, {} contact(s), calling from {start} to {end} ({tz})",
            a.name,
            match outcome.flow {
                CampaignFlow::Standard => "standard",
                CampaignFlow::Large => "large",
            },
            outcome.report.valid_rows
        ));
    }
    if a.no_follow {
        ctx.out.note(format!(
            "follow it with `ringg campaigns status {list_id}`; stop it with `ringg terminate --campaign {list_id}`"
        ));
        return Ok(());
    }

    // 3. Follow the calls until every one has ended, or Ctrl-C.
    follow(
        ctx,
        &client,
        &list_id,
        outcome.report.valid_rows,
        ctx.wait_timeout(86_400),
    )
    .await
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
        "responses": responses,
    }))
}

/// Calls of a campaign by status.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
struct Counts {
    total: u64,
    registered: u64,
    ongoing: u64,
    retry: u64,
    completed: u64,
    failed: u64,
    error: u64,
    cancelled: u64,
    other: u64,
}

impl Counts {
    fn ended(&self) -> u64 {
        self.completed + self.failed + self.error + self.cancelled
    }

    fn text(&self) -> String {
        format!(
            "registered {} · ongoing {} · retry {} · completed {} · failed {} · error {} · cancelled {}",
            self.registered,
            self.ongoing,
            self.retry,
            self.completed,
            self.failed,
            self.error,
            self.cancelled
        )
    }
}

async fn counts(client: &Client, list_id: &ListId) -> Result<Counts, CliError> {
    let q = CallHistoryQuery::default()
        .bulk_list_id(list_id.clone())
        .limit(100u32);
    let stream = client.calls().history_stream(q);
    futures::pin_mut!(stream);
    let mut c = Counts::default();
    while let Some(row) = stream.next().await {
        let row = row?;
        c.total += 1;
        match row.status {
            Some(CallStatus::Registered) => c.registered += 1,
            Some(CallStatus::Ongoing) => c.ongoing += 1,
            Some(CallStatus::Retry) => c.retry += 1,
            Some(CallStatus::Completed) => c.completed += 1,
            Some(CallStatus::Failed) => c.failed += 1,
            Some(CallStatus::Error) => c.error += 1,
            Some(CallStatus::Cancelled) => c.cancelled += 1,
            _ => c.other += 1,
        }
    }
    Ok(c)
}

async fn find_campaign(client: &Client, list_id: &ListId) -> Result<Option<Campaign>, CliError> {
    let stream = client.campaigns().stream(ListCampaignsQuery {
        call_count: Some(true),
        ..ListCampaignsQuery::default()
    });
    futures::pin_mut!(stream);
    while let Some(c) = stream.next().await {
        let c = c?;
        if &c.id == list_id {
            return Ok(Some(c));
        }
    }
    Ok(None)
}

async fn follow(
    ctx: &Ctx,
    client: &Client,
    list_id: &ListId,
    expected: u64,
    timeout: Duration,
) -> Result<(), CliError> {
    let poll = if is_loopback(client.base_url()) {
        Duration::from_millis(250)
    } else {
        Duration::from_secs(5)
    };
    let bar = if ctx.out.progress_enabled() {
        let pb = ProgressBar::new(expected.max(1));
        pb.set_style(
            ProgressStyle::with_template("{bar:30.cyan/blue} {pos}/{len} ended ({elapsed}) {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb
    } else {
        ProgressBar::hidden()
    };
    let deadline = tokio::time::Instant::now() + timeout;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut last: Option<Counts> = None;
    loop {
        let c = counts(client, list_id).await?;
        let campaign = find_campaign(client, list_id).await?;
        let status = campaign
            .as_ref()
            .and_then(|c| c.campaign_status.as_ref())
            .map(|s| s.as_str().to_string());
        let total = c.total.max(expected);
        if last.as_ref() != Some(&c) {
            bar.set_length(total.max(1));
            bar.set_position(c.ended());
            bar.set_message(c.text());
            if ctx.out.json() {
                print_json_line(&json!({
                    "event": "progress", "list_id": list_id, "campaign_status": status, "counts": c,
                }))?;
            } else if bar.is_hidden() && !ctx.out.quiet {
                emit_text(format!(
                    "progress: {}/{} ended; {}",
                    c.ended(),
                    total,
                    c.text()
                ));
            }
            last = Some(c.clone());
        }
        let finished_status = matches!(
            status.as_deref(),
            Some("completed" | "failed" | "terminated")
        );
        if (total > 0 && c.total >= total && c.ended() >= total) || finished_status {
            // The counts were read before the status: when the campaign ended in between,
            // read them again so the summary is the final one.
            let c = if finished_status && c.ended() < total {
                counts(client, list_id).await?
            } else {
                c
            };
            bar.finish_and_clear();
            if ctx.out.json() {
                print_json_line(&json!({
                    "event": "done", "list_id": list_id, "campaign_status": status, "counts": c,
                }))?;
            } else {
                emit_text(format!(
                    "campaign {list_id} done{}: {} of {} call(s) completed, {} failed, {} error, {} cancelled",
                    status.map(|s| format!(" ({s})")).unwrap_or_default(),
                    c.completed,
                    c.total,
                    c.failed,
                    c.error,
                    c.cancelled
                ));
            }
            return Ok(());
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = &mut ctrl_c => {
                bar.finish_and_clear();
                ctx.out.note(format!(
                    "stopped following; the campaign goes on. `ringg campaigns status {list_id}` shows it, `ringg terminate --campaign {list_id}` stops it"
                ));
                return Ok(());
            }
            _ = tokio::time::sleep_until(deadline) => {
                bar.finish_and_clear();
                return Err(CliError::failed(format!(
                    "campaign {list_id} still has calls after {} s; follow it with `ringg campaigns status {list_id}`",
                    timeout.as_secs()
                )));
            }
        }
    }
}

async fn list(ctx: &mut Ctx, page: PageArgs) -> Result<(), CliError> {
    let client = ctx.client().await?;
    let rows: Vec<Campaign> = if page.all {
        client
            .campaigns()
            .stream(ListCampaignsQuery {
                call_count: Some(true),
                ..ListCampaignsQuery::default()
            })
            .try_collect()
            .await?
    } else {
        client
            .campaigns()
            .list(&ListCampaignsQuery {
                call_count: Some(true),
                limit: Some(page.limit),
                offset: Some(u32::try_from(page.offset).unwrap_or(u32::MAX)),
                search: None,
            })
            .await?
            .campaigns
    };
    if ctx.out.json() {
        return print_json(&rows);
    }
    let mut t = table(&[
        "ID",
        "NAME",
        "STATUS",
        "START",
        "END",
        "TOTAL",
        "COMPLETED",
        "REGISTERED",
    ]);
    let n = |v: Option<u64>| v.map(|x| x.to_string()).unwrap_or_else(|| "-".into());
    for c in &rows {
        t.add_row(vec![
            c.id.to_string(),
            nz(&c.name),
            or_dash(c.campaign_status.as_ref().map(|s| s.as_str())),
            when(c.start_time(), &c.campaign_start_time),
            when(c.end_time(), &c.campaign_end_time),
            n(c.total_count.or(c.total_contacts)),
            n(c.completed_count),
            n(c.registered_count),
        ]);
    }
    print_table(&t);
    Ok(())
}

async fn status(ctx: &mut Ctx, campaign: &str) -> Result<(), CliError> {
    let list_id: ListId = id("campaign", campaign)?;
    let client = ctx.client().await?;
    let found = find_campaign(&client, &list_id).await?.ok_or_else(|| {
        CliError::failed(format!(
            "no campaign with id {list_id}; list them with `ringg campaigns list`"
        ))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_matched_to_columns() {
        let header: Vec<String> = ["Mobile Number", "Name", "Company Name", "Policy ID"]
            .map(String::from)
            .to_vec();
        let vars: Vec<String> = ["callee_name", "mobile_number", "company_name", "due_date"]
            .map(String::from)
            .to_vec();
        let m = variables_map(&[("policy".into(), "Policy ID".into())], &vars, &header);
        assert_eq!(m["mobile_number"], "Mobile Number");
        assert_eq!(m["callee_name"], "Name");
        assert_eq!(m["company_name"], "Company Name");
        assert_eq!(m["policy"], "Policy ID");
        assert!(!m.contains_key("due_date"));
    }

    #[test]
    fn default_times_are_in_the_future_and_ordered() {
        let tz: chrono_tz::Tz = "Asia/Kolkata".parse().unwrap();
        let (s, e) = campaign_times(None, None, tz).unwrap();
        assert!(e > s);
        assert!(campaign_times(Some("01/01/2020, 09:00"), None, tz).is_err());
        assert!(campaign_times(Some("01/01/2999, 09:00"), Some("01/01/2999, 08:00"), tz).is_err());
        assert!(campaign_times(Some("2999-01-01"), None, tz).is_err());
    }
}
