//! Every webhook fixture of ringg-types and every `testing` sample, through the real receiver
//! over loopback, with `Content-Type: application/json`, `text/plain` and none: answered 200,
//! handed over once, nothing lost.

mod common;

use std::path::{Path, PathBuf};

use common::{Recorder, TestServer, send};
use http::StatusCode;
use ringg_webhooks::WebhookReceiver;
use serde_json::Value;

const SECRET: &str = "whsec-fixtures";

fn bodies() -> Vec<(String, Vec<u8>)> {
    let dir: PathBuf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../ringg-types/tests/fixtures/webhooks");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    assert!(out.len() >= 20, "webhook fixtures found: {}", out.len());
    for sample in ringg_webhooks::testing::sample_events() {
        out.push((format!("sample {}", sample.name), sample.body.to_vec()));
    }
    out
}

#[tokio::test]
async fn every_fixture_is_handed_over_whole_with_or_without_content_type() {
    for (name, body) in bodies() {
        for content_type in [Some("application/json"), Some("text/plain"), None] {
            let rec = Recorder::new();
            let receiver = WebhookReceiver::builder()
                .secret_header("X-Webhook-Secret")
                .secret(SECRET)
                .shared_handler(rec.clone())
                .build()
                .unwrap();
            let server = TestServer::start(receiver).await;
            let mut headers = vec![("x-webhook-secret", SECRET)];
            if let Some(ct) = content_type {
                headers.push(("content-type", ct));
            }
            let what = format!("{name} ({content_type:?})");
            let (status, json) = send("POST", &server.url("/"), &headers, body.clone()).await;
            assert_eq!(status, StatusCode::OK, "{what}: {json}");
            assert_eq!(json["status"], "accepted", "{what}");
            // The same delivery again is acknowledged but not handed over twice.
            let (status, _) = send("POST", &server.url("/"), &headers, body.clone()).await;
            assert_eq!(status, StatusCode::OK, "{what}");
            let events = rec.events();
            assert_eq!(events.len(), 1, "{what}");
            let event = &events[0];
            assert_eq!(event.raw().as_bytes(), &body[..], "{what}: raw differs");
            let original: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(event.to_value().unwrap(), original, "{what}");
            if let Some(call_id) = original["call_id"]
                .as_str()
                .or_else(|| original["data"]["call_id"].as_str())
            {
                assert_eq!(event.call_id().unwrap().as_str(), call_id, "{what}");
            }
            server.stop().await;
        }
    }
}

#[tokio::test]
async fn each_callback_status_change_is_its_own_event() {
    let rec = Recorder::new();
    let receiver = WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret(SECRET)
        .shared_handler(rec.clone())
        .build()
        .unwrap();
    let server = TestServer::start(receiver).await;
    let names = [
        "callback_registered",
        "callback_ongoing",
        "callback_completed",
        "callback_retry",
        "callback_failed_retry",
    ];
    for name in names {
        let body = ringg_webhooks::testing::sample_event(name).unwrap();
        for _ in 0..2 {
            let (status, _) = send(
                "POST",
                &server.url("/cb"),
                &[("x-webhook-secret", SECRET)],
                body.clone(),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{name}");
        }
    }
    let statuses: Vec<String> = rec
        .events()
        .iter()
        .map(|e| e.status().unwrap().to_string())
        .collect();
    assert_eq!(
        statuses,
        ["registered", "ongoing", "completed", "retry", "failed"]
    );
    server.stop().await;
}
