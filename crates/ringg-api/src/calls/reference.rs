//! The client reference every call initiation carries, by which a call whose answer was lost
//! is found again.

use std::time::Duration;

use serde_json::{Map, Value};

/// The key under which every call initiation carries its client reference in
/// `custom_args_values`. Ringg echoes `custom_args_values` in call details and webhooks, which
/// is how [`Calls::reconcile`](super::Calls::reconcile) finds a call whose response was lost.
/// Prompts never see it unless they mention `@{{ringg_client_ref}}`.
pub const CLIENT_REFERENCE_KEY: &str = "ringg_client_ref";

/// A fresh client reference: `rr-` and a UUID version 7, which records the millisecond it was
/// made (so the reference, which Ringg and prompts may see, tells when). A
/// [`Calls::reconcile`](super::Calls::reconcile) by a client that neither sent the call nor
/// has its journal reads that time back, and waits from it. Make the reference just before
/// the call is sent, and a new one for each placement: a reference made long before its
/// request, or reused, shortens that wait. [`Calls::new_reference`](super::Calls::new_reference)
/// also records how long the client that sends it may wait on its request.
pub fn new_client_reference() -> String {
    format!("rr-{}", uuid::Uuid::now_v7().simple())
}

/// The longest sender's wait a reference is read as recording: a longer figure is read as this
/// (a day). [`ClientBuilder::ignore_recorded_waits`](crate::ClientBuilder::ignore_recorded_waits)
/// settles without it.
pub(crate) const LONGEST_REFERENCE_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// A fresh reference, as [`new_client_reference`], that also records `wait` (how long its
/// sender may still wait on the request), in whole seconds rounded up and at most
/// [`LONGEST_REFERENCE_WAIT`]: `rr-<uuid>-<secs>s`.
pub(crate) fn reference_waiting(wait: Duration) -> String {
    let wait = wait.min(LONGEST_REFERENCE_WAIT);
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    format!("{}-{secs}s", new_client_reference())
}

/// A reference of the SDK's shape read once: the time it was made and, when it records one,
/// its wait suffix's seconds (`None` inside when there is no suffix); `None` for any other
/// reference. A reference of the same shape chosen by the caller whose digits happen to read as
/// a time later than an hour from now, or earlier than 2025, is not taken for one: such a time
/// would make a reconcile wait for years.
fn read(reference: &str) -> Option<(chrono::DateTime<chrono::Utc>, Option<u64>)> {
    let rest = reference.strip_prefix("rr-")?;
    let (hex, wait) = match rest.split_once('-') {
        Some((hex, suffix)) => {
            let digits = suffix.strip_suffix('s')?;
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            // Digits past u64 are a very long wait, capped when read anyway.
            (hex, Some(digits.parse().unwrap_or(u64::MAX)))
        }
        None => (rest, None),
    };
    if hex.len() != 32 {
        return None;
    }
    let id = uuid::Uuid::try_parse(hex).ok()?;
    if id.get_version() != Some(uuid::Version::SortRand)
        || id.get_variant() != uuid::Variant::RFC4122
    {
        return None;
    }
    let (secs, nanos) = id.get_timestamp()?.to_unix();
    let made = chrono::DateTime::from_timestamp(i64::try_from(secs).ok()?, nanos)?;
    let earliest = chrono::DateTime::from_timestamp(1_735_689_600, 0)?; // 2025-01-01
    let latest = chrono::Utc::now() + chrono::Duration::hours(1);
    (earliest..=latest).contains(&made).then_some((made, wait))
}

/// When a reference made by [`new_client_reference`] (or
/// [`Calls::new_reference`](super::Calls::new_reference)) was made; `None` for any other
/// reference (one chosen by the caller, an older random one, or a reference mistyped or cut
/// short), whose call [`Calls::reconcile`](super::Calls::reconcile) cannot rule out before
/// the time it searches from.
///
/// ```
/// use ringg_api::calls::{new_client_reference, reference_time};
/// assert!(reference_time(&new_client_reference()).is_some());
/// assert_eq!(reference_time("rr-nonsense"), None);
/// ```
pub fn reference_time(reference: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    read(reference).map(|(made, _)| made)
}

/// The sender's wait a reference made by [`reference_waiting`] records (at most
/// [`LONGEST_REFERENCE_WAIT`]); `None` for a reference that records none, or no time.
pub(crate) fn reference_wait(reference: &str) -> Option<Duration> {
    let secs = read(reference)?.1?;
    Some(Duration::from_secs(secs).min(LONGEST_REFERENCE_WAIT))
}

/// The client reference stored in a `custom_args_values` map, if any.
pub fn reference_in(custom_args: Option<&Map<String, Value>>) -> Option<&str> {
    custom_args?.get(CLIENT_REFERENCE_KEY)?.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_reference_records_when_it_was_made() {
        let before = chrono::Utc::now() - chrono::Duration::milliseconds(1);
        let reference = new_client_reference();
        let after = chrono::Utc::now();
        let made = reference_time(&reference).unwrap();
        assert!(
            before <= made && made <= after,
            "{made} not in {before}..{after}"
        );
        // Other references carry no time.
        let random = format!("rr-{}", uuid::Uuid::new_v4().simple());
        // Hash-like references of the same shape read as a far-off time: not taken for one.
        let far = [
            "rr-9e107d9d372b7b826bd81d3542a419d6",
            "rr-ffffffffffff7fffbfffffffffffffff",
        ];
        let v7 = new_client_reference();
        let bad_suffixes = [
            format!("{v7}-"),
            format!("{v7}-s"),
            format!("{v7}-300"),
            format!("{v7}-3x0s"),
            format!("{v7}-300s-1s"),
        ];
        for other in bad_suffixes.iter().map(String::as_str).chain([
            random.as_str(),
            "rr-1",
            "order-42",
            "rr-",
            "rr-zz",
            far[0],
            far[1],
        ]) {
            assert_eq!(reference_time(other), None, "{other}");
            assert_eq!(reference_wait(other), None, "{other}");
        }
    }

    #[test]
    fn a_reference_made_with_a_wait_records_it_and_its_time() {
        let before = chrono::Utc::now() - chrono::Duration::milliseconds(1);
        let reference = reference_waiting(Duration::from_millis(299_001));
        assert!(reference.ends_with("-300s"), "{reference}");
        assert!(reference_time(&reference).unwrap() >= before);
        assert_eq!(reference_wait(&reference), Some(Duration::from_secs(300)));
        // A plain reference records no wait; a huge one is read as a day.
        assert_eq!(reference_wait(&new_client_reference()), None);
        let huge = format!("{}-99999999999999999999999s", new_client_reference());
        assert_eq!(reference_wait(&huge), Some(LONGEST_REFERENCE_WAIT));
        let endless = reference_waiting(Duration::MAX);
        assert_eq!(
            reference_wait(&endless),
            Some(LONGEST_REFERENCE_WAIT),
            "{endless}"
        );
        // A wait on a reference whose time is not taken is not taken either.
        let random = format!("rr-{}-300s", uuid::Uuid::new_v4().simple());
        assert_eq!(reference_wait(&random), None);
    }
}
