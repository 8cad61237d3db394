//! `ringg completion SHELL`: a completion script generated from the command tree.

use clap::Args;
use clap_complete::Shell;

use crate::error::CliError;

/// `ringg completion`.
#[derive(Debug, Args)]
pub(crate) struct CompletionArgs {
    /// The shell: bash, zsh, fish or powershell (also elvish).
    #[arg(value_enum)]
    pub(crate) shell: Shell,
}

/// Writes the completion script for the shell to stdout.
pub(crate) fn run(args: &CompletionArgs) -> Result<(), CliError> {
    let mut cmd = crate::cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "ringg", &mut script);
    crate::term::emit(String::from_utf8_lossy(&script).trim_end());
    Ok(())
}
