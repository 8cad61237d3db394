//! The parts of a `call_config` the engine runs on, and their validation.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde_json::Value;

use crate::error::{ApiError, Issue};
use crate::model::schedule::Window;

/// The parts of a `call_config` the engine uses, validated.
#[derive(Debug, Clone)]
pub(crate) struct CallConfig {
    pub(crate) retry_count: u32,
    pub(crate) retry_minutes: [f64; 3],
    pub(crate) scheduled_at: Option<DateTime<Utc>>,
    pub(crate) timezone: chrono_tz::Tz,
    /// The daily window, when `call_time` names a start or an end (the other one then takes
    /// its documented default, `00:00` / `23:00`).
    pub(crate) window: Option<Window>,
}

fn loc_of(base: &[&str], rest: &[&str]) -> Vec<Value> {
    base.iter()
        .chain(rest.iter())
        .map(|s| Value::from(*s))
        .collect()
}

fn hhmm(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

/// The documented defaults of `call_start_time` / `call_end_time`.
const DEFAULT_START: NaiveTime = NaiveTime::MIN;
const DEFAULT_END: Option<NaiveTime> = NaiveTime::from_hms_opt(23, 0, 0);

impl Default for CallConfig {
    /// No retries, 30-minute retry delays, no schedule, no window, `Asia/Kolkata`.
    fn default() -> Self {
        CallConfig {
            retry_count: 0,
            retry_minutes: [30.0; 3],
            scheduled_at: None,
            timezone: chrono_tz::Asia::Kolkata,
            window: None,
        }
    }
}

impl CallConfig {
    /// Validates a `call_config` object (422 with the failing path on bad input).
    pub(crate) fn parse(v: &Value, loc: &[&str]) -> Result<Self, ApiError> {
        let mut issues = Vec::new();
        let mut cfg = CallConfig::default();
        let obj = match v {
            Value::Null => return Ok(cfg),
            Value::Object(o) => o,
            _ => {
                return Err(ApiError::validation(vec![Issue {
                    kind: "dict_type",
                    loc: loc_of(loc, &[]),
                    msg: "call_config should be an object".into(),
                }]));
            }
        };
        for key in [
            "idle_timeout_warning",
            "idle_timeout_end",
            "max_call_length",
        ] {
            if let Some(x) = obj.get(key)
                && !x.is_null()
                && x.as_f64().is_none_or(|n| n < 0.0)
            {
                issues.push(Issue {
                    kind: "float_type",
                    loc: loc_of(loc, &[key]),
                    msg: "Input should be a non-negative number of seconds".into(),
                });
            }
        }
        if let Some(rc) = obj.get("call_retry_config").filter(|x| !x.is_null()) {
            match rc.as_object() {
                None => issues.push(Issue {
                    kind: "dict_type",
                    loc: loc_of(loc, &["call_retry_config"]),
                    msg: "call_retry_config should be an object".into(),
                }),
                Some(rc) => {
                    if let Some(n) = rc.get("retry_count").filter(|x| !x.is_null()) {
                        // As pydantic's lax integers: `2` and `2.0`, not `2.5`.
                        let whole = n.as_u64().or_else(|| {
                            n.as_f64()
                                .filter(|f| f.fract() == 0.0 && (0.0..=10.0).contains(f))
                                .map(|f| f as u64)
                        });
                        match whole {
                            Some(n) if n <= 10 => cfg.retry_count = n as u32,
                            _ => issues.push(Issue {
                                kind: "int_type",
                                loc: loc_of(loc, &["call_retry_config", "retry_count"]),
                                msg: "retry_count should be an integer from 0 to 10".into(),
                            }),
                        }
                    }
                    for (i, key) in ["retry_busy", "retry_not_picked", "retry_failed"]
                        .iter()
                        .enumerate()
                    {
                        if let Some(m) = rc.get(*key).filter(|x| !x.is_null()) {
                            match m.as_f64() {
                                Some(m) if m >= 0.0 => cfg.retry_minutes[i] = m,
                                _ => issues.push(Issue {
                                    kind: "float_type",
                                    loc: loc_of(loc, &["call_retry_config", key]),
                                    msg: "Input should be a non-negative number of minutes".into(),
                                }),
                            }
                        }
                    }
                }
            }
        }
        if let Some(ct) = obj.get("call_time").filter(|x| !x.is_null()) {
            call_time(ct, loc, &mut cfg, &mut issues);
        }
        if issues.is_empty() {
            Ok(cfg)
        } else {
            Err(ApiError::validation(issues))
        }
    }
}

/// Reads `call_time`: the daily window, its timezone and `scheduled_at`.
fn call_time(ct: &Value, loc: &[&str], cfg: &mut CallConfig, issues: &mut Vec<Issue>) {
    match ct.as_object() {
        None => issues.push(Issue {
            kind: "dict_type",
            loc: loc_of(loc, &["call_time"]),
            msg: "call_time should be an object".into(),
        }),
        Some(ct) => {
            let mut bounds = [None, None];
            for (i, key) in ["call_start_time", "call_end_time"].iter().enumerate() {
                if let Some(t) = ct.get(*key).filter(|x| !x.is_null()) {
                    match t.as_str().and_then(hhmm) {
                        Some(t) => bounds[i] = Some(t),
                        None => issues.push(Issue {
                            kind: "value_error",
                            loc: loc_of(loc, &["call_time", key]),
                            msg: "Time should be \"HH:MM\" (24 h), e.g. \"09:00\"".into(),
                        }),
                    }
                }
            }
            if let [start, end] = bounds
                && (start.is_some() || end.is_some())
            {
                cfg.window = Some(Window {
                    start: start.unwrap_or(DEFAULT_START),
                    end: end.or(DEFAULT_END).unwrap_or(NaiveTime::MIN),
                });
            }
            if let Some(tz) = ct.get("timezone").filter(|x| !x.is_null()) {
                match tz.as_str().and_then(|s| s.parse::<chrono_tz::Tz>().ok()) {
                    Some(tz) => cfg.timezone = tz,
                    None => issues.push(Issue {
                        kind: "value_error",
                        loc: loc_of(loc, &["call_time", "timezone"]),
                        msg: "timezone should be an IANA name such as Asia/Kolkata".into(),
                    }),
                }
            }
            if let Some(s) = ct.get("scheduled_at").filter(|x| !x.is_null()) {
                match s.as_str().and_then(|s| parse_instant(s, cfg.timezone)) {
                    Some(t) => cfg.scheduled_at = Some(t),
                    None => issues.push(Issue {
                        kind: "datetime_parsing",
                        loc: loc_of(loc, &["call_time", "scheduled_at"]),
                        msg: "scheduled_at should be an ISO 8601 date-time".into(),
                    }),
                }
            }
        }
    }
}

/// An ISO date-time with or without offset (naive ones are read in `tz`), or a plain date.
pub(crate) fn parse_instant(s: &str, tz: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    let s2 = s.replace(' ', "T");
    if let Ok(d) = DateTime::parse_from_rfc3339(&s2) {
        return Some(d.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(&s2, fmt) {
            return tz
                .from_local_datetime(&n)
                .earliest()
                .map(|d| d.with_timezone(&Utc));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return tz
            .from_local_datetime(&d.and_time(NaiveTime::MIN))
            .earliest()
            .map(|d| d.with_timezone(&Utc));
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn retry_count_is_read_as_a_lax_integer() {
        let parse = |n: Value| {
            CallConfig::parse(
                &json!({"call_retry_config": {"retry_count": n}}),
                &["call_config"],
            )
        };
        assert_eq!(parse(json!(2)).unwrap().retry_count, 2);
        assert_eq!(parse(json!(0.0)).unwrap().retry_count, 0);
        assert_eq!(parse(json!(10.0)).unwrap().retry_count, 10);
        for bad in [json!(2.5), json!(11), json!(-1)] {
            assert!(parse(bad.clone()).is_err(), "{bad}");
        }
    }
}
