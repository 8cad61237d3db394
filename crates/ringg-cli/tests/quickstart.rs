//! `ringg quickstart`: the whole integration against the embedded simulator, and the refusal
//! to place a real call without --to and --yes.

mod common;

use common::{bare, fails, ok, sim};

#[tokio::test(flavor = "multi_thread")]
async fn quickstart_runs_every_step_and_reaches_completed() {
    let mut cmd = bare();
    cmd.args(["quickstart", "--time-scale", "0.003"]);
    let r = ok(cmd).await;
    for step in 1..=9 {
        assert!(
            r.stdout.contains(&format!("[{step}/9]")),
            "step {step} missing:\n{}",
            r.stdout
        );
    }
    assert!(
        r.stdout.contains("status: ongoing -> completed"),
        "{}",
        r.stdout
    );
    // One line per webhook event, ending with all_processing_completed.
    for event in [
        "call_started",
        "call_completed",
        "recording_completed",
        "platform_analysis_completed",
        "all_processing_completed",
    ] {
        assert!(
            r.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("webhook {event}"))
                    && l.contains("call_id=")),
            "no line for {event}:\n{}",
            r.stdout
        );
    }
    assert!(r.stdout.contains("status=completed"));
    assert!(r.stdout.contains("bot: Hello Asha"), "{}", r.stdout);
    assert!(r.stdout.contains("Summary"));
}

#[tokio::test(flavor = "multi_thread")]
async fn quickstart_fits_80_columns_without_cutting_an_id() {
    let mut cmd = bare();
    cmd.args(["quickstart", "--time-scale", "0.003"])
        .env("COLUMNS", "80");
    let r = ok(cmd).await;
    for line in r.stdout.lines() {
        assert!(line.chars().count() <= 80, "wider than 80: {line}");
    }
    // Lines are broken at spaces: the assistant's and the call's ids are whole.
    assert!(r.stdout.contains(ringg_sim::demo::AGENT_ID), "{}", r.stdout);
    assert!(
        r.stdout.lines().any(|l| l
            .trim_start()
            .starts_with("webhook all_processing_completed")),
        "{}",
        r.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn quickstart_json_is_one_document_with_the_events() {
    let mut cmd = bare();
    cmd.args([
        "quickstart",
        "--output",
        "json",
        "--time-scale",
        "0.003",
        "--var",
        "company_name=Globex",
    ]);
    let r = ok(cmd).await;
    let v = r.json();
    assert_eq!(v["mode"], "simulator");
    assert_eq!(v["call"]["final_status"], "completed");
    assert_eq!(v["call"]["variables"]["company_name"], "Globex");
    assert_eq!(v["workspace"]["workspace_info"]["api_key"], "[REDACTED]");
    let events: Vec<&str> = v["webhooks"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert!(events.contains(&"all_processing_completed"), "{events:?}");
    assert_eq!(v["history"]["calls"][0]["status"], "completed");
    assert!(
        v["analytics"]["metrics_summary"]["total_calls"]
            .as_u64()
            .unwrap()
            >= 1
    );
    // The narration went to stderr.
    assert!(r.stderr.contains("[6/9]"));
}

#[tokio::test(flavor = "multi_thread")]
async fn quickstart_against_a_server_refuses_to_call_without_to_and_yes() {
    let sim = sim().await;
    let quickstart = |to_and_yes: bool| {
        let mut cmd = bare();
        cmd.args([
            "quickstart",
            "--base-url",
            &sim.base_url(),
            "--api-key",
            sim.api_key(),
        ]);
        if to_and_yes {
            cmd.args(common::quickstart_call());
        }
        cmd
    };
    let r = fails(quickstart(false), 2).await;
    assert!(
        r.stderr.contains("--to") && r.stderr.contains("--yes"),
        "{}",
        r.stderr
    );
    // A server on this machine (a `ringg sim serve`) is not said to place a real call.
    assert!(
        r.stderr.contains("a server on this machine") && !r.stderr.contains("real phone call"),
        "{}",
        r.stderr
    );
    assert!(sim.handle().calls().is_empty(), "no call may be placed");

    // With both, it runs the same steps against that server (a loopback one, so a local
    // receiver gets the webhooks).
    sim.handle()
        .script_outcomes("+919876500001", [ringg_sim::CallOutcome::Answered]);
    let r = ok(quickstart(true)).await;
    assert!(
        r.stdout.contains("webhook all_processing_completed"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("webhook subscription(s) assistant")
            && r.stdout
                .contains("had before (the local receiver stops with this command)"),
        "{}",
        r.stdout
    );
    assert_eq!(sim.handle().calls().len(), 1);
    // The number given by its id prefix was found with one listing of the numbers.
    assert_eq!(
        sim.handle().stats().by_operation.get("listNumbers"),
        Some(&1)
    );
    // Run again (as after an interruption), it does not call the recipient a second time:
    // the journal holds the call placed a moment ago, as for `calls create`.
    let again = fails(quickstart(true), 1).await;
    assert!(
        again.stderr.contains("was already called") && again.stderr.contains("--force"),
        "{}",
        again.stderr
    );
    assert_eq!(sim.handle().calls().len(), 1);
    // The receiver died with the command, so its subscription is gone again.
    let r = ok(common::ringg(
        &sim,
        &["-o", "json", "assistants", "get", ringg_sim::demo::AGENT_ID],
    ))
    .await;
    assert!(!r.stdout.contains("/webhooks/ringg"), "{}", r.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn quickstart_refuses_a_bad_time_scale() {
    let mut cmd = bare();
    cmd.args(["quickstart", "--time-scale", "0"]);
    let r = fails(cmd, 2).await;
    assert!(r.stderr.contains("--time-scale"), "{}", r.stderr);
}

/// `ringg quickstart --from-number-id GIVEN` on the embedded simulator.
fn quickstart_with_number(given: &str) -> assert_cmd::Command {
    let mut cmd = bare();
    cmd.args([
        "quickstart",
        "--time-scale",
        "0.003",
        "--from-number-id",
        given,
    ]);
    cmd
}

#[tokio::test(flavor = "multi_thread")]
async fn quickstart_takes_the_caller_number_by_id_prefix_or_e164_value() {
    use ringg_sim::demo::{NUMBER_2, NUMBER_ID_2};
    for given in [NUMBER_ID_2, &NUMBER_ID_2[..8], NUMBER_2] {
        let r = ok(quickstart_with_number(given)).await;
        assert!(
            r.stdout.contains(&format!("{NUMBER_2} (id {NUMBER_ID_2}")),
            "{given}: {}",
            r.stdout
        );
    }
    // A number the workspace does not have, named or by full id, is not found (exit 3), with
    // the command that lists them.
    for given in ["+910000000000", "00000000-0000-4000-8000-000000000000"] {
        let r = fails(quickstart_with_number(given), 3).await;
        assert!(
            r.stderr.contains("ringg numbers list"),
            "{given}: {}",
            r.stderr
        );
    }
}

/// A profile named with `--profile` is the server the quickstart runs against (its key with
/// it), refused without `--to` and `--yes` like `--base-url`, not silently swapped for a fresh
/// in-process simulator.
#[tokio::test(flavor = "multi_thread")]
async fn quickstart_with_a_profile_runs_against_its_server() {
    let sim = sim().await;
    let config = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let cmd = |args: &[&str]| {
        let mut c = bare();
        c.env("RINGG_CONFIG_DIR", config.path())
            .env("RINGG_STATE_DIR", state.path())
            .args(args);
        c
    };
    let mut login = cmd(&["login", "--profile", "mine", "--base-url", &sim.base_url()]);
    login.write_stdin(format!("{}\n", sim.api_key()));
    ok(login).await;
    let r = fails(cmd(&["--profile", "mine", "quickstart"]), 2).await;
    assert!(
        r.stderr.contains("--to") && r.stderr.contains(&sim.base_url()),
        "{}",
        r.stderr
    );
    sim.handle()
        .script_outcomes("+919876500001", [ringg_sim::CallOutcome::Answered]);
    let mut args = vec!["--profile", "mine", "quickstart"];
    args.extend(common::quickstart_call());
    ok(cmd(&args)).await;
    assert_eq!(
        sim.handle().calls().len(),
        1,
        "the profile's server got the call"
    );
}
