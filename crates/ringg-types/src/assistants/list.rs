//! `GET /agent/all`: the assistant list, in whichever envelope it arrives.

use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::common::{CustomVariables, Extra, Nullable, Timestamp};
use crate::enums::{AgentType, Language, OrchestrationMode, TemplateType};
use crate::ids::AgentId;

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
#[derive(Clone, Default, PartialEq)]
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

crate::redact::redacted_debug!(AssistantList);

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
            agents: Option<Vec<AssistantSummary>>,
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
                let mut listed = false;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "data" => {
                            let data: Data = map.next_value()?;
                            listed = data.agents.is_some();
                            out.agents = data.agents.unwrap_or_default();
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
                // `data` without `agents` is an empty list only when the envelope says it
                // succeeded: an error answered 200 (`{"status": "error", "data": {}}`) is not
                // "no assistants".
                let succeeded = out
                    .status
                    .as_deref()
                    .is_some_and(|s| s.trim().eq_ignore_ascii_case("success"));
                if out.shape == AssistantListShape::DataEnvelope && !listed && !succeeded {
                    return Err(de::Error::custom(format_args!(
                        "missing field `data.agents` (the answer's status is {:?})",
                        out.status.as_deref().unwrap_or("not given")
                    )));
                }
                Ok(out)
            }
        }
        d.deserialize_any(V)
    }
}

/// One row of `GET /agent/all`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
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
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::count"
    )]
    pub call_count: Option<u64>,
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
    /// `custom_variables`: map or list; may be absent on live list rows.
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::blank_is_null"
    )]
    pub custom_variables: Nullable<CustomVariables>,
    /// `is_archived`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::flag"
    )]
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
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::blank_is_null"
    )]
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

crate::redact::redacted_debug!(AssistantSummary);
