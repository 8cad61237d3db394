//! Secrets from elsewhere stay off the terminal and off proxies: a password in the base URL or
//! in `--forward-to`, a key a server echoes into a success answer, a webhook secret on its
//! way to the app.

mod common;

use std::time::Duration;

use common::{bare, bare_std, http_server, ok, read_head, run, spawn, until_listening};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A password in a base URL's user information (a gateway in front of the API).
const URL_PASSWORD: &str = "pw-BASEURL-7e3f9a";

/// `http://gw:<password>@host:port/ca/api/v0` for the simulator's base URL.
fn with_password(base: &str) -> String {
    base.replacen("http://", &format!("http://gw:{URL_PASSWORD}@"), 1)
}

/// What the fake API below answers to both `GET /workspace` and the key rotation: a
/// workspace, and a new key. (The simulator refuses a request that carries an Authorization
/// header beside X-API-KEY, which a base URL with user information adds, so a plain server
/// stands in for it.)
fn rotation_body() -> String {
    r#"{"workspace_info":{"id":"3f1c2b4a-0000-4000-8000-000000000001","name":"Acme"},"new_api_key":"rotated-key-0123456789abcdef"}"#.to_owned()
}

/// `workspace rotate-key`'s advice names the base URL without its password (key and server
/// from the environment).
#[tokio::test(flavor = "multi_thread")]
async fn rotate_key_advice_does_not_print_the_base_url_password() {
    let base = answering(200, "application/json", rotation_body()).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.key");
    let mut cmd = bare();
    cmd.env("RINGG_BASE_URL", with_password(&base))
        .env("RINGG_API_KEY", ECHOED_KEY)
        .args([
            "workspace",
            "rotate-key",
            "--key-file",
            file.to_str().unwrap(),
            "--yes",
        ]);
    let r = ok(cmd).await;
    assert!(r.stdout.contains("rotated"), "{}", r.stdout);
    assert!(
        !r.stdout.contains(URL_PASSWORD) && !r.stderr.contains(URL_PASSWORD),
        "the base URL's password reached the terminal:\nstdout: {}\nstderr: {}",
        r.stdout,
        r.stderr
    );
}

/// A key with characters a JSON string escapes (`\`, `"`, `/`), echoed by a server in its
/// JSON answer, is masked as the answer writes it: in `ringg api`'s output, in `-o json`'s
/// error body and in `--verbose`'s log.
#[tokio::test(flavor = "multi_thread")]
async fn a_key_echoed_json_escaped_is_masked() {
    const KEY: &str = r#"sk-TEST\KEY/12"345"#;
    let escaped = serde_json::to_string(KEY).unwrap();
    let escaped = escaped.trim_matches('"').to_owned();
    for written in [escaped.clone(), escaped.replace('/', "\\/")] {
        let body = format!(r#"{{"detail":"request with key {written}"}}"#);
        // A refusal, and an answer of success no command can read (whose body is shown).
        for status in [401, 200] {
            let base = answering(status, "application/json", body.clone()).await;
            for args in [
                &["api", "GET", "/workspace"][..],
                &["-o", "json", "workspace", "users"][..],
                &["-v", "workspace", "users"][..],
            ] {
                let mut cmd = bare();
                cmd.args(["--base-url", &base, "--api-key", KEY]).args(args);
                let r = run(cmd).await;
                for out in [&r.stdout, &r.stderr] {
                    assert!(!out.contains(&written), "{args:?} showed the key: {out}");
                    assert!(
                        !out.contains("sk-TEST"),
                        "{args:?} showed part of it: {out}"
                    );
                }
            }
        }
    }
}

/// A key rotation whose answer cannot be read (the new key under a field of another name)
/// prints no value of that answer, in `-o json`'s body, the message or `--verbose`'s log, and
/// keeps the answer in the key file (0600) instead of losing the new key.
#[tokio::test(flavor = "multi_thread")]
async fn an_unread_rotation_answer_is_kept_in_the_key_file_and_not_printed() {
    const NEW_KEY: &str = "NEWKEY-abcdef-0123456789";
    for answer in [
        format!(r#"{{"new_key":"{NEW_KEY}"}}"#),
        format!(r#"{{"data":{{"key":"{NEW_KEY}"}}}}"#),
        format!(r#"{{"new_api_key":["{NEW_KEY}"]}}"#),
    ] {
        let rotation = answer.clone();
        let base = http_server(move |path| {
            let body = if path.ends_with("/api-key") {
                rotation.clone()
            } else {
                rotation_body()
            };
            (200, "application/json", body)
        })
        .await;
        for output in [&["-o", "json"][..], &["-v"][..]] {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("new.key");
            let mut cmd = api_cmd(&base, output);
            cmd.args(["workspace", "rotate-key", "--key-file"])
                .arg(&file)
                .arg("--yes");
            let r = run(cmd).await;
            assert_ne!(r.code, 0, "{answer}: {}", r.stderr);
            assert!(
                !r.stdout.contains(NEW_KEY) && !r.stderr.contains(NEW_KEY),
                "{answer}: the new key was printed:\n{}\n{}",
                r.stdout,
                r.stderr
            );
            assert!(r.stderr.contains("is kept as received in"), "{}", r.stderr);
            assert_eq!(std::fs::read_to_string(&file).unwrap(), answer);
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&file).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600);
            }
        }
    }
}

/// The same, with the flags instead of the environment.
#[tokio::test(flavor = "multi_thread")]
async fn rotate_key_advice_with_flags_does_not_print_the_base_url_password() {
    let base = answering(200, "application/json", rotation_body()).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("new.key");
    let mut cmd = bare();
    cmd.args([
        "--base-url",
        &with_password(&base),
        "--api-key",
        ECHOED_KEY,
        "workspace",
        "rotate-key",
        "--key-file",
        file.to_str().unwrap(),
        "--yes",
    ]);
    let r = ok(cmd).await;
    assert!(
        !r.stdout.contains(URL_PASSWORD) && !r.stderr.contains(URL_PASSWORD),
        "the base URL's password reached the terminal:\nstdout: {}\nstderr: {}",
        r.stdout,
        r.stderr
    );
}

/// `webhooks listen` on a free port with an in-memory dedupe store, `secret`, forwarding to
/// `target`.
fn listen_args(secret: &str, target: &str) -> Vec<String> {
    [
        "webhooks",
        "listen",
        "--port",
        "0",
        "--dedupe",
        "memory",
        "--secret",
        secret,
        "--forward-to",
        target,
    ]
    .map(str::to_owned)
    .to_vec()
}

/// `webhooks listen --forward-to URL`'s "listening on" line (on stderr even with --quiet)
/// shows the target without its password or query values.
#[tokio::test(flavor = "multi_thread")]
async fn listen_does_not_print_the_forward_targets_secrets() {
    const APP_PASSWORD: &str = "pw-APP-5c1d2e";
    const QUERY_SECRET: &str = "qsecret-APP-90ab12";
    let mut cmd = bare_std();
    cmd.arg("--quiet").args(listen_args(
        "listen-secret-3f2a1b",
        &format!("http://app:{APP_PASSWORD}@127.0.0.1:9/hooks?ringg_secret={QUERY_SECRET}"),
    ));
    let mut child = spawn(cmd);
    let (_, seen) = until_listening(child.stderr.take().unwrap()).await;
    drop(child);
    assert!(seen.contains("listening on"), "{seen}");
    assert!(
        !seen.contains(APP_PASSWORD) && !seen.contains(QUERY_SECRET),
        "the forward target's secrets reached stderr: {seen}"
    );
}

/// The API key the echoing server below is sent (a UUID-like key, as Ringg's are).
const ECHOED_KEY: &str = "7251cb4b-echo-4f00-9c1e-0123456789ab";

/// A server on 127.0.0.1 answering every request with `status`, `content_type` and `body`
/// (one request per connection); its base URL (`…/ca/api/v0`).
async fn answering(status: u16, content_type: &'static str, body: String) -> String {
    http_server(move |_| (status, content_type, body.clone())).await
}

fn api_cmd(base: &str, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = bare();
    cmd.args(["--base-url", base, "--api-key", ECHOED_KEY]);
    cmd.args(extra);
    cmd
}

/// `ringg api` masks the client's own key in a 2xx answer that echoes it in a field not named
/// like a secret, as it does in an error answer.
#[tokio::test(flavor = "multi_thread")]
async fn ringg_api_masks_the_key_a_2xx_json_answer_echoes() {
    let body =
        format!(r#"{{"key":"{ECHOED_KEY}","message":"request with key {ECHOED_KEY} accepted"}}"#);
    let base = answering(200, "application/json", body).await;
    let r = ok(api_cmd(&base, &["api", "GET", "/echo"])).await;
    assert!(
        !r.stdout.contains(ECHOED_KEY),
        "the API key reached stdout: {}",
        r.stdout
    );
}

/// The same with `-o json` and a text answer (the `{"status", "text"}` document).
#[tokio::test(flavor = "multi_thread")]
async fn ringg_api_json_masks_the_key_a_2xx_text_answer_echoes() {
    let base = answering(
        200,
        "text/plain",
        format!("you sent X-API-KEY {ECHOED_KEY}"),
    )
    .await;
    let r = ok(api_cmd(&base, &["-o", "json", "api", "GET", "/echo"])).await;
    assert!(
        !r.stdout.contains(ECHOED_KEY),
        "the API key reached stdout: {}",
        r.stdout
    );
}

/// An echo written with JSON escapes (`\u0037` for `7`) is masked as the printed text shows it.
#[tokio::test(flavor = "multi_thread")]
async fn ringg_api_masks_a_key_echoed_with_json_escapes() {
    let escaped = format!("\\u0037{}", &ECHOED_KEY[1..]);
    let base = answering(
        200,
        "application/json",
        format!(r#"{{"echo":"{escaped}"}}"#),
    )
    .await;
    let r = ok(api_cmd(&base, &["api", "GET", "/echo"])).await;
    assert!(
        !r.stdout.contains(ECHOED_KEY) && r.stdout.contains("[REDACTED]"),
        "{}",
        r.stdout
    );
}

/// A binary answer (not UTF-8) written to a pipe as it came has the key masked too.
#[tokio::test(flavor = "multi_thread")]
async fn ringg_api_masks_the_key_a_binary_answer_echoes() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            if read_head(&mut s).await.is_none() {
                continue;
            }
            let mut body = vec![0xff, 0xfe, 0x00];
            body.extend_from_slice(ECHOED_KEY.as_bytes());
            body.extend_from_slice(&[0x80, 0x81]);
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes()).await;
            let _ = s.write_all(&body).await;
        }
    });
    let base = format!("http://{addr}/ca/api/v0");
    let r = ok(api_cmd(&base, &["api", "GET", "/echo"])).await;
    assert!(
        !r.stdout.contains(ECHOED_KEY),
        "the API key reached stdout: {}",
        r.stdout
    );
    assert!(r.stdout.contains("[REDACTED]"), "stdout: {:?}", r.stdout);
}

/// The same echo in a 400 is masked.
#[tokio::test(flavor = "multi_thread")]
async fn ringg_api_masks_the_key_a_4xx_answer_echoes() {
    let body = format!(r#"{{"detail":"invalid key {ECHOED_KEY}"}}"#);
    let base = answering(400, "application/json", body).await;
    let r = run(api_cmd(&base, &["api", "GET", "/echo"])).await;
    assert_ne!(r.code, 0);
    assert!(
        !r.stdout.contains(ECHOED_KEY) && !r.stderr.contains(ECHOED_KEY),
        "stdout: {}\nstderr: {}",
        r.stdout,
        r.stderr
    );
}

/// `webhooks listen --forward-to http://<not loopback>` never sends a delivery, and its secret
/// header, in clear text through the proxy the environment names (`HTTP_PROXY`); it warns that
/// the delivery crosses the network unencrypted.
#[tokio::test(flavor = "multi_thread")]
async fn a_forwarded_secret_does_not_reach_an_environment_proxy_in_clear_text() {
    const SECRET: &str = "whsec-FORWARDED-8d7c6b";
    // The "proxy": records the head of what it is sent, answers 200.
    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_addr = proxy.local_addr().unwrap();
    let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = proxy.accept().await {
            let seen_tx = seen_tx.clone();
            tokio::spawn(async move {
                let head = read_head(&mut s).await.unwrap_or_default();
                let _ = seen_tx.send(head);
                let _ = s
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    let mut cmd = bare_std();
    cmd.env("HTTP_PROXY", format!("http://{proxy_addr}"))
        .env("http_proxy", format!("http://{proxy_addr}"))
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        // Not loopback by the forwarder's rule, and refused at once without a name lookup.
        .args(listen_args(SECRET, "http://0.0.0.0:9/hooks"));
    let mut child = spawn(cmd);
    let (listening, seen) = until_listening(child.stderr.take().unwrap()).await;
    let listening = listening.unwrap_or_else(|| panic!("no listening line: {seen}"));
    assert!(
        seen.contains("warning: http://0.0.0.0:9/hooks is plain http://")
            && seen.contains("unencrypted"),
        "{seen}"
    );
    // One delivery, as Ringg sends it: the secret in its header.
    let body = r#"{"event_type":"call_completed","call_id":"call-review-1","status":"completed"}"#;
    let mut s = tokio::net::TcpStream::connect(&listening).await.unwrap();
    let request = format!(
        "POST /ringg HTTP/1.1\r\nhost: {listening}\r\ncontent-type: application/json\r\nX-Webhook-Secret: {SECRET}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), s.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    drop(child);
    let proxied = tokio::time::timeout(Duration::from_secs(5), seen_rx.recv())
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    assert!(
        !proxied.contains(SECRET),
        "the webhook secret reached the environment's proxy in clear text:\n{proxied}\n(the receiver answered: {answer})"
    );
}

/// A refused `--forward-to` is quoted without the password of its user information.
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_forward_target_is_not_quoted_with_its_password() {
    const PASSWORD: &str = "pw-REFUSED-77e1";
    let mut cmd = bare();
    cmd.args(listen_args(
        "listen-secret-3f2a1b",
        &format!("ftp://app:{PASSWORD}@127.0.0.1/hooks"),
    ));
    let r = run(cmd).await;
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stderr.contains(PASSWORD),
        "the forward target's password reached stderr: {}",
        r.stderr
    );
}

/// A key of hex digits only, as Ringg's are, for the checks that read the terminal's hex
/// digits across lines.
const HEX_KEY: &str = "7251cb4b-3373-43a4-844c-b27a1d45e0c9";

/// A server with one call, `call-1` to +919800000001, whose callee name is `callee`, in its
/// history and call details.
async fn calls_server(callee: String) -> String {
    http_server(move |path| {
        let created = (chrono::Utc::now() - chrono::Duration::minutes(30)).to_rfc3339();
        let body = if path.contains("/calling/call-details") {
            serde_json::json!({"status": "success", "data": {
                "id": "call-1", "call_status": "completed", "call_sub_status": "ACCEPTED",
                "to_number": "+919800000001", "callee_name": callee,
                "agent_id": "830f767a-397e-4b39-82ff-235cd344e2f9"}})
        } else {
            serde_json::json!({"calls": [{"id": "call-1", "status": "completed",
                "to_number": "+919800000001", "name": callee,
                "created_at": created, "call_type": "outbound"}],
                "limit": 100, "offset": 0, "count": 1, "total": 1})
        };
        (200, "application/json", body.to_string())
    })
    .await
}

fn hex_key_cmd(base: &str, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = bare();
    cmd.args(["--base-url", base, "--api-key", HEX_KEY])
        .args(args);
    cmd
}

/// An echoed key inside a longer word is masked before a narrow table wraps it, so no two
/// lines show it between them; and the table stays aligned.
#[tokio::test(flavor = "multi_thread")]
async fn a_table_never_shows_an_echoed_key_across_lines() {
    let base = calls_server(format!("token={HEX_KEY}")).await;
    let mut cmd = hex_key_cmd(&base, &["calls", "get", "call-1"]);
    cmd.env("COLUMNS", "56");
    let r = ok(cmd).await;
    // The key's characters, in order, with the table's borders and line breaks removed.
    let squashed: String = r
        .stdout
        .chars()
        .filter(|c| c.is_ascii_hexdigit() || *c == '-')
        .collect();
    assert!(!squashed.contains(HEX_KEY), "{}", r.stdout);
    let r = ok(hex_key_cmd(&base, &["calls", "get", "call-1"])).await;
    let widths: Vec<usize> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with(['│', '┌', '├', '└']))
        .map(|l| l.chars().count())
        .collect();
    assert!(
        widths.windows(2).all(|w| w[0] == w[1]),
        "{widths:?}:\n{}",
        r.stdout
    );
}

/// `calls export` masks an echoed key in CSV as in JSON lines.
#[tokio::test(flavor = "multi_thread")]
async fn an_export_masks_an_echoed_key_in_either_format() {
    let base = calls_server(format!("Asha {HEX_KEY}")).await;
    for format in ["jsonl", "csv"] {
        let r = ok(hex_key_cmd(&base, &["calls", "export", "--format", format])).await;
        assert!(r.stdout.contains("[REDACTED]"), "{format}: {}", r.stdout);
    }
}

/// An answer that cannot be read: `--verbose` shows its body and `-o json` gives it as
/// `body`, the key it echoes masked either way; without `--verbose` the line stays short.
#[tokio::test(flavor = "multi_thread")]
async fn an_answer_that_cannot_be_read_is_shown_with_verbose_and_in_json() {
    let body = format!(
        r#"{{"workspace_info":{{"id":[12345],"name":"Acme-Shown","api_key":"{ECHOED_KEY}","note":"key {ECHOED_KEY}"}}}}"#
    );
    let base = answering(200, "application/json", body).await;
    let verbose = common::run(api_cmd(&base, &["--verbose", "workspace", "show"])).await;
    assert_ne!(verbose.code, 0, "{}", verbose.stderr);
    assert!(
        verbose.stderr.contains("workspace_info.id"),
        "{}",
        verbose.stderr
    );
    assert!(verbose.stderr.contains("Acme-Shown"), "{}", verbose.stderr);
    let json = common::run(api_cmd(&base, &["-o", "json", "workspace", "show"])).await;
    let line = json.stderr.lines().last().unwrap_or_default();
    let error: serde_json::Value = serde_json::from_str(line).unwrap();
    assert!(
        error["body"]
            .as_str()
            .is_some_and(|b| b.contains("Acme-Shown")),
        "{line}"
    );
    let plain = common::run(api_cmd(&base, &["workspace", "show"])).await;
    assert!(!plain.stderr.contains("Acme-Shown"), "{}", plain.stderr);
    for out in [&verbose.stderr, &json.stderr, &plain.stderr] {
        assert!(!out.contains(ECHOED_KEY), "the key was shown: {out}");
    }
    // An answer that is not JSON is not shown: its secrets cannot be told by their names.
    let repr = "{'workspace_info': {'id': 1, 'api_key': 'OTHER-KEY-123456789'}}".to_string();
    let base = answering(200, "application/json", repr).await;
    for args in [
        &["--verbose", "workspace", "show"][..],
        &["-o", "json", "workspace", "show"],
    ] {
        let r = common::run(api_cmd(&base, args)).await;
        assert_ne!(r.code, 0, "{}", r.stderr);
        assert!(!r.stderr.contains("OTHER-KEY"), "{args:?}: {}", r.stderr);
    }
}
