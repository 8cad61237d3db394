//! [`RawJson`]: the body of a delivery exactly as it was received.

use std::fmt;
use std::sync::Arc;

/// The JSON text of a delivery as received, attached to the event parsed from it.
///
/// It is provenance, not content: it takes no part in equality (two events with the same
/// fields are equal however their bodies were formatted), and it is not serialized (the event's
/// own fields are). Events built by hand have none. Cloning is cheap. For a partial event read
/// only once mended (a `NaN`, a lone surrogate escape; see
/// [`WebhookEvent::from_slice_lenient`](crate::webhook::WebhookEvent::from_slice_lenient)), it is
/// the body as received, which strict JSON parsers refuse.
#[derive(Clone, Default)]
pub struct RawJson(Option<Arc<str>>);

impl RawJson {
    /// No raw text (an event built by hand).
    pub fn none() -> Self {
        Self(None)
    }

    /// Keeps `text` (the caller checked that it is JSON).
    pub fn new(text: impl Into<Arc<str>>) -> Self {
        Self(Some(text.into()))
    }

    /// Keeps `bytes` when they are UTF-8 (JSON that parsed, mended or not, always is).
    pub(crate) fn from_bytes(bytes: &[u8]) -> Self {
        match std::str::from_utf8(bytes) {
            Ok(text) => Self::new(text),
            Err(_) => Self::none(),
        }
    }

    /// The text, when there is one.
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// True when there is no raw text.
    pub fn is_none(&self) -> bool {
        self.0.is_none()
    }
}

impl PartialEq for RawJson {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(text) => write!(f, "RawJson({} bytes)", text.len()),
            None => f.write_str("RawJson(none)"),
        }
    }
}
