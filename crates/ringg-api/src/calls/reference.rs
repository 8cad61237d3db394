//! The client reference every call initiation carries, by which a call whose answer was lost
//! is found again.

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
/// request, or reused, shortens that wait.
pub fn new_client_reference() -> String {
    format!("rr-{}", uuid::Uuid::now_v7().simple())
}

/// When a reference made by [`new_client_reference`] was made; `None` for any other
/// reference (one chosen by the caller, or an older random one). A reference of the same shape
/// chosen by the caller whose digits happen to read as a time later than an hour from now, or
/// earlier than 2025, is not taken for one: such a time would make a reconcile wait for years.
pub(crate) fn reference_time(reference: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let hex = reference.strip_prefix("rr-")?;
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
    (earliest..=latest).contains(&made).then_some(made)
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
        for other in [
            random.as_str(),
            "rr-1",
            "order-42",
            "rr-",
            "rr-zz",
            far[0],
            far[1],
        ] {
            assert_eq!(reference_time(other), None, "{other}");
        }
    }
}
