//! Analytics: platform metrics, campaign drill-down, per-number figures, call-duration
//! distribution and classification counts.
//!
//! All five endpoints share [`AnalyticsQuery`]. Ringg's documented date defaults are stale,
//! so the client always sends both dates: a missing `end_date` is today (UTC) and a missing
//! `start_date` is 29 days before the end date (30 days in all).
//!
//! ```no_run
//! use ringg_api::Client;
//! use ringg_api::types::analytics::AnalyticsQuery;
//! use chrono::NaiveDate;
//!
//! # async fn run() -> Result<(), ringg_api::Error> {
//! let client = Client::from_env()?;
//! let q = AnalyticsQuery::between(
//!     NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
//!     NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
//! );
//! let platform = client.analytics().platform(&q).await?;
//! println!("{:?}", platform.metrics_summary);
//! # Ok(()) }
//! ```

use chrono::{Days, NaiveDate, Utc};
use ringg_types::analytics::{
    AnalyticsQuery, ClassificationAnalyticsResponse, DrillDownAnalyticsResponse,
    DurationDistributionResponse, NumberAnalyticsResponse, PlatformAnalyticsResponse,
};
use ringg_types::ids::ListId;
use ringg_types::operations::{self as ops, Operation};
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::Error;

/// The span used when a query gives no `start_date`: 30 days ending on `end_date`.
pub const DEFAULT_SPAN_DAYS: u64 = 30;

/// `client.analytics()`.
#[derive(Debug, Clone)]
pub struct Analytics<'a> {
    client: &'a Client,
}

impl Client {
    /// Analytics endpoints.
    pub fn analytics(&self) -> Analytics<'_> {
        Analytics { client: self }
    }
}

impl Analytics<'_> {
    /// `GET /analytics/platform-analytics`: `metrics_summary` and `performance_metrics`.
    pub async fn platform(
        &self,
        query: &AnalyticsQuery,
    ) -> Result<PlatformAnalyticsResponse, Error> {
        self.get(&ops::GET_PLATFORM_ANALYTICS, query).await
    }

    /// `GET /analytics/drill-down-analytics`: `performance_metrics` of one campaign list
    /// (`bulk_list_id` is required by Ringg, so it is a parameter here; a different
    /// `query.bulk_list_id` is refused).
    pub async fn drill_down(
        &self,
        bulk_list_id: &ListId,
        query: &AnalyticsQuery,
    ) -> Result<DrillDownAnalyticsResponse, Error> {
        let op = &ops::GET_DRILL_DOWN_ANALYTICS;
        if bulk_list_id.as_str().trim().is_empty() {
            return Err(Error::invalid_input("bulk_list_id is empty")
                .with_hint("pass the list_id of the campaign upload")
                .with_operation(op.id));
        }
        if let Some(other) = &query.bulk_list_id
            && other != bulk_list_id
        {
            return Err(Error::invalid_input(format!(
                "the query names bulk_list_id {other} but drill_down was asked for {bulk_list_id}"
            ))
            .with_hint("leave the query's bulk_list_id unset")
            .with_operation(op.id));
        }
        let mut q = query.clone();
        q.bulk_list_id = Some(bulk_list_id.clone());
        self.get(op, &q).await
    }

    /// `GET /analytics/number-analytics`: one entry per caller number.
    pub async fn numbers(&self, query: &AnalyticsQuery) -> Result<NumberAnalyticsResponse, Error> {
        self.get(&ops::GET_NUMBER_ANALYTICS, query).await
    }

    /// `GET /analytics/duration-distribution`: call counts per duration bucket (spot early
    /// hang-ups and over-long calls).
    pub async fn durations(
        &self,
        query: &AnalyticsQuery,
    ) -> Result<DurationDistributionResponse, Error> {
        self.get(&ops::GET_DURATION_DISTRIBUTION, query).await
    }

    /// `GET /analytics/classification-analytics`: call counts per classification label.
    pub async fn classification(
        &self,
        query: &AnalyticsQuery,
    ) -> Result<ClassificationAnalyticsResponse, Error> {
        self.get(&ops::GET_CLASSIFICATION_ANALYTICS, query).await
    }

    async fn get<T: DeserializeOwned + Send + 'static>(
        &self,
        op: &'static Operation,
        query: &AnalyticsQuery,
    ) -> Result<T, Error> {
        let q = with_dates(op, query, Utc::now().date_naive())?;
        self.client.query_op(op, &[], &q).await
    }
}

/// Fills the dates Ringg would otherwise default to stale values, and checks their order.
fn with_dates(
    op: &'static Operation,
    query: &AnalyticsQuery,
    today: NaiveDate,
) -> Result<AnalyticsQuery, Error> {
    let mut q = query.clone();
    let end = q.end_date.unwrap_or(today);
    let start = q.start_date.unwrap_or_else(|| {
        end.checked_sub_days(Days::new(DEFAULT_SPAN_DAYS - 1))
            .unwrap_or(end)
    });
    if start > end {
        return Err(
            Error::invalid_input(format!("start_date {start} is after end_date {end}"))
                .with_hint("swap them")
                .with_operation(op.id),
        );
    }
    q.start_date = Some(start);
    q.end_date = Some(end);
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn dates_default_and_order() {
        let op = &ops::GET_PLATFORM_ANALYTICS;
        let q = with_dates(op, &AnalyticsQuery::default(), d("2026-10-31")).unwrap();
        assert_eq!(
            (q.start_date, q.end_date),
            (Some(d("2026-10-02")), Some(d("2026-10-31")))
        );
        let only_end = AnalyticsQuery {
            end_date: Some(d("2026-01-10")),
            ..AnalyticsQuery::default()
        };
        let q = with_dates(op, &only_end, d("2026-10-31")).unwrap();
        assert_eq!(q.start_date, Some(d("2025-12-12")));
        let bad = AnalyticsQuery::between(d("2026-10-31"), d("2026-10-01"));
        let e = with_dates(op, &bad, d("2026-10-31")).unwrap_err();
        assert!(e.to_string().contains("after end_date"), "{e}");
        assert!(!e.to_string().contains("swap"), "{e}");
        assert_eq!(e.hint().as_deref(), Some("swap them"));
    }
}
