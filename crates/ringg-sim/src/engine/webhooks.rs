//! Webhook delivery (§3): the agent's subscriptions and the per-call `callback_url`.
//!
//! Each event goes to every target over plain HTTP with the subscription's method and headers.
//! A delivery succeeds on HTTP 200 within the (scaled) 30 s timeout; otherwise it is retried
//! after +10 s, +1 min and +2 min (scaled) and dropped after the fourth failure.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use chrono::Utc;
use http::{HeaderName, HeaderValue, Method, Request};
use http_body_util::Full;
use ringg_types::ids::CallId;
use serde_json::{Map, Value, json};

use crate::core::{DeliveryRecord, Shared};
use crate::model::{Agent, Call, Workspace};
use crate::util::{iso_z, round2};

/// Retry schedule in simulated seconds before attempts 1–4.
const SCHEDULE: [f64; 4] = [0.0, 10.0, 60.0, 120.0];
/// Delivery timeout in simulated seconds.
const TIMEOUT_SECS: f64 = 30.0;

#[derive(Debug, Clone)]
struct Target {
    url: String,
    method: Method,
    headers: Vec<(String, String)>,
}

/// Builds the payload of `event_type` for a call and sends it to every target.
pub(crate) fn emit(sh: &Arc<Shared>, ws_id: &str, call_id: &str, event_type: &str) {
    let (payload, targets) = {
        let st = sh.lock();
        let ws = st.ws(ws_id);
        let Some(call) = ws.call(call_id) else { return };
        let agent = ws.agents.iter().find(|a| a.id == call.agent_id);
        let targets = targets(call, agent, event_type);
        if targets.is_empty() {
            return;
        }
        (payload(ws, call, agent, event_type), targets)
    };
    let body = Bytes::from(serde_json::to_vec(&payload).unwrap_or_default());
    for t in targets {
        let sh2 = sh.clone();
        let body = body.clone();
        let event = event_type.to_owned();
        let call = call_id.to_owned();
        sh.tasks.spawn(async move {
            let token = sh2.token.clone();
            tokio::select! {
                _ = token.cancelled() => {}
                _ = deliver(&sh2, t, body, event, call) => {}
            }
        });
    }
}

fn targets(call: &Call, agent: Option<&Agent>, event_type: &str) -> Vec<Target> {
    let mut out = Vec::new();
    if let Some(sub) = agent.and_then(|a| a.subscription_for(event_type)) {
        out.push(Target {
            url: sub.callback_url.clone(),
            method: Method::from_bytes(sub.method.as_bytes()).unwrap_or(Method::POST),
            headers: sub.headers.clone(),
        });
    }
    if let Some(cb) = &call.callback {
        let url = if cb.params.is_empty() {
            cb.url.clone()
        } else {
            match url::Url::parse(&cb.url) {
                Ok(mut u) => {
                    u.query_pairs_mut().extend_pairs(cb.params.iter());
                    u.to_string()
                }
                Err(_) => cb.url.clone(),
            }
        };
        out.push(Target {
            url,
            method: Method::POST,
            headers: cb.headers.clone(),
        });
    }
    out
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
        "to_number": call.to_number,
        "from_number": call.from_number,
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
            m.insert("to_number".into(), json!(call.to_number));
            m.insert("from_number".into(), json!(call.from_number));
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
        }
    }
    Value::Object(m)
}

async fn deliver(sh: &Arc<Shared>, t: Target, body: Bytes, event_type: String, call_id: String) {
    let timeout = sh
        .scaled(TIMEOUT_SECS)
        .max(sh.settings.webhook_timeout_floor);
    for (i, wait) in SCHEDULE.iter().enumerate() {
        sh.sleep_sim(*wait).await;
        if sh.token.is_cancelled() {
            return;
        }
        sh.counters.webhook_attempts.fetch_add(1, Ordering::Relaxed);
        let (status, error) = match tokio::time::timeout(timeout, send(sh, &t, body.clone())).await
        {
            Ok(Ok(s)) => (Some(s), None),
            Ok(Err(e)) => (None, Some(e)),
            Err(_) => (
                None,
                Some(format!("timed out after {} ms", timeout.as_millis())),
            ),
        };
        let ok = status == Some(200);
        sh.record_delivery(DeliveryRecord {
            event_type: event_type.clone(),
            call_id: CallId::new(call_id.clone()),
            url: t.url.clone(),
            method: t.method.to_string(),
            attempt: i as u32 + 1,
            status,
            error,
            at: Utc::now(),
        });
        if ok {
            sh.counters
                .webhook_delivered
                .fetch_add(1, Ordering::Relaxed);
            return;
        }
    }
    sh.counters.webhook_dropped.fetch_add(1, Ordering::Relaxed);
    tracing::debug!(event = %event_type, call = %call_id, "webhook dropped after the last attempt");
}

async fn send(sh: &Shared, t: &Target, body: Bytes) -> Result<u16, String> {
    let uri: http::Uri = t
        .url
        .parse()
        .map_err(|e| format!("invalid callback URL: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err("only plain-http callback URLs can be delivered by the simulator".into());
    }
    let req = Request::builder()
        .method(t.method.clone())
        .uri(uri)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::USER_AGENT, "ringg-sim");
    let mut req = req
        .body(Full::new(body))
        .map_err(|e| format!("could not build the request: {e}"))?;
    // The subscription's headers replace defaults of the same name (e.g. Content-Type).
    for (k, v) in &t.headers {
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            req.headers_mut().insert(k, v);
        }
    }
    let resp = sh.http.request(req).await.map_err(|e| format!("{e}"))?;
    Ok(resp.status().as_u16())
}
