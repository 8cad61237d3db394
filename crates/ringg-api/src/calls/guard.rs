//! What a call initiation checks in the journal before it is sent.

use chrono::{DateTime, Utc};

use crate::error::Error;
use crate::journal::{CallEntry, CallOutcome};

/// The check a call initiation makes in the journal, in the same step as it records itself.
pub(super) enum Guard {
    /// None: it is recorded.
    None,
    /// Refused while an initiation to the same recipient for the same assistant is pending.
    Pending,
    /// Refused too when one to them was placed and recorded at or after this time.
    CalledSince(DateTime<Utc>),
}

impl Guard {
    /// [`Guard::CalledSince`] `within` before now (by this machine's clock).
    pub(super) fn called_within(within: std::time::Duration) -> Self {
        let within = chrono::TimeDelta::from_std(within).unwrap_or(chrono::TimeDelta::MAX);
        Self::CalledSince(
            Utc::now()
                .checked_sub_signed(within)
                .unwrap_or(DateTime::<Utc>::MIN_UTC),
        )
    }
}

/// The refusal of an initiation that `earlier` stops: pending (it may have been placed), or
/// placed a moment ago. It names `earlier`'s client reference.
pub(super) fn refused_for(earlier: CallEntry) -> Error {
    let CallEntry {
        intent, outcome, ..
    } = earlier;
    let error = match outcome {
        Some(CallOutcome::Placed { call_id }) => Error::invalid_input(format!(
            "{} was already called for assistant {} (call {call_id}, client reference {}, recorded {}), so nothing was sent",
            intent.to_number,
            intent.agent_id,
            intent.reference,
            intent
                .recorded_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ))
        .with_hint("to call them again all the same, use Calls::initiate, which does not check"),
        _ => Error::invalid_input(format!(
            "an earlier call to {} for assistant {} is not settled (client reference {}): it may have been placed, so nothing was sent",
            intent.to_number, intent.agent_id, intent.reference
        ))
        .with_hint(
            "settle it first (Calls::settle_pending, or Calls::reconcile with its client reference)",
        ),
    };
    error.with_client_reference(intent.reference)
}
