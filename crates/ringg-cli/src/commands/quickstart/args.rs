//! The command line of `ringg quickstart`: its subcommands, flags and options (clap derive).

use std::path::PathBuf;

use clap::Args;

use crate::args::parse_key_value;

/// `ringg quickstart`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("webhook_secrets").args(["webhook_secret", "webhook_secret_file"])))]
pub(crate) struct QuickstartArgs {
    /// The number to call (E.164). Required, with --yes, against a real server.
    #[arg(long, value_name = "E164")]
    pub(crate) to: Option<String>,
    /// Confirms that a real phone call may be placed (needed with --base-url).
    #[arg(long)]
    pub(crate) yes: bool,
    /// Call even though an earlier call to the same number for the same assistant is not
    /// settled (it may have been placed: see `ringg calls reconcile --pending`), or was placed
    /// within the last hour (as `calls create --force`).
    #[arg(long)]
    pub(crate) force: bool,
    /// The callee's name.
    #[arg(long, default_value = "Asha")]
    pub(crate) name: String,
    /// Use this assistant instead of the first outbound one.
    #[arg(long, value_name = "ID")]
    pub(crate) agent: Option<String>,
    /// Call from this number id instead of the first number of the workspace.
    #[arg(long, value_name = "ID")]
    pub(crate) from_number_id: Option<String>,
    /// A prompt variable for the call (repeatable), e.g. --var company_name=Acme.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_key_value)]
    pub(crate) vars: Vec<(String, String)>,
    /// Against a remote server: the public HTTPS receiver to subscribe the assistant to
    /// (otherwise the webhook step is skipped).
    #[arg(long, value_name = "URL", requires = "webhook_secrets")]
    pub(crate) webhook_url: Option<String>,
    /// The shared secret Ringg sends in X-Webhook-Secret to --webhook-url. Visible to other
    /// users of this machine on the command line: prefer --webhook-secret-file.
    #[arg(long, value_name = "SECRET")]
    pub(crate) webhook_secret: Option<String>,
    /// Read the --webhook-secret from this file (`-`: from stdin). One trailing newline is
    /// dropped; an empty file is an error.
    #[arg(long, value_name = "PATH", conflicts_with = "webhook_secret")]
    pub(crate) webhook_secret_file: Option<PathBuf>,
    /// Simulator time scale: real seconds per simulated second.
    #[arg(long, default_value_t = 0.01, value_name = "X")]
    pub(crate) time_scale: f64,
    /// Simulator seed.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
}
