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
    let mut rows =
        vec![
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
                or_dash(d.voice.as_ref().map(|v| {
                    format!(
                        "{} ({})",
                        v.name.as_deref().unwrap_or("-"),
                        v.id.as_ref().map(|i| i.as_str()).unwrap_or("-")
                    )
                })),
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
                or_dash(d.knowledge_base_id.as_ref().map(
                    |k| match d.knowledge_base_name.as_deref() {
                        Some(n) => format!("{n} ({k})"),
                        None => k.to_string(),
                    },
                )),
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
