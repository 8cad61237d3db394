//! The one error type of the client.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;
use ringg_transport::{RequestId, TransportError, TransportErrorKind};
use ringg_types::text::{escape_control, truncate_chars};

use crate::error_body::{parse_error_body, redirect_message};

pub use ringg_transport::BoxError;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Ringg answered with a non-2xx status. See [`Error::status`] and [`Error::message`].
    Api,
    /// A 2xx answer whose body did not match the model. See [`Error::field_path`] and
    /// [`Error::body`].
    Decode,
    /// No answer was received (connection, timeout). See [`Error::transport_kind`].
    Transport,
    /// A request that places calls or creates something failed ambiguously: it may or may not
    /// have been carried out. For calls, run [`Calls::reconcile`](crate::calls::Calls::reconcile)
    /// with [`Error::client_reference`] before trying again.
    OutcomeUnknown,
    /// The server asked to wait longer than the client's cap before retrying.
    RetryAfterTooLong,
    /// The request was refused before sending: bad input or configuration.
    InvalidInput,
    /// Waiting for something (a call, an upload) took longer than allowed.
    Timeout,
    /// Reading a local file (a CSV) failed.
    Io,
    /// A list did not end: a page repeated the previous one, the offset could not advance, or
    /// the client's page cap was reached.
    Pagination,
    /// The client's [journal](crate::journal) could not be read or written (or is damaged);
    /// the request it guards was not sent.
    Journal,
    /// What the request names does not exist, as the client found out before writing (no
    /// webhook subscription or campaign matches). A server's 404 is [`Api`](Self::Api).
    NotFound,
    /// A search stopped at its limit before it found what it looked for, so that is neither
    /// found nor ruled out ([`Calls::reconcile`](crate::calls::Calls::reconcile) after
    /// [`ReconcileQuery::max_rows`](crate::calls::ReconcileQuery::max_rows) history rows).
    SearchLimit,
    /// A search met what it could not tell apart from what it looked for, so that is neither
    /// found nor ruled out; the message names what it met.
    /// [`Calls::reconcile`](crate::calls::Calls::reconcile) found calls whose variables
    /// (`custom_args_values`) neither the history nor the call details showed (the error
    /// carries the [client reference](Error::client_reference)): look at them before placing
    /// the call again. A campaign launch run again found several campaigns of its name and
    /// assistant made when it uploaded, none with its list's id: look at them before starting
    /// any.
    Unverifiable,
    /// It is too early to act: an earlier request may still be answered (see
    /// [`ClientBuilder::settle_after`](crate::ClientBuilder::settle_after)). A call missing
    /// from the history is not ruled out yet, or a campaign launch does not upload or start
    /// again what an earlier run sent (or another run of it is under way). Try again later;
    /// the message says when, if it knows.
    TooEarly,
}

/// The most characters of a server's message an [`Error`] keeps (the whole body is kept
/// apart): a 50 MB error message must not become a 50 MB line on a terminal.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// An error from the Ringg client.
///
/// It carries the operation, the HTTP status, Ringg's own message (parsed from any of the error
/// body shapes Ringg uses, cut to [`MAX_MESSAGE_CHARS`]), the body, and for decode errors the
/// failing field path. It never carries request headers. What a server sent back can hold a
/// key: fields named like one (`api_key`, as `GET /workspace` returns) are masked in the body
/// it shows and hands out ([`body`](Self::body)), and an error from a [`Client`](crate::Client)
/// also masks the client's own key wherever the server echoed it (its message, field path,
/// body and source), unless the body is asked for by name
/// ([`unredacted_body`](Self::unredacted_body)). `Display` escapes control characters, so a
/// server's message cannot drive the terminal it is printed on.
pub struct Error {
    repr: Box<Repr>,
}

struct Repr {
    malformed: bool,
    kind: ErrorKind,
    operation: Option<&'static str>,
    status: Option<StatusCode>,
    message: String,
    code: Option<String>,
    body: Option<Bytes>,
    /// The body with the client's key masked, when it held it (see `mask.rs`).
    shown_body: Option<Bytes>,
    field_path: Option<String>,
    retry_after: Option<Duration>,
    client_reference: Option<String>,
    transport: Option<TransportErrorKind>,
    request_id: Option<RequestId>,
    server_request_id: Option<String>,
    source: Option<BoxError>,
    /// What to do, for an error whose advice is known where it is made.
    hint: Option<String>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            repr: Box::new(Repr {
                kind,
                operation: None,
                status: None,
                message: message.into(),
                code: None,
                body: None,
                shown_body: None,
                field_path: None,
                retry_after: None,
                client_reference: None,
                transport: None,
                request_id: None,
                server_request_id: None,
                source: None,
                hint: None,
                malformed: false,
            }),
        }
    }

    /// A connection outside the transport stack failed (the speech-to-text WebSocket).
    #[cfg(feature = "stt-stream")]
    pub(crate) fn connection(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Transport, message)
    }

    /// An error for input refused before sending.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    /// An error for something the request names that does not exist (see [`ErrorKind::NotFound`]).
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    /// An error for a list that does not end (see [`ErrorKind::Pagination`]).
    pub fn pagination(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Pagination, message)
    }

    /// An error for a search that stopped at its limit (see [`ErrorKind::SearchLimit`]).
    pub(crate) fn search_limit(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::SearchLimit, message)
    }

    /// An error for a search that met calls it could not check (see
    /// [`ErrorKind::Unverifiable`]).
    pub(crate) fn unverifiable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unverifiable, message)
    }

    /// An error for an initiation that cannot be ruled out yet (see [`ErrorKind::TooEarly`]).
    pub(crate) fn too_early(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::TooEarly, message)
    }

    /// An error for a wait that ran out of time.
    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Timeout, message)
    }

    /// An error reading a local file.
    pub fn io(message: impl Into<String>, source: std::io::Error) -> Self {
        let mut e = Self::new(ErrorKind::Io, message);
        e.repr.source = Some(Box::new(source));
        e
    }

    /// An error from the client's [journal](crate::journal).
    pub fn journal(source: crate::journal::JournalError) -> Self {
        let mut e = Self::new(ErrorKind::Journal, source.to_string());
        e.repr.source = Some(Box::new(source));
        e
    }

    /// An error from a non-2xx response.
    pub fn from_response(
        operation: &'static str,
        status: StatusCode,
        headers: &http::HeaderMap,
        body: Bytes,
    ) -> Self {
        let parsed = parse_error_body(&body);
        let message = if ringg_transport::redirect::is_redirect(status) {
            redirect_message(status, headers)
        } else {
            parsed.message.unwrap_or_else(|| {
                status
                    .canonical_reason()
                    .unwrap_or("unexpected status")
                    .to_string()
            })
        };
        let mut e = Self::new(ErrorKind::Api, clip_message(message));
        e.repr.operation = Some(operation);
        e.repr.status = Some(status);
        e.repr.code = parsed.code;
        e.repr.body = Some(body);
        e.repr.retry_after = ringg_transport::layers::retry::parse_retry_after(
            headers,
            std::time::SystemTime::now(),
        );
        e.repr.server_request_id = server_id(headers);
        e
    }

    /// A decode error: the body of a successful response did not match the model.
    pub fn decode(
        operation: &'static str,
        status: StatusCode,
        field_path: String,
        message: String,
        body: Bytes,
    ) -> Self {
        let mut e = Self::new(ErrorKind::Decode, message);
        e.repr.operation = Some(operation);
        e.repr.status = Some(status);
        e.repr.field_path = Some(field_path);
        e.repr.body = Some(body);
        e
    }

    /// This error with `hint` as its [`hint`](Self::hint): the advice, kept out of `Display`.
    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.repr.hint = Some(hint.into());
        self
    }

    /// Marks a decode error whose body was not JSON at all (truncated or garbled), as opposed
    /// to JSON that does not match the model.
    pub(crate) fn mark_malformed(mut self) -> Self {
        self.repr.malformed = true;
        self
    }

    /// Turns this error into an outcome-unknown one (used when a non-idempotent request got an
    /// answer that cannot be read: it was probably carried out).
    pub(crate) fn into_outcome_unknown(mut self) -> Self {
        if self.repr.kind != ErrorKind::OutcomeUnknown {
            // The field that did not read stays named (it is also `field_path`).
            let at = match &self.repr.field_path {
                Some(path) => format!("at `{path}`: "),
                None => String::new(),
            };
            self.repr.message = format!(
                "the server answered but the answer could not be read ({at}{})",
                self.repr.message
            );
            self.repr.kind = ErrorKind::OutcomeUnknown;
        }
        self
    }

    /// True for a 2xx answer whose body was not valid JSON (truncated or garbled in transit).
    /// Idempotent requests are retried on it; see [`Client::send_json`](crate::Client::send_json).
    pub fn is_malformed_body(&self) -> bool {
        self.repr.malformed
    }

    /// Wraps a transport error; a transport-level outcome-unknown error becomes
    /// [`ErrorKind::OutcomeUnknown`].
    pub fn from_transport(err: TransportError) -> Self {
        let kind = match err.kind() {
            TransportErrorKind::OutcomeUnknown => ErrorKind::OutcomeUnknown,
            TransportErrorKind::RetryAfterTooLong => ErrorKind::RetryAfterTooLong,
            TransportErrorKind::InvalidRequest => ErrorKind::InvalidInput,
            _ => ErrorKind::Transport,
        };
        let mut e = Self::new(kind, err.message().to_string());
        e.repr.operation = err.operation();
        e.repr.transport = Some(err.kind());
        e.repr.retry_after = err.retry_after();
        e.repr.request_id = err.request_id();
        if let Some(resp) = err.response() {
            e.repr.server_request_id = server_id(&resp.headers);
            e.repr.status = Some(resp.status);
            e.repr.body = Some(resp.body.clone());
            let parsed = parse_error_body(&resp.body);
            e.repr.code = parsed.code;
            if ringg_transport::redirect::is_redirect(resp.status) {
                e.repr.message = format!(
                    "{} ({})",
                    e.repr.message,
                    redirect_message(resp.status, &resp.headers)
                );
            } else if let Some(m) = parsed.message {
                e.repr.message = clip_message(format!("{} ({m})", e.repr.message));
            }
        }
        e.repr.source = Some(Box::new(err));
        e
    }

    /// Attaches the client reference of a call initiation, so an outcome-unknown error says
    /// how to find the call.
    pub fn with_client_reference(mut self, reference: impl Into<String>) -> Self {
        self.repr.client_reference = Some(reference.into());
        self
    }

    /// Records the client-generated id of the request that failed (kept if one is set).
    pub fn with_request_id(mut self, request_id: RequestId) -> Self {
        self.repr.request_id.get_or_insert(request_id);
        self
    }

    /// The client-generated id of the request that failed, as sent in the
    /// [`REQUEST_ID_HEADER`](ringg_transport::REQUEST_ID_HEADER) header (the same on every
    /// retry). Quote it when reporting a problem.
    pub fn request_id(&self) -> Option<RequestId> {
        self.repr.request_id
    }

    /// A request or trace id the server sent back with its answer, if any (see
    /// [`SERVER_REQUEST_ID_HEADERS`](ringg_transport::SERVER_REQUEST_ID_HEADERS)).
    pub fn server_request_id(&self) -> Option<&str> {
        self.repr.server_request_id.as_deref()
    }

    /// Sets the operation.
    pub fn with_operation(mut self, operation: &'static str) -> Self {
        self.repr.operation = Some(operation);
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.repr.kind
    }

    /// The operation id (e.g. `initiateCallV2`), when the error came from a request.
    pub fn operation(&self) -> Option<&'static str> {
        self.repr.operation
    }

    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        self.repr.status
    }

    /// Ringg's message (or a description of the failure).
    pub fn message(&self) -> &str {
        &self.repr.message
    }

    /// Ringg's error code, when the body carried one.
    pub fn code(&self) -> Option<&str> {
        self.repr.code.as_deref()
    }

    /// The response body, when a response was received, with every secret masked
    /// ([`ringg_types::redact`]): safe to log or show. The body as received is
    /// [`unredacted_body`](Self::unredacted_body).
    pub fn body(&self) -> Option<Bytes> {
        let body = self.repr.shown_body.as_ref().or(self.repr.body.as_ref())?;
        Some(match std::str::from_utf8(body) {
            Ok(text) => match ringg_types::redact::redact_text(text) {
                std::borrow::Cow::Borrowed(_) => body.clone(),
                std::borrow::Cow::Owned(masked) => Bytes::from(masked),
            },
            // Not UTF-8 (a binary error page): hand it over as it is unless a secret shows.
            Err(_) => match ringg_types::redact::redact_text(&String::from_utf8_lossy(body)) {
                std::borrow::Cow::Borrowed(_) => body.clone(),
                std::borrow::Cow::Owned(masked) => Bytes::from(masked),
            },
        })
    }

    /// The response body as text (lossy UTF-8), with every secret masked.
    pub fn body_text(&self) -> Option<String> {
        let body = self.repr.shown_body.as_ref().or(self.repr.body.as_ref())?;
        Some(ringg_types::redact::redact_bytes(body))
    }

    /// The response body exactly as received. It can hold secrets (the workspace key of
    /// `GET /workspace`): never log it.
    pub fn unredacted_body(&self) -> Option<&Bytes> {
        self.repr.body.as_ref()
    }

    /// For decode errors, the path of the field that failed (e.g. `calls[3].status`).
    pub fn field_path(&self) -> Option<&str> {
        self.repr.field_path.as_deref()
    }

    /// For outcome-unknown call initiations, the reference to pass to
    /// [`Calls::reconcile`](crate::calls::Calls::reconcile); for an initiation refused
    /// ([`ErrorKind::InvalidInput`]) because an earlier one to the same recipient is not settled
    /// ([`Calls::initiate_unless_pending`](crate::calls::Calls::initiate_unless_pending)), that
    /// earlier one's reference.
    pub fn client_reference(&self) -> Option<&str> {
        self.repr.client_reference.as_deref()
    }

    /// For transport errors, the transport's classification.
    pub fn transport_kind(&self) -> Option<TransportErrorKind> {
        self.repr.transport
    }

    /// How long the server asked to wait (`Retry-After`), when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.repr.retry_after
    }

    /// True for 401 and 403: the key is missing, wrong, rotated, or lacks permission.
    pub fn is_auth(&self) -> bool {
        matches!(self.repr.status.map(|s| s.as_u16()), Some(401 | 403))
    }

    /// True for 429.
    pub fn is_rate_limited(&self) -> bool {
        self.repr.status == Some(StatusCode::TOO_MANY_REQUESTS)
            || self.repr.kind == ErrorKind::RetryAfterTooLong
    }

    /// True for 404, and for [`ErrorKind::NotFound`].
    pub fn is_not_found(&self) -> bool {
        self.repr.status == Some(StatusCode::NOT_FOUND) || self.repr.kind == ErrorKind::NotFound
    }

    /// True when the request may or may not have been carried out.
    pub fn is_outcome_unknown(&self) -> bool {
        self.repr.kind == ErrorKind::OutcomeUnknown
    }

    /// True when trying the same request again later may succeed: 408, 429, 5xx and
    /// transport failures. An outcome-unknown error is not retryable as is: reconcile first.
    pub fn is_retryable(&self) -> bool {
        match self.repr.kind {
            ErrorKind::Api => {
                matches!(
                    self.repr.status.map(|s| s.as_u16()),
                    Some(408 | 429 | 500..=599)
                )
            }
            ErrorKind::Transport | ErrorKind::RetryAfterTooLong | ErrorKind::Timeout => true,
            _ => false,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.repr.kind)
            .field("operation", &self.repr.operation)
            .field("status", &self.repr.status)
            .field("message", &self.repr.message);
        if let Some(c) = &self.repr.code {
            d.field("code", c);
        }
        if let Some(p) = &self.repr.field_path {
            d.field("field_path", p);
        }
        if let Some(r) = &self.repr.client_reference {
            d.field("client_reference", r);
        }
        if let Some(r) = &self.repr.request_id {
            d.field("request_id", r);
        }
        if let Some(r) = &self.repr.server_request_id {
            d.field("server_request_id", r);
        }
        if let Some(b) = self.repr.shown_body.as_ref().or(self.repr.body.as_ref()) {
            d.field(
                "body",
                &truncate_chars(&ringg_types::redact::redact_bytes(b), 512),
            );
        }
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(op) = self.repr.operation {
            write!(f, "{op}: ")?;
        }
        match self.repr.kind {
            ErrorKind::Api => {
                if let Some(s) = self.repr.status {
                    write!(f, "HTTP {}: ", s.as_u16())?;
                }
                f.write_str(&escape_control(&self.repr.message))?;
            }
            ErrorKind::Decode => {
                write!(
                    f,
                    "could not decode the response at `{}`: {}",
                    escape_control(self.repr.field_path.as_deref().unwrap_or(".")),
                    escape_control(&self.repr.message)
                )?;
            }
            ErrorKind::OutcomeUnknown => {
                write!(f, "outcome unknown: {}", escape_control(&self.repr.message))?;
            }
            _ => f.write_str(&escape_control(&self.repr.message))?,
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.repr
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        Self::from_transport(e)
    }
}

/// The server's request id from response headers, bounded and without control characters.
fn server_id(headers: &http::HeaderMap) -> Option<String> {
    ringg_transport::server_request_id(headers)
        .map(|id| truncate_chars(&escape_control(id), 200).into_owned())
}

/// Cuts a server's message to [`MAX_MESSAGE_CHARS`].
fn clip_message(message: String) -> String {
    match truncate_chars(&message, MAX_MESSAGE_CHARS) {
        std::borrow::Cow::Borrowed(_) => message,
        cut => cut.into_owned(),
    }
}

mod hint;
pub(crate) mod mask;
mod outcome;
#[cfg(test)]
mod tests;
