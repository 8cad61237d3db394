//! `ringg stt transcribe | stream` against the simulator's speech-to-text service, over
//! loopback and with `--sim`, on WAV files the tests write.

mod common;

use common::{bare, ringg, run, sim};
use ringg_sim::audio;

#[tokio::test]
async fn transcribe_prints_the_service_answer_as_it_came() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hello.wav");
    std::fs::write(&path, audio::wav(1.25, Some("Hello from the test."))).unwrap();
    let file = path.to_str().unwrap();

    let r = run(ringg(
        &sim,
        &["stt", "transcribe", file, "--output", "json"],
    ))
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["transcription"], "Hello from the test.");
    assert_eq!(v["duration_seconds"], 1.25);
    assert_eq!(v["status"], "success");
    assert!(v["request_id"].is_string());

    let r = run(ringg(
        &sim,
        &["stt", "transcribe", file, "--cap-punc", "false"],
    ))
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("hello from the test"), "{}", r.stdout);
    assert!(r.stdout.contains("1.25 s"), "{}", r.stdout);

    // --sim works like every other command.
    let mut cmd = bare();
    cmd.args(["--sim", "stt", "transcribe", file, "-o", "json"]);
    let r = run(cmd).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["transcription"], "Hello from the test.");
    sim.shutdown().await;
}

#[tokio::test]
async fn transcribe_refuses_files_over_the_limits_before_sending() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not audio").unwrap();
    let big = dir.path().join("big.wav");
    std::fs::write(&big, vec![0u8; 10_000_001]).unwrap();
    let before = sim.handle().stats().requests;

    // Refused before sending: a usage error (exit code 2).
    let r = run(ringg(&sim, &["stt", "transcribe", text.to_str().unwrap()])).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains(".wav, .mp3, .flac, .m4a"), "{}", r.stderr);
    let r = run(ringg(&sim, &["stt", "transcribe", big.to_str().unwrap()])).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("at most 10000000"), "{}", r.stderr);
    assert_eq!(sim.handle().stats().requests, before, "nothing was sent");
    sim.shutdown().await;
}

#[tokio::test]
async fn stream_prints_partial_and_final_transcripts() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("count.wav");
    std::fs::write(&path, audio::wav(2.0, Some("alpha beta gamma delta"))).unwrap();
    let file = path.to_str().unwrap();

    let r = run(ringg(&sim, &["stt", "stream", file])).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"… alpha beta"), "{}", r.stdout);
    assert_eq!(
        lines.last(),
        Some(&"alpha beta gamma delta (2 s)"),
        "{}",
        r.stdout
    );

    let r = run(ringg(&sim, &["stt", "stream", file, "-o", "json"])).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let msgs = r.json_lines();
    assert_eq!(msgs.last().unwrap()["type"], "final");
    assert_eq!(msgs.last().unwrap()["is_final"], true);
    sim.shutdown().await;
}
