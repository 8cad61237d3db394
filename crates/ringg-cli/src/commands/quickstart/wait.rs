//! Step 6 of the quickstart: waiting for the call while its status changes and webhook events
//! are printed as they come.

use std::time::Duration;

use ringg_api::Client;
use ringg_api::types::calls::CallDetails;
use ringg_api::types::webhook::{EventType, WebhookEvent};
use ringg_api::types::{CallId, CallStatus};

use super::narrator::Narrator;
use super::receiver::Receiver;
use crate::commands::calls::wait::polling;
use crate::error::CliError;

/// What the wait saw.
pub(crate) struct Waited {
    pub(crate) status: Option<CallStatus>,
    pub(crate) changes: Vec<String>,
    pub(crate) events: Vec<WebhookEvent>,
    pub(crate) duration: Option<String>,
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn wait_for_call(
    client: &Client,
    call_id: &CallId,
    initial: Option<String>,
    mut receiver: Option<&mut Receiver>,
    expect_webhooks: bool,
    embedded: bool,
    timeout: Duration,
    n: &Narrator,
) -> Result<Waited, CliError> {
    let (options, mut ticker) = polling(embedded, timeout, false);
    let spinner = &n.lines;
    if !n.silent {
        spinner.start("waiting for the call");
    }
    let started = tokio::time::Instant::now();
    let deadline = started + timeout;
    let mut last = initial;
    let mut changes = Vec::new();
    if let Some(s) = &last {
        n.detail(format!("status: {s}"));
        changes.push(s.clone());
    }
    let mut note_status = |status: Option<&CallStatus>, changes: &mut Vec<String>| {
        if let Some(s) = status
            && last.as_deref() != Some(s.as_str())
        {
            n.detail(format!(
                "status: {} -> {}",
                last.as_deref().unwrap_or("?"),
                s.as_str()
            ));
            changes.push(s.as_str().to_string());
            last = Some(s.as_str().to_string());
        }
    };

    let calls = client.calls();
    let wait = calls.wait_for_terminal_with(call_id, options);
    tokio::pin!(wait);
    let mut terminal: Option<CallDetails> = None;
    let mut duration = None;
    let mut all_done = false;
    let mut events = Vec::new();
    loop {
        if let Some(t) = &terminal {
            let completed = t.call_status.as_ref() == Some(&CallStatus::Completed);
            if !expect_webhooks || all_done || !completed {
                break;
            }
        }
        tokio::select! {
            res = &mut wait, if terminal.is_none() => {
                let details = res?;
                note_status(details.call_status.as_ref(), &mut changes);
                duration = Some(format!("{:.1} s", started.elapsed().as_secs_f64()));
                if expect_webhooks && details.call_status.as_ref() == Some(&CallStatus::Completed) {
                    spinner.message("waiting for all_processing_completed");
                }
                terminal = Some(details);
            }
            _ = ticker.tick(), if terminal.is_none() => {
                match client.calls().details(call_id, false).await {
                    Ok(d) => note_status(d.call_status.as_ref(), &mut changes),
                    Err(e) => tracing::debug!("status poll failed: {e}"),
                }
            }
            Some(event) = next_event(&mut receiver) => {
                if event.call_id() == Some(call_id) {
                    n.detail(format!("webhook {}", ringg_webhooks::OutputFormat::Text.render(&event)));
                    if event.event_type() == EventType::AllProcessingCompleted {
                        all_done = true;
                    }
                    events.push(event);
                }
            }
            _ = tokio::time::sleep_until(deadline) => {
                spinner.finish();
                return Err(CliError::failed(match &terminal {
                    Some(_) => format!(
                        "call {call_id} ended but the all_processing_completed webhook did not arrive within {} s; check the receiver, or read the call with `ringg calls get {call_id} --analysis`",
                        timeout.as_secs()
                    ),
                    None => format!(
                        "call {call_id} did not end within {} s; follow it with `ringg calls wait {call_id}` or raise --timeout",
                        timeout.as_secs()
                    ),
                }));
            }
        }
    }
    spinner.finish();
    if let Some(t) = &terminal
        && t.call_status.as_ref() != Some(&CallStatus::Completed)
    {
        n.detail("the call was not answered, so no recording, transcript or analysis follows");
    }
    Ok(Waited {
        status: terminal.and_then(|t| t.call_status),
        changes,
        events,
        duration,
    })
}

/// The next webhook event, or never when there is no receiver.
async fn next_event(receiver: &mut Option<&mut Receiver>) -> Option<WebhookEvent> {
    match receiver {
        Some(r) => r.events.recv().await,
        None => std::future::pending().await,
    }
}
