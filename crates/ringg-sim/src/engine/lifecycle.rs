//! The call lifecycle engine (§4.6): registered → ongoing → completed | forwarded | retry → … |
//! failed | error, cancelled when terminated. One tokio task per call; what a queued call
//! waits for (schedule, window, credit, concurrency, a pool line) is [`queue`], so thousands of
//! queued calls cost only idle tasks.

use std::sync::Arc;

use chrono::{Duration as ChronoDuration, Utc};
use rand::Rng;
use rand::rngs::SmallRng;

use crate::core::Shared;
use crate::engine::callbacks;
use crate::engine::completion::{attempt_rng, fill_completed};
use crate::engine::finish::finish_call;
use crate::engine::queue::{self, Slots};
use crate::engine::webhooks;
use crate::model::{Call, CallOutcome, ListStatus, Status};
use crate::util::round2;

/// Starts the lifecycle task of a call.
pub(crate) fn spawn_call(sh: &Arc<Shared>, ws: String, call_id: String) {
    let sh2 = sh.clone();
    sh.tasks.spawn(async move {
        let token = sh2.token.clone();
        tokio::select! {
            _ = token.cancelled() => {}
            _ = run_call(&sh2, &ws, &call_id) => {}
        }
    });
}

struct Attempt {
    outcome: CallOutcome,
    ring_secs: f64,
    talk_secs: f64,
    rng: SmallRng,
}

async fn run_call(sh: &Arc<Shared>, ws_id: &str, call_id: &str) {
    callbacks::call_status_changed(sh, ws_id, call_id);
    while let Some((attempt, slots)) = next_attempt(sh, ws_id, call_id).await {
        if !run_attempt(sh, ws_id, call_id, attempt, slots).await {
            return;
        }
    }
}

/// What starting an attempt found.
enum Start {
    Began(Attempt),
    /// The schedule no longer lets it dial (the window closed while it waited).
    NotDue,
    /// Its number pool has no free line.
    PoolDry,
    /// It is no longer dialable (terminated meanwhile).
    Gone,
}

/// Waits for everything an attempt needs (schedule, credit, concurrency, a pool line) and
/// starts it; `None` when the call will not be attempted again.
async fn next_attempt(sh: &Arc<Shared>, ws_id: &str, call_id: &str) -> Option<(Attempt, Slots)> {
    loop {
        if !queue::wait_until_due(sh, ws_id, call_id).await
            || !queue::wait_for_credit(sh, ws_id, call_id).await
        {
            return None;
        }
        let slots = queue::acquire_slots(sh, ws_id, call_id).await?;
        let freed = sh.lines_freed.notified();
        tokio::pin!(freed);
        freed.as_mut().enable();
        match start_attempt(sh, ws_id, call_id) {
            Start::Began(attempt) => return Some((attempt, slots)),
            Start::NotDue => drop(slots),
            Start::PoolDry => {
                drop(slots);
                queue::wait_for_line(sh, freed).await;
            }
            Start::Gone => return None,
        }
        if sh.token.is_cancelled() {
            return None;
        }
    }
}

/// Runs one attempt; true when the call is to be attempted again.
async fn run_attempt(
    sh: &Arc<Shared>,
    ws_id: &str,
    call_id: &str,
    mut attempt: Attempt,
    slots: Slots,
) -> bool {
    webhooks::emit(sh, ws_id, call_id, "call_started");
    webhooks::emit(sh, ws_id, call_id, "call_ringing");
    callbacks::call_status_changed(sh, ws_id, call_id);
    sh.sleep_sim(attempt.ring_secs).await;
    if matches!(
        attempt.outcome,
        CallOutcome::Answered | CallOutcome::Voicemail | CallOutcome::Forwarded
    ) {
        webhooks::emit(sh, ws_id, call_id, "call_ongoing");
        sh.sleep_sim(attempt.talk_secs).await;
        let done = finish_answered(sh, ws_id, call_id, &mut attempt);
        drop(slots);
        sh.lines_freed.notify_waiters();
        after_completed(sh, ws_id, call_id, done).await;
        return false;
    }
    let (retry, campaign) = finish_unanswered(sh, ws_id, call_id, attempt.outcome);
    drop(slots);
    sh.lines_freed.notify_waiters();
    webhooks::emit(sh, ws_id, call_id, "call_completed");
    callbacks::call_status_changed(sh, ws_id, call_id);
    if let Some(list) = campaign {
        callbacks::campaign_completed(sh, ws_id, &list, call_id);
    }
    retry && !sh.token.is_cancelled()
}

/// What finishing a completed call produced.
struct Completed {
    /// A client analysis was produced (`client_analysis_completed` is due).
    client: bool,
    /// The campaign this call completed.
    campaign: Option<String>,
}

/// The events after a completed call: `call_completed`, then recording, analyses and
/// `all_processing_completed`, when the per-call callback gets its `completed` envelope (with
/// recording, transcript and analysis).
async fn after_completed(sh: &Arc<Shared>, ws_id: &str, call_id: &str, done: Completed) {
    webhooks::emit(sh, ws_id, call_id, "call_completed");
    if let Some(list) = &done.campaign {
        callbacks::campaign_completed(sh, ws_id, list, call_id);
    }
    sh.sleep_sim(2.0).await;
    webhooks::emit(sh, ws_id, call_id, "recording_completed");
    sh.sleep_sim(3.0).await;
    webhooks::emit(sh, ws_id, call_id, "platform_analysis_completed");
    if done.client {
        sh.sleep_sim(2.0).await;
        webhooks::emit(sh, ws_id, call_id, "client_analysis_completed");
    }
    sh.sleep_sim(1.0).await;
    webhooks::emit(sh, ws_id, call_id, "all_processing_completed");
    callbacks::call_status_changed(sh, ws_id, call_id);
}

/// Moves a registered/retry call to ongoing and draws the attempt, taking a pool number for
/// a pool call; see [`Start`] for what else it can find.
fn start_attempt(sh: &Shared, ws_id: &str, call_id: &str) -> Start {
    let weights = *sh.weights.lock().unwrap_or_else(|p| p.into_inner());
    let mut st = sh.lock();
    let seed = sh.settings.seed;
    let (to_number, now, seq, pooled) = {
        let Some(call) = st.ws(ws_id).call(call_id) else {
            return Start::Gone;
        };
        if !matches!(call.status, Status::Registered | Status::Retry) {
            return Start::Gone;
        }
        let now = queue::clock_now(sh, call);
        (
            call.to_number.clone(),
            now,
            call.seq,
            call.pool_id.is_some(),
        )
    };
    if queue::due(st.ws_mut(ws_id), call_id, now) != queue::Due::Now {
        return Start::NotDue;
    }
    let caller = if pooled {
        let ws = st.ws_mut(ws_id);
        let Some(n) = ws.free_pool_number(seq).map(|n| n.id.clone()) else {
            return Start::PoolDry;
        };
        let n = ws.numbers.iter_mut().find(|x| x.id == n);
        n.map(|n| {
            n.call_count += 1;
            n.number.clone()
        })
    } else {
        None
    };
    // A forced outcome (the control API's calls) comes before any script, and leaves the
    // script for the next call to that number.
    let forced = st
        .ws_mut(ws_id)
        .call_mut(call_id)
        .is_some_and(|c| c.forced_outcome.is_some());
    let scripted = if forced {
        None
    } else {
        st.scripts.get_mut(&to_number).and_then(|q| q.pop_front())
    };
    let ws = st.ws_mut(ws_id);
    let Some(call) = ws.call_mut(call_id) else {
        return Start::Gone;
    };
    if let Some(number) = caller {
        call.from_number = number;
    }
    call.attempts += 1;
    call.status = Status::Ongoing;
    call.sub_status = Some("ACCEPTED");
    call.attempt_time = Some(now);
    call.next_attempt_time = None;
    let mut rng = attempt_rng(seed, call.seq, call.attempts);
    let outcome = call
        .forced_outcome
        .take()
        .or(scripted)
        .unwrap_or_else(|| weights.draw(&mut rng));
    let ring_secs = match outcome {
        CallOutcome::Busy => rng.random_range(1.0..4.0),
        CallOutcome::NotPicked => rng.random_range(25.0..45.0),
        _ => rng.random_range(3.0..12.0),
    };
    let talk_secs = match outcome {
        CallOutcome::Answered => rng.random_range(20.0..180.0),
        CallOutcome::Forwarded => rng.random_range(15.0..90.0),
        CallOutcome::Voicemail => rng.random_range(8.0..20.0),
        _ => 0.0,
    };
    if let Some(list) = call.bulk_list_id.clone()
        && let Some(l) = ws.list_mut(&list)
        && l.status == ListStatus::Scheduled
    {
        l.status = ListStatus::Ongoing;
        l.updated_at = Utc::now();
    }
    Start::Began(Attempt {
        outcome,
        ring_secs,
        talk_secs,
        rng,
    })
}

/// Records an answered call (completed, or forwarded after a transfer): duration, cost,
/// transcript, recording, analyses.
fn finish_answered(sh: &Shared, ws_id: &str, call_id: &str, attempt: &mut Attempt) -> Completed {
    let mut st = sh.lock();
    let recording_id = st.new_id();
    let ws = st.ws_mut(ws_id);
    let Some(&idx) = ws.call_index.get(call_id) else {
        return Completed {
            client: false,
            campaign: None,
        };
    };
    let agent = ws
        .agents
        .iter()
        .find(|a| a.id == ws.calls[idx].agent_id)
        .cloned();
    let call = &mut ws.calls[idx];
    call.attempt_log.push(attempt.outcome);
    fill_completed(
        call,
        agent.as_ref(),
        &mut attempt.rng,
        attempt.talk_secs,
        attempt.outcome == CallOutcome::Voicemail,
        &recording_id,
    );
    if attempt.outcome == CallOutcome::Forwarded {
        forwarded(call);
    }
    let cost = call.cost.unwrap_or(0.0);
    let has_client = call.client_analysis.is_some();
    let agent_id = call.agent_id.clone();
    ws.credits = round2(ws.credits - cost);
    if let Some(a) = ws.agents.iter_mut().find(|a| a.id == agent_id) {
        a.call_count += 1;
    }
    let campaign = finish_call(ws, call_id);
    Completed {
        client: has_client,
        campaign,
    }
}

/// A completed call the assistant transferred: status `forwarded`, the hand-over as the last
/// turn, `call_transferred` as the disconnect reason.
fn forwarded(call: &mut Call) {
    call.status = Status::Forwarded;
    call.sub_status = Some(CallOutcome::Forwarded.sub_status());
    call.transcript.push(
        serde_json::json!({"bot": "Let me transfer you to a colleague who can help further."}),
    );
    if let Some(serde_json::Value::Object(a)) = &mut call.platform_analysis {
        a.insert("call_disconnect_reason".into(), "call_transferred".into());
    }
}

/// Records an unanswered attempt; returns whether a retry is scheduled (its time is the
/// call's `next_attempt_time`) and the campaign the call completed.
fn finish_unanswered(
    sh: &Shared,
    ws_id: &str,
    call_id: &str,
    outcome: CallOutcome,
) -> (bool, Option<String>) {
    let mut st = sh.lock();
    let ws = st.ws_mut(ws_id);
    let Some(call) = ws.call_mut(call_id) else {
        return (false, None);
    };
    call.attempt_log.push(outcome);
    let retry_slot = match outcome {
        CallOutcome::Busy => Some(0),
        CallOutcome::NotPicked => Some(1),
        CallOutcome::Failed => Some(2),
        _ => None,
    };
    let result = match retry_slot {
        Some(slot) if call.attempts <= call.retry_count => {
            let minutes = call.retry_minutes[slot];
            call.status = Status::Retry;
            call.sub_status = Some("RETRY_SCHEDULED");
            let now = queue::clock_now(sh, call);
            // Any wait the request gave is kept within a simulated year, as the queue's own
            // waits are.
            let wait_ms = (minutes * 60_000.0).clamp(0.0, 365.0 * 24.0 * 3_600_000.0);
            call.next_attempt_time = now
                .checked_add_signed(ChronoDuration::milliseconds(wait_ms as i64))
                .or(Some(now));
            Some(minutes)
        }
        Some(_) => {
            call.status = Status::Failed;
            call.sub_status = Some(if call.retry_count > 0 {
                "RETRY_LIMIT_REACHED"
            } else {
                outcome.sub_status()
            });
            None
        }
        None => {
            call.status = Status::Error;
            call.sub_status = Some(outcome.sub_status());
            None
        }
    };
    let campaign = if result.is_none() {
        finish_call(ws, call_id)
    } else {
        None
    };
    (result.is_some(), campaign)
}
