//! Why a call that has not ended is waiting, and until when, read from the fields the API
//! gives: its status (`registered` / `retry`), `next_attempt_time` (on history rows; call
//! details carry it as well, inferred) and `scheduled_at`.

use std::fmt;

use crate::common::{Extra, Nullable, Timestamp};
use crate::enums::CallStatus;

use super::details::CallDetails;
use super::history::CallRecord;

/// What a queued call waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueueReason {
    /// Its daily calling window (`call_start_time` – `call_end_time`) or its campaign's start.
    Window,
    /// Its `scheduled_at`.
    Scheduled,
    /// Its next attempt after an unanswered one (status `retry`).
    Retry,
}

impl QueueReason {
    /// `window`, `scheduled` or `retry`.
    pub fn as_str(self) -> &'static str {
        match self {
            QueueReason::Window => "window",
            QueueReason::Scheduled => "scheduled",
            QueueReason::Retry => "retry",
        }
    }
}

/// A call that waits for a known time before its next attempt.
///
/// Its `Display` reads `queued until 09:00 (window, 2026-03-03 +05:30)`: the time and date in
/// the offset Ringg gave `next_attempt_time` (the simulator gives the call's timezone).
///
/// ```
/// use ringg_types::calls::{CallDetails, QueueReason};
///
/// let details: CallDetails = serde_json::from_value(serde_json::json!({
///     "id": "31106b7c-9d02-4723-8b07-5bb8d90240cb",
///     "call_status": "registered",
///     "next_attempt_time": "2026-03-03T09:00:00+05:30"
/// })).unwrap();
/// let queued = details.queued().unwrap();
/// assert_eq!(queued.reason, QueueReason::Window);
/// assert_eq!(queued.to_string(), "queued until 09:00 (window, 2026-03-03 +05:30)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Queued {
    /// `next_attempt_time`.
    pub until: Timestamp,
    /// Why it waits.
    pub reason: QueueReason,
}

impl fmt::Display for Queued {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.until.to_fixed_offset();
        write!(
            f,
            "queued until {} ({}, {} {})",
            t.format("%H:%M"),
            self.reason.as_str(),
            t.format("%Y-%m-%d"),
            t.format("%:z")
        )
    }
}

impl Queued {
    /// The wait of a call in `status` whose next attempt is at `next`; `scheduled_at` tells a
    /// scheduled call from one held by its window. `None` unless the call is `registered` or
    /// `retry` with a `next_attempt_time`.
    pub fn from_fields(
        status: Option<&CallStatus>,
        next: Option<&Timestamp>,
        scheduled_at: Option<&Timestamp>,
    ) -> Option<Queued> {
        let until = next?.clone();
        let reason = match status? {
            CallStatus::Retry => QueueReason::Retry,
            CallStatus::Registered
                if scheduled_at.is_some_and(|s| s.to_utc() == until.to_utc()) =>
            {
                QueueReason::Scheduled
            }
            CallStatus::Registered => QueueReason::Window,
            _ => return None,
        };
        Some(Queued { until, reason })
    }
}

/// A timestamp field kept among the unknown fields.
fn extra_timestamp(extra: &Extra, key: &str) -> Option<Timestamp> {
    extra
        .get(key)
        .and_then(|v| v.as_str())
        .and_then(|s| Timestamp::parse(s).ok())
}

impl CallDetails {
    /// What the call waits for before its next attempt, when it is queued for a known time
    /// (`next_attempt_time`, which call details carry beside the documented fields).
    pub fn queued(&self) -> Option<Queued> {
        Queued::from_fields(
            self.call_status.as_ref(),
            extra_timestamp(&self.extra, "next_attempt_time").as_ref(),
            extra_timestamp(&self.extra, "scheduled_at").as_ref(),
        )
    }
}

impl CallRecord {
    /// What the call waits for before its next attempt, when it is queued for a known time.
    ///
    /// A history row carries no `scheduled_at` (Ringg documents none there), so a call placed
    /// for later shows as waiting for its window here; [`CallDetails::queued`] tells the two
    /// apart.
    pub fn queued(&self) -> Option<Queued> {
        let next = match &self.next_attempt_time {
            Nullable::Value(t) => Some(t),
            _ => None,
        };
        Queued::from_fields(
            self.status.as_ref(),
            next,
            extra_timestamp(&self.extra, "scheduled_at").as_ref(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn reasons_from_status_and_schedule() {
        let next = ts("2026-03-03T09:00:00+05:30");
        let q = |status: CallStatus, scheduled: Option<&Timestamp>| {
            Queued::from_fields(Some(&status), Some(&next), scheduled)
        };
        assert_eq!(
            q(CallStatus::Registered, None).unwrap().reason,
            QueueReason::Window
        );
        let same = ts("2026-03-03T03:30:00Z");
        assert_eq!(
            q(CallStatus::Registered, Some(&same)).unwrap().reason,
            QueueReason::Scheduled
        );
        let earlier = ts("2026-03-02T22:00:00+05:30");
        assert_eq!(
            q(CallStatus::Registered, Some(&earlier)).unwrap().reason,
            QueueReason::Window
        );
        assert_eq!(
            q(CallStatus::Retry, None).unwrap().to_string(),
            "queued until 09:00 (retry, 2026-03-03 +05:30)"
        );
        assert_eq!(q(CallStatus::Ongoing, None), None);
        assert_eq!(
            Queued::from_fields(Some(&CallStatus::Registered), None, None),
            None
        );
    }
}
