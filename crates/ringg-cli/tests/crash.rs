//! Crash safety through the real binary: a proxy in front of the simulator holds a request
//! (before passing it on, or after the simulator acted, keeping its answer back), the test
//! kills `ringg` with SIGKILL at that step boundary, runs the same command again, and checks
//! the simulator's own records: no recipient called twice, no second campaign, no campaign left
//! a draft, and `ringg calls reconcile --pending` reporting every placed call. Also: the
//! quickstart against a server puts the assistant's subscriptions back when stopped with
//! SIGINT, and after a SIGKILL on its next run.
#![cfg(unix)]

mod common;

use std::convert::Infallible;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response};
use ringg_api::Client;
use ringg_api::types::webhook::{EventSubscription, EventType};
use ringg_sim::demo::{AGENT_ID, NUMBER_POOL_ID};
use ringg_sim::{RunningSimulator, Simulator};
use tokio::sync::Notify;

use common::{fails, ok, run};

/// When the proxy holds a matching request.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Hold {
    /// Before passing it on: the simulator never sees it.
    Request,
    /// After the simulator acted: its answer is kept back.
    Answer,
}

/// A proxy to the simulator that holds the next request matching a rule forever.
struct Proxy {
    base_url: String,
    rule: Arc<Mutex<Option<(String, String, Hold)>>>,
    held: Arc<Notify>,
}

impl Proxy {
    async fn start(sim: &RunningSimulator) -> Self {
        let target = sim.base_url();
        let target_authority = target
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let path_prefix = target["http://".len() + target_authority.len()..].to_string();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let rule: Arc<Mutex<Option<(String, String, Hold)>>> = Arc::default();
        let held = Arc::new(Notify::new());
        let client =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build_http::<Full<Bytes>>();
        let (r, h) = (rule.clone(), held.clone());
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (rule, held, client, authority) = (
                    r.clone(),
                    h.clone(),
                    client.clone(),
                    target_authority.clone(),
                );
                let service =
                    hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                        let (rule, held, client, authority) = (
                            rule.clone(),
                            held.clone(),
                            client.clone(),
                            authority.clone(),
                        );
                        async move {
                            let (parts, body) = req.into_parts();
                            let body = body.collect().await.unwrap().to_bytes();
                            let path = parts.uri.path().to_string();
                            let hold = {
                                let mut rule = rule.lock().unwrap();
                                match rule.as_ref() {
                                    Some((m, p, hold))
                                        if *m == parts.method.as_str()
                                            && path.contains(p.as_str()) =>
                                    {
                                        let hold = *hold;
                                        *rule = None;
                                        Some(hold)
                                    }
                                    _ => None,
                                }
                            };
                            if hold == Some(Hold::Request) {
                                held.notify_one();
                                std::future::pending::<()>().await;
                            }
                            let uri = format!(
                                "http://{authority}{}",
                                parts.uri.path_and_query().map_or("/", |p| p.as_str())
                            );
                            let mut forward =
                                Request::builder().method(parts.method.clone()).uri(uri);
                            for (k, v) in &parts.headers {
                                if k != hyper::header::HOST {
                                    forward = forward.header(k, v);
                                }
                            }
                            let answer = client
                                .request(forward.body(Full::new(body)).unwrap())
                                .await
                                .unwrap();
                            let (aparts, abody) = answer.into_parts();
                            let abody = abody.collect().await.unwrap().to_bytes();
                            if hold == Some(Hold::Answer) {
                                held.notify_one();
                                std::future::pending::<()>().await;
                            }
                            Ok::<_, Infallible>(Response::from_parts(aparts, Full::new(abody)))
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
        Self {
            base_url: format!("http://{addr}{path_prefix}"),
            rule,
            held,
        }
    }

    fn hold(&self, method: &str, path_part: &str, hold: Hold) {
        *self.rule.lock().unwrap() = Some((method.into(), path_part.into(), hold));
    }
}

/// `ringg` at the proxy with the demo key and this test's state folder.
fn ringg(proxy: &Proxy, state: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = common::bare();
    cmd.env("RINGG_STATE_DIR", state)
        .args([
            "--base-url",
            &proxy.base_url,
            "--api-key",
            ringg_sim::DEMO_API_KEY,
        ])
        .args(args);
    cmd
}

/// Spawns `ringg args…` at the proxy, waits until the proxy holds its request, and kills it
/// with SIGKILL.
async fn kill_at_hold(proxy: &Proxy, state: &Path, timeout: &str, args: &[&str]) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ringg"))
        .env("RINGG_STATE_DIR", state)
        .env("NO_COLOR", "1")
        .env_remove("RINGG_API_KEY")
        .env_remove("RINGG_BASE_URL")
        .args([
            "--base-url",
            &proxy.base_url,
            "--api-key",
            ringg_sim::DEMO_API_KEY,
            // The run records this wait in the journal: what it sent may still be carried out
            // for that long, and no later run rules it out (or sends it again) before then.
            "--timeout",
            timeout,
        ])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let held = tokio::time::timeout(Duration::from_secs(60), proxy.held.notified()).await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(held.is_ok(), "the proxy never held the request of {args:?}");
}

async fn sim() -> RunningSimulator {
    Simulator::builder()
        .time_scale(0.002)
        .seed(21)
        .start()
        .await
        .unwrap()
}

fn direct(sim: &RunningSimulator) -> Client {
    Client::builder()
        .ignore_env()
        .api_key(sim.api_key())
        .base_url(sim.base_url())
        .build()
        .unwrap()
}

fn create_args(to: &str) -> Vec<String> {
    [
        "calls",
        "create",
        "--var",
        "company_name=Acme",
        "--agent",
        AGENT_ID,
        "--to",
        to,
        "--name",
        "Asha",
        "--number-pool",
        NUMBER_POOL_ID,
    ]
    .map(String::from)
    .to_vec()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_initiation_killed_at_each_boundary_is_never_placed_twice() {
    let sim = sim().await;
    let proxy = Proxy::start(&sim).await;
    let state = tempfile::tempdir().unwrap();
    let state = state.path();
    const PATH: &str = "/calling/v2/outbound/individual";

    // Killed before the request reached the server, then after the server placed the call.
    let (lost_request, lost_answer) = ("+919811100001", "+919811100002");
    proxy.hold("POST", PATH, Hold::Request);
    kill_at_hold(&proxy, state, "8", &strs(&create_args(lost_request))).await;
    let killed = tokio::time::Instant::now();
    proxy.hold("POST", PATH, Hold::Answer);
    kill_at_hold(&proxy, state, "8", &strs(&create_args(lost_answer))).await;
    assert!(common::calls_to(&sim, lost_request).is_empty());
    let placed = common::calls_to(&sim, lost_answer);
    assert_eq!(placed.len(), 1);

    // Both are pending, and calling either again is refused.
    let r = ok(ringg(&proxy, state, &["-o", "json", "calls", "pending"])).await;
    let pending: Vec<String> = r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["intent"]["to_number"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(pending.len(), 2, "{pending:?}");
    assert!(
        pending.contains(&lost_request.to_string()) && pending.contains(&lost_answer.to_string())
    );
    for to in [lost_request, lost_answer] {
        let r = fails(ringg(&proxy, state, &strs(&create_args(to))), 1).await;
        assert!(
            r.stderr.contains("ringg calls reconcile --pending"),
            "{}",
            r.stderr
        );
    }
    assert!(common::calls_to(&sim, lost_request).is_empty());
    assert_eq!(common::calls_to(&sim, lost_answer).len(), 1);

    // Settling at once reports the placed call with its id, and leaves the other pending: its
    // request was recorded a moment ago and might still be answered (exit 8, too early).
    let r = fails(
        ringg(
            &proxy,
            state,
            &["-o", "json", "calls", "reconcile", "--pending"],
        ),
        8,
    )
    .await;
    let early: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    let row = |to: &str| {
        early
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["to_number"] == to)
            .cloned()
            .unwrap()
    };
    assert_eq!(row(lost_answer)["outcome"], "placed");
    assert_eq!(row(lost_answer)["call_id"], placed[0].as_str());
    assert_eq!(row(lost_request)["outcome"], "unsettled");
    assert!(
        row(lost_request)["error"]
            .as_str()
            .unwrap()
            .contains("may still be answered until"),
        "{early}"
    );
    let hasty = [
        "--timeout",
        "1",
        "-o",
        "json",
        "calls",
        "reconcile",
        "--pending",
    ];
    // Past this run's own wait (--timeout 1) but not the killed run's (--timeout 8): still too
    // early.
    tokio::time::sleep_until(killed + Duration::from_millis(1500)).await;
    let r = fails(ringg(&proxy, state, &hasty), 8).await;
    assert!(
        r.stdout.contains("may still be answered until"),
        "{}",
        r.stdout
    );
    // Told that the killed run is gone (--settle-after), it is ruled out at once.
    let told = [
        "--settle-after",
        "0",
        "-o",
        "json",
        "calls",
        "reconcile",
        "--pending",
    ];
    let r = ok(ringg(&proxy, state, &told)).await;
    let settled = r.json();
    let by_to = |to: &str| {
        settled
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["to_number"] == to)
            .cloned()
            .unwrap_or_else(|| panic!("{to} not settled: {settled}"))
    };
    assert_eq!(settled.as_array().unwrap().len(), 1, "{settled}");
    assert_eq!(by_to(lost_request)["outcome"], "not_placed");
    let r = ok(ringg(&proxy, state, &["calls", "pending"])).await;
    assert!(r.stdout.trim().is_empty(), "{}", r.stdout);

    // Now the one never placed can be called, once.
    ok(ringg(&proxy, state, &strs(&create_args(lost_request)))).await;
    assert_eq!(common::calls_to(&sim, lost_request).len(), 1);
    assert_eq!(common::calls_to(&sim, lost_answer).len(), 1);
}

/// The simulator's campaigns named `name`, with their statuses.
async fn statuses(sim: &RunningSimulator, name: &str) -> Vec<String> {
    use futures::TryStreamExt;
    let all: Vec<_> = direct(sim)
        .campaigns()
        .stream(ringg_api::types::campaigns::ListCampaignsQuery::default())
        .try_collect()
        .await
        .unwrap();
    all.into_iter()
        .filter(|c| c.name.as_deref() == Some(name))
        .map(|c| {
            c.campaign_status
                .map(|s| s.as_str().to_string())
                .unwrap_or_default()
        })
        .collect()
}

fn launch_args(file: &str, name: &str) -> Vec<String> {
    [
        "campaigns",
        "launch",
        "--yes",
        "--quiet-hours",
        "off",
        file,
        "--agent",
        AGENT_ID,
        "--name",
        name,
        "--number-pool",
        NUMBER_POOL_ID,
        "--remove-invalid-rows",
        "--no-follow",
    ]
    .map(String::from)
    .to_vec()
}

/// For each step boundary: kill the launch there, run the same launch again, and check that
/// one campaign exists and it is started.
async fn launch_survives_kills(file: &str, boundaries: &[(&str, &str, Hold)]) {
    let sim = sim().await;
    sim.handle().set_credits(10_000_000.0);
    let proxy = Proxy::start(&sim).await;
    let state = tempfile::tempdir().unwrap();
    let state = state.path();
    for (i, (method, path, hold)) in boundaries.iter().enumerate() {
        let name = format!("crash {i} {path} {hold:?}");
        let args = launch_args(file, &name);
        proxy.hold(method, path, *hold);
        kill_at_hold(&proxy, state, "2", &strs(&args)).await;
        let before = statuses(&sim, &name).await;
        let mut r = run(ringg(&proxy, state, &strs(&args))).await;
        if *hold == Hold::Request {
            // The request the killed run had sent may still be carried out (a server that
            // received it late): until its time is up, running the launch again sends nothing.
            assert_eq!(r.code, 8, "{name}: too early:\n{}\n{}", r.stdout, r.stderr);
            assert!(
                r.stderr.contains("may still be carried out until"),
                "{name}:\n{}",
                r.stderr
            );
            // The advice (when to run it again) is the SDK's hint, which ringg prints.
            assert!(r.stderr.contains(" again after "), "{name}:\n{}", r.stderr);
            assert_eq!(statuses(&sim, &name).await, before, "{name}: nothing sent");
            // With --timeout 2 a request's time is up two seconds after it was sent.
            tokio::time::sleep(Duration::from_millis(2200)).await;
            let mut again = vec!["--timeout".to_string(), "2".to_string()];
            again.extend(args.iter().cloned());
            r = run(ringg(&proxy, state, &strs(&again))).await;
        }
        assert_eq!(r.code, 0, "{name}:\n{}\n{}", r.stdout, r.stderr);
        let found = statuses(&sim, &name).await;
        assert_eq!(found.len(), 1, "{name}: one campaign, got {found:?}");
        assert_ne!(found[0], "draft", "{name}: started");
        let resumed = r.stdout.contains("resumed campaign") || r.stdout.contains("already started");
        let uploaded_before =
            !(*hold == Hold::Request && !path.contains("start") && !path.contains("make-call"));
        assert_eq!(resumed, uploaded_before, "{name}:\n{}", r.stdout);
        // Once more: nothing is uploaded or started again.
        let r = ok(ringg(&proxy, state, &strs(&args))).await;
        assert!(
            r.stdout.contains("already started"),
            "{name}:\n{}",
            r.stdout
        );
        assert_eq!(statuses(&sim, &name).await.len(), 1, "{name}");
    }
}

const CONTACTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/contacts.csv");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standard_launch_killed_at_each_boundary_makes_one_started_campaign() {
    launch_survives_kills(
        CONTACTS,
        &[
            ("POST", "/campaign/save", Hold::Request),
            ("POST", "/campaign/save", Hold::Answer),
            ("POST", "/campaign/v2/start", Hold::Request),
            ("POST", "/campaign/v2/start", Hold::Answer),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_killed_after_its_upload_holds_up_another_file_of_its_name() {
    let sim = sim().await;
    let proxy = Proxy::start(&sim).await;
    let state = tempfile::tempdir().unwrap();
    let state = state.path();
    let other = large_csv(state, 3);
    let name = "one name";
    let first = launch_args(CONTACTS, name);
    let second = launch_args(other.to_str().unwrap(), name);
    proxy.hold("POST", "/campaign/save", Hold::Answer);
    kill_at_hold(&proxy, state, "2", &strs(&first)).await;
    // The interrupted launch is listed, with what finishes it; `calls pending` points there.
    let r = ok(ringg(&proxy, state, &["campaigns", "pending"])).await;
    assert!(
        r.stdout.contains(name) && r.stdout.contains("uploading"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("run the same launch again"),
        "{}",
        r.stdout
    );
    let r = ok(ringg(&proxy, state, &["calls", "pending"])).await;
    assert!(
        r.stderr.contains("1 campaign launch(es) not finished"),
        "{}",
        r.stderr
    );

    // Its list is there but not known: another file of that name is not uploaded.
    let r = run(ringg(&proxy, state, &strs(&second))).await;
    assert_eq!(r.code, 8, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("another launch named"), "{}", r.stderr);
    assert!(r.stderr.contains("another name"), "{}", r.stderr);
    // A deliberate wait, not a failure.
    assert!(
        r.stderr.contains("campaign launch stopped at"),
        "{}",
        r.stderr
    );
    assert_eq!(statuses(&sim, name).await.len(), 1, "nothing sent");

    // The first launch run again finds its list; then the second goes ahead.
    let r = ok(ringg(&proxy, state, &strs(&first))).await;
    assert!(r.stdout.contains("resumed campaign"), "{}", r.stdout);
    ok(ringg(&proxy, state, &strs(&second))).await;
    let found = statuses(&sim, name).await;
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|s| s != "draft"), "{found:?}");
    let r = ok(ringg(
        &proxy,
        state,
        &["-o", "json", "campaigns", "pending"],
    ))
    .await;
    let listed: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(listed["items"], serde_json::json!([]), "{listed}");
}

/// A launch killed while its start was held (the simulator never saw it) whose draft list is
/// then deleted elsewhere: `campaigns discard` finds the list gone and settles the launch, so
/// it is no longer pending and holds up no other launch of its name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discarding_a_list_deleted_elsewhere_settles_its_launch() {
    let sim = sim().await;
    let proxy = Proxy::start(&sim).await;
    let state = tempfile::tempdir().unwrap();
    let state = state.path();
    let args = launch_args(CONTACTS, "deleted elsewhere");
    proxy.hold("POST", "/campaign/v2/start", Hold::Request);
    kill_at_hold(&proxy, state, "2", &strs(&args)).await;
    let pending = |state: &Path| {
        let cmd = ringg(&proxy, state, &["-o", "json", "campaigns", "pending"]);
        async move {
            let r = ok(cmd).await;
            serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["items"].clone()
        }
    };
    let items = pending(state).await;
    let list = items[0]["list_id"].as_str().unwrap().to_owned();
    direct(&sim)
        .calls()
        .delete_contact_list(&ringg_api::types::ListId::new(&list))
        .await
        .unwrap();
    let r = run(ringg(
        &proxy,
        state,
        &["campaigns", "discard", &list, "--yes"],
    ))
    .await;
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("marked discarded"), "{}", r.stderr);
    assert_eq!(pending(state).await, serde_json::json!([]));
}

/// A CSV of `rows` contacts: enough for the large flow.
fn large_csv(dir: &Path, rows: usize) -> PathBuf {
    let mut text = String::from("Mobile Number,Name,Company Name\n");
    for i in 0..rows {
        text.push_str(&format!("+9198{:08},Contact {i},Acme\n", 20_000_000 + i));
    }
    let path = dir.join("large.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_launch_killed_at_each_boundary_makes_one_started_campaign() {
    let dir = tempfile::tempdir().unwrap();
    let file = large_csv(dir.path(), 5_000);
    launch_survives_kills(
        file.to_str().unwrap(),
        &[
            ("POST", "/campaign/upload-csv", Hold::Request),
            ("POST", "/campaign/upload-csv", Hold::Answer),
            ("GET", "/campaign/upload-status", Hold::Answer),
            ("POST", "/campaign/make-call-async", Hold::Request),
            ("POST", "/campaign/make-call-async", Hold::Answer),
        ],
    )
    .await;
}

/// The assistant's subscriptions, read from the simulator directly.
async fn subscriptions(sim: &RunningSimulator) -> Vec<EventSubscription> {
    direct(sim)
        .assistants()
        .webhook_subscriptions(&ringg_api::types::AgentId::new(AGENT_ID))
        .await
        .unwrap()
}

/// Spawns `ringg quickstart` against the proxy and returns it once its stdout shows the wait
/// for the call (step 6), with the lines so far.
fn quickstart_until_waiting(base_url: &str, state: &Path, to: &str) -> (Child, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ringg"))
        .env("RINGG_STATE_DIR", state)
        .env("NO_COLOR", "1")
        .args(["--base-url", base_url, "--api-key", ringg_sim::DEMO_API_KEY])
        .args(["quickstart", "--to", to, "--yes", "--timeout", "600"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap() == 0 {
            panic!("quickstart ended before waiting:\n{}", lines.join(""));
        }
        let waiting = line.contains("Wait for the call");
        lines.push(line);
        if waiting {
            break;
        }
    }
    // Keep reading in the background, so the child never blocks on a full pipe.
    let rest = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut s);
        s
    });
    std::mem::forget(rest);
    (child, lines)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quickstart_puts_the_subscriptions_back_after_sigint_and_after_sigkill() {
    // A slow clock: the call lasts minutes, so the quickstart is still waiting when stopped.
    let sim = Simulator::builder()
        .time_scale(1.0)
        .seed(3)
        .start()
        .await
        .unwrap();
    let proxy = Proxy::start(&sim).await;
    let state = tempfile::tempdir().unwrap();
    let state = state.path();
    let before = EventSubscription::new(
        vec![EventType::CallCompleted],
        "https://hooks.example.com/ringg",
    );
    direct(&sim)
        .assistants()
        .edit_event_subscriptions(
            &ringg_api::types::AgentId::new(AGENT_ID),
            vec![before.clone()],
        )
        .await
        .unwrap();
    let original = subscriptions(&sim).await;
    assert_eq!(original.len(), 1);

    // SIGINT mid-wait: put back before the command ends.
    let (mut child, _) = tokio::task::spawn_blocking({
        let (base, state) = (proxy.base_url.clone(), state.to_path_buf());
        move || quickstart_until_waiting(&base, &state, "+919822200001")
    })
    .await
    .unwrap();
    assert_ne!(
        subscriptions(&sim).await,
        original,
        "pointed at the local receiver while running"
    );
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert_eq!(status.code(), Some(1), "stopped by SIGINT");
    assert_eq!(subscriptions(&sim).await, original, "put back on SIGINT");

    // SIGKILL mid-wait: nothing can run, so the next run puts them back first.
    let (mut child, _) = tokio::task::spawn_blocking({
        let (base, state) = (proxy.base_url.clone(), state.to_path_buf());
        move || quickstart_until_waiting(&base, &state, "+919822200002")
    })
    .await
    .unwrap();
    child.kill().unwrap();
    tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    let left = subscriptions(&sim).await;
    assert_ne!(
        left, original,
        "a killed run leaves its receiver subscribed"
    );
    let (mut child, lines) = tokio::task::spawn_blocking({
        let (base, state) = (proxy.base_url.clone(), state.to_path_buf());
        move || quickstart_until_waiting(&base, &state, "+919822200003")
    })
    .await
    .unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("an earlier run was stopped before it could")),
        "{}",
        lines.join("")
    );
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert_eq!(subscriptions(&sim).await, original, "put back on SIGTERM");
}
