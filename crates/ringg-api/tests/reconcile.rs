//! Duplicate-safe calls against the simulator over loopback: a call whose response was lost is
//! found by its client reference, not placed twice.

mod common;

use std::time::Duration;

use ringg_api::calls::{CLIENT_REFERENCE_KEY, ReconcileQuery, WaitOptions};
use ringg_api::journal::{
    CallEntry, Journal, JournalError, LaunchEntry, LaunchKey, SavedSubscriptions,
};
use ringg_api::transport::layers::RetryPolicy;
use ringg_api::types::calls::{CallerSource, InitiateCallRequest};
use ringg_api::types::{AgentId, ListId, NumberId, PhoneNumber};
use ringg_api::{Client, ErrorKind};
use ringg_sim::{FaultConfig, FaultKind, Simulator, demo};

fn client(sim: &ringg_sim::RunningSimulator) -> Client {
    common::client_builder(sim)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

/// A simulator that resets every call initiation before acting on it.
async fn resetting_sim() -> ringg_sim::RunningSimulator {
    Simulator::builder()
        .time_scale(0.0005)
        .faults(FaultConfig::none().with_operation(
            "initiateCallV2",
            1.0,
            Some(vec![FaultKind::ResetBeforeProcessing]),
        ))
        .start()
        .await
        .unwrap()
}

fn request(to: &str) -> InitiateCallRequest {
    InitiateCallRequest::new(
        AgentId::new(demo::AGENT_ID),
        "Asha",
        PhoneNumber::parse(to).unwrap(),
        CallerSource::FromNumberId(NumberId::new(demo::NUMBER_ID)),
    )
    .custom_arg("company_name", "Acme")
}

#[tokio::test]
async fn a_call_whose_response_was_lost_is_found_not_placed_twice() {
    let sim = Simulator::builder()
        .time_scale(0.0005)
        .faults(FaultConfig::none().with_operation(
            "initiateCallV2",
            1.0,
            Some(vec![FaultKind::ResetAfterProcessing]),
        ))
        .start()
        .await
        .unwrap();
    let client = client(&sim);
    let to = "+919811112222";

    // The server places the call, then drops the connection before answering.
    let err = client.calls().initiate(request(to)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
    let reference = err
        .client_reference()
        .expect("the error carries the reference")
        .to_string();
    assert!(
        err.hint()
            .unwrap()
            .contains(&format!("reconcile the client reference {reference}")),
        "{err}"
    );

    // The client did not retry on its own: exactly one call exists.
    let placed = sim.handle().calls();
    assert_eq!(placed.len(), 1, "the POST must be sent exactly once");
    assert_eq!(
        placed[0]
            .custom_args_values
            .get(CLIENT_REFERENCE_KEY)
            .and_then(|v| v.as_str()),
        Some(reference.as_str())
    );

    // Reconcile finds it, so the caller does not place it again.
    let found = client
        .calls()
        .reconcile(ReconcileQuery::new(&reference).agent_id(AgentId::new(demo::AGENT_ID)))
        .await
        .unwrap()
        .expect("the placed call is found");
    assert_eq!(found.id, placed[0].id);
    assert_eq!(
        sim.handle()
            .calls()
            .iter()
            .filter(|c| c.to_number == to)
            .count(),
        1
    );

    // And the call can be followed to the end.
    let done = client
        .calls()
        .wait_for_terminal_with(
            &found.id,
            WaitOptions {
                initial_interval: Duration::from_millis(20),
                max_interval: Duration::from_millis(100),
                timeout: Duration::from_secs(20),
                ..WaitOptions::default()
            },
        )
        .await
        .unwrap();
    assert!(done.call_status.unwrap().is_terminal());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_call_reset_before_processing_is_not_found_so_placing_it_again_is_safe() {
    let sim = resetting_sim().await;
    // No journal: the wait comes from the time the reference records.
    let client = common::client_builder(&sim)
        .settle_after(Duration::from_millis(400))
        .build()
        .unwrap();
    let err = client
        .calls()
        .initiate(request("+919811113333"))
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    assert!(sim.handle().calls().is_empty());
    let reference = err.client_reference().unwrap();
    // Right away, the request may still be answered (a server that received it late).
    let early = client.calls().reconcile(reference).await.unwrap_err();
    assert_eq!(early.kind(), ErrorKind::TooEarly, "{early}");
    assert!(
        early.to_string().contains("may still be answered until"),
        "{early}"
    );
    // Once its time is up, it is ruled out.
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert!(client.calls().reconcile(reference).await.unwrap().is_none());
    sim.shutdown().await;
}

#[tokio::test]
async fn another_client_waits_as_long_as_the_reference_says_its_sender_may() {
    let sim = resetting_sim().await;
    // The sender may wait an hour on its request; a client on another machine, without its
    // journal, has a wait of 400 ms of its own.
    let sender = common::client_builder(&sim)
        .total_timeout(Duration::from_secs(3600))
        .build()
        .unwrap();
    let err = sender
        .calls()
        .initiate(request("+919811117777"))
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    let reference = err.client_reference().unwrap().to_string();
    assert!(reference.ends_with("-3600s"), "{reference}");
    let other = || common::client_builder(&sim).settle_after(Duration::from_millis(400));
    // Past twice its own wait, the other client still waits for the sender's.
    tokio::time::sleep(Duration::from_millis(900)).await;
    let early = other()
        .build()
        .unwrap()
        .calls()
        .reconcile(&*reference)
        .await;
    let early = early.unwrap_err();
    assert_eq!(early.kind(), ErrorKind::TooEarly, "{early}");
    // Told that the sender is gone, it goes by its own wait.
    let told = other().ignore_recorded_waits().build().unwrap();
    assert!(told.calls().reconcile(&*reference).await.unwrap().is_none());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_user_supplied_reference_is_kept() {
    let sim = Simulator::builder()
        .time_scale(0.0005)
        .start()
        .await
        .unwrap();
    let client = client(&sim);
    let placed = client
        .calls()
        .initiate(request("+919811114444").custom_arg(CLIENT_REFERENCE_KEY, "order-42"))
        .await
        .unwrap();
    assert_eq!(placed.reference, "order-42");
    let found = client.calls().reconcile("order-42").await.unwrap().unwrap();
    assert_eq!(found.id, placed.call_id);
    // A reference of the caller's own records no time: missing means ruled out at once.
    assert!(
        client
            .calls()
            .reconcile("order-43")
            .await
            .unwrap()
            .is_none()
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_search_stopped_at_its_row_limit_is_neither_found_nor_ruled_out() {
    let sim = Simulator::builder()
        .time_scale(0.0005)
        .start()
        .await
        .unwrap();
    // 140 rows over the last 7 days: about 20 fall within reconcile's default 24 hours.
    sim.handle().seed_history(140);
    let client = client(&sim);
    let err = client
        .calls()
        .reconcile(ReconcileQuery::new("rr-never-sent").max_rows(5))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SearchLimit, "{err}");
    assert!(err.to_string().contains("after 5 history rows"), "{err}");
    assert!(err.hint().unwrap().contains("neither found nor ruled out"));
    // With room for every row, the same search rules the call out.
    let none = client.calls().reconcile("rr-never-sent").await.unwrap();
    assert!(none.is_none());
    // A search from the future could rule nothing out: refused before anything is sent.
    let before = sim.handle().stats().requests;
    let later = chrono::Utc::now() + chrono::Duration::minutes(5);
    let err = client
        .calls()
        .reconcile(
            ReconcileQuery::new("rr-never-sent")
                .since(ringg_api::types::common::Timestamp::from_datetime(&later)),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert_eq!(sim.handle().stats().requests, before);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_timed_out_initiation_is_not_ruled_out_before_its_request_could_be_carried_out() {
    // The server takes 1.5 s; the client gives up after 1 s and has no journal and no total
    // timeout, so its wait is the attempt timeout, counted from the failure.
    let sim = Simulator::builder()
        .time_scale(0.0005)
        .faults(FaultConfig::parse("op.initiateCallV2=1:latency,latency-ms=1500").unwrap())
        .start()
        .await
        .unwrap();
    let client = common::client_builder(&sim)
        .total_timeout(None)
        .attempt_timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let err = client
        .calls()
        .initiate(request("+919811115555"))
        .await
        .unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    let reference = err.client_reference().unwrap();
    let early = client.calls().reconcile(reference).await.unwrap_err();
    assert_eq!(early.kind(), ErrorKind::TooEarly, "{early}");
    // Once the wait is over, the answer is what the server did.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let placed = client.calls().reconcile(reference).await.unwrap();
    let on_server = sim.handle().calls();
    assert_eq!(placed.is_some(), !on_server.is_empty(), "{on_server:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn waiting_with_extreme_settings_neither_panics_nor_ends_early() {
    let (sim, client) = common::start(Simulator::builder().time_scale(0.0005)).await;
    let placed = client
        .calls()
        .initiate(request("+919811116666"))
        .await
        .unwrap();
    let done = client
        .calls()
        .wait_for_terminal_with(
            &placed.call_id,
            WaitOptions {
                initial_interval: Duration::from_millis(20),
                max_interval: Duration::from_millis(100),
                multiplier: f64::INFINITY,
                timeout: Duration::MAX,
                send_analysis: false,
            },
        )
        .await
        .unwrap();
    assert!(done.call_status.unwrap().is_terminal());
    sim.shutdown().await;
}

mockall::mock! {
    /// A journal whose reads of a call fail (a locked or unreachable store).
    #[derive(Debug)]
    Unreadable {}

    #[async_trait::async_trait]
    impl Journal for Unreadable {
        async fn put_call(&self, entry: &CallEntry) -> Result<(), JournalError>;
        async fn call(&self, reference: &str) -> Result<Option<CallEntry>, JournalError>;
        async fn pending_calls(&self) -> Result<Vec<CallEntry>, JournalError>;
        async fn put_launch(&self, entry: &LaunchEntry) -> Result<(), JournalError>;
        async fn launch(&self, key: &LaunchKey) -> Result<Option<LaunchEntry>, JournalError>;
        async fn launch_for_list(&self, list_id: &ListId) -> Result<Option<LaunchEntry>, JournalError>;
        async fn pending_launches(&self) -> Result<Vec<LaunchEntry>, JournalError>;
        async fn save_subscriptions(&self, saved: &SavedSubscriptions) -> Result<bool, JournalError>;
        async fn saved_subscriptions(&self) -> Result<Vec<SavedSubscriptions>, JournalError>;
        async fn forget_subscriptions(&self, agent_id: &AgentId) -> Result<(), JournalError>;
    }
}

#[tokio::test]
async fn a_journal_that_cannot_be_read_fails_only_a_reconcile_that_does_not_find_its_call() {
    let (sim, sender) = common::start(Simulator::builder().time_scale(0.0005)).await;
    let placed = sender
        .calls()
        .initiate(request("+919811118888"))
        .await
        .unwrap();
    let mut journal = MockUnreadable::new();
    journal
        .expect_call()
        .times(2)
        .returning(|_| Err(JournalError::store("database is locked")));
    let client = common::client_builder(&sim)
        .journal(std::sync::Arc::new(journal))
        .build()
        .unwrap();
    // The call is in the history: found, whatever the journal says.
    let found = client
        .calls()
        .reconcile(&*placed.reference)
        .await
        .unwrap()
        .expect("the placed call is found");
    assert_eq!(found.id, placed.call_id);
    // Not found: only the journal could say whether its request may still be answered, so the
    // call is not ruled out.
    let err = client
        .calls()
        .reconcile(&*client.calls().new_reference())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Journal, "{err}");
    assert!(err.to_string().contains("database is locked"), "{err}");
    sim.shutdown().await;
}

/// History rows do not document `custom_args_values` (§2.3.3; call details echo them,
/// §2.3.4). A history that answers `[]` (or `{}`) for them, while call details hold the real
/// ones, must not rule the row out: every call this SDK places carries its reference, so an
/// empty map is no echo, and call details are asked.
#[tokio::test]
async fn a_history_row_echoing_empty_variables_is_checked_through_call_details() {
    let base = common::scripted_server(std::sync::Arc::new(|path, q| {
        if path.ends_with("/calling/call-details") {
            let id = q.iter().find(|(k, _)| k == "id").map(|(_, v)| v.clone());
            return serde_json::json!({"status": "success", "data": {
                "id": id, "call_status": "completed",
                "custom_args_values": {CLIENT_REFERENCE_KEY: "ref-lost", "callee_name": "Asha"}
            }});
        }
        serde_json::json!({
            "calls": [{"id": "call-1", "status": "completed", "to_number": "+919800000001",
                       "custom_args_values": []}],
            "limit": 100, "offset": 0, "count": 1, "total": 1
        })
    }))
    .await;
    let found = common::client_for(&base)
        .calls()
        .reconcile(ReconcileQuery::new("ref-lost"))
        .await
        .unwrap();
    assert_eq!(found.map(|r| r.id.to_string()).as_deref(), Some("call-1"));
}
