//! The plan of a campaign launch, checked against the workspace before anything is uploaded
//! (`campaigns launch`, and all `--dry-run` prints): the file's size against the upload
//! limit, the rows against the credits (`GET /workspace`), the caller numbers and the pool
//! against the workspace's numbers (`GET /workspace/numbers`), and the window against quiet
//! hours at each recipient's local time; with estimates of when the first and the last call
//! are dialled and what the campaign locks and spends.

use std::path::Path;

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;
use futures::StreamExt;
use ringg_api::Client;
use ringg_api::campaigns::CampaignFlow;
use ringg_api::types::calls::CallHistoryQuery;
use ringg_api::types::campaigns::{CampaignTime, LargeCampaignCaller};
use ringg_api::types::{CallStatus, NumberPoolId, PhoneNumber};
use serde::Serialize;

use super::args::LaunchArgs;
use super::preflight::Checked;
use super::window::{QuietHours, Zones, default_window, zone_list, zone_of_number};
use crate::error::CliError;
use crate::resolve::{NUMBER, NUMBER_POOL, number_candidates, pick};

pub(crate) use ringg_api::campaigns::{FORM_OVERHEAD_BYTES, UPLOAD_LIMIT_BYTES};
/// Credits held for every queued call until it ends (what the balance check asks).
pub(crate) const CREDITS_LOCKED_PER_CALL: f64 = 1.0;
/// The call length assumed when the assistant has no completed call to learn from.
const ASSUMED_CALL_MINUTES: f64 = 3.0;
/// How many recent completed calls the estimates learn from.
const HISTORY_SAMPLE: usize = 100;

/// What the launch is planned with besides the flags.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// The campaign's time zone.
    pub(crate) tz: Tz,
    /// Where it came from (`--timezone`, the profile, the system).
    pub(crate) tz_source: String,
    /// Quiet hours, if any.
    pub(crate) quiet: Option<QuietHours>,
}

/// The window, in the campaign's zone and in UTC.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Window {
    /// `DD/MM/YYYY, HH:MM` in the campaign's zone, as sent.
    pub(crate) start: CampaignTime,
    /// `DD/MM/YYYY, HH:MM`.
    pub(crate) end: CampaignTime,
    /// The start in UTC.
    pub(crate) start_utc: DateTime<Utc>,
    /// The end in UTC.
    pub(crate) end_utc: DateTime<Utc>,
    /// `given` (--start/--end) or `default` (the next hours allowed for every recipient).
    pub(crate) chosen: &'static str,
}

/// Credits.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Credits {
    /// Free to spend now (`credits - locked_credits`).
    pub(crate) available: f64,
    /// Held while the calls are queued: one per row.
    pub(crate) locked: f64,
    /// Spent if every call costs what the assistant's recent completed calls cost on average
    /// (`None` without such calls).
    pub(crate) spent_estimated: Option<f64>,
}

/// The plan of a launch.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Plan {
    /// The CSV.
    pub(crate) file: String,
    /// Its size.
    pub(crate) file_bytes: u64,
    /// The upload limit.
    pub(crate) upload_limit_bytes: u64,
    /// Valid rows: calls to place.
    pub(crate) rows: u64,
    /// Invalid rows (skipped with --remove-invalid-rows).
    pub(crate) invalid_rows: u64,
    /// `standard` or `large`.
    pub(crate) flow: CampaignFlow,
    /// The callers, as they will be sent.
    pub(crate) caller: LargeCampaignCaller,
    /// The campaign's time zone and where it came from.
    pub(crate) timezone: String,
    /// `--timezone` (the flag or `RINGG_TIMEZONE`), `profile`, `system` or `fallback`.
    pub(crate) timezone_source: String,
    /// The window.
    pub(crate) window: Window,
    /// `21:00-09:00`, or none.
    pub(crate) quiet_hours: Option<String>,
    /// Rows per recipient zone (a country's zone, else the campaign's).
    pub(crate) recipient_zones: Zones,
    /// Rows whose estimated first dial falls in their quiet hours.
    pub(crate) rows_in_quiet_hours: u64,
    /// Calls at once assumed for the estimates (--concurrency).
    pub(crate) concurrency: u32,
    /// Average call length assumed, in minutes.
    pub(crate) call_minutes: f64,
    /// `history` (the assistant's recent completed calls) or `assumed`.
    pub(crate) call_minutes_source: &'static str,
    /// Retries of an unanswered call and the minutes between them (--retries).
    pub(crate) retries: Option<(u32, u32)>,
    /// When the first call can be dialled.
    pub(crate) first_call_at: DateTime<Utc>,
    /// When the last first attempt is dialled (estimated).
    pub(crate) last_call_at: DateTime<Utc>,
    /// When the last retry would be dialled at the latest (estimated; with --retries).
    pub(crate) last_retry_by: Option<DateTime<Utc>>,
    /// Rows estimated not to be reached before the window ends.
    pub(crate) rows_after_window: u64,
    /// Credits.
    pub(crate) credits: Credits,
    /// What stops the launch (nothing is uploaded while one is left).
    pub(crate) problems: Vec<String>,
    /// What is worth knowing.
    pub(crate) warnings: Vec<String>,
}

impl Plan {
    /// The refusal for the first problem, if any (exit code 1).
    pub(crate) fn refusal(&self) -> Option<CliError> {
        self.problems.first().map(|p| {
            CliError::failed(format!(
                "refused before uploading anything: {p}{}",
                if self.problems.len() > 1 {
                    format!(
                        " (and {} more problem(s) listed above)",
                        self.problems.len() - 1
                    )
                } else {
                    String::new()
                }
            ))
        })
    }

    /// The plan for people, one line each.
    pub(crate) fn lines(&self, tz: Tz) -> Vec<String> {
        let local =
            |t: &DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string();
        let mut l = vec![
            format!(
                "plan: {} call(s) from {} ({}; {} flow){}",
                self.rows,
                self.file,
                mib(self.file_bytes),
                match self.flow {
                    CampaignFlow::Standard => "standard",
                    CampaignFlow::Large => "large",
                },
                if self.invalid_rows > 0 {
                    format!(", {} invalid row(s) not counted", self.invalid_rows)
                } else {
                    String::new()
                }
            ),
            format!("callers: {}", caller_text(&self.caller)),
            format!(
                "window: {} to {} ({}, from {}; {})",
                self.window.start,
                self.window.end,
                self.timezone,
                self.timezone_source,
                self.window.chosen
            ),
            format!(
                "quiet hours: {} at each recipient's local time; recipients: {}; {} row(s) would be dialled in quiet hours",
                self.quiet_hours.as_deref().unwrap_or("off"),
                self.recipient_zones
                    .iter()
                    .map(|(z, n)| format!("{n} in {z}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                self.rows_in_quiet_hours
            ),
            format!(
                "dialling: first call at {}, last first attempt about {} ({} at once, about {:.1} min a call from {}){}",
                local(&self.first_call_at),
                local(&self.last_call_at),
                self.concurrency,
                self.call_minutes,
                self.call_minutes_source,
                match (&self.retries, &self.last_retry_by) {
                    (Some((n, m)), Some(by)) => format!(
                        "; up to {n} retr(ies) {m} min apart, the last by {}",
                        local(by)
                    ),
                    _ => String::new(),
                }
            ),
            format!(
                "credits: {} locked while queued ({} per call), {} spent (estimated), {} available",
                crate::output::num(self.credits.locked),
                crate::output::num(CREDITS_LOCKED_PER_CALL),
                self.credits
                    .spent_estimated
                    .map(crate::output::num)
                    .unwrap_or_else(|| "unknown".into()),
                crate::output::num(self.credits.available)
            ),
        ];
        l.extend(self.warnings.iter().map(|w| format!("warning: {w}")));
        l.extend(self.problems.iter().map(|p| format!("problem: {p}")));
        l
    }
}

/// `1.2 MiB`.
pub(crate) fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn caller_text(c: &LargeCampaignCaller) -> String {
    match c {
        LargeCampaignCaller::NumberPool(p) => format!("number pool {p}"),
        LargeCampaignCaller::FromNumbers(n) => n.join(", "),
        _ => "-".into(),
    }
}

/// The campaign's zone: `--timezone`/`RINGG_TIMEZONE`, else the profile's, else the local one
/// (`TZ`, else the system's, as tables use), else UTC; with where it came from.
pub(crate) fn timezone(
    given: Option<&str>,
    profile: Option<&str>,
) -> Result<(Tz, String), CliError> {
    let parse = |s: &str, from: &str| {
        s.trim().parse::<Tz>().map_err(|_| {
            CliError::usage(format!(
                "{from} {s:?} is not an IANA time zone such as Asia/Kolkata"
            ))
        })
    };
    if let Some(s) = given {
        return Ok((
            parse(s, "--timezone (or RINGG_TIMEZONE)")?,
            "--timezone or RINGG_TIMEZONE".into(),
        ));
    }
    if let Some(s) = profile {
        return Ok((parse(s, "the profile's timezone")?, "profile".into()));
    }
    let from = if std::env::var_os("TZ").is_some() {
        "TZ"
    } else {
        "system"
    };
    match crate::display::local_zone() {
        Some(tz) => Ok((tz, from.into())),
        None => Ok((chrono_tz::UTC, "fallback".into())),
    }
}

/// Reads the CSV's numbers and returns each valid row's zone (a country's zone, else `tz`).
fn row_zones(path: &Path, country: Option<&str>, tz: Tz) -> Result<Vec<Tz>, CliError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_path(path)
        .map_err(|e| CliError::failed(format!("could not open {}: {e}", path.display())))?;
    let header = rdr
        .headers()
        .map_err(|e| CliError::failed(format!("could not read {}: {e}", path.display())))?
        .clone();
    let Some(col) = header.iter().position(|h| {
        h.trim_start_matches('\u{feff}') == ringg_api::campaigns::preflight::MOBILE_NUMBER_COLUMN
    }) else {
        return Ok(Vec::new());
    };
    let mut zones = Vec::new();
    for record in rdr.records().flatten() {
        let raw = record.get(col).unwrap_or("").trim();
        let number = if raw.starts_with('+') {
            PhoneNumber::parse_written(raw).ok()
        } else {
            country.and_then(|c| PhoneNumber::from_national(raw, c).ok())
        };
        if let Some(n) = number {
            zones.push(zone_of_number(n.as_str()).unwrap_or(tz));
        }
    }
    Ok(zones)
}

/// Average length (minutes) and cost of the assistant's recent completed calls.
async fn call_stats(
    client: &Client,
    agent: &ringg_api::types::AgentId,
) -> Result<(Option<f64>, Option<f64>), CliError> {
    let mut q = CallHistoryQuery::default().limit(100u32);
    q.agent_id = Some(agent.clone());
    q.status = Some(CallStatus::Completed);
    let stream = client.calls().history_stream(q).take(HISTORY_SAMPLE);
    futures::pin_mut!(stream);
    let (mut secs, mut nsecs, mut cost, mut ncost) = (0.0, 0u32, 0.0, 0u32);
    while let Some(row) = stream.next().await {
        let row = row?;
        if let Some(d) = row.call_duration.as_ref() {
            secs += d.as_f64();
            nsecs += 1;
        }
        if let Some(c) = row.call_cost.as_ref() {
            cost += c.as_f64();
            ncost += 1;
        }
    }
    let avg = |sum: f64, n: u32| (n > 0).then(|| sum / f64::from(n));
    Ok((avg(secs, nsecs).map(|s| s / 60.0), avg(cost, ncost)))
}

/// The callers as they will be sent, with the problems found: each `--from-number` (id,
/// E.164 value, display name or id prefix) must be a number of the workspace; a pool id must
/// be the pool of one of its numbers (when the numbers say which pool they are in).
async fn callers(
    client: &Client,
    a: &LaunchArgs,
    problems: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Result<LargeCampaignCaller, CliError> {
    if let Some(pool) = &a.callers.number_pool {
        let pools = crate::resolve::pool_candidates(client).await?;
        if pools.is_empty() {
            warnings.push(format!(
                "the workspace's numbers do not say which pool they are in, so number pool {pool} could not be checked"
            ));
            return Ok(LargeCampaignCaller::NumberPool(NumberPoolId::new(
                pool.trim(),
            )));
        }
        return match pick(NUMBER_POOL, pool, &pools) {
            Ok(id) => Ok(LargeCampaignCaller::NumberPool(NumberPoolId::new(id))),
            // An ambiguous prefix is a usage mistake (exit code 2), not a refusal.
            Err(e) if e.class() == crate::error::ErrorClass::Usage => Err(e),
            Err(_) => {
                problems.push(format!(
                    "number pool {pool:?} is not a pool of this workspace (its numbers are in: {}); `ringg numbers list` shows each number's pool",
                    pools.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ")
                ));
                Ok(LargeCampaignCaller::NumberPool(NumberPoolId::new(
                    pool.trim(),
                )))
            }
        };
    }
    let candidates = number_candidates(client).await?;
    let mut sent = Vec::new();
    for given in &a.callers.from_number {
        // A number written with spaces or dashes is matched by its E.164 form.
        let wanted = PhoneNumber::parse_written(given)
            .map(|n| n.as_str().to_string())
            .unwrap_or_else(|_| given.clone());
        match pick(NUMBER, &wanted, &candidates) {
            Ok(id) => {
                let c = candidates.iter().find(|c| c.id == id);
                sent.push(c.and_then(|c| c.aliases.first().cloned()).unwrap_or(id));
            }
            // An ambiguous name is a usage mistake (exit code 2), not a refusal.
            Err(e) if e.class() == crate::error::ErrorClass::Usage => return Err(e),
            Err(e) => problems.push(format!("--from-number {given:?}: {e}")),
        }
    }
    Ok(LargeCampaignCaller::FromNumbers(sent))
}

/// The window from the flags, or the default one for the recipients' zones.
fn window(
    a: &LaunchArgs,
    s: &Settings,
    zones: &[Tz],
    now: DateTime<Utc>,
) -> Result<Window, CliError> {
    let utc = |t: &CampaignTime| {
        s.tz.from_local_datetime(&t.local())
            .earliest()
            .map(|x| x.with_timezone(&Utc))
            .ok_or_else(|| {
                CliError::usage(format!("{t} does not exist in {} (a clock change)", s.tz))
            })
    };
    if a.start.is_some() || a.end.is_some() {
        let (start, end) =
            super::window::campaign_times(a.start.as_deref(), a.end.as_deref(), s.tz)?;
        return Ok(Window {
            start_utc: utc(&start)?,
            end_utc: utc(&end)?,
            start,
            end,
            chosen: "given",
        });
    }
    let (from, to) = default_window(now, zones, s.quiet.as_ref()).map_err(CliError::failed)?;
    let local = |t: DateTime<Utc>| CampaignTime::new(t.with_timezone(&s.tz).naive_local());
    Ok(Window {
        start: local(from),
        end: local(to),
        start_utc: from,
        end_utc: to,
        chosen: "default",
    })
}

/// The file's size against the upload limit and (unless `count_credits` is false) the rows
/// against the available credits; returns the size, the available credits and the credits
/// the rows lock.
pub(crate) async fn size_and_credits(
    client: &Client,
    path: &Path,
    split: bool,
    rows: u64,
    count_credits: bool,
    problems: &mut Vec<String>,
) -> Result<(u64, f64, f64), CliError> {
    let file_bytes = std::fs::metadata(path)
        .map_err(|e| CliError::io(format!("could not read {}", path.display()), &e))?
        .len();
    if file_bytes + FORM_OVERHEAD_BYTES > UPLOAD_LIMIT_BYTES && !split {
        problems.push(format!(
            "{} is {}, over Ringg's {} upload limit; add --split to launch it as {} campaigns of under {} each",
            path.display(),
            mib(file_bytes),
            mib(UPLOAD_LIMIT_BYTES),
            file_bytes.div_ceil(UPLOAD_LIMIT_BYTES - FORM_OVERHEAD_BYTES),
            mib(UPLOAD_LIMIT_BYTES),
        ));
    }
    let info = client.workspace().info().await?;
    let available = info.workspace_info.available_credits();
    let locked = rows as f64 * CREDITS_LOCKED_PER_CALL;
    if count_credits && locked > available + 1e-9 {
        problems.push(format!(
            "{rows} call(s) need {} credits ({} held per queued call) and the workspace has {} available; top up {} credits, or launch fewer rows",
            crate::output::num(locked),
            crate::output::num(CREDITS_LOCKED_PER_CALL),
            crate::output::num(available),
            crate::output::num(locked - available)
        ));
    }
    Ok((file_bytes, available, locked))
}

/// Plans the launch of `checked` with the flags `a`.
pub(crate) async fn plan(
    client: &Client,
    checked: &Checked,
    a: &LaunchArgs,
    s: &Settings,
) -> Result<Plan, CliError> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let path = &a.check.file;
    let rows = checked.report.valid_rows;
    let counted = !super::earlier::started_before(client, checked, a, &mut warnings).await;
    let (file_bytes, available, locked) =
        size_and_credits(client, path, a.split, rows, counted, &mut problems).await?;
    let caller = callers(client, a, &mut problems, &mut warnings).await?;
    let (avg_minutes, avg_cost) = call_stats(client, &checked.agent_id).await?;
    let country = a.check.country_code();
    let path_owned = path.clone();
    let tz = s.tz;
    let zones_of_rows =
        tokio::task::spawn_blocking(move || row_zones(&path_owned, Some(&country), tz))
            .await
            .map_err(|e| CliError::failed(format!("reading the CSV failed: {e}")))??;
    let mut recipient_zones = Zones::new();
    for z in &zones_of_rows {
        *recipient_zones.entry(z.name().to_string()).or_default() += 1;
    }
    let window = window(a, s, &zone_list(&recipient_zones), Utc::now())?;
    let concurrency = a.concurrency.max(1);
    // The history's average, within reason (a call of over a day is a wrong figure).
    let call_minutes = avg_minutes
        .filter(|m| m.is_finite())
        .unwrap_or(ASSUMED_CALL_MINUTES)
        .clamp(0.1, 24.0 * 60.0);
    let slot = Duration::milliseconds((call_minutes * 60_000.0) as i64);
    // Past chrono's range a time is "never", which every comparison below puts last.
    let never = chrono::DateTime::<Utc>::MAX_UTC;
    let at = |i: u64| {
        i32::try_from(i / u64::from(concurrency))
            .ok()
            .and_then(|n| slot.checked_mul(n))
            .and_then(|d| window.start_utc.checked_add_signed(d))
            .unwrap_or(never)
    };
    let rows_in_quiet_hours = match &s.quiet {
        Some(q) => zones_of_rows
            .iter()
            .enumerate()
            .map(|(i, z)| (at(i as u64), z))
            // A row the window ends before is not dialled at all (counted below).
            .filter(|(t, z)| *t < window.end_utc && q.is_quiet(*t, **z))
            .count() as u64,
        None => 0,
    };
    if rows_in_quiet_hours > 0 && !a.allow_quiet_hours {
        problems.push(format!(
            "{rows_in_quiet_hours} row(s) would be dialled in their quiet hours ({} local time) with the window {} to {} ({}); move the window (or leave out --start/--end for the next allowed hours), or add --allow-quiet-hours",
            s.quiet.map(|q| q.text()).unwrap_or_default(),
            window.start,
            window.end,
            s.tz
        ));
    }
    let last_call_at = at(rows.saturating_sub(1));
    let last_retry_by = a.retries.map(|n| {
        Duration::try_minutes(i64::from(n) * i64::from(a.retry_minutes))
            .and_then(|retries| slot.checked_add(&retries))
            .and_then(|d| last_call_at.checked_add_signed(d))
            .unwrap_or(never)
    });
    let rows_after_window = (0..rows).filter(|i| at(*i) >= window.end_utc).count() as u64;
    if rows_after_window > 0 {
        warnings.push(format!(
            "about {rows_after_window} row(s) may not be reached before the window ends at {} ({concurrency} at once, {call_minutes:.1} min a call); widen the window or raise --concurrency if the workspace allows more",
            window.end
        ));
    }
    if let Some(by) = last_retry_by.filter(|b| *b > window.end_utc) {
        warnings.push(format!(
            "retries may run past the window's end ({}); the last would be due about {}",
            window.end,
            by.with_timezone(&s.tz).format("%Y-%m-%d %H:%M")
        ));
    }
    Ok(Plan {
        file: path.display().to_string(),
        file_bytes,
        upload_limit_bytes: UPLOAD_LIMIT_BYTES,
        rows,
        invalid_rows: checked.report.invalid_rows,
        flow: checked.report.flow,
        caller,
        timezone: s.tz.name().to_string(),
        timezone_source: s.tz_source.clone(),
        first_call_at: window.start_utc,
        window,
        quiet_hours: s.quiet.map(|q| q.text()),
        recipient_zones,
        rows_in_quiet_hours,
        concurrency,
        call_minutes,
        call_minutes_source: if avg_minutes.is_some() {
            "history"
        } else {
            "assumed"
        },
        retries: a.retries.map(|n| (n, a.retry_minutes)),
        last_call_at,
        last_retry_by,
        rows_after_window,
        credits: Credits {
            available,
            locked,
            spent_estimated: avg_cost.map(|c| c * rows as f64),
        },
        problems,
        warnings,
    })
}
