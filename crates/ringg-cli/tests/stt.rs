//! `ringg stt transcribe | stream` against the simulator's speech-to-text service, over
//! loopback and with `--sim`, on WAV files the tests write.

mod common;
#[path = "../../ringg-api/tests/common/transcription_server.rs"]
mod transcription_server;

use common::{bare, ringg, run, sim};
use ringg_sim::audio;

#[tokio::test]
async fn transcribe_prints_the_service_answer_as_it_came() {
    let sim = sim().await;
    let (_dir, path) = wav_file("hello.wav", 1.25, Some("Hello from the test."));
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
    let (_dir, path) = wav_file("count.wav", 2.0, Some("alpha beta gamma delta"));
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

/// A profile's key goes only to its own server: a speech-to-text address on another origin is
/// refused before anything is sent there, unless the key is given with the command.
#[tokio::test(flavor = "multi_thread")]
async fn a_profiles_key_is_not_sent_to_another_speech_to_text_server() {
    let sim = sim().await;
    let config = tempfile::tempdir().unwrap();
    let with_profile = |args: &[&str]| {
        let mut c = bare();
        c.env("RINGG_CONFIG_DIR", config.path()).args(args);
        c
    };
    let mut login = with_profile(&["login", "--base-url", &sim.base_url()]);
    login.write_stdin(format!("{}\n", sim.api_key()));
    let r = run(login).await;
    assert_eq!(r.code, 0, "{}", r.stderr);

    // Another server on loopback, counting the connections it gets.
    let other = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let other_url = format!("http://{}/stt/v1", other.local_addr().unwrap());
    let reached = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = reached.clone();
    tokio::spawn(async move {
        while let Ok((_stream, _)) = other.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });

    for via_env in [false, true] {
        let mut cmd = with_profile(&["stt", "health"]);
        if via_env {
            cmd.env("RINGG_STT_BASE_URL", &other_url);
        } else {
            cmd.args(["--stt-base-url", &other_url]);
        }
        let r = run(cmd).await;
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains("not sent to another server"),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains(sim.api_key()));
    }
    assert_eq!(reached.load(std::sync::atomic::Ordering::SeqCst), 0);

    // The profile's own server's service is used as before, also when named explicitly.
    let own = format!("{}/stt/v1", sim.base_url().split("/ca/").next().unwrap());
    let r = run(with_profile(&["stt", "health", "--stt-base-url", &own])).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(with_profile(&["stt", "health"])).await;
    assert_eq!(r.code, 0, "{}", r.stderr);

    // A key given with the command goes where the command says.
    let mut cmd = ringg(&sim, &["stt", "health", "--stt-base-url", &other_url]);
    cmd.timeout(std::time::Duration::from_secs(5));
    let _ = run(cmd).await;
    assert!(reached.load(std::sync::atomic::Ordering::SeqCst) > 0);
    sim.shutdown().await;
}

/// What the stream would send as noise is refused before connecting: compressed audio, and a
/// `.wav` without a WAV header.
#[tokio::test]
async fn stream_refuses_audio_it_would_send_as_noise() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("notes.wav");
    std::fs::write(&fake, b"this is not audio at all").unwrap();
    let mp3 = dir.path().join("song.mp3");
    std::fs::write(&mp3, b"ID3\x04\x00\x00\x00\x00\x00\x00").unwrap();
    let before = sim.handle().stats().requests;
    let r = run(ringg(&sim, &["stt", "stream", fake.to_str().unwrap()])).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no WAV header"), "{}", r.stderr);
    let r = run(ringg(&sim, &["stt", "stream", mp3.to_str().unwrap()])).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("ringg stt transcribe"), "{}", r.stderr);
    assert_eq!(sim.handle().stats().requests, before, "nothing was sent");
    // Raw PCM under another name still streams.
    let pcm = dir.path().join("speech.pcm");
    std::fs::write(&pcm, vec![0u8; 32_000]).unwrap();
    let r = run(ringg(&sim, &["stt", "stream", pcm.to_str().unwrap()])).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    sim.shutdown().await;
}

/// A health answer without a status (`{}` with 200) says the service is up but gave none,
/// rather than an empty line.
#[tokio::test(flavor = "multi_thread")]
async fn a_health_answer_without_a_status_says_so() {
    let sim = sim().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/stt/v1", listener.local_addr().unwrap());
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut s, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
                .await;
        }
    });
    let r = run(ringg(&sim, &["stt", "health", "--stt-base-url", &url])).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("up (its answer gave no status)"),
        "{}",
        r.stdout
    );
    sim.shutdown().await;
}

/// When the service's answer does not decode, `ringg stt transcribe` keeps the answer (the
/// upload may be 10 MB and billed; running it again is not free) and names the field, as the
/// library's `transcribe` does.
#[tokio::test(flavor = "multi_thread")]
async fn transcribe_keeps_an_answer_it_cannot_decode() {
    let sim = sim().await;
    let body = r#"{"status":"success","transcription":"hello there","is_final":true,"language":"en","duration_seconds":"about two seconds","request_id":"req-77"}"#;
    let url = format!(
        "http://{}/stt/v1",
        transcription_server::transcription_server(body).await
    );
    let (_dir, path) = wav_file("hello.wav", 2.5, Some("hello there"));
    let r = run(ringg(
        &sim,
        &[
            "stt",
            "transcribe",
            path.to_str().unwrap(),
            "--stt-base-url",
            &url,
        ],
    ))
    .await;
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stderr.contains("duration_seconds"),
        "the error does not name the field: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains("hello there") && r.stderr.contains("req-77"),
        "the service's answer (transcript, request id) is lost: {}",
        r.stderr
    );
    sim.shutdown().await;
}

/// A stream whose address answers something other than a WebSocket handshake (a web page, a
/// 101 without `Upgrade`), or nothing (a closed port): the message says what answered, and
/// the hint names --stt-base-url, not --base-url.
#[tokio::test(flavor = "multi_thread")]
async fn a_stream_address_that_is_not_a_websocket_says_so_and_names_stt_base_url() {
    let sim = sim().await;
    let (_dir, path) = wav_file("a.wav", 0.5, None);
    let file = path.to_str().unwrap();
    let answering = |answer: &'static [u8]| async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/stt/v1", listener.local_addr().unwrap());
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            while let Ok((mut s, _)) = listener.accept().await {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let _ = s.write_all(answer).await;
            }
        });
        url
    };
    let page = answering(
        b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 14\r\nconnection: close\r\n\r\n<html>hi</html",
    )
    .await;
    let no_upgrade = answering(b"HTTP/1.1 101 Switching Protocols\r\n\r\n").await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/stt/v1", listener.local_addr().unwrap())
    };
    for (url, says) in [
        (&page, "answered 200 OK instead of opening the stream"),
        (
            &no_upgrade,
            "answered 101, but without `Upgrade: websocket`",
        ),
        (&closed, "could not open the speech-to-text stream"),
    ] {
        let r = run(ringg(&sim, &["stt", "stream", file, "--stt-base-url", url])).await;
        assert_ne!(r.code, 0, "{}", r.stdout);
        assert!(r.stderr.contains(says), "{}", r.stderr);
        assert!(
            !r.stderr.contains("no answer from the server"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("--stt-base-url"), "{}", r.stderr);
    }
    sim.shutdown().await;
}

/// A key the speech-to-text service echoes in its transcription is masked, as text and JSON.
#[tokio::test(flavor = "multi_thread")]
async fn transcribe_masks_the_key_the_service_echoes() {
    let sim = sim().await;
    let key = sim.api_key().to_owned();
    let body: &'static str = Box::leak(
        format!(
            r#"{{"status":"success","transcription":"you sent {key}","is_final":true,"language":"en","duration_seconds":2.5,"request_id":"req-77"}}"#
        )
        .into_boxed_str(),
    );
    let url = format!(
        "http://{}/stt/v1",
        transcription_server::transcription_server(body).await
    );
    let (_dir, path) = wav_file("hello.wav", 2.5, Some("hello there"));
    for extra in [&[][..], &["-o", "json"][..]] {
        let mut args = vec![
            "stt",
            "transcribe",
            path.to_str().unwrap(),
            "--stt-base-url",
            &url,
        ];
        args.extend_from_slice(extra);
        let r = run(ringg(&sim, &args)).await;
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            !r.stdout.contains(&key) && !r.stderr.contains(&key),
            "{extra:?}: the API key reached the terminal:\nstdout: {}\nstderr: {}",
            r.stdout,
            r.stderr
        );
    }
    sim.shutdown().await;
}

/// With `--verbose` the log records hold what the stream's server sent (a message's kind, a
/// close frame's reason, logged by the WebSocket library): the key it echoes there is masked
/// like on every other line.
#[tokio::test(flavor = "multi_thread")]
async fn verbose_logs_mask_the_key_the_stream_server_echoes() {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::protocol::CloseFrame;
    let sim = sim().await;
    let key = sim.api_key().to_owned();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let echoed = key.clone();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        let kind = format!(r#"{{"type":"{echoed}"}}"#);
        ws.send(Message::text(kind)).await.unwrap();
        let _ = ws.next().await;
        let _ = ws
            .close(Some(CloseFrame {
                code: 4001.into(),
                reason: format!("bad key {echoed}").into(),
            }))
            .await;
        while ws.next().await.is_some() {}
    });
    let (_dir, path) = wav_file("hello.wav", 1.0, Some("hello"));
    let url = format!("http://{addr}/stt/v1");
    let args = [
        "-v",
        "stt",
        "stream",
        path.to_str().unwrap(),
        "--stt-base-url",
        &url,
    ];
    // `run` fails the test if the key reaches stdout or stderr.
    let r = run(ringg(&sim, &args)).await;
    assert_ne!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("skipped a stream message") && r.stderr.contains("[REDACTED]"),
        "{}",
        r.stderr
    );
    sim.shutdown().await;
}

/// A WAV file of `seconds` (saying `text`, if any) named `name` in a fresh folder, which is
/// removed when the returned guard drops.
fn wav_file(
    name: &str,
    seconds: f64,
    text: Option<&str>,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, audio::wav(seconds, text)).unwrap();
    (dir, path)
}
