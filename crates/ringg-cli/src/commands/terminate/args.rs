//! The command line of `ringg terminate`: its subcommands, flags and options (clap derive).

use clap::Args;

/// `ringg terminate`.
#[derive(Debug, Args)]
#[group(id = "what", required = true, multiple = true)]
pub(crate) struct TerminateArgs {
    /// Every queued call of this assistant.
    #[arg(long, value_name = "ID")]
    pub(crate) agent: Option<String>,
    /// These calls (up to 100).
    #[arg(long, value_name = "ID", num_args = 1..)]
    pub(crate) calls: Vec<String>,
    /// The whole campaign, or with --numbers only those numbers in it.
    #[arg(long, value_name = "ID")]
    pub(crate) campaign: Option<String>,
    /// These numbers (E.164, up to 100), across campaigns and individual calls.
    #[arg(long, value_name = "E164", num_args = 1..)]
    pub(crate) numbers: Vec<String>,
    /// Use the older dedicated paths (/campaign/terminate/agent, /calls, /campaign-numbers,
    /// /numbers), for a server that lacks PATCH /campaign/terminate.
    #[arg(long)]
    pub(crate) legacy: bool,
}
