//! `ringg webhooks subscribe | list | unsubscribe`: an assistant's webhook subscriptions,
//! shown before and after every change.

use ringg_api::assistants::{moved_event_types, subscriptions_in_force};
use ringg_api::types::AgentId;
use ringg_api::types::redact::url_shown;
use ringg_api::types::webhook::{EventSubscription, EventType, WebhookMethod};

use crate::args::id;
use crate::context::Ctx;
use crate::error::CliError;
use crate::listing::Paging;
use crate::output::{print_json, print_table, table};
use crate::render::subscription_text;
use crate::term::emit_text;

/// The six event types of Ringg's public docs: what `--event all` subscribes to.
/// `call_ringing` and `call_ongoing` exist in the backend only; name them to get them.
const DOCUMENTED_EVENTS: [EventType; 6] = [
    EventType::CallStarted,
    EventType::CallCompleted,
    EventType::RecordingCompleted,
    EventType::PlatformAnalysisCompleted,
    EventType::ClientAnalysisCompleted,
    EventType::AllProcessingCompleted,
];

/// The event types named on the command line (`all` = every documented one).
fn event_types(names: &[String]) -> Result<Vec<EventType>, CliError> {
    let mut out: Vec<EventType> = Vec::new();
    for n in names.iter().flat_map(|n| n.split(',')) {
        let n = n.trim();
        if n.eq_ignore_ascii_case("all") {
            for t in &DOCUMENTED_EVENTS {
                if !out.contains(t) {
                    out.push(t.clone());
                }
            }
            continue;
        }
        let t = EventType::from(n.to_ascii_lowercase().as_str());
        if t.is_unknown() {
            return Err(CliError::usage(format!(
                "--event {n:?} is not an event type; use all or one of {}",
                EventType::KNOWN
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

/// `ringg webhooks subscribe`: adds a subscription; an event type delivered to another URL
/// moves only with `--move`.
pub(super) async fn subscribe(
    ctx: &mut Ctx,
    agent: &str,
    url: &str,
    events: &[String],
    headers: Vec<(String, String)>,
    method: &str,
    move_events: bool,
) -> Result<(), CliError> {
    let agent_id: AgentId = id("assistant", agent)?;
    let url = receiver_url(ctx, url)?;
    let types = event_types(events)?;
    let mut sub = EventSubscription::new(types, url.clone()).method(WebhookMethod::from(method));
    for (k, v) in headers {
        sub = sub.header(k, v);
    }
    let client = ctx.client().await?;
    let agent_id = crate::resolve::agent(&client, agent_id.as_str()).await?;
    // The list in force, or while A/B testing is live each version's (the SDK writes to each).
    let details = client.assistants().get(&agent_id).await?;
    let live = details.ab_versions_live();
    let lists: Vec<Vec<EventSubscription>> = if live.is_empty() {
        vec![subscriptions_in_force(&details).map_err(|e| unseen(e, &agent_id))?]
    } else {
        live.iter()
            .filter_map(|(_, v)| v.event_subscriptions.as_ref().cloned())
            .collect()
    };
    let current = lists.first().cloned().unwrap_or_default();
    let mut moved: Vec<(EventType, String)> = Vec::new();
    for found in lists.iter().flat_map(|list| moved_event_types(list, &sub)) {
        if !moved.contains(&found) {
            moved.push(found);
        }
    }
    if !moved.is_empty() && !move_events {
        show(ctx, &agent_id, "now has", &current)?;
        let list: Vec<String> = moved
            .iter()
            .map(|(t, u)| format!("{} (delivered to {})", t.as_str(), url_shown(u)))
            .collect();
        return Err(CliError::failed(format!(
            "Ringg delivers each event type to one URL, so subscribing {} would take {} off its URL; add --move to move them, or leave them out with --event",
            url_shown(&url),
            list.join(", ")
        )));
    }
    let change = client
        .assistants()
        .add_webhook_subscription(&agent_id, sub, move_events)
        .await
        .map_err(|e| unseen(e, &agent_id))?;
    report(ctx, &agent_id, &change)
}

/// `ringg webhooks list --agent ID`.
pub(super) async fn list(ctx: &mut Ctx, agent: &str) -> Result<(), CliError> {
    let agent_id: AgentId = id("assistant", agent)?;
    let client = ctx.client().await?;
    let agent_id = crate::resolve::agent(&client, agent_id.as_str()).await?;
    let details = client.assistants().get(&agent_id).await?;
    // While A/B testing is live, each version taking calls has its own list (the first one,
    // the most traffic's, is the one in `items`).
    let versions: Vec<(&str, Option<&Vec<EventSubscription>>)> = details
        .ab_versions_live()
        .into_iter()
        .map(|(id, v)| (id, v.event_subscriptions.as_ref()))
        .collect();
    if !versions.is_empty() && ctx.out.json() {
        let n = versions[0].1.map_or(0, Vec::len);
        return print_json(&serde_json::json!({
            "items": versions[0].1,
            "paging": Paging::whole(n).json(n),
            "versions": versions
                .iter()
                .map(|(id, list)| serde_json::json!({"version_id": id, "event_subscriptions": list}))
                .collect::<Vec<_>>(),
        }));
    }
    if !versions.is_empty() {
        emit_text(format!(
            "assistant {agent_id} is A/B testing {} versions, each with its own subscriptions:",
            versions.len()
        ));
        for (id, list) in &versions {
            match list {
                Some(list) => show(ctx, &agent_id, &format!("version {id} has"), list)?,
                None => emit_text(format!(
                    "assistant {agent_id} version {id}: its details show no subscription list"
                )),
            }
        }
        return Ok(());
    }
    let current = subscriptions_in_force(&details).map_err(|e| unseen(e, &agent_id))?;
    if ctx.out.json() {
        // Header values are usually shared secrets; print_json masks them.
        return print_json(&serde_json::json!({
            "items": current,
            "paging": Paging::whole(current.len()).json(current.len()),
        }));
    }
    show(ctx, &agent_id, "has", &current)?;
    if current.is_empty() {
        ctx.out.note(format!(
            "subscribe one with `ringg webhooks subscribe --agent {agent_id} --url URL --event all`"
        ));
    }
    Ok(())
}

/// `ringg webhooks unsubscribe --agent ID --url URL [--event E]`.
pub(super) async fn unsubscribe(
    ctx: &mut Ctx,
    agent: &str,
    url: &str,
    events: &[String],
) -> Result<(), CliError> {
    let agent_id: AgentId = id("assistant", agent)?;
    let types = if events.is_empty() {
        Vec::new()
    } else {
        event_types(events)?
    };
    let client = ctx.client().await?;
    let agent_id = crate::resolve::agent(&client, agent_id.as_str()).await?;
    let change = client
        .assistants()
        .unsubscribe_webhooks(&agent_id, url.trim(), &types)
        .await
        .map_err(|e| {
            // Nothing matched what to remove: the way to see what is there.
            if e.kind() == ringg_api::ErrorKind::NotFound {
                CliError::from(e).with_hint(format!(
                    "`ringg webhooks list --agent {agent_id}` shows its subscriptions"
                ))
            } else {
                unseen(e, &agent_id)
            }
        })?;
    report(ctx, &agent_id, &change)
}

/// `e` for the command line, with the way to write the whole list of `agent_id`'s subscriptions
/// when its details do not show them.
fn unseen(e: ringg_api::Error, agent_id: &AgentId) -> CliError {
    let unseen = e.kind() == ringg_api::ErrorKind::Unverifiable;
    let err = CliError::from(e);
    if unseen {
        err.with_hint(crate::hints::subscriptions_unseen_hint(agent_id.as_str()))
    } else {
        err
    }
}

/// The receiver URL, checked: https (plain http only with a warning, for a local simulator).
fn receiver_url(ctx: &Ctx, url: &str) -> Result<String, CliError> {
    let parsed = url::Url::parse(url.trim()).map_err(|e| {
        CliError::usage(format!(
            "--url {:?} is not a URL ({e}); give the receiver's full https:// URL",
            url_shown(url)
        ))
    })?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(CliError::usage(format!(
            "--url must be an https:// URL (Ringg requires HTTPS receivers), got {:?}",
            url_shown(url)
        )));
    }
    if parsed.scheme() == "http" && !ringg_api::client::is_loopback_url(url) {
        ctx.out.note("warning: Ringg requires HTTPS receivers; a plain http:// URL only works with a local simulator");
    }
    Ok(url.trim().to_string())
}

/// Prints the subscriptions before and after a change (JSON: both, with the response).
fn report(
    ctx: &Ctx,
    agent_id: &AgentId,
    change: &ringg_api::assistants::SubscriptionChange,
) -> Result<(), CliError> {
    if ctx.out.json() {
        // Header values are usually shared secrets; print_json masks them.
        let mut out = serde_json::json!({
            "response": change.response,
            "before": change.before,
            "event_subscriptions": change.after,
        });
        if !change.versions.is_empty() {
            out["versions"] = change
                .versions
                .iter()
                .map(|v| {
                    serde_json::json!({
                        "version_id": v.version_id,
                        "changed": v.response.is_some(),
                        "before": v.before,
                        "event_subscriptions": v.after,
                    })
                })
                .collect();
        }
        return print_json(&out);
    }
    if change.versions.is_empty() {
        show(ctx, agent_id, "had", &change.before)?;
        return show(ctx, agent_id, "now has", &change.after);
    }
    // A/B testing: each version's own list was changed.
    for v in &change.versions {
        let id = &v.version_id;
        if v.response.is_none() {
            show(
                ctx,
                agent_id,
                &format!("version {id} (unchanged) has"),
                &v.after,
            )?;
            continue;
        }
        show(ctx, agent_id, &format!("version {id} had"), &v.before)?;
        show(ctx, agent_id, &format!("version {id} now has"), &v.after)?;
    }
    Ok(())
}

/// A table of subscriptions under "assistant ID {verb} N webhook subscription(s):".
fn show(
    ctx: &Ctx,
    agent_id: &AgentId,
    verb: &str,
    subs: &[EventSubscription],
) -> Result<(), CliError> {
    if ctx.out.json() {
        return Ok(());
    }
    emit_text(format!(
        "assistant {agent_id} {verb} {} webhook subscription(s){}",
        subs.len(),
        if subs.is_empty() { "" } else { ":" }
    ));
    if !subs.is_empty() {
        let mut t = table(&["#", "SUBSCRIPTION"]);
        for (i, s) in subs.iter().enumerate() {
            t.add_row(vec![(i + 1).to_string(), subscription_text(s)]);
        }
        print_table(&t);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names() {
        assert_eq!(
            event_types(&["all".into()]).unwrap(),
            DOCUMENTED_EVENTS.to_vec()
        );
        let t = event_types(&[
            "call_completed,all_processing_completed".into(),
            "call_completed".into(),
        ])
        .unwrap();
        assert_eq!(
            t,
            vec![EventType::CallCompleted, EventType::AllProcessingCompleted]
        );
        assert!(event_types(&["call_done".into()]).is_err());
    }
}
