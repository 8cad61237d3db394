use super::*;
use ringg_types::webhook::WebhookEvent;

fn key(i: usize) -> DedupeKey {
    DedupeKey::new(&format!("call-{i}"), "call_started", None)
}

#[test]
fn key_forms() {
    assert_eq!(
        DedupeKey::new("c1", "call_started", None).as_str(),
        "c1|call_started"
    );
    assert_eq!(
        DedupeKey::new("c1", "call_completed", Some(Attempt::RetryCount(2))).to_string(),
        "c1|call_completed|retry_count=2"
    );
    assert_eq!(
        DedupeKey::new("c1", "call_completed", Some(Attempt::Status("retry"))).as_str(),
        "c1|call_completed|status=retry"
    );
}

#[test]
fn deliveries_whose_type_cannot_be_read_are_told_apart_by_their_body() {
    let key_of = |body: &str| {
        let event = WebhookEvent::from_slice_lenient(body.as_bytes()).unwrap();
        DedupeKey::for_event(&event).unwrap()
    };
    let bodies = [
        r#"{"call_id":"c1","status":"completed"}"#,
        r#"{"event_type":5,"call_id":"c1"}"#,
        r#"{"event_type":null,"call_id":"c1"}"#,
        r#"{"event_type":"","call_id":"c1"}"#,
    ];
    let keys: std::collections::HashSet<String> =
        bodies.iter().map(|b| key_of(b).to_string()).collect();
    assert_eq!(keys.len(), bodies.len(), "{keys:?}");
    assert!(
        keys.iter()
            .all(|k| k.starts_with("c1||body~=") && k.len() == 42)
    );
    // The same body again (Ringg's retry) is the same event.
    assert_eq!(key_of(bodies[1]), key_of(bodies[1]));
    // A partial event whose type was read keeps the usual key.
    let typed = key_of(r#"{"event_type":"call_started","call_id":"c1","agent_id":7}"#);
    assert_eq!(typed.as_str(), "c1|call_started");
}

#[test]
fn second_insert_is_duplicate_until_removed() {
    let s = MemoryDedupeStore::new();
    let now = Instant::now();
    assert!(s.check_and_insert_at(&key(1), now));
    assert!(!s.check_and_insert_at(&key(1), now));
    assert!(s.check_and_insert_at(&key(2), now));
    s.lock().live.remove(key(1).as_str());
    assert!(s.check_and_insert_at(&key(1), now));
    assert!(!s.check_and_insert_at(&key(1), now));
    assert_eq!(s.len(), 2);
}

#[test]
fn keys_expire_after_ttl() {
    let s = MemoryDedupeStore::with_limits(Duration::from_secs(60), 10);
    let t0 = Instant::now();
    assert!(s.check_and_insert_at(&key(1), t0));
    assert!(!s.check_and_insert_at(&key(1), t0 + Duration::from_secs(59)));
    assert!(s.check_and_insert_at(&key(1), t0 + Duration::from_secs(60)));
    assert_eq!(s.len(), 1);
    // The re-inserted key counts from its new insertion time.
    assert!(!s.check_and_insert_at(&key(1), t0 + Duration::from_secs(119)));
}

#[test]
fn capacity_evicts_oldest_first() {
    let s = MemoryDedupeStore::with_limits(Duration::from_secs(3600), 3);
    let t = Instant::now();
    for i in 0..5 {
        assert!(s.check_and_insert_at(&key(i), t));
    }
    assert_eq!(s.len(), 3);
    // 0 and 1 were evicted; 2, 3, 4 are still known.
    for i in 2..5 {
        assert!(!s.check_and_insert_at(&key(i), t), "key {i}");
    }
    assert!(s.check_and_insert_at(&key(0), t));
    assert_eq!(s.len(), 3);
    assert!(
        s.check_and_insert_at(&key(2), t),
        "2 was the oldest and was evicted"
    );
}

#[test]
fn stale_entries_stay_bounded() {
    let s = MemoryDedupeStore::with_limits(Duration::from_secs(3600), 4);
    let t = Instant::now();
    for _ in 0..1000 {
        assert!(s.check_and_insert_at(&key(7), t));
        s.lock().live.remove(key(7).as_str());
    }
    let inner = s.lock();
    assert!(inner.order.len() <= 2 * 4 + 17, "{}", inner.order.len());
    assert!(inner.live.is_empty());
}

#[test]
fn forgotten_then_reinserted_key_survives_its_stale_entry() {
    let s = MemoryDedupeStore::with_limits(Duration::from_secs(60), 10);
    let t0 = Instant::now();
    assert!(s.check_and_insert_at(&key(1), t0));
    s.lock().live.remove(key(1).as_str());
    assert!(s.check_and_insert_at(&key(1), t0 + Duration::from_secs(30)));
    // The first (stale) entry expires at t0+60 s; the live one must survive it.
    assert!(!s.check_and_insert_at(&key(1), t0 + Duration::from_secs(61)));
}

#[test]
fn a_claim_is_in_flight_until_confirmed_or_removed_and_freed_after_the_lease() {
    let s = MemoryDedupeStore::new();
    let t0 = Instant::now();
    assert_eq!(s.claim_at(&key(1), t0), Claim::New);
    assert_eq!(s.claim_at(&key(1), t0), Claim::InFlight);
    s.confirm_now(&key(1));
    assert_eq!(s.claim_at(&key(1), t0), Claim::Done);
    // A failed handler's key is forgotten: the retry is claimed anew.
    assert_eq!(s.claim_at(&key(2), t0), Claim::New);
    s.lock().live.remove(key(2).as_str());
    assert_eq!(s.claim_at(&key(2), t0), Claim::New);
    // A claim whose handler never finished is freed after the lease, not before.
    let lease = MemoryDedupeStore::PENDING_LEASE;
    assert_eq!(
        s.claim_at(&key(2), t0 + lease - Duration::from_millis(1)),
        Claim::InFlight
    );
    assert_eq!(s.claim_at(&key(2), t0 + lease), Claim::New);
    // A confirmed key outlives the lease (it lasts the TTL).
    assert_eq!(s.claim_at(&key(1), t0 + lease * 2), Claim::Done);
    // An event inserted as handed over is done, not in flight.
    assert!(s.check_and_insert_at(&key(3), t0));
    assert_eq!(s.claim_at(&key(3), t0), Claim::Done);
}

/// `peek` reads what `claim` would find and claims nothing.
#[test]
fn peek_reads_a_key_without_claiming_it() {
    let s = MemoryDedupeStore::with_limits(Duration::from_secs(3600), 10);
    let lease = MemoryDedupeStore::PENDING_LEASE;
    let t0 = Instant::now();
    assert_eq!(s.peek_at(&key(1), t0), Claim::New);
    assert_eq!(s.peek_at(&key(1), t0), Claim::New);
    assert!(s.is_empty());
    assert_eq!(s.claim_at(&key(1), t0), Claim::New);
    assert_eq!(s.peek_at(&key(1), t0), Claim::InFlight);
    // The claim is still the handler's: confirming it makes it done, peeking again is done.
    s.confirm_now(&key(1));
    assert_eq!(s.peek_at(&key(1), t0 + lease), Claim::Done);
    assert_eq!(s.claim_at(&key(1), t0 + lease), Claim::Done);
    // A pending claim whose lease ran out reads as free, and stays claimable.
    assert_eq!(s.claim_at(&key(2), t0), Claim::New);
    assert_eq!(
        s.peek_at(&key(2), t0 + lease - Duration::from_millis(1)),
        Claim::InFlight
    );
    assert_eq!(s.peek_at(&key(2), t0 + lease), Claim::New);
    assert_eq!(s.claim_at(&key(2), t0 + lease), Claim::New);
    // A key past the TTL reads as free.
    assert_eq!(
        s.peek_at(&key(1), t0 + Duration::from_secs(3600)),
        Claim::New
    );
}

/// A store that implements only the required methods: `peek` claims and forgets again.
struct Minimal(MemoryDedupeStore);

#[async_trait]
impl DedupeStore for Minimal {
    async fn check_and_insert(&self, key: &DedupeKey) -> Result<bool, DedupeStoreError> {
        self.0.check_and_insert(key).await
    }
    async fn remove(&self, key: &DedupeKey) -> Result<(), DedupeStoreError> {
        self.0.remove(key).await
    }
}

#[tokio::test]
async fn the_default_peek_leaves_a_new_key_unrecorded() {
    let s = Minimal(MemoryDedupeStore::new());
    assert_eq!(s.peek(&key(1)).await.unwrap(), Claim::New);
    assert!(s.0.is_empty());
    assert!(s.check_and_insert(&key(1)).await.unwrap());
    assert_eq!(s.peek(&key(1)).await.unwrap(), Claim::Done);
    assert_eq!(s.0.len(), 1);
}

/// A claim whose lease ran out, claimed again (Ringg's retry, same process): the first
/// handler's failure leaves the key claimed while the second is at work, and a handler that
/// handed the event over keeps it done whatever the other one does.
#[test]
fn a_key_claimed_twice_stays_claimed_while_either_handler_is_at_work() {
    let s = MemoryDedupeStore::new();
    let lease = MemoryDedupeStore::PENDING_LEASE;
    let t0 = Instant::now();
    assert_eq!(s.claim_at(&key(1), t0), Claim::New);
    assert_eq!(s.claim_at(&key(1), t0 + lease), Claim::New);
    s.remove_now(&key(1));
    assert_eq!(s.claim_at(&key(1), t0 + lease), Claim::InFlight);
    s.remove_now(&key(1));
    assert_eq!(s.claim_at(&key(1), t0 + lease), Claim::New);

    assert_eq!(s.claim_at(&key(2), t0), Claim::New);
    assert_eq!(s.claim_at(&key(2), t0 + lease), Claim::New);
    s.confirm_now(&key(2));
    s.remove_now(&key(2));
    assert_eq!(s.claim_at(&key(2), t0 + lease), Claim::Done);
    // `check_and_insert` and `remove`: the key is forgotten.
    assert!(s.check_and_insert_at(&key(3), t0));
    s.remove_now(&key(3));
    assert!(s.check_and_insert_at(&key(3), t0));
}

#[test]
fn a_renewed_claim_stays_in_flight_past_its_first_lease() {
    let s = MemoryDedupeStore::new();
    let lease = MemoryDedupeStore::PENDING_LEASE;
    let t0 = Instant::now();
    assert_eq!(s.claim_at(&key(1), t0), Claim::New);
    s.renew_at(&key(1), t0 + lease / 2);
    assert_eq!(s.claim_at(&key(1), t0 + lease), Claim::InFlight);
    assert_eq!(
        s.claim_at(&key(1), t0 + lease / 2 + lease - Duration::from_millis(1)),
        Claim::InFlight
    );
    // Not renewed again: freed a lease after the renewal.
    assert_eq!(s.claim_at(&key(1), t0 + lease / 2 + lease), Claim::New);
    // A lapsed claim is not revived.
    assert_eq!(s.claim_at(&key(3), t0), Claim::New);
    s.renew_at(&key(3), t0 + lease);
    assert_eq!(s.claim_at(&key(3), t0 + lease), Claim::New);
    // A confirmed key stays done; a key never claimed is not made pending.
    s.confirm_now(&key(1));
    s.renew_at(&key(1), t0 + lease * 3);
    assert_eq!(s.claim_at(&key(1), t0 + lease * 3), Claim::Done);
    s.renew_at(&key(2), t0);
    assert_eq!(s.claim_at(&key(2), t0), Claim::New);
}

#[tokio::test]
async fn trait_methods_and_arc_impl() {
    let s = Arc::new(MemoryDedupeStore::new());
    let dyn_store: Arc<dyn DedupeStore> = s.clone();
    assert!(dyn_store.check_and_insert(&key(1)).await.unwrap());
    assert!(!s.check_and_insert(&key(1)).await.unwrap());
    dyn_store.remove(&key(1)).await.unwrap();
    assert!(s.check_and_insert(&key(1)).await.unwrap());
}

#[test]
fn a_retry_count_written_as_a_whole_float_or_a_string_keys_its_attempt() {
    let key_of = |count: &str| {
        let body = format!(
            r#"{{"event_type":"call_completed","call_id":"c1","status":"retry","retry_count":{count}}}"#
        );
        let event = WebhookEvent::from_slice_lenient(body.as_bytes()).unwrap();
        DedupeKey::for_event(&event).unwrap().to_string()
    };
    assert_eq!(key_of("1.0"), "c1|call_completed|retry_count=1");
    assert_eq!(key_of("\"2\""), "c1|call_completed|retry_count=2");
    assert_eq!(key_of("2"), key_of("2.0"));
    // Not a whole count, and no call_sid: the attempt is told by its body.
    assert!(key_of("1.5").starts_with("c1|call_completed|status=retry|body~="));
    assert_ne!(key_of("1.5"), key_of("2.5"));
}

#[test]
fn retry_attempts_without_a_count_are_told_by_their_dial_or_body() {
    let key_of = |body: serde_json::Value| {
        let event = WebhookEvent::from_slice_lenient(body.to_string().as_bytes()).unwrap();
        DedupeKey::for_event(&event).unwrap().to_string()
    };
    let attempt = |called_on: Option<&str>, sid: Option<&str>| {
        let mut body = serde_json::json!({"event_type": "call_completed", "call_id": "c1",
            "status": "retry"});
        if let Some(t) = called_on {
            body["called_on"] = t.into();
        }
        if let Some(sid) = sid {
            body["call_sid"] = sid.into();
        }
        body
    };
    let t1 = Some("2025-12-14T19:37:13.310707Z");
    let t2 = Some("2025-12-14T20:07:13.310707Z");
    assert_eq!(
        key_of(attempt(t1, Some("CA1"))),
        "c1|call_completed|call_sid=CA1|called_on=2025-12-14T19:37:13.310707Z"
    );
    // One call_sid for every attempt of the call: called_on still tells them apart.
    assert_ne!(
        key_of(attempt(t1, Some("CA1"))),
        key_of(attempt(t2, Some("CA1")))
    );
    // `called_on` alone is enough; a `call_sid` alone may be the whole call's, so the body
    // tells its attempts apart.
    assert_ne!(key_of(attempt(t1, None)), key_of(attempt(t2, None)));
    let sid_only = key_of(attempt(None, Some("CA1")));
    assert!(
        sid_only.starts_with("c1|call_completed|call_sid=CA1|status=retry|body~="),
        "{sid_only}"
    );
    let mut later = attempt(None, Some("CA1"));
    later["call_duration"] = 12.into();
    assert_ne!(key_of(later), sid_only);
    assert_eq!(key_of(attempt(None, Some("CA1"))), sid_only);
    // A retry of that delivery with its keys in another order, or an absent field written as
    // null, is the same event.
    let reordered = serde_json::json!({"status": "retry", "call_sid": "CA1",
        "call_id": "c1", "event_type": "call_completed", "call_cost": null});
    assert_eq!(key_of(reordered), sid_only);
    // The same in a payload that is partial (a field of an odd type).
    let mut partial = attempt(t1, Some("CA1"));
    partial["agent_message_count"] = "three".into();
    assert_eq!(key_of(partial), key_of(attempt(t1, Some("CA1"))));
    // Neither: the body tells them apart, and a repeat of one body is one event.
    let mut a = attempt(None, None);
    a["call_duration"] = 10.into();
    let mut b = attempt(None, None);
    b["call_duration"] = 20.into();
    assert!(key_of(a.clone()).starts_with("c1|call_completed|status=retry|body~="));
    assert_ne!(key_of(a.clone()), key_of(b));
    assert_eq!(key_of(a.clone()), key_of(a));
    // No status either: still one key per body.
    let bare = serde_json::json!({"event_type": "call_completed", "call_id": "c1"});
    assert!(key_of(bare).starts_with("c1|call_completed|body~="));
    // The attempt that ended the call keeps its status key (a rebuilt copy matches).
    let mut done = attempt(t2, Some("CA3"));
    done["status"] = "completed".into();
    assert_eq!(key_of(done), "c1|call_completed|status=completed");
}

#[test]
fn a_callback_that_brings_more_is_a_key_of_its_own() {
    let key_of = |data: serde_json::Value| {
        let body = serde_json::json!({"status": "success", "data": data});
        let event = WebhookEvent::from_slice_lenient(body.to_string().as_bytes()).unwrap();
        DedupeKey::for_event(&event).unwrap().to_string()
    };
    let first = serde_json::json!({"call_id": "c1", "status": "completed", "retry": 0});
    let key = key_of(first.clone());
    assert!(
        key.starts_with("c1|call_callback|status=completed|retry=0|data="),
        "{key}"
    );
    // The same delivery again, its fields in another order or an absent one written as
    // `null`: the same key.
    let reordered = serde_json::json!({"retry": 0, "status": "completed", "call_id": "c1"});
    assert_eq!(key_of(reordered), key);
    let mut nulls = first.clone();
    nulls["analysis"] = serde_json::Value::Null;
    nulls["recording_url"] = serde_json::Value::Null;
    assert_eq!(key_of(nulls), key);
    // One that brings the recording, or the analysis (of any shape), is another event.
    let mut recorded = first.clone();
    recorded["recording_url"] = "https://r/x.mp3".into();
    let mut analysed = recorded.clone();
    analysed["analysis"] = serde_json::json!({"summary": "ok"});
    let mut odd = recorded.clone();
    odd["analysis"] = serde_json::json!(["not", "an", "object"]);
    let keys = [key, key_of(recorded), key_of(analysed), key_of(odd)];
    for (i, a) in keys.iter().enumerate() {
        assert!(keys[i + 1..].iter().all(|b| a != b), "{keys:?}");
    }
}

#[test]
fn mended_callbacks_that_differ_as_received_are_keys_of_their_own() {
    let key_of = |body: &str| {
        let event = WebhookEvent::from_slice_lenient(body.as_bytes()).unwrap();
        assert!(event.is_partial(), "{body}");
        DedupeKey::for_event(&event).unwrap().to_string()
    };
    let cb = |latency: &str| {
        format!(
            r#"{{"status":"success","data":{{"call_id":"c1","status":"completed","retry":0,"latency":{latency}}}}}"#
        )
    };
    // Both read as `null`, yet two different deliveries; a retry of one is the same key.
    let nan = key_of(&cb("NaN"));
    assert!(
        nan.starts_with("c1|call_callback|status=completed|retry=0|body="),
        "{nan}"
    );
    assert_ne!(nan, key_of(&cb("Infinity")));
    assert_eq!(nan, key_of(&cb("NaN")));
}

#[test]
fn each_attempts_call_started_is_a_key_of_its_own() {
    let key_of = |body: serde_json::Value| {
        let event = WebhookEvent::from_slice_lenient(body.to_string().as_bytes()).unwrap();
        DedupeKey::for_event(&event).unwrap().to_string()
    };
    for event_type in ["call_started", "call_ringing", "call_ongoing"] {
        let attempt = |n: u32| serde_json::json!({"event_type": event_type, "call_id": "c1", "retry_count": n});
        assert_eq!(key_of(attempt(1)), format!("c1|{event_type}|retry_count=1"));
        assert_ne!(key_of(attempt(0)), key_of(attempt(1)));
        // Without a count (the documented payload), as documented: call id and type.
        let bare = serde_json::json!({"event_type": event_type, "call_id": "c1"});
        assert_eq!(key_of(bare), format!("c1|{event_type}"));
    }
    // The other events add the attempt when the payload names it: a later attempt's
    // recording is not taken for the first one's.
    for event_type in [
        "recording_completed",
        "platform_analysis_completed",
        "client_analysis_completed",
    ] {
        let attempt = |n: u32| serde_json::json!({"event_type": event_type, "call_id": "c1", "retry_count": n, "recording_url": format!("https://r/{n}.mp3")});
        assert_eq!(key_of(attempt(1)), format!("c1|{event_type}|retry_count=1"));
        assert_ne!(key_of(attempt(0)), key_of(attempt(1)));
        let bare = serde_json::json!({"event_type": event_type, "call_id": "c1"});
        assert_eq!(key_of(bare), format!("c1|{event_type}"));
    }
    // An event of a type not known here adds its body too (it may be sent once per change).
    let transferred = |n: u32, to: &str| serde_json::json!({"event_type": "call_transferred", "call_id": "c1", "retry_count": n, "to": to});
    let one = key_of(transferred(1, "a"));
    assert!(
        one.starts_with("c1|call_transferred|retry_count=1|body~="),
        "{one}"
    );
    assert_ne!(key_of(transferred(0, "a")), one);
    assert_ne!(key_of(transferred(1, "b")), one);
    assert_eq!(key_of(transferred(1, "a")), one);
    // The event `webhooks replay` rebuilds keeps the documented key, as its rebuilt copy does.
    let done = serde_json::json!({"event_type": "all_processing_completed", "call_id": "c1", "retry_count": 1});
    assert_eq!(key_of(done), "c1|all_processing_completed");
}

#[test]
fn an_attempts_call_started_keys_the_same_however_its_retry_is_written() {
    let key = |body: &str| {
        DedupeKey::for_event(&WebhookEvent::from_slice(body.as_bytes()).unwrap())
            .unwrap()
            .to_string()
    };
    let first = r#"{"event_type":"call_started","call_id":"c1","call_sid":"CA1","call_cost":null,"tool_call_logs":[]}"#;
    // The retry written with spaces, its keys in another order, and a cost computed meanwhile.
    let retry = r#"{"call_id": "c1", "event_type": "call_started", "call_sid": "CA1", "call_cost": 0.15, "tool_call_logs": []}"#;
    assert_eq!(key(first), "c1|call_started|call_sid=CA1");
    assert_eq!(key(first), key(retry));
    let next = r#"{"event_type":"call_started","call_id":"c1","call_sid":"CA2"}"#;
    assert_ne!(key(first), key(next));
}

/// Two deliveries whose bodies are not UTF-8 and differ only in such bytes read the same once
/// mended: their keys come from the bodies as received, so neither is taken for the other.
#[test]
fn bodies_that_are_not_utf8_and_mend_alike_key_apart() {
    let key_of = |body: &[u8]| {
        let event = ringg_types::webhook::WebhookEvent::from_slice_lenient(body).unwrap();
        DedupeKey::for_event(&event).unwrap().as_str().to_owned()
    };
    let pairs: [(&[u8], &[u8]); 2] = [
        (
            b"{\"event_type\":\"call_completed\",\"call_id\":\"c-1\",\"status\":\"busy\",\"custom_args_values\":{\"callee_name\":\"Ren\xE9e\"}}",
            b"{\"event_type\":\"call_completed\",\"call_id\":\"c-1\",\"status\":\"busy\",\"custom_args_values\":{\"callee_name\":\"Ren\xE8e\"}}",
        ),
        (
            b"{\"status\":\"success\",\"data\":{\"call_id\":\"c-2\",\"status\":\"completed\",\"retry\":0,\"note\":\"\xE9\"}}",
            b"{\"status\":\"success\",\"data\":{\"call_id\":\"c-2\",\"status\":\"completed\",\"retry\":0,\"note\":\"\xE8\"}}",
        ),
    ];
    for (a, b) in pairs {
        assert_ne!(key_of(a), key_of(b));
        // A retry of one (the same bytes) is still the same key.
        assert_eq!(key_of(a), key_of(a));
    }
}
