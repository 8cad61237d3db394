//! `webhooks listen` across a restart (dedupe kept in the state folder) and with
//! `--forward-to` (a small hyper app on 127.0.0.1 stands for the user's app).

use std::convert::Infallible;
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};

use super::{
    Listener, deliver, deliver_at, fresh_state_dir, read_until, spawn_listen_in, stderr_with,
};

fn event(call_id: &str) -> String {
    serde_json::json!({
        "event_type": "call_started",
        "call_id": call_id,
        "agent_id": "cbaf9944-3e34-43b6-b3e8-6a905de16639",
    })
    .to_string()
}

fn connect(l: &Listener) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", l.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream
}

/// A `listen` forwarding to `target` (with a fresh state folder), and its answers to `body`
/// delivered twice on one connection.
fn forwarding_twice(target: &str, body: &str) -> (Listener, [u16; 2]) {
    let l = spawn_listen_in(
        &["--secret", "s3cret", "--forward-to", target],
        &fresh_state_dir(),
    );
    let mut s = connect(&l);
    let statuses = [
        deliver(&mut s, "s3cret", body),
        deliver(&mut s, "s3cret", body),
    ];
    (l, statuses)
}

fn stop(mut l: Listener) {
    l.child.kill().unwrap();
    let _ = l.child.wait();
}

#[test]
fn a_restarted_listener_does_not_hand_over_an_event_again() {
    let state = fresh_state_dir();
    let mut first = spawn_listen_in(&["--secret", "s3cret"], &state);
    let mut s = connect(&first);
    assert_eq!(deliver(&mut s, "s3cret", &event("call-before")), 200);
    let lines = read_until(first.stdout.take().unwrap(), "call-before");
    assert_eq!(lines.len(), 1, "{lines:?}");
    stop(first);
    assert!(state.join("webhooks-dedupe.sqlite3").is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&state).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "the state folder is private");
        let file = state.join("webhooks-dedupe.sqlite3");
        let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the dedupe file is private");
    }

    let mut second = spawn_listen_in(&["--secret", "s3cret"], &state);
    let mut s = connect(&second);
    // Ringg's retry of the event handed over before the restart: acknowledged, not printed.
    assert_eq!(deliver(&mut s, "s3cret", &event("call-before")), 200);
    assert_eq!(deliver(&mut s, "s3cret", &event("call-after")), 200);
    let lines = read_until(second.stdout.take().unwrap(), "call-after");
    stop(second);
    assert_eq!(lines.len(), 1, "only the new event is printed: {lines:?}");

    // The escape hatch forgets on exit, so the same retry is printed again.
    let mut memory = spawn_listen_in(&["--secret", "s3cret", "--dedupe", "memory"], &state);
    let mut s = connect(&memory);
    assert_eq!(deliver(&mut s, "s3cret", &event("call-before")), 200);
    let lines = read_until(memory.stdout.take().unwrap(), "call-before");
    stop(memory);
    assert_eq!(lines.len(), 1, "{lines:?}");
}

/// One request the app saw.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path_and_query: String,
    secret: Option<String>,
    authorization: Option<String>,
    host: Option<String>,
    body: Vec<u8>,
}

type SeenLog = Arc<Mutex<Vec<Seen>>>;

/// The user's app: records each request and answers `status`.
async fn app(status: u16) -> (SocketAddr, SeenLog) {
    app_at("127.0.0.1:0", status).await
}

/// [`app`] listening on `addr`.
async fn app_at(addr: &str, status: u16) -> (SocketAddr, SeenLog) {
    app_answering(addr, Arc::new(AtomicU16::new(status))).await
}

/// [`app_at`], answering what `status` holds at the time.
async fn app_answering(addr: &str, status: Arc<AtomicU16>) -> (SocketAddr, SeenLog) {
    app_fn(addr, move |_| status.load(Ordering::SeqCst)).await
}

/// [`app_at`], answering the status `status` gives for each body.
async fn app_fn(
    addr: &str,
    status: impl Fn(&[u8]) -> u16 + Send + Sync + 'static,
) -> (SocketAddr, SeenLog) {
    let status = Arc::new(status);
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: SeenLog = Arc::default();
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (log, status) = (log.clone(), status.clone());
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let (log, status) = (log.clone(), status.clone());
                async move {
                    let (parts, body) = req.into_parts();
                    let body = body.collect().await.unwrap().to_bytes().to_vec();
                    let status = status(&body);
                    let header = |name: &str| {
                        parts
                            .headers
                            .get(name)
                            .map(|v| v.to_str().unwrap().to_owned())
                    };
                    log.lock().unwrap().push(Seen {
                        method: parts.method.to_string(),
                        path_and_query: parts.uri.to_string(),
                        secret: header("x-webhook-secret"),
                        authorization: header("authorization"),
                        host: header("host"),
                        body,
                    });
                    let answer = Response::builder()
                        .status(status)
                        .body(Full::new(Bytes::from_static(b"app says hi")))
                        .unwrap();
                    Ok::<_, Infallible>(answer)
                }
            });
            tokio::spawn(async move {
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    (addr, seen)
}

/// Runs blocking socket work off the runtime's workers (the app runs on them).
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn forward_to_an_app_that_answers_200() {
    let (addr, seen) = app(200).await;
    let target = format!("http://{addr}/hooks");
    let body = event("call-fwd-ok");
    let sent = body.clone();
    let (lines, statuses) = blocking(move || {
        let mut l = spawn_listen_in(
            &["--secret", "s3cret", "--forward-to", &target],
            &fresh_state_dir(),
        );
        let mut s = connect(&l);
        let first = deliver_at(&mut s, "/ringg/x?attempt=1&b=2", "s3cret", &sent);
        // The repeat is acknowledged by dedupe, not forwarded.
        let repeat = deliver_at(&mut s, "/ringg/x?attempt=1&b=2", "s3cret", &sent);
        let refused = deliver_at(&mut s, "/ringg/x", "wrong", &sent);
        let lines = read_until(l.stdout.take().unwrap(), "answered 200");
        stop(l);
        (lines, [first, repeat, refused])
    })
    .await;
    assert_eq!(statuses, [200, 200, 401]);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let got = &seen[0];
    assert_eq!(got.method, "POST");
    assert_eq!(got.path_and_query, "/hooks/ringg/x?attempt=1&b=2");
    assert_eq!(got.secret.as_deref(), Some("s3cret"));
    assert_eq!(
        got.host.as_deref(),
        Some(addr.to_string().as_str()),
        "Host is the app's"
    );
    assert_eq!(got.body, body.as_bytes(), "the body byte for byte");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("call_started") && lines[0].contains("call-fwd-ok"),
        "{lines:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_apps_204_is_answered_200_so_ringg_does_not_retry() {
    let (addr, seen) = app(204).await;
    let target = format!("http://{addr}/hooks");
    let body = event("call-fwd-204");
    let statuses = blocking(move || {
        let mut l = spawn_listen_in(
            &["--secret", "s3cret", "--forward-to", &target],
            &fresh_state_dir(),
        );
        let mut s = connect(&l);
        let first = deliver_at(&mut s, "/ringg", "s3cret", &body);
        let repeat = deliver_at(&mut s, "/ringg", "s3cret", &body);
        read_until(l.stdout.take().unwrap(), "answered 204");
        stop(l);
        [first, repeat]
    })
    .await;
    assert_eq!(statuses, [200, 200]);
    assert_eq!(seen.lock().unwrap().len(), 1, "forwarded once");
}

/// An app's 4xx refuses the delivery: the status is passed on, so Ringg's retry is forwarded
/// again (the event is not marked handled).
#[tokio::test(flavor = "multi_thread")]
async fn an_apps_4xx_is_passed_on_and_the_retry_forwarded() {
    let (addr, seen) = app(400).await;
    let target = format!("http://{addr}/");
    let body = event("call-fwd-400");
    let (lines, statuses, stderr) = blocking(move || {
        let (mut l, statuses) = forwarding_twice(&target, &body);
        let lines = read_until(l.stdout.take().unwrap(), "answered 400");
        // The receiver's warning follows the handler's line.
        let stderr = stderr_with(&l, "status=400");
        stop(l);
        (lines, statuses, stderr)
    })
    .await;
    assert_eq!(statuses, [400, 400], "Ringg gets the app's own status");
    assert_eq!(seen.lock().unwrap().len(), 2, "not marked handled");
    assert!(lines[0].contains("answered 400"), "{lines:?}");
    // The warning names the status the delivery was answered with.
    assert!(
        stderr.contains("status=400") && !stderr.contains("status=500"),
        "{stderr}"
    );
}

/// A subscription event the app refuses (a 401: its secret is out of date) is passed on to
/// Ringg, and a copy is set aside as `.refused`, so it outlives Ringg's last retry: one file
/// however many attempts are refused, removed once an attempt is taken.
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_event_keeps_one_copy_until_an_attempt_is_taken() {
    let status = Arc::new(AtomicU16::new(401));
    let (addr, seen) = app_answering("127.0.0.1:0", status.clone()).await;
    let target = format!("http://{addr}/hooks");
    let state = fresh_state_dir();
    let outbox = state.join("webhooks-outbox");
    let body = event("call-fwd-401");
    let (answers, copies, line) = blocking(move || {
        let l = spawn_listen_in(&["--secret", "s3cret", "--forward-to", &target], &state);
        let mut s = connect(&l);
        let refused_files = || -> Vec<std::path::PathBuf> {
            std::fs::read_dir(&outbox)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "refused"))
                .collect()
        };
        let mut answers = Vec::new();
        let mut copies = Vec::new();
        for _ in 0..2 {
            answers.push(deliver(&mut s, "s3cret", &body));
            copies.push(refused_files());
        }
        let kept = std::fs::read(&copies[1][0]).unwrap();
        status.store(200, Ordering::SeqCst);
        answers.push(deliver(&mut s, "s3cret", &body));
        copies.push(refused_files());
        let mut l = l;
        let line = read_until(l.stdout.take().unwrap(), "set aside");
        stop(l);
        (
            answers,
            copies,
            (line, String::from_utf8_lossy(&kept).into_owned()),
        )
    })
    .await;
    assert_eq!(answers, [401, 401, 200], "Ringg gets the app's own status");
    assert_eq!(copies[0].len(), 1, "{copies:?}");
    assert_eq!(copies[1], copies[0], "one copy, however many attempts");
    assert!(copies[2].is_empty(), "removed once taken: {copies:?}");
    assert_eq!(seen.lock().unwrap().len(), 3);
    let (lines, kept) = line;
    assert!(
        lines[0].contains("answered 401") && lines[0].contains("passed on to Ringg"),
        "{lines:?}"
    );
    assert!(
        kept.contains("call-fwd-401") && !kept.contains("s3cret"),
        "{kept}"
    );
}

/// The copy of a refused event goes too when a later attempt is taken from the outbox (the
/// app refused it, then was down, then took the kept delivery).
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_events_copy_goes_when_the_outbox_sends_it() {
    let status = Arc::new(AtomicU16::new(401));
    let (addr, _seen) = app_answering("127.0.0.1:0", status.clone()).await;
    let target = format!("http://{addr}/hooks");
    let state = fresh_state_dir();
    let outbox = state.join("webhooks-outbox");
    let body = event("call-fwd-401-503");
    let (answers, left) = blocking(move || {
        let mut l = spawn_listen_in(&["--secret", "s3cret", "--forward-to", &target], &state);
        let mut s = connect(&l);
        let first = deliver(&mut s, "s3cret", &body);
        status.store(503, Ordering::SeqCst);
        let second = deliver(&mut s, "s3cret", &body);
        status.store(200, Ordering::SeqCst);
        read_until(l.stdout.take().unwrap(), "(sent from the outbox)");
        let left: Vec<_> = std::fs::read_dir(&outbox)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.') && n != "outbox.lock")
            .collect();
        stop(l);
        ([first, second], left)
    })
    .await;
    assert_eq!(answers, [401, 200], "refused, then kept");
    assert!(left.is_empty(), "{left:?}");
}

/// A per-call callback the app refuses (a 4xx) is not passed on to Ringg, which does not send
/// it again: it is set aside in the outbox as `.refused` and answered 200; renamed to
/// `.delivery`, the running `listen` sends it.
#[tokio::test(flavor = "multi_thread")]
async fn a_callback_the_app_refuses_is_set_aside_and_sent_once_renamed() {
    let status = Arc::new(AtomicU16::new(404));
    let (addr, seen) = app_answering("127.0.0.1:0", status.clone()).await;
    let target = format!("http://{addr}/hooks");
    let state = fresh_state_dir();
    let outbox = state.join("webhooks-outbox");
    let callback = serde_json::json!({
        "status": "success",
        "data": {"call_id": "cb-refused-1", "status": "completed", "retry": 0},
        "message": "Call Details",
    })
    .to_string();
    let (answered, lines) = blocking(move || {
        let mut l = spawn_listen_in(&["--secret", "s3cret", "--forward-to", &target], &state);
        let mut s = connect(&l);
        let answered = deliver(&mut s, "s3cret", &callback);
        let out = l.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(read_until(out, "(sent from the outbox)")).unwrap());
        // Set aside; then, the app fixed and the file renamed, the running `listen` sends it.
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let refused = loop {
            let found: Vec<_> = std::fs::read_dir(&outbox)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "refused"))
                .collect();
            if !found.is_empty() || std::time::Instant::now() > deadline {
                break found;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(refused.len(), 1, "{refused:?}");
        status.store(200, Ordering::SeqCst);
        std::fs::rename(&refused[0], refused[0].with_extension("delivery")).unwrap();
        let lines = rx.recv_timeout(Duration::from_secs(30));
        stop(l);
        (
            answered,
            lines.expect("the renamed file is sent within the idle look (5 s)"),
        )
    })
    .await;
    assert_eq!(answered, 200, "{lines:?}");
    assert!(lines[0].contains("set aside in the outbox"), "{lines:?}");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "refused once, then taken");
    assert!(String::from_utf8_lossy(&seen[1].body).contains("cb-refused-1"));
}

/// An app's 500 does not take the delivery for now: it is kept in the outbox and answered 200
/// (Ringg may not retry it), and sent to the app again.
#[tokio::test(flavor = "multi_thread")]
async fn an_apps_500_keeps_the_delivery_and_sends_it_again() {
    let (addr, seen) = app(500).await;
    let target = format!("http://{addr}/");
    let body = event("call-fwd-500");
    let (lines, statuses) = blocking(move || {
        let (mut l, statuses) = forwarding_twice(&target, &body);
        let lines = read_until(l.stdout.take().unwrap(), "kept in the outbox");
        // The outbox sends it again within its first waits (1 s, then 2 s).
        std::thread::sleep(Duration::from_millis(3_500));
        stop(l);
        (lines, statuses)
    })
    .await;
    assert_eq!(statuses, [200, 200], "kept, then a repeat");
    assert!(
        lines[0].contains("answered 500; kept in the outbox"),
        "{lines:?}"
    );
    assert!(seen.lock().unwrap().len() >= 2, "sent again");
}

/// An app that is down when deliveries come gets them once it is up, from the outbox, each
/// once; meanwhile Ringg is answered 200, and the listener keeps running.
#[tokio::test(flavor = "multi_thread")]
async fn deliveries_to_an_app_that_is_down_are_sent_once_it_is_up() {
    // A port nobody listens on yet: on 127.0.0.2, where no other test binds a port that could
    // be the one just freed.
    let port = std::net::TcpListener::bind("127.0.0.2:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let target = format!("http://127.0.0.2:{port}/hooks");
    let (mut l, statuses, secret) = blocking(move || {
        // No --secret: the app is on loopback, so a secret is generated and printed.
        let l = spawn_listen_in(&["--forward-to", &target], &fresh_state_dir());
        let stderr = l.stderr.lock().unwrap().clone();
        let secret = stderr
            .split_whitespace()
            .find(|w| w.starts_with("whsec_"))
            .unwrap_or_else(|| panic!("no generated secret in {stderr}"))
            .to_owned();
        let mut s = connect(&l);
        let statuses = [
            deliver(&mut s, &secret, &event("call-fwd-down")),
            deliver(&mut s, &secret, &event("call-fwd-down")),
            deliver(&mut s, &secret, &event("call-fwd-down-2")),
        ];
        (l, statuses, secret)
    })
    .await;
    assert_eq!(statuses, [200, 200, 200], "kept, a repeat, kept");
    let (_, seen) = app_at(&format!("127.0.0.2:{port}"), 200).await;
    let app_seen = seen.clone();
    let (lines, stderr) = blocking(move || {
        let out = l.stdout.take().unwrap();
        let lines = read_until(out, "(sent from the outbox)");
        // Both are sent in one pass, oldest first.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while app_seen.lock().unwrap().len() < 2 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(
            l.child.try_wait().unwrap().is_none(),
            "the listener keeps running"
        );
        let stderr = l.stderr.lock().unwrap().clone();
        stop(l);
        (lines, stderr)
    })
    .await;
    let bodies: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| String::from_utf8_lossy(&s.body).into_owned())
        .collect();
    assert_eq!(bodies.len(), 2, "each once, in order: {bodies:?}");
    assert!(bodies[0].contains("\"call-fwd-down\""), "{bodies:?}");
    assert!(bodies[1].contains("call-fwd-down-2"), "{bodies:?}");
    assert!(
        lines[0].contains("is down (connection refused); kept in the outbox"),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("(sent from the outbox)")),
        "{lines:?}"
    );
    assert_eq!(stderr.matches(&secret).count(), 1, "printed once: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A kept delivery the app refuses when it is sent again (a 4xx) is set aside, not sent again
/// and again, and does not hold up the one kept after it.
#[tokio::test(flavor = "multi_thread")]
async fn a_kept_delivery_the_app_then_refuses_is_set_aside() {
    let up = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let app_up = up.clone();
    let (addr, seen) = app_fn("127.0.0.1:0", move |body| {
        match (app_up.load(Ordering::SeqCst), String::from_utf8_lossy(body)) {
            (false, _) => 503,
            (true, b) if b.contains("call-fwd-refused") => 400,
            (true, _) => 200,
        }
    })
    .await;
    let target = format!("http://{addr}/hooks");
    let state = fresh_state_dir();
    let outbox = state.join("webhooks-outbox");
    let answered = blocking(move || {
        let mut l = spawn_listen_in(&["--secret", "s3cret", "--forward-to", &target], &state);
        let mut s = connect(&l);
        let answered = [
            deliver(&mut s, "s3cret", &event("call-fwd-refused")),
            deliver(&mut s, "s3cret", &event("call-fwd-after")),
        ];
        let out = l.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            tx.send(read_until(out, "answered 200 (sent from the outbox)"))
                .unwrap()
        });
        std::thread::sleep(Duration::from_millis(200));
        up.store(true, Ordering::SeqCst);
        let lines = rx.recv_timeout(Duration::from_secs(30)).unwrap();
        std::thread::sleep(Duration::from_millis(2_500));
        stop(l);
        assert!(lines[0].contains("kept in the outbox"), "{lines:?}");
        assert!(
            lines.iter().any(|l| l.contains("set aside there")),
            "{lines:?}"
        );
        answered
    })
    .await;
    assert_eq!(answered, [200, 200]);
    let names: Vec<String> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("outbox.lock"))
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].ends_with(".refused"), "{names:?}");
    let taken = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|s| String::from_utf8_lossy(&s.body).contains("call-fwd-after"))
        .count();
    assert!(taken >= 1, "the later delivery was sent");
}

/// A delivery kept for one app is never sent to another: a later `listen` forwarding
/// elsewhere leaves it in the outbox.
#[tokio::test(flavor = "multi_thread")]
async fn a_kept_delivery_goes_only_to_the_app_it_was_kept_for() {
    let port = std::net::TcpListener::bind("127.0.0.2:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let target_a = format!("http://127.0.0.2:{port}/app-a");
    let state = fresh_state_dir();
    let first_state = state.clone();
    blocking(move || {
        let mut l = spawn_listen_in(
            &["--secret", "secret-a", "--forward-to", &target_a],
            &first_state,
        );
        let mut s = connect(&l);
        assert_eq!(deliver(&mut s, "secret-a", &event("call-for-app-a")), 200);
        read_until(l.stdout.take().unwrap(), "kept in the outbox");
        stop(l);
    })
    .await;
    let (addr_b, seen_b) = app(200).await;
    let target_b = format!("http://{addr_b}/app-b");
    let outbox = state.join("webhooks-outbox");
    blocking(move || {
        let l = spawn_listen_in(&["--secret", "secret-b", "--forward-to", &target_b], &state);
        std::thread::sleep(Duration::from_secs(3));
        stop(l);
    })
    .await;
    assert!(
        seen_b.lock().unwrap().is_empty(),
        "app B got app A's delivery"
    );
    let kept = std::fs::read_dir(&outbox)
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            name.to_string_lossy().ends_with(".delivery")
        })
        .count();
    assert_eq!(kept, 1, "still kept for app A");
}

/// What one `listen` kept and could not send, the next one sends.
#[tokio::test(flavor = "multi_thread")]
async fn the_next_listener_sends_what_the_last_one_kept() {
    let port = std::net::TcpListener::bind("127.0.0.2:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // The app's URL carries a secret of its own, which the outbox does not keep either.
    let target = format!("http://127.0.0.2:{port}/hooks?app_token=t0k3n-app");
    let state = fresh_state_dir();
    // The next `listen` checks another secret: the kept delivery reaches the app with it.
    let first = ["--secret", "s3cret", "--forward-to", &target].map(str::to_owned);
    let again = ["--secret", "n3w-s3cret", "--forward-to", &target].map(str::to_owned);
    let first_state = state.clone();
    let status = blocking(move || {
        let first: Vec<&str> = first.iter().map(String::as_str).collect();
        let mut l = spawn_listen_in(&first, &first_state);
        let mut s = connect(&l);
        let status = deliver(&mut s, "s3cret", &event("call-fwd-later"));
        read_until(l.stdout.take().unwrap(), "kept in the outbox");
        stop(l);
        status
    })
    .await;
    assert_eq!(status, 200);
    // The kept file does not hold the secret: the next `listen` sets its own.
    let files: Vec<_> = std::fs::read_dir(state.join("webhooks-outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "delivery"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let head: serde_json::Value =
        serde_json::Deserializer::from_slice(&std::fs::read(&files[0]).unwrap())
            .into_iter()
            .next()
            .unwrap()
            .unwrap();
    let header_values: Vec<String> = head["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            let bytes: Vec<u8> = serde_json::from_value(pair[1].clone()).unwrap();
            String::from_utf8_lossy(&bytes).into_owned()
        })
        .collect();
    assert!(
        header_values.iter().all(|v| !v.contains("s3cret")),
        "{header_values:?}"
    );
    let file = String::from_utf8_lossy(&std::fs::read(&files[0]).unwrap()).into_owned();
    assert!(!file.contains("t0k3n-app"), "{file}");
    let (_, seen) = app_at(&format!("127.0.0.2:{port}"), 200).await;
    let stderr = blocking(move || {
        let again: Vec<&str> = again.iter().map(String::as_str).collect();
        let mut l = spawn_listen_in(&again, &state);
        read_until(l.stdout.take().unwrap(), "(sent from the outbox)");
        let stderr = l.stderr.lock().unwrap().clone();
        stop(l);
        stderr
    })
    .await;
    assert!(
        stderr.contains("by an earlier `webhooks listen`"),
        "{stderr}"
    );
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert!(String::from_utf8_lossy(&seen[0].body).contains("call-fwd-later"));
    assert_eq!(seen[0].secret.as_deref(), Some("n3w-s3cret"));
    assert!(
        seen[0].path_and_query.contains("app_token=t0k3n-app"),
        "{}",
        seen[0].path_and_query
    );
}

#[test]
fn forward_to_a_remote_app_still_needs_a_secret() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ringg"))
        .args([
            "webhooks",
            "listen",
            "--port",
            "0",
            "--forward-to",
            "https://app.example/hooks",
        ])
        .env_remove("RINGG_WEBHOOK_SECRET")
        .env("RINGG_STATE_DIR", fresh_state_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no webhook secret"), "{stderr}");
}

/// Places an answered call to each of `tos` with `ringg calls create --wait`.
async fn answered_calls(sim: &ringg_sim::RunningSimulator, tos: &[&str]) {
    for to in tos {
        sim.handle()
            .script_outcomes(to, [ringg_sim::CallOutcome::Answered]);
        let args = crate::common::call_args(to, &["--var", "company_name=Acme", "--wait"]);
        super::ok(super::ringg(sim, &args)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn replay_forwards_what_was_missed_and_keeps_what_the_app_refused() {
    let sim = super::sim().await;
    answered_calls(&sim, &["+919876544401", "+919876544402"]).await;
    let state = fresh_state_dir();
    let replay = |url: &str| {
        let mut c = super::ringg(
            &sim,
            &["webhooks", "replay", "--since", "1h", "--forward-to", url],
        );
        c.env("RINGG_STATE_DIR", &state)
            .env("RINGG_WEBHOOK_SECRET", "app-secret");
        c
    };
    // The app refuses: nothing is marked handed over, and the command says so.
    let (refusing, refused) = app(500).await;
    let r = crate::common::run(replay(&format!("http://{refusing}/hooks"))).await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(refused.lock().unwrap().len(), 4);
    assert!(
        r.stderr.contains("4 event(s) were not taken"),
        "{}",
        r.stderr
    );
    // Told in the replay's own words, not the receiver's, which speak of Ringg's retries.
    assert!(!r.stderr.contains("Ringg retries"), "{}", r.stderr);
    // The summary counts them too.
    assert!(
        r.stderr
            .contains("0 handed over, 0 already handed over before, 4 not taken by the app"),
        "{}",
        r.stderr
    );
    // The app takes them: all four arrive once, rebuilt, with the secret; then nothing more.
    let (taking, taken) = app(200).await;
    let url = format!("http://{taking}/hooks");
    let r = super::ok(replay(&url)).await;
    assert!(r.stderr.contains("4 handed over"), "{}", r.stderr);
    let got = taken.lock().unwrap().clone();
    assert_eq!(got.len(), 4, "{got:?}");
    for s in &got {
        assert_eq!(s.method, "POST");
        assert_eq!(s.secret.as_deref(), Some("app-secret"));
        let body: serde_json::Value = serde_json::from_slice(&s.body).unwrap();
        assert_eq!(body["ringg_rebuilt"], true, "{body}");
    }
    let r = super::ok(replay(&url)).await;
    assert!(
        r.stderr.contains("0 handed over, 4 already"),
        "{}",
        r.stderr
    );
    assert_eq!(taken.lock().unwrap().len(), 4);
    sim.shutdown().await;
}

/// `replay --forward-to` sends the secret as a receiver checking it in `--secret-header`
/// reads it: `Bearer <secret>` in `Authorization`.
#[tokio::test(flavor = "multi_thread")]
async fn replay_sends_an_authorization_secret_as_a_bearer_token() {
    let sim = super::sim().await;
    answered_calls(&sim, &["+919876544411"]).await;
    let (taking, taken) = app(200).await;
    let url = format!("http://{taking}/hooks");
    let mut replay = super::ringg(
        &sim,
        &[
            "webhooks",
            "replay",
            "--since",
            "1h",
            "--forward-to",
            &url,
            "--secret-header",
            "Authorization",
        ],
    );
    replay
        .env("RINGG_STATE_DIR", fresh_state_dir())
        .env("RINGG_WEBHOOK_SECRET", "app-secret");
    let r = super::ok(replay).await;
    assert!(r.stderr.contains("2 handed over"), "{}", r.stderr);
    let got = taken.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "{}", r.stderr);
    for s in &got {
        assert_eq!(s.authorization.as_deref(), Some("Bearer app-secret"));
    }
    sim.shutdown().await;
}

/// Stopped (Ctrl-C) while the app holds a per-call callback without answering, `listen` keeps
/// the callback in the outbox and answers 200 before it exits: Ringg does not send a callback
/// again, and waiting out the app's 25 s would outlast the stop's 10 s.
#[test]
fn a_callback_the_app_holds_at_the_stop_is_kept_in_the_outbox() {
    // An app that takes connections and never answers.
    let app = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let target = format!("http://{}/hooks", app.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in app.incoming() {
            held.push(stream);
        }
    });
    let state = fresh_state_dir();
    let mut l = spawn_listen_in(&["--secret", "s3cret", "--forward-to", &target], &state);
    let callback = serde_json::json!({
        "status": "success",
        "data": {"call_id": "cb-held-at-stop", "status": "completed", "retry": 0},
        "message": "Call Details",
    })
    .to_string();
    let mut s = connect(&l);
    let answered = std::thread::spawn(move || deliver(&mut s, "s3cret", &callback));
    std::thread::sleep(Duration::from_secs(1));
    let since = std::time::Instant::now();
    super::interrupt(&l.child);
    let (code, _) = super::wait_exit(&mut l.child, since, Duration::from_secs(20));
    assert_eq!(answered.join().unwrap(), 200, "{}", stderr_with(&l, ""));
    assert_eq!(code, Some(0), "{}", stderr_with(&l, ""));
    let kept: Vec<String> = std::fs::read_dir(state.join("webhooks-outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "delivery"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(
        kept.len() == 1 && kept[0].contains("cb-held-at-stop"),
        "{kept:?}"
    );
}
