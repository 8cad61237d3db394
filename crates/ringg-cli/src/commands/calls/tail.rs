//! `ringg calls tail`: calls changing state, live, until Ctrl-C (like `stripe logs tail`).
//!
//! It polls the history (the calls created in the last day, newest first, up to
//! [`MAX_ROWS`] of them) and prints each call that appears and each status change. The poll
//! backs off while nothing changes (on a loopback server from 0.2 s to 2 s, otherwise from
//! 2 s to 30 s) and comes back to the shortest interval after a change, so a quiet
//! workspace costs few requests and a busy one is followed closely. With `--listen ADDR` a
//! webhook receiver (the `ringg-webhooks` receiver, checking the shared secret) runs in the
//! same process and its events are printed between the status lines, as they arrive;
//! subscribe an assistant to it with `ringg webhooks subscribe`.
//!
//! A line reads `HH:MM:SS  ID  NUMBER  CHANGE  ASSISTANT`: the time in the zone the first
//! note names (`--utc` for UTC), the id shortened like a table's (`--wide`: whole; `calls get`
//! takes the short form), and the assistant's name cut to fit the width. It stops at Ctrl-C,
//! or quietly once the reader of a pipe has gone (`| head -1`).

use std::collections::HashMap;
use std::time::Duration;

use futures::StreamExt;
use ringg_api::Client;
use ringg_api::types::calls::{CallHistoryQuery, CallRecord};
use ringg_api::types::common::Timestamp;
use ringg_api::types::webhook::WebhookEvent;
use ringg_api::types::{AgentId, CallId, CallStatus};
use ringg_webhooks::OutputFormat;
use serde_json::json;

use super::args::TailArgs;
use crate::context::Ctx;
use crate::error::CliError;
use crate::inbox::Inbox;
use crate::output::print_json_line;
use crate::term::emit_text;

/// Calls created this long ago or less are watched.
const WATCHED: chrono::Duration = chrono::Duration::hours(24);
/// At most this many of them (the newest) are read per poll.
pub(crate) const MAX_ROWS: usize = 500;
/// The environment variable of the receiver's shared secret.
const SECRET_ENV: &str = "RINGG_WEBHOOK_SECRET";

/// `ringg calls tail`.
pub(crate) async fn tail(ctx: &mut Ctx, a: TailArgs) -> Result<(), CliError> {
    let only = match &a.status {
        Some(s) => Some(super::filters::status(s)?),
        None => None,
    };
    let client = ctx.client().await?;
    let agent = crate::resolve::agent_opt(&client, a.agent.as_deref()).await?;
    let mut receiver = match &a.listen {
        Some(addr) => Some(start_receiver(addr, &a).await?),
        None => None,
    };
    // Ctrl-C, SIGTERM and SIGHUP, listened for from now on, while the history is read too:
    // their default would end the process with the events the receiver answered 200 unshown.
    let mut interrupts = crate::interrupts::Interrupts::new()?;
    let (interrupted, ctrl_c) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        if interrupts.recv().await.is_some() {
            let _ = interrupted.send(());
        }
    });
    let local = ringg_api::client::is_loopback_url(client.base_url());
    let (shortest, longest) = if local {
        (Duration::from_millis(200), Duration::from_secs(2))
    } else {
        (Duration::from_secs(2), Duration::from_secs(30))
    };
    let (_, zone) = crate::display::get().clock(chrono::Utc::now());
    ctx.out.note(format!(
        "watching the calls{}{}{}; times in {zone}; Ctrl-C stops",
        agent
            .as_ref()
            .map(|a| format!(" of assistant {a}"))
            .unwrap_or_default(),
        only.as_ref()
            .map(|s| format!(" becoming {}", s.as_str()))
            .unwrap_or_default(),
        receiver
            .as_ref()
            .map(|r| format!(", and webhook events delivered to http://{}/", r.addr))
            .unwrap_or_default()
    ));
    let mut seen: HashMap<CallId, Option<CallStatus>> = HashMap::new();
    let mut first = true;
    let mut interval = shortest;
    tokio::pin!(ctrl_c);
    let closed = crate::term::stdout_closed();
    tokio::pin!(closed);
    loop {
        let polled = tokio::select! {
            polled = poll(&client, agent.as_ref()) => polled,
            () = &mut closed => return stop(ctx, receiver.take(), false).await,
            _ = &mut ctrl_c => return stop(ctx, receiver.take(), true).await,
        };
        match polled {
            Ok(rows) => {
                let changed = show_changes(ctx, rows, &mut seen, first, only.as_ref())?;
                first = false;
                interval = if changed {
                    shortest
                } else {
                    (interval * 2).min(longest)
                };
            }
            Err(e) if e.is_auth() => return Err(e.into()),
            Err(e) => {
                interval = (interval * 2).min(longest);
                ctx.out.note(format!(
                    "could not read the history ({}); trying again in {} s",
                    CliError::from(e),
                    interval.as_secs_f32()
                ));
            }
        }
        let wake = tokio::time::sleep(interval);
        tokio::pin!(wake);
        loop {
            let event = async {
                match receiver.as_mut() {
                    Some(r) => r.events.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = &mut wake => break,
                Some(e) = event => show_event(ctx, &e)?,
                () = &mut closed => return stop(ctx, receiver.take(), false).await,
                _ = &mut ctrl_c => return stop(ctx, receiver.take(), true).await,
            }
        }
    }
}

/// Stops the receiver (if any); when `show`, shows every event it answered 200 meanwhile:
/// those queued while the history was read, and those arriving in its last 2 s. (With stdout
/// gone, there is nowhere to show them.)
async fn stop(ctx: &Ctx, inbox: Option<Inbox>, show: bool) -> Result<(), CliError> {
    let Some(Inbox {
        mut events,
        stopper,
        ..
    }) = inbox
    else {
        return Ok(());
    };
    if !show {
        stopper.stop().await;
        return Ok(());
    }
    let stopping = stopper.stop();
    tokio::pin!(stopping);
    loop {
        tokio::select! {
            Some(e) = events.recv() => show_event(ctx, &e)?,
            () = &mut stopping => break,
        }
    }
    // A delivery still at work after the 2 s is refused from here on (its handler cannot
    // queue it: 500, so Ringg sends it again); every one queued before is shown.
    events.close();
    while let Some(e) = events.recv().await {
        show_event(ctx, &e)?;
    }
    Ok(())
}

/// The newest calls (of `agent`) created in the watched period.
async fn poll(
    client: &Client,
    agent: Option<&AgentId>,
) -> Result<Vec<CallRecord>, ringg_api::Error> {
    let mut q = CallHistoryQuery::default().limit(100u32);
    q.agent_id = agent.cloned();
    q.start_date = Some(Timestamp::from_datetime(&(chrono::Utc::now() - WATCHED)));
    let stream = client.calls().history_stream(q).take(MAX_ROWS);
    futures::pin_mut!(stream);
    let mut rows = Vec::new();
    while let Some(row) = stream.next().await {
        rows.push(row?);
    }
    Ok(rows)
}

/// Prints the calls that appeared or changed status since the last poll (on the first poll,
/// only those still in progress, marked as already there). Returns whether anything changed.
fn show_changes(
    ctx: &Ctx,
    rows: Vec<CallRecord>,
    seen: &mut HashMap<CallId, Option<CallStatus>>,
    first: bool,
    only: Option<&CallStatus>,
) -> Result<bool, CliError> {
    let mut changed = false;
    // Oldest first, so the lines read in order.
    for row in rows.into_iter().rev() {
        let before = seen.get(&row.id).cloned();
        if before.as_ref() == Some(&row.status) {
            continue;
        }
        seen.insert(row.id.clone(), row.status.clone());
        changed = true;
        let ended = row.status.as_ref().is_some_and(CallStatus::is_terminal);
        if first && ended {
            continue;
        }
        if only.is_some_and(|s| row.status.as_ref() != Some(s)) {
            continue;
        }
        show_status(ctx, &row, before.flatten().as_ref(), first)?;
    }
    Ok(changed)
}

/// One status line; `initial` for a call already in progress when the tail started (not new).
fn show_status(
    ctx: &Ctx,
    row: &CallRecord,
    before: Option<&CallStatus>,
    initial: bool,
) -> Result<(), CliError> {
    let status = row.status.as_ref().map(|s| s.as_str()).unwrap_or("-");
    let now = chrono::Utc::now();
    if ctx.out.json() {
        return print_json_line(&json!({
            "event": "status",
            "at": now.to_rfc3339(),
            "call_id": row.id,
            "to_number": row.to_number.as_ref(),
            "agent_id": row.agent.as_ref().map(|a| a.id.clone()),
            "from": before.map(|s| s.as_str()),
            "initial": initial,
            "status": status,
            "queued": row.queued().map(|q| q.to_string()),
            "queued_until": row.queued().map(|q| q.until.to_utc().to_rfc3339()),
            "queued_reason": row.queued().map(|q| q.reason.as_str()),
        }));
    }
    let display = crate::display::get();
    let mut change = match before {
        Some(b) => format!("{} -> {status}", b.as_str()),
        None if initial => format!("in progress, {status}"),
        None => format!("new, {status}"),
    };
    if let Some(q) = row.queued() {
        // On the same clock as the line itself (the display zone), to the minute, so that
        // the line fits 80 columns whatever the reason.
        let clock = display.clock(q.until.to_utc()).0;
        change.push_str(&format!(
            ", until {} ({})",
            clock.get(..5).unwrap_or(&clock),
            q.reason.as_str()
        ));
    }
    let id = if display.wide {
        row.id.to_string()
    } else {
        crate::layout::short_id(row.id.as_str())
    };
    let agent = row
        .agent
        .as_ref()
        .and_then(|a| a.agent_name.as_ref().cloned())
        .unwrap_or_else(|| "-".into());
    let line = format!(
        "{}  {id}  {}  {change}",
        display.clock(now).0,
        row.to_number.as_ref().map(String::as_str).unwrap_or("-"),
    );
    emit_text(with_tail(line, &agent, display.width));
    Ok(())
}

/// `line`, two spaces and `tail`, the tail cut (with an ellipsis) or left out so the whole fits
/// `width` when there is one.
fn with_tail(line: String, tail: &str, width: Option<usize>) -> String {
    let used = crate::layout::width(&line) + 2;
    let room = width.map_or(usize::MAX, |w| w.saturating_sub(used));
    let tail_width = crate::layout::width(tail);
    if tail_width <= room {
        return format!("{line}  {tail}");
    }
    if room < 4 {
        return line;
    }
    let cut: String = tail.chars().take(room - 1).collect();
    format!("{line}  {}…", cut.trim_end())
}

/// One webhook event line.
fn show_event(ctx: &Ctx, event: &WebhookEvent) -> Result<(), CliError> {
    if ctx.out.json() {
        let raw: serde_json::Value =
            serde_json::from_str(&OutputFormat::Json.render(event)).unwrap_or_default();
        return print_json_line(&json!({"event": "webhook", "webhook": raw}));
    }
    emit_text(format!(
        "{}  webhook {}",
        crate::display::get().clock(chrono::Utc::now()).0,
        OutputFormat::Text.render(event)
    ));
    Ok(())
}

/// The receiver of `--listen` on `addr`, checking the secret from --secret-file or
/// RINGG_WEBHOOK_SECRET.
async fn start_receiver(addr: &str, a: &TailArgs) -> Result<Inbox, CliError> {
    let secret = match &a.secret_file {
        Some(path) => crate::secret::read_secret_file("--secret-file", path.clone()).await?,
        None => std::env::var(SECRET_ENV)
            .ok()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                CliError::usage(format!(
                    "--listen needs the webhook secret: --secret-file PATH or {SECRET_ENV}"
                ))
            })?,
    };
    crate::term::hide(&secret);
    Inbox::start(addr, &a.secret_header, secret).await
}

#[cfg(test)]
mod tests {
    use super::with_tail;

    #[test]
    fn the_assistant_name_is_cut_to_fit_the_width() {
        let line = "23:31:38  c6562699…  +919876543211  new, registered".to_string();
        assert_eq!(
            with_tail(line.clone(), "Sales Assistant", None),
            format!("{line}  Sales Assistant")
        );
        let fitted = with_tail(line.clone(), "Sales Assistant", Some(62));
        assert_eq!(fitted, format!("{line}  Sales As…"));
        assert_eq!(crate::layout::width(&fitted), 62);
        assert_eq!(with_tail(line.clone(), "Sales Assistant", Some(56)), line);
        // A cut never ends in a space before its ellipsis.
        assert_eq!(
            with_tail(line.clone(), "Sales Assistant", Some(60)),
            format!("{line}  Sales…")
        );
    }
}
