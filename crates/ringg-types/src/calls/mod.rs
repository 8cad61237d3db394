//! Calling: initiate a call, call history, call details, history export, contact-list deletion
//! (API reference §2.3).
//!
//! ```
//! use ringg_types::calls::{CallerSource, InitiateCallRequest, CallConfig, CallTime};
//! use ringg_types::ids::{AgentId, NumberPoolId};
//! use ringg_types::phone::PhoneNumber;
//!
//! let req = InitiateCallRequest::new(
//!     AgentId::new("a31f36c4-c8ea-4c4b-9ad6-743dabacafbd"),
//!     "Abhishek",
//!     PhoneNumber::parse("+912332423423").unwrap(),
//!     CallerSource::NumberPool(NumberPoolId::new("0b84b167-2dcb-4bbd-abab-1837000bea17")),
//! )
//! .custom_arg("order_id", "ORD-1042")
//! .call_config(CallConfig::default().call_time(CallTime::window("09:00", "18:00", "Asia/Kolkata")));
//! let json = serde_json::to_value(&req).unwrap();
//! assert_eq!(json["number_pool_id"], "0b84b167-2dcb-4bbd-abab-1837000bea17");
//! assert!(json.get("from_number_id").is_none());
//! ```

pub use crate::common::MessageResponse;
pub use crate::enums::{
    CallDirection, CallStatus, CallSubStatus, CallType, OrchestrationMode, Sentiment,
};

mod config;
mod details;
mod export;
mod history;
mod initiate;
mod initiated;
mod queued;
#[cfg(test)]
mod tests;

pub use self::config::*;
pub use self::details::*;
pub use self::export::*;
pub use self::history::*;
pub use self::initiate::*;
pub use self::initiated::*;
pub use self::queued::*;
