//! Random methods, headers and bodies never make the receiver panic, and every answer is one of
//! the documented statuses with a JSON body; random JSON objects with the right secret are
//! always answered 200 and handed over whole. Bounded: 256 cases each.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use ringg_webhooks::{HandlerError, WebhookEvent, WebhookReceiver};
use serde_json::Value;

const SECRET: &str = "prop-secret";

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        4 => Just(Method::POST),
        1 => Just(Method::PUT),
        1 => Just(Method::PATCH),
        1 => Just(Method::GET),
        1 => "[A-Z]{1,10}".prop_map(|m| Method::from_bytes(m.as_bytes()).unwrap()),
    ]
}

fn header_value() -> impl Strategy<Value = HeaderValue> {
    proptest::collection::vec(any::<u8>(), 0..48)
        .prop_filter_map("valid header value", |b| HeaderValue::from_bytes(&b).ok())
}

fn headers() -> impl Strategy<Value = Vec<(HeaderName, HeaderValue)>> {
    let secret = prop_oneof![
        3 => Just(Some(HeaderValue::from_static(SECRET))),
        1 => Just(None),
        1 => header_value().prop_map(Some),
    ];
    let content_length = prop_oneof![
        3 => Just(None),
        1 => (0u64..4096).prop_map(|n| Some(HeaderValue::from(n))),
        1 => any::<u64>().prop_map(|n| Some(HeaderValue::from(n))),
        1 => header_value().prop_map(Some),
    ];
    let others = proptest::collection::vec(
        (
            "[a-z][a-z0-9-]{0,15}".prop_map(|n| HeaderName::from_bytes(n.as_bytes()).unwrap()),
            header_value(),
        ),
        0..6,
    );
    (secret, content_length, others).prop_map(|(secret, content_length, mut others)| {
        if let Some(v) = secret {
            others.push((HeaderName::from_static("x-webhook-secret"), v));
        }
        if let Some(v) = content_length {
            others.push((http::header::CONTENT_LENGTH, v));
        }
        others
    })
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        Just(Value::from("call_completed")),
        Just(Value::from("completed")),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Event-shaped objects: known field names with values of random types.
fn event_like() -> impl Strategy<Value = Vec<u8>> {
    let field = prop_oneof![
        Just("event_type"),
        Just("call_id"),
        Just("agent_id"),
        Just("status"),
        Just("retry_count"),
        Just("call_duration"),
        Just("transcript"),
        Just("analysis_data"),
        Just("custom_args_values"),
        Just("recording_url"),
        Just("call_cost"),
    ];
    let event_type = prop_oneof![
        Just("call_started"),
        Just("call_ringing"),
        Just("call_ongoing"),
        Just("call_completed"),
        Just("recording_completed"),
        Just("platform_analysis_completed"),
        Just("client_analysis_completed"),
        Just("all_processing_completed"),
        Just("something_new"),
    ];
    (
        event_type,
        proptest::collection::vec((field, json_value()), 0..6),
    )
        .prop_map(|(event_type, fields)| {
            let mut obj = serde_json::Map::new();
            obj.insert("event_type".into(), Value::from(event_type));
            for (k, v) in fields {
                obj.insert(k.into(), v);
            }
            serde_json::to_vec(&Value::Object(obj)).unwrap()
        })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => proptest::collection::vec(any::<u8>(), 0..2048),
        3 => event_like(),
        1 => json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
    ]
}

#[test]
fn random_requests_never_panic_the_receiver() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let handled = Arc::new(AtomicUsize::new(0));
    let receiver = {
        let handled = handled.clone();
        WebhookReceiver::builder()
            .secret_header("X-Webhook-Secret")
            .secret(SECRET)
            .max_body_bytes(1024)
            .handler(move |_event: WebhookEvent| {
                handled.fetch_add(1, Ordering::SeqCst);
                async { Ok::<_, HandlerError>(()) }
            })
            .build()
            .unwrap()
    };
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&(method(), headers(), body()), |(method, headers, body)| {
            let mut req = Request::builder().method(method).uri("/");
            for (name, value) in headers {
                req = req.header(name, value);
            }
            let req = req.body(Full::new(Bytes::from(body))).unwrap();
            let before = handled.load(Ordering::SeqCst);
            let (status, json) = rt.block_on(async {
                let resp = receiver.receive(req).await;
                let status = resp.status();
                let bytes = resp.into_body().collect().await.unwrap().to_bytes();
                (status, serde_json::from_slice::<Value>(&bytes))
            });
            prop_assert!(
                [
                    StatusCode::OK,
                    StatusCode::BAD_REQUEST,
                    StatusCode::UNAUTHORIZED,
                    StatusCode::METHOD_NOT_ALLOWED,
                    StatusCode::PAYLOAD_TOO_LARGE,
                ]
                .contains(&status),
                "unexpected status {status}"
            );
            let json = json.expect("every response body is JSON");
            let after = handled.load(Ordering::SeqCst);
            if status == StatusCode::OK {
                let accepted = json["status"] == "accepted";
                prop_assert!(accepted || json["status"] == "duplicate");
                prop_assert_eq!(after - before, usize::from(accepted));
            } else {
                prop_assert_eq!(after, before, "a refused delivery is not handed over");
                prop_assert!(json["error"]["code"].is_string());
            }
            Ok(())
        })
        .unwrap();
}

/// Any JSON object: event-shaped ones, callback-shaped ones and arbitrary ones.
fn json_object() -> impl Strategy<Value = Vec<u8>> {
    let arbitrary = proptest::collection::btree_map("[a-z_]{1,10}", json_value(), 0..6)
        .prop_map(|m| serde_json::to_vec(&Value::Object(m.into_iter().collect())).unwrap());
    let callback = proptest::collection::btree_map(
        prop_oneof![
            Just("call_id".to_owned()),
            Just("status".to_owned()),
            Just("retry".to_owned()),
            Just("call_duration".to_owned()),
            Just("transcript".to_owned()),
            Just("analysis".to_owned()),
            "[a-z_]{1,8}",
        ],
        json_value(),
        0..6,
    )
    .prop_map(|data| {
        let data: serde_json::Map<String, Value> = data.into_iter().collect();
        serde_json::to_vec(&serde_json::json!({"status": "success", "data": data})).unwrap()
    });
    prop_oneof![event_like(), callback, arbitrary]
}

#[test]
fn random_json_objects_with_the_secret_are_handed_over_whole() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&json_object(), |body| {
            let seen: Arc<std::sync::Mutex<Vec<WebhookEvent>>> = Arc::default();
            let receiver = {
                let seen = seen.clone();
                WebhookReceiver::builder()
                    .secret_header("X-Webhook-Secret")
                    .secret(SECRET)
                    .handler(move |event: WebhookEvent| {
                        seen.lock().unwrap().push(event);
                        async { Ok::<_, HandlerError>(()) }
                    })
                    .build()
                    .unwrap()
            };
            let mut req = Request::builder()
                .method(Method::POST)
                .uri("/")
                .header("x-webhook-secret", SECRET);
            if body.len() % 2 == 0 {
                req = req.header("content-type", "application/json");
            }
            let req = req.body(Full::new(Bytes::from(body.clone()))).unwrap();
            let status = rt.block_on(receiver.receive(req)).status();
            prop_assert_eq!(status, StatusCode::OK);
            let seen = seen.lock().unwrap();
            prop_assert_eq!(seen.len(), 1);
            let raw = seen[0].raw();
            prop_assert_eq!(raw.as_bytes(), &body[..]);
            let original: Value = serde_json::from_slice(&body).unwrap();
            prop_assert_eq!(seen[0].to_value().unwrap(), original);
            Ok(())
        })
        .unwrap();
}
