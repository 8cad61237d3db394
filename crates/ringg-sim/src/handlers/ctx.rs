//! One authenticated request as the handlers see it: parameters, query, body, form.

use std::sync::Arc;

use bytes::Bytes;
use http::HeaderMap;
use serde_json::{Map, Value};

use crate::core::Shared;
use crate::error::{ApiError, Issue};
use crate::multipart::Form;
use crate::util::type_name;

/// What the server hands to the handlers.
#[derive(Debug)]
pub(crate) struct RequestParts {
    pub(crate) op: &'static str,
    pub(crate) params: Vec<(&'static str, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// One authenticated request.
pub(crate) struct Ctx<'a> {
    pub(crate) sh: &'a Arc<Shared>,
    pub(crate) ws: String,
    pub(crate) op: &'static str,
    pub(crate) params: Vec<(&'static str, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Bytes,
    pub(crate) form: Option<Form>,
}

pub(crate) type Reply = Result<Value, ApiError>;

impl Ctx<'_> {
    pub(crate) fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }

    /// The last value of a query parameter.
    pub(crate) fn q(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeatable query parameter (`agent_id[]` or `agent_id`).
    pub(crate) fn q_all(&self, name: &str) -> Vec<&str> {
        let bracket = format!("{name}[]");
        self.query
            .iter()
            .filter(|(n, _)| *n == name || *n == bracket)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub(crate) fn q_bool(&self, name: &str, default: bool) -> Result<bool, ApiError> {
        match self.q(name) {
            None => Ok(default),
            Some(v) => match v.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(true),
                "false" | "0" | "no" | "off" => Ok(false),
                _ => Err(ApiError::invalid(
                    &["query", name],
                    "bool_parsing",
                    format!("Input should be a valid boolean, got `{v}`"),
                )),
            },
        }
    }

    pub(crate) fn q_usize(&self, name: &str) -> Result<Option<usize>, ApiError> {
        match self.q(name) {
            None => Ok(None),
            // At most i64::MAX, as the contract says (FastAPI's int range).
            Some(v) => v
                .parse::<i64>()
                .ok()
                .and_then(|n| usize::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| {
                    ApiError::invalid(
                        &["query", name],
                        "int_parsing",
                        format!("Input should be a valid non-negative integer, got `{v}`"),
                    )
                }),
        }
    }

    /// `limit` (default 10, capped at 100) and `offset` (default 0).
    pub(crate) fn page(&self) -> Result<(usize, usize), ApiError> {
        let limit = self.q_usize("limit")?.unwrap_or(10).min(100);
        let offset = self.q_usize("offset")?.unwrap_or(0);
        Ok((limit, offset))
    }

    /// The body as a JSON object (422 on malformed JSON or another JSON type).
    pub(crate) fn json(&self) -> Result<Map<String, Value>, ApiError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::invalid(
                &["body"],
                "missing",
                "Field required: send a JSON object body with Content-Type: application/json",
            ));
        }
        match serde_json::from_slice::<Value>(&self.body) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(other) => Err(ApiError::invalid(
                &["body"],
                "model_attributes_type",
                format!(
                    "Input should be a valid dictionary or object, got {}",
                    type_name(&other)
                ),
            )),
            Err(e) => Err(ApiError::validation(vec![Issue {
                kind: "json_invalid",
                loc: vec![Value::from("body"), Value::from(e.column())],
                msg: format!("JSON decode error: {e}"),
            }])),
        }
    }

    pub(crate) fn form(&self) -> &Form {
        static EMPTY: std::sync::OnceLock<Form> = std::sync::OnceLock::new();
        self.form
            .as_ref()
            .unwrap_or_else(|| EMPTY.get_or_init(Form::default))
    }
}
