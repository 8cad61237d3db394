//! What a queued call waits for before an attempt, in order: its schedule and calling window
//! (`scheduled_at`, a campaign's start, a retry's `next_attempt_time`, `call_start_time` –
//! `call_end_time` in `timezone`, all read on the call's own scaled clock), its credit lock,
//! a place in the workspace's (and its campaign's) concurrency, and, for a pool call, a pool
//! number with a free line.
//!
//! While it waits for a time, the call shows that time as `next_attempt_time` (in its
//! timezone's offset). A campaign row the campaign's end time leaves no opening for ends at
//! that end time with sub-status `CAMPAIGN_TIME_EXCEEDED`: `cancelled` when it was never
//! dialled, `failed` after attempts.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use std::pin::Pin;

use tokio::sync::OwnedSemaphorePermit;
use tokio::sync::futures::Notified;

use crate::core::Shared;
use crate::engine::callbacks;
use crate::engine::finish::{finish_call, try_lock_credit};
use crate::model::{Call, Status, Workspace, next_open};

/// Simulated seconds between two checks of a call waiting for credits or a pool number (a
/// pool also wakes its waiters when a line frees).
const RECHECK_SECS: f64 = 60.0;

/// What the schedule says about a queued call now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Due {
    /// It may be dialled now.
    Now,
    /// Not before this many simulated seconds.
    Wait(f64),
    /// Its campaign ended: it will never be dialled.
    Expired,
}

/// The schedule of `call` (in workspace `ws`) at its clock's `now`; records the moment it
/// waits for as `next_attempt_time`.
pub(crate) fn due(ws: &mut Workspace, call_id: &str, now: DateTime<Utc>) -> Due {
    let Some(call) = ws.call(call_id) else {
        return Due::Expired;
    };
    // Inbound and web calls are placed by the caller: no window holds them back.
    if call.direction != "outbound" {
        return Due::Now;
    }
    let list = call.bulk_list_id.as_deref().and_then(|l| ws.list(l));
    let first = call.attempts == 0;
    let not_before = [
        call.scheduled_at.filter(|_| first),
        list.and_then(|l| l.start_time).filter(|_| first),
        call.next_attempt_time
            .filter(|_| call.status == Status::Retry),
    ]
    .into_iter()
    .flatten()
    .max();
    let at = next_open(now, not_before, call.window.as_ref(), call.timezone);
    let end = list.and_then(|l| l.end_time);
    let (due, next) = match end {
        Some(end) if at >= end && now >= end => (Due::Expired, None),
        Some(end) if at >= end => (Due::Wait(secs(end - now)), call.next_attempt_time),
        _ if at <= now => (Due::Now, call.next_attempt_time),
        _ => (Due::Wait(secs(at - now)), Some(at)),
    };
    if let Some(c) = ws.call_mut(call_id) {
        c.next_attempt_time = next;
    }
    due
}

/// Records, for a call just placed at `now`, the time it first waits for, so the answer and
/// the first reads already show it (its task keeps it up to date from then on).
pub(crate) fn schedule_new(ws: &mut Workspace, call_id: &str, now: DateTime<Utc>) {
    due(ws, call_id, now);
}

fn secs(d: chrono::Duration) -> f64 {
    d.num_milliseconds().max(0) as f64 / 1000.0
}

/// The call's clock now.
pub(crate) fn clock_now(sh: &Shared, call: &Call) -> DateTime<Utc> {
    call.clock.now(sh.settings.time_scale)
}

/// Waits until the call's schedule lets it be dialled; false when it will not be (it ended,
/// was terminated, expired with its campaign, or the simulator stops).
pub(crate) async fn wait_until_due(sh: &Arc<Shared>, ws_id: &str, call_id: &str) -> bool {
    loop {
        let due = {
            let mut st = sh.lock();
            let ws = st.ws_mut(ws_id);
            let now = match ws.call(call_id) {
                Some(c) if !c.status.is_terminal() => clock_now(sh, c),
                _ => return false,
            };
            due(ws, call_id, now)
        };
        match due {
            Due::Now => return true,
            Due::Wait(secs) => sh.sleep_sim(secs).await,
            Due::Expired => {
                expire(sh, ws_id, call_id);
                return false;
            }
        }
        if sh.token.is_cancelled() {
            return false;
        }
    }
}

/// Ends a call its campaign's end time left behind.
fn expire(sh: &Arc<Shared>, ws_id: &str, call_id: &str) {
    let campaign = {
        let mut st = sh.lock();
        let ws = st.ws_mut(ws_id);
        let Some(call) = ws.call_mut(call_id) else {
            return;
        };
        // A termination may have ended it since it was found due.
        if call.status.is_terminal() {
            return;
        }
        call.status = if call.attempts == 0 {
            Status::Cancelled
        } else {
            Status::Failed
        };
        call.sub_status = Some("CAMPAIGN_TIME_EXCEEDED");
        call.next_attempt_time = None;
        finish_call(ws, call_id)
    };
    callbacks::call_status_changed(sh, ws_id, call_id);
    if let Some(list) = campaign {
        callbacks::campaign_completed(sh, ws_id, &list, call_id);
    }
}

/// Waits until the call holds its credit lock; false when it ended meanwhile. A call without
/// its lock stays queued, as the docs describe for low credits.
pub(crate) async fn wait_for_credit(sh: &Arc<Shared>, ws_id: &str, call_id: &str) -> bool {
    loop {
        let locked = {
            let mut st = sh.lock();
            let ws = st.ws_mut(ws_id);
            match ws.call(call_id) {
                // Inbound and web calls are paid when they end; they lock nothing up front.
                Some(c) if c.direction != "outbound" => true,
                Some(c) if !c.status.is_terminal() => try_lock_credit(ws, call_id),
                _ => return false,
            }
        };
        if locked {
            return true;
        }
        sh.sleep_sim(RECHECK_SECS).await;
        if sh.token.is_cancelled() {
            return false;
        }
    }
}

/// A place in the workspace's concurrency and, for a campaign call, the campaign's.
pub(crate) struct Slots {
    _workspace: OwnedSemaphorePermit,
    _campaign: Option<OwnedSemaphorePermit>,
}

/// Waits for a place to dial; `None` when the call is gone or the simulator stops.
pub(crate) async fn acquire_slots(sh: &Shared, ws_id: &str, call_id: &str) -> Option<Slots> {
    let (capacity, campaign) = {
        let st = sh.lock();
        let ws = st.ws(ws_id);
        let call = ws.call(call_id)?;
        let campaign = call
            .bulk_list_id
            .as_deref()
            .and_then(|l| ws.list(l))
            .and_then(|l| l.concurrency.clone());
        (ws.capacity.clone(), campaign)
    };
    let workspace = capacity.acquire_owned().await.ok()?;
    let campaign = match campaign {
        Some(s) => Some(s.acquire_owned().await.ok()?),
        None => None,
    };
    Some(Slots {
        _workspace: workspace,
        _campaign: campaign,
    })
}

/// Waits until a pool line may have freed (or a recheck is due); `freed` was enabled before
/// the pool was found dry, so no wake-up is missed.
pub(crate) async fn wait_for_line(sh: &Shared, freed: Pin<&mut Notified<'_>>) {
    tokio::select! {
        _ = freed => {}
        _ = sh.sleep_sim(RECHECK_SECS) => {}
    }
}
