//! Speech-to-text end to end over loopback against the simulator's STT service: a generated
//! WAV transcribed, the size and format limits (checked before sending, and the service's own
//! 413/415), and streaming over the WebSocket.

mod common;

use futures::StreamExt;
use ringg_api::ErrorKind;
use ringg_api::stt::{AudioFile, StreamMessageKind, StreamOptions, TranscribeOptions};
use ringg_sim::{Simulator, audio};

async fn start() -> (ringg_sim::RunningSimulator, ringg_api::Client) {
    common::start(Simulator::builder().seed(3)).await
}

#[tokio::test]
async fn a_generated_wav_is_transcribed_with_its_duration() {
    let (sim, client) = start().await;
    let stt = client.stt();
    assert!(stt.base_url().ends_with("/stt/v1"), "{}", stt.base_url());
    assert_eq!(stt.health().await.unwrap().status, "ok");

    let wav = audio::wav(2.5, Some("Hello, this is Ringg."));
    let t = stt
        .transcribe(
            AudioFile::from_bytes("greeting.wav", wav).unwrap(),
            &TranscribeOptions {
                language: Some("en".into()),
                enable_cap_punc: Some(true),
            },
        )
        .await
        .unwrap();
    assert_eq!(t.status, "success");
    assert_eq!(t.transcription, "Hello, this is Ringg.");
    assert!(t.is_final);
    assert_eq!(t.duration_seconds, Some(2.5));
    assert_eq!(t.language.as_deref(), Some("en"));
    assert!(t.request_id.is_some());

    // Without capitalisation and punctuation.
    let t = stt
        .transcribe(
            AudioFile::from_bytes("g.wav", audio::wav(1.0, Some("Hello, World."))).unwrap(),
            &TranscribeOptions {
                language: None,
                enable_cap_punc: Some(false),
            },
        )
        .await
        .unwrap();
    assert_eq!(t.transcription, "hello world");

    // Audio without a transcript gets the labelled placeholder, and still its duration.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("silence.wav");
    std::fs::write(&path, audio::wav(0.75, None)).unwrap();
    let t = stt
        .transcribe(
            AudioFile::from_path(&path).await.unwrap(),
            &TranscribeOptions::default(),
        )
        .await
        .unwrap();
    assert!(
        t.transcription.starts_with("[ringg-sim:"),
        "{}",
        t.transcription
    );
    assert_eq!(t.duration_seconds, Some(0.75));
    sim.shutdown().await;
}

#[tokio::test]
async fn limits_are_enforced_on_both_sides() {
    let (sim, client) = start().await;
    // Checked before sending: nothing reaches the service.
    let before = sim.handle().stats().requests;
    let e = AudioFile::from_bytes("notes.txt", b"hello".to_vec()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("notes.txt"), "{e}");
    assert!(e.hint().unwrap_or_default().contains(".wav"), "{e}");
    let e = AudioFile::from_bytes("big.wav", vec![0u8; 10_000_001]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("at most 10000000"), "{e}");
    assert_eq!(sim.handle().stats().requests, before);

    // The service's own answers, for a client that bypasses the checks.
    let http = reqwest::Client::new();
    let url = format!("{}/transcriptions", client.stt().base_url());
    let form = |name: &str, data: Vec<u8>| {
        reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(data).file_name(name.to_owned()),
        )
    };
    let resp = http
        .post(&url)
        .header("x-api-key", sim.api_key())
        .multipart(form("a.ogg", b"OggS".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 415);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["detail"]["code"], "unsupported_format");
    let resp = http
        .post(&url)
        .header("x-api-key", sim.api_key())
        .multipart(form("a.wav", vec![0u8; 10_000_001]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["detail"]["code"], "file_too_large");

    // A file named .wav that is not one: the service's message reaches the error.
    let e = client
        .stt()
        .transcribe(
            AudioFile::from_bytes("fake.wav", b"not audio".to_vec()).unwrap(),
            &TranscribeOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(e.code(), Some("invalid_audio"));

    // A wrong key is a 401 in the service's shape.
    let bad = common::client_builder(&sim)
        .api_key("wrong")
        .build()
        .unwrap();
    let e = bad
        .stt()
        .transcribe(
            AudioFile::from_bytes("a.wav", audio::wav(0.1, None)).unwrap(),
            &TranscribeOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(e.is_auth(), "{e}");
    sim.shutdown().await;
}

#[tokio::test]
async fn streaming_yields_partial_then_final_transcripts() {
    let (sim, client) = start().await;
    let wav = audio::wav(3.0, Some("one two three four five six"));
    let options = StreamOptions {
        language: Some("en".into()),
        ..StreamOptions::default()
    };
    let mut stream = client
        .stt()
        .stream(std::io::Cursor::new(wav), &options)
        .await
        .unwrap();
    let mut partials = Vec::new();
    let mut last = None;
    while let Some(m) = stream.next().await {
        let m = m.unwrap();
        match m.kind {
            StreamMessageKind::Partial => partials.push(m.transcription.clone()),
            StreamMessageKind::Final => last = Some(m),
            StreamMessageKind::Error => panic!("error message {m:?}"),
        }
    }
    assert_eq!(partials.len(), 3, "{partials:?}");
    assert_eq!(partials[0], "one two");
    let last = last.unwrap();
    assert_eq!(last.transcription, "one two three four five six");
    assert!(last.is_final);
    assert_eq!(last.duration_seconds, Some(3.0));

    // Raw PCM: no transcript to give, so the labelled placeholder; the duration follows the
    // sample rate.
    let pcm = vec![0u8; 16_000 * 2];
    let last = client
        .stt()
        .stream(std::io::Cursor::new(pcm), &StreamOptions::default())
        .await
        .unwrap()
        .final_transcript()
        .await
        .unwrap();
    assert!(last.transcription.starts_with("[ringg-sim:"));
    assert_eq!(last.duration_seconds, Some(1.0));

    // The handshake carries the key: a wrong one is a 401.
    let bad = common::client_builder(&sim)
        .api_key("wrong")
        .build()
        .unwrap();
    let e = bad
        .stt()
        .stream(std::io::Cursor::new(Vec::new()), &StreamOptions::default())
        .await
        .unwrap_err();
    assert!(e.is_auth(), "{e}");
    sim.shutdown().await;
}
