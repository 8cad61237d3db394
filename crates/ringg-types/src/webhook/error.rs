//! [`WebhookParseError`]: a body that did not fit the typed model, with the field path.

use std::fmt;

use crate::common::DecodeError;
use crate::enums::EventType;

/// A webhook body that could not be parsed.
///
/// Names the JSON path of the failing field ([`path`](Self::path)), the event type when it was
/// readable, and keeps the body ([`body`](Self::body)). `Display` names the field and the
/// failure only: a delivery's body holds phone numbers, names and transcripts, so a logged
/// error does not copy it (the body is there for whoever asks for it).
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid {kind} webhook payload at `{path}`: {message}",
    kind = self.event_type.as_ref().map_or("Ringg", |e| e.as_str()),
    path = self.source.path(),
    message = self.source.message()
)]
pub struct WebhookParseError {
    pub(crate) event_type: Option<EventType>,
    pub(crate) source: DecodeError,
}

impl WebhookParseError {
    /// A failure of the body itself, before any event type was read.
    pub(crate) fn document(source: DecodeError) -> Self {
        Self {
            event_type: None,
            source,
        }
    }

    /// The JSON path of the failing field (`event_type`, `call_id`, `transcript[0]`, `.` for
    /// the document).
    pub fn path(&self) -> &str {
        self.source.path()
    }

    /// serde's description of the failure.
    pub fn message(&self) -> &str {
        self.source.message()
    }

    /// The event type, when the body named a readable one.
    pub fn event_type(&self) -> Option<&EventType> {
        self.event_type.as_ref()
    }

    /// The whole body.
    pub fn body(&self) -> &[u8] {
        self.source.body()
    }

    /// The underlying decode error.
    pub fn decode_error(&self) -> &DecodeError {
        &self.source
    }
}

impl fmt::Debug for WebhookParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookParseError")
            .field("event_type", &self.event_type)
            .field("source", &self.source)
            .finish()
    }
}
