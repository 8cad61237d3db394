//! `webhooks listen` acknowledges an event only once its line was written to stdout.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::{deliver, spawn_listen};

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
fn an_event_that_cannot_be_printed_is_answered_500_and_printed_when_sent_again() {
    let mut l = spawn_listen(&["--secret", "s3cret"]);
    let out = l.stdout.take().unwrap();
    let mut s = TcpStream::connect(("127.0.0.1", l.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(40))).unwrap();
    // stdout is not read: once the pipe and the queue are full, a delivery waits for its line
    // to be written, and is answered 500 when it cannot be (within Ringg's 30 s).
    let started = Instant::now();
    let (refused, status) = (0..3_000)
        .map(|i| (i, deliver(&mut s, "s3cret", &event(i))))
        .find(|&(_, status)| status != 200)
        .expect("a delivery is refused while stdout is not read");
    assert_eq!(status, 500, "delivery {refused}");
    assert!(started.elapsed() < Duration::from_secs(30));
    // Ringg sends it again once output is read: handed over (not a duplicate), and printed.
    let lines = read_lines(out);
    assert_eq!(deliver(&mut s, "s3cret", &event(refused)), 200);
    let wanted = format!("call-{refused:05}-");
    let deadline = Instant::now() + Duration::from_secs(20);
    let printed = std::iter::from_fn(|| {
        let left = deadline.saturating_duration_since(Instant::now());
        lines.recv_timeout(left).ok()
    })
    .any(|line| line.contains(&wanted));
    // The count of lines not printed is reported on stderr about once a second.
    let deadline = Instant::now() + Duration::from_secs(10);
    let warned = loop {
        let warned = l.stderr.lock().unwrap().contains("1 line(s) not printed");
        if warned || Instant::now() > deadline {
            break warned;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    l.child.kill().unwrap();
    let _ = l.child.wait();
    let stderr = l.stderr.lock().unwrap().clone();
    assert!(printed, "stderr: {stderr}");
    assert!(warned, "{stderr}");
}
