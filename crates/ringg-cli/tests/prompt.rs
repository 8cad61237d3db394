//! The confirmation question on a terminal (a pseudo-terminal): "no" leaves everything as it
//! was, "yes" goes ahead.
#![cfg(unix)]

mod common;

use std::time::{Duration, Instant};

use rexpect::error::Error;
use rexpect::session::spawn_command;

/// Runs `ringg … assistants delete "Support Desk"` on a pseudo-terminal and answers.
fn delete_and_answer(base: &str, key: &str, answer: &str) -> String {
    run_and_answer(
        base,
        key,
        &["assistants", "delete", "Support Desk"],
        "Delete this assistant?",
        answer,
    )
}

/// Runs `ringg … ARGS` on a pseudo-terminal, expects `question`, and answers.
fn run_and_answer(base: &str, key: &str, args: &[&str], question: &str, answer: &str) -> String {
    run_and_answer_after(base, key, args, (question, || {}), answer)
}

/// [`run_and_answer`], running `meanwhile` once the question is asked, before answering.
fn run_and_answer_after(
    base: &str,
    key: &str,
    args: &[&str],
    (question, meanwhile): (&str, impl FnOnce()),
    answer: &str,
) -> String {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ringg"));
    cmd.args(["--base-url", base, "--api-key", key])
        .args(args)
        .env("RINGG_STATE_DIR", common::state_dir())
        .env("RINGG_CONFIG_DIR", common::config_dir())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut p = spawn_command(cmd, Some(1_000)).expect("ringg starts on a pseudo-terminal");
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut seen = String::new();
    while Instant::now() < deadline {
        match p.exp_string("[y/N]") {
            Ok(before) => {
                seen.push_str(&before);
                break;
            }
            Err(Error::Timeout { got, .. }) => seen.push_str(&got),
            Err(e) => panic!("ringg ended before asking: {e}; it wrote: {seen}"),
        }
    }
    assert!(seen.contains(question), "{seen}");
    meanwhile();
    p.send_line(answer).expect("the answer is typed");
    while Instant::now() < deadline {
        match p.exp_eof() {
            Ok(rest) => return format!("{seen}{rest}"),
            Err(Error::Timeout { got, .. }) => seen.push_str(&got),
            Err(e) => panic!("reading ringg failed: {e}; it wrote: {seen}"),
        }
    }
    panic!("ringg did not end after the answer; it wrote: {seen}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_question_is_asked_and_answered_on_a_terminal() {
    let sim = common::sim().await;
    let (base, key) = (sim.base_url(), sim.api_key().to_string());
    let (b, k) = (base.clone(), key.clone());
    let said_no = tokio::task::spawn_blocking(move || delete_and_answer(&b, &k, "n"))
        .await
        .unwrap();
    assert!(said_no.contains("not confirmed"), "{said_no}");
    assert_eq!(sim.handle().workspace().assistants, 2);
    let said_yes = tokio::task::spawn_blocking(move || delete_and_answer(&base, &key, "y"))
        .await
        .unwrap();
    assert!(said_yes.contains("deleted assistant"), "{said_yes}");
    assert_eq!(sim.handle().workspace().assistants, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_knowledge_base_is_asked_like_every_deletion() {
    let sim = common::sim().await;
    let (base, key) = (sim.base_url(), sim.api_key().to_string());
    let kb_id = ringg_sim::demo::KB_ID;
    let answer = |answer: &'static str| {
        let (b, k) = (base.clone(), key.clone());
        tokio::task::spawn_blocking(move || {
            run_and_answer(
                &b,
                &k,
                &["kb", "delete", "Product FAQ"],
                "Delete this knowledge base?",
                answer,
            )
        })
    };
    let said_no = answer("n").await.unwrap();
    assert!(
        said_no.contains("Product FAQ") && said_no.contains(kb_id),
        "what goes is shown first: {said_no}"
    );
    assert!(said_no.contains("not confirmed"), "{said_no}");
    let listed = common::ok(common::ringg(&sim, &["-o", "json", "kb", "list"])).await;
    assert!(listed.stdout.contains(kb_id), "{}", listed.stdout);
    let said_yes = answer("y").await.unwrap();
    assert!(
        said_yes.contains(kb_id) && !said_yes.contains("not confirmed"),
        "{said_yes}"
    );
    let listed = common::ok(common::ringg(&sim, &["-o", "json", "kb", "list"])).await;
    assert!(!listed.stdout.contains(kb_id), "{}", listed.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn login_asks_for_the_key_without_echoing_it() {
    let sim = common::sim().await;
    let config = tempfile::tempdir().unwrap();
    let (base, key) = (sim.base_url(), sim.api_key().to_string());
    let dir = config.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ringg"));
        cmd.args(["login", "--base-url", &base, "--profile", "typed"])
            .env("RINGG_STATE_DIR", common::state_dir())
            .env("RINGG_CONFIG_DIR", &dir)
            .env("NO_COLOR", "1")
            .env("TERM", "xterm");
        let mut p = spawn_command(cmd, Some(90_000)).expect("ringg starts on a pseudo-terminal");
        p.exp_string("API key for").expect("the key is asked for");
        p.send_line(&key).unwrap();
        p.exp_eof().expect("ringg ends")
    })
    .await
    .unwrap();
    assert!(out.contains("logged in"), "{out}");
    assert!(!out.contains(sim.api_key()), "the key was echoed: {out}");
    assert_eq!(
        common::stored_key(&config.path().join("keys/typed.key")),
        sim.api_key()
    );
}

/// A campaign file replaced while its launch asks for confirmation is not launched: the plan
/// confirmed was of the file as checked.
#[tokio::test(flavor = "multi_thread")]
async fn a_campaign_file_replaced_at_the_question_is_not_launched() {
    let sim = common::sim().await;
    let (base, key) = (sim.base_url(), sim.api_key().to_string());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("contacts.csv");
    std::fs::write(&file, "Mobile Number,Name\n+919876500601,Asha\n").unwrap();
    let path = file.display().to_string();
    let said = tokio::task::spawn_blocking(move || {
        let args = [
            "campaigns",
            "launch",
            &path,
            "--quiet-hours",
            "off",
            "--agent",
            ringg_sim::demo::AGENT_ID,
            "--name",
            "Replaced at the question",
            "--number-pool",
            ringg_sim::demo::NUMBER_POOL_ID,
            "--no-follow",
        ];
        let replace = || {
            std::fs::write(&file, "Mobile Number,Name\n+14155550100,Someone\n").unwrap();
        };
        run_and_answer_after(&base, &key, &args, ("Launch the campaign?", replace), "y")
    })
    .await
    .unwrap();
    assert!(said.contains("changed after it was checked"), "{said}");
    assert!(sim.handle().calls().is_empty(), "no call placed");
    let listed = common::ok(common::ringg(&sim, &["-o", "json", "campaigns", "list"])).await;
    assert!(
        !listed.stdout.contains("Replaced at the question"),
        "nothing uploaded: {}",
        listed.stdout
    );
}
