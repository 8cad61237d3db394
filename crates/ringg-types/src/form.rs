//! Text fields of the multipart forms (campaign upload, knowledge-base create/edit).
//!
//! Form structs turn into `(name, value)` text parts with `text_fields()`; the HTTP client adds
//! the file parts. `from_text_fields()` reads them back (the local simulator uses it), with errors
//! that name the field.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A multipart form field that is missing or malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormError {
    /// A required field is missing.
    #[error("form field `{field}` is required but missing")]
    Missing {
        /// The field.
        field: &'static str,
    },
    /// A field has a value that cannot be read.
    #[error("form field `{field}` is invalid: {reason}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What is wrong and what is expected.
        reason: String,
    },
}

/// Collected text parts, looked up by name.
pub(crate) struct Fields<'a>(Vec<(&'a str, &'a str)>);

impl<'a> Fields<'a> {
    pub(crate) fn new<I>(fields: I) -> Self
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        Self(fields.into_iter().collect())
    }

    pub(crate) fn get(&self, field: &'static str) -> Option<&'a str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| *k == field)
            .map(|(_, v)| *v)
    }

    pub(crate) fn required(&self, field: &'static str) -> Result<&'a str, FormError> {
        self.get(field)
            .filter(|v| !v.trim().is_empty())
            .ok_or(FormError::Missing { field })
    }

    pub(crate) fn json<T: DeserializeOwned>(
        &self,
        field: &'static str,
    ) -> Result<Option<T>, FormError> {
        match self.get(field) {
            None => Ok(None),
            Some(v) if v.trim().is_empty() => Ok(None),
            Some(v) => serde_json::from_str(v)
                .map(Some)
                .map_err(|e| FormError::Invalid {
                    field,
                    reason: format!("expected a JSON string: {e}"),
                }),
        }
    }

    pub(crate) fn bool(&self, field: &'static str) -> Result<Option<bool>, FormError> {
        match self.get(field).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(None),
            Some(v) if v == "true" => Ok(Some(true)),
            Some(v) if v == "false" => Ok(Some(false)),
            Some(v) => Err(FormError::Invalid {
                field,
                reason: format!("expected \"true\" or \"false\", got {v:?}"),
            }),
        }
    }
}

pub(crate) fn json_text<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    serde_json::to_string(value)
}

pub(crate) fn bool_text(value: bool) -> String {
    if value { "true" } else { "false" }.to_owned()
}
