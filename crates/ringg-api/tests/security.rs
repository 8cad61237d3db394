//! The security suite: the API key never shows up in Debug output, errors, traces (TRACE level,
//! every crate) or panics; plain `http://` to a non-loopback host is refused.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ringg_api::stt::StreamOptions;
use ringg_api::transport::layers::{AuthLayer, RetryPolicy};
use ringg_api::transport::{ReqwestConfig, StackBuilder};
use ringg_api::types::Secret;
use ringg_api::types::calls::{CallHistoryQuery, CallerSource, InitiateCallRequest};
use ringg_api::types::workspace::{RegenerateApiKeyResponse, WorkspaceInfoResponse};
use ringg_api::types::{AgentId, NumberId, PhoneNumber};
use ringg_api::{Client, ErrorKind};
use ringg_sim::{FaultConfig, FaultKind, Simulator, demo};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn assert_no_key(haystack: &str, key: &str, what: &str) {
    assert!(!haystack.contains(key), "{what} contains the API key");
    // not even a recognisable part of it
    let head = &key[..12.min(key.len())];
    assert!(
        !haystack.contains(head),
        "{what} contains part of the API key"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_never_reaches_traces_errors_or_debug_output() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber_like(writer);
    let _guard = tracing::subscriber::set_default(subscriber);

    let sim = Simulator::builder()
        .time_scale(0.001)
        .faults(FaultConfig::none().with_operation(
            "getWorkspace",
            0.5,
            Some(vec![FaultKind::ServiceUnavailable]),
        ))
        .start()
        .await
        .unwrap();
    let key = sim.api_key().to_string();
    let builder = Client::builder()
        .ignore_env()
        .api_key(key.as_str())
        .base_url(sim.base_url())
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        });
    let mut outputs = vec![format!("{builder:?}")];
    let client = builder.build().unwrap();
    outputs.push(format!("{client:?}"));

    // Successful calls whose bodies carry the key (workspace_info.api_key).
    for _ in 0..6 {
        match client.workspace().info().await {
            Ok(info) => {
                assert_eq!(
                    info.workspace_info.api_key.as_ref().map(Secret::expose),
                    Some(key.as_str())
                );
                outputs.push(format!("{info:?}"));
            }
            Err(e) => outputs.push(format!("{e} {e:?}")),
        }
    }
    outputs.push(format!(
        "{:?}",
        client.calls().history(&CallHistoryQuery::default()).await
    ));
    // Errors: a 404, a 400, an unreachable server.
    let e = client
        .assistants()
        .get(&AgentId::new("no-such-agent"))
        .await
        .unwrap_err();
    outputs.push(format!("{e} {e:?}"));
    let e = client
        .calls()
        .initiate(InitiateCallRequest::new(
            AgentId::new("no-such-agent"),
            "X",
            PhoneNumber::parse("+919800000001").unwrap(),
            CallerSource::FromNumberId(NumberId::new(demo::NUMBER_ID)),
        ))
        .await
        .unwrap_err();
    outputs.push(format!("{e} {e:?}"));
    let dead = Client::builder()
        .ignore_env()
        .api_key(key.as_str())
        .base_url("http://127.0.0.1:9/ca/api/v0")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let e = dead.workspace().info().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport);
    outputs.push(format!("{e} {e:?} {:?}", std::error::Error::source(&e)));

    // Key rotation: the response carries the new key as a Secret.
    let rotated = client.workspace().regenerate_api_key().await.unwrap();
    let new_key = rotated.new_api_key.expose().to_string();
    outputs.push(format!("{rotated:?}"));
    let e = client.workspace().info().await.unwrap_err();
    assert!(e.is_auth(), "{e}");
    outputs.push(format!("{e} {e:?}"));

    // Every public type that can hold a key.
    let secret = Secret::new(key.as_str());
    outputs.push(format!("{secret:?} {secret}"));
    outputs.push(format!("{:?}", AuthLayer::new(secret.clone())));
    outputs.push(format!("{:?}", StackBuilder::new(secret.clone())));
    outputs.push(format!("{:?}", ReqwestConfig::default()));
    let parsed: WorkspaceInfoResponse = serde_json::from_value(serde_json::json!({
        "workspace_info": {"id": "w", "api_key": key}
    }))
    .unwrap();
    outputs.push(format!("{parsed:?}"));
    let parsed: RegenerateApiKeyResponse =
        serde_json::from_value(serde_json::json!({"new_api_key": key})).unwrap();
    outputs.push(format!("{parsed:?}"));

    // A panic that formats a client carries no key either.
    let panic_msg = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        panic!("unexpected state: {client:?}")
    }))
    .unwrap_err()
    .downcast::<String>()
    .map(|s| *s)
    .unwrap_or_default();
    assert!(panic_msg.contains("unexpected state"));
    outputs.push(panic_msg);

    sim.shutdown().await;
    let traces = capture.text();
    assert!(
        traces.contains("ringg.request"),
        "the TRACE capture is empty"
    );
    assert!(traces.len() > 1_000);
    let everything = format!("{traces}\n{}", outputs.join("\n"));
    assert_no_key(&everything, &key, "output");
    assert_no_key(&everything, &new_key, "output (rotated key)");
}

/// A TRACE-level subscriber for every target (reqwest, hyper, h2, rustls, ours).
fn tracing_subscriber_like(writer: Capture) -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .finish()
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    for url in [
        "http://prod-api.ringg.ai/ca/api/v0",
        "http://10.1.2.3/ca/api/v0",
        "http://example.com:8080/ca/api/v0",
    ] {
        let e = Client::builder()
            .ignore_env()
            .api_key("k")
            .base_url(url)
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains("plain http://"), "{e}");
        assert!(e.hint().unwrap().contains("https://"), "{e}");
    }
    for url in [
        "https://prod-api.ringg.ai/ca/api/v0",
        "http://127.0.0.1:8080/ca/api/v0",
        "http://localhost:1/x",
    ] {
        Client::builder()
            .ignore_env()
            .api_key("k")
            .base_url(url)
            .build()
            .unwrap();
    }
}

/// Every public type that can hold a secret masks it in `Debug`, `Display`, `Serialize` (unless
/// it is a request that must carry it to Ringg) and error bodies, through the one rule of
/// `ringg_types::redact`.
#[test]
fn every_type_that_holds_a_secret_masks_it() {
    use ringg_api::types::calls::CallbackArgs;
    use ringg_api::types::enums::EventType;
    use ringg_api::types::webhook::{AuthFetchConfig, EventSubscription};

    const KEY: &str = "sk-secret-0a1b2c3d4e5f";
    const HEADER: &str = "hdr-secret-9z8y7x";
    let mut shown: Vec<String> = Vec::new();

    // Secret itself: Debug, Display and Serialize are masked; the explicit opt-in sends it.
    let secret = Secret::new(KEY);
    shown.push(format!(
        "{secret:?} {secret} {}",
        serde_json::to_string(&secret).unwrap()
    ));
    let mut exposed = Vec::new();
    Secret::serialize_exposed(&secret, &mut serde_json::Serializer::new(&mut exposed)).unwrap();
    assert_eq!(exposed, format!("\"{KEY}\"").into_bytes());

    // Responses that carry a key: Debug and Serialize (CLI JSON, logs) are masked.
    let info: WorkspaceInfoResponse = serde_json::from_value(serde_json::json!({
        "workspace_info": {"id": "w", "name": "Acme", "api_key": KEY}
    }))
    .unwrap();
    let rotated: RegenerateApiKeyResponse =
        serde_json::from_value(serde_json::json!({ "new_api_key": KEY })).unwrap();
    shown.push(format!("{info:?} {info:#?} {rotated:?}"));
    shown.push(serde_json::to_string(&info).unwrap());
    shown.push(serde_json::to_string(&rotated).unwrap());

    // Webhook headers, auth-fetch settings and callback headers: Debug shows names only.
    let auth: AuthFetchConfig = serde_json::from_value(serde_json::json!({
        "enabled": true, "url": "https://auth.example/token",
        "headers": {"Authorization": HEADER}, "body": {"client_secret": HEADER},
        "query_params": {"k": HEADER}
    }))
    .unwrap();
    let mut sub = EventSubscription::new(vec![EventType::CallCompleted], "https://hooks.example/x")
        .header("X-Webhook-Secret", HEADER);
    sub.auth_fetch_config = ringg_api::types::common::Nullable::Value(auth.clone());
    let callback: CallbackArgs = serde_json::from_value(serde_json::json!({
        "headers": {"Authorization": HEADER}, "params": {"p": 1}
    }))
    .unwrap();
    let call = InitiateCallRequest::new(
        AgentId::new("a"),
        "Asha",
        PhoneNumber::parse("+919800000001").unwrap(),
        CallerSource::FromNumberId(NumberId::new("n")),
    )
    .callback_args(callback.clone());
    shown.push(format!("{auth:?} {sub:?} {sub:#?} {callback:?} {call:?}"));
    // A request model carries them to Ringg on purpose; whatever prints it masks them.
    let sent = serde_json::to_string(&sub).unwrap();
    assert!(
        sent.contains(HEADER),
        "the subscription must send its headers"
    );
    shown.push(ringg_api::types::redact::redact_text(&sent).into_owned());

    // Decode errors and API errors over bodies that carry the key.
    let body = format!(r#"{{"workspace_info": {{"id": [5], "api_key": "{KEY}"}}}}"#);
    let decode_err =
        ringg_api::types::decode::<WorkspaceInfoResponse>(body.as_bytes()).unwrap_err();
    shown.push(format!(
        "{decode_err} {decode_err:?} {}",
        decode_err.body_preview()
    ));
    let api_err = ringg_api::Error::from_response(
        "getWorkspace",
        http::StatusCode::BAD_REQUEST,
        &http::HeaderMap::new(),
        bytes::Bytes::from(body.clone()),
    );
    shown.push(format!(
        "{api_err} {api_err:?} {} {}",
        api_err.body_text().unwrap(),
        String::from_utf8_lossy(&api_err.body().unwrap())
    ));
    assert_eq!(api_err.unredacted_body().unwrap().as_ref(), body.as_bytes());

    // The transport's data types: a response carrying the key, a request body with headers.
    let response = ringg_api::transport::ApiResponse::new(http::StatusCode::OK, body.clone());
    shown.push(format!("{response:?}"));
    let request = ringg_api::transport::ApiRequest::new(
        "subscribeWebhooks",
        http::Method::POST,
        "http://127.0.0.1:1",
        "/x",
        ringg_api::transport::Idempotency::Idempotent,
    )
    .with_body(ringg_api::transport::Body::Json(bytes::Bytes::from(
        sent.clone(),
    )));
    shown.push(format!("{request:?}"));

    let everything = shown.join("\n");
    assert!(!everything.contains(KEY), "a key leaked:\n{everything}");
    assert!(
        !everything.contains(HEADER),
        "a header value leaked:\n{everything}"
    );
    assert!(
        everything.contains("X-Webhook-Secret"),
        "header names stay visible"
    );
}

/// Every model's `Debug` masks what the redaction rule calls secret, wherever it sits: unknown
/// fields (`extra`), free-form values (an API tool's `headers`, a call's variables), a webhook
/// event's payload, a partial or unknown event's object.
#[test]
fn every_models_debug_masks_secret_fields_in_its_free_form_parts() {
    use ringg_api::types::assistants::AssistantDetails;
    use ringg_api::types::calls::CallDetails;
    use ringg_api::types::webhook::WebhookEvent;
    const S: &str = "tok-secret-5Z4Y3X";
    let assistant: AssistantDetails = serde_json::from_value(serde_json::json!({
        "id": "a1",
        "tools": [{"tool_type": "API_TOOL", "url": "https://crm.example/api",
                   "headers": {"Authorization": format!("Bearer {S}")}}],
        "crm_api_key": S,
    }))
    .unwrap();
    let call: CallDetails = serde_json::from_value(serde_json::json!({
        "id": "3f1f6f0e-9f5e-4a61-8c3b-2d7f0c1e9a10",
        "call_status": "completed",
        "custom_args_values": {"name": "Asha", "access_token": S},
    }))
    .unwrap();
    let info: WorkspaceInfoResponse = serde_json::from_value(serde_json::json!({
        "workspace_info": {"id": "w", "webhook_secret": S}
    }))
    .unwrap();
    let args = format!(r#""custom_args_values":{{"name":"Asha","access_token":"{S}"}}"#);
    let events = [
        format!(r#"{{"event_type":"call_completed","call_id":"c1",{args}}}"#),
        format!(r#"{{"event_type":"call_completed","call_id":"c1","retry_count":"x",{args}}}"#),
        format!(r#"{{"event_type":"call_transferred","call_id":"c1",{args}}}"#),
    ]
    .map(|body| WebhookEvent::from_slice_lenient(body.as_bytes()).unwrap());
    assert!(events[1].is_partial());
    let edit: ringg_api::types::assistants::AgentEdit = serde_json::from_value(serde_json::json!({
        "operation": "edit_on_call_tools", "tool_type": "api",
        "tools": [{"name": "crm", "headers": {"Authorization": format!("Bearer {S}")}}],
    }))
    .unwrap();
    let rebuilt = ringg_api::replay::RebuiltEvent {
        event_type: "call_completed",
        call_id: ringg_api::types::CallId::new("c1"),
        body: serde_json::json!({"custom_args_values": {"access_token": S}}),
    };
    let mut shown = vec![
        format!("{assistant:?}"),
        format!("{call:?}"),
        format!("{info:?}"),
        format!("{call:#?}"),
        format!("{edit:?}"),
        format!("{rebuilt:?}"),
    ];
    shown.extend(events.iter().map(|e| format!("{e:?}")));
    for text in &shown {
        assert!(!text.contains(S), "Debug shows a secret: {text}");
    }
    // What is not secret is still there to read.
    assert!(
        shown[1].starts_with("CallDetails {") && shown[1].contains("Asha"),
        "{}",
        shown[1]
    );
    // The partial event.
    assert!(
        shown[7].contains("Asha") && shown[7].contains("retry_count"),
        "{}",
        shown[7]
    );
}

#[test]
fn a_base_urls_password_never_appears_in_the_clients_debug() {
    let builder = Client::builder()
        .ignore_env()
        .api_key("test-key")
        .base_url("http://proxy-user:hunter2-pass@127.0.0.1:9/ca/api/v0");
    let mut outputs = vec![format!("{builder:?}")];
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = rt.block_on(async { builder.build() }).unwrap();
    outputs.push(format!("{client:?}"));
    // The speech-to-text service's own base URL, in its Debug and in the stream's errors.
    let stt = client
        .stt()
        .with_base_url("http://proxy-user:hunter2-pass@127.0.0.1:9/stt/v1")
        .unwrap();
    outputs.push(format!("{stt:?}"));
    let refused = rt
        .block_on(stt.stream(tokio::io::empty(), &StreamOptions::default()))
        .expect_err("nothing listens on port 9");
    outputs.push(format!("{refused} {refused:?}"));
    for shown in outputs {
        assert!(!shown.contains("hunter2-pass"), "{shown}");
        assert!(shown.contains("***@127.0.0.1:9"), "{shown}");
    }
}

/// A password holding `/` (not percent-encoded) makes the base URL unparsable; the error
/// and the builder's `Debug` still mask it.
#[test]
fn a_base_url_password_with_a_slash_is_masked_in_the_error_and_debug() {
    let password = "s3cr3t/pw";
    let url = format!("https://user:{password}@prod-api.ringg.ai/ca/api/v0");
    let builder = Client::builder()
        .ignore_env()
        .api_key("test-key")
        .base_url(url.as_str());
    let debug = format!("{builder:?}");
    let err = builder.build().unwrap_err();
    for shown in [err.to_string(), format!("{err:?}"), debug] {
        assert!(!shown.contains(password), "{shown}");
        assert!(shown.contains("***@prod-api.ringg.ai"), "{shown}");
    }
    // A password of digits and a `/` parses as a port and a path: the client is built (for a
    // host named `admin`), and its `Debug` still masks it.
    let builder = Client::builder()
        .ignore_env()
        .api_key("test-key")
        .base_url("https://admin:2024/secret-pw@prod-api.ringg.ai/ca/api/v0");
    let mut shown = vec![format!("{builder:?}")];
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    if let Ok(client) = rt.block_on(async { builder.build() }) {
        shown.push(format!("{client:?}"));
    }
    for shown in shown {
        assert!(!shown.contains("secret-pw"), "{shown}");
    }
}

/// A server on loopback that echoes the `x-api-key` it was sent: in a 401 on `/workspace` and
/// on the speech-to-text stream's handshake, in a 200 whose body does not match the model
/// elsewhere, and in every answer's `x-request-id`.
async fn echoing_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                use tokio::io::AsyncWriteExt;
                while let Some(head) = common::read_head(&mut stream).await {
                    let head = String::from_utf8_lossy(&head).into_owned();
                    let key = head
                        .lines()
                        .find_map(|l| l.strip_prefix("x-api-key: "))
                        .unwrap_or("")
                        .trim()
                        .to_owned();
                    let refused = ["GET /ca/api/v0/workspace ", "GET /stt/v1/stream?"]
                        .iter()
                        .any(|p| head.starts_with(p));
                    let (status, body) = if refused {
                        (
                            "401 Unauthorized",
                            format!(r#"{{"detail":"Invalid API key: {key}"}}"#),
                        )
                    } else {
                        ("200 OK", format!(r#"{{"workspace_info":"{key}"}}"#))
                    };
                    let answer = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nx-request-id: gw-{key}\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if stream.write_all(answer.as_bytes()).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    format!("http://{addr}/ca/api/v0")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_the_server_echoes_back_is_masked_in_errors() {
    let key = "sk_live_ABCDEFGHIJKLMNOP";
    let client = Client::builder()
        .ignore_env()
        .api_key(key)
        .base_url(echoing_server().await)
        .retry_policy(RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    // A 401 quoting the key.
    let refused = client.workspace().info().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(401), "{refused}");
    // A 200 whose body holds the key where the model expects an object.
    let other = || {
        ringg_api::transport::ApiRequest::new(
            "getWorkspace",
            ringg_api::transport::http::Method::GET,
            std::sync::Arc::<str>::from(client.base_url()),
            "/other",
            ringg_api::transport::Idempotency::Idempotent,
        )
    };
    let garbled = client
        .send_json::<WorkspaceInfoResponse>(other())
        .await
        .unwrap_err();
    assert_eq!(garbled.kind(), ErrorKind::Decode, "{garbled}");
    // The speech-to-text stream's handshake, which runs outside the transport stack.
    let stt = client
        .stt()
        .with_base_url(&client.base_url().replace("/ca/api/v0", "/stt/v1"))
        .unwrap();
    let streamed = stt
        .stream(tokio::io::empty(), &StreamOptions::default())
        .await
        .expect_err("the handshake is refused");
    assert_eq!(
        streamed.status().map(|s| s.as_u16()),
        Some(401),
        "{streamed}"
    );
    for e in [&refused, &garbled, &streamed] {
        let body = String::from_utf8(e.body().unwrap().to_vec()).unwrap();
        for (what, text) in [
            ("Display", e.to_string()),
            ("Debug", format!("{e:?}")),
            ("message", e.message().to_owned()),
            ("body", body),
            ("body_text", e.body_text().unwrap()),
        ] {
            assert_no_key(&text, key, what);
        }
        assert!(
            String::from_utf8_lossy(e.unredacted_body().unwrap()).contains(key),
            "the body as received is kept"
        );
    }
    // A raw answer: the echoed request id is masked in its headers (the response
    // `with_raw_response` keeps is checked in spans.rs); the body is the caller's, as sent.
    let raw = client.send_raw(other()).await.unwrap();
    assert_eq!(raw.headers["x-request-id"], "gw-[REDACTED]");
    assert_no_key(
        &format!("{:?}", raw.headers),
        key,
        "the raw answer's headers",
    );
}
