//! The two `callback_url`s that are not agent subscriptions.
//!
//! * A call's `callback_url` / `callback_args` (§2.3.1, §3.6) gets the
//!   `{"status":"success","data":{…},"message":"Call Details"}` envelope on every status
//!   change, as a `POST` with only `callback_args.headers` (Ringg sets no `Content-Type` on
//!   these) and `callback_args.params` as query parameters.
//! * A campaign's `callback_url` (§2.5.3, make-call-async) is called once when the campaign
//!   completes. Ringg documents no payload; the simulator sends a minimal JSON (see
//!   [`campaign_completed`]).
//!
//! Both use the retry schedule of subscription deliveries.

use std::sync::Arc;

use bytes::Bytes;
use chrono::Utc;
use serde_json::{Value, json};

use crate::core::{DeliveryKind, Shared};
use crate::engine::delivery::{self, Meta, Target};
use crate::engine::webhooks::analysis_data;
use crate::model::{Call, Status};
use crate::util::{iso_z, round2};

/// Sends the §3.6 envelope of the call's current status to its `callback_url`, if it has one.
pub(crate) fn call_status_changed(sh: &Arc<Shared>, ws_id: &str, call_id: &str) {
    let (body, target, meta) = {
        let st = sh.lock();
        let Some(call) = st.ws(ws_id).call(call_id) else {
            return;
        };
        let Some(cb) = &call.callback else { return };
        let meta = Meta {
            kind: DeliveryKind::CallCallback,
            event_type: call.status.as_str().to_owned(),
            call_id: call_id.to_owned(),
            list_id: call.bulk_list_id.clone(),
        };
        (envelope(call), Target::callback(cb, false), meta)
    };
    let body = Bytes::from(serde_json::to_vec(&body).unwrap_or_default());
    delivery::spawn(sh, target, body, meta);
}

/// The transcript as one string, a `role: text` line per turn.
fn transcript_text(call: &Call) -> String {
    call.transcript
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|turn| {
            turn.iter()
                .map(|(role, text)| format!("{role}: {}", text.as_str().unwrap_or_default()))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The per-call envelope (§3.6): `data.retry` is the 0-based attempt, `data.analysis` is
/// present once the call was analysed.
fn envelope(call: &Call) -> Value {
    let mut data = json!({
        "call_id": call.id,
        "call_direction": call.direction,
        "status": call.status.as_str(),
        "call_duration": round2(call.duration),
        "recording_url": call.recording_url,
        "transcript": transcript_text(call),
        "agent_id": call.agent_id,
        "retry": call.attempts.saturating_sub(1),
        "from_number": call.caller(),
        "to_number": call.callee_number(),
        "custom_args_values": call.custom_args,
    });
    if call.status.was_answered()
        && let Some(analysis) = analysis_data(call)
        && let Value::Object(d) = &mut data
    {
        d.insert("analysis".into(), analysis);
    }
    json!({"status": "success", "data": data, "message": "Call Details"})
}

/// Calls the campaign's `callback_url` once, now that it completed; `call_id` is the call
/// whose end completed it.
///
/// Payload (the simulator's own; Ringg documents none):
/// `{"event_type":"campaign_completed","list_id","campaign_id","campaign_name","status":"completed",
/// "total_calls","completed_calls","failed_calls","cancelled_calls","completed_at"}`, with
/// `Content-Type: application/json`.
pub(crate) fn campaign_completed(sh: &Arc<Shared>, ws_id: &str, list_id: &str, call_id: &str) {
    let (body, target) = {
        let st = sh.lock();
        let ws = st.ws(ws_id);
        let Some(list) = ws.list(list_id) else { return };
        let Some(cb) = &list.callback else { return };
        let calls: Vec<&Call> = ws
            .calls
            .iter()
            .filter(|c| c.bulk_list_id.as_deref() == Some(list_id))
            .collect();
        let count = |s: Status| calls.iter().filter(|c| c.status == s).count();
        let body = json!({
            "event_type": "campaign_completed",
            "list_id": list.id,
            "campaign_id": list.id,
            "campaign_name": list.name,
            "status": list.status.as_str(),
            "total_calls": calls.len(),
            "completed_calls": count(Status::Completed),
            "failed_calls": count(Status::Failed) + count(Status::Error),
            "cancelled_calls": count(Status::Cancelled),
            "completed_at": iso_z(Utc::now()),
        });
        (body, Target::callback(cb, true))
    };
    let meta = Meta {
        kind: DeliveryKind::CampaignCallback,
        event_type: "campaign_completed".into(),
        call_id: call_id.to_owned(),
        list_id: Some(list_id.to_owned()),
    };
    let body = Bytes::from(serde_json::to_vec(&body).unwrap_or_default());
    delivery::spawn(sh, target, body, meta);
}
