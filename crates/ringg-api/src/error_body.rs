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
/// `{"error": {"code", "message"}}`, `{"error": "…"}`, `{"message": "…"}`, and plain text.
pub(crate) fn parse_error_body(body: &[u8]) -> ParsedErrorBody {
    use serde_json::Value;
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        let text = String::from_utf8_lossy(body).trim().to_string();
        return ParsedErrorBody {
            message: (!text.is_empty()).then(|| truncate_chars(&text, 300).into_owned()),
            code: None,
        };
    };
    fn obj_msg(o: &serde_json::Map<String, Value>) -> ParsedErrorBody {
        ParsedErrorBody {
            message: o
                .get("message")
                .or_else(|| o.get("msg"))
                .and_then(Value::as_str)
                .map(str::to_string),
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
                Some(Value::String(s)) => {
                    return ParsedErrorBody {
                        message: Some(s.clone()),
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
