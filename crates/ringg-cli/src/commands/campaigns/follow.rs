//! Following a campaign: its calls counted by status until every one has ended (`campaigns
//! launch` without --no-follow; `campaigns status` reads the counts once).

use std::time::Duration;

use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use ringg_api::Client;
use ringg_api::client::is_loopback_url;
use ringg_api::types::calls::{CallHistoryQuery, CallRecord, Queued};
use ringg_api::types::campaigns::{Campaign, ListCampaignsQuery};
use ringg_api::types::{CallStatus, ListId};
use serde::Serialize;
use serde_json::json;

use crate::context::Ctx;
use crate::error::CliError;
use crate::output::print_json_line;
use crate::term::emit_text;

/// Calls of a campaign by status, and what the queued ones wait for.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Counts {
    pub(crate) total: u64,
    registered: u64,
    ongoing: u64,
    retry: u64,
    completed: u64,
    /// Handed over to a person (a transfer): ended.
    forwarded: u64,
    failed: u64,
    error: u64,
    cancelled: u64,
    other: u64,
    /// The earliest time a queued call waits for (its window, schedule or retry), as RFC
    /// 3339, while no call is ongoing.
    #[serde(skip_serializing_if = "Option::is_none")]
    queued_until: Option<String>,
    /// Why (`window`, `scheduled`, `retry`).
    #[serde(skip_serializing_if = "Option::is_none")]
    queued_reason: Option<&'static str>,
    /// The same for people: `queued until 09:00 (window, 2026-03-03 +05:30)`.
    #[serde(skip)]
    queued_text: Option<String>,
}

impl Counts {
    pub(crate) fn ended(&self) -> u64 {
        self.completed + self.forwarded + self.failed + self.error + self.cancelled
    }

    /// The counts for people; what the queued calls wait for comes first, so a narrow bar
    /// still shows it.
    pub(crate) fn text(&self) -> String {
        let counts = format!(
            "registered {} · ongoing {} · retry {} · completed {}{} · failed {} · error {} · cancelled {}",
            self.registered,
            self.ongoing,
            self.retry,
            self.completed,
            if self.forwarded > 0 {
                format!(" · forwarded {}", self.forwarded)
            } else {
                String::new()
            },
            self.failed,
            self.error,
            self.cancelled
        );
        match &self.queued_text {
            Some(q) => format!("{q} · {counts}"),
            None => counts,
        }
    }

    /// Counts a history row.
    fn add(&mut self, row: &CallRecord) {
        self.total += 1;
        match row.status {
            Some(CallStatus::Registered) => self.registered += 1,
            Some(CallStatus::Ongoing) => self.ongoing += 1,
            Some(CallStatus::Retry) => self.retry += 1,
            Some(CallStatus::Completed) => self.completed += 1,
            Some(CallStatus::Forwarded) => self.forwarded += 1,
            Some(CallStatus::Failed) => self.failed += 1,
            Some(CallStatus::Error) => self.error += 1,
            Some(CallStatus::Cancelled) => self.cancelled += 1,
            _ => self.other += 1,
        }
    }
}

/// A campaign's calls counted by status (and, when none is ongoing, the earliest time a
/// queued one waits for, so a campaign waiting for its window does not look stuck).
pub(crate) async fn counts(client: &Client, list_id: &ListId) -> Result<Counts, CliError> {
    let q = CallHistoryQuery::default()
        .bulk_list_id(list_id.clone())
        .limit(100u32);
    let stream = client.calls().history_stream(q);
    futures::pin_mut!(stream);
    let mut c = Counts::default();
    let mut earliest: Option<Queued> = None;
    while let Some(row) = stream.next().await {
        let row = row?;
        c.add(&row);
        if let Some(q) = row.queued()
            && earliest
                .as_ref()
                .is_none_or(|e| q.until.to_utc() < e.until.to_utc())
        {
            earliest = Some(q);
        }
    }
    if let Some(q) = earliest.filter(|_| c.ongoing == 0) {
        c.queued_until = Some(q.until.to_utc().to_rfc3339());
        c.queued_reason = Some(q.reason.as_str());
        c.queued_text = Some(q.to_string());
    }
    Ok(c)
}

pub(crate) async fn find_campaign(
    client: &Client,
    list_id: &ListId,
) -> Result<Option<Campaign>, CliError> {
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

pub(crate) async fn follow(
    ctx: &Ctx,
    client: &Client,
    list_id: &ListId,
    expected: u64,
    timeout: Duration,
) -> Result<(), CliError> {
    let poll = if is_loopback_url(client.base_url()) {
        Duration::from_millis(250)
    } else {
        Duration::from_secs(5)
    };
    let bar = if ctx.out.progress_enabled() {
        let pb = ProgressBar::new(expected.max(1));
        // `wide_msg` cuts the counts to the terminal's width, so the bar stays one line and is
        // redrawn in place; the steady tick keeps the elapsed time moving while nothing changes.
        pb.set_style(
            ProgressStyle::with_template(
                "{bar:20.cyan/blue} {pos}/{len} ended ({elapsed}) {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb.enable_steady_tick(Duration::from_secs(1));
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
                    "campaign {list_id} done{}: {} of {} call(s) completed, {} forwarded, {} failed, {} error, {} cancelled",
                    status.map(|s| format!(" ({s})")).unwrap_or_default(),
                    c.completed,
                    c.total,
                    c.forwarded,
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
