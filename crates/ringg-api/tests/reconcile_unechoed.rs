//! `reconcile` against a server that answers in Ringg's documented shapes and defaults: neither
//! the history row (§2.3.3) nor the call details (§2.3.4) carry `custom_args_values`, so a call
//! there cannot be told to be ours or not, and is never ruled out; and the history's documented
//! `end_date` default is a fixed day in 2025.

mod common;

use std::sync::Arc;

use ringg_api::ErrorKind;
use ringg_api::calls::ReconcileQuery;

/// A history of one call to +919800000001 created at `created`, whose details carry
/// `variables` (`None`: the field left out, as documented).
async fn server(created: String, variables: Option<serde_json::Value>) -> String {
    common::scripted_server(Arc::new(move |path, q| {
        if path.ends_with("/calling/call-details") {
            let id = q.iter().find(|(k, _)| k == "id").map(|(_, v)| v.clone());
            let mut data = serde_json::json!({
                "id": id, "call_direction": "outbound", "call_status": "completed",
                "call_sub_status": "ACCEPTED", "from_number": "+918035736726",
                "to_number": "+919800000001", "callee_name": "Asha",
                "agent_id": "830f767a-397e-4b39-82ff-235cd344e2f9"
            });
            if let Some(v) = &variables {
                data["custom_args_values"] = v.clone();
            }
            return serde_json::json!({"status": "success", "data": data});
        }
        serde_json::json!({
            "calls": [{"id": "call-1", "status": "completed", "to_number": "+919800000001",
                       "name": "Asha", "created_at": created, "call_type": "outbound",
                       "from_numbers": ["+918035736726"]}],
            "limit": 100, "offset": 0, "count": 1, "total": 1
        })
    }))
    .await
}

fn an_hour_ago() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now() - chrono::Duration::hours(1)
}

#[tokio::test]
async fn a_call_whose_variables_are_shown_nowhere_is_not_ruled_out() {
    let created = (an_hour_ago() + chrono::Duration::seconds(1)).to_rfc3339();
    let base = server(created, None).await;
    let err = common::client_for(&base)
        .calls()
        .reconcile(ReconcileQuery::new("ref-lost").since(
            ringg_api::types::common::Timestamp::from_datetime(&an_hour_ago()),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unverifiable, "{err}");
    let message = err.to_string();
    assert!(
        message.contains("call-1") && message.contains("custom_args_values"),
        "{message}"
    );
}

/// A reference this SDK made an hour ago (its time and wait are in it): the answer `ringg
/// calls reconcile` would otherwise print as "it was not placed".
#[tokio::test]
async fn an_sdk_reference_from_an_hour_ago_is_not_ruled_out_without_an_echo() {
    let made = an_hour_ago();
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, made.timestamp() as u64, 0);
    let reference = format!("rr-{}-300s", uuid::Uuid::new_v7(ts).simple());
    assert!(ringg_api::calls::reference_time(&reference).is_some());
    let created = (made + chrono::Duration::seconds(1)).to_rfc3339();
    let base = server(created, None).await;
    let err = common::client_for(&base)
        .calls()
        .reconcile(ReconcileQuery::new(reference.clone()).to_number("+919800000001"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unverifiable, "{err}");
}

#[tokio::test]
async fn details_that_show_other_or_no_variables_rule_the_call_out() {
    for variables in [
        serde_json::json!({}),
        serde_json::json!({"ringg_client_ref": "someone-else"}),
    ] {
        let created = (an_hour_ago() + chrono::Duration::seconds(1)).to_rfc3339();
        let base = server(created, Some(variables.clone())).await;
        let got = common::client_for(&base)
            .calls()
            .reconcile(ReconcileQuery::new("ref-lost").since(
                ringg_api::types::common::Timestamp::from_datetime(&an_hour_ago()),
            ))
            .await;
        assert!(matches!(got, Ok(None)), "{variables}: {got:?}");
    }
}

#[tokio::test]
async fn the_search_names_its_end_so_a_stale_default_end_hides_nothing() {
    let created = (an_hour_ago() + chrono::Duration::seconds(1)).to_rfc3339();
    let base = common::scripted_server(Arc::new(move |_path, q| {
        // The schema's default end, applied when none is sent: nothing after it.
        let end = q
            .iter()
            .find(|(k, _)| k == "end_date")
            .map(|(_, v)| v.clone());
        let shows = end.is_some_and(|e| {
            chrono::DateTime::parse_from_rfc3339(&e).is_ok_and(|e| e > chrono::Utc::now())
        });
        let calls = if shows {
            serde_json::json!([{"id": "call-1", "status": "completed",
                "to_number": "+919800000001", "created_at": created,
                "custom_args_values": {"ringg_client_ref": "ref-found"}}])
        } else {
            serde_json::json!([])
        };
        serde_json::json!({"calls": calls, "limit": 100, "offset": 0, "total": 1})
    }))
    .await;
    let found = common::client_for(&base)
        .calls()
        .reconcile(ReconcileQuery::new("ref-found").since(
            ringg_api::types::common::Timestamp::from_datetime(&an_hour_ago()),
        ))
        .await
        .unwrap();
    assert_eq!(found.map(|c| c.id.to_string()), Some("call-1".to_string()));
}

/// A pending initiation whose candidate call cannot be checked stays pending through
/// `settle_pending` (never "not placed"), and is settled by hand once looked at.
#[tokio::test]
async fn an_unverifiable_initiation_stays_pending_until_settled_by_hand() {
    use ringg_api::journal::{CallOutcome, MemoryJournal};
    let made = an_hour_ago();
    let created = (made + chrono::Duration::seconds(1)).to_rfc3339();
    let base = server(created, None).await;
    let journal = Arc::new(MemoryJournal::new());
    pend(&*journal, "ref-pending", "+919800000001", made).await;
    let client = ringg_api::Client::builder()
        .ignore_env()
        .api_key("test-key")
        .base_url(&base)
        .journal(journal.clone())
        .build()
        .unwrap();
    let settled = client.calls().settle_pending().await.unwrap();
    assert_eq!(settled.len(), 1);
    let err = settled[0].result.as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unverifiable, "{err}");
    assert_eq!(err.client_reference(), Some("ref-pending"));
    assert_eq!(
        client.calls().pending().await.unwrap().len(),
        1,
        "still pending"
    );

    let entry = client
        .calls()
        .settle_by_hand(
            "ref-pending",
            CallOutcome::Placed {
                call_id: ringg_api::types::CallId::new("call-1"),
            },
        )
        .await
        .unwrap();
    assert!(entry.is_settled());
    assert!(client.calls().pending().await.unwrap().is_empty());
    let again = client
        .calls()
        .settle_by_hand("ref-pending", CallOutcome::NotPlaced)
        .await
        .unwrap_err();
    assert_eq!(again.kind(), ErrorKind::InvalidInput, "{again}");
    // Initiations to another number, and one whose request may still be answered.
    for (reference, to, recorded_at) in [
        ("ref-other", "+919800000002", made),
        ("ref-now", "+919800000001", chrono::Utc::now()),
    ] {
        pend(&*journal, reference, to, recorded_at).await;
    }
    let call_1 = || CallOutcome::Placed {
        call_id: ringg_api::types::CallId::new("call-1"),
    };
    let other = client
        .calls()
        .settle_by_hand("ref-other", call_1())
        .await
        .unwrap_err();
    assert_eq!(other.kind(), ErrorKind::InvalidInput, "{other}");
    let early = client
        .calls()
        .settle_by_hand("ref-now", CallOutcome::NotPlaced)
        .await
        .unwrap_err();
    assert_eq!(early.kind(), ErrorKind::TooEarly, "{early}");
    let unknown = client
        .calls()
        .settle_by_hand("ref-unknown", CallOutcome::NotPlaced)
        .await
        .unwrap_err();
    assert_eq!(unknown.kind(), ErrorKind::NotFound, "{unknown}");
    let refused = client
        .calls()
        .settle_by_hand("ref-pending", CallOutcome::Unknown { reason: "x".into() })
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::InvalidInput, "{refused}");
}

/// A call recorded as placed by hand must have been made after the initiation was recorded,
/// to its whole number.
#[tokio::test]
async fn settling_by_hand_refuses_an_older_call_or_a_near_number() {
    use ringg_api::journal::{CallOutcome, MemoryJournal};
    let made = an_hour_ago();
    let two_hours_ago = (made - chrono::Duration::hours(1)).to_rfc3339();
    let base = common::scripted_server(Arc::new(move |_path, q| {
        let id = q.iter().find(|(k, _)| k == "id").map(|(_, v)| v.clone());
        let (to, at) = match id.as_deref() {
            Some("call-old") => ("+919800000001", two_hours_ago.clone()),
            // The same last seven digits, another number.
            Some("call-near") => ("+919810000001", chrono::Utc::now().to_rfc3339()),
            _ => ("919800000001", chrono::Utc::now().to_rfc3339()),
        };
        serde_json::json!({"status": "success", "data": {
            "id": id, "call_status": "completed", "to_number": to,
            "agent_id": "830f767a-397e-4b39-82ff-235cd344e2f9", "initiation_time": at}})
    }))
    .await;
    let journal = Arc::new(MemoryJournal::new());
    pend(&*journal, "ref-1", "+919800000001", made).await;
    let client = ringg_api::Client::builder()
        .ignore_env()
        .api_key("test-key")
        .base_url(&base)
        .journal(journal)
        .build()
        .unwrap();
    let placed = |id: &str| CallOutcome::Placed {
        call_id: ringg_api::types::CallId::new(id),
    };
    for (call, why) in [("call-old", "before"), ("call-near", "+919810000001")] {
        let err = client
            .calls()
            .settle_by_hand("ref-1", placed(call))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
        assert!(err.to_string().contains(why), "{err}");
    }
    // The same number without its +, made after the initiation: it.
    client
        .calls()
        .settle_by_hand("ref-1", placed("call-ok"))
        .await
        .unwrap();
}

/// Records a pending initiation to `to` by the demo assistant, recorded at `recorded_at`.
async fn pend(
    journal: &dyn ringg_api::journal::Journal,
    reference: &str,
    to: &str,
    recorded_at: chrono::DateTime<chrono::Utc>,
) {
    use ringg_api::journal::{CallEntry, CallIntent};
    journal
        .put_call(&CallEntry::new(CallIntent {
            reference: reference.into(),
            operation: "initiateCallV2".into(),
            agent_id: ringg_api::types::AgentId::new("830f767a-397e-4b39-82ff-235cd344e2f9"),
            to_number: to.into(),
            caller: "from_number_id:n1".into(),
            recorded_at,
            settle_after: None,
        }))
        .await
        .unwrap();
}
