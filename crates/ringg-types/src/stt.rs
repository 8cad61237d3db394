//! Speech-to-text: the separate STT service (API reference §2.11), on its own base URL
//! (`https://prod-api.ringg.ai/stt/v1`) with the same workspace key.
//!
//! `POST /transcriptions` takes a multipart `file` (wav, mp3, flac or m4a, at most
//! [`MAX_AUDIO_BYTES`]) with `language` and `enable_cap_punc`, and answers a
//! [`Transcription`]. `GET /stream` upgrades to a WebSocket: binary audio frames go in, JSON
//! [`StreamMessage`]s with partial and final transcripts come out.

use serde::{Deserialize, Serialize};

use crate::common::Extra;

/// Largest audio file the service accepts (10,000,000 bytes); larger files get 413.
pub const MAX_AUDIO_BYTES: u64 = 10_000_000;

/// The audio formats the service accepts, judged by the file name's extension (others get 415).
pub const AUDIO_EXTENSIONS: [&str; 4] = ["wav", "mp3", "flac", "m4a"];

/// The audio format of a file name, when its extension is one the service accepts
/// (case-insensitive): `"clip.WAV"` → `Some("wav")`.
pub fn audio_format(file_name: &str) -> Option<&'static str> {
    let (_, ext) = file_name.rsplit_once('.')?;
    AUDIO_EXTENSIONS
        .into_iter()
        .find(|known| known.eq_ignore_ascii_case(ext))
}

/// The content type sent for an accepted audio format.
pub fn audio_content_type(format: &str) -> &'static str {
    match format {
        "wav" => "audio/wav",
        "mp3" => "audio/mpeg",
        "flac" => "audio/flac",
        "m4a" => "audio/mp4",
        _ => "application/octet-stream",
    }
}

/// Response of `POST /transcriptions`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcription {
    /// `status`, e.g. `"success"` (`null` reads as empty).
    #[serde(default, deserialize_with = "crate::common::lenient::null_is_empty")]
    pub status: String,
    /// `transcription`: the text recognised.
    #[serde(default, deserialize_with = "crate::common::lenient::null_is_empty")]
    pub transcription: String,
    /// `is_final` (also `"true"`, `1`; `null` reads as true, as a missing field does).
    #[serde(default = "yes", deserialize_with = "flag_or_yes")]
    pub is_final: bool,
    /// `language`: the language the audio was recognised in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// `duration_seconds`: the audio's length (also a number written as a string).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::amount"
    )]
    pub duration_seconds: Option<f64>,
    /// `processing_time_seconds`: how long recognition took (also a number written as a
    /// string).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::amount"
    )]
    pub processing_time_seconds: Option<f64>,
    /// `request_id`: quote it when asking Ringg about a transcription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(Transcription);

fn yes() -> bool {
    true
}

/// A flag read leniently, `null` as true.
fn flag_or_yes<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(crate::common::lenient::flag(d)?.unwrap_or(true))
}

/// A flag read leniently, `null` as false.
fn flag_or_no<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(crate::common::lenient::flag(d)?.unwrap_or(false))
}

/// Response of `GET /health`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct SttHealth {
    /// `status`, e.g. `"ok"`.
    #[serde(default)]
    pub status: String,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(SttHealth);

/// The kind of a [`StreamMessage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamMessageKind {
    /// A transcript of the audio so far; later messages replace it.
    Partial,
    /// The transcript of the whole stream; the last transcript sent.
    Final,
    /// The service could not go on; `message` says why.
    Error,
}

/// One JSON message of the streaming WebSocket (`GET /stream`).
///
/// The frame format is not documented by Ringg; this is the adapter's (INF): audio goes in as
/// binary frames (PCM16 mono at the `sample_rate` query parameter, or a WAV file's bytes),
/// a text message `{"type":"end"}` ends the audio, and the service answers these messages
/// (in text frames, or JSON in binary frames). The client skips a message whose `type` is
/// none of the three kinds (a session or metadata notice).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamMessage {
    /// `type`: partial, final or error.
    #[serde(rename = "type")]
    pub kind: StreamMessageKind,
    /// `transcription`: the text so far (partial) or of the whole stream (final).
    #[serde(default, deserialize_with = "crate::common::lenient::null_is_empty")]
    pub transcription: String,
    /// `is_final` (also `"true"`, `1`; `null` reads as false, as a missing field does).
    #[serde(default, deserialize_with = "flag_or_no")]
    pub is_final: bool,
    /// `duration_seconds`: audio received so far (also a number written as a string).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::amount"
    )]
    pub duration_seconds: Option<f64>,
    /// `language`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// `request_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// `code` of an error message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// `message` of an error message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(StreamMessage);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(audio_format("a.WAV"), Some("wav"));
        assert_eq!(audio_format("x.y.m4a"), Some("m4a"));
        assert_eq!(audio_format("notes.txt"), None);
        assert_eq!(audio_format("wav"), None);
    }

    #[test]
    fn transcription_decodes_the_documented_body() {
        let t: Transcription = serde_json::from_str(
            r#"{"status":"success","transcription":"hello","is_final":true,"language":"en",
               "duration_seconds":1.5,"processing_time_seconds":0.2,"request_id":"r1"}"#,
        )
        .unwrap();
        assert_eq!(t.transcription, "hello");
        assert_eq!(t.duration_seconds, Some(1.5));
        let m: StreamMessage =
            serde_json::from_str(r#"{"type":"partial","transcription":"he"}"#).unwrap();
        assert_eq!(m.kind, StreamMessageKind::Partial);
    }

    /// Nulls, flags and numbers written as strings decode rather than fail the call.
    #[test]
    fn transcription_reads_loosely_typed_fields() {
        let t: Transcription = serde_json::from_str(
            r#"{"status":null,"transcription":"hi","is_final":"false",
               "duration_seconds":"1.5","processing_time_seconds":""}"#,
        )
        .unwrap();
        assert_eq!(t.status, "");
        assert!(!t.is_final);
        assert_eq!(t.duration_seconds, Some(1.5));
        assert_eq!(t.processing_time_seconds, None);
        let t: Transcription =
            serde_json::from_str(r#"{"transcription":"hi","is_final":null}"#).unwrap();
        assert!(t.is_final);
        let m: StreamMessage =
            serde_json::from_str(r#"{"type":"final","is_final":1,"duration_seconds":"2"}"#)
                .unwrap();
        assert!(m.is_final);
        assert_eq!(m.duration_seconds, Some(2.0));
        let bad = serde_json::from_str::<Transcription>(r#"{"duration_seconds":"long"}"#);
        assert!(bad.is_err());
    }

    /// Flags and counts of other responses read as the history's do.
    #[test]
    fn flags_and_counts_of_other_responses_read_loosely() {
        let b: crate::campaigns::CheckBalanceResponse =
            serde_json::from_str(r#"{"sufficient_balance":"true"}"#).unwrap();
        assert_eq!(b.sufficient_balance, Some(true));
        let s: crate::campaigns::StartCampaignResponse =
            serde_json::from_str(r#"{"has_ongoing_calls":0}"#).unwrap();
        assert_eq!(s.has_ongoing_calls, Some(false));
        let k: crate::knowledge_base::CreateKbResponse =
            serde_json::from_str(r#"{"files_queued":"3"}"#).unwrap();
        assert_eq!(k.files_queued, Some(3));
        let k: crate::knowledge_base::EditKbResponse =
            serde_json::from_str(r#"{"items_removed":2.0,"new_files_queued":""}"#).unwrap();
        assert_eq!((k.items_removed, k.new_files_queued), (Some(2), None));
    }
}
