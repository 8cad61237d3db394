//! A string that never shows itself in `Debug` or `Display` output.

use std::fmt;
use std::sync::Arc;

/// A secret string, such as an API key.
///
/// `Debug` and `Display` print `[REDACTED]`; the value is reachable only through
/// [`Secret::expose`], so it cannot slip into a log line or an error message by accident.
/// It deserializes from a plain string and serializes as `"[REDACTED]"`, so a response model
/// that carries a key (`workspace_info.api_key`, `new_api_key`) can be written to JSON output
/// or a log without leaking it; a field that must send the value uses
/// [`Secret::serialize_exposed`].
///
/// ```
/// use ringg_types::Secret;
/// let key = Secret::new("7251cb4b-3373-43a4-844c-b27a1d45e0c9");
/// assert_eq!(format!("{key:?}"), "Secret([REDACTED])");
/// assert_eq!(key.to_string(), "[REDACTED]");
/// assert_eq!(key.expose(), "7251cb4b-3373-43a4-844c-b27a1d45e0c9");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Arc::from(value.into()))
    }

    /// The secret value. Call this only where the value must leave the program (an HTTP header).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Self::new(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

/// Serializes as `"[REDACTED]"`, so a model that holds a key can be written to JSON output or a
/// log without leaking it. A model that must send the value uses
/// `#[serde(serialize_with = "Secret::serialize_exposed")]` on the field.
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(crate::redact::REDACTED)
    }
}

impl Secret {
    /// Serializes the real value: the explicit opt-in for a field that must leave the program
    /// (`#[serde(serialize_with = "Secret::serialize_exposed")]`).
    pub fn serialize_exposed<S: serde::Serializer>(
        secret: &Secret,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_str(secret.expose())
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::new(String::deserialize(d)?))
    }
}
