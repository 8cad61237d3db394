//! Workspace: info, workspaces, members, API-key rotation (API reference §2.1).
//!
//! Two responses carry an API key in clear text (`workspace_info.api_key`, `new_api_key`); both
//! are typed [`Secret`], so `Debug` never shows them.

use serde::{Deserialize, Serialize};

pub use crate::common::PageQuery;
use crate::common::{Credits, Extra, Nullable, Timestamp};
pub use crate::enums::UserRole;
use crate::ids::{UserId, WorkspaceId};
use crate::secret::Secret;

/// Response of `GET /workspace`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceInfoResponse {
    /// `workspace_info`.
    pub workspace_info: WorkspaceInfo,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(WorkspaceInfoResponse);

/// The current workspace.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceInfo {
    /// `id`.
    pub id: WorkspaceId,
    /// `name` (a number or another value read as its text).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::any_text"
    )]
    pub name: Option<String>,
    /// `created_at`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::time"
    )]
    pub created_at: Option<Timestamp>,
    /// `credits`: available credits (int or float).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::blank_is_none"
    )]
    pub credits: Option<Credits>,
    /// `locked_credits`: held for in-flight or scheduled calls.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::blank_is_none"
    )]
    pub locked_credits: Option<Credits>,
    /// `api_key`: the workspace's own key (redacted in `Debug`).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub api_key: Nullable<Secret>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(WorkspaceInfo);

impl WorkspaceInfo {
    /// Credits free to spend: `credits - locked_credits` (missing values count as 0).
    pub fn available_credits(&self) -> f64 {
        let get = |c: &Option<Credits>| c.as_ref().map_or(0.0, Credits::as_f64);
        get(&self.credits) - get(&self.locked_credits)
    }
}

/// Response of `GET /workspace/all`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceListResponse {
    /// `workspaces`. Required: a body without it (another envelope, an error answered 200)
    /// fails to decode, naming it, rather than reading as an empty list.
    pub workspaces: Vec<WorkspaceSummary>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(WorkspaceListResponse);

/// One workspace the caller can access.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceSummary {
    /// `id`.
    pub id: WorkspaceId,
    /// `name` (a number or another value read as its text).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::any_text"
    )]
    pub name: Option<String>,
    /// `created_at`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::time"
    )]
    pub created_at: Option<Timestamp>,
    /// `role` of the caller in this workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<UserRole>,
    /// `credits`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::blank_is_none"
    )]
    pub credits: Option<Credits>,
    /// `locked_credits`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::blank_is_none"
    )]
    pub locked_credits: Option<Credits>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(WorkspaceSummary);

/// Response of `GET /workspace/users` (no pagination metadata).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceUsersResponse {
    /// `workspace_users`. Required: a body without it (another envelope, an error answered 200)
    /// fails to decode, naming it, rather than reading as an empty list.
    pub workspace_users: Vec<WorkspaceUser>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(WorkspaceUsersResponse);

/// A workspace member. Its `id` is what `email_completion_user_ids` takes.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceUser {
    /// `id`.
    pub id: UserId,
    /// `username`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub username: Nullable<String>,
    /// `email`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub email: Nullable<String>,
    /// `role`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<UserRole>,
    /// `invite_status`, e.g. `success`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub invite_status: Nullable<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(WorkspaceUser);

/// Response of `PATCH /workspace/api-key`. The old key stops working at once.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct RegenerateApiKeyResponse {
    /// `new_api_key` (redacted in `Debug`).
    pub new_api_key: Secret,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(RegenerateApiKeyResponse);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_never_in_debug() {
        let info: WorkspaceInfoResponse = serde_json::from_value(json!({"workspace_info": {
            "id": "w", "credits": 3025, "locked_credits": 25.5,
            "api_key": "7251cb4b-f52b-4b47-a230-f626ecad3e85"}}))
        .unwrap();
        let dbg = format!("{info:?} {info:#?}");
        assert!(!dbg.contains("7251cb4b"), "{dbg}");
        assert_eq!(
            info.workspace_info.api_key.as_ref().unwrap().expose(),
            "7251cb4b-f52b-4b47-a230-f626ecad3e85"
        );
        assert_eq!(info.workspace_info.available_credits(), 2999.5);
        let rotated: RegenerateApiKeyResponse =
            serde_json::from_value(json!({"new_api_key": "e89b12d3-a456"})).unwrap();
        assert!(!format!("{rotated:?}").contains("e89b12d3"));
    }
}
