//! Failures print one line that says what to do: an ambiguous call initiation points at
//! `ringg calls reconcile`, a rate limit says when to retry.

mod common;

use common::{fails, ok, ringg, run};
use ringg_sim::demo::{AGENT_ID, NUMBER_ID};
use ringg_sim::{FaultConfig, Simulator};

#[tokio::test(flavor = "multi_thread")]
async fn an_ambiguous_call_initiation_says_how_to_reconcile() {
    // The simulator places the call, then drops the connection before answering.
    let sim = Simulator::builder()
        .time_scale(0.002)
        .faults(FaultConfig::parse("op.initiateCallV2=1:reset-after").unwrap())
        .start()
        .await
        .unwrap();
    let r = run(ringg(
        &sim,
        &[
            "calls",
            "create",
            "--var",
            "company_name=Acme",
            "--agent",
            AGENT_ID,
            "--to",
            "+919876544444",
            "--name",
            "Noor",
            "--from-number-id",
            NUMBER_ID,
        ],
    ))
    .await;
    assert_eq!(
        r.code, 6,
        "outcome unknown has its own exit code: {}",
        r.stderr
    );
    // The client reference is printed before the call is sent, then the one-line error.
    let lines: Vec<&str> = r.stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    assert!(lines[0].starts_with("client reference rr-"), "{}", r.stderr);
    assert!(lines[1].starts_with("error: "), "{}", r.stderr);
    assert!(r.stderr.contains("outcome unknown"), "{}", r.stderr);
    let reference = lines[1]
        .split("ringg calls reconcile ")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .unwrap_or_else(|| panic!("no reconcile command in {}", r.stderr))
        .to_string();
    assert!(reference.starts_with("rr-"), "{reference}");
    assert!(lines[0].contains(&reference), "{}", r.stderr);
    // The call exists exactly once, and reconcile finds it.
    assert_eq!(
        sim.handle().calls().len(),
        1,
        "an ambiguous initiation is never resent"
    );
    let r = ok(ringg(&sim, &["calls", "reconcile", &reference])).await;
    assert!(r.stdout.contains("was placed"), "{}", r.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rate_limit_says_when_to_retry() {
    let sim = Simulator::builder()
        .time_scale(0.002)
        .faults(FaultConfig::parse("op.getWorkspace=1:429,retry-after=1").unwrap())
        .start()
        .await
        .unwrap();
    let r = fails(ringg(&sim, &["workspace", "show"]), 5).await;
    assert!(
        r.stderr.contains("429") && r.stderr.contains("try again in 1 s"),
        "{}",
        r.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn verbose_logs_requests_without_the_key() {
    let sim = common::sim().await;
    let r = ok(ringg(&sim, &["--verbose", "numbers", "list"])).await;
    assert!(r.stderr.contains("listNumbers"), "{}", r.stderr);
    let r = ok(ringg(&sim, &["--quiet", "calls", "list"])).await;
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_out_of_time_names_timeout_not_the_sdks_settings() {
    // Every workspace read takes 5 s; --timeout 1 bounds `ringg api`'s request by itself.
    let sim = common::sim_with_faults("op.getWorkspace=1:latency,latency-ms=5000").await;
    let r = fails(
        ringg(&sim, &["--timeout", "1", "api", "GET", "/workspace"]),
        1,
    )
    .await;
    assert!(r.stderr.contains("raise --timeout"), "{}", r.stderr);
    for sdk in ["total_timeout", "RequestOptions"] {
        assert!(!r.stderr.contains(sdk), "{}", r.stderr);
    }
}

/// A 404 about the caller number points to the list of numbers, not of calls.
#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_caller_number_points_to_the_numbers() {
    let sim = common::sim().await;
    let mut args = vec![
        "calls",
        "create",
        "--agent",
        AGENT_ID,
        "--to",
        "+919876533301",
        "--name",
        "Asha",
        "--from-number",
        "+15550000000",
    ];
    args.extend(["--var", "company_name=Acme"]);
    let r = fails(ringg(&sim, &args), 3).await;
    assert!(r.stderr.contains("`ringg numbers list`"), "{}", r.stderr);
}

/// After an ambiguous failure whose request never reached the server, `calls reconcile REF`
/// does not rule the call out while its request may still be answered, then does.
#[tokio::test(flavor = "multi_thread")]
async fn reconcile_right_after_an_unknown_outcome_waits_for_the_request_time() {
    let sim = common::sim_with_faults("op.initiateCallV2=1:reset-before").await;
    let state = tempfile::tempdir().unwrap();
    let with_state = |args: &[&str]| {
        let mut cmd = ringg(&sim, args);
        cmd.env("RINGG_STATE_DIR", state.path());
        cmd
    };
    let mut args = vec!["--timeout", "1"];
    args.extend(common::call_args(
        "+919876544445",
        &["--var", "company_name=Acme"],
    ));
    let r = run(with_state(&args)).await;
    assert_eq!(r.code, 6, "{}", r.stderr);
    // The reference, as printed before the call was sent.
    let reference = r
        .stderr
        .split("client reference ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_string();
    assert!(reference.starts_with("rr-"), "{}", r.stderr);
    let r = run(with_state(&["calls", "reconcile", &reference])).await;
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stderr.contains("may still be answered until") && !r.stdout.contains("not placed"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    // Once its time is up (--timeout 1: two seconds), the same command rules it out.
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    let mut cmd = with_state(&["--timeout", "1", "calls", "reconcile", &reference]);
    cmd.env("RINGG_STATE_DIR", state.path());
    let r = ok(cmd).await;
    assert!(r.stdout.contains("was not placed"), "{}", r.stdout);
    assert!(sim.handle().calls().is_empty());
}

/// `ringg api -o json` prints one JSON document even when the answer is not JSON (a 200 whose
/// body is garbled): its status and its text, masked.
#[tokio::test(flavor = "multi_thread")]
async fn api_in_json_mode_prints_one_json_document_for_an_answer_that_is_not_json() {
    let sim = common::sim_with_faults("op.getWorkspace=1:malformed").await;
    let r = ok(ringg(&sim, &["api", "GET", "/workspace", "-o", "json"])).await;
    let answer = r.json();
    assert_eq!(answer["status"], 200, "{}", r.stdout);
    assert!(answer["text"].is_string(), "{}", r.stdout);
}

/// `ringg api PATCH /agent/v1` with an edit that creates something is not resent when the
/// connection drops after the simulator carried it out; an edit that replaces a field is.
#[tokio::test(flavor = "multi_thread")]
async fn api_does_not_resend_an_edit_that_creates_something() {
    let sim = common::sim_with_faults("op.editAssistant=1:reset-after").await;
    let sent = || sim.handle().stats().by_operation["editAssistant"];
    let add = format!(r#"{{"operation":"add_new_ab_version","agent_id":"{AGENT_ID}"}}"#);
    let r = fails(
        ringg(&sim, &["api", "PATCH", "/agent/v1", "--data", &add]),
        6,
    )
    .await;
    assert_eq!(sent(), 1, "{}", r.stderr);
    let rename = format!(
        r#"{{"operation":"edit_agent_display_name","agent_id":"{AGENT_ID}","agent_display_name":"Sales"}}"#
    );
    ringg(&sim, &["api", "PATCH", "/agent/v1", "--data", &rename])
        .output()
        .unwrap();
    assert!(sent() > 2, "an edit that replaces a field is retried");
}

/// A 404 to a command that sends no id (a list, the workspace) does not advise checking an id:
/// the path is what is missing at that server. A command that sends one still gets that advice.
#[tokio::test(flavor = "multi_thread")]
async fn a_404_to_a_command_without_an_id_points_at_the_server_not_the_id() {
    let base =
        common::http_server(|_| (404, "application/json", r#"{"detail":"Not Found"}"#.into()))
            .await;
    let cmd = |args: &[&str]| {
        let mut c = common::bare();
        c.args([
            "--base-url",
            &base,
            "--api-key",
            "7251cb4b-3373-43a4-844c-b27a1d45e0c9",
        ]);
        c.args(args);
        c
    };
    for args in [
        &["workspace", "show"][..],
        &["numbers", "list"],
        &["assistants", "list"],
    ] {
        let r = run(cmd(args)).await;
        assert_ne!(r.code, 0, "{args:?}");
        assert!(
            r.stderr.contains("this command sends no id"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(!r.stderr.contains("check the id"), "{args:?}: {}", r.stderr);
    }
    let r = run(cmd(&[
        "assistants",
        "get",
        "830f767a-397e-4b39-82ff-235cd344e2f9",
    ]))
    .await;
    assert!(r.stderr.contains("check the id"), "{}", r.stderr);
    // A read whose id goes in the query (a campaign's drill-down) is about that id.
    let sim = common::sim().await;
    let r = run(ringg(
        &sim,
        &[
            "analytics",
            "drill-down",
            "--list",
            "99999999-0000-4000-8000-000000000000",
        ],
    ))
    .await;
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("sends no id"), "{}", r.stderr);
}

/// A state folder whose path is, or runs through, a file is named as such, not as an
/// operating-system error.
#[tokio::test(flavor = "multi_thread")]
async fn a_state_folder_that_is_a_file_says_so() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("statefile");
    std::fs::write(&file, "").unwrap();
    for state in [file.clone(), file.join("sub")] {
        let mut cmd = ringg(&sim, &["calls", "pending"]);
        cmd.env("RINGG_STATE_DIR", &state);
        let r = fails(cmd, 2).await;
        assert!(
            r.stderr
                .contains(&format!("{} is a file, not a folder", file.display())),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains("os error"), "{}", r.stderr);
    }
}
