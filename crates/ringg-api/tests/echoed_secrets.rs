//! Secrets that arrive from elsewhere: a key a server echoes into a success answer, and a
//! password in the base URL's user information, stay out of what the SDK shows.

mod common;

use std::sync::Arc;

use ringg_api::Client;
use ringg_api::journal::{SqliteJournal, journal_scope};
use ringg_api::transport::http::Method;
use ringg_api::transport::{ApiRequest, Idempotency};

/// A UUID-like key, as Ringg's are.
const KEY: &str = "7251cb4b-echo-4f00-9c1e-0123456789ab";

/// A client with [`KEY`] for the server at `base`.
fn client_at(base: String) -> Client {
    Client::builder()
        .ignore_env()
        .api_key(KEY)
        .base_url(base)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_key_echoed_into_a_raw_answer_is_masked_by_mask_key() {
    let body = format!(r#"{{"key":"{KEY}","message":"request with key {KEY} accepted"}}"#);
    let client = client_at(common::constant_server(body).await);
    let request = ApiRequest::new(
        "api",
        Method::GET,
        client.base_url().to_string(),
        "/echo",
        Idempotency::Idempotent,
    );
    let response = client.send_raw(request).await.unwrap();
    let text = std::str::from_utf8(&response.body).unwrap();
    assert!(
        text.contains(KEY),
        "send_raw hands the body over as received"
    );
    let shown = client.mask_key(text);
    assert!(!shown.contains(KEY), "{shown}");
    let value: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(
        value["key"], "[REDACTED]",
        "the masked answer is still JSON"
    );
}

#[test]
fn a_builders_debug_hides_the_base_url_password_its_journal_is_scoped_by() {
    const PASSWORD: &str = "pw-JOURNAL-4e21c9";
    let base = format!("https://gw:{PASSWORD}@api.example.com/ca/api/v0");
    let dir = tempfile::tempdir().unwrap();
    let journal = SqliteJournal::open(
        dir.path().join("journal.sqlite3"),
        journal_scope(&base, KEY),
    )
    .unwrap();
    let shown = format!("{journal:?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(
        shown.contains("https://***@api.example.com/ca/api/v0 key:"),
        "{shown}"
    );
    let builder = Client::builder()
        .ignore_env()
        .api_key(KEY)
        .base_url(&base)
        .journal(Arc::new(journal));
    let shown = format!("{builder:?}");
    assert!(!shown.contains(PASSWORD) && !shown.contains(KEY), "{shown}");
}

/// A key echoed where the error's message is cut short (a plain-text page echoing the request's
/// headers, a long JSON `detail`): the part of it before the cut is masked too, not only a
/// whole copy.
#[tokio::test]
async fn a_key_cut_off_in_an_errors_message_is_masked() {
    for (content_type, body) in [
        ("text/plain", format!("{}{KEY}", "a".repeat(265))),
        (
            "application/json",
            format!(r#"{{"detail": "{}{KEY}"}}"#, "a".repeat(965)),
        ),
    ] {
        let client =
            client_at(common::answering_server("401 Unauthorized", content_type, body).await);
        let e = client.workspace().info().await.unwrap_err();
        for shown in [e.to_string(), e.message().to_owned(), format!("{e:?}")] {
            assert!(!shown.contains(&KEY[..12]), "{content_type}: {shown}");
        }
        assert!(e.message().contains("[REDACTED]… ("), "{}", e.message());
    }
}

/// A gateway that echoes the key upper-cased (or cut off, upper-cased): masked all the same.
#[tokio::test]
async fn a_key_echoed_in_another_case_is_masked() {
    let upper = KEY.to_ascii_uppercase();
    for body in [
        format!(r#"{{"message":"bad key {upper}"}}"#),
        format!(r#"{{"detail": "{}{upper}"}}"#, "a".repeat(965)),
    ] {
        let client =
            client_at(common::answering_server("400 Bad Request", "application/json", body).await);
        let e = client.workspace().info().await.unwrap_err();
        let body = e.body_text().unwrap_or_default();
        for shown in [
            e.to_string(),
            e.message().to_owned(),
            format!("{e:?}"),
            body,
        ] {
            assert!(!shown.contains(&upper[..12]), "{shown}");
        }
        assert!(e.message().contains("[REDACTED]"), "{}", e.message());
    }
}

/// A base URL typed with a secret in its query (a gateway token) and a mistake that stops it
/// parsing: the error and the builder's `Debug` do not show the token.
#[test]
fn a_base_url_query_secret_is_not_shown_by_its_error() {
    const TOKEN: &str = "gw-s3cr3t-4f00";
    let base = format!("https//prod-api.ringg.ai/ca/api/v0?token={TOKEN}");
    let builder = Client::builder().ignore_env().api_key(KEY).base_url(&base);
    let shown = format!("{builder:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    let e = builder.build().unwrap_err();
    for shown in [e.to_string(), format!("{e:?}")] {
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(shown.contains("token=[REDACTED]"), "{shown}");
    }
}

/// A key echoed into a 200 answer that does not decode (a transcription without its text, an
/// emailed-report message of the wrong shape) is masked in the decode error.
#[tokio::test]
async fn a_key_echoed_into_an_undecodable_answer_is_masked() {
    let body = format!(
        r#"{{"status":"ok","message":{{"x":1}},"duration_seconds":"two","echo":"x-api-key={KEY}"}}"#
    );
    let client = client_at(common::constant_server(body).await);
    let wav = ringg_sim::audio::wav(0.5, Some("hi"));
    let transcribe = client
        .stt()
        .transcribe(
            ringg_api::stt::AudioFile::from_bytes("a.wav", wav).unwrap(),
            &Default::default(),
        )
        .await;
    let download = client.calls().download_history(&Default::default()).await;
    for e in [transcribe.unwrap_err(), download.unwrap_err()] {
        for shown in [format!("{e:?}"), e.to_string(), e.body_text().unwrap()] {
            assert!(!shown.contains(KEY), "{shown}");
        }
    }
}

/// A subscription's headers sent JSON-encoded (a string, not an object) fail the typed
/// decode; serde's message would quote the string, secret header and all.
#[tokio::test]
async fn a_decode_error_does_not_quote_a_secret_sent_in_an_odd_shape() {
    let body = r#"{"agents":{"id":"a1","agent_display_name":"Sales","event_subscriptions":[{"event_type":["call_completed"],"callback_url":"https://h.example/x","headers":"{\"X-Webhook-Secret\":\"s3cr3t-value\"}"}]}}"#;
    let client = client_at(common::constant_server(body.to_string()).await);
    let err = client
        .assistants()
        .get(&ringg_api::types::AgentId::new("a1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ringg_api::ErrorKind::Decode, "{err}");
    assert!(
        err.to_string().contains("headers"),
        "names the field: {err}"
    );
    for shown in [
        err.to_string(),
        format!("{err:?}"),
        err.message().to_string(),
    ] {
        assert!(!shown.contains("s3cr3t-value"), "{shown}");
    }
}

/// `send_raw` to a base URL other than the client's carries the key too: a plain `http://`
/// URL off loopback is refused before anything is sent, as the builder refuses it.
#[tokio::test]
async fn send_raw_does_not_carry_the_key_in_clear_text_to_another_host() {
    let client = client_at(common::constant_server("{}".to_owned()).await);
    let request = ApiRequest::new(
        "download",
        Method::GET,
        "http://10.255.255.1/files",
        "/rec.mp3",
        Idempotency::Idempotent,
    );
    let err = tokio::time::timeout(std::time::Duration::from_secs(5), client.send_raw(request))
        .await
        .expect("refused at once, not after a connection attempt")
        .unwrap_err();
    assert_eq!(err.kind(), ringg_api::ErrorKind::InvalidInput, "{err}");
    assert!(err.to_string().contains("unencrypted"), "{err}");
    // The client's own base URL is sent as before.
    let own = ApiRequest::new(
        "api",
        Method::GET,
        client.base_url().to_string(),
        "/x",
        Idempotency::Idempotent,
    );
    client.send_raw(own).await.unwrap();
}

/// A call initiation refused by an answer that quotes the request (a validation error
/// echoing its `callback_url` and `callback_args`): the callback's token and its secret header
/// are masked in the error, as the key is; the plain `Content-Type` is shown.
#[tokio::test]
async fn a_callbacks_secrets_echoed_in_an_error_are_masked() {
    use ringg_api::types::calls::CallbackArgs;
    // Percent-encoded in the URL, as a server echoes it; decoded it reads `cbtok-5e0f/9a1b7c==`.
    const TOKEN: &str = "cbtok-5e0f%2F9a1b7c%3D%3D";
    const HOOK_SECRET: &str = "hook-secret-77d2e4";
    let url = format!("https://hooks.example.com/ringg?token={TOKEN}&campaign=june");
    let body = format!(
        r#"{{"detail":[{{"loc":["body","callback_url"],"msg":"callback_url {url} (token cbtok-5e0f/9a1b7c==) is not reachable with X-Hook-Secret {HOOK_SECRET} and Content-Type application/json","input":"{url}"}}]}}"#
    );
    let base = common::answering_server("422 Unprocessable Entity", "application/json", body).await;
    let client = client_at(base);
    let mut call = common::pool_call("+919876500777");
    call.callback_url = Some(url);
    let mut headers = serde_json::Map::new();
    headers.insert("X-Hook-Secret".into(), HOOK_SECRET.into());
    headers.insert("Content-Type".into(), "application/json".into());
    call.callback_args = Some(CallbackArgs {
        headers: Some(headers),
        ..CallbackArgs::default()
    });
    let e = client.calls().initiate(call).await.unwrap_err();
    let shown = [
        e.to_string(),
        format!("{e:?}"),
        e.body_text().unwrap_or_default(),
    ];
    for text in &shown {
        for secret in [TOKEN, "cbtok-5e0f/9a1b7c==", HOOK_SECRET] {
            assert!(!text.contains(secret), "{text}");
        }
    }
    assert!(shown[0].contains("campaign=june"), "{}", shown[0]);
    assert!(shown[0].contains("application/json"), "{}", shown[0]);
}

/// `send_raw` masks, as it masks the key, the value of a header its caller marked sensitive
/// on the request, when the server's refusal echoes it.
#[tokio::test]
async fn send_raw_masks_a_sensitive_header_of_its_request() {
    const GATEWAY: &str = "gw-pass-2b7e91c4";
    let body = format!(r#"{{"detail":"gateway token {GATEWAY} refused"}}"#);
    let base = common::answering_server("403 Forbidden", "application/json", body).await;
    let client = client_at(base);
    let mut request = ApiRequest::new(
        "api",
        Method::GET,
        client.base_url().to_string(),
        "/echo",
        Idempotency::Idempotent,
    );
    let mut value = ringg_api::transport::http::HeaderValue::from_static(GATEWAY);
    value.set_sensitive(true);
    request.headers.insert("x-gateway-token", value);
    let e = client.send_raw(request).await.unwrap_err();
    let shown = format!("{e} {e:?} {}", e.body_text().unwrap_or_default());
    assert!(!shown.contains(GATEWAY), "{shown}");
    assert!(
        shown.contains("gateway token [REDACTED] refused"),
        "{shown}"
    );
}
