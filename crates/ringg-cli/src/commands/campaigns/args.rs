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
        /// The campaign (list) id.
        id: String,
    },
    /// Continue a launch that stopped after its upload (a crash, too few credits, a refused
    /// start) from the journal: start the campaign unless it was started already.
    Resume {
        /// The list id the launch reported.
        list_id: String,
        /// Return without following the progress.
        #[arg(long)]
        no_follow: bool,
    },
    /// Delete the contact list of a campaign that was never started
    /// (DELETE /calling/contact/{list_id}).
    Discard {
        /// The list id.
        list_id: String,
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
    /// The assistant whose variables the columns feed.
    #[arg(long, value_name = "ID")]
    pub(crate) agent: String,
    /// Country for numbers without a + prefix (+91 or IN; the launch sends +91 when not
    /// given).
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
    /// Start time, "DD/MM/YYYY, HH:MM" in the call timezone (default: in two minutes).
    #[arg(long, value_name = "WHEN")]
    pub(crate) start: Option<String>,
    /// End time, "DD/MM/YYYY, HH:MM" (default: 12 hours after the start).
    #[arg(long, value_name = "WHEN")]
    pub(crate) end: Option<String>,
    /// Timezone of the start and end times (IANA name).
    #[arg(long, default_value = "Asia/Kolkata", value_name = "TZ")]
    pub(crate) timezone: String,
    /// Launch and return without following the progress (otherwise it follows up to
    /// --timeout, default 86400 s).
    #[arg(long)]
    pub(crate) no_follow: bool,
}

/// Where campaign calls come from.
#[derive(Debug, Args)]
#[group(id = "campaign_callers", required = true, multiple = false)]
pub(crate) struct CampaignCallers {
    /// A number pool id.
    #[arg(long, value_name = "ID")]
    pub(crate) number_pool: Option<String>,
    /// Caller numbers or number ids (repeatable).
    #[arg(long, value_name = "NUMBER")]
    pub(crate) from_number: Vec<String>,
}
