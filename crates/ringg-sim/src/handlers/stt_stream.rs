//! The streaming recognition WebSocket, `GET /stt/v1/stream` (API reference §2.11, frame
//! format INF): binary frames carry audio (PCM16 mono at `sample_rate`, or a WAV file's bytes,
//! whose header then gives the rate and may carry the transcript), a text message
//! `{"type":"end"}` (or a close) ends it. The service answers `{"type":"partial", …}` for
//! every further second of audio when it has a transcript to reveal, then one
//! `{"type":"final", …}`, and closes.

use std::sync::Arc;

use futures::{SinkExt, StreamExt};
use http::{HeaderMap, StatusCode};
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use ringg_types::stt::MAX_AUDIO_BYTES;
use serde_json::{Value, json};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::protocol::{Message, Role, WebSocketConfig};

use crate::audio::{self, AudioInfo};
use crate::core::Shared;
use crate::error::ApiError;
use crate::handlers::stt::{shape_transcript, stt_authenticate, stt_error};

/// Options of a stream, from the query string.
#[derive(Debug, Clone)]
struct StreamOptions {
    language: String,
    sample_rate: u32,
    cap_punc: bool,
}

fn options(query: &[(String, String)]) -> Result<StreamOptions, ApiError> {
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let sample_rate = match get("sample_rate") {
        None => 16_000,
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|r| (8_000..=48_000).contains(r))
            .ok_or_else(|| {
                ApiError::invalid(
                    &["query", "sample_rate"],
                    "int_parsing",
                    "sample_rate must be a whole number of Hz from 8000 to 48000",
                )
            })?,
    };
    match get("encoding") {
        None | Some("pcm_s16le" | "linear16") => {}
        Some(other) => {
            return Err(ApiError::invalid(
                &["query", "encoding"],
                "enum",
                format!(
                    "unsupported encoding {other:?}: send pcm_s16le (16-bit little-endian PCM, mono) or a WAV file's bytes"
                ),
            ));
        }
    }
    let cap_punc = match get("enable_cap_punc") {
        None | Some("true" | "1") => true,
        Some("false" | "0") => false,
        Some(other) => {
            return Err(ApiError::invalid(
                &["query", "enable_cap_punc"],
                "bool_parsing",
                format!("enable_cap_punc should be true or false, got {other:?}"),
            ));
        }
    };
    Ok(StreamOptions {
        language: get("language").unwrap_or("en").to_owned(),
        sample_rate,
        cap_punc,
    })
}

/// What is checked before the WebSocket handshake, in the service's order: the key, then the
/// query parameters.
pub(crate) fn precheck(
    sh: &Arc<Shared>,
    headers: &HeaderMap,
    query: &[(String, String)],
) -> Result<(), ApiError> {
    stt_authenticate(sh, headers)?;
    options(query).map(|_| ())
}

/// Checks the upgrade request and, when it is good, starts the session on the upgraded
/// connection. Returns the `Sec-WebSocket-Accept` value for the 101 answer.
pub(crate) fn accept(
    sh: &Arc<Shared>,
    headers: &HeaderMap,
    query: &[(String, String)],
    on_upgrade: OnUpgrade,
) -> Result<String, ApiError> {
    stt_authenticate(sh, headers)?;
    let opts = options(query)?;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    if !header("upgrade").eq_ignore_ascii_case("websocket") {
        return Err(stt_error(
            StatusCode::UPGRADE_REQUIRED,
            "websocket_required",
            "This endpoint is a WebSocket: connect with a WebSocket client (Upgrade: websocket)",
        ));
    }
    let key = header("sec-websocket-key");
    if key.is_empty() || header("sec-websocket-version") != "13" {
        return Err(stt_error(
            StatusCode::BAD_REQUEST,
            "bad_handshake",
            "Sec-WebSocket-Key and Sec-WebSocket-Version: 13 are required",
        ));
    }
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    let shared = sh.clone();
    sh.tasks.spawn(async move {
        let token = shared.token.clone();
        let idle = shared.settings.body_read_timeout;
        tokio::select! {
            () = token.cancelled() => {}
            () = session(on_upgrade, opts, idle) => {}
        }
    });
    Ok(accept)
}

/// What a session has heard so far.
struct Heard {
    opts: StreamOptions,
    /// The first bytes (for a WAV header), kept up to [`HEADER_KEEP`].
    head: Vec<u8>,
    received: u64,
    wav: Option<AudioInfo>,
    words_sent: usize,
    seconds_reported: u64,
}

const HEADER_KEEP: usize = 64 * 1024;

impl Heard {
    fn audio_bytes(&self) -> u64 {
        let offset = self.wav.as_ref().and_then(|w| w.data_offset).unwrap_or(0) as u64;
        self.received.saturating_sub(offset)
    }

    fn byte_rate(&self) -> f64 {
        self.wav
            .as_ref()
            .and_then(|w| w.byte_rate)
            .map_or(f64::from(self.opts.sample_rate) * 2.0, f64::from)
    }

    fn seconds(&self) -> f64 {
        self.audio_bytes() as f64 / self.byte_rate()
    }

    fn take(&mut self, data: &[u8]) {
        if self.head.len() < HEADER_KEEP {
            let room = HEADER_KEEP - self.head.len();
            self.head.extend_from_slice(&data[..data.len().min(room)]);
        }
        self.received += data.len() as u64;
        if self.wav.is_none() && self.head.starts_with(b"RIFF") {
            self.wav = audio::inspect_wav(&self.head).ok();
        }
    }

    fn text(&self) -> Option<&str> {
        self.wav.as_ref().and_then(|w| w.text.as_deref())
    }

    /// A partial message when another whole second of audio arrived and there are words left
    /// to reveal.
    fn partial(&mut self) -> Option<Value> {
        let seconds = self.seconds().floor() as u64;
        if seconds <= self.seconds_reported {
            return None;
        }
        self.seconds_reported = seconds;
        let text = self.text()?.to_owned();
        let words: Vec<&str> = text.split_whitespace().collect();
        let total = self
            .wav
            .as_ref()
            .and_then(|w| w.data_len)
            .filter(|n| *n > 0 && *n < u64::from(u32::MAX))
            .unwrap_or(u64::MAX);
        let fraction = (self.audio_bytes() as f64 / total as f64).min(1.0);
        let n = ((words.len() as f64) * fraction).floor() as usize;
        if n == 0 || n <= self.words_sent {
            return None;
        }
        self.words_sent = n;
        let so_far = words[..n.min(words.len())].join(" ");
        Some(self.message("partial", &so_far, false))
    }

    fn message(&self, kind: &str, text: &str, is_final: bool) -> Value {
        json!({
            "type": kind,
            "transcription": shape_transcript(Some(text), self.opts.cap_punc),
            "is_final": is_final,
            "duration_seconds": (self.seconds() * 1000.0).round() / 1000.0,
            "language": self.opts.language,
        })
    }

    fn last(&self) -> Value {
        let mut v = match self.text() {
            Some(t) => self.message("final", t, true),
            None => {
                let mut v = self.message("final", "", true);
                v["transcription"] = Value::String(shape_transcript(None, true));
                v
            }
        };
        v["request_id"] = Value::String(uuid::Uuid::new_v4().to_string());
        v
    }
}

/// The error sent when a stream's audio (or one message) passes [`MAX_AUDIO_BYTES`].
fn too_long() -> Message {
    error_message(
        "audio_too_long",
        &format!("a stream carries at most {MAX_AUDIO_BYTES} bytes of audio; open a new stream"),
    )
}

fn error_message(code: &str, message: &str) -> Message {
    Message::text(json!({ "type": "error", "code": code, "message": message }).to_string())
}

async fn session(on_upgrade: OnUpgrade, opts: StreamOptions, idle: std::time::Duration) {
    let Ok(upgraded) = on_upgrade.await else {
        return;
    };
    // No message or frame may be larger than a whole stream's audio: tungstenite refuses one
    // at its header instead of buffering it first (its default allows 64 MiB).
    let cap = usize::try_from(MAX_AUDIO_BYTES).unwrap_or(usize::MAX);
    let config = WebSocketConfig::default()
        .max_message_size(Some(cap))
        .max_frame_size(Some(cap));
    let mut ws =
        WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config)).await;
    let mut heard = Heard {
        opts,
        head: Vec::new(),
        received: 0,
        wav: None,
        words_sent: 0,
        seconds_reported: 0,
    };
    loop {
        let next = match tokio::time::timeout(idle, ws.next()).await {
            Ok(next) => next,
            Err(_) => {
                let _ = ws
                    .send(error_message("timeout", "no audio arrived in time; send frames continuously and end with {\"type\":\"end\"}"))
                    .await;
                break;
            }
        };
        match next {
            Some(Ok(Message::Binary(data))) => {
                heard.take(&data);
                if heard.received > MAX_AUDIO_BYTES {
                    let _ = ws.send(too_long()).await;
                    break;
                }
                if let Some(p) = heard.partial()
                    && ws.send(Message::text(p.to_string())).await.is_err()
                {
                    return;
                }
            }
            Some(Ok(Message::Text(t))) => {
                let end =
                    serde_json::from_str::<Value>(t.as_str()).is_ok_and(|v| v["type"] == "end");
                if end {
                    let _ = ws.send(Message::text(heard.last().to_string())).await;
                    break;
                }
                let _ = ws
                    .send(error_message("bad_message", "text messages other than {\"type\":\"end\"} are not understood; send audio as binary frames"))
                    .await;
            }
            Some(Ok(Message::Close(_))) | None => {
                let _ = ws.send(Message::text(heard.last().to_string())).await;
                break;
            }
            Some(Ok(_)) => {}
            Some(Err(tungstenite::Error::Capacity(_))) => {
                let _ = ws.send(too_long()).await;
                break;
            }
            Some(Err(_)) => return,
        }
    }
    let _ = ws.close(None).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_options_are_checked() {
        let q = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect::<Vec<_>>()
        };
        assert_eq!(options(&q(&[])).unwrap().sample_rate, 16_000);
        assert!(options(&q(&[("sample_rate", "7")])).is_err());
        assert!(options(&q(&[("encoding", "opus")])).is_err());
        assert!(
            !options(&q(&[("enable_cap_punc", "false")]))
                .unwrap()
                .cap_punc
        );
    }
}
