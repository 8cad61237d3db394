//! Reading Ringg's error bodies and describing unfollowed redirects, for [`Error`](crate::error::Error).

use http::StatusCode;
use ringg_types::text::{for_terminal, truncate_chars};

/// Describes a redirect the client did not follow; its target with a password and the values
/// of secret-named query parameters masked, as every URL the SDK shows.
pub(crate) fn redirect_message(status: StatusCode, headers: &http::HeaderMap) -> String {
    let target = headers.get(http::header::LOCATION).map(|v| {
        let target = String::from_utf8_lossy(v.as_bytes());
        for_terminal(&ringg_transport::masked_url(&target), 200)
    });
    match target {
        Some(t) => format!(
            "the server redirected ({}) to {t}; redirects are followed only for requests that are safe to repeat and only to the same origin, so the API key never reaches another host; if the API moved, set the base URL to the new address",
            status.as_u16()
        ),
        None => format!(
            "the server answered a redirect ({}) without a Location",
            status.as_u16()
        ),
    }
}

/// Ringg's message and code, parsed from an error body.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ParsedErrorBody {
    pub(crate) message: Option<String>,
    pub(crate) code: Option<String>,
}

/// Parses every error-body shape Ringg uses (ringg-api.md §1.5): `{"detail": "…"}`,
/// `{"detail": {"code", "message"}}`, `{"detail": [{"loc", "msg", "type"}]}` (FastAPI 422),
/// `{"error": {"code", "message"}}`, `{"error": "…"}`, `{"message": "…"}` (or a list of
/// messages), `{"errors": [{"message"}]}`, an HTML error page (its text), and plain text.
pub(crate) fn parse_error_body(body: &[u8]) -> ParsedErrorBody {
    use serde_json::Value;
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        let text = String::from_utf8_lossy(body);
        let text = html_text(&text).unwrap_or_else(|| text.trim().to_string());
        return ParsedErrorBody {
            message: (!text.is_empty()).then(|| truncate_chars(&text, 300).into_owned()),
            code: None,
        };
    };
    /// A message: a string that is not blank, or the messages of a list (strings, or objects
    /// with one).
    fn text_of(v: &Value) -> Option<String> {
        match v {
            Value::String(s) if s.trim().is_empty() => None,
            Value::String(s) => Some(s.clone()),
            Value::Array(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|it| text_of(it).unwrap_or_else(|| it.to_string()))
                    .collect();
                (!parts.is_empty()).then(|| parts.join("; "))
            }
            Value::Object(o) => ["message", "msg", "detail"]
                .iter()
                .find_map(|k| o.get(*k).and_then(text_of)),
            _ => None,
        }
    }
    fn obj_msg(o: &serde_json::Map<String, Value>) -> ParsedErrorBody {
        ParsedErrorBody {
            message: ["message", "msg", "errors"]
                .iter()
                .find_map(|k| o.get(*k).and_then(text_of)),
            code: o.get("code").map(|c| match c {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }),
        }
    }
    match &v {
        Value::Object(o) => {
            if let Some(detail) = o.get("detail") {
                match detail {
                    Value::String(s) => {
                        return ParsedErrorBody {
                            message: Some(s.clone()),
                            code: None,
                        };
                    }
                    Value::Object(d) => return obj_msg(d),
                    Value::Array(items) => {
                        let parts: Vec<String> = items
                            .iter()
                            .map(|it| {
                                let loc = it
                                    .get("loc")
                                    .and_then(Value::as_array)
                                    .map(|l| {
                                        l.iter()
                                            .map(|p| match p {
                                                Value::String(s) => s.clone(),
                                                other => other.to_string(),
                                            })
                                            .filter(|p| p != "body")
                                            .collect::<Vec<_>>()
                                            .join(".")
                                    })
                                    .unwrap_or_default();
                                let msg = it
                                    .get("msg")
                                    .or_else(|| it.get("message"))
                                    .and_then(Value::as_str)
                                    .map(str::to_string)
                                    .unwrap_or_else(|| it.to_string());
                                if loc.is_empty() {
                                    msg
                                } else {
                                    format!("{loc}: {msg}")
                                }
                            })
                            .collect();
                        return ParsedErrorBody {
                            message: (!parts.is_empty()).then(|| parts.join("; ")),
                            code: None,
                        };
                    }
                    _ => {}
                }
            }
            match o.get("error") {
                Some(Value::Object(e)) => return obj_msg(e),
                Some(v @ (Value::String(_) | Value::Array(_))) if text_of(v).is_some() => {
                    return ParsedErrorBody {
                        message: text_of(v),
                        code: None,
                    };
                }
                _ => {}
            }
            obj_msg(o)
        }
        Value::String(s) => ParsedErrorBody {
            message: Some(s.clone()),
            code: None,
        },
        _ => ParsedErrorBody::default(),
    }
}

/// The text of an HTML page (a gateway's or a proxy's error page): its title, or else its
/// visible text, whitespace collapsed; `None` when `text` is not HTML.
fn html_text(text: &str) -> Option<String> {
    let start = text.trim_start();
    let lower: String = start
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    if !(lower.starts_with("<!doctype html")
        || lower.starts_with("<html")
        || lower.contains("<body"))
    {
        return None;
    }
    let mut out = String::new();
    let (mut in_tag, mut skipping) = (false, false);
    let mut tag = String::new();
    for c in start.chars() {
        match c {
            '<' => {
                in_tag = true;
                tag.clear();
            }
            '>' if in_tag => {
                in_tag = false;
                let name = tag.trim_start_matches('/').to_ascii_lowercase();
                let name = name.split_whitespace().next().unwrap_or_default();
                if matches!(name, "script" | "style") {
                    skipping = !tag.starts_with('/');
                } else if name == "title" && tag.starts_with('/') && !out.trim().is_empty() {
                    // The title says it all (`502 Bad Gateway`).
                    break;
                }
                out.push(' ');
            }
            _ if in_tag => tag.push(c),
            _ if skipping => {}
            _ => out.push(c),
        }
    }
    let text = out.split_whitespace().collect::<Vec<_>>().join(" ");
    // The entities an error page uses; `&amp;` last, so `&amp;lt;` stays `&lt;`.
    let text = [
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&nbsp;", " "),
    ]
    .iter()
    .fold(text, |t, (entity, c)| t.replace(entity, c))
    .replace("&amp;", "&");
    Some(text)
}
