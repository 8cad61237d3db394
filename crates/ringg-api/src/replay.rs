//! Rebuilding the webhook events a receiver missed, from call history and call details.
//!
//! Ringg drops a delivery for good after its last retry. For a call that ended, the two events
//! most receivers act on can be rebuilt from what the API still knows: `call_completed` (for a
//! call that ended `completed`, `failed` or `error`) and, once the analysis is done,
//! `all_processing_completed`. A rebuilt payload carries `"ringg_rebuilt": true` and the fields
//! history and details give (status, retry count, duration, numbers, custom arguments,
//! transcript, recording, analyses); fields only a live delivery has (latencies, costs, tool
//! logs) are absent. Its `call_id`, `event_type` and `retry_count` are those of the original
//! delivery: a `ringg_webhooks` receiver hands a rebuilt event over only when the original was
//! not (and is not being) handed over, and keys it apart from the original, so an original
//! that Ringg delivers afterwards (a retry, or the analysis finishing later) is still handed
//! over, and a second replay is a repeat.
//!
//! This module only builds payloads; it sends nothing. `ringg webhooks replay` feeds them
//! through a `ringg_webhooks::WebhookReceiver`, with the dedupe store `webhooks listen` keeps.

use futures::{Stream, StreamExt};
use ringg_types::CallId;
use ringg_types::calls::{CallDetails, CallHistoryQuery, CallRecord};
use serde_json::{Map, Value};

use crate::calls::Calls;
use crate::error::Error;

/// The field every rebuilt payload carries, set to `true`.
pub const REBUILT_MARKER: &str = ringg_types::webhook::REBUILT_MARKER;

/// One rebuilt event: its type, its call and the JSON body a delivery would have carried.
/// `Debug` shows the body with its secrets masked.
#[derive(Clone, PartialEq)]
pub struct RebuiltEvent {
    /// `call_completed` or `all_processing_completed`.
    pub event_type: &'static str,
    /// The call.
    pub call_id: CallId,
    /// The payload, as a subscription delivery carries it.
    pub body: Value,
}

impl std::fmt::Debug for RebuiltEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RebuiltEvent")
            .field("event_type", &self.event_type)
            .field("call_id", &self.call_id)
            .field("body", &ringg_types::redact::Redacted(&self.body))
            .finish()
    }
}

impl Calls<'_> {
    /// Rebuilds the events of one call from its details (with analysis): none while the call
    /// has not ended.
    pub async fn rebuild_events(&self, call_id: &CallId) -> Result<Vec<RebuiltEvent>, Error> {
        let details = self.details(call_id, true).await?;
        Ok(rebuild(&details, None))
    }

    /// Rebuilds the events of every call `query` lists (e.g. a `start_date` and an agent),
    /// reading each ended call's details; calls still in progress are skipped.
    pub fn rebuild_events_for(
        &self,
        query: CallHistoryQuery,
    ) -> impl Stream<Item = Result<RebuiltEvent, Error>> + Send + 'static {
        let client = self.client().clone();
        self.history_stream(query)
            .then(move |row| {
                let client = client.clone();
                async move {
                    let row = row?;
                    if ended_status(&to_object(&row)).is_none() {
                        return Ok(Vec::new());
                    }
                    let details = client.calls().details(&row.id, true).await?;
                    Ok(rebuild(&details, Some(&row)))
                }
            })
            .flat_map(|events: Result<Vec<RebuiltEvent>, Error>| {
                futures::stream::iter(match events {
                    Ok(events) => events.into_iter().map(Ok).collect::<Vec<_>>(),
                    Err(e) => vec![Err(e)],
                })
            })
    }
}

/// The call's status when it has ended with a `call_completed` delivery.
fn ended_status(fields: &Map<String, Value>) -> Option<String> {
    let status = ["call_status", "status"]
        .iter()
        .find_map(|k| fields.get(*k).and_then(Value::as_str))?;
    matches!(status, "completed" | "failed" | "error").then(|| status.to_string())
}

fn to_object<T: serde::Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// The events a call's details (and its history row, when known) rebuild.
pub(crate) fn rebuild(details: &CallDetails, row: Option<&CallRecord>) -> Vec<RebuiltEvent> {
    let d = to_object(details);
    let r = row.map(to_object).unwrap_or_default();
    let Some(status) = ended_status(&d).or_else(|| ended_status(&r)) else {
        return Vec::new();
    };
    // The first source that has a non-null value for any of the names.
    let pick = |names: &[&str]| -> Option<Value> {
        [&d, &r].iter().find_map(|src| {
            names
                .iter()
                .find_map(|n| src.get(*n).filter(|v| !v.is_null()).cloned())
        })
    };
    let agent_id = pick(&["agent_id"]).or_else(|| {
        r.get("agent")
            .and_then(|a| a.get("id"))
            .filter(|v| !v.is_null())
            .cloned()
    });
    let mut body = Map::new();
    body.insert("event_type".into(), "call_completed".into());
    body.insert("call_id".into(), details.id.as_str().into());
    body.insert("status".into(), status.clone().into());
    let fields: [(&str, &[&str]); 10] = [
        ("agent_id", &[]),
        ("retry_count", &["retry_count"]),
        ("call_duration", &["call_duration"]),
        ("call_type", &["call_direction", "call_type"]),
        ("to_number", &["to_number"]),
        ("from_number", &["from_number"]),
        ("custom_args_values", &["custom_args_values"]),
        ("bulk_list_id", &["bulk_list_id"]),
        ("transcript", &["transcription_url", "transcript"]),
        ("recording_url", &["recording_url", "audio_recording"]),
    ];
    for (name, sources) in fields {
        let value = if name == "agent_id" {
            agent_id.clone()
        } else {
            pick(sources)
        };
        if let Some(v) = value {
            body.insert(name.into(), v);
        }
    }
    body.insert(REBUILT_MARKER.into(), true.into());
    let mut events = vec![RebuiltEvent {
        event_type: "call_completed",
        call_id: details.id.clone(),
        body: Value::Object(body.clone()),
    }];
    // An empty analysis means the analysis is not done yet: no all_processing_completed then,
    // or its rebuilt copy would hide the real one.
    let analysed = pick(&["platform_analysis"]).filter(holds_analysis);
    if status == "completed"
        && let Some(platform) = analysed
    {
        body.insert("event_type".into(), "all_processing_completed".into());
        body.insert("analysis_data".into(), platform.clone());
        body.insert("platform_analysis".into(), platform);
        if let Some(client) = pick(&["client_analysis"]) {
            body.insert("client_analysis".into(), client);
        }
        events.push(RebuiltEvent {
            event_type: "all_processing_completed",
            call_id: details.id.clone(),
            body: Value::Object(body),
        });
    }
    events
}

/// Whether an analysis value holds anything: not an empty object or list, nor blank text, nor
/// such a value written as JSON inside a string (`"{}"`, as a row may carry it).
fn holds_analysis(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Object(o) => !o.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::String(s) => match serde_json::from_str::<Value>(s.trim()) {
            _ if s.trim().is_empty() => false,
            // Free text is an analysis; so is a string JSON-encoded once more.
            Err(_) | Ok(Value::String(_)) => true,
            Ok(inner) => holds_analysis(&inner),
        },
        Value::Bool(_) | Value::Number(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(v: Value) -> CallDetails {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn an_analysed_call_rebuilds_both_events_with_the_original_attempt() {
        let d = details(serde_json::json!({
            "id": "c-1", "call_status": "completed", "agent_id": "a-1", "to_number": "+919800000001",
            "retry_count": 1, "call_duration": 31.5, "custom_args_values": {"callee_name": "Asha"},
            "platform_analysis": {"summary": "ok", "sentiment": "positive"}, "client_analysis": {"amount": 5}
        }));
        let events = rebuild(&d, None);
        assert_eq!(events.len(), 2);
        let cc = &events[0].body;
        assert_eq!(events[0].event_type, "call_completed");
        assert_eq!(cc["status"], "completed");
        assert_eq!(cc["retry_count"], 1);
        assert_eq!(cc["agent_id"], "a-1");
        assert_eq!(cc[REBUILT_MARKER], true);
        assert!(cc.get("platform_analysis").is_none());
        let apc = &events[1].body;
        assert_eq!(apc["event_type"], "all_processing_completed");
        assert_eq!(apc["analysis_data"]["summary"], "ok");
        assert_eq!(apc["client_analysis"]["amount"], 5);
    }

    #[test]
    fn calls_in_progress_rebuild_nothing_and_failed_ones_only_call_completed() {
        let d = details(serde_json::json!({"id": "c-2", "call_status": "ongoing"}));
        assert!(rebuild(&d, None).is_empty());
        let d = details(serde_json::json!({"id": "c-4", "call_status": "completed",
            "platform_analysis": {}}));
        assert_eq!(
            rebuild(&d, None).len(),
            1,
            "no analysis yet: only call_completed"
        );
        // Nor from a blank analysis the history row carries.
        for blank in ["", " ", "{}", "[]", "null"] {
            let d = details(serde_json::json!({"id": "c-5", "call_status": "completed"}));
            let row: CallRecord = serde_json::from_value(serde_json::json!({"id": "c-5",
                "status": "completed", "platform_analysis": blank}))
            .unwrap();
            assert_eq!(rebuild(&d, Some(&row)).len(), 1, "{blank:?}");
        }
        let d = details(serde_json::json!({"id": "c-6", "call_status": "completed"}));
        let row: CallRecord = serde_json::from_value(serde_json::json!({"id": "c-6",
            "status": "completed", "platform_analysis": "{\"summary\": \"x\"}"}))
        .unwrap();
        assert_eq!(rebuild(&d, Some(&row)).len(), 2, "an analysis as JSON text");
        let d = details(serde_json::json!({"id": "c-3", "call_status": "failed",
            "platform_analysis": {"summary": "x"}}));
        let events = rebuild(&d, None);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].body["status"], "failed");
    }
}
