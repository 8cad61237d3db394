//! The application's side: what to do with each event.

use std::fmt;
use std::future::Future;

use async_trait::async_trait;
use http::StatusCode;

use crate::WebhookEvent;

/// Receives each new event exactly once per dedupe key.
///
/// Return `Ok(())` only once the event is safely taken care of (stored, queued): the receiver
/// answers Ringg with 200 after that, and Ringg will not send the event again. Return an error
/// (or panic) and the receiver answers 500 and forgets the event, so Ringg's next retry is
/// handed over again.
///
/// Ringg waits 30 seconds for an answer. Long work belongs in a queue the handler feeds.
///
/// Any `Fn(WebhookEvent) -> impl Future<Output = Result<(), HandlerError>>` closure or async
/// function is a handler:
///
/// ```
/// use ringg_webhooks::{HandlerError, WebhookEvent, WebhookHandler};
///
/// async fn on_event(event: WebhookEvent) -> Result<(), HandlerError> {
///     println!("{:?}", event.event_type());
///     Ok(())
/// }
/// fn assert_handler(_: impl WebhookHandler) {}
/// assert_handler(on_event);
/// assert_handler(|_event: WebhookEvent| async { Ok(()) });
/// ```
#[async_trait]
pub trait WebhookHandler: Send + Sync + 'static {
    /// Handles one event.
    async fn handle(&self, event: WebhookEvent) -> Result<(), HandlerError>;
}

#[async_trait]
impl<F, Fut> WebhookHandler for F
where
    F: Fn(WebhookEvent) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
{
    async fn handle(&self, event: WebhookEvent) -> Result<(), HandlerError> {
        self(event).await
    }
}

/// A handler's failure. The receiver logs it (at `warn`, via `tracing`) and answers 500, or the
/// status set with [`HandlerError::with_status`]; the error is never sent back in the response
/// body.
///
/// Any error type converts into it with `?`; [`HandlerError::msg`] makes one from a message.
pub struct HandlerError {
    inner: Box<dyn std::error::Error + Send + Sync>,
    status: StatusCode,
}

impl HandlerError {
    /// A handler error with a message.
    pub fn msg(message: impl fmt::Display) -> Self {
        Self {
            inner: message.to_string().into(),
            status: StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Answers the delivery with `status` instead of 500: for example 502 or 503 from a handler
    /// that relays events to a service that is down, or the status such a service answered.
    /// A redirect, client error or server error status (300–599) is taken; an informational or
    /// success status leaves 500, since a failed event must not be acknowledged as delivered.
    /// Ringg retries every answer but 200 alike.
    ///
    /// ```
    /// use ringg_webhooks::HandlerError;
    /// use http::StatusCode;
    ///
    /// let err = HandlerError::msg("the billing service is down").with_status(StatusCode::BAD_GATEWAY);
    /// assert_eq!(err.status(), StatusCode::BAD_GATEWAY);
    /// let err = HandlerError::msg("not this one").with_status(StatusCode::OK);
    /// assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
    /// ```
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        if status.is_redirection() || status.is_client_error() || status.is_server_error() {
            self.status = status;
        }
        self
    }

    /// The status the delivery is answered with: 500 unless [`HandlerError::with_status`] set
    /// another.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The underlying error.
    pub fn into_inner(self) -> Box<dyn std::error::Error + Send + Sync> {
        self.inner
    }
}

impl<E> From<E> for HandlerError
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn from(err: E) -> Self {
        Self {
            inner: Box::new(err),
            status: StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl fmt::Debug for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)?;
        let mut source = self.inner.source();
        while let Some(err) = source {
            write!(f, ": {err}")?;
            source = err.source();
        }
        Ok(())
    }
}

impl From<HandlerError> for Box<dyn std::error::Error + Send + Sync> {
    fn from(err: HandlerError) -> Self {
        err.inner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    fn fails() -> Result<(), HandlerError> {
        Err(Outer(std::io::Error::other("disk full")))?;
        Ok(())
    }

    #[test]
    fn errors_convert_and_display_their_chain() {
        let err = fails().unwrap_err();
        assert_eq!(err.to_string(), "outer: disk full");
        assert_eq!(HandlerError::msg("nope").to_string(), "nope");
        let boxed: Box<dyn std::error::Error + Send + Sync> = HandlerError::msg("x").into();
        assert_eq!(boxed.to_string(), "x");
    }
}
