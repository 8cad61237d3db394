//! The command line: every command, flag and option (clap derive).

use std::path::PathBuf;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use ringg_types::text::for_terminal;

use crate::args::{PageArgs, parse_header, parse_key_value};
use crate::error::MAX_ERROR_LINE_CHARS;
use crate::output::OutputMode;

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
    /// Workspace API key (sent as X-API-KEY; never printed). Without this flag and
    /// --api-key-file: the RINGG_API_KEY environment variable. A key given on the command
    /// line is visible to other users of this machine (process list, /proc/<pid>/cmdline):
    /// prefer RINGG_API_KEY or --api-key-file.
    #[arg(long, global = true, value_name = "KEY")]
    pub(crate) api_key: Option<String>,
    /// Read the API key from this file (`-`: from stdin). One trailing newline is dropped;
    /// an empty file is an error.
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "api_key")]
    pub(crate) api_key_file: Option<PathBuf>,
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
    /// Give up after this many seconds. Bounds every request (with its retries) and the whole
    /// command. For the commands that wait on purpose (calls wait, calls create --wait,
    /// campaigns launch while following, quickstart) it is how long they wait (defaults: 1800,
    /// 1800, 86400 and 120 s); for the servers that run until Ctrl-C (webhooks listen,
    /// sim serve) and for calls create (a call placement is never cut off mid-request) it
    /// bounds only each request. Default: no bound on the command; each attempt of a
    /// request gives up after 30 s without an answer, a request with its retries after 300 s.
    #[arg(
        long,
        global = true,
        env = "RINGG_TIMEOUT",
        value_name = "SECS",
        value_parser = clap::value_parser!(u64).range(1..=31_536_000)
    )]
    pub(crate) timeout: Option<u64>,
    /// Run this one command against a fresh local simulator (its demo workspace) instead of
    /// a server; --base-url and --api-key are ignored.
    #[arg(long, global = true)]
    pub(crate) sim: bool,
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
    /// Assistants (agents): list, inspect, create, edit, embed on a web site.
    #[command(subcommand, visible_alias = "agents")]
    Assistants(AssistantsCmd),
    /// Calls: place, list, inspect, wait, reconcile, export.
    #[command(subcommand)]
    Calls(CallsCmd),
    /// Campaigns from CSV contact lists: check, launch, follow.
    #[command(subcommand)]
    Campaigns(CampaignsCmd),
    /// Stop queued calls (registered or waiting for a retry).
    Terminate(TerminateArgs),
    /// Knowledge bases.
    #[command(subcommand, name = "kb")]
    Kb(KbCmd),
    /// Analytics.
    #[command(subcommand)]
    Analytics(AnalyticsCmd),
    /// Webhooks: subscribe an assistant, or run a local receiver.
    #[command(subcommand)]
    Webhooks(WebhooksCmd),
    /// The local simulator of the Ringg API.
    #[command(subcommand)]
    Sim(SimCmd),
}

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

/// `ringg numbers …`.
#[derive(Debug, Subcommand)]
pub(crate) enum NumbersCmd {
    /// Caller numbers (their ids are the --from-number-id of calls).
    List(PageArgs),
}

/// `ringg assistants …`.
#[derive(Debug, Subcommand)]
pub(crate) enum AssistantsCmd {
    /// Assistants of the workspace.
    List(PageArgs),
    /// One assistant: configuration in force, variables, webhooks.
    Get {
        /// The assistant id.
        id: String,
    },
    /// Create a single-prompt assistant.
    Create(CreateAssistantArgs),
    /// Update template fields (only those given).
    Update {
        /// The assistant id.
        id: String,
        /// The fields to change.
        #[command(flatten)]
        fields: UpdateAssistantArgs,
    },
    /// Archive an assistant.
    Delete {
        /// The assistant id.
        id: String,
        /// Confirms the deletion.
        #[arg(long)]
        yes: bool,
    },
    /// Available voices.
    Voices {
        /// Only voices speaking one of these languages (comma-separated, e.g. en-US,hi-IN).
        #[arg(long, value_name = "CODES")]
        language: Option<String>,
    },
    /// One operation-based edit (PATCH /agent/v1).
    Edit(EditArgs),
    /// Whitelist a web site and print the widget snippet (with the browser-safe public key).
    Embed {
        /// The assistant id.
        id: String,
        /// The site's origin, e.g. https://shop.example.
        #[arg(long, value_name = "ORIGIN")]
        domain: String,
    },
}

/// `ringg assistants create`.
#[derive(Debug, Args)]
pub(crate) struct CreateAssistantArgs {
    /// Name (up to 100 characters).
    #[arg(long)]
    pub(crate) name: String,
    /// Introduction and objective (up to 2000).
    #[arg(long, value_name = "TEXT")]
    pub(crate) objective: String,
    /// Response guidelines (up to 3000).
    #[arg(long, value_name = "TEXT")]
    pub(crate) guidelines: String,
    /// The task (up to 1500).
    #[arg(long, value_name = "TEXT")]
    pub(crate) task: String,
    /// Primary language, e.g. en-IN.
    #[arg(long, value_name = "CODE")]
    pub(crate) language: String,
    /// Voice id (see `ringg assistants voices`).
    #[arg(long, value_name = "ID")]
    pub(crate) voice: String,
    /// The first thing the assistant says (up to 500).
    #[arg(long, value_name = "TEXT")]
    pub(crate) intro_message: String,
    /// FAQ text ("Q: … A: …").
    #[arg(long, value_name = "TEXT")]
    pub(crate) faq: Option<String>,
    /// Sample conversations.
    #[arg(long, value_name = "TEXT")]
    pub(crate) samples: Option<String>,
    /// Secondary language.
    #[arg(long, value_name = "CODE")]
    pub(crate) secondary_language: Option<String>,
    /// inbound, outbound (default) or outbound_inbound.
    #[arg(long = "type", value_name = "TYPE")]
    pub(crate) agent_type: Option<String>,
    /// A prompt variable (repeatable).
    #[arg(long = "var", value_name = "NAME")]
    pub(crate) vars: Vec<String>,
}

/// `ringg assistants update` fields.
#[derive(Debug, Args)]
pub(crate) struct UpdateAssistantArgs {
    /// Name.
    #[arg(long)]
    pub(crate) name: Option<String>,
    /// Introduction and objective.
    #[arg(long, value_name = "TEXT")]
    pub(crate) objective: Option<String>,
    /// Response guidelines.
    #[arg(long, value_name = "TEXT")]
    pub(crate) guidelines: Option<String>,
    /// The task.
    #[arg(long, value_name = "TEXT")]
    pub(crate) task: Option<String>,
    /// Primary language.
    #[arg(long, value_name = "CODE")]
    pub(crate) language: Option<String>,
    /// Voice id.
    #[arg(long, value_name = "ID")]
    pub(crate) voice: Option<String>,
    /// Intro message.
    #[arg(long, value_name = "TEXT")]
    pub(crate) intro_message: Option<String>,
    /// FAQ text.
    #[arg(long, value_name = "TEXT")]
    pub(crate) faq: Option<String>,
    /// Sample conversations.
    #[arg(long, value_name = "TEXT")]
    pub(crate) samples: Option<String>,
    /// Secondary language.
    #[arg(long, value_name = "CODE")]
    pub(crate) secondary_language: Option<String>,
    /// Assistant type.
    #[arg(long = "type", value_name = "TYPE")]
    pub(crate) agent_type: Option<String>,
    /// Prompt variables (repeatable; replaces the list).
    #[arg(long = "var", value_name = "NAME")]
    pub(crate) vars: Vec<String>,
}

/// `ringg assistants edit`.
#[derive(Debug, Args)]
pub(crate) struct EditArgs {
    /// The assistant id.
    pub(crate) id: String,
    /// Edit this version (default: the active one).
    #[arg(long = "version-id", value_name = "ID", global = true)]
    pub(crate) version_id: Option<String>,
    /// The edit.
    #[command(subcommand)]
    pub(crate) op: EditOp,
}

/// The `/agent/v1` operations with their own command.
#[derive(Debug, Subcommand)]
pub(crate) enum EditOp {
    /// edit_agent_display_name.
    DisplayName {
        /// The new name.
        name: String,
    },
    /// edit_prompt.
    Prompt {
        /// The prompt text.
        #[arg(required_unless_present = "file")]
        text: Option<String>,
        /// Read the prompt from this file.
        #[arg(long, conflicts_with = "text")]
        file: Option<PathBuf>,
    },
    /// edit_intro_message.
    IntroMessage {
        /// The intro message.
        text: String,
    },
    /// edit_custom_vars: replaces the variable list (outbound assistants keep callee_name and
    /// mobile_number).
    CustomVars {
        /// Variable names.
        #[arg(required = true)]
        names: Vec<String>,
    },
    /// edit_voice.
    Voice {
        /// Voice id.
        #[arg(long, value_name = "ID")]
        voice_id: String,
        /// Language of the voice, e.g. en-IN.
        #[arg(long, value_name = "CODE")]
        language: String,
        /// Secondary voice id ("" clears it).
        #[arg(long, value_name = "ID")]
        secondary_voice_id: Option<String>,
        /// Secondary language.
        #[arg(long, value_name = "CODE")]
        secondary_language: Option<String>,
    },
    /// edit_voice_speed.
    VoiceSpeed {
        /// Speed, e.g. 1.1.
        speed: f64,
    },
    /// edit_agent_whitelisted_domains: replaces the list (https://www.ringg.ai must stay).
    WhitelistedDomains {
        /// Origins.
        #[arg(required = true)]
        domains: Vec<String>,
    },
    /// attach_kb.
    AttachKb {
        /// Knowledge base id.
        kb_id: String,
    },
    /// remove_kb.
    RemoveKb {
        /// Knowledge base id.
        kb_id: String,
    },
    /// attach_inbound_number.
    AttachInboundNumber {
        /// Number id.
        number_id: String,
    },
    /// remove_inbound_number.
    RemoveInboundNumber {
        /// Number id.
        number_id: String,
    },
    /// edit_event_subscriptions: replaces every subscription (`ringg webhooks subscribe`
    /// merges instead).
    EventSubscriptions {
        /// The subscription list as JSON, e.g.
        /// '[{"event_type":["all_processing_completed"],"callback_url":"https://…","method_type":"POST"}]'.
        #[arg(long, value_name = "JSON")]
        json: String,
    },
    /// edit_classification_labels (replaces the labels).
    ClassificationLabels {
        /// A label and its description (repeatable), e.g. --label qualified_lead="wants a demo".
        #[arg(long = "label", value_name = "NAME=DESCRIPTION", value_parser = parse_key_value, required = true)]
        labels: Vec<(String, String)>,
    },
    /// edit_call_config (deep-merged by Ringg).
    CallConfig {
        /// The call_config object as JSON, e.g. '{"max_call_length":300}'.
        json: String,
    },
    /// Any other operation: the JSON body without agent_id, e.g.
    /// '{"operation":"edit_timezone","timezone":"Asia/Kolkata"}'.
    Raw {
        /// The operation and its fields as JSON.
        #[arg(long, value_name = "JSON")]
        json: String,
    },
}

/// `ringg calls …`.
#[derive(Debug, Subcommand)]
pub(crate) enum CallsCmd {
    /// Place one call.
    Create(CreateCallArgs),
    /// Call history (one page, or every page with --all).
    List(ListCallsArgs),
    /// One call in detail.
    Get {
        /// The call id.
        id: String,
        /// Include the platform and client analysis.
        #[arg(long)]
        analysis: bool,
    },
    /// Wait until a call is completed, failed, error or cancelled (up to --timeout, default
    /// 1800 s).
    Wait {
        /// The call id.
        id: String,
    },
    /// Find the call placed with a client reference (after an "outcome unknown" error).
    Reconcile {
        /// The client reference from the error message (rr-…).
        reference: String,
        /// Only look at this assistant's calls.
        #[arg(long, value_name = "ID")]
        agent: Option<String>,
        /// Only look at calls to this number.
        #[arg(long, value_name = "E164")]
        to: Option<String>,
        /// How far back to look (ISO date-time; default: 24 hours).
        #[arg(long, value_name = "WHEN")]
        since: Option<String>,
    },
    /// Stream the call history, transcripts included, as JSON lines or CSV.
    Export(ExportArgs),
}

/// Where a call comes from.
#[derive(Debug, Args)]
#[group(id = "caller", required = true, multiple = false)]
pub(crate) struct CallerArgs {
    /// A number id of the workspace (`ringg numbers list`).
    #[arg(long, value_name = "ID")]
    pub(crate) from_number_id: Option<String>,
    /// A caller number of the workspace (E.164).
    #[arg(long, value_name = "E164")]
    pub(crate) from_number: Option<String>,
    /// A number pool id.
    #[arg(long, value_name = "ID")]
    pub(crate) number_pool: Option<String>,
}

/// `ringg calls create`.
#[derive(Debug, Args)]
pub(crate) struct CreateCallArgs {
    /// The assistant id.
    #[arg(long, value_name = "ID")]
    pub(crate) agent: String,
    /// The number to call (E.164).
    #[arg(long, value_name = "E164")]
    pub(crate) to: String,
    /// The callee's name.
    #[arg(long)]
    pub(crate) name: String,
    /// The caller.
    #[command(flatten)]
    pub(crate) caller: CallerArgs,
    /// A prompt variable (repeatable), e.g. --var order_id=ORD-1042.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_key_value)]
    pub(crate) vars: Vec<(String, String)>,
    /// Wait until the call ends and show it (up to --timeout, default 1800 s).
    #[arg(long)]
    pub(crate) wait: bool,
}

/// History filters.
#[derive(Debug, Clone, Args)]
pub(crate) struct HistoryFilters {
    /// From this time (ISO date-time, or a date YYYY-MM-DD).
    #[arg(long, value_name = "WHEN")]
    pub(crate) start: Option<String>,
    /// Until this time (ISO date-time, or a date YYYY-MM-DD: the whole day).
    #[arg(long, value_name = "WHEN")]
    pub(crate) end: Option<String>,
    /// Only this assistant's calls.
    #[arg(long, value_name = "ID")]
    pub(crate) agent: Option<String>,
    /// Only calls with this status (registered, ongoing, retry, completed, failed, error,
    /// cancelled).
    #[arg(long)]
    pub(crate) status: Option<String>,
    /// Only calls of this campaign list (bulk_list_id).
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

/// `ringg terminate`.
#[derive(Debug, Args)]
#[group(id = "what", required = true, multiple = true)]
pub(crate) struct TerminateArgs {
    /// Every queued call of this assistant.
    #[arg(long, value_name = "ID")]
    pub(crate) agent: Option<String>,
    /// These calls (up to 100).
    #[arg(long, value_name = "ID", num_args = 1..)]
    pub(crate) calls: Vec<String>,
    /// The whole campaign, or with --numbers only those numbers in it.
    #[arg(long, value_name = "ID")]
    pub(crate) campaign: Option<String>,
    /// These numbers (E.164, up to 100), across campaigns and individual calls.
    #[arg(long, value_name = "E164", num_args = 1..)]
    pub(crate) numbers: Vec<String>,
}

/// `ringg kb …`.
#[derive(Debug, Subcommand)]
pub(crate) enum KbCmd {
    /// Knowledge bases of the workspace.
    List,
    /// One knowledge base with its sources.
    Get {
        /// The knowledge base id.
        id: String,
    },
    /// Create a knowledge base from files, URLs and FAQs.
    Create {
        /// Name.
        #[arg(long)]
        name: String,
        /// A file to upload (repeatable; up to 10, 2 MB each).
        #[arg(long = "file", value_name = "PATH")]
        files: Vec<PathBuf>,
        /// A URL to crawl (repeatable).
        #[arg(long = "url", value_name = "URL")]
        urls: Vec<String>,
        /// A question and its answer (repeatable), e.g. --faq "Refunds?=30 days".
        #[arg(long = "faq", value_name = "QUESTION=ANSWER", value_parser = parse_key_value)]
        faqs: Vec<(String, String)>,
    },
    /// Add or remove sources.
    Edit {
        /// The knowledge base id.
        id: String,
        /// A file to add (repeatable).
        #[arg(long = "add-file", value_name = "PATH")]
        add_files: Vec<PathBuf>,
        /// A URL to add (repeatable).
        #[arg(long = "add-url", value_name = "URL")]
        add_urls: Vec<String>,
        /// A FAQ to add (repeatable).
        #[arg(long = "add-faq", value_name = "QUESTION=ANSWER", value_parser = parse_key_value)]
        add_faqs: Vec<(String, String)>,
        /// A file id to remove (repeatable).
        #[arg(long = "remove-file", value_name = "FILE_ID")]
        remove_files: Vec<String>,
        /// A URL to remove (repeatable).
        #[arg(long = "remove-url", value_name = "URL")]
        remove_urls: Vec<String>,
        /// A FAQ id to remove (repeatable).
        #[arg(long = "remove-faq", value_name = "FAQ_ID")]
        remove_faqs: Vec<String>,
    },
    /// Delete a knowledge base.
    Delete {
        /// The knowledge base id.
        id: String,
        /// Confirms the deletion.
        #[arg(long)]
        yes: bool,
    },
}

/// Analytics filters.
#[derive(Debug, Clone, Args)]
pub(crate) struct AnalyticsFilters {
    /// First day (YYYY-MM-DD; default: 30 days ago).
    #[arg(long, value_name = "DATE")]
    pub(crate) start: Option<String>,
    /// Last day (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE")]
    pub(crate) end: Option<String>,
    /// Only this assistant.
    #[arg(long, value_name = "ID")]
    pub(crate) agent: Option<String>,
    /// Only this campaign list.
    #[arg(long, value_name = "LIST_ID")]
    pub(crate) list: Option<String>,
    /// Only calls where voicemail was (true) or was not (false) detected.
    #[arg(long, value_name = "BOOL")]
    pub(crate) voicemail: Option<bool>,
}

/// `ringg analytics …`.
#[derive(Debug, Subcommand)]
pub(crate) enum AnalyticsCmd {
    /// Workspace totals and performance.
    Platform(AnalyticsFilters),
    /// One campaign's dashboard (needs --list).
    DrillDown(AnalyticsFilters),
    /// Per caller number.
    Numbers(AnalyticsFilters),
    /// Call durations.
    Durations(AnalyticsFilters),
    /// Classification labels of analysed calls.
    Classification(AnalyticsFilters),
}

/// `ringg webhooks …`.
#[derive(Debug, Subcommand)]
pub(crate) enum WebhooksCmd {
    /// Subscribe an assistant's events to a URL (merged with its current subscriptions).
    Subscribe {
        /// The assistant id.
        #[arg(long, value_name = "ID")]
        agent: String,
        /// The receiver's URL.
        #[arg(long, value_name = "URL")]
        url: String,
        /// An event type (repeatable), or `all`.
        #[arg(long = "event", value_name = "EVENT", required = true)]
        events: Vec<String>,
        /// A header Ringg sends with each delivery (repeatable), e.g. X-Webhook-Secret:s3cret.
        #[arg(long = "header", value_name = "NAME:VALUE", value_parser = parse_header)]
        headers: Vec<(String, String)>,
        /// HTTP method of the deliveries.
        #[arg(long, default_value = "POST", value_parser = ["POST", "PUT", "PATCH"])]
        method: String,
    },
    /// Run a webhook receiver on 127.0.0.1 and print each event.
    Listen {
        /// Port (0 picks a free one).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// The shared secret deliveries must carry. Without this flag and --secret-file: the
        /// RINGG_WEBHOOK_SECRET environment variable. A secret given on the command line is
        /// visible to other users of this machine (process list, /proc/<pid>/cmdline):
        /// prefer RINGG_WEBHOOK_SECRET or --secret-file.
        #[arg(long)]
        secret: Option<String>,
        /// Read the shared secret from this file (`-`: from stdin). One trailing newline is
        /// dropped; an empty file is an error.
        #[arg(long, value_name = "PATH", conflicts_with = "secret")]
        secret_file: Option<PathBuf>,
        /// The header carrying it (Authorization expects `Bearer <secret>`).
        #[arg(long, default_value = "X-Webhook-Secret", value_name = "NAME")]
        secret_header: String,
    },
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

/// Turns a clap error into the CLI's one-line format (help and version go to stdout as usual).
pub(crate) fn clap_exit(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            let rendered = err.render().to_string();
            // clap writes "error: <what>\n\n<details>\n\n[tip: …]\n\nUsage: …\n\nFor more
            // information, try '--help'."; keep what and details (and tips) on one line.
            let body: Vec<&str> = rendered
                .lines()
                .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            let text = body.join(" ");
            let text = text.strip_prefix("error: ").unwrap_or(&text);
            // The rejected value is echoed: keep escape sequences in it off the terminal.
            let text = for_terminal(text, MAX_ERROR_LINE_CHARS);
            crate::term::err_line(format!(
                "error: {text}; see `{} --help`",
                command_path(std::env::args().skip(1))
            ));
            ExitCode::from(2)
        }
    }
}

/// `ringg calls create` for the subcommands named in `args` (flags and values are skipped).
pub(crate) fn command_path(args: impl Iterator<Item = String>) -> String {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let mut path = vec![cmd.get_name().to_string()];
    for arg in args {
        if arg.starts_with('-') {
            continue;
        }
        let Some(sub) = cmd.find_subcommand(&arg).cloned() else {
            continue;
        };
        path.push(sub.get_name().to_string());
        cmd = sub;
    }
    path.join(" ")
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
    fn command_paths() {
        let args = |s: &str| {
            s.split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>()
                .into_iter()
        };
        assert_eq!(
            command_path(args("calls create --to x")),
            "ringg calls create"
        );
        assert_eq!(
            command_path(args("-o json agents edit A display-name x")),
            "ringg assistants edit display-name"
        );
        assert_eq!(command_path(args("frob")), "ringg");
    }
}
