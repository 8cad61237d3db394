//! [`PageQuery`] and [`MessageResponse`], shared by many endpoints.

use serde::{Deserialize, Serialize};

use crate::common::fields::Extra;

/// `limit` / `offset` query parameters of the paginated list endpoints.
///
/// Ringg documents two different defaults (10 and 20) and a maximum of 100, so clients should
/// always send both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PageQuery {
    /// Rows per page (1–100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Rows to skip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
}

impl PageQuery {
    /// A page of `limit` rows starting at `offset`.
    pub fn new(limit: u32, offset: u32) -> Self {
        Self {
            limit: Some(limit),
            offset: Some(offset),
        }
    }
}

/// A response that carries only a `message` (delete and terminate endpoints, among others).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageResponse {
    /// Human-readable result, e.g. `"Calls terminated successfully!"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(MessageResponse);
