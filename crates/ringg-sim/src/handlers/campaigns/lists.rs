//! Contact-list lookups shared by the upload and start operations: not-found answers, the
//! campaign window, the large-upload progress and the rows still to dial.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::handlers::ctx::Ctx;
use crate::model::{ContactList, ListKind, Status, Workspace};

/// Simulated seconds a large upload stays `verifying`.
pub(crate) const VERIFY_SECS: f64 = 10.0;

pub(crate) fn list_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Campaign / list {id} not found"))
}

/// `"DD/MM/YYYY, HH:MM"` in `tz`.
pub(crate) fn parse_campaign_time(
    field: &str,
    raw: &str,
    tz: chrono_tz::Tz,
) -> Result<DateTime<Utc>, ApiError> {
    let bad = || {
        ApiError::bad_request(format!(
            "{field} must be \"DD/MM/YYYY, HH:MM\" (24 h), e.g. \"18/10/2026, 09:00\"; got \"{raw}\""
        ))
    };
    let naive = NaiveDateTime::parse_from_str(raw.trim(), "%d/%m/%Y, %H:%M").map_err(|_| bad())?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
        .ok_or_else(bad)
}

pub(crate) fn check_window(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
) -> Result<(), ApiError> {
    if let Some(s) = start {
        // Minute precision: the current minute still counts as "now".
        // A time past chrono's range has no next minute: it is not in the past either.
        if s.checked_add_signed(chrono::Duration::seconds(60))
            .is_some_and(|next| next < Utc::now())
        {
            return Err(ApiError::bad_request(
                "campaign_start_time is in the past; pick a time in the future (in call_config.call_time.timezone, default Asia/Kolkata)",
            ));
        }
    }
    if let (Some(s), Some(e)) = (start, end)
        && e <= s
    {
        return Err(ApiError::bad_request(
            "campaign_end_time must be after campaign_start_time",
        ));
    }
    Ok(())
}

/// Large-upload progress, computed from the (scaled) time since upload.
pub(crate) struct Progress {
    pub(crate) status: &'static str,
    pub(crate) processed: usize,
}

pub(crate) fn progress(c: &Ctx<'_>, l: &ContactList, remove_invalid: bool) -> Progress {
    let elapsed = l.uploaded_at.elapsed().as_secs_f64() / c.sh.settings.time_scale;
    let processing_secs = (l.total_rows as f64 * 0.01).max(30.0);
    if elapsed < VERIFY_SECS {
        Progress {
            status: "verifying",
            processed: 0,
        }
    } else if elapsed < VERIFY_SECS + processing_secs {
        let frac = (elapsed - VERIFY_SECS) / processing_secs;
        Progress {
            status: "processing",
            processed: ((l.total_rows as f64) * frac) as usize,
        }
    } else if !remove_invalid && !l.invalid_lines.is_empty() {
        Progress {
            status: "failed",
            processed: l.total_rows,
        }
    } else {
        Progress {
            status: "completed",
            processed: l.total_rows,
        }
    }
}

pub(crate) fn large_list<'a>(ws: &'a Workspace, id: &str) -> Result<&'a ContactList, ApiError> {
    ws.list(id)
        .filter(|l| l.kind == ListKind::Large)
        .ok_or_else(|| list_not_found(id))
}

pub(crate) fn rows_to_dial(ws: &Workspace, l: &ContactList) -> Vec<Map<String, Value>> {
    // Rows already finished (or in flight) are not dialled again after a restart.
    let taken: std::collections::HashSet<&str> = ws
        .calls
        .iter()
        .filter(|call| {
            call.bulk_list_id.as_deref() == Some(l.id.as_str()) && call.status != Status::Cancelled
        })
        .map(|call| call.to_number.as_str())
        .collect();
    l.rows
        .iter()
        .filter(|row| {
            let number = row
                .get("mobile_number")
                .and_then(Value::as_str)
                .unwrap_or("");
            !taken.contains(number)
        })
        .cloned()
        .collect()
}
