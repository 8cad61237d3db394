//! The types of the operation table: [`Operation`], [`HttpMethod`] and the error of
//! [`Operation::render_path`].

use std::error::Error;
use std::fmt;
use std::str::FromStr;

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
    /// Whether the request body is `multipart/form-data` (CSV and file uploads); the other
    /// bodies are JSON or absent.
    pub multipart: bool,
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
    /// Every placeholder needs exactly one non-empty value other than `.` and `..`, and every
    /// pair must name a placeholder; anything else is a [`RenderPathError`] rather than a
    /// malformed path.
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
    /// assert!(matches!(
    ///     GET_KNOWLEDGE_BASE.render_path(&[("kb_id", "..")]),
    ///     Err(RenderPathError::DotSegment { name: "kb_id", .. })
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
                    // `.` and `..` (even percent-encoded) are dot segments: a URL resolves them,
                    // moving the request to another path.
                    if value == "." || value == ".." {
                        return Err(RenderPathError::DotSegment {
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
    /// A placeholder's value is `.` or `..`, which a URL resolves as a dot segment (another
    /// path).
    DotSegment {
        /// The operationId.
        operation: &'static str,
        /// The placeholder with the dot segment.
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
            RenderPathError::DotSegment { operation, name } => write!(
                f,
                "the path parameter `{name}` of operation {operation} is `.` or `..`, which would send the request to another path; pass the id itself"
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

/// The placeholder name of a template segment (`"{agent_id}"` → `"agent_id"`).
pub(super) fn param_name(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}
