//! `ringg workspace`, `ringg numbers`, and the global error handling: missing key, plain
//! http to a remote host, bad key, usage mistakes.

mod common;

use common::{bare, fails, ok, ringg, sim};

#[tokio::test(flavor = "multi_thread")]
async fn workspace_show_redacts_the_key_in_both_formats() {
    let sim = sim().await;
    let r = ok(ringg(&sim, &["workspace", "show"])).await;
    assert!(r.stdout.contains("Demo Workspace"), "{}", r.stdout);
    assert!(r.stdout.contains("[REDACTED]"));
    assert!(r.stdout.contains("3025"));

    let r = ok(ringg(&sim, &["workspace", "show", "--output", "json"])).await;
    let v = r.json();
    assert_eq!(v["workspace_info"]["name"], "Demo Workspace");
    assert_eq!(v["workspace_info"]["api_key"], "[REDACTED]");
}

#[tokio::test(flavor = "multi_thread")]
async fn workspace_users_and_numbers() {
    let sim = sim().await;
    let r = ok(ringg(&sim, &["workspace", "users"])).await;
    assert!(r.stdout.contains("owner"), "{}", r.stdout);
    let r = ok(ringg(&sim, &["-o", "json", "workspace", "users", "--all"])).await;
    assert_eq!(r.json_lines().len(), 2, "--all is JSON lines");
    let r = ok(ringg(&sim, &["-o", "json", "workspace", "users"])).await;
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 2);
    assert!(r.json()["paging"]["next_offset"].is_null());

    let r = ok(ringg(&sim, &["numbers", "list"])).await;
    assert!(r.stdout.contains(ringg_sim::demo::NUMBER), "{}", r.stdout);
    let r = ok(ringg(&sim, &["numbers", "list", "--output", "json"])).await;
    let v = r.json();
    let ids: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&ringg_sim::demo::NUMBER_ID));
}

#[tokio::test(flavor = "multi_thread")]
async fn rotate_key_writes_the_new_key_to_a_file_only() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("key");
    let f = file.to_str().unwrap();
    // Without --yes nothing happens.
    let r = fails(
        ringg(&sim, &["workspace", "rotate-key", "--key-file", f]),
        2,
    )
    .await;
    assert!(r.stderr.contains("--yes"));
    let r = ok(ringg(
        &sim,
        &["workspace", "rotate-key", "--key-file", f, "--yes"],
    ))
    .await;
    let new_key = std::fs::read_to_string(&file).unwrap().trim().to_string();
    assert!(!new_key.is_empty());
    assert!(!r.stdout.contains(&new_key) && !r.stderr.contains(&new_key));
    assert_eq!(sim.handle().workspace().api_key.expose(), new_key);
    // The old key is refused now, with a one-line hint about the key.
    let r = fails(ringg(&sim, &["workspace", "show"]), 4).await;
    assert!(
        r.stderr.contains("401") && r.stderr.contains("RINGG_API_KEY"),
        "{}",
        r.stderr
    );
    // The new key works (passed through the environment).
    let mut cmd = bare();
    cmd.env("RINGG_BASE_URL", sim.base_url())
        .env("RINGG_API_KEY", &new_key);
    cmd.args(["workspace", "show"]);
    let r = ok(cmd).await;
    assert!(!r.stdout.contains(&new_key));
}

#[tokio::test(flavor = "multi_thread")]
async fn rotate_key_gives_the_profile_in_use_the_new_key() {
    let sim = sim().await;
    let config = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cmd = |args: &[&str]| {
        let mut c = bare();
        c.env("RINGG_CONFIG_DIR", config.path()).args(args);
        c
    };
    // The server written otherwise than the client writes it: the rotated key, stored for the
    // server as the client names it, still goes with the profile.
    let typed = format!("{}/ ", sim.base_url().replacen("http://", "HTTP://", 1));
    let mut login = cmd(&["login", "--base-url", &typed, "--profile", "local"]);
    login.write_stdin(format!("{}\n", sim.api_key()));
    ok(login).await;
    let file = dir.path().join("new.key");
    let r = ok(cmd(&common::rotate_args(&file))).await;
    let new_key = std::fs::read_to_string(&file).unwrap().trim().to_string();
    assert_eq!(sim.handle().workspace().api_key.expose(), new_key);
    assert!(
        r.stdout.contains("profile local now holds it") && !r.stdout.contains("export"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains(&new_key) && !r.stderr.contains(&new_key));
    let stored = config.path().join("keys/local.key");
    assert_eq!(common::stored_key(&stored), new_key);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&stored).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // The next command works with the profile as it is.
    let r = ok(cmd(&["-o", "json", "workspace", "show"])).await;
    assert_eq!(r.json()["workspace_info"]["name"], "Demo Workspace");

    // A key from the environment leaves the profile alone, and the advice printed works as
    // it is, although the profile names the same server.
    let second = dir.path().join("second key");
    let mut c = cmd(&common::rotate_args(&second));
    c.env("RINGG_API_KEY", &new_key)
        .env("RINGG_BASE_URL", sim.base_url());
    let r = ok(c).await;
    let newest = std::fs::read_to_string(&second).unwrap().trim().to_string();
    assert!(!r.stdout.contains(&newest) && !r.stderr.contains(&newest));
    assert_eq!(common::stored_key(&stored), new_key);
    let advice = r
        .stdout
        .split("before the next command: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no advice: {}", r.stdout))
        .trim()
        .to_string();
    assert!(advice.starts_with("export RINGG_API_KEY="), "{advice}");
    #[cfg(unix)]
    {
        let mut sh = std::process::Command::new("sh");
        for (k, v) in common::bare_std().get_envs() {
            match v {
                Some(v) => sh.env(k, v),
                None => sh.env_remove(k),
            };
        }
        sh.env("RINGG_CONFIG_DIR", config.path())
            .env("RINGG", env!("CARGO_BIN_EXE_ringg"))
            .args([
                "-c",
                &format!("{advice} && exec \"$RINGG\" -o json workspace show"),
            ]);
        let r = ok(assert_cmd::Command::from_std(sh)).await;
        assert_eq!(r.json()["workspace_info"]["name"], "Demo Workspace");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_key_is_one_clear_line() {
    let r = fails(
        {
            let mut c = bare();
            c.args(["workspace", "show"]);
            c
        },
        4,
    )
    .await;
    assert!(
        r.stderr.contains("RINGG_API_KEY") && r.stderr.contains("--api-key"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--sim"));
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_http_to_a_remote_host_is_refused() {
    let mut c = bare();
    c.args([
        "--base-url",
        "http://prod-api.ringg.ai/ca/api/v0",
        "--api-key",
        "k",
        "workspace",
        "show",
    ]);
    let r = fails(c, 2).await;
    assert!(r.stderr.contains("https://"), "{}", r.stderr);
    assert!(r.stderr.contains("unencrypted"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_mistakes_exit_2_with_one_line() {
    let mut c = bare();
    c.args(["workspace", "frobnicate"]);
    let r = fails(c, 2).await;
    assert!(r.stderr.contains("--help"), "{}", r.stderr);
    let mut c = bare();
    c.args(["numbers", "list", "--limit", "500"]);
    fails(c, 2).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sim_flag_runs_a_command_against_an_embedded_simulator() {
    let mut c = bare();
    c.args(["--sim", "-o", "json", "workspace", "show"]);
    let r = ok(c).await;
    assert_eq!(r.json()["workspace_info"]["name"], "Demo Workspace");
    assert!(r.stderr.contains("--sim"), "{}", r.stderr);
}

#[test]
fn sim_serve_prints_its_address_and_key() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ringg"))
        .args(["sim", "serve", "--time-scale", "0.01"])
        .env_remove("RINGG_API_KEY")
        .env_remove("RINGG_BASE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = lines.next().unwrap().unwrap();
    let key = lines.next().unwrap().unwrap();
    assert!(base.starts_with("base_url=http://127.0.0.1:"), "{base}");
    assert_eq!(key, format!("api_key={}", ringg_sim::DEMO_API_KEY));
    // The printed values work.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ringg"))
        .args(["-o", "json", "workspace", "show"])
        .env("RINGG_BASE_URL", base.trim_start_matches("base_url="))
        .env("RINGG_API_KEY", key.trim_start_matches("api_key="))
        .output()
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["workspace_info"]["api_key"], "[REDACTED]");
}
