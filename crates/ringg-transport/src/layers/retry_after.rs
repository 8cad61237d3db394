//! Reading the server's requested delay (`Retry-After`, `retry-after-ms`).

use std::time::{Duration, SystemTime};

use http::HeaderMap;

/// The longest delay [`parse_retry_after`] reports: anything longer is clamped to it. A server
/// asking for more than a day is, for a client, the same as asking for a day; the cap keeps the
/// arithmetic far from `Duration`'s limits.
pub const MAX_PARSED_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// Parses the server's requested delay: `retry-after-ms` (milliseconds), then `Retry-After`
/// (seconds, possibly fractional, or an HTTP-date).
///
/// Never panics: negative, non-finite and unparseable values are ignored, and huge ones
/// (`Retry-After: 1e20`) are clamped to [`MAX_PARSED_RETRY_AFTER`], which is longer than any
/// retry policy waits, so the caller reports "asked to wait too long" instead.
pub fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(d) = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .and_then(|ms| seconds_to_duration(ms / 1000.0))
    {
        return Some(d);
    }
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<f64>() {
        return seconds_to_duration(secs);
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_PARSED_RETRY_AFTER),
    )
}

/// A non-negative, finite number of seconds as a `Duration`, clamped to
/// [`MAX_PARSED_RETRY_AFTER`].
fn seconds_to_duration(secs: f64) -> Option<Duration> {
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    let secs = secs.min(MAX_PARSED_RETRY_AFTER.as_secs_f64());
    Some(Duration::try_from_secs_f64(secs).unwrap_or(MAX_PARSED_RETRY_AFTER))
}
