//! `webhooks listen` acknowledges an event only once its line was written to stdout.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::time::Duration;

use super::{
    Listener, deliver, fresh_state_dir, interrupt, send_signal, spawn_listen, spawn_listen_in,
    stderr_with, wait_exit,
};

/// A `call_started` about call `i`, padded so a few hundred fill a pipe.
fn event(i: usize) -> String {
    serde_json::json!({
        "event_type": "call_started",
        "call_id": format!("call-{i:05}-{}", "x".repeat(400)),
    })
    .to_string()
}

/// Reads stdout's lines on a thread, sending each on the channel.
fn read_lines(out: std::process::ChildStdout) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

#[test]
fn every_event_answered_200_was_printed_even_when_output_is_read_late() {
    // More than the pipe (64 KiB) and the output queue (1,024 lines) hold.
    const N: usize = 1_500;
    let mut l = spawn_listen(&["--secret", "s3cret"]);
    let port = l.port;
    let out = l.stdout.take().unwrap();
    // Nobody reads stdout for the first 3 s.
    let reader = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(3));
        read_lines(out)
    });
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let statuses: Vec<u16> = (0..N)
        .map(|i| deliver(&mut s, "s3cret", &event(i)))
        .collect();
    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");
    let lines = reader.join().unwrap();
    let mut printed = Vec::new();
    while printed.len() < N {
        match lines.recv_timeout(Duration::from_secs(10)) {
            Ok(line) => printed.push(line),
            Err(_) => break,
        }
    }
    l.child.kill().unwrap();
    let _ = l.child.wait();
    let missing: Vec<usize> = (0..N)
        .filter(|i| !printed.iter().any(|l| l.contains(&format!("call-{i:05}-"))))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {N} deliveries answered 200 were not printed, the first {:?}; stderr: {}",
        missing.len(),
        missing.first(),
        l.stderr.lock().unwrap()
    );
}

#[test]
fn events_that_cannot_be_printed_are_answered_500_and_printed_once_when_sent_again() {
    const SENDERS: usize = 32;
    const EACH: usize = 100;
    let mut l = spawn_listen(&["--secret", "s3cret"]);
    let port = l.port;
    let out = l.stdout.take().unwrap();
    // stdout is not read: once the pipe is full, the writer is stuck on one line and the
    // other deliveries wait for theirs; after 20 s those are answered 500. Each sender
    // stops at its first refusal (or once another's was seen).
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (refusals, refused) = std::sync::mpsc::channel::<usize>();
    let senders: Vec<_> = (0..SENDERS)
        .map(|t| {
            let (stop, refusals) = (stop.clone(), refusals.clone());
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                s.set_read_timeout(Some(Duration::from_secs(100))).unwrap();
                let mut answered = Vec::new();
                for i in t * EACH..(t + 1) * EACH {
                    if stop.load(std::sync::atomic::Ordering::SeqCst) {
                        break;
                    }
                    let status = deliver(&mut s, "s3cret", &event(i));
                    answered.push(i);
                    if status != 200 {
                        assert_eq!(status, 500, "delivery {i}");
                        stop.store(true, std::sync::atomic::Ordering::SeqCst);
                        refusals.send(i).unwrap();
                        answered.pop();
                        break;
                    }
                }
                answered
            })
        })
        .collect();
    drop(refusals);
    let first = refused
        .recv_timeout(Duration::from_secs(60))
        .expect("a delivery is refused while stdout is not read");
    // Output is read from now on: the line the writer was stuck on is written, and its
    // delivery answered 200.
    let lines = read_lines(out);
    let mut delivered: Vec<usize> = senders
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let mut again: Vec<usize> = std::iter::once(first).chain(refused.try_iter()).collect();
    again.sort_unstable();
    // Ringg sends the refused ones again: handed over (not duplicates), printed.
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    for &i in &again {
        assert_eq!(
            deliver(&mut s, "s3cret", &event(i)),
            200,
            "delivery {i} again"
        );
    }
    delivered.extend(&again);
    let printed: Vec<String> =
        std::iter::from_fn(|| lines.recv_timeout(Duration::from_secs(3)).ok()).collect();
    let stderr = || l.stderr.lock().unwrap().clone();
    // Every event answered 200 is printed once: none lost, none twice.
    for i in &delivered {
        let tag = format!("call-{i:05}-");
        let times = printed.iter().filter(|l| l.contains(&tag)).count();
        assert_eq!(
            times,
            1,
            "event {i} printed {times} times; stderr: {}",
            stderr()
        );
    }
    assert_eq!(printed.len(), delivered.len(), "stderr: {}", stderr());
    assert!(stderr().contains("line(s) not printed"), "{}", stderr());
    l.child.kill().unwrap();
    let _ = l.child.wait();
}

/// A line the writer took and is still writing when the delivery's dedupe claim would lapse
/// (45 s): the claim is renewed while the write goes on, so Ringg's retry after the lease is
/// answered 503 (in flight) and the event is printed once, its first delivery answered 200
/// once the reader catches up. (About 50 s: the lease is the store's own.)
#[test]
fn a_retry_while_a_taken_line_is_still_being_written_is_held_off_and_printed_once() {
    let mut l = spawn_listen(&["--secret", "s3cret", "--output", "json"]);
    let port = l.port;
    let out = l.stdout.take().unwrap();
    // A line larger than a pipe holds (64 KiB): with nobody reading stdout yet, the writer
    // takes it and blocks half-way through writing it.
    let tag = "call-lease-0001";
    let body = serde_json::json!({
        "event_type": "call_completed",
        "call_id": tag,
        "status": "completed",
        "transcript": "x".repeat(300_000),
    })
    .to_string();
    let send = |body: String| {
        std::thread::spawn(move || {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(150))).unwrap();
            deliver(&mut s, "s3cret", &body)
        })
    };
    let first = send(body.clone());
    // Ringg's retry once the first claim's lease (45 s) has run out.
    std::thread::sleep(Duration::from_secs(46));
    let retry = send(body).join().unwrap();
    // Then the reader of stdout catches up.
    let lines = read_lines(out);
    let first = first.join().unwrap();
    let printed: Vec<String> =
        std::iter::from_fn(|| lines.recv_timeout(Duration::from_secs(3)).ok()).collect();
    l.child.kill().unwrap();
    let _ = l.child.wait();
    let times = printed.iter().filter(|p| p.contains(tag)).count();
    let stderr = l.stderr.lock().unwrap().clone();
    assert_eq!(times, 1, "printed {times} times; stderr: {stderr}");
    assert_eq!((first, retry), (200, 503), "stderr: {stderr}");
}

/// `--max-body-bytes` raises the body limit: a delivery above the default 1 MiB (a long call's
/// transcript) is printed, and one above the limit given is refused 413 and reported.
#[test]
fn max_body_bytes_takes_deliveries_above_the_default_limit() {
    let body = |call_id: &str, len: usize| {
        serde_json::json!({
            "event_type": "call_completed",
            "call_id": call_id,
            "status": "completed",
            "transcript": [{"role": "user", "text": "x".repeat(len)}],
        })
        .to_string()
    };
    let mut l = spawn_listen(&["--secret", "s3cret", "--max-body-bytes", "2000000"]);
    let lines = read_lines(l.stdout.take().unwrap());
    let mut s = TcpStream::connect(("127.0.0.1", l.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    assert_eq!(deliver(&mut s, "s3cret", &body("c-long", 1_500_000)), 200);
    let printed = lines.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(printed.contains("c-long"), "{printed}");
    let mut s = TcpStream::connect(("127.0.0.1", l.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    assert_eq!(deliver(&mut s, "s3cret", &body("c-longer", 2_100_000)), 413);
    let stderr = stderr_with(&l, "2000000 bytes");
    l.child.kill().unwrap();
    let _ = l.child.wait();
    assert!(stderr.contains("2000000 bytes"), "{stderr}");
    assert!(
        lines.recv_timeout(Duration::from_millis(500)).is_err(),
        "the refused delivery was printed"
    );
}

/// Fills stdout's pipe (which nobody reads) with subscription events from a thread of their
/// own until one waits for its line; returns once that thread is stuck. The thread ends with
/// the deliveries answered 200 once the output is read (or a 500 ends it).
fn stall_output(l: &Listener) -> std::thread::JoinHandle<Vec<usize>> {
    stall_output_with(l, event)
}

/// [`stall_output`] with the deliveries `body` makes.
fn stall_output_with(
    l: &Listener,
    body: fn(usize) -> String,
) -> std::thread::JoinHandle<Vec<usize>> {
    let port = l.port;
    let progress = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let filler = {
        let progress = progress.clone();
        std::thread::spawn(move || {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
            let mut answered = Vec::new();
            for i in 0..1_000 {
                let status = deliver(&mut s, "s3cret", &body(i));
                if status != 200 {
                    assert_eq!(status, 500, "delivery {i}");
                    break;
                }
                answered.push(i);
                progress.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            answered
        })
    };
    // The filler is stuck once its count stops moving for 2 s.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let mut last = usize::MAX;
    loop {
        assert!(
            std::time::Instant::now() < deadline && !filler.is_finished(),
            "the filler never got stuck; stderr: {}",
            l.stderr.lock().unwrap()
        );
        std::thread::sleep(Duration::from_secs(2));
        let now = progress.load(std::sync::atomic::Ordering::SeqCst);
        if now == last && now > 0 {
            return filler;
        }
        last = now;
    }
}

/// A `listen` with a fresh state folder whose output nobody reads, stalled by
/// [`stall_output`]: the folder, the listener, its unread stdout, the filler thread, and a
/// connection to it for further deliveries.
fn stalled_listen() -> (
    std::path::PathBuf,
    Listener,
    std::process::ChildStdout,
    std::thread::JoinHandle<Vec<usize>>,
    TcpStream,
) {
    let state = fresh_state_dir();
    let mut l = spawn_listen_in(&["--secret", "s3cret"], &state);
    let unread = l.stdout.take().unwrap();
    let filler = stall_output(&l);
    let s = TcpStream::connect(("127.0.0.1", l.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    (state, l, unread, filler, s)
}

/// A per-call callback delivery about `call_id`.
fn callback(call_id: &str) -> String {
    serde_json::json!({
        "status": "success",
        "data": {"call_id": call_id, "status": "completed", "retry": 0},
        "message": "Call Details",
    })
    .to_string()
}

/// A per-call callback Ringg does not send again is not answered 500 when its line cannot be
/// written in time (that would lose it): it is answered 200, its line held until the output is
/// read, and printed once.
#[test]
fn a_callback_that_cannot_be_printed_in_time_is_answered_200_and_printed_later() {
    let (state, mut l, out, filler, mut s) = stalled_listen();
    assert_eq!(deliver(&mut s, "s3cret", &callback("cb-held-1")), 200);
    // On disk before it was answered.
    assert_eq!(held_copies_of(&state, "cb-held-1"), 1);
    // Output is read from now on: the line the writer was stuck on is written, and the
    // filler's delivery waiting for it answered.
    let lines = read_lines(out);
    let answered = filler.join().unwrap();
    let printed: Vec<String> =
        std::iter::from_fn(|| lines.recv_timeout(Duration::from_secs(3)).ok()).collect();
    let stderr = stderr_with(&l, "not printed in time were answered 200");
    let times = printed.iter().filter(|l| l.contains("cb-held-1")).count();
    assert_eq!(
        times, 1,
        "the callback printed {times} times; stderr: {stderr}"
    );
    assert_eq!(printed.len(), answered.len() + 1, "stderr: {stderr}");
    assert!(
        stderr.contains("not printed in time were answered 200"),
        "{stderr}"
    );
    // Its copy on disk went once the line was written.
    assert_eq!(held_copies(&state), 0, "stderr: {stderr}");
    l.child.kill().unwrap();
    let _ = l.child.wait();
}

/// A subscription event whose line cannot be written in time is answered 500, so Ringg sends
/// it again; Ringg's next attempt is not refused again (each refused, the event would be lost
/// after Ringg's last one, about three minutes on): it is held, answered 200 with its event on
/// disk, and printed once the output is read. (About 45 s: two waits for the output.)
#[test]
fn the_attempt_after_a_refused_one_is_held_and_printed_once() {
    let (state, mut l, out, filler, mut s) = stalled_listen();
    let tag = "call-refused-once";
    let body = serde_json::json!({"event_type": "call_started", "call_id": tag}).to_string();
    assert_eq!(deliver(&mut s, "s3cret", &body), 500, "the first attempt");
    assert_eq!(held_copies_of(&state, tag), 0);
    assert_eq!(deliver(&mut s, "s3cret", &body), 200, "Ringg's retry");
    assert_eq!(
        held_copies_of(&state, tag),
        1,
        "on disk before it was answered"
    );
    let lines = read_lines(out);
    let answered = filler.join().unwrap();
    let printed: Vec<String> =
        std::iter::from_fn(|| lines.recv_timeout(Duration::from_secs(3)).ok()).collect();
    let stderr = l.stderr.lock().unwrap().clone();
    let times = printed.iter().filter(|l| l.contains(tag)).count();
    assert_eq!(times, 1, "printed {times} times; stderr: {stderr}");
    assert_eq!(printed.len(), answered.len() + 1, "stderr: {stderr}");
    assert_eq!(held_copies(&state), 0, "stderr: {stderr}");
    l.child.kill().unwrap();
    let _ = l.child.wait();
}

/// The copies on disk of held events in the state folder `state` (the event of a line stuck in
/// the writer past a delivery's wait among them: the filler's, in a stalled `listen`).
fn held_copies(state: &std::path::Path) -> usize {
    held_copies_of(state, "")
}

/// [`held_copies`] of the events whose JSON holds `needle`.
fn held_copies_of(state: &std::path::Path, needle: &str) -> usize {
    std::fs::read_dir(state.join("webhooks-held"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .flat_map(|folder| std::fs::read_dir(folder.path()).into_iter().flatten())
        .filter_map(Result::ok)
        .filter(|f| f.path().extension().is_some_and(|x| x == "json"))
        .filter(|f| std::fs::read_to_string(f.path()).is_ok_and(|t| t.contains(needle)))
        .count()
}

/// A held callback is on disk before its delivery is answered 200, so a `listen` killed
/// outright (`kill -9`: nothing runs at exit) loses none: the next `listen` started with the
/// same state folder saves such events to a file, names it, and removes the copies.
#[cfg(unix)]
#[test]
fn held_callbacks_survive_a_listen_that_is_killed() {
    let (state, mut l, unread, _filler, mut s) = stalled_listen();
    let body = callback("cb-killed-1");
    assert_eq!(deliver(&mut s, "s3cret", &body), 200);
    l.child.kill().unwrap();
    let _ = l.child.wait();
    drop(unread);
    assert_eq!(held_copies_of(&state, "cb-killed-1"), 1);
    let (stderr, saved) = saved_by_next_listen(&state);
    assert!(stderr.contains("may not have been printed"), "{stderr}");
    // The callback, and the filler's event whose line was stuck in the writer.
    let callback = serde_json::from_str::<serde_json::Value>(&body).unwrap();
    assert_eq!(
        saved.iter().filter(|e| **e == callback).count(),
        1,
        "{saved:?}"
    );
    assert!(
        saved
            .iter()
            .all(|e| *e == callback || e["event_type"] == "call_started"),
        "{saved:?}"
    );
    assert_eq!(held_copies(&state), 0);
    // Saved once: a third `listen` finds nothing left.
    let mut third = spawn_listen_in(&["--secret", "s3cret"], &state);
    let stderr = third.stderr.lock().unwrap().clone();
    third.child.kill().unwrap();
    let _ = third.child.wait();
    assert!(!stderr.contains("may not have been printed"), "{stderr}");
}

/// A held callback line that `listen` could not print before it was stopped (Ctrl-C) is not
/// lost: its event is saved to a private file in the state folder, which stderr names.
#[test]
fn held_callbacks_not_printed_when_listen_stops_are_saved_to_a_file() {
    held_callback_saved_when(|l, unread| {
        interrupt(&l.child);
        drop(unread);
        None
    });
}

/// The same when the terminal `listen` runs in closes (SIGHUP, handled on Linux).
#[cfg(target_os = "linux")]
#[test]
fn held_callbacks_are_saved_when_the_terminal_hangs_up() {
    if !super::hangup_reaches_listen() {
        eprintln!("skipped: this test runner ignores SIGHUP, and so would listen");
        return;
    }
    // The output is still open (its reader is stuck, not gone) until `listen` has ended.
    held_callback_saved_when(|l, unread| {
        send_signal(&l.child, "-HUP");
        Some(unread)
    });
}

/// The same when the reader of the output goes away instead: the write it was stuck on fails,
/// and `listen` ends once the held lines' events are saved.
#[test]
fn held_callbacks_are_saved_when_the_reader_of_the_output_goes_away() {
    held_callback_saved_when(|_, unread| {
        drop(unread);
        None
    });
}

/// Holds a callback's line behind output nobody reads, ends `listen` with `stop` (given the
/// unread stdout, which it may give back to keep open until `listen` has ended), and checks
/// that the callback's event was saved and stderr named the file.
fn held_callback_saved_when(
    stop: impl FnOnce(&Listener, std::process::ChildStdout) -> Option<std::process::ChildStdout>,
) {
    let (state, mut l, unread, _filler, mut s) = stalled_listen();
    let body = callback("cb-saved-1").replace(",", ",\n  ");
    assert_eq!(deliver(&mut s, "s3cret", &body), 200);
    let kept_open = stop(&l, unread);
    let (named, events) = saved_after_exit(&mut l);
    drop(kept_open);
    // Saved once: its copy went with the stop.
    assert_eq!(held_copies(&state), 0);
    let (callbacks, others): (Vec<_>, Vec<_>) =
        events.iter().partition(|e| e.get("data").is_some());
    assert_eq!(
        callbacks,
        [&serde_json::from_str::<serde_json::Value>(&body).unwrap()]
    );
    // Beside it, the filler's event whose line the writer was stuck on for longer than a
    // delivery waits (its delivery was never answered) is saved too.
    assert!(
        others.len() <= 1 && others.iter().all(|e| e["event_type"] == "call_started"),
        "{events:?}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&named).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{named}");
    }
}

/// The callback whose line the writer is stuck writing when `listen` stops is saved too (its
/// delivery never got its answer, and Ringg does not send a callback again).
#[test]
fn the_callback_being_written_when_listen_stops_is_saved() {
    fn padded_callback(i: usize) -> String {
        serde_json::json!({
            "status": "success",
            "data": {"call_id": format!("cb-{i:05}"), "status": "completed", "note": "x".repeat(400)},
            "message": "Call Details",
        })
        .to_string()
    }
    // JSON lines, so the padding reaches the pipe.
    let mut l = spawn_listen(&["--secret", "s3cret", "-o", "json"]);
    let unread = l.stdout.take().unwrap();
    let filler = stall_output_with(&l, padded_callback);
    interrupt(&l.child);
    let (_, saved) = saved_after_exit(&mut l);
    drop(unread);
    // The filler sends one at a time: only the one being written was unanswered, well past
    // the first hundred a 64 KiB pipe holds (its thread ended when its connection closed).
    let _ = filler.join();
    assert_eq!(saved.len(), 1, "{saved:?}");
    let id = saved[0]["data"]["call_id"].as_str().unwrap();
    let n: usize = id.trim_start_matches("cb-").parse().unwrap();
    assert!(n >= 100, "{id}");
}

/// A subscription event whose line the writer has been stuck writing for longer than a delivery
/// waits (Ringg's attempts meanwhile are answered 503, and it may have given up) is saved when
/// `listen` stops, not lost with the process. (About 25 s.)
#[test]
fn a_subscription_event_stuck_in_the_writer_when_listen_stops_is_saved() {
    let mut l = spawn_listen(&["--secret", "s3cret"]);
    let unread = l.stdout.take().unwrap();
    let filler = stall_output(&l);
    // Past the 20 s a delivery waits for its line.
    std::thread::sleep(Duration::from_secs(21));
    interrupt(&l.child);
    let (_, saved) = saved_after_exit(&mut l);
    drop(unread);
    let _ = filler.join();
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert_eq!(saved[0]["event_type"], "call_started");
    let id = saved[0]["call_id"].as_str().unwrap();
    let n: usize = id["call-".len()..][..5].parse().unwrap();
    assert!(n >= 100, "{id}");
}

/// The same event, its line stuck in the writer past the 20 s a delivery waits, is copied to
/// disk then, so a `listen` killed outright (`kill -9`) does not lose it either (its retries
/// were answered 503 meanwhile): the next `listen` saves it. (About 25 s.)
#[cfg(unix)]
#[test]
fn a_subscription_event_stuck_in_the_writer_survives_a_listen_that_is_killed() {
    let (state, mut l, unread, _filler, _s) = stalled_listen();
    std::thread::sleep(Duration::from_secs(21));
    assert_eq!(held_copies(&state), 1, "{}", l.stderr.lock().unwrap());
    l.child.kill().unwrap();
    let _ = l.child.wait();
    drop(unread);
    let (_, saved) = saved_by_next_listen(&state);
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert_eq!(saved[0]["event_type"], "call_started");
    assert_eq!(held_copies(&state), 0);
}

/// Starts a `listen` with the state folder `state` and stops it: what it said on stderr, and
/// the events of the `webhooks-unprinted-*` file it named (it saves there what a `listen`
/// killed before left on disk).
#[cfg(unix)]
fn saved_by_next_listen(state: &std::path::Path) -> (String, Vec<serde_json::Value>) {
    let mut next = spawn_listen_in(&["--secret", "s3cret"], state);
    let stderr = next.stderr.lock().unwrap().clone();
    next.child.kill().unwrap();
    let _ = next.child.wait();
    let named = stderr
        .split_whitespace()
        .find(|w| w.contains("webhooks-unprinted-"))
        .unwrap_or_else(|| panic!("no file named on stderr: {stderr}"));
    let saved = std::fs::read_to_string(named)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    (stderr, saved)
}

/// Waits for `listen` to exit with 0 and returns the file stderr names for the events it
/// saved, and those events.
fn saved_after_exit(l: &mut Listener) -> (String, Vec<serde_json::Value>) {
    let (code, _) = wait_exit(
        &mut l.child,
        std::time::Instant::now(),
        Duration::from_secs(60),
    );
    let stderr = stderr_with(l, "webhooks-unprinted-");
    assert_eq!(code, Some(0), "{stderr}");
    let named = stderr
        .split_whitespace()
        .find(|w| w.contains("webhooks-unprinted-"))
        .unwrap_or_else(|| panic!("no file named on stderr: {stderr}"))
        .to_owned();
    let events = std::fs::read_to_string(&named)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    (named, events)
}
