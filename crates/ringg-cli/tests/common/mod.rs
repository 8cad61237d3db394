//! Shared test helpers: a simulator per test, the `ringg` binary pointed at it, and the check
//! that the API key never shows up in any output.
#![allow(dead_code, unreachable_pub)]

use std::process::Output;

use assert_cmd::Command;
use ringg_sim::{RunningSimulator, Simulator};
use serde_json::Value;

/// A simulator fast enough for tests (a 3-minute call takes well under a second).
pub async fn sim() -> RunningSimulator {
    Simulator::builder()
        .time_scale(0.002)
        .seed(7)
        .start()
        .await
        .expect("the simulator starts")
}

/// A simulator like [`sim`] with these faults (`FaultConfig::parse`'s spec).
pub async fn sim_with_faults(spec: &str) -> RunningSimulator {
    Simulator::builder()
        .time_scale(0.002)
        .faults(ringg_sim::FaultConfig::parse(spec).expect("a fault spec"))
        .start()
        .await
        .expect("the simulator starts")
}

/// `DD/MM/YYYY, HH:MM` tomorrow in India, the campaigns' default zone.
pub fn tomorrow_ist(hh_mm: &str) -> String {
    let tz: chrono_tz::Tz = "Asia/Kolkata".parse().unwrap();
    let day =
        (chrono::Utc::now().with_timezone(&tz) + chrono::Duration::days(1)).format("%d/%m/%Y");
    format!("{day}, {hh_mm}")
}

/// `campaigns launch FILE --agent <the demo assistant> --name NAME`, then `extra`.
pub fn launch_args<'a>(file: &'a str, name: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "campaigns",
        "launch",
        file,
        "--agent",
        ringg_sim::demo::AGENT_ID,
        "--name",
        name,
    ];
    v.extend_from_slice(extra);
    v
}

/// `campaigns create` of `file` for `agent` (an id or a name), in a window in 2030; the
/// saved draft's list id.
pub async fn save_draft(sim: &RunningSimulator, file: &str, agent: &str, name: &str) -> String {
    let saved = ok(ringg(
        sim,
        &[
            "-o",
            "json",
            "campaigns",
            "create",
            file,
            "--agent",
            agent,
            "--name",
            name,
            "--start",
            "01/01/2030, 10:00",
            "--end",
            "01/01/2030, 18:00",
        ],
    ))
    .await
    .json();
    saved["list_id"]
        .as_str()
        .unwrap_or_else(|| panic!("a list id: {saved}"))
        .to_string()
}

/// The state folder of this test process (journal, dedupe store), so tests never touch the
/// user's own `~/.local/state/ringg`. A test that needs its own sets `RINGG_STATE_DIR` again.
pub fn state_dir() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temp dir"))
        .path()
}

/// The config folder of this test process (profiles), so tests never read the user's own
/// profiles. A test that needs its own sets `RINGG_CONFIG_DIR` again.
pub fn config_dir() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temp dir"))
        .path()
}

/// `ringg` with a clean environment (no key, no base URL, no profile from the caller's
/// shell) and this process's state and config folders.
pub fn bare() -> Command {
    let mut cmd = Command::from_std(bare_std());
    cmd.timeout(std::time::Duration::from_secs(120));
    cmd
}

/// [`bare`] as a `std::process::Command`, for a `ringg` that runs while the test reads its
/// output (see [`spawn`]).
pub fn bare_std() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ringg"));
    cmd.env("RINGG_STATE_DIR", state_dir())
        .env("RINGG_CONFIG_DIR", config_dir())
        .env_remove("RINGG_PROFILE")
        .env_remove("RINGG_TIMEZONE")
        .env_remove("RINGG_QUIET_HOURS")
        .env_remove("RINGG_API_KEY")
        .env_remove("RINGG_BASE_URL")
        .env_remove("RINGG_STT_BASE_URL")
        .env_remove("RINGG_WEBHOOK_SECRET")
        .env_remove("RINGG_TIMEOUT")
        .env_remove("RINGG_RATE_LIMIT")
        .env_remove("RINGG_MAX_IN_FLIGHT")
        .env_remove("RINGG_REDIS_URL")
        .env_remove("COLUMNS")
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1");
    cmd
}

/// Starts `cmd` (made from [`bare_std`]) with its stdout and stderr piped; it is killed when
/// the test ends.
pub fn spawn(mut cmd: std::process::Command) -> Spawned {
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    Spawned(cmd.spawn().expect("ringg starts"))
}

/// `ringg calls tail` against `sim`, with `extra` arguments (a process to spawn and read).
pub fn calls_tail(sim: &RunningSimulator, extra: &[&str]) -> std::process::Command {
    let mut cmd = bare_std();
    cmd.args(["--base-url", &sim.base_url(), "--api-key", sim.api_key()])
        .args(["calls", "tail"])
        .args(extra);
    cmd
}

/// `ringg calls tail --listen 127.0.0.1:0` against `sim`, `secret` its webhook secret (from
/// the environment).
pub fn tail_listen(sim: &RunningSimulator, secret: &str) -> std::process::Command {
    let mut cmd = calls_tail(sim, &["--listen", "127.0.0.1:0"]);
    cmd.env("RINGG_WEBHOOK_SECRET", secret);
    cmd
}

/// The arguments of a quickstart that places its call without asking: to the demo's first
/// number, from the demo's second number (named by the first eight characters of its id).
pub fn quickstart_call() -> [&'static str; 7] {
    [
        "--to",
        "+919876500001",
        "--yes",
        "--timeout",
        "60",
        "--from-number-id",
        &ringg_sim::demo::NUMBER_ID_2[..8],
    ]
}

/// `ringg --base-url <sim> --api-key <key> <args…>`.
pub fn ringg(sim: &RunningSimulator, args: &[&str]) -> Command {
    let mut cmd = bare();
    cmd.args(["--base-url", &sim.base_url(), "--api-key", sim.api_key()]);
    cmd.args(args);
    cmd
}

/// The ids of the simulator's calls to `to`.
pub fn calls_to(sim: &RunningSimulator, to: &str) -> Vec<String> {
    sim.handle()
        .calls()
        .into_iter()
        .filter(|c| c.to_number == to)
        .map(|c| c.id.to_string())
        .collect()
}

/// The arguments of `workspace rotate-key` writing the new key to `key_file`, confirmed.
pub fn rotate_args(key_file: &std::path::Path) -> [&str; 5] {
    let file = key_file.to_str().expect("a UTF-8 path");
    ["workspace", "rotate-key", "--key-file", file, "--yes"]
}

/// The arguments of `calls create` from the demo assistant and number to `to`, then `extra`.
pub fn call_args<'a>(to: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "calls",
        "create",
        "--agent",
        ringg_sim::demo::AGENT_ID,
        "--to",
        to,
        "--name",
        "Asha",
        "--from-number-id",
        ringg_sim::demo::NUMBER_ID,
    ];
    args.extend_from_slice(extra);
    args
}

/// The output as text, after checking that no key appears in it.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", self.stdout))
    }

    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}"))
            })
            .collect()
    }
}

/// Every key a test run may know: the demo key.
pub const KEYS: &[&str] = &[ringg_sim::DEMO_API_KEY];

/// Runs the command off the async runtime's worker threads and returns its output, after
/// asserting that no API key appears on stdout or stderr.
pub async fn run(mut cmd: Command) -> Run {
    let out: Output = tokio::task::spawn_blocking(move || cmd.output().expect("ringg runs"))
        .await
        .expect("the command thread");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    for key in KEYS {
        assert!(
            !run.stdout.contains(key) && !run.stderr.contains(key),
            "the API key leaked into the output:\nstdout:\n{}\nstderr:\n{}",
            run.stdout,
            run.stderr
        );
    }
    run
}

/// Runs and expects exit code 0.
pub async fn ok(cmd: Command) -> Run {
    let r = run(cmd).await;
    assert_eq!(
        r.code, 0,
        "expected success\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    r
}

/// Runs and expects a failure with this exit code and a one-line `error: …` message (with
/// `--output json`: one JSON object with `code`, `message` and `hint`).
pub async fn fails(cmd: Command, code: i32) -> Run {
    let r = run(cmd).await;
    assert_eq!(r.code, code, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    // `calls create` prints its client reference before sending; the error is one line.
    let lines: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("client reference rr-"))
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "expected one error line, got:\n{}",
        r.stderr
    );
    if lines[0].starts_with('{') {
        let v: Value = serde_json::from_str(lines[0]).expect("a JSON error object");
        assert!(
            v["code"].is_string() && v["message"].is_string() && v.get("hint").is_some(),
            "{}",
            r.stderr
        );
        assert_eq!(v["exit_code"], code, "{}", r.stderr);
    } else {
        assert!(lines[0].starts_with("error: "), "{}", r.stderr);
    }
    assert!(!r.stderr.contains("panicked") && !r.stderr.contains("RUST_BACKTRACE"));
    r
}

/// A spawned `ringg` that is killed when the test ends, failed assertions included.
pub struct Spawned(pub std::process::Child);

impl std::ops::Deref for Spawned {
    type Target = std::process::Child;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Spawned {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The API key a profile's key file holds: its first line (a second names the key's server).
pub fn stored_key(file: &std::path::Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    text.lines().next().unwrap_or_default().to_string()
}

/// Reads an HTTP request's head, up to its blank line, from `s`; `None` when the peer closed
/// (or failed) first.
pub async fn read_head(s: &mut tokio::net::TcpStream) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// A server on 127.0.0.1 answering each request (one per connection) with the status,
/// content type and body `answer` gives for its path (and query); its base URL
/// (`…/ca/api/v0`).
pub async fn http_server<F>(answer: F) -> String
where
    F: Fn(&str) -> (u16, &'static str, String) + Send + Sync + 'static,
{
    use tokio::io::AsyncWriteExt;
    let answer = std::sync::Arc::new(answer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                let Some(head) = read_head(&mut s).await else {
                    return;
                };
                let path = head.split_whitespace().nth(1).unwrap_or_default();
                let (status, content_type, body) = answer(path);
                let resp = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(resp.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}/ca/api/v0")
}

/// Reads a `ringg webhooks listen`'s stderr until its "listening on" line (at most 60 s):
/// the address it listens on, when the line came, and everything read.
pub async fn until_listening(stderr: std::process::ChildStderr) -> (Option<String>, String) {
    use std::io::BufRead;
    let read = tokio::task::spawn_blocking(move || {
        let mut reader = std::io::BufReader::new(stderr);
        let mut seen = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return (None, seen);
            }
            seen.push_str(&line);
            if let Some(rest) = line.split("listening on http://").nth(1) {
                return (rest.split('/').next().map(str::to_owned), seen);
            }
        }
    });
    tokio::time::timeout(std::time::Duration::from_secs(60), read)
        .await
        .expect("the listening line within 60 s")
        .unwrap()
}
