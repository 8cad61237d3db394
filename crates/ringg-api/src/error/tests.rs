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
    // A list of messages, and the `errors` list many gateways send.
    assert_eq!(
        msg(r#"{"message":["name is required","limit is too large"]}"#)
            .0
            .as_deref(),
        Some("name is required; limit is too large")
    );
    assert_eq!(
        msg(r#"{"errors":[{"message":"agent not found"},{"msg":"bad id"}]}"#)
            .0
            .as_deref(),
        Some("agent not found; bad id")
    );
    for body in [
        r#"{"message":null,"errors":[{"message":"agent not found"}]}"#,
        r#"{"message":"","errors":["agent not found"]}"#,
        r#"{"error":["agent not found"]}"#,
    ] {
        assert_eq!(msg(body).0.as_deref(), Some("agent not found"), "{body}");
    }
    // An HTML error page: its title, not its markup.
    let page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>b{}</style></head><body><h1>502</h1></body></html>";
    assert_eq!(msg(page).0.as_deref(), Some("502 Bad Gateway"));
    let page = "<html><head><title>Oops &amp; 502 &lt;gateway&gt;</title></head></html>";
    assert_eq!(msg(page).0.as_deref(), Some("Oops & 502 <gateway>"));
    let untitled = "<html><body><h1>Service Unavailable</h1><p>Try later.</p></body></html>";
    assert_eq!(
        msg(untitled).0.as_deref(),
        Some("Service Unavailable Try later.")
    );
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

/// Refusals made before sending describe the failure in `Display` and keep the advice in
/// `hint()`. The transport has no expectations: a request sent would fail the test.
#[tokio::test]
async fn refusals_before_sending_keep_their_advice_in_the_hint() {
    use chrono::NaiveDate;
    use ringg_types::analytics::AnalyticsQuery;
    use ringg_types::campaigns::{CampaignTime, SaveCampaignForm};
    use ringg_types::ids::AgentId;

    let client = crate::Client::builder()
        .api_key("k")
        .ignore_env()
        .transport(std::sync::Arc::new(ringg_transport::MockTransport::new()))
        .build()
        .unwrap();
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    let time = |s: &str| s.parse::<CampaignTime>().unwrap();

    let dates = AnalyticsQuery::between(day("2026-10-31"), day("2026-10-01"));
    let order = client.analytics().platform(&dates).await.unwrap_err();
    let form = SaveCampaignForm::new(
        AgentId::new("830f767a-397e-4b39-82ff-235cd344e2f9"),
        " ",
        "+91",
        time("18/10/2026, 09:00"),
        time("18/10/2026, 21:00"),
    );
    let csv = crate::campaigns::CsvUpload::bytes("Mobile Number\n+919876543210\n");
    let unnamed = client.campaigns().save(&form, csv).await.unwrap_err();
    let no_journal = client.calls().pending().await.unwrap_err();

    for (e, message, advice) in [
        (
            &order,
            "start_date 2026-10-31 is after end_date 2026-10-01",
            "swap",
        ),
        (&unnamed, "campaign_name is empty", "name the campaign"),
        (
            &no_journal,
            "this client keeps no journal",
            "ClientBuilder::journal",
        ),
    ] {
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
        assert_eq!(e.message(), message, "the facts, and no advice");
        let shown = e.to_string();
        assert!(
            shown.ends_with(message) && !shown.contains(advice),
            "{shown}"
        );
        let hint = e.hint().unwrap_or_default();
        assert!(hint.contains(advice), "{shown}: hint {hint:?}");
    }
}

/// A non-idempotent request's answer that did not read is outcome unknown, and still names the
/// field that did not read (and keeps the body).
#[test]
fn an_unreadable_answer_taken_for_outcome_unknown_names_its_field() {
    let e = Error::decode(
        "saveCampaign",
        StatusCode::OK,
        "custom_args_values".into(),
        "invalid type: string, expected a sequence".into(),
        Bytes::from_static(br#"{"custom_args_values": "x"}"#),
    )
    .into_outcome_unknown();
    assert_eq!(e.kind(), ErrorKind::OutcomeUnknown);
    assert!(e.to_string().contains("at `custom_args_values`"), "{e}");
    assert_eq!(e.field_path(), Some("custom_args_values"));
    assert!(e.body().is_some());
}
