use ringg_types::webhook::{CALLBACK_EVENT_TYPE, WebhookEvent};

use super::*;

#[test]
fn samples_cover_every_type_and_shape() {
    let samples = sample_events();
    for sample in &samples {
        let event = WebhookEvent::from_slice_lenient(&sample.body).unwrap();
        assert_eq!(
            event.is_partial(),
            sample.partial,
            "{}: {event:?}",
            sample.name
        );
        assert_eq!(event.raw().as_bytes(), &sample.body[..]);
    }
    let types: Vec<String> = samples
        .iter()
        .map(|s| {
            WebhookEvent::from_slice_lenient(&s.body)
                .unwrap()
                .event_type()
                .to_string()
        })
        .collect();
    for known in ringg_types::webhook::EventType::KNOWN {
        assert!(types.iter().any(|t| t == known.as_str()), "{known}");
    }
    assert!(types.iter().any(|t| t == CALLBACK_EVENT_TYPE));
    assert!(sample_event("callback_failed_retry").is_some());
    assert!(sample_event("nope").is_none());
}

#[test]
fn delivery_requests_carry_the_secret() {
    let req = delivery_request("Authorization", "s3", "{}");
    assert_eq!(req.headers()["authorization"], "Bearer s3");
    assert_eq!(req.headers()["content-type"], "application/json");
    assert_eq!(req.body(), "{}");
    let req = DeliveryRequest::new("{}")
        .secret_header("X-Webhook-Secret", "s3")
        .content_type(None)
        .method(Method::PUT)
        .build();
    assert_eq!(req.headers()["x-webhook-secret"], "s3");
    assert!(req.headers().get("content-type").is_none());
    assert_eq!(req.method(), Method::PUT);
}
