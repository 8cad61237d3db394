//! The bridge between delivery bodies and typed events.

use crate::rejection::Rejection;
use ringg_types::webhook::WebhookEvent;

/// Reads a delivery body. JSON always becomes an event (a partial one when a field does not
/// fit the typed model, or when it is not an object), unless `strict` asks to refuse partial
/// events; a body that is not JSON is refused as malformed.
pub(crate) fn parse(body: &[u8], strict: bool) -> Result<WebhookEvent, Rejection> {
    let event = WebhookEvent::from_slice_lenient(body)
        .map_err(|e| Rejection::malformed_json(e).keeping_body())?;
    if strict && let WebhookEvent::Partial(partial) = &event {
        let refused = Rejection::invalid_field(partial.error().clone());
        // No handler sees it and no documented shape would bring it again: kept, as a body
        // that is not JSON is.
        if partial.shape() == ringg_types::webhook::EventShape::NotAnObject {
            return Err(refused.keeping_body());
        }
        return Err(refused);
    }
    Ok(event)
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
        // A call ends once: its final status keys it, with or without `retry_count`, so a
        // copy rebuilt from history (which may lack the count) is the same event.
        assert_eq!(
            key(r#"{"event_type":"call_completed","call_id":"c1","status":"completed","retry_count":2}"#)
                .as_deref(),
            Some("c1|call_completed|status=completed")
        );
        // Nothing tells the attempt apart but the body.
        let bare = key(r#"{"event_type":"call_completed","call_id":"c1"}"#).unwrap();
        assert!(bare.starts_with("c1|call_completed|body~="), "{bare}");
        // Only call_completed is keyed per attempt.
        assert_eq!(
            key(r#"{"event_type":"all_processing_completed","call_id":"c1","status":"completed","retry_count":1}"#)
                .as_deref(),
            Some("c1|all_processing_completed")
        );
        let new_type = key(r#"{"event_type":"brand_new_event","call_id":"c1"}"#).unwrap();
        assert!(
            new_type.starts_with("c1|brand_new_event|body~="),
            "{new_type}"
        );
        assert_eq!(key(r#"{"event_type":"call_started"}"#), None);
    }

    #[test]
    fn an_event_type_in_another_case_keys_each_attempt_apart() {
        let retry = |sid: &str, on: &str| {
            key(&format!(
                r#"{{"event_type":"CALL_COMPLETED","call_id":"u-1","status":"retry","call_sid":"{sid}","called_on":"{on}"}}"#
            ))
            .unwrap()
        };
        let first = retry("CA1", "2025-12-14T19:37:13Z");
        assert_ne!(first, retry("CA2", "2025-12-14T19:47:13Z"));
        // The same event in the documented spelling is the same delivery.
        let lower = key(
            r#"{"event_type":"call_completed","call_id":"u-1","status":"retry","call_sid":"CA1","called_on":"2025-12-14T19:37:13Z"}"#,
        );
        assert_eq!(Some(first), lower);
        let final_one =
            key(r#"{"event_type":" Call_Completed ","call_id":"u-1","status":"failed"}"#);
        assert_eq!(
            final_one.as_deref(),
            Some("u-1|call_completed|status=failed")
        );
    }

    #[test]
    fn a_retry_with_its_keys_in_another_order_keys_the_same() {
        let a = key(r#"{"event_type":"call_completed","call_id":"r-4","status":"retry"}"#);
        let b = key(r#"{"status":"retry","call_id":"r-4","event_type":"call_completed"}"#);
        assert!(a.is_some());
        assert_eq!(a, b);
        let a = key(r#"{"event_type":"brand_new_event","call_id":"n","step":1,"x":null}"#);
        let b = key(r#"{"step":1,"call_id":"n","event_type":"brand_new_event"}"#);
        assert!(a.is_some());
        assert_eq!(a, b);
        // Another event of a type not known here is not taken for the first.
        let c = key(r#"{"event_type":"brand_new_event","call_id":"n","step":2}"#);
        assert_ne!(a, c);
    }

    #[test]
    fn a_call_id_sent_as_a_number_still_dedupes() {
        assert_eq!(
            key(r#"{"event_type":"call_started","call_id":987}"#).as_deref(),
            Some("987|call_started")
        );
        let callback =
            key(r#"{"status":"success","data":{"call_id":123,"status":"completed"}}"#).unwrap();
        assert!(callback.starts_with("123|call_callback|"), "{callback}");
        let partial = crate::dedupe::DedupeKey::for_event(
            &WebhookEvent::from_slice_lenient(
                br#"{"event_type":"call_started","call_id":55,"call_sid":[]}"#,
            )
            .unwrap(),
        );
        assert!(
            partial
                .as_ref()
                .is_some_and(|k| k.to_string().starts_with("55|call_started")),
            "{partial:?}"
        );
        // Each attempt's dial, its `call_sid` sent as a number, typed or partial.
        for odd in ["", r#","agent_id":[1]"#] {
            let sid = |n: u32| {
                let body = format!(
                    r#"{{"event_type":"call_started","call_id":"c1","call_sid":{n}{odd}}}"#
                );
                let event = WebhookEvent::from_slice_lenient(body.as_bytes()).unwrap();
                assert_eq!(event.is_partial(), !odd.is_empty(), "{body}");
                crate::dedupe::DedupeKey::for_event(&event)
                    .unwrap()
                    .to_string()
            };
            assert_ne!(sid(111), sid(222), "{odd}");
            assert!(sid(111).contains("call_sid=111"), "{}", sid(111));
        }
    }

    #[test]
    fn callback_keys_cover_status_and_retry() {
        let cb = |status: &str, retry: u32| {
            key(&format!(
                r#"{{"status":"success","data":{{"call_id":"c1","status":"{status}","retry":{retry}}}}}"#
            ))
        };
        let ongoing = cb("ongoing", 0).unwrap();
        assert!(
            ongoing.starts_with("c1|call_callback|status=ongoing|retry=0|data="),
            "{ongoing}"
        );
        assert_ne!(cb("ongoing", 0), cb("completed", 0));
        assert_ne!(cb("failed", 0), cb("failed", 1));
        assert_eq!(cb("completed", 1), cb("completed", 1));
        // A partial callback delivery keys the same way from what can be read.
        let partial = crate::dedupe::DedupeKey::for_event(
            &WebhookEvent::from_slice_lenient(
                br#"{"data":{"call_id":"c1","status":"failed","retry":"2","call_duration":[]}}"#,
            )
            .unwrap(),
        );
        let partial = partial.unwrap().to_string();
        assert!(
            partial.starts_with("c1|call_callback|status=failed|retry=2|data="),
            "{partial}"
        );
    }

    #[test]
    fn parse_failures_are_classified() {
        for body in ["", "{", "[1,", "{} trailing", "not json"] {
            let rejection = parse(body.as_bytes(), false).unwrap_err();
            assert_eq!(rejection.status(), StatusCode::BAD_REQUEST, "{body:?}");
            assert_eq!(rejection.code(), "malformed_json", "{body:?}");
            assert_eq!(rejection.path(), None, "{body:?}");
        }
        // A JSON object with a field that does not fit is a partial event, not a rejection
        // (deliberately changed: it used to be a 400), unless strict.
        let body = br#"{"event_type":"call_completed","call_id":"c","transcript":[42]}"#;
        let event = parse(body, false).unwrap();
        assert_eq!(event.partial_error().unwrap().path(), "transcript[0]");
        let rejection = parse(body, true).unwrap_err();
        assert_eq!(rejection.code(), "invalid_payload");
        assert_eq!(rejection.path(), Some("transcript[0]"));
        assert!(
            rejection.message().contains("transcript[0]"),
            "{}",
            rejection.message()
        );
        assert!(rejection.parse_error().is_some());

        assert!(parse(br#"{"call_id":"c"}"#, false).unwrap().is_partial());
        // JSON that is not an object is kept whole as a partial event, unless strict.
        for body in ["[]", "42", "\"x\""] {
            assert!(
                parse(body.as_bytes(), false).unwrap().is_partial(),
                "{body}"
            );
            let rejection = parse(body.as_bytes(), true).unwrap_err();
            assert_eq!(rejection.code(), "invalid_payload", "{body}");
        }
        let rejection = parse(br#"{"call_id":"c"}"#, true).unwrap_err();
        assert_eq!(rejection.path(), Some("event_type"));
    }
}
