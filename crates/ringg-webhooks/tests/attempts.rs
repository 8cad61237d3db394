//! Deliveries that differ only in what tells one attempt or one stage of a call from another,
//! shaped as the reference's newer examples are (no `retry_count`; a callback's analysis in a
//! later delivery): each is handed over once, none is taken for a repeat of another.

mod common;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use common::{Recorder, TestServer, send};
use http::StatusCode;
use ringg_webhooks::{
    Claim, DedupeKey, DedupeStore, DedupeStoreError, MemoryDedupeStore, WebhookReceiver,
};
use serde_json::{Value, json};
use tokio::sync::{Notify, Semaphore};

const SECRET: &str = "whsec-attempts";

/// Sends each body in turn and returns the receiver's `status` answers.
async fn deliver(url: &str, bodies: &[Value]) -> Vec<String> {
    let mut answers = Vec::new();
    for body in bodies {
        let (status, json) = send(
            "POST",
            url,
            &[("x-webhook-secret", SECRET)],
            body.to_string(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body} → {json}");
        answers.push(json["status"].as_str().unwrap_or_default().to_owned());
    }
    answers
}

async fn server(recorder: &std::sync::Arc<Recorder>) -> TestServer {
    let receiver = WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret(SECRET)
        .shared_handler(recorder.clone())
        .build()
        .unwrap();
    TestServer::start(receiver).await
}

/// One `call_completed` attempt in the newest documented shape: no `retry_count`.
fn attempt(status: &str, called_on: &str, call_sid: Option<&str>) -> Value {
    let mut body = json!({
        "event_type": "call_completed",
        "call_id": "4b30f5dc-7f86-4e4c-a3aa-15c01138559b",
        "status": status,
        "called_on": called_on,
        "call_type": "outbound",
        "transcript": [],
    });
    if let Some(sid) = call_sid {
        body["call_sid"] = json!(sid);
    }
    body
}

#[tokio::test]
async fn retry_attempts_without_retry_count_are_each_handed_over_once() {
    // A call_sid per attempt, one call_sid for the whole call, or none at all.
    for sids in [
        ["sid-1", "sid-2", "sid-3"],
        ["sid", "sid", "sid"],
        ["", "", ""],
    ] {
        let recorder = Recorder::new();
        let server = server(&recorder).await;
        let url = server.url("/hook");
        let sid = |i: usize| Some(sids[i]).filter(|s| !s.is_empty());
        let first = attempt("retry", "2025-12-14T19:37:13.310707Z", sid(0));
        let second = attempt("retry", "2025-12-14T20:07:13.310707Z", sid(1));
        let last = attempt("completed", "2025-12-14T20:37:13.310707Z", sid(2));
        let answers = deliver(
            &url,
            &[
                first.clone(),
                second.clone(),
                second.clone(), // Ringg's retry of the second attempt's delivery
                last,
                first,
            ],
        )
        .await;
        assert_eq!(
            answers,
            ["accepted", "accepted", "duplicate", "accepted", "duplicate"],
            "call_sids: {sids:?}"
        );
        assert_eq!(recorder.events().len(), 3, "call_sids: {sids:?}");
        server.stop().await;
    }
}

#[tokio::test]
async fn a_callback_that_brings_the_analysis_later_is_handed_over_too() {
    let recorder = Recorder::new();
    let server = server(&recorder).await;
    let url = server.url("/callback");
    let callback = |status: &str, analysis: Option<Value>| {
        let mut data = json!({"call_id": "call-cb", "status": status, "retry": 0});
        if let Some(analysis) = analysis {
            data["analysis"] = analysis;
        }
        json!({"status": "success", "data": data, "message": "Call Details"})
    };
    let analysed = callback(
        "completed",
        Some(json!({"summary": "Agreed to pay", "sentiment": 0.35})),
    );
    let answers = deliver(
        &url,
        &[
            callback("ongoing", None),
            callback("completed", None),
            callback("completed", Some(Value::Null)), // `null` is no analysis
            analysed.clone(),
            analysed,
        ],
    )
    .await;
    assert_eq!(
        answers,
        ["accepted", "accepted", "duplicate", "accepted", "duplicate"]
    );
    let events = recorder.events();
    assert_eq!(events.len(), 3);
    let last = events[2].to_value().unwrap();
    assert_eq!(last["data"]["analysis"]["summary"], "Agreed to pay");
    server.stop().await;
}

#[tokio::test]
async fn a_callback_that_brings_the_recording_later_is_handed_over_too() {
    let recorder = Recorder::new();
    let server = server(&recorder).await;
    let url = server.url("/callback");
    let callback = |recording_url: Option<&str>| {
        json!({"status": "success", "message": "Call Details",
            "data": {"call_id": "call-rec", "status": "completed", "retry": 0,
                "call_duration": 42.7, "recording_url": recording_url}})
    };
    let recorded = callback(Some("https://recordings.example/x.mp3"));
    let answers = deliver(&url, &[callback(None), recorded.clone(), recorded]).await;
    assert_eq!(answers, ["accepted", "accepted", "duplicate"]);
    let events = recorder.events();
    assert_eq!(events.len(), 2);
    let last = events[1].to_value().unwrap();
    assert_eq!(
        last["data"]["recording_url"],
        "https://recordings.example/x.mp3"
    );
    server.stop().await;
}

/// §3.4's `call_started` (newest shape: `call_sid`, no `retry_count`) of one attempt.
fn call_started(call_sid: &str) -> Value {
    json!({
        "event_type": "call_started",
        "call_id": "4b30f5dc-7f86-4e4c-a3aa-15c01138559b",
        "call_sid": call_sid,
        "agent_id": "cbaf9944-3e34-43b6-b3e8-6a905de16639",
        "custom_args_values": {"callee_name": "John"},
        "sub_status": "ACCEPTED",
        "tool_call_logs": []
    })
}

#[tokio::test]
async fn each_attempts_call_started_is_handed_over_once() {
    // Each attempt is dialled anew, with its own provider call id (§3.3 `call_sid`).
    let recorder = Recorder::new();
    let server = server(&recorder).await;
    let first = call_started("f46cb9f4-f6ca-4d7d-abc9-02c226b95ec0");
    let second = call_started("0b6d7a51-2c2e-4c8e-9d0a-6f1f3e0c9a11");
    let answers = deliver(&server.url("/hook"), &[first.clone(), first, second]).await;
    assert_eq!(answers, ["accepted", "duplicate", "accepted"]);
    assert_eq!(recorder.events().len(), 2);
    server.stop().await;
}

#[tokio::test]
async fn retry_attempts_sharing_a_call_sid_without_called_on_are_each_handed_over() {
    // Ringg may keep one call_sid for every attempt of a call; without `called_on` or
    // `retry_count`, the body tells two attempts apart.
    let retry = |duration: f64, sub_status: &str| {
        json!({
            "event_type": "call_completed",
            "call_id": "adb64369-bb56-461e-a38a-9cc704e3210f",
            "call_sid": "CA1234567890abcdef123456789012345",
            "status": "retry",
            "sub_status": sub_status,
            "call_duration": duration,
            "transcript": []
        })
    };
    let recorder = Recorder::new();
    let server = server(&recorder).await;
    let a0 = retry(0.0, "USER_DID_NOT_JOIN");
    let a1 = retry(4.2, "VOICEMAIL_DETECTED");
    let answers = deliver(&server.url("/hook"), &[a0.clone(), a0, a1]).await;
    assert_eq!(answers, ["accepted", "duplicate", "accepted"]);
    server.stop().await;
}

#[tokio::test]
async fn attempts_of_a_status_not_known_to_end_the_call_are_each_handed_over() {
    // Ringg documents `retry` in lower case; an attempt written otherwise, or of a status it
    // does not document, may still be followed by another attempt of the same call.
    let attempt = |status: &str, retry_count: u32| {
        json!({
            "event_type": "call_completed",
            "call_id": "5e0c7d2a-41f3-4c55-9a0e-7d1f3b2c9a10",
            "status": status,
            "retry_count": retry_count,
            "transcript": []
        })
    };
    let recorder = Recorder::new();
    let server = server(&recorder).await;
    let bodies = [
        attempt("RETRY", 0),
        attempt("RETRY", 0),
        attempt("RETRY", 1),
        attempt("busy", 2),
        attempt("completed", 3),
        attempt("completed", 3),
    ];
    let answers = deliver(&server.url("/hook"), &bodies).await;
    assert_eq!(
        answers,
        [
            "accepted",
            "duplicate",
            "accepted",
            "accepted",
            "accepted",
            "duplicate"
        ]
    );
    server.stop().await;
}

#[tokio::test]
async fn events_with_a_blank_call_id_are_not_taken_for_one_another() {
    // A blank call id names no call: two calls' events must not share one key, and a
    // retry of one is still one event.
    let event = |to: &str, name: &str| {
        json!({
            "event_type": "all_processing_completed",
            "call_id": "",
            "to_number": to,
            "custom_args_values": {"callee_name": name},
            "status": "completed",
        })
    };
    let recorder = Recorder::new();
    let server = server(&recorder).await;
    let john = event("+919875436897", "John");
    let asha = event("+919812345678", "Asha");
    let answers = deliver(&server.url("/hook"), &[john.clone(), asha, john]).await;
    assert_eq!(answers, ["accepted", "accepted", "duplicate"]);
    server.stop().await;
}

#[tokio::test]
async fn a_body_after_a_byte_order_mark_is_handed_over() {
    let recorder = Recorder::new();
    let server = server(&recorder).await;
    let body = "\u{feff}{\"event_type\":\"call_started\",\"call_id\":\"c-bom\"}";
    let (status, json) = send(
        "POST",
        &server.url("/hook"),
        &[("x-webhook-secret", SECRET)],
        body.to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let events = recorder.events();
    assert_eq!(events.len(), 1);
    assert!(!events[0].is_partial());
    assert!(events[0].raw().starts_with('{'));
    server.stop().await;
}

/// A rebuilt copy of an event (`webhooks replay`) stands in for a delivery that may have been
/// missed: it is not handed over when the original was, it does not hide the original arriving
/// after it (a retry, or with the analysis done), and a second copy is a repeat.
#[tokio::test]
async fn a_rebuilt_event_neither_repeats_nor_hides_its_original() {
    let event = |call_id: &str, rebuilt: bool| {
        let mut body = json!({
            "event_type": "all_processing_completed",
            "call_id": call_id,
            "status": "completed",
            "platform_analysis": {"summary": "ok"},
        });
        if rebuilt {
            body["ringg_rebuilt"] = json!(true);
        } else {
            body["client_analysis"] = json!({"amount": 5});
        }
        body
    };
    let recorder = Recorder::new();
    let server = server(&recorder).await;
    // Original first: the rebuilt copy is a repeat.
    let answers = deliver(
        &server.url("/hook"),
        &[event("c-orig-first", false), event("c-orig-first", true)],
    )
    .await;
    assert_eq!(answers, ["accepted", "duplicate"]);
    // Rebuilt first: handed over, a second rebuilt copy is a repeat, and the original that
    // arrives afterwards is handed over too.
    let answers = deliver(
        &server.url("/hook"),
        &[
            event("c-rebuilt-first", true),
            event("c-rebuilt-first", true),
            event("c-rebuilt-first", false),
            event("c-rebuilt-first", false),
        ],
    )
    .await;
    assert_eq!(answers, ["accepted", "duplicate", "accepted", "duplicate"]);
    server.stop().await;
}

/// A memory store whose `remove` waits until the test lets it go.
struct HeldRemoves {
    inner: MemoryDedupeStore,
    gate: Semaphore,
    removing: Notify,
}

#[async_trait]
impl DedupeStore for HeldRemoves {
    async fn check_and_insert(&self, key: &DedupeKey) -> Result<bool, DedupeStoreError> {
        self.inner.check_and_insert(key).await
    }
    async fn remove(&self, key: &DedupeKey) -> Result<(), DedupeStoreError> {
        self.removing.notify_one();
        drop(self.gate.acquire().await);
        self.inner.remove(key).await
    }
    async fn claim(&self, key: &DedupeKey) -> Result<Claim, DedupeStoreError> {
        self.inner.claim(key).await
    }
    async fn peek(&self, key: &DedupeKey) -> Result<Claim, DedupeStoreError> {
        self.inner.peek(key).await
    }
    async fn confirm(&self, key: &DedupeKey) -> Result<(), DedupeStoreError> {
        self.inner.confirm(key).await
    }
}

/// A replay checks the delivery its rebuilt event stands in for without claiming it, so Ringg's
/// own delivery of it arriving meanwhile is handed over, not answered 503 (which loses it
/// after Ringg's last attempt).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_does_not_hold_off_the_live_delivery_it_stands_in_for() {
    let store = Arc::new(HeldRemoves {
        inner: MemoryDedupeStore::new(),
        gate: Semaphore::new(0),
        removing: Notify::new(),
    });
    let recorder = Recorder::new();
    let receiver = WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret(SECRET)
        .dedupe_store(store.clone())
        .shared_handler(recorder.clone())
        .build()
        .unwrap();
    let server = TestServer::start(receiver).await;
    let body = |rebuilt: bool| {
        let mut body = json!({
            "event_type": "call_completed",
            "call_id": "c-replayed",
            "status": "completed",
        });
        if rebuilt {
            body["ringg_rebuilt"] = json!(true);
        }
        body.to_string()
    };
    let url = server.url("/hook");
    let mut replay = tokio::spawn({
        let (url, body) = (url.clone(), body(true));
        async move { send("POST", &url, &[("x-webhook-secret", SECRET)], body).await }
    });
    // The replay is answered, or is held inside the store, before the live delivery comes.
    let replay_answer = tokio::select! {
        answered = &mut replay => Some(answered.unwrap()),
        () = store.removing.notified() => None,
        () = tokio::time::sleep(Duration::from_secs(10)) => panic!("the replay got nowhere"),
    };
    let (status, json) = send("POST", &url, &[("x-webhook-secret", SECRET)], body(false)).await;
    store.gate.add_permits(100);
    let (replay_status, replay_json) = match replay_answer {
        Some(answer) => answer,
        None => replay.await.unwrap(),
    };
    assert_eq!(
        (replay_status, replay_json["status"].as_str()),
        (StatusCode::OK, Some("accepted"))
    );
    assert_eq!(
        (status, json["status"].as_str()),
        (StatusCode::OK, Some("accepted")),
        "the live delivery: {json}"
    );
    let mut rebuilt: Vec<bool> = recorder.events().iter().map(|e| e.is_rebuilt()).collect();
    rebuilt.sort_unstable();
    assert_eq!(rebuilt, [false, true]);
    server.stop().await;
}
