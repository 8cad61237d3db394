//! `ringg webhooks replay` against a simulator: calls whose events no receiver got are rebuilt
//! from history and handed over once; a second replay hands over nothing; `webhooks listen`
//! and `replay` share the dedupe store in the state folder.

mod common;
#[path = "../../ringg-api/tests/common/rewrite.rs"]
mod rewrite;

use std::sync::Arc;

use common::{ok, ringg, sim};
use ringg_sim::CallOutcome;

const TO: [&str; 3] = ["+919876522201", "+919876522202", "+919876522203"];

fn state_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("ringg-replay-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap()
}

/// Places an answered call to each of `numbers` and waits for it to end, with no receiver
/// subscribed: their events reach nobody.
async fn answered_calls(sim: &ringg_sim::RunningSimulator, numbers: &[&str]) {
    for to in numbers {
        sim.handle().script_outcomes(to, [CallOutcome::Answered]);
        let args = common::call_args(to, &["--var", "company_name=Acme", "--wait"]);
        ok(ringg(sim, &args)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn missed_events_are_rebuilt_and_handed_over_once() {
    let sim = sim().await;
    // Three calls while no receiver is subscribed: their events reach nobody.
    answered_calls(&sim, &TO).await;
    let state = state_dir();
    let replay = |args: &[&str]| {
        let mut c = ringg(&sim, args);
        c.env("RINGG_STATE_DIR", state.path());
        c
    };
    let r = ok(replay(&[
        "-o", "json", "webhooks", "replay", "--since", "1h",
    ]))
    .await;
    let lines = r.json_lines();
    let mut seen: Vec<(String, String)> = lines
        .iter()
        .map(|l| {
            assert_eq!(l["ringg_rebuilt"], true, "{l}");
            (
                l["event_type"].as_str().unwrap().to_string(),
                l["call_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(lines.len(), 6, "{}", r.stdout);
    assert_eq!(seen.len(), 6, "each call's two events once: {seen:?}");
    for kind in ["call_completed", "all_processing_completed"] {
        assert_eq!(seen.iter().filter(|(t, _)| t == kind).count(), 3, "{kind}");
    }
    assert!(r.stderr.contains("6 handed over"), "{}", r.stderr);

    // The same replay again: everything is in the dedupe store already.
    let r = ok(replay(&[
        "-o", "json", "webhooks", "replay", "--since", "1h",
    ]))
    .await;
    assert!(r.stdout.trim().is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.contains("0 handed over, 6 already"),
        "{}",
        r.stderr
    );

    // One call by id, in text form: nothing new either.
    let call_id = &seen[0].1;
    let r = ok(replay(&["webhooks", "replay", "--call", call_id])).await;
    assert!(r.stdout.trim().is_empty(), "{}", r.stdout);
    // With a fresh store the call's events are handed over again (the call named by the 8
    // characters a table shows).
    let mut c = ringg(
        &sim,
        &[
            "webhooks",
            "replay",
            "--call",
            &call_id[..8],
            "--dedupe",
            "memory",
        ],
    );
    c.env("RINGG_STATE_DIR", state.path());
    let r = ok(c).await;
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
    assert!(r.stdout.contains(call_id.as_str()));
    sim.shutdown().await;
}

/// The state folder's dedupe store remembers what was handed over for 30 days, not a day: a
/// replay the next day hands over nothing again, and one reaching further back than the store
/// remembers says so.
#[tokio::test(flavor = "multi_thread")]
async fn a_replay_the_next_day_hands_over_nothing_again() {
    let sim = sim().await;
    answered_calls(&sim, &TO[..1]).await;
    let state = state_dir();
    let replay = |since: &str| {
        let mut c = ringg(&sim, &["webhooks", "replay", "--since", since]);
        c.env("RINGG_STATE_DIR", state.path());
        c
    };
    let r = ok(replay("1h")).await;
    assert!(r.stderr.contains("2 handed over"), "{}", r.stderr);
    assert!(!r.stderr.contains("further back"), "{}", r.stderr);
    // A day and an hour pass, as far as the store can tell.
    let db = rusqlite::Connection::open(state.path().join("webhooks-dedupe.sqlite3")).unwrap();
    let day = 25 * 3_600_000_i64;
    db.execute(
        "UPDATE ringg_webhook_dedupe SET inserted_ms = inserted_ms - ?1",
        [day],
    )
    .unwrap();
    drop(db);
    let r = ok(replay("1h")).await;
    assert!(
        r.stderr.contains("0 handed over, 2 already"),
        "{}",
        r.stderr
    );
    let r = ok(replay("40d")).await;
    assert!(
        r.stderr
            .contains("reaches further back than the dedupe store remembers"),
        "{}",
        r.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_duration_is_a_usage_error() {
    let sim = sim().await;
    let r = common::run(ringg(&sim, &["webhooks", "replay", "--since", "soon"])).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("90m"), "{}", r.stderr);
    sim.shutdown().await;
}

/// A replay whose reader has gone (`ringg webhooks replay | head`) leaves no event claimed: the
/// one it was printing is released, so the next replay hands everything over at once instead
/// of being told for a minute that those events are in flight.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_replay_into_a_closed_pipe_leaves_nothing_claimed() {
    let sim = sim().await;
    answered_calls(&sim, &["+919876522211", "+919876522212"]).await;
    let state = state_dir();
    // stdout is a pipe whose reader is already closed: the first line written fails.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut cmd = common::bare_std();
    cmd.args(["--base-url", &sim.base_url(), "--api-key", sim.api_key()])
        .args(["-o", "json", "webhooks", "replay", "--since", "1h"])
        .env("RINGG_STATE_DIR", state.path())
        .stdout(writer)
        .stderr(std::process::Stdio::piped());
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut c = ringg(&sim, &["-o", "json", "webhooks", "replay", "--since", "1h"]);
    c.env("RINGG_STATE_DIR", state.path());
    let r = ok(c).await;
    assert_eq!(r.json_lines().len(), 4, "{}", r.stdout);
    assert!(r.stderr.contains("4 handed over"), "{}", r.stderr);
    sim.shutdown().await;
}

/// A call whose transcript makes its rebuilt events larger than a webhook receiver's default
/// body limit (1 MiB) is still replayed: the events are built in this process.
#[tokio::test(flavor = "multi_thread")]
async fn events_larger_than_a_delivery_limit_are_replayed() {
    let sim = sim().await;
    answered_calls(&sim, &["+919876522221"]).await;
    let long = "word ".repeat(300_000);
    let rewrite: rewrite::Rewrite = Arc::new(move |_, path, v| {
        if path.ends_with("/calling/call-details") {
            v["data"]["transcription_url"] = long.clone().into();
        }
    });
    let base = rewrite::rewriting_proxy(&sim.base_url(), rewrite).await;
    let state = state_dir();
    let mut c = common::bare();
    c.args(["--base-url", &base, "--api-key", sim.api_key()])
        .args(["-o", "json", "webhooks", "replay", "--since", "1h"])
        .env("RINGG_STATE_DIR", state.path());
    let r = ok(c).await;
    let lines = r.json_lines();
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    for line in &lines {
        assert_eq!(line["transcript"].as_str().map(str::len), Some(1_500_000));
    }
    sim.shutdown().await;
}

/// A history page that cannot be read ends the listing: the replay says that the calls after
/// it were not looked at, not that one call was skipped (which a rerun would repeat forever).
#[tokio::test(flavor = "multi_thread")]
async fn a_history_page_that_cannot_be_read_stops_the_replay_saying_so() {
    let sim = sim().await;
    answered_calls(&sim, &["+919876522231", "+919876522232"]).await;
    let rewrite: rewrite::Rewrite = Arc::new(|_, path, v| {
        if path.ends_with("/calling/history")
            && let Some(row) = v["calls"].get_mut(0).and_then(|r| r.as_object_mut())
        {
            row.remove("id");
        }
    });
    let base = rewrite::rewriting_proxy(&sim.base_url(), rewrite).await;
    let state = state_dir();
    let mut c = common::bare();
    c.args(["--base-url", &base, "--api-key", sim.api_key()])
        .args(["webhooks", "replay", "--since", "1h"])
        .env("RINGG_STATE_DIR", state.path());
    let r = common::run(c).await;
    let stderr = r.stderr;
    assert_ne!(r.code, 0, "{stderr}");
    assert!(
        stderr.contains("could not be read to its end") && stderr.contains("calls[0]"),
        "{stderr}"
    );
    assert!(!stderr.contains("skipped a call"), "{stderr}");
    assert!(!stderr.contains("call(s) could not be read"), "{stderr}");
    sim.shutdown().await;
}
