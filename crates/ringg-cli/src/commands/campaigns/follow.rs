//! Following a campaign: its calls counted by status until every one has ended (`campaigns
//! launch` without --no-follow; `campaigns status` reads the counts once).

use std::time::Duration;

use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use ringg_api::Client;
use ringg_api::client::is_loopback_url;
use ringg_api::types::calls::CallHistoryQuery;
use ringg_api::types::campaigns::{Campaign, ListCampaignsQuery};
use ringg_api::types::{CallStatus, ListId};
use serde::Serialize;
use serde_json::json;

use crate::context::Ctx;
use crate::error::CliError;
use crate::output::print_json_line;
use crate::term::emit_text;

/// Calls of a campaign by status.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Counts {
    pub(crate) total: u64,
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
    pub(crate) fn ended(&self) -> u64 {
        self.completed + self.failed + self.error + self.cancelled
    }

    pub(crate) fn text(&self) -> String {
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

pub(crate) async fn counts(client: &Client, list_id: &ListId) -> Result<Counts, CliError> {
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
