//! The bridge between delivery bodies and typed events.

use ringg_types::webhook::WebhookEvent;
use serde_json::value::RawValue;

use crate::rejection::Rejection;

pub(crate) fn parse(body: &[u8]) -> Result<WebhookEvent, Rejection> {
    WebhookEvent::from_slice(body).map_err(|err| {
        if is_json_object(body) {
            Rejection::invalid_field(err)
        } else {
            Rejection::malformed_json(err)
        }
    })
}

/// True when `body` is one syntactically valid JSON object (checked without building it).
fn is_json_object(body: &[u8]) -> bool {
    body.trim_ascii_start().first() == Some(&b'{')
        && serde_json::from_slice::<&RawValue>(body).is_ok()
}

#[cfg(test)]
mod tests {
    use http::StatusCode;

    use super::*;

    fn key(body: &str) -> Option<String> {
        crate::dedupe::DedupeKey::for_event(&WebhookEvent::from_slice(body.as_bytes()).unwrap())
            .map(|k| k.to_string())
    }

    #[test]
    fn dedupe_keys() {
        assert_eq!(
            key(r#"{"event_type":"call_started","call_id":"c1"}"#).as_deref(),
            Some("c1|call_started")
        );
        assert_eq!(
            key(
                r#"{"event_type":"call_completed","call_id":"c1","status":"retry","retry_count":2}"#
            )
            .as_deref(),
            Some("c1|call_completed|retry_count=2")
        );
        assert_eq!(
            key(r#"{"event_type":"call_completed","call_id":"c1","status":"failed"}"#).as_deref(),
            Some("c1|call_completed|status=failed")
        );
        assert_eq!(
            key(r#"{"event_type":"call_completed","call_id":"c1"}"#).as_deref(),
            Some("c1|call_completed")
        );
        // Only call_completed is keyed per attempt.
        assert_eq!(
            key(r#"{"event_type":"all_processing_completed","call_id":"c1","status":"completed","retry_count":1}"#)
                .as_deref(),
            Some("c1|all_processing_completed")
        );
        assert_eq!(
            key(r#"{"event_type":"brand_new_event","call_id":"c1"}"#).as_deref(),
            Some("c1|brand_new_event")
        );
        assert_eq!(key(r#"{"event_type":"call_started"}"#), None);
    }

    #[test]
    fn parse_failures_are_classified() {
        for body in ["", "{", "[]", "42", "\"x\"", "{} trailing", "not json"] {
            let rejection = parse(body.as_bytes()).unwrap_err();
            assert_eq!(rejection.status(), StatusCode::BAD_REQUEST, "{body:?}");
            assert_eq!(rejection.code(), "malformed_json", "{body:?}");
            assert_eq!(rejection.path(), None, "{body:?}");
        }
        let rejection =
            parse(br#"{"event_type":"call_completed","call_id":"c","transcript":[42]}"#)
                .unwrap_err();
        assert_eq!(rejection.code(), "invalid_payload");
        assert_eq!(rejection.path(), Some("transcript[0]"));
        assert!(
            rejection.message().contains("transcript[0]"),
            "{}",
            rejection.message()
        );
        assert!(rejection.parse_error().is_some());

        let rejection = parse(br#"{"call_id":"c"}"#).unwrap_err();
        assert_eq!(rejection.path(), Some("event_type"));
    }
}
