//! `ringg calls reconcile --pending` against a server that shows no call's variables (Ringg's
//! documented history and call details): the initiation stays pending as `unverifiable`, and
//! `ringg calls reconcile REF --placed CALL_ID | --not-placed` settles it by hand.

mod common;

use common::{bare, fails, ok};
use ringg_api::journal::{
    CallEntry, CallIntent, CallOutcome, Journal, SqliteJournal, journal_scope,
};

const KEY: &str = "7251cb4b-3373-43a4-844c-b27a1d45e0c9";

/// A server on 127.0.0.1 with one call (`call-1` to +919800000001, created `created`) in its
/// history and details, neither showing `custom_args_values`; its base URL.
async fn server(created: String) -> String {
    common::http_server(move |path| {
        let body = if path.contains("/calling/call-details") {
            serde_json::json!({"status": "success", "data": {
                "id": "call-1", "call_status": "completed", "call_sub_status": "ACCEPTED",
                "to_number": "+919800000001", "callee_name": "Asha",
                "agent_id": "830f767a-397e-4b39-82ff-235cd344e2f9"}})
        } else {
            serde_json::json!({"calls": [{"id": "call-1", "status": "completed",
                "to_number": "+919800000001", "name": "Asha",
                "created_at": created, "call_type": "outbound"}],
                "limit": 100, "offset": 0, "count": 1, "total": 1})
        };
        (200, "application/json", body.to_string())
    })
    .await
}

/// Writes a pending initiation (or one with `outcome`) recorded an hour ago into the journal
/// `ringg` keeps in `state` for `base`.
async fn put_entry(
    state: &std::path::Path,
    base: &str,
    reference: &str,
    to: &str,
    outcome: Option<CallOutcome>,
) {
    let journal =
        SqliteJournal::open(state.join("journal.sqlite3"), journal_scope(base, KEY)).unwrap();
    let mut entry = CallEntry::new(CallIntent {
        reference: reference.into(),
        operation: "initiateCallV2".into(),
        agent_id: ringg_api::types::AgentId::new("830f767a-397e-4b39-82ff-235cd344e2f9"),
        to_number: to.into(),
        caller: "from_number_id:n1".into(),
        recorded_at: chrono::Utc::now() - chrono::Duration::hours(1),
        settle_after: None,
    });
    entry.outcome = outcome;
    journal.put_call(&entry).await.unwrap();
}

/// `ringg --base-url base --api-key KEY args…` with its journal in `state`.
fn ringg(state: &std::path::Path, base: &str, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = bare();
    cmd.env("RINGG_STATE_DIR", state)
        .args(["--base-url", base, "--api-key", KEY])
        .args(args);
    cmd
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unverifiable_initiation_is_settled_by_hand() {
    let made = chrono::Utc::now() - chrono::Duration::hours(1);
    let base = server((made + chrono::Duration::seconds(1)).to_rfc3339()).await;
    let state = tempfile::tempdir().unwrap();
    for reference in ["ref-a", "ref-b"] {
        put_entry(state.path(), &base, reference, "+919800000001", None).await;
    }
    let ringg = |args: &[&str]| ringg(state.path(), &base, args);

    let r = fails(ringg(&["-o", "json", "calls", "reconcile", "--pending"]), 1).await;
    let rows = r.json();
    assert_eq!(rows.as_array().map(Vec::len), Some(2), "{rows}");
    for row in rows.as_array().unwrap() {
        assert_eq!(row["outcome"], "unsettled", "{row}");
        assert_eq!(row["kind"], "unverifiable", "{row}");
    }
    assert!(r.stderr.contains("--placed CALL_ID"), "{}", r.stderr);
    let r = ok(ringg(&["-o", "json", "calls", "pending"])).await;
    assert!(
        r.stdout.contains("ref-a") && r.stdout.contains("ref-b"),
        "{}",
        r.stdout
    );

    let r = ok(ringg(&[
        "calls",
        "reconcile",
        "ref-a",
        "--placed",
        "call-1",
    ]))
    .await;
    assert!(
        r.stdout.contains("recorded: ref-a placed call call-1"),
        "{}",
        r.stdout
    );
    let r = ok(ringg(&["calls", "reconcile", "ref-b", "--not-placed"])).await;
    assert!(r.stdout.contains("placed no call"), "{}", r.stdout);
    let r = ok(ringg(&["-o", "json", "calls", "pending"])).await;
    assert!(
        !r.stdout.contains("ref-a") && !r.stdout.contains("ref-b"),
        "{}",
        r.stdout
    );
}

/// Only a pending initiation is settled by hand, with a call to its own number, and without
/// search flags that would be ignored.
#[tokio::test(flavor = "multi_thread")]
async fn settling_by_hand_refuses_what_it_cannot_stand_for() {
    let base = server((chrono::Utc::now() - chrono::Duration::minutes(30)).to_rfc3339()).await;
    let state = tempfile::tempdir().unwrap();
    let placed = CallOutcome::Placed {
        call_id: ringg_api::types::CallId::new("call-1"),
    };
    put_entry(
        state.path(),
        &base,
        "ref-done",
        "+919800000001",
        Some(placed),
    )
    .await;
    put_entry(state.path(), &base, "ref-other", "+919800000002", None).await;
    let r = fails(
        ringg(
            state.path(),
            &base,
            &["calls", "reconcile", "ref-done", "--not-placed"],
        ),
        2,
    )
    .await;
    assert!(r.stderr.contains("settled already"), "{}", r.stderr);
    // call-1 went to ...01, the initiation to ...02.
    let r = fails(
        ringg(
            state.path(),
            &base,
            &["calls", "reconcile", "ref-other", "--placed", "call-1"],
        ),
        2,
    )
    .await;
    assert!(r.stderr.contains("not to +919800000002"), "{}", r.stderr);
    fails(
        ringg(
            state.path(),
            &base,
            &[
                "calls",
                "reconcile",
                "ref-other",
                "--not-placed",
                "--max-rows",
                "5",
            ],
        ),
        2,
    )
    .await;
    let r = ok(ringg(
        state.path(),
        &base,
        &["-o", "json", "calls", "pending"],
    ))
    .await;
    assert!(
        r.stdout.contains("ref-other"),
        "still pending: {}",
        r.stdout
    );
}
