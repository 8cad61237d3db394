//! Unit tests of the error type: error bodies, predicates, Display and hints.

use super::*;

fn msg(body: &str) -> (Option<String>, Option<String>) {
    let p = parse_error_body(body.as_bytes());
    (p.message, p.code)
}

#[test]
fn every_error_body_shape() {
    assert_eq!(
        msg(r#"{"detail":"Knowledge Base already attached"}"#),
        (Some("Knowledge Base already attached".into()), None)
    );
    assert_eq!(
        msg(r#"{"error":{"code":"invalid_key","message":"Invalid API key"}}"#),
        (Some("Invalid API key".into()), Some("invalid_key".into()))
    );
    assert_eq!(
        msg(r#"{"detail":{"code":"stt_failed","message":"Audio too short"}}"#),
        (Some("Audio too short".into()), Some("stt_failed".into()))
    );
    assert_eq!(
        msg(
            r#"{"detail":[{"loc":["body","agent_id"],"msg":"field required","type":"value_error.missing"}]}"#
        ),
        (Some("agent_id: field required".into()), None)
    );
    assert_eq!(
        msg(r#"{"message":"Calls terminated successfully!"}"#)
            .0
            .as_deref(),
        Some("Calls terminated successfully!")
    );
    assert_eq!(msg("Bad Gateway").0.as_deref(), Some("Bad Gateway"));
    assert_eq!(msg("").0, None);
    assert_eq!(msg("[1,2]").0, None);
}

#[test]
fn predicates_and_display() {
    let mut h = http::HeaderMap::new();
    h.insert("retry-after", http::HeaderValue::from_static("7"));
    let e = Error::from_response(
        "getWorkspace",
        StatusCode::TOO_MANY_REQUESTS,
        &h,
        Bytes::from_static(br#"{"detail":"slow down"}"#),
    );
    assert!(e.is_rate_limited() && e.is_retryable() && !e.is_auth());
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
    let s = e.to_string();
    assert!(s.contains("HTTP 429") && s.contains("slow down"), "{s}");
    assert!(!s.contains("retry after"), "Display carries no hint: {s}");
    assert!(e.hint().unwrap().contains("retry after 7 s"));

    let e = Error::from_response(
        "getWorkspace",
        StatusCode::UNAUTHORIZED,
        &http::HeaderMap::new(),
        Bytes::from_static(br#"{"detail":"Invalid API key"}"#),
    );
    assert!(e.is_auth() && !e.is_retryable());
    assert!(e.hint().unwrap().contains("regenerated key"));
    assert!(!e.to_string().contains("regenerated"));
}

#[test]
fn each_transport_failure_gets_its_own_advice() {
    use ringg_transport::{SendState, TransportError};
    let advice = |kind| {
        Error::from_transport(TransportError::new(kind, SendState::MaybeSent, "failed"))
            .hint()
            .unwrap()
    };
    let large = advice(TransportErrorKind::BodyTooLarge);
    assert!(large.contains("larger response body"), "{large}");
    let slow = advice(TransportErrorKind::Timeout);
    assert!(slow.contains("attempt timeout"), "{slow}");
    let total = advice(TransportErrorKind::TotalTimeout);
    assert!(total.contains("allow more time"), "{total}");
    let network = advice(TransportErrorKind::Connect);
    assert!(network.contains("check the base URL"), "{network}");
    for hint in [large, slow, total] {
        assert!(!hint.contains("check the base URL"), "{hint}");
    }
    let pages = Error::pagination("stopped after 2 pages").hint().unwrap();
    assert!(pages.contains("narrow the query"), "{pages}");
}
