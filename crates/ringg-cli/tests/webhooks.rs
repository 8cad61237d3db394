//! `ringg webhooks subscribe | listen` against a simulator: the subscription merges and never
//! prints header values; the receiver prints one line (or one JSON line) per delivered event
//! and refuses deliveries without the secret.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{fails, ok, ringg, sim};
use ringg_sim::CallOutcome;
use ringg_sim::demo::{AGENT_ID, NUMBER_ID};

#[tokio::test(flavor = "multi_thread")]
async fn assistants_get_never_prints_subscription_header_values() {
    let sim = sim().await;
    ok(ringg(
        &sim,
        &[
            "webhooks",
            "subscribe",
            "--agent",
            AGENT_ID,
            "--url",
            "https://hooks.example/a",
            "--event",
            "all",
            "--header",
            "X-Webhook-Secret: hidden-value-42",
        ],
    ))
    .await;
    for output in ["table", "json"] {
        let r = ok(ringg(
            &sim,
            &["--output", output, "assistants", "get", AGENT_ID],
        ))
        .await;
        assert!(
            !r.stdout.contains("hidden-value-42"),
            "{output}: {}",
            r.stdout
        );
        if output == "json" {
            let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
            assert!(
                r.stdout.contains("X-Webhook-Secret"),
                "the header name is kept: {v}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn subscribe_merges_and_hides_header_values() {
    let sim = sim().await;
    let r = ok(ringg(
        &sim,
        &[
            "webhooks",
            "subscribe",
            "--agent",
            AGENT_ID,
            "--url",
            "https://hooks.example/a",
            "--event",
            "call_completed",
            "--header",
            "X-Webhook-Secret: top-secret-1",
        ],
    ))
    .await;
    assert!(
        r.stdout.contains("1 webhook subscription(s)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("X-Webhook-Secret") && !r.stdout.contains("top-secret-1"));
    let r = ok(ringg(
        &sim,
        &[
            "-o",
            "json",
            "webhooks",
            "subscribe",
            "--agent",
            AGENT_ID,
            "--url",
            "https://hooks.example/b",
            "--event",
            "all_processing_completed",
            "--event",
            "recording_completed",
            "--header",
            "Authorization:Bearer top-secret-2",
            "--method",
            "PUT",
        ],
    ))
    .await;
    assert!(!r.stdout.contains("top-secret"), "{}", r.stdout);
    let subs = r.json()["event_subscriptions"].as_array().unwrap().clone();
    assert_eq!(subs.len(), 2, "the first subscription is kept: {subs:?}");
    assert_eq!(subs[1]["method_type"], "PUT");
    assert_eq!(subs[1]["headers"]["Authorization"], "[REDACTED]");

    let r = ok(ringg(&sim, &["-o", "json", "assistants", "get", AGENT_ID])).await;
    let text = r.json().to_string();
    assert!(text.contains("https://hooks.example/a") && text.contains("https://hooks.example/b"));

    fails(
        ringg(
            &sim,
            &[
                "webhooks",
                "subscribe",
                "--agent",
                AGENT_ID,
                "--url",
                "https://h.example",
                "--event",
                "call_done",
            ],
        ),
        2,
    )
    .await;
    fails(
        ringg(
            &sim,
            &[
                "webhooks",
                "subscribe",
                "--agent",
                AGENT_ID,
                "--url",
                "not a url",
                "--event",
                "all",
            ],
        ),
        2,
    )
    .await;
}

/// Starts `ringg webhooks listen` and returns it with the port it announced on stderr.
fn listen(args: &[&str]) -> (Child, u16, std::process::ChildStdout) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ringg"))
        .args(["webhooks", "listen", "--port", "0"])
        .args(args)
        .env_remove("RINGG_API_KEY")
        .env_remove("RINGG_BASE_URL")
        .env_remove("RINGG_WEBHOOK_SECRET")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    // Keep draining stderr (refused deliveries are logged there).
    std::thread::spawn(move || {
        let mut sink = String::new();
        while err.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
            sink.clear();
        }
    });
    let port: u16 = line
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    let stdout = child.stdout.take().unwrap();
    (child, port, stdout)
}

/// Reads stdout lines until one contains `needle` (or fails after 30 s).
fn read_until(out: std::process::ChildStdout, needle: &str) -> Vec<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut lines = Vec::new();
    while Instant::now() < deadline {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
            let done = l.contains(needle);
            lines.push(l);
            if done {
                return lines;
            }
        }
    }
    panic!("{needle} never arrived; got {lines:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn listen_prints_each_delivered_event() {
    let sim = sim().await;
    let (mut child, port, stdout) = listen(&["--secret", "s3cret"]);
    let url = format!("http://127.0.0.1:{port}/ringg");
    ok(ringg(
        &sim,
        &[
            "webhooks",
            "subscribe",
            "--agent",
            AGENT_ID,
            "--url",
            &url,
            "--event",
            "all",
            "--header",
            "X-Webhook-Secret:s3cret",
        ],
    ))
    .await;
    sim.handle()
        .script_outcomes("+919876522222", [CallOutcome::Answered]);
    ok(ringg(
        &sim,
        &[
            "calls",
            "create",
            "--agent",
            AGENT_ID,
            "--to",
            "+919876522222",
            "--name",
            "Lee",
            "--from-number-id",
            NUMBER_ID,
        ],
    ))
    .await;
    let lines = tokio::task::spawn_blocking(move || read_until(stdout, "all_processing_completed"))
        .await
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    for event in [
        "call_started",
        "call_completed",
        "recording_completed",
        "all_processing_completed",
    ] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(event) && l.contains("call_id=")),
            "{event}: {lines:?}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("call_completed") && l.contains("status=completed"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn listen_with_a_bearer_secret_prints_json_lines_and_refuses_strangers() {
    let sim = sim().await;
    let mut cmd_args = vec!["--secret", "tok", "--secret-header", "Authorization"];
    cmd_args.extend(["--output", "json"]);
    let (mut child, port, stdout) = listen(&cmd_args);
    let url = format!("http://127.0.0.1:{port}/");
    // A subscription with the wrong token: its deliveries are refused (401), nothing printed.
    ok(ringg(
        &sim,
        &[
            "webhooks",
            "subscribe",
            "--agent",
            AGENT_ID,
            "--url",
            &url,
            "--event",
            "call_started",
            "--header",
            "Authorization:Bearer wrong",
        ],
    ))
    .await;
    // The right one for the final event.
    ok(ringg(
        &sim,
        &[
            "webhooks",
            "subscribe",
            "--agent",
            AGENT_ID,
            "--url",
            &url,
            "--event",
            "all_processing_completed",
            "--header",
            "Authorization:Bearer tok",
        ],
    ))
    .await;
    sim.handle()
        .script_outcomes("+919876533333", [CallOutcome::Answered]);
    ok(ringg(
        &sim,
        &[
            "calls",
            "create",
            "--agent",
            AGENT_ID,
            "--to",
            "+919876533333",
            "--name",
            "Kim",
            "--from-number-id",
            NUMBER_ID,
        ],
    ))
    .await;
    let lines = tokio::task::spawn_blocking(move || read_until(stdout, "all_processing_completed"))
        .await
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(
        lines.len(),
        1,
        "only the authenticated event is printed: {lines:?}"
    );
    let v: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(v["event_type"], "all_processing_completed");
    let refused = sim
        .handle()
        .webhook_deliveries()
        .into_iter()
        .filter(|d| d.event_type == "call_started")
        .any(|d| d.status == Some(401));
    assert!(refused, "the wrong token was answered 401");
}
