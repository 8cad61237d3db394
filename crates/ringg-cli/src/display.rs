//! How results are shown for this run: the table width, whole or short ids, the time zone of
//! times. Set once from the global flags ([`init`]); read wherever a table or a time is
//! rendered, so the command bodies need not pass them along.

use std::io::IsTerminal;
use std::sync::OnceLock;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

/// The display settings of this run.
#[derive(Debug, Clone)]
pub(crate) struct Display {
    /// Whole ids in tables (`--wide`).
    pub(crate) wide: bool,
    /// Times in UTC instead of the local zone (`--utc`).
    pub(crate) utc: bool,
    /// No notes (`--quiet`).
    pub(crate) quiet: bool,
    /// `--output json`: errors print as JSON objects.
    pub(crate) json: bool,
    /// The width tables must fit, when there is one: `COLUMNS`, else the terminal's width
    /// when stdout is a terminal; none when piped without `COLUMNS`.
    pub(crate) width: Option<usize>,
    /// The width notes on stderr are fitted to: `COLUMNS`, else the terminal's width when
    /// stderr is one.
    pub(crate) err_width: Option<usize>,
    /// The local time zone (IANA name), when it is known.
    zone: Option<chrono_tz::Tz>,
}

static SETTINGS: OnceLock<Display> = OnceLock::new();

/// The narrowest width a table is fitted to (a smaller `COLUMNS` is taken as this).
pub(crate) const MIN_WIDTH: usize = 40;

impl Display {
    /// The settings for these flags, reading `COLUMNS`, the terminal and the local zone.
    pub(crate) fn new(wide: bool, utc: bool, quiet: bool, json: bool) -> Self {
        Self {
            wide,
            utc,
            quiet,
            json,
            width: detect_width(
                std::io::stdout().is_terminal(),
                terminal_size::terminal_size,
            ),
            err_width: detect_width(std::io::stderr().is_terminal(), || {
                terminal_size::terminal_size_of(std::io::stderr())
            }),
            zone: local_zone(),
        }
    }

    /// A time as `YYYY-MM-DD HH:MM:SS ZONE`: in the local zone (its abbreviation, or its UTC
    /// offset when the zone is not known) unless `--utc`.
    pub(crate) fn time(&self, t: DateTime<Utc>) -> String {
        const FORMAT: &str = "%Y-%m-%d %H:%M:%S";
        if self.utc {
            return format!("{} UTC", t.format(FORMAT));
        }
        match self.zone {
            Some(tz) => {
                let local = t.with_timezone(&tz);
                format!("{} {}", local.format(FORMAT), local.format("%Z"))
            }
            None => t
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S %:z")
                .to_string(),
        }
    }

    /// The instant a date and time without an offset names when read in the zone times are
    /// shown in (UTC with `--utc`, else the local zone): the earlier one when the clocks go
    /// back over it, `None` when they skip it.
    pub(crate) fn instant(&self, t: NaiveDateTime) -> Option<DateTime<Utc>> {
        if self.utc {
            return Some(t.and_utc());
        }
        match self.zone {
            Some(tz) => tz.from_local_datetime(&t).earliest().map(|l| l.to_utc()),
            None => chrono::Local
                .from_local_datetime(&t)
                .earliest()
                .map(|l| l.to_utc()),
        }
    }

    /// The zone times are shown in, for messages: `UTC`, the IANA name, or "the local time
    /// zone" when its name is not known.
    pub(crate) fn zone_name(&self) -> String {
        match (self.utc, self.zone) {
            (true, _) => "UTC".to_string(),
            (false, Some(tz)) => tz.name().to_string(),
            (false, None) => "the local time zone".to_string(),
        }
    }

    /// The settings of a unit test: times in `zone`, or in UTC with `utc`.
    #[cfg(test)]
    pub(crate) fn in_zone(utc: bool, zone: Option<chrono_tz::Tz>) -> Self {
        Self {
            wide: false,
            utc,
            quiet: false,
            json: false,
            width: None,
            err_width: None,
            zone,
        }
    }

    /// A time of day as [`time`](Self::time) shows it: `HH:MM:SS` and the zone's label
    /// (`IST`, `UTC`, or the offset when the zone's name is not known).
    pub(crate) fn clock(&self, t: DateTime<Utc>) -> (String, String) {
        let full = self.time(t);
        let mut parts = full.splitn(3, ' ').skip(1);
        let time = parts.next().unwrap_or_default().to_string();
        let zone = parts.next().unwrap_or_default().to_string();
        (time, zone)
    }
}

/// Sets the settings of this run (the first call wins).
pub(crate) fn init(settings: Display) {
    let _ = SETTINGS.set(settings);
}

/// The settings of this run (defaults when [`init`] was not called: unit tests).
pub(crate) fn get() -> &'static Display {
    SETTINGS.get_or_init(|| Display::new(false, false, false, false))
}

/// `COLUMNS` when set to a number, else the terminal's width when the stream is one.
fn detect_width(
    is_terminal: bool,
    size: impl FnOnce() -> Option<(terminal_size::Width, terminal_size::Height)>,
) -> Option<usize> {
    if let Some(cols) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
    {
        return Some(cols.max(MIN_WIDTH));
    }
    if is_terminal {
        return size()
            .map(|(w, _)| usize::from(w.0).max(MIN_WIDTH))
            .filter(|w| *w > 0);
    }
    None
}

/// The local time zone: `TZ` when it names one, else the system's.
pub(crate) fn local_zone() -> Option<chrono_tz::Tz> {
    if let Ok(tz) = std::env::var("TZ") {
        let name = tz.trim().trim_start_matches(':');
        if name.is_empty() {
            return Some(chrono_tz::UTC);
        }
        return name.parse().ok();
    }
    iana_time_zone::get_timezone()
        .ok()
        .and_then(|name| name.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_labelled() {
        let t = DateTime::parse_from_rfc3339("2025-09-25T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut d = Display {
            wide: false,
            utc: true,
            quiet: false,
            json: false,
            width: None,
            err_width: None,
            zone: Some(chrono_tz::Asia::Kolkata),
        };
        assert_eq!(d.time(t), "2025-09-25 09:00:00 UTC");
        d.utc = false;
        assert_eq!(d.time(t), "2025-09-25 14:30:00 IST");
        d.zone = Some(chrono_tz::Europe::Berlin);
        assert_eq!(d.time(t), "2025-09-25 11:00:00 CEST");
        assert_eq!(d.clock(t), ("11:00:00".to_string(), "CEST".to_string()));
    }
}
