//! What the assistant operations validate: languages, event types, field accessors, prompts,
//! analysis prompts and call configs.

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::handlers::validate::V;
use crate::util::{jinja_problem, type_name};

/// Languages of `POST /public/agent` and `PATCH /public/agent/{id}`.
pub(crate) const PUBLIC_LANGUAGES: &[&str] = &[
    "en-US", "en-IN", "hi-IN", "ta-IN", "te-IN", "bn-IN", "mr-IN", "kn-IN", "ka-IN",
];
/// Languages of `PATCH /agent/v1`.
pub(crate) const EDIT_LANGUAGES: &[&str] = &[
    "en-US", "en-IN", "hi-IN", "ta-IN", "te-IN", "kn-IN", "mr-IN", "gu-IN", "ar-AE",
];
pub(crate) const AGENT_TYPES: &[&str] = &["inbound", "outbound", "outbound_inbound"];
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
pub(crate) const RINGG_ORIGIN: &str = "https://www.ringg.ai";

pub(crate) fn agent_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Agent {id} not found in this workspace"))
}

pub(crate) fn prompt_text(prompt: &Value) -> String {
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

pub(crate) fn check_vars(vars: &[String]) -> Result<(), ApiError> {
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

pub(crate) fn ensure_outbound_vars(vars: &mut Vec<String>) {
    for required in ["mobile_number", "callee_name"] {
        if !vars.iter().any(|v| v == required) {
            vars.insert(0, required.to_owned());
        }
    }
}

pub(crate) fn str_field(body: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
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

pub(crate) fn list_field(body: &Map<String, Value>, key: &str) -> Result<Vec<String>, ApiError> {
    let mut v = V::new(body);
    let out = v.opt_str_list(key).unwrap_or_default();
    v.finish()?;
    Ok(out)
}

pub(crate) fn obj_field(
    body: &Map<String, Value>,
    key: &str,
) -> Result<Map<String, Value>, ApiError> {
    let mut v = V::new(body);
    let out = v.opt_obj(key).unwrap_or_default();
    v.finish()?;
    Ok(out)
}

pub(crate) fn bool_field(body: &Map<String, Value>, key: &str) -> Result<bool, ApiError> {
    let mut v = V::new(body);
    let out = v.opt_bool(key).unwrap_or_default();
    v.finish()?;
    Ok(out)
}

pub(crate) fn num_field(body: &Map<String, Value>, key: &str) -> Result<f64, ApiError> {
    let mut v = V::new(body);
    let out = v.opt_f64(key).unwrap_or_default();
    v.finish()?;
    Ok(out)
}

pub(crate) fn enum_field(
    body: &Map<String, Value>,
    key: &str,
    allowed: &[&str],
) -> Result<String, ApiError> {
    let s = str_field(body, key)?;
    let mut v = V::new(body);
    v.one_of(key, &s, allowed);
    v.finish()?;
    Ok(s)
}

pub(crate) fn check_jinja(field: &str, text: &str) -> Result<(), ApiError> {
    match jinja_problem(text) {
        Some(p) => Err(ApiError::bad_request(format!(
            "Invalid template syntax in {field}: {p}"
        ))),
        None => Ok(()),
    }
}

pub(crate) fn base_language(l: &str) -> &str {
    l.split('-').next().unwrap_or(l)
}

pub(crate) const KEY_TYPES: &[&str] = &[
    "string", "integer", "number", "boolean", "array", "date", "datetime",
];

pub(crate) fn value_matches_type(v: &Value, ty: &str) -> bool {
    match ty {
        "string" | "date" | "datetime" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        _ => false,
    }
}

pub(crate) fn validate_analysis_prompt(p: &Map<String, Value>) -> Result<(), ApiError> {
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

pub(crate) fn validate_call_config(cc: &Map<String, Value>) -> Result<(), ApiError> {
    crate::model::CallConfig::parse(&Value::Object(cc.clone()), &["body", "call_config"])
        .map(|_| ())
}
