//! Route matching: an incoming method and path back to its [`Operation`] and parameters.

use std::sync::OnceLock;

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
    let path = request_path(path)?;
    let count = path.split('/').count();
    // The most specific template wins: compared position by position, a literal beats a
    // parameter, which is the order of the shapes' bits (first segment highest).
    let mut best: Option<&Route> = None;
    for route in routes() {
        if route.operation.method != method || route.segments.len() != count {
            continue;
        }
        if best.is_some_and(|b| b.shape <= route.shape) || !route.matches(path) {
            continue;
        }
        best = Some(route);
    }
    let route = best?;
    let mut params = Vec::with_capacity(route.params);
    for (segment, value) in route.segments.iter().zip(path.split('/')) {
        if let Segment::Param(name) = segment {
            params.push((*name, percent_decode(value)?));
        }
    }
    Some(RouteMatch {
        operation: route.operation,
        params,
    })
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

/// A request path without query, fragment, leading `/` and one trailing slash. `None` when
/// the path does not start with `/`.
fn request_path(path: &str) -> Option<&str> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let path = path.strip_prefix('/')?;
    Some(path.strip_suffix('/').unwrap_or(path))
}

/// One segment of a path template.
#[derive(Debug)]
enum Segment {
    Literal(&'static str),
    Param(&'static str),
}

/// An operation's path template, split into segments once.
#[derive(Debug)]
struct Route {
    operation: &'static Operation,
    segments: Vec<Segment>,
    /// Bit `63 - i` is set when segment `i` is a parameter: of two templates of one length
    /// that both match, the smaller shape is the more specific.
    shape: u64,
    /// How many segments are parameters.
    params: usize,
}

impl Route {
    fn new(operation: &'static Operation) -> Self {
        let template = operation.path.strip_prefix('/').unwrap_or(operation.path);
        let segments: Vec<Segment> = template
            .split('/')
            .map(|part| match param_name(part) {
                Some(name) => Segment::Param(name),
                None => Segment::Literal(part),
            })
            .collect();
        assert!(
            segments.len() <= 64,
            "{}: too many path segments",
            operation.id
        );
        let mut shape = 0u64;
        for (i, segment) in segments.iter().enumerate() {
            if matches!(segment, Segment::Param(_)) {
                shape |= 1 << (63 - i);
            }
        }
        Self {
            operation,
            params: shape.count_ones() as usize,
            segments,
            shape,
        }
    }

    /// Whether `path` (as [`request_path`] gives it, with as many segments as the template)
    /// fits: literals equal, parameters non-empty.
    fn matches(&self, path: &str) -> bool {
        self.segments
            .iter()
            .zip(path.split('/'))
            .all(|(segment, value)| match segment {
                Segment::Literal(literal) => *literal == value,
                Segment::Param(_) => !value.is_empty(),
            })
    }
}

/// The operation table's templates, split on first use.
fn routes() -> &'static [Route] {
    static ROUTES: OnceLock<Vec<Route>> = OnceLock::new();
    ROUTES.get_or_init(|| ALL.iter().map(Route::new).collect())
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
