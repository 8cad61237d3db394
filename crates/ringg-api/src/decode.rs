//! Decoding a JSON answer into its model, naming the failing field (a leaf over `error`).

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::error::Error;

/// Decodes a JSON body into `T`, naming the failing field.
pub(crate) fn decode<T: DeserializeOwned>(
    operation: &'static str,
    status: http::StatusCode,
    body: Bytes,
) -> Result<T, Error> {
    // Fast path: plain serde_json. Only a failure pays for the path-tracking second pass.
    if let Ok(value) = serde_json::from_slice::<T>(&body) {
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
            let err = Error::decode(operation, status, path, inner.to_string(), body);
            return Err(if malformed { err.mark_malformed() } else { err });
        }
    };
    if let Err(e) = de.end() {
        return Err(
            Error::decode(operation, status, ".".into(), e.to_string(), body).mark_malformed(),
        );
    }
    Ok(value)
}
