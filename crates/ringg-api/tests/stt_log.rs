//! An application that forwards `log` records at TRACE (`env_logger`, `tracing-log`) keeps
//! no API key from a speech-to-text stream: the WebSocket library logs the handshake request
//! it sends, so the handshake is not left to it. Its own binary: a `log` logger is global.

mod common;

use std::sync::Mutex;

use ringg_api::stt::StreamOptions;
use ringg_sim::{Simulator, audio};

/// Every `log` record, at every level, as `target: message`.
struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{}: {}", record.target(), record.args());
        self.0.lock().unwrap().push(line);
    }
    fn flush(&self) {}
}

static CAPTURE: Capture = Capture(Mutex::new(Vec::new()));

#[tokio::test]
async fn a_stream_logs_no_key_through_the_log_facade_at_trace() {
    log::set_logger(&CAPTURE).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let (sim, client) = common::start(Simulator::builder().seed(3)).await;
    let wav = audio::wav(1.0, Some("hello there"));
    let last = client
        .stt()
        .stream(std::io::Cursor::new(wav), &StreamOptions::default())
        .await
        .unwrap()
        .final_transcript()
        .await
        .unwrap();
    assert_eq!(last.transcription, "hello there");
    let key = sim.api_key().to_owned();
    sim.shutdown().await;

    let lines = CAPTURE.0.lock().unwrap();
    // The WebSocket library did log at TRACE (so the check below is not vacuous).
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("tokio_tungstenite") || l.starts_with("tungstenite")),
        "{lines:#?}"
    );
    let shown: Vec<_> = lines.iter().filter(|l| l.contains(&key)).collect();
    assert!(shown.is_empty(), "the key was logged: {shown:#?}");
}
