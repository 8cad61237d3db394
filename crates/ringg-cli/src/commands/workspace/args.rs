//! The command line of `ringg workspace`: its subcommands, flags and options (clap derive).

use std::path::PathBuf;

use clap::Subcommand;

use crate::args::PageArgs;

/// `ringg workspace …`.
#[derive(Debug, Subcommand)]
pub(crate) enum WorkspaceCmd {
    /// The workspace, its credits, and a check of the key.
    Show,
    /// The workspaces the key's user belongs to, with roles and credits.
    List,
    /// Members of the workspace.
    Users(PageArgs),
    /// Issue a new API key: the current one stops working at once. The new key is written
    /// to --key-file (never printed); when the key in use is a profile's, the profile is
    /// given the new key too, otherwise the command says how to use the new one. The state
    /// folder's journal entries of the old key go with it; a fleet sharing a Redis
    /// (`--redis-url`) must rotate with that option too, so its records go with it as well.
    RotateKey {
        /// Where to write the new key (created with owner-only permissions).
        #[arg(long, value_name = "FILE")]
        key_file: PathBuf,
        /// Confirms the rotation.
        #[arg(long)]
        yes: bool,
    },
}
