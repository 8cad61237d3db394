//! Request handlers, one module per resource group, plus authentication and input checks.

use std::sync::Arc;

use bytes::Bytes;
use http::HeaderMap;
use serde_json::{Map, Value};

use crate::app::Shared;
use crate::error::{ApiError, Issue};
use crate::multipart::{self, Form};
use crate::server::is_multipart_op;
use crate::util::type_name;

pub(crate) mod analytics;
pub(crate) mod assistants;
pub(crate) mod calls;
pub(crate) mod campaigns;
pub(crate) mod kb;
pub(crate) mod termination;
pub(crate) mod workspace;

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
            None | Some("") => Ok(None),
            Some(v) => v.parse::<usize>().map(Some).map_err(|_| {
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

/// Authenticates, parses multipart bodies and runs the operation's handler.
pub(crate) async fn handle(sh: &Arc<Shared>, rp: RequestParts) -> Reply {
    let ws = authenticate(sh, &rp.headers)?;
    let form = if is_multipart_op(rp.op) {
        let ct = rp
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        Some(multipart::parse(ct, rp.body.clone()).await?)
    } else {
        None
    };
    let ctx = Ctx {
        sh,
        ws,
        op: rp.op,
        params: rp.params,
        query: rp.query,
        body: rp.body,
        form,
    };
    route(&ctx)
}

fn route(c: &Ctx<'_>) -> Reply {
    match handler_for(c.op) {
        Some(h) => h(c),
        None => Err(ApiError::not_found(format!(
            "operation {} has no handler in the simulator",
            c.op
        ))),
    }
}

type Handler = fn(&Ctx<'_>) -> Reply;

/// The handler of each operation id.
pub(crate) fn handler_for(op: &str) -> Option<Handler> {
    Some(match op {
        "getWorkspace" => workspace::get,
        "listWorkspaces" => workspace::list_all,
        "listWorkspaceUsers" => workspace::users,
        "regenerateApiKey" => workspace::regenerate_key,
        "listNumbers" => workspace::numbers,
        "listAssistants" => assistants::list,
        "getAssistant" => assistants::get,
        "createAssistant" => assistants::create,
        "updateAssistant" => assistants::update,
        "editAssistant" => assistants::edit,
        "deleteAssistant" => assistants::archive,
        "listVoices" => assistants::voices,
        "initiateCall" => |c| calls::initiate(c, false),
        "initiateCallV2" => |c| calls::initiate(c, true),
        "listCallHistory" => calls::history,
        "getCallDetails" => calls::details,
        "downloadCallHistory" => calls::download,
        "deleteContactList" => calls::delete_contact_list,
        "saveCampaign" => campaigns::save,
        "startCampaign" => |c| campaigns::start(c, false),
        "startCampaignV2" => |c| campaigns::start(c, true),
        "listCampaigns" => campaigns::list,
        "uploadLargeCampaignCsv" => campaigns::upload_large,
        "getLargeUploadStatus" => campaigns::upload_status,
        "checkLargeCampaignBalance" => campaigns::check_balance,
        "startLargeCampaign" => campaigns::start_large,
        "terminateCalls"
        | "terminateByAgent"
        | "terminateByCallIds"
        | "terminateByCampaignNumbers"
        | "terminateByNumbers" => termination::terminate,
        "createKnowledgeBase" => kb::create,
        "editKnowledgeBase" => kb::edit,
        "listKnowledgeBases" => kb::list,
        "getKnowledgeBase" => kb::get,
        "deleteKnowledgeBase" => kb::delete,
        "getPlatformAnalytics" => analytics::platform,
        "getDrillDownAnalytics" => analytics::drill_down,
        "getNumberAnalytics" => analytics::numbers,
        "getDurationDistribution" => analytics::duration_distribution,
        "getClassificationAnalytics" => analytics::classification,
        _ => return None,
    })
}

/// `X-API-KEY` → workspace id. Missing/unknown/rotated keys get 401; sending a bearer token as
/// well gets 400 (as the live API does).
fn authenticate(sh: &Shared, headers: &HeaderMap) -> Result<String, ApiError> {
    let key = headers.get("x-api-key");
    if key.is_some() && headers.contains_key(http::header::AUTHORIZATION) {
        return Err(ApiError::bad_request(
            "Send either X-API-KEY or an Authorization bearer token, not both; API clients should send only X-API-KEY",
        ));
    }
    let Some(key) = key else {
        return Err(ApiError::unauthorized(
            "Missing API key: send your workspace key in the X-API-KEY header",
        ));
    };
    let key = key.to_str().unwrap_or_default().trim();
    let st = sh.lock();
    st.keys.get(key).cloned().ok_or_else(|| {
        ApiError::unauthorized(
            "Invalid API key: the key is unknown or was regenerated; use the workspace's current key",
        )
    })
}

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

#[cfg(test)]
mod tests {
    #[test]
    fn every_operation_of_the_contract_has_a_handler() {
        for op in ringg_types::operations::ALL {
            assert!(
                super::handler_for(op.id).is_some(),
                "{} has no handler",
                op.id
            );
        }
    }
}
