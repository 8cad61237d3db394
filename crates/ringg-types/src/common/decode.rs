//! [`decode`] and [`DecodeError`]: a response body into a model, naming the failing field.

use std::borrow::Cow;
use std::fmt;

use serde::de::DeserializeOwned;

const BODY_PREVIEW_CHARS: usize = 512;

/// A body that did not decode into the expected model.
///
/// Carries the JSON path of the failing field (`data.calls[3].status`; `.` for the document
/// itself), serde's message (with the value it quotes masked when the field is secret, and
/// the secrets of a JSON document it quotes masked), and the whole body. `Debug` and `Display` show at most the first
/// 512 characters of the body, with values of key-like fields (`api_key`, `token`, ...) masked;
/// [`DecodeError::body`] returns it whole.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "could not decode the response body at `{path}`: {message}. The API may have changed shape; \
     body (first {BODY_PREVIEW_CHARS} chars): {preview}",
    preview = self.body_preview()
)]
pub struct DecodeError {
    path: String,
    message: String,
    line: usize,
    column: usize,
    body: Vec<u8>,
}

impl DecodeError {
    /// Builds an error by hand (for decoders outside this crate).
    pub fn new(
        path: impl Into<String>,
        message: impl Into<String>,
        body: impl Into<Vec<u8>>,
    ) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
            line: 0,
            column: 0,
            body: body.into(),
        }
    }

    /// The JSON path of the field that failed (`.` for the document root).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// serde's description of the failure.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Line of the failure in the body (1-based; 0 when unknown).
    pub fn line(&self) -> usize {
        self.line
    }

    /// Column of the failure in the body (1-based; 0 when unknown).
    pub fn column(&self) -> usize {
        self.column
    }

    /// The whole body, unmodified. It may contain secrets (a workspace API key): do not log it.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The whole body as text (lossy UTF-8).
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The first 512 characters of the body with key-like values masked, for logs and messages.
    pub fn body_preview(&self) -> String {
        let text = crate::redact::redact_bytes(&self.body);
        let mut preview: String = text.chars().take(BODY_PREVIEW_CHARS).collect();
        let total = text.chars().count();
        if total > BODY_PREVIEW_CHARS {
            preview.push_str(&format!("… ({} more chars)", total - BODY_PREVIEW_CHARS));
        }
        preview
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("path", &self.path)
            .field("message", &self.message)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("body_len", &self.body.len())
            .field("body_preview", &self.body_preview())
            .finish()
    }
}

/// Decodes a JSON body into `T`, naming the failing field on error.
///
/// ```
/// use ringg_types::common::decode;
/// use ringg_types::workspace::WorkspaceInfoResponse;
/// let err = decode::<WorkspaceInfoResponse>(br#"{"workspace_info": {"id": [7]}}"#).unwrap_err();
/// assert_eq!(err.path(), "workspace_info.id");
/// ```
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    // Plain serde_json first: tracking the path costs on every field, and only a failure
    // needs it. A failure is decoded again with tracking, to name the failing field.
    match serde_json::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(plain) => Err(decode_tracked::<T>(bytes)
            .err()
            .unwrap_or_else(|| DecodeError {
                path: ".".to_owned(),
                message: masked_decode_message(".", plain.to_string()),
                line: plain.line(),
                column: plain.column(),
                body: bytes.to_vec(),
            })),
    }
}

/// [`decode`] with path tracking from the start: what names the failing field.
fn decode_tracked<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let value = result.map_err(|e| decode_error(e, bytes))?;
    de.end().map_err(|e| DecodeError {
        path: ".".to_owned(),
        message: masked_decode_message(".", e.to_string()),
        line: e.line(),
        column: e.column(),
        body: bytes.to_vec(),
    })?;
    Ok(value)
}

/// [`decode`] for a `&str`.
pub fn decode_str<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    decode(text.as_bytes())
}

pub(crate) fn decode_error(
    e: serde_path_to_error::Error<serde_json::Error>,
    bytes: &[u8],
) -> DecodeError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    DecodeError {
        message: masked_decode_message(&path, inner.to_string()),
        path,
        line: inner.line(),
        column: inner.column(),
        body: bytes.to_vec(),
    }
}

/// serde's `message` about the field at `path`, without the secrets of the value it quotes
/// (`invalid type: string "…", expected a map` quotes a refused string whole): the value is
/// masked when the field, or an object it sits in, is secret; a string holding a JSON document
/// (a field sent JSON-encoded, which may carry a token) is described by its length instead,
/// since serde writes it in Rust's escaping, which no JSON reader can be relied on to read back
/// and mask. The body keeps it, masked in its preview. What [`DecodeError::message`] holds;
/// public so that a client decoding with its own deserializer words its errors alike.
///
/// ```
/// use ringg_types::common::masked_decode_message;
/// let serde = r#"invalid type: string "{\"X-Token\":\"t0k3n\"}", expected a map"#;
/// let shown = masked_decode_message("agents.event_subscriptions[0].headers", serde.into());
/// assert!(!shown.contains("t0k3n"), "{shown}");
/// ```
pub fn masked_decode_message(path: &str, message: String) -> String {
    let secret = path
        .split(['.', '['])
        .any(|segment| crate::redact::is_secret_field(segment.trim_end_matches(']')));
    // The value sits between the first quote (or backtick) and the last one of its kind.
    let Some((open, close)) = message.find(['"', '`']).and_then(|open| {
        let mark = message[open..].chars().next()?;
        let close = message.rfind(mark).filter(|&c| c > open)?;
        Some((open, close))
    }) else {
        return message;
    };
    let value = &message[open + 1..close];
    if secret {
        format!(
            "{}{}{}",
            &message[..=open],
            crate::redact::REDACTED,
            &message[close..]
        )
    } else if message[open..].starts_with('"') && value.trim_start().starts_with(['{', '[']) {
        format!(
            "{}holding a JSON document ({} chars){}",
            &message[..open],
            value.chars().count(),
            &message[close + 1..]
        )
    } else {
        message
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Shape {
        api_key: Option<u32>,
        custom_args_values: Option<serde_json::Map<String, serde_json::Value>>,
    }

    #[test]
    fn a_refused_value_that_holds_a_secret_is_not_quoted() {
        // A secret field of the wrong type: the value is masked, the rest kept.
        let e = decode::<Shape>(br#"{"api_key": "sk-live-123456"}"#).unwrap_err();
        assert_eq!(e.path(), "api_key");
        assert!(!e.message().contains("sk-live-123456"), "{}", e.message());
        assert!(
            e.message()
                .starts_with("invalid type: string \"[REDACTED]\"")
        );
        // A JSON-encoded document where an object was expected: its secrets are masked, in
        // the message and in the body's preview; the body itself is kept whole.
        let body =
            br#"{"custom_args_values": "{\"name\":\"Asha\",\"access_token\":\"tok-5Z4Y\"}"}"#;
        let e = decode::<Shape>(body).unwrap_err();
        assert_eq!(e.path(), "custom_args_values");
        assert!(
            e.message()
                .starts_with("invalid type: string holding a JSON document ("),
            "{}",
            e.message()
        );
        assert!(!e.to_string().contains("tok-5Z4Y"), "{e}");
        assert!(
            e.to_string().contains("Asha"),
            "the preview shows the rest: {e}"
        );
        assert_eq!(e.body(), body);
        // Text that Rust's escaping writes otherwise than JSON (a combining mark, a zero-width
        // space) changes nothing.
        let body = "{\"custom_args_values\": \"{\\\"callee_name\\\":\\\"अंकित\u{200b}\\\",\\\"access_token\\\":\\\"tok-5Z4Y\\\"}\"}";
        let e = decode::<Shape>(body.as_bytes()).unwrap_err();
        assert!(!e.to_string().contains("tok-5Z4Y"), "{e}");
        // A value inside a secret object is masked too.
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Hooks {
            headers: std::collections::BTreeMap<String, String>,
        }
        let e = decode::<Hooks>(br#"{"headers": {"X-Tenant": 9876543210}}"#).unwrap_err();
        assert_eq!(e.path(), "headers.X-Tenant");
        assert!(!e.to_string().contains("9876543210"), "{e}");
    }
}
