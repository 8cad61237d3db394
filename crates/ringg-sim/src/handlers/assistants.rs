//! Assistants (agents): operations 6–12, including every `PATCH /agent/v1` operation.

use chrono::Utc;
use serde_json::{Map, Value, json};

use super::{Ctx, Reply, V};
use crate::error::{ApiError, Issue};
use crate::state::{Agent, State, Subscription, Voice, Workspace, new_agent};
use crate::util::{deep_merge, get_str, iso, jinja_problem, strip_html, type_name};

/// Languages of `POST /public/agent` and `PATCH /public/agent/{id}`.
pub(crate) const PUBLIC_LANGUAGES: &[&str] = &[
    "en-US", "en-IN", "hi-IN", "ta-IN", "te-IN", "bn-IN", "mr-IN", "kn-IN", "ka-IN",
];
/// Languages of `PATCH /agent/v1`.
pub(crate) const EDIT_LANGUAGES: &[&str] = &[
    "en-US", "en-IN", "hi-IN", "ta-IN", "te-IN", "kn-IN", "mr-IN", "gu-IN", "ar-AE",
];
const AGENT_TYPES: &[&str] = &["inbound", "outbound", "outbound_inbound"];
/// Webhook event types (§3.2).
pub(crate) const EVENT_TYPES: &[&str] = &[
    "call_started",
    "call_ringing",
    "call_ongoing",
    "call_completed",
    "recording_completed",
    "platform_analysis_completed",
    "client_analysis_completed",
    "all_processing_completed",
];
const RINGG_ORIGIN: &str = "https://www.ringg.ai";

/// `PATCH /agent/v1` operations the simulator applies, with their required fields.
const EDIT_OPS: &[(&str, &[&str])] = &[
    ("attach_inbound_number", &["number_id"]),
    ("remove_inbound_number", &["number_id"]),
    ("attach_kb", &["kb_id"]),
    ("remove_kb", &["kb_id"]),
    ("edit_custom_vars", &["custom_variables"]),
    ("edit_language", &["language"]),
    ("edit_voice", &["voice_id", "language"]),
    ("edit_prompt", &["agent_prompt"]),
    (
        "edit_noise_settings",
        &["mute_while_bot_speaking", "mute_during_intro"],
    ),
    ("edit_agent_display_name", &["agent_display_name"]),
    ("edit_intro_message", &["intro_message"]),
    ("edit_query_phrases", &["pre_query_response_phrases"]),
    ("edit_dtmf_settings", &["dtmf_settings"]),
    ("edit_vad_settings", &["vad_settings"]),
    ("edit_agent_whitelisted_domains", &["whitelisted_domains"]),
    ("edit_voice_speed", &["voice_speed"]),
    ("edit_extract_callee_name", &["extract_callee_name"]),
    ("edit_vocab", &["vocab"]),
    ("edit_api_settings", &["api_config"]),
    ("edit_secondary_language", &["secondary_language"]),
    ("edit_secondary_voice", &["secondary_voice_id"]),
    ("edit_event_subscriptions", &["event_subscriptions"]),
    ("edit_call_config", &["call_config"]),
    ("edit_timezone", &["timezone"]),
    ("edit_llm_temperature", &["llm_temperature"]),
    ("edit_demo_settings", &["is_demo_enabled"]),
    ("edit_custom_analysis_prompt", &[]),
    ("edit_client_analysis", &["client_analysis"]),
    ("edit_classification_labels", &["classification_labels"]),
    ("edit_chat_settings", &["chat_settings"]),
    ("edit_rate_limit", &[]),
    ("edit_analytics_context", &["analytics_context"]),
    ("edit_outbound_inbound", &["enable_outbound_inbound"]),
];

/// Backend operations that exist but that the simulator does not model (A/B versions, flows,
/// tools): answered with 400 naming the limitation.
const UNMODELLED_OPS: &[&str] = &[
    "attach_node_kb",
    "remove_node_kb",
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
    "add_flow_node",
    "delete_flow_node",
    "add_flow_edge",
    "update_agent_edge",
    "delete_flow_edge",
    "edit_node_position",
    "edit_node_positions",
    "edit_node_meta",
    "edit_node_intro_message",
    "edit_node_messages",
    "edit_node_functions",
    "edit_node_pre_actions",
    "edit_node_post_actions",
    "edit_node_predefined_tools",
    "edit_node_context_strategy",
    "edit_node_respond_immediately",
    "edit_node_voice_override",
    "edit_node_dtmf_override",
    "edit_node_pre_query_phrases",
    "edit_node_per_type_config",
    "edit_outbound_from_number_ids",
    "edit_voicemail_settings",
];

fn agent_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!(
        "Agent {id} not found in this workspace; list assistants with GET /agent/all"
    ))
}

fn prompt_text(prompt: &Value) -> String {
    match prompt {
        Value::String(s) => s.clone(),
        Value::Object(o) => o
            .get("prompt_sections")
            .and_then(Value::as_array)
            .map(|secs| {
                secs.iter()
                    .map(|s| {
                        format!(
                            "{}\n{}",
                            s.get("section_title").and_then(Value::as_str).unwrap_or(""),
                            s.get("section_content")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n\n")
            })
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn voice_json(v: Option<&Voice>) -> Value {
    match v {
        Some(v) => json!({
            "id": v.id, "name": v.name,
            "voice_preview": format!("https://cdn.ringg.ai/voices/{}/preview.mp3", v.name.to_lowercase()),
        }),
        None => Value::Null,
    }
}

fn list_row(a: &Agent) -> Value {
    let mut row = json!({
        "id": a.id,
        "agent_display_name": a.display_name,
        "agent_type": a.agent_type,
        "call_count": a.call_count,
        "created_at": iso(a.created_at),
        "updated_at": iso(a.updated_at),
        "custom_variables": vars_map(&a.custom_variables),
        "is_archived": a.archived,
        "secondary_language": a.secondary_language,
        "secondary_voice_id": a.secondary_voice_id,
        "template_type": template_type(a),
        "tools": [],
        "orchestration_mode": "single_node",
        "voice_avatar": null,
        "call_frequency_cap": null,
    });
    merge_template(&mut row, a);
    row
}

fn template_type(a: &Agent) -> &str {
    if a.agent_type == "inbound" {
        "inbound"
    } else {
        "outbound"
    }
}

fn merge_template(row: &mut Value, a: &Agent) {
    if let Value::Object(o) = row {
        for k in [
            "template_name",
            "template_label",
            "template_icon",
            "template_source",
        ] {
            o.insert(k.into(), a.template.get(k).cloned().unwrap_or(Value::Null));
        }
    }
}

fn vars_map(vars: &[String]) -> Value {
    Value::Object(
        vars.iter()
            .map(|v| (v.clone(), Value::from("string")))
            .collect(),
    )
}

/// The `GET /agent/{id}` object: documented fields plus the live versioned extras.
pub(crate) fn render_agent(st: &State, ws: &Workspace, a: &Agent) -> Value {
    let voice = st.voice(&a.voice_id);
    let kbs: Vec<Value> = a
        .kb_ids
        .iter()
        .filter_map(|id| ws.kb(id))
        .map(|k| json!({"id": k.id, "kb_id": k.id, "name": k.name}))
        .collect();
    let first_kb = a.kb_ids.first().and_then(|id| ws.kb(id));
    let inbound_number = ws
        .numbers
        .iter()
        .find(|n| n.agent_id.as_deref() == Some(a.id.as_str()));
    let mut agent_config = Map::new();
    agent_config.insert("agent_prompt".into(), a.prompt.clone());
    agent_config.insert("custom_variables".into(), json!(a.custom_variables));
    agent_config.insert("intro_message".into(), json!(a.intro_message));
    for (k, v) in &a.settings {
        agent_config.insert(k.clone(), v.clone());
    }
    let version = json!({
        "version_slug": "v1",
        "description": "Initial version",
        "agent_config": agent_config,
        "knowledge_bases": kbs,
        "event_subscriptions": a.event_subscriptions.iter().map(|s| s.raw.clone()).collect::<Vec<_>>(),
        "language": a.language,
        "voice": voice_json(voice),
        "secondary_language": a.secondary_language,
        "secondary_voice_id": a.secondary_voice_id,
        "whitelisted_domains": a.whitelisted_domains,
        "tools": [],
        "custom_analysis_prompt": a.custom_analysis_prompt,
        "client_analysis": a.client_analysis,
        "analytics_context": a.settings.get("analytics_context").cloned().unwrap_or(json!({"platform_analytics": {}, "client_analytics": {}})),
        "call_config": a.call_config,
    });
    let mut obj = json!({
        "id": a.id,
        "agent_display_name": a.display_name,
        "agent_type": a.agent_type,
        "whitelisted_domains": a.whitelisted_domains,
        "language": a.language,
        "form_fields": a.template.get("form_fields").cloned().unwrap_or(json!([])),
        "voice": voice_json(voice),
        "agent_config": {
            "custom_variables": vars_map(&a.custom_variables),
            "agent_prompt": prompt_text(&a.prompt),
            "intro_message": a.intro_message,
        },
        "knowledge_base_id": first_kb.map(|k| k.id.clone()),
        "knowledge_base_name": first_kb.map(|k| k.name.clone()),
        "created_at": iso(a.created_at),
        "updated_at": iso(a.updated_at),
        "tools": [],
        "secondary_language": a.secondary_language,
        "secondary_voice_id": a.secondary_voice_id,
        "template_type": template_type(a),
        "orchestration_mode": "single_node",
        "is_ab_live": false,
        "ab_versions": { a.version_id.clone(): {"slug": "v1", "description": "Initial version", "call_traffic": 1.0} },
        "active_agent_version_id": a.version_id,
        "inbound_number_id": inbound_number.map(|n| n.id.clone()),
        "telephony_id": inbound_number.map(|n| n.telephony_id.clone()),
        "webcall_public_key": a.webcall_public_key,
        "classification_labels": a.classification_labels,
        "version_details": { a.version_id.clone(): version },
    });
    merge_template(&mut obj, a);
    obj
}

pub(crate) fn list(c: &Ctx<'_>) -> Reply {
    let (limit, offset) = c.page()?;
    let st = c.sh.lock();
    let rows: Vec<Value> = st
        .ws(&c.ws)
        .agents
        .iter()
        .filter(|a| !a.archived)
        .skip(offset)
        .take(limit)
        .map(list_row)
        .collect();
    Ok(json!({"status": "success", "data": {"agents": rows}}))
}

pub(crate) fn get(c: &Ctx<'_>) -> Reply {
    let id = c.param("agent_id");
    let st = c.sh.lock();
    let ws = st.ws(&c.ws);
    let a = ws.agent(id).ok_or_else(|| agent_not_found(id))?;
    Ok(json!({ "agents": render_agent(&st, ws, a) }))
}

pub(crate) fn voices(c: &Ctx<'_>) -> Reply {
    let wanted: Vec<String> = c
        .q("language")
        .map(|l| {
            l.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let st = c.sh.lock();
    let created = iso(st.ws(crate::demo::WORKSPACE_ID).created_at);
    let rows: Vec<Value> = st
        .voices
        .iter()
        .filter(|v| wanted.is_empty() || v.languages.iter().any(|l| wanted.iter().any(|w| w == l)))
        .map(|v| {
            let previews: Map<String, Value> = v
                .languages
                .iter()
                .map(|l| {
                    (
                        (*l).to_owned(),
                        Value::from(format!(
                            "https://cdn.ringg.ai/voices/{}/{}.mp3",
                            v.name.to_lowercase(),
                            l
                        )),
                    )
                })
                .collect();
            json!({
                "id": v.id, "name": v.name, "gender": v.gender,
                "image_url": format!("https://cdn.ringg.ai/voices/{}/avatar.png", v.name.to_lowercase()),
                "languages": v.languages,
                "voice_previews": previews,
                "created_at": created, "updated_at": created,
            })
        })
        .collect();
    Ok(json!({ "voices": rows }))
}

/// Template fields of create/update, validated (lengths, enums, types).
struct TemplateFields {
    agent_name: Option<String>,
    intro_obj: Option<String>,
    guidelines: Option<String>,
    task: Option<String>,
    language: Option<String>,
    voice_id: Option<String>,
    intro_message: Option<String>,
    faq: Option<String>,
    samples: Option<String>,
    secondary_language: Option<String>,
    agent_type: Option<String>,
    custom_variables: Option<Vec<String>>,
}

fn template_fields(body: &Map<String, Value>, required: bool) -> Result<TemplateFields, ApiError> {
    let mut v = V::new(body);
    let text = |v: &mut V<'_>, key: &str, max: usize, req: bool| -> Option<String> {
        let s = if req {
            let s = v.req_str(key);
            body.get(key).filter(|x| x.is_string()).map(|_| s)
        } else {
            v.opt_str(key)
        };
        if let Some(s) = &s {
            v.max_len(key, s, max);
        }
        s
    };
    let agent_name = text(&mut v, "agent_name", 100, required);
    let intro_obj = text(&mut v, "introduction_and_objective", 2000, required);
    let guidelines = text(&mut v, "response_guidelines", 3000, required);
    let task = text(&mut v, "task", 1500, required);
    let language = text(&mut v, "primary_language", 64, required);
    let voice_id = text(&mut v, "voice_id", 64, required);
    let intro_message = text(&mut v, "intro_message", 500, required);
    let faq = text(&mut v, "faq", 5000, false);
    let samples = text(&mut v, "sample_conversations", 5000, false);
    let secondary_language = text(&mut v, "secondary_language", 64, false);
    let agent_type = text(&mut v, "agent_type", 64, false);
    let custom_variables = v.opt_str_list("custom_variables");
    if let Some(l) = &language {
        v.one_of("primary_language", l, PUBLIC_LANGUAGES);
    }
    if let Some(l) = &secondary_language {
        v.one_of("secondary_language", l, PUBLIC_LANGUAGES);
    }
    if let Some(t) = &agent_type {
        v.one_of("agent_type", t, AGENT_TYPES);
    }
    v.finish()?;
    Ok(TemplateFields {
        agent_name,
        intro_obj,
        guidelines,
        task,
        language,
        voice_id,
        intro_message,
        faq,
        samples,
        secondary_language,
        agent_type,
        custom_variables,
    })
}

fn check_vars(vars: &[String]) -> Result<(), ApiError> {
    for v in vars {
        let ok = !v.is_empty()
            && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !v.starts_with(|c: char| c.is_ascii_digit());
        if !ok {
            return Err(ApiError::bad_request(format!(
                "Invalid custom variable name `{v}`: use letters, digits and underscores, not starting with a digit"
            )));
        }
    }
    Ok(())
}

fn ensure_outbound_vars(vars: &mut Vec<String>) {
    for required in ["mobile_number", "callee_name"] {
        if !vars.iter().any(|v| v == required) {
            vars.insert(0, required.to_owned());
        }
    }
}

fn apply_template(a: &mut Agent, f: &TemplateFields) {
    let mut sections: Vec<(String, String)> = match &a.prompt {
        Value::Object(o) => o
            .get("prompt_sections")
            .and_then(Value::as_array)
            .map(|s| {
                s.iter()
                    .map(|x| {
                        (
                            get_str(x.as_object().unwrap_or(&Map::new()), "section_title")
                                .unwrap_or("")
                                .to_owned(),
                            x.get("section_content")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    for (title, val) in [
        ("Introduction and objective", &f.intro_obj),
        ("Response guidelines", &f.guidelines),
        ("Task", &f.task),
        ("FAQ", &f.faq),
        ("Sample conversations", &f.samples),
    ] {
        if let Some(val) = val {
            match sections.iter_mut().find(|(t, _)| t == title) {
                Some(s) => s.1 = val.clone(),
                None => sections.push((title.to_owned(), val.clone())),
            }
        }
    }
    a.prompt = json!({"prompt_sections": sections.iter().map(|(t, c)| json!({"section_title": t, "section_content": c})).collect::<Vec<_>>()});
    if let Some(n) = &f.agent_name {
        a.display_name = n.clone();
    }
    if let Some(l) = &f.language {
        a.language = l.clone();
    }
    if let Some(v) = &f.voice_id {
        a.voice_id = v.clone();
    }
    if let Some(m) = &f.intro_message {
        a.intro_message = m.clone();
    }
    if let Some(l) = &f.secondary_language {
        a.secondary_language = Some(l.clone());
    }
    if let Some(t) = &f.agent_type {
        a.agent_type = t.clone();
    }
    if let Some(vars) = &f.custom_variables {
        a.custom_variables = vars.clone();
    }
    if a.agent_type != "inbound" {
        ensure_outbound_vars(&mut a.custom_variables);
    }
}

pub(crate) fn create(c: &Ctx<'_>) -> Reply {
    let body = c.json()?;
    let f = template_fields(&body, true)?;
    if let Some(vars) = &f.custom_variables {
        check_vars(vars)?;
    }
    let mut st = c.sh.lock();
    let voice_id = f.voice_id.clone().unwrap_or_default();
    if st.voice(&voice_id).is_none() {
        return Err(ApiError::bad_request(format!(
            "Invalid voice_id {voice_id}: pick one from GET /agent/voices"
        )));
    }
    let id = st.new_id();
    let version_id = st.new_id();
    let key_suffix = st.new_id().replace('-', "");
    let now = Utc::now();
    let mut a = new_agent(
        &id,
        &version_id,
        "",
        f.agent_type.as_deref().unwrap_or("outbound"),
        now,
    );
    a.webcall_public_key = format!("pk_{key_suffix}");
    apply_template(&mut a, &f);
    st.ws_mut(&c.ws).agents.push(a);
    Ok(json!({
        "success": true,
        "data": {"id": id, "version": "v1", "created_at": iso(now)},
        "message": "Agent created successfully",
    }))
}

pub(crate) fn update(c: &Ctx<'_>) -> Reply {
    let id = c.param("agent_id").to_owned();
    let body = c.json()?;
    let f = template_fields(&body, false)?;
    if let Some(vars) = &f.custom_variables {
        check_vars(vars)?;
    }
    let mut st = c.sh.lock();
    if let Some(v) = &f.voice_id
        && st.voice(v).is_none()
    {
        return Err(ApiError::bad_request(format!(
            "Invalid voice_id {v}: pick one from GET /agent/voices"
        )));
    }
    let a = st
        .ws_mut(&c.ws)
        .agent_mut(&id)
        .ok_or_else(|| agent_not_found(&id))?;
    apply_template(a, &f);
    a.updated_at = Utc::now();
    Ok(json!({
        "success": true,
        "data": {"id": a.id, "version": "v1", "updated_at": iso(a.updated_at)},
        "message": "Agent updated successfully",
    }))
}

pub(crate) fn archive(c: &Ctx<'_>) -> Reply {
    let id = c.param("agent_id").to_owned();
    let mut st = c.sh.lock();
    let ws = st.ws_mut(&c.ws);
    let a = ws.agent_mut(&id).ok_or_else(|| agent_not_found(&id))?;
    a.archived = true;
    a.updated_at = Utc::now();
    for n in ws.numbers.iter_mut() {
        if n.agent_id.as_deref() == Some(id.as_str()) {
            n.agent_id = None;
        }
    }
    Ok(json!({"message": "Agent archived successfully"}))
}

fn str_field(body: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    match body.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(ApiError::invalid(
            &["body", key],
            "string_type",
            format!("Input should be a valid string, got {}", type_name(other)),
        )),
        None => Ok(String::new()),
    }
}

fn list_field(body: &Map<String, Value>, key: &str) -> Result<Vec<String>, ApiError> {
    let mut v = V::new(body);
    let out = v.opt_str_list(key).unwrap_or_default();
    v.finish()?;
    Ok(out)
}

fn obj_field(body: &Map<String, Value>, key: &str) -> Result<Map<String, Value>, ApiError> {
    let mut v = V::new(body);
    let out = v.opt_obj(key).unwrap_or_default();
    v.finish()?;
    Ok(out)
}

fn bool_field(body: &Map<String, Value>, key: &str) -> Result<bool, ApiError> {
    let mut v = V::new(body);
    let out = v.opt_bool(key).unwrap_or_default();
    v.finish()?;
    Ok(out)
}

fn num_field(body: &Map<String, Value>, key: &str) -> Result<f64, ApiError> {
    let mut v = V::new(body);
    let out = v.opt_f64(key).unwrap_or_default();
    v.finish()?;
    Ok(out)
}

fn enum_field(body: &Map<String, Value>, key: &str, allowed: &[&str]) -> Result<String, ApiError> {
    let s = str_field(body, key)?;
    let mut v = V::new(body);
    v.one_of(key, &s, allowed);
    v.finish()?;
    Ok(s)
}

/// Parses `event_subscriptions` (event_type as a string or a list).
pub(crate) fn parse_subscriptions(value: &Value) -> Result<Vec<Subscription>, ApiError> {
    let items = value.as_array().ok_or_else(|| {
        ApiError::invalid(
            &["body", "event_subscriptions"],
            "list_type",
            format!("Input should be a valid list, got {}", type_name(value)),
        )
    })?;
    let mut issues = Vec::new();
    let mut subs = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let idx = i.to_string();
        let loc = |f: &str| -> Vec<Value> {
            vec![
                Value::from("body"),
                Value::from("event_subscriptions"),
                Value::from(i),
                Value::from(f),
            ]
        };
        let Some(obj) = item.as_object() else {
            issues.push(Issue::new(
                &["body", "event_subscriptions", &idx],
                "dict_type",
                "Input should be a valid dictionary",
            ));
            continue;
        };
        let event_types: Vec<String> = match obj.get("event_type") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) if a.iter().all(Value::is_string) && !a.is_empty() => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect(),
            None | Some(Value::Null) => {
                issues.push(Issue {
                    kind: "missing",
                    loc: loc("event_type"),
                    msg: "Field required".into(),
                });
                vec![]
            }
            Some(_) => {
                issues.push(Issue {
                    kind: "type_error",
                    loc: loc("event_type"),
                    msg: "Input should be an event type or a non-empty list of event types".into(),
                });
                vec![]
            }
        };
        for e in &event_types {
            if !EVENT_TYPES.contains(&e.as_str()) {
                issues.push(Issue {
                    kind: "enum",
                    loc: loc("event_type"),
                    msg: format!(
                        "Unknown event type `{e}`; use one of {}",
                        EVENT_TYPES.join(", ")
                    ),
                });
            }
        }
        let url = match obj.get("callback_url") {
            Some(Value::String(s)) => s.clone(),
            _ => {
                issues.push(Issue {
                    kind: "missing",
                    loc: loc("callback_url"),
                    msg: "Field required: a full http(s) URL".into(),
                });
                String::new()
            }
        };
        if !url.is_empty() {
            match url::Url::parse(&url) {
                Ok(u) if u.scheme() == "http" || u.scheme() == "https" => {}
                _ => issues.push(Issue {
                    kind: "url_parsing",
                    loc: loc("callback_url"),
                    msg: format!("Input should be a valid http(s) URL, got `{url}`"),
                }),
            }
        }
        let method = match obj.get("method_type") {
            None | Some(Value::Null) => "POST".to_owned(),
            Some(Value::String(m))
                if ["POST", "PUT", "PATCH"].contains(&m.to_ascii_uppercase().as_str()) =>
            {
                m.to_ascii_uppercase()
            }
            Some(_) => {
                issues.push(Issue {
                    kind: "enum",
                    loc: loc("method_type"),
                    msg: "Input should be 'POST', 'PUT' or 'PATCH'".into(),
                });
                String::new()
            }
        };
        let headers: Vec<(String, String)> = match obj.get("headers") {
            None | Some(Value::Null) => vec![],
            Some(Value::Object(h)) => {
                let mut out = vec![];
                for (k, v) in h {
                    let valid_name = http::HeaderName::from_bytes(k.as_bytes()).is_ok();
                    match v.as_str() {
                        Some(s) if valid_name && http::HeaderValue::from_str(s).is_ok() => {
                            out.push((k.clone(), s.to_owned()))
                        }
                        _ => issues.push(Issue {
                            kind: "string_type",
                            loc: loc("headers"),
                            msg: format!(
                                "Header `{k}` must be a valid header name with a string value"
                            ),
                        }),
                    }
                }
                out
            }
            Some(_) => {
                issues.push(Issue {
                    kind: "dict_type",
                    loc: loc("headers"),
                    msg: "Input should be a valid dictionary of header names to strings".into(),
                });
                vec![]
            }
        };
        subs.push(Subscription {
            event_types,
            callback_url: url,
            headers,
            method,
            raw: item.clone(),
        });
    }
    if issues.is_empty() {
        Ok(subs)
    } else {
        Err(ApiError::validation(issues))
    }
}

fn check_jinja(field: &str, text: &str) -> Result<(), ApiError> {
    match jinja_problem(text) {
        Some(p) => Err(ApiError::bad_request(format!(
            "Invalid template syntax in {field}: {p}"
        ))),
        None => Ok(()),
    }
}

fn base_language(l: &str) -> &str {
    l.split('-').next().unwrap_or(l)
}

const KEY_TYPES: &[&str] = &[
    "string", "integer", "number", "boolean", "array", "date", "datetime",
];

fn value_matches_type(v: &Value, ty: &str) -> bool {
    match ty {
        "string" | "date" | "datetime" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        _ => false,
    }
}

fn validate_analysis_prompt(p: &Map<String, Value>) -> Result<(), ApiError> {
    let prompt = p.get("prompt");
    let keys = p.get("keys");
    if prompt.is_some() != keys.is_some() {
        return Err(ApiError::bad_request(
            "custom_analysis_prompt needs both 'prompt' and 'keys' (or neither)",
        ));
    }
    if let Some(pr) = prompt
        && !pr.is_string()
    {
        return Err(ApiError::bad_request(
            "custom_analysis_prompt.prompt must be a string",
        ));
    }
    let keys = keys.and_then(Value::as_object).cloned().unwrap_or_default();
    if p.get("keys").is_some_and(|k| !k.is_object()) {
        return Err(ApiError::bad_request(
            "custom_analysis_prompt.keys must be an object of name → type",
        ));
    }
    for (k, ty) in &keys {
        let ty = ty.as_str().unwrap_or("");
        if !KEY_TYPES.contains(&ty) {
            return Err(ApiError::bad_request(format!(
                "custom_analysis_prompt.keys.{k}: type must be one of {}",
                KEY_TYPES.join(", ")
            )));
        }
    }
    if let Some(defaults) = p.get("defaults") {
        let Some(defaults) = defaults.as_object() else {
            return Err(ApiError::bad_request(
                "custom_analysis_prompt.defaults must be an object",
            ));
        };
        for (k, v) in defaults {
            let Some(ty) = keys.get(k).and_then(Value::as_str) else {
                return Err(ApiError::bad_request(format!(
                    "custom_analysis_prompt.defaults.{k} is not one of the keys"
                )));
            };
            if !value_matches_type(v, ty) {
                return Err(ApiError::bad_request(format!(
                    "custom_analysis_prompt.defaults.{k} must be of type {ty}"
                )));
            }
        }
    }
    Ok(())
}

fn validate_call_config(cc: &Map<String, Value>) -> Result<(), ApiError> {
    crate::handlers::calls::CallConfig::parse(&Value::Object(cc.clone()), &["body", "call_config"])
        .map(|_| ())
}

pub(crate) fn edit(c: &Ctx<'_>) -> Reply {
    let body = c.json()?;
    let mut v = V::new(&body);
    let op = v.req_str("operation");
    let agent_id = v.req_str("agent_id");
    v.finish()?;
    if UNMODELLED_OPS.contains(&op.as_str()) {
        return Err(ApiError::bad_request(format!(
            "Operation '{op}' (A/B versions, flows, tools) is not modelled by the simulator; test it against the live API"
        )));
    }
    let Some((_, required)) = EDIT_OPS.iter().find(|(name, _)| *name == op) else {
        return Err(ApiError::invalid(
            &["body", "operation"],
            "enum",
            format!(
                "Unknown operation '{op}'; use one of {}",
                EDIT_OPS
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    for field in *required {
        if body.get(*field).is_none_or(Value::is_null) {
            return Err(ApiError::bad_request(format!(
                "'{field}' is required for operation '{op}'"
            )));
        }
    }
    let mut guard = c.sh.lock();
    let st = &mut *guard;
    let voices = &st.voices;
    let ws = st
        .workspaces
        .get_mut(&c.ws)
        .expect("authenticated workspace exists");
    let ai = ws
        .agents
        .iter()
        .position(|a| a.id == agent_id && !a.archived)
        .ok_or_else(|| agent_not_found(&agent_id))?;
    let ok = json!({"message": "Agent updated successfully!", "agent_id": agent_id});
    let reply = match op.as_str() {
        "attach_inbound_number" | "remove_inbound_number" => {
            let number_id = str_field(&body, "number_id")?;
            if !ws.agents[ai].accepts_inbound() {
                return Err(ApiError::bad_request(
                    "Inbound numbers can only be attached to inbound or outbound_inbound agents; change the agent type first",
                ));
            }
            let ni = ws
                .numbers
                .iter()
                .position(|n| n.id == number_id)
                .ok_or_else(|| {
                    ApiError::not_found(format!(
                        "Number {number_id} not found; list numbers with GET /workspace/numbers"
                    ))
                })?;
            let n = &mut ws.numbers[ni];
            if op == "attach_inbound_number" {
                if !n.is_inbound_enabled {
                    return Err(ApiError::bad_request(
                        "Inbound calling is not enabled on this number",
                    ));
                }
                match &n.agent_id {
                    Some(other) if *other != agent_id => {
                        return Err(ApiError::conflict(
                            "Number is already attached to another agent; remove it there first",
                        ));
                    }
                    _ => n.agent_id = Some(agent_id.clone()),
                }
            } else if n.agent_id.as_deref() != Some(agent_id.as_str()) {
                return Err(ApiError::bad_request(
                    "Number is not attached to this agent",
                ));
            } else {
                n.agent_id = None;
            }
            ok
        }
        "attach_kb" | "remove_kb" => {
            let kb_id = str_field(&body, "kb_id")?;
            if ws.kb(&kb_id).is_none() {
                return Err(ApiError::not_found(format!(
                    "Knowledge Base {kb_id} not found; list them with GET /external/kb/all"
                )));
            }
            let a = &mut ws.agents[ai];
            let attached = a.kb_ids.contains(&kb_id);
            if op == "attach_kb" {
                if attached {
                    return Err(ApiError::bad_request("Knowledge Base already attached"));
                }
                a.kb_ids.push(kb_id.clone());
                json!({"message": "Knowledge Base attached successfully", "kb_id": kb_id})
            } else {
                if !attached {
                    return Err(ApiError::not_found(
                        "Knowledge Base is not attached to this agent",
                    ));
                }
                a.kb_ids.retain(|k| *k != kb_id);
                json!({"message": "Knowledge Base removed successfully", "kb_id": kb_id})
            }
        }
        _ => {
            let a = &mut ws.agents[ai];
            apply_simple_edit(a, voices, &op, &body)?;
            ok
        }
    };
    ws.agents[ai].updated_at = Utc::now();
    Ok(reply)
}

/// The edit operations that touch only the agent.
fn apply_simple_edit(
    a: &mut Agent,
    voices: &[Voice],
    op: &str,
    body: &Map<String, Value>,
) -> Result<(), ApiError> {
    match op {
        "edit_custom_vars" => {
            let mut vars = list_field(body, "custom_variables")?;
            check_vars(&vars)?;
            let inbound_copy = body.get("config_type").and_then(Value::as_str) == Some("inbound");
            if a.is_outbound()
                && !inbound_copy
                && !(vars.iter().any(|v| v == "callee_name")
                    && vars.iter().any(|v| v == "mobile_number"))
            {
                return Err(ApiError::forbidden(
                    "Outbound agents must keep the 'callee_name' and 'mobile_number' variables; include both in custom_variables",
                ));
            }
            let mut seen = std::collections::HashSet::new();
            vars.retain(|v| seen.insert(v.clone()));
            a.custom_variables = vars;
        }
        "edit_language" => a.language = enum_field(body, "language", EDIT_LANGUAGES)?,
        "edit_voice" => {
            let voice_id = str_field(body, "voice_id")?;
            let language = enum_field(body, "language", EDIT_LANGUAGES)?;
            let voice = voices.iter().find(|v| v.id == voice_id).ok_or_else(|| {
                ApiError::not_found(format!(
                    "Voice {voice_id} not found; pick one from GET /agent/voices"
                ))
            })?;
            if !voice.languages.contains(&language.as_str()) {
                return Err(ApiError::bad_request(format!(
                    "Voice {} does not support {language}; it supports {}",
                    voice.name,
                    voice.languages.join(", ")
                )));
            }
            let mut v = V::new(body);
            let secondary_voice = v.opt_str("secondary_voice_id");
            let secondary_language = v.opt_str("secondary_language");
            let additional = v.opt_str_list("additional_languages");
            if let Some(l) = &secondary_language {
                v.one_of("secondary_language", l, EDIT_LANGUAGES);
            }
            v.finish()?;
            if let Some(sv) = &secondary_voice
                && !sv.is_empty()
                && !voices.iter().any(|v| v.id == *sv)
            {
                return Err(ApiError::not_found(format!(
                    "Secondary voice {sv} not found; pick one from GET /agent/voices"
                )));
            }
            if let Some(sl) = &secondary_language
                && base_language(sl) == base_language(&language)
            {
                return Err(ApiError::bad_request(format!(
                    "The secondary language {sl} must differ from the primary language {language} (e.g. hi-IN with en-IN)"
                )));
            }
            if let Some(add) = &additional {
                if add.len() + 2 > 6 {
                    return Err(ApiError::bad_request(
                        "At most 6 languages in total (primary, secondary and additional)",
                    ));
                }
                a.settings.insert("additional_languages".into(), json!(add));
            }
            a.voice_id = voice_id;
            a.language = language;
            match secondary_voice.as_deref() {
                Some("") => a.secondary_voice_id = None,
                Some(sv) => a.secondary_voice_id = Some(sv.to_owned()),
                None => {}
            }
            if let Some(sl) = secondary_language {
                a.secondary_language = Some(sl);
            }
        }
        "edit_prompt" => {
            let p = body.get("agent_prompt").cloned().unwrap_or(Value::Null);
            let valid = match &p {
                Value::String(_) => true,
                Value::Object(o) => o
                    .get("prompt_sections")
                    .and_then(Value::as_array)
                    .is_some_and(|secs| {
                        secs.iter().all(|s| {
                            s.get("section_title").is_some_and(Value::is_string)
                                && s.get("section_content").is_some_and(Value::is_string)
                        })
                    }),
                _ => false,
            };
            if !valid {
                return Err(ApiError::invalid(
                    &["body", "agent_prompt"],
                    "union_tag_invalid",
                    "agent_prompt must be a string or {prompt_sections: [{section_title, section_content}]}",
                ));
            }
            check_jinja("agent_prompt", &prompt_text(&p))?;
            a.prompt = p;
        }
        "edit_intro_message" => {
            let text = strip_html(&str_field(body, "intro_message")?);
            check_jinja("intro_message", &text)?;
            a.intro_message = text;
        }
        "edit_noise_settings" => {
            let m1 = bool_field(body, "mute_while_bot_speaking")?;
            let m2 = bool_field(body, "mute_during_intro")?;
            a.settings
                .insert("mute_while_bot_speaking".into(), Value::Bool(m1));
            a.settings
                .insert("mute_during_intro".into(), Value::Bool(m2));
        }
        "edit_agent_display_name" => {
            let name = str_field(body, "agent_display_name")?;
            if name.trim().is_empty() || name.chars().count() > 100 {
                return Err(ApiError::bad_request(
                    "agent_display_name must be 1 to 100 characters",
                ));
            }
            a.display_name = name;
        }
        "edit_query_phrases" => {
            let phrases = list_field(body, "pre_query_response_phrases")?;
            let mut v = V::new(body);
            let prob = v.opt_f64("pre_query_phrase_probability");
            v.finish()?;
            if let Some(p) = prob {
                if !(0.0..=1.0).contains(&p) {
                    return Err(ApiError::bad_request(
                        "pre_query_phrase_probability must be between 0 and 1",
                    ));
                }
                a.settings
                    .insert("pre_query_phrase_probability".into(), json!(p));
            }
            a.settings
                .insert("pre_query_response_phrases".into(), json!(phrases));
        }
        "edit_dtmf_settings" => {
            let d = obj_field(body, "dtmf_settings")?;
            if let Some(input) = d.get("dtmf_input").and_then(Value::as_object) {
                let end = input.get("end").and_then(Value::as_str).unwrap_or("");
                let reset = input.get("reset").and_then(Value::as_str).unwrap_or("");
                if end.contains('0') {
                    return Err(ApiError::bad_request(
                        "dtmf_input.end must not contain \"0\"",
                    ));
                }
                let end_keys: Vec<&str> = end
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect();
                if reset
                    .split(',')
                    .map(str::trim)
                    .any(|r| !r.is_empty() && end_keys.contains(&r))
                {
                    return Err(ApiError::bad_request(
                        "dtmf_input.reset must not share keys with dtmf_input.end",
                    ));
                }
            }
            if d.is_empty() {
                a.settings.remove("dtmf_settings");
            } else {
                a.settings.insert("dtmf_settings".into(), Value::Object(d));
            }
        }
        "edit_vad_settings" => {
            let d = obj_field(body, "vad_settings")?;
            if let Some(s) = d.get("interruption_sensitivity") {
                let ok = s
                    .as_str()
                    .is_some_and(|s| ["default", "sensitive", "strict"].contains(&s));
                if !ok {
                    return Err(ApiError::invalid(
                        &["body", "vad_settings", "interruption_sensitivity"],
                        "enum",
                        "Input should be 'default', 'sensitive' or 'strict'",
                    ));
                }
            }
            a.settings.insert("vad_settings".into(), Value::Object(d));
        }
        "edit_agent_whitelisted_domains" => {
            let domains = list_field(body, "whitelisted_domains")?;
            if !domains
                .iter()
                .any(|d| d.trim_end_matches('/') == RINGG_ORIGIN)
            {
                return Err(ApiError::bad_request(format!(
                    "{RINGG_ORIGIN} must stay in whitelisted_domains; add your origins next to it"
                )));
            }
            if let Some(bad) = domains.iter().find(|d| {
                !(d.starts_with("https://")
                    || d.starts_with("http://")
                    || d.starts_with("android://"))
            }) {
                return Err(ApiError::bad_request(format!(
                    "`{bad}` is not an origin (https://host, http://host or android://package)"
                )));
            }
            a.whitelisted_domains = domains;
        }
        "edit_voice_speed" => {
            let s = num_field(body, "voice_speed")?;
            if !(0.5..=2.0).contains(&s) {
                return Err(ApiError::bad_request(
                    "voice_speed must be between 0.5 and 2.0",
                ));
            }
            a.settings.insert("voice_speed".into(), json!(s));
        }
        "edit_extract_callee_name" => {
            let b = bool_field(body, "extract_callee_name")?;
            a.settings
                .insert("extract_callee_name".into(), Value::Bool(b));
        }
        "edit_vocab" => {
            let vocab = list_field(body, "vocab")?;
            let words: usize = vocab.iter().map(|w| w.split_whitespace().count()).sum();
            if words > 100 {
                return Err(ApiError::bad_request(format!(
                    "vocab holds {words} words; the limit is 100 in total"
                )));
            }
            a.settings.insert("vocab".into(), json!(vocab));
        }
        "edit_api_settings" => {
            let cfg = obj_field(body, "api_config")?;
            a.settings.insert("api_config".into(), Value::Object(cfg));
        }
        "edit_secondary_language" => {
            let l = enum_field(body, "secondary_language", EDIT_LANGUAGES)?;
            if base_language(&l) == base_language(&a.language) {
                return Err(ApiError::bad_request(format!(
                    "The secondary language {l} must differ from the primary language {}",
                    a.language
                )));
            }
            a.secondary_language = Some(l);
        }
        "edit_secondary_voice" => {
            let sv = str_field(body, "secondary_voice_id")?;
            if sv.is_empty() {
                a.secondary_voice_id = None;
            } else if voices.iter().any(|v| v.id == sv) {
                a.secondary_voice_id = Some(sv);
            } else {
                return Err(ApiError::not_found(format!(
                    "Voice {sv} not found; pick one from GET /agent/voices"
                )));
            }
        }
        "edit_event_subscriptions" => {
            let subs =
                parse_subscriptions(body.get("event_subscriptions").unwrap_or(&Value::Null))?;
            a.event_subscriptions = subs;
        }
        "edit_call_config" => {
            let cc = obj_field(body, "call_config")?;
            validate_call_config(&cc)?;
            deep_merge(&mut a.call_config, &Value::Object(cc));
        }
        "edit_timezone" => {
            let tz = str_field(body, "timezone")?;
            if tz.parse::<chrono_tz::Tz>().is_err() {
                return Err(ApiError::bad_request(format!(
                    "Unknown timezone `{tz}`: use an IANA name such as Asia/Kolkata"
                )));
            }
            deep_merge(&mut a.call_config, &json!({"call_time": {"timezone": tz}}));
        }
        "edit_llm_temperature" => {
            let t = num_field(body, "llm_temperature")?;
            if !(0.0..=2.0).contains(&t) {
                return Err(ApiError::bad_request(
                    "llm_temperature must be between 0 and 2",
                ));
            }
            a.settings.insert("llm_temperature".into(), json!(t));
        }
        "edit_demo_settings" => {
            let b = bool_field(body, "is_demo_enabled")?;
            a.settings.insert("is_demo_enabled".into(), Value::Bool(b));
            a.settings.insert("demo_limit".into(), json!(50));
        }
        "edit_custom_analysis_prompt" => match body.get("custom_analysis_prompt") {
            None | Some(Value::Null) => a.custom_analysis_prompt = None,
            Some(Value::Object(p)) if p.is_empty() => a.custom_analysis_prompt = None,
            Some(Value::Object(p)) => {
                validate_analysis_prompt(p)?;
                a.custom_analysis_prompt = Some(Value::Object(p.clone()));
            }
            Some(other) => {
                return Err(ApiError::invalid(
                    &["body", "custom_analysis_prompt"],
                    "dict_type",
                    format!(
                        "Input should be an object or null, got {}",
                        type_name(other)
                    ),
                ));
            }
        },
        "edit_client_analysis" => {
            let ca = obj_field(body, "client_analysis")?;
            let mut cur = a.client_analysis.take().unwrap_or_else(|| json!({}));
            if let Value::Object(m) = &mut cur {
                for (k, v) in ca {
                    m.insert(k, v);
                }
            }
            a.client_analysis = Some(cur);
        }
        "edit_classification_labels" => {
            let labels = obj_field(body, "classification_labels")?;
            if labels.len() > 10 {
                return Err(ApiError::bad_request(format!(
                    "{} classification labels given; the limit is 10",
                    labels.len()
                )));
            }
            if labels.values().any(|v| !v.is_string()) {
                return Err(ApiError::bad_request(
                    "classification_labels maps each label to a description string",
                ));
            }
            a.classification_labels = labels;
        }
        "edit_chat_settings" => {
            let cs = obj_field(body, "chat_settings")?;
            for (key, lo, hi) in [
                ("max_call_length", 60.0, 3600.0),
                ("idle_timeout_warning", 5.0, 300.0),
                ("idle_timeout_end", 10.0, 600.0),
            ] {
                if let Some(v) = cs.get(key) {
                    let ok = v.as_f64().is_some_and(|x| (lo..=hi).contains(&x));
                    if !ok {
                        return Err(ApiError::bad_request(format!(
                            "chat_settings.{key} must be a number from {lo} to {hi}"
                        )));
                    }
                }
            }
            a.settings.insert("chat_settings".into(), Value::Object(cs));
        }
        "edit_rate_limit" => {
            if !a.accepts_inbound() {
                return Err(ApiError::bad_request(
                    "Rate limits apply to inbound agents only",
                ));
            }
            match body.get("rate_limit") {
                None | Some(Value::Null) => {
                    a.settings.remove("rate_limit");
                }
                Some(Value::Object(rl)) => {
                    if let Some(act) = rl.get("action")
                        && !act
                            .as_str()
                            .is_some_and(|s| s == "terminate" || s == "transfer")
                    {
                        return Err(ApiError::invalid(
                            &["body", "rate_limit", "action"],
                            "enum",
                            "Input should be 'terminate' or 'transfer'",
                        ));
                    }
                    a.settings
                        .insert("rate_limit".into(), Value::Object(rl.clone()));
                }
                Some(other) => {
                    return Err(ApiError::invalid(
                        &["body", "rate_limit"],
                        "dict_type",
                        format!(
                            "Input should be an object or null, got {}",
                            type_name(other)
                        ),
                    ));
                }
            }
        }
        "edit_analytics_context" => {
            let ac = obj_field(body, "analytics_context")?;
            let cur = a
                .settings
                .entry("analytics_context")
                .or_insert_with(|| json!({"platform_analytics": {}, "client_analytics": {}}));
            deep_merge(cur, &Value::Object(ac));
        }
        "edit_outbound_inbound" => {
            let enable = bool_field(body, "enable_outbound_inbound")?;
            if enable {
                a.agent_type = "outbound_inbound".into();
                ensure_outbound_vars(&mut a.custom_variables);
            } else {
                a.agent_type = "outbound".into();
                ensure_outbound_vars(&mut a.custom_variables);
            }
        }
        other => {
            return Err(ApiError::bad_request(format!(
                "Operation '{other}' is not handled"
            )));
        }
    }
    Ok(())
}
