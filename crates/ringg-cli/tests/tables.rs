//! Tables fit the width they are given (COLUMNS when piped): no line is wider, and no id or
//! phone number is broken across lines, at 80 and at 200 columns, for every command that
//! prints a table.

mod common;

use common::{call_args, ok, ringg, sim};
use ringg_sim::demo::{AGENT_ID, KB_ID};
use serde_json::Value;

/// Every id (UUID) and E.164 number in a JSON document.
fn atoms(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            let s = s.trim();
            let uuid = s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4;
            let phone = s.starts_with('+')
                && (8..=16).contains(&s.len())
                && s[1..].chars().all(|c| c.is_ascii_digit());
            if uuid || phone {
                out.push(s.to_string());
            }
        }
        Value::Array(items) => items.iter().for_each(|i| atoms(i, out)),
        Value::Object(m) => m.values().for_each(|i| atoms(i, out)),
        _ => {}
    }
}

/// Checks a table printed at `width`: no line is wider, and every id or number of the same
/// result is shown whole, shortened (8 characters and an ellipsis), or not at all (its column
/// left out), never cut across lines.
fn check(text: &str, width: usize, values: &[String], what: &str) {
    for line in text.lines() {
        assert!(
            line.chars().count() <= width,
            "{what} at {width}: a line of {} characters:\n{text}",
            line.chars().count()
        );
    }
    for v in values {
        let head: String = v.chars().take(6).collect();
        let short: String = v.chars().take(8).chain(['…']).collect();
        if text.contains(head.as_str()) {
            assert!(
                text.contains(v.as_str()) || text.contains(&short),
                "{what} at {width}: {v} is broken across lines:\n{text}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_table_fits_80_and_200_columns_without_breaking_ids_or_numbers() {
    let sim = sim().await;
    let ids = sim.handle().seed_history(30);
    let call = ids[0].to_string();
    let contacts = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/contacts.csv");
    ok(ringg(
        &sim,
        &[
            "campaigns",
            "launch",
            contacts,
            "--agent",
            AGENT_ID,
            "--name",
            "Renewals with a long name for the table",
            "--number-pool",
            ringg_sim::demo::NUMBER_POOL_ID,
            "--no-follow",
            "--yes",
        ],
    ))
    .await;
    let commands: Vec<Vec<&str>> = vec![
        vec!["numbers", "list"],
        vec!["assistants", "list"],
        vec!["assistants", "get", AGENT_ID],
        vec!["assistants", "voices"],
        vec!["calls", "list"],
        vec!["calls", "list", "--all"],
        vec!["calls", "get", &call],
        vec!["workspace", "show"],
        vec!["workspace", "list"],
        vec!["workspace", "users"],
        vec!["kb", "list"],
        vec!["kb", "get", KB_ID],
        vec!["analytics", "numbers"],
        vec!["analytics", "platform"],
        vec!["analytics", "durations"],
        vec!["campaigns", "list"],
        vec![
            "campaigns",
            "status",
            "Renewals with a long name for the table",
        ],
        vec!["analytics", "classification"],
    ];
    for args in &commands {
        let mut json_args = vec!["-o", "json"];
        json_args.extend_from_slice(args);
        let r = ok(ringg(&sim, &json_args)).await;
        let mut values = Vec::new();
        match serde_json::from_str::<Value>(&r.stdout) {
            Ok(v) => atoms(&v, &mut values),
            // --all: JSON lines.
            Err(_) => r.json_lines().iter().for_each(|v| atoms(v, &mut values)),
        }
        assert!(!values.is_empty() || args[0] == "analytics", "{args:?}");
        for width in [80usize, 200] {
            let mut cmd = ringg(&sim, args);
            cmd.env("COLUMNS", width.to_string());
            let r = ok(cmd).await;
            check(&r.stdout, width, &values, &args.join(" "));
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_shorten_ids_unless_wide_and_say_what_they_left_out() {
    let sim = sim().await;
    let mut cmd = ringg(&sim, &["numbers", "list"]);
    cmd.env("COLUMNS", "80");
    let r = ok(cmd).await;
    assert!(r.stdout.contains("5d7f9a2b…"), "{}", r.stdout);
    assert!(r.stdout.contains(ringg_sim::demo::NUMBER), "{}", r.stdout);
    // The pool (what --number-pool takes) outlasts the provider and the inbound flag.
    assert!(r.stdout.contains("0b84b167…"), "{}", r.stdout);
    assert!(
        r.stderr.contains("left out to fit 80 columns"),
        "{}",
        r.stderr
    );
    let mut cmd = ringg(&sim, &["--wide", "numbers", "list"]);
    cmd.env("COLUMNS", "200");
    let r = ok(cmd).await;
    assert!(
        r.stdout.contains(ringg_sim::demo::NUMBER_ID),
        "{}",
        r.stdout
    );
    assert!(!r.stderr.contains("left out"), "{}", r.stderr);
    // Piped without COLUMNS: nothing is wrapped or left out (one line per number, every
    // column there).
    let mut cmd = ringg(&sim, &["numbers", "list"]);
    cmd.env_remove("COLUMNS");
    let r = ok(cmd).await;
    assert!(r.stdout.contains("POOL"), "{}", r.stdout);
    assert!(!r.stderr.contains("left out"), "{}", r.stderr);
    let numbers: Vec<&str> = r.stdout.lines().filter(|l| l.contains("+91")).collect();
    let rows: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with('│')).collect();
    assert_eq!(rows.len(), numbers.len() + 1, "{}", r.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn all_rows_line_up_when_piped_without_a_width() {
    let sim = sim().await;
    sim.handle().seed_history(250);
    let mut cmd = ringg(&sim, &["calls", "list", "--all"]);
    cmd.env_remove("COLUMNS");
    let r = ok(cmd).await;
    let lines: Vec<&str> = r.stdout.lines().collect();
    let rows = lines.iter().filter(|l| l.starts_with('│')).count();
    assert!(rows > 250, "{} rows: {}", rows, r.stdout);
    let width = lines[0].chars().count();
    for l in &lines {
        assert_eq!(l.chars().count(), width, "{l:?} in\n{}", r.stdout);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn empty_lists_say_so_and_times_carry_their_zone() {
    let sim = sim().await;
    let r = ok(ringg(&sim, &["calls", "list"])).await;
    assert!(
        r.stdout.starts_with("no calls match") && r.stdout.contains("ringg calls create"),
        "{}",
        r.stdout
    );
    sim.handle().seed_history(3);
    let mut cmd = ringg(&sim, &["calls", "list"]);
    cmd.env("TZ", "Asia/Kolkata");
    let r = ok(cmd).await;
    assert!(r.stdout.contains("CREATED (IST)"), "{}", r.stdout);
    let r = ok(ringg(&sim, &["--utc", "calls", "list"])).await;
    assert!(r.stdout.contains("CREATED (UTC)"), "{}", r.stdout);
    let r = ok(ringg(&sim, &["--utc", "workspace", "show"])).await;
    assert!(r.stdout.contains(" UTC"), "{}", r.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn call_details_show_duration_cost_and_the_client_reference_apart() {
    let sim = sim().await;
    sim.handle()
        .script_outcomes("+919876500808", [ringg_sim::CallOutcome::Answered]);
    let mut args = vec!["-o", "json"];
    args.extend(call_args(
        "+919876500808",
        &["--var", "company_name=Globex", "--wait"],
    ));
    let r = ok(ringg(&sim, &args)).await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = ok(ringg(&sim, &["calls", "get", &id])).await;
    for field in ["duration", "cost", "ended", "client reference"] {
        let line = r
            .stdout
            .lines()
            .find(|l| l.contains(field))
            .unwrap_or_else(|| panic!("no {field}: {}", r.stdout));
        assert!(!line.contains(" - "), "{field} is known: {line}");
    }
    let vars = r.stdout.lines().find(|l| l.contains("variables")).unwrap();
    assert!(
        vars.contains("company_name=Globex") && !vars.contains("ringg_client_ref"),
        "{vars}"
    );
}
