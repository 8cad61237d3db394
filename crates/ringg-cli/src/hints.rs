//! An SDK error in the words of the command line: what failed (the server's status and
//! message, without operation ids or Rust names) and what to do next, naming `ringg`
//! commands and flags. The SDK's own [`ringg_api::Error::hint`] is worded for any program;
//! the advice here is the CLI's.

use std::borrow::Cow;

use ringg_api::transport::TransportErrorKind;
use ringg_api::{Error, ErrorKind};
use ringg_types::text::{escape_control, truncate_chars};

/// How many characters of a server's own message an error shows; the rest is counted
/// (`… (N more characters)`).
pub(crate) const MAX_SERVER_MESSAGE_CHARS: usize = 500;

/// The advice after a 404 before the command refines it (see [`base_url_hint`] and
/// [`list_command`]).
pub(crate) const GENERIC_404: &str = "check the id: the group's `list` command shows the ids";

/// The server's message (or the failure's own), escaped and bounded.
fn message(e: &Error) -> String {
    let escaped = escape_control(e.message());
    match truncate_chars(&escaped, MAX_SERVER_MESSAGE_CHARS) {
        Cow::Borrowed(m) => m.to_string(),
        Cow::Owned(short) => short,
    }
}

/// What failed, in one sentence.
pub(crate) fn describe(e: &Error) -> String {
    let msg = message(e);
    match e.kind() {
        ErrorKind::Api => match e.status() {
            Some(s) => format!(
                "the server answered {} {}: {msg}",
                s.as_u16(),
                s.canonical_reason().unwrap_or("")
            )
            .replace("  ", " "),
            None => msg,
        },
        ErrorKind::Decode => format!(
            "the server's answer could not be read (at `{}`): {msg}",
            escape_control(e.field_path().unwrap_or("."))
        ),
        ErrorKind::OutcomeUnknown => format!("outcome unknown: {msg}"),
        // The SDK's words name its own settings; the command line's bound is --timeout.
        ErrorKind::Transport if is_total_timeout(e) => {
            "no answer from the server within the time the request was allowed".into()
        }
        ErrorKind::Transport if e.transport_kind() == Some(TransportErrorKind::BodyTooLarge) => {
            format!("the server's answer was too large: {msg}")
        }
        // A connection outside the transport stack (the speech-to-text WebSocket) describes
        // itself: it may have had an answer, only not a WebSocket.
        ErrorKind::Transport if e.transport_kind().is_none() => msg,
        ErrorKind::Transport => format!("no answer from the server: {msg}"),
        _ => msg,
    }
}

/// The hint of a speech-to-text request that reached no stream.
const STT_ADDRESS: &str =
    "check --stt-base-url (RINGG_STT_BASE_URL) and the network, then try again";

/// True for a request to the speech-to-text service, whose address is --stt-base-url.
fn is_stt(e: &Error) -> bool {
    e.operation().is_some_and(|op| op.starts_with("stt"))
}

/// True when a request (with its retries) ran out of its total time.
fn is_total_timeout(e: &Error) -> bool {
    e.transport_kind() == Some(TransportErrorKind::TotalTimeout)
}

/// True when a 403's message speaks of permissions rather than of the request's content
/// (Ringg also answers 403 to some refused edits, e.g. removing a required variable).
pub(crate) fn is_permission_message(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "permission",
        "forbidden",
        "not authorized",
        "unauthorized",
        "access",
        "role",
        "not allowed to",
    ]
    .iter()
    .any(|w| m.contains(w))
}

/// The command that shows whether a request of `operation` whose outcome is unknown was
/// carried out.
fn outcome_check(operation: Option<&str>) -> &'static str {
    match operation.unwrap_or_default() {
        "startCampaign"
        | "startCampaignV2"
        | "startLargeCampaign"
        | "saveCampaign"
        | "uploadLargeCampaignCsv" => {
            "`ringg campaigns list` (or `ringg campaigns status LIST_ID`)"
        }
        "createAssistant" => "`ringg assistants list`",
        "createKnowledgeBase" | "editKnowledgeBase" => "`ringg kb list`",
        "regenerateApiKey" => "`ringg workspace show` (a rotated key stops working at once)",
        _ => "the matching `list` or `show` command",
    }
}

/// What to do next, naming the CLI's commands and flags.
pub(crate) fn hint(e: &Error) -> Option<String> {
    if e.is_outcome_unknown() {
        return Some(match e.client_reference() {
            Some(r) => format!(
                "the call may have been placed: run `ringg calls reconcile {r}`, which says whether it was (if it was, do not call again)"
            ),
            None => format!(
                "check with {} before running the command again{}",
                outcome_check(e.operation()),
                if answered_not_json(e) {
                    NOT_JSON_TOO
                } else {
                    ""
                }
            ),
        });
    }
    let status = e.status().map(|s| s.as_u16());
    Some(match (status, e.kind()) {
        (Some(401), _) => "check the API key: a rotated key stops working at once (`ringg login --profile NAME` stores a new one; or set RINGG_API_KEY or --api-key-file)".into(),
        (Some(403), _) if is_permission_message(e.message()) => {
            "the key's workspace role lacks this permission: ask a workspace admin, or use a key with that role".into()
        }
        (Some(403), _) => "Ringg refused the request: change it as the message says".into(),
        (Some(402), _) => "not enough credits: top up the workspace (`ringg workspace show` shows the balance)".into(),
        (Some(404), _) => GENERIC_404.into(),
        (Some(429), _) | (_, ErrorKind::RetryAfterTooLong) => match e.retry_after() {
            Some(d) => format!(
                "rate limited: try again in {:.0} s, or send fewer requests with --rate-limit",
                d.as_secs_f64().ceil()
            ),
            None => "rate limited: wait a little and try again, or send fewer requests with --rate-limit".into(),
        },
        (Some(s), _) if s >= 500 => "Ringg had a server error: try again later".into(),
        (Some(300..=399), ErrorKind::Api) if is_stt(e) => STT_ADDRESS.into(),
        (_, ErrorKind::Api) => "change the request as the message says and try again".into(),
        (_, ErrorKind::Decode) if answered_not_json(e) => NOT_JSON.into(),
        (_, ErrorKind::Decode) => "this is a mismatch between ringg and the server: please report it with the output of the same command run with --verbose (it shows the answer, secrets masked)".into(),
        (_, ErrorKind::Transport) if is_total_timeout(e) => "raise --timeout if the server is slow, or try again later (a change the command was making may or may not have been carried out: check before running it again)".into(),
        (_, ErrorKind::Transport) if e.transport_kind() == Some(TransportErrorKind::BodyTooLarge) => {
            "the answer is larger than ringg accepts for this command: please report it with the command you ran".into()
        }
        (_, ErrorKind::Transport) if e.transport_kind() == Some(TransportErrorKind::Timeout) => {
            "the server took too long to answer: try again later".into()
        }
        (_, ErrorKind::Transport) if is_stt(e) => STT_ADDRESS.into(),
        (_, ErrorKind::Transport) => UNREACHABLE.into(),
        (_, ErrorKind::Timeout) => "try again later or raise --timeout".into(),
        (_, ErrorKind::TooEarly) => "its request may still be answered: settle it again after that time (the same `ringg calls reconcile`), and do not place the call again before".into(),
        (_, ErrorKind::SearchLimit) => "the call was neither found nor ruled out: narrow the search with --agent, --to or --since, or search more rows with --max-rows, before placing it again".into(),
        (_, ErrorKind::Unverifiable)
            if e.operation() == Some(ringg_api::types::operations::GET_ASSISTANT.id) =>
        {
            subscriptions_unseen_hint("AGENT_ID")
        }
        // The SDK's own advice (a call its journal records as placed).
        (_, ErrorKind::Unverifiable) if e.hint().is_some() => return e.hint(),
        (_, ErrorKind::Unverifiable) => match e.client_reference() {
            Some(r) => format!("look at the calls it names (`ringg calls get ID` shows one, with its number and time), then record what you found: `ringg calls reconcile {r} --placed CALL_ID`, or `--not-placed` if none of them is it"),
            // A campaign launch's, which found several campaigns of its name.
            None => "look at the campaigns it names in the dashboard; if the launch's own was not started, start it there (or with `ringg campaigns start LIST_ID`, its list id from the dashboard); give launches of one assistant distinct names".into(),
        },
        (_, ErrorKind::Pagination) => "the list did not end as it should: narrow it (e.g. --start/--end) or report it".into(),
        (_, ErrorKind::Journal) => e.hint().unwrap_or_else(|| "the calls the journal held can be settled by their client references with `ringg calls reconcile REF`".into()),
        // A refusal before sending: the SDK's own advice, if it has some.
        (_, ErrorKind::InvalidInput) => return e.hint(),
        _ => return None,
    })
}

/// The advice where an assistant's details show no webhook subscription list, so none can be
/// added or removed while keeping the others.
pub(crate) fn subscriptions_unseen_hint(agent: &str) -> String {
    format!(
        "see them in Ringg's dashboard, then write the whole list, yours included, with `ringg assistants edit {agent} event-subscriptions --json '[…]'`"
    )
}

/// The advice for a 2xx answer that is not JSON at all (an HTML page, plain text).
/// The advice when the server could not be reached.
pub(crate) const UNREACHABLE: &str = "check --base-url and the network, then try again";

const NOT_JSON: &str = "the answer is not JSON, so something other than Ringg's API may have answered (a proxy, a login page, or a --base-url that is not Ringg's): check --base-url and the network; if they are right, report it with the output of the same command run with --verbose";

/// Added to the outcome-unknown advice for such an answer.
const NOT_JSON_TOO: &str = " (the answer was not JSON: check --base-url too, since something other than Ringg's API may have answered)";

/// Whether the answer kept with the error is not JSON at all: its first character opens no
/// JSON object or array (Ringg answers both). A cut-off or otherwise malformed JSON body is
/// JSON here; a blank body is not.
fn answered_not_json(e: &Error) -> bool {
    e.unredacted_body().is_some_and(|body| {
        !matches!(
            body.iter().find(|b| !b.is_ascii_whitespace()),
            Some(b'{' | b'[')
        )
    })
}

/// The advice for a 404 from a base URL that does not end in Ringg's API path: the id is
/// probably fine, the URL is not.
pub(crate) fn base_url_hint(base_url: &str) -> Option<String> {
    let path = url::Url::parse(base_url)
        .ok()?
        .path()
        .trim_end_matches('/')
        .to_string();
    (!path.ends_with("/ca/api/v0")).then(|| {
        format!(
            "the base URL {} does not end in /ca/api/v0: use https://prod-api.ringg.ai/ca/api/v0, or the base_url `ringg sim serve` prints",
            ringg_api::transport::masked_url(base_url)
        )
    })
}

/// The list command of a command group, for the advice after a 404.
pub(crate) fn list_command(group: &str) -> Option<&'static str> {
    Some(match group {
        "workspace" => "ringg workspace list",
        "numbers" => "ringg numbers list",
        "assistants" => "ringg assistants list",
        "calls" => "ringg calls list --wide",
        "campaigns" | "terminate" | "analytics" => "ringg campaigns list",
        "kb" => "ringg kb list",
        "webhooks" => "ringg assistants list",
        _ => return None,
    })
}

/// The list command to look an id up with after a 404 whose `message` names what was not
/// found: a caller number or pool (`from_number`, `number_id`, `number_pool_id`), an assistant
/// (`agent_id`), otherwise what [`list_command`] gives for the command's `group`.
pub(crate) fn list_command_for(group: &str, message: &str) -> Option<&'static str> {
    let m = message.to_ascii_lowercase();
    if ["from_number", "number_id", "number_pool", "caller number"]
        .iter()
        .any(|k| m.contains(k))
    {
        return Some("ringg numbers list");
    }
    if m.contains("agent_id") || m.contains("assistant") {
        return Some("ringg assistants list");
    }
    list_command(group)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringg_api::transport::http::{HeaderMap, StatusCode};

    fn api(status: StatusCode, body: &str) -> Error {
        Error::from_response(
            "getAssistant",
            status,
            &HeaderMap::new(),
            body.to_string().into_bytes().into(),
        )
    }

    #[test]
    fn errors_speak_the_users_language() {
        let e = api(StatusCode::NOT_FOUND, r#"{"detail":"Agent not found"}"#);
        let d = describe(&e);
        assert_eq!(d, "the server answered 404 Not Found: Agent not found");
        assert!(!d.contains("getAssistant"));
        let validation = api(
            StatusCode::FORBIDDEN,
            r#"{"detail":"outbound agents must keep callee_name"}"#,
        );
        let h = hint(&validation).unwrap();
        assert!(!h.contains("role"), "{h}");
        let permission = api(StatusCode::FORBIDDEN, r#"{"detail":"Permission denied"}"#);
        assert!(hint(&permission).unwrap().contains("role"));
    }

    #[test]
    fn a_request_out_of_time_is_told_in_the_clis_words() {
        let e = Error::from_transport(ringg_api::transport::TransportError::new(
            TransportErrorKind::TotalTimeout,
            ringg_api::transport::SendState::MaybeSent,
            "no answer within the total timeout of 1.0 s; raise it with the client's total_timeout setting (or this request's RequestOptions) if the server is slow",
        ));
        let (d, h) = (describe(&e), hint(&e).unwrap());
        for sdk in ["total_timeout", "RequestOptions", "client's"] {
            assert!(!d.contains(sdk) && !h.contains(sdk), "{d}; {h}");
        }
        assert!(h.contains("--timeout"), "{h}");
    }

    #[test]
    fn a_too_large_answer_and_a_slow_attempt_are_not_told_to_check_the_network() {
        let transport = |kind, message| {
            Error::from_transport(ringg_api::transport::TransportError::new(
                kind,
                ringg_api::transport::SendState::MaybeSent,
                message,
            ))
        };
        let large = transport(
            TransportErrorKind::BodyTooLarge,
            "the response body is larger than the limit of 10 bytes (at least 64 bytes)",
        );
        let (d, h) = (describe(&large), hint(&large).unwrap());
        assert!(d.starts_with("the server's answer was too large: "), "{d}");
        assert!(h.contains("report it"), "{h}");
        let slow = transport(
            TransportErrorKind::Timeout,
            "no complete answer within the attempt timeout of 30.0 s",
        );
        let h = hint(&slow).unwrap();
        assert!(h.contains("took too long"), "{h}");
        for h in [hint(&large).unwrap(), h] {
            assert!(!h.contains("--base-url"), "{h}");
        }
    }

    #[test]
    fn an_answer_that_is_not_json_points_to_the_base_url_not_to_a_mismatch() {
        let decode = |body: &str| {
            Error::decode(
                "listAssistants",
                StatusCode::OK,
                ".".into(),
                "expected value at line 1 column 1".into(),
                body.to_string().into_bytes().into(),
            )
        };
        for page in ["<html><body>Gateway</body></html>", "  OK", ""] {
            let h = hint(&decode(page)).unwrap();
            assert!(h.contains("not JSON") && h.contains("--base-url"), "{h}");
            assert!(!h.contains("mismatch"), "{h}");
        }
        for json in [r#"{"data": 3}"#, " [1, 2", "{\"cut"] {
            let h = hint(&decode(json)).unwrap();
            assert!(h.contains("mismatch"), "{json}: {h}");
        }
    }

    #[test]
    fn an_outcome_unknown_hint_says_check_once() {
        // As the transport words a POST whose answer was cut off.
        let e = Error::from_transport(
            ringg_api::transport::TransportError::new(
                TransportErrorKind::Connect,
                ringg_api::transport::SendState::MaybeSent,
                "the connection failed while reading the response",
            )
            .into_outcome_unknown(),
        )
        .with_operation("startCampaign");
        let line = format!("{}; {}", describe(&e), hint(&e).unwrap());
        assert_eq!(line.matches("carried out").count(), 1, "{line}");
        assert!(line.contains("`ringg campaigns list`"), "{line}");
    }

    #[test]
    fn a_base_url_without_the_api_path_is_named() {
        assert!(base_url_hint("http://127.0.0.1:9").is_some());
        assert!(base_url_hint("http://127.0.0.1:9/ca/api/v0/").is_none());
        assert!(base_url_hint("https://prod-api.ringg.ai/ca/api/v0").is_none());
        let hint = base_url_hint("https://gw:pw-123@gateway.example/api").unwrap();
        assert!(hint.contains("https://***@gateway.example/api") && !hint.contains("pw-123"));
    }

    #[test]
    fn a_long_escaped_server_message_is_cut() {
        let body = format!(r#"{{"detail":"{}"}}"#, "\\u001b".repeat(1000));
        let e = api(StatusCode::INTERNAL_SERVER_ERROR, &body);
        let d = describe(&e);
        assert!(!d.contains('\x1b'));
        assert!(d.contains("more characters"), "{d}");
        assert!(d.chars().count() < 600, "{}", d.chars().count());
        assert!(hint(&e).unwrap().contains("server error"));
    }

    #[test]
    fn a_404_about_a_caller_number_or_an_assistant_points_to_its_list() {
        assert_eq!(
            list_command_for(
                "calls",
                "from_number +15550000000 is not a number of this workspace"
            ),
            Some("ringg numbers list")
        );
        assert_eq!(
            list_command_for("calls", "from_number_id 5d7f9a2b not found"),
            Some("ringg numbers list")
        );
        assert_eq!(
            list_command_for("campaigns", "agent_id 830f not found"),
            Some("ringg assistants list")
        );
        assert_eq!(
            list_command_for("calls", "call 4b30 not found"),
            Some("ringg calls list --wide")
        );
    }
}
