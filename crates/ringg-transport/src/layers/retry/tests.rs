use super::*;

fn resp(status: u16, headers: &HeaderMap) -> Outcome<'_> {
    Outcome::Response {
        status: StatusCode::from_u16(status).unwrap(),
        headers,
    }
}

fn err(kind: TransportErrorKind, send_state: SendState) -> Outcome<'static> {
    Outcome::Error { kind, send_state }
}

#[test]
fn decision_table() {
    use Idempotency::*;
    let p = RetryPolicy::default();
    let none = HeaderMap::new();
    let mut ra1 = HeaderMap::new();
    ra1.insert("retry-after", HeaderValue::from_static("1"));
    let mut ra_ms = HeaderMap::new();
    ra_ms.insert("retry-after-ms", HeaderValue::from_static("250"));
    let mut ra_long = HeaderMap::new();
    ra_long.insert("retry-after", HeaderValue::from_static("3600"));
    let now = SystemTime::now();
    let backoff0 = Decision::Retry {
        delay: Duration::from_millis(500),
        server_requested: false,
    };
    let backoff1 = Decision::Retry {
        delay: Duration::from_millis(1000),
        server_requested: false,
    };

    #[rustfmt::skip]
    let table: Vec<(Idempotency, u32, bool, Outcome<'_>, Decision)> = vec![
        // successes and definite failures are returned as they are
        (Idempotent, 0, true, resp(200, &none), Decision::Return),
        (NonIdempotent, 0, true, resp(201, &none), Decision::Return),
        (Idempotent, 0, true, resp(400, &none), Decision::Return),
        (Idempotent, 0, true, resp(401, &none), Decision::Return),
        (Idempotent, 0, true, resp(404, &none), Decision::Return),
        (NonIdempotent, 0, true, resp(422, &none), Decision::Return),
        // 5xx and 408: retried when idempotent, outcome unknown otherwise
        (Idempotent, 0, true, resp(500, &none), backoff0.clone()),
        (Idempotent, 1, true, resp(503, &none), backoff1.clone()),
        (Idempotent, 0, true, resp(408, &none), backoff0.clone()),
        (NonIdempotent, 0, true, resp(500, &none), Decision::OutcomeUnknown),
        (NonIdempotent, 0, true, resp(502, &none), Decision::OutcomeUnknown),
        (NonIdempotent, 0, true, resp(408, &none), Decision::OutcomeUnknown),
        (NonIdempotent, 2, false, resp(503, &none), Decision::OutcomeUnknown),
        // 429: retried for both classes, honouring Retry-After up to the cap
        (NonIdempotent, 0, true, resp(429, &none), backoff0.clone()),
        (NonIdempotent, 0, true, resp(429, &ra1), Decision::Retry { delay: Duration::from_secs(1), server_requested: true }),
        (Idempotent, 0, true, resp(429, &ra_ms), Decision::Retry { delay: Duration::from_millis(250), server_requested: true }),
        (Idempotent, 0, true, resp(429, &ra_long), Decision::RetryAfterTooLong(Duration::from_secs(3600))),
        // errors: never sent → retried for both; maybe sent → idempotent only
        (NonIdempotent, 0, true, err(TransportErrorKind::Connect, SendState::NotSent), backoff0.clone()),
        (Idempotent, 0, true, err(TransportErrorKind::Connect, SendState::NotSent), backoff0.clone()),
        (Idempotent, 0, true, err(TransportErrorKind::Timeout, SendState::MaybeSent), backoff0.clone()),
        (Idempotent, 0, true, err(TransportErrorKind::Io, SendState::MaybeSent), backoff0.clone()),
        (NonIdempotent, 0, true, err(TransportErrorKind::Timeout, SendState::MaybeSent), Decision::OutcomeUnknown),
        (NonIdempotent, 0, true, err(TransportErrorKind::Io, SendState::MaybeSent), Decision::OutcomeUnknown),
        (Idempotent, 0, true, err(TransportErrorKind::InvalidRequest, SendState::NotSent), Decision::Return),
        (Idempotent, 0, true, err(TransportErrorKind::TotalTimeout, SendState::MaybeSent), Decision::Return),
        // redirects and oversized bodies: never retried; unknown outcome when not idempotent
        (Idempotent, 0, true, resp(302, &none), Decision::Return),
        (NonIdempotent, 0, true, resp(307, &none), Decision::OutcomeUnknown),
        (NonIdempotent, 0, true, resp(302, &none), Decision::OutcomeUnknown),
        (Idempotent, 0, true, err(TransportErrorKind::BodyTooLarge, SendState::MaybeSent), Decision::Return),
        (NonIdempotent, 0, true, err(TransportErrorKind::BodyTooLarge, SendState::MaybeSent), Decision::OutcomeUnknown),
        (Idempotent, 0, true, err(TransportErrorKind::Stalled, SendState::MaybeSent), backoff0.clone()),
        (NonIdempotent, 0, true, err(TransportErrorKind::Stalled, SendState::MaybeSent), Decision::OutcomeUnknown),
        // an unreadable 2xx: read again when idempotent, handed back otherwise
        (Idempotent, 0, true, Outcome::MalformedBody, backoff0.clone()),
        (Idempotent, 2, true, Outcome::MalformedBody, Decision::Return),
        (NonIdempotent, 0, true, Outcome::MalformedBody, Decision::Return),
        // out of retries or budget: hand back the last outcome
        (Idempotent, 2, true, resp(503, &none), Decision::Return),
        (Idempotent, 0, false, resp(503, &none), Decision::Return),
        (NonIdempotent, 2, true, resp(429, &none), Decision::Return),
        (NonIdempotent, 0, false, err(TransportErrorKind::Connect, SendState::NotSent), Decision::Return),
    ];
    for (i, (idem, retries, budget, outcome, want)) in table.into_iter().enumerate() {
        let got = decide(&p, idem, retries, budget, &outcome, now);
        assert_eq!(
            got, want,
            "row {i}: {idem:?} retries={retries} budget={budget} {outcome:?}"
        );
    }
}

#[test]
fn backoff_doubles_and_caps() {
    let p = RetryPolicy::default();
    let got: Vec<u64> = (0..8).map(|n| p.backoff(n).as_millis() as u64).collect();
    assert_eq!(got, vec![500, 1000, 2000, 4000, 8000, 8000, 8000, 8000]);
    assert_eq!(p.backoff(u32::MAX), Duration::from_secs(8));
}

#[test]
fn retry_after_forms() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let mut h = HeaderMap::new();
    h.insert("retry-after", HeaderValue::from_static("2.5"));
    assert_eq!(
        parse_retry_after(&h, now),
        Some(Duration::from_millis(2500))
    );
    let date = httpdate::fmt_http_date(now + Duration::from_secs(7));
    h.insert("retry-after", HeaderValue::from_str(&date).unwrap());
    assert_eq!(parse_retry_after(&h, now), Some(Duration::from_secs(7)));
    h.insert("retry-after-ms", HeaderValue::from_static("40"));
    assert_eq!(parse_retry_after(&h, now), Some(Duration::from_millis(40)));
    let mut bad = HeaderMap::new();
    bad.insert("retry-after", HeaderValue::from_static("soon"));
    assert_eq!(parse_retry_after(&bad, now), None);
    bad.insert("retry-after", HeaderValue::from_static("-3"));
    assert_eq!(parse_retry_after(&bad, now), None);
    for huge in ["1e20", "18446744073709551616", "1e308", "inf", "NaN"] {
        bad.insert("retry-after", HeaderValue::from_static(huge));
        let got = parse_retry_after(&bad, now);
        assert!(
            got.is_none() || got == Some(MAX_PARSED_RETRY_AFTER),
            "{huge}: {got:?}"
        );
    }
    let mut ms = HeaderMap::new();
    ms.insert("retry-after-ms", HeaderValue::from_static("1e300"));
    assert_eq!(parse_retry_after(&ms, now), Some(MAX_PARSED_RETRY_AFTER));
}

proptest::proptest! {
    #[test]
    fn retry_after_never_panics(value in "\\PC{0,40}", ms in proptest::num::f64::ANY, secs in proptest::num::f64::ANY) {
        let now = SystemTime::now();
        let mut h = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert("retry-after", v.clone());
            let _ = parse_retry_after(&h, now);
            h.insert("retry-after-ms", v);
            let _ = parse_retry_after(&h, now);
        }
        h.insert("retry-after-ms", HeaderValue::from_str(&ms.to_string()).unwrap());
        let got = parse_retry_after(&h, now);
        proptest::prop_assert!(got.is_none_or(|d| d <= MAX_PARSED_RETRY_AFTER));
        h.remove("retry-after-ms");
        h.insert("retry-after", HeaderValue::from_str(&secs.to_string()).unwrap());
        let got = parse_retry_after(&h, now);
        proptest::prop_assert!(got.is_none_or(|d| d <= MAX_PARSED_RETRY_AFTER));
    }
}

#[test]
fn budget_is_shared_and_bounded() {
    let b = RetryBudget::new(2, 0.5);
    let c = b.clone();
    assert!(b.try_withdraw());
    assert!(c.try_withdraw());
    assert!(!b.try_withdraw());
    c.deposit();
    assert!(!b.try_withdraw());
    c.deposit();
    assert!(b.try_withdraw());
}
