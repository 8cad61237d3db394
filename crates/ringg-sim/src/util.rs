//! Small helpers: timestamp formats, phone numbers, JSON accessors.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

/// `2024-12-16T13:03:29.947147+00:00` (workspace, agent, history style).
///
/// The three formats go through chrono's RFC 3339 writer, which writes the fields directly
/// instead of interpreting a format string on every call.
pub(crate) fn iso(dt: DateTime<Utc>) -> String {
    dt.to_rfc3339_opts(SecondsFormat::Micros, false)
}

/// The same instant in `tz`'s offset, e.g. `2026-03-03T09:00:00.000000+05:30` (used for the
/// times a call waits for, so they read in its calling window's timezone).
pub(crate) fn iso_in(dt: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    dt.with_timezone(&tz)
        .format("%Y-%m-%dT%H:%M:%S%.6f%:z")
        .to_string()
}

/// `2025-12-14T19:37:13.310707Z` (webhook style).
pub(crate) fn iso_z(dt: DateTime<Utc>) -> String {
    dt.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// `2025-11-24T07:33:49.629642` (naive, as in the initiate response).
pub(crate) fn naive(dt: DateTime<Utc>) -> String {
    let mut text = iso_z(dt);
    text.pop();
    text
}

/// Rounds to two decimals (credits).
pub(crate) fn round2(x: f64) -> f64 {
    // `+ 0.0` turns -0.0 (the sum of no floats, in Rust) into 0.0, as JSON readers expect.
    (x * 100.0).round() / 100.0 + 0.0
}

/// True for `+` followed by 7 to 15 digits, the first not 0 (E.164).
pub(crate) fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// The dialing prefix for a `country_code` given as `+91` / `91` or as ISO-2 `IN`.
pub(crate) fn dialing_prefix(country_code: &str) -> Option<String> {
    let c = country_code.trim();
    if let Some(d) = c.strip_prefix('+') {
        return (!d.is_empty() && d.len() <= 4 && d.bytes().all(|b| b.is_ascii_digit()))
            .then(|| format!("+{d}"));
    }
    if !c.is_empty() && c.len() <= 4 && c.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("+{c}"));
    }
    let iso = c.to_ascii_uppercase();
    let p = match iso.as_str() {
        "IN" => "+91",
        "US" | "CA" => "+1",
        "GB" | "UK" => "+44",
        "AE" => "+971",
        "SG" => "+65",
        "AU" => "+61",
        "DE" => "+49",
        "FR" => "+33",
        "SA" => "+966",
        "ID" => "+62",
        "PH" => "+63",
        "MY" => "+60",
        "BD" => "+880",
        "PK" => "+92",
        "NP" => "+977",
        "LK" => "+94",
        "ZA" => "+27",
        "NG" => "+234",
        "KE" => "+254",
        "BR" => "+55",
        "MX" => "+52",
        _ => return None,
    };
    Some(p.to_owned())
}

/// Normalises a phone number from a CSV cell: strips spaces, dashes and brackets, applies the
/// dialing prefix to numbers without `+`. Returns `None` when the result is not E.164.
pub(crate) fn normalise_number(raw: &str, prefix: Option<&str>) -> Option<String> {
    let cleaned: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
        .collect();
    let full = if cleaned.starts_with('+') {
        cleaned
    } else if let Some(p) = prefix {
        let pd = &p[1..];
        // A number that already carries the country digits (e.g. 919876543210 for +91).
        if cleaned.len() > 10 && cleaned.starts_with(pd) {
            format!("+{cleaned}")
        } else {
            format!("{p}{}", cleaned.trim_start_matches('0'))
        }
    } else {
        return None;
    };
    is_e164(&full).then_some(full)
}

/// The JSON type name used in validation messages.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Deep-merges `patch` into `base` (objects merge key by key, anything else replaces).
pub(crate) fn deep_merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                deep_merge(b.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (b, p) => *b = p.clone(),
    }
}

/// Reads a string field of an object.
pub(crate) fn get_str<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key).and_then(Value::as_str)
}

/// Checks `{{ }}` / `{% %}` pairs of a Jinja template; returns a reason when unbalanced.
pub(crate) fn jinja_problem(text: &str) -> Option<String> {
    for (open, close) in [("{{", "}}"), ("{%", "%}")] {
        let mut depth: i64 = 0;
        let mut rest = text;
        while !rest.is_empty() {
            let o = rest.find(open);
            let c = rest.find(close);
            match (o, c) {
                (Some(o), Some(c)) if o < c => {
                    depth += 1;
                    if depth > 1 {
                        return Some(format!("nested `{open}` without `{close}`"));
                    }
                    rest = &rest[o + 2..];
                }
                (_, Some(c)) => {
                    depth -= 1;
                    if depth < 0 {
                        return Some(format!("`{close}` without a matching `{open}`"));
                    }
                    rest = &rest[c + 2..];
                }
                (Some(_), None) => return Some(format!("`{open}` is never closed with `{close}`")),
                (None, None) => break,
            }
        }
    }
    None
}

/// Removes HTML tags (for `edit_intro_message`, which stores plain text).
pub(crate) fn strip_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for ch in text.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round2_never_gives_negative_zero() {
        let none: f64 = std::iter::empty::<f64>().sum();
        assert!(round2(none).is_sign_positive());
        assert_eq!(serde_json::json!(round2(none)).to_string(), "0.0");
        assert_eq!(round2(-0.001), 0.0);
        assert!(round2(-0.001).is_sign_positive());
    }

    #[test]
    fn timestamps_match_their_strftime_formats() {
        use chrono::TimeZone;
        let mut t = Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap();
        for step in 0..2_000i64 {
            // uneven steps: every digit position, zero and non-zero micros, sub-micro nanos
            t += chrono::Duration::nanoseconds(step * 987_654_321_123 + 7);
            assert_eq!(iso(t), t.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string());
            assert_eq!(iso_z(t), t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string());
            assert_eq!(naive(t), t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string());
        }
        let whole = Utc.with_ymd_and_hms(2025, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(iso(whole), "2025-01-02T03:04:05.000000+00:00");
    }

    #[test]
    fn e164_and_normalisation() {
        assert!(is_e164("+919876543210"));
        assert!(!is_e164("919876543210"));
        assert!(!is_e164("+0123456789"));
        assert!(!is_e164("+12ab"));
        assert_eq!(dialing_prefix("IN").as_deref(), Some("+91"));
        assert_eq!(dialing_prefix("+1").as_deref(), Some("+1"));
        assert_eq!(dialing_prefix("XX"), None);
        assert_eq!(
            normalise_number("98765 43210", Some("+91")).as_deref(),
            Some("+919876543210")
        );
        assert_eq!(
            normalise_number("919876543210", Some("+91")).as_deref(),
            Some("+919876543210")
        );
        assert_eq!(
            normalise_number("+1 (415) 555-0100", None).as_deref(),
            Some("+14155550100")
        );
        assert_eq!(normalise_number("abc", Some("+91")), None);
        assert_eq!(normalise_number("12345", None), None);
    }

    #[test]
    fn jinja_and_html() {
        assert_eq!(
            jinja_problem("Hi @{{callee_name}} {% if x %}y{% endif %}"),
            None
        );
        assert!(jinja_problem("Hi {{name").is_some());
        assert!(jinja_problem("Hi name}}").is_some());
        assert_eq!(strip_html("<p>Hello&nbsp;<b>you</b></p>"), "Hello you");
    }

    #[test]
    fn merge() {
        let mut a = serde_json::json!({"a": {"b": 1, "c": 2}, "d": 1});
        deep_merge(&mut a, &serde_json::json!({"a": {"b": 5}, "e": [1]}));
        assert_eq!(
            a,
            serde_json::json!({"a": {"b": 5, "c": 2}, "d": 1, "e": [1]})
        );
    }
}
