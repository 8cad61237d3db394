//! The operation table of the Ringg API: every endpoint as data.
//!
//! Each of the 41 operations of `docs/openapi.yaml` is a `pub const` [`Operation`] named after
//! its operationId in UPPER_SNAKE case (for example [`INITIATE_CALL_V2`]), and [`ALL`] lists them
//! in the order of the spec. The constants live in `generated.rs`, which `cargo xtask codegen`
//! writes from the spec; this module holds the types and the lookups:
//!
//! * [`by_id`] finds an operation by its operationId;
//! * [`Operation::render_path`] fills in the `{name}` placeholders of a path, percent-encoded;
//! * [`match_route`] maps an incoming method and path back to the operation and its parameters,
//!   and [`allowed_methods`] lists the methods a path answers to (for a 405 answer).
//!
//! Paths are relative to the API base path [`BASE_PATH`] (`/ca/api/v0`).
//!
//! ```
//! use ringg_types::operations::{self, HttpMethod};
//!
//! let op = operations::by_id("getAssistant").unwrap();
//! assert_eq!(op.method, HttpMethod::Get);
//! let path = op.render_path(&[("agent_id", "830f767a")]).unwrap();
//! assert_eq!(path, "/agent/830f767a");
//!
//! let m = operations::match_route("GET", "/agent/all").unwrap();
//! assert_eq!(m.operation.id, "listAssistants");
//! ```

use std::error::Error;
use std::fmt;
use std::str::FromStr;

mod generated;

pub use generated::*;

/// The path every operation path is relative to: `https://prod-api.ringg.ai` + `BASE_PATH` +
/// [`Operation::path`].
pub const BASE_PATH: &str = "/ca/api/v0";

/// An HTTP method used by the Ringg API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl HttpMethod {
    /// Every method, in declaration order.
    pub const ALL: [HttpMethod; 5] = [
        HttpMethod::Get,
        HttpMethod::Post,
        HttpMethod::Put,
        HttpMethod::Patch,
        HttpMethod::Delete,
    ];

    /// The method as it appears on the wire, in upper case (`"GET"`, `"PATCH"`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for HttpMethod {
    type Err = ParseHttpMethodError;

    /// Parses a method name, ignoring ASCII case (`"GET"`, `"get"` and `"Get"` are all
    /// [`HttpMethod::Get`]). Methods the Ringg API does not use (`HEAD`, `OPTIONS`, ...) are errors.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HttpMethod::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| ParseHttpMethodError {
                input: s.to_owned(),
            })
    }
}

/// The error of parsing an [`HttpMethod`] from a string the Ringg API does not use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseHttpMethodError {
    input: String,
}

impl ParseHttpMethodError {
    /// The string that failed to parse.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for ParseHttpMethodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unsupported HTTP method {:?}: use one of GET, POST, PUT, PATCH or DELETE",
            self.input
        )
    }
}

impl Error for ParseHttpMethodError {}

/// One operation of the Ringg API, as described by `docs/openapi.yaml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The operationId, e.g. `"initiateCallV2"`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template relative to [`BASE_PATH`], with `{name}` placeholders, e.g.
    /// `"/agent/{agent_id}"`.
    pub path: &'static str,
    /// The resource group: `workspace`, `numbers`, `assistants`, `calls`, `campaigns`,
    /// `termination`, `knowledge_bases` or `analytics`.
    pub tag: &'static str,
    /// Whether the operation may be retried after an ambiguous failure (the spec's
    /// `x-idempotent`). Placing a call or starting a campaign is never idempotent.
    pub idempotent: bool,
    /// Whether the upstream docs mark the operation deprecated.
    pub deprecated: bool,
    /// A one-line summary.
    pub summary: &'static str,
}

impl Operation {
    /// The names of the path parameters, in the order they appear in [`Operation::path`].
    pub fn path_params(&self) -> impl Iterator<Item = &'static str> + use<> {
        let path: &'static str = self.path;
        path.split('/').filter_map(param_name)
    }

    /// Fills in the path template with `params` (`(name, value)` pairs), percent-encoding each
    /// value so it stays one path segment.
    ///
    /// Every placeholder needs exactly one non-empty value, and every pair must name a
    /// placeholder; anything else is a [`RenderPathError`] rather than a malformed path.
    ///
    /// ```
    /// use ringg_types::operations::{GET_KNOWLEDGE_BASE, RenderPathError};
    ///
    /// assert_eq!(
    ///     GET_KNOWLEDGE_BASE.render_path(&[("kb_id", "a b/c")]).unwrap(),
    ///     "/external/kb/a%20b%2Fc"
    /// );
    /// assert!(matches!(
    ///     GET_KNOWLEDGE_BASE.render_path(&[]),
    ///     Err(RenderPathError::MissingParam { name: "kb_id", .. })
    /// ));
    /// ```
    pub fn render_path(&self, params: &[(&str, &str)]) -> Result<String, RenderPathError> {
        for (i, (name, _)) in params.iter().enumerate() {
            if !self.path_params().any(|p| p == *name) {
                return Err(RenderPathError::UnknownParam {
                    operation: self.id,
                    name: (*name).to_owned(),
                });
            }
            if params[..i].iter().any(|(earlier, _)| earlier == name) {
                return Err(RenderPathError::DuplicateParam {
                    operation: self.id,
                    name: (*name).to_owned(),
                });
            }
        }
        let mut out = String::with_capacity(self.path.len() + 16);
        for (i, segment) in self.path.split('/').enumerate() {
            if i > 0 {
                out.push('/');
            }
            match param_name(segment) {
                None => out.push_str(segment),
                Some(name) => {
                    let value = params
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, v)| *v)
                        .ok_or(RenderPathError::MissingParam {
                            operation: self.id,
                            name,
                        })?;
                    if value.is_empty() {
                        return Err(RenderPathError::EmptyParam {
                            operation: self.id,
                            name,
                        });
                    }
                    percent_encode_into(value, &mut out);
                }
            }
        }
        Ok(out)
    }
}

impl fmt::Display for Operation {
    /// `operationId (METHOD /path)`, e.g. `getAssistant (GET /agent/{agent_id})`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} {})", self.id, self.method, self.path)
    }
}

/// Why [`Operation::render_path`] could not fill in a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RenderPathError {
    /// The template has a placeholder that no pair supplies.
    MissingParam {
        /// The operationId.
        operation: &'static str,
        /// The placeholder without a value.
        name: &'static str,
    },
    /// A placeholder's value is the empty string, which would change the path's meaning.
    EmptyParam {
        /// The operationId.
        operation: &'static str,
        /// The placeholder with the empty value.
        name: &'static str,
    },
    /// A pair names a parameter the template does not have.
    UnknownParam {
        /// The operationId.
        operation: &'static str,
        /// The name that matches no placeholder.
        name: String,
    },
    /// Two pairs name the same parameter.
    DuplicateParam {
        /// The operationId.
        operation: &'static str,
        /// The repeated name.
        name: String,
    },
}

impl fmt::Display for RenderPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderPathError::MissingParam { operation, name } => write!(
                f,
                "operation {operation} needs a value for the path parameter `{name}`; pass it in the parameter list"
            ),
            RenderPathError::EmptyParam { operation, name } => write!(
                f,
                "the path parameter `{name}` of operation {operation} is empty; pass a non-empty id"
            ),
            RenderPathError::UnknownParam { operation, name } => write!(
                f,
                "operation {operation} has no path parameter `{name}`; check the name against its path template"
            ),
            RenderPathError::DuplicateParam { operation, name } => write!(
                f,
                "the path parameter `{name}` of operation {operation} is given twice; pass it once"
            ),
        }
    }
}

impl Error for RenderPathError {}

/// The operation with this operationId (case-sensitive, e.g. `"getAssistant"`), if any.
pub fn by_id(id: &str) -> Option<&'static Operation> {
    ALL.iter().find(|op| op.id == id)
}

/// The result of [`match_route`]: the operation and its decoded path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMatch {
    /// The matched operation (an element of [`ALL`]).
    pub operation: &'static Operation,
    /// The path parameters as `(name, percent-decoded value)`, in path order.
    pub params: Vec<(&'static str, String)>,
}

impl RouteMatch {
    /// The decoded value of the path parameter `name`, if the path has one.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Finds the operation that answers `method` on `path`.
///
/// * `path` is relative to [`BASE_PATH`] (`"/agent/all"`, not `"/ca/api/v0/agent/all"`); a
///   query string or fragment is ignored, and so is one trailing slash.
/// * `method` is matched ignoring ASCII case; only operations with that method are candidates,
///   so `DELETE /agent/all` is `deleteAssistant` with `agent_id = "all"` (as on the server),
///   while `GET /agent/all` is `listAssistants`.
/// * Among the candidates, literal segments win over `{param}` segments, position by position:
///   `GET /agent/voices` is `listVoices`, not `getAssistant`.
/// * Parameters are percent-decoded. A parameter segment must be non-empty, and a value whose
///   escapes are malformed or do not decode to UTF-8 matches nothing.
///
/// Returns `None` when nothing matches; [`allowed_methods`] then tells a 404 from a 405.
pub fn match_route(method: &str, path: &str) -> Option<RouteMatch> {
    let method: HttpMethod = method.parse().ok()?;
    let segments = request_segments(path)?;
    let (operation, raw) = best_match(ALL.iter().filter(|op| op.method == method), &segments)?;
    let mut params = Vec::with_capacity(raw.len());
    for (name, value) in raw {
        params.push((name, percent_decode(value)?));
    }
    Some(RouteMatch { operation, params })
}

/// The methods that some operation answers on `path` (relative to [`BASE_PATH`]), sorted and
/// without duplicates. Empty when no operation has this path: a 404 rather than a 405.
pub fn allowed_methods(path: &str) -> Vec<HttpMethod> {
    let mut methods: Vec<HttpMethod> = HttpMethod::ALL
        .into_iter()
        .filter(|m| match_route(m.as_str(), path).is_some())
        .collect();
    methods.sort();
    methods
}

/// The placeholder name of a template segment (`"{agent_id}"` → `"agent_id"`).
fn param_name(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

/// Splits a request path into its segments after the leading `/`, without query, fragment and
/// one trailing slash. `None` when the path does not start with `/`.
fn request_segments(path: &str) -> Option<Vec<&str>> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let path = path.strip_prefix('/')?;
    let path = path.strip_suffix('/').unwrap_or(path);
    Some(path.split('/').collect())
}

/// Path parameters as `(name, raw value)` pairs.
type RawParams<'a> = Vec<(&'static str, &'a str)>;

/// The most specific operation among `candidates` whose template matches `segments`, with the
/// raw (still encoded) parameter values.
fn best_match<'a>(
    candidates: impl Iterator<Item = &'static Operation>,
    segments: &[&'a str],
) -> Option<(&'static Operation, RawParams<'a>)> {
    let mut best: Option<(&'static Operation, RawParams<'a>, Vec<bool>)> = None;
    for op in candidates {
        let Some((params, shape)) = match_template(op.path, segments) else {
            continue;
        };
        // `false` (literal) sorts before `true` (parameter): the smaller shape is more specific.
        if best.as_ref().is_none_or(|(_, _, s)| shape < *s) {
            best = Some((op, params, shape));
        }
    }
    best.map(|(op, params, _)| (op, params))
}

/// Matches one template against request segments. On success returns the raw parameters and
/// the template's shape (`true` where a segment is a parameter).
fn match_template<'a>(
    template: &'static str,
    segments: &[&'a str],
) -> Option<(RawParams<'a>, Vec<bool>)> {
    let template = template.strip_prefix('/').unwrap_or(template);
    let parts: Vec<&'static str> = template.split('/').collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut params = Vec::new();
    let mut shape = Vec::with_capacity(parts.len());
    for (part, segment) in parts.into_iter().zip(segments) {
        match param_name(part) {
            Some(name) => {
                if segment.is_empty() {
                    return None;
                }
                params.push((name, *segment));
                shape.push(true);
            }
            None => {
                if part != *segment {
                    return None;
                }
                shape.push(false);
            }
        }
    }
    Some((params, shape))
}

/// Appends `value` percent-encoded: every byte except the unreserved characters of RFC 3986
/// (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`.
fn percent_encode_into(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
}

/// Decodes `%XX` escapes. `None` for a malformed escape or a result that is not UTF-8.
fn percent_decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = hex_value(*bytes.get(i + 1)?)?;
            let lo = hex_value(*bytes.get(i + 2)?)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixed operation table of the project conventions:
    /// (method, path, operationId, idempotent, deprecated).
    #[rustfmt::skip]
    const CONTRACT: [(&str, &str, &str, bool, bool); 41] = [
        ("GET", "/workspace", "getWorkspace", true, false),
        ("GET", "/workspace/all", "listWorkspaces", true, false),
        ("GET", "/workspace/users", "listWorkspaceUsers", true, false),
        ("PATCH", "/workspace/api-key", "regenerateApiKey", false, false),
        ("GET", "/workspace/numbers", "listNumbers", true, false),
        ("GET", "/agent/all", "listAssistants", true, false),
        ("GET", "/agent/{agent_id}", "getAssistant", true, false),
        ("POST", "/public/agent", "createAssistant", false, false),
        ("PATCH", "/public/agent/{agent_id}", "updateAssistant", true, false),
        ("PATCH", "/agent/v1", "editAssistant", true, false),
        ("DELETE", "/agent/{agent_id}", "deleteAssistant", true, false),
        ("GET", "/agent/voices", "listVoices", true, false),
        ("POST", "/calling/outbound/individual", "initiateCall", false, true),
        ("POST", "/calling/v2/outbound/individual", "initiateCallV2", false, false),
        ("GET", "/calling/history", "listCallHistory", true, false),
        ("GET", "/calling/call-details", "getCallDetails", true, false),
        ("POST", "/calling/history/download", "downloadCallHistory", false, false),
        ("DELETE", "/calling/contact/{list_id}", "deleteContactList", true, false),
        ("POST", "/campaign/save", "saveCampaign", false, false),
        ("POST", "/campaign/start", "startCampaign", false, true),
        ("POST", "/campaign/v2/start", "startCampaignV2", false, false),
        ("GET", "/campaign/all", "listCampaigns", true, false),
        ("POST", "/campaign/upload-csv", "uploadLargeCampaignCsv", false, false),
        ("GET", "/campaign/upload-status/{bulk_list_id}", "getLargeUploadStatus", true, false),
        ("POST", "/campaign/check-balance/{bulk_list_id}", "checkLargeCampaignBalance", true, false),
        ("POST", "/campaign/make-call-async", "startLargeCampaign", false, false),
        ("PATCH", "/campaign/terminate", "terminateCalls", true, false),
        ("PATCH", "/campaign/terminate/agent", "terminateByAgent", true, true),
        ("PATCH", "/campaign/terminate/calls", "terminateByCallIds", true, true),
        ("PATCH", "/campaign/terminate/campaign-numbers", "terminateByCampaignNumbers", true, true),
        ("PATCH", "/campaign/terminate/numbers", "terminateByNumbers", true, true),
        ("POST", "/external/kb", "createKnowledgeBase", false, false),
        ("PATCH", "/external/kb", "editKnowledgeBase", false, false),
        ("GET", "/external/kb/all", "listKnowledgeBases", true, false),
        ("GET", "/external/kb/{kb_id}", "getKnowledgeBase", true, false),
        ("DELETE", "/external/kb/{kb_id}", "deleteKnowledgeBase", true, false),
        ("GET", "/analytics/platform-analytics", "getPlatformAnalytics", true, false),
        ("GET", "/analytics/drill-down-analytics", "getDrillDownAnalytics", true, false),
        ("GET", "/analytics/number-analytics", "getNumberAnalytics", true, false),
        ("GET", "/analytics/duration-distribution", "getDurationDistribution", true, false),
        ("GET", "/analytics/classification-analytics", "getClassificationAnalytics", true, false),
    ];

    const TAGS: [&str; 8] = [
        "workspace",
        "numbers",
        "assistants",
        "calls",
        "campaigns",
        "termination",
        "knowledge_bases",
        "analytics",
    ];

    fn sample_params(op: &Operation) -> Vec<(&'static str, String)> {
        op.path_params()
            .map(|name| (name, format!("{name}-1 2/3%é")))
            .collect()
    }

    #[test]
    fn table_matches_the_contract() {
        assert_eq!(ALL.len(), CONTRACT.len());
        for (method, path, id, idempotent, deprecated) in CONTRACT {
            let op = by_id(id).unwrap_or_else(|| panic!("{id} is missing from ALL"));
            assert_eq!(op.method.as_str(), method, "{id}");
            assert_eq!(op.path, path, "{id}");
            assert_eq!(op.idempotent, idempotent, "{id}");
            assert_eq!(op.deprecated, deprecated, "{id}");
            assert!(TAGS.contains(&op.tag), "{id} has tag {}", op.tag);
            assert!(!op.summary.is_empty(), "{id}");
        }
        for (i, op) in ALL.iter().enumerate() {
            assert!(
                ALL[..i].iter().all(|other| other.id != op.id),
                "{} twice",
                op.id
            );
        }
    }

    #[test]
    fn constants_are_the_table_entries() {
        assert_eq!(by_id("initiateCallV2"), Some(&INITIATE_CALL_V2));
        assert_eq!(by_id("getWorkspace"), Some(&GET_WORKSPACE));
        assert_eq!(
            by_id("terminateByCampaignNumbers"),
            Some(&TERMINATE_BY_CAMPAIGN_NUMBERS)
        );
        assert_eq!(by_id("initiatecallv2"), None);
        assert_eq!(by_id(""), None);
    }

    #[test]
    fn every_operation_round_trips_through_render_and_match() {
        for op in ALL {
            let params = sample_params(op);
            let borrowed: Vec<(&str, &str)> =
                params.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let path = op.render_path(&borrowed).unwrap();
            let m = match_route(op.method.as_str(), &path)
                .unwrap_or_else(|| panic!("{op}: {path} does not match"));
            assert_eq!(m.operation, op, "{path}");
            assert_eq!(m.params, params, "{path}");
            // Trailing slash and query string are ignored, method case too.
            let lower = op.method.as_str().to_ascii_lowercase();
            let m = match_route(&lower, &format!("{path}/?x=1")).unwrap();
            assert_eq!(m.operation, op, "{path}/?x=1");
        }
    }

    #[test]
    fn every_operation_matches_its_literal_example_path() {
        for op in ALL {
            let path: String = op
                .path
                .split('/')
                .map(|s| {
                    if param_name(s).is_some() {
                        "abc-123"
                    } else {
                        s
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let m = match_route(op.method.as_str(), &path).unwrap();
            assert_eq!(m.operation.id, op.id, "{path}");
            for name in op.path_params() {
                assert_eq!(m.param(name), Some("abc-123"));
            }
        }
    }

    #[test]
    fn literal_segments_win_over_parameters() {
        let id = |m: &str, p: &str| match_route(m, p).map(|r| r.operation.id);
        assert_eq!(id("GET", "/agent/all"), Some("listAssistants"));
        assert_eq!(id("GET", "/agent/voices"), Some("listVoices"));
        assert_eq!(id("GET", "/agent/voices/"), Some("listVoices"));
        assert_eq!(id("GET", "/agent/alL"), Some("getAssistant"));
        assert_eq!(id("GET", "/external/kb/all"), Some("listKnowledgeBases"));
        assert_eq!(id("GET", "/external/kb/kb-1"), Some("getKnowledgeBase"));
        assert_eq!(id("PATCH", "/agent/v1"), Some("editAssistant"));
        assert_eq!(
            id("PATCH", "/campaign/terminate/agent"),
            Some("terminateByAgent")
        );
        assert_eq!(id("PATCH", "/campaign/terminate"), Some("terminateCalls"));
        // Only operations of the request's method compete, as on the server.
        assert_eq!(id("GET", "/agent/v1"), Some("getAssistant"));
        assert_eq!(id("DELETE", "/agent/all"), Some("deleteAssistant"));
        assert_eq!(
            match_route("DELETE", "/agent/all")
                .unwrap()
                .param("agent_id"),
            Some("all")
        );
    }

    #[test]
    fn parameters_are_percent_decoded() {
        let m = match_route("GET", "/agent/a%20b%2Fc%C3%A9").unwrap();
        assert_eq!(m.operation.id, "getAssistant");
        assert_eq!(m.params, vec![("agent_id", "a b/cé".to_owned())]);
        let m = match_route("POST", "/campaign/check-balance/x+y").unwrap();
        assert_eq!(m.param("bulk_list_id"), Some("x+y"));
        assert_eq!(m.param("nope"), None);
    }

    #[test]
    fn non_matches() {
        assert_eq!(match_route("GET", "/nope"), None);
        assert_eq!(match_route("GET", ""), None);
        assert_eq!(match_route("GET", "workspace"), None);
        assert_eq!(match_route("GET", "/ca/api/v0/workspace"), None);
        assert_eq!(match_route("HEAD", "/workspace"), None);
        assert_eq!(match_route("PUT", "/workspace"), None);
        assert_eq!(match_route("POST", "/workspace"), None);
        assert_eq!(match_route("GET", "/agent/"), None);
        assert_eq!(match_route("GET", "/agent//"), None);
        assert_eq!(match_route("GET", "/agent/x/y"), None);
        assert_eq!(match_route("GET", "/workspace//"), None);
        // Malformed escapes and non-UTF-8 values match nothing.
        assert_eq!(match_route("GET", "/agent/%ZZ"), None);
        assert_eq!(match_route("GET", "/agent/%4"), None);
        assert_eq!(match_route("GET", "/agent/%FF"), None);
    }

    #[test]
    fn allowed_methods_tell_404_from_405() {
        assert_eq!(allowed_methods("/workspace"), vec![HttpMethod::Get]);
        assert_eq!(
            allowed_methods("/external/kb"),
            vec![HttpMethod::Post, HttpMethod::Patch]
        );
        assert_eq!(
            allowed_methods("/agent/abc"),
            vec![HttpMethod::Get, HttpMethod::Delete]
        );
        assert!(allowed_methods("/nope").is_empty());
    }

    #[test]
    fn render_path_errors() {
        let op = &GET_ASSISTANT;
        assert_eq!(
            op.render_path(&[]),
            Err(RenderPathError::MissingParam {
                operation: "getAssistant",
                name: "agent_id"
            })
        );
        assert_eq!(
            op.render_path(&[("agent_id", "")]),
            Err(RenderPathError::EmptyParam {
                operation: "getAssistant",
                name: "agent_id"
            })
        );
        assert_eq!(
            op.render_path(&[("agent_id", "a"), ("kb_id", "b")]),
            Err(RenderPathError::UnknownParam {
                operation: "getAssistant",
                name: "kb_id".to_owned()
            })
        );
        assert_eq!(
            op.render_path(&[("agent_id", "a"), ("agent_id", "b")]),
            Err(RenderPathError::DuplicateParam {
                operation: "getAssistant",
                name: "agent_id".to_owned()
            })
        );
        assert_eq!(GET_WORKSPACE.render_path(&[]).unwrap(), "/workspace");
        assert!(GET_WORKSPACE.render_path(&[("x", "y")]).is_err());
        let msg = op.render_path(&[]).unwrap_err().to_string();
        assert!(
            msg.contains("agent_id") && msg.contains("getAssistant"),
            "{msg}"
        );
    }

    #[test]
    fn render_path_encodes_everything_but_unreserved() {
        let path = GET_ASSISTANT
            .render_path(&[("agent_id", "Az09-._~ /?#%+é")])
            .unwrap();
        assert_eq!(path, "/agent/Az09-._~%20%2F%3F%23%25%2B%C3%A9");
    }

    #[test]
    fn http_method_parsing() {
        for m in HttpMethod::ALL {
            assert_eq!(m.as_str().parse::<HttpMethod>(), Ok(m));
            assert_eq!(m.as_str().to_lowercase().parse::<HttpMethod>(), Ok(m));
            assert_eq!(m.to_string(), m.as_str());
        }
        let err = "OPTIONS".parse::<HttpMethod>().unwrap_err();
        assert_eq!(err.input(), "OPTIONS");
        assert!(err.to_string().contains("GET, POST, PUT, PATCH or DELETE"));
        assert!("".parse::<HttpMethod>().is_err());
    }

    #[test]
    fn display_of_operation() {
        assert_eq!(
            GET_ASSISTANT.to_string(),
            "getAssistant (GET /agent/{agent_id})"
        );
        assert_eq!(
            DELETE_CONTACT_LIST.path_params().collect::<Vec<_>>(),
            vec!["list_id"]
        );
    }
}
