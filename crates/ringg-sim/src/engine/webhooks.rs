//! Subscription events (§3.2–§3.4): the payload of each event type, sent to the agent's
//! subscription for it over [`delivery`](crate::engine::delivery) (method, headers and retry
//! schedule of §3.5). Per-call and campaign `callback_url`s are
//! [`callbacks`](crate::engine::callbacks).

use std::sync::Arc;

use bytes::Bytes;
use http::Method;
use serde_json::{Map, Value, json};

use crate::core::{DeliveryKind, Shared};
use crate::engine::delivery::{self, Meta, Target};
use crate::model::{Agent, Call, Workspace};
use crate::util::{iso_z, round2};

/// Builds the payload of `event_type` for a call and sends it to the agent's subscription
/// for that event, if any.
pub(crate) fn emit(sh: &Arc<Shared>, ws_id: &str, call_id: &str, event_type: &str) {
    let (payload, target, list_id) = {
        let st = sh.lock();
        let ws = st.ws(ws_id);
        let Some(call) = ws.call(call_id) else { return };
        let agent = ws.agents.iter().find(|a| a.id == call.agent_id);
        let Some(sub) = agent.and_then(|a| a.subscription_for(event_type)) else {
            return;
        };
        let target = Target {
            url: sub.callback_url.clone(),
            method: Method::from_bytes(sub.method.as_bytes()).unwrap_or(Method::POST),
            headers: sub.headers.clone(),
            default_headers: true,
        };
        (
            payload(ws, call, agent, event_type),
            target,
            call.bulk_list_id.clone(),
        )
    };
    let body = Bytes::from(serde_json::to_vec(&payload).unwrap_or_default());
    let meta = Meta {
        kind: DeliveryKind::Event,
        event_type: event_type.to_owned(),
        call_id: call_id.to_owned(),
        list_id,
    };
    delivery::spawn(sh, target, body, meta);
}

/// The consolidated analysis of a completed call: the platform analysis (§3.4
/// `platform_analysis_completed.analysis_data`) with the custom analysis keys added where
/// they do not clash; `None` before the call was analysed.
pub(crate) fn analysis_data(call: &Call) -> Option<Value> {
    let mut m = call.platform_analysis.as_ref()?.as_object()?.clone();
    if let Some(Value::Object(client)) = &call.client_analysis {
        for (k, v) in client {
            m.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    Some(Value::Object(m))
}

fn common(
    ws: &Workspace,
    call: &Call,
    agent: Option<&Agent>,
    event_type: &str,
) -> Map<String, Value> {
    let v = json!({
        "event_type": event_type,
        "call_id": call.id,
        "call_sid": call.call_sid,
        "agent_id": call.agent_id,
        "workspace_id": ws.id,
        "custom_args_values": call.custom_args,
        "agent_name": agent.map(|a| a.display_name.clone()).unwrap_or_else(|| call.agent_name.clone()),
        "version_id": call.version_id,
        "bulk_list_id": call.bulk_list_id,
        "call_cost": call.cost,
        "tool_call_logs": [],
    });
    v.as_object().cloned().unwrap_or_default()
}

fn completed_fields(call: &Call, m: &mut Map<String, Value>) {
    let bot = call
        .transcript
        .iter()
        .filter(|t| t.get("bot").is_some())
        .count();
    let user = call
        .transcript
        .iter()
        .filter(|t| t.get("user").is_some())
        .count();
    let status = match call.status.as_str() {
        "ongoing" => "completed",
        s => s,
    };
    let extra = json!({
        "call_duration": round2(call.duration),
        "agent_message_count": bot,
        "user_message_count": user,
        "call_type": call.direction,
        "to_number": call.callee_number(),
        "from_number": call.caller(),
        "status": status,
        "sub_status": call.sub_status,
        "called_on": call.attempt_time.map(iso_z),
        "retry_count": call.attempts.saturating_sub(1),
        "next_attempt_time": call.next_attempt_time.map(iso_z),
        "overall_latency_seconds": if call.transcript.is_empty() { Value::Null } else { json!(0.892345) },
        "first_utterance_seconds": if call.transcript.is_empty() { Value::Null } else { json!(0.456789) },
        "transcript": call.transcript,
        "recording_url": call.recording_url,
        "voicemail_detected": call.voicemail,
    });
    if let Value::Object(e) = extra {
        m.extend(e);
    }
}

/// The payload of one event (§3.4; the union of the newest fields and `retry_count`).
pub(crate) fn payload(
    ws: &Workspace,
    call: &Call,
    agent: Option<&Agent>,
    event_type: &str,
) -> Value {
    let mut m = common(ws, call, agent, event_type);
    match event_type {
        "call_started" | "call_ringing" | "call_ongoing" => {
            m.insert(
                "sub_status".into(),
                json!(call.sub_status.unwrap_or("ACCEPTED")),
            );
            m.insert("version_slug".into(), json!("v1"));
            m.insert("version_description".into(), json!("Initial version"));
            m.insert("to_number".into(), json!(call.callee_number()));
            m.insert("from_number".into(), json!(call.caller()));
            m.insert("call_type".into(), json!(call.direction));
            m.insert("retry_count".into(), json!(call.attempts.saturating_sub(1)));
        }
        "call_completed" => completed_fields(call, &mut m),
        "recording_completed" => {
            m.insert("recording_url".into(), json!(call.recording_url));
            m.insert("recording_duration".into(), json!(call.recording_duration));
        }
        "platform_analysis_completed" => {
            completed_fields(call, &mut m);
            m.insert(
                "analysis_data".into(),
                call.platform_analysis.clone().unwrap_or_else(|| json!({})),
            );
        }
        "client_analysis_completed" => {
            completed_fields(call, &mut m);
            m.insert(
                "analysis_data".into(),
                call.client_analysis.clone().unwrap_or_else(|| json!({})),
            );
        }
        _ => {
            completed_fields(call, &mut m);
            m.insert("recording_duration".into(), json!(call.recording_duration));
            m.insert(
                "platform_analysis".into(),
                call.platform_analysis.clone().unwrap_or_else(|| json!({})),
            );
            m.insert(
                "client_analysis".into(),
                call.client_analysis.clone().unwrap_or(Value::Null),
            );
            m.insert(
                "analysis_data".into(),
                analysis_data(call).unwrap_or_else(|| json!({})),
            );
        }
    }
    Value::Object(m)
}
