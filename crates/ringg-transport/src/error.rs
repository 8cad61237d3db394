//! The transport error type.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use crate::request::{ApiResponse, RequestId};

/// Type-erased error source.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// How far a failed request got. The retry rules depend on it: a request that was never sent
/// can always be sent again; one that may have reached the server cannot, unless it is
/// idempotent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SendState {
    /// The request never left this process (connection refused, DNS failure, TLS handshake).
    NotSent,
    /// The request may have reached the server (timeout after sending, reset mid-response).
    MaybeSent,
}

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// Could not connect (refused, DNS, TLS). Never sent.
    Connect,
    /// The per-attempt timeout elapsed after the request was sent.
    Timeout,
    /// The total time allowed for the request, retries included, elapsed.
    TotalTimeout,
    /// The connection failed while sending the request or reading the response.
    Io,
    /// The request could not be built (bad URL, unreadable upload file). Never sent.
    InvalidRequest,
    /// A non-idempotent request failed ambiguously: it may or may not have been carried out.
    /// The last response, if there was one, is kept in [`TransportError::response`].
    OutcomeUnknown,
    /// The server asked to wait longer than the configured cap before retrying.
    RetryAfterTooLong,
    /// The response body was larger than the limit; reading stopped at the limit. Not retried.
    BodyTooLarge,
    /// The response body stopped arriving (slower than the minimum throughput after the grace
    /// period). Retried like a timeout.
    Stalled,
    /// Anything else.
    Other,
}

/// An error from a [`Transport`](crate::Transport) or one of the layers.
///
/// It never contains request headers, so it cannot leak the API key.
pub struct TransportError {
    kind: TransportErrorKind,
    send_state: SendState,
    message: String,
    operation: Option<&'static str>,
    attempts: u32,
    request_id: Option<RequestId>,
    response: Option<Box<ApiResponse>>,
    retry_after: Option<Duration>,
    source: Option<BoxError>,
}

impl TransportError {
    /// A new error of the given kind.
    pub fn new(
        kind: TransportErrorKind,
        send_state: SendState,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            send_state,
            message: message.into(),
            operation: None,
            attempts: 1,
            request_id: None,
            response: None,
            retry_after: None,
            source: None,
        }
    }

    /// A connection error: the request was not sent.
    pub fn connect(message: impl Into<String>) -> Self {
        Self::new(TransportErrorKind::Connect, SendState::NotSent, message)
    }

    /// A per-attempt timeout after the request was sent.
    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(TransportErrorKind::Timeout, SendState::MaybeSent, message)
    }

    /// An I/O failure after the request may have been sent (e.g. a reset mid-response).
    pub fn io(message: impl Into<String>) -> Self {
        Self::new(TransportErrorKind::Io, SendState::MaybeSent, message)
    }

    /// The request could not be built; it was not sent.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(
            TransportErrorKind::InvalidRequest,
            SendState::NotSent,
            message,
        )
    }

    /// Attaches the underlying cause.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Records the operation id.
    pub fn with_operation(mut self, operation: &'static str) -> Self {
        self.operation = Some(operation);
        self
    }

    /// Records the client-generated id of the request.
    pub fn with_request_id(mut self, request_id: RequestId) -> Self {
        self.request_id = Some(request_id);
        self
    }

    /// The client-generated id of the request, when known.
    pub fn request_id(&self) -> Option<RequestId> {
        self.request_id
    }

    /// Records how many attempts were made.
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }

    /// Keeps the last response received.
    pub fn with_response(mut self, response: ApiResponse) -> Self {
        self.response = Some(Box::new(response));
        self
    }

    /// Records a server-requested delay.
    pub fn with_retry_after(mut self, retry_after: Duration) -> Self {
        self.retry_after = Some(retry_after);
        self
    }

    /// Turns this error into an [`TransportErrorKind::OutcomeUnknown`] error, keeping the rest.
    pub fn into_outcome_unknown(mut self) -> Self {
        self.message = format!(
            "the request may or may not have been carried out ({}); it was not retried because it is not idempotent",
            self.message
        );
        self.kind = TransportErrorKind::OutcomeUnknown;
        self.send_state = SendState::MaybeSent;
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the request may have reached the server.
    pub fn send_state(&self) -> SendState {
        self.send_state
    }

    /// True when the request certainly never reached the server.
    pub fn is_not_sent(&self) -> bool {
        self.send_state == SendState::NotSent
    }

    /// True for [`TransportErrorKind::OutcomeUnknown`].
    pub fn is_outcome_unknown(&self) -> bool {
        self.kind == TransportErrorKind::OutcomeUnknown
    }

    /// True for per-attempt and total timeouts and stalled responses.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self.kind,
            TransportErrorKind::Timeout
                | TransportErrorKind::TotalTimeout
                | TransportErrorKind::Stalled
        )
    }

    /// The message, without the operation prefix.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The operation id, when known.
    pub fn operation(&self) -> Option<&'static str> {
        self.operation
    }

    /// How many attempts were made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The last response received, for errors that followed one (e.g. a 500 on a
    /// non-idempotent request).
    pub fn response(&self) -> Option<&ApiResponse> {
        self.response.as_deref()
    }

    /// The server-requested delay, when there was one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("send_state", &self.send_state)
            .field("message", &self.message)
            .field("operation", &self.operation)
            .field("attempts", &self.attempts)
            .field("request_id", &self.request_id)
            .field("status", &self.response.as_ref().map(|r| r.status))
            .field("retry_after", &self.retry_after)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(op) = self.operation {
            write!(f, "{op}: ")?;
        }
        f.write_str(&self.message)?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}
