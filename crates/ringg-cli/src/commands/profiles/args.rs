//! The command line of `ringg login` and `ringg profiles`: their flags and options (clap
//! derive).

use clap::{Args, Subcommand};

/// `ringg login`: the profile is named by --profile (default: `sim` with --sim, else
/// `default`); --base-url (or RINGG_BASE_URL) gives its server, else the profile's own when it
/// exists, else production. The
/// key is never taken from the command line: it is asked for, or read from stdin when stdin
/// is not a terminal (or from --api-key-file).
#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    /// Make it the default profile even when another one is.
    #[arg(long)]
    pub(crate) default: bool,
}

/// `ringg profiles …`.
#[derive(Debug, Subcommand)]
pub(crate) enum ProfilesCmd {
    /// The saved profiles (the default one marked), their servers and workspaces; keys are
    /// never shown.
    List,
    /// Make a profile the default.
    Use {
        /// The profile.
        name: String,
    },
    /// Forget a profile and delete its key file.
    Remove {
        /// The profile.
        name: String,
    },
}
