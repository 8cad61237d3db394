//! The command line of `ringg completion` (clap derive).

use clap::Args;
use clap_complete::Shell;

/// `ringg completion`.
#[derive(Debug, Args)]
pub(crate) struct CompletionArgs {
    /// The shell: bash, zsh, fish or powershell (also elvish).
    #[arg(value_enum)]
    pub(crate) shell: Shell,
}
