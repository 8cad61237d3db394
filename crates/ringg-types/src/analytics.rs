//! Analytics (API reference §2.8). Only the top-level keys are documented; inner values are
//! kept as JSON.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::common::{Extra, Nullable};
use crate::ids::{AgentId, ListId};

/// Query shared by the five analytics endpoints. Always send `start_date` and `end_date` (the
/// documented defaults are stale). `bulk_list_id` is required by drill-down analytics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyticsQuery {
    /// `start_date` (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    /// `end_date` (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    /// `agent_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
    /// `bulk_list_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bulk_list_id: Option<ListId>,
    /// `voicemail`: only voicemail-detected calls (or only not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voicemail: Option<bool>,
}

impl AnalyticsQuery {
    /// A query for `start`..=`end`.
    pub fn between(start: NaiveDate, end: NaiveDate) -> Self {
        Self {
            start_date: Some(start),
            end_date: Some(end),
            ..Self::default()
        }
    }
}

/// Response of `GET /analytics/platform-analytics`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlatformAnalyticsResponse {
    /// `cached`: served from a cache (also `"true"`, `1`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::flag"
    )]
    pub cached: Option<bool>,
    /// `metrics_summary`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub metrics_summary: Nullable<Value>,
    /// `performance_metrics`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub performance_metrics: Nullable<Value>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(PlatformAnalyticsResponse);

/// Response of `GET /analytics/drill-down-analytics`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DrillDownAnalyticsResponse {
    /// `cached` (also `"true"`, `1`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::lenient::flag"
    )]
    pub cached: Option<bool>,
    /// `performance_metrics`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub performance_metrics: Nullable<Value>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(DrillDownAnalyticsResponse);

/// Response of `GET /analytics/number-analytics` (one item per caller number).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NumberAnalyticsResponse {
    /// `number_analytics`: a list of rows, or an object keyed by number read as one row per
    /// number (with `number` set to the key).
    #[serde(
        default,
        skip_serializing_if = "Nullable::is_absent",
        deserialize_with = "crate::common::lenient::number_rows"
    )]
    pub number_analytics: Nullable<Vec<Value>>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(NumberAnalyticsResponse);

/// Response of `GET /analytics/duration-distribution`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DurationDistributionResponse {
    /// `duration_distribution`: bucket → count.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub duration_distribution: Nullable<Value>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(DurationDistributionResponse);

/// Response of `GET /analytics/classification-analytics`.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClassificationAnalyticsResponse {
    /// `classification_analytics`: label → count.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub classification_analytics: Nullable<Value>,
    /// Unknown fields.
    #[serde(flatten)]
    pub extra: Extra,
}

crate::redact::redacted_debug!(ClassificationAnalyticsResponse);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::to_query_pairs;

    #[test]
    fn dates_are_plain() {
        let q = AnalyticsQuery::between(
            NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
            NaiveDate::from_ymd_opt(2025, 9, 25).unwrap(),
        );
        let pairs = to_query_pairs(&q).unwrap();
        assert_eq!(pairs[0], ("end_date".to_owned(), "2025-09-25".to_owned()));
        assert_eq!(pairs[1], ("start_date".to_owned(), "2025-09-01".to_owned()));
    }
}
