//! `ringg login` and `ringg profiles` against a simulator: the key read from stdin, checked,
//! and kept in a 0600 file, after which no command needs --api-key; flags and environment
//! variables still win; `login --sim` finds a running `ringg sim serve`.

mod common;

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use common::{bare, fails, ok, sim};

/// `ringg` with its own config and state folders.
fn with_dirs(config: &std::path::Path, state: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = bare();
    cmd.env("RINGG_CONFIG_DIR", config)
        .env("RINGG_STATE_DIR", state);
    cmd
}

/// A config and a state folder of a test's own.
struct Dirs {
    config: tempfile::TempDir,
    state: tempfile::TempDir,
}

impl Dirs {
    fn new() -> Self {
        Self {
            config: tempfile::tempdir().unwrap(),
            state: tempfile::tempdir().unwrap(),
        }
    }

    /// `ringg args…` with these folders.
    fn cmd(&self, args: &[&str]) -> assert_cmd::Command {
        let mut c = with_dirs(self.config.path(), self.state.path());
        c.args(args);
        c
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn login_keeps_the_key_in_a_private_file_and_commands_need_no_key() {
    let sim = sim().await;
    let dirs = Dirs::new();
    let config = &dirs.config;
    let cmd = |args: &[&str]| dirs.cmd(args);

    // The key is never taken from the command line.
    let r = fails(
        cmd(&[
            "login",
            "--base-url",
            &sim.base_url(),
            "--api-key",
            sim.api_key(),
        ]),
        2,
    )
    .await;
    assert!(
        r.stderr.contains("never takes the key on the command line"),
        "{}",
        r.stderr
    );
    // A wrong key is refused and nothing is saved.
    let mut c = cmd(&["login", "--base-url", &sim.base_url(), "--profile", "local"]);
    c.write_stdin("not-the-key\n");
    fails(c, 4).await;
    assert!(!config.path().join("config.toml").exists());

    let mut c = cmd(&["login", "--base-url", &sim.base_url(), "--profile", "local"]);
    c.write_stdin(format!("{}\n", sim.api_key()));
    let r = ok(c).await;
    assert!(r.stdout.contains("Demo Workspace"), "{}", r.stdout);
    let key_file = config.path().join("keys/local.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = std::fs::metadata(config.path().join("keys"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);
    }
    // The key, then the server it was checked against.
    assert_eq!(
        std::fs::read_to_string(&key_file).unwrap(),
        format!("{}\nserver {}\n", sim.api_key(), sim.base_url())
    );
    let text = std::fs::read_to_string(config.path().join("config.toml")).unwrap();
    assert!(
        !text.contains(sim.api_key()),
        "the key is only in its own file"
    );
    assert!(text.contains("default_profile = \"local\""), "{text}");

    // No --api-key, no --base-url: the default profile.
    let r = ok(cmd(&["-o", "json", "workspace", "show"])).await;
    assert_eq!(r.json()["workspace_info"]["name"], "Demo Workspace");
    let r = ok(cmd(&[
        "--profile",
        "local",
        "assistants",
        "get",
        "Sales Assistant",
    ]))
    .await;
    assert!(r.stdout.contains("830f767a"), "{}", r.stdout);
    // A key and its server go together. A key from the environment is not sent to the
    // profile's server...
    let mut c = cmd(&["workspace", "show"]);
    c.env("RINGG_API_KEY", "wrong-key");
    let r = fails(c, 2).await;
    assert!(
        r.stderr.contains("RINGG_API_KEY") && r.stderr.contains("profile local"),
        "{}",
        r.stderr
    );
    // ...nor the profile's key to another server.
    let mut c = cmd(&["workspace", "show"]);
    c.env("RINGG_BASE_URL", "http://127.0.0.1:9/ca/api/v0");
    let r = fails(c, 2).await;
    assert!(
        r.stderr.contains("profile local") && r.stderr.contains("127.0.0.1:9"),
        "{}",
        r.stderr
    );
    // Both from the environment: they win over the profile (a wrong key is used, and refused).
    let mut c = cmd(&["workspace", "show"]);
    c.env("RINGG_API_KEY", "wrong-key")
        .env("RINGG_BASE_URL", sim.base_url());
    fails(c, 4).await;

    let r = ok(cmd(&["profiles", "list"])).await;
    assert!(
        r.stdout.contains("local")
            && r.stdout.contains("stored")
            && !r.stdout.contains(sim.api_key()),
        "{}",
        r.stdout
    );
    // A list like every other: `{items, paging}`, the key never in it.
    let listed = ok(cmd(&["-o", "json", "profiles", "list"])).await.json();
    assert_eq!(listed["items"][0]["name"], "local", "{listed}");
    assert_eq!(listed["items"][0]["default"], true, "{listed}");
    assert_eq!(listed["items"][0]["has_key"], true, "{listed}");
    assert_eq!(listed["paging"]["count"], 1, "{listed}");
    assert!(listed["paging"]["next_offset"].is_null(), "{listed}");
    fails(cmd(&["profiles", "use", "nope"]), 3).await;
    fails(cmd(&["--profile", "nope", "workspace", "show"]), 2).await;
    ok(cmd(&["profiles", "remove", "local"])).await;
    assert!(!key_file.exists());
    let r = fails(cmd(&["workspace", "show"]), 4).await;
    assert!(r.stderr.contains("ringg login"), "{}", r.stderr);
    // No profile left: the empty list says so and names the next command.
    let r = ok(cmd(&["profiles", "list"])).await;
    assert!(
        r.stdout.contains("no profiles yet; `ringg login`"),
        "{}",
        r.stdout
    );
    let empty = ok(cmd(&["-o", "json", "profiles", "list"])).await.json();
    assert_eq!(empty["items"], serde_json::json!([]), "{empty}");
}

/// `ringg login --profile NAME --base-url URL` with `key` on stdin, which must succeed.
async fn login(dirs: &Dirs, name: &str, base_url: &str, key: &str) {
    let mut c = dirs.cmd(&["login", "--profile", name, "--base-url", base_url]);
    c.write_stdin(format!("{key}\n"));
    ok(c).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_login_stopped_between_its_writes_leaves_no_key_that_is_sent_to_the_old_server() {
    let (old, new) = (sim().await, sim().await);
    let (_, new_key) = new.handle().add_workspace("New Workspace", 50.0);
    let dirs = Dirs::new();
    login(&dirs, "local", &old.base_url(), old.api_key()).await;
    // `login --profile local --base-url NEW` writes the new key, then the config. Stopped in
    // between, the profile still names the old server and its key file holds the new key,
    // as another profile's login to the new server writes it.
    login(&dirs, "other", &new.base_url(), new_key.expose()).await;
    let keys = dirs.config.path().join("keys");
    std::fs::copy(keys.join("other.key"), keys.join("local.key")).unwrap();
    let before = old.handle().stats().requests;
    let r = fails(dirs.cmd(&["--profile", "local", "workspace", "show"]), 4).await;
    assert!(
        r.stderr.contains("profile local's key was stored for")
            && r.stderr.contains(&new.base_url())
            && r.stderr.contains("ringg login --profile local"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(new_key.expose()));
    assert_eq!(
        old.handle().stats().requests,
        before,
        "the new server's key was sent to the old server"
    );
    // Logging in again stores the pair.
    login(&dirs, "local", &new.base_url(), new_key.expose()).await;
    let r = ok(dirs.cmd(&["-o", "json", "--profile", "local", "workspace", "show"])).await;
    assert_eq!(r.json()["workspace_info"]["name"], "New Workspace");
}

#[tokio::test(flavor = "multi_thread")]
async fn logins_at_the_same_time_keep_every_profile() {
    let sim = sim().await;
    for round in 0..4 {
        let dirs = Dirs::new();
        let names = ["a", "b", "c", "d"];
        let runs = names.map(|name| {
            let mut c = dirs.cmd(&["login", "--profile", name, "--base-url", &sim.base_url()]);
            c.write_stdin(format!("{}\n", sim.api_key()));
            tokio::spawn(ok(c))
        });
        for run in runs {
            run.await.unwrap();
        }
        let listed = ok(dirs.cmd(&["-o", "json", "profiles", "list"]))
            .await
            .json();
        let saved: Vec<&str> = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(saved, names, "round {round}: {listed}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn login_sim_finds_the_running_simulator() {
    let config = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let extra = ["--credits", "9000", "--demo"];
    let (mut child, base) = serve_sim(config.path(), state.path(), &extra);
    let marker = state.path().join("sim-serve.json");
    marker_naming(&marker, &base).await;

    let mut c = with_dirs(config.path(), state.path());
    c.args(["login", "--sim"]);
    let r = ok(c).await;
    assert!(r.stdout.contains(&base), "{}", r.stdout);
    let mut c = with_dirs(config.path(), state.path());
    c.args(["-o", "json", "workspace", "show"]);
    let shown = ok(c).await.json();
    // --credits and --demo took effect.
    assert_eq!(shown["workspace_info"]["credits"].as_f64(), Some(9000.0));
    let mut c = with_dirs(config.path(), state.path());
    c.args(["assistants", "get", "Renewals Assistant"]);
    ok(c).await;
    // Stopped as a service manager stops it: the file goes with it.
    #[cfg(unix)]
    {
        terminate(&mut child);
        assert!(!marker.exists(), "sim-serve.json is removed on SIGTERM");
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A `ringg sim serve` (with `extra` arguments) started under the folders of a test, and the
/// base URL it printed.
fn serve_sim(
    config: &std::path::Path,
    state: &std::path::Path,
    extra: &[&str],
) -> (common::Spawned, String) {
    let mut serve = common::bare_std();
    serve
        .args(["sim", "serve", "--time-scale", "0.01"])
        .args(extra)
        .env("RINGG_STATE_DIR", state)
        .env("RINGG_CONFIG_DIR", config);
    let mut child = common::spawn(serve);
    if let Some(mut err) = child.stderr.take() {
        std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
    }
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = lines.next().unwrap().unwrap();
    let base = base.strip_prefix("base_url=").unwrap().to_string();
    // The rest of its output is not needed; read so that the pipe never fills.
    std::thread::spawn(move || lines.for_each(drop));
    (child, base)
}

/// Waits until `sim-serve.json` names `base` (or a minute has passed) and returns its text.
async fn marker_naming(marker: &std::path::Path, base: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = std::fs::read_to_string(marker).unwrap_or_default();
        if text.contains(base) || Instant::now() > deadline {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Stops a simulator as a service manager would (SIGTERM) and waits for it.
#[cfg(unix)]
fn terminate(child: &mut std::process::Child) {
    let pid = child.id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = tokio::task::block_in_place(|| child.wait().unwrap());
    assert!(status.success(), "{status:?}");
}

/// A second simulator stopped before the first puts the first one's record back, so
/// `login --sim` still finds the one that runs; the last one stopped removes the file.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread")]
async fn stopping_a_second_simulator_leaves_the_first_one_findable() {
    let (config, state) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let marker = state.path().join("sim-serve.json");
    let (mut first, first_base) = serve_sim(config.path(), state.path(), &[]);
    assert!(
        marker_naming(&marker, &first_base)
            .await
            .contains(&first_base)
    );
    let (mut second, second_base) = serve_sim(config.path(), state.path(), &[]);
    assert!(
        marker_naming(&marker, &second_base)
            .await
            .contains(&second_base)
    );

    terminate(&mut second);
    let text = std::fs::read_to_string(&marker).unwrap_or_default();
    assert!(text.contains(&first_base), "{text:?}");
    let mut c = with_dirs(config.path(), state.path());
    c.args(["login", "--sim"]);
    let r = ok(c).await;
    assert!(r.stdout.contains(&first_base), "{}", r.stdout);

    terminate(&mut first);
    assert!(
        !marker.exists(),
        "the last simulator stopped removes sim-serve.json"
    );
}

/// A `sim-serve.json` left by a simulator killed without its cleanup is named as such, and
/// removed.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread")]
async fn login_sim_tells_a_simulator_that_is_gone() {
    let (config, state) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // The pid of a process that has ended.
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    gone.wait().unwrap();
    let marker = state.path().join("sim-serve.json");
    std::fs::write(
        &marker,
        serde_json::json!({"base_url": "http://127.0.0.1:9/ca/api/v0", "pid": gone.id()})
            .to_string(),
    )
    .unwrap();
    let mut c = with_dirs(config.path(), state.path());
    c.args(["login", "--sim"]);
    let r = common::run(c).await;
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("stopped without removing it"),
        "{}",
        r.stderr
    );
    assert!(!marker.exists());
}

/// Removing the default profile leaves the one profile left as the default, or, with several
/// left, says that none is and how to pick one; a command then says the same.
#[tokio::test(flavor = "multi_thread")]
async fn removing_the_default_profile_says_what_is_default_next() {
    let sim = sim().await;
    let dirs = Dirs::new();
    let cmd = |args: &[&str]| dirs.cmd(args);
    for name in ["alpha", "beta", "gamma"] {
        let mut c = cmd(&[
            "login",
            "--base-url",
            &sim.base_url(),
            "--profile",
            name,
            "--default",
        ]);
        c.write_stdin(format!("{}\n", sim.api_key()));
        ok(c).await;
    }
    let r = ok(cmd(&["profiles", "remove", "gamma"])).await;
    assert!(
        r.stderr.contains("no default profile now") && r.stderr.contains("alpha, beta"),
        "{}",
        r.stderr
    );
    let r = fails(cmd(&["workspace", "show"]), 4).await;
    assert!(
        r.stderr.contains("no profile is the default") && r.stderr.contains("ringg profiles use"),
        "{}",
        r.stderr
    );
    ok(cmd(&["profiles", "use", "beta"])).await;
    let r = ok(cmd(&["profiles", "remove", "beta"])).await;
    assert!(
        r.stderr.contains("profile alpha is the default now"),
        "{}",
        r.stderr
    );
    let r = ok(cmd(&["workspace", "show"])).await;
    assert!(r.stdout.contains("Demo Workspace"), "{}", r.stdout);
}

/// A profile whose server is gone (a `ringg sim serve` stopped) gets advice about that
/// profile, not about a --base-url the user never gave.
#[tokio::test(flavor = "multi_thread")]
async fn a_profile_whose_server_is_gone_is_named_in_the_advice() {
    let sim = sim().await;
    let dirs = Dirs::new();
    login(&dirs, "local", &sim.base_url(), sim.api_key()).await;
    sim.shutdown().await;
    let r = fails(dirs.cmd(&["workspace", "show"]), 1).await;
    assert!(
        r.stderr.contains("profile local does not answer") && r.stderr.contains("ringg sim serve"),
        "{}",
        r.stderr
    );
}
