//! The call lifecycle engine (§4.6): registered → ongoing → completed | retry → … | failed |
//! error, cancelled when terminated. One tokio task per call; capacity is a per-workspace
//! semaphore (plus a per-campaign one), so thousands of queued calls cost only idle tasks.

use std::sync::Arc;

use chrono::{Duration as ChronoDuration, Utc};
use rand::Rng;
use rand::rngs::SmallRng;

use crate::core::Shared;
use crate::engine::callbacks;
use crate::engine::completion::{attempt_rng, fill_completed};
use crate::engine::finish::{finish_call, try_lock_credit};
use crate::engine::webhooks;
use crate::model::{CallOutcome, ListStatus, Status};
use crate::util::round2;

/// Starts the lifecycle task of a call after `delay_sim_secs` simulated seconds.
pub(crate) fn spawn_call(sh: &Arc<Shared>, ws: String, call_id: String, delay_sim_secs: f64) {
    let sh2 = sh.clone();
    sh.tasks.spawn(async move {
        let token = sh2.token.clone();
        tokio::select! {
            _ = token.cancelled() => {}
            _ = run_call(&sh2, &ws, &call_id, delay_sim_secs) => {}
        }
    });
}

struct Attempt {
    outcome: CallOutcome,
    ring_secs: f64,
    talk_secs: f64,
    rng: SmallRng,
}

async fn run_call(sh: &Arc<Shared>, ws_id: &str, call_id: &str, delay_sim_secs: f64) {
    callbacks::call_status_changed(sh, ws_id, call_id);
    sh.sleep_sim(delay_sim_secs).await;
    loop {
        // Credits: a call without its lock waits (stays registered), as the docs describe.
        loop {
            let ok = {
                let mut st = sh.lock();
                let ws = st.ws_mut(ws_id);
                match ws.call(call_id) {
                    Some(c) if !c.status.is_terminal() => try_lock_credit(ws, call_id),
                    _ => return,
                }
            };
            if ok {
                break;
            }
            sh.sleep_sim(60.0).await;
            if sh.token.is_cancelled() {
                return;
            }
        }
        let (capacity, campaign) = {
            let st = sh.lock();
            let ws = st.ws(ws_id);
            let Some(call) = ws.call(call_id) else { return };
            let campaign = call
                .bulk_list_id
                .as_deref()
                .and_then(|l| ws.list(l))
                .and_then(|l| l.concurrency.clone());
            (ws.capacity.clone(), campaign)
        };
        let Ok(permit) = capacity.acquire_owned().await else {
            return;
        };
        let campaign_permit = match campaign {
            Some(s) => match s.acquire_owned().await {
                Ok(p) => Some(p),
                Err(_) => return,
            },
            None => None,
        };
        let Some(mut attempt) = start_attempt(sh, ws_id, call_id) else {
            return;
        };
        webhooks::emit(sh, ws_id, call_id, "call_started");
        webhooks::emit(sh, ws_id, call_id, "call_ringing");
        callbacks::call_status_changed(sh, ws_id, call_id);
        sh.sleep_sim(attempt.ring_secs).await;
        match attempt.outcome {
            CallOutcome::Answered | CallOutcome::Voicemail => {
                webhooks::emit(sh, ws_id, call_id, "call_ongoing");
                sh.sleep_sim(attempt.talk_secs).await;
                let done = finish_completed(sh, ws_id, call_id, &mut attempt);
                drop(campaign_permit);
                drop(permit);
                after_completed(sh, ws_id, call_id, done).await;
                return;
            }
            outcome => {
                let (retry_in, campaign) = finish_unanswered(sh, ws_id, call_id, outcome);
                drop(campaign_permit);
                drop(permit);
                webhooks::emit(sh, ws_id, call_id, "call_completed");
                callbacks::call_status_changed(sh, ws_id, call_id);
                if let Some(list) = campaign {
                    callbacks::campaign_completed(sh, ws_id, &list, call_id);
                }
                match retry_in {
                    Some(minutes) => sh.sleep_sim(minutes * 60.0).await,
                    None => return,
                }
                if sh.token.is_cancelled() {
                    return;
                }
            }
        }
    }
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

/// Moves a registered/retry call to ongoing and draws the attempt; `None` when the call is no
/// longer dialable (terminated meanwhile).
fn start_attempt(sh: &Shared, ws_id: &str, call_id: &str) -> Option<Attempt> {
    let weights = *sh.weights.lock().unwrap_or_else(|p| p.into_inner());
    let mut st = sh.lock();
    let seed = sh.settings.seed;
    let to_number = {
        let call = st.ws(ws_id).call(call_id)?;
        if !matches!(call.status, Status::Registered | Status::Retry) {
            return None;
        }
        call.to_number.clone()
    };
    let scripted = st.scripts.get_mut(&to_number).and_then(|q| q.pop_front());
    let ws = st.ws_mut(ws_id);
    let call = ws.call_mut(call_id)?;
    call.attempts += 1;
    call.status = Status::Ongoing;
    call.sub_status = Some("ACCEPTED");
    call.attempt_time = Some(Utc::now());
    call.next_attempt_time = None;
    let mut rng = attempt_rng(seed, call.seq, call.attempts);
    let outcome = scripted.unwrap_or_else(|| weights.draw(&mut rng));
    let ring_secs = match outcome {
        CallOutcome::Busy => rng.random_range(1.0..4.0),
        CallOutcome::NotPicked => rng.random_range(25.0..45.0),
        _ => rng.random_range(3.0..12.0),
    };
    let talk_secs = match outcome {
        CallOutcome::Answered => rng.random_range(20.0..180.0),
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
    Some(Attempt {
        outcome,
        ring_secs,
        talk_secs,
        rng,
    })
}

/// Records a completed call: duration, cost, transcript, recording, analyses.
fn finish_completed(sh: &Shared, ws_id: &str, call_id: &str, attempt: &mut Attempt) -> Completed {
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

/// Records an unanswered attempt; returns the minutes until the next attempt (`None` when
/// the call reached a terminal status) and the campaign the call completed.
fn finish_unanswered(
    sh: &Shared,
    ws_id: &str,
    call_id: &str,
    outcome: CallOutcome,
) -> (Option<f64>, Option<String>) {
    let mut st = sh.lock();
    let ws = st.ws_mut(ws_id);
    let Some(call) = ws.call_mut(call_id) else {
        return (None, None);
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
            call.next_attempt_time = Some(
                Utc::now()
                    + ChronoDuration::milliseconds(sh.scaled(minutes * 60.0).as_millis() as i64),
            );
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
    (result, campaign)
}
