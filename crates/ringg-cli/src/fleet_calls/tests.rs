use super::*;
use ringg_api::journal::CallOutcome;

fn entry(reference: &str, outcome: Option<CallOutcome>) -> CallEntry {
    let mut entry = CallEntry::new(CallIntent {
        reference: reference.to_owned(),
        operation: "initiateCallV2".to_owned(),
        agent_id: AgentId::new("a-1"),
        to_number: "+919876543210".to_owned(),
        caller: "from_number_id:n-1".to_owned(),
        recorded_at: Utc::now(),
        settle_after: None,
    });
    entry.outcome = outcome;
    entry
}

#[test]
fn a_key_holds_its_entry_and_only_calls_that_may_exist_stop_another() {
    let pending = entry("rr-1\nx", None);
    let value = value_of(&pending).unwrap();
    assert!(value.starts_with("rr-1\nx\n"));
    // The JSON after the last line break is the entry, whatever its reference holds.
    assert_eq!(entry_of(&value), Some(pending.clone()));
    assert_eq!(entry_of("rr-1 no entry"), None);
    let placed = Some(CallOutcome::Placed {
        call_id: ringg_api::types::CallId::new("c-1"),
    });
    let unknown = Some(CallOutcome::Unknown {
        reason: "reset".to_owned(),
    });
    for (outcome, stops) in [
        (None, true),
        (unknown, true),
        (placed, true),
        (
            Some(CallOutcome::Refused {
                reason: "400".to_owned(),
            }),
            false,
        ),
        (Some(CallOutcome::NotPlaced), false),
    ] {
        assert_eq!(
            stops_a_call(&entry("rr-2", outcome.clone())),
            stops,
            "{outcome:?}"
        );
    }
}

/// Another machine's entry is settled from here with ten more minutes of wait than its sender
/// recorded: its clock may run behind this one's.
#[test]
fn another_machines_entry_waits_out_the_clock_slack() {
    let mut recorded = entry("rr-3", None);
    recorded.intent.settle_after = Some(Duration::from_secs(30));
    assert_eq!(
        recorded.with_clock_slack().intent.settle_after,
        Some(Duration::from_secs(630))
    );
    assert_eq!(
        entry("rr-4", None).with_clock_slack().intent.settle_after,
        Some(Duration::from_secs(600))
    );
}

#[path = "../../../ringg-webhooks/tests/common/redis_server.rs"]
mod redis_server;

/// An entry of another machine this journal listed as pending is read again from Redis: once
/// its machine settled it, `call` gives the settled entry (what a settle that lost its
/// compare-and-set reads to say why), not the one listed.
#[tokio::test]
async fn another_machines_entry_is_read_as_redis_holds_it_now() {
    let Some(redis) =
        redis_server::RedisServer::start("another_machines_entry_is_read_as_redis_holds_it_now")
    else {
        return;
    };
    let journal = |local: Arc<dyn Journal>| {
        FleetJournal::new(local, &redis.url(), "t", "scope", Duration::from_secs(3600)).unwrap()
    };
    let machine_a = journal(Arc::new(ringg_api::journal::MemoryJournal::new()));
    let machine_b = journal(Arc::new(ringg_api::journal::MemoryJournal::new()));
    let pending = entry("rr-seen", None);
    let since = Utc::now() - chrono::Duration::hours(1);
    assert!(
        machine_a
            .put_call_unless_called(&pending, since)
            .await
            .unwrap()
            .is_none()
    );
    let listed = machine_b.pending_calls().await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    let mut placed = pending.clone();
    placed.outcome = Some(CallOutcome::Placed {
        call_id: ringg_api::types::CallId::new("c-seen"),
    });
    machine_a.put_call(&placed).await.unwrap();
    let now = machine_b.call("rr-seen").await.unwrap().unwrap();
    assert!(now.is_settled(), "{now:?}");
}

/// A journal whose key's scope could not be read (Redis slow at that moment, then answering)
/// refuses a call, as when Redis cannot be asked, rather than check it against records that
/// may not be the fleet's: nothing is recorded, locally or in Redis.
#[tokio::test]
async fn a_journal_whose_scope_was_not_read_refuses_a_call() {
    let Some(redis) =
        redis_server::RedisServer::start("a_journal_whose_scope_was_not_read_refuses_a_call")
    else {
        return;
    };
    let local = Arc::new(ringg_api::journal::MemoryJournal::new());
    let journal = FleetJournal::new(
        local.clone(),
        &redis.url(),
        "t",
        "scope",
        Duration::from_secs(3600),
    )
    .unwrap()
    .unresolved("no answer within 2s".into());
    let since = Utc::now() - chrono::Duration::hours(1);
    let refused = journal
        .put_call_unless_called(&entry("rr-unread", None), since)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("no answer within 2s"),
        "{refused}"
    );
    assert!(local.pending_calls().await.unwrap().is_empty());
    let keys = redis.command(&["KEYS", "t:*"]);
    assert!(!keys.contains("t:"), "{keys}");
}
