//! Campaigns: bulk calling from CSV contact lists.
//!
//! Two flows exist (ringg-api.md §4.2–§4.3):
//!
//! - **Standard** (< 5,000 rows): [`save`](Campaigns::save) the CSV, then
//!   [`start`](Campaigns::start) with a number pool (or [`start_v1`](Campaigns::start_v1) with
//!   caller numbers).
//! - **Large** (5,000+ rows, beta): [`upload_large_csv`](Campaigns::upload_large_csv), poll
//!   [`upload_status`](Campaigns::upload_status) (or [`wait_for_upload`](Campaigns::wait_for_upload)),
//!   [`check_balance`](Campaigns::check_balance), then [`start_large`](Campaigns::start_large).
//!
//! [`launch`](Campaigns::launch) does all of it: it checks the CSV first
//! ([`preflight`](Campaigns::preflight)), picks the flow, and never sends a start twice.
//!
//! ```no_run
//! use ringg_api::Client;
//! use ringg_api::campaigns::{CsvUpload, LaunchRequest};
//! use ringg_api::types::campaigns::{CampaignTime, LargeCampaignCaller};
//! use ringg_api::types::{AgentId, NumberPoolId};
//!
//! # async fn run() -> Result<(), ringg_api::Error> {
//! let client = Client::from_env()?;
//! // "DD/MM/YYYY, HH:MM" in the campaign's zone, and in the future: tomorrow.
//! let day = (chrono::Utc::now() + chrono::Duration::days(1)).format("%d/%m/%Y");
//! let outcome = client
//!     .campaigns()
//!     .launch(
//!         LaunchRequest::builder(
//!             AgentId::new("830f767a-397e-4b39-82ff-235cd344e2f9"),
//!             CsvUpload::path("contacts.csv"),
//!         )
//!         .name("Renewal reminders")
//!         .country_code("+91")
//!         .window(
//!             format!("{day}, 09:00").parse::<CampaignTime>().unwrap(),
//!             format!("{day}, 18:00").parse::<CampaignTime>().unwrap(),
//!         )
//!         .caller(LargeCampaignCaller::NumberPool(NumberPoolId::new("0b84b167-2dcb-4bbd-abab-1837000bea17")))
//!         .map_variable("callee_name", "Name")
//!         .build()?,
//!     )
//!     .await?;
//! println!("campaign {} started ({:?} flow)", outcome.list_id, outcome.flow);
//! # Ok(()) }
//! ```

//!
//! Modules, each depending only on those after it (this file only re-exports them):
//! `launch` (the flow) → `recovery` (the launch's journal record, [`Campaigns::resume`],
//! [`Campaigns::discard`]) → `request` ([`LaunchRequest`]), `outcome` → `endpoints` (the
//! endpoint methods) → `upload` ([`CsvUpload`]) → [`preflight`](mod@preflight).

mod endpoints;
mod launch;
mod outcome;
pub mod preflight;
mod recovery;
mod request;
mod sending;
mod upload;

pub use endpoints::{Campaigns, PollOptions};
pub use outcome::{
    LargeLaunchResponses, LaunchError, LaunchOutcome, LaunchResponses, LaunchStep, ResumeOutcome,
    ResumedLaunch, StartResponse, Uploaded,
};
pub use preflight::{
    CampaignFlow, CsvSource, PreflightOptions, PreflightReport, RowIssue, preflight,
};
pub use request::{LaunchRequest, LaunchRequestBuilder};
pub use ringg_types::campaigns::LineIndex;
pub use upload::{
    CSV_CONTENT_TYPE, CsvUpload, DEFAULT_CSV_FILE_NAME, FORM_OVERHEAD_BYTES, UPLOAD_LIMIT_BYTES,
};
