//! What `assistants get` shows of an assistant: the configuration in force.

use ringg_api::types::assistants::AssistantDetails;

use crate::output::{clip, nz, or_dash, shown, ts};
use crate::render::subscription_text;

/// What `assistants delete` shows before it asks: which assistant, and what deleting it does.
pub(crate) fn deletion_summary(
    id: &ringg_api::types::AgentId,
    d: &AssistantDetails,
) -> Vec<String> {
    let variables = d.custom_variable_names();
    vec![
        format!(
            "delete assistant {id} ({:?}, {}): it is archived for good, and calls and campaigns can no longer use it",
            nz(&d.agent_display_name),
            or_dash(d.agent_type.as_ref().map(|t| t.as_str())),
        ),
        format!(
            "variables: {}",
            if variables.is_empty() {
                "-".to_string()
            } else {
                variables.join(", ")
            }
        ),
    ]
}

/// The configuration in force, as FIELD / VALUE rows.
pub(crate) fn details_rows(d: &AssistantDetails) -> Vec<(String, String)> {
    let version = d.active_version();
    let config = d.active_config();
    let mut rows = vec![
        ("id".to_string(), d.id.to_string()),
        ("name".into(), nz(&d.agent_display_name)),
        (
            "type".into(),
            or_dash(d.agent_type.as_ref().map(|t| t.as_str())),
        ),
        (
            "active version".into(),
            or_dash(version.map(|(id, v)| match v.version_slug.as_deref() {
                Some(slug) => format!("{id} ({slug})"),
                None => id.to_string(),
            })),
        ),
        (
            "language".into(),
            or_dash(
                version
                    .and_then(|(_, v)| v.language.as_ref())
                    .or(d.language.as_ref())
                    .map(|l| l.as_str()),
            ),
        ),
        (
            "voice".into(),
            or_dash(
                d.voice
                    .as_ref()
                    .map(|v| named(v.name.as_deref(), v.id.as_ref().map(|i| i.as_str()), "-"))
                    // A versioned assistant keeps it in its active version.
                    .or_else(|| {
                        version
                            .and_then(|(_, v)| v.voice.as_ref())
                            .map(|v| value_named(v, "name", "id"))
                    }),
            ),
        ),
        ("variables".into(), {
            let names = d.custom_variable_names();
            if names.is_empty() {
                "-".into()
            } else {
                names.join(", ")
            }
        }),
        (
            "intro message".into(),
            or_dash(
                config
                    .and_then(|c| c.intro_message.as_deref())
                    .map(|m| clip(m, 120)),
            ),
        ),
        (
            "prompt".into(),
            or_dash(
                config
                    .and_then(|c| c.agent_prompt.as_ref())
                    .map(|p| clip(&p.to_text(), 120)),
            ),
        ),
        (
            "whitelisted domains".into(),
            or_dash(whitelisted(d).map(|w| w.join(", "))),
        ),
        (
            "knowledge base".into(),
            or_dash(
                d.knowledge_base_id
                    .as_ref()
                    .map(|k| match d.knowledge_base_name.as_deref() {
                        Some(n) => format!("{n} ({k})"),
                        None => k.to_string(),
                    })
                    // A versioned assistant lists them in its active version.
                    .or_else(|| {
                        let kbs = version.and_then(|(_, v)| v.knowledge_bases.as_ref())?;
                        let shown: Vec<String> = kbs
                            .iter()
                            .map(|kb| value_named(kb, "kb_name", "kb_id"))
                            .collect();
                        (!shown.is_empty()).then(|| shown.join(", "))
                    }),
            ),
        ),
        (
            "inbound number".into(),
            shown(&d.inbound_number_id, ToString::to_string),
        ),
        (
            "web-call public key".into(),
            shown(&d.webcall_public_key, String::clone),
        ),
        ("updated".into(), ts(d.updated_at.as_ref())),
    ];
    if let Some(labels) = d.classification_labels.as_ref().filter(|l| !l.is_empty()) {
        rows.push((
            "classification labels".into(),
            labels.keys().cloned().collect::<Vec<_>>().join(", "),
        ));
    }
    match d.event_subscriptions() {
        Some(subs) if !subs.is_empty() => {
            for (i, s) in subs.iter().enumerate() {
                rows.push((format!("webhook {}", i + 1), subscription_text(s)));
            }
        }
        Some(_) => rows.push(("webhooks".into(), "none".into())),
        None => rows.push(("webhooks".into(), crate::output::NOT_SHOWN.into())),
    }
    rows
}

/// The whitelisted origins in force.
pub(crate) fn whitelisted(d: &AssistantDetails) -> Option<Vec<String>> {
    d.active_version()
        .and_then(|(_, v)| v.whitelisted_domains.as_ref())
        .or(d.whitelisted_domains.as_ref())
        .cloned()
}

/// `name (id)`, or the one of them there is (`missing` when neither is).
fn named(name: Option<&str>, id: Option<&str>, missing: &str) -> String {
    match (name, id) {
        (Some(n), Some(i)) => format!("{n} ({i})"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        (None, None) => missing.to_owned(),
    }
}

/// A version's voice or knowledge base as [`named`] writes it, from an object's `name_key` and
/// `id_key` (or the value itself when it is text; its JSON otherwise).
fn value_named(v: &serde_json::Value, name_key: &str, id_key: &str) -> String {
    let text = |k: &str| v.get(k).and_then(serde_json::Value::as_str);
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(_) if text(name_key).is_some() || text(id_key).is_some() => {
            named(text(name_key), text(id_key), "-")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A versioned assistant keeps its voice and knowledge bases in its active version: the
    /// table shows them from there, not `-`.
    #[test]
    fn a_versioned_assistants_voice_and_knowledge_base_come_from_its_active_version() {
        let d: AssistantDetails = serde_json::from_value(serde_json::json!({
            "id": "830f767a-0000-4000-8000-000000000000",
            "active_agent_version_id": "v-a",
            "version_details": {"v-a": {
                "voice": {"name": "Sarah", "id": "vo-1"},
                "knowledge_bases": [{"kb_id": "k1", "kb_name": "FAQ"}, {"kb_id": "k2"}]
            }}
        }))
        .unwrap();
        let rows = details_rows(&d);
        let row = |k: &str| rows.iter().find(|(f, _)| f == k).unwrap().1.clone();
        assert_eq!(row("voice"), "Sarah (vo-1)");
        assert_eq!(row("knowledge base"), "FAQ (k1), k2");
    }
}
