//! What a completed call holds (duration, cost, transcript, recording, analyses), and seeded
//! history built from the same rules.

use chrono::{Duration as ChronoDuration, Utc};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value, json};

use crate::core::Shared;
use crate::model::{Agent, CREDITS_PER_SECOND, Call, CallConfig, CallOutcome, Status};
use crate::util::round2;

/// Deterministic per-attempt RNG from the run seed, the call's sequence number and the attempt.
pub(crate) fn attempt_rng(seed: u64, seq: u64, attempt: u32) -> SmallRng {
    SmallRng::seed_from_u64(
        seed ^ seq.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ u64::from(attempt).wrapping_mul(0xD1B5_4A32_D192_ED03),
    )
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
        "key_points": [match call.callee_number() {
            Some(n) => format!("Call to {n} was answered"),
            None => "Web call was answered".to_owned(),
        }],
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
        let cfg = CallConfig::default();
        let mut call = Call {
            agent_id: agent.map(|a| a.id.clone()).unwrap_or_default(),
            version_id: agent.map(|a| a.version_id.clone()).unwrap_or_default(),
            agent_name: agent.map(|a| a.display_name.clone()).unwrap_or_default(),
            to_number: to,
            from_number: numbers
                .get(i % numbers.len().max(1))
                .cloned()
                .unwrap_or_default(),
            callee_name: callee,
            custom_args: args,
            call_sid: sid,
            ..Call::registered(id.clone(), seq, &cfg, created)
        };
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
        // Counted as live calls are: each placed call on its number, each answered one on
        // its assistant.
        let ws = st.ws_mut(ws_id);
        if let Some(n) = ws.numbers.iter_mut().find(|n| n.number == call.from_number) {
            n.call_count += 1;
        }
        if call.status == Status::Completed
            && let Some(a) = ws.agents.iter_mut().find(|a| a.id == call.agent_id)
        {
            a.call_count += 1;
        }
        ws.push_call(call);
        ids.push(id);
    }
    ids
}
