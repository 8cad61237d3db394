//! The API key never reaches tracing output or Debug output.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Reply, start};
use http::Method;
use ringg_transport::layers::{AuthLayer, RateLimitConfig, RateLimiter, RetryPolicy};
use ringg_transport::{
    ApiRequest, Idempotency, ReqwestConfig, ReqwestTransport, StackBuilder, Transport,
};
use ringg_types::Secret;

const KEY: &str = "sk-live-7251cb4b-3373-43a4-844c-b27a1d45e0c9";

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn key_never_appears_in_traces_or_debug() {
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = start(vec![
        Reply::status(503),
        Reply::status(500),
        Reply::status(200),
    ])
    .await;
    let builder = StackBuilder::new(Secret::new(KEY))
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .rate_limiter(RateLimiter::new(RateLimitConfig::default()));
    let debug_builder = format!("{builder:?}");
    let inner: Arc<dyn Transport> =
        Arc::new(ReqwestTransport::new(&ReqwestConfig::default()).unwrap());
    let t = builder.build(inner);
    let base = server.base_url();
    let ok = t
        .execute(ApiRequest::new(
            "getWorkspace",
            Method::GET,
            base.as_str(),
            "/workspace",
            Idempotency::Idempotent,
        ))
        .await
        .unwrap();
    let err = t
        .execute(ApiRequest::new(
            "initiateCall",
            Method::POST,
            base.as_str(),
            "/calling/outbound/individual",
            Idempotency::NonIdempotent,
        ))
        .await;
    // the key did reach the server
    assert_eq!(server.seen()[0].headers["x-api-key"], KEY);

    let traces = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(
        traces.contains("ringg.request"),
        "tracing captured nothing: {traces}"
    );
    let everything = format!(
        "{traces}\n{debug_builder}\n{:?}\n{ok:?}\n{err:?}\n{:?}",
        AuthLayer::new(Secret::new(KEY)),
        Secret::new(KEY)
    );
    assert!(!everything.contains(KEY), "the key leaked");
    assert!(!everything.contains("7251cb4b"), "part of the key leaked");
}

#[test]
fn a_base_urls_password_never_appears_in_debug() {
    let request = ApiRequest::new(
        "getWorkspace",
        Method::GET,
        "https://bench:hunter2-pass@api.example.com/ca/api/v0",
        "/workspace",
        Idempotency::Idempotent,
    );
    let shown = format!("{request:?}");
    assert!(
        !shown.contains("hunter2-pass") && !shown.contains("bench:"),
        "{shown}"
    );
    assert!(
        shown.contains("https://***@api.example.com/ca/api/v0"),
        "{shown}"
    );
}
