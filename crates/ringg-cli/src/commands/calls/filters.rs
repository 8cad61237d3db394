//! The history filters of `calls list` and `calls export` as a query, and the date-times
//! they take.

use ringg_api::types::calls::CallHistoryQuery;
use ringg_api::types::common::Timestamp;
use ringg_api::types::{AgentId, CallStatus, ListId};

use super::args::HistoryFilters;
use crate::args::id;
use crate::error::CliError;

/// History filters as a query. Dates without a time cover the whole day (UTC).
pub(crate) fn history_query(f: &HistoryFilters) -> Result<CallHistoryQuery, CliError> {
    let mut q = CallHistoryQuery::default();
    if let Some(s) = &f.start {
        q.start_date = Some(when("--start", s, false)?);
    }
    if let Some(e) = &f.end {
        q.end_date = Some(when("--end", e, true)?);
    }
    if let Some(a) = &f.agent {
        q.agent_id = Some(id::<AgentId>("assistant", a)?);
    }
    if let Some(s) = &f.status {
        q.status = Some(status(s)?);
    }
    if let Some(l) = &f.list {
        q.bulk_list_id = Some(id::<ListId>("campaign list", l)?);
    }
    Ok(q)
}

/// The filters' assistant and campaign, given by name or id prefix, as ids in `q`.
pub(crate) async fn resolve_names(
    client: &ringg_api::Client,
    f: &HistoryFilters,
    q: &mut CallHistoryQuery,
) -> Result<(), CliError> {
    if let Some(a) = &f.agent {
        q.agent_id = Some(crate::resolve::agent(client, a).await?);
    }
    if let Some(l) = &f.list {
        q.bulk_list_id = Some(crate::resolve::campaign(client, l).await?);
    }
    Ok(())
}

/// A `--status` value: one of the known call statuses.
pub(crate) fn status(s: &str) -> Result<CallStatus, CliError> {
    let status = CallStatus::from(s.trim());
    if status.is_unknown() {
        return Err(CliError::usage(format!(
            "--status {s:?} is not a call status; use one of {}",
            CallStatus::KNOWN
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(status)
}

/// A date-time for the history filters, always with an offset.
pub(crate) fn when(flag: &str, raw: &str, end_of_day: bool) -> Result<Timestamp, CliError> {
    let s = raw.trim();
    if let Ok(date) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let t = if end_of_day {
            date.and_hms_opt(23, 59, 59)
        } else {
            date.and_hms_opt(0, 0, 0)
        };
        if let Some(t) = t {
            return Ok(Timestamp::from_datetime(&t.and_utc()));
        }
    }
    let t = Timestamp::parse(s).map_err(|_| {
        CliError::usage(format!(
            "{flag} {raw:?} is not a date or date-time; use YYYY-MM-DD or 2025-09-25T09:00:00+05:30"
        ))
    })?;
    Ok(if t.has_offset() {
        t
    } else {
        Timestamp::from_datetime(&t.to_utc())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_whole_days_with_offsets() {
        let s = when("--start", "2025-09-25", false).unwrap();
        assert_eq!(s.to_utc().to_rfc3339(), "2025-09-25T00:00:00+00:00");
        assert!(s.has_offset());
        let e = when("--end", "2025-09-25", true).unwrap();
        assert_eq!(e.to_utc().to_rfc3339(), "2025-09-25T23:59:59+00:00");
        let t = when("--start", "2025-09-25T09:00:00+05:30", false).unwrap();
        assert_eq!(t.as_str(), "2025-09-25T09:00:00+05:30");
        assert!(when("--start", "yesterday", false).is_err());
    }

    #[test]
    fn unknown_status_is_refused() {
        let f = HistoryFilters {
            start: None,
            end: None,
            agent: None,
            status: Some("done".into()),
            list: None,
        };
        let e = history_query(&f).unwrap_err();
        assert!(e.to_string().contains("completed"), "{e}");
    }
}
