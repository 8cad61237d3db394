//! The command line of `ringg analytics`: its subcommands, flags and options (clap derive).

use clap::{Args, Subcommand};

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
