//! The commands that reach the operations no other command reaches: the workspace list, the
//! history download, each step of both campaign flows, the v1 call initiation, the legacy
//! terminate paths and the speech-to-text health check.

mod common;

use common::{call_args, fails, ok, ringg, run, sim};
use ringg_sim::demo::{AGENT_ID, KB_ID, NUMBER, NUMBER_POOL_ID};

const CONTACTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/contacts.csv");

/// A campaign time `minutes` from now, in the simulator's default zone.
fn at(minutes: i64) -> String {
    let tz: chrono_tz::Tz = "Asia/Kolkata".parse().unwrap();
    (chrono::Utc::now().with_timezone(&tz) + chrono::Duration::minutes(minutes))
        .format("%d/%m/%Y, %H:%M")
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn workspace_list_and_the_history_download() {
    let sim = sim().await;
    let v = ok(ringg(&sim, &["-o", "json", "workspace", "list"]))
        .await
        .json();
    assert_eq!(v["items"][0]["name"], "Demo Workspace", "{v}");

    // The simulator answers as Ringg does for a large report: it emails it.
    sim.handle().seed_history(12);
    let r = ok(ringg(&sim, &["calls", "download", "--start", "2020-01-01"])).await;
    assert!(r.stdout.contains("emails the report"), "{}", r.stdout);
    // Its filters take names, as `calls list`'s do: an unknown one is not sent as an id.
    ok(ringg(
        &sim,
        &["calls", "download", "--agent", "Sales Assistant"],
    ))
    .await;
    common::fails(ringg(&sim, &["calls", "download", "--agent", "Nobody"]), 3).await;
}

/// A server that answers every request with a CSV attachment named `name`.
async fn csv_server(csv: &'static str, name: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ncontent-disposition: attachment; filename=\"{name}\"\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    csv.len()
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(csv.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}/ca/api/v0")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_downloaded_file_is_saved_where_asked_and_never_outside_the_folder() {
    const CSV: &str = "id,status\nc1,completed\nc2,failed\n";
    let url = csv_server(CSV, "../../history.csv").await;
    let dir = tempfile::tempdir().unwrap();
    let download = |extra: &[&std::ffi::OsStr]| {
        let mut cmd = common::bare();
        cmd.current_dir(dir.path())
            .args(["--base-url", &url, "--api-key", "k", "calls", "download"])
            .args(extra);
        cmd
    };
    let r = ok(download(&[])).await;
    assert!(r.stdout.contains("saved history.csv"), "{}", r.stdout);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("history.csv")).unwrap(),
        CSV
    );
    // It is not overwritten.
    assert_eq!(run(download(&[])).await.code, 2);
    // --out FILE and --out - (stdout).
    let out = dir.path().join("september.csv");
    ok(download(&["--out".as_ref(), out.as_os_str()])).await;
    assert_eq!(std::fs::read_to_string(&out).unwrap(), CSV);
    let r = ok(download(&["--out".as_ref(), "-".as_ref()])).await;
    assert_eq!(r.stdout, CSV);
}

/// `campaigns create` of the contacts fixture, starting in five minutes; the list id.
async fn create_list(sim: &ringg_sim::RunningSimulator, name: &str) -> String {
    let (start, end) = (at(5), at(600));
    let v = ok(ringg(
        sim,
        &[
            "-o",
            "json",
            "campaigns",
            "create",
            CONTACTS,
            "--agent",
            AGENT_ID,
            "--name",
            name,
            "--start",
            &start,
            "--end",
            &end,
            "--map",
            "company_name=Company Name",
        ],
    ))
    .await
    .json();
    v["list_id"].as_str().expect("a list id").to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_standard_flow_step_by_step() {
    let sim = sim().await;
    let list = create_list(&sim, "Steps").await;
    // Without --start/--end the step is refused before anything is sent.
    fails(
        ringg(
            &sim,
            &[
                "campaigns",
                "create",
                CONTACTS,
                "--agent",
                AGENT_ID,
                "--name",
                "X",
            ],
        ),
        2,
    )
    .await;
    // --from-number needs --v1, and --v1 needs --from-number.
    assert_eq!(
        run(ringg(
            &sim,
            &[
                "campaigns",
                "start",
                &list,
                "--agent",
                AGENT_ID,
                "--from-number",
                NUMBER
            ],
        ))
        .await
        .code,
        2
    );
    ok(ringg(
        &sim,
        &[
            "campaigns",
            "start",
            &list,
            "--agent",
            AGENT_ID,
            "--v1",
            "--from-number",
            NUMBER,
        ],
    ))
    .await;
    let v = ok(ringg(&sim, &["-o", "json", "campaigns", "status", &list]))
        .await
        .json();
    assert_ne!(v["campaign"]["campaign_status"], "draft", "{v}");

    // The v2 start, from a pool, on a second list.
    let list = create_list(&sim, "Steps 2").await;
    ok(ringg(
        &sim,
        &[
            "campaigns",
            "start",
            &list,
            "--agent",
            AGENT_ID,
            "--number-pool",
            NUMBER_POOL_ID,
        ],
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_contact_list_is_deleted_only_when_confirmed() {
    let sim = sim().await;
    let list = create_list(&sim, "To delete").await;
    assert!(sim.handle().list_ids().iter().any(|l| l.as_str() == list));
    // No terminal and no --yes: refused, and the list is still there.
    let r = fails(ringg(&sim, &["calls", "delete-list", &list]), 2).await;
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    assert!(sim.handle().list_ids().iter().any(|l| l.as_str() == list));
    // By the campaign's name, confirmed.
    let v = ok(ringg(
        &sim,
        &["-o", "json", "calls", "delete-list", "To delete", "--yes"],
    ))
    .await
    .json();
    assert!(v["message"].is_string(), "{v}");
    assert!(!sim.handle().list_ids().iter().any(|l| l.as_str() == list));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_quiet_confirmed_deletion_sends_no_lookup_for_its_summary() {
    let sim = sim().await;
    let sent = |op: &str| {
        sim.handle()
            .stats()
            .by_operation
            .get(op)
            .copied()
            .unwrap_or(0)
    };
    let (shown, quiet) = (
        create_list(&sim, "Shown").await,
        create_list(&sim, "Quiet").await,
    );
    // With --yes alone the summary is shown, so the list is looked up for it.
    let before = sent("listCampaigns");
    ok(ringg(&sim, &["calls", "delete-list", &shown, "--yes"])).await;
    assert!(sent("listCampaigns") > before);
    // With --quiet as well nothing is shown: no lookup, and the deletions still happen.
    let before = sent("listCampaigns");
    ok(ringg(
        &sim,
        &["--quiet", "calls", "delete-list", &quiet, "--yes"],
    ))
    .await;
    assert_eq!(sent("listCampaigns"), before);
    assert!(!sim.handle().list_ids().iter().any(|l| l.as_str() == quiet));
    ok(ringg(&sim, &["--quiet", "kb", "delete", KB_ID, "--yes"])).await;
    ok(ringg(
        &sim,
        &["--quiet", "assistants", "delete", AGENT_ID, "--yes"],
    ))
    .await;
    assert_eq!(sent("getKnowledgeBase"), 0);
    assert_eq!(sent("getAssistant"), 0);
    assert_eq!(
        (sent("deleteKnowledgeBase"), sent("deleteAssistant")),
        (1, 1)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_large_flow_step_by_step() {
    let sim = sim().await;
    let v = ok(ringg(
        &sim,
        &[
            "-o",
            "json",
            "campaigns",
            "upload-large",
            CONTACTS,
            "--agent",
            AGENT_ID,
            "--name",
            "Large steps",
        ],
    ))
    .await
    .json();
    let list = v["bulk_list_id"]
        .as_str()
        .expect("a bulk list id")
        .to_string();
    // Processing finishes on the simulator's scaled clock.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let v = ok(ringg(
            &sim,
            &["-o", "json", "campaigns", "upload-status", &list],
        ))
        .await
        .json();
        let status = v["status"].as_str().unwrap_or_default().to_string();
        if ["completed", "ready", "draft"].contains(&status.as_str()) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still {status}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let r = ok(ringg(&sim, &["campaigns", "check-balance", &list])).await;
    assert!(!r.stdout.trim().is_empty());
    ok(ringg(
        &sim,
        &[
            "campaigns",
            "start-large",
            &list,
            "--agent",
            AGENT_ID,
            "--number-pool",
            NUMBER_POOL_ID,
            "--concurrency",
            "50",
        ],
    ))
    .await;
    assert_eq!(
        run(ringg(
            &sim,
            &[
                "campaigns",
                "start-large",
                &list,
                "--agent",
                AGENT_ID,
                "--concurrency",
                "101",
                "--number-pool",
                NUMBER_POOL_ID
            ],
        ))
        .await
        .code,
        2
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn v1_calls_legacy_terminate_and_stt_health() {
    let sim = sim().await;
    let mut args = vec!["-o", "json"];
    args.extend(call_args(
        "+919876500901",
        &["--v1", "--var", "company_name=Acme"],
    ));
    let v = ok(ringg(&sim, &args)).await.json();
    assert!(v["call_id"].is_string(), "{v}");
    // --v1 knows no number pools.
    assert_eq!(
        run(ringg(
            &sim,
            &[
                "calls",
                "create",
                "--v1",
                "--agent",
                AGENT_ID,
                "--to",
                "+919876500902",
                "--name",
                "A",
                "--number-pool",
                NUMBER_POOL_ID,
            ],
        ))
        .await
        .code,
        2
    );
    let r = ok(ringg(
        &sim,
        &["terminate", "--legacy", "--yes", "--agent", AGENT_ID],
    ))
    .await;
    assert!(!r.stdout.trim().is_empty());
    let r = ok(ringg(&sim, &["-o", "json", "stt", "health"])).await;
    assert!(r.json()["status"].is_string(), "{}", r.stdout);
}
