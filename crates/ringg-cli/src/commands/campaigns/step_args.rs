//! The command line of the campaign flows' single steps (`ringg campaigns create | start |
//! upload-large | upload-status | check-balance | start-large`), for scripts that run the
//! steps themselves; `ringg campaigns launch` runs them all.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::args::parse_key_value;

/// The single steps of the standard and large campaign flows.
#[derive(Debug, Subcommand)]
pub(crate) enum StepsCmd {
    /// Standard flow, step 1: upload a contact CSV and save the campaign (POST
    /// /campaign/save); prints the list id to start it with. `campaigns launch` checks the
    /// CSV and runs every step.
    Create(CreateArgs),
    /// Standard flow, step 2: start a saved campaign from a number pool, or with --v1 from
    /// caller numbers.
    Start(StartArgs),
    /// Large flow (5,000+ rows), step 1: upload the CSV; processing continues on Ringg's side
    /// (see upload-status).
    UploadLarge(CreateArgs),
    /// Large flow, step 2: the processing state of an upload.
    UploadStatus {
        /// The campaign: the list id the upload printed (bulk_list_id), its name or an id prefix.
        list_id: String,
    },
    /// Large flow, step 3: whether the workspace's credits cover the campaign.
    CheckBalance {
        /// The campaign: its list id (bulk_list_id), name or an id prefix.
        list_id: String,
    },
    /// Large flow, step 4: start the campaign.
    StartLarge(StartLargeArgs),
}

/// `campaigns create` and `campaigns upload-large`.
#[derive(Debug, Args)]
pub(crate) struct CreateArgs {
    /// The contact CSV (needs a `Mobile Number` column).
    pub(crate) file: PathBuf,
    /// The assistant that makes the calls (id, name or id prefix).
    #[arg(long, value_name = "ID")]
    pub(crate) agent: String,
    /// Campaign name.
    #[arg(long)]
    pub(crate) name: String,
    /// Country code for numbers without a + prefix.
    #[arg(long, default_value = "+91", value_name = "CODE")]
    pub(crate) country: String,
    /// Map an assistant variable to a CSV column (repeatable), e.g. --map callee_name=Name.
    #[arg(long = "map", value_name = "VAR=COLUMN", value_parser = parse_key_value)]
    pub(crate) map: Vec<(String, String)>,
    /// Start time, "DD/MM/YYYY, HH:MM" (required by `create`).
    #[arg(long, value_name = "WHEN")]
    pub(crate) start: Option<String>,
    /// End time, "DD/MM/YYYY, HH:MM" (required by `create`).
    #[arg(long, value_name = "WHEN")]
    pub(crate) end: Option<String>,
    /// Have Ringg skip bad rows instead of refusing the file.
    #[arg(long)]
    pub(crate) remove_invalid_rows: bool,
}

/// The list a start step starts, and the assistant that calls.
#[derive(Debug, Args)]
pub(crate) struct StartTarget {
    /// The campaign: the list id the upload printed (list_id, or bulk_list_id for the large
    /// flow), its name or an id prefix.
    pub(crate) list_id: String,
    /// The assistant that makes the calls (id, name or id prefix).
    #[arg(long, value_name = "ID")]
    pub(crate) agent: String,
}

/// `campaigns start`.
#[derive(Debug, Args)]
pub(crate) struct StartArgs {
    /// The list and the assistant.
    #[command(flatten)]
    pub(crate) target: StartTarget,
    /// A number pool (its id or an id prefix; POST /campaign/v2/start).
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "v1",
        conflicts_with = "v1"
    )]
    pub(crate) number_pool: Option<String>,
    /// Use the older start endpoint (POST /campaign/start), which takes caller numbers
    /// (--from-number) instead of a pool.
    #[arg(long, requires = "from_number")]
    pub(crate) v1: bool,
    /// A caller number or number id (repeatable; with --v1).
    #[arg(long, value_name = "NUMBER", requires = "v1")]
    pub(crate) from_number: Vec<String>,
}

/// `campaigns start-large`.
#[derive(Debug, Args)]
pub(crate) struct StartLargeArgs {
    /// The list and the assistant.
    #[command(flatten)]
    pub(crate) target: StartTarget,
    /// A number pool (its id or an id prefix).
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "from_number",
        conflicts_with = "from_number"
    )]
    pub(crate) number_pool: Option<String>,
    /// A caller number or number id (repeatable).
    #[arg(long, value_name = "NUMBER")]
    pub(crate) from_number: Vec<String>,
    /// Start time, "DD/MM/YYYY, HH:MM".
    #[arg(long, value_name = "WHEN")]
    pub(crate) start: Option<String>,
    /// End time, "DD/MM/YYYY, HH:MM".
    #[arg(long, value_name = "WHEN")]
    pub(crate) end: Option<String>,
    /// The share of the workspace's concurrent calls this campaign may use (0-100).
    #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub(crate) concurrency: Option<u8>,
}
