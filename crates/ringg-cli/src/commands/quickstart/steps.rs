//! The quickstart's steps in Ringg's integration order, one function each, and the summary.

use std::time::Duration;

use ringg_api::Client;
use ringg_api::calls::{CLIENT_REFERENCE_KEY, PlacedCall};
use ringg_api::types::analytics::{AnalyticsQuery, PlatformAnalyticsResponse};
use ringg_api::types::assistants::{AssistantDetails, EventSubscription};
use ringg_api::types::calls::InitiateCallRequest;
use ringg_api::types::calls::{CallDetails, CallHistoryQuery, CallHistoryResponse, CallerSource};
use ringg_api::types::numbers::WorkspaceNumber;
use ringg_api::types::webhook::EventType;
use ringg_api::types::{AgentId, CallId, CallStatus, NumberId, PhoneNumber};
use serde_json::{Map, Value};

use super::args::QuickstartArgs;
use super::narrator::{DETAIL_INDENT, Narrator};
use super::receiver::{Receiver, SECRET_HEADER};
use super::report::{AssistantSummary, CallSummary, Report, WebhookSummary};
use super::wait::{Waited, wait_for_call};
use crate::error::CliError;
use crate::output::{num, to_value};
use crate::render;

/// Runs the nine steps and the summary; returns what they learned.
pub(crate) async fn run(
    client: &Client,
    args: &QuickstartArgs,
    to: &PhoneNumber,
    n: &Narrator,
    mut receiver: Option<&mut Receiver>,
    embedded: bool,
    wait: Duration,
) -> Result<Report, CliError> {
    let (credits_before, workspace) = verify_key(client, n).await?;
    let assistant = pick_assistant(client, args, n).await?;
    let number = pick_number(client, args, n).await?;
    let subscribed_url =
        subscribe_webhooks(client, args, n, receiver.as_deref(), &assistant, embedded).await?;
    let (placed, call_vars) = place_call(client, args, to, n, &assistant, &number).await?;
    let call_id = placed.call_id.clone();
    let initial = placed
        .response
        .call_status()
        .map(|s| s.as_str().to_string());
    let expect_webhooks = receiver.is_some() && subscribed_url.is_some();
    n.step(
        6,
        "Wait for the call (GET /calling/call-details) and receive its webhooks",
    );
    let waited = wait_for_call(
        client,
        &call_id,
        initial,
        receiver.take(),
        expect_webhooks,
        embedded,
        wait,
        n,
    )
    .await?;
    let call = show_call(client, &call_id, n).await?;
    let history = show_history(client, n).await?;
    let analytics = show_analytics(client, n).await?;
    let final_status = call.call_status.clone().or(waited.status.clone());
    summary(
        client,
        n,
        &call_id,
        final_status.as_ref(),
        &waited,
        credits_before,
        embedded,
    )
    .await?;

    Ok(Report {
        mode: if embedded { "simulator" } else { "server" },
        base_url: client.base_url().to_string(),
        workspace,
        assistant: AssistantSummary {
            id: assistant.id,
            name: assistant.name,
            variables: assistant.variables,
        },
        number,
        webhooks: WebhookSummary {
            subscribed_url,
            events: waited.events,
        },
        call: CallSummary {
            call_id,
            client_reference: placed.reference,
            to: to.to_string(),
            variables: call_vars,
            status_changes: waited.changes,
            final_status,
        },
        details: call,
        history,
        analytics,
    })
}

/// The assistant the run uses.
struct Assistant {
    id: AgentId,
    details: AssistantDetails,
    name: Option<String>,
    variables: Vec<String>,
}

/// Step 1: verifies the key and reads the credits. Returns the credits before the call and
/// the workspace (its secrets masked).
async fn verify_key(client: &Client, n: &Narrator) -> Result<(Option<f64>, Value), CliError> {
    n.step(
        1,
        "Verify the API key and read the credits (GET /workspace)",
    );
    let info = client.workspace().info().await?;
    let ws = &info.workspace_info;
    let credits_before = ws.credits.as_ref().map(|c| c.as_f64());
    n.detail(format!(
        "workspace {:?} ({}): {} credits, {} locked",
        ws.name.as_deref().unwrap_or("-"),
        ws.id,
        credits_before.map(num).unwrap_or_else(|| "-".into()),
        ws.locked_credits
            .as_ref()
            .map(|c| num(c.as_f64()))
            .unwrap_or_else(|| "0".into())
    ));
    if ws.available_credits() <= 0.0 {
        n.detail("warning: no credits available; Ringg lets calls fail silently without credits");
    }
    // The key serializes masked (`Secret`); mask whatever else the contract marks secret.
    let mut workspace = to_value(&info)?;
    ringg_types::redact::redact_value(&mut workspace);

    Ok((credits_before, workspace))
}

/// Step 2: picks an assistant (--agent, or the first outbound one) and reads its variables.
async fn pick_assistant(
    client: &Client,
    args: &QuickstartArgs,
    n: &Narrator,
) -> Result<Assistant, CliError> {
    n.step(
        2,
        "Pick an assistant and read its variables (GET /agent/all, GET /agent/{id})",
    );
    let agent_id: AgentId = match &args.agent {
        Some(a) => crate::resolve::agent(client, a).await?,
        None => first_assistant(client).await?,
    };
    let details: AssistantDetails = client.assistants().get(&agent_id).await?;
    let variables: Vec<String> = details
        .custom_variable_names()
        .into_iter()
        .map(str::to_string)
        .collect();
    let agent_name = details.agent_display_name.as_deref().map(str::to_string);
    n.detail(format!(
        "{} ({}), {}; variables: {}",
        agent_name.as_deref().unwrap_or("unnamed"),
        agent_id,
        details
            .agent_type
            .as_ref()
            .map(|t| t.as_str().to_string())
            .unwrap_or_else(|| "type unknown".into()),
        if variables.is_empty() {
            "none".to_string()
        } else {
            variables.join(", ")
        }
    ));

    Ok(Assistant {
        id: agent_id,
        details,
        name: agent_name,
        variables,
    })
}

/// Step 3: picks a caller number (--from-number-id, or the first usable one).
async fn pick_number(
    client: &Client,
    args: &QuickstartArgs,
    n: &Narrator,
) -> Result<WorkspaceNumber, CliError> {
    n.step(3, "Pick a caller number (GET /workspace/numbers)");
    let number = match &args.from_number_id {
        // The number given, looked up among all of them (one listing).
        Some(given) => crate::resolve::number_record(client, given).await?,
        None => client
            .numbers()
            .list(20, 0)
            .await?
            .workspace_numbers
            .into_iter()
            .find(|x| x.is_expired != Some(true))
            .ok_or_else(|| {
                CliError::failed(
                    "the workspace has no usable caller number; add one in the Ringg dashboard",
                )
            })?,
    };
    n.detail(format!(
        "{} (id {}{})",
        number.number.as_deref().unwrap_or("-"),
        number.id,
        number
            .provider
            .as_ref()
            .map(|p| format!(", {}", p.as_str()))
            .unwrap_or_default()
    ));

    Ok(number)
}

/// Step 4: subscribes the assistant's webhooks to the local receiver or --webhook-url
/// (skipped when there is neither). Returns the URL subscribed. Against a server, the
/// subscriptions before are saved in the journal first when the local receiver (which stops
/// with the command) is subscribed, to be put back.
async fn subscribe_webhooks(
    client: &Client,
    args: &QuickstartArgs,
    n: &Narrator,
    receiver: Option<&Receiver>,
    assistant: &Assistant,
    embedded: bool,
) -> Result<Option<String>, CliError> {
    let (agent_id, details) = (&assistant.id, &assistant.details);
    n.step(
        4,
        "Subscribe the assistant's webhooks (PATCH /agent/v1 edit_event_subscriptions)",
    );
    let subscription = match (receiver, &args.webhook_url) {
        (Some(r), _) => Some((r.url.clone(), r.secret.clone())),
        (None, Some(url)) => Some((url.clone(), args.webhook_secret.clone().unwrap_or_default())),
        (None, None) => None,
    };
    // A list the server does not show cannot be kept or put back: saving it as empty would
    // have the restore erase every subscription in force.
    // Under A/B testing each version has its own list; the quickstart keeps and puts back
    // one list, so it would leave the other versions subscribed to its receiver.
    let ab = details.ab_versions_live().len();
    if subscription.is_some() && ab > 0 {
        return Err(CliError::failed(format!(
            "assistant {agent_id} is A/B testing {ab} versions, each with its own webhook subscriptions, and the quickstart keeps and puts back one list only; nothing was changed"
        ))
        .with_hint(format!(
            "run the quickstart with another assistant (--agent), or subscribe with `ringg webhooks subscribe --agent {agent_id} --url URL --event all`, which writes to each version"
        )));
    }
    let shown = details.event_subscriptions();
    if subscription.is_some() && shown.is_none() {
        return Err(CliError::failed(format!(
            "the details of assistant {agent_id} do not show its webhook subscriptions, so the quickstart cannot keep them while it subscribes its own; nothing was changed"
        ))
        .with_hint(crate::hints::subscriptions_unseen_hint(agent_id.as_str())));
    }
    if !embedded && receiver.is_some() {
        super::restore::save(client, agent_id, shown.unwrap_or_default()).await?;
    }
    let subscribed_url = match &subscription {
        Some((url, secret)) => {
            let sub = EventSubscription::new(EventType::KNOWN.to_vec(), url.clone())
                .header(SECRET_HEADER, secret.clone());
            let (_, merged) = client
                .assistants()
                .subscribe_webhooks(agent_id, vec![sub])
                .await?;
            n.detail(format!(
                "all {} event types -> {url} (header {SECRET_HEADER}); {} subscription(s) in force",
                EventType::KNOWN.len(),
                merged.len()
            ));
            Some(url.clone())
        }
        None => {
            n.detail(
                "skipped: this server cannot reach a receiver on this machine; pass --webhook-url https://… and --webhook-secret to subscribe a public receiver",
            );
            None
        }
    };

    Ok(subscribed_url)
}

/// Step 5: places the call with the assistant's variables (--var values, or samples).
/// Returns the call and the variables sent.
async fn place_call(
    client: &Client,
    args: &QuickstartArgs,
    to: &PhoneNumber,
    n: &Narrator,
    assistant: &Assistant,
    number: &WorkspaceNumber,
) -> Result<(PlacedCall, Map<String, Value>), CliError> {
    let (agent_id, variables) = (&assistant.id, &assistant.variables);
    n.step(
        5,
        "Place a call with its variables (POST /calling/v2/outbound/individual)",
    );
    let mut request = InitiateCallRequest::new(
        agent_id.clone(),
        args.name.clone(),
        to.clone(),
        CallerSource::FromNumberId(NumberId::new(number.id.as_str())),
    );
    let mut call_vars = Map::new();
    for var in variables {
        if var == "callee_name" || var == "mobile_number" {
            continue;
        }
        let value = args
            .vars
            .iter()
            .find(|(k, _)| k == var)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| sample_value(var).to_string());
        call_vars.insert(var.clone(), Value::String(value));
    }
    for (k, v) in &args.vars {
        call_vars
            .entry(k.clone())
            .or_insert_with(|| Value::String(v.clone()));
    }
    for (k, v) in &call_vars {
        request = request.custom_arg(k.clone(), v.clone());
    }
    // As `calls create` sends it: with its client reference on the terminal first, and refused
    // when the journal (or the fleet's Redis) holds a call to the recipient not settled or
    // placed within the hour, so a quickstart run again after an interruption does not call
    // them twice.
    let reference = client.calls().new_reference();
    request = request.custom_arg(CLIENT_REFERENCE_KEY, reference.clone());
    n.detail(format!(
        "client reference {reference} (if this command is interrupted, `ringg calls reconcile --pending` settles it)"
    ));
    let placed: PlacedCall =
        crate::commands::calls::initiate_checked(client, request, &reference, args.force).await?;
    let call_id = placed.call_id.clone();
    n.detail(format!(
        "call {call_id} to {} ({}); client reference {}",
        to, args.name, placed.reference
    ));
    n.detail(format!("variables: {}", render::variables(&call_vars)));

    Ok((placed, call_vars))
}

/// Step 7: shows the call's transcript and analysis.
async fn show_call(
    client: &Client,
    call_id: &CallId,
    n: &Narrator,
) -> Result<CallDetails, CliError> {
    n.step(
        7,
        "Transcript and analysis (GET /calling/call-details?send_analysis=true)",
    );
    let call = client.calls().details(call_id, true).await?;
    match call.transcript() {
        Some(t) if !t.is_empty() => {
            for l in render::transcript_lines(t) {
                n.detail(l);
            }
        }
        _ => n.detail("no transcript (the call was not answered)"),
    }
    if let Some(a) = call.platform_analysis.as_ref() {
        n.detail("platform analysis:");
        for (k, v) in render::analysis_rows(a) {
            n.detail(format!("  {k}: {v}"));
        }
    }
    if let Some(c) = call.client_analysis.as_ref().filter(|c| !c.is_empty()) {
        n.detail(format!("client analysis: {}", render::variables(c)));
    }

    Ok(call)
}

/// Step 8: shows the first page of the call history.
async fn show_history(client: &Client, n: &Narrator) -> Result<CallHistoryResponse, CliError> {
    n.step(8, "Call history, first page (GET /calling/history)");
    let history = client
        .calls()
        .history(&CallHistoryQuery::default().limit(10u32).offset(0u32))
        .await?;
    n.detail(render::call_table(&history.calls).indented_text(DETAIL_INDENT));
    n.detail(format!(
        "{} call(s) on this page; total {}",
        history.calls.len(),
        history
            .total
            .as_ref()
            .map(|t| match t.count() {
                Some(c) => c.to_string(),
                None => "many".into(),
            })
            .unwrap_or_else(|| "unknown".into())
    ));

    Ok(history)
}

/// Step 9: shows the platform analytics of the last 30 days.
async fn show_analytics(
    client: &Client,
    n: &Narrator,
) -> Result<PlatformAnalyticsResponse, CliError> {
    n.step(
        9,
        "Analytics, last 30 days (GET /analytics/platform-analytics)",
    );
    let analytics = client
        .analytics()
        .platform(&AnalyticsQuery::default())
        .await?;
    let view = analytics
        .metrics_summary
        .as_ref()
        .map(crate::commands::analytics::view::metrics)
        .unwrap_or_default();
    if view.is_empty() {
        n.detail("no metrics returned");
    }
    for (_, t) in view {
        n.detail(t.indented_text(DETAIL_INDENT));
    }

    Ok(analytics)
}

/// The summary: the call's end, the webhook events, the credits spent, what to try next.
async fn summary(
    client: &Client,
    n: &Narrator,
    call_id: &CallId,
    final_status: Option<&CallStatus>,
    waited: &Waited,
    credits_before: Option<f64>,
    embedded: bool,
) -> Result<(), CliError> {
    let after = client.workspace().info().await?;
    let credits_after = after.workspace_info.credits.as_ref().map(|c| c.as_f64());
    n.say("\nSummary");
    n.detail(format!(
        "call {call_id}: {}{}",
        final_status
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|| "status unknown".into()),
        waited
            .duration
            .as_ref()
            .map(|d| format!(" after {d}"))
            .unwrap_or_default()
    ));
    n.detail(format!(
        "{} webhook event(s) received{}",
        waited.events.len(),
        if waited
            .events
            .iter()
            .any(|e| e.event_type() == EventType::AllProcessingCompleted)
        {
            ", ending with all_processing_completed"
        } else {
            ""
        }
    ));
    if let (Some(b), Some(a)) = (credits_before, credits_after) {
        n.detail(format!("credits {} -> {}", num(b), num(a)));
    }
    if embedded {
        n.detail(
            "next: `ringg sim serve --time-scale 0.01` keeps a simulator running; `ringg --sim calls list` tries any command",
        );
    }
    Ok(())
}

/// The first outbound assistant (or the first one).
async fn first_assistant(client: &Client) -> Result<AgentId, CliError> {
    let list = client.assistants().list(20, 0).await?;
    let usable: Vec<_> = list
        .agents
        .iter()
        .filter(|a| a.is_archived != Some(true))
        .collect();
    let outbound = usable.iter().find(|a| {
        a.agent_type
            .as_ref()
            .is_some_and(|t| t.as_str().starts_with("outbound"))
    });
    outbound
        .or(usable.first())
        .map(|a| a.id.clone())
        .ok_or_else(|| {
            CliError::failed(
                "the workspace has no assistant; create one with `ringg assistants create` or in the dashboard",
            )
        })
}

/// A plausible value for a prompt variable the user did not give.
fn sample_value(name: &str) -> &'static str {
    let n = name.to_ascii_lowercase();
    if n.contains("company") || n.contains("business") {
        "Acme Corp"
    } else if n.contains("order") {
        "ORD-1042"
    } else if n.contains("date") {
        "tomorrow"
    } else if n.contains("amount") || n.contains("value") || n.contains("price") {
        "4999"
    } else if n.contains("product") {
        "Premium plan"
    } else {
        "example"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_values() {
        assert_eq!(sample_value("company_name"), "Acme Corp");
        assert_eq!(sample_value("order_id"), "ORD-1042");
        assert_eq!(sample_value("zzz"), "example");
    }
}
