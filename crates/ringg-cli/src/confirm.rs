//! Asking before a command does what cannot be taken back (`campaigns launch`, `terminate`,
//! `assistants delete`, `kb delete`, `calls delete-list`, `campaigns discard`, `workspace
//! rotate-key`).
//!
//! On a terminal (stdin and stderr both terminals) the command shows what will happen
//! (counts, numbers, the window, credits) on stderr, each line broken at spaces to fit the
//! terminal, asks, and goes ahead only on "y". With
//! `--yes` it shows the same (unless `--quiet`) and goes ahead. Otherwise (a script, a pipe,
//! CI) it refuses with one usage error line (exit code 2) that names what would have happened
//! and says to add `--yes`. A question nobody can answer is never taken as a "yes".

use std::io::IsTerminal;

use crate::error::CliError;

/// What to do about a confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// `--yes` was given: go ahead without asking.
    Proceed,
    /// Ask on the terminal.
    Ask,
    /// Nobody can be asked and `--yes` is missing: refuse.
    Refuse,
}

/// The decision for `--yes` and whether a person is at a terminal.
pub(crate) fn decide(yes: bool, interactive: bool) -> Decision {
    match (yes, interactive) {
        (true, _) => Decision::Proceed,
        (false, true) => Decision::Ask,
        (false, false) => Decision::Refuse,
    }
}

/// True when a person can answer a question: stdin and stderr are terminals.
pub(crate) fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Shows `summary` (one line each, on stderr) and asks `question` (e.g. "Launch the
/// campaign?") unless `yes`. `action` names what is refused ("launching the campaign").
///
/// # Errors
/// A usage error when nobody can be asked and `yes` is false; a failure when the answer is no.
pub(crate) fn confirm(
    summary: &[String],
    question: &str,
    action: &str,
    yes: bool,
    quiet: bool,
) -> Result<(), CliError> {
    let decision = decide(yes, interactive());
    if decision == Decision::Refuse {
        return Err(refusal(action, summary.first().map(String::as_str)));
    }
    if decision == Decision::Ask || !quiet {
        for line in summary {
            crate::output::note_prose(false, line);
        }
    }
    match decision {
        Decision::Proceed | Decision::Refuse => Ok(()),
        Decision::Ask => {
            if ask(question)? {
                Ok(())
            } else {
                Err(CliError::failed(format!(
                    "not confirmed; nothing was done ({action} was cancelled)"
                )))
            }
        }
    }
}

/// [`confirm`] with a summary that is looked up only when it is shown or quoted: with `--yes`
/// and `--quiet` nothing is shown, so the requests that would only describe what goes (the
/// item's details, its name) are not sent.
pub(crate) async fn confirm_after(
    summary: impl AsyncFnOnce() -> Result<Vec<String>, CliError>,
    question: &str,
    action: &str,
    yes: bool,
    quiet: bool,
) -> Result<(), CliError> {
    let summary = if yes && quiet {
        Vec::new()
    } else {
        summary().await?
    };
    confirm(&summary, question, action, yes, quiet)
}

/// Asks `question` on stderr and reads one line from the terminal: true for `y` or `yes`
/// (any case); anything else, or the end of input, is a no.
fn ask(question: &str) -> Result<bool, CliError> {
    use std::io::{BufRead, Write};
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{question} [y/N] ");
    let _ = err.flush();
    drop(err);
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::failed(format!("could not read the answer: {e}")))?;
    Ok(is_yes(&line))
}

/// True for `y` or `yes`, in any case, around spaces.
fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// The refusal without a terminal and without `--yes`, naming what would have happened; the
/// way on (`--yes`) is the hint, so a JSON error carries it in `hint`.
pub(crate) fn refusal(action: &str, headline: Option<&str>) -> CliError {
    CliError::usage(format!(
        "refused: {action} needs a confirmation, and there is no terminal to ask on{}",
        headline.map(|h| format!(" ({h})")).unwrap_or_default()
    ))
    .with_hint("add --yes to go ahead")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorClass;

    #[test]
    fn answers() {
        assert!(is_yes("y\n") && is_yes(" YES ") && is_yes("Yes\r\n"));
        assert!(!is_yes("") && !is_yes("n") && !is_yes("yep") && !is_yes("no"));
    }

    #[test]
    fn decisions() {
        assert_eq!(decide(true, false), Decision::Proceed);
        assert_eq!(decide(true, true), Decision::Proceed);
        assert_eq!(decide(false, true), Decision::Ask);
        assert_eq!(decide(false, false), Decision::Refuse);
    }

    #[test]
    fn the_refusal_is_a_usage_error_naming_yes() {
        let e = refusal("launching the campaign", Some("plan: 5 call(s)"));
        assert_eq!(e.class(), ErrorClass::Usage);
        assert!(e.to_string().contains("--yes"), "{e}");
        assert!(e.to_string().contains("(plan: 5 call(s))"), "{e}");
        assert_eq!(e.json()["hint"], "add --yes to go ahead");
    }
}
