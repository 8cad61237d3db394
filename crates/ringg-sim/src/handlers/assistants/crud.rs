//! Assistant CRUD: list, get, create, update, archive, and the voice list.

use chrono::Utc;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::handlers::assistants::fields::{
    AGENT_TYPES, PUBLIC_LANGUAGES, agent_not_found, check_vars, ensure_outbound_vars, prompt_text,
};
use crate::handlers::ctx::{Ctx, Reply};
use crate::handlers::validate::V;
use crate::model::{Agent, State, Voice, Workspace, new_agent};
use crate::util::{get_str, iso};

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
