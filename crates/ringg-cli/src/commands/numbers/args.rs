//! The command line of `ringg numbers`: its subcommands, flags and options (clap derive).

use clap::Subcommand;

use crate::args::PageArgs;

/// `ringg numbers …`.
#[derive(Debug, Subcommand)]
pub(crate) enum NumbersCmd {
    /// Caller numbers (their ids are the --from-number-id of calls).
    List(PageArgs),
}
