//! Termination: stop queued calls (API reference §2.6).
//!
//! Only calls in `registered` or `retry` are affected; lists hold at most 100 items.
//!
//! ```
//! use ringg_types::termination::TerminateRequest;
//! use ringg_types::ids::CampaignId;
//! use ringg_types::phone::PhoneNumber;
//!
//! let req = TerminateRequest::ByCampaignNumbers {
//!     campaign_id: CampaignId::new("0b52ca2b-7767-4cb5-ac4c-b2a4f892a856"),
//!     mobile_numbers: vec![PhoneNumber::parse("+918882876897").unwrap()],
//! };
//! req.validate().unwrap();
//! let json = serde_json::to_value(&req).unwrap();
//! assert_eq!(json["mobile_numbers"][0], "+918882876897");
//! assert_eq!(req.legacy_path(), "/campaign/terminate/campaign-numbers");
//! ```

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use crate::common::MessageResponse;
use crate::ids::{AgentId, CallId, CampaignId};
use crate::phone::PhoneNumber;

/// The most call IDs or numbers one terminate request may carry.
pub const MAX_TERMINATE_ITEMS: usize = 100;

/// Body of `PATCH /campaign/terminate`: one of five modes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TerminateRequest {
    /// `{agent_id}`: every queued call of an assistant.
    ByAgent {
        /// `agent_id`.
        agent_id: AgentId,
    },
    /// `{call_ids}`: specific calls (≤ 100; unknown IDs are ignored).
    ByCallIds {
        /// `call_ids`.
        call_ids: Vec<CallId>,
    },
    /// `{campaign_id}`: a whole campaign (it can be started again later).
    ByCampaign {
        /// `campaign_id`.
        campaign_id: CampaignId,
    },
    /// `{campaign_id, mobile_numbers}`: some numbers inside a campaign.
    ByCampaignNumbers {
        /// `campaign_id`.
        campaign_id: CampaignId,
        /// `mobile_numbers` (≤ 100).
        mobile_numbers: Vec<PhoneNumber>,
    },
    /// `{mobile_numbers}`: numbers across all campaigns and individual calls.
    ByNumbers {
        /// `mobile_numbers` (≤ 100).
        mobile_numbers: Vec<PhoneNumber>,
    },
}

/// A terminate request that would be rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TerminateRequestError {
    /// An empty list.
    #[error("`{field}` is empty: pass at least one item")]
    Empty {
        /// The field.
        field: &'static str,
    },
    /// A list over the limit.
    #[error("`{field}` has {len} items but at most 100 are allowed; split the request")]
    TooMany {
        /// The field.
        field: &'static str,
        /// Its length.
        len: usize,
    },
}

impl TerminateRequest {
    /// The older dedicated path of this mode (relative to the base path). The SDK sends the
    /// generic `/campaign/terminate`; these remain for servers that only know the old paths.
    pub fn legacy_path(&self) -> &'static str {
        match self {
            Self::ByAgent { .. } => "/campaign/terminate/agent",
            Self::ByCallIds { .. } => "/campaign/terminate/calls",
            Self::ByCampaign { .. } => "/campaign/terminate",
            Self::ByCampaignNumbers { .. } => "/campaign/terminate/campaign-numbers",
            Self::ByNumbers { .. } => "/campaign/terminate/numbers",
        }
    }

    /// Checks list sizes (1–100 items).
    pub fn validate(&self) -> Result<(), TerminateRequestError> {
        let check = |field: &'static str, len: usize| {
            if len == 0 {
                Err(TerminateRequestError::Empty { field })
            } else if len > MAX_TERMINATE_ITEMS {
                Err(TerminateRequestError::TooMany { field, len })
            } else {
                Ok(())
            }
        };
        match self {
            Self::ByAgent { .. } | Self::ByCampaign { .. } => Ok(()),
            Self::ByCallIds { call_ids } => check("call_ids", call_ids.len()),
            Self::ByCampaignNumbers { mobile_numbers, .. } | Self::ByNumbers { mobile_numbers } => {
                check("mobile_numbers", mobile_numbers.len())
            }
        }
    }
}

impl Serialize for TerminateRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match self {
            Self::ByAgent { agent_id } => m.serialize_entry("agent_id", agent_id)?,
            Self::ByCallIds { call_ids } => m.serialize_entry("call_ids", call_ids)?,
            Self::ByCampaign { campaign_id } => m.serialize_entry("campaign_id", campaign_id)?,
            Self::ByCampaignNumbers {
                campaign_id,
                mobile_numbers,
            } => {
                m.serialize_entry("campaign_id", campaign_id)?;
                m.serialize_entry("mobile_numbers", mobile_numbers)?;
            }
            Self::ByNumbers { mobile_numbers } => {
                m.serialize_entry("mobile_numbers", mobile_numbers)?
            }
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for TerminateRequest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            agent_id: Option<AgentId>,
            call_ids: Option<Vec<CallId>>,
            campaign_id: Option<CampaignId>,
            mobile_numbers: Option<Vec<PhoneNumber>>,
        }
        let raw = Raw::deserialize(d)?;
        Ok(match raw {
            Raw {
                agent_id: Some(agent_id),
                call_ids: None,
                campaign_id: None,
                mobile_numbers: None,
            } => Self::ByAgent { agent_id },
            Raw {
                agent_id: None,
                call_ids: Some(call_ids),
                campaign_id: None,
                mobile_numbers: None,
            } => Self::ByCallIds { call_ids },
            Raw {
                agent_id: None,
                call_ids: None,
                campaign_id: Some(campaign_id),
                mobile_numbers: None,
            } => Self::ByCampaign { campaign_id },
            Raw {
                agent_id: None,
                call_ids: None,
                campaign_id: Some(campaign_id),
                mobile_numbers: Some(mobile_numbers),
            } => Self::ByCampaignNumbers {
                campaign_id,
                mobile_numbers,
            },
            Raw {
                agent_id: None,
                call_ids: None,
                campaign_id: None,
                mobile_numbers: Some(mobile_numbers),
            } => Self::ByNumbers { mobile_numbers },
            _ => {
                return Err(serde::de::Error::custom(
                    "a terminate request takes exactly one of: `agent_id`; `call_ids`; \
                     `campaign_id`; `campaign_id` with `mobile_numbers`; `mobile_numbers`",
                ));
            }
        })
    }
}

/// Query of `PATCH /campaign/terminate`: `terminate_all_calls=true` may be combined with
/// `mobile_numbers` only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerminateQuery {
    /// `terminate_all_calls`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminate_all_calls: Option<bool>,
}

/// Response of the terminate endpoints: `{"message": "Calls terminated successfully!"}`.
pub type TerminateResponse = MessageResponse;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn five_modes_round_trip() {
        for raw in [
            json!({"agent_id": "a"}),
            json!({"call_ids": ["c1", "c2"]}),
            json!({"campaign_id": "k"}),
            json!({"campaign_id": "k", "mobile_numbers": ["+918882876897"]}),
            json!({"mobile_numbers": ["+918882876897"]}),
        ] {
            let req: TerminateRequest = serde_json::from_value(raw.clone()).unwrap();
            assert_eq!(serde_json::to_value(&req).unwrap(), raw);
            req.validate().unwrap();
        }
    }

    #[test]
    fn rejects_mixed_or_bad_bodies() {
        for raw in [
            json!({}),
            json!({"agent_id": "a", "call_ids": ["c"]}),
            json!({"agent_id": "a", "campaign_id": "k"}),
        ] {
            let err = serde_json::from_value::<TerminateRequest>(raw).unwrap_err();
            assert!(err.to_string().contains("exactly one"), "{err}");
        }
        assert!(
            serde_json::from_value::<TerminateRequest>(json!({"mobile_numbers": ["12345"]}))
                .is_err()
        );
        let too_many = TerminateRequest::ByCallIds {
            call_ids: (0..101).map(|i| CallId::new(i.to_string())).collect(),
        };
        assert_eq!(
            too_many.validate(),
            Err(TerminateRequestError::TooMany {
                field: "call_ids",
                len: 101
            })
        );
        let empty = TerminateRequest::ByNumbers {
            mobile_numbers: vec![],
        };
        assert_eq!(
            empty.validate(),
            Err(TerminateRequestError::Empty {
                field: "mobile_numbers"
            })
        );
    }
}
