//! Campaigns: bulk calling from CSV contact lists.

pub mod preflight;

pub use preflight::{
    CampaignFlow, CsvSource, PreflightOptions, PreflightReport, RowIssue, preflight,
};
