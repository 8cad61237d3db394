//! Route matching: an incoming method and path back to its [`Operation`] and parameters.

use super::generated::ALL;
use super::types::{HttpMethod, Operation, param_name};

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
/// * `path` is relative to [`BASE_PATH`](super::BASE_PATH) (`"/agent/all"`, not `"/ca/api/v0/agent/all"`); a
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

/// The methods that some operation answers on `path` (relative to [`BASE_PATH`](super::BASE_PATH)), sorted and
/// without duplicates. Empty when no operation has this path: a 404 rather than a 405.
pub fn allowed_methods(path: &str) -> Vec<HttpMethod> {
    let mut methods: Vec<HttpMethod> = HttpMethod::ALL
        .into_iter()
        .filter(|m| match_route(m.as_str(), path).is_some())
        .collect();
    methods.sort();
    methods
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
