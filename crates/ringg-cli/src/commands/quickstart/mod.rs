//! `ringg quickstart`: Ringg's recommended integration order, end to end, step by step.
//!
//! Without `--base-url` it starts a simulator and a webhook receiver in-process, so the whole
//! run needs no account and takes a few seconds. With `--base-url` it runs the same steps
//! against that server, and places a real call only with `--to` and `--yes`.

pub(crate) mod args;

use std::time::Duration;

use ringg_api::Client;
use ringg_api::calls::{PlacedCall, WaitOptions};
use ringg_api::client::is_loopback_url;
use ringg_api::types::analytics::{AnalyticsQuery, PlatformAnalyticsResponse};
use ringg_api::types::assistants::AssistantDetails;
use ringg_api::types::calls::InitiateCallRequest;
use ringg_api::types::calls::{CallDetails, CallHistoryQuery, CallHistoryResponse, CallerSource};
use ringg_api::types::numbers::WorkspaceNumber;
use ringg_api::types::webhook::{EventSubscription, EventType, WebhookEvent};
use ringg_api::types::{AgentId, CallId, CallStatus, NumberId, PhoneNumber};
use ringg_sim::{CallOutcome, RunningSimulator, Simulator};
use ringg_webhooks::{HandlerError, WebhookReceiver};
use serde::Serialize;
use serde_json::{Map, Value};
use tokio::sync::{mpsc, oneshot};

use crate::args::{id, phone};
use crate::context::{Ctx, Lines, build_client};
use crate::error::CliError;
use crate::output::{self, kv_table, num, print_json, to_value};
use crate::render;
use args::QuickstartArgs;

/// The header carrying the webhook secret.
const SECRET_HEADER: &str = "X-Webhook-Secret";
/// The number the simulator's call goes to.
const DEMO_TO: &str = "+919876543210";
/// Steps in the integration order.
const STEPS: usize = 9;

/// Everything the run learned, for `--output json`.
#[derive(Debug, Serialize)]
struct Report {
    mode: &'static str,
    base_url: String,
    workspace: Value,
    assistant: AssistantSummary,
    number: WorkspaceNumber,
    webhooks: WebhookSummary,
    call: CallSummary,
    details: CallDetails,
    history: CallHistoryResponse,
    analytics: PlatformAnalyticsResponse,
}

#[derive(Debug, Serialize)]
struct AssistantSummary {
    id: AgentId,
    name: Option<String>,
    variables: Vec<String>,
}

#[derive(Debug, Serialize)]
struct WebhookSummary {
    subscribed_url: Option<String>,
    events: Vec<WebhookEvent>,
}

#[derive(Debug, Serialize)]
struct CallSummary {
    call_id: CallId,
    client_reference: String,
    to: String,
    variables: Map<String, Value>,
    status_changes: Vec<String>,
    final_status: Option<CallStatus>,
}

/// The local webhook receiver.
struct Receiver {
    url: String,
    secret: String,
    events: mpsc::UnboundedReceiver<WebhookEvent>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Receiver {
    async fn start() -> Result<Self, CliError> {
        let secret = uuid::Uuid::new_v4().simple().to_string();
        let (tx, events) = mpsc::unbounded_channel();
        let receiver = WebhookReceiver::builder()
            .secret_header(SECRET_HEADER)
            .secret(secret.clone())
            .handler(move |event: WebhookEvent| {
                let tx = tx.clone();
                async move {
                    tx.send(event)
                        .map_err(|_| HandlerError::msg("the quickstart has finished"))?;
                    Ok::<(), HandlerError>(())
                }
            })
            .build()
            .map_err(|e| CliError::failed(format!("could not set up the webhook receiver: {e}")))?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| CliError::io("could not listen on 127.0.0.1", &e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| CliError::io("could not read the receiver's address", &e))?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(ringg_webhooks::serve_with_shutdown(
            listener,
            receiver,
            async move {
                let _ = stopped.await;
            },
        ));
        Ok(Self {
            url: format!("http://{addr}/webhooks/ringg"),
            secret,
            events,
            stop: Some(stop),
            task,
        })
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(2), &mut self.task).await;
    }
}

/// Step narration: stdout for tables, stderr for `--output json` (stdout then holds only the
/// JSON document).
struct Narrator {
    lines: Lines,
    silent: bool,
}

impl Narrator {
    fn step(&self, n: usize, title: &str) {
        self.say(format!("\n[{n}/{STEPS}] {title}"));
    }

    fn say(&self, text: impl AsRef<str>) {
        if !self.silent {
            self.lines.line(text);
        }
    }

    fn detail(&self, text: impl AsRef<str>) {
        for l in text.as_ref().lines() {
            self.say(format!("      {l}"));
        }
    }
}

/// How long the quickstart waits for the call and its webhooks without --timeout.
const DEFAULT_WAIT_SECS: u64 = 120;

pub(crate) async fn run(ctx: &mut Ctx, mut args: QuickstartArgs) -> Result<(), CliError> {
    if let Some(path) = args.webhook_secret_file.take() {
        args.webhook_secret =
            Some(crate::secret::read_secret_file("--webhook-secret-file", path).await?);
    }
    let remote = if ctx.global.sim {
        None
    } else {
        ctx.global.base_url.clone().filter(|u| !u.trim().is_empty())
    };
    if let Some(base) = &remote
        && (args.to.is_none() || !args.yes)
    {
        return Err(CliError::usage(format!(
            "quickstart against {base} places a real phone call; pass --to <E164> and --yes to confirm it (or drop --base-url to run against the local simulator)"
        )));
    }
    if !(args.time_scale.is_finite() && args.time_scale > 0.0) {
        return Err(CliError::usage(format!(
            "--time-scale must be a positive number (0.01 makes a 3-minute call take 1.8 s), got {}",
            args.time_scale
        )));
    }
    let to = match &args.to {
        Some(t) => phone("--to", t)?,
        None => phone("--to", DEMO_TO)?,
    };
    let json = ctx.out.json();
    let narrator = Narrator {
        lines: Lines::new(ctx.idle_spinner(), json),
        silent: json && ctx.out.quiet,
    };

    // The server: an in-process simulator, or the one given.
    let sim: Option<RunningSimulator> = match remote {
        None => Some(
            Simulator::builder()
                .time_scale(args.time_scale)
                .seed(args.seed)
                .start()
                .await
                .map_err(|e| {
                    CliError::failed(format!("could not start the local simulator: {e}"))
                })?,
        ),
        Some(_) => None,
    };
    let client = match &sim {
        Some(s) => {
            // The demo's callee picks up, so the run reaches `completed`.
            s.handle()
                .script_outcomes(to.as_str(), [CallOutcome::Answered]);
            build_client(&s.base_url(), s.api_key(), ctx.request_timeout)?
        }
        None => ctx.client().await?,
    };
    let loopback = is_loopback_url(client.base_url());
    match &sim {
        Some(s) => narrator.say(format!(
            "ringg quickstart: a local simulator at {} (time scale {}, seed {}), no account needed",
            s.base_url(),
            args.time_scale,
            args.seed
        )),
        None => narrator.say(format!("ringg quickstart against {}", client.base_url())),
    }

    // A receiver on this machine, when the server can reach it.
    let mut receiver = if loopback {
        let r = Receiver::start().await?;
        narrator.say(format!(
            "webhook receiver on {} (checks a random secret in {SECRET_HEADER})",
            r.url
        ));
        Some(r)
    } else {
        None
    };

    let result = steps(
        &client,
        &args,
        &to,
        &narrator,
        receiver.as_mut(),
        sim.is_some(),
        ctx.wait_timeout(DEFAULT_WAIT_SECS),
    )
    .await;
    if let Some(r) = receiver {
        r.stop().await;
    }
    if let Some(s) = sim {
        s.shutdown().await;
    }
    let report = result?;
    if json {
        print_json(&report)?;
    }
    Ok(())
}

async fn steps(
    client: &Client,
    args: &QuickstartArgs,
    to: &PhoneNumber,
    n: &Narrator,
    mut receiver: Option<&mut Receiver>,
    embedded: bool,
    wait: Duration,
) -> Result<Report, CliError> {
    // 1. Verify the key and read the credits.
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

    // 2. Pick an assistant and read its variables.
    n.step(
        2,
        "Pick an assistant and read its variables (GET /agent/all, GET /agent/{id})",
    );
    let agent_id: AgentId = match &args.agent {
        Some(a) => id("assistant", a)?,
        None => pick_assistant(client).await?,
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

    // 3. Pick a caller number.
    n.step(3, "Pick a caller number (GET /workspace/numbers)");
    let numbers = client.numbers().list(20, 0).await?.workspace_numbers;
    let number = match &args.from_number_id {
        Some(want) => numbers
            .into_iter()
            .find(|x| x.id.as_str() == want)
            .ok_or_else(|| {
                CliError::failed(format!(
                    "the workspace has no number with id {want}; list them with `ringg numbers list`"
                ))
            })?,
        None => numbers
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

    // 4. Subscribe the assistant's webhooks.
    n.step(
        4,
        "Subscribe the assistant's webhooks (PATCH /agent/v1 edit_event_subscriptions)",
    );
    let previous = details.event_subscriptions().map(<[_]>::to_vec);
    let subscription = match (&mut receiver, &args.webhook_url) {
        (Some(r), _) => Some((r.url.clone(), r.secret.clone())),
        (None, Some(url)) => Some((url.clone(), args.webhook_secret.clone().unwrap_or_default())),
        (None, None) => None,
    };
    let subscribed_url = match &subscription {
        Some((url, secret)) => {
            let sub = EventSubscription::new(EventType::KNOWN.to_vec(), url.clone())
                .header(SECRET_HEADER, secret.clone());
            let (_, merged) = client
                .assistants()
                .subscribe_webhooks(&agent_id, vec![sub])
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

    // 5. Place the call.
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
    for var in &variables {
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
    let placed: PlacedCall = client.calls().initiate(request).await?;
    let call_id = placed.call_id.clone();
    n.detail(format!(
        "call {call_id} to {} ({}); client reference {}",
        to, args.name, placed.reference
    ));
    n.detail(format!("variables: {}", render::variables(&call_vars)));

    // 6. Wait for the call, printing status changes and webhook events as they come.
    n.step(
        6,
        "Wait for the call (GET /calling/call-details) and receive its webhooks",
    );
    let initial = placed
        .response
        .call_status()
        .map(|s| s.as_str().to_string());
    let expect_webhooks = receiver.is_some() && subscribed_url.is_some();
    let waited = wait_for_call(
        client,
        &call_id,
        initial,
        receiver,
        expect_webhooks,
        embedded,
        wait,
        n,
    )
    .await?;

    if !embedded && expect_webhooks {
        // The local receiver stops with this command: put the assistant's subscriptions back.
        client
            .assistants()
            .edit_event_subscriptions(&agent_id, previous.unwrap_or_default())
            .await?;
        n.detail("restored the assistant's previous webhook subscriptions (the local receiver stops with this command)");
    }

    // 7. Transcript and analysis.
    n.step(
        7,
        "Transcript and analysis (GET /calling/call-details?send_analysis=true)",
    );
    let call = client.calls().details(&call_id, true).await?;
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

    // 8. History.
    n.step(8, "Call history, first page (GET /calling/history)");
    let history = client
        .calls()
        .history(&CallHistoryQuery::default().limit(10u32).offset(0u32))
        .await?;
    n.detail(render::call_table(&history.calls).to_string());
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

    // 9. Analytics.
    n.step(
        9,
        "Analytics, last 30 days (GET /analytics/platform-analytics)",
    );
    let analytics = client
        .analytics()
        .platform(&AnalyticsQuery::default())
        .await?;
    let mut rows = Vec::new();
    if let Some(m) = analytics.metrics_summary.as_ref() {
        output::flatten("", m, &mut rows);
    }
    if rows.is_empty() {
        n.detail("no metrics returned");
    } else {
        n.detail(kv_table(rows).to_string());
    }

    // Summary.
    let after = client.workspace().info().await?;
    let credits_after = after.workspace_info.credits.as_ref().map(|c| c.as_f64());
    let final_status = call.call_status.clone().or(waited.status.clone());
    n.say("\nSummary");
    n.detail(format!(
        "call {call_id}: {}{}",
        final_status
            .as_ref()
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|| "status unknown".into()),
        waited
            .duration
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

    Ok(Report {
        mode: if embedded { "simulator" } else { "server" },
        base_url: client.base_url().to_string(),
        workspace,
        assistant: AssistantSummary {
            id: agent_id,
            name: agent_name,
            variables,
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

/// The first outbound assistant (or the first one).
async fn pick_assistant(client: &Client) -> Result<AgentId, CliError> {
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

/// What the wait saw.
struct Waited {
    status: Option<CallStatus>,
    changes: Vec<String>,
    events: Vec<WebhookEvent>,
    duration: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn wait_for_call(
    client: &Client,
    call_id: &CallId,
    initial: Option<String>,
    mut receiver: Option<&mut Receiver>,
    expect_webhooks: bool,
    embedded: bool,
    timeout: Duration,
    n: &Narrator,
) -> Result<Waited, CliError> {
    let poll = if embedded {
        Duration::from_millis(100)
    } else {
        Duration::from_secs(2)
    };
    let options = WaitOptions {
        initial_interval: poll,
        max_interval: poll * 5,
        multiplier: 1.5,
        timeout,
        send_analysis: false,
    };
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
    let mut ticker = tokio::time::interval(poll);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
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
