//! The scripting contract of crates/ringg-cli/README.md, as a script sees it: one exit code
//! per class of failure, one JSON error object on stderr with `--output json`, a closed pipe
//! ending every streaming command quietly, a non-UTF-8 argument refused as a usage error,
//! completion scripts, `ringg api`, and help with examples and the global options apart.

mod common;

use common::{bare, call_args, ok, ringg, run, sim};
use ringg_sim::demo::AGENT_ID;
use ringg_sim::{CallOutcome, FaultConfig, Simulator};
use serde_json::Value;

/// Runs with `--output json` and returns the exit code and the one JSON error object.
async fn json_error(cmd: assert_cmd::Command) -> (i32, Value) {
    let r = run(cmd).await;
    let lines: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.trim_start().starts_with('{'))
        .collect();
    assert_eq!(lines.len(), 1, "one JSON error object:\n{}", r.stderr);
    let v: Value = serde_json::from_str(lines[0]).expect("the error is JSON");
    assert!(v["message"].is_string() && v.get("hint").is_some(), "{v}");
    assert_eq!(v["exit_code"], r.code, "{v}");
    (r.code, v)
}

/// `-o json calls create … --to TO --var company_name=Acme EXTRA…` (the demo assistant's
/// prompt uses company_name).
fn create_call<'a>(to: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["-o", "json"];
    args.extend(call_args(to, &["--var", "company_name=Acme"]));
    args.extend_from_slice(extra);
    args
}

#[tokio::test(flavor = "multi_thread")]
async fn each_class_of_failure_has_its_exit_code_and_name() {
    let sim = sim().await;
    // 2: usage.
    let (code, v) = json_error(ringg(&sim, &["-o", "json", "calls", "list", "--nope"])).await;
    assert_eq!((code, v["code"].as_str()), (2, Some("usage")));
    // 3: not found.
    let (code, v) = json_error(ringg(&sim, &["-o", "json", "assistants", "get", "nope"])).await;
    assert_eq!((code, v["code"].as_str()), (3, Some("not_found")));
    assert!(
        v["hint"]
            .as_str()
            .unwrap()
            .contains("ringg assistants list"),
        "{v}"
    );
    assert!(
        !v["message"].as_str().unwrap().contains("getAssistant"),
        "{v}"
    );
    // 4: authentication.
    let mut c = bare();
    c.args([
        "--base-url",
        &sim.base_url(),
        "--api-key",
        "wrong",
        "-o",
        "json",
    ])
    .args(["workspace", "show"]);
    let (code, v) = json_error(c).await;
    assert_eq!((code, v["code"].as_str()), (4, Some("auth")));
    // 1: anything else (a local file that is not there).
    let (code, v) = json_error(ringg(
        &sim,
        &[
            "-o",
            "json",
            "campaigns",
            "check",
            "/no/such.csv",
            "--agent",
            AGENT_ID,
        ],
    ))
    .await;
    assert_eq!((code, v["code"].as_str()), (1, Some("failed")));
    // 7: a waited-for call that ended unsuccessfully; its details are printed all the same.
    sim.handle()
        .script_outcomes("+919876500707", [CallOutcome::Error]);
    let r = run(ringg(&sim, &create_call("+919876500707", &["--wait"]))).await;
    assert_eq!(r.code, 7, "{}", r.stderr);
    let details: Value = serde_json::from_str(&r.stdout).expect("the call's details on stdout");
    assert_eq!(details["call_status"], "error");
    let err = r.stderr.lines().find(|l| l.starts_with('{')).unwrap();
    let err: Value = serde_json::from_str(err).unwrap();
    assert_eq!(err["code"], "call_unsuccessful");
    // calls wait says the same of it, and 0 of a completed call.
    let id = details["id"].as_str().unwrap().to_string();
    let r = run(ringg(&sim, &["calls", "wait", &id])).await;
    assert_eq!(r.code, 7, "{}", r.stderr);
    assert!(r.stderr.contains("ended error"), "{}", r.stderr);
    sim.handle()
        .script_outcomes("+919876500708", [CallOutcome::Answered]);
    ok(ringg(&sim, &create_call("+919876500708", &["--wait"]))).await;
    // A call the assistant handed over to a person (forwarded) ended well: 0, not 7.
    sim.handle()
        .script_outcomes("+919876500709", [CallOutcome::Forwarded]);
    let r = ok(ringg(&sim, &create_call("+919876500709", &["--wait"]))).await;
    let details: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(details["call_status"], "forwarded");
}

/// A simulator with the faults of `spec` (see `FaultConfig::parse`).
async fn faulty(spec: &str) -> ringg_sim::RunningSimulator {
    Simulator::builder()
        .time_scale(0.002)
        .faults(FaultConfig::parse(spec).unwrap())
        .start()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limits_unknown_outcomes_and_too_early_have_their_own_codes() {
    let limited = faulty("op.getWorkspace=1:429,retry-after=1").await;
    let (code, v) = json_error(ringg(&limited, &["-o", "json", "workspace", "show"])).await;
    assert_eq!((code, v["code"].as_str()), (5, Some("rate_limited")));
    assert!(v["request_id"].as_str().unwrap().starts_with("req_"), "{v}");

    let ambiguous = faulty("op.initiateCallV2=1:reset-after").await;
    let (code, v) = json_error(ringg(&ambiguous, &create_call("+919876500709", &[]))).await;
    assert_eq!((code, v["code"].as_str()), (6, Some("outcome_unknown")));
    assert!(
        v["hint"]
            .as_str()
            .unwrap()
            .contains("ringg calls reconcile rr-"),
        "{v}"
    );
    // 8: too early. A call whose request was dropped before Ringg processed it is not in the
    // history; settling it at once cannot rule it out yet (a late request may still be
    // answered): nothing is decided, and the code says to try again later.
    let dropped = faulty("op.initiateCallV2=1:reset-before").await;
    let (code, v) = json_error(ringg(&dropped, &create_call("+919876500710", &[]))).await;
    assert_eq!(code, 6, "{v}");
    let hint = v["hint"].as_str().unwrap();
    let reference = hint[hint.find("rr-").unwrap()..]
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
        .next()
        .unwrap();
    let (code, v) = json_error(ringg(
        &dropped,
        &["-o", "json", "calls", "reconcile", reference],
    ))
    .await;
    assert_eq!((code, v["code"].as_str()), (8, Some("too_early")), "{v}");

    // So is settling every pending initiation when each one left is only too early.
    let state = tempfile::tempdir().unwrap();
    let dropped = faulty("op.initiateCallV2=1:reset-before").await;
    let own = |args: &[&str]| {
        let mut c = ringg(&dropped, args);
        c.env("RINGG_STATE_DIR", state.path());
        c
    };
    let (code, _) = json_error(own(&create_call("+919876500711", &[]))).await;
    assert_eq!(code, 6);
    let (code, v) = json_error(own(&["-o", "json", "calls", "reconcile", "--pending"])).await;
    assert_eq!((code, v["code"].as_str()), (8, Some("too_early")), "{v}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_base_url_without_the_api_path_is_named_instead_of_the_id() {
    let sim = sim().await;
    let origin = sim.base_url().replace("/ca/api/v0", "");
    let mut c = bare();
    c.args(["--base-url", &origin, "--api-key", sim.api_key()])
        .args(["assistants", "get", AGENT_ID]);
    let r = run(c).await;
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("/ca/api/v0"), "{}", r.stderr);
    assert!(!r.stderr.contains("check the id"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn a_non_utf8_argument_is_a_usage_error() {
    use std::os::unix::ffi::OsStrExt;
    let bad = std::ffi::OsStr::from_bytes(b"\xff\xfe");
    for args in [vec!["calls".as_ref(), "get".as_ref(), bad], vec![bad]] {
        let out = bare().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("internal error"));
    }
}

/// Runs `ringg ARGS | head -1` in a shell; returns ringg's exit code (124 when it was still
/// running a minute later), the line and stderr.
#[cfg(unix)]
fn piped_to_head(sim_url: &str, key: &str, args: &[&str]) -> (i32, String, String) {
    let script = format!(
        "timeout 60 \"$RINGG\" {} | head -1; exit ${{PIPESTATUS[0]}}",
        args.iter()
            .map(|a| format!("'{a}'"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("RINGG", env!("CARGO_BIN_EXE_ringg"))
        .env("RINGG_BASE_URL", sim_url)
        .env("RINGG_API_KEY", key)
        .env("RINGG_STATE_DIR", common::state_dir())
        .env("RINGG_CONFIG_DIR", common::config_dir())
        .env("COLUMNS", "120")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// `bash`, `head` and `timeout` make the pipe.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn every_streaming_command_stops_quietly_on_a_closed_pipe() {
    let sim = sim().await;
    sim.handle().seed_history(3000);
    let (url, key) = (sim.base_url(), sim.api_key().to_string());
    let commands: &[&[&str]] = &[
        &["calls", "list", "--all"],
        &["-o", "json", "calls", "list", "--all"],
        &["calls", "export", "--format", "jsonl"],
        &["calls", "export", "--format", "csv"],
        &["numbers", "list", "--all"],
        &["-o", "json", "assistants", "list", "--all"],
        &["campaigns", "list", "--all"],
        &["workspace", "users", "--all"],
        &["webhooks", "replay", "--since", "7d", "--dedupe", "memory"],
    ];
    for args in commands {
        let (url, key) = (url.clone(), key.clone());
        let (code, stdout, stderr) =
            tokio::task::spawn_blocking(move || piped_to_head(&url, &key, args))
                .await
                .unwrap();
        assert_eq!(code, 0, "{args:?} exits 0 on a closed pipe:\n{stderr}");
        assert_eq!(stdout.lines().count(), 1, "{args:?}: {stdout}");
        assert!(
            !stderr.contains("error") && !stderr.contains("panicked"),
            "{args:?}: {stderr}"
        );
    }
}

// `bash`, `head` and `timeout` make the pipe.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_live_stream_ends_when_the_pipe_closes_even_while_nothing_changes() {
    let sim = sim().await;
    // A dry pool holds the call `registered` for good: after its first line, `calls tail`
    // has nothing more to write, and must notice the closed pipe by itself.
    sim.handle()
        .set_number_pool(ringg_sim::demo::NUMBER_POOL_ID, Some(Vec::new()), None)
        .unwrap();
    ok(ringg(
        &sim,
        &common::call_args("+919876511111", &["--var", "company_name=Acme"])
            .into_iter()
            .filter(|a| *a != "--from-number-id" && *a != ringg_sim::demo::NUMBER_ID)
            .chain(["--number-pool", ringg_sim::demo::NUMBER_POOL_ID])
            .collect::<Vec<_>>(),
    ))
    .await;
    for args in [&["calls", "tail"][..], &["-o", "json", "calls", "tail"]] {
        let (url, key) = (sim.base_url(), sim.api_key().to_string());
        let (code, stdout, stderr) =
            tokio::task::spawn_blocking(move || piped_to_head(&url, &key, args))
                .await
                .unwrap();
        assert_eq!(
            code, 0,
            "{args:?} ends quietly on a closed pipe (124: it kept running):\n{stderr}"
        );
        assert!(stdout.contains("registered"), "{args:?}: {stdout}");
        assert!(!stderr.contains("error"), "{args:?}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn list_commands_share_one_json_shape() {
    let sim = sim().await;
    sim.handle().seed_history(25);
    for args in [
        &["calls", "list", "--limit", "10"][..],
        &["numbers", "list"],
        &["assistants", "list"],
        &["assistants", "voices"],
        &["campaigns", "list"],
        &["workspace", "users"],
        &["workspace", "list"],
        &["kb", "list"],
        &["calls", "pending"],
        &["webhooks", "list", "--agent", AGENT_ID],
    ] {
        let mut all = vec!["-o", "json"];
        all.extend_from_slice(args);
        let v = ok(ringg(&sim, &all)).await.json();
        assert!(v["items"].is_array(), "{args:?}: {v}");
        for key in ["offset", "limit", "count", "total", "next_offset"] {
            assert!(v["paging"].get(key).is_some(), "{args:?} paging.{key}: {v}");
        }
    }
    let v = ok(ringg(
        &sim,
        &["-o", "json", "calls", "list", "--limit", "10"],
    ))
    .await
    .json();
    assert_eq!(v["paging"]["next_offset"], 10);
    assert_eq!(v["paging"]["total"], 25);
    // Transcripts are arrays of turns, not JSON inside a string.
    let row = &v["items"][0];
    assert!(row["transcript"].is_array(), "{row}");
    let r = ok(ringg(&sim, &["calls", "export", "--format", "jsonl"])).await;
    assert!(r.json_lines()[0]["transcript"].is_array());
    // So are a call's details, which carry the turns in `transcription_url`.
    let id = row["id"].as_str().unwrap();
    let details = ok(ringg(&sim, &["-o", "json", "calls", "get", id]))
        .await
        .json();
    assert!(details["transcription_url"].is_array(), "{details}");
}

#[test]
fn completion_scripts_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete"),
        ("zsh", "#compdef ringg"),
        ("fish", "complete -c ringg"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = bare().args(["completion", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}: {out:?}");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(script.contains(marker), "{shell}: {script:.200}");
        assert!(
            script.contains("reconcile"),
            "{shell} completes subcommands"
        );
    }
    let out = bare().args(["completion", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn api_sends_any_request_through_the_same_client() {
    let sim = sim().await;
    let v = ok(ringg(&sim, &["api", "GET", "/workspace/all"]))
        .await
        .json();
    assert!(
        v["data"]["workspaces"].is_array() || v["workspaces"].is_array(),
        "{v}"
    );
    // The workspace key in the answer is masked (run() checks no key leaks).
    let r = ok(ringg(&sim, &["api", "get", "/ca/api/v0/workspace"])).await;
    assert!(r.stdout.contains("[REDACTED]"), "{}", r.stdout);
    let v = ok(ringg(
        &sim,
        &["api", "GET", "/calling/history", "--query", "limit=1"],
    ))
    .await
    .json();
    assert!(v.to_string().contains("limit"), "{v}");
    // A body, from the command line and from a file.
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("edit.json");
    let edit = format!(
        r#"{{"agent_id":"{AGENT_ID}","operation":"edit_agent_display_name","agent_display_name":"Renamed"}}"#
    );
    std::fs::write(&body, &edit).unwrap();
    let at = format!("@{}", body.display());
    ok(ringg(&sim, &["api", "PATCH", "/agent/v1", "--data", &at])).await;
    let v = ok(ringg(&sim, &["-o", "json", "assistants", "get", AGENT_ID]))
        .await
        .json();
    assert_eq!(v["agent_display_name"], "Renamed");
    // Errors keep their classes; bad input is refused before sending.
    let r = run(ringg(&sim, &["api", "GET", "/agent/nope"])).await;
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("check the method, the path") && !r.stderr.contains("group's"),
        "the advice is about the path: {}",
        r.stderr
    );
    let refused = [
        &["api", "GET", "https://evil.example/workspace"][..],
        &["api", "POST", "/agent/v1", "--data", "{not json"],
        &["api", "FETCH", "/workspace"],
    ];
    for args in refused {
        assert_eq!(run(ringg(&sim, args)).await.code, 2, "{args:?}");
    }
}

#[test]
fn help_lists_own_options_first_and_ends_with_examples() {
    for path in [
        &["calls", "create"][..],
        &["campaigns", "start"],
        &["api"],
        &["assistants", "edit", "prompt"],
    ] {
        let out = bare().args(path).arg("--help").output().unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        let global = help.find("Global options:").expect("a global heading");
        let own = help.find("Options:").expect("the command's own options");
        assert!(own < global, "{path:?}:\n{help}");
        assert!(help.contains("Examples:\n  ringg "), "{path:?}:\n{help}");
        assert!(
            !help.contains("RINGG_BASE_URL="),
            "no empty env value: {help}"
        );
    }
    let out = bare().args(["calls", "list", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("cancelled"),
        "allowed statuses are listed: {help}"
    );
    let out = bare()
        .args(["assistants", "edit", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(!help.contains("edit_agent_display_name"), "{help}");
}

#[test]
fn the_usage_line_of_terminate_names_only_its_targets() {
    let out = bare().args(["terminate", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    let usage = help
        .lines()
        .find(|l| l.starts_with("Usage:"))
        .expect("a usage line");
    assert!(
        usage.contains("<--agent <ID>|--calls <ID>...|--campaign <ID>|--numbers <E164>...>"),
        "{usage}"
    );
    for flag in ["--yes", "--legacy", "--keep-scheduled"] {
        assert!(!usage.contains(flag), "{flag} is no target: {usage}");
    }
    // A flag alone names no calls: a usage error, before anything is sent.
    let out = bare().args(["terminate", "--yes"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}
