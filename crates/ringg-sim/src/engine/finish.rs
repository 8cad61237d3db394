//! The credit rule of a call: locked while it can still dial, released when it ends, and a
//! campaign done when its last call ends.

use chrono::Utc;

use crate::model::{CREDIT_LOCK_PER_CALL, ListStatus, Workspace};

/// Locks the per-call credit if the workspace has it available; true when locked (or held).
pub(crate) fn try_lock_credit(ws: &mut Workspace, call_id: &str) -> bool {
    let available = ws.available_credits();
    let Some(call) = ws.call_mut(call_id) else {
        return false;
    };
    if call.locked > 0.0 {
        return true;
    }
    if available + 1e-9 < CREDIT_LOCK_PER_CALL {
        return false;
    }
    call.locked = CREDIT_LOCK_PER_CALL;
    ws.locked_credits += CREDIT_LOCK_PER_CALL;
    true
}

/// A call reached a terminal status: releases its credit lock and, for a campaign call,
/// marks the campaign `completed` when none of its calls can move any more. Every path that
/// ends a call (completion, last failed attempt, error, termination) goes through here.
///
/// Returns the id of the campaign this call completed, whose `callback_url` the caller
/// calls once it released the state lock.
#[must_use = "a completed campaign's callback_url must be called"]
pub(crate) fn finish_call(ws: &mut Workspace, call_id: &str) -> Option<String> {
    let list = ws.call(call_id).and_then(|c| c.bulk_list_id.clone());
    ws.release_lock(call_id);
    let list = list?;
    check_campaign_done(ws, &list).then_some(list)
}

/// Marks a running campaign `completed` once none of its calls can move any more; true when
/// it did so now.
fn check_campaign_done(ws: &mut Workspace, list_id: &str) -> bool {
    let running = ws.list(list_id).is_some_and(|l| l.status.is_running());
    if !running {
        return false;
    }
    let all_done = ws
        .calls
        .iter()
        .filter(|c| c.bulk_list_id.as_deref() == Some(list_id))
        .all(|c| c.status.is_terminal());
    if all_done && let Some(l) = ws.list_mut(list_id) {
        l.status = ListStatus::Completed;
        l.updated_at = Utc::now();
        return true;
    }
    false
}
