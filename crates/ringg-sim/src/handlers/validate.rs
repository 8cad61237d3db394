//! Field-by-field validation of a JSON object, collecting FastAPI-style issues.

use serde_json::{Map, Value};

use crate::error::{ApiError, Issue};
use crate::util::type_name;

/// Field-by-field validation of a JSON object, collecting FastAPI-style issues.
pub(crate) struct V<'a> {
    pub(crate) obj: &'a Map<String, Value>,
    pub(crate) issues: Vec<Issue>,
}

impl<'a> V<'a> {
    pub(crate) fn new(obj: &'a Map<String, Value>) -> Self {
        Self {
            obj,
            issues: Vec::new(),
        }
    }

    fn type_issue(&mut self, key: &str, kind: &'static str, want: &str, got: &Value) {
        self.issues.push(Issue::new(
            &["body", key],
            kind,
            format!("Input should be a valid {want}, got {}", type_name(got)),
        ));
    }

    pub(crate) fn missing(&mut self, key: &str) {
        self.issues
            .push(Issue::new(&["body", key], "missing", "Field required"));
    }

    pub(crate) fn req_str(&mut self, key: &str) -> String {
        match self.obj.get(key) {
            None | Some(Value::Null) => {
                self.missing(key);
                String::new()
            }
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                self.type_issue(key, "string_type", "string", &other.clone());
                String::new()
            }
        }
    }

    pub(crate) fn opt_str(&mut self, key: &str) -> Option<String> {
        match self.obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.type_issue(key, "string_type", "string", &other.clone());
                None
            }
        }
    }

    pub(crate) fn opt_bool(&mut self, key: &str) -> Option<bool> {
        match self.obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                self.type_issue(key, "bool_type", "boolean", &other.clone());
                None
            }
        }
    }

    pub(crate) fn opt_f64(&mut self, key: &str) -> Option<f64> {
        match self.obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => n.as_f64(),
            Some(other) => {
                self.type_issue(key, "float_type", "number", &other.clone());
                None
            }
        }
    }

    pub(crate) fn opt_obj(&mut self, key: &str) -> Option<Map<String, Value>> {
        match self.obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(m.clone()),
            Some(other) => {
                self.type_issue(key, "dict_type", "dictionary", &other.clone());
                None
            }
        }
    }

    pub(crate) fn opt_str_list(&mut self, key: &str) -> Option<Vec<String>> {
        match self.obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, it) in items.iter().enumerate() {
                    match it {
                        Value::String(s) => out.push(s.clone()),
                        other => self.issues.push(Issue {
                            kind: "string_type",
                            loc: vec![Value::from("body"), Value::from(key), Value::from(i)],
                            msg: format!(
                                "Input should be a valid string, got {}",
                                type_name(other)
                            ),
                        }),
                    }
                }
                Some(out)
            }
            Some(other) => {
                self.type_issue(key, "list_type", "list", &other.clone());
                None
            }
        }
    }

    pub(crate) fn max_len(&mut self, key: &str, value: &str, max: usize) {
        if value.chars().count() > max {
            self.issues.push(Issue::new(
                &["body", key],
                "string_too_long",
                format!("String should have at most {max} characters"),
            ));
        }
    }

    pub(crate) fn one_of(&mut self, key: &str, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            let list = allowed
                .iter()
                .map(|a| format!("'{a}'"))
                .collect::<Vec<_>>()
                .join(", ");
            self.issues.push(Issue::new(
                &["body", key],
                "enum",
                format!("Input should be one of {list}"),
            ));
        }
    }

    pub(crate) fn finish(self) -> Result<(), ApiError> {
        if self.issues.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.issues))
        }
    }
}
