//! The command line of `ringg campaigns`: its subcommands, flags and options (clap derive).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::args::{PageArgs, parse_key_value};

/// `ringg campaigns …`.
#[derive(Debug, Subcommand)]
pub(crate) enum CampaignsCmd {
    /// Pre-flight check of a contact CSV: every bad row with its line.
    Check(CheckArgs),
    /// Check, upload and start a campaign, then follow its progress.
    Launch(LaunchArgs),
    /// Campaigns of the workspace with their counts.
    List(PageArgs),
    /// One campaign's status and counts.
    Status {
        /// The campaign: its list id, name or an id prefix.
        id: String,
    },
    /// List the campaign launches of the journal that are not finished (an interrupted
    /// launch, a lost answer), each with the command that finishes it.
    Pending,
    /// Continue a launch that stopped after its upload (a crash, too few credits, a refused
    /// start) from the journal: start the campaign unless it was started already.
    Resume {
        /// The campaign: the list id the launch reported, its name or an id prefix.
        list_id: String,
        /// Return without following the progress.
        #[arg(long)]
        no_follow: bool,
    },
    /// Delete the contact list of a campaign that was never started
    /// (DELETE /calling/contact/{list_id}).
    Discard {
        /// The campaign: its list id, name or an id prefix.
        list_id: String,
        /// Delete without asking (for scripts). Without it the list is shown first and the
        /// question is asked on a terminal; with no terminal the command refuses.
        #[arg(long)]
        yes: bool,
    },
    /// The single steps of the flows.
    #[command(flatten)]
    Steps(super::step_args::StepsCmd),
}

/// `ringg campaigns check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The contact CSV (needs a `Mobile Number` column).
    pub(crate) file: PathBuf,
    /// The assistant whose variables the columns feed (id, name or id prefix).
    #[arg(long, value_name = "ID")]
    pub(crate) agent: String,
    /// Country for numbers without a + prefix (+91 or IN; +91 when not given, for the check,
    /// the plan and the launch alike).
    #[arg(long, value_name = "CODE")]
    pub(crate) country: Option<String>,
    /// Map an assistant variable to a CSV column (repeatable), e.g. --map callee_name=Name.
    /// Unmapped variables are matched to a column of the same name.
    #[arg(long = "map", value_name = "VAR=COLUMN", value_parser = parse_key_value)]
    pub(crate) map: Vec<(String, String)>,
    /// Skip bad rows instead of refusing the file (without it, any bad row fails the check
    /// and the launch, as Ringg would reject the whole upload).
    #[arg(long)]
    pub(crate) remove_invalid_rows: bool,
}

impl CheckArgs {
    /// The country code numbers without a `+` are read with: `--country`, else +91 (what
    /// the launch sends), so the check, the plan and the launch read every row alike.
    pub(crate) fn country_code(&self) -> String {
        self.country.clone().unwrap_or_else(|| "+91".to_string())
    }
}

/// `ringg campaigns launch`.
#[derive(Debug, Args)]
pub(crate) struct LaunchArgs {
    /// Pre-flight options.
    #[command(flatten)]
    pub(crate) check: CheckArgs,
    /// Campaign name.
    #[arg(long)]
    pub(crate) name: String,
    /// Callers.
    #[command(flatten)]
    pub(crate) callers: CampaignCallers,
    /// Start time, "DD/MM/YYYY, HH:MM" in the campaign's time zone (default: with --end left
    /// out too, the next hours outside every recipient's quiet hours, from two minutes from
    /// now; with --end given, two minutes from now).
    #[arg(long, value_name = "WHEN")]
    pub(crate) start: Option<String>,
    /// End time, "DD/MM/YYYY, HH:MM" (default: when the quiet hours of a recipient begin,
    /// at most 12 hours after the start; with --start only, 12 hours after it).
    #[arg(long, value_name = "WHEN")]
    pub(crate) end: Option<String>,
    /// Time zone of the start and end times (IANA name; default: the profile's, else this
    /// system's).
    #[arg(
        long,
        env = "RINGG_TIMEZONE",
        hide_env_values = true,
        value_name = "TZ"
    )]
    pub(crate) timezone: Option<String>,
    /// Hours nobody is called, at each recipient's local time (the number's country gives
    /// the zone; otherwise the campaign's): HH:MM-HH:MM, or off. Default: the profile's,
    /// else 21:00-09:00.
    #[arg(
        long,
        env = "RINGG_QUIET_HOURS",
        hide_env_values = true,
        value_name = "HOURS"
    )]
    pub(crate) quiet_hours: Option<String>,
    /// Launch even when rows would be dialled in their quiet hours.
    #[arg(long)]
    pub(crate) allow_quiet_hours: bool,
    /// Launch even when a number appears on several rows (each row is called, so that person
    /// would be called once per row).
    #[arg(long)]
    pub(crate) allow_duplicate_numbers: bool,
    /// Calls at once assumed for the estimates of the plan (Ringg does not report a
    /// workspace's concurrency).
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub(crate) concurrency: u32,
    /// Retries of an unanswered or busy call (sent as call_retry_config; default: the
    /// assistant's).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=10))]
    pub(crate) retries: Option<u32>,
    /// Minutes between retries (with --retries).
    #[arg(long, default_value_t = 30, value_name = "MIN", requires = "retries")]
    pub(crate) retry_minutes: u32,
    /// A file over the 10 MiB upload limit is launched as several campaigns ("NAME (part
    /// k/N)"), each under the limit.
    #[arg(long)]
    pub(crate) split: bool,
    /// Upload the file byte for byte, so Ringg reads every number its own way. By default the
    /// launch uploads what it checked: the valid rows, each number written as the check read
    /// it (+919876543210), every other field as it is.
    #[arg(long)]
    pub(crate) upload_as_written: bool,
    /// Check everything and print the plan (rows, flow, window, when the first and last
    /// calls are dialled, credits, rows in quiet hours); upload nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Launch without asking (for scripts). Without it the plan is shown and the question is
    /// asked on a terminal; with no terminal the launch is refused.
    #[arg(long)]
    pub(crate) yes: bool,
    /// Launch and return without following the progress (otherwise it follows up to
    /// --timeout, default 86400 s).
    #[arg(long)]
    pub(crate) no_follow: bool,
}

/// Where campaign calls come from.
#[derive(Debug, Args)]
#[group(id = "campaign_callers", required = true, multiple = false)]
pub(crate) struct CampaignCallers {
    /// A number pool (its id or an id prefix, as `ringg numbers list` shows it).
    #[arg(long, value_name = "ID")]
    pub(crate) number_pool: Option<String>,
    /// Caller numbers: E.164, number ids, display names or id prefixes (repeatable); each
    /// must be a number of the workspace.
    #[arg(long, value_name = "NUMBER")]
    pub(crate) from_number: Vec<String>,
}
