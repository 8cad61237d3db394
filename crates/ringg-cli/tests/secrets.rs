//! Keys and shared secrets read from a file or stdin instead of the command line, where every
//! local user can read them.

mod common;

use common::{bare, fails, ok};
use ringg_sim::DEMO_API_KEY;

/// `ringg --base-url <sim> <args…>` with no key on the command line.
fn at(sim: &ringg_sim::RunningSimulator, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = bare();
    cmd.args(["--base-url", &sim.base_url()]);
    cmd.args(args);
    cmd
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_key_is_read_from_a_file() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("key");
    std::fs::write(&file, format!("{DEMO_API_KEY}\n")).unwrap();
    let path = file.to_str().unwrap();
    let r = ok(at(&sim, &["--api-key-file", path, "numbers", "list"])).await;
    assert!(r.stdout.contains("ID"), "{}", r.stdout);
    // The file wins over a stale key in the environment.
    let mut cmd = at(&sim, &["workspace", "show", "--api-key-file", path]);
    cmd.env("RINGG_API_KEY", "stale-key");
    ok(cmd).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_key_is_read_from_stdin() {
    let sim = common::sim().await;
    let mut cmd = at(&sim, &["--api-key-file", "-", "workspace", "show"]);
    cmd.write_stdin(format!("{DEMO_API_KEY}\r\n"));
    ok(cmd).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_or_empty_key_file_is_a_clear_error_without_the_key() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-key");
    let r = fails(
        at(
            &sim,
            &[
                "--api-key-file",
                missing.to_str().unwrap(),
                "numbers",
                "list",
            ],
        ),
        1,
    )
    .await;
    assert!(
        r.stderr.contains("--api-key-file") && r.stderr.contains("no-such-key"),
        "{}",
        r.stderr
    );
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "\n").unwrap();
    let r = fails(
        at(
            &sim,
            &["--api-key-file", empty.to_str().unwrap(), "numbers", "list"],
        ),
        2,
    )
    .await;
    assert!(r.stderr.contains("is empty"), "{}", r.stderr);
    let mut cmd = at(&sim, &["--api-key-file", "-", "numbers", "list"]);
    cmd.write_stdin("");
    let r = fails(cmd, 2).await;
    assert!(r.stderr.contains("stdin is empty"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_flag_and_a_key_file_exclude_each_other() {
    let sim = common::sim().await;
    let r = fails(
        at(
            &sim,
            &[
                "--api-key",
                DEMO_API_KEY,
                "--api-key-file",
                "-",
                "numbers",
                "list",
            ],
        ),
        2,
    )
    .await;
    assert!(r.stderr.contains("--api-key-file"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_listen_secret_file_is_checked_and_never_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-secret");
    let mut cmd = bare();
    cmd.args([
        "webhooks",
        "listen",
        "--port",
        "0",
        "--secret-file",
        missing.to_str().unwrap(),
    ]);
    let r = fails(cmd, 1).await;
    assert!(r.stderr.contains("no-such-secret"), "{}", r.stderr);

    let mut cmd = bare();
    cmd.args(["webhooks", "listen", "--port", "0"]);
    let r = fails(cmd, 2).await;
    assert!(
        r.stderr.contains("RINGG_WEBHOOK_SECRET") && r.stderr.contains("--secret-file"),
        "{}",
        r.stderr
    );

    let mut cmd = bare();
    cmd.args([
        "webhooks",
        "listen",
        "--secret",
        "argv-secret-9",
        "--secret-file",
        "-",
    ]);
    let r = fails(cmd, 2).await;
    assert!(!r.stderr.contains("argv-secret-9"), "{}", r.stderr);
}

/// `RUST_LOG=trace` (what a user pastes into a bug report) shows no key: the WebSocket
/// library logs the speech-to-text handshake as sent, through the `log` crate.
#[tokio::test(flavor = "multi_thread")]
async fn rust_log_trace_never_prints_the_key_of_an_stt_stream() {
    let sim = common::sim().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hello.wav");
    std::fs::write(&path, ringg_sim::audio::wav(1.0, Some("hello there"))).unwrap();
    let mut cmd = at(&sim, &["stt", "stream", path.to_str().unwrap()]);
    cmd.env("RUST_LOG", "trace")
        .env("RINGG_API_KEY", DEMO_API_KEY);
    let r = ok(cmd).await;
    assert!(r.stdout.contains("hello there"), "{}", r.stdout);
    // The run did log at TRACE (so the check below is not vacuous).
    assert!(r.stderr.contains("TRACE"), "{}", r.stderr);
    let shown = r.stderr.lines().find(|l| l.contains(&DEMO_API_KEY[..12]));
    assert!(shown.is_none(), "stderr shows the API key: {shown:?}");
    sim.shutdown().await;
}

/// The headers of the assistant's subscriptions to `url`, read through the SDK (the CLI
/// masks them).
async fn subscription_headers(
    sim: &ringg_sim::RunningSimulator,
    url: &str,
) -> serde_json::Map<String, serde_json::Value> {
    let client = ringg_api::Client::builder()
        .ignore_env()
        .api_key(sim.api_key())
        .base_url(sim.base_url())
        .build()
        .unwrap();
    let agent = ringg_api::types::AgentId::new(ringg_sim::demo::AGENT_ID);
    let subs = client
        .assistants()
        .webhook_subscriptions(&agent)
        .await
        .unwrap();
    let sub = subs.iter().find(|s| s.callback_url == url).unwrap();
    sub.headers.clone().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_subscriptions_secret_is_read_from_a_file_or_stdin_never_the_command_line() {
    let sim = common::sim().await;
    // The URL's last segment is the one event type it takes (Ringg delivers each type to one
    // URL).
    let subscribe = |url: &str, extra: &[&str]| {
        let agent = ringg_sim::demo::AGENT_ID;
        let event = url.rsplit('/').next().unwrap();
        let args = ["webhooks", "subscribe", "--agent", agent, "--url", url];
        let mut cmd = at(&sim, &[&args[..], &["--event", event], extra].concat());
        cmd.env("RINGG_API_KEY", DEMO_API_KEY);
        cmd
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    std::fs::write(&file, "whsec-from-file\n").unwrap();
    let path = file.to_str().unwrap();
    let a = "https://hooks.example/call_completed";
    let r = ok(subscribe(a, &["--secret-file", path])).await;
    assert!(!r.stdout.contains("whsec-from-file") && !r.stderr.contains("whsec-from-file"));
    let headers = subscription_headers(&sim, a).await;
    assert_eq!(headers["X-Webhook-Secret"], "whsec-from-file");
    // From stdin, in Authorization as `webhooks listen --secret-header Authorization` expects.
    let b = "https://hooks.example/call_started";
    let mut cmd = subscribe(
        b,
        &["--secret-file", "-", "--secret-header", "Authorization"],
    );
    cmd.write_stdin("whsec-from-stdin\n");
    ok(cmd).await;
    let headers = subscription_headers(&sim, b).await;
    assert_eq!(headers["Authorization"], "Bearer whsec-from-stdin");
    // The same header twice is refused, echoing neither value.
    let twice = [
        "--secret-file",
        path,
        "--header",
        "x-webhook-secret: other-value",
    ];
    let r = fails(subscribe(b, &twice), 2).await;
    assert!(r.stderr.contains("give the secret once"), "{}", r.stderr);
    assert!(!r.stderr.contains("other-value") && !r.stderr.contains("whsec-from-file"));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_pasted_where_another_value_belongs_is_masked_in_the_usage_error() {
    let key = "7251cb4b-f52b-4b47-a230-f626ecad3e85";
    let shows = |stderr: &str| stderr.contains(key) || stderr.contains(&key[..12]);
    // The key in the environment, pasted as another flag's value.
    let mut cmd = bare();
    cmd.env("RINGG_API_KEY", key)
        .args(["calls", "list", "--limit", key]);
    let r = fails(cmd, 2).await;
    assert!(
        r.stderr.contains("--limit") && !shows(&r.stderr),
        "{}",
        r.stderr
    );
    // Given with --api-key, and pasted again (JSON errors too).
    let mut cmd = bare();
    cmd.args([
        "--api-key",
        key,
        "-o",
        "json",
        "calls",
        "list",
        "--limit",
        key,
    ]);
    let r = fails(cmd, 2).await;
    assert!(
        r.stderr.contains("--limit") && !shows(&r.stderr),
        "{}",
        r.stderr
    );
    // A saved profile's key, pasted as a flag's value or as the profile's name.
    let sim = common::sim().await;
    let config = tempfile::tempdir().unwrap();
    let mut login = bare();
    login
        .env("RINGG_CONFIG_DIR", config.path())
        .args(["login", "--base-url", &sim.base_url(), "--profile", "work"])
        .write_stdin(format!("{}\n", sim.api_key()));
    ok(login).await;
    let saved = sim.api_key();
    let mut cmd = bare();
    cmd.env("RINGG_CONFIG_DIR", config.path())
        .args(["calls", "list", "--limit", saved]);
    let r = fails(cmd, 2).await;
    assert!(!r.stderr.contains(saved), "{}", r.stderr);
    let mut cmd = bare();
    cmd.env("RINGG_CONFIG_DIR", config.path())
        .args(["--profile", saved, "numbers", "list"]);
    let r = fails(cmd, 2).await;
    assert!(
        r.stderr.contains("does not exist") && !r.stderr.contains(saved),
        "{}",
        r.stderr
    );
}
