//! Fuzzes webhook parsing: the typed and the lenient parser, the receiver's parse path, and a
//! whole delivery through the receiver. None may panic, and whatever parses must re-serialize to JSON that
//! parses to the same event type and call.

#![no_main]

use std::sync::OnceLock;

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::Full;
use libfuzzer_sys::fuzz_target;
use ringg_types::webhook::WebhookEvent;
use ringg_webhooks::{HandlerError, WebhookReceiver};

const SECRET: &str = "fuzz-secret";

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime")
    })
}

fn receiver() -> &'static WebhookReceiver {
    static RECEIVER: OnceLock<WebhookReceiver> = OnceLock::new();
    RECEIVER.get_or_init(|| {
        WebhookReceiver::builder()
            .secret_header("X-Webhook-Secret")
            .secret(SECRET)
            .max_body_bytes(64 * 1024)
            .handler(|_event: WebhookEvent| async { Ok::<_, HandlerError>(()) })
            .build()
            .expect("a valid receiver configuration")
    })
}

fuzz_target!(|data: &[u8]| {
    // 1. The typed parser.
    let typed = WebhookEvent::from_slice(data);
    if let Ok(event) = &typed {
        let json = serde_json::to_vec(event).expect("a parsed event serializes");
        let again = WebhookEvent::from_slice(&json).expect("a re-serialized event parses");
        assert_eq!(again.event_type(), event.event_type());
        assert_eq!(again.call_id(), event.call_id());
    }

    // 2. The receiver's parse path agrees with the lenient parser (a JSON object that does not
    // fit the typed model is a partial event, not a refusal).
    let lenient = WebhookEvent::from_slice_lenient(data);
    if typed.is_ok() {
        assert!(lenient.as_ref().is_ok_and(|e| !e.is_partial()));
    }
    let parsed = ringg_webhooks::parse_event(data);
    assert_eq!(parsed.is_ok(), lenient.is_ok());
    if let Err(rejection) = &parsed {
        assert_eq!(rejection.status(), StatusCode::BAD_REQUEST);
    }

    // 3. A whole authenticated delivery.
    let request = Request::post("/")
        .header("x-webhook-secret", SECRET)
        .body(Full::new(Bytes::copy_from_slice(data)))
        .expect("a valid request");
    let status = runtime().block_on(receiver().receive(request)).status();
    assert!(
        [
            StatusCode::OK,
            StatusCode::BAD_REQUEST,
            StatusCode::PAYLOAD_TOO_LARGE
        ]
        .contains(&status),
        "unexpected status {status}"
    );
    assert_eq!(
        status == StatusCode::BAD_REQUEST,
        lenient.is_err() && data.len() <= 64 * 1024
    );
});
