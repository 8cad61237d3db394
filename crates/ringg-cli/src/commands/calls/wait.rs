//! Waiting for a call to end while its status changes are shown (`calls wait`, `calls create
//! --wait`), and the polling every wait for a call uses (the quickstart's too).

use std::time::Duration;

use ringg_api::Client;
use ringg_api::calls::WaitOptions;
use ringg_api::types::CallId;
use ringg_api::types::calls::CallDetails;
use tokio::time::{Interval, MissedTickBehavior};

use crate::context::{Ctx, Lines};
use crate::error::CliError;

/// How a wait for a call polls: every 100 ms against a `local` server, every 2 s otherwise,
/// backing off to five times that, up to `timeout`; and a ticker at the first interval for
/// reading the status in between.
pub(crate) fn polling(
    local: bool,
    timeout: Duration,
    send_analysis: bool,
) -> (WaitOptions, Interval) {
    let poll = if local {
        Duration::from_millis(100)
    } else {
        Duration::from_secs(2)
    };
    let options = WaitOptions {
        initial_interval: poll,
        max_interval: poll * 5,
        multiplier: 1.5,
        timeout,
        send_analysis,
    };
    let mut ticker = tokio::time::interval(poll);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    (options, ticker)
}

/// Waits for a call with a spinner, printing each status change (on stderr).
pub(crate) async fn wait(
    ctx: &Ctx,
    client: &Client,
    call_id: &CallId,
    timeout: Duration,
) -> Result<CallDetails, CliError> {
    let local = ringg_api::client::is_loopback_url(client.base_url());
    let (options, mut ticker) = polling(local, timeout, true);
    let lines = Lines::new(ctx.idle_spinner(), true);
    lines.start(format!("waiting for call {call_id}"));
    let calls = client.calls();
    let waiting = calls.wait_for_terminal_with(call_id, options);
    tokio::pin!(waiting);
    let mut last: Option<String> = None;
    let result = loop {
        tokio::select! {
            res = &mut waiting => break res,
            _ = ticker.tick() => {
                if let Ok(d) = client.calls().details(call_id, false).await
                    && let Some(s) = d.call_status.as_ref()
                {
                    // A queued call says what it waits for ("queued until 09:00 (window, …)").
                    let state = match d.queued() {
                        Some(q) => format!("{}, {}", s.as_str(), crate::output::queued(&q)),
                        None => s.as_str().to_string(),
                    };
                    if last.as_deref() != Some(state.as_str()) {
                        if !ctx.out.quiet {
                            lines.line(format!("status: {state}"));
                        }
                        lines.message(format!("call {call_id}: {state}"));
                        last = Some(state);
                    }
                }
            }
        }
    };
    lines.finish();
    let d = result.map_err(|e| gave_up(e, call_id, last.as_deref(), timeout))?;
    if !ctx.out.quiet
        && let Some(s) = d.call_status.as_ref()
        && last.as_deref() != Some(s.as_str())
    {
        lines.line(format!("status: {}", s.as_str()));
    }
    Ok(d)
}

/// A wait that ran out of time, in the command line's words (what the call was last seen
/// doing, and how to wait again); any other error as it is.
fn gave_up(
    e: ringg_api::Error,
    call_id: &CallId,
    last: Option<&str>,
    timeout: Duration,
) -> CliError {
    if e.kind() != ringg_api::ErrorKind::Timeout {
        return e.into();
    }
    CliError::failed(format!(
        "call {call_id} has not ended after {} s: it is {}",
        timeout.as_secs(),
        last.unwrap_or("still in progress")
    ))
    .with_hint(format!(
        "wait again with `ringg calls wait {call_id}` (and a longer --timeout), or look at it with `ringg calls get {call_id}`"
    ))
}
