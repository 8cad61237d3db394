//! What a recipient's key in the fleet's Redis holds: the entry of the call holding it.

use ringg_api::journal::{CallEntry, CallOutcome, JournalError};

/// Whether the call of `entry` stops another to its recipient: it was placed, or may have
/// been (not settled); one refused or not placed does not.
pub(super) fn stops_a_call(entry: &CallEntry) -> bool {
    !matches!(
        entry.outcome,
        Some(CallOutcome::Refused { .. } | CallOutcome::NotPlaced)
    )
}

/// The key's value for `entry`: its reference, a line break, and its JSON.
pub(super) fn value_of(entry: &CallEntry) -> Result<String, JournalError> {
    let json = serde_json::to_string(entry).map_err(JournalError::store)?;
    Ok(format!("{}\n{json}", entry.intent.reference))
}

/// The entry a key's value holds (after the last line break: compact JSON holds none).
pub(super) fn entry_of(value: &str) -> Option<CallEntry> {
    let (_, json) = value.rsplit_once('\n')?;
    serde_json::from_str(json).ok()
}
