//! Streaming recognition over the STT service's WebSocket (`GET /stream`).
//!
//! The frame format is not documented by Ringg (API reference §2.11, INF); this follows the
//! adapters': audio goes up as binary frames (PCM16 mono at [`StreamOptions::sample_rate`], or
//! a WAV file's bytes), a text message `{"type":"end"}` says the audio is over, and JSON
//! [`StreamMessage`]s come back: partial transcripts, then one final transcript.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::stream::{SplitStream, Stream};
use futures::{SinkExt, StreamExt};
use ringg_transport::HumanDuration;
use ringg_types::stt::{StreamMessage, StreamMessageKind};
use ringg_types::text::for_terminal;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Message};

use crate::base_url::validate_base_url;
use crate::error::Error;
use crate::stt::handshake::Socket;
use crate::stt::rest::Stt;

const STREAM_OP: &str = "sttStream";

/// Options of [`Stt::stream`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamOptions {
    /// `language`, e.g. `hi` or `en`; the service's default when `None`.
    pub language: Option<String>,
    /// `sample_rate` of raw PCM16 audio, in Hz (16,000 by default; a WAV header overrides it).
    pub sample_rate: u32,
    /// `encoding` of raw audio (`pcm_s16le` by default).
    pub encoding: String,
    /// `enable_cap_punc`; the service's default when `None`.
    pub enable_cap_punc: Option<bool>,
    /// Bytes of audio per frame (3,200 by default: 100 ms of 16 kHz PCM16).
    pub frame_bytes: usize,
    /// How long to wait for the connection and for each message (30 s by default; must not
    /// be zero).
    pub timeout: Duration,
}

impl Default for StreamOptions {
    fn default() -> Self {
        Self {
            language: None,
            sample_rate: 16_000,
            encoding: "pcm_s16le".to_owned(),
            enable_cap_punc: None,
            frame_bytes: 3_200,
            timeout: Duration::from_secs(30),
        }
    }
}

impl Stt {
    /// The `wss://` (or, to loopback, `ws://`) URL of the stream with `options` as its query.
    fn stream_url(&self, options: &StreamOptions) -> Result<url::Url, Error> {
        let base = validate_base_url(&self.base_url)?;
        let mut url = url::Url::parse(&format!("{base}/stream"))
            .map_err(|e| Error::invalid_input(format!("bad STT base URL: {e}")))?;
        let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
        url.set_scheme(scheme)
            .map_err(|()| Error::invalid_input("bad STT base URL scheme"))?;
        {
            let mut q = url.query_pairs_mut();
            if let Some(l) = &options.language {
                q.append_pair("language", l);
            }
            q.append_pair("sample_rate", &options.sample_rate.to_string());
            q.append_pair("encoding", &options.encoding);
            if let Some(on) = options.enable_cap_punc {
                q.append_pair("enable_cap_punc", &on.to_string());
            }
        }
        Ok(url)
    }

    /// Streams `audio` to the service and yields its transcripts as they come: partial
    /// messages, then one [`StreamMessageKind::Final`], after which the stream ends.
    ///
    /// The audio is read in frames of [`StreamOptions::frame_bytes`] and sent as fast as the
    /// connection takes it; the end of `audio` ends the stream's input.
    ///
    /// The handshake is an HTTP/1.1 upgrade sent by a reqwest client of its own (TLS as the
    /// crate's features choose, proxies from the environment except to loopback, no redirect
    /// followed; not the settings of a transport the client was built with); the key goes in
    /// its `x-api-key` header only. The stream is bounded by `options` alone: a
    /// scoped view's [`RequestOptions`](crate::RequestOptions) apply to the REST calls, not
    /// to it.
    ///
    /// # Errors
    /// When the connection or handshake fails (a 401 or 4xx of the handshake is an
    /// [`ErrorKind::Api`](crate::ErrorKind::Api) error with the service's message). Errors
    /// later on (an error message from the service, reading `audio`, a lost connection)
    /// come as items of the stream.
    pub async fn stream<R>(
        &self,
        audio: R,
        options: &StreamOptions,
    ) -> Result<TranscriptStream, Error>
    where
        R: AsyncRead + Unpin + Send + 'static,
    {
        if options.frame_bytes == 0 {
            return Err(Error::invalid_input("frame_bytes must be at least 1"));
        }
        if options.timeout.is_zero() {
            return Err(Error::invalid_input(
                "the stream timeout must be more than zero",
            ));
        }
        let url = self.stream_url(options)?;
        // The handshake runs outside the transport stack, so its errors are masked here: a
        // server may echo the key, and the base URL may carry credentials.
        let base = ringg_transport::masked_url(&self.base_url);
        let key = self.client.api_key();
        let open = super::handshake::open(url, key, &base, STREAM_OP);
        let socket = match tokio::time::timeout(options.timeout, open).await {
            Err(_) => {
                return Err(Error::connection(format!(
                    "the speech-to-text stream at {base} did not connect within {}",
                    HumanDuration(options.timeout)
                ))
                .with_operation(STREAM_OP));
            }
            Ok(opened) => opened.map_err(|e| e.masking(key).with_operation(STREAM_OP))?,
        };
        let (sink, reader) = socket.split();
        let writer = tokio::spawn(send_audio(sink, audio, options.frame_bytes));
        Ok(TranscriptStream {
            inner: Box::pin(messages(
                reader,
                writer,
                options.timeout,
                self.client.api_key().clone(),
            )),
        })
    }
}

async fn send_audio<R: AsyncRead + Unpin>(
    mut sink: futures::stream::SplitSink<Socket, Message>,
    mut audio: R,
    frame: usize,
) -> Result<(), Error> {
    let mut buf = vec![0u8; frame];
    loop {
        let n = audio
            .read(&mut buf)
            .await
            .map_err(|e| Error::io(format!("reading the audio failed: {e}"), e))?;
        if n == 0 {
            break;
        }
        sink.send(Message::binary(buf[..n].to_vec()))
            .await
            .map_err(|e| {
                Error::connection(format!(
                    "the speech-to-text stream closed while sending audio: {e}"
                ))
            })?;
    }
    sink.send(Message::text(r#"{"type":"end"}"#))
        .await
        .map_err(|e| {
            Error::connection(format!(
                "the speech-to-text stream closed before the end of the audio: {e}"
            ))
        })
}

struct Reading {
    reader: SplitStream<Socket>,
    writer: Option<JoinHandle<Result<(), Error>>>,
    timeout: Duration,
    done: bool,
    /// The client's key, masked in every error the stream yields (a service may echo it).
    key: ringg_types::Secret,
}

/// How long a stream that closed waits for the audio sender's own error (a failed read of the
/// audio explains the close better): the sender of a live source (a microphone) that has no
/// audio ready never ends by itself, so it is stopped after this.
const WRITER_GRACE: Duration = Duration::from_millis(500);

impl Drop for Reading {
    fn drop(&mut self) {
        // The audio may be endless (a microphone): stop sending when nobody reads.
        if let Some(writer) = &self.writer {
            writer.abort();
        }
    }
}

impl Reading {
    /// The writer's error, when it failed (it is asked once the socket ends early). A writer
    /// still waiting for audio after [`WRITER_GRACE`] is stopped.
    async fn writer_error(&mut self) -> Option<Error> {
        let mut writer = self.writer.take()?;
        match tokio::time::timeout(WRITER_GRACE, &mut writer).await {
            Ok(Ok(Err(e))) => Some(e),
            Ok(_) => None,
            Err(_) => {
                writer.abort();
                None
            }
        }
    }

    /// The next item, with the client's key masked in an error.
    async fn next(&mut self) -> Option<Result<StreamMessage, Error>> {
        let item = self.next_unmasked().await?;
        Some(item.map_err(|e| e.masking(&self.key)))
    }

    /// What a text message (or JSON in a binary frame) holds: `None` for a message of a kind
    /// this client does not know (a session notice, metadata), which is skipped; a decode
    /// error keeps the message and names the field.
    fn read_message(&mut self, body: bytes::Bytes) -> Option<Result<StreamMessage, Error>> {
        let msg: StreamMessage =
            match crate::decode::decode(STREAM_OP, http::StatusCode::OK, body.clone()) {
                Ok(m) => m,
                // Only a message that does not decode is looked at again, for its kind.
                Err(_) if unknown_kind(&body, &self.key) => return None,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
        match msg.kind {
            StreamMessageKind::Partial => Some(Ok(msg)),
            StreamMessageKind::Final => {
                self.done = true;
                Some(Ok(msg))
            }
            StreamMessageKind::Error => {
                self.done = true;
                let what = msg.message.as_deref().unwrap_or("no message");
                let code = msg.code.as_deref().unwrap_or("error");
                Some(Err(Error::connection(format!(
                    "the speech-to-text service ended the stream ({code}): {}",
                    for_terminal(what, 300)
                ))))
            }
        }
    }

    /// The error of a stream that ended (with `frame`, or without a close) before its final
    /// transcript: the audio sender's own error when it failed, else the close's code and
    /// reason.
    async fn ended_early(&mut self, frame: Option<CloseFrame>) -> Error {
        self.done = true;
        if let Some(e) = self.writer_error().await {
            return e;
        }
        let closed = "the speech-to-text stream closed before its final transcript";
        Error::connection(match frame {
            Some(f) => format!(
                "{closed} (code {}: {})",
                u16::from(f.code),
                for_terminal(f.reason.as_str(), 300)
            ),
            None => closed.to_owned(),
        })
    }

    async fn next_unmasked(&mut self) -> Option<Result<StreamMessage, Error>> {
        if self.done {
            return None;
        }
        loop {
            let next = match tokio::time::timeout(self.timeout, self.reader.next()).await {
                Ok(next) => next,
                Err(_) => {
                    self.done = true;
                    return Some(Err(Error::timeout(format!(
                        "the speech-to-text stream sent nothing for {}",
                        HumanDuration(self.timeout)
                    ))));
                }
            };
            match next {
                Some(Ok(Message::Text(text))) => {
                    if let Some(item) = self.read_message(bytes::Bytes::from(text)) {
                        return Some(item);
                    }
                }
                // Some services send their JSON messages as binary frames.
                Some(Ok(Message::Binary(bytes))) => {
                    if bytes.trim_ascii_start().starts_with(b"{")
                        && let Some(item) = self.read_message(bytes)
                    {
                        return Some(item);
                    }
                }
                Some(Ok(Message::Close(frame))) => return Some(Err(self.ended_early(frame).await)),
                None => return Some(Err(self.ended_early(None).await)),
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(Error::connection(format!(
                        "the speech-to-text stream failed: {}",
                        for_terminal(&e.to_string(), 300)
                    ))));
                }
            }
        }
    }
}

/// Whether `text` is a JSON message whose `type` is none of the kinds this client knows (a
/// session notice, metadata): such a message is skipped, its kind logged with `key` masked (a
/// service may echo anything).
fn unknown_kind(text: &[u8], key: &ringg_types::Secret) -> bool {
    let kind = serde_json::from_slice::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned));
    match kind {
        Some(kind) if !matches!(kind.as_str(), "partial" | "final" | "error") => {
            let kind = ringg_types::redact::mask_secret(&kind, key.expose());
            tracing::debug!(target: "ringg_api::stt", kind = %for_terminal(&kind, 40), "skipped a stream message of a kind this client does not know");
            true
        }
        _ => false,
    }
}

fn messages(
    reader: SplitStream<Socket>,
    writer: JoinHandle<Result<(), Error>>,
    timeout: Duration,
    key: ringg_types::Secret,
) -> impl Stream<Item = Result<StreamMessage, Error>> + Send {
    let state = Reading {
        reader,
        writer: Some(writer),
        timeout,
        done: false,
        key,
    };
    futures::stream::unfold(state, |mut st| async move {
        let item = st.next().await?;
        Some((item, st))
    })
}

/// The transcripts of a stream, as a [`futures::Stream`]: partial [`StreamMessage`]s, then
/// the final one. Dropping it ends the connection.
pub struct TranscriptStream {
    inner: Pin<Box<dyn Stream<Item = Result<StreamMessage, Error>> + Send>>,
}

impl std::fmt::Debug for TranscriptStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TranscriptStream").finish_non_exhaustive()
    }
}

impl Stream for TranscriptStream {
    type Item = Result<StreamMessage, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl TranscriptStream {
    /// Reads the stream to its end and returns the final transcript.
    ///
    /// # Errors
    /// The first error of the stream.
    pub async fn final_transcript(mut self) -> Result<StreamMessage, Error> {
        let mut last = None;
        while let Some(item) = self.next().await {
            last = Some(item?);
        }
        last.filter(|m| m.kind == StreamMessageKind::Final)
            .ok_or_else(|| {
                Error::connection("the speech-to-text stream ended without a final transcript")
            })
    }
}
