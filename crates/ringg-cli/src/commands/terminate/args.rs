//! The command line of `ringg terminate`: its subcommands, flags and options (clap derive).

use clap::Args;

/// `ringg terminate`. The calls to stop are named by one of the four targets (the group
/// `what`; `--campaign` may be combined with `--numbers`); the other flags only change how.
#[derive(Debug, Args)]
#[group(skip)]
#[command(group(
    clap::ArgGroup::new("what")
        .required(true)
        .multiple(true)
        .args(["agent", "calls", "campaign", "numbers"])
))]
pub(crate) struct TerminateArgs {
    /// Every queued call of this assistant (id, name or id prefix).
    #[arg(long, value_name = "ID")]
    pub(crate) agent: Option<String>,
    /// These calls: whole ids, or the 8-character prefixes tables show (looked for among
    /// the newest 1000 calls). Any number: they are sent 100 at a time.
    #[arg(long, value_name = "ID", num_args = 1..)]
    pub(crate) calls: Vec<String>,
    /// The whole campaign (id, name or id prefix), or with --numbers only those numbers in
    /// it.
    #[arg(long, value_name = "ID")]
    pub(crate) campaign: Option<String>,
    /// These numbers (E.164; any number of them, sent 100 at a time), across campaigns and
    /// individual calls.
    #[arg(long, value_name = "E164", num_args = 1..)]
    pub(crate) numbers: Vec<String>,
    /// Use the older dedicated paths (/campaign/terminate/agent, /calls, /campaign-numbers,
    /// /numbers), for a server that lacks PATCH /campaign/terminate.
    #[arg(long)]
    pub(crate) legacy: bool,
    /// With --agent: leave the calls of campaigns scheduled to start later (Ringg's
    /// termination by assistant cancels them too); the others are stopped by id. A call the
    /// history does not place in a campaign, where a later campaign's calls cannot be looked
    /// up, is left too, and named.
    #[arg(long)]
    pub(crate) keep_scheduled: bool,
    /// Cancel without asking (for scripts). Without it the calls to cancel are counted and
    /// shown first, and the question is asked on a terminal; with no terminal the command
    /// refuses.
    #[arg(long)]
    pub(crate) yes: bool,
}
