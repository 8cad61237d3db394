//! Three `ringg webhooks listen --redis-url` processes on one real redis-server (started by
//! the test; skipped loudly without redis-server, failed when `CI` is set): each delivery is
//! sent to all three, and again after one restarts, and every event is printed exactly once.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::redis_server::RedisServer;
use super::{Listener, deliver, fresh_state_dir, spawn_listen_in};

/// A listener of the fleet and the lines it printed.
struct Member {
    listener: Listener,
    printed: Arc<Mutex<Vec<String>>>,
}

fn member(redis: &RedisServer) -> Member {
    let url = redis.url();
    let mut listener = spawn_listen_in(
        &[
            "--secret",
            "s3cret",
            "--redis-url",
            &url,
            "--redis-prefix",
            "fleet-test",
        ],
        &fresh_state_dir(),
    );
    let out = listener.stdout.take().unwrap();
    let printed = Arc::new(Mutex::new(Vec::new()));
    let sink = printed.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            sink.lock().unwrap().push(line);
        }
    });
    Member { listener, printed }
}

fn event(call_id: &str) -> String {
    serde_json::json!({
        "event_type": "call_started",
        "call_id": call_id,
        "agent_id": "cbaf9944-3e34-43b6-b3e8-6a905de16639",
    })
    .to_string()
}

/// Sends `body` to every member at once (one thread each); like Ringg, a member that answers
/// 503 (another is handling the event) is tried again.
fn to_all(fleet: &[Member], body: &str) {
    std::thread::scope(|scope| {
        for m in fleet {
            scope.spawn(|| {
                let mut stream = TcpStream::connect(("127.0.0.1", m.listener.port)).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(30)))
                    .unwrap();
                for _ in 0..100 {
                    match deliver(&mut stream, "s3cret", body) {
                        200 => return,
                        503 => std::thread::sleep(Duration::from_millis(20)),
                        other => panic!("status {other}"),
                    }
                }
                panic!("still 503 after 100 tries");
            });
        }
    });
}

fn printed_per_call(fleet: &[Member], gone: &[Arc<Mutex<Vec<String>>>]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    let all = fleet.iter().map(|m| &m.printed).chain(gone);
    for printed in all {
        for line in printed.lock().unwrap().iter() {
            if let Some(call) = line.split_whitespace().find(|w| w.contains("fleet-call-")) {
                let call = call.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
                *counts.entry(call.to_owned()).or_insert(0) += 1;
            }
        }
    }
    counts
}

#[test]
fn three_listen_processes_on_one_redis_print_each_event_once_also_after_a_restart() {
    let Some(redis) = RedisServer::start("three_listen_processes_on_one_redis") else {
        return;
    };
    let mut fleet: Vec<Member> = (0..3).map(|_| member(&redis)).collect();
    let bodies: Vec<String> = (0..10).map(|i| event(&format!("fleet-call-{i}"))).collect();
    for body in &bodies {
        to_all(&fleet, body);
    }
    // One listener restarts: a new process, the same Redis.
    let mut old = fleet.remove(0);
    old.listener.child.kill().unwrap();
    let _ = old.listener.child.wait();
    let gone = vec![old.printed.clone()];
    fleet.push(member(&redis));
    for body in &bodies {
        to_all(&fleet, body);
    }
    // Printing is asynchronous: give the last lines a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut counts = printed_per_call(&fleet, &gone);
    while counts.len() < 10 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        counts = printed_per_call(&fleet, &gone);
    }
    std::thread::sleep(Duration::from_millis(200));
    let counts = printed_per_call(&fleet, &gone);
    for mut m in fleet {
        let _ = m.listener.child.kill();
        let _ = m.listener.child.wait();
    }
    assert_eq!(counts.len(), 10, "{counts:?}");
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
}
