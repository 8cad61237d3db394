//! The command line of `ringg calls`: its subcommands, flags and options (clap derive).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use crate::args::parse_key_value;

/// `ringg calls …`.
#[derive(Debug, Subcommand)]
pub(crate) enum CallsCmd {
    /// Place one call.
    Create(CreateCallArgs),
    /// Call history (one page, or every page with --all).
    List(ListCallsArgs),
    /// One call in detail.
    Get {
        /// The call: its id, or the beginning of it (among the newest 1,000 calls).
        id: String,
        /// Include the platform and client analysis.
        #[arg(long)]
        analysis: bool,
    },
    /// Wait until a call ends: completed, forwarded, failed, error or cancelled (up to
    /// --timeout, default 1800 s). Exits 0 when it completed or was forwarded (handed over to
    /// a person), 7 when it ended otherwise.
    Wait {
        /// The call: its id, or the beginning of it (among the newest 1,000 calls).
        id: String,
    },
    /// Call initiations whose outcome is not known (the command was interrupted, or the answer
    /// was lost), from the journal in the state folder.
    Pending,
    /// Find the call placed with a client reference (after an "outcome unknown" error), or
    /// settle every pending initiation with --pending.
    Reconcile {
        /// The client reference from the error message (rr-…).
        #[arg(required_unless_present = "pending", conflicts_with = "pending")]
        reference: Option<String>,
        /// Settle every initiation `ringg calls pending` lists, and print each outcome.
        #[arg(long, conflicts_with_all = ["agent", "to", "since", "max_rows"])]
        pending: bool,
        /// Only look at this assistant's calls.
        #[arg(long, value_name = "ID")]
        agent: Option<String>,
        /// Open the rows that do not echo their variables (one request each) only when they may
        /// have gone to this number (compared by its last seven digits; a row without a number
        /// is opened); rows that echo them are checked whatever their number.
        #[arg(long, value_name = "E164")]
        to: Option<String>,
        /// How far back to look (ISO date-time, or a date YYYY-MM-DD; without an offset, in
        /// the local time zone, or UTC with --utc; not in the future). Default: 24 hours, or
        /// from ten minutes before the call was sent when the reference (or the journal) records
        /// an earlier time.
        #[arg(long, value_name = "WHEN")]
        since: Option<String>,
        /// Give up after this many history rows without an answer (neither found nor ruled
        /// out).
        #[arg(long, value_name = "ROWS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        max_rows: u64,
        /// Record by hand, in the journal, that the initiation with this reference placed the
        /// call CALL_ID (after a reconcile that could not check the calls it named).
        #[arg(long, value_name = "CALL_ID", conflicts_with_all = ["pending", "not_placed", "agent", "to", "since", "max_rows"])]
        placed: Option<String>,
        /// Record by hand, in the journal, that the initiation with this reference placed no
        /// call (none of the calls a reconcile named is it): calling again is then allowed.
        #[arg(long, conflicts_with_all = ["pending", "agent", "to", "since", "max_rows"])]
        not_placed: bool,
    },
    /// Stream the call history, transcripts included, as JSON lines or CSV.
    Export(ExportArgs),
    /// Ringg's own export of the call history (CSV or ZIP) as one file, or Ringg's note that
    /// it emails the report instead.
    Download(DownloadArgs),
    /// Follow the calls live: each new call and each status change (and, with --listen,
    /// each webhook event) until Ctrl-C.
    Tail(TailArgs),
    /// Delete a contact list (a campaign's uploaded contacts) as it is, whatever its
    /// campaign's state. For a campaign that was never started prefer `ringg campaigns
    /// discard`, which checks that first and settles the journal.
    DeleteList {
        /// The list id (or the campaign's name or an id prefix).
        list_id: String,
        /// Delete without asking (for scripts). Without it the list is shown first and the
        /// question is asked on a terminal; with no terminal the command refuses.
        #[arg(long)]
        yes: bool,
    },
}

/// `ringg calls download`.
#[derive(Debug, Args)]
pub(crate) struct DownloadArgs {
    /// Filters.
    #[command(flatten)]
    pub(crate) filters: HistoryFilters,
    /// Include the analysis columns.
    #[arg(long)]
    pub(crate) analysis: bool,
    /// Write the file here (default: the name Ringg gives it, in the current folder). `-`
    /// writes it to stdout.
    #[arg(long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
}

/// `ringg calls tail`.
#[derive(Debug, Args)]
pub(crate) struct TailArgs {
    /// Only this assistant's calls (id, name or id prefix).
    #[arg(long, value_name = "ID")]
    pub(crate) agent: Option<String>,
    /// Only changes to this status.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(
        ringg_api::types::CallStatus::KNOWN.iter().map(|s| s.as_str())
    ))]
    pub(crate) status: Option<String>,
    /// Also run a webhook receiver on this address (e.g. 127.0.0.1:8787) and print its
    /// events; subscribe an assistant to it with `ringg webhooks subscribe`.
    #[arg(long, value_name = "ADDR")]
    pub(crate) listen: Option<String>,
    /// The receiver's shared secret, from this file (`-`: stdin); or RINGG_WEBHOOK_SECRET.
    #[arg(long, value_name = "PATH", requires = "listen")]
    pub(crate) secret_file: Option<PathBuf>,
    /// The header carrying the secret.
    #[arg(
        long,
        default_value = "X-Webhook-Secret",
        value_name = "NAME",
        requires = "listen"
    )]
    pub(crate) secret_header: String,
}

/// Where a call comes from.
#[derive(Debug, Args)]
#[group(id = "caller", required = true, multiple = false)]
pub(crate) struct CallerArgs {
    /// A number of the workspace: its id, display name or id prefix (`ringg numbers list`).
    #[arg(long, value_name = "ID")]
    pub(crate) from_number_id: Option<String>,
    /// A caller number of the workspace (E.164).
    #[arg(long, value_name = "E164")]
    pub(crate) from_number: Option<String>,
    /// A number pool (its id or an id prefix, as `ringg numbers list` shows it).
    #[arg(long, value_name = "ID")]
    pub(crate) number_pool: Option<String>,
}

/// `ringg calls create`.
#[derive(Debug, Args)]
pub(crate) struct CreateCallArgs {
    /// The assistant (id, name or id prefix).
    #[arg(long, value_name = "ID")]
    pub(crate) agent: String,
    /// The number to call (E.164; spaces and dashes are allowed: "+91 98765 43210").
    #[arg(long, value_name = "E164")]
    pub(crate) to: String,
    /// The callee's name.
    #[arg(long)]
    pub(crate) name: String,
    /// The caller.
    #[command(flatten)]
    pub(crate) caller: CallerArgs,
    /// A prompt variable (repeatable, each name once), e.g. --var order_id=ORD-1042;
    /// callee_name and mobile_number come from --name and --to.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_key_value)]
    pub(crate) vars: Vec<(String, String)>,
    /// Wait until the call ends and show it (up to --timeout, default 1800 s); exit 7 when
    /// it ended otherwise than completed or forwarded.
    #[arg(long)]
    pub(crate) wait: bool,
    /// Call even though an earlier initiation to the same number for the same assistant is
    /// not settled (it may have been placed: see `ringg calls reconcile --pending`), or was
    /// placed within the last hour.
    #[arg(long)]
    pub(crate) force: bool,
    /// Use the older endpoint (POST /calling/outbound/individual), which knows no number
    /// pools.
    #[arg(long, conflicts_with = "number_pool")]
    pub(crate) v1: bool,
    /// Call even when a variable of the assistant's prompt has no --var (the callee hears
    /// it blank).
    #[arg(long)]
    pub(crate) allow_missing_vars: bool,
    /// Send --var names the assistant does not use (without it such a name is refused as a
    /// likely typo).
    #[arg(long)]
    pub(crate) allow_unknown_vars: bool,
}

/// History filters.
#[derive(Debug, Clone, Args)]
pub(crate) struct HistoryFilters {
    /// From this time: a date YYYY-MM-DD, or an ISO date-time. A date or a time without an
    /// offset is in the local time zone (UTC with --utc), as tables show times.
    #[arg(long, value_name = "WHEN")]
    pub(crate) start: Option<String>,
    /// Until this time, included: a date YYYY-MM-DD (the whole day), or an ISO date-time. A
    /// date or a time without an offset is in the local time zone (UTC with --utc).
    #[arg(long, value_name = "WHEN")]
    pub(crate) end: Option<String>,
    /// Only this assistant's calls (id, name or id prefix).
    #[arg(long, value_name = "ID")]
    pub(crate) agent: Option<String>,
    /// Only calls with this status.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(
        ringg_api::types::CallStatus::KNOWN.iter().map(|s| s.as_str())
    ))]
    pub(crate) status: Option<String>,
    /// Only calls of this campaign (its list id, name or an id prefix).
    #[arg(long, value_name = "LIST_ID")]
    pub(crate) list: Option<String>,
}

/// `ringg calls list`.
#[derive(Debug, Args)]
pub(crate) struct ListCallsArgs {
    /// Filters.
    #[command(flatten)]
    pub(crate) filters: HistoryFilters,
    /// Rows per page (1-100).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub(crate) limit: u32,
    /// Rows to skip.
    #[arg(long, default_value_t = 0)]
    pub(crate) offset: u32,
    /// Every matching call, page after page (JSON lines with --output json).
    #[arg(long)]
    pub(crate) all: bool,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExportFormat {
    /// One JSON object per call and line.
    Jsonl,
    /// CSV with a header row; the transcript as text.
    Csv,
}

/// `ringg calls export`.
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum)]
    pub(crate) format: ExportFormat,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    /// Filters.
    #[command(flatten)]
    pub(crate) filters: HistoryFilters,
}
