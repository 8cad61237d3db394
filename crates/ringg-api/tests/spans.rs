//! The request spans as an OpenTelemetry exporter sees them: a subscriber layer captures every
//! span's fields (as `tracing-opentelemetry` reads them) and every event's, over real HTTP on
//! 127.0.0.1, through a retry.

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use ringg_api::transport::layers::RetryPolicy;
use ringg_api::{Client, RequestOptions};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

const KEY: &str = "sk-live-7f3a9c";
const TEAM_SECRET: &str = "team-token-1b2c";
const SERVER_COOKIE: &str = "srv-cookie-99aa";
const WORKSPACE: &str = r#"{"workspace_info":{"id":"w1","name":"W","credits":1}}"#;

type Fields = BTreeMap<String, String>;

/// Every span's name and fields (as recorded until it closed), and every event's fields.
#[derive(Clone, Default)]
struct Capture {
    open: Arc<Mutex<HashMap<u64, (String, Fields)>>>,
    closed: Arc<Mutex<Vec<(String, Fields)>>>,
    events: Arc<Mutex<Vec<Fields>>>,
}

struct Collect<'a>(&'a mut Fields);

impl Visit for Collect<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        attrs.record(&mut Collect(&mut fields));
        let name = attrs.metadata().name().to_string();
        self.open
            .lock()
            .unwrap()
            .insert(id.into_u64(), (name, fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _ctx: Context<'_, S>) {
        if let Some((_, fields)) = self.open.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut Collect(fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        event.record(&mut Collect(&mut fields));
        self.events.lock().unwrap().push(fields);
    }

    fn on_close(&self, id: Id, _ctx: Context<'_, S>) {
        if let Some(span) = self.open.lock().unwrap().remove(&id.into_u64()) {
            self.closed.lock().unwrap().push(span);
        }
    }
}

/// Answers the first request 503 and the others 200 with the workspace, each with a server
/// request id that echoes the key and the team token it was sent (a gateway reflecting request
/// headers into its trace id), the 200s setting a cookie; `GET /workspace/all` is answered
/// 401 with a body that echoes both too.
async fn server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req: hyper::Request<Incoming>| {
                    let n = count.fetch_add(1, Ordering::SeqCst);
                    let header = |name: &str| {
                        req.headers()
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    let (key, team) = (header("x-api-key"), header("x-team-token"));
                    let numbers = req.uri().path().ends_with("/workspace/all");
                    async move {
                        let (status, body) = if numbers {
                            (
                                401,
                                format!(r#"{{"detail":"bad credentials {key} {team}"}}"#),
                            )
                        } else if n == 0 {
                            (503, "{}".to_owned())
                        } else {
                            (200, WORKSPACE.to_owned())
                        };
                        let mut answer = hyper::Response::builder()
                            .status(status)
                            .header("content-type", "application/json")
                            .header("x-request-id", format!("srv-{n}-{key}-{team}"));
                        if status == 200 {
                            answer = answer.header("set-cookie", format!("sid={SERVER_COOKIE}"));
                        }
                        Ok::<_, Infallible>(answer.body(Full::new(Bytes::from(body))).unwrap())
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    format!("http://{addr}/ca/api/v0")
}

#[tokio::test]
async fn request_spans_carry_the_opentelemetry_fields_and_no_secret() {
    let capture = Capture::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));
    let client = Client::builder()
        .ignore_env()
        .api_key(KEY)
        .base_url(server().await)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            jitter: false,
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
        .with_options(RequestOptions::new().header("x-team-token", TEAM_SECRET));
    let resp = client
        .with_raw_response(|c| async move { c.workspace().info().await })
        .await
        .unwrap();
    let request_id = resp.request_id.to_string();
    // The raw response masks the key and the per-request header the server echoed, as the
    // spans and errors do, and its Debug does not show the cookie the server set.
    let masked = Some("srv-1-[REDACTED]-[REDACTED]");
    assert_eq!(resp.server_request_id.as_deref(), masked);
    assert_eq!(resp.header("x-request-id"), masked);
    let shown = format!("{resp:?}");
    for secret in [KEY, TEAM_SECRET, SERVER_COOKIE] {
        assert!(!shown.contains(secret), "{shown}");
    }
    // So does an error whose answer echoes them.
    let e = client.workspace().all().await.unwrap_err();
    let shown = [
        e.to_string(),
        format!("{e:?}"),
        e.server_request_id().unwrap_or_default().to_owned(),
    ];
    for secret in [KEY, TEAM_SECRET] {
        assert!(shown.iter().all(|s| !s.contains(secret)), "{shown:?}");
    }
    assert!(
        shown[0].contains("bad credentials [REDACTED]"),
        "{}",
        shown[0]
    );

    let spans: Vec<Fields> = capture
        .closed
        .lock()
        .unwrap()
        .iter()
        .filter(|(name, _)| name == "ringg.request")
        .map(|(_, fields)| fields.clone())
        .collect();
    assert_eq!(spans.len(), 3, "one span per attempt: {spans:#?}");
    for (i, span) in spans.iter().take(2).enumerate() {
        let field = |name: &str| span.get(name).map(String::as_str);
        assert_eq!(field("http.request.method"), Some("GET"), "{span:?}");
        assert_eq!(field("url.path"), Some("/workspace"), "{span:?}");
        assert_eq!(field("ringg.operation"), Some("getWorkspace"), "{span:?}");
        assert_eq!(field("otel.name"), Some("getWorkspace"), "{span:?}");
        assert_eq!(field("otel.kind"), Some("client"), "{span:?}");
        // The same client-generated id on every attempt, the one the response reports.
        assert_eq!(
            field("ringg.request_id"),
            Some(request_id.as_str()),
            "{span:?}"
        );
        let status = if i == 0 { "503" } else { "200" };
        assert_eq!(field("http.response.status_code"), Some(status), "{span:?}");
        // The id as the server sent it, with the key it echoed masked.
        let server_id = format!("srv-{i}-[REDACTED]-[REDACTED]");
        assert_eq!(field("ringg.server_request_id"), Some(server_id.as_str()));
        assert!(field("ringg.latency_ms").is_some(), "{span:?}");
    }
    assert_eq!(spans[0].get("http.request.resend_count"), None);
    assert_eq!(
        spans[1]
            .get("http.request.resend_count")
            .map(String::as_str),
        Some("1")
    );

    // No header, key or extra header value in any field of any span or event.
    let events = capture.events.lock().unwrap().clone();
    // The retry's event names the request it retries.
    let retry = events
        .iter()
        .find(|e| e.get("message").map(String::as_str) == Some("retrying request"))
        .expect("a retry event");
    assert_eq!(
        retry.get("ringg.request_id").map(String::as_str),
        Some(request_id.as_str()),
        "{retry:?}"
    );
    let all_spans = capture.closed.lock().unwrap().clone();
    assert!(!events.is_empty());
    for fields in all_spans.iter().map(|(_, f)| f).chain(events.iter()) {
        for (name, value) in fields {
            for secret in [KEY, TEAM_SECRET] {
                assert!(
                    !value.contains(secret),
                    "{name} = {value:?} carries a secret"
                );
            }
            assert!(!name.contains("header"), "{name} = {value:?}");
        }
    }
}
