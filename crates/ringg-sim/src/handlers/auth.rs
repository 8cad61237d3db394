//! `X-API-KEY` authentication, shared by the platform API and the speech-to-text service.

use http::HeaderMap;

use crate::core::Shared;
use crate::error::ApiError;

/// `X-API-KEY` → workspace id. Missing/unknown/rotated keys get 401; sending a bearer token as
/// well gets 400 (as the live API does).
pub(crate) fn authenticate(sh: &Shared, headers: &HeaderMap) -> Result<String, ApiError> {
    let key = headers.get("x-api-key");
    if key.is_some() && headers.contains_key(http::header::AUTHORIZATION) {
        return Err(ApiError::bad_request(
            "Send either X-API-KEY or an Authorization bearer token, not both; API clients should send only X-API-KEY",
        ));
    }
    let Some(key) = key else {
        return Err(ApiError::unauthorized(
            "Missing API key: send your workspace key in the X-API-KEY header",
        ));
    };
    let key = key.to_str().unwrap_or_default().trim();
    let st = sh.lock();
    st.keys.get(key).cloned().ok_or_else(|| {
        ApiError::unauthorized(
            "Invalid API key: the key is unknown or was regenerated; use the workspace's current key",
        )
    })
}
