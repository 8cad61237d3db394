//! The `PATCH /agent/v1` operations that change only the agent, one function each.

use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::handlers::assistants::fields::{
    EDIT_LANGUAGES, RINGG_ORIGIN, base_language, bool_field, check_jinja, check_vars,
    ensure_outbound_vars, enum_field, list_field, num_field, obj_field, prompt_text, str_field,
    validate_analysis_prompt, validate_call_config,
};
use crate::handlers::assistants::subscriptions::parse_subscriptions;
use crate::handlers::validate::V;
use crate::model::{Agent, Voice};
use crate::util::{deep_merge, strip_html, type_name};

/// What an agent edit returns.
pub(crate) type Edited = Result<(), ApiError>;

pub(crate) fn edit_custom_vars(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
    let mut vars = list_field(body, "custom_variables")?;
    check_vars(&vars)?;
    let inbound_copy = body.get("config_type").and_then(Value::as_str) == Some("inbound");
    if a.is_outbound()
        && !inbound_copy
        && !(vars.iter().any(|v| v == "callee_name") && vars.iter().any(|v| v == "mobile_number"))
    {
        return Err(ApiError::forbidden(
            "Outbound agents must keep the 'callee_name' and 'mobile_number' variables; include both in custom_variables",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    vars.retain(|v| seen.insert(v.clone()));
    a.custom_variables = vars;
    Ok(())
}

pub(crate) fn edit_language(a: &mut Agent, _voices: &[Voice], body: &Map<String, Value>) -> Edited {
    a.language = enum_field(body, "language", EDIT_LANGUAGES)?;
    Ok(())
}

pub(crate) fn edit_voice(a: &mut Agent, voices: &[Voice], body: &Map<String, Value>) -> Edited {
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
    Ok(())
}

pub(crate) fn edit_prompt(a: &mut Agent, _voices: &[Voice], body: &Map<String, Value>) -> Edited {
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
    Ok(())
}

pub(crate) fn edit_intro_message(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
    let text = strip_html(&str_field(body, "intro_message")?);
    check_jinja("intro_message", &text)?;
    a.intro_message = text;
    Ok(())
}

pub(crate) fn edit_noise_settings(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
    let m1 = bool_field(body, "mute_while_bot_speaking")?;
    let m2 = bool_field(body, "mute_during_intro")?;
    a.settings
        .insert("mute_while_bot_speaking".into(), Value::Bool(m1));
    a.settings
        .insert("mute_during_intro".into(), Value::Bool(m2));
    Ok(())
}

pub(crate) fn edit_agent_display_name(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
    let name = str_field(body, "agent_display_name")?;
    if name.trim().is_empty() || name.chars().count() > 100 {
        return Err(ApiError::bad_request(
            "agent_display_name must be 1 to 100 characters",
        ));
    }
    a.display_name = name;
    Ok(())
}

pub(crate) fn edit_query_phrases(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
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
    Ok(())
}

pub(crate) fn edit_dtmf_settings(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
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
    Ok(())
}

pub(crate) fn edit_vad_settings(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
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
    Ok(())
}

pub(crate) fn edit_agent_whitelisted_domains(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
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
        !(d.starts_with("https://") || d.starts_with("http://") || d.starts_with("android://"))
    }) {
        return Err(ApiError::bad_request(format!(
            "`{bad}` is not an origin (https://host, http://host or android://package)"
        )));
    }
    a.whitelisted_domains = domains;
    Ok(())
}

pub(crate) fn edit_voice_speed(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
    let s = num_field(body, "voice_speed")?;
    if !(0.5..=2.0).contains(&s) {
        return Err(ApiError::bad_request(
            "voice_speed must be between 0.5 and 2.0",
        ));
    }
    a.settings.insert("voice_speed".into(), json!(s));
    Ok(())
}

pub(crate) fn edit_extract_callee_name(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
    let b = bool_field(body, "extract_callee_name")?;
    a.settings
        .insert("extract_callee_name".into(), Value::Bool(b));
    Ok(())
}

pub(crate) fn edit_vocab(a: &mut Agent, _voices: &[Voice], body: &Map<String, Value>) -> Edited {
    let vocab = list_field(body, "vocab")?;
    let words: usize = vocab.iter().map(|w| w.split_whitespace().count()).sum();
    if words > 100 {
        return Err(ApiError::bad_request(format!(
            "vocab holds {words} words; the limit is 100 in total"
        )));
    }
    a.settings.insert("vocab".into(), json!(vocab));
    Ok(())
}

pub(crate) fn edit_api_settings(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
    let cfg = obj_field(body, "api_config")?;
    a.settings.insert("api_config".into(), Value::Object(cfg));
    Ok(())
}

pub(crate) fn edit_secondary_language(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
    let l = enum_field(body, "secondary_language", EDIT_LANGUAGES)?;
    if base_language(&l) == base_language(&a.language) {
        return Err(ApiError::bad_request(format!(
            "The secondary language {l} must differ from the primary language {}",
            a.language
        )));
    }
    a.secondary_language = Some(l);
    Ok(())
}

pub(crate) fn edit_secondary_voice(
    a: &mut Agent,
    voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
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
    Ok(())
}

pub(crate) fn edit_event_subscriptions(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
    let subs = parse_subscriptions(body.get("event_subscriptions").unwrap_or(&Value::Null))?;
    a.event_subscriptions = subs;
    Ok(())
}

pub(crate) fn edit_call_config(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
    let cc = obj_field(body, "call_config")?;
    validate_call_config(&cc)?;
    deep_merge(&mut a.call_config, &Value::Object(cc));
    Ok(())
}

pub(crate) fn edit_timezone(a: &mut Agent, _voices: &[Voice], body: &Map<String, Value>) -> Edited {
    let tz = str_field(body, "timezone")?;
    if tz.parse::<chrono_tz::Tz>().is_err() {
        return Err(ApiError::bad_request(format!(
            "Unknown timezone `{tz}`: use an IANA name such as Asia/Kolkata"
        )));
    }
    deep_merge(&mut a.call_config, &json!({"call_time": {"timezone": tz}}));
    Ok(())
}

pub(crate) fn edit_llm_temperature(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
    let t = num_field(body, "llm_temperature")?;
    if !(0.0..=2.0).contains(&t) {
        return Err(ApiError::bad_request(
            "llm_temperature must be between 0 and 2",
        ));
    }
    a.settings.insert("llm_temperature".into(), json!(t));
    Ok(())
}

pub(crate) fn edit_demo_settings(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
    let b = bool_field(body, "is_demo_enabled")?;
    a.settings.insert("is_demo_enabled".into(), Value::Bool(b));
    a.settings.insert("demo_limit".into(), json!(50));
    Ok(())
}

pub(crate) fn edit_custom_analysis_prompt(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
    match body.get("custom_analysis_prompt") {
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
    };
    Ok(())
}

pub(crate) fn edit_client_analysis(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
    let ca = obj_field(body, "client_analysis")?;
    let mut cur = a.client_analysis.take().unwrap_or_else(|| json!({}));
    if let Value::Object(m) = &mut cur {
        for (k, v) in ca {
            m.insert(k, v);
        }
    }
    a.client_analysis = Some(cur);
    Ok(())
}

pub(crate) fn edit_classification_labels(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
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
    Ok(())
}

pub(crate) fn edit_chat_settings(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
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
    Ok(())
}

pub(crate) fn edit_rate_limit(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
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
    Ok(())
}

pub(crate) fn edit_analytics_context(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
    let ac = obj_field(body, "analytics_context")?;
    let cur = a
        .settings
        .entry("analytics_context")
        .or_insert_with(|| json!({"platform_analytics": {}, "client_analytics": {}}));
    deep_merge(cur, &Value::Object(ac));
    Ok(())
}

pub(crate) fn edit_outbound_inbound(
    a: &mut Agent,
    _voices: &[Voice],
    body: &Map<String, Value>,
) -> Edited {
    let enable = bool_field(body, "enable_outbound_inbound")?;
    if enable {
        a.agent_type = "outbound_inbound".into();
        ensure_outbound_vars(&mut a.custom_variables);
    } else {
        a.agent_type = "outbound".into();
        ensure_outbound_vars(&mut a.custom_variables);
    }
    Ok(())
}
