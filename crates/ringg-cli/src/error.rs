//! The CLI's error: one line on stderr, an exit code from the scripting contract
//! ([`ErrorClass`]; crates/ringg-cli/README.md lists them).
//!
//! Error messages often carry a server's text. Before it reaches the terminal it is bounded
//! ([`MAX_SERVER_MESSAGE_CHARS`] of a server's message, [`MAX_ERROR_LINE_CHARS`] of the whole
//! line) and every control character in it is escaped, so a hostile server can neither flood
//! the terminal nor send it escape sequences.

use std::borrow::Cow;
use std::fmt;
use std::process::ExitCode;

use ringg_types::text::{escape_control, for_terminal, truncate_chars};

/// How many characters of a server's own message an error shows; the rest is counted
/// (`… (N more characters)`).
pub(crate) const MAX_SERVER_MESSAGE_CHARS: usize = 500;

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
    /// A call that was waited for ended, but not successfully (`failed`, `error`, …;
    /// exit code 7).
    #[allow(dead_code)]
    CallUnsuccessful,
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
        }
    }

    /// The stable name of the class, for machine-readable output.
    #[allow(dead_code)]
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Failed => "failed",
            Self::Usage => "usage",
            Self::NotFound => "not_found",
            Self::Auth => "auth",
            Self::RateLimited => "rate_limited",
            Self::OutcomeUnknown => "outcome_unknown",
            Self::CallUnsuccessful => "call_unsuccessful",
        }
    }
}

/// A failed command.
#[derive(Debug)]
pub(crate) struct CliError {
    message: String,
    class: ErrorClass,
}

impl CliError {
    /// An error of the given class.
    pub(crate) fn new(class: ErrorClass, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            class,
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

    /// What kind of failure this is.
    pub(crate) fn class(&self) -> ErrorClass {
        self.class
    }

    /// A local file could not be read or written.
    pub(crate) fn io(what: impl fmt::Display, err: &std::io::Error) -> Self {
        Self::failed(format!("{what}: {err}; check the path and its permissions"))
    }

    /// The exit code.
    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.class.exit_code())
    }

    /// Prints `error: …` on one line of stderr: bounded in length, control characters
    /// escaped.
    pub(crate) fn print(&self) {
        crate::term::err_line(format!("error: {}", self.for_terminal()));
    }

    /// The message as [`print`](Self::print) shows it.
    pub(crate) fn for_terminal(&self) -> String {
        for_terminal(&one_line(&self.message), MAX_ERROR_LINE_CHARS)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<ringg_api::Error> for CliError {
    fn from(e: ringg_api::Error) -> Self {
        // The SDK's Display describes the failure; the advice for a person at the terminal is
        // its hint ("check the API key: set RINGG_API_KEY …", "rate limited: retry after 7 s",
        // "… run `ringg calls reconcile rr-…`"), added after it. The server's message inside
        // Display is cut short, so the hint after it still shows. Display writes the message
        // escaped, so the escaped form is what is cut.
        let full = e.to_string();
        let escaped = escape_control(e.message());
        let mut message = match truncate_chars(&escaped, MAX_SERVER_MESSAGE_CHARS) {
            Cow::Borrowed(_) => full,
            Cow::Owned(short) => full.replacen(escaped.as_ref(), &short, 1),
        };
        if let Some(hint) = e.hint() {
            message.push_str("; ");
            message.push_str(&hint);
        }
        if e.hint().is_none() {
            match e.kind() {
                ringg_api::ErrorKind::Timeout => {
                    message.push_str("; try again later or raise --timeout")
                }
                ringg_api::ErrorKind::Api if e.is_not_found() => {
                    message.push_str("; check the id (list them with the matching `list` command)")
                }
                ringg_api::ErrorKind::Api => {
                    message.push_str("; fix the request as the message says and try again")
                }
                _ => {}
            }
        }
        let class = if e.is_outcome_unknown() {
            ErrorClass::OutcomeUnknown
        } else if e.is_not_found() {
            ErrorClass::NotFound
        } else if e.is_auth() {
            ErrorClass::Auth
        } else if e.is_rate_limited() {
            ErrorClass::RateLimited
        } else {
            ErrorClass::Failed
        };
        Self::new(class, message)
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
    fn a_long_escaped_server_message_is_cut_and_the_hint_kept() {
        let body = format!(r#"{{"detail":"{}"}}"#, "\\u001b".repeat(1000));
        let e = ringg_api::Error::from_response(
            "getWorkspace",
            ringg_api::transport::http::StatusCode::INTERNAL_SERVER_ERROR,
            &ringg_api::transport::http::HeaderMap::new(),
            body.into_bytes().into(),
        );
        let shown = CliError::from(e).for_terminal();
        assert!(!shown.contains('\x1b'));
        assert!(shown.contains("more characters"), "{shown}");
        assert!(shown.contains("server error"), "the hint is kept: {shown}");
        assert!(shown.chars().count() < 800, "{}", shown.chars().count());
    }

    #[test]
    fn messages_become_one_line() {
        assert_eq!(one_line("a\n\n  b \n"), "a b");
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
