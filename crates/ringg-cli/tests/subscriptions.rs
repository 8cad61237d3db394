//! `ringg webhooks subscribe | list | unsubscribe` against the simulator: subscriptions are
//! shown before and after, an event type is moved off another URL only with `--move`, and a
//! damaged journal is reported rather than ignored.

mod common;

use common::{fails, ok, ringg, sim};
use ringg_sim::demo::AGENT_ID;

fn subscribe(url: &str, events: &[&str], extra: &[&str]) -> Vec<String> {
    let mut args = vec!["webhooks", "subscribe", "--agent", AGENT_ID, "--url", url];
    for e in events {
        args.extend(["--event", e]);
    }
    args.extend(extra);
    args.into_iter().map(String::from).collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn subscribe_moves_only_with_move_and_unsubscribe_removes() {
    let sim = sim().await;
    let (a, b) = ("http://127.0.0.1:9/a", "http://127.0.0.1:9/b");
    let r = ok(ringg(
        &sim,
        &strs(&subscribe(a, &["call_completed", "call_started"], &[])),
    ))
    .await;
    assert!(
        r.stdout.contains("had") && r.stdout.contains("now has"),
        "{}",
        r.stdout
    );

    // call_completed is on A: subscribing it on B is refused without --move.
    let r = fails(
        ringg(&sim, &strs(&subscribe(b, &["call_completed"], &[]))),
        1,
    )
    .await;
    assert!(
        r.stderr
            .contains("call_completed (delivered to http://127.0.0.1:9/a)")
            && r.stderr.contains("--move"),
        "{}",
        r.stderr
    );
    let r = ok(ringg(
        &sim,
        &["-o", "json", "webhooks", "list", "--agent", AGENT_ID],
    ))
    .await;
    let subs = r.json()["items"].as_array().unwrap().clone();
    assert!(subs.iter().all(|s| s["callback_url"] != b), "{subs:?}");

    // A new event type goes to B without touching A.
    ok(ringg(
        &sim,
        &strs(&subscribe(b, &["recording_completed"], &[])),
    ))
    .await;
    let r = ok(ringg(
        &sim,
        &strs(&subscribe(
            b,
            &["call_completed"],
            &["--move", "-o", "json"],
        )),
    ))
    .await;
    let v = r.json();
    let urls_of = |list: &serde_json::Value, event: &str| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .filter(|s| {
                let t = &s["event_type"];
                t == event || t.as_array().is_some_and(|a| a.iter().any(|x| x == event))
            })
            .map(|s| s["callback_url"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(urls_of(&v["before"], "call_completed"), vec![a.to_string()]);
    assert_eq!(
        urls_of(&v["event_subscriptions"], "call_completed"),
        vec![b.to_string()]
    );
    assert_eq!(
        urls_of(&v["event_subscriptions"], "call_started"),
        vec![a.to_string()]
    );
    assert_eq!(
        urls_of(&v["event_subscriptions"], "recording_completed"),
        vec![b.to_string()]
    );

    // Unsubscribe one event type of B, then all of A.
    let r = ok(ringg(
        &sim,
        &[
            "-o",
            "json",
            "webhooks",
            "unsubscribe",
            "--agent",
            AGENT_ID,
            "--url",
            b,
            "--event",
            "call_completed",
        ],
    ))
    .await;
    let v = r.json();
    assert!(urls_of(&v["event_subscriptions"], "call_completed").is_empty());
    assert_eq!(
        urls_of(&v["event_subscriptions"], "recording_completed"),
        vec![b.to_string()]
    );
    ok(ringg(
        &sim,
        &["webhooks", "unsubscribe", "--agent", AGENT_ID, "--url", a],
    ))
    .await;
    let r = fails(
        ringg(
            &sim,
            &["webhooks", "unsubscribe", "--agent", AGENT_ID, "--url", a],
        ),
        3,
    )
    .await;
    assert!(r.stderr.contains("no subscription"), "{}", r.stderr);
    assert!(
        r.stderr.contains("ringg webhooks list --agent"),
        "{}",
        r.stderr
    );
    let r = ok(ringg(&sim, &["webhooks", "list", "--agent", AGENT_ID])).await;
    assert!(
        !r.stdout.contains(a) && r.stdout.contains(b),
        "{}",
        r.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_journal_is_reported_with_what_to_do() {
    let sim = sim().await;
    let state = tempfile::tempdir().unwrap();
    std::fs::write(state.path().join("journal.sqlite3"), vec![0x42u8; 8192]).unwrap();
    let mut cmd = ringg(&sim, &["calls", "pending"]);
    cmd.env("RINGG_STATE_DIR", state.path());
    let r = fails(cmd, 1).await;
    assert!(
        r.stderr.contains("journal")
            && r.stderr.contains("damaged")
            && r.stderr.contains("move it aside"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read(state.path().join("journal.sqlite3")).unwrap(),
        vec![0x42u8; 8192],
        "left as it was"
    );
}

/// The secrets a subscription's URL or headers carry are masked in the errors that quote them.
#[tokio::test(flavor = "multi_thread")]
async fn errors_quoting_subscriptions_mask_their_secrets() {
    let sim = sim().await;
    let a = "http://127.0.0.1:9/a?ringg_secret=QUERY-SECRET-A";
    let b = "http://127.0.0.1:9/b?token=QUERY-SECRET-B";
    ok(ringg(&sim, &strs(&subscribe(a, &["call_completed"], &[])))).await;
    // Refused without --move, quoting both URLs.
    let r = fails(
        ringg(&sim, &strs(&subscribe(b, &["call_completed"], &[]))),
        1,
    )
    .await;
    assert!(
        r.stderr.contains("ringg_secret=[REDACTED]") && r.stderr.contains("token=[REDACTED]"),
        "{}",
        r.stderr
    );
    // Not subscribed: the URL quoted.
    let r = fails(
        ringg(
            &sim,
            &["webhooks", "unsubscribe", "--agent", AGENT_ID, "--url", b],
        ),
        3,
    )
    .await;
    assert!(r.stderr.contains("token=[REDACTED]"), "{}", r.stderr);
    // A URL typed without its scheme, quoted by the usage error.
    let r = fails(
        ringg(
            &sim,
            &strs(&subscribe(
                "hooks.example/h?token=QUERY-SECRET-C",
                &["call_completed"],
                &[],
            )),
        ),
        2,
    )
    .await;
    assert!(r.stderr.contains("token=[REDACTED]"), "{}", r.stderr);
    // A header value of the wrong shape, quoted by serde.
    let json = r#"[{"event_type":["call_completed"],"callback_url":"https://x.example/h","headers":"Bearer EDIT-SECRET-999"}]"#;
    let r = fails(
        ringg(
            &sim,
            &[
                "assistants",
                "edit",
                AGENT_ID,
                "event-subscriptions",
                "--json",
                json,
            ],
        ),
        2,
    )
    .await;
    assert!(r.stderr.contains("headers"), "{}", r.stderr);
    for out in [&r.stdout, &r.stderr] {
        for secret in ["QUERY-SECRET", "EDIT-SECRET-999"] {
            assert!(!out.contains(secret), "{secret} shown: {out}");
        }
    }
}

/// While A/B testing is live, an event type another version delivers to another URL is
/// refused without `--move` too (each version has its own list), with the flag to add, and
/// nothing is written.
#[tokio::test(flavor = "multi_thread")]
async fn subscribe_checks_every_ab_version_before_writing() {
    let paths = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = paths.clone();
    let details = serde_json::json!({"agents": {
        "id": AGENT_ID, "agent_name": "A/B", "is_ab_live": true,
        "ab_versions": {
            "v1": {"slug": "v1", "call_traffic": 0.6},
            "v2": {"slug": "v2", "call_traffic": 0.4},
        },
        "version_details": {
            "v1": {"version_slug": "v1", "event_subscriptions": []},
            "v2": {"version_slug": "v2", "event_subscriptions": [
                {"event_type": ["call_completed"], "callback_url": "https://old.example/hook"}
            ]},
        },
    }})
    .to_string();
    let base = common::http_server(move |path| {
        seen.lock().unwrap().push(path.to_owned());
        (200, "application/json", details.clone())
    })
    .await;
    let mut cmd = common::bare();
    cmd.args(["--base-url", &base, "--api-key", "k"])
        .args(strs(&subscribe(
            "https://new.example/hook",
            &["call_completed"],
            &[],
        )));
    let r = fails(cmd, 1).await;
    assert!(
        r.stderr.contains("old.example") && r.stderr.contains("add --move"),
        "{}",
        r.stderr
    );
    let paths = paths.lock().unwrap();
    assert!(
        paths.iter().all(|p| !p.ends_with("/agent/v1")),
        "an edit was sent: {paths:?}"
    );
}
