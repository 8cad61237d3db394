//! Paths by which the API key or a webhook secret could reach a terminal, a file other users
//! can read, or another host: a mistyped header, the intent journal, an `HTTP_PROXY`.

mod common;

use common::{bare, fails, ok};
use ringg_sim::DEMO_API_KEY;

/// `webhooks subscribe` of the demo assistant's `call_completed`, before its secret.
const SUBSCRIBE: [&str; 8] = [
    "webhooks",
    "subscribe",
    "--agent",
    ringg_sim::demo::AGENT_ID,
    "--url",
    "https://hooks.example/call_completed",
    "--event",
    "call_completed",
];

/// A `--header` given without its colon (`X-Webhook-Secret s3cret`, a typo anyone makes) is
/// refused without the value clap would quote, in the text and in the JSON error object.
#[tokio::test(flavor = "multi_thread")]
async fn a_header_without_its_colon_is_refused_without_echoing_the_secret() {
    const SECRET: &str = "whsec-typo-7f3a9c1e5b";
    for json in [false, true] {
        let mut cmd = bare();
        if json {
            cmd.args(["-o", "json"]);
        }
        cmd.args(SUBSCRIBE)
            .args(["--header", &format!("X-Webhook-Secret {SECRET}")]);
        let r = fails(cmd, 2).await;
        assert!(
            !r.stderr.contains(SECRET),
            "the webhook secret of a malformed --header is echoed (json: {json}):\n{}",
            r.stderr
        );
    }
}

/// A call variable given with the wrong separator (`--var access_token:…`) is refused without
/// its value.
#[tokio::test(flavor = "multi_thread")]
async fn a_variable_without_its_equals_sign_is_refused_without_echoing_it() {
    const TOKEN: &str = "tok-var-41d9c07e";
    let mut cmd = bare();
    cmd.args(["calls", "create", "--to", "+919876500001", "--var"])
        .arg(format!("access_token:{TOKEN}"));
    let r = fails(cmd, 2).await;
    assert!(r.stderr.contains("--var"), "{}", r.stderr);
    assert!(!r.stderr.contains(TOKEN), "{}", r.stderr);
}

/// The mode bits of `path` (Unix).
#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Subscribes the demo assistant with a secret header (from a file, as recommended), then runs
/// `ringg quickstart` against that server, which saves the assistant's subscriptions (headers
/// and their secrets included) in the intent journal before it changes them. Returns the
/// state folder and the secret.
async fn quickstart_against_a_subscribed_assistant(
    sim: &ringg_sim::RunningSimulator,
    secret: &str,
) -> tempfile::TempDir {
    // A state folder that already exists, made the ordinary way (`mkdir`, mode 0755): e.g.
    // RINGG_STATE_DIR=/srv/ringg-state in a CI image or a shared host. ringg leaves an existing
    // folder's mode as it is (state.rs).
    let state = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(state.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let secret_file = state.path().join("whsec.txt.tmp");
    std::fs::write(&secret_file, format!("{secret}\n")).unwrap();
    let mut cmd = bare();
    cmd.env("RINGG_STATE_DIR", state.path())
        .env("RINGG_API_KEY", DEMO_API_KEY)
        .args(["--base-url", &sim.base_url()])
        .args(SUBSCRIBE)
        .args(["--secret-file", secret_file.to_str().unwrap()]);
    ok(cmd).await;
    std::fs::remove_file(&secret_file).unwrap();

    sim.handle()
        .script_outcomes("+919876500001", [ringg_sim::CallOutcome::Answered]);
    let mut cmd = bare();
    cmd.env("RINGG_STATE_DIR", state.path())
        .env("RINGG_API_KEY", DEMO_API_KEY)
        .args(["quickstart", "--base-url", &sim.base_url()])
        .args(common::quickstart_call());
    let r = ok(cmd).await;
    assert!(
        r.stdout.contains("webhook subscription(s) assistant"),
        "the quickstart saved and restored the subscriptions: {}",
        r.stdout
    );
    state
}

/// The intent journal holds the assistant's saved webhook subscriptions, header values (the
/// shared secrets) in clear, and the calls' numbers and variables: even in a state folder that
/// already existed, other local users cannot read it.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn the_journal_that_holds_webhook_secrets_is_readable_by_its_owner_only() {
    let sim = common::sim().await;
    let state = quickstart_against_a_subscribed_assistant(&sim, "whsec-journal-5d2e8b7a91").await;
    assert!(
        state.path().join("journal.sqlite3").exists(),
        "the journal is kept"
    );
    for name in [
        "journal.sqlite3",
        "journal.sqlite3-wal",
        "journal.sqlite3-shm",
    ] {
        let path = state.path().join(name);
        if path.exists() {
            assert_eq!(
                mode(&path) & 0o077,
                0,
                "{name} is readable by other users (mode {:o})",
                mode(&path)
            );
        }
    }
    // A journal an earlier version left readable by others is named, with what to do.
    use std::os::unix::fs::PermissionsExt;
    let journal = state.path().join("journal.sqlite3");
    // Readable by everyone, or by its group only.
    for readable in [0o644, 0o640] {
        std::fs::set_permissions(&journal, std::fs::Permissions::from_mode(readable)).unwrap();
        let mut cmd = common::ringg(&sim, &["calls", "pending"]);
        cmd.env("RINGG_STATE_DIR", state.path());
        let r = ok(cmd).await;
        assert!(
            r.stderr.contains("may be read by other users") && r.stderr.contains("chmod 600"),
            "mode {readable:o}: {}",
            r.stderr
        );
    }
    sim.shutdown().await;
}

/// After the quickstart put the subscriptions back it forgets them: the secret's bytes are
/// left neither in the file's free pages nor in its write-ahead log.
#[tokio::test(flavor = "multi_thread")]
async fn a_forgotten_subscription_leaves_no_secret_in_the_journal_file() {
    const SECRET: &str = "whsec-residue-3c6f0a4d82";
    let sim = common::sim().await;
    let state = quickstart_against_a_subscribed_assistant(&sim, SECRET).await;
    assert!(
        state.path().join("journal.sqlite3").exists(),
        "the journal is kept"
    );
    for name in ["journal.sqlite3", "journal.sqlite3-wal"] {
        let path = state.path().join(name);
        if let Ok(bytes) = std::fs::read(&path) {
            let found = bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes());
            assert!(
                !found,
                "{name} still holds the webhook secret after the subscriptions were restored and forgotten"
            );
        }
    }
    sim.shutdown().await;
}

/// A fake HTTP proxy on loopback: records the head of the first request it gets and answers
/// 502. Returns its URL and the recorded text.
async fn fake_proxy() -> (String, tokio::sync::oneshot::Receiver<String>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let Ok((mut conn, _)) = listener.accept().await else {
            return;
        };
        let mut head = Vec::new();
        let mut buf = [0u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
        let _ = tx.send(String::from_utf8_lossy(&head).into_owned());
        let _ = conn
            .write_all(
                b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            )
            .await;
    });
    (url, rx)
}

/// Plain `http://` is allowed only for loopback base URLs, so the key never travels
/// unencrypted: with `HTTP_PROXY` set (common on corporate machines), such a request must not
/// go to the proxy (another host in life; here on loopback too, so the test stays local).
#[tokio::test(flavor = "multi_thread")]
async fn a_loopback_base_url_never_sends_the_key_through_an_http_proxy() {
    let sim = common::sim().await;
    let base = sim.base_url();
    // The API on loopback; and the API at its https default with the speech-to-text service
    // on loopback (port 9: nothing listens, the request only has to avoid the proxy).
    let cases: [&[&str]; 2] = [
        &["--base-url", &base, "--timeout", "20", "workspace", "show"],
        &[
            "stt",
            "health",
            "--stt-base-url",
            "http://127.0.0.1:9/stt/v1",
        ],
    ];
    for args in cases {
        let (proxy, seen) = fake_proxy().await;
        let mut cmd = bare();
        cmd.env("HTTP_PROXY", &proxy)
            .env("http_proxy", &proxy)
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .env_remove("ALL_PROXY")
            .env_remove("all_proxy")
            .env("RINGG_API_KEY", DEMO_API_KEY)
            .args(args);
        let r = common::run(cmd).await;
        let got = tokio::time::timeout(std::time::Duration::from_secs(2), seen)
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        assert!(
            !got.to_ascii_lowercase().contains("x-api-key"),
            "{args:?}: the request to loopback went to the HTTP proxy with the key:\n{got}\n(ringg exited {}: {})",
            r.code,
            r.stderr
        );
        // The request was sent, straight to its host: the simulator answered, and nothing
        // listens on port 9.
        let direct = r.code == 0 || r.stderr.contains("could not connect");
        assert!(direct, "{args:?}: {}: {}", r.code, r.stderr);
    }
    sim.shutdown().await;
}

/// A base URL may carry a gateway's password (`https://user:pw@host/…`): the profile table and
/// a quickstart's refusal show it masked.
#[tokio::test(flavor = "multi_thread")]
async fn a_base_url_password_is_not_shown_by_profiles_or_the_quickstart() {
    const PASSWORD: &str = "gw-pass-8e41c2";
    let base = format!("https://ops:{PASSWORD}@api.example.test/ca/api/v0");
    let config = tempfile::tempdir().unwrap();
    std::fs::write(
        config.path().join("config.toml"),
        format!("default_profile = \"gw\"\n\n[profiles.gw]\nbase_url = \"{base}\"\n"),
    )
    .unwrap();
    for json in [false, true] {
        let mut cmd = bare();
        cmd.env("RINGG_CONFIG_DIR", config.path());
        if json {
            cmd.args(["-o", "json"]);
        }
        cmd.args(["profiles", "list"]);
        let r = ok(cmd).await;
        assert!(r.stdout.contains("api.example.test"), "{}", r.stdout);
        assert!(!r.stdout.contains(PASSWORD), "{}", r.stdout);
    }
    let mut cmd = bare();
    cmd.args(["quickstart", "--base-url", &base]);
    let r = fails(cmd, 2).await;
    assert!(r.stderr.contains("api.example.test"), "{}", r.stderr);
    assert!(!r.stderr.contains(PASSWORD), "{}", r.stderr);
}
