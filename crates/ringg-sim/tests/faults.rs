//! Fault injection, a bounded fuzz run, and the binary's start-up lines.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Api, start};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use ringg_sim::{FaultConfig, FaultKind, Simulator, demo};
use serde_json::json;

fn call_body(to: &str, reference: &str) -> serde_json::Value {
    json!({
        "name": "F", "mobile_number": to, "agent_id": demo::AGENT_ID,
        "number_pool_id": demo::NUMBER_POOL_ID,
        "custom_args_values": {"client_ref": reference},
        "call_config": {"call_time": {"scheduled_at": (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339()}},
    })
}

async fn post_raw(api: &Api, path: &str, body: &serde_json::Value) -> Result<common::Resp, String> {
    api.try_send(
        "POST",
        path,
        Some("application/json"),
        serde_json::to_vec(body).unwrap(),
    )
    .await
}

#[tokio::test]
async fn reset_after_processing_created_the_call_reset_before_did_not() {
    let faults = FaultConfig::none().with_operation(
        "initiateCallV2",
        1.0,
        Some(vec![FaultKind::ResetAfterProcessing]),
    );
    let (sim, api) = start(Simulator::builder().time_scale(0.001).faults(faults)).await;
    let err = post_raw(
        &api,
        "/calling/v2/outbound/individual",
        &call_body("+919800000101", "after-1"),
    )
    .await
    .err()
    .expect("the connection is dropped without a response");
    assert!(err.contains("request error"), "{err}");
    let h = sim.handle();
    let calls = h.calls();
    assert_eq!(calls.len(), 1, "the handler ran");
    assert_eq!(calls[0].custom_args_values["client_ref"], "after-1");
    // The reference in custom_args_values finds it in history (how the SDK reconciles).
    let hist = api.get("/calling/history?limit=100").await;
    assert_eq!(
        hist.body["calls"][0]["custom_args_values"]["client_ref"],
        "after-1"
    );
    assert_eq!(h.stats().faults[&FaultKind::ResetAfterProcessing], 1);
    sim.shutdown().await;

    let faults = FaultConfig::none().with_operation(
        "initiateCallV2",
        1.0,
        Some(vec![FaultKind::ResetBeforeProcessing]),
    );
    let (sim, api) = start(Simulator::builder().time_scale(0.001).faults(faults)).await;
    assert!(
        post_raw(
            &api,
            "/calling/v2/outbound/individual",
            &call_body("+919800000102", "before-1")
        )
        .await
        .is_err()
    );
    let h = sim.handle();
    assert!(h.calls().is_empty(), "state untouched");
    assert_eq!(h.workspace().locked_credits, 0.0);
    assert_eq!(h.stats().faults[&FaultKind::ResetBeforeProcessing], 1);
    assert_eq!(
        api.get("/workspace").await.status,
        200,
        "other operations unaffected"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn every_fault_kind_behaves_as_documented() {
    for kind in FaultKind::ALL {
        let faults = FaultConfig::new(1.0, [kind]).with_latency(Duration::from_millis(30));
        let (sim, api) = start(Simulator::builder().time_scale(0.001).faults(faults)).await;
        let t0 = Instant::now();
        let r = api.try_send("GET", "/workspace", None, Vec::new()).await;
        match kind {
            FaultKind::TooManyRequests => {
                let r = r.unwrap();
                assert_eq!(r.status, 429);
                assert_eq!(r.headers["retry-after"], "1");
            }
            FaultKind::InternalServerError => assert_eq!(r.unwrap().status, 500),
            FaultKind::BadGateway => assert_eq!(r.unwrap().status, 502),
            FaultKind::ServiceUnavailable => assert_eq!(r.unwrap().status, 503),
            FaultKind::ResetBeforeProcessing | FaultKind::ResetAfterProcessing => {
                assert!(r.is_err())
            }
            FaultKind::Latency => {
                assert_eq!(r.unwrap().status, 200);
                assert!(t0.elapsed() >= Duration::from_millis(30));
            }
            FaultKind::TruncatedBody => {
                let e = r.err().expect("a cut body is an error");
                assert!(e.contains("body error"), "{e}");
            }
            FaultKind::MalformedBody => {
                let r = r.unwrap();
                assert_eq!(r.status, 200);
                assert!(serde_json::from_slice::<serde_json::Value>(&r.raw).is_err());
            }
            _ => unreachable!("new kinds need a case here"),
        }
        assert_eq!(sim.handle().stats().faults_total(), 1, "{kind}");
        sim.shutdown().await;
    }
}

#[tokio::test]
async fn fault_spec_drives_a_mixed_run() {
    let faults = FaultConfig::parse("rate=0.3,kinds=reset-after+503+429,seed=7").unwrap();
    let (sim, api) = start(Simulator::builder().time_scale(0.001).faults(faults)).await;
    let mut outcomes = (0, 0, 0);
    for i in 0..60 {
        match post_raw(
            &api,
            "/calling/v2/outbound/individual",
            &call_body(&format!("+9198000002{i:02}"), &format!("r{i}")),
        )
        .await
        {
            Ok(r) if r.status == 200 => outcomes.0 += 1,
            Ok(_) => outcomes.1 += 1,
            Err(_) => outcomes.2 += 1,
        }
    }
    let stats = sim.handle().stats();
    assert_eq!(stats.faults_total(), (outcomes.1 + outcomes.2) as u64);
    // Calls exist for the successes and for every reset-after (the handler ran).
    let created = sim.handle().calls().len();
    assert_eq!(
        created,
        outcomes.0
            + stats
                .faults
                .get(&FaultKind::ResetAfterProcessing)
                .copied()
                .unwrap_or(0) as usize
    );
    assert!(
        outcomes.0 > 20 && outcomes.1 + outcomes.2 > 5,
        "{outcomes:?}"
    );
    sim.shutdown().await;
}

const OPS: &[(&str, &str)] = &[
    ("GET", "/workspace"),
    ("GET", "/workspace/users"),
    ("GET", "/workspace/numbers"),
    ("GET", "/agent/all"),
    ("GET", "/agent/xyz"),
    ("POST", "/public/agent"),
    ("PATCH", "/agent/v1"),
    (
        "PATCH",
        "/public/agent/830f767a-397e-4b39-82ff-235cd344e2f9",
    ),
    ("GET", "/agent/voices"),
    ("POST", "/calling/outbound/individual"),
    ("POST", "/calling/v2/outbound/individual"),
    ("GET", "/calling/history"),
    ("GET", "/calling/call-details"),
    ("POST", "/campaign/save"),
    ("POST", "/campaign/start"),
    ("POST", "/campaign/v2/start"),
    ("GET", "/campaign/all"),
    ("POST", "/campaign/make-call-async"),
    ("PATCH", "/campaign/terminate"),
    ("POST", "/external/kb"),
    ("PATCH", "/external/kb"),
    ("GET", "/analytics/platform-analytics"),
    ("DELETE", "/agent/%ZZ"),
    ("PUT", "/workspace"),
    ("GET", "/nothing/here"),
    ("GET", "/calling/history?limit=-1&start_date=%FF"),
];

fn random_body(rng: &mut SmallRng) -> (Option<&'static str>, Vec<u8>) {
    let pick = rng.random_range(0..9);
    let junk: Vec<u8> = (0..rng.random_range(0..200))
        .map(|_| rng.random())
        .collect();
    match pick {
        0 => (Some("application/json"), junk),
        1 => (Some("application/json"), b"{\"operation\": \"attach_kb\", \"agent_id\": 5}".to_vec()),
        2 => (Some("application/json"), b"{\"name\": [], \"mobile_number\": {}, \"agent_id\": null}".to_vec()),
        3 => (Some("multipart/form-data; boundary=zz"), b"--zz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nbroken".to_vec()),
        4 => (Some("multipart/form-data"), junk),
        5 => (None, Vec::new()),
        6 => (Some("application/json"), b"{\"operation\": \"edit_event_subscriptions\", \"agent_id\": \"830f767a-397e-4b39-82ff-235cd344e2f9\", \"event_subscriptions\": [{\"event_type\": 7}]}".to_vec()),
        7 => (Some("application/json"), b"{\"call_ids\": \"x\", \"agent_id\": [1]}".to_vec()),
        _ => (Some("text/plain"), "\u{0000}\u{FFFF}".as_bytes().to_vec()),
    }
}

#[tokio::test]
async fn bounded_fuzz_keeps_the_server_alive_and_consistent() {
    let (sim, api) = start(Simulator::builder().time_scale(0.001).seed(13)).await;
    let mut rng = SmallRng::seed_from_u64(99);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut sent = 0;
    while sent < 500 && Instant::now() < deadline {
        let (m, p) = OPS[rng.random_range(0..OPS.len())];
        let (ct, body) = random_body(&mut rng);
        let key_variant = rng.random_range(0..10);
        let client = match key_variant {
            0 => api.with_key(""),
            1 => api.with_key("garbage key"),
            _ => api.clone(),
        };
        let r = client
            .try_send(m, p, ct, body)
            .await
            .expect("the server always answers");
        assert!(r.status < 500, "{m} {p} → {}: {:?}", r.status, r.raw);
        assert!(
            r.body.get("detail").is_some() || r.status == 200,
            "{m} {p} → {}: {:?}",
            r.status,
            r.raw
        );
        sent += 1;
    }
    assert!(sent >= 100, "only {sent} requests in 10 s");
    // Still serving, and the demo workspace is intact.
    let ws = api.get("/workspace").await;
    assert_eq!(ws.status, 200);
    let listed = api.get("/agent/all?limit=100").await;
    let h = sim.handle();
    let snap = h.workspace();
    assert!(snap.locked_credits >= 0.0 && snap.credits <= 3025.0);
    assert_eq!(
        snap.assistants,
        listed.body["data"]["agents"].as_array().unwrap().len()
    );
    assert_eq!(h.stats().requests as usize, sent + 2);
    let statuses: u64 = h.stats().by_status.values().sum();
    assert_eq!(statuses as usize, sent + 2, "every request got an answer");
    sim.shutdown().await;
}

#[test]
fn binary_prints_base_url_and_key() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ringg-sim"))
        .args([
            "--port",
            "0",
            "--time-scale",
            "0.01",
            "--seed",
            "3",
            "--faults",
            "rate=0.1,kinds=503",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.starts_with("base_url=http://127.0.0.1:"), "{first}");
    assert!(first.ends_with("/ca/api/v0"), "{first}");
    assert_eq!(second, format!("api_key={}", demo::DEMO_API_KEY));

    let out = Command::new(env!("CARGO_BIN_EXE_ringg-sim"))
        .args(["--faults", "rate=7"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("between 0 and 1"));
}
