//! Assistants (agents): list, details, create, update, operation-based edits, voices
//! (API reference §2.4).
//!
//! Every fine-grained write goes through `PATCH /agent/v1` with an `operation` discriminator;
//! [`AgentEdit`] has one variant per operation and [`EditAssistantRequest`] wraps it with the
//! common fields:
//!
//! ```
//! use ringg_types::assistants::{AgentEdit, EditAssistantRequest};
//! use ringg_types::ids::{AgentId, KbId};
//!
//! let req = EditAssistantRequest::new(
//!     AgentId::new("830f767a-397e-4b39-82ff-235cd344e2f9"),
//!     AgentEdit::AttachKb { kb_id: KbId::new("7a9c2d5e-4f6b-1a2b-3c4d-5e6f7a8b9c0d") },
//! );
//! let json = serde_json::to_value(&req).unwrap();
//! assert_eq!(json["operation"], "attach_kb");
//! assert_eq!(json["kb_id"], "7a9c2d5e-4f6b-1a2b-3c4d-5e6f7a8b9c0d");
//! assert_eq!(json["agent_id"], "830f767a-397e-4b39-82ff-235cd344e2f9");
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Number, Value};

use crate::common::{CustomVariables, Extra, Nullable, Timestamp};
pub use crate::common::{MessageResponse, PageQuery};
pub use crate::enums::{
    AgentType, ConfigType, Language, NodeEditOperation, NodeType, OrchestrationMode, TemplateType,
    ToolType,
};
use crate::ids::{AgentId, KbId, NumberId, VersionId, VoiceId};
pub use crate::webhook::{AuthFetchConfig, EventSubscription};

// ---------------------------------------------------------------------------------------------
// List
// ---------------------------------------------------------------------------------------------

/// Which envelope an assistant list arrived in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AssistantListShape {
    /// `{"status": ..., "data": {"agents": [...]}}` (documented).
    #[default]
    DataEnvelope,
    /// `{"agents": [...]}`.
    AgentsKey,
    /// A bare array.
    BareArray,
}

/// Response of `GET /agent/all`.
///
/// Reads the documented `{status, data: {agents}}` envelope, a flat `{agents}` object and a bare
/// array, and writes back the shape it read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssistantList {
    /// The assistants.
    pub agents: Vec<AssistantSummary>,
    /// The envelope it came in.
    pub shape: AssistantListShape,
    /// `status` of the envelope, e.g. `"success"`.
    pub status: Option<String>,
    /// Unknown top-level fields.
    pub extra: Extra,
    /// Unknown fields inside `data`.
    pub data_extra: Extra,
}

impl Serialize for AssistantList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Data<'a>(&'a AssistantList);
        impl Serialize for Data<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("agents", &self.0.agents)?;
                for (k, v) in &self.0.data_extra {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
        match self.shape {
            AssistantListShape::BareArray => self.agents.serialize(s),
            AssistantListShape::AgentsKey | AssistantListShape::DataEnvelope => {
                let mut m = s.serialize_map(None)?;
                if let Some(status) = &self.status {
                    m.serialize_entry("status", status)?;
                }
                if self.shape == AssistantListShape::DataEnvelope {
                    m.serialize_entry("data", &Data(self))?;
                } else {
                    m.serialize_entry("agents", &self.agents)?;
                }
                for (k, v) in &self.extra {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for AssistantList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Data {
            #[serde(default)]
            agents: Vec<AssistantSummary>,
            #[serde(flatten)]
            extra: Extra,
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AssistantList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "an assistant list: {\"data\": {\"agents\": [...]}}, {\"agents\": [...]} or an array",
                )
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AssistantList, A::Error> {
                let mut agents = Vec::new();
                while let Some(a) = seq.next_element()? {
                    agents.push(a);
                }
                Ok(AssistantList {
                    agents,
                    shape: AssistantListShape::BareArray,
                    ..AssistantList::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AssistantList, A::Error> {
                let mut out = AssistantList::default();
                let mut seen = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "data" => {
                            let data: Data = map.next_value()?;
                            out.agents = data.agents;
                            out.data_extra = data.extra;
                            seen = Some(AssistantListShape::DataEnvelope);
                        }
                        "agents" if seen != Some(AssistantListShape::DataEnvelope) => {
                            out.agents = map.next_value()?;
                            seen = Some(AssistantListShape::AgentsKey);
                        }
                        "status" => out.status = map.next_value()?,
                        _ => {
                            let v: Value = map.next_value()?;
                            out.extra.insert(key, v);
                        }
                    }
                }
                out.shape = seen.ok_or_else(|| de::Error::missing_field("data"))?;
                Ok(out)
            }
        }
        d.deserialize_any(V)
    }
}

/// One row of `GET /agent/all`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssistantSummary {
    /// `id`.
    pub id: AgentId,
    /// `agent_display_name`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub agent_display_name: Nullable<String>,
    /// `agent_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_type: Option<AgentType>,
    /// `call_count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_count: Option<u64>,
    /// `created_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// `updated_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// `custom_variables`: map or list; may be absent on live list rows.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub custom_variables: Nullable<CustomVariables>,
    /// `is_archived`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_archived: Option<bool>,
    /// `secondary_language`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub secondary_language: Nullable<Language>,
    /// `secondary_voice_id`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub secondary_voice_id: Nullable<String>,
    /// `template_icon`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub template_icon: Nullable<String>,
    /// `template_label`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub template_label: Nullable<String>,
    /// `template_name`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub template_name: Nullable<String>,
    /// `template_source`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub template_source: Nullable<String>,
    /// `template_type`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub template_type: Nullable<TemplateType>,
    /// `tools`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub tools: Nullable<Vec<Value>>,
    /// `orchestration_mode`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub orchestration_mode: Nullable<OrchestrationMode>,
    /// `voice_avatar`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub voice_avatar: Nullable<String>,
    /// `call_frequency_cap`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub call_frequency_cap: Nullable<Value>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------------------------------------
// Details
// ---------------------------------------------------------------------------------------------

/// Response of `GET /agent/{agent_id}`: the assistant sits under the plural key `agents` (one
/// object, not an array).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssistantDetailsResponse {
    /// `agents`: the assistant.
    pub agents: AssistantDetails,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One assistant in detail.
///
/// The documented payload has its configuration at the root; the live payload is versioned
/// (`version_details`), with A/B testing (`ab_versions`, `active_agent_version_id`). Use
/// [`active_version`](Self::active_version), [`event_subscriptions`](Self::event_subscriptions)
/// and [`custom_variable_names`](Self::custom_variable_names), which look in the right place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssistantDetails {
    /// `id`.
    pub id: AgentId,
    /// `agent_display_name`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub agent_display_name: Nullable<String>,
    /// `agent_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_type: Option<AgentType>,
    /// `whitelisted_domains` (web-call origins).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub whitelisted_domains: Nullable<Vec<String>>,
    /// `language`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub language: Nullable<Language>,
    /// `form_fields`: template-builder inputs (not call variables).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub form_fields: Nullable<Vec<FormField>>,
    /// `voice`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub voice: Nullable<VoiceRef>,
    /// `agent_config` (un-versioned payloads).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub agent_config: Nullable<AgentConfig>,
    /// `knowledge_base_id`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub knowledge_base_id: Nullable<KbId>,
    /// `knowledge_base_name`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub knowledge_base_name: Nullable<String>,
    /// `template_name`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub template_name: Nullable<String>,
    /// `template_label`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub template_label: Nullable<String>,
    /// `template_icon`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub template_icon: Nullable<String>,
    /// `template_type`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub template_type: Nullable<TemplateType>,
    /// `created_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// `updated_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// `tools`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub tools: Nullable<Vec<Value>>,
    /// `secondary_language`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub secondary_language: Nullable<Language>,
    /// `secondary_voice_id`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub secondary_voice_id: Nullable<String>,
    /// `orchestration_mode`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub orchestration_mode: Nullable<OrchestrationMode>,
    /// `is_ab_live`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_ab_live: Option<bool>,
    /// `ab_versions`: `version_id → {slug, description, call_traffic}`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub ab_versions: Nullable<BTreeMap<String, AbVersion>>,
    /// `active_agent_version_id` (`null` while A/B testing is live).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub active_agent_version_id: Nullable<VersionId>,
    /// `inbound_number_id`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub inbound_number_id: Nullable<NumberId>,
    /// `telephony_id`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub telephony_id: Nullable<String>,
    /// `webcall_public_key`: the browser-safe key for web calls (not the API key).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub webcall_public_key: Nullable<String>,
    /// `classification_labels`: `{label: description}`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub classification_labels: Nullable<Map<String, Value>>,
    /// `event_subscriptions` at the root (un-versioned payloads).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub event_subscriptions: Nullable<Vec<EventSubscription>>,
    /// `version_details`: `version_id → version`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub version_details: Nullable<BTreeMap<String, AgentVersion>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl AssistantDetails {
    /// The version whose configuration is in use, with its ID.
    ///
    /// `version_details[active_agent_version_id]`; else (A/B live) the version with the highest
    /// `ab_versions[*].call_traffic`; else the only version. `None` for an un-versioned payload
    /// (read the root fields then).
    pub fn active_version(&self) -> Option<(&str, &AgentVersion)> {
        let versions = self.version_details.as_ref()?;
        if let Some(id) = self.active_agent_version_id.as_ref()
            && let Some((k, v)) = versions.get_key_value(id.as_str())
        {
            return Some((k.as_str(), v));
        }
        if let Some(ab) = self.ab_versions.as_ref() {
            let best = ab
                .iter()
                .filter(|(id, _)| versions.contains_key(*id))
                .filter_map(|(id, v)| v.traffic().map(|t| (id, t)))
                .max_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((id, _)) = best
                && let Some((k, v)) = versions.get_key_value(id)
            {
                return Some((k.as_str(), v));
            }
        }
        if versions.len() == 1 {
            return versions.iter().next().map(|(k, v)| (k.as_str(), v));
        }
        None
    }

    /// The webhook subscriptions in force: the active version's list, else the root list.
    pub fn event_subscriptions(&self) -> Option<&[EventSubscription]> {
        self.active_version()
            .and_then(|(_, v)| v.event_subscriptions.as_ref())
            .or(self.event_subscriptions.as_ref())
            .map(Vec::as_slice)
    }

    /// The agent configuration in force: the active version's, else the root one.
    pub fn active_config(&self) -> Option<&AgentConfig> {
        self.active_version()
            .and_then(|(_, v)| v.agent_config.as_ref())
            .or(self.agent_config.as_ref())
    }

    /// Names of the call variables the assistant expects (`callee_name`, `mobile_number`, ...).
    pub fn custom_variable_names(&self) -> Vec<&str> {
        self.active_config()
            .and_then(|c| c.custom_variables.as_ref())
            .map(CustomVariables::names)
            .unwrap_or_default()
    }
}

/// `ab_versions[version_id]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AbVersion {
    /// `slug`, e.g. `v1`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub slug: Nullable<String>,
    /// `description`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub description: Nullable<String>,
    /// `call_traffic`: share of calls, 0–1.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub call_traffic: Nullable<Number>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl AbVersion {
    /// `call_traffic` as `f64`.
    pub fn traffic(&self) -> Option<f64> {
        self.call_traffic.as_ref().and_then(Number::as_f64)
    }
}

/// `version_details[version_id]`: one version of an assistant's configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentVersion {
    /// `version_slug`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub version_slug: Nullable<String>,
    /// `agent_config`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub agent_config: Nullable<AgentConfig>,
    /// `knowledge_bases` attached to this version.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub knowledge_bases: Nullable<Vec<Value>>,
    /// `event_subscriptions`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub event_subscriptions: Nullable<Vec<EventSubscription>>,
    /// `language`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub language: Nullable<Language>,
    /// `voice`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub voice: Nullable<Value>,
    /// `secondary_language`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub secondary_language: Nullable<Language>,
    /// `secondary_voice_id`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub secondary_voice_id: Nullable<String>,
    /// `whitelisted_domains`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub whitelisted_domains: Nullable<Vec<String>>,
    /// `tools`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub tools: Nullable<Value>,
    /// `custom_analysis_prompt`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub custom_analysis_prompt: Nullable<CustomAnalysisPrompt>,
    /// `client_analysis`: `{context, goal_key, keys, revenue}`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub client_analysis: Nullable<Map<String, Value>>,
    /// `analytics_context`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub analytics_context: Nullable<Value>,
    /// `call_config`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub call_config: Nullable<Map<String, Value>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `agent_config`: prompt, intro and variables.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentConfig {
    /// `custom_variables`: `{name: type}` (documented) or a list of names (live versions).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub custom_variables: Nullable<CustomVariables>,
    /// `agent_prompt`: text or prompt sections; `null` for multi-node agents.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub agent_prompt: Nullable<AgentPrompt>,
    /// `intro_message` (may contain HTML).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub intro_message: Nullable<String>,
    /// `vocab`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub vocab: Nullable<Value>,
    /// `voice_speed`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub voice_speed: Nullable<Number>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An assistant prompt: plain text (older agents, the documented edit) or prompt sections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AgentPrompt {
    /// A flat string.
    Text(String),
    /// `{"prompt_sections": [{section_title, section_content}]}`.
    Sections(PromptSections),
}

impl AgentPrompt {
    /// The prompt as one text: the string, or the sections as `## title\ncontent` blocks.
    pub fn to_text(&self) -> String {
        match self {
            Self::Text(t) => t.clone(),
            Self::Sections(s) => s
                .prompt_sections
                .iter()
                .map(|p| format!("## {}\n{}", p.section_title, p.section_content))
                .collect::<Vec<_>>()
                .join("\n\n"),
        }
    }
}

impl From<&str> for AgentPrompt {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl From<String> for AgentPrompt {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

/// `{"prompt_sections": [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PromptSections {
    /// `prompt_sections`.
    pub prompt_sections: Vec<PromptSection>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One prompt section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PromptSection {
    /// `section_title`.
    pub section_title: String,
    /// `section_content`.
    pub section_content: String,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `form_fields[]`: a template-builder input.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FormField {
    /// `key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// `value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `voice` of an assistant.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VoiceRef {
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<VoiceId>,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `voice_preview` URL.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub voice_preview: Nullable<String>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `custom_analysis_prompt`: what the custom (client) analysis extracts after a call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomAnalysisPrompt {
    /// `prompt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// `keys`: `name → type` (`string`, `integer`, `number`, `boolean`, `array`, `date`,
    /// `datetime`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<Map<String, Value>>,
    /// `defaults` for some keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defaults: Option<Map<String, Value>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------------------------------------
// Create / update
// ---------------------------------------------------------------------------------------------

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

/// Body of `POST /public/agent` (single-prompt assistant).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
        check_len("agent_name", Some(&self.agent_name), 100)?;
        check_len(
            "introduction_and_objective",
            Some(&self.introduction_and_objective),
            2000,
        )?;
        check_len("response_guidelines", Some(&self.response_guidelines), 3000)?;
        check_len("task", Some(&self.task), 1500)?;
        check_len("intro_message", Some(&self.intro_message), 500)?;
        check_len("faq", self.faq.as_deref(), 5000)?;
        check_len(
            "sample_conversations",
            self.sample_conversations.as_deref(),
            5000,
        )
    }
}

/// Body of `PATCH /public/agent/{agent_id}`: the fields of [`CreateAssistantRequest`], all
/// optional. The docs keep this endpoint out of their navigation; treat it as unstable.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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

impl UpdateAssistantRequest {
    /// Checks the documented length limits of the fields that are set.
    pub fn validate(&self) -> Result<(), FieldTooLong> {
        check_len("agent_name", self.agent_name.as_deref(), 100)?;
        check_len(
            "introduction_and_objective",
            self.introduction_and_objective.as_deref(),
            2000,
        )?;
        check_len(
            "response_guidelines",
            self.response_guidelines.as_deref(),
            3000,
        )?;
        check_len("task", self.task.as_deref(), 1500)?;
        check_len("intro_message", self.intro_message.as_deref(), 500)?;
        check_len("faq", self.faq.as_deref(), 5000)?;
        check_len(
            "sample_conversations",
            self.sample_conversations.as_deref(),
            5000,
        )
    }

    /// True when no field is set (the request would change nothing).
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// Response of `POST /public/agent` and `PATCH /public/agent/{agent_id}`: a `success` boolean
/// envelope.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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

/// Response of `POST /public/agent`.
pub type CreateAssistantResponse = AssistantWriteResponse;
/// Response of `PATCH /public/agent/{agent_id}`.
pub type UpdateAssistantResponse = AssistantWriteResponse;
/// Response of `DELETE /agent/{agent_id}` (the assistant is archived).
pub type DeleteAssistantResponse = MessageResponse;

/// `data` of [`AssistantWriteResponse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssistantWriteData {
    /// `id`: the assistant.
    pub id: AgentId,
    /// `version`: a slug (`v1`), not a version ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `created_at` (create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// `updated_at` (update).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------------------------------------
// Edit (PATCH /agent/v1)
// ---------------------------------------------------------------------------------------------

/// `{x, y}` position of a flow node.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct NodePosition {
    /// `x`.
    pub x: f64,
    /// `y`.
    pub y: f64,
}

/// `chat_settings` (`edit_chat_settings`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatSettings {
    /// `max_call_length`, 60–3600 s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_call_length: Option<u32>,
    /// `idle_timeout_warning`, 5–300 s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_warning: Option<u32>,
    /// `idle_timeout_end`, 10–600 s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_end: Option<u32>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `rate_limit` of an inbound assistant (`edit_rate_limit`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RateLimit {
    /// `max_calls` per window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_calls: Option<u32>,
    /// `timeframe_minutes`: the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeframe_minutes: Option<u32>,
    /// `action`: `terminate` or `transfer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// `transfer_to`: number for `transfer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_to: Option<String>,
    /// `whitelisted_numbers`: never limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whitelisted_numbers: Option<Vec<String>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One `PATCH /agent/v1` operation and its fields.
///
/// Covers the documented operation list and the backend catalogue (API reference §2.4.5). Per-node
/// flow edits share [`AgentEdit::EditNode`]; anything else can be sent with
/// [`AgentEdit::Other`]. Send it with [`EditAssistantRequest`], which adds `agent_id` and the
/// common fields (`version_id`, `is_draft`, `new_draft`, `config_type`).
///
/// Edits **replace** the whole field (`edit_custom_vars`, `edit_event_subscriptions`, ...): read,
/// modify, write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "operation", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AgentEdit {
    /// `attach_inbound_number`: route calls to a workspace number to this (inbound) assistant.
    AttachInboundNumber {
        /// `number_id`: `workspace_numbers[].id`.
        number_id: NumberId,
    },
    /// `remove_inbound_number`.
    RemoveInboundNumber {
        /// `number_id`.
        number_id: NumberId,
    },
    /// `attach_kb`: attach a knowledge base (attaching twice is a 400).
    AttachKb {
        /// `kb_id`.
        kb_id: KbId,
    },
    /// `remove_kb`.
    RemoveKb {
        /// `kb_id`.
        kb_id: KbId,
    },
    /// `attach_node_kb` (multi-node).
    AttachNodeKb {
        /// `kb_id`.
        kb_id: KbId,
        /// `node_id`.
        node_id: String,
    },
    /// `remove_node_kb` (multi-node).
    RemoveNodeKb {
        /// `kb_id`.
        kb_id: KbId,
        /// `node_id`.
        node_id: String,
    },
    /// `edit_agent_display_name`.
    EditAgentDisplayName {
        /// `agent_display_name`.
        agent_display_name: String,
    },
    /// `edit_prompt` (Jinja syntax is validated).
    EditPrompt {
        /// `agent_prompt`: text or prompt sections.
        agent_prompt: AgentPrompt,
    },
    /// `edit_intro_message`.
    EditIntroMessage {
        /// `intro_message`.
        intro_message: String,
    },
    /// `edit_custom_vars`: replaces the variable list (outbound assistants must keep
    /// `callee_name` and `mobile_number`).
    EditCustomVars {
        /// `custom_variables`.
        custom_variables: Vec<String>,
    },
    /// `edit_language` (documented; legacy, prefer `edit_voice`).
    EditLanguage {
        /// `language`.
        language: Language,
    },
    /// `edit_voice`: voice and languages together.
    EditVoice {
        /// `voice_id`.
        voice_id: VoiceId,
        /// `language`.
        language: Language,
        /// `secondary_voice_id` (`""` clears).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        secondary_voice_id: Option<String>,
        /// `secondary_language`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        secondary_language: Option<Language>,
        /// `additional_languages` (`null` = untouched, `[]` = clear; at most 6 languages in all).
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        additional_languages: Nullable<Vec<Language>>,
    },
    /// `edit_secondary_language` (documented).
    EditSecondaryLanguage {
        /// `secondary_language`.
        secondary_language: Language,
    },
    /// `edit_secondary_voice` (documented; the backend ignores it, use `edit_voice`).
    EditSecondaryVoice {
        /// `secondary_voice_id`.
        secondary_voice_id: String,
    },
    /// `edit_voice_speed`.
    EditVoiceSpeed {
        /// `voice_speed`, e.g. 1.2.
        voice_speed: f64,
    },
    /// `edit_vocab`: words to recognise (≤ 100 in total).
    EditVocab {
        /// `vocab`.
        vocab: Vec<String>,
    },
    /// `edit_query_phrases`: filler phrases while a query runs.
    EditQueryPhrases {
        /// `pre_query_response_phrases`.
        pre_query_response_phrases: Vec<String>,
        /// `pre_query_phrase_probability` 0–1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pre_query_phrase_probability: Option<f64>,
    },
    /// `edit_noise_settings`.
    EditNoiseSettings {
        /// `mute_while_bot_speaking`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mute_while_bot_speaking: Option<bool>,
        /// `mute_during_intro`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mute_during_intro: Option<bool>,
    },
    /// `edit_dtmf_settings`: `{dtmf_capturing_enabled, dtmf_input: {digits, end, reset,
    /// timeout}}`; `{}` clears.
    EditDtmfSettings {
        /// `dtmf_settings`.
        dtmf_settings: Value,
    },
    /// `edit_vad_settings`: `{vad_override, interruption_sensitivity, vad_input, ...}`.
    EditVadSettings {
        /// `vad_settings`.
        vad_settings: Value,
    },
    /// `edit_agent_whitelisted_domains`: web-call origins (`https://www.ringg.ai` must stay).
    EditAgentWhitelistedDomains {
        /// `whitelisted_domains`.
        whitelisted_domains: Vec<String>,
    },
    /// `edit_extract_callee_name` (documented; the backend ignores it).
    EditExtractCalleeName {
        /// `extract_callee_name`.
        extract_callee_name: bool,
    },
    /// `edit_api_settings` (documented; not in the backend catalogue).
    EditApiSettings {
        /// `api_config`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        api_config: Option<Value>,
    },
    /// `edit_event_subscriptions`: replaces the webhook subscriptions.
    EditEventSubscriptions {
        /// `event_subscriptions`.
        event_subscriptions: Vec<EventSubscription>,
    },
    /// `edit_call_config`: deep-merged into the call config.
    EditCallConfig {
        /// `call_config`.
        call_config: Map<String, Value>,
    },
    /// `edit_timezone`: writes `call_config.call_time.timezone`.
    EditTimezone {
        /// `timezone` (IANA).
        timezone: String,
    },
    /// `edit_llm_temperature`.
    EditLlmTemperature {
        /// `llm_temperature`.
        llm_temperature: f64,
    },
    /// `edit_demo_settings`.
    EditDemoSettings {
        /// `is_demo_enabled`.
        is_demo_enabled: bool,
    },
    /// `edit_custom_analysis_prompt` (`None` clears).
    EditCustomAnalysisPrompt {
        /// `custom_analysis_prompt`.
        custom_analysis_prompt: Option<CustomAnalysisPrompt>,
    },
    /// `edit_client_analysis`: `{context, goal_key, keys, revenue}`, merged.
    EditClientAnalysis {
        /// `client_analysis`.
        client_analysis: Map<String, Value>,
    },
    /// `edit_classification_labels`: `{label: description}`, at most 10.
    EditClassificationLabels {
        /// `classification_labels`.
        classification_labels: BTreeMap<String, String>,
    },
    /// `edit_chat_settings`.
    EditChatSettings {
        /// `chat_settings`.
        chat_settings: ChatSettings,
    },
    /// `edit_rate_limit` (inbound assistants; `None` removes the limit).
    EditRateLimit {
        /// `rate_limit`.
        rate_limit: Option<RateLimit>,
    },
    /// `edit_analytics_context`: deep-merged.
    EditAnalyticsContext {
        /// `analytics_context`.
        analytics_context: Value,
    },
    /// `edit_outbound_inbound`: `true` makes the assistant `outbound_inbound`.
    EditOutboundInbound {
        /// `enable_outbound_inbound`.
        enable_outbound_inbound: bool,
    },
    /// `edit_pre_call_tools`: replaces every tool of `tool_type` in the pre-call phase.
    EditPreCallTools {
        /// `tool_type`.
        tool_type: ToolType,
        /// `tools`.
        tools: Vec<Value>,
    },
    /// `edit_on_call_tools`: replaces every tool of `tool_type` in the on-call phase.
    EditOnCallTools {
        /// `tool_type`.
        tool_type: ToolType,
        /// `tools`.
        tools: Vec<Value>,
    },
    /// `edit_post_call_tools`: replaces every tool of `tool_type` in the post-call phase.
    EditPostCallTools {
        /// `tool_type`.
        tool_type: ToolType,
        /// `tools`.
        tools: Vec<Value>,
    },
    /// `edit_on_call_tool`: add or (with `tool_id` inside) update one on-call tool.
    EditOnCallTool {
        /// `on_call_tool`.
        on_call_tool: Map<String, Value>,
    },
    /// `remove_on_call_tool`.
    RemoveOnCallTool {
        /// `tool_id`.
        tool_id: String,
    },
    /// `add_new_ab_version` (A/B testing must be on; at most 5 active versions).
    AddNewAbVersion {
        /// `base_version_id`: copy from this version.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        base_version_id: Option<VersionId>,
    },
    /// `edit_version_description` (set `version_id` on the request).
    EditVersionDescription {
        /// `description`.
        description: String,
    },
    /// `edit_traffic`: `{version_id: share}`, shares summing to 1.0.
    EditTraffic {
        /// `traffic_split`.
        traffic_split: BTreeMap<String, f64>,
    },
    /// `toggle_ab_testing`.
    ToggleAbTesting {
        /// `ab_enabled`.
        ab_enabled: bool,
    },
    /// `delete_version` (set `version_id` on the request).
    DeleteVersion,
    /// `push_to_prod`: makes one version the only production version.
    PushToProd {
        /// `prod_version_id`.
        prod_version_id: VersionId,
    },
    /// `edit_outbound_from_number_ids` (accepted, ignored by the backend).
    EditOutboundFromNumberIds {
        /// `outbound_from_number_ids`.
        outbound_from_number_ids: Vec<NumberId>,
    },
    /// `edit_voicemail_settings` (accepted, ignored; use `edit_call_config.voicemail`).
    EditVoicemailSettings {
        /// `voicemail`.
        voicemail: Value,
    },
    /// `add_flow_node` (multi-node; set `version_id`).
    AddFlowNode {
        /// `node_id`.
        node_id: String,
        /// `node_type`.
        node_type: NodeType,
        /// `position`.
        position: NodePosition,
    },
    /// `delete_flow_node`.
    DeleteFlowNode {
        /// `node_id`.
        node_id: String,
    },
    /// `add_flow_edge`.
    AddFlowEdge {
        /// `edge_id`.
        edge_id: String,
        /// `source_id`.
        source_id: String,
        /// `target_id`.
        target_id: String,
        /// `condition`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        condition: Option<Value>,
        /// `transition_config`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transition_config: Option<Value>,
        /// `transition_message`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transition_message: Option<Value>,
    },
    /// `update_agent_edge`.
    UpdateAgentEdge {
        /// `edge_id`.
        edge_id: String,
        /// `new_source_id`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        new_source_id: Option<String>,
        /// `new_target_id`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        new_target_id: Option<String>,
        /// `condition`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        condition: Option<Value>,
        /// `transition_message`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transition_message: Option<Value>,
    },
    /// `delete_flow_edge`.
    DeleteFlowEdge {
        /// `edge_id`.
        edge_id: String,
    },
    /// One of the `edit_node_*` operations: `node_id` plus the field the operation names.
    #[serde(skip)]
    EditNode {
        /// The operation.
        operation: NodeEditOperation,
        /// `node_id` (absent for `edit_node_positions`, which takes a list).
        node_id: Option<String>,
        /// The other fields, sent as they are.
        fields: Map<String, Value>,
    },
    /// Any other operation, sent as `{operation, ...fields}`.
    #[serde(skip)]
    Other {
        /// The operation name.
        operation: String,
        /// Its fields.
        fields: Map<String, Value>,
    },
}

/// Operation names of the typed [`AgentEdit`] variants (not `EditNode` / `Other`).
const TYPED_OPERATIONS: &[&str] = &[
    "attach_inbound_number",
    "remove_inbound_number",
    "attach_kb",
    "remove_kb",
    "attach_node_kb",
    "remove_node_kb",
    "edit_agent_display_name",
    "edit_prompt",
    "edit_intro_message",
    "edit_custom_vars",
    "edit_language",
    "edit_voice",
    "edit_secondary_language",
    "edit_secondary_voice",
    "edit_voice_speed",
    "edit_vocab",
    "edit_query_phrases",
    "edit_noise_settings",
    "edit_dtmf_settings",
    "edit_vad_settings",
    "edit_agent_whitelisted_domains",
    "edit_extract_callee_name",
    "edit_api_settings",
    "edit_event_subscriptions",
    "edit_call_config",
    "edit_timezone",
    "edit_llm_temperature",
    "edit_demo_settings",
    "edit_custom_analysis_prompt",
    "edit_client_analysis",
    "edit_classification_labels",
    "edit_chat_settings",
    "edit_rate_limit",
    "edit_analytics_context",
    "edit_outbound_inbound",
    "edit_pre_call_tools",
    "edit_on_call_tools",
    "edit_post_call_tools",
    "edit_on_call_tool",
    "remove_on_call_tool",
    "add_new_ab_version",
    "edit_version_description",
    "edit_traffic",
    "toggle_ab_testing",
    "delete_version",
    "push_to_prod",
    "edit_outbound_from_number_ids",
    "edit_voicemail_settings",
    "add_flow_node",
    "delete_flow_node",
    "add_flow_edge",
    "update_agent_edge",
    "delete_flow_edge",
];

impl AgentEdit {
    /// Every operation name with a typed variant.
    pub fn typed_operations() -> &'static [&'static str] {
        TYPED_OPERATIONS
    }

    /// The operation name sent as `operation`.
    pub fn operation(&self) -> String {
        match self {
            Self::EditNode { operation, .. } => operation.as_str().to_owned(),
            Self::Other { operation, .. } => operation.clone(),
            typed => match typed.to_map() {
                Ok(map) => map
                    .get("operation")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                Err(_) => String::new(),
            },
        }
    }

    /// The body fields as a JSON object, `operation` included.
    pub fn to_map(&self) -> Result<Map<String, Value>, serde_json::Error> {
        match serde_json::to_value(self)? {
            Value::Object(map) => Ok(map),
            _ => Err(serde::ser::Error::custom("an edit serializes to an object")),
        }
    }

    /// Reads an edit from a body object (`operation` plus fields). Unknown operations become
    /// [`AgentEdit::Other`]; a typed operation with a missing or mistyped field is an error
    /// naming the field. Fields the operation does not read are ignored.
    pub fn from_map(mut map: Map<String, Value>) -> Result<Self, serde_json::Error> {
        use serde::de::Error as _;
        let operation = match map.get("operation") {
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                return Err(serde_json::Error::custom(
                    "`operation` must be a string such as \"attach_kb\"",
                ));
            }
            None => return Err(serde_json::Error::missing_field("operation")),
        };
        if !NodeEditOperation::from(operation.as_str()).is_unknown() {
            map.remove("operation");
            let node_id = match map.remove("node_id") {
                Some(Value::String(s)) => Some(s),
                Some(other) => {
                    map.insert("node_id".to_owned(), other);
                    None
                }
                None => None,
            };
            return Ok(Self::EditNode {
                operation: NodeEditOperation::from(operation),
                node_id,
                fields: map,
            });
        }
        if TYPED_OPERATIONS.contains(&operation.as_str()) {
            // The derived (remote) deserializer.
            return AgentEdit::deserialize(Value::Object(map))
                .map_err(|e| serde_json::Error::custom(format!("{e} (operation `{operation}`)")));
        }
        map.remove("operation");
        Ok(Self::Other {
            operation,
            fields: map,
        })
    }
}

impl Serialize for AgentEdit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::EditNode {
                operation,
                node_id,
                fields,
            } => {
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("operation", operation)?;
                if let Some(node_id) = node_id {
                    m.serialize_entry("node_id", node_id)?;
                }
                for (k, v) in fields {
                    if k != "operation" && k != "node_id" {
                        m.serialize_entry(k, v)?;
                    }
                }
                m.end()
            }
            Self::Other { operation, fields } => {
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("operation", operation)?;
                for (k, v) in fields {
                    if k != "operation" {
                        m.serialize_entry(k, v)?;
                    }
                }
                m.end()
            }
            typed => AgentEdit::serialize(typed, s),
        }
    }
}

impl<'de> Deserialize<'de> for AgentEdit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = Map::<String, Value>::deserialize(d)?;
        Self::from_map(map).map_err(de::Error::custom)
    }
}

/// Body of `PATCH /agent/v1`: `{operation, agent_id, ...fields}` plus the common optional fields.
///
/// Fields the operation does not read (the documented example sends many at once) are kept in
/// `extra` when parsing and written back.
#[derive(Debug, Clone, PartialEq)]
pub struct EditAssistantRequest {
    /// `agent_id`.
    pub agent_id: AgentId,
    /// The operation and its fields.
    pub edit: AgentEdit,
    /// `version_id`: the target version (default: the active one). Required for flow/node
    /// operations, `edit_version_description`, `delete_version`, and with `is_draft`.
    pub version_id: Option<VersionId>,
    /// `is_draft`: edit the draft of `version_id` (multi-node).
    pub is_draft: Option<bool>,
    /// `new_draft`.
    pub new_draft: Option<bool>,
    /// `config_type`: which copy of an `outbound_inbound` assistant to edit.
    pub config_type: Option<ConfigType>,
    /// Other fields, sent as they are.
    pub extra: Extra,
}

impl EditAssistantRequest {
    /// An edit of `agent_id`'s active version.
    pub fn new(agent_id: AgentId, edit: AgentEdit) -> Self {
        Self {
            agent_id,
            edit,
            version_id: None,
            is_draft: None,
            new_draft: None,
            config_type: None,
            extra: Extra::new(),
        }
    }

    /// Targets a version.
    #[must_use]
    pub fn version(mut self, version_id: VersionId) -> Self {
        self.version_id = Some(version_id);
        self
    }

    /// Edits the draft of the target version.
    #[must_use]
    pub fn draft(mut self, is_draft: bool) -> Self {
        self.is_draft = Some(is_draft);
        self
    }

    /// Targets the inbound or outbound copy of an `outbound_inbound` assistant.
    #[must_use]
    pub fn config_type(mut self, config_type: ConfigType) -> Self {
        self.config_type = Some(config_type);
        self
    }

    /// The body as a JSON object.
    pub fn to_map(&self) -> Result<Map<String, Value>, serde_json::Error> {
        let mut map = self.edit.to_map()?;
        map.insert("agent_id".into(), Value::String(self.agent_id.to_string()));
        if let Some(v) = &self.version_id {
            map.insert("version_id".into(), Value::String(v.to_string()));
        }
        if let Some(v) = self.is_draft {
            map.insert("is_draft".into(), Value::Bool(v));
        }
        if let Some(v) = self.new_draft {
            map.insert("new_draft".into(), Value::Bool(v));
        }
        if let Some(v) = &self.config_type {
            map.insert("config_type".into(), Value::String(v.to_string()));
        }
        for (k, v) in &self.extra {
            map.entry(k.clone()).or_insert_with(|| v.clone());
        }
        Ok(map)
    }
}

impl Serialize for EditAssistantRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_map()
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }
}

impl<'de> Deserialize<'de> for EditAssistantRequest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut map = Map::<String, Value>::deserialize(d)?;
        let take_str =
            |map: &mut Map<String, Value>, key: &str| -> Result<Option<String>, D::Error> {
                match map.remove(key) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(s)) => Ok(Some(s)),
                    Some(_) => Err(de::Error::custom(format!("`{key}` must be a string"))),
                }
            };
        let take_bool =
            |map: &mut Map<String, Value>, key: &str| -> Result<Option<bool>, D::Error> {
                match map.remove(key) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::Bool(b)) => Ok(Some(b)),
                    Some(_) => Err(de::Error::custom(format!("`{key}` must be a boolean"))),
                }
            };
        let agent_id = take_str(&mut map, "agent_id")?
            .map(AgentId::new)
            .ok_or_else(|| de::Error::missing_field("agent_id"))?;
        let version_id = take_str(&mut map, "version_id")?.map(VersionId::new);
        let is_draft = take_bool(&mut map, "is_draft")?;
        let new_draft = take_bool(&mut map, "new_draft")?;
        let config_type = take_str(&mut map, "config_type")?.map(ConfigType::from);
        let edit = AgentEdit::from_map(map.clone()).map_err(de::Error::custom)?;
        let used = edit.to_map().map_err(de::Error::custom)?;
        map.retain(|k, _| !used.contains_key(k));
        Ok(Self {
            agent_id,
            edit,
            version_id,
            is_draft,
            new_draft,
            config_type,
            extra: map,
        })
    }
}

/// Response of `PATCH /agent/v1`. Which fields are set depends on the operation: `agent_id`
/// (most), `version_id`/`version_slug` (A/B ops), `kb_id` (KB ops), `node_id`/`edge_id` (flow
/// ops), `edit_details` (tool ops), `traffic_split` (`edit_traffic`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EditAssistantResponse {
    /// `message`, e.g. `"Agent updated successfully!"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `agent_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
    /// `version_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<VersionId>,
    /// `version_slug`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_slug: Option<String>,
    /// `kb_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kb_id: Option<KbId>,
    /// `node_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_id: Option<String>,
    /// `edge_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edge_id: Option<String>,
    /// `source_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// `target_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
    /// `edit_details` (tool operations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit_details: Option<Value>,
    /// `traffic_split` (`edit_traffic`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_split: Option<Map<String, Value>>,
    /// `updated` (`edit_node_positions`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<Value>,
    /// `skipped` (`edit_node_positions`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<Value>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

// ---------------------------------------------------------------------------------------------
// Voices
// ---------------------------------------------------------------------------------------------

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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VoicesResponse {
    /// `voices`.
    #[serde(default)]
    pub voices: Vec<Voice>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A voice. Use `id` as `voice_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// `languages` it speaks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub languages: Option<Vec<Language>>,
    /// `voice_previews`: language code → preview URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_previews: Option<BTreeMap<String, Value>>,
    /// `created_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// `updated_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Voice {
    /// True when the voice speaks `language`.
    pub fn speaks(&self, language: &Language) -> bool {
        self.languages
            .as_ref()
            .is_some_and(|l| l.contains(language))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::decode;
    use serde_json::json;

    #[test]
    fn list_envelopes() {
        let row = json!({"id": "a1", "agent_display_name": "Sales"});
        for (raw, shape) in [
            (
                json!({"status": "success", "data": {"agents": [row]}}),
                AssistantListShape::DataEnvelope,
            ),
            (
                json!({"agents": [row], "x": 1}),
                AssistantListShape::AgentsKey,
            ),
            (json!([row]), AssistantListShape::BareArray),
        ] {
            let list: AssistantList = serde_json::from_value(raw.clone()).unwrap();
            assert_eq!(list.shape, shape);
            assert_eq!(list.agents[0].id.as_str(), "a1");
            assert_eq!(serde_json::to_value(&list).unwrap(), raw);
        }
        let err = decode::<AssistantList>(br#"{"data": {"agents": [{"id": 3}]}}"#).unwrap_err();
        assert_eq!(err.path(), "data.agents[0].id");
        let err = decode::<AssistantList>(br#"{"status": "success"}"#).unwrap_err();
        assert!(err.message().contains("data"));
    }

    fn details(v: Value) -> AssistantDetails {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn active_version_resolution() {
        let sub = |url: &str| json!([{"event_type": ["call_completed"], "callback_url": url, "method_type": "POST"}]);
        let versions = json!({
            "v1": {"version_slug": "v1", "event_subscriptions": sub("https://one"),
                   "agent_config": {"custom_variables": ["callee_name", "mobile_number", "plan"]}},
            "v2": {"version_slug": "v2", "event_subscriptions": sub("https://two")}
        });
        let active = details(
            json!({"id": "a", "active_agent_version_id": "v2", "version_details": versions}),
        );
        assert_eq!(active.active_version().unwrap().0, "v2");
        assert_eq!(
            active.event_subscriptions().unwrap()[0].callback_url,
            "https://two"
        );

        let ab = details(
            json!({"id": "a", "active_agent_version_id": null, "is_ab_live": true,
            "ab_versions": {"v1": {"slug": "v1", "call_traffic": 0.7}, "v2": {"slug": "v2", "call_traffic": 0.3}},
            "version_details": versions}),
        );
        assert_eq!(ab.active_version().unwrap().0, "v1");
        assert_eq!(
            ab.custom_variable_names(),
            vec!["callee_name", "mobile_number", "plan"]
        );

        let ambiguous = details(json!({"id": "a", "version_details": versions}));
        assert!(ambiguous.active_version().is_none());

        let single =
            details(json!({"id": "a", "version_details": {"only": {"version_slug": "v1"}}}));
        assert_eq!(single.active_version().unwrap().0, "only");

        let flat = details(
            json!({"id": "a", "agent_config": {"custom_variables": {"callee_name": "string"}},
            "event_subscriptions": sub("https://root")}),
        );
        assert!(flat.active_version().is_none());
        assert_eq!(flat.custom_variable_names(), vec!["callee_name"]);
        assert_eq!(
            flat.event_subscriptions().unwrap()[0].callback_url,
            "https://root"
        );
    }

    #[test]
    fn edit_round_trips_and_keeps_unread_fields() {
        let raw = json!({"operation": "edit_agent_display_name", "agent_id": "a",
            "agent_display_name": "New", "language": "en-US", "voice_speed": 1.2});
        let req: EditAssistantRequest = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(
            req.edit,
            AgentEdit::EditAgentDisplayName {
                agent_display_name: "New".into()
            }
        );
        assert!(req.extra.contains_key("language") && req.extra.contains_key("voice_speed"));
        assert_eq!(serde_json::to_value(&req).unwrap(), raw);

        let raw = json!({"operation": "attach_kb", "agent_id": "a", "version_id": "base",
            "is_draft": true, "new_draft": false, "kb_id": "k"});
        let req: EditAssistantRequest = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(req.version_id.as_ref().unwrap().as_str(), "base");
        assert_eq!(req.is_draft, Some(true));
        assert!(req.extra.is_empty());
        assert_eq!(serde_json::to_value(&req).unwrap(), raw);
    }

    #[test]
    fn edit_variants() {
        let cases = [
            json!({"operation": "edit_traffic", "traffic_split": {"A": 0.5, "B": 0.5}}),
            json!({"operation": "delete_version"}),
            json!({"operation": "edit_prompt", "agent_prompt": {"prompt_sections": [
                {"section_title": "Role", "section_content": "You sell."}]}}),
            json!({"operation": "edit_voice", "voice_id": "v", "language": "en-IN",
                   "secondary_voice_id": "", "additional_languages": null}),
            json!({"operation": "edit_custom_analysis_prompt", "custom_analysis_prompt": null}),
            json!({"operation": "add_flow_node", "node_id": "n1", "node_type": "agent_node",
                   "position": {"x": 10.5, "y": -3.0}}),
            json!({"operation": "edit_node_messages", "node_id": "n1", "messages": ["hi"]}),
            json!({"operation": "edit_node_positions", "positions": [{"node_id": "n1", "x": 1.0, "y": 2.0}]}),
            json!({"operation": "brand_new_op", "whatever": 1}),
            json!({"operation": "edit_pre_call_tools", "tool_type": "API_TOOL", "tools": [{"name": "crm"}]}),
        ];
        for raw in cases {
            let edit: AgentEdit = serde_json::from_value(raw.clone()).unwrap();
            assert_eq!(edit.operation(), raw["operation"].as_str().unwrap());
            assert_eq!(serde_json::to_value(&edit).unwrap(), raw, "{edit:?}");
        }
        let node: AgentEdit = serde_json::from_value(
            json!({"operation": "edit_node_meta", "node_id": "n", "meta": {}}),
        )
        .unwrap();
        assert!(matches!(
            node,
            AgentEdit::EditNode {
                operation: NodeEditOperation::EditNodeMeta,
                ..
            }
        ));
        let other: AgentEdit = serde_json::from_value(json!({"operation": "x_op"})).unwrap();
        assert!(matches!(other, AgentEdit::Other { .. }));
    }

    #[test]
    fn edit_errors_are_clear() {
        let err =
            serde_json::from_value::<AgentEdit>(json!({"operation": "attach_kb"})).unwrap_err();
        assert!(
            err.to_string().contains("kb_id") && err.to_string().contains("attach_kb"),
            "{err}"
        );
        let err = serde_json::from_value::<AgentEdit>(json!({"kb_id": "k"})).unwrap_err();
        assert!(err.to_string().contains("operation"));
        let err = serde_json::from_value::<EditAssistantRequest>(
            json!({"operation": "attach_kb", "kb_id": "k"}),
        )
        .unwrap_err();
        assert!(err.to_string().contains("agent_id"));
    }

    #[test]
    fn every_typed_operation_is_typed() {
        for op in AgentEdit::typed_operations() {
            match serde_json::from_value::<AgentEdit>(json!({"operation": op})) {
                Ok(edit) => {
                    assert_eq!(&edit.operation(), op);
                    assert!(!matches!(
                        edit,
                        AgentEdit::Other { .. } | AgentEdit::EditNode { .. }
                    ));
                }
                Err(e) => assert!(e.to_string().contains("missing field"), "{op}: {e}"),
            }
        }
        for op in NodeEditOperation::KNOWN {
            let edit: AgentEdit =
                serde_json::from_value(json!({"operation": op.as_str(), "node_id": "n"})).unwrap();
            assert!(matches!(edit, AgentEdit::EditNode { .. }));
        }
    }

    #[test]
    fn create_validation() {
        let mut req = CreateAssistantRequest::new(
            "Sales",
            "intro",
            "guidelines",
            "task",
            Language::EnIn,
            VoiceId::new("02ad256b-092b-4048-bea0-5af46a452b98"),
            "Hello",
        );
        assert!(req.validate().is_ok());
        req.intro_message = "x".repeat(501);
        let err = req.validate().unwrap_err();
        assert_eq!(
            (err.field, err.limit, err.actual),
            ("intro_message", 500, 501)
        );
        assert!(UpdateAssistantRequest::default().is_empty());
        let upd = UpdateAssistantRequest {
            task: Some("t".repeat(1501)),
            ..Default::default()
        };
        assert_eq!(upd.validate().unwrap_err().field, "task");
    }

    #[test]
    fn voices_query() {
        let q = VoicesQuery::for_languages(&[Language::EnUs, Language::HiIn]);
        assert_eq!(q.language.as_deref(), Some("en-US,hi-IN"));
    }
}
