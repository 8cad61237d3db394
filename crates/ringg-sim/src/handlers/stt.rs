//! The speech-to-text service (`/stt/v1`): `POST /transcriptions` and the error shape the
//! service uses, `{"detail": {"code", "message"}}` (API reference §2.11).

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use ringg_types::stt::{AUDIO_EXTENSIONS, MAX_AUDIO_BYTES, audio_format};
use serde_json::{Value, json};

use crate::audio::{self, PLACEHOLDER_TRANSCRIPT};
use crate::core::Shared;
use crate::error::ApiError;
use crate::handlers::auth::authenticate;
use crate::multipart;

/// The base path of the speech-to-text service.
pub(crate) const STT_BASE_PATH: &str = "/stt/v1";

/// An error in the STT service's shape: `{"detail": {"code", "message"}}`.
pub(crate) fn stt_error(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
    ApiError {
        status,
        body: json!({ "detail": { "code": code, "message": message.into() } }),
        headers: Vec::new(),
    }
}

/// Authenticates a request to the STT service; errors come in the service's shape.
pub(crate) fn stt_authenticate(sh: &Shared, headers: &HeaderMap) -> Result<String, ApiError> {
    authenticate(sh, headers).map_err(|e| {
        let message = e.body["detail"]
            .as_str()
            .unwrap_or("unauthorized")
            .to_owned();
        let code = if e.status == StatusCode::UNAUTHORIZED {
            "unauthorized"
        } else {
            "bad_request"
        };
        stt_error(e.status, code, message)
    })
}

/// 413 for an audio file over the limit.
pub(crate) fn too_large() -> ApiError {
    stt_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "file_too_large",
        format!("The audio file is larger than {MAX_AUDIO_BYTES} bytes; split it or compress it"),
    )
}

/// The transcript the simulator can give for `text` (carried by the file), shaped by
/// `enable_cap_punc`: without it the text is lower-cased and loses its punctuation.
pub(crate) fn shape_transcript(text: Option<&str>, cap_punc: bool) -> String {
    match text {
        None => PLACEHOLDER_TRANSCRIPT.to_owned(),
        Some(t) if cap_punc => t.to_owned(),
        Some(t) => t
            .chars()
            .filter(|c| !c.is_ascii_punctuation() || *c == '\'')
            .collect::<String>()
            .to_lowercase(),
    }
}

/// `POST /stt/v1/transcriptions`: multipart `file`, `language`, `enable_cap_punc`.
pub(crate) async fn transcribe(
    sh: &Arc<Shared>,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Value, ApiError> {
    let started = Instant::now();
    stt_authenticate(sh, headers)?;
    let ct = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    // A malformed form is a 400 in the service's own error shape, like its other errors.
    let form = multipart::parse(ct, body).await.map_err(|e| {
        if e.status == StatusCode::BAD_REQUEST {
            stt_error(e.status, "invalid_request", e.message())
        } else {
            e
        }
    })?;
    let Some(file) = form.files("file")?.into_iter().next() else {
        return Err(ApiError::invalid(
            &["body", "file"],
            "missing",
            "Field required: send the audio as the multipart file part `file`",
        ));
    };
    if file.data.len() as u64 > MAX_AUDIO_BYTES {
        return Err(too_large());
    }
    let name = file.filename.clone().unwrap_or_default();
    let Some(format) = audio_format(&name) else {
        return Err(stt_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_format",
            format!(
                "Unsupported audio format for file {name:?}: send one of {} (judged by the file name's extension)",
                AUDIO_EXTENSIONS.join(", ")
            ),
        ));
    };
    let mut issues = Vec::new();
    let cap_punc = form.bool_field("enable_cap_punc", true, &mut issues);
    if !issues.is_empty() {
        return Err(ApiError::validation(issues));
    }
    let language = form
        .text("language")
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "en".to_owned());
    let info = audio::inspect(format, &file.data).map_err(|e| {
        stt_error(
            StatusCode::BAD_REQUEST,
            "invalid_audio",
            format!("Could not read the audio: {e}; send a valid {format} file"),
        )
    })?;
    let transcription = shape_transcript(info.text.as_deref(), cap_punc);
    Ok(json!({
        "status": "success",
        "transcription": transcription,
        "is_final": true,
        "language": language,
        "duration_seconds": info.duration_seconds,
        "processing_time_seconds": round3(started.elapsed().as_secs_f64()),
        "request_id": uuid::Uuid::new_v4().to_string(),
    }))
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcripts_follow_cap_punc() {
        assert_eq!(
            shape_transcript(Some("Hello, World."), true),
            "Hello, World."
        );
        assert_eq!(
            shape_transcript(Some("Hello, World. It's"), false),
            "hello world it's"
        );
        assert!(shape_transcript(None, true).starts_with("[ringg-sim:"));
    }
}
