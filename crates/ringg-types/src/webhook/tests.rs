use serde_json::{Value, json};

use super::*;
use crate::common::{Speaker, TranscriptEncoding};
use crate::ids::CallId;

fn parse(v: Value) -> WebhookEvent {
    WebhookEvent::from_slice(v.to_string().as_bytes()).unwrap()
}

#[test]
fn dispatches_on_event_type() {
    for et in EventType::KNOWN {
        let ev = parse(json!({"event_type": et.as_str(), "call_id": "c1", "agent_id": "a1"}));
        assert_eq!(&ev.event_type(), et);
        assert_eq!(ev.call_id().unwrap().as_str(), "c1");
        assert_eq!(ev.agent_id().unwrap().as_str(), "a1");
        assert!(!matches!(ev, WebhookEvent::Unknown(_)));
    }
}

#[test]
fn unknown_event_type_is_kept_raw() {
    let raw = json!({"event_type": "call_transferred", "call_id": "c1", "x": [1, 2]});
    let ev = parse(raw.clone());
    let WebhookEvent::Unknown(u) = &ev else {
        panic!("expected Unknown, got {ev:?}")
    };
    assert_eq!(u.event_type_str(), "call_transferred");
    assert_eq!(
        ev.event_type(),
        EventType::Unknown("call_transferred".into())
    );
    assert_eq!(ev.call_id().unwrap().as_str(), "c1");
    assert_eq!(ev.to_value().unwrap(), raw);
}

#[test]
fn errors_name_the_field() {
    let cases = [
        (json!({"call_id": "c"}), "event_type"),
        (json!({"event_type": null}), "event_type"),
        (json!({"event_type": 7}), "event_type"),
        (
            json!({"event_type": "call_completed", "call_id": [5]}),
            "call_id",
        ),
        (
            json!({"event_type": "call_completed", "transcript": [{"bot": "hi"}, 3]}),
            "transcript[1]",
        ),
        (
            json!({"event_type": "call_completed", "retry_count": -1}),
            "retry_count",
        ),
        (
            // An analysis value of any type is kept (`extra`); an analysis that is not an
            // object is not an analysis.
            json!({"event_type": "platform_analysis_completed", "analysis_data": "summary"}),
            "analysis_data",
        ),
        (json!([1, 2]), "."),
    ];
    for (body, path) in cases {
        let err = WebhookEvent::from_slice(body.to_string().as_bytes()).unwrap_err();
        assert_eq!(err.path(), path, "{body}: {err}");
        assert!(err.to_string().contains(path), "{err}");
        assert_eq!(err.body(), body.to_string().as_bytes());
    }
    let err = WebhookEvent::from_slice(b"{not json").unwrap_err();
    assert!(err.event_type().is_none());
    let err =
        WebhookEvent::from_slice(br#"{"event_type":"call_completed","call_id":true}"#).unwrap_err();
    assert_eq!(err.event_type(), Some(&EventType::CallCompleted));
    assert!(err.to_string().contains("call_completed"));
}

#[test]
fn call_completed_fields_and_round_trip() {
    let raw = json!({
        "event_type": "call_completed", "call_id": "c", "status": "completed", "retry_count": 1,
        "transcript": "[{\"bot\": \"Hello\"}, {\"user\": \"Hi\"}]", "bulk_list_id": null,
        "call_cost": 0.15, "call_duration": 9, "called_on": "2025-12-14T19:37:13.310707Z",
        "custom_args_values": {"callee_name": "John"}, "surprise": {"nested": true}
    });
    let ev = parse(raw.clone());
    let WebhookEvent::CallCompleted(c) = &ev else {
        panic!("{ev:?}")
    };
    assert_eq!(c.status, Some(CallStatus::Completed));
    assert_eq!(c.retry_count, Some(1));
    assert!(c.bulk_list_id.is_null());
    assert_eq!(
        c.transcript.as_ref().unwrap().turns()[1].speaker(),
        Speaker::User
    );
    assert_eq!(ev.status(), Some(&CallStatus::Completed));
    assert!(ev.extra().contains_key("surprise"));
    assert_eq!(ev.to_value().unwrap(), raw);
    let via_serde: WebhookEvent = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(via_serde, ev);
}

#[test]
fn built_payload_serializes() {
    let mut done = CallCompleted::new(CallId::new("c9"));
    done.status = Some(CallStatus::Failed);
    done.retry_count = Some(2);
    let ev = WebhookEvent::from(done);
    assert_eq!(
        ev.to_value().unwrap(),
        json!({"event_type": "call_completed", "call_id": "c9", "status": "failed", "retry_count": 2})
    );
}

#[test]
fn subscriptions_accept_one_or_many() {
    let old: EventSubscription = serde_json::from_value(json!({
        "event_type": "call_completed", "callback_url": "https://x", "method_type": "PUT"
    }))
    .unwrap();
    assert!(old.covers(&EventType::CallCompleted));
    assert_eq!(old.method_type, Some(WebhookMethod::Put));
    let new: EventSubscription = serde_json::from_value(json!({
        "event_type": ["call_started", "call_completed"], "callback_url": "https://x",
        "auth_fetch_config": {"enabled": true, "ttl_seconds": 3600, "header_value_template": "Bearer {{token}}"}
    }))
    .unwrap();
    assert_eq!(new.event_types().len(), 2);
    assert_eq!(
        new.auth_fetch_config.as_ref().unwrap().ttl_seconds,
        Some(3600)
    );
}

#[test]
fn callback_envelopes_parse_typed() {
    let body = json!({
        "status": "success", "message": "Call Details",
        "data": {
            "call_id": "c-9", "call_direction": "outbound", "status": "failed",
            "call_duration": "31.5", "recording_url": null, "transcript": "bot: Hi\nuser: Bye",
            "agent_id": "a-1", "retry": 2, "from_number": "+911", "to_number": "+912",
            "custom_args_values": {"callee_name": "John"}, "analysis": {"sentiment": 0.35},
            "brand_new": [1]
        },
        "extra_top": true
    })
    .to_string();
    let event = WebhookEvent::from_slice(body.as_bytes()).unwrap();
    let WebhookEvent::Callback(cb) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(event.event_type().as_str(), CALLBACK_EVENT_TYPE);
    assert_eq!(event.call_id().unwrap().as_str(), "c-9");
    assert_eq!(event.status(), Some(&CallStatus::Failed));
    assert_eq!(event.retry_count(), Some(2));
    let data = cb.data.as_ref().unwrap();
    assert_eq!(data.call_duration.as_ref().unwrap().as_f64(), 31.5);
    assert_eq!(
        data.transcript.as_ref().unwrap().as_text(),
        Some("bot: Hi\nuser: Bye")
    );
    assert_eq!(event.raw_json(), Some(body.as_str()));
    let back = serde_json::to_value(&event).unwrap();
    assert_eq!(back, serde_json::from_str::<Value>(&body).unwrap());
    // A bare object is a callback only when `data` is an object and there is no event_type.
    let bare = json!({"data": {}}).to_string();
    assert!(matches!(
        WebhookEvent::from_slice(bare.as_bytes()).unwrap(),
        WebhookEvent::Callback(_)
    ));
}

#[test]
fn lenient_parsing_keeps_what_does_not_fit() {
    let body = r#"{"event_type":"call_completed","call_id":"c-1","status":"retry","retry_count":"1","call_duration":"long","x":1}"#;
    let event = WebhookEvent::from_slice_lenient(body.as_bytes()).unwrap();
    let WebhookEvent::Partial(p) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(p.error().path(), "call_duration");
    assert_eq!(p.shape(), EventShape::Subscription);
    assert_eq!(event.event_type(), EventType::CallCompleted);
    assert_eq!(event.call_id().unwrap().as_str(), "c-1");
    assert_eq!(event.status(), Some(&CallStatus::Retry));
    assert_eq!(event.retry_count(), Some(1));
    assert_eq!(event.raw(), body);
    assert_eq!(
        event.to_value().unwrap(),
        serde_json::from_str::<Value>(body).unwrap()
    );
    assert_eq!(event.partial_error().unwrap().path(), "call_duration");

    let cb = r#"{"status":"success","data":{"call_id":"c-2","status":"ongoing","retry":"x"}}"#;
    let event = WebhookEvent::from_slice_lenient(cb.as_bytes()).unwrap();
    let WebhookEvent::Partial(p) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(p.shape(), EventShape::Callback);
    assert_eq!(p.error().path(), "data.retry");
    assert_eq!(event.event_type().as_str(), CALLBACK_EVENT_TYPE);
    assert_eq!(event.call_id().unwrap().as_str(), "c-2");

    let none = WebhookEvent::from_slice_lenient(br#"{"call_id":"c-3"}"#).unwrap();
    assert!(none.is_partial());
    assert_eq!(none.event_type().as_str(), "");
    assert_eq!(none.partial_error().unwrap().path(), "event_type");

    for bad in [&b"[1"[..], b"{oops", b"", b"{} {}"] {
        assert!(WebhookEvent::from_slice_lenient(bad).is_err());
    }
    // JSON that is not an object is kept whole, as Ringg sent it (an undocumented shape).
    for (body, value) in [
        (
            &b"[{\"call_id\":\"c-4\"}]"[..],
            serde_json::json!([{"call_id": "c-4"}]),
        ),
        (b" 42 ", serde_json::json!(42)),
        (b"\xEF\xBB\xBF\"done\"", serde_json::json!("done")),
        (b"null", serde_json::Value::Null),
    ] {
        let event = WebhookEvent::from_slice_lenient(body).unwrap();
        let WebhookEvent::Partial(p) = &event else {
            panic!("{event:?}")
        };
        assert_eq!(p.shape(), EventShape::NotAnObject);
        assert_eq!(p.non_object(), Some(&value));
        assert!(p.value().is_empty() && event.call_id().is_none());
        assert_eq!(serde_json::to_value(&event).unwrap(), value);
        assert_eq!(
            event.raw_json(),
            std::str::from_utf8(body)
                .ok()
                .map(|b| b.trim_start_matches('\u{feff}'))
        );
        assert_eq!(event.to_value().unwrap(), value);
    }
    // Also once mended, with the text as received.
    let event = WebhookEvent::from_slice_lenient(b"[NaN, 1]").unwrap();
    let WebhookEvent::Partial(p) = &event else {
        panic!("{event:?}")
    };
    assert!(p.is_mended() && p.shape() == EventShape::NotAnObject);
    assert_eq!(p.non_object(), Some(&serde_json::json!([null, 1])));
    assert_eq!(event.raw_json(), Some("[NaN, 1]"));
    // Typed events carry their raw text too; hand-built ones do not.
    let typed = WebhookEvent::from_slice_lenient(b" {\"event_type\": \"call_started\"} ").unwrap();
    assert_eq!(
        typed.raw_json(),
        Some(" {\"event_type\": \"call_started\"} ")
    );
    let built = WebhookEvent::from(CallStarted::new(CallId::new("c")));
    assert_eq!(built.raw_json(), None);
    assert!(built.raw().contains("call_started"));
}

#[test]
fn the_leading_event_type_shortcut_changes_no_outcome() {
    use super::event::leading_event_type;

    let bodies: &[&str] = &[
        r#"{"event_type":"call_completed","call_id":"c1","status":"completed","retry_count":0}"#,
        " \n{ \"event_type\" : \"call_started\", \"call_id\": \"c1\"}\n",
        r#"{"event_type":"brand_new","call_id":"c1","x":[1]}"#,
        // a repeated key: the probe reads the last one
        r#"{"event_type":"call_started","call_id":"c1","event_type":"call_completed"}"#,
        r#"{"event_type":"call_started","event_type":"call_started","call_id":"c1"}"#,
        // fields that do not fit, broken or trailing JSON after a good start
        r#"{"event_type":"call_completed","call_id":"c1","transcript":[42]}"#,
        r#"{"event_type":"call_completed","call_id":"c1","#,
        r#"{"event_type":"call_completed","call_id":"c1"} trailing"#,
        // escapes, other types and other positions take the probe
        r#"{"event_type":"call_\u0073tarted","call_id":"c1"}"#,
        r#"{"event_type":null,"data":{"call_id":"c1","status":"ongoing"}}"#,
        r#"{"event_type":7,"call_id":"c1"}"#,
        r#"{"call_id":"c1","event_type":"call_started"}"#,
        r#"{"event_type":"call_started"#,
        "{\"event_type\":\"call_st\u{e4}rted\",\"call_id\":\"c1\"}",
    ];
    for body in bodies {
        assert_eq!(
            WebhookEvent::from_slice(body.as_bytes()),
            WebhookEvent::from_slice_probed(body.as_bytes()),
            "{body}"
        );
    }
    assert_eq!(
        leading_event_type(br#" {"event_type" :"call_started","x":1}"#),
        Some("call_started")
    );
    assert_eq!(leading_event_type(br#"{"event_type":"a\"b"}"#), None);
    assert_eq!(leading_event_type(br#"{"x":1,"event_type":"a"}"#), None);
}

#[test]
fn subscription_events_are_retried_callbacks_and_notices_are_not() {
    let retried = |body: &str| {
        WebhookEvent::from_slice_lenient(body.as_bytes())
            .unwrap()
            .is_retried_by_ringg()
    };
    assert!(retried(
        r#"{"event_type":"call_completed","call_id":"c1","status":"completed"}"#
    ));
    assert!(retried(
        r#"{"event_type":"call_transferred","call_id":"c1"}"#
    ));
    assert!(!retried(
        r#"{"status":"success","data":{"call_id":"c1","status":"completed","retry":0},"message":"Call Details"}"#
    ));
    assert!(!retried(r#"{"campaign_id":"k1","status":"completed"}"#));
}

/// The number, time and analysis forms call history already reads (API reference §1.10, §3.7)
/// keep an event typed: a count as a string or a whole float, a blank cost, a Unix time, a
/// phone number as a JSON number, an analysis JSON-encoded in a string.
#[test]
fn documented_number_time_and_analysis_forms_stay_typed() {
    let ev = parse(json!({
        "event_type": "call_completed", "call_id": "c1", "status": "retry",
        "retry_count": "1", "agent_message_count": 3.0, "user_message_count": "2",
        "call_cost": "", "call_duration": "31.5", "recording_duration": "",
        "called_on": 1734205033, "to_number": 919875436897_u64, "from_number": "+918035735999",
    }));
    let WebhookEvent::CallCompleted(p) = &ev else {
        panic!("expected CallCompleted, got {ev:?}")
    };
    assert_eq!(p.retry_count, Some(1));
    assert_eq!(ev.retry_count(), Some(1));
    assert_eq!(
        (p.agent_message_count, p.user_message_count),
        (Some(3), Some(2))
    );
    assert!(p.call_cost.is_null() && p.recording_duration.is_null());
    assert_eq!(p.call_duration.as_ref().map(|s| s.as_f64()), Some(31.5));
    assert!(
        p.called_on
            .as_ref()
            .unwrap()
            .as_str()
            .starts_with("2024-12-14T")
    );
    assert_eq!(
        p.to_number.as_ref().map(String::as_str),
        Some("919875436897")
    );
    // `null` and missing stay apart.
    let ev = parse(json!({"event_type": "call_completed", "call_id": "c1", "called_on": ""}));
    let WebhookEvent::CallCompleted(p) = &ev else {
        panic!("expected CallCompleted, got {ev:?}")
    };
    assert!(p.called_on.is_null() && p.call_cost.is_absent());

    let ev = parse(json!({
        "event_type": "all_processing_completed", "call_id": "c1",
        "platform_analysis": "{\"summary\":\"Agreed to pay\"}", "client_analysis": [],
    }));
    let WebhookEvent::AllProcessingCompleted(p) = &ev else {
        panic!("expected AllProcessingCompleted, got {ev:?}")
    };
    let summary = &p.platform_analysis.as_ref().unwrap().summary;
    assert_eq!(summary.as_ref().map(String::as_str), Some("Agreed to pay"));
    assert_eq!(
        p.client_analysis.as_ref().map(serde_json::Map::len),
        Some(0)
    );
    let ev = parse(json!({
        "event_type": "client_analysis_completed", "call_id": "c1",
        "analysis_data": "{\"promised_date\":\"2026-12-10\"}",
    }));
    let WebhookEvent::ClientAnalysisCompleted(p) = &ev else {
        panic!("expected ClientAnalysisCompleted, got {ev:?}")
    };
    assert_eq!(
        p.analysis_data.as_ref().unwrap()["promised_date"],
        "2026-12-10"
    );

    let ev = parse(json!({"status": "success", "data": {
        "call_id": "c1", "status": "completed", "retry": "1", "call_duration": "",
        "to_number": 919875436897_u64, "analysis": "{\"callback_requested\":\"perhaps\"}",
    }}));
    let WebhookEvent::Callback(c) = &ev else {
        panic!("expected Callback, got {ev:?}")
    };
    let data = c.data.as_ref().unwrap();
    assert_eq!(ev.retry_count(), Some(1));
    assert!(data.call_duration.is_null());
    assert_eq!(
        data.to_number.as_ref().map(String::as_str),
        Some("919875436897")
    );
    assert_eq!(
        data.analysis.as_ref().unwrap()["callback_requested"],
        "perhaps"
    );
}

/// A callback's transcript (plain text as documented, a JSON-encoded string, an array) is
/// read into turns, and [`WebhookEvent::transcript`] gives them as for a subscription event;
/// the text stays as sent, and a transcript that cannot be read is kept, not an error.
#[test]
fn a_callbacks_transcript_is_read_into_turns() {
    let callback = |transcript: Value| {
        let body = json!({"status": "success", "message": "Call Details",
            "data": {"call_id": "c-1", "status": "completed", "transcript": transcript}})
        .to_string();
        (WebhookEvent::from_slice(body.as_bytes()).unwrap(), body)
    };
    for (sent, encoding) in [
        (json!("bot: Hello\nuser: Hi"), TranscriptEncoding::PlainText),
        (
            json!(r#"[{"bot": "Hello"}, {"user": "Hi"}]"#),
            TranscriptEncoding::JsonString,
        ),
        (
            json!([{"bot": "Hello"}, {"user": "Hi"}]),
            TranscriptEncoding::Array,
        ),
    ] {
        let (event, body) = callback(sent.clone());
        let t = event.transcript().unwrap_or_else(|| panic!("{sent}"));
        assert_eq!(t.encoding(), encoding, "{sent}");
        let turns: Vec<(Speaker, &str)> =
            t.turns().iter().map(|t| (t.speaker(), t.text())).collect();
        assert_eq!(
            turns,
            [(Speaker::Bot, "Hello"), (Speaker::User, "Hi")],
            "{sent}"
        );
        // Written back as it came.
        assert_eq!(
            serde_json::to_value(&event).unwrap(),
            serde_json::from_str::<Value>(&body).unwrap()
        );
        let WebhookEvent::Callback(cb) = &event else {
            panic!("{event:?}")
        };
        let data = cb.data.as_ref().unwrap();
        assert_eq!(
            data.transcript.as_ref().unwrap().as_text(),
            sent.as_str(),
            "{sent}"
        );
    }
    // Plain text that starts like JSON is plain text all the same.
    let (event, _) = callback(json!("[Music]\nbot: Hello"));
    let turns = event.transcript().expect("read as plain text").turns();
    assert_eq!(turns.last().map(|t| t.text()), Some("Hello"));
    // JSON that is not a transcript, or another value: kept as it came.
    for sent in [json!(r#"{"turns": 2}"#), json!({"turns": 2}), json!(7)] {
        let (event, body) = callback(sent.clone());
        assert!(event.transcript().is_none(), "{sent}");
        assert_eq!(
            serde_json::to_value(&event).unwrap(),
            serde_json::from_str::<Value>(&body).unwrap(),
            "{sent}"
        );
    }
}

/// `custom_args_values` is read in the forms the call history accepts (an object, the object
/// JSON-encoded in a string, `[]` for none given, `""` and `null` for none), in a
/// subscription event and in a callback alike.
#[test]
fn custom_args_values_read_as_loosely_as_the_historys() {
    for (sent, read) in [
        (
            json!({"callee_name": "John"}),
            Some(json!({"callee_name": "John"})),
        ),
        (
            json!(r#"{"callee_name": "John"}"#),
            Some(json!({"callee_name": "John"})),
        ),
        (json!([]), Some(json!({}))),
        (json!(""), None),
        (json!(null), None),
    ] {
        let event = json!({"event_type": "call_completed", "call_id": "c-1",
            "custom_args_values": sent});
        let callback = json!({"status": "success",
            "data": {"call_id": "c-1", "custom_args_values": sent}});
        for body in [event, callback] {
            let event = WebhookEvent::from_slice(body.to_string().as_bytes())
                .unwrap_or_else(|e| panic!("{body}: {e}"));
            let got = event.custom_args_values().cloned().map(Value::Object);
            assert_eq!(got, read, "{body}");
        }
    }
    // Anything else still fails, naming the field.
    let body = json!({"event_type": "call_completed", "call_id": "c-1",
        "custom_args_values": "not an object"});
    let e = WebhookEvent::from_slice(body.to_string().as_bytes()).unwrap_err();
    assert!(e.to_string().contains("custom_args_values"), "{e}");
}
