//! Ringg's recommended integration order (ringg-api.md §4.1) through `ringg-api` against the
//! simulator over loopback, ending with the six documented webhook events received by a local
//! `ringg-webhooks` receiver, each exactly once.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ringg_api::calls::WaitOptions;
use ringg_api::types::assistants::{AgentEdit, CustomAnalysisPrompt, EditAssistantRequest};
use ringg_api::types::calls::{CallHistoryQuery, CallerSource, InitiateCallRequest};
use ringg_api::types::webhook::{EventSubscription, EventType};
use ringg_api::types::{CallStatus, PhoneNumber};
use ringg_sim::{CallOutcome, Simulator};
use ringg_webhooks::{HandlerError, WebhookEvent, WebhookReceiver};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recommended_integration_order_ends_with_all_six_webhook_events() {
    let (sim, client) = common::start(Simulator::builder().time_scale(0.002).seed(41)).await;

    // A local receiver that records what it is handed.
    let seen: Arc<Mutex<Vec<WebhookEvent>>> = Arc::default();
    let sink = seen.clone();
    let receiver = WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret("s3cret")
        .handler(move |event: WebhookEvent| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push(event);
                Ok::<_, HandlerError>(())
            }
        })
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let callback = format!("http://{}/ringg", listener.local_addr().unwrap());
    tokio::spawn(ringg_webhooks::serve(listener, receiver));

    // 1. the key works and there are credits
    let info = client.workspace().info().await.unwrap();
    let credits_before = info.workspace_info.credits.as_ref().unwrap().as_f64();
    assert!(credits_before > 0.0);

    // 2. pick an assistant and read its variables
    let list = client.assistants().list(20, 0).await.unwrap();
    let agent_id = list
        .agents
        .first()
        .expect("the demo workspace has assistants")
        .id
        .clone();
    let agent = client.assistants().get(&agent_id).await.unwrap();
    let variables: Vec<String> = agent
        .custom_variable_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(
        variables.iter().any(|v| v == "callee_name"),
        "{variables:?}"
    );

    // 3. pick a caller number
    let numbers = client.numbers().list(20, 0).await.unwrap();
    let number_id = numbers.workspace_numbers.first().unwrap().id.clone();

    // 4. subscribe the webhooks (and define a custom analysis, so client_analysis_completed fires)
    client
        .assistants()
        .edit(&EditAssistantRequest::new(
            agent_id.clone(),
            AgentEdit::EditCustomAnalysisPrompt {
                custom_analysis_prompt: Some(CustomAnalysisPrompt {
                    prompt: Some("Did the customer agree to renew?".into()),
                    keys: Some(
                        serde_json::from_value(serde_json::json!({"renewal": "boolean"})).unwrap(),
                    ),
                    defaults: None,
                    extra: Default::default(),
                }),
            },
        ))
        .await
        .unwrap();
    let subscription = EventSubscription::new(
        vec![
            EventType::CallStarted,
            EventType::CallCompleted,
            EventType::RecordingCompleted,
            EventType::PlatformAnalysisCompleted,
            EventType::ClientAnalysisCompleted,
            EventType::AllProcessingCompleted,
        ],
        callback,
    )
    .header("X-Webhook-Secret", "s3cret");
    client
        .assistants()
        .subscribe_webhooks(&agent_id, vec![subscription])
        .await
        .unwrap();

    // 5. place a call (answered on the first attempt)
    let to = "+919876500001";
    sim.handle().script_outcomes(to, [CallOutcome::Answered]);
    let mut req = InitiateCallRequest::new(
        agent_id.clone(),
        "Asha",
        PhoneNumber::parse(to).unwrap(),
        CallerSource::FromNumberId(number_id),
    );
    for v in &variables {
        if v != "callee_name" && v != "mobile_number" {
            req = req.custom_arg(v.clone(), format!("value of {v}"));
        }
    }
    let placed = client.calls().initiate(req).await.unwrap();

    // 6. poll until terminal, and receive the webhooks
    let done = client
        .calls()
        .wait_for_terminal_with(
            &placed.call_id,
            WaitOptions {
                initial_interval: Duration::from_millis(20),
                max_interval: Duration::from_millis(100),
                timeout: Duration::from_secs(30),
                ..WaitOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(done.call_status, Some(CallStatus::Completed));
    assert!(done.transcript().is_some_and(|t| !t.turns().is_empty()));
    assert!(done.platform_analysis.as_ref().is_some());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let got_all = seen
            .lock()
            .unwrap()
            .iter()
            .any(|e| e.event_type() == EventType::AllProcessingCompleted);
        if got_all || tokio::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await; // stragglers, if any, would show up
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for e in seen.lock().unwrap().iter() {
        assert_eq!(e.call_id(), Some(&placed.call_id));
        *counts.entry(e.event_type().to_string()).or_default() += 1;
    }
    let expected: BTreeMap<String, usize> = [
        "call_started",
        "call_completed",
        "recording_completed",
        "platform_analysis_completed",
        "client_analysis_completed",
        "all_processing_completed",
    ]
    .into_iter()
    .map(|e| (e.to_string(), 1))
    .collect();
    assert_eq!(counts, expected);

    // 7. history and analytics see the call, and credits were spent
    let history = client
        .calls()
        .history(&CallHistoryQuery::default())
        .await
        .unwrap();
    assert!(history.calls.iter().any(|c| c.id == placed.call_id));
    let analytics = client
        .analytics()
        .platform(&Default::default())
        .await
        .unwrap();
    assert!(
        serde_json::to_value(&analytics)
            .unwrap()
            .get("metrics_summary")
            .is_some()
    );
    let after = client.workspace().info().await.unwrap();
    assert!(after.workspace_info.credits.as_ref().unwrap().as_f64() < credits_before);
    sim.shutdown().await;
}
