//! The confirmation question on a terminal (a pseudo-terminal): "no" leaves everything as it
//! was, "yes" goes ahead.
#![cfg(unix)]

mod common;

use rexpect::session::spawn_command;

/// Runs `ringg … assistants delete "Support Desk"` on a pseudo-terminal and answers.
fn delete_and_answer(base: &str, key: &str, answer: &str) -> String {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ringg"));
    cmd.args([
        "--base-url",
        base,
        "--api-key",
        key,
        "assistants",
        "delete",
        "Support Desk",
    ])
    .env("RINGG_STATE_DIR", common::state_dir())
    .env("RINGG_CONFIG_DIR", common::config_dir())
    .env("NO_COLOR", "1")
    .env("TERM", "xterm");
    let mut p = spawn_command(cmd, Some(60_000)).expect("ringg starts on a pseudo-terminal");
    p.exp_string("Delete this assistant?")
        .expect("the question is asked");
    p.send(answer).unwrap();
    p.send("\r").unwrap();
    p.exp_eof().expect("ringg ends")
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
