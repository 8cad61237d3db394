//! Request routing: method + path (relative to `/ca/api/v0`) to an operation id.
//!
//! The table mirrors the operation table of the contract (41 operations). Literal path segments
//! win over `{param}` segments, so `/agent/all` is never read as an agent id.

/// The base path every operation lives under.
pub(crate) const BASE_PATH: &str = "/ca/api/v0";

/// `(method, path template, operation id)` for every operation.
pub(crate) const ROUTES: &[(&str, &str, &str)] = &[
    ("GET", "/workspace", "getWorkspace"),
    ("GET", "/workspace/all", "listWorkspaces"),
    ("GET", "/workspace/users", "listWorkspaceUsers"),
    ("PATCH", "/workspace/api-key", "regenerateApiKey"),
    ("GET", "/workspace/numbers", "listNumbers"),
    ("GET", "/agent/all", "listAssistants"),
    ("GET", "/agent/{agent_id}", "getAssistant"),
    ("POST", "/public/agent", "createAssistant"),
    ("PATCH", "/public/agent/{agent_id}", "updateAssistant"),
    ("PATCH", "/agent/v1", "editAssistant"),
    ("DELETE", "/agent/{agent_id}", "deleteAssistant"),
    ("GET", "/agent/voices", "listVoices"),
    ("POST", "/calling/outbound/individual", "initiateCall"),
    ("POST", "/calling/v2/outbound/individual", "initiateCallV2"),
    ("GET", "/calling/history", "listCallHistory"),
    ("GET", "/calling/call-details", "getCallDetails"),
    ("POST", "/calling/history/download", "downloadCallHistory"),
    ("DELETE", "/calling/contact/{list_id}", "deleteContactList"),
    ("POST", "/campaign/save", "saveCampaign"),
    ("POST", "/campaign/start", "startCampaign"),
    ("POST", "/campaign/v2/start", "startCampaignV2"),
    ("GET", "/campaign/all", "listCampaigns"),
    ("POST", "/campaign/upload-csv", "uploadLargeCampaignCsv"),
    (
        "GET",
        "/campaign/upload-status/{bulk_list_id}",
        "getLargeUploadStatus",
    ),
    (
        "POST",
        "/campaign/check-balance/{bulk_list_id}",
        "checkLargeCampaignBalance",
    ),
    ("POST", "/campaign/make-call-async", "startLargeCampaign"),
    ("PATCH", "/campaign/terminate", "terminateCalls"),
    ("PATCH", "/campaign/terminate/agent", "terminateByAgent"),
    ("PATCH", "/campaign/terminate/calls", "terminateByCallIds"),
    (
        "PATCH",
        "/campaign/terminate/campaign-numbers",
        "terminateByCampaignNumbers",
    ),
    ("PATCH", "/campaign/terminate/numbers", "terminateByNumbers"),
    ("POST", "/external/kb", "createKnowledgeBase"),
    ("PATCH", "/external/kb", "editKnowledgeBase"),
    ("GET", "/external/kb/all", "listKnowledgeBases"),
    ("GET", "/external/kb/{kb_id}", "getKnowledgeBase"),
    ("DELETE", "/external/kb/{kb_id}", "deleteKnowledgeBase"),
    (
        "GET",
        "/analytics/platform-analytics",
        "getPlatformAnalytics",
    ),
    (
        "GET",
        "/analytics/drill-down-analytics",
        "getDrillDownAnalytics",
    ),
    ("GET", "/analytics/number-analytics", "getNumberAnalytics"),
    (
        "GET",
        "/analytics/duration-distribution",
        "getDurationDistribution",
    ),
    (
        "GET",
        "/analytics/classification-analytics",
        "getClassificationAnalytics",
    ),
];

/// Path parameters by name.
type Params = Vec<(&'static str, String)>;

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
    let rest = if rest.len() > 1 {
        rest.trim_end_matches('/')
    } else {
        rest
    };
    if !rest.starts_with('/') {
        return Resolved::NotFound;
    }
    let segs: Vec<&str> = rest[1..].split('/').collect();
    // (literal segment count, method, id, params) of every template matching the path.
    let mut best: Option<(usize, &'static str, Params)> = None;
    let mut allowed: Vec<&'static str> = Vec::new();
    let mut best_other_literals: Option<usize> = None;
    for (m, template, id) in ROUTES {
        let Some((literals, params)) = match_template(template, &segs) else {
            continue;
        };
        if *m == method {
            if best.as_ref().is_none_or(|(l, _, _)| literals > *l) {
                best = Some((literals, id, params));
            }
        } else {
            allowed.push(m);
            best_other_literals =
                Some(best_other_literals.map_or(literals, |l: usize| l.max(literals)));
        }
    }
    match (best, best_other_literals) {
        // A more specific template exists for another method (e.g. GET /agent/v1 matches
        // GET /agent/{agent_id} but /agent/v1 is a PATCH-only literal): prefer the literal.
        (Some((l, _, _)), Some(other)) if other > l => {
            allowed.sort_unstable();
            allowed.dedup();
            Resolved::MethodNotAllowed(allowed)
        }
        (Some((_, id, params)), _) => Resolved::Op { id, params },
        (None, Some(_)) => {
            allowed.sort_unstable();
            allowed.dedup();
            Resolved::MethodNotAllowed(allowed)
        }
        (None, None) => Resolved::NotFound,
    }
}

fn match_template(
    template: &'static str,
    segs: &[&str],
) -> Option<(usize, Vec<(&'static str, String)>)> {
    let tsegs: Vec<&'static str> = template[1..].split('/').collect();
    if tsegs.len() != segs.len() {
        return None;
    }
    let mut literals = 0;
    let mut params = Vec::new();
    for (t, s) in tsegs.iter().zip(segs) {
        if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            if s.is_empty() {
                return None;
            }
            let decoded = percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned();
            params.push((name, decoded));
        } else if t == s {
            literals += 1;
        } else {
            return None;
        }
    }
    Some((literals, params))
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
            Resolved::MethodNotAllowed(vec!["DELETE", "GET"])
        );
        assert_eq!(op("GET", "/nope"), Resolved::NotFound);
        assert_eq!(resolve("GET", "/workspace"), Resolved::NotFound);
        assert_eq!(ROUTES.len(), 41);
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
