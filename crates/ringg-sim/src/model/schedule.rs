//! When a queued call may be dialled: the daily calling window (`call_start_time` –
//! `call_end_time` in `timezone`), the earliest instant (`scheduled_at`, a campaign's start, a
//! retry's `next_attempt_time`) and a call's own scaled clock.

use std::time::Instant;

use chrono::{DateTime, Days, NaiveTime, TimeZone, Utc};

/// The daily calling window, in local time of the call's timezone.
///
/// `start < end` is a same-day window `[start, end)`; `start > end` runs over midnight
/// (`22:00`–`06:00`); `start == end` is open all day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) start: NaiveTime,
    pub(crate) end: NaiveTime,
}

impl Window {
    /// True when local time `t` is inside the window.
    pub(crate) fn contains(&self, t: NaiveTime) -> bool {
        use std::cmp::Ordering::*;
        match self.start.cmp(&self.end) {
            Less => self.start <= t && t < self.end,
            Greater => t >= self.start || t < self.end,
            Equal => true,
        }
    }
}

/// The earliest instant at or after `max(now, not_before)` when `window` (in `tz`) is open.
///
/// Without a window that is just `max(now, not_before)`. A local start time that does not
/// exist on a day (skipped by a daylight-saving change) is taken at its earliest valid reading
/// on the following days.
pub(crate) fn next_open(
    now: DateTime<Utc>,
    not_before: Option<DateTime<Utc>>,
    window: Option<&Window>,
    tz: chrono_tz::Tz,
) -> DateTime<Utc> {
    let from = not_before.map_or(now, |nb| nb.max(now));
    let Some(w) = window else {
        return from;
    };
    let local = from.with_timezone(&tz);
    if w.contains(local.time()) {
        return from;
    }
    // The window opens at `start` today (when still ahead) or on one of the next days.
    let today = local.date_naive();
    (0..3u64)
        .filter_map(|d| today.checked_add_days(Days::new(d)))
        .filter_map(|day| tz.from_local_datetime(&day.and_time(w.start)).earliest())
        .map(|t| t.with_timezone(&Utc))
        .find(|t| *t >= from)
        .unwrap_or(from)
}

/// A call's clock: it read `wall` at the real instant `at` and runs `1 / time_scale` times as
/// fast as real time from there, so a call placed at 20:00 with a 09:00–18:00 window waits 13
/// simulated hours, whatever the scale.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallClock {
    wall: DateTime<Utc>,
    at: Instant,
}

impl CallClock {
    /// A clock that reads `wall` now.
    pub(crate) fn starting_at(wall: DateTime<Utc>) -> Self {
        Self {
            wall,
            at: Instant::now(),
        }
    }

    /// The clock's time now, at `time_scale` real seconds per simulated second.
    pub(crate) fn now(&self, time_scale: f64) -> DateTime<Utc> {
        let sim_secs = self.at.elapsed().as_secs_f64() / time_scale;
        // Bounded so a tiny scale running for a long time cannot overflow the date range.
        let ms = (sim_secs * 1000.0).clamp(0.0, 100.0 * 365.0 * 86_400_000.0) as i64;
        self.wall + chrono::Duration::milliseconds(ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn windows_same_day_overnight_and_all_day() {
        let day = Window {
            start: t("09:00"),
            end: t("18:00"),
        };
        assert!(day.contains(t("09:00")) && day.contains(t("17:59")));
        assert!(!day.contains(t("18:00")) && !day.contains(t("08:59")));
        let night = Window {
            start: t("22:00"),
            end: t("06:00"),
        };
        assert!(night.contains(t("23:30")) && night.contains(t("05:59")));
        assert!(!night.contains(t("12:00")));
        let all = Window {
            start: t("00:00"),
            end: t("00:00"),
        };
        assert!(all.contains(t("13:37")));
    }

    #[test]
    fn next_opening_in_the_calls_timezone() {
        let ist = chrono_tz::Asia::Kolkata;
        let w = Window {
            start: t("09:00"),
            end: t("18:00"),
        };
        // 20:00 IST: the window opens at 09:00 IST the next day (03:30 UTC).
        let now = utc("2026-03-02T14:30:00Z");
        assert_eq!(
            next_open(now, None, Some(&w), ist),
            utc("2026-03-03T03:30:00Z")
        );
        // 08:00 IST: later the same day.
        let now = utc("2026-03-02T02:30:00Z");
        assert_eq!(
            next_open(now, None, Some(&w), ist),
            utc("2026-03-02T03:30:00Z")
        );
        // Inside the window: now.
        let now = utc("2026-03-02T05:00:00Z");
        assert_eq!(next_open(now, None, Some(&w), ist), now);
        // scheduled_at inside the window wins; outside it, the next opening after it.
        let at = utc("2026-03-05T06:00:00Z");
        assert_eq!(next_open(now, Some(at), Some(&w), ist), at);
        let at = utc("2026-03-05T13:00:00Z");
        assert_eq!(
            next_open(now, Some(at), Some(&w), ist),
            utc("2026-03-06T03:30:00Z")
        );
        // A past scheduled_at does not hold the call back; no window: at once.
        assert_eq!(
            next_open(now, Some(utc("2026-01-01T00:00:00Z")), None, ist),
            now
        );
    }

    #[test]
    fn clock_runs_scaled_from_its_start() {
        let start = utc("2026-03-02T14:30:00Z");
        let c = CallClock::starting_at(start);
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(c.now(0.001) >= start + chrono::Duration::seconds(5));
        assert!(c.now(1.0) >= start + chrono::Duration::milliseconds(5));
    }
}
