//! When a campaign may ring people: quiet hours at each recipient's local time (21:00–09:00
//! by default, as India's TRAI rules restrict calling at night), the time zone a number's
//! country gives, the default calling window (the next hours allowed for every recipient),
//! and the campaign times given on the command line.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use ringg_api::types::campaigns::CampaignTime;

use crate::error::CliError;

/// The default quiet hours.
pub(crate) const DEFAULT_QUIET_HOURS: &str = "21:00-09:00";

/// How long the default window lasts at most.
const DEFAULT_WINDOW: Duration = Duration::hours(12);

/// How far ahead the default window is looked for.
const SEARCH_AHEAD: Duration = Duration::days(8);

/// Hours of the day when nobody is called, at the recipient's local time; `from` to `to`,
/// wrapping past midnight when `to` is earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QuietHours {
    from: NaiveTime,
    to: NaiveTime,
}

impl QuietHours {
    /// Parses `HH:MM-HH:MM`, or `off` (no quiet hours: `None`).
    pub(crate) fn parse(s: &str) -> Result<Option<Self>, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("off") || s.eq_ignore_ascii_case("none") {
            return Ok(None);
        }
        let bad =
            || format!("{s:?} is not quiet hours; write HH:MM-HH:MM (e.g. 21:00-09:00) or off");
        let (a, b) = s.split_once('-').ok_or_else(bad)?;
        let t = |x: &str| NaiveTime::parse_from_str(x.trim(), "%H:%M").map_err(|_| bad());
        let (from, to) = (t(a)?, t(b)?);
        if from == to {
            return Err(format!(
                "{s:?} is empty (it starts where it ends); give two different times, or off"
            ));
        }
        Ok(Some(Self { from, to }))
    }

    /// True when `local` is in the quiet hours.
    pub(crate) fn contains(&self, local: NaiveTime) -> bool {
        if self.from < self.to {
            local >= self.from && local < self.to
        } else {
            local >= self.from || local < self.to
        }
    }

    /// True when `at` is in the quiet hours of zone `tz`.
    pub(crate) fn is_quiet(&self, at: DateTime<Utc>, tz: Tz) -> bool {
        self.contains(at.with_timezone(&tz).time())
    }

    /// `21:00-09:00`.
    pub(crate) fn text(&self) -> String {
        format!("{}-{}", self.from.format("%H:%M"), self.to.format("%H:%M"))
    }
}

/// Calling codes of countries that keep one time zone, and the zone (IANA). A country with
/// several zones (+1, +7, +55, +61, …) has none: its numbers take the campaign's zone.
const SINGLE_ZONE_COUNTRIES: &[(&str, &str)] = &[
    ("20", "Africa/Cairo"),
    ("27", "Africa/Johannesburg"),
    ("30", "Europe/Athens"),
    ("31", "Europe/Amsterdam"),
    ("32", "Europe/Brussels"),
    ("33", "Europe/Paris"),
    ("36", "Europe/Budapest"),
    ("39", "Europe/Rome"),
    ("40", "Europe/Bucharest"),
    ("41", "Europe/Zurich"),
    ("43", "Europe/Vienna"),
    ("44", "Europe/London"),
    ("45", "Europe/Copenhagen"),
    ("46", "Europe/Stockholm"),
    ("47", "Europe/Oslo"),
    ("48", "Europe/Warsaw"),
    ("49", "Europe/Berlin"),
    ("60", "Asia/Kuala_Lumpur"),
    ("63", "Asia/Manila"),
    ("65", "Asia/Singapore"),
    ("66", "Asia/Bangkok"),
    ("81", "Asia/Tokyo"),
    ("82", "Asia/Seoul"),
    ("84", "Asia/Ho_Chi_Minh"),
    ("86", "Asia/Shanghai"),
    ("90", "Europe/Istanbul"),
    ("91", "Asia/Kolkata"),
    ("92", "Asia/Karachi"),
    ("94", "Asia/Colombo"),
    ("234", "Africa/Lagos"),
    ("254", "Africa/Nairobi"),
    ("353", "Europe/Dublin"),
    ("358", "Europe/Helsinki"),
    ("420", "Europe/Prague"),
    ("852", "Asia/Hong_Kong"),
    ("880", "Asia/Dhaka"),
    ("886", "Asia/Taipei"),
    ("965", "Asia/Kuwait"),
    ("966", "Asia/Riyadh"),
    ("968", "Asia/Muscat"),
    ("971", "Asia/Dubai"),
    ("972", "Asia/Jerusalem"),
    ("973", "Asia/Bahrain"),
    ("974", "Asia/Qatar"),
    ("977", "Asia/Kathmandu"),
];

/// The zone of an E.164 number's country, when the country has one zone.
pub(crate) fn zone_of_number(e164: &str) -> Option<Tz> {
    let digits = e164.strip_prefix('+')?;
    // Calling codes are prefix-free: at most one length matches.
    (1..=3)
        .filter_map(|n| digits.get(..n))
        .find_map(|code| SINGLE_ZONE_COUNTRIES.iter().find(|(c, _)| *c == code))
        .and_then(|(_, zone)| zone.parse().ok())
}

/// Rows per recipient zone.
pub(crate) type Zones = BTreeMap<String, u64>;

/// The zones as time zones (names that do not parse are skipped).
pub(crate) fn zone_list(zones: &Zones) -> Vec<Tz> {
    zones.keys().filter_map(|z| z.parse().ok()).collect()
}

/// True when nobody in `zones` is in quiet hours at `at`.
fn allowed(at: DateTime<Utc>, zones: &[Tz], quiet: &QuietHours) -> bool {
    zones.iter().all(|z| !quiet.is_quiet(at, *z))
}

/// The minute at or after `t`.
fn ceil_minute(t: DateTime<Utc>) -> DateTime<Utc> {
    let floor = t
        .with_second(0)
        .and_then(|x| x.with_nanosecond(0))
        .unwrap_or(t);
    if floor < t {
        floor + Duration::minutes(1)
    } else {
        floor
    }
}

/// The default window: from two minutes after `now` (or, when that is in some recipient's
/// quiet hours, from the next minute allowed for all of them) until the quiet hours of one of
/// them begin, at most 12 hours. Without quiet hours: two minutes from now for 12 hours.
///
/// # Errors
/// When the zones share no allowed minute in the next eight days (their allowed hours do not
/// overlap).
pub(crate) fn default_window(
    now: DateTime<Utc>,
    zones: &[Tz],
    quiet: Option<&QuietHours>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
    let first = ceil_minute(now + Duration::minutes(2));
    let Some(quiet) = quiet else {
        return Ok((first, first + DEFAULT_WINDOW));
    };
    let step = Duration::minutes(1);
    let mut start = first;
    while !allowed(start, zones, quiet) {
        start += step;
        if start - first > SEARCH_AHEAD {
            return Err(format!(
                "the recipients' time zones ({}) share no hour outside the quiet hours {}; launch them as separate campaigns per country, or change --quiet-hours",
                zones
                    .iter()
                    .map(|z| z.name())
                    .collect::<Vec<_>>()
                    .join(", "),
                quiet.text()
            ));
        }
    }
    let mut end = start + step;
    while end - start < DEFAULT_WINDOW && allowed(end, zones, quiet) {
        end += step;
    }
    Ok((start, end))
}

/// Campaign times: given (`DD/MM/YYYY, HH:MM`), or start in two minutes and end 12 hours
/// later, in `tz`.
pub(crate) fn campaign_times(
    start: Option<&str>,
    end: Option<&str>,
    tz: chrono_tz::Tz,
) -> Result<(CampaignTime, CampaignTime), CliError> {
    let parse = |flag: &str, s: &str| {
        CampaignTime::parse(s).map_err(|e| CliError::usage(format!("{flag}: {e}")))
    };
    let start = match start {
        Some(s) => parse("--start", s)?,
        None => {
            let now = chrono::Utc::now().with_timezone(&tz).naive_local();
            CampaignTime::new(now + chrono::Duration::minutes(2))
        }
    };
    let end = match end {
        Some(e) => parse("--end", e)?,
        None => start
            .local()
            .checked_add_signed(chrono::Duration::hours(12))
            .map(CampaignTime::new)
            .ok_or_else(|| {
                CliError::usage(format!(
                    "--start ({start}) is too far ahead to add 12 hours to; give an earlier --start, or --end"
                ))
            })?,
    };
    if end <= start {
        return Err(CliError::usage(format!(
            "--end ({end}) is not after --start ({start})"
        )));
    }
    // Ringg refuses a start in the past (the current minute still counts).
    if let Some(at) = tz.from_local_datetime(&start.local()).earliest()
        && at + chrono::Duration::minutes(1) < chrono::Utc::now()
    {
        return Err(CliError::usage(format!(
            "--start {start} is in the past in {tz}"
        ))
        .with_hint(
            "give a future time, or leave --start out: the launch then starts in two minutes, or at the next hours outside the recipients' quiet hours when --end is left out too",
        ));
    }
    Ok((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_times_are_in_the_future_and_ordered() {
        let tz: chrono_tz::Tz = "Asia/Kolkata".parse().unwrap();
        let (s, e) = campaign_times(None, None, tz).unwrap();
        assert!(e > s);
        assert!(campaign_times(Some("01/01/2020, 09:00"), None, tz).is_err());
        assert!(campaign_times(Some("01/01/2999, 09:00"), Some("01/01/2999, 08:00"), tz).is_err());
        assert!(campaign_times(Some("2999-01-01"), None, tz).is_err());
    }

    fn ist(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Kolkata
            .with_ymd_and_hms(y, mo, d, h, mi, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn quiet_hours_parse_and_wrap() {
        let q = QuietHours::parse("21:00-09:00").unwrap().unwrap();
        assert!(q.contains(NaiveTime::from_hms_opt(23, 0, 0).unwrap()));
        assert!(q.contains(NaiveTime::from_hms_opt(8, 59, 0).unwrap()));
        assert!(!q.contains(NaiveTime::from_hms_opt(9, 0, 0).unwrap()));
        assert!(!q.contains(NaiveTime::from_hms_opt(20, 59, 0).unwrap()));
        let day = QuietHours::parse("13:00-14:00").unwrap().unwrap();
        assert!(day.contains(NaiveTime::from_hms_opt(13, 30, 0).unwrap()));
        assert!(!day.contains(NaiveTime::from_hms_opt(14, 0, 0).unwrap()));
        assert_eq!(QuietHours::parse("off").unwrap(), None);
        assert!(QuietHours::parse("9-5").is_err());
        assert!(QuietHours::parse("09:00-09:00").is_err());
        assert_eq!(q.text(), "21:00-09:00");
    }

    #[test]
    fn numbers_give_their_country_zone() {
        assert_eq!(
            zone_of_number("+919876543210"),
            Some(chrono_tz::Asia::Kolkata)
        );
        assert_eq!(
            zone_of_number("+447700900123"),
            Some(chrono_tz::Europe::London)
        );
        assert_eq!(
            zone_of_number("+971501234567"),
            Some(chrono_tz::Asia::Dubai)
        );
        // +1 spans several zones.
        assert_eq!(zone_of_number("+14155550100"), None);
        assert_eq!(zone_of_number("919876543210"), None);
    }

    #[test]
    fn a_late_evening_launch_waits_for_the_morning() {
        let q = QuietHours::parse(DEFAULT_QUIET_HOURS).unwrap().unwrap();
        let india = [chrono_tz::Asia::Kolkata];
        // 21:56 IST is in quiet hours: the window opens at 09:00.
        let (s, e) = default_window(ist(2026, 3, 2, 21, 56), &india, Some(&q)).unwrap();
        assert_eq!(s, ist(2026, 3, 3, 9, 0));
        assert_eq!(e, ist(2026, 3, 3, 21, 0));
        // 14:00 IST: from 14:02 until the quiet hours begin.
        let (s, e) = default_window(ist(2026, 3, 2, 14, 0), &india, Some(&q)).unwrap();
        assert_eq!(s, ist(2026, 3, 2, 14, 2));
        assert_eq!(e, ist(2026, 3, 2, 21, 0));
        // 07:00 IST: twelve hours from 09:00 are cut at 21:00.
        let (s, _) = default_window(ist(2026, 3, 2, 7, 0), &india, Some(&q)).unwrap();
        assert_eq!(s, ist(2026, 3, 2, 9, 0));
        // Without quiet hours: two minutes from now, for twelve hours.
        let (s, e) = default_window(ist(2026, 3, 2, 21, 56), &india, None).unwrap();
        assert_eq!(s, ist(2026, 3, 2, 21, 58));
        assert_eq!(e - s, Duration::hours(12));
    }

    #[test]
    fn two_countries_share_the_overlap_or_nothing() {
        let q = QuietHours::parse(DEFAULT_QUIET_HOURS).unwrap().unwrap();
        let zones = [chrono_tz::Asia::Kolkata, chrono_tz::Europe::London];
        let (s, e) = default_window(ist(2026, 3, 2, 6, 0), &zones, Some(&q)).unwrap();
        // 09:00 London is 14:30 IST; 21:00 IST ends it.
        assert_eq!(s, ist(2026, 3, 2, 14, 30));
        assert_eq!(e, ist(2026, 3, 2, 21, 0));
        let night = QuietHours::parse("06:00-04:00").unwrap().unwrap();
        let far = [chrono_tz::Asia::Kolkata, chrono_tz::America::Los_Angeles];
        assert!(default_window(ist(2026, 3, 2, 6, 0), &far, Some(&night)).is_err());
    }
}
