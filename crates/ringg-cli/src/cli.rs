//! The command line: every command, flag and option (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Talk to the Ringg AI voice-agent API: assistants, calls, campaigns, webhooks, analytics.
///
/// New here? `ringg quickstart` runs the whole integration against a local simulator, no
/// account needed. Every other command talks to the server given by --base-url (default: the
/// production API) with the key given by --api-key or RINGG_API_KEY; add --sim to try any
/// command against a throw-away local simulator instead.
#[derive(Debug, Parser)]
#[command(
    name = "ringg",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub(crate) struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub(crate) struct GlobalArgs {
    /// API base URL (default: https://prod-api.ringg.ai/ca/api/v0). Plain http:// only for
    /// loopback addresses such as a local simulator.
    #[arg(long, global = true, env = "RINGG_BASE_URL", value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// Workspace API key (sent as X-API-KEY; never printed).
    #[arg(
        long,
        global = true,
        env = "RINGG_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub(crate) api_key: Option<String>,
    /// Output format: `table` for people, `json` for programs (one JSON document per
    /// command; JSON lines for streams).
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = OutputMode::Table)]
    pub(crate) output: OutputMode,
    /// Log requests and decisions to stderr (debug level).
    #[arg(long, short = 'v', global = true, conflicts_with = "quiet")]
    pub(crate) verbose: bool,
    /// Only results and errors: no progress, no notes.
    #[arg(long, short = 'q', global = true)]
    pub(crate) quiet: bool,
    /// Run this one command against a fresh local simulator (its demo workspace) instead of
    /// a server; --base-url and --api-key are ignored.
    #[arg(long, global = true)]
    pub(crate) sim: bool,
}

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputMode {
    /// Human-readable tables and lines.
    Table,
    /// JSON: the API's typed models as serde writes them.
    Json,
}

/// Every command.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run Ringg's recommended integration end to end (a local simulator by default).
    Quickstart(QuickstartArgs),
    /// The workspace: details and credits, members, key rotation.
    #[command(subcommand)]
    Workspace(WorkspaceCmd),
    /// Caller numbers of the workspace.
    #[command(subcommand)]
    Numbers(NumbersCmd),
    /// The local simulator of the Ringg API.
    #[command(subcommand)]
    Sim(SimCmd),
}

/// `ringg quickstart`.
#[derive(Debug, Args)]
pub(crate) struct QuickstartArgs {
    /// The number to call (E.164). Required, with --yes, against a real server.
    #[arg(long, value_name = "E164")]
    pub(crate) to: Option<String>,
    /// Confirms that a real phone call may be placed (needed with --base-url).
    #[arg(long)]
    pub(crate) yes: bool,
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
    #[arg(long, value_name = "URL", requires = "webhook_secret")]
    pub(crate) webhook_url: Option<String>,
    /// The shared secret Ringg sends in X-Webhook-Secret to --webhook-url.
    #[arg(long, value_name = "SECRET")]
    pub(crate) webhook_secret: Option<String>,
    /// Simulator time scale: real seconds per simulated second.
    #[arg(long, default_value_t = 0.01, value_name = "X")]
    pub(crate) time_scale: f64,
    /// Simulator seed.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// Give up waiting for the call and its webhooks after this many seconds.
    #[arg(long, default_value_t = 120, value_name = "SECS")]
    pub(crate) timeout: u64,
}

/// `ringg workspace …`.
#[derive(Debug, Subcommand)]
pub(crate) enum WorkspaceCmd {
    /// The workspace, its credits, and a check of the key.
    Show,
    /// Members of the workspace.
    Users(PageArgs),
    /// Issue a new API key: the current one stops working at once. The new key is written
    /// to --key-file (never printed).
    RotateKey {
        /// Where to write the new key (created with owner-only permissions).
        #[arg(long, value_name = "FILE")]
        key_file: PathBuf,
        /// Confirms the rotation.
        #[arg(long)]
        yes: bool,
    },
}

/// `--limit` / `--offset` / `--all`.
#[derive(Debug, Clone, Args)]
pub(crate) struct PageArgs {
    /// Rows per page (1-100).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub(crate) limit: u32,
    /// Rows to skip.
    #[arg(long, default_value_t = 0)]
    pub(crate) offset: u64,
    /// Every row, page after page.
    #[arg(long)]
    pub(crate) all: bool,
}

/// `ringg numbers …`.
#[derive(Debug, Subcommand)]
pub(crate) enum NumbersCmd {
    /// Caller numbers (their ids are the --from-number-id of calls).
    List(PageArgs),
}

/// `ringg sim …`.
#[derive(Debug, Subcommand)]
pub(crate) enum SimCmd {
    /// Run the simulator until Ctrl-C; prints its base_url and api_key.
    Serve {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Real seconds per simulated second (0.01 makes a 3-minute call take 1.8 s).
        #[arg(long, default_value_t = 1.0, value_name = "X")]
        time_scale: f64,
        /// Seed for call outcomes and generated ids.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Fault injection, e.g. `rate=0.2,kinds=503+429,seed=7`.
        #[arg(long, default_value = "off", value_name = "SPEC")]
        faults: String,
        /// Seed this many finished calls into the history.
        #[arg(long, default_value_t = 0, value_name = "N")]
        history_rows: usize,
    },
}

/// Parses `KEY=VALUE` (the value may contain `=`).
pub(crate) fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn key_values() {
        assert_eq!(
            parse_key_value("a=b=c").unwrap(),
            ("a".into(), "b=c".into())
        );
        assert!(parse_key_value("=x").is_err());
        assert!(parse_key_value("nothing").is_err());
    }
}
