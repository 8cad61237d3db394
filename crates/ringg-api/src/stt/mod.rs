//! Speech-to-text: Ringg's separate STT service on its own base URL
//! ([`DEFAULT_STT_BASE_URL`]), authenticated by the same workspace key.
//!
//! [`Client::stt`](crate::Client::stt) gives an [`Stt`] whose base URL is the platform base
//! URL's origin with `/stt/v1` (so a client pointed at a local simulator transcribes against
//! it too); [`Stt::with_base_url`] sets another. Plain `http://` and `ws://` are refused
//! off loopback: the key is never sent unencrypted.
//!
//! * [`Stt::transcribe`]: one file (wav, mp3, flac or m4a, at most
//!   [`MAX_AUDIO_BYTES`](ringg_types::stt::MAX_AUDIO_BYTES)), both limits checked before
//!   anything is sent.
//! * [`Stt::stream`]: any `AsyncRead` of audio over the streaming WebSocket, yielding partial
//!   and final transcripts (feature `stt-stream`, on by default).

#[cfg(feature = "stt-stream")]
mod handshake;
mod rest;
#[cfg(feature = "stt-stream")]
mod stream;

pub use rest::{AudioFile, DEFAULT_STT_BASE_URL, Stt, TranscribeOptions};
pub use ringg_types::stt::{StreamMessage, StreamMessageKind, SttHealth, Transcription};
#[cfg(feature = "stt-stream")]
pub use stream::{StreamOptions, TranscriptStream};
