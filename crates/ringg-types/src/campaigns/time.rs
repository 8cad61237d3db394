//! [`CampaignTime`]: the `DD/MM/YYYY, HH:MM` start and end times of a campaign.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDateTime;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Error for a campaign time that is not `DD/MM/YYYY, HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid campaign time {input:?}: expected `DD/MM/YYYY, HH:MM` (24 h), e.g. `18/10/2026, 09:00`"
)]
pub struct CampaignTimeError {
    input: String,
}

/// A campaign start or end time, written `DD/MM/YYYY, HH:MM` (24 h) and interpreted in the
/// campaign's `call_config.call_time.timezone`.
///
/// Parsing also accepts the form without the comma (`18/10/2026 09:00`); it is always written
/// with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CampaignTime(NaiveDateTime);

impl CampaignTime {
    /// The wire format.
    pub const FORMAT: &'static str = "%d/%m/%Y, %H:%M";

    /// Wraps a local date-time (seconds are dropped when written).
    pub fn new(local: NaiveDateTime) -> Self {
        Self(local)
    }

    /// Parses `DD/MM/YYYY, HH:MM`. The year has four digits (chrono alone would also read a
    /// signed or longer year, such as `+262142`, near the end of its calendar).
    pub fn parse(input: &str) -> Result<Self, CampaignTimeError> {
        use chrono::Datelike;
        let s = input.trim();
        [Self::FORMAT, "%d/%m/%Y,%H:%M", "%d/%m/%Y %H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
            .filter(|t| (1000..=9999).contains(&t.year()))
            .map(Self)
            .ok_or_else(|| CampaignTimeError {
                input: input.to_owned(),
            })
    }

    /// The local date-time (no time zone).
    pub fn local(&self) -> NaiveDateTime {
        self.0
    }
}

impl fmt::Display for CampaignTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format(Self::FORMAT))
    }
}

impl FromStr for CampaignTime {
    type Err = CampaignTimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for CampaignTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CampaignTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(s: &str) -> CampaignTime {
        s.parse().unwrap()
    }

    #[test]
    fn campaign_time_format() {
        let ct = t("18/10/2026, 09:00");
        assert_eq!(ct.to_string(), "18/10/2026, 09:00");
        assert_eq!(t("18/10/2026 09:00"), ct);
        assert_eq!(
            serde_json::to_value(ct).unwrap(),
            json!("18/10/2026, 09:00")
        );
        let err = CampaignTime::parse("2026-10-18 09:00").unwrap_err();
        assert!(err.to_string().contains("DD/MM/YYYY, HH:MM"));
        assert!(CampaignTime::parse("31/02/2026, 09:00").is_err());
    }
}
