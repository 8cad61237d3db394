//! The operation table of the Ringg API: every endpoint as data.
//!
//! Each of the 41 operations of `docs/openapi.yaml` is a `pub const` [`Operation`] named after
//! its operationId in UPPER_SNAKE case (for example [`INITIATE_CALL_V2`]), and [`ALL`] lists them
//! in the order of the spec. The constants live in `generated.rs`, which `cargo xtask codegen`
//! writes from the spec; `types.rs` holds the types, `routing.rs` the route matching, and this
//! module re-exports both and the lookups:
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

mod generated;
mod routing;
mod types;

pub use generated::*;
pub use routing::{RouteMatch, allowed_methods, match_route};
pub use types::{BASE_PATH, HttpMethod, Operation, ParseHttpMethodError, RenderPathError};

/// The operation with this operationId (case-sensitive, e.g. `"getAssistant"`), if any.
pub fn by_id(id: &str) -> Option<&'static Operation> {
    ALL.iter().find(|op| op.id == id)
}

impl Operation {
    /// The query parameters the operation requires, from the spec's `required: true`
    /// ([`REQUIRED_QUERY_PARAMS`]): how a read such as `getCallDetails` names its object when
    /// its path has no placeholder. Empty for most operations.
    ///
    /// ```
    /// use ringg_types::operations::{GET_CALL_DETAILS, GET_WORKSPACE};
    ///
    /// assert_eq!(GET_CALL_DETAILS.required_query_params(), ["id"]);
    /// assert!(GET_WORKSPACE.required_query_params().is_empty());
    /// ```
    pub fn required_query_params(&self) -> &'static [&'static str] {
        REQUIRED_QUERY_PARAMS
            .iter()
            .find(|(id, _)| *id == self.id)
            .map_or(&[], |(_, names)| names)
    }
}

#[cfg(test)]
mod tests {
    use super::types::param_name;
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
