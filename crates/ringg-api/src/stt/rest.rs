//! The STT service's REST side: the base URL rules, `POST /transcriptions`, `GET /health`.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use ringg_transport::{
    ApiRequest, ApiResponse, Body, Idempotency, Part, PartData, RequestId, RequestLimits,
};
use ringg_types::stt::{
    AUDIO_EXTENSIONS, MAX_AUDIO_BYTES, SttHealth, Transcription, audio_content_type, audio_format,
};

use crate::base_url::validate_base_url;
use crate::client::Client;
use crate::decode::decode;
use crate::error::Error;

/// The STT service's production base URL.
pub const DEFAULT_STT_BASE_URL: &str = "https://prod-api.ringg.ai/stt/v1";

/// The operation name STT requests carry in errors and traces.
pub(crate) const TRANSCRIBE_OP: &str = "sttTranscribe";
const HEALTH_OP: &str = "sttHealth";
/// Uploads get as long as the platform's uploads.
const UPLOAD_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(300);

impl Client {
    /// The speech-to-text service, at the platform base URL's origin with `/stt/v1`
    /// (`https://prod-api.ringg.ai/stt/v1` for production). Set another with
    /// [`Stt::with_base_url`].
    pub fn stt(&self) -> Stt {
        let base = url::Url::parse(self.base_url())
            .ok()
            .map(|u| u.origin().ascii_serialization())
            .filter(|o| o != "null")
            .map_or_else(
                || DEFAULT_STT_BASE_URL.to_owned(),
                |o| format!("{o}/stt/v1"),
            );
        Stt {
            client: self.clone(),
            base_url: Arc::from(base),
        }
    }
}

/// The speech-to-text service. Cheap to clone; shares the client's connection pool, retry
/// budget and rate limiter.
#[derive(Clone)]
pub struct Stt {
    pub(crate) client: Client,
    pub(crate) base_url: Arc<str>,
}

impl std::fmt::Debug for Stt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stt")
            .field("base_url", &ringg_transport::masked_url(&self.base_url))
            .finish_non_exhaustive()
    }
}

/// One audio file to transcribe: a name (its extension is the format) and the data.
#[derive(Debug, Clone)]
pub struct AudioFile {
    file_name: String,
    format: &'static str,
    len: u64,
    data: PartData,
}

fn check_audio(file_name: &str, len: u64) -> Result<&'static str, Error> {
    let Some(format) = audio_format(file_name) else {
        return Err(Error::invalid_input(format!(
            "{file_name:?} is not an audio format the speech-to-text service accepts"
        ))
        .with_hint(format!(
            "use a file ending in .{} (convert it first, e.g. with ffmpeg)",
            AUDIO_EXTENSIONS.join(", .")
        )));
    };
    if len > MAX_AUDIO_BYTES {
        return Err(Error::invalid_input(format!(
            "{file_name:?} has {len} bytes; the speech-to-text service takes at most {MAX_AUDIO_BYTES}"
        ))
        .with_hint("split the audio or compress it (mp3, flac)"));
    }
    Ok(format)
}

impl AudioFile {
    /// Audio held in memory. `file_name`'s extension must be wav, mp3, flac or m4a, and the
    /// data at most 10,000,000 bytes.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) naming the limit broken.
    pub fn from_bytes(file_name: impl Into<String>, data: impl Into<Bytes>) -> Result<Self, Error> {
        let file_name = file_name.into();
        let data = data.into();
        let format = check_audio(&file_name, data.len() as u64)?;
        Ok(Self {
            len: data.len() as u64,
            file_name,
            format,
            data: PartData::Bytes(data),
        })
    }

    /// A file on disk, streamed when sent (never read whole). Its size is checked now.
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) when it cannot be read,
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) naming the limit broken.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let meta = tokio::fs::metadata(path)
            .await
            .map_err(|e| Error::io(format!("cannot read {}: {e}", path.display()), e))?;
        if !meta.is_file() {
            return Err(
                Error::invalid_input(format!("{} is not a file", path.display()))
                    .with_hint("pass an audio file"),
            );
        }
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let format = check_audio(&file_name, meta.len())?;
        Ok(Self {
            file_name,
            format,
            len: meta.len(),
            data: PartData::Path(path.to_path_buf()),
        })
    }

    /// The file name sent.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The format: `wav`, `mp3`, `flac` or `m4a`.
    pub fn format(&self) -> &'static str {
        self.format
    }

    /// The size in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True for an empty file.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Options of [`Stt::transcribe`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TranscribeOptions {
    /// `language`, e.g. `hi` or `en`; the service's default when `None`.
    pub language: Option<String>,
    /// `enable_cap_punc`: capitalisation and punctuation; the service's default when `None`.
    pub enable_cap_punc: Option<bool>,
}

impl Stt {
    /// The same service at another base URL (e.g. `https://stt.example.com/stt/v1`).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for a URL that is not
    /// absolute `https://`, or plain `http://` to a host other than loopback.
    pub fn with_base_url(mut self, url: &str) -> Result<Self, Error> {
        self.base_url = Arc::from(validate_base_url(url)?);
        Ok(self)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn checked_base(&self) -> Result<Arc<str>, Error> {
        // A derived base URL follows the client's, which was checked; check it again anyway,
        // so no path leads to plain text off loopback.
        validate_base_url(&self.base_url).map(Arc::from)
    }

    /// Transcribes one file: `POST /transcriptions`.
    ///
    /// # Errors
    /// The service's 413 (too large), 415 (format) and other answers as
    /// [`ErrorKind::Api`](crate::ErrorKind::Api), with its `detail.code` as
    /// [`Error::code`].
    pub async fn transcribe(
        &self,
        audio: AudioFile,
        options: &TranscribeOptions,
    ) -> Result<Transcription, Error> {
        let (request_id, answer) = self.transcribe_answer(audio, options).await?;
        decode(TRANSCRIBE_OP, answer.status, answer.body).map_err(|e| {
            self.client
                .masked(e.with_answer_ids(request_id, &answer.headers))
        })
    }

    /// Like [`transcribe`](Self::transcribe), returning the service's JSON answer as it came.
    ///
    /// # Errors
    /// As [`transcribe`](Self::transcribe).
    pub async fn transcribe_raw(
        &self,
        audio: AudioFile,
        options: &TranscribeOptions,
    ) -> Result<Bytes, Error> {
        Ok(self.transcribe_answer(audio, options).await?.1.body)
    }

    /// Sends one file to `POST /transcriptions`: the request's id and the 2xx answer.
    async fn transcribe_answer(
        &self,
        audio: AudioFile,
        options: &TranscribeOptions,
    ) -> Result<(RequestId, ApiResponse), Error> {
        let mut parts = vec![Part::file(
            "file",
            audio.file_name.clone(),
            audio_content_type(audio.format),
            audio.data,
        )];
        if let Some(language) = options.language.as_deref().map(str::trim) {
            if language.is_empty() {
                return Err(Error::invalid_input("the language is empty")
                    .with_hint("pass a language code such as `en` or `hi`, or none"));
            }
            parts.push(Part::text("language", language));
        }
        if let Some(on) = options.enable_cap_punc {
            parts.push(Part::text("enable_cap_punc", on.to_string()));
        }
        // Transcribing the same audio again is harmless, so a failed attempt may be repeated.
        let req = ApiRequest::new(
            TRANSCRIBE_OP,
            Method::POST,
            self.checked_base()?,
            "/transcriptions",
            Idempotency::Idempotent,
        )
        .with_limits(RequestLimits {
            attempt_timeout: Some(UPLOAD_ATTEMPT_TIMEOUT),
            ..RequestLimits::default()
        })
        .with_body(Body::Multipart(parts))
        .expecting_json();
        let request_id = req.request_id;
        Ok((request_id, self.client.exchange(req).await?))
    }

    /// The service's health: `GET /health`.
    ///
    /// # Errors
    /// When the service does not answer 2xx with JSON.
    pub async fn health(&self) -> Result<SttHealth, Error> {
        let req = ApiRequest::new(
            HEALTH_OP,
            Method::GET,
            self.checked_base()?,
            "/health",
            Idempotency::Idempotent,
        );
        self.client.send_json(req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_checked_before_sending() {
        assert!(AudioFile::from_bytes("a.wav", vec![0u8; 10]).is_ok());
        let e = AudioFile::from_bytes("a.ogg", vec![0u8; 10]).unwrap_err();
        assert!(!e.to_string().contains(".wav"), "{e}");
        assert!(e.hint().unwrap().contains(".wav"), "{e}");
        let e = AudioFile::from_bytes("a.mp3", vec![0u8; 10_000_001]).unwrap_err();
        assert!(e.to_string().contains("10000000"), "{e}");
        assert!(AudioFile::from_bytes("a.MP3", vec![0u8; 10_000_000]).is_ok());
    }

    #[test]
    fn the_base_url_follows_the_client_and_refuses_plain_text() {
        let c = Client::builder().api_key("k").ignore_env().build().unwrap();
        assert_eq!(c.stt().base_url(), DEFAULT_STT_BASE_URL);
        let local = Client::builder()
            .api_key("k")
            .ignore_env()
            .base_url("http://127.0.0.1:9/ca/api/v0")
            .build()
            .unwrap();
        assert_eq!(local.stt().base_url(), "http://127.0.0.1:9/stt/v1");
        let e = c
            .stt()
            .with_base_url("http://stt.example.com/stt/v1")
            .unwrap_err();
        assert!(e.hint().unwrap().contains("https://"), "{e}");
        assert!(
            c.stt()
                .with_base_url("https://stt.example.com/stt/v1")
                .is_ok()
        );
    }
}
