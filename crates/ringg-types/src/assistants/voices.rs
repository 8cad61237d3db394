//! `GET /agent/voices`: the voice catalogue.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::common::{Extra, Nullable, Timestamp};
use crate::enums::Language;
use crate::ids::VoiceId;

/// Query of `GET /agent/voices`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoicesQuery {
    /// `language`: comma-separated codes, e.g. `en-US,hi-IN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl VoicesQuery {
    /// Voices for any of `languages`.
    pub fn for_languages(languages: &[Language]) -> Self {
        Self {
            language: Some(
                languages
                    .iter()
                    .map(Language::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        }
    }
}

/// Response of `GET /agent/voices`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VoicesResponse {
    /// `voices`. Required: a body without it (another envelope, an error answered 200)
    /// fails to decode, naming it, rather than reading as an empty list.
    pub voices: Vec<Voice>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(VoicesResponse);

/// A voice. Use `id` as `voice_id`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Voice {
    /// `id`.
    pub id: VoiceId,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `gender`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub gender: Nullable<String>,
    /// `image_url`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub image_url: Nullable<String>,
    /// `languages` it speaks (also one code, or codes separated by commas, in a string).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::languages"
    )]
    pub languages: Option<Vec<Language>>,
    /// `voice_previews`: language code → preview URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_previews: Option<BTreeMap<String, Value>>,
    /// `created_at`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::time"
    )]
    pub created_at: Option<Timestamp>,
    /// `updated_at`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::time"
    )]
    pub updated_at: Option<Timestamp>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(Voice);

impl Voice {
    /// True when the voice speaks `language`.
    pub fn speaks(&self, language: &Language) -> bool {
        self.languages
            .as_ref()
            .is_some_and(|l| l.contains(language))
    }
}
