//! `ringg assistants list | get | create | update | delete | voices | edit | embed`.

pub(crate) mod args;

use std::collections::BTreeMap;

use futures::TryStreamExt;
use ringg_api::types::assistants::{
    AgentEdit, AgentType, AssistantDetails, AssistantSummary, CreateAssistantRequest,
    EditAssistantRequest, EditAssistantResponse, EventSubscription, Language,
    UpdateAssistantRequest, VoicesQuery,
};
use ringg_api::types::{AgentId, KbId, NumberId, VersionId, VoiceId};
use serde::Serialize;
use serde_json::{Map, Value};

use ringg_types::text::escape_control;

use crate::args::PageArgs;
use crate::args::id;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output::{clip, kv_table, nz, or_dash, print_json, print_table, scalar, table, ts};
use crate::term::emit_text;
use args::{AssistantsCmd, CreateAssistantArgs, EditArgs, EditOp, UpdateAssistantArgs};

/// The origin Ringg requires in every whitelist.
const RINGG_ORIGIN: &str = "https://www.ringg.ai";

pub(crate) async fn run(ctx: &mut Ctx, cmd: AssistantsCmd) -> Result<(), CliError> {
    match cmd {
        AssistantsCmd::List(page) => list(ctx, page).await,
        AssistantsCmd::Get { id: agent } => get(ctx, &agent).await,
        AssistantsCmd::Create(args) => create(ctx, args).await,
        AssistantsCmd::Update { id: agent, fields } => update(ctx, &agent, fields).await,
        AssistantsCmd::Delete { id: agent, yes } => delete(ctx, &agent, yes).await,
        AssistantsCmd::Voices { language } => voices(ctx, language).await,
        AssistantsCmd::Edit(args) => edit(ctx, args).await,
        AssistantsCmd::Embed { id: agent, domain } => embed(ctx, &agent, &domain).await,
    }
}

async fn list(ctx: &mut Ctx, page: PageArgs) -> Result<(), CliError> {
    let client = ctx.client().await?;
    let rows: Vec<AssistantSummary> = if page.all {
        client.assistants().stream().try_collect().await?
    } else {
        client
            .assistants()
            .list(page.limit, page.offset)
            .await?
            .agents
    };
    if ctx.out.json() {
        return print_json(&rows);
    }
    let mut t = table(&["ID", "NAME", "TYPE", "CALLS", "VARIABLES", "UPDATED"]);
    for a in &rows {
        t.add_row(vec![
            a.id.to_string(),
            nz(&a.agent_display_name),
            or_dash(a.agent_type.as_ref().map(|t| t.as_str())),
            a.call_count
                .map(|c| c.to_string())
                .unwrap_or_else(|| "-".into()),
            or_dash(a.custom_variables.as_ref().map(|v| v.names().join(", "))),
            ts(a.updated_at.as_ref().or(a.created_at.as_ref())),
        ]);
    }
    print_table(&t);
    Ok(())
}

async fn get(ctx: &mut Ctx, agent: &str) -> Result<(), CliError> {
    let agent_id: AgentId = id("assistant", agent)?;
    let client = ctx.client().await?;
    let d = client.assistants().get(&agent_id).await?;
    if ctx.out.json() {
        // Webhook subscription headers carry shared secrets; print_json masks their values.
        return print_json(&d);
    }
    print_table(&kv_table(details_rows(&d)));
    Ok(())
}

/// The configuration in force, as FIELD / VALUE rows.
fn details_rows(d: &AssistantDetails) -> Vec<(String, String)> {
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
                or_dash(d.inbound_number_id.as_ref().map(|n| n.as_str())),
            ),
            ("web-call public key".into(), nz(&d.webcall_public_key)),
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
        _ => rows.push(("webhooks".into(), "none".into())),
    }
    rows
}

/// A subscription without its header values (they are usually secrets).
pub(crate) fn subscription_text(s: &EventSubscription) -> String {
    let events: Vec<&str> = s.event_types().iter().map(|e| e.as_str()).collect();
    let mut text = format!(
        "{} {} <- {}",
        s.method_type.as_ref().map(|m| m.as_str()).unwrap_or("POST"),
        s.callback_url,
        events.join(", ")
    );
    if let Some(h) = s.headers.as_ref().filter(|h| !h.is_empty()) {
        text.push_str(&format!(
            " (headers: {})",
            h.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    text
}

/// The whitelisted origins in force.
fn whitelisted(d: &AssistantDetails) -> Option<Vec<String>> {
    d.active_version()
        .and_then(|(_, v)| v.whitelisted_domains.as_ref())
        .or(d.whitelisted_domains.as_ref())
        .cloned()
}

async fn create(ctx: &mut Ctx, a: CreateAssistantArgs) -> Result<(), CliError> {
    let mut req = CreateAssistantRequest::new(
        a.name,
        a.objective,
        a.guidelines,
        a.task,
        Language::from(a.language.as_str()),
        VoiceId::new(a.voice),
        a.intro_message,
    );
    req.faq = a.faq;
    req.sample_conversations = a.samples;
    req.secondary_language = a.secondary_language.as_deref().map(Language::from);
    req.agent_type = a.agent_type.as_deref().map(AgentType::from);
    if !a.vars.is_empty() {
        req.custom_variables = Some(a.vars);
    }
    let client = ctx.client().await?;
    let resp = client.assistants().create(&req).await?;
    if ctx.out.json() {
        return print_json(&resp);
    }
    match resp.data.as_ref() {
        Some(d) => emit_text(format!(
            "created assistant {} ({})",
            d.id,
            d.version.as_deref().unwrap_or("first version")
        )),
        None => emit_text(escape_control(resp.message.as_deref().unwrap_or("created"))),
    }
    Ok(())
}

async fn update(ctx: &mut Ctx, agent: &str, u: UpdateAssistantArgs) -> Result<(), CliError> {
    let agent_id: AgentId = id("assistant", agent)?;
    let req = UpdateAssistantRequest {
        agent_name: u.name,
        introduction_and_objective: u.objective,
        response_guidelines: u.guidelines,
        task: u.task,
        primary_language: u.language.as_deref().map(Language::from),
        voice_id: u.voice.map(VoiceId::new),
        intro_message: u.intro_message,
        faq: u.faq,
        sample_conversations: u.samples,
        secondary_language: u.secondary_language.as_deref().map(Language::from),
        agent_type: u.agent_type.as_deref().map(AgentType::from),
        custom_variables: (!u.vars.is_empty()).then_some(u.vars),
        ..UpdateAssistantRequest::default()
    };
    if req.is_empty() {
        return Err(CliError::usage(
            "nothing to update; give at least one field, e.g. --name or --intro-message",
        ));
    }
    let client = ctx.client().await?;
    let resp = client.assistants().update(&agent_id, &req).await?;
    if ctx.out.json() {
        return print_json(&resp);
    }
    emit_text(format!(
        "updated assistant {agent_id}{}",
        resp.message
            .as_deref()
            .map(|m| format!(": {}", escape_control(m)))
            .unwrap_or_default()
    ));
    Ok(())
}

async fn delete(ctx: &mut Ctx, agent: &str, yes: bool) -> Result<(), CliError> {
    let agent_id: AgentId = id("assistant", agent)?;
    if !yes {
        return Err(CliError::usage(format!(
            "deleting archives assistant {agent_id} for good; add --yes to confirm"
        )));
    }
    let client = ctx.client().await?;
    let resp = client.assistants().delete(&agent_id).await?;
    if ctx.out.json() {
        return print_json(&resp);
    }
    emit_text(format!(
        "deleted assistant {agent_id}{}",
        resp.message
            .as_deref()
            .map(|m| format!(": {}", escape_control(m)))
            .unwrap_or_default()
    ));
    Ok(())
}

async fn voices(ctx: &mut Ctx, language: Option<String>) -> Result<(), CliError> {
    let client = ctx.client().await?;
    let resp = client
        .assistants()
        .voices(&VoicesQuery { language })
        .await?;
    if ctx.out.json() {
        return print_json(&resp.voices);
    }
    let mut t = table(&["ID", "NAME", "GENDER", "LANGUAGES"]);
    for v in &resp.voices {
        t.add_row(vec![
            v.id.to_string(),
            or_dash(v.name.as_deref()),
            nz(&v.gender),
            or_dash(v.languages.as_ref().map(|l| {
                l.iter()
                    .map(|x| x.as_str().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            })),
        ]);
    }
    print_table(&t);
    Ok(())
}

async fn edit(ctx: &mut Ctx, args: EditArgs) -> Result<(), CliError> {
    let agent_id: AgentId = id("assistant", &args.id)?;
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
            kb_id: id::<KbId>("knowledge base", &kb_id)?,
        },
        EditOp::RemoveKb { kb_id } => AgentEdit::RemoveKb {
            kb_id: id::<KbId>("knowledge base", &kb_id)?,
        },
        EditOp::AttachInboundNumber { number_id } => AgentEdit::AttachInboundNumber {
            number_id: id::<NumberId>("number", &number_id)?,
        },
        EditOp::RemoveInboundNumber { number_id } => AgentEdit::RemoveInboundNumber {
            number_id: id::<NumberId>("number", &number_id)?,
        },
        EditOp::EventSubscriptions { json } => {
            let subs: Vec<EventSubscription> = parse_json("--json", &json)?;
            let client = ctx.client().await?;
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
            call_config: parse_json::<Map<String, Value>>("the call_config", &json)?,
        },
        EditOp::Raw { json } => {
            let mut map: Map<String, Value> = parse_json("--json", &json)?;
            match map.remove("agent_id") {
                None => {}
                Some(Value::String(s)) if s == agent_id.as_str() => {}
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
    let client = ctx.client().await?;
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

fn parse_json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, CliError> {
    serde_json::from_str(text).map_err(|e| {
        CliError::usage(format!(
            "{what} is not valid JSON of the expected shape: {e}"
        ))
    })
}

/// What `embed` prints with `--output json`.
#[derive(Debug, Serialize)]
struct Embed {
    agent_id: AgentId,
    origin: String,
    whitelisted_domains: Vec<String>,
    whitelist_changed: bool,
    public_key: String,
    snippet: String,
}

async fn embed(ctx: &mut Ctx, agent: &str, domain: &str) -> Result<(), CliError> {
    let agent_id: AgentId = id("assistant", agent)?;
    let origin = origin_of(domain)?;
    let client = ctx.client().await?;
    let details = client.assistants().get(&agent_id).await?;
    let public_key = details
        .webcall_public_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .ok_or_else(|| {
            CliError::failed(format!(
                "assistant {agent_id} has no web-call public key, so it cannot be embedded; enable web calls for it in the Ringg dashboard (WebCall Settings) and run this again (the workspace API key must never go into a web page)"
            ))
        })?;
    let current = whitelisted(&details).unwrap_or_default();
    let mut domains = current.clone();
    if !domains
        .iter()
        .any(|d| d.trim_end_matches('/') == RINGG_ORIGIN)
    {
        domains.insert(0, RINGG_ORIGIN.to_string());
    }
    if !domains.iter().any(|d| d.trim_end_matches('/') == origin) {
        domains.push(origin.clone());
    }
    let changed = domains != current;
    if changed {
        let mut req = EditAssistantRequest::new(
            agent_id.clone(),
            AgentEdit::EditAgentWhitelistedDomains {
                whitelisted_domains: domains.clone(),
            },
        );
        if let Some((version, _)) = details.active_version() {
            req = req.version(VersionId::new(version));
        }
        client.assistants().edit(&req).await?;
        ctx.out.note(format!(
            "whitelisted {origin} for assistant {agent_id} (now: {})",
            domains.join(", ")
        ));
    } else {
        ctx.out.note(format!(
            "{origin} is already whitelisted for assistant {agent_id}"
        ));
    }
    let variables: Vec<&str> = details
        .custom_variable_names()
        .into_iter()
        .filter(|v| *v != "mobile_number")
        .collect();
    let snippet = widget_snippet(agent_id.as_str(), &public_key, &variables);
    if ctx.out.json() {
        return print_json(&Embed {
            agent_id,
            origin,
            whitelisted_domains: domains,
            whitelist_changed: changed,
            public_key,
            snippet,
        });
    }
    ctx.out.note(format!(
        "paste this before </body> on {origin}; it carries the assistant's browser-safe public key, not your API key:"
    ));
    emit_text(snippet);
    Ok(())
}

/// The origin (`scheme://host[:port]`) of a domain given on the command line.
fn origin_of(domain: &str) -> Result<String, CliError> {
    let raw = domain.trim();
    let with_scheme = if raw.contains("://") {
        raw.to_string()
    } else {
        format!("https://{raw}")
    };
    let url = url::Url::parse(&with_scheme).map_err(|e| {
        CliError::usage(format!(
            "--domain {raw:?} is not a web origin ({e}); give it like https://shop.example"
        ))
    })?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        return Err(CliError::usage(format!(
            "--domain {raw:?} is not a web origin; give it like https://shop.example"
        )));
    }
    if url.path() != "/" || url.query().is_some() {
        return Err(CliError::usage(format!(
            "--domain {raw:?} has a path; whitelists hold origins only, e.g. {}",
            url.origin().ascii_serialization()
        )));
    }
    Ok(url.origin().ascii_serialization())
}

/// The web-widget embed code (Ringg's CDN loader, then `loadAgent`).
fn widget_snippet(agent_id: &str, public_key: &str, variables: &[&str]) -> String {
    let js = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let vars_hint = if variables.is_empty() {
        String::new()
    } else {
        format!(
            "      // prompt variables this assistant uses: {}\n",
            variables.join(", ")
        )
    };
    format!(
        r#"<!-- Ringg AI web-call widget: assistant {agent_id} -->
<script>
  function loadAgentsCdn(version, onLoad) {{
    var base = "https://cdn.jsdelivr.net/npm/@desivocal/agents-cdn@" + version + "/dist/";
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.type = "text/css";
    css.href = base + "style.css";
    var js = document.createElement("script");
    js.type = "text/javascript";
    js.src = base + "dv-agent.es.js";
    js.onload = onLoad;
    document.head.appendChild(css);
    document.head.appendChild(js);
  }}
  loadAgentsCdn("latest", function () {{
    loadAgent({{
      agentId: {agent},
      xApiKey: {key}, // the assistant's browser-safe web-call key
      variables: {{}},
{vars_hint}      buttons: {{}},
    }});
  }});
</script>"#,
        agent = js(agent_id),
        key = js(public_key),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("https://shop.example").unwrap(),
            "https://shop.example"
        );
        assert_eq!(origin_of("shop.example").unwrap(), "https://shop.example");
        assert_eq!(
            origin_of("http://localhost:3000/").unwrap(),
            "http://localhost:3000"
        );
        assert!(origin_of("https://shop.example/page").is_err());
        assert!(origin_of("ftp://x").is_err());
        assert!(origin_of("https://").is_err());
    }

    #[test]
    fn snippet_uses_the_public_key() {
        let s = widget_snippet("a-1", "pk_1", &["callee_name"]);
        assert!(s.contains(r#"agentId: "a-1""#));
        assert!(s.contains(r#"xApiKey: "pk_1""#));
        assert!(s.contains("dv-agent.es.js") && s.contains("style.css"));
        assert!(s.contains(r#"loadAgentsCdn("latest""#));
        assert!(s.contains("callee_name"));
    }

    #[test]
    fn subscriptions_hide_header_values() {
        let s = EventSubscription::new(
            vec![ringg_api::types::webhook::EventType::CallCompleted],
            "https://h.example/x",
        )
        .header("X-Webhook-Secret", "s3cret");
        let t = subscription_text(&s);
        assert!(
            t.contains("X-Webhook-Secret") && !t.contains("s3cret"),
            "{t}"
        );
    }
}
