//! `ringg completion SHELL`: a completion script generated from the command tree.

pub(crate) mod args;

use crate::error::CliError;
use args::CompletionArgs;

/// Writes the completion script for the shell to stdout.
pub(crate) fn run(args: &CompletionArgs) -> Result<(), CliError> {
    let mut cmd = crate::cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "ringg", &mut script);
    crate::term::emit(String::from_utf8_lossy(&script).trim_end());
    Ok(())
}
