//! `GET /agent/{agent_id}`: one assistant in detail, its versions and configuration.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use crate::common::{CustomVariables, Extra, Fraction, Nullable, Timestamp};
use crate::enums::{AgentType, Language, OrchestrationMode, TemplateType};
use crate::ids::{AgentId, KbId, NumberId, VersionId, VoiceId};
use crate::webhook::EventSubscription;

/// Response of `GET /agent/{agent_id}`: the assistant sits under the plural key `agents` (one
/// object, not an array).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct AssistantDetailsResponse {
    /// `agents`: the assistant.
    pub agents: AssistantDetails,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(AssistantDetailsResponse);

/// One assistant in detail.
///
/// The documented payload has its configuration at the root; the live payload is versioned
/// (`version_details`), with A/B testing (`ab_versions`, `active_agent_version_id`). Use
/// [`active_version`](Self::active_version), [`event_subscriptions`](Self::event_subscriptions)
/// and [`custom_variable_names`](Self::custom_variable_names), which look in the right place.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
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
    /// `tools` (`""` reads as `null`, as in the list).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::blank_is_null"
    )]
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
    /// `is_ab_live` (also `"true"`, `1`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::flag"
    )]
    pub is_ab_live: Option<bool>,
    /// `ab_versions`: `version_id → {slug, description, call_traffic}` (`[]` or `""`: none).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::empty_is_null"
    )]
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
    /// `classification_labels`: `{label: description}` (also JSON-encoded in a string; `[]`
    /// reads as no labels).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_object"
    )]
    pub classification_labels: Nullable<Map<String, Value>>,
    /// `event_subscriptions` at the root (un-versioned payloads).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub event_subscriptions: Nullable<Vec<EventSubscription>>,
    /// `version_details`: `version_id → version` (`[]` or `""`: none).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::empty_is_null"
    )]
    pub version_details: Nullable<BTreeMap<String, AgentVersion>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(AssistantDetails);

/// The order of A/B versions, each an ID and its traffic share: the most traffic first, equal
/// shares in ID order. [`AssistantDetails::active_version`] takes the first,
/// [`AssistantDetails::ab_versions_live`] lists them so.
fn traffic_order(a: (&str, f64), b: (&str, f64)) -> std::cmp::Ordering {
    b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0))
}

impl AssistantDetails {
    /// The version whose configuration is in use, with its ID.
    ///
    /// `version_details[active_agent_version_id]`; else (A/B live) the version with the highest
    /// `ab_versions[*].call_traffic` (the first ID of those with equal shares); else the only
    /// version. `None` for an un-versioned payload
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
                .filter_map(|(id, v)| v.traffic().map(|t| (id.as_str(), t)))
                .min_by(|a, b| traffic_order(*a, *b));
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

    /// The versions taking calls while A/B testing is live, each with its ID, the most traffic
    /// first (equal shares in ID order): every version `ab_versions` names that
    /// `version_details` holds, when there are two or more and no active version is named
    /// (`active_agent_version_id` is `null` while A/B testing is live). Empty otherwise.
    ///
    /// Each of these versions has its own configuration and webhook subscriptions, so a change
    /// to the assistant's subscriptions has to be written to each of them.
    pub fn ab_versions_live(&self) -> Vec<(&str, &AgentVersion)> {
        let (Some(versions), Some(ab)) = (self.version_details.as_ref(), self.ab_versions.as_ref())
        else {
            return Vec::new();
        };
        if self
            .active_agent_version_id
            .as_ref()
            .is_some_and(|id| versions.contains_key(id.as_str()))
        {
            return Vec::new();
        }
        let mut live: Vec<(&str, &AgentVersion, f64)> = ab
            .iter()
            .filter_map(|(id, v)| {
                let (k, version) = versions.get_key_value(id)?;
                Some((k.as_str(), version, v.traffic().unwrap_or(0.0)))
            })
            .collect();
        if live.len() < 2 {
            return Vec::new();
        }
        live.sort_by(|a, b| traffic_order((a.0, a.2), (b.0, b.2)));
        live.into_iter().map(|(id, v, _)| (id, v)).collect()
    }

    /// The webhook subscriptions in force: the active version's list, else the root list.
    /// While A/B testing is live, the list of the version with the most traffic: see
    /// [`ab_versions_live`](Self::ab_versions_live) for each version's.
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

    /// Names of the call variables the assistant expects (`callee_name`, `mobile_number`, ...):
    /// the active version's, else (a version whose configuration lists none) the root
    /// configuration's.
    pub fn custom_variable_names(&self) -> Vec<&str> {
        fn variables(c: &AgentConfig) -> Option<&CustomVariables> {
            c.custom_variables.as_ref()
        }
        self.active_config()
            .and_then(variables)
            .or_else(|| self.agent_config.as_ref().and_then(variables))
            .map(CustomVariables::names)
            .unwrap_or_default()
    }
}

/// `ab_versions[version_id]`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AbVersion {
    /// `slug`, e.g. `v1`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub slug: Nullable<String>,
    /// `description`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub description: Nullable<String>,
    /// `call_traffic`: share of calls, 0–1.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub call_traffic: Nullable<Fraction>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(AbVersion);

impl AbVersion {
    /// `call_traffic` as `f64`.
    pub fn traffic(&self) -> Option<f64> {
        self.call_traffic.as_ref().map(Fraction::as_f64)
    }
}

/// `version_details[version_id]`: one version of an assistant's configuration.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
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
    /// `client_analysis`: `{context, goal_key, keys, revenue}` (also JSON-encoded in a
    /// string, as call details write it).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::nullable_object"
    )]
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

crate::redact::redacted_debug!(AgentVersion);

/// `agent_config`: prompt, intro and variables.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentConfig {
    /// `custom_variables`: `{name: type}` (documented) or a list of names (live versions);
    /// `""` reads as `null`, as in the list.
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::blank_is_null"
    )]
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

crate::redact::redacted_debug!(AgentConfig);

/// An assistant prompt: plain text (older agents, the documented edit) or prompt sections.
/// Read as a string, or else as sections (an error then names the section's field, e.g.
/// `prompt_sections[0]`, where an untagged reading would say only that nothing matched).
#[derive(Debug, Clone, PartialEq, Serialize)]
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

impl<'de> Deserialize<'de> for AgentPrompt {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = AgentPrompt;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a prompt: a string, or {\"prompt_sections\": [...]}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<AgentPrompt, E> {
                Ok(AgentPrompt::Text(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<AgentPrompt, E> {
                Ok(AgentPrompt::Text(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<AgentPrompt, A::Error> {
                let map = serde::de::value::MapAccessDeserializer::new(map);
                PromptSections::deserialize(map).map(AgentPrompt::Sections)
            }
        }
        d.deserialize_any(V)
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
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PromptSections {
    /// `prompt_sections`.
    pub prompt_sections: Vec<PromptSection>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(PromptSections);

/// One prompt section. A title or content that is missing or `null` reads as empty, and one of
/// another type as its JSON text, so one odd section does not make the assistant unreadable.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PromptSection {
    /// `section_title`.
    #[serde(default, deserialize_with = "crate::common::lenient::text_or_empty")]
    pub section_title: String,
    /// `section_content`.
    #[serde(default, deserialize_with = "crate::common::lenient::text_or_empty")]
    pub section_content: String,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(PromptSection);

/// `form_fields[]`: a template-builder input.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
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

crate::redact::redacted_debug!(FormField);

/// `voice` of an assistant.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
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

crate::redact::redacted_debug!(VoiceRef);

/// `custom_analysis_prompt`: what the custom (client) analysis extracts after a call.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
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

crate::redact::redacted_debug!(CustomAnalysisPrompt);
