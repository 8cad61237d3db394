//! `event_subscriptions`: the webhook targets an agent sends its call events to.

use serde_json::{Map, Value};

use crate::error::{ApiError, Issue};
use crate::handlers::assistants::fields::EVENT_TYPES;
use crate::model::{ALL_EVENTS, Subscription};
use crate::util::type_name;

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
        let Some(obj) = item.as_object() else {
            issues.push(Issue::new(
                &["body", "event_subscriptions", &idx],
                "dict_type",
                "Input should be a valid dictionary",
            ));
            continue;
        };
        let event_types = event_types(obj, i, &mut issues);
        let url = callback_url(obj, i, &mut issues);
        let method = method(obj, i, &mut issues);
        let headers = headers(obj, i, &mut issues);
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

/// The location of field `f` of item `i`.
fn loc(i: usize, f: &str) -> Vec<Value> {
    vec![
        Value::from("body"),
        Value::from("event_subscriptions"),
        Value::from(i),
        Value::from(f),
    ]
}

fn event_types(obj: &Map<String, Value>, i: usize, issues: &mut Vec<Issue>) -> Vec<String> {
    let event_types: Vec<String> = match obj.get("event_type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) if a.iter().all(Value::is_string) && !a.is_empty() => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        None | Some(Value::Null) => {
            issues.push(Issue {
                kind: "missing",
                loc: loc(i, "event_type"),
                msg: "Field required".into(),
            });
            vec![]
        }
        Some(_) => {
            issues.push(Issue {
                kind: "type_error",
                loc: loc(i, "event_type"),
                msg: "Input should be an event type or a non-empty list of event types".into(),
            });
            vec![]
        }
    };
    for e in &event_types {
        if e != ALL_EVENTS && !EVENT_TYPES.contains(&e.as_str()) {
            issues.push(Issue {
                kind: "enum",
                loc: loc(i, "event_type"),
                msg: format!(
                    "Unknown event type `{e}`; use {ALL_EVENTS} (the six documented types) or one of {}",
                    EVENT_TYPES.join(", ")
                ),
            });
        }
    }
    event_types
}

fn callback_url(obj: &Map<String, Value>, i: usize, issues: &mut Vec<Issue>) -> String {
    let url = match obj.get("callback_url") {
        Some(Value::String(s)) => s.clone(),
        _ => {
            issues.push(Issue {
                kind: "missing",
                loc: loc(i, "callback_url"),
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
                loc: loc(i, "callback_url"),
                msg: format!("Input should be a valid http(s) URL, got `{url}`"),
            }),
        }
    }
    url
}

fn method(obj: &Map<String, Value>, i: usize, issues: &mut Vec<Issue>) -> String {
    match obj.get("method_type") {
        None | Some(Value::Null) => "POST".to_owned(),
        Some(Value::String(m))
            if ["POST", "PUT", "PATCH"].contains(&m.to_ascii_uppercase().as_str()) =>
        {
            m.to_ascii_uppercase()
        }
        Some(_) => {
            issues.push(Issue {
                kind: "enum",
                loc: loc(i, "method_type"),
                msg: "Input should be 'POST', 'PUT' or 'PATCH'".into(),
            });
            String::new()
        }
    }
}

fn headers(obj: &Map<String, Value>, i: usize, issues: &mut Vec<Issue>) -> Vec<(String, String)> {
    match obj.get("headers") {
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
                        loc: loc(i, "headers"),
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
                loc: loc(i, "headers"),
                msg: "Input should be a valid dictionary of header names to strings".into(),
            });
            vec![]
        }
    }
}
