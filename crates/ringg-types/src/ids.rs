//! Typed identifiers.
//!
//! Every ID Ringg hands out is a string (a UUID in every documented example). Each kind of ID gets
//! its own newtype so that an [`AgentId`] cannot be passed where a [`CallId`] belongs. The types are
//! serde-transparent (they write a plain JSON string, and read one, or a whole number as its
//! digits, so a row whose ID came as `42` is not refused), cheap to clone (an `Arc<str>` inside),
//! and convert with `Display`, `FromStr` and `AsRef<str>`.
//!
//! ```
//! use ringg_types::ids::{AgentId, CallId};
//! let agent: AgentId = "830f767a-397e-4b39-82ff-235cd344e2f9".parse().unwrap();
//! assert_eq!(agent.as_str(), "830f767a-397e-4b39-82ff-235cd344e2f9");
//! let json = serde_json::to_string(&agent).unwrap();
//! assert_eq!(json, "\"830f767a-397e-4b39-82ff-235cd344e2f9\"");
//! // `CallId::from(agent)` does not compile: the types are distinct.
//! let _call = CallId::new("31106b7c-9d02-4723-8b07-5bb8d90240cb");
//! ```

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// Error returned when parsing an empty string as an ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} must not be empty")]
pub struct EmptyIdError {
    kind: &'static str,
}

macro_rules! define_id {
    ($(#[$meta:meta])* $name:ident, $kind:literal) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Arc<str>);

        impl $name {
            /// Wraps a string as this kind of ID, without validation.
            pub fn new(id: impl Into<String>) -> Self {
                Self(Arc::from(id.into()))
            }

            /// The ID as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), &*self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = EmptyIdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                if s.trim().is_empty() {
                    Err(EmptyIdError { kind: $kind })
                } else {
                    Ok(Self::new(s))
                }
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self::new(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(Arc::from(s))
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                &*self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                &*self.0 == *other
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(ArcStr).map(Self)
            }
        }
    };
}

/// Reads a string straight into an `Arc<str>` (one allocation, where a `String` first would
/// take two and a copy), or a whole number as its decimal digits.
struct ArcStr;

impl serde::de::Visitor<'_> for ArcStr {
    type Value = Arc<str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string (or a whole number)")
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Arc<str>, E> {
        Ok(Arc::from(v.to_string()))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Arc<str>, E> {
        Ok(Arc::from(v.to_string()))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Arc<str>, E> {
        Ok(Arc::from(v))
    }

    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Arc<str>, E> {
        std::str::from_utf8(v)
            .map(Arc::from)
            .map_err(|_| E::invalid_value(serde::de::Unexpected::Bytes(v), &self))
    }
}

define_id!(
    /// An assistant (agent) ID: `agent_id`.
    AgentId,
    "agent id"
);
define_id!(
    /// A call ID: `call_id`, `calls[].id`, `data.id`.
    CallId,
    "call id"
);
define_id!(
    /// A workspace caller-number ID: `workspace_numbers[].id`, sent as `from_number_id` or `number_id`.
    NumberId,
    "number id"
);
define_id!(
    /// A number-pool ID: `number_pool_id`.
    NumberPoolId,
    "number pool id"
);
define_id!(
    /// A contact-list / campaign ID. Ringg calls the same value `list_id`, `bulk_list_id` and
    /// `campaign_id` (ringg-api.md §1.9).
    ListId,
    "list id"
);
define_id!(
    /// A workspace ID: `workspace_id`.
    WorkspaceId,
    "workspace id"
);
define_id!(
    /// A workspace member's user ID (`workspace_users[].id`).
    UserId,
    "user id"
);
define_id!(
    /// A knowledge-base ID: `kb_id`.
    KnowledgeBaseId,
    "knowledge base id"
);
define_id!(
    /// An assistant version ID: `version_id`, `agent_version_id`.
    VersionId,
    "version id"
);
define_id!(
    /// A file, URL or FAQ source ID inside a knowledge base: `file_id`.
    KbFileId,
    "knowledge base file id"
);

define_id!(
    /// A voice ID (`GET /agent/voices` → `voices[].id`), sent as `voice_id`.
    VoiceId,
    "voice id"
);

/// A campaign ID (`GET /campaign/all` `campaigns[].id`, termination's `campaign_id`): the
/// same type as [`ListId`], and the same value in Ringg's fixtures, which Ringg does not promise.
pub type CampaignId = ListId;
/// A large-upload list ID (`bulk_list_id`): the same value as [`ListId`].
pub type BulkListId = ListId;
/// Short alias for [`KnowledgeBaseId`].
pub type KbId = KnowledgeBaseId;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_display_serde() {
        let id: CallId = "abc".parse().unwrap();
        assert_eq!(id.to_string(), "abc");
        assert_eq!(id.as_ref(), "abc");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"abc\"");
        let back: CallId = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(back, id);
        assert!("  ".parse::<AgentId>().is_err());
        assert_eq!(format!("{id:?}"), "CallId(\"abc\")");
    }

    #[test]
    fn a_whole_number_reads_as_its_digits() {
        let id: CallId = serde_json::from_str("987").unwrap();
        assert_eq!(id.as_str(), "987");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"987\"");
        let id: AgentId = serde_json::from_str("-4").unwrap();
        assert_eq!(id.as_str(), "-4");
        let err = serde_json::from_str::<CallId>("1.5")
            .unwrap_err()
            .to_string();
        assert!(err.contains("a string (or a whole number)"), "{err}");
        assert!(serde_json::from_str::<CallId>("{}").is_err());
    }
}
