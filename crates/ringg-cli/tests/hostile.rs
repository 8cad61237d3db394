//! A hostile or broken server: escape sequences in its messages and names never reach the
//! terminal raw, a huge error message is shown cut short, and a server that never answers is
//! given up on. Every server here is a scripted one on 127.0.0.1.

mod common;

use std::time::{Duration, Instant};

use common::{bare, fails, ok, run};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The key the scripted servers are called with; it must never be printed.
const KEY: &str = "hostile-test-key-6d1f0c";

/// Escape sequences that would retitle the window, clear the screen and colour text.
const EVIL: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31m evil";

/// A server on 127.0.0.1 that answers up to `max` requests with `status` and a JSON `body`,
/// then stops accepting.
async fn scripted(status: u16, body: String, max: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        for _ in 0..max {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let body = body.clone();
            tokio::spawn(async move {
                let _ = answer(sock, status, &body).await;
            });
        }
    });
    format!("http://{addr}/ca/api/v0")
}

/// Reads one request (headers and a Content-Length body) and writes the answer.
async fn answer(mut sock: TcpStream, status: u16, body: &str) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 64 * 1024 {
            return Ok(());
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut have = buf.len() - header_end;
    while have < length {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        have += n;
    }
    let response = format!(
        "HTTP/1.1 {status} Scripted\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    sock.write_all(response.as_bytes()).await?;
    sock.write_all(body.as_bytes()).await?;
    sock.shutdown().await
}

/// `ringg --base-url <url> --api-key KEY <args…>`.
fn ringg_at(base_url: &str, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = bare();
    cmd.args(["--base-url", base_url, "--api-key", KEY]);
    cmd.args(args);
    cmd
}

/// No raw ESC, BEL, CSI or carriage return, and not the key.
fn assert_inert(what: &str, text: &str) {
    for c in ['\u{1b}', '\u{7}', '\u{9b}', '\r'] {
        assert!(!text.contains(c), "{what} has a raw {c:?}: {text:?}");
    }
    assert!(!text.contains(KEY), "{what} shows the API key: {text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn escape_sequences_in_an_error_message_are_shown_escaped() {
    let body = serde_json::json!({ "detail": EVIL }).to_string();
    assert!(body.contains(r"\u001b]0;pwned\u0007"), "{body}");
    let url = scripted(400, body, 4).await;
    let r = fails(ringg_at(&url, &["workspace", "show"]), 1).await;
    assert_inert("stderr", &r.stderr);
    assert_inert("stdout", &r.stdout);
    assert!(
        r.stderr.contains("answered 400 Bad Request"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains(r"\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[31m evil"),
        "the escaped form is visible: {}",
        r.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn escape_sequences_in_table_cells_are_shown_escaped() {
    let body = serde_json::json!({
        "status": "success",
        "data": { "agents": [{ "id": "agent-1", "agent_display_name": EVIL, "agent_type": "outbound\u{1b}[5m" }] }
    })
    .to_string();
    let url = scripted(200, body, 4).await;
    let r = ok(ringg_at(&url, &["assistants", "list"])).await;
    assert_inert("stdout", &r.stdout);
    assert_inert("stderr", &r.stderr);
    assert!(r.stdout.contains("agent-1"), "{}", r.stdout);
    assert!(r.stdout.contains(r"\u{1b}"), "{}", r.stdout);
    assert!(r.stdout.contains("pwned"), "{}", r.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn json_output_escapes_control_characters_and_keeps_the_value() {
    let body = serde_json::json!({
        "status": "success",
        "data": { "agents": [{ "id": "agent-1", "agent_display_name": EVIL }] }
    })
    .to_string();
    let url = scripted(200, body, 4).await;
    let r = ok(ringg_at(&url, &["-o", "json", "assistants", "list"])).await;
    assert_inert("stdout", &r.stdout);
    // serde_json writes the control characters as \u escapes: the value survives intact.
    assert_eq!(
        r.json()["items"][0]["agent_display_name"],
        EVIL,
        "{}",
        r.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_huge_error_message_is_cut_short() {
    const SIZE: usize = 8 * 1024 * 1024;
    let mut message = String::with_capacity(SIZE + 16);
    message.push_str("start ");
    while message.len() < SIZE {
        message.push_str("very long server message \u{1b}[2J ");
    }
    let body = serde_json::json!({ "detail": message }).to_string();
    let url = scripted(422, body, 4).await;
    let r = fails(ringg_at(&url, &["workspace", "show"]), 1).await;
    assert_inert("stderr", &r.stderr);
    assert!(
        r.stderr.len() < 4 * 1024,
        "stderr has {} bytes: {}…",
        r.stderr.len(),
        &r.stderr[..r.stderr.len().min(400)]
    );
    assert!(
        r.stderr
            .contains("answered 422 Unprocessable Entity: start very long"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("more characters)"), "{}", r.stderr);
    // The hint after the server's message survives the cut.
    assert!(r.stderr.contains("change the request"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_flag_value_is_echoed_escaped() {
    let mut cmd = bare();
    cmd.args(["assistants", "list", "--limit", "\u{1b}]0;x\u{7}"]);
    let r = run(cmd).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_inert("stderr", &r.stderr);
}

/// A server on 127.0.0.1 that accepts up to 16 connections and never answers.
async fn silent() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while held.len() < 16 {
            match listener.accept().await {
                Ok((sock, _)) => held.push(sock),
                Err(_) => return,
            }
        }
        // Keep the connections open (and silent) until the test's runtime ends.
        std::future::pending::<()>().await;
    });
    format!("http://{addr}/ca/api/v0")
}

#[tokio::test(flavor = "multi_thread")]
async fn timeout_gives_up_on_a_silent_server() {
    let url = silent().await;
    let started = Instant::now();
    let r = fails(ringg_at(&url, &["--timeout", "2", "workspace", "show"]), 1).await;
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        r.stderr.contains("gave up after 2 s (--timeout)"),
        "{}",
        r.stderr
    );
    assert_inert("stderr", &r.stderr);

    // The same from the environment.
    let mut cmd = ringg_at(&url, &["numbers", "list"]);
    cmd.env("RINGG_TIMEOUT", "2");
    let started = Instant::now();
    let r = fails(cmd, 1).await;
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(r.stderr.contains("(--timeout)"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn timeout_bounds_each_request_of_a_call_placement() {
    // `calls create` is bounded request by request: its first request (the assistant's
    // variables are checked before the call is placed) times out on its own bound.
    let url = silent().await;
    let started = Instant::now();
    let r = fails(
        ringg_at(
            &url,
            &[
                "--timeout",
                "2",
                "calls",
                "create",
                "--var",
                "company_name=Acme",
                "--agent",
                "agent-1",
                "--to",
                "+919876543210",
                "--name",
                "Asha",
                "--from-number-id",
                "num-1",
            ],
        ),
        1,
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert!(r.stderr.contains("no answer"), "{}", r.stderr);
    assert_inert("stderr", &r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_zero_timeout_is_refused() {
    let mut cmd = bare();
    cmd.args(["--timeout", "0", "numbers", "list"]);
    let r = fails(cmd, 2).await;
    assert!(r.stderr.contains("--timeout"), "{}", r.stderr);
}

/// A webhook secret read from `--secret-file` (or given as a secret `--header`), quoted back by
/// a server's error in a notation field-based redaction does not recognise (Python's, as a
/// validation message may print it), is masked on the terminal as the API key is.
#[tokio::test(flavor = "multi_thread")]
async fn a_webhook_secret_a_server_quotes_back_is_masked() {
    const SECRET: &str = "whsec-quoted-4d2c8e1f9a";
    let detail = format!(
        "invalid event_subscriptions: [{{'url': 'https://hooks.example/x', 'headers': {{'X-Webhook-Secret': '{SECRET}'}}}}]"
    );
    let base = scripted(400, serde_json::json!({ "detail": detail }).to_string(), 16).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    std::fs::write(&file, format!("{SECRET}\n")).unwrap();
    let header = format!("X-Webhook-Secret:{SECRET}");
    let file = file.to_str().unwrap();
    for (json, given) in [
        (false, ["--secret-file", file]),
        (true, ["--secret-file", file]),
        (false, ["--header", header.as_str()]),
    ] {
        let mut args: Vec<&str> = if json { vec!["-o", "json"] } else { vec![] };
        args.extend([
            "webhooks",
            "subscribe",
            "--agent",
            ringg_sim::demo::AGENT_ID,
            "--url",
            "https://hooks.example/x",
            "--event",
            "call_completed",
        ]);
        args.extend(given);
        let r = run(ringg_at(&base, &args)).await;
        assert_ne!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stderr.contains("invalid event_subscriptions"),
            "{}",
            r.stderr
        );
        for text in [&r.stdout, &r.stderr] {
            assert!(!text.contains(SECRET), "{json} {given:?}: {text}");
        }
    }
}
