//! `ringg webhooks subscribe | listen` against a simulator: the subscription merges and never
//! prints header values; the receiver prints one line (or one JSON line) per delivered event
//! and refuses deliveries without the secret.

mod common;
#[path = "webhooks/durable.rs"]
mod durable;
#[cfg(feature = "redis")]
#[path = "webhooks/fleet.rs"]
mod fleet;
#[path = "webhooks/printed.rs"]
mod printed;
#[cfg(feature = "redis")]
#[path = "../../ringg-webhooks/tests/common/redis_server.rs"]
mod redis_server;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{fails, ok, ringg, sim};
use ringg_sim::CallOutcome;
use ringg_sim::demo::{AGENT_ID, NUMBER_ID};

#[tokio::test(flavor = "multi_thread")]
async fn assistants_get_never_prints_subscription_header_values() {
    let sim = sim().await;
    // A secret in the URL's query too (a campaign callback is called with no headers).
    let subscribed = ok(ringg(
        &sim,
        &[
            "webhooks",
            "subscribe",
            "--agent",
            AGENT_ID,
            "--url",
            "https://hooks.example/a?ringg_secret=query-secret-7",
            "--event",
            "all",
            "--header",
            "X-Webhook-Secret: hidden-value-42",
        ],
    ))
    .await;
    assert!(
        subscribed.stdout.contains("a?ringg_secret=[REDACTED]"),
        "{}",
        subscribed.stdout
    );
    for output in ["table", "json"] {
        for args in [
            &["assistants", "get", AGENT_ID][..],
            &["webhooks", "list", "--agent", AGENT_ID],
        ] {
            let r = ok(ringg(&sim, &[&["--output", output][..], args].concat())).await;
            for secret in ["hidden-value-42", "query-secret-7"] {
                assert!(
                    !r.stdout.contains(secret),
                    "{output} {args:?}: {}",
                    r.stdout
                );
            }
        }
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
            "ALL_PROCESSING_COMPLETED,recording_completed",
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

/// A running `ringg webhooks listen`, with everything it wrote on stderr so far.
struct Listener {
    child: Child,
    port: u16,
    stdout: Option<std::process::ChildStdout>,
    stderr: Arc<Mutex<String>>,
}

/// Starts `ringg webhooks listen` with a fresh state folder and waits for the port it
/// announces on stderr; stderr keeps being collected (refused deliveries and warnings are
/// written there).
fn spawn_listen(args: &[&str]) -> Listener {
    spawn_listen_in(args, &fresh_state_dir())
}

/// A new, empty state folder under the target folder (so no test touches the user's).
fn fresh_state_dir() -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("webhooks-state-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Starts `ringg webhooks listen` with `RINGG_STATE_DIR=state`.
fn spawn_listen_in(args: &[&str], state: &std::path::Path) -> Listener {
    spawn_listen_by(Command::new(env!("CARGO_BIN_EXE_ringg")), args, state)
}

/// Starts `ringg webhooks listen` with `RINGG_STATE_DIR=state` through `command` (the `ringg`
/// binary, or a command that runs it, such as `nohup`).
fn spawn_listen_by(mut command: Command, args: &[&str], state: &std::path::Path) -> Listener {
    let mut child = command
        .args(["webhooks", "listen", "--port", "0"])
        .args(args)
        .env_remove("RINGG_API_KEY")
        .env_remove("RINGG_BASE_URL")
        .env_remove("RINGG_WEBHOOK_SECRET")
        .env("RINGG_STATE_DIR", state)
        // A proxy that is not there: deliveries forwarded to an app on loopback (with their
        // secret) must not go through one.
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("http_proxy", "http://127.0.0.1:9")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut before = String::new();
    let line = loop {
        let mut line = String::new();
        let n = err.read_line(&mut line).unwrap();
        assert!(n > 0, "ringg exited before listening:\n{before}");
        if line.contains("listening on") {
            break line;
        }
        before.push_str(&line);
    };
    let stderr = Arc::new(Mutex::new(format!("{before}{line}")));
    let collected = stderr.clone();
    std::thread::spawn(move || {
        let mut next = String::new();
        while err.read_line(&mut next).map(|n| n > 0).unwrap_or(false) {
            collected.lock().unwrap().push_str(&next);
            next.clear();
        }
    });
    let port: u16 = line
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    let stdout = child.stdout.take();
    Listener {
        child,
        port,
        stdout,
        stderr,
    }
}

/// The listener's stderr once it contains `needle`, or as it is after 10 s.
fn stderr_with(l: &Listener, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let stderr = l.stderr.lock().unwrap().clone();
        if stderr.contains(needle) || Instant::now() > deadline {
            return stderr;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Starts `ringg webhooks listen` and returns it with the port it announced on stderr.
fn listen(args: &[&str]) -> (Child, u16, std::process::ChildStdout) {
    let mut l = spawn_listen(args);
    let stdout = l.stdout.take().unwrap();
    (l.child, l.port, stdout)
}

/// Reads stdout lines until one contains `needle` (or fails after 30 s).
fn read_until(out: std::process::ChildStdout, needle: &str) -> Vec<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // Drains stdout to its end even after the caller stopped listening: a closed pipe
        // would end the listener (as `ringg … | head` should).
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(line);
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
            "--var",
            "company_name=Acme",
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
            "--var",
            "company_name=Acme",
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

/// Sends one delivery on a kept-alive connection and returns the status code.
fn deliver(stream: &mut TcpStream, secret: &str, body: &str) -> u16 {
    deliver_at(stream, "/", secret, body)
}

/// Sends one delivery to `path` on a kept-alive connection and returns the status code.
fn deliver_at(stream: &mut TcpStream, path: &str, secret: &str, body: &str) -> u16 {
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: x\r\nx-webhook-secret: {secret}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    // One write: a head and body written apart would wait for a delayed ACK (Nagle).
    stream
        .write_all(format!("{head}{body}").as_bytes())
        .unwrap();
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).unwrap();
        assert!(n > 0, "closed before a response: {buf:?}");
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).to_ascii_lowercase();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).unwrap();
    status
}

/// Waits for the child to exit; returns its exit code and how long that took, or kills it
/// and fails after `limit`.
fn wait_exit(child: &mut Child, since: Instant, limit: Duration) -> (Option<i32>, Duration) {
    while since.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return (status.code(), since.elapsed());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("ringg webhooks listen was still running {limit:?} after Ctrl-C");
}

fn interrupt(child: &Child) {
    send_signal(child, "-INT");
}

/// Whether `listen` started by this test handles SIGHUP: on Linux, unless the test runner
/// itself ignores SIGHUP (run under `nohup`), which its children inherit.
fn hangup_reaches_listen() -> bool {
    cfg!(target_os = "linux")
        && std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("SigIgn:"))
                .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
                .is_some_and(|mask| mask & 1 == 0)
        })
}

/// Sends `signal` (as `kill` names it, e.g. `-HUP`) to `child`.
fn send_signal(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn listen_ends_quietly_once_the_reader_of_its_output_has_gone() {
    // As `ringg webhooks listen | head -1`: one line read, then the pipe is closed, and no
    // further delivery comes to make the listener write again.
    let mut l = spawn_listen(&["--secret", "s3cret", "--dedupe", "memory"]);
    let mut stream = TcpStream::connect(("127.0.0.1", l.port)).unwrap();
    let body = r#"{"event_type":"call_started","call_id":"c-head","agent_id":"a"}"#;
    assert_eq!(deliver(&mut stream, "s3cret", body), 200);
    let mut out = BufReader::new(l.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.contains("c-head"), "{first}");
    drop(out);
    drop(stream);
    let since = Instant::now();
    while since.elapsed() < Duration::from_secs(60) {
        if let Some(status) = l.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0), "{}", l.stderr.lock().unwrap());
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = l.child.kill();
    panic!("webhooks listen kept running with nobody reading its output");
}

/// Opens an idle HTTP/2 client (preface and SETTINGS, no request) and an HTTP/1.1 delivery
/// whose body never finishes (so it is in flight), and waits until both were accepted.
fn hold_connections(port: u16) -> (TcpStream, TcpStream) {
    let mut h2 = TcpStream::connect(("127.0.0.1", port)).unwrap();
    h2.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").unwrap();
    h2.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0]).unwrap();
    h2.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut settings = [0u8; 9];
    h2.read_exact(&mut settings).unwrap();
    assert_eq!(settings[3], 4, "the server answered with its SETTINGS");
    let mut stuck = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stuck
        .write_all(b"POST / HTTP/1.1\r\nhost: x\r\nx-webhook-secret: s3cret\r\ncontent-length: 500\r\n\r\n{\"event_type\"")
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    (h2, stuck)
}

#[test]
fn ctrl_c_stops_listen_within_the_shutdown_deadline_despite_held_connections() {
    let mut l = spawn_listen(&["--secret", "s3cret"]);
    let _held = hold_connections(l.port);
    let since = Instant::now();
    interrupt(&l.child);
    let (code, took) = wait_exit(&mut l.child, since, Duration::from_secs(40));
    let stderr = l.stderr.lock().unwrap().clone();
    eprintln!("exited {code:?} {took:?} after one Ctrl-C; stderr:\n{stderr}");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("stopping: deliveries in flight get up to 10 s"),
        "{stderr}"
    );
    // The 10 s deadline, not the 30 s body timeout or the connections' lifetime.
    assert!(took < Duration::from_secs(25), "{took:?}");
}

#[test]
fn a_second_ctrl_c_exits_at_once() {
    let mut l = spawn_listen(&["--secret", "s3cret"]);
    let _held = hold_connections(l.port);
    let since = Instant::now();
    interrupt(&l.child);
    std::thread::sleep(Duration::from_millis(300));
    interrupt(&l.child);
    let (code, took) = wait_exit(&mut l.child, since, Duration::from_secs(40));
    eprintln!("exited {code:?} {took:?} after two Ctrl-C");
    assert_eq!(code, Some(130));
    // Well before the 10 s deadline the first Ctrl-C alone would have waited for.
    assert!(took < Duration::from_secs(8), "{took:?}");
}

/// SIGTERM (`kill`, a service manager) stops `listen` as Ctrl-C does: gracefully, so what it
/// holds is saved; a second one exits at once with its own code.
#[cfg(unix)]
#[test]
fn sigterm_stops_listen_as_ctrl_c_does() {
    // SIGHUP (the terminal closed) too, when it was not ignored at the start (Linux).
    let hangup = hangup_reaches_listen().then_some(("-HUP", 129));
    for (signal, code) in [("-TERM", 143)].into_iter().chain(hangup) {
        let mut l = spawn_listen(&["--secret", "s3cret"]);
        let signal_it = || {
            let status = Command::new("kill")
                .args([signal, &l.child.id().to_string()])
                .status()
                .unwrap();
            assert!(status.success());
        };
        signal_it();
        // Stopped gracefully (no delivery in flight: at once).
        let (first, _) = wait_exit(&mut l.child, Instant::now(), Duration::from_secs(40));
        let stderr = l.stderr.lock().unwrap().clone();
        assert_eq!(first, Some(0), "{signal}: {stderr}");
        assert!(
            stderr.contains("stopping: deliveries in flight"),
            "{signal}: {stderr}"
        );
        // A second one while deliveries are in flight exits at once.
        let mut l = spawn_listen(&["--secret", "s3cret"]);
        let _held = hold_connections(l.port);
        let since = Instant::now();
        for _ in 0..2 {
            let status = Command::new("kill")
                .args([signal, &l.child.id().to_string()])
                .status()
                .unwrap();
            assert!(status.success());
            std::thread::sleep(Duration::from_millis(300));
        }
        let (second, took) = wait_exit(&mut l.child, since, Duration::from_secs(40));
        assert_eq!(second, Some(code), "{signal}");
        assert!(took < Duration::from_secs(8), "{signal}: {took:?}");
    }
}

/// A delivery whose body is not JSON is refused (400), and its body kept in the state folder
/// (a callback is never sent again); Ringg's retry of it keeps no second copy. JSON that is
/// not an object is printed, not refused.
#[test]
fn a_delivery_that_is_not_json_is_refused_and_its_body_kept() {
    let state = fresh_state_dir();
    let mut l = spawn_listen_in(&["--secret", "s3cret"], &state);
    let stdout = l.stdout.take().unwrap();
    let array = r#"[{"status":"success","data":{"call_id":"c-arr","status":"completed"}}]"#;
    let mut stream = TcpStream::connect(("127.0.0.1", l.port)).unwrap();
    assert_eq!(deliver(&mut stream, "s3cret", array), 200);
    let lines = read_until(stdout, "not a JSON object");
    assert_eq!(
        lines.last().unwrap(),
        &format!("(not a JSON object) {array}"),
        "the whole JSON, in the text output too"
    );
    let body = r#"[{"status":"success","data":{"call_id":"c-arr","status":"completed"}}"#;
    for _ in 0..2 {
        let mut stream = TcpStream::connect(("127.0.0.1", l.port)).unwrap();
        assert_eq!(deliver(&mut stream, "s3cret", body), 400);
    }
    let stderr = stderr_with(&l, "kept in ");
    let named = stderr
        .split("kept in ")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .unwrap_or_else(|| panic!("{stderr}"))
        .trim()
        .to_owned();
    assert_eq!(std::fs::read(&named).unwrap(), body.as_bytes());
    let files = std::fs::read_dir(state.join("webhooks-malformed"))
        .unwrap()
        .count();
    assert_eq!(files, 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&named).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{named}");
    }
    let _ = l.child.kill();
    let _ = l.child.wait();
}

/// Started under `nohup`, `listen` keeps SIGHUP ignored: a hang-up neither stops nor ends it.
#[cfg(unix)]
#[test]
fn listen_under_nohup_keeps_running_through_a_hangup() {
    let mut nohup = Command::new("nohup");
    nohup.arg(env!("CARGO_BIN_EXE_ringg"));
    let mut l = spawn_listen_by(nohup, &["--secret", "s3cret"], &fresh_state_dir());
    send_signal(&l.child, "-HUP");
    std::thread::sleep(Duration::from_millis(500));
    assert!(l.child.try_wait().unwrap().is_none(), "ended by SIGHUP");
    let mut stream = TcpStream::connect(("127.0.0.1", l.port)).unwrap();
    let body = r#"{"event_type":"call_started","call_id":"c-nohup","agent_id":"a"}"#;
    assert_eq!(deliver(&mut stream, "s3cret", body), 200);
    let stderr = l.stderr.lock().unwrap().clone();
    assert!(!stderr.contains("stopping"), "{stderr}");
    send_signal(&l.child, "-TERM");
    let (code, _) = wait_exit(&mut l.child, Instant::now(), Duration::from_secs(40));
    assert_eq!(code, Some(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn replay_hands_over_only_what_listen_missed() {
    let sim = sim().await;
    let state = fresh_state_dir();
    let mut l = spawn_listen_in(&["--secret", "s3cret"], &state);
    let stdout = l.stdout.take().unwrap();
    let url = format!("http://127.0.0.1:{}/ringg", l.port);
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
            "call_completed",
            "--event",
            "all_processing_completed",
            "--header",
            "X-Webhook-Secret:s3cret",
        ],
    ))
    .await;
    let call = |to: &'static str| {
        sim.handle().script_outcomes(to, [CallOutcome::Answered]);
        ringg(
            &sim,
            &[
                "calls",
                "create",
                "--var",
                "company_name=Acme",
                "--agent",
                AGENT_ID,
                "--to",
                to,
                "--name",
                "Lee",
                "--from-number-id",
                NUMBER_ID,
                "--wait",
            ],
        )
    };
    // One call while the receiver is up: both its events are handed over live.
    ok(call("+919876533300")).await;
    let lines = tokio::task::spawn_blocking(move || read_until(stdout, "all_processing_completed"))
        .await
        .unwrap();
    assert!(
        lines.iter().any(|l| l.starts_with("call_completed")),
        "{lines:?}"
    );
    // The receiver goes down; three calls happen meanwhile.
    l.child.kill().unwrap();
    let _ = l.child.wait();
    for to in ["+919876533301", "+919876533302", "+919876533303"] {
        ok(call(to)).await;
    }
    let replay = || {
        let mut c = ringg(&sim, &["webhooks", "replay", "--since", "1h"]);
        c.env("RINGG_STATE_DIR", &state);
        c
    };
    let r = ok(replay()).await;
    assert_eq!(
        r.stdout.lines().count(),
        6,
        "the missed calls' two events each:\n{}",
        r.stdout
    );
    assert!(!r.stdout.contains("+919876533300"), "{}", r.stdout);
    assert!(
        r.stderr.contains("6 handed over, 2 already"),
        "{}",
        r.stderr
    );
    let r = ok(replay()).await;
    assert!(r.stdout.trim().is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.contains("0 handed over, 8 already"),
        "{}",
        r.stderr
    );
    sim.shutdown().await;
}

#[test]
fn listen_takes_the_secret_from_the_url_for_header_less_callbacks() {
    let mut l = spawn_listen_in(
        &["--secret", "s3cret", "--secret-query-param", "ringg_secret"],
        &fresh_state_dir(),
    );
    // The line that says where to point the subscription names the parameter too.
    let announced = l.stderr.lock().unwrap().clone();
    assert!(announced.contains("?ringg_secret=<secret>"), "{announced}");
    assert!(
        !announced.contains("not named like a secret"),
        "{announced}"
    );
    let stdout = l.stdout.take().unwrap();
    let post = |path: &str| {
        let body = r#"{"event_type":"campaign_completed","list_id":"l-1","status":"completed"}"#;
        let mut s = TcpStream::connect(("127.0.0.1", l.port)).unwrap();
        let req = format!(
            "POST {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    assert!(post("/campaign?ringg_secret=wrong").starts_with("HTTP/1.1 401"));
    assert!(post("/campaign").starts_with("HTTP/1.1 401"));
    assert!(post("/campaign?ringg_secret=s3cret").starts_with("HTTP/1.1 200"));
    let lines = read_until(stdout, "campaign_completed");
    assert_eq!(lines.len(), 1, "{lines:?}");
    l.child.kill().unwrap();
    let _ = l.child.wait();
    // A name output does not mask (the callback URL would show the secret) is warned about.
    let mut l = spawn_listen_in(
        &["--secret", "s3cret", "--secret-query-param", "tok"],
        &fresh_state_dir(),
    );
    let announced = l.stderr.lock().unwrap().clone();
    assert!(
        announced.contains("--secret-query-param tok")
            && announced.contains("not named like a secret"),
        "{announced}"
    );
    l.child.kill().unwrap();
    let _ = l.child.wait();
}

/// `calls tail --listen` stopped with Ctrl-C, or with SIGTERM (`kill`, a service manager),
/// shows every event its receiver answered 200: those that arrived while it was reading the
/// history (queued), not only some of them.
#[tokio::test(flavor = "multi_thread")]
async fn tail_listen_shows_every_event_it_accepted_before_ctrl_c() {
    let sim = common::sim_with_faults("op.listCallHistory=1:latency, latency-ms=1500").await;
    for signal in ["-INT", "-TERM"] {
        tail_listen_stopped_by(&sim, signal);
    }
}

/// One run of [`tail_listen_shows_every_event_it_accepted_before_ctrl_c`], stopped by `signal`.
fn tail_listen_stopped_by(sim: &ringg_sim::RunningSimulator, signal: &str) {
    let mut cmd = common::tail_listen(sim, "s3cret");
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let port = loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "no receiver started"
        );
        if let Some(rest) = line.split("delivered to http://127.0.0.1:").nth(1) {
            break rest
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap()
                .parse::<u16>()
                .unwrap();
        }
    };
    // While the first history read is still on its way.
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let ids: Vec<String> = (1..=5).map(|n| format!("tail-event-{n}")).collect();
    for id in &ids {
        let body = serde_json::json!({"event_type": "call_started", "call_id": id}).to_string();
        assert_eq!(deliver(&mut stream, "s3cret", &body), 200);
    }
    send_signal(&child, signal);
    let (code, _) = wait_exit(&mut child, Instant::now(), Duration::from_secs(30));
    assert_eq!(code, Some(0), "{signal}");
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    for id in &ids {
        assert!(
            out.lines()
                .any(|l| l.contains("webhook") && l.contains(id.as_str())),
            "{signal}: {id} was answered 200 but not shown:\n{out}"
        );
    }
}
