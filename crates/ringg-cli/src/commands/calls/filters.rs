//! The history filters of `calls list` and `calls export` as a query, and the date-times
//! they take.

use ringg_api::types::calls::CallHistoryQuery;
use ringg_api::types::common::Timestamp;
use ringg_api::types::{AgentId, CallStatus, ListId};

use super::args::HistoryFilters;
use crate::args::id;
use crate::display::Display;
use crate::error::CliError;

/// History filters as a query. Dates without a time cover the whole day, in the zone tables
/// show times in ([`when`]).
pub(crate) fn history_query(f: &HistoryFilters) -> Result<CallHistoryQuery, CliError> {
    let mut q = CallHistoryQuery::default();
    if let Some(s) = &f.start {
        q.start_date = Some(when("--start", s, false)?);
    }
    if let Some(e) = &f.end {
        q.end_date = Some(when("--end", e, true)?);
    }
    if let (Some(s), Some(e)) = (&q.start_date, &q.end_date)
        && e.to_utc() < s.to_utc()
    {
        // Such a query matches nothing; "no calls match" would hide the mistake.
        return Err(CliError::usage(format!(
            "--end {} is before --start {}",
            f.end.as_deref().unwrap_or_default(),
            f.start.as_deref().unwrap_or_default()
        ))
        .with_hint("swap them, or give an --end on or after --start"));
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

/// A date-time for the history filters, always with an offset. A date, or a date and time
/// without an offset, is read in the zone tables show times in (the local zone, or UTC with
/// `--utc`) and sent in UTC; a date is its first instant, or with `end_of_day` its last
/// microsecond (the history's end is inclusive). A time with an offset is sent as it is.
pub(crate) fn when(flag: &str, raw: &str, end_of_day: bool) -> Result<Timestamp, CliError> {
    when_shown(crate::display::get(), flag, raw, end_of_day)
}

/// [`when`] with times read in the zone of `shown`.
fn when_shown(
    shown: &Display,
    flag: &str,
    raw: &str,
    end_of_day: bool,
) -> Result<Timestamp, CliError> {
    let s = raw.trim();
    let bad = || {
        CliError::usage(format!(
            "{flag} {raw:?} is not a date or date-time; use YYYY-MM-DD, 2025-09-25T09:00:00 ({}) or 2025-09-25T09:00:00+05:30",
            shown.zone_name()
        ))
    };
    let local = match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(date) if end_of_day => date.and_hms_micro_opt(23, 59, 59, 999_999),
        Ok(date) => date.and_hms_opt(0, 0, 0),
        Err(_) => {
            let t = Timestamp::parse(s).map_err(|_| bad())?;
            if t.has_offset() {
                // Sent as given when it is RFC 3339 (as the API documents), else written so.
                return Ok(match chrono::DateTime::parse_from_rfc3339(s) {
                    Ok(_) => t,
                    Err(_) => Timestamp::from_datetime(&t.to_fixed_offset()),
                });
            }
            // Read as UTC by the parser: the same wall-clock time, in the shown zone.
            Some(t.to_utc().naive_utc())
        }
    }
    .ok_or_else(bad)?;
    let t = shown.instant(local).ok_or_else(|| {
        // The offset in force before the clocks moved reads the time as the zone's people
        // would have meant it.
        // (Some zones skipped a whole day: look back far enough to find a time that was.)
        let offset = [3, 27, 51]
            .into_iter()
            .find_map(|hours| {
                let before = local - chrono::Duration::hours(hours);
                let m = (before - shown.instant(before)?.naive_utc()).num_minutes();
                let sign = if m < 0 { '-' } else { '+' };
                Some(format!("{sign}{:02}:{:02}", m.abs() / 60, m.abs() % 60))
            })
            .unwrap_or_else(|| "+05:30".to_owned());
        CliError::usage(format!(
            "{flag} {raw:?} is a time the clocks skip in {}; give a time with an offset, e.g. {}{offset}",
            shown.zone_name(),
            local.format("%Y-%m-%dT%H:%M:%S")
        ))
    })?;
    Ok(Timestamp::from_datetime(&t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_without_an_offset_are_read_in_the_shown_zone() {
        let utc = Display::in_zone(true, Some(chrono_tz::Asia::Kolkata));
        let ist = Display::in_zone(false, Some(chrono_tz::Asia::Kolkata));
        let sent = |d: &Display, raw: &str, end: bool| {
            let t = when_shown(d, "--start", raw, end).unwrap();
            assert!(t.has_offset(), "{t}");
            t.as_str().to_string()
        };
        assert_eq!(
            sent(&utc, "2025-09-25", false),
            "2025-09-25T00:00:00.000000+00:00"
        );
        assert_eq!(
            sent(&utc, "2025-09-25", true),
            "2025-09-25T23:59:59.999999+00:00"
        );
        // A whole day in India: from 00:00 IST to the last microsecond of 23:59:59 IST.
        assert_eq!(
            sent(&ist, "2025-09-25", false),
            "2025-09-24T18:30:00.000000+00:00"
        );
        assert_eq!(
            sent(&ist, "2025-09-25", true),
            "2025-09-25T18:29:59.999999+00:00"
        );
        assert_eq!(
            sent(&ist, "2025-09-25T06:00:00", false),
            "2025-09-25T00:30:00.000000+00:00"
        );
        assert_eq!(
            sent(&ist, "2025-09-25T06:00", true),
            "2025-09-25T00:30:00.000000+00:00"
        );
        // An offset is kept as given.
        assert_eq!(
            sent(&ist, "2025-09-25T09:00:00+05:30", false),
            "2025-09-25T09:00:00+05:30"
        );
        // Other spellings of a time with its zone are sent as RFC 3339.
        for other in [
            "Thu, 25 Sep 2025 03:30:00 GMT",
            "2025-09-25 03:30 UTC",
            "2025-09-25T09:00:00+0530",
        ] {
            let t = sent(&ist, other, false);
            assert!(
                chrono::DateTime::parse_from_rfc3339(&t).is_ok(),
                "{other}: {t}"
            );
            let utc = chrono::DateTime::parse_from_rfc3339(&t).unwrap().to_utc();
            assert_eq!(utc.to_rfc3339(), "2025-09-25T03:30:00+00:00", "{other}");
        }
        let e = when_shown(&ist, "--start", "yesterday", false).unwrap_err();
        assert!(e.to_string().contains("Asia/Kolkata"), "{e}");
        // 02:30 does not exist in Berlin on the day the clocks go forward.
        let berlin = Display::in_zone(false, Some(chrono_tz::Europe::Berlin));
        let e = when_shown(&berlin, "--start", "2025-03-30T02:30:00", false).unwrap_err();
        assert!(
            e.to_string().contains("skip") && e.to_string().contains("2025-03-30T02:30:00+01:00"),
            "{e}"
        );
        let new_york = Display::in_zone(false, Some(chrono_tz::America::New_York));
        let e = when_shown(&new_york, "--start", "2025-03-09T02:30:00", false).unwrap_err();
        assert!(e.to_string().contains("2025-03-09T02:30:00-05:00"), "{e}");
        // Samoa skipped 30 December 2011 whole: the offset of the day before.
        let apia = Display::in_zone(false, Some(chrono_tz::Pacific::Apia));
        let e = when_shown(&apia, "--start", "2011-12-30T20:00:00", false).unwrap_err();
        assert!(e.to_string().contains("2011-12-30T20:00:00-10:00"), "{e}");
    }

    #[test]
    fn an_end_before_the_start_is_refused() {
        let f = |start: &str, end: &str| HistoryFilters {
            start: Some(start.into()),
            end: Some(end.into()),
            agent: None,
            status: None,
            list: None,
        };
        let e = history_query(&f("2026-12-05T10:00:00Z", "2026-12-01T10:00:00Z")).unwrap_err();
        assert!(e.to_string().contains("is before --start"), "{e}");
        // One whole day, or an end equal to the start, is a period.
        assert!(history_query(&f("2026-12-05", "2026-12-05")).is_ok());
        assert!(history_query(&f("2026-12-05T10:00:00Z", "2026-12-05T10:00:00Z")).is_ok());
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
