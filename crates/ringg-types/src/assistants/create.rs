//! `POST /public/agent` and `PATCH /public/agent/{agent_id}`: create and update requests,
//! their length limits and their responses.

use serde::{Deserialize, Serialize};

use crate::common::MessageResponse;
use crate::common::{Extra, Timestamp};
use crate::enums::{AgentType, Language};
use crate::ids::{AgentId, VoiceId};

/// A field longer than the API allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}` is {actual} characters long, but the API accepts at most {limit}; shorten it")]
pub struct FieldTooLong {
    /// The field.
    pub field: &'static str,
    /// The limit, in characters.
    pub limit: usize,
    /// The actual length, in characters.
    pub actual: usize,
}

fn check_len(field: &'static str, value: Option<&str>, limit: usize) -> Result<(), FieldTooLong> {
    let actual = value.map_or(0, |v| v.chars().count());
    if actual > limit {
        Err(FieldTooLong {
            field,
            limit,
            actual,
        })
    } else {
        Ok(())
    }
}

/// The documented length limits, in characters, of the create/update fields, in the order
/// [`check_lengths`] takes their values.
const LENGTH_LIMITS: [(&str, usize); 7] = [
    ("agent_name", 100),
    ("introduction_and_objective", 2000),
    ("response_guidelines", 3000),
    ("task", 1500),
    ("intro_message", 500),
    ("faq", 5000),
    ("sample_conversations", 5000),
];

/// Checks each value against its entry of [`LENGTH_LIMITS`]; the first one too long is the error.
fn check_lengths(values: [Option<&str>; 7]) -> Result<(), FieldTooLong> {
    LENGTH_LIMITS
        .iter()
        .zip(values)
        .try_for_each(|(&(field, limit), value)| check_len(field, value, limit))
}

/// Body of `POST /public/agent` (single-prompt assistant).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateAssistantRequest {
    /// `agent_name` (≤ 100 chars).
    pub agent_name: String,
    /// `introduction_and_objective` (≤ 2000).
    pub introduction_and_objective: String,
    /// `response_guidelines` (≤ 3000).
    pub response_guidelines: String,
    /// `task` (≤ 1500).
    pub task: String,
    /// `primary_language`.
    pub primary_language: Language,
    /// `voice_id` (from `GET /agent/voices`).
    pub voice_id: VoiceId,
    /// `intro_message`: the first thing the assistant says (≤ 500).
    pub intro_message: String,
    /// `faq`: free text "Q: … A: …" (≤ 5000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faq: Option<String>,
    /// `sample_conversations` (≤ 5000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_conversations: Option<String>,
    /// `secondary_language`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_language: Option<Language>,
    /// `agent_type` (default `outbound`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_type: Option<AgentType>,
    /// `custom_variables`: names (`callee_name` and `mobile_number` are always present for
    /// outbound assistants).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_variables: Option<Vec<String>>,
    /// Extra fields to send as they are.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(CreateAssistantRequest);

impl CreateAssistantRequest {
    /// A request with the required fields.
    pub fn new(
        agent_name: impl Into<String>,
        introduction_and_objective: impl Into<String>,
        response_guidelines: impl Into<String>,
        task: impl Into<String>,
        primary_language: Language,
        voice_id: VoiceId,
        intro_message: impl Into<String>,
    ) -> Self {
        Self {
            agent_name: agent_name.into(),
            introduction_and_objective: introduction_and_objective.into(),
            response_guidelines: response_guidelines.into(),
            task: task.into(),
            primary_language,
            voice_id,
            intro_message: intro_message.into(),
            faq: None,
            sample_conversations: None,
            secondary_language: None,
            agent_type: None,
            custom_variables: None,
            extra: Extra::new(),
        }
    }

    /// Checks the documented length limits.
    pub fn validate(&self) -> Result<(), FieldTooLong> {
        check_lengths([
            Some(&self.agent_name),
            Some(&self.introduction_and_objective),
            Some(&self.response_guidelines),
            Some(&self.task),
            Some(&self.intro_message),
            self.faq.as_deref(),
            self.sample_conversations.as_deref(),
        ])
    }
}

/// Body of `PATCH /public/agent/{agent_id}`: the fields of [`CreateAssistantRequest`], all
/// optional. The docs keep this endpoint out of their navigation; treat it as unstable.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateAssistantRequest {
    /// `agent_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    /// `introduction_and_objective`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduction_and_objective: Option<String>,
    /// `response_guidelines`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_guidelines: Option<String>,
    /// `task`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// `primary_language`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_language: Option<Language>,
    /// `voice_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_id: Option<VoiceId>,
    /// `intro_message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro_message: Option<String>,
    /// `faq`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faq: Option<String>,
    /// `sample_conversations`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_conversations: Option<String>,
    /// `secondary_language`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_language: Option<Language>,
    /// `agent_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_type: Option<AgentType>,
    /// `custom_variables`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_variables: Option<Vec<String>>,
    /// Extra fields to send as they are.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(UpdateAssistantRequest);

impl UpdateAssistantRequest {
    /// Checks the documented length limits of the fields that are set.
    pub fn validate(&self) -> Result<(), FieldTooLong> {
        check_lengths([
            self.agent_name.as_deref(),
            self.introduction_and_objective.as_deref(),
            self.response_guidelines.as_deref(),
            self.task.as_deref(),
            self.intro_message.as_deref(),
            self.faq.as_deref(),
            self.sample_conversations.as_deref(),
        ])
    }

    /// True when no field is set (the request would change nothing).
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// Response of `POST /public/agent` and `PATCH /public/agent/{agent_id}`: a `success` boolean
/// envelope.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AssistantWriteResponse {
    /// `success`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    /// `data`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<AssistantWriteData>,
    /// `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(AssistantWriteResponse);

/// Response of `POST /public/agent`.
pub type CreateAssistantResponse = AssistantWriteResponse;
/// Response of `PATCH /public/agent/{agent_id}`.
pub type UpdateAssistantResponse = AssistantWriteResponse;
/// Response of `DELETE /agent/{agent_id}` (the assistant is archived).
pub type DeleteAssistantResponse = MessageResponse;

/// `data` of [`AssistantWriteResponse`].
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct AssistantWriteData {
    /// `id`: the assistant.
    pub id: AgentId,
    /// `version`: a slug (`v1`), not a version ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `created_at` (create).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::time"
    )]
    pub created_at: Option<Timestamp>,
    /// `updated_at` (update).
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

crate::redact::redacted_debug!(AssistantWriteData);
