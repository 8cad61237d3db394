//! Against a server, the quickstart points the assistant's webhooks at a receiver that stops
//! with the command. The subscriptions in force before are saved in the intent journal first,
//! and put back when the command ends: normally, on an error, on Ctrl-C or SIGTERM, and, for
//! a run that was killed, by the next run.

use chrono::Utc;
use ringg_api::Client;
use ringg_api::journal::SavedSubscriptions;
use ringg_api::types::AgentId;
use ringg_api::types::webhook::EventSubscription;

use super::narrator::Narrator;
use crate::error::CliError;

/// Who changes the subscriptions, as the journal records it.
const CHANGED_BY: &str = "ringg quickstart";

/// Saves the subscriptions in force before they are changed (unless an earlier run saved some
/// for this assistant that are not put back yet: those are the ones to restore).
pub(super) async fn save(
    client: &Client,
    agent_id: &AgentId,
    previous: &[EventSubscription],
) -> Result<(), CliError> {
    let Some(journal) = client.journal() else {
        return Ok(());
    };
    journal
        .save_subscriptions(&SavedSubscriptions {
            agent_id: agent_id.clone(),
            subscriptions: previous.to_vec(),
            changed_by: CHANGED_BY.to_string(),
            saved_at: Utc::now(),
        })
        .await
        .map_err(|e| {
            CliError::failed(format!(
                "could not save the assistant's webhook subscriptions before changing them: {e}"
            ))
        })?;
    Ok(())
}

/// Puts back every saved subscription list of the journal's scope and forgets it; returns how
/// many assistants were restored. `why` completes "restored … (why)".
async fn put_back(client: &Client, n: &Narrator, why: &str) -> Result<usize, CliError> {
    let Some(journal) = client.journal() else {
        return Ok(0);
    };
    let saved = journal
        .saved_subscriptions()
        .await
        .map_err(|e| CliError::failed(e.to_string()))?;
    for s in &saved {
        client
            .assistants()
            .edit_event_subscriptions(&s.agent_id, s.subscriptions.clone())
            .await
            .map_err(|e| {
                CliError::failed(format!(
                    "could not put back the webhook subscriptions of assistant {} ({e}); they are kept in the journal and the next `ringg quickstart` against this server tries again",
                    s.agent_id
                ))
            })?;
        journal
            .forget_subscriptions(&s.agent_id)
            .await
            .map_err(|e| CliError::failed(e.to_string()))?;
        n.detail(format!(
            "restored the {} webhook subscription(s) assistant {} had before ({why})",
            s.subscriptions.len(),
            s.agent_id
        ));
    }
    Ok(saved.len())
}

/// Runs the quickstart's steps; with `server` (against a server, where the subscriptions may
/// be changed), first puts back what a killed earlier run left, stops the steps on Ctrl-C or
/// SIGTERM, and puts the subscriptions back however the steps ended.
pub(super) async fn guarded<T>(
    client: &Client,
    n: &Narrator,
    server: bool,
    steps: impl std::future::Future<Output = Result<T, CliError>>,
) -> Result<T, CliError> {
    if server {
        put_back(client, n, "an earlier run was stopped before it could").await?;
    }
    let result = tokio::select! {
        r = steps => r,
        signal = stop_signal() => Err(CliError::failed(format!(
            "stopped by {signal}; a call placed before keeps going (see `ringg calls list`)"
        ))),
    };
    if server
        && let Err(e) = put_back(client, n, "the local receiver stops with this command").await
    {
        if result.is_ok() {
            return Err(e);
        }
        // Printed before the command's own error, which follows.
        e.print(crate::display::get().json);
    }
    result
}

/// Waits for Ctrl-C (SIGINT) or SIGTERM; returns the signal's name.
async fn stop_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = tokio::signal::ctrl_c() => "SIGINT",
                _ = term.recv() => "SIGTERM",
            },
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                "SIGINT"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}
