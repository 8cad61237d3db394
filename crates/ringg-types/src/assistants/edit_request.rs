//! [`EditAssistantRequest`] (the `PATCH /agent/v1` body: an edit plus the common fields) and
//! its response.

use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::assistants::agent_edit::AgentEdit;
use crate::common::Extra;
use crate::enums::ConfigType;
use crate::ids::{AgentId, KbId, VersionId};

/// Body of `PATCH /agent/v1`: `{operation, agent_id, ...fields}` plus the common optional fields.
///
/// Fields the operation does not read (the documented example sends many at once) are kept in
/// `extra` when parsing and written back.
#[derive(Clone, PartialEq)]
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

crate::redact::redacted_debug!(EditAssistantRequest);

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
        /// An ID, read as its type reads one (a string, or a whole number as its digits).
        fn take_id<T: DeserializeOwned, E: de::Error>(
            map: &mut Map<String, Value>,
            key: &str,
        ) -> Result<Option<T>, E> {
            match map.remove(key) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => T::deserialize(v)
                    .map(Some)
                    .map_err(|_| E::custom(format!("`{key}` must be a string or a whole number"))),
            }
        }
        let agent_id = take_id::<AgentId, D::Error>(&mut map, "agent_id")?
            .ok_or_else(|| de::Error::missing_field("agent_id"))?;
        let version_id = take_id::<VersionId, D::Error>(&mut map, "version_id")?;
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
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
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

crate::redact::redacted_debug!(EditAssistantResponse);
