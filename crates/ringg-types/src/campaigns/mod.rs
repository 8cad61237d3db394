//! Campaigns: contact-list upload, start, list, and the large-upload (5,000+ rows) flow
//! (API reference §2.5).
//!
//! The uploads are multipart forms: [`SaveCampaignForm`] and [`UploadCsvForm`] (both a
//! [`CampaignSpec`]) give the text parts (`text_fields()`); the client adds the CSV as the
//! `file` part.
//!
//! ```
//! use ringg_types::campaigns::{CampaignTime, SaveCampaignForm};
//! use ringg_types::ids::AgentId;
//!
//! let form = SaveCampaignForm::new(
//!     AgentId::new("830f767a-397e-4b39-82ff-235cd344e2f9"),
//!     "Q1 Sales Campaign",
//!     "+91",
//!     "18/10/2026, 09:00".parse::<CampaignTime>().unwrap(),
//!     "18/10/2026, 21:00".parse::<CampaignTime>().unwrap(),
//! )
//! .map_variable("callee_name", "Name");
//! let fields = form.text_fields().unwrap();
//! assert!(fields.contains(&("campaign_start_time", "18/10/2026, 09:00".to_owned())));
//! assert!(fields.iter().any(|(k, v)| *k == "variables_map" && v.contains("\"callee_name\":\"Name\"")));
//! ```
//!
//! Modules (each depends only on `time` and on other crate modules, never on this one):
//! `time` ([`CampaignTime`]), `spec` (the upload forms and responses), `start`, `list`,
//! `large` (processing, balance and start of a large upload), `lines` ([`LineIndex`], the
//! line of the file a CSV row starts on, shared by the pre-flight check and the simulator).

mod large;
mod lines;
mod list;
mod spec;
mod start;
mod time;

pub use crate::enums::{CampaignStatus, UploadStatus};
pub use large::{
    CheckBalanceResponse, LargeCampaignCaller, MakeCallAsyncRequest, MakeCallAsyncResponse,
    UploadStatusResponse,
};
pub use lines::LineIndex;
pub use list::{Campaign, CampaignListResponse, ListCampaignsQuery, Pagination};
pub use spec::{
    CampaignSpec, SaveCampaignForm, SaveCampaignResponse, UploadCsvForm, UploadCsvResponse,
};
pub use start::{StartCampaignRequest, StartCampaignResponse, StartCampaignV2Request};
pub use time::{CampaignTime, CampaignTimeError};
