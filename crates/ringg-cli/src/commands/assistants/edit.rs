//! `ringg assistants edit`: one operation of PATCH /agent/v1.

use std::collections::BTreeMap;

use ringg_api::types::assistants::{
    AgentEdit, EditAssistantRequest, EditAssistantResponse, EventSubscription, Language,
};
use ringg_api::types::{AgentId, VersionId, VoiceId};
use ringg_types::text::escape_control;
use serde_json::{Map, Value};

use super::args::{EditArgs, EditOp};
use crate::args::id;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{print_json, scalar};
use crate::term::emit_text;

pub(crate) async fn edit(ctx: &mut Ctx, args: EditArgs) -> Result<(), CliError> {
    let agent_id: AgentId = id("assistant", &args.id)?;
    let client = ctx.client().await?;
    let agent_id = crate::resolve::agent(&client, agent_id.as_str()).await?;
    let edit = match args.op {
        EditOp::DisplayName { name } => AgentEdit::EditAgentDisplayName {
            agent_display_name: name,
        },
        EditOp::Prompt { text, file } => {
            let prompt = match (text, file) {
                (Some(t), _) => t,
                (None, Some(f)) => std::fs::read_to_string(&f)
                    .map_err(|e| CliError::io(format!("could not read {}", f.display()), &e))?,
                (None, None) => {
                    return Err(CliError::usage("give the prompt text or --file"));
                }
            };
            AgentEdit::EditPrompt {
                agent_prompt: prompt.into(),
            }
        }
        EditOp::IntroMessage { text } => AgentEdit::EditIntroMessage {
            intro_message: text,
        },
        EditOp::CustomVars { names } => AgentEdit::EditCustomVars {
            custom_variables: names,
        },
        EditOp::Voice {
            voice_id,
            language,
            secondary_voice_id,
            secondary_language,
        } => AgentEdit::EditVoice {
            voice_id: VoiceId::new(voice_id),
            language: Language::from(language.as_str()),
            secondary_voice_id,
            secondary_language: secondary_language.as_deref().map(Language::from),
            additional_languages: Default::default(),
        },
        EditOp::VoiceSpeed { speed } => {
            if !(speed.is_finite() && speed > 0.0) {
                return Err(CliError::usage(format!(
                    "the voice speed must be a positive number such as 1.1, got {speed}"
                )));
            }
            AgentEdit::EditVoiceSpeed { voice_speed: speed }
        }
        EditOp::WhitelistedDomains { domains } => AgentEdit::EditAgentWhitelistedDomains {
            whitelisted_domains: domains,
        },
        EditOp::AttachKb { kb_id } => AgentEdit::AttachKb {
            kb_id: crate::resolve::knowledge_base(&client, &kb_id).await?,
        },
        EditOp::RemoveKb { kb_id } => AgentEdit::RemoveKb {
            kb_id: crate::resolve::knowledge_base(&client, &kb_id).await?,
        },
        EditOp::AttachInboundNumber { number_id } => AgentEdit::AttachInboundNumber {
            number_id: crate::resolve::number(&client, &number_id).await?,
        },
        EditOp::RemoveInboundNumber { number_id } => AgentEdit::RemoveInboundNumber {
            number_id: crate::resolve::number(&client, &number_id).await?,
        },
        EditOp::EventSubscriptions { json } => {
            let subs: Vec<EventSubscription> = parse_json("--json", &json)?;
            let resp = client
                .assistants()
                .edit_event_subscriptions(&agent_id, subs)
                .await?;
            return print_edit(ctx, &agent_id, "edit_event_subscriptions", &resp);
        }
        EditOp::ClassificationLabels { labels } => AgentEdit::EditClassificationLabels {
            classification_labels: labels.into_iter().collect::<BTreeMap<_, _>>(),
        },
        EditOp::CallConfig { json } => AgentEdit::EditCallConfig {
            call_config: call_config(&json)?,
        },
        EditOp::Raw { json } => {
            let mut map: Map<String, Value> = parse_json("--json", &json)?;
            match map.remove("agent_id") {
                None => {}
                Some(Value::String(s)) if s == agent_id.as_str() => {}
                // An ID written as a number is its digits.
                Some(Value::Number(n)) if n.to_string() == agent_id.as_str() => {}
                Some(other) => {
                    return Err(CliError::usage(format!(
                        "the JSON names agent_id {} but the command edits {agent_id}; leave agent_id out of the JSON",
                        scalar(&other)
                    )));
                }
            }
            if !map.contains_key("operation") {
                return Err(CliError::usage(
                    "the JSON needs an \"operation\", e.g. {\"operation\":\"edit_timezone\",\"timezone\":\"Asia/Kolkata\"}",
                ));
            }
            AgentEdit::from_map(map)
                .map_err(|e| CliError::usage(format!("--json is not a valid edit: {e}")))?
        }
    };
    let operation = edit.operation();
    let mut req = EditAssistantRequest::new(agent_id.clone(), edit);
    if let Some(v) = args.version_id {
        req = req.version(VersionId::new(v));
    }
    let resp = client.assistants().edit(&req).await?;
    print_edit(ctx, &agent_id, &operation, &resp)
}

fn print_edit(
    ctx: &Ctx,
    agent_id: &AgentId,
    operation: &str,
    resp: &EditAssistantResponse,
) -> Result<(), CliError> {
    if ctx.out.json() {
        return print_json(resp);
    }
    emit_text(format!(
        "{operation} on assistant {agent_id}: {}",
        escape_control(resp.message.as_deref().unwrap_or("done"))
    ));
    Ok(())
}

/// The keys of `call_config` Ringg documents (ringg-api.md §2.3.1 and `edit_call_config`).
const CALL_CONFIG_KEYS: [&str; 15] = [
    "idle_timeout_warning",
    "idle_timeout_end",
    "max_call_length",
    "call_retry_config",
    "call_time",
    "voicemail",
    "mute_during_intro",
    "noise_filter_config",
    "background_audio_config",
    "timeout_msg_on",
    "timeout_texts",
    "timeout_msg_dur",
    "transfer",
    "call_transfer_config",
    "enable_smart_turn",
];

/// The keys of `call_config.call_retry_config`.
const RETRY_KEYS: [&str; 4] = [
    "retry_count",
    "retry_busy",
    "retry_not_picked",
    "retry_failed",
];

/// `call-config`'s JSON, checked: the known keys with values of their types, and no key Ringg
/// does not document (a misplaced `retry_count` would be stored and never used). `raw` sends
/// anything as it is.
fn call_config(json: &str) -> Result<Map<String, Value>, CliError> {
    let map: Map<String, Value> = parse_json("the call_config", json)?;
    let typed: ringg_api::types::calls::CallConfig = ringg_api::types::decode(json.as_bytes())
        .map_err(|e| {
            CliError::usage(format!(
                "the call_config's {} does not have the documented type: {}",
                e.path(),
                e.message()
            ))
        })?;
    let misplaced = |key: &str, known: &[&str], inside: &str| {
        let place = RETRY_KEYS
            .contains(&key)
            .then_some("call_retry_config")
            .or_else(|| {
                [
                    "call_start_time",
                    "call_end_time",
                    "timezone",
                    "scheduled_at",
                ]
                .contains(&key)
                .then_some("call_time")
            })
            .filter(|p| *p != inside);
        let hint = match place {
            Some(p) => format!("{key} belongs in {p}: {{\"{p}\": {{\"{key}\": …}}}}; "),
            None => String::new(),
        };
        CliError::usage(format!(
            "the call_config{} has no key {key:?} (known: {})",
            if inside.is_empty() { String::new() } else { format!("'s {inside}") },
            known.join(", ")
        ))
        .with_hint(format!(
            "{hint}to send it anyway: `ringg assistants edit ASSISTANT raw --json '{{\"operation\":\"edit_call_config\",\"call_config\":…}}'`"
        ))
    };
    if let Some(key) = typed
        .extra
        .keys()
        .find(|k| !CALL_CONFIG_KEYS.contains(&k.as_str()))
    {
        return Err(misplaced(key, &CALL_CONFIG_KEYS, ""));
    }
    if let Some(retry) = &typed.call_retry_config
        && let Some(key) = retry.extra.keys().next()
    {
        return Err(misplaced(key, &RETRY_KEYS, "call_retry_config"));
    }
    Ok(map)
}

fn parse_json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, CliError> {
    // serde's message quotes a refused value; `decode` masks it when the field is secret
    // (a subscription's `headers`).
    ringg_api::types::decode(text.as_bytes()).map_err(|e| {
        CliError::usage(format!(
            "{what} is not valid JSON of the expected shape: {} (at `{}`)",
            e.message(),
            e.path()
        ))
    })
}
