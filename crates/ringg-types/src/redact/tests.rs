use super::*;

#[test]
fn the_contract_marks_the_documented_secrets() {
    for name in ["api_key", "new_api_key", "headers", "auth_fetch_config"] {
        assert!(
            SECRET_FIELDS.contains(&name),
            "{name} is not marked x-secret"
        );
    }
}

#[test]
fn urls_keep_their_secrets_masked_in_text_and_values() {
    let doc = r#"{"callback_url": "https://h.example/r?campaign=7&ringg_secret=s3#top", "proxy": "http://u:pw@h.example:8080/", "note": "see https://h.example/?q=1", "campaign_callback_url": ["https://h.example/?access_token=t9"], "recording_url": "https://r.example/x.mp3?X-Amz-Security-Token=kept"}"#;
    let masked = redact_text(doc);
    for secret in ["s3", "pw@", "t9"] {
        assert!(!masked.contains(secret), "{masked}");
    }
    assert!(
        masked.contains("?campaign=7&ringg_secret=[REDACTED]#top"),
        "{masked}"
    );
    assert!(
        masked.contains("http://u:[REDACTED]@h.example:8080/"),
        "{masked}"
    );
    assert!(masked.contains("see https://h.example/?q=1"), "{masked}");
    // Other URLs keep their query: a recording's signed URL stays usable.
    assert!(masked.contains("X-Amz-Security-Token=kept"), "{masked}");
    let mut value: Value = serde_json::from_str(doc).unwrap();
    redact_value(&mut value);
    assert_eq!(
        serde_json::to_string(&value).unwrap(),
        serde_json::to_string(&serde_json::from_str::<Value>(&masked).unwrap()).unwrap()
    );
    // A receiver's shared secret or signature under a name that is not a field's.
    for (text, kept) in [
        (
            "https://hooks.example/r?sig=HookSecret-7&campaign=7",
            "campaign=7",
        ),
        ("https://hooks.example/r?key=HookSecret-7", "key="),
        (
            "https://hooks.example/r?webhook_key=HookSecret-7",
            "webhook_key=",
        ),
        (
            "https://hooks.example/r?X-Signature=HookSecret-7",
            "X-Signature=",
        ),
    ] {
        let shown = redact_url(text).unwrap_or_else(|| panic!("{text}"));
        assert!(
            !shown.contains("HookSecret") && shown.contains(kept),
            "{shown}"
        );
        assert!(!url_shown(text).contains("HookSecret"), "{text}");
    }
    // Not URLs, or nothing secret in them: unchanged.
    for text in [
        "ftp://u:p@h/",
        "https://h.example/x?token_path=a&empty_token=",
        "https://user@h.example/",
        "plain ringg_secret=x",
    ] {
        assert_eq!(redact_url(text), None, "{text}");
    }
}

#[test]
fn text_cases() {
    assert_eq!(redact_text(r#"{"a": "b"}"#), r#"{"a": "b"}"#);
    assert_eq!(redact_text(r#""token":"#), r#""token":"#);
    assert_eq!(
        redact_text(r#"{"token": "ab\"c", "x": 1}"#),
        r#"{"token": "[REDACTED]", "x": 1}"#
    );
    assert_eq!(
        redact_text(r#"{"password": 12345, "x": 1}"#),
        r#"{"password": "[REDACTED]", "x": 1}"#
    );
    assert_eq!(
        redact_text(r#"{"api_key": "unterminated"#),
        r#"{"api_key": "[REDACTED]"#
    );
    let nested = r#"{"auth_fetch_config": {"enabled": true, "headers": {"A": "b"}, "body": {"k": ["v"]}}, "after": "kept"}"#;
    assert_eq!(
        redact_text(nested),
        r#"{"auth_fetch_config": {"enabled": true, "headers": {"A": "[REDACTED]"}, "body": {"k": ["[REDACTED]"]}}, "after": "kept"}"#
    );
    // Inside a secret container: numbers, and a string cut off by the end of the text.
    assert_eq!(
        redact_text(r#"{"headers": {"X-Webhook-Secret": "s3cr"#),
        r#"{"headers": {"X-Webhook-Secret": "[REDACTED]"#
    );
    assert_eq!(
        redact_text(r#"{"headers": {"pin": 1234, "on": true}}"#),
        r#"{"headers": {"pin": "[REDACTED]", "on": true}}"#
    );
    // An escaped key name is still the key.
    assert_eq!(
        redact_text(r#"{"api\u005fkey": "k"}"#),
        r#"{"api\u005fkey": "[REDACTED]"}"#
    );
    // "key": inside a string is not a key.
    assert_eq!(
        redact_text(r#"{"msg": "\"api_key\": x"}"#),
        r#"{"msg": "\"api_key\": x"}"#
    );
    assert!(matches!(redact_text("plain text"), Cow::Borrowed(_)));
}

#[test]
fn text_and_value_agree() {
    let doc = serde_json::json!({
        "workspace_info": {"api_key": "k1", "name": "n"},
        "new_api_key": "k2",
        "event_subscriptions": [{"headers": {"X-Webhook-Secret": "s"}, "callback_url": "u",
            "auth_fetch_config": {"url": "https://auth", "header_value_template": "Bearer {{token}}"}}],
        "callback_args": {"headers": {"Authorization": "Bearer t"}, "params": {"p": 1}},
    });
    let mut v = doc.clone();
    redact_value(&mut v);
    let from_text: Value = serde_json::from_str(&redact_text(&doc.to_string())).unwrap();
    assert_eq!(v, from_text);
    let shown = v.to_string();
    for secret in ["k1", "k2", "\"s\"", "Bearer", "https://auth"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert_eq!(v["callback_args"]["params"]["p"], 1);
}

/// Random JSON documents whose keys are drawn from secret and ordinary names.
fn documents() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    let key = prop_oneof![
        Just("api_key".to_string()),
        Just("headers".to_string()),
        Just("access_token".to_string()),
        Just("name".to_string()),
        Just("id".to_string()),
        "[a-z]{1,6}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        "[ -~]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 5, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((key.clone(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest::proptest! {
    #[test]
    fn text_and_value_redaction_agree_on_any_document(doc in documents()) {
        let mut by_value = doc.clone();
        redact_value(&mut by_value);
        for text in [doc.to_string(), serde_json::to_string_pretty(&doc).unwrap()] {
            let by_text: Value = serde_json::from_str(&redact_text(&text)).unwrap();
            proptest::prop_assert_eq!(&by_text, &by_value);
        }
    }

    #[test]
    fn never_panics_and_keeps_secret_free_text(text in "\\PC{0,200}") {
        let out = redact_text(&text);
        if !text.contains('"') {
            proptest::prop_assert_eq!(out.as_ref(), text.as_str());
        }
    }
}

#[test]
fn a_json_document_inside_a_string_is_masked_too() {
    let body =
        r#"{"custom_args_values":"{\"callee_name\":\"John\",\"access_token\":\"tok-5Z4Y\"}"}"#;
    let masked = redact_text(body);
    assert_eq!(
        masked,
        r#"{"custom_args_values":"{\"callee_name\":\"John\",\"access_token\":\"[REDACTED]\"}"}"#
    );
    // serde's message quotes the value it refused the same way.
    let message = r#"invalid type: string "{\"access_token\":\"tok-5Z4Y\"}", expected a map"#;
    assert!(!redact_text(message).contains("tok-5Z4Y"));
    // Nothing to mask, or not JSON: kept as it is.
    let plain = r#"{"note":"{\"callee_name\":\"John\"}","other":"{not json"}"#;
    assert!(matches!(redact_text(plain), Cow::Borrowed(_)));
}

#[test]
fn a_json_document_inside_a_string_is_masked_in_debug_output_too() {
    let doc = serde_json::json!({
        "custom_args_values": "{\"callee_name\":\"John\",\"access_token\":\"tok-5Z4Y\"}"
    });
    let shown = format!("{:?}", Redacted(&doc));
    assert!(!shown.contains("tok-5Z4Y"), "{shown}");
    assert!(shown.contains("John"), "{shown}");
    // A webhook event's Debug (what `dbg!` or `tracing::debug!(?event)` prints): typed (the
    // string read as the object it holds), and partial (a field it cannot read, here a
    // negative retry count).
    let body = r#"{"event_type":"call_completed","call_id":"c1","status":"completed","custom_args_values":"{\"callee_name\":\"John\",\"access_token\":\"tok-5Z4Y-live\"}"}"#;
    let partial = body.replace(r#""status""#, r#""retry_count":-1,"status""#);
    for (body, is_partial) in [(body.to_owned(), false), (partial, true)] {
        let event = crate::webhook::WebhookEvent::from_slice_lenient(body.as_bytes()).unwrap();
        assert_eq!(event.is_partial(), is_partial, "{body}");
        let shown = format!("{event:?}");
        assert!(!shown.contains("tok-5Z4Y-live"), "{shown}");
    }
}

/// A subscription's and a callback's `Debug` masks the secrets of their URLs and parameters
/// as `redact_value` masks them in their JSON.
#[test]
fn subscription_and_callback_debug_mask_url_and_parameter_secrets() {
    let mut sub = crate::webhook::EventSubscription::new(
        vec![crate::webhook::EventType::CallCompleted],
        "https://hooks.example/ringg?ringg_secret=SUB-SECRET-123&x=1",
    );
    let mut fetch: crate::webhook::AuthFetchConfig = serde_json::from_value(
        serde_json::json!({"url": "https://auth.example/t?api_key=AUTH-KEY-9"}),
    )
    .unwrap();
    fetch.enabled = Some(true);
    sub.auth_fetch_config = crate::common::Nullable::Value(fetch);
    let shown = format!("{sub:?}");
    assert!(!shown.contains("SUB-SECRET-123"), "{shown}");
    assert!(!shown.contains("AUTH-KEY-9"), "{shown}");
    assert!(shown.contains("ringg_secret=[REDACTED]&x=1"), "{shown}");
    let args: crate::calls::CallbackArgs = serde_json::from_value(serde_json::json!({
        "params": {"ringg_secret": "PARAM-SECRET-123", "campaign": "c-7"}
    }))
    .unwrap();
    let shown = format!("{args:?}");
    assert!(!shown.contains("PARAM-SECRET-123"), "{shown}");
    assert!(shown.contains("c-7"), "{shown}");
}

/// What `url_shown` shows of text that is not an `http(s)://` URL (a mistyped scheme, no
/// scheme, another scheme) has the password of a `user:password@` masked too, not only the
/// query's secrets.
#[test]
fn url_shown_masks_a_password_in_text_that_is_not_an_http_url() {
    for (text, shown) in [
        (
            "htps://user:s3cret@hooks.example/x",
            "htps://user:[REDACTED]@hooks.example/x",
        ),
        (
            "user:s3cret@hooks.example/x?token=t0k",
            "user:[REDACTED]@hooks.example/x?token=[REDACTED]",
        ),
        (
            "redis://:s3cret@10.0.0.5:6379/0",
            "redis://:[REDACTED]@10.0.0.5:6379/0",
        ),
        // A password holding `?` or `#`: up to the last `@` before the first slash.
        (
            "redis://:s3?cr#t@10.0.0.5:6379/0",
            "redis://:[REDACTED]@10.0.0.5:6379/0",
        ),
        (
            "user:s3#cret@hooks.example",
            "user:[REDACTED]@hooks.example",
        ),
        (
            "https://user:s3?cret@hooks.example/x",
            "https://user:[REDACTED]@hooks.example/x",
        ),
        (
            "HTTP://user:s3#cret@hooks.example?x=1",
            "HTTP://user:[REDACTED]@hooks.example?x=1",
        ),
        // A password holding `#` and a host with a query but no path: the query is masked.
        (
            "https://u:p#w@hooks.example?token=s3",
            "https://u:[REDACTED]@hooks.example?token=[REDACTED]",
        ),
        // No password: the query is still masked, an address in it is left alone.
        (
            "https://hooks.example?token=s3&to=ops@acme.example",
            "https://hooks.example?token=[REDACTED]&to=ops@acme.example",
        ),
        // A password holding a slash or an at sign: up to the last `@` before the query.
        (
            "https//user:s3/cr@t@hooks.example/x",
            "https//user:[REDACTED]@hooks.example/x",
        ),
    ] {
        assert_eq!(url_shown(text), shown, "{text}");
        assert!(!url_shown(text).contains("s3"), "{text}");
    }
    // A `://` further on is not the scheme's: the password before it is still masked.
    assert_eq!(
        url_shown("user:s3cret@hooks.example/cb?next=https://app.example/"),
        "user:[REDACTED]@hooks.example/cb?next=https://app.example/"
    );
    // No password, or an http(s) URL whose path holds `:` and `@`: as it was.
    for text in [
        "hooks.example/x",
        "user@hooks.example/x",
        "ftp://hooks.example:21/x",
        "https://hooks.example:8443/notify/ops@acme.example",
        "HTTP://hooks.example/a:b@c",
        "https://hooks.example?to=ops@acme.example",
        "https://hooks.example#ops@acme.example/x",
        "hooks.example:8080/cb?to=ops@acme.example",
        "https://hooks.example:8443?to=ops@acme.example",
        "https://hooks.example?at=10:30&to=ops@acme.example",
        "redis://10.0.0.5:6379?name=ops@acme",
        "hooks.example:8443?to=ops@acme.example",
    ] {
        assert_eq!(url_shown(text), text);
    }
}
