//! Decoding a JSON answer into its model, naming the failing field (a leaf over `error`).

use std::sync::Mutex;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::error::Error;

/// The retry layer's check of a 2xx answer that decodes it into `T` and keeps the value, so
/// the body is parsed once. A body that is JSON but not a `T` is readable (the caller decodes
/// it again to name the failing field); one that is not JSON at all is not.
pub(crate) struct Decoded<T>(Mutex<Option<T>>);

impl<T> Default for Decoded<T> {
    fn default() -> Self {
        Self(Mutex::new(None))
    }
}

impl<T> std::fmt::Debug for Decoded<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Decoded")
    }
}

impl<T> Decoded<T> {
    /// The value decoded from the last readable answer, if it was a `T`.
    pub(crate) fn take(&self) -> Option<T> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// Whether a body holds nothing (a 204, or a 200 with nothing in it).
fn is_empty(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

/// The JSON a 2xx body is read as: the body, or `{}` for an [empty](is_empty) one, so a model
/// with no required field (a deletion's message) reads it instead of taking it for a garbled
/// answer and sending the request again (a deletion sent again is answered 404).
fn as_read(body: &[u8]) -> &[u8] {
    if is_empty(body) { b"{}" } else { body }
}

impl<T: DeserializeOwned + Send> ringg_transport::BodyCheck for Decoded<T> {
    fn readable(&self, body: &Bytes) -> bool {
        match serde_json::from_slice::<T>(as_read(body)) {
            Ok(value) => {
                *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(value);
                true
            }
            // An empty body the model cannot be read from is taken as cut off, as before.
            Err(_) if is_empty(body) => false,
            Err(e) if e.is_syntax() || e.is_eof() => false,
            // A mismatch can stop the typed parse before a later syntax error: judge the text.
            Err(_) => ringg_transport::is_json(body),
        }
    }
}

/// Decodes a JSON body into `T`, naming the failing field.
pub(crate) fn decode<T: DeserializeOwned>(
    operation: &'static str,
    status: http::StatusCode,
    body: Bytes,
) -> Result<T, Error> {
    // Fast path: plain serde_json. Only a failure pays for the path-tracking second pass.
    if let Ok(value) = serde_json::from_slice::<T>(as_read(&body)) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(&body);
    let value = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => v,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let malformed = matches!(
                inner.classify(),
                serde_json::error::Category::Syntax | serde_json::error::Category::Eof
            );
            let message = ringg_types::common::masked_decode_message(&path, inner.to_string());
            let err = Error::decode(operation, status, path, message, body);
            return Err(if malformed { err.mark_malformed() } else { err });
        }
    };
    if let Err(e) = de.end() {
        return Err(Error::decode(
            operation,
            status,
            ".".into(),
            ringg_types::common::masked_decode_message(".", e.to_string()),
            body,
        )
        .mark_malformed());
    }
    Ok(value)
}
