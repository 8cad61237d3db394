//! Speech-to-text end to end over loopback against the simulator's STT service: a generated
//! WAV transcribed, the size and format limits (checked before sending, and the service's own
//! 413/415), and streaming over the WebSocket.

mod common;
#[path = "common/transcription_server.rs"]
mod transcription_server;

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

// ---- Scripted WebSocket and HTTP servers on loopback ------------------------------------

use futures::SinkExt;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

type ServerWs = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

const SCRIPTED_KEY: &str = "rk_live_0123456789abcdefSECRETSECRET";

/// A loopback server that upgrades one `/stt/v1/stream` connection and runs `script` on it;
/// returns a client whose STT base URL points at it.
async fn scripted_stream_server<F, Fut>(script: F) -> ringg_api::Client
where
    F: FnOnce(ServerWs) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        script(ws).await;
    });
    ringg_api::Client::builder()
        .ignore_env()
        .api_key(SCRIPTED_KEY)
        .base_url(format!("http://{addr}/ca/api/v0"))
        .build()
        .unwrap()
}

/// 3,200 bytes of silence streamed to `client`'s service with the default options.
async fn silence_to(client: &ringg_api::Client) -> ringg_api::stt::TranscriptStream {
    client
        .stt()
        .stream(
            std::io::Cursor::new(vec![0u8; 3200]),
            &StreamOptions::default(),
        )
        .await
        .unwrap()
}

/// The final transcript (or the error) of [`silence_to`].
async fn final_of(
    client: &ringg_api::Client,
) -> Result<ringg_api::stt::StreamMessage, ringg_api::Error> {
    silence_to(client).await.final_transcript().await
}

/// Reads the client's frames until its `{"type":"end"}` text message.
async fn read_until_end(ws: &mut ServerWs) {
    while let Some(Ok(m)) = ws.next().await {
        if let Message::Text(t) = m
            && t.as_str().contains("\"end\"")
        {
            return;
        }
    }
}

/// A message type the client does not know (a session-start or metadata notice, as many STT
/// services send) is skipped; it does not end the stream with a decode error.
#[tokio::test]
async fn unknown_stream_message_types_are_skipped() {
    let client = scripted_stream_server(|mut ws| async move {
        ws.send(Message::text(
            r#"{"type":"session_started","request_id":"r1"}"#,
        ))
        .await
        .unwrap();
        ws.send(Message::text(r#"{"type":"partial","transcription":"hel"}"#))
            .await
            .unwrap();
        read_until_end(&mut ws).await;
        ws.send(Message::text(
            r#"{"type":"final","transcription":"hello","is_final":true}"#,
        ))
        .await
        .unwrap();
        let _ = ws.close(None).await;
    })
    .await;
    let mut stream = silence_to(&client).await;
    let mut got = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(m) => got.push((m.kind, m.transcription)),
            Err(e) => panic!("an unknown message type ended the stream: {e} (after {got:?})"),
        }
    }
    assert_eq!(
        got,
        vec![
            (StreamMessageKind::Partial, "hel".to_owned()),
            (StreamMessageKind::Final, "hello".to_owned())
        ]
    );
}

/// The kind of a skipped message is logged (at DEBUG) with the client's key masked: a service
/// that echoes the key as a message's `type` does not put it in the user's logs.
#[tokio::test]
async fn a_skipped_messages_kind_is_logged_without_the_key() {
    #[derive(Clone, Default)]
    struct Lines(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let lines = Lines::default();
    let writer = lines.clone();
    let _guard = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish(),
    );
    let client = scripted_stream_server(|mut ws| async move {
        let echoed = format!(r#"{{"type":"{SCRIPTED_KEY}"}}"#);
        ws.send(Message::text(echoed)).await.unwrap();
        read_until_end(&mut ws).await;
        ws.send(Message::text(
            r#"{"type":"final","transcription":"hello","is_final":true}"#,
        ))
        .await
        .unwrap();
        let _ = ws.close(None).await;
    })
    .await;
    let done = final_of(&client).await.unwrap();
    assert_eq!(done.transcription, "hello");
    let logged = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("skipped a stream message") && logged.contains("[REDACTED]"),
        "{logged}"
    );
    assert!(!logged.contains(SCRIPTED_KEY), "{logged}");
}

/// A server that closes mid-stream while the audio source is live (a microphone, a pipe)
/// gives an error promptly; the reader does not wait for the audio forever.
#[tokio::test]
async fn a_close_mid_stream_with_live_audio_does_not_hang() {
    let client = scripted_stream_server(|mut ws| async move {
        let _ = ws
            .close(Some(CloseFrame {
                code: CloseCode::Error,
                reason: "recogniser crashed".into(),
            }))
            .await;
        // Keep the TCP connection up, as a server draining its close would.
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    // A live source: open, but with no audio yet (the writing half is kept alive).
    let (_mic, audio) = tokio::io::duplex(1024);
    let options = StreamOptions {
        timeout: Duration::from_secs(2),
        ..StreamOptions::default()
    };
    let mut stream = client.stt().stream(audio, &options).await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(8), stream.next()).await;
    match first {
        Ok(Some(Err(e))) => assert!(e.to_string().contains("closed"), "{e}"),
        Ok(other) => panic!("expected an error after the server's close, got {other:?}"),
        Err(_) => {
            panic!("the stream hung: no item 8 s after the server closed (its own timeout is 2 s)")
        }
    }
}

/// The server's close code and reason (e.g. an unsupported sample rate) reach the error.
#[tokio::test]
async fn the_close_reason_reaches_the_error() {
    let client = scripted_stream_server(|mut ws| async move {
        read_until_end(&mut ws).await;
        let _ = ws
            .close(Some(CloseFrame {
                code: CloseCode::Policy,
                reason: "unsupported sample_rate 44100: use 16000".into(),
            }))
            .await;
    })
    .await;
    let options = StreamOptions {
        sample_rate: 44_100,
        ..StreamOptions::default()
    };
    let e = client
        .stt()
        .stream(std::io::Cursor::new(vec![0u8; 8820]), &options)
        .await
        .unwrap()
        .final_transcript()
        .await
        .unwrap_err();
    let shown = e.to_string();
    assert!(
        shown.contains("unsupported sample_rate") && shown.contains("1008"),
        "the close code and reason are lost: {shown}"
    );
}

/// A stream message that fails to decode keeps its body and names the field, like every
/// REST decode error does.
#[tokio::test]
async fn a_bad_stream_message_names_the_field() {
    let client = scripted_stream_server(|mut ws| async move {
        ws.send(Message::text(
            r#"{"type":"partial","transcription":"ok","duration_seconds":"1.5s"}"#,
        ))
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await;
    let mut stream = silence_to(&client).await;
    let e = stream.next().await.unwrap().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    assert!(e.body_text().unwrap_or_default().contains("1.5s"), "{e}");
    assert_eq!(
        e.field_path(),
        Some("duration_seconds"),
        "the decode error does not name the field: {e}"
    );
}

/// An error message from the service that echoes the key does not show it (as the handshake's
/// errors do not).
#[tokio::test]
async fn an_in_stream_error_message_does_not_show_the_key() {
    let client = scripted_stream_server(|mut ws| async move {
        ws.send(Message::text(format!(
            r#"{{"type":"error","code":"unauthorized","message":"key {SCRIPTED_KEY} was revoked"}}"#
        )))
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await;
    let e = final_of(&client).await.unwrap_err();
    for shown in [e.to_string(), format!("{e:?}")] {
        assert!(!shown.contains(SCRIPTED_KEY), "the key is shown: {shown}");
    }
}

/// Transcripts sent as binary frames (JSON in a binary frame) are transcripts too.
#[tokio::test]
async fn json_transcripts_in_binary_frames_are_read() {
    let client = scripted_stream_server(|mut ws| async move {
        read_until_end(&mut ws).await;
        ws.send(Message::binary(
            br#"{"type":"final","transcription":"hello","is_final":true}"#.to_vec(),
        ))
        .await
        .unwrap();
        let _ = ws.close(None).await;
    })
    .await;
    let last = final_of(&client).await;
    match last {
        Ok(m) => assert_eq!(m.transcription, "hello"),
        Err(e) => panic!("the binary-frame final transcript was dropped: {e}"),
    }
}

/// A client of a scripted speech-to-text service answering every transcription with `body`.
async fn scripted_transcription_server(body: &'static str) -> ringg_api::Client {
    let addr = transcription_server::transcription_server(body).await;
    ringg_api::Client::builder()
        .ignore_env()
        .api_key(SCRIPTED_KEY)
        .base_url(format!("http://{addr}/ca/api/v0"))
        .build()
        .unwrap()
}

/// A file with no speech answered with `"transcription": null` (a Python service's `None`) is
/// a transcription with empty text, as a missing field already is (`#[serde(default)]`).
#[tokio::test]
async fn a_null_transcription_is_accepted() {
    let client = scripted_transcription_server(
        r#"{"status":"success","transcription":null,"is_final":true,"language":null,"duration_seconds":0.5,"processing_time_seconds":0.1,"request_id":"r1"}"#,
    )
    .await;
    let t = client
        .stt()
        .transcribe(
            AudioFile::from_bytes("s.wav", audio::wav(0.5, None)).unwrap(),
            &TranscribeOptions::default(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.transcription, "");
    assert_eq!(t.duration_seconds, Some(0.5));
}
