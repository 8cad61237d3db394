//! `ringg calls reconcile --pending` against a server that shows no call's variables (Ringg's
//! documented history and call details): the initiation stays pending as `unverifiable`, and
//! `ringg calls reconcile REF --placed CALL_ID | --not-placed` settles it by hand.

mod common;

use std::sync::Arc;

use common::{bare, fails, ok};
use ringg_api::journal::{CallEntry, CallIntent, Journal, SqliteJournal, journal_scope};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const KEY: &str = "7251cb4b-3373-43a4-844c-b27a1d45e0c9";

/// A server on 127.0.0.1 with one call (`call-1` to +919800000001, created `created`) in its
/// history and details, neither showing `custom_args_values`; its base URL.
async fn server(created: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let created = Arc::new(created);
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let created = created.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head);
                let path = head.split_whitespace().nth(1).unwrap_or_default();
                let body = if path.contains("/calling/call-details") {
                    serde_json::json!({"status": "success", "data": {
                        "id": "call-1", "call_status": "completed", "call_sub_status": "ACCEPTED",
                        "to_number": "+919800000001", "callee_name": "Asha",
                        "agent_id": "830f767a-397e-4b39-82ff-235cd344e2f9"}})
                } else {
                    serde_json::json!({"calls": [{"id": "call-1", "status": "completed",
                        "to_number": "+919800000001", "name": "Asha",
                        "created_at": *created, "call_type": "outbound"}],
                        "limit": 100, "offset": 0, "count": 1, "total": 1})
                }
                .to_string();
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(resp.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}/ca/api/v0")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unverifiable_initiation_is_settled_by_hand() {
    let made = chrono::Utc::now() - chrono::Duration::hours(1);
    let base = server((made + chrono::Duration::seconds(1)).to_rfc3339()).await;
    let state = tempfile::tempdir().unwrap();
    {
        let journal = SqliteJournal::open(
            state.path().join("journal.sqlite3"),
            journal_scope(&base, KEY),
        )
        .unwrap();
        for reference in ["ref-a", "ref-b"] {
            journal
                .put_call(&CallEntry::new(CallIntent {
                    reference: reference.into(),
                    operation: "initiateCallV2".into(),
                    agent_id: ringg_api::types::AgentId::new(
                        "830f767a-397e-4b39-82ff-235cd344e2f9",
                    ),
                    to_number: "+919800000001".into(),
                    caller: "from_number_id:n1".into(),
                    recorded_at: made,
                    settle_after: None,
                }))
                .await
                .unwrap();
        }
    }
    let ringg = |args: &[&str]| {
        let mut cmd = bare();
        cmd.env("RINGG_STATE_DIR", state.path())
            .args(["--base-url", &base, "--api-key", KEY])
            .args(args);
        cmd
    };

    let r = fails(ringg(&["-o", "json", "calls", "reconcile", "--pending"]), 1).await;
    let rows = r.json();
    assert_eq!(rows.as_array().map(Vec::len), Some(2), "{rows}");
    for row in rows.as_array().unwrap() {
        assert_eq!(row["outcome"], "unsettled", "{row}");
        assert_eq!(row["kind"], "unverifiable", "{row}");
    }
    assert!(r.stderr.contains("--placed CALL_ID"), "{}", r.stderr);
    let r = ok(ringg(&["-o", "json", "calls", "pending"])).await;
    assert!(r.stdout.contains("ref-a") && r.stdout.contains("ref-b"), "{}", r.stdout);

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
