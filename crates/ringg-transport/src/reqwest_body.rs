//! Reading a reqwest response against the body limit and the stall protection, and
//! classifying reqwest's errors by how far the request got.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::{FutureExt, Stream};

use crate::error::{SendState, TransportError, TransportErrorKind};
use crate::layers::timeout::deadline_after;
use crate::request::{ApiResponse, StallProtection};

/// Reads the whole response, enforcing the body limit while streaming and the stall
/// protection.
pub(crate) fn read_response(
    mut response: reqwest::Response,
    limit: u64,
    stall: Option<StallProtection>,
    operation: &'static str,
) -> impl Future<Output = Result<ApiResponse, TransportError>> + Send {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let declared = response.content_length();
    let mut body = Collected::new(declared.unwrap_or(0).min(1 << 20) as usize);
    let mut stream = response.bytes_stream();
    // The stall meter and its timer are made only when the body has to be waited for: a body
    // that is already there when the headers are costs no timer and no clock read.
    let mut meter: Option<StallMeter> = None;
    // An error answer keeps its status past the limit: its body (read for its message only)
    // is cut at the limit instead, so a 401 stays a 401.
    let cut_at_limit = !status.is_success();
    let read = std::future::poll_fn(move |cx| {
        if let Some(len) = declared
            && len > limit
            && !cut_at_limit
        {
            return Poll::Ready(Err(too_large(limit, len, operation)));
        }
        loop {
            match Pin::new(&mut stream).poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => {
                    let seen = body.len + chunk.len() as u64;
                    if seen > limit {
                        if cut_at_limit {
                            let room = (limit - body.len) as usize;
                            body.push(chunk.slice(..room));
                            return Poll::Ready(Ok(std::mem::take(&mut body).freeze()));
                        }
                        return Poll::Ready(Err(too_large(limit, seen, operation)));
                    }
                    if let Some(m) = meter.as_mut() {
                        m.bytes_in_window += chunk.len() as u64;
                    }
                    body.push(chunk);
                }
                Poll::Ready(Some(Err(e))) => {
                    return Poll::Ready(Err(body_error(e, operation)));
                }
                Poll::Ready(None) => return Poll::Ready(Ok(std::mem::take(&mut body).freeze())),
                Poll::Pending => {
                    let Some(policy) = stall else {
                        return Poll::Pending;
                    };
                    let m = meter.get_or_insert_with(|| StallMeter::new(policy));
                    while m.timer.as_mut().poll(cx).is_ready() {
                        if let Err(e) = m.judge(operation) {
                            return Poll::Ready(Err(e));
                        }
                    }
                    return Poll::Pending;
                }
            }
        }
    });
    read.map(move |body| {
        body.map(|body| ApiResponse {
            status,
            headers,
            body,
        })
    })
}

/// The error of a body over the limit (at least `seen` bytes).
fn too_large(limit: u64, seen: u64, operation: &'static str) -> TransportError {
    TransportError::new(
        TransportErrorKind::BodyTooLarge,
        SendState::MaybeSent,
        format!(
            "the response body is larger than the limit of {limit} bytes (at least {seen} bytes)"
        ),
    )
    .with_operation(operation)
}

/// A body being collected: one chunk is kept as it came (no copy), more are joined.
#[derive(Default)]
struct Collected {
    first: Option<Bytes>,
    joined: Option<BytesMut>,
    capacity: usize,
    len: u64,
}

impl Collected {
    fn new(capacity: usize) -> Self {
        Self {
            first: None,
            joined: None,
            capacity,
            len: 0,
        }
    }

    fn push(&mut self, chunk: Bytes) {
        self.len += chunk.len() as u64;
        if let Some(joined) = self.joined.as_mut() {
            joined.extend_from_slice(&chunk);
            return;
        }
        match self.first.take() {
            None => self.first = Some(chunk),
            Some(first) => {
                let need = first.len() + chunk.len();
                let mut joined = BytesMut::with_capacity(self.capacity.max(need));
                joined.extend_from_slice(&first);
                joined.extend_from_slice(&chunk);
                self.joined = Some(joined);
            }
        }
    }

    fn freeze(self) -> Bytes {
        match (self.joined, self.first) {
            (Some(joined), _) => joined.freeze(),
            (None, Some(first)) => first,
            (None, None) => Bytes::new(),
        }
    }
}

/// Measures a body's throughput window by window, from the first time the body had to be
/// waited for.
struct StallMeter {
    policy: StallProtection,
    /// Fires at the end of the current window (the grace period first).
    timer: Pin<Box<tokio::time::Sleep>>,
    bytes_in_window: u64,
    in_grace: bool,
}

impl StallMeter {
    fn new(policy: StallProtection) -> Self {
        Self {
            policy,
            timer: Box::pin(tokio::time::sleep_until(deadline_after(
                policy.grace_period,
            ))),
            bytes_in_window: 0,
            in_grace: true,
        }
    }

    /// Called at the end of a window: fails when it brought too little, else opens the next.
    fn judge(&mut self, operation: &'static str) -> Result<(), TransportError> {
        let needed =
            (self.policy.min_bytes_per_sec as f64 * self.policy.window.as_secs_f64()).ceil() as u64;
        if !self.in_grace && self.bytes_in_window < needed {
            return Err(TransportError::new(
                TransportErrorKind::Stalled,
                SendState::MaybeSent,
                format!(
                "the response stalled: {} bytes in the last {:.1} s, below the minimum of {} bytes/s",
                self.bytes_in_window,
                self.policy.window.as_secs_f64(),
                self.policy.min_bytes_per_sec
                ),
            )
            .with_operation(operation));
        }
        self.in_grace = false;
        self.bytes_in_window = 0;
        // A zero window would judge on every poll; 10 ms is the least that makes sense.
        let window = self.policy.window.max(Duration::from_millis(10));
        self.timer.as_mut().reset(deadline_after(window));
        Ok(())
    }
}

/// Whether an HTTP/2 server said it did not handle the request (RFC 9113 §8.7): a stream reset
/// with `REFUSED_STREAM`, or a graceful `GOAWAY` (`NO_ERROR`) that left it unprocessed. Such a
/// request is safe to send again, idempotent or not.
fn refused_by_server(e: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(h2) = err.downcast_ref::<h2::Error>() {
            let reason = h2.reason();
            return h2.is_remote()
                && ((h2.is_reset() && reason == Some(h2::Reason::REFUSED_STREAM))
                    || (h2.is_go_away() && reason == Some(h2::Reason::NO_ERROR)));
        }
        source = err.source();
    }
    false
}

/// A failure while reading a response body. The answer's head has arrived, so the server
/// handled the request: whatever the error says (even an HTTP/2 `REFUSED_STREAM`, which a
/// server may only send for a stream it did not process), the request counts as sent, and a
/// call initiation is not sent again.
fn body_error(e: reqwest::Error, operation: &'static str) -> TransportError {
    let (kind, what) = if e.is_timeout() {
        (
            TransportErrorKind::Timeout,
            "the attempt timed out while reading the response",
        )
    } else {
        (
            TransportErrorKind::Io,
            "the connection failed while reading the response",
        )
    };
    TransportError::new(kind, SendState::MaybeSent, format!("{what}: {e}"))
        .with_operation(operation)
        .with_source(e)
}

/// Classifies a reqwest error by how far the request got.
pub(crate) fn map_reqwest_error(e: reqwest::Error, operation: &'static str) -> TransportError {
    let (kind, state, what) = if e.is_builder() {
        (
            TransportErrorKind::InvalidRequest,
            SendState::NotSent,
            "could not build the request",
        )
    } else if e.is_connect() {
        (
            TransportErrorKind::Connect,
            SendState::NotSent,
            "could not connect to the server",
        )
    } else if refused_by_server(&e) {
        (
            TransportErrorKind::Io,
            SendState::NotSent,
            "the server refused the request before handling it (HTTP/2 stream refused or connection closing)",
        )
    } else if e.is_timeout() {
        (
            TransportErrorKind::Timeout,
            SendState::MaybeSent,
            "the attempt timed out after the request was sent",
        )
    } else if e.is_request() || e.is_body() || e.is_decode() {
        (
            TransportErrorKind::Io,
            SendState::MaybeSent,
            "the connection failed while sending the request or reading the response",
        )
    } else {
        (
            TransportErrorKind::Other,
            SendState::MaybeSent,
            "the HTTP request failed",
        )
    };
    let cause = root_cause(&e);
    if e.is_connect() && no_tls_for_https(&e, cause.as_deref()) {
        return TransportError::new(
            TransportErrorKind::InvalidRequest,
            SendState::NotSent,
            "the base URL is https, and this build has no TLS: enable the `rustls` (or `native-tls`) feature of ringg-api or ringg-transport",
        )
        .with_operation(operation)
        .with_source(e);
    }
    // reqwest's Display includes the URL (never headers), which carries no secret. The root
    // cause (`Connection refused`, a certificate problem) is what tells the user what to do, and
    // it sits at the end of the chain.
    let message = match cause {
        Some(cause) => format!("{what}: {e}: {cause}"),
        None => format!("{what}: {e}"),
    };
    TransportError::new(kind, state, message)
        .with_operation(operation)
        .with_source(e)
}

/// The last error of `e`'s source chain, when it has one.
fn root_cause(e: &reqwest::Error) -> Option<String> {
    let mut cause = std::error::Error::source(e)?;
    while let Some(next) = cause.source() {
        cause = next;
    }
    Some(cause.to_string())
}

/// An `https://` request that reqwest sent to a connector without TLS, from the error and its
/// root `cause`: no TLS feature is on anywhere in the build (hyper-util's connector says its
/// scheme is not `http`).
fn no_tls_for_https(e: &reqwest::Error, cause: Option<&str>) -> bool {
    e.url().is_some_and(|u| u.scheme() == "https")
        && cause.is_some_and(|c| c.contains("scheme is not http"))
}
