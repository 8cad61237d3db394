//! How an [`AgentEdit`] reads and writes its wire form: the typed operation names, `to_map`,
//! `from_map` and the serde impls that route node edits and unknown operations.

use serde::de;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::assistants::agent_edit::AgentEdit;
use crate::enums::NodeEditOperation;

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

/// Whether a `PATCH /agent/v1` body (`{operation, ...fields}`) may be sent again after a
/// failure that leaves open whether Ringg carried it out: sending it twice must leave what
/// sending it once leaves. Edits that replace a field (`edit_*`), remove or delete something
/// (`remove_*`, `delete_*`; sent again after the first went through, such an edit may be
/// answered 404), `update_agent_edge`, `toggle_ab_testing` and `push_to_prod` may, known to
/// this crate or not. Edits that create something (`add_new_ab_version`, `add_flow_node`,
/// `add_flow_edge`, `edit_on_call_tool` without a `tool_id`), attach something (`attach_*`,
/// refused the second time), and any other operation may not.
pub fn edit_is_repeatable(body: &Map<String, Value>) -> bool {
    let operation = body
        .get("operation")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match operation {
        "edit_on_call_tool" => body
            .get("on_call_tool")
            .and_then(|tool| tool.get("tool_id"))
            .is_some_and(|id| !id.is_null()),
        "toggle_ab_testing" | "push_to_prod" | "update_agent_edge" => true,
        _ => ["edit_", "remove_", "delete_"]
            .iter()
            .any(|prefix| operation.starts_with(prefix)),
    }
}

impl AgentEdit {
    /// Every operation name with a typed variant.
    pub fn typed_operations() -> &'static [&'static str] {
        TYPED_OPERATIONS
    }

    /// Whether this edit may be sent again after a failure that leaves open whether Ringg
    /// carried it out (see [`edit_is_repeatable`]): false for edits that create or attach
    /// something, which the client then reports as an unknown outcome instead of resending.
    pub fn is_repeatable(&self) -> bool {
        self.to_map().is_ok_and(|map| edit_is_repeatable(&map))
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn repeatable(body: Value) -> bool {
        edit_is_repeatable(body.as_object().unwrap())
    }

    #[test]
    fn edits_that_create_or_attach_are_not_repeatable() {
        for once in [
            json!({"operation": "add_new_ab_version"}),
            json!({"operation": "add_flow_node", "node_id": "n1"}),
            json!({"operation": "attach_kb", "kb_id": "kb-1"}),
            json!({"operation": "edit_on_call_tool", "on_call_tool": {"tool_name": "t"}}),
            json!({"operation": "edit_on_call_tool", "on_call_tool": {"tool_id": null}}),
            json!({"operation": "clone_everything"}),
            json!({}),
        ] {
            assert!(!repeatable(once.clone()), "{once}");
        }
        for again in [
            json!({"operation": "edit_prompt", "agent_prompt": "p"}),
            json!({"operation": "edit_on_call_tool", "on_call_tool": {"tool_id": "t1"}}),
            json!({"operation": "remove_kb", "kb_id": "kb-1"}),
            json!({"operation": "delete_version"}),
            json!({"operation": "toggle_ab_testing", "ab_enabled": true}),
            json!({"operation": "push_to_prod", "prod_version_id": "v"}),
        ] {
            assert!(repeatable(again.clone()), "{again}");
        }
        assert!(
            !AgentEdit::AddNewAbVersion {
                base_version_id: None
            }
            .is_repeatable()
        );
        assert!(AgentEdit::DeleteVersion.is_repeatable());
    }
}
