//! [`Timestamp`]: ISO 8601 with an offset, with `Z`, or naive (read as UTC).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Error returned when a string is not a timestamp this crate understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid timestamp {input:?}: expected ISO 8601 such as `2024-12-16T13:03:29.947147+00:00`, \
     `2025-12-14T19:37:13Z` or `2025-11-24T07:33:49.629642` (no offset = UTC)"
)]
pub struct TimestampError {
    input: String,
}

/// An ISO 8601 timestamp that keeps the exact text it was read from.
///
/// Ringg writes timestamps with an offset (`+00:00`), with `Z`, or with no offset at all (the
/// initiate-call response). All three parse; a timestamp without an offset is taken as UTC. The
/// original text is kept, so re-serializing writes the same bytes. Date-only values
/// (`2025-09-25`) parse as midnight UTC, and a space instead of `T` is accepted; so are an
/// offset of hours only (`+00`), a `UTC` or `GMT` suffix, RFC 2822
/// (`Sun, 14 Dec 2025 19:37:13 GMT`), and the day-first form Ringg writes a campaign's times
/// in (`18/10/2026, 09:00`, no offset).
///
/// ```
/// use ringg_types::common::Timestamp;
/// let naive: Timestamp = "2025-11-24T07:33:49.629642".parse().unwrap();
/// let zulu: Timestamp = "2025-11-24T07:33:49.629642Z".parse().unwrap();
/// assert!(!naive.has_offset());
/// assert_eq!(naive.to_utc(), zulu.to_utc());
/// assert_eq!(naive.as_str(), "2025-11-24T07:33:49.629642");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    raw: String,
    instant: DateTime<FixedOffset>,
    has_offset: bool,
}

impl Timestamp {
    /// Parses a timestamp, keeping `input` as its text.
    pub fn parse(input: &str) -> Result<Self, TimestampError> {
        let err = || TimestampError {
            input: input.to_owned(),
        };
        let s = input.trim();
        if s.is_empty() {
            return Err(err());
        }
        if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
            return Ok(Self::with(input, dt, true));
        }
        // `%#z`: an offset with or without its minutes (`+00`, as PostgreSQL writes it).
        for fmt in [
            "%Y-%m-%dT%H:%M:%S%.f%#z",
            "%Y-%m-%d %H:%M:%S%.f%#z",
            "%Y-%m-%dT%H:%M%#z",
        ] {
            if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
                return Ok(Self::with(input, dt, true));
            }
        }
        if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
            return Ok(Self::with(input, dt, true));
        }
        // A naive time followed by ` UTC` or ` GMT`: that zone, not an assumed one.
        if let Some(naive) = ["UTC", "GMT"]
            .iter()
            .find_map(|zone| s.strip_suffix(zone).map(str::trim_end))
            .and_then(naive_time)
        {
            return Ok(Self::with(
                input,
                Utc.from_utc_datetime(&naive).into(),
                true,
            ));
        }
        if let Some(naive) = naive_time(s) {
            return Ok(Self::with(
                input,
                Utc.from_utc_datetime(&naive).into(),
                false,
            ));
        }
        if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            let naive = date.and_hms_opt(0, 0, 0).ok_or_else(err)?;
            return Ok(Self::with(
                input,
                Utc.from_utc_datetime(&naive).into(),
                false,
            ));
        }
        Err(err())
    }

    fn with(raw: &str, instant: DateTime<FixedOffset>, has_offset: bool) -> Self {
        Self {
            raw: raw.to_owned(),
            instant,
            has_offset,
        }
    }

    /// A timestamp for `dt`, written as RFC 3339 with microseconds and a numeric offset
    /// (`2024-12-16T13:03:29.947147+00:00`), the style of most Ringg responses.
    pub fn from_datetime<Tz: TimeZone>(dt: &DateTime<Tz>) -> Self {
        let fixed = dt.fixed_offset();
        Self {
            raw: fixed.to_rfc3339_opts(SecondsFormat::Micros, false),
            instant: fixed,
            has_offset: true,
        }
    }

    /// The current time in UTC.
    pub fn now() -> Self {
        Self::from_datetime(&Utc::now())
    }

    /// The text the timestamp was read from (written back unchanged).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// False when the text had no offset (it was read as UTC).
    pub fn has_offset(&self) -> bool {
        self.has_offset
    }

    /// The instant with the offset it was written with (`+00:00` when it had none).
    pub fn to_fixed_offset(&self) -> DateTime<FixedOffset> {
        self.instant
    }

    /// The instant in UTC. A timestamp without an offset is assumed to be UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.instant.with_timezone(&Utc)
    }
}

/// `s` as a date and time without an offset (`T` or a space between them; seconds and their
/// fraction optional).
fn naive_time(s: &str) -> Option<NaiveDateTime> {
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        // Day first, as Ringg writes a campaign's times (`18/10/2026, 09:00`).
        "%d/%m/%Y, %H:%M:%S",
        "%d/%m/%Y, %H:%M",
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
    ]
    .iter()
    .find_map(|fmt| NaiveDateTime::parse_from_str(s, fmt).ok())
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({:?})", self.raw)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl<Tz: TimeZone> From<DateTime<Tz>> for Timestamp {
    fn from(dt: DateTime<Tz>) -> Self {
        Self::from_datetime(&dt)
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    /// Orders by instant, then by text.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.instant
            .cmp(&other.instant)
            .then_with(|| self.raw.cmp(&other.raw))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO 8601 timestamp string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}
