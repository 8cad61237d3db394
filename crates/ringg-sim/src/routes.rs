//! Request routing through the contract's operation table
//! (`ringg_types::operations::match_route`), so the simulator answers exactly the 41
//! operations of `docs/openapi.yaml`.

use ringg_types::operations;

/// The base path every operation lives under.
pub(crate) const BASE_PATH: &str = operations::BASE_PATH;

/// The outcome of routing one request.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// A known operation with its path parameters (percent-decoded).
    Op {
        id: &'static str,
        params: Vec<(&'static str, String)>,
    },
    /// The path exists, the method does not; the allowed methods.
    MethodNotAllowed(Vec<&'static str>),
    /// No such path (or outside the base path).
    NotFound,
}

/// Routes `method` + full request path (including the base path).
pub(crate) fn resolve(method: &str, full_path: &str) -> Resolved {
    let Some(rest) = full_path.strip_prefix(BASE_PATH) else {
        return Resolved::NotFound;
    };
    if let Some(m) = operations::match_route(method, rest) {
        return Resolved::Op {
            id: m.operation.id,
            params: m.params,
        };
    }
    let allowed = operations::allowed_methods(rest);
    if allowed.is_empty() {
        Resolved::NotFound
    } else {
        Resolved::MethodNotAllowed(allowed.iter().map(|m| m.as_str()).collect())
    }
}

/// True when `id` is an operationId of the contract.
/// Whether the operation's request body is `multipart/form-data` (from the generated
/// operation table).
pub(crate) fn is_multipart(id: &str) -> bool {
    operations::by_id(id).is_some_and(|op| op.multipart)
}

pub(crate) fn is_operation(id: &str) -> bool {
    operations::by_id(id).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(m: &str, p: &str) -> Resolved {
        resolve(m, &format!("{BASE_PATH}{p}"))
    }

    #[test]
    fn literals_beat_params() {
        assert_eq!(
            op("GET", "/agent/all"),
            Resolved::Op {
                id: "listAssistants",
                params: vec![]
            }
        );
        assert_eq!(
            op("GET", "/agent/abc"),
            Resolved::Op {
                id: "getAssistant",
                params: vec![("agent_id", "abc".into())]
            }
        );
        assert_eq!(
            op("PATCH", "/agent/v1"),
            Resolved::Op {
                id: "editAssistant",
                params: vec![]
            }
        );
        assert_eq!(
            op("GET", "/external/kb/all"),
            Resolved::Op {
                id: "listKnowledgeBases",
                params: vec![]
            }
        );
    }

    #[test]
    fn wrong_method_and_unknown() {
        assert_eq!(
            op("POST", "/workspace"),
            Resolved::MethodNotAllowed(vec!["GET"])
        );
        assert_eq!(
            op("PUT", "/agent/x"),
            Resolved::MethodNotAllowed(vec!["GET", "DELETE"])
        );
        assert_eq!(op("GET", "/nope"), Resolved::NotFound);
        assert_eq!(resolve("GET", "/workspace"), Resolved::NotFound);
        assert_eq!(resolve("GET", "/ca/api/v0workspace"), Resolved::NotFound);
        assert_eq!(operations::ALL.len(), 41);
    }

    #[test]
    fn params_are_decoded_and_trailing_slash_ignored() {
        assert_eq!(
            op("GET", "/agent/a%20b/"),
            Resolved::Op {
                id: "getAssistant",
                params: vec![("agent_id", "a b".into())]
            }
        );
    }
}
