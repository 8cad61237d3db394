//! The call lifecycle engine (§4.6): registered → ongoing → completed | retry → … | failed |
//! error, cancelled when terminated. One tokio task per call; capacity is a per-workspace
//! semaphore (plus a per-campaign one), so thousands of queued calls cost only idle tasks.

use std::sync::Arc;

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value, json};

use crate::app::Shared;
use crate::handlers::calls::CallConfig;
use crate::state::{
    Agent, CREDIT_LOCK_PER_CALL, CREDITS_PER_SECOND, Call, Callback, Status, Workspace,
};
use crate::util::round2;
use crate::webhooks;

/// The outcome of one call attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CallOutcome {
    /// The callee picked up and talked: the call completes.
    Answered,
    /// A voicemail answered: the call completes with `voicemail_detected: true`.
    Voicemail,
    /// Busy: retried after `retry_busy` minutes while retries remain.
    Busy,
    /// Not picked up: retried after `retry_not_picked` minutes while retries remain.
    NotPicked,
    /// The attempt failed: retried after `retry_failed` minutes while retries remain.
    Failed,
    /// A provider error: the call ends with status `error` (no retry).
    Error,
}

impl CallOutcome {
    /// The sub-status recorded for the attempt.
    fn sub_status(self) -> &'static str {
        match self {
            CallOutcome::Answered => "ACCEPTED",
            CallOutcome::Voicemail => "VOICEMAIL_DETECTED",
            CallOutcome::Busy => "NOT_ABLE_TO_CALL",
            CallOutcome::NotPicked => "USER_DID_NOT_JOIN",
            CallOutcome::Failed => "FAILED",
            CallOutcome::Error => "PIPECAT_TIMEOUT",
        }
    }
}

/// Relative weights of attempt outcomes (they need not sum to 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutcomeWeights {
    /// Weight of [`CallOutcome::Answered`].
    pub answered: f64,
    /// Weight of [`CallOutcome::Voicemail`].
    pub voicemail: f64,
    /// Weight of [`CallOutcome::Busy`].
    pub busy: f64,
    /// Weight of [`CallOutcome::NotPicked`].
    pub not_picked: f64,
    /// Weight of [`CallOutcome::Failed`].
    pub failed: f64,
    /// Weight of [`CallOutcome::Error`].
    pub error: f64,
}

impl Default for OutcomeWeights {
    /// 72 % answered, 3 % voicemail, 8 % busy, 10 % not picked, 5 % failed, 2 % error.
    fn default() -> Self {
        Self {
            answered: 0.72,
            voicemail: 0.03,
            busy: 0.08,
            not_picked: 0.10,
            failed: 0.05,
            error: 0.02,
        }
    }
}

impl OutcomeWeights {
    /// Every attempt has `outcome`.
    pub fn always(outcome: CallOutcome) -> Self {
        let mut w = Self {
            answered: 0.0,
            voicemail: 0.0,
            busy: 0.0,
            not_picked: 0.0,
            failed: 0.0,
            error: 0.0,
        };
        match outcome {
            CallOutcome::Answered => w.answered = 1.0,
            CallOutcome::Voicemail => w.voicemail = 1.0,
            CallOutcome::Busy => w.busy = 1.0,
            CallOutcome::NotPicked => w.not_picked = 1.0,
            CallOutcome::Failed => w.failed = 1.0,
            CallOutcome::Error => w.error = 1.0,
        }
        w
    }

    fn entries(&self) -> [(CallOutcome, f64); 6] {
        [
            (CallOutcome::Answered, self.answered),
            (CallOutcome::Voicemail, self.voicemail),
            (CallOutcome::Busy, self.busy),
            (CallOutcome::NotPicked, self.not_picked),
            (CallOutcome::Failed, self.failed),
            (CallOutcome::Error, self.error),
        ]
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        let e = self.entries();
        if e.iter().any(|(_, w)| !w.is_finite() || *w < 0.0) {
            return Err("outcome weights must be finite and non-negative".into());
        }
        if e.iter().map(|(_, w)| w).sum::<f64>() <= 0.0 {
            return Err("at least one outcome weight must be positive".into());
        }
        Ok(())
    }

    fn draw(&self, rng: &mut SmallRng) -> CallOutcome {
        let e = self.entries();
        let total: f64 = e.iter().map(|(_, w)| w).sum();
        let mut x = rng.random::<f64>() * total;
        for (o, w) in e {
            if x < w {
                return o;
            }
            x -= w;
        }
        CallOutcome::Answered
    }
}

/// Inputs of [`new_call`].
pub(crate) struct NewCall<'a> {
    pub(crate) id: String,
    pub(crate) seq: u64,
    pub(crate) agent_id: String,
    pub(crate) version_id: String,
    pub(crate) agent_name: String,
    pub(crate) to_number: String,
    pub(crate) from_number: String,
    pub(crate) callee_name: String,
    pub(crate) cfg: &'a CallConfig,
    pub(crate) custom_args: Map<String, Value>,
    pub(crate) callback: Option<Callback>,
    pub(crate) bulk_list_id: Option<String>,
    pub(crate) call_sid: String,
    pub(crate) created_at: DateTime<Utc>,
}

/// A `registered` call.
pub(crate) fn new_call(n: NewCall<'_>) -> Call {
    Call {
        id: n.id,
        seq: n.seq,
        agent_id: n.agent_id,
        version_id: n.version_id,
        agent_name: n.agent_name,
        to_number: n.to_number,
        from_number: n.from_number,
        callee_name: n.callee_name,
        direction: "outbound",
        status: Status::Registered,
        sub_status: Some("QUEUED"),
        created_at: n.created_at,
        attempt_time: None,
        next_attempt_time: None,
        scheduled_at: n.cfg.scheduled_at,
        attempts: 0,
        retry_count: n.cfg.retry_count,
        retry_minutes: n.cfg.retry_minutes,
        custom_args: n.custom_args,
        callback: n.callback,
        bulk_list_id: n.bulk_list_id,
        call_sid: n.call_sid,
        duration: 0.0,
        cost: None,
        transcript: Vec::new(),
        recording_url: None,
        recording_duration: None,
        platform_analysis: None,
        client_analysis: None,
        credits_processed: false,
        locked: 0.0,
        voicemail: false,
        call_category: None,
        parent_call_id: None,
        attempt_log: Vec::new(),
    }
}

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

/// Deterministic per-attempt RNG from the run seed, the call's sequence number and the attempt.
fn attempt_rng(seed: u64, seq: u64, attempt: u32) -> SmallRng {
    SmallRng::seed_from_u64(
        seed ^ seq.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ u64::from(attempt).wrapping_mul(0xD1B5_4A32_D192_ED03),
    )
}

struct Attempt {
    outcome: CallOutcome,
    ring_secs: f64,
    talk_secs: f64,
    rng: SmallRng,
}

async fn run_call(sh: &Arc<Shared>, ws_id: &str, call_id: &str, delay_sim_secs: f64) {
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
        sh.sleep_sim(attempt.ring_secs).await;
        match attempt.outcome {
            CallOutcome::Answered | CallOutcome::Voicemail => {
                webhooks::emit(sh, ws_id, call_id, "call_ongoing");
                sh.sleep_sim(attempt.talk_secs).await;
                let client = finish_completed(sh, ws_id, call_id, &mut attempt);
                drop(campaign_permit);
                drop(permit);
                webhooks::emit(sh, ws_id, call_id, "call_completed");
                sh.sleep_sim(2.0).await;
                webhooks::emit(sh, ws_id, call_id, "recording_completed");
                sh.sleep_sim(3.0).await;
                webhooks::emit(sh, ws_id, call_id, "platform_analysis_completed");
                if client {
                    sh.sleep_sim(2.0).await;
                    webhooks::emit(sh, ws_id, call_id, "client_analysis_completed");
                }
                sh.sleep_sim(1.0).await;
                webhooks::emit(sh, ws_id, call_id, "all_processing_completed");
                return;
            }
            outcome => {
                let retry_in = finish_unanswered(sh, ws_id, call_id, outcome);
                drop(campaign_permit);
                drop(permit);
                webhooks::emit(sh, ws_id, call_id, "call_completed");
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
        && l.status == "scheduled"
    {
        l.status = "ongoing";
        l.updated_at = Utc::now();
    }
    Some(Attempt {
        outcome,
        ring_secs,
        talk_secs,
        rng,
    })
}

/// Records a completed call: duration, cost, transcript, recording, analyses. Returns whether
/// a client analysis was produced.
fn finish_completed(sh: &Shared, ws_id: &str, call_id: &str, attempt: &mut Attempt) -> bool {
    let mut st = sh.lock();
    let recording_id = st.new_id();
    let ws = st.ws_mut(ws_id);
    let Some(&idx) = ws.call_index.get(call_id) else {
        return false;
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
    let list = call.bulk_list_id.clone();
    ws.credits = round2(ws.credits - cost);
    ws.release_lock(call_id);
    if let Some(a) = ws.agents.iter_mut().find(|a| a.id == agent_id) {
        a.call_count += 1;
    }
    if let Some(l) = list {
        check_campaign_done(ws, &l);
    }
    has_client
}

/// Records an unanswered attempt; returns the minutes until the next attempt, or `None` when
/// the call reached a terminal status.
fn finish_unanswered(sh: &Shared, ws_id: &str, call_id: &str, outcome: CallOutcome) -> Option<f64> {
    let mut st = sh.lock();
    let ws = st.ws_mut(ws_id);
    let call = ws.call_mut(call_id)?;
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
    if result.is_none() {
        let list = call.bulk_list_id.clone();
        ws.release_lock(call_id);
        if let Some(l) = list {
            check_campaign_done(ws, &l);
        }
    }
    result
}

/// Marks a running campaign `completed` once none of its calls can move any more.
pub(crate) fn check_campaign_done(ws: &mut Workspace, list_id: &str) {
    let running = ws
        .list(list_id)
        .is_some_and(|l| l.status == "ongoing" || l.status == "scheduled");
    if !running {
        return;
    }
    let all_done = ws
        .calls
        .iter()
        .filter(|c| c.bulk_list_id.as_deref() == Some(list_id))
        .all(|c| c.status.is_terminal());
    if all_done && let Some(l) = ws.list_mut(list_id) {
        l.status = "completed";
        l.updated_at = Utc::now();
    }
}

const USER_LINES: &[&str] = &[
    "Yes, speaking.",
    "Sure, tell me more.",
    "That sounds interesting.",
    "Can you call me back later?",
    "I am not interested, thanks.",
    "Yes. Everything is on track.",
];
const DEFAULT_LABELS: &[&str] = &[
    "interested",
    "not_interested",
    "callback_requested",
    "wrong_number",
];

fn substitute(template: &str, vars: &Map<String, Value>) -> String {
    let mut out = template.to_owned();
    for (k, v) in vars {
        let val = v
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| v.to_string());
        out = out.replace(&format!("@{{{{{k}}}}}"), &val);
        out = out.replace(&format!("{{{{{k}}}}}"), &val);
    }
    out
}

/// Fills the completion data of a call (shared by the engine and seeded history).
pub(crate) fn fill_completed(
    call: &mut Call,
    agent: Option<&Agent>,
    rng: &mut SmallRng,
    talk_secs: f64,
    voicemail: bool,
    recording_id: &str,
) {
    let intro = agent
        .map(|a| a.intro_message.clone())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "Hello @{{callee_name}}, this is your assistant calling.".into());
    call.status = Status::Completed;
    call.sub_status = Some(if voicemail {
        "VOICEMAIL_DETECTED"
    } else {
        "ACCEPTED"
    });
    call.voicemail = voicemail;
    call.duration = round2(talk_secs);
    call.cost = Some(round2((talk_secs * CREDITS_PER_SECOND).max(0.01)));
    call.credits_processed = true;
    call.next_attempt_time = None;
    let mut turns = vec![json!({"bot": substitute(&intro, &call.custom_args)})];
    if !voicemail {
        let n = rng.random_range(1..=3);
        for _ in 0..n {
            turns.push(json!({"user": USER_LINES[rng.random_range(0..USER_LINES.len())]}));
            turns.push(json!({"bot": "Thank you, I have noted that."}));
        }
        turns.push(json!({"bot": "Thanks for your time. Goodbye!"}));
    }
    call.transcript = turns;
    call.recording_url = Some(format!(
        "https://recordings.ringg.ai/v1/recordings/{recording_id}.mp3"
    ));
    call.recording_duration = Some(round2(talk_secs + 1.5));
    let labels: Vec<String> = match agent {
        Some(a) if !a.classification_labels.is_empty() => {
            a.classification_labels.keys().cloned().collect()
        }
        _ => DEFAULT_LABELS.iter().map(|s| (*s).to_owned()).collect(),
    };
    let classification = if voicemail {
        "voicemail".to_owned()
    } else {
        labels[rng.random_range(0..labels.len())].clone()
    };
    let sentiment = ["positive", "neutral", "negative"][rng.random_range(0..3)];
    let callback_requested = classification.contains("callback");
    call.platform_analysis = Some(json!({
        "summary": format!("{} spoke with {} for {:.0} seconds.", call.agent_name, call.callee_name, talk_secs),
        "classification": classification,
        "key_points": [format!("Call to {} was answered", call.to_number)],
        "action_items": if callback_requested { json!(["Call back the customer"]) } else { json!([]) },
        "sentiment": sentiment,
        "call_disconnect_reason": if voicemail { "voicemail" } else { "customer_hangup" },
        "callback_requested": callback_requested,
        "callback_requested_time": null,
        "status": "analyzed",
        "timezone": "Asia/Kolkata",
    }));
    call.client_analysis = agent
        .and_then(|a| a.custom_analysis_prompt.as_ref())
        .and_then(|p| p.get("keys").and_then(Value::as_object).cloned())
        .map(|keys| {
            let defaults = agent
                .and_then(|a| a.custom_analysis_prompt.as_ref())
                .and_then(|p| p.get("defaults"))
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let mut out = Map::new();
            for (k, ty) in keys {
                let v = defaults
                    .get(&k)
                    .cloned()
                    .unwrap_or_else(|| match ty.as_str() {
                        Some("integer") => json!(rng.random_range(0..100)),
                        Some("number") => json!(round2(rng.random_range(0.0..100.0))),
                        Some("boolean") => json!(rng.random_bool(0.5)),
                        Some("array") => json!([]),
                        Some("date") => json!(Utc::now().format("%Y-%m-%d").to_string()),
                        Some("datetime") => json!(crate::util::iso(Utc::now())),
                        _ => json!(format!("{k} value")),
                    });
                out.insert(k, v);
            }
            Value::Object(out)
        });
}

/// Creates `n` finished calls directly (no tasks, no webhooks); returns their ids.
pub(crate) fn seed_history(sh: &Shared, ws_id: &str, n: usize) -> Vec<String> {
    let mut st = sh.lock();
    let seed = sh.settings.seed;
    let now = Utc::now();
    let span_ms: i64 = 7 * 24 * 3600 * 1000;
    let mut ids = Vec::with_capacity(n);
    let agents: Vec<Agent> = st
        .ws(ws_id)
        .agents
        .iter()
        .filter(|a| a.is_outbound() && !a.archived)
        .cloned()
        .collect();
    let numbers: Vec<String> = st
        .ws(ws_id)
        .numbers
        .iter()
        .map(|n| n.number.clone())
        .collect();
    for i in 0..n {
        let seq = st.next_call_seq;
        st.next_call_seq += 1;
        let id = st.new_id();
        let sid = st.new_id();
        let rec = st.new_id();
        let mut rng = attempt_rng(seed, seq, 0);
        let agent = agents.get(i % agents.len().max(1));
        let to = format!("+9198{:08}", rng.random_range(0..100_000_000u32));
        let created = now
            - ChronoDuration::milliseconds(span_ms - (span_ms / (n as i64 + 1)) * (i as i64 + 1));
        let callee = format!("Customer {}", i + 1);
        let mut args = Map::new();
        args.insert("callee_name".into(), Value::from(callee.clone()));
        args.insert("mobile_number".into(), Value::from(to.clone()));
        let cfg = CallConfig {
            retry_count: 0,
            retry_minutes: [30.0; 3],
            scheduled_at: None,
            timezone: chrono_tz::Asia::Kolkata,
        };
        let mut call = new_call(NewCall {
            id: id.clone(),
            seq,
            agent_id: agent.map(|a| a.id.clone()).unwrap_or_default(),
            version_id: agent.map(|a| a.version_id.clone()).unwrap_or_default(),
            agent_name: agent.map(|a| a.display_name.clone()).unwrap_or_default(),
            to_number: to,
            from_number: numbers
                .get(i % numbers.len().max(1))
                .cloned()
                .unwrap_or_default(),
            callee_name: callee,
            cfg: &cfg,
            custom_args: args,
            callback: None,
            bulk_list_id: None,
            call_sid: sid,
            created_at: created,
        });
        call.attempts = 1;
        call.attempt_time = Some(created + ChronoDuration::seconds(4));
        let roll = rng.random::<f64>();
        if roll < 0.8 {
            let talk = rng.random_range(20.0..180.0);
            fill_completed(&mut call, agent, &mut rng, talk, false, &rec);
            call.attempt_log.push(CallOutcome::Answered);
        } else if roll < 0.95 {
            call.status = Status::Failed;
            call.sub_status = Some("USER_DID_NOT_JOIN");
            call.attempt_log.push(CallOutcome::NotPicked);
        } else {
            call.status = Status::Error;
            call.sub_status = Some("PIPECAT_TIMEOUT");
            call.attempt_log.push(CallOutcome::Error);
        }
        st.ws_mut(ws_id).push_call(call);
        ids.push(id);
    }
    ids
}
