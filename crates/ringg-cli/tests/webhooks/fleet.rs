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

/// A `--redis-url` whose Redis refuses the configuration (a wrong password) stops `listen` at
/// the start, naming the Redis and what to check, never the password: it does not listen only
/// to answer every delivery 503. One that is down (starting with the machine) is warned about,
/// and `listen` starts, answering 503 until it is up.
#[test]
fn fleet_listen_checks_its_redis_at_the_start() {
    let nothing_there = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let Some(redis) = RedisServer::start("fleet_listen_checks_its_redis_at_the_start") else {
        return;
    };
    let wrong_password = format!("redis://:hunter2-wrong@127.0.0.1:{}/0", redis.port());
    let down = format!("redis://:hunter2-wrong@127.0.0.1:{nothing_there}/0");
    let mut l = spawn_listen_in(
        &["--secret", "s3cret", "--redis-url", &down],
        &fresh_state_dir(),
    );
    let stderr = l.stderr.lock().unwrap().clone();
    assert!(
        stderr.contains("warning: --redis-url: ") && stderr.contains("answered 503"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    let mut stream = TcpStream::connect(("127.0.0.1", l.port)).unwrap();
    assert_eq!(deliver(&mut stream, "s3cret", &event("c-down")), 503);
    let _ = l.child.kill();
    let _ = l.child.wait();
    let (url, check) = (wrong_password, "check the");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ringg"))
        .args(["webhooks", "listen", "--port", "0", "--secret", "s3cret"])
        .args(["--redis-url", &url])
        .env("RINGG_STATE_DIR", fresh_state_dir())
        .env_remove("RINGG_API_KEY")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Ended on its own, or stopped here after 20 s (then it was listening).
    let since = Instant::now();
    let ended = loop {
        match child.try_wait().unwrap() {
            Some(status) => break Some(status),
            None if since.elapsed() > Duration::from_secs(20) => break None,
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(ended.is_some_and(|s| !s.success()), "{ended:?}: {stderr}");
    assert!(!stderr.contains("listening on"), "{stderr}");
    assert!(
        stderr.contains("--redis-url: ") && stderr.contains(check),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

/// `calls create` from processes with separate state folders (two machines) sharing one Redis:
/// the second is refused as the first machine's journal would refuse it, naming the call; a
/// call that was refused gives its recipient back; `--force` still calls; and with Redis gone
/// nothing is sent.
#[tokio::test(flavor = "multi_thread")]
async fn fleet_calls_create_on_two_machines_calls_a_recipient_once() {
    let Some(mut redis) =
        RedisServer::start("fleet_calls_create_on_two_machines_calls_a_recipient_once")
    else {
        return;
    };
    let sim = super::common::sim().await;
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let url = redis.url();
    let create = |state: &std::path::Path, to: &str, extra: &[&str]| {
        let mut args = super::common::call_args(to, &["--var", "company_name=Acme"]);
        args.extend_from_slice(&["--redis-url", &url]);
        args.extend_from_slice(extra);
        // A caller given in `extra` stands in for the demo number's.
        if extra.contains(&"--from-number") {
            let at = args.iter().position(|a| *a == "--from-number-id").unwrap();
            args.drain(at..at + 2);
        }
        let mut cmd = super::common::ringg(&sim, &args);
        cmd.env("RINGG_STATE_DIR", state);
        super::common::run(cmd)
    };
    let to = "+919876599911";
    let first = create(one.path(), to, &[]).await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    let calls = super::common::calls_to(&sim, to);
    assert_eq!(calls.len(), 1);
    let other_machine = create(two.path(), to, &[]).await;
    assert_eq!(other_machine.code, 1, "{}", other_machine.stderr);
    assert!(
        other_machine.stderr.contains("was already called")
            && other_machine.stderr.contains(&calls[0]),
        "{}",
        other_machine.stderr
    );
    assert_eq!(super::common::calls_to(&sim, to).len(), 1);
    // Another recipient is called from the second machine.
    let elsewhere = create(two.path(), "+919876599912", &[]).await;
    assert_eq!(elsewhere.code, 0, "{}", elsewhere.stderr);
    // A call Ringg refused (a caller number not in the workspace) gives its recipient back: no
    // call exists that a second one would double.
    let refused_to = "+919876599913";
    let refused = create(one.path(), refused_to, &["--from-number", "+910000000001"]).await;
    assert_ne!(refused.code, 0, "{}", refused.stderr);
    assert!(super::common::calls_to(&sim, refused_to).is_empty());
    let retried = create(two.path(), refused_to, &[]).await;
    assert_eq!(retried.code, 0, "{}", retried.stderr);
    // --force calls anyway.
    let forced = create(two.path(), to, &["--force"]).await;
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert_eq!(super::common::calls_to(&sim, to).len(), 2);
    // A forced call to a new recipient holds them for the fleet once placed.
    let forced_to = "+919876599915";
    let forced = create(one.path(), forced_to, &["--force"]).await;
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    let after_force = create(two.path(), forced_to, &[]).await;
    assert_eq!(after_force.code, 1, "{}", after_force.stderr);
    assert_eq!(super::common::calls_to(&sim, forced_to).len(), 1);
    // Redis gone: the fleet's check cannot be made, and nothing is sent.
    redis.kill();
    let unchecked_to = "+919876599914";
    let unchecked = create(one.path(), unchecked_to, &[]).await;
    assert_ne!(unchecked.code, 0, "{}", unchecked.stderr);
    assert!(
        unchecked
            .stderr
            .contains("could not be asked about recent calls")
            && unchecked.stderr.contains("no call was sent")
            // Dropping --redis-url is not offered without what it gives up.
            && unchecked
                .stderr
                .contains("a call another machine of the fleet placed is not seen"),
        "{}",
        unchecked.stderr
    );
    assert!(super::common::calls_to(&sim, unchecked_to).is_empty());
}

/// A key rotated on one machine of the fleet: another machine, with the new key and none of
/// the first's journal, is still refused a recipient the first called a moment ago with the
/// old key (the fleet's records of the new key's scope are the old one's).
#[tokio::test(flavor = "multi_thread")]
async fn fleet_a_rotated_key_keeps_the_fleets_recent_calls() {
    let Some(redis) = RedisServer::start("fleet_a_rotated_key_keeps_the_fleets_recent_calls")
    else {
        return;
    };
    let sim = super::common::sim().await;
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let url = redis.url();
    let run = |state: &std::path::Path, key: &str, args: &[&str]| {
        let mut cmd = super::common::bare();
        cmd.args(["--base-url", &sim.base_url(), "--api-key", key])
            .args(args)
            .args(["--redis-url", &url])
            .env("RINGG_STATE_DIR", state);
        super::common::run(cmd)
    };
    let to = "+919876599931";
    let create = super::common::call_args(to, &["--var", "company_name=Acme"]);
    let old = sim.api_key().to_owned();
    let first = run(one.path(), &old, &create).await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    let file = one.path().join("new.key");
    let rotated = run(one.path(), &old, &super::common::rotate_args(&file)).await;
    assert_eq!(rotated.code, 0, "{}", rotated.stderr);
    assert!(!rotated.stderr.contains("warning"), "{}", rotated.stderr);
    let new = std::fs::read_to_string(&file).unwrap().trim().to_owned();
    let other_machine = run(two.path(), &new, &create).await;
    assert_eq!(other_machine.code, 1, "{}", other_machine.stderr);
    assert!(
        other_machine.stderr.contains("was already called"),
        "{}",
        other_machine.stderr
    );
    assert_eq!(super::common::calls_to(&sim, to).len(), 1, "called once");
}

/// A call whose answer was lost on one machine (which is then gone) holds its recipient across
/// the fleet until it is settled, not only for the hour: its Redis key has no expiry, and
/// another machine lists it in `calls pending` and settles it with `calls reconcile
/// --pending`; the key then holds the placed call for the rest of the hour.
#[tokio::test(flavor = "multi_thread")]
async fn fleet_call_left_unsettled_by_a_gone_machine_is_settled_from_another() {
    let Some(redis) =
        RedisServer::start("fleet_call_left_unsettled_by_a_gone_machine_is_settled_from_another")
    else {
        return;
    };
    let sim = super::common::sim_with_faults("op.initiateCallV2=1:reset-after").await;
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let url = redis.url();
    let run = |state: &std::path::Path, args: Vec<&str>| {
        let mut args: Vec<&str> = args;
        args.extend_from_slice(&["--redis-url", &url]);
        let mut cmd = super::common::ringg(&sim, &args);
        cmd.env("RINGG_STATE_DIR", state);
        super::common::run(cmd)
    };
    let to = "+919876599921";
    let create = |state| {
        run(
            state,
            super::common::call_args(to, &["--var", "company_name=Acme"]),
        )
    };
    // The hold's expiry in ms (-1: none), and how many calls the fleet's pending set names.
    let hold = || {
        redis.command(&[
            "EVAL",
            "return redis.call('PTTL', redis.call('KEYS', 'ringg:recent-call:*')[1])",
            "0",
        ])
    };
    let pending_set = || {
        redis.command(&[
            "EVAL",
            "local k = redis.call('KEYS', 'ringg:call-pending:*') \
             if #k == 0 then return 0 end return redis.call('SCARD', k[1])",
            "0",
        ])
    };
    let first = create(one.path()).await;
    assert_eq!(first.code, 6, "outcome unknown: {}", first.stderr);
    let calls = super::common::calls_to(&sim, to);
    assert_eq!(calls.len(), 1, "the server placed the call");
    assert_eq!(hold(), ":-1", "an unsettled call's hold does not expire");
    assert_eq!(pending_set(), ":1");
    let refused = create(two.path()).await;
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("is not settled"),
        "{}",
        refused.stderr
    );
    // With the fleet's Redis not answering, the other machine (which holds none of it
    // itself) does not say everything is settled: its listing and its settling fail.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("redis://{}", listener.local_addr().unwrap())
    };
    for args in [
        vec!["calls", "pending"],
        vec!["-o", "json", "calls", "pending"],
        vec!["calls", "reconcile", "--pending"],
    ] {
        let mut cmd = super::common::ringg(&sim, &[&args[..], &["--redis-url", &closed]].concat());
        cmd.env("RINGG_STATE_DIR", two.path());
        let unread = super::common::run(cmd).await;
        assert_eq!(unread.code, 1, "{args:?}: {}", unread.stderr);
        assert!(
            unread.stderr.contains("could not be asked")
                && unread.stderr.contains("another machine's may be missing")
                && !unread.stdout.contains("settled"),
            "{args:?}: {}{}",
            unread.stdout,
            unread.stderr
        );
        if args.contains(&"json") {
            let listed: serde_json::Value = serde_json::from_str(&unread.stdout).unwrap();
            assert_eq!(listed["items"].as_array().map(Vec::len), Some(0));
            assert!(listed["fleet_unread"].is_string(), "{listed}");
        }
    }
    // The other machine lists the call and settles it through the history.
    let listed = run(two.path(), vec!["-o", "json", "calls", "pending"]).await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let listed: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(
        listed["items"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );
    assert_eq!(listed["items"][0]["intent"]["to_number"], to, "{listed}");
    let settled = run(two.path(), vec!["calls", "reconcile", "--pending"]).await;
    assert_eq!(settled.code, 0, "{}", settled.stderr);
    assert!(
        settled.stdout.contains(&calls[0][..8]),
        "{}",
        settled.stdout
    );
    let left: i64 = hold().trim_start_matches(':').parse().unwrap();
    assert!(
        0 < left && left <= 3_600_000,
        "the placed call holds for the hour: {left}"
    );
    assert_eq!(pending_set(), ":0");
    let again = create(two.path()).await;
    assert_eq!(again.code, 1, "{}", again.stderr);
    assert!(
        again.stderr.contains("was already called") && again.stderr.contains(&calls[0]),
        "{}",
        again.stderr
    );
    // The first machine, back, settles its own entry the same way.
    let own = run(one.path(), vec!["calls", "reconcile", "--pending"]).await;
    assert_eq!(own.code, 0, "{}", own.stderr);
    assert!(own.stdout.contains(&calls[0][..8]), "{}", own.stdout);
    assert_eq!(super::common::calls_to(&sim, to).len(), 1);
    // A placed call's key an older version left without an expiry, its hour over: freed for
    // a machine whose own journal does not hold the call.
    let aged = redis.command(&[
        "EVAL",
        "local k = redis.call('KEYS', 'ringg:recent-call:*')[1] \
         local v = redis.call('GET', k) local at = string.find(v, '\\n', 1, true) \
         local e = cjson.decode(string.sub(v, at + 1)) \
         e.intent.recorded_at = '2020-01-01T00:00:00Z' \
         redis.call('SET', k, string.sub(v, 1, at) .. cjson.encode(e)) \
         return redis.call('PTTL', k)",
        "0",
    ]);
    assert_eq!(aged, ":-1");
    let third = tempfile::tempdir().unwrap();
    let later = create(third.path()).await;
    assert_eq!(
        later.code, 6,
        "sent (the answer lost again): {}",
        later.stderr
    );
    assert_eq!(super::common::calls_to(&sim, to).len(), 2);
}

/// `campaigns launch` of one file, name and assistant from processes with separate state
/// folders (two machines) sharing one Redis: the second finds the campaign the first started
/// and sends nothing, as the first machine's own journal would have it; with Redis gone, a
/// launch sends nothing.
#[tokio::test(flavor = "multi_thread")]
async fn fleet_campaign_launch_on_two_machines_starts_one_campaign() {
    let Some(mut redis) =
        RedisServer::start("fleet_campaign_launch_on_two_machines_starts_one_campaign")
    else {
        return;
    };
    let sim = super::common::sim().await;
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let url = redis.url();
    let contacts = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/contacts.csv");
    let lists = || sim.handle().list_ids().len();
    let before = lists();
    let first = fleet_launch(&sim, &url, one.path(), contacts, "fleet launch").await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stdout.contains("launched campaign"),
        "{}",
        first.stdout
    );
    assert_eq!(lists(), before + 1);
    let other_machine = fleet_launch(&sim, &url, two.path(), contacts, "fleet launch").await;
    assert_eq!(other_machine.code, 0, "{}", other_machine.stderr);
    assert!(
        other_machine.stdout.contains("already started"),
        "{}\n{}",
        other_machine.stdout,
        other_machine.stderr
    );
    assert_eq!(lists(), before + 1, "a second campaign was made");
    // `campaigns resume` of its list on a machine that did not launch it reads the fleet's
    // record too.
    let list_id = first
        .stdout
        .split("id ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .unwrap_or_else(|| panic!("no list id in {}", first.stdout))
        .to_owned();
    let elsewhere = tempfile::tempdir().unwrap();
    let mut resume = super::common::ringg(
        &sim,
        &[
            "--redis-url",
            &url,
            "campaigns",
            "resume",
            &list_id,
            "--no-follow",
        ],
    );
    resume.env("RINGG_STATE_DIR", elsewhere.path());
    let resumed = super::common::run(resume).await;
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert!(
        resumed.stdout.contains("already started"),
        "{}",
        resumed.stdout
    );
    // Both at once: one uploads and starts; the other finds that run's record and waits for
    // it (exit 8, sent nothing) or finds its campaign started.
    let (three, four) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = tokio::join!(
        fleet_launch(&sim, &url, three.path(), contacts, "fleet launch at once"),
        fleet_launch(&sim, &url, four.path(), contacts, "fleet launch at once")
    );
    for run in [&a, &b] {
        assert!([0, 8].contains(&run.code), "{}\n{}", run.stdout, run.stderr);
    }
    assert!(a.code == 0 || b.code == 0, "{}\n{}", a.stderr, b.stderr);
    assert_eq!(
        lists(),
        before + 2,
        "{}\n{}\n{}\n{}",
        a.stdout,
        a.stderr,
        b.stdout,
        b.stderr
    );
    // Redis gone: the fleet's record cannot be read, and nothing is sent.
    redis.kill();
    let unchecked = fleet_launch(&sim, &url, one.path(), contacts, "fleet launch 2").await;
    assert_ne!(unchecked.code, 0, "{}", unchecked.stderr);
    assert!(
        unchecked
            .stderr
            .contains("could not be asked about this campaign launch")
            && unchecked
                .stderr
                .contains("would be uploaded and started again"),
        "{}",
        unchecked.stderr
    );
    assert_eq!(lists(), before + 2);
}

/// A launch whose upload was sent but whose answer was lost (its list not known yet) holds up,
/// on another machine sharing the Redis, a launch of another file under the same name, as it
/// would on its own machine: when either run looked for its list by name, the two lists could
/// be taken for each other's. Nothing is uploaded for the second file until the first launch
/// is settled.
#[tokio::test(flavor = "multi_thread")]
async fn fleet_launch_of_another_file_waits_for_an_unanswered_upload_of_its_name() {
    let Some(_redis) = RedisServer::start(
        "fleet_launch_of_another_file_waits_for_an_unanswered_upload_of_its_name",
    ) else {
        return;
    };
    let url = _redis.url();
    // Every upload is carried out and its answer lost.
    let sim = super::common::sim_with_faults("op.saveCampaign=1:reset-after").await;
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let contacts = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/contacts.csv");
    let other = two.path().join("other.csv");
    std::fs::write(
        &other,
        "Mobile Number,Name,Company Name\n+919876500201,Neha Das,Acme Corp\n",
    )
    .unwrap();
    let lists = || sim.handle().list_ids().len();
    let before = lists();
    let first = fleet_launch(&sim, &url, one.path(), contacts, "one name").await;
    assert_ne!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    assert_eq!(lists(), before + 1, "{}", first.stderr);
    let second = fleet_launch(&sim, &url, two.path(), other.to_str().unwrap(), "one name").await;
    assert_eq!(second.code, 8, "{}\n{}", second.stdout, second.stderr);
    assert!(
        second.stderr.contains("another launch named"),
        "{}",
        second.stderr
    );
    assert_eq!(lists(), before + 1, "the other file was uploaded");
    // The first launch run again finds its list and starts it; then the other file is no
    // longer held up on the second machine (its upload is sent, and its answer lost).
    let again = fleet_launch(&sim, &url, one.path(), contacts, "one name").await;
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
    assert!(
        again.stdout.contains("resumed campaign"),
        "{}",
        again.stdout
    );
    let second = fleet_launch(&sim, &url, two.path(), other.to_str().unwrap(), "one name").await;
    assert!(
        !second.stderr.contains("another launch named"),
        "{}",
        second.stderr
    );
    assert_eq!(lists(), before + 2, "{}", second.stderr);
}

/// A machine whose clock runs behind records its campaign start (still unanswered) at what
/// is, by another machine's clock, more than the start's wait ago: the other machine allows
/// the ten minutes of clock slack and does not send the start again.
#[tokio::test(flavor = "multi_thread")]
async fn fleet_launch_allows_another_machines_clock_to_run_behind() {
    let Some(redis) =
        RedisServer::start("fleet_launch_allows_another_machines_clock_to_run_behind")
    else {
        return;
    };
    let url = redis.url();
    // Every start is cut off before the simulator reads it: its sender cannot tell.
    let sim = super::common::sim_with_faults("op.startCampaignV2=1:reset-before").await;
    let starts = || sim.handle().stats().by_operation["startCampaignV2"];
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let contacts = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/contacts.csv");
    let first = fleet_launch(&sim, &url, one.path(), contacts, "behind").await;
    assert_ne!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    assert_eq!(starts(), 1, "{}", first.stderr);
    // Its record says `starting`, written six minutes ago by the other machine's clock.
    let keys = redis.strings(&["KEYS", "ringg:launch:*"]);
    let [key] = keys.as_slice() else {
        panic!("one launch record: {keys:?}")
    };
    let value = redis.strings(&["GET", key]).concat();
    let (_, json) = value.split_once('\n').unwrap();
    let mut record: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(record["stage"], "starting", "{record}");
    let behind = chrono::Utc::now() - chrono::Duration::minutes(6);
    record["updated_at"] = behind
        .to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
        .into();
    let recorded: chrono::DateTime<chrono::Utc> =
        record["recorded_at"].as_str().unwrap().parse().unwrap();
    let nanos = |t: chrono::DateTime<chrono::Utc>| t.timestamp_nanos_opt().unwrap();
    let stamp = format!(
        "starting|{}|{}|{}",
        record["list_id"].as_str().unwrap(),
        nanos(recorded),
        nanos(behind)
    );
    assert_eq!(
        redis.command(&["SET", key, &format!("{stamp}\n{record}")]),
        "+OK"
    );
    let second = fleet_launch(&sim, &url, two.path(), contacts, "behind").await;
    assert_eq!(second.code, 8, "{}\n{}", second.stdout, second.stderr);
    assert!(
        second.stderr.contains("may still be carried out until"),
        "{}",
        second.stderr
    );
    assert_eq!(starts(), 1, "the start was sent again");
}

/// `campaigns launch FILE --name NAME` for the demo assistant and pool (quiet hours off, not
/// followed) on one machine of a fleet: its own state folder `state`, the Redis at `url`.
async fn fleet_launch(
    sim: &ringg_sim::RunningSimulator,
    url: &str,
    state: &std::path::Path,
    file: &str,
    name: &str,
) -> super::common::Run {
    let args = [
        "--redis-url",
        url,
        "campaigns",
        "launch",
        "--yes",
        "--quiet-hours",
        "off",
        file,
        "--agent",
        ringg_sim::demo::AGENT_ID,
        "--name",
        name,
        "--number-pool",
        ringg_sim::demo::NUMBER_POOL_ID,
        "--no-follow",
    ];
    let mut cmd = super::common::ringg(sim, &args);
    cmd.env("RINGG_STATE_DIR", state);
    super::common::run(cmd).await
}

/// A command that used a rate limiter shared through Redis frees its in-flight slot before it
/// exits: the next process of the fleet (here, the next command) does not wait for the slot's
/// lease to run out.
#[tokio::test(flavor = "multi_thread")]
async fn fleet_commands_free_their_in_flight_slots_before_they_exit() {
    let Some(redis) =
        RedisServer::start("fleet_commands_free_their_in_flight_slots_before_they_exit")
    else {
        return;
    };
    let sim = super::common::sim().await;
    let url = redis.url();
    for round in 0..5 {
        let mut cmd = super::common::ringg(
            &sim,
            &[
                "--redis-url",
                &url,
                "--redis-prefix",
                "slots",
                "--max-in-flight",
                "1",
                "-q",
                "api",
                "GET",
                "/workspace",
            ],
        );
        cmd.env("RINGG_STATE_DIR", fresh_state_dir());
        let run = super::common::run(cmd).await;
        assert_eq!(run.code, 0, "{}", run.stderr);
        let slots = format!("{}:in_flight", limit_prefix("slots", &sim));
        let held = redis.command(&["ZCARD", &slots]);
        assert_eq!(held, ":0", "round {round}: a slot outlived its process");
    }
}

/// The Redis key prefix of the shared limiter of commands run against `sim` with its key and
/// `--redis-prefix prefix`: the limits of one server and key.
fn limit_prefix(prefix: &str, sim: &ringg_sim::RunningSimulator) -> String {
    use sha2::{Digest, Sha256};
    let scope = ringg_api::journal::journal_scope(&sim.base_url(), sim.api_key());
    let digest: String = Sha256::digest(scope.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{prefix}:limit:{digest}")
}

/// The shared limits are those of one server and key: a command of the fleet talking to
/// another server (a staging profile, a simulator) holds slots (and would take a pause after a
/// 429) of its own, not the production ones.
#[tokio::test(flavor = "multi_thread")]
async fn fleet_limits_are_kept_per_server_and_key() {
    let Some(redis) = RedisServer::start("fleet_limits_are_kept_per_server_and_key") else {
        return;
    };
    let url = redis.url();
    let slow = super::common::sim_with_faults("op.getWorkspace=1:latency, latency-ms=3000").await;
    let mut cmd = super::common::ringg(
        &slow,
        &[
            "--redis-url",
            &url,
            "--redis-prefix",
            "scoped",
            "--max-in-flight",
            "4",
            "-q",
            "api",
            "GET",
            "/workspace",
        ],
    );
    cmd.env("RINGG_STATE_DIR", fresh_state_dir());
    let running = tokio::spawn(super::common::run(cmd));
    // While its request is in flight, its slot is under its server and key's prefix.
    let deadline = Instant::now() + Duration::from_secs(20);
    let held = loop {
        let held = redis.strings(&["KEYS", "scoped:limit:*"]);
        if !held.is_empty() || Instant::now() > deadline {
            break held;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        held,
        [format!("{}:in_flight", limit_prefix("scoped", &slow))]
    );
    let run = running.await.unwrap();
    assert_eq!(run.code, 0, "{}", run.stderr);
}
