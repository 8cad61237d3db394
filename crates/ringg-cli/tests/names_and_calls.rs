//! Names and id prefixes for ids, checked calls and `calls tail`, against a simulator with
//! the demo extras (a second outbound assistant whose id shares its first characters with
//! the first).

mod common;

use std::io::{BufRead, BufReader};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{fails, ok, ringg};
use ringg_sim::demo::{AGENT_ID, KB_ID, NUMBER_ID, SECOND_AGENT_ID};
use ringg_sim::{CallOutcome, RunningSimulator, Simulator};

async fn demo_sim(credits: f64) -> RunningSimulator {
    Simulator::builder()
        .time_scale(0.002)
        .seed(7)
        .credits(credits)
        .demo_extras(true)
        .history_rows(12)
        .start()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn names_and_prefixes_stand_for_ids() {
    let sim = demo_sim(3025.0).await;
    let r = ok(ringg(&sim, &["assistants", "get", "Sales Assistant"])).await;
    assert!(r.stdout.contains(AGENT_ID), "{}", r.stdout);
    let r = ok(ringg(&sim, &["assistants", "get", "830f767a"])).await;
    assert!(r.stdout.contains("Sales Assistant"), "{}", r.stdout);
    let r = ok(ringg(&sim, &["assistants", "get", "renewals"])).await;
    assert!(r.stdout.contains(SECOND_AGENT_ID), "{}", r.stdout);
    // Both demo outbound assistants start with 830f: an ambiguity listing both.
    let r = fails(ringg(&sim, &["assistants", "get", "830f"]), 2).await;
    assert!(
        r.stderr.contains(AGENT_ID) && r.stderr.contains(SECOND_AGENT_ID),
        "{}",
        r.stderr
    );
    fails(ringg(&sim, &["assistants", "get", "Nobody"]), 3).await;
    let r = ok(ringg(&sim, &["kb", "get", "Product FAQ"])).await;
    assert!(r.stdout.contains(KB_ID), "{}", r.stdout);

    // The history filtered by an assistant's name shows its calls only, not nothing.
    let r = ok(ringg(
        &sim,
        &[
            "-o",
            "json",
            "calls",
            "list",
            "--agent",
            "Renewals Assistant",
            "--limit",
            "100",
        ],
    ))
    .await;
    let rows = r.json()["items"].as_array().unwrap().clone();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|c| c["agent"]["id"] == SECOND_AGENT_ID),
        "{rows:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_short_ids_tables_show_work_as_ids() {
    let sim = demo_sim(3025.0).await;
    // A call by the 8 characters `calls list` shows.
    let listed = ok(ringg(
        &sim,
        &["-o", "json", "calls", "list", "--limit", "1"],
    ))
    .await
    .json();
    let call_id = listed["items"][0]["id"].as_str().unwrap().to_string();
    let r = ok(ringg(&sim, &["calls", "get", &call_id[..8]])).await;
    assert!(r.stdout.contains(&call_id), "{}", r.stdout);
    let r = ok(ringg(&sim, &["calls", "wait", &call_id[..8]])).await;
    assert!(r.stdout.contains(&call_id), "{}", r.stdout);
    // A number pool by its prefix, in a call and in a launch plan.
    let pool = ringg_sim::demo::NUMBER_POOL_ID;
    let r = ok(ringg(
        &sim,
        &[
            "calls",
            "create",
            "--agent",
            "Sales Assistant",
            "--to",
            "+919876500001",
            "--name",
            "Asha",
            "--number-pool",
            &pool[..8],
            "--var",
            "company_name=Acme",
        ],
    ))
    .await;
    assert!(r.stdout.contains("call id"), "{}", r.stdout);
    // (The simulator answers 404 to a pool id it does not know, such as a prefix.)
    assert!(
        sim.handle()
            .calls()
            .iter()
            .any(|c| c.to_number == "+919876500001"),
        "the call was placed from the pool"
    );

    // The step-by-step campaign commands take names too.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("c.csv");
    std::fs::write(
        &csv,
        "Name,Mobile Number,company_name\nAsha,+919876500002,Acme\n",
    )
    .unwrap();
    let csv = csv.to_str().unwrap();
    common::save_draft(&sim, csv, "Sales Assistant", "Stepwise").await;
    let create = |name: &str, start: &str| {
        ringg(
            &sim,
            &[
                "campaigns",
                "create",
                csv,
                "--agent",
                "Sales Assistant",
                "--name",
                name,
                "--start",
                start,
                "--end",
                "01/01/2030, 10:00",
            ],
        )
    };
    // The next step it prints pastes as it is: the assistant's id, not its name.
    let r = ok(create("Pasted", "01/01/2030, 09:00")).await;
    let printed = format!("{}{}", r.stdout, r.stderr);
    assert!(
        printed.contains(&format!("--agent {AGENT_ID} --number-pool")),
        "{printed}"
    );
    let r = ok(ringg(
        &sim,
        &[
            "campaigns",
            "start",
            "Stepwise",
            "--agent",
            "830f767a",
            "--number-pool",
            &pool[..8],
        ],
    ))
    .await;
    assert!(!r.stdout.is_empty(), "{}", r.stderr);
    // An end before the start is refused in the command line's words.
    let r = fails(create("Backwards", "01/01/2030, 18:00"), 2).await;
    assert!(
        r.stderr.contains("--end") && !r.stderr.contains("campaign_end_time"),
        "{}",
        r.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_are_checked_before_anyone_is_called() {
    let sim = demo_sim(3025.0).await;
    let create = |extra: &[&str]| {
        let mut args = vec![
            "calls",
            "create",
            "--agent",
            "Sales Assistant",
            "--to",
            "+91 98765 43210",
            "--name",
            "Asha",
            "--from-number-id",
            "Sales Line",
        ];
        args.extend_from_slice(extra);
        ringg(&sim, &args)
    };
    let r = fails(create(&["--var", "compnay_name=Acme"]), 2).await;
    assert!(
        r.stderr.contains("\"compnay_name\"")
            && r.stderr.contains("did you mean --var company_name"),
        "{}",
        r.stderr
    );
    // With --output json the way on is the error's hint, apart from what went wrong.
    let mut json = create(&["--var", "compnay_name=Acme"]);
    json.arg("-o").arg("json");
    let r = fails(json, 2).await;
    let e: serde_json::Value = serde_json::from_str(r.stderr.trim()).unwrap();
    assert!(
        e["message"].as_str().unwrap().contains("\"compnay_name\"")
            && e["hint"]
                .as_str()
                .unwrap()
                .contains("did you mean --var company_name"),
        "{e}"
    );
    let r = fails(create(&[]), 2).await;
    assert!(
        r.stderr.contains("company_name") && r.stderr.contains("--allow-missing-vars"),
        "{}",
        r.stderr
    );
    let to_asha = || {
        sim.handle()
            .calls()
            .into_iter()
            .filter(|c| c.to_number == "+919876543210")
            .collect::<Vec<_>>()
    };
    assert!(to_asha().is_empty(), "no call may be placed");

    let r = ok(create(&["--var", "company_name=Acme"])).await;
    // The client reference has its own row, not among the callee's variables.
    assert!(
        r.stdout.contains("client reference") && !r.stdout.contains("ringg_client_ref"),
        "{}",
        r.stdout
    );
    ok(create(&["--allow-missing-vars", "--force"])).await;
    let calls = to_asha();
    assert_eq!(calls.len(), 2);
    // "+91 98765 43210" was called as +919876543210, from the number named "Sales Line".
    assert!(
        calls
            .iter()
            .all(|c| c.from_number == ringg_sim::demo::NUMBER)
    );
    assert!(calls.iter().all(|c| c.agent_id.as_str() == AGENT_ID));
}

/// Reads a child's output lines on a thread.
fn lines_of(out: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits (up to a generous deadline) for a line containing every one of `parts`.
fn wait_for(rx: &mpsc::Receiver<String>, parts: &[&str], seen: &mut Vec<String>) -> String {
    let deadline = Instant::now() + Duration::from_secs(90);
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            seen.push(line.clone());
            if parts.iter().all(|p| line.contains(p)) {
                return line;
            }
        }
    }
    panic!("no line with {parts:?}; saw:\n{}", seen.join("\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn tail_shows_a_call_going_from_registered_to_completed() {
    // No credits: a new call waits, registered, until credits arrive.
    let sim = demo_sim(0.0).await;
    sim.handle()
        .script_outcomes("+919876500777", [CallOutcome::Answered]);
    let mut tail = common::calls_tail(&sim, &["--agent", "Sales Assistant"]);
    tail.env("COLUMNS", "80");
    let mut child = common::spawn(tail);
    let out = lines_of(child.stdout.take().unwrap());
    let err = lines_of(child.stderr.take().unwrap());
    let mut seen = Vec::new();
    wait_for(&err, &["watching the calls"], &mut seen);

    let r = ok(ringg(
        &sim,
        &[
            "-o",
            "json",
            "calls",
            "create",
            "--agent",
            AGENT_ID,
            "--to",
            "+919876500777",
            "--name",
            "Ira",
            "--from-number-id",
            NUMBER_ID,
            "--var",
            "company_name=Acme",
        ],
    ))
    .await;
    let call_id = r.json()["call_id"].as_str().unwrap().to_string();
    let first = wait_for(&out, &[&call_id[..8], "registered"], &mut seen);
    assert!(first.contains("new, registered"), "{first}");
    sim.handle().set_credits(100.0);
    let last = wait_for(&out, &[&call_id[..8], "-> completed"], &mut seen);
    assert!(last.contains("+919876500777"), "{last}");
    // Each line fits the 80 columns, the id shortened as in a table.
    for line in [&first, &last] {
        assert!(line.chars().count() <= 80, "{line}");
        assert!(line.contains(&format!("{}…", &call_id[..8])), "{line}");
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A call already in progress when the tail starts is listed once as `in progress`, not as
/// `new` (a script counting new calls would count it again at each restart).
#[tokio::test(flavor = "multi_thread")]
async fn tail_lists_a_call_already_in_progress_apart_from_new_ones() {
    let sim = demo_sim(0.0).await;
    let place = |to: &'static str| {
        let mut args = vec!["-o", "json"];
        args.extend(common::call_args(to, &["--var", "company_name=Acme"]));
        ringg(&sim, &args)
    };
    let before = ok(place("+919876500781")).await.json()["call_id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut child = common::spawn(common::calls_tail(&sim, &["-o", "json"]));
    let out = lines_of(child.stdout.take().unwrap());
    let mut seen = Vec::new();
    let first = wait_for(&out, &[&before, "registered"], &mut seen);
    let first: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(first["initial"], true, "{first}");
    let after = ok(place("+919876500782")).await.json()["call_id"]
        .as_str()
        .unwrap()
        .to_string();
    let new: serde_json::Value =
        serde_json::from_str(&wait_for(&out, &[&after, "registered"], &mut seen)).unwrap();
    assert_eq!(new["initial"], false, "{new}");
    let _ = child.kill();
    let _ = child.wait();
    // In text, the first is `in progress`.
    let mut child = common::spawn(common::calls_tail(&sim, &["--wide"]));
    let out = lines_of(child.stdout.take().unwrap());
    let line = wait_for(&out, &[&before, "registered"], &mut Vec::new());
    assert!(line.contains("in progress, registered"), "{line}");
    let _ = child.kill();
    let _ = child.wait();
}

#[tokio::test(flavor = "multi_thread")]
async fn tail_listen_prints_webhook_events_between_the_status_lines() {
    let sim = demo_sim(100.0).await;
    sim.handle()
        .script_outcomes("+919876500778", [CallOutcome::Answered]);
    let tail = common::tail_listen(&sim, "tail-secret");
    let mut child = common::spawn(tail);
    let out = lines_of(child.stdout.take().unwrap());
    let err = lines_of(child.stderr.take().unwrap());
    let mut seen = Vec::new();
    let watching = wait_for(&err, &["webhook events delivered to"], &mut seen);
    let url = watching
        .split("delivered to ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .unwrap()
        .to_string();
    ok(ringg(
        &sim,
        &[
            "webhooks",
            "subscribe",
            "--agent",
            "Sales Assistant",
            "--url",
            &url,
            "--event",
            "call_completed",
            "--header",
            "X-Webhook-Secret:tail-secret",
        ],
    ))
    .await;
    let r = ok(ringg(
        &sim,
        &[
            "-o",
            "json",
            "calls",
            "create",
            "--agent",
            AGENT_ID,
            "--to",
            "+919876500778",
            "--name",
            "Ira",
            "--from-number-id",
            NUMBER_ID,
            "--var",
            "company_name=Acme",
        ],
    ))
    .await;
    let call_id = r.json()["call_id"].as_str().unwrap().to_string();
    // Both the webhook event and the status change show, in whichever order they arrive.
    let has_event = |seen: &[String]| {
        seen.iter()
            .any(|l| l.contains("webhook call_completed") && l.contains(&call_id))
    };
    let has_status = |seen: &[String]| {
        seen.iter().any(|l| {
            l.contains(&call_id[..8]) && !l.contains("webhook") && l.contains(" completed")
        })
    };
    let deadline = Instant::now() + Duration::from_secs(90);
    while !(has_event(&seen) && has_status(&seen)) && Instant::now() < deadline {
        if let Ok(line) = out.recv_timeout(Duration::from_millis(200)) {
            seen.push(line);
        }
    }
    assert!(has_event(&seen) && has_status(&seen), "{}", seen.join("\n"));
    let _ = child.kill();
    let _ = child.wait();
}
