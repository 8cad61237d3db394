//! The bridge between delivery bodies and typed events: parsing and dedupe keys.
//!
//! Interim: a minimal event over `serde_json::Value` until `ringg_types::webhook` lands.

use crate::dedupe::{Attempt, DedupeKey};
use crate::rejection::Rejection;

/// A parsed webhook event (interim representation).
#[derive(Debug, Clone)]
pub struct WebhookEvent(serde_json::Value);

impl WebhookEvent {
    /// Parses a delivery body.
    pub fn from_slice(body: &[u8]) -> Result<Self, String> {
        let v: serde_json::Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
        if !v.is_object() {
            return Err("expected a JSON object".into());
        }
        Ok(Self(v))
    }

    /// The `event_type` string.
    pub fn event_type(&self) -> &str {
        self.0
            .get("event_type")
            .and_then(|v| v.as_str())
            .unwrap_or("")
    }

    /// The `call_id`.
    pub fn call_id(&self) -> Option<&str> {
        self.0.get("call_id").and_then(|v| v.as_str())
    }
}

pub(crate) fn parse(body: &[u8]) -> Result<WebhookEvent, Rejection> {
    let event = WebhookEvent::from_slice(body).map_err(Rejection::malformed_json)?;
    match event.0.get("event_type") {
        Some(serde_json::Value::String(_)) => Ok(event),
        Some(_) => Err(Rejection::invalid_field("event_type", "expected a string")),
        None => Err(Rejection::invalid_field("event_type", "missing field")),
    }
}

pub(crate) fn event_type(event: &WebhookEvent) -> &str {
    event.event_type()
}

pub(crate) fn call_id(event: &WebhookEvent) -> Option<&str> {
    event.call_id()
}

pub(crate) fn dedupe_key(event: &WebhookEvent) -> Option<DedupeKey> {
    let call_id = call_id(event)?;
    let event_type = event_type(event);
    let attempt = if event_type == "call_completed" {
        match event.0.get("retry_count").and_then(|v| v.as_u64()) {
            Some(n) => Some(Attempt::RetryCount(n as u32)),
            None => event
                .0
                .get("status")
                .and_then(|v| v.as_str())
                .map(Attempt::Status),
        }
    } else {
        None
    };
    Some(DedupeKey::new(call_id, event_type, attempt))
}
