//! `ringg webhooks subscribe | listen`.

use ringg_api::types::AgentId;
use ringg_api::types::webhook::{EventSubscription, EventType, WebhookEvent, WebhookMethod};
use ringg_webhooks::{HandlerError, OutputFormat, WebhookReceiver};

use crate::cli::WebhooksCmd;
use crate::commands::assistants::subscription_text;
use crate::commands::id;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{emit, emit_text, print_json, print_table, table};

/// The environment variable read for `webhooks listen`'s secret.
const SECRET_ENV: &str = "RINGG_WEBHOOK_SECRET";

pub(crate) async fn run(ctx: &mut Ctx, cmd: WebhooksCmd) -> Result<(), CliError> {
    match cmd {
        WebhooksCmd::Subscribe {
            agent,
            url,
            events,
            headers,
            method,
        } => subscribe(ctx, &agent, &url, &events, headers, &method).await,
        WebhooksCmd::Listen {
            port,
            secret,
            secret_file,
            secret_header,
        } => {
            // --secret and --secret-file exclude each other (clap); either wins over the
            // environment.
            let secret = match (secret, secret_file) {
                (Some(s), _) => s,
                (None, Some(path)) => {
                    crate::secret::read_secret_file("--secret-file", path).await?
                }
                (None, None) => std::env::var(SECRET_ENV).map_err(|_| {
                    CliError::usage(format!(
                        "no webhook secret; set {SECRET_ENV} or pass --secret-file PATH (`-` reads stdin) with the value your subscription's header carries"
                    ))
                })?,
            };
            listen(ctx, port, secret, &secret_header).await
        }
    }
}

/// The event types named on the command line (`all` = every documented one).
fn event_types(names: &[String]) -> Result<Vec<EventType>, CliError> {
    let mut out: Vec<EventType> = Vec::new();
    for n in names.iter().flat_map(|n| n.split(',')) {
        let n = n.trim();
        if n.eq_ignore_ascii_case("all") {
            for t in EventType::KNOWN {
                if !out.contains(t) {
                    out.push(t.clone());
                }
            }
            continue;
        }
        let t = EventType::from(n);
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

async fn subscribe(
    ctx: &mut Ctx,
    agent: &str,
    url: &str,
    events: &[String],
    headers: Vec<(String, String)>,
    method: &str,
) -> Result<(), CliError> {
    let agent_id: AgentId = id("assistant", agent)?;
    let parsed = url::Url::parse(url.trim()).map_err(|e| {
        CliError::usage(format!(
            "--url {url:?} is not a URL ({e}); give the receiver's full https:// URL"
        ))
    })?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(CliError::usage(format!(
            "--url must be an https:// URL (Ringg requires HTTPS receivers), got {url:?}"
        )));
    }
    if parsed.scheme() == "http" && !crate::commands::is_loopback(url) {
        ctx.out.note("warning: Ringg requires HTTPS receivers; a plain http:// URL only works with a local simulator");
    }
    let types = event_types(events)?;
    let mut sub = EventSubscription::new(types, url.trim()).method(WebhookMethod::from(method));
    for (k, v) in headers {
        sub = sub.header(k, v);
    }
    let client = ctx.client().await?;
    let (resp, merged) = client
        .assistants()
        .subscribe_webhooks(&agent_id, vec![sub])
        .await?;
    if ctx.out.json() {
        // Header values are usually shared secrets; print_json masks them.
        let value = serde_json::json!({ "response": resp, "event_subscriptions": merged });
        return print_json(&value);
    }
    emit_text(format!(
        "assistant {agent_id} now has {} webhook subscription(s):",
        merged.len()
    ));
    let mut t = table(&["#", "SUBSCRIPTION"]);
    for (i, s) in merged.iter().enumerate() {
        t.add_row(vec![(i + 1).to_string(), subscription_text(s)]);
    }
    print_table(&t);
    Ok(())
}

async fn listen(ctx: &Ctx, port: u16, secret: String, header: &str) -> Result<(), CliError> {
    if secret.trim().is_empty() {
        return Err(CliError::usage(
            "--secret is empty; give the value your subscription's header carries",
        ));
    }
    let json = ctx.out.json();
    let receiver = WebhookReceiver::builder()
        .secret_header(header)
        .secret(secret)
        .handler(move |event: WebhookEvent| async move {
            if json {
                emit(OutputFormat::Json.render(&event));
            } else {
                emit(ringg_webhooks::OutputFormat::Text.render(&event));
            }
            Ok::<(), HandlerError>(())
        })
        .build()
        .map_err(|e| CliError::usage(format!("{e}")))?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| {
            CliError::failed(format!(
                "cannot listen on 127.0.0.1:{port}: {e}; pick another --port (0 picks a free one)"
            ))
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| CliError::io("could not read the listening address", &e))?;
    let expects = if header.eq_ignore_ascii_case("authorization") {
        "Authorization: Bearer <secret>".to_string()
    } else {
        format!("{header}: <secret>")
    };
    // Always on stderr (even with --quiet): it says where to point the subscription.
    crate::output::err_line(format!(
        "listening on http://{addr}/ (deliveries must carry {expects}); Ctrl-C stops"
    ));
    ringg_webhooks::serve_with_shutdown(listener, receiver, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|e| CliError::failed(format!("the receiver stopped: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names() {
        assert_eq!(
            event_types(&["all".into()]).unwrap().len(),
            EventType::KNOWN.len()
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
