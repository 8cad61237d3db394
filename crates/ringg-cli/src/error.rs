//! The CLI's error: one line on stderr (one JSON object with `--output json`), an exit code
//! from the scripting contract ([`ErrorClass`]; crates/ringg-cli/README.md lists them). The
//! words for an SDK error and the advice after them are `crate::hints`.
//!
//! Error messages often carry a server's text. Before it reaches the terminal it is bounded
//! (`hints::MAX_SERVER_MESSAGE_CHARS` of a server's message, [`MAX_ERROR_LINE_CHARS`] of the
//! whole line) and every control character in it is escaped, so a hostile server can neither flood
//! the terminal nor send it escape sequences.

use std::fmt;
use std::process::ExitCode;

use ringg_types::text::for_terminal;

/// How many characters of a whole error line are shown (the server's message, bounded on its
/// own, and the hint after it fit well within this).
pub(crate) const MAX_ERROR_LINE_CHARS: usize = 2000;

/// What kind of failure ended a command: each has its own exit code and a stable name that
/// scripts can rely on (the `code` of a JSON error object).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorClass {
    /// Anything not listed below (exit code 1).
    Failed,
    /// A mistake in how the command was called, or a refusal to go on without `--yes`
    /// (exit code 2).
    Usage,
    /// The id or name given matches nothing (exit code 3).
    NotFound,
    /// The key was refused or lacks the permission (exit code 4).
    Auth,
    /// Rate limited, and the retries did not get through (exit code 5).
    RateLimited,
    /// A request that places calls or starts a campaign was sent, but its outcome is unknown
    /// (exit code 6): reconcile before trying again.
    OutcomeUnknown,
    /// A call that was waited for ended, but not successfully (`failed`, `error`,
    /// `cancelled`; `completed` and `forwarded` are successes; exit code 7).
    CallUnsuccessful,
    /// Not yet: an earlier request (a call, an upload, a start) may still be carried out, so
    /// nothing was sent; run the same command again after the time the message gives
    /// (exit code 8).
    TooEarly,
}

impl ErrorClass {
    /// The process exit code.
    pub(crate) fn exit_code(self) -> u8 {
        match self {
            Self::Failed => 1,
            Self::Usage => 2,
            Self::NotFound => 3,
            Self::Auth => 4,
            Self::RateLimited => 5,
            Self::OutcomeUnknown => 6,
            Self::CallUnsuccessful => 7,
            Self::TooEarly => 8,
        }
    }

    /// The stable name of the class, for machine-readable output.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Failed => "failed",
            Self::Usage => "usage",
            Self::NotFound => "not_found",
            Self::Auth => "auth",
            Self::RateLimited => "rate_limited",
            Self::OutcomeUnknown => "outcome_unknown",
            Self::CallUnsuccessful => "call_unsuccessful",
            Self::TooEarly => "too_early",
        }
    }
}

/// A failed command: what went wrong, what to do next (the hint), and its class.
#[derive(Debug)]
pub(crate) struct CliError {
    message: String,
    hint: Option<String>,
    class: ErrorClass,
    request_id: Option<String>,
    /// The body of an answer that could not be read (secrets masked): logged at DEBUG
    /// (`--verbose`) and given as `body` in the JSON form.
    body: Option<String>,
    /// The API operation that failed, for an error from the SDK.
    operation: Option<&'static str>,
}

impl CliError {
    /// The same error with its message rewritten by `f` (class, hint and request id kept).
    pub(crate) fn map_message(mut self, f: impl FnOnce(String) -> String) -> Self {
        self.message = f(std::mem::take(&mut self.message));
        self
    }

    /// An error of the given class.
    pub(crate) fn new(class: ErrorClass, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: None,
            class,
            request_id: None,
            body: None,
            operation: None,
        }
    }

    /// A mistake in how the command was called (exit code 2).
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorClass::Usage, message)
    }

    /// Anything else (exit code 1). The message says what went wrong and what to do.
    pub(crate) fn failed(message: impl Into<String>) -> Self {
        Self::new(ErrorClass::Failed, message)
    }

    /// An id or name that matches nothing (exit code 3).
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorClass::NotFound, message)
    }

    /// Sets what to do next.
    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// What kind of failure this is.
    pub(crate) fn class(&self) -> ErrorClass {
        self.class
    }

    /// What to do next, if the error says.
    pub(crate) fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// The API operation that failed, for an error from the SDK.
    pub(crate) fn operation(&self) -> Option<&'static str> {
        self.operation
    }

    /// A local file could not be read or written.
    pub(crate) fn io(what: impl fmt::Display, err: &std::io::Error) -> Self {
        Self::failed(format!("{what}: {err}")).with_hint("check the path and its permissions")
    }

    /// The exit code.
    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.class.exit_code())
    }

    /// Prints the error on stderr: one line `error: …; hint` (bounded in length, control
    /// characters escaped), or with `json` one JSON object `{"code", "message", "hint",
    /// "exit_code", "request_id", "body"}` ([`json`](Self::json)). The body of an answer
    /// that could not be read is logged at DEBUG first, so `--verbose` shows it.
    pub(crate) fn print(&self, json: bool) {
        if let Some(body) = &self.body {
            tracing::debug!(
                target: "ringg",
                "the server's answer as received (secrets masked): {}",
                for_terminal(&one_line(body), MAX_ERROR_LINE_CHARS)
            );
        }
        if json {
            crate::term::err_line(self.json().to_string());
        } else {
            crate::term::err_line(format!("error: {}", self.for_terminal()));
        }
    }

    /// The error as the JSON object printed with `--output json`: `code` is the class's
    /// stable name, `message` and `hint` are as the text form shows them (bounded, one line,
    /// control characters escaped; `hint` null when there is none).
    pub(crate) fn json(&self) -> serde_json::Value {
        let bound = |s: &str| for_terminal(&one_line(s), MAX_ERROR_LINE_CHARS);
        serde_json::json!({
            "code": self.class.name(),
            "message": bound(&self.message),
            "hint": self.hint.as_deref().map(bound),
            "exit_code": self.class.exit_code(),
            "request_id": self.request_id,
            "body": self.body.as_deref().map(bound),
        })
    }

    /// The message and hint as [`print`](Self::print) shows them.
    pub(crate) fn for_terminal(&self) -> String {
        let text = match &self.hint {
            Some(h) => format!("{}; {h}", self.message),
            None => self.message.clone(),
        };
        for_terminal(&one_line(&text), MAX_ERROR_LINE_CHARS)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "; {h}")?;
        }
        Ok(())
    }
}

impl From<ringg_api::Error> for CliError {
    fn from(e: ringg_api::Error) -> Self {
        let class = if e.is_outcome_unknown() {
            ErrorClass::OutcomeUnknown
        } else if e.kind() == ringg_api::ErrorKind::TooEarly {
            ErrorClass::TooEarly
        } else if e.is_not_found() {
            ErrorClass::NotFound
        } else if e.is_auth()
            && (e.status().is_some_and(|s| s.as_u16() == 401)
                || crate::hints::is_permission_message(e.message()))
        {
            // A 403 that refuses the request's content (Ringg answers some refused edits
            // so) is not the key's fault.
            ErrorClass::Auth
        } else if e.is_rate_limited() {
            ErrorClass::RateLimited
        } else if e.kind() == ringg_api::ErrorKind::InvalidInput {
            // Refused by the SDK's checks (of the input, or of what it looked up first):
            // the command's input needs fixing.
            ErrorClass::Usage
        } else {
            ErrorClass::Failed
        };
        let mut err = Self::new(class, crate::hints::describe(&e));
        err.hint = crate::hints::hint(&e);
        err.request_id = e.request_id().map(|id| id.to_string());
        err.operation = e.operation();
        // An answer that could not be read: its body is what a report needs. Only a JSON
        // document, whose secrets the masking finds by their field names: in other text (an
        // HTML page, a Python repr) it finds only the client's own key.
        if e.kind() == ringg_api::ErrorKind::Decode || e.field_path().is_some() {
            err.body = e.body_text().filter(|b| {
                serde_json::from_str::<serde_json::Value>(b)
                    .is_ok_and(|v| v.is_object() || v.is_array())
            });
        }
        err
    }
}

/// The advice after an upload whose outcome is unknown (no answer, or an answer naming no list).
const UPLOAD_UNKNOWN_HINT: &str = "run the same `ringg campaigns launch` again: it looks for the uploaded list by name before it uploads anything again (`ringg campaigns list` shows the campaigns)";

impl From<ringg_api::campaigns::LaunchError> for CliError {
    /// A refused launch keeps its explanation (nothing was sent); a failed step is its SDK
    /// error in the CLI's words, naming the step, with `campaigns resume` as the way on when
    /// the list was uploaded.
    fn from(e: ringg_api::campaigns::LaunchError) -> Self {
        use ringg_api::campaigns::{LaunchError, LaunchStep};
        match e {
            LaunchError::Failed {
                step,
                list_id,
                error,
            } => {
                let kind = error.kind();
                // For a launch under way elsewhere, the SDK's advice says when to run it
                // again; the call advice and the resume advice do not fit.
                let too_early = (kind == ringg_api::ErrorKind::TooEarly).then(|| error.hint());
                let refused = kind == ringg_api::ErrorKind::InvalidInput;
                let unknown = error.is_outcome_unknown();
                let mut err = CliError::from(error);
                err.message = if too_early.is_some() {
                    // Nothing failed: the launch waits, deliberately, before it sends anything.
                    format!("campaign launch stopped at {step}: {}", err.message)
                } else {
                    format!("campaign launch failed at {step}: {}", err.message)
                };
                let list_id_missing = list_id.is_none();
                if let Some(list) = list_id {
                    err.message
                        .push_str(&format!("; the contact list {list} was uploaded"));
                    err.hint = Some(match step {
                        LaunchStep::CheckBalance if refused => format!(
                            "top up the workspace (`ringg workspace show` shows the balance), then `ringg campaigns resume {list}` continues from the list; do not upload the CSV again"
                        ),
                        LaunchStep::WaitForUpload if refused => {
                            "fix the rejected rows in the CSV and launch it again".to_string()
                        }
                        _ => format!(
                            "do not upload the CSV again: `ringg campaigns status {list}` shows whether it started, `ringg campaigns resume {list}` continues from the list"
                        ),
                    });
                }
                if unknown
                    && list_id_missing
                    && matches!(step, LaunchStep::Save | LaunchStep::UploadCsv)
                {
                    // The upload may have made a list; the launch's own recovery finds it.
                    err.hint = Some(UPLOAD_UNKNOWN_HINT.into());
                }
                if let Some(hint) = too_early {
                    err.hint = hint;
                }
                err
            }
            refused => CliError::failed(refused.to_string()),
        }
    }
}

/// Collapses a message to one line.
pub(crate) fn one_line(s: &str) -> String {
    s.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_launch_step_speaks_the_clis_language() {
        let error = ringg_api::Error::from_response(
            "startCampaignV2",
            ringg_api::transport::http::StatusCode::INTERNAL_SERVER_ERROR,
            &ringg_api::transport::http::HeaderMap::new(),
            br#"{"detail":"boom"}"#.to_vec().into(),
        );
        let e = CliError::from(ringg_api::campaigns::LaunchError::Failed {
            step: ringg_api::campaigns::LaunchStep::Start,
            list_id: Some(ringg_api::types::ListId::new("list-1")),
            error,
        });
        let shown = e.for_terminal();
        assert!(shown.contains("failed at the start"), "{shown}");
        assert!(
            !shown.contains("startCampaignV2") && !shown.contains("POST /"),
            "{shown}"
        );
        assert!(shown.contains("ringg campaigns resume list-1"), "{shown}");
    }

    #[test]
    fn a_launch_short_of_credits_is_told_to_top_up_and_resume() {
        let e = CliError::from(ringg_api::campaigns::LaunchError::Failed {
            step: ringg_api::campaigns::LaunchStep::CheckBalance,
            list_id: Some(ringg_api::types::ListId::new("list-1")),
            error: ringg_api::Error::invalid_input(
                "not enough credits for campaign list-1: it requires 10 credits and 2 are available",
            ),
        });
        let hint = e.hint().unwrap();
        assert!(
            hint.contains("top up the workspace") && hint.contains("ringg campaigns resume list-1"),
            "{hint}"
        );
        assert!(!e.message.contains("top up"), "{}", e.message);
    }

    #[test]
    fn an_upload_of_unknown_outcome_is_told_to_run_the_launch_again() {
        let e = CliError::from(ringg_api::campaigns::LaunchError::Failed {
            step: ringg_api::campaigns::LaunchStep::UploadCsv,
            list_id: None,
            error: ringg_api::Error::from_transport(ringg_api::transport::TransportError::new(
                ringg_api::transport::TransportErrorKind::OutcomeUnknown,
                ringg_api::transport::SendState::MaybeSent,
                "no answer within 30 s",
            )),
        });
        let hint = e.hint().unwrap();
        assert!(
            hint.contains("run the same `ringg campaigns launch` again"),
            "{hint}"
        );
    }

    #[test]
    fn an_unknown_outcome_names_the_command_that_shows_it() {
        let unknown = |operation| {
            CliError::from(ringg_api::Error::from_transport(
                ringg_api::transport::TransportError::new(
                    ringg_api::transport::TransportErrorKind::OutcomeUnknown,
                    ringg_api::transport::SendState::MaybeSent,
                    "no answer within 30 s",
                )
                .with_operation(operation),
            ))
            .hint()
            .unwrap()
            .to_owned()
        };
        assert!(unknown("startCampaignV2").contains("`ringg campaigns list`"));
        assert!(unknown("createAssistant").contains("`ringg assistants list`"));
        assert!(unknown("createKnowledgeBase").contains("`ringg kb list`"));
        assert!(unknown("someOtherOperation").contains("matching `list` or `show` command"));
    }

    #[test]
    fn messages_become_one_line() {
        assert_eq!(one_line("a\n\n  b \n"), "a b");
    }

    #[test]
    fn json_errors_carry_the_class_name_message_and_hint() {
        let e = CliError::not_found("no assistant named x").with_hint("`ringg assistants list`");
        let j = e.json();
        assert_eq!(j["code"], "not_found");
        assert_eq!(j["exit_code"], 3);
        assert_eq!(j["message"], "no assistant named x");
        assert_eq!(j["hint"], "`ringg assistants list`");
        assert!(CliError::usage("x").json()["hint"].is_null());
    }

    #[test]
    fn printed_messages_are_escaped_and_bounded() {
        let e = CliError::failed("HTTP 400: \x1b]0;pwned\x07\x1b[2J evil\r\nnext");
        let shown = e.for_terminal();
        assert!(!shown.contains('\x1b') && !shown.contains('\x07') && !shown.contains('\r'));
        assert!(shown.contains("\\u{1b}]0;pwned\\u{7}"), "{shown}");
        let long = CliError::failed("x".repeat(100_000));
        let shown = long.for_terminal();
        assert!(
            shown.chars().count() < MAX_ERROR_LINE_CHARS + 40,
            "{}",
            shown.len()
        );
        assert!(shown.ends_with("(98000 more characters)"), "{shown}");
    }
}
