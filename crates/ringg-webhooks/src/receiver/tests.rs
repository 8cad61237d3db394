use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use bytes::Bytes;
use http::StatusCode;
use http_body::Frame;
use http_body_util::{BodyExt, Full};

use super::*;
use crate::dedupe::DedupeStoreError;
use crate::{HandlerError, WebhookEvent};

const SECRET: &str = "s3cret-token";

/// Records what it is handed; fails (or panics) on its first `fail_first` calls.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<(String, Option<String>)>>,
    calls: AtomicUsize,
    fail_first: usize,
    panic: bool,
}

impl Recorder {
    fn failing(n: usize) -> Arc<Self> {
        Arc::new(Self {
            fail_first: n,
            ..Self::default()
        })
    }

    fn seen(&self) -> Vec<(String, Option<String>)> {
        self.seen.lock().unwrap().clone()
    }
}

#[async_trait]
impl WebhookHandler for Recorder {
    async fn handle(&self, event: WebhookEvent) -> Result<(), HandlerError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if n < self.fail_first {
            if self.panic {
                panic!("handler crashed");
            }
            return Err(HandlerError::msg("database unavailable"));
        }
        self.seen.lock().unwrap().push((
            event.event_type().to_string(),
            event.call_id().map(|c| c.to_string()),
        ));
        Ok(())
    }
}

fn receiver(handler: Arc<Recorder>) -> WebhookReceiver {
    WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret(SECRET)
        .max_body_bytes(1024 * 1024)
        .shared_handler(handler)
        .build()
        .unwrap()
}

/// An authenticated POST.
fn request() -> http::request::Builder {
    Request::builder()
        .method(Method::POST)
        .uri("/hooks")
        .header("x-webhook-secret", SECRET)
}

fn event_json(event_type: &str, call_id: &str) -> String {
    serde_json::json!({
        "event_type": event_type,
        "call_id": call_id,
        "agent_id": "cbaf9944-3e34-43b6-b3e8-6a905de16639",
        "workspace_id": "442a9db3-0fd4-47dc-b8cd-cc7eedfa272f",
        "custom_args_values": {"callee_name": "John"}
    })
    .to_string()
}

async fn send(r: &WebhookReceiver, body: String) -> (StatusCode, serde_json::Value) {
    let req = request().body(Full::new(Bytes::from(body))).unwrap();
    let resp = r.receive(req).await;
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

/// A body of `total` bytes in `chunk`-sized frames with no size hint, counting what is pulled.
struct CountingBody {
    chunk: Bytes,
    remaining: usize,
    pulled: Arc<AtomicUsize>,
}

impl Body for CountingBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        let n = self.chunk.len().min(self.remaining);
        self.remaining -= n;
        self.pulled.fetch_add(n, Ordering::SeqCst);
        Poll::Ready(Some(Ok(Frame::data(self.chunk.slice(..n)))))
    }
}

#[tokio::test]
async fn accepted_event_is_handed_over_once() {
    let rec = Arc::new(Recorder::default());
    let r = receiver(rec.clone());
    let (status, body) = send(&r, event_json("call_started", "c1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "accepted");
    let (status, body) = send(&r, event_json("call_started", "c1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "duplicate");
    assert_eq!(rec.seen(), vec![("call_started".into(), Some("c1".into()))]);
}

#[tokio::test]
async fn streamed_oversized_body_is_refused_without_reading_it_all() {
    let rec = Arc::new(Recorder::default());
    let r = receiver(rec.clone());
    let pulled = Arc::new(AtomicUsize::new(0));
    let chunk = Bytes::from(vec![b' '; 64 * 1024]);
    let body = CountingBody {
        chunk: chunk.clone(),
        remaining: 10 * 1024 * 1024,
        pulled: pulled.clone(),
    };
    let resp = r.receive(request().body(body).unwrap()).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let pulled = pulled.load(Ordering::SeqCst);
    assert!(
        pulled <= r.max_body_bytes() + chunk.len(),
        "pulled {pulled} bytes of a 10 MiB body"
    );
    assert!(rec.seen().is_empty());
}

#[tokio::test]
async fn declared_oversized_body_is_refused_before_reading() {
    let rec = Arc::new(Recorder::default());
    let r = receiver(rec.clone());
    let pulled = Arc::new(AtomicUsize::new(0));
    let body = CountingBody {
        chunk: Bytes::from_static(b"{}"),
        remaining: 2,
        pulled: pulled.clone(),
    };
    let req = request()
        .header("content-length", (10 * 1024 * 1024).to_string())
        .body(body)
        .unwrap();
    let resp = r.receive(req).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(pulled.load(Ordering::SeqCst), 0);
    // A body whose size hint is exact and too large is refused before reading too.
    let resp = r
        .receive(
            request()
                .body(Full::new(Bytes::from(vec![b' '; 1024 * 1024 + 1])))
                .unwrap(),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn body_at_the_limit_is_read() {
    let rec = Arc::new(Recorder::default());
    let r = receiver(rec.clone());
    let json = event_json("call_started", "c-limit");
    let padded = format!("{json}{}", " ".repeat(r.max_body_bytes() - json.len()));
    let (status, _) = send(&r, padded).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rec.seen().len(), 1);
}

#[tokio::test]
async fn auth_runs_before_the_body_is_read() {
    let rec = Arc::new(Recorder::default());
    let r = receiver(rec.clone());
    let pulled = Arc::new(AtomicUsize::new(0));
    let body = CountingBody {
        chunk: Bytes::from(event_json("call_started", "c1")),
        remaining: 10,
        pulled: pulled.clone(),
    };
    let req = Request::post("/").body(body).unwrap();
    let resp = r.receive(req).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(pulled.load(Ordering::SeqCst), 0);
    assert!(rec.seen().is_empty());
}

#[tokio::test]
async fn methods_other_than_post_put_patch_are_refused() {
    let r = receiver(Arc::new(Recorder::default()));
    for method in [Method::GET, Method::DELETE, Method::HEAD, Method::OPTIONS] {
        let req = request()
            .method(method.clone())
            .body(Full::new(Bytes::new()))
            .unwrap();
        let resp = r.receive(req).await;
        assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(resp.headers()["allow"], "POST, PUT, PATCH");
    }
    for (i, method) in [Method::PUT, Method::PATCH].into_iter().enumerate() {
        let req = request()
            .method(method)
            .body(Full::new(Bytes::from(event_json(
                "call_started",
                &format!("m{i}"),
            ))))
            .unwrap();
        assert_eq!(r.receive(req).await.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn a_handler_error_with_a_status_is_answered_with_it_and_releases_the_key() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let r = WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret(SECRET)
        .handler(move |_event: WebhookEvent| {
            let n = seen.fetch_add(1, Ordering::SeqCst);
            async move {
                match n {
                    0 => {
                        Err(HandlerError::msg("upstream down").with_status(StatusCode::BAD_GATEWAY))
                    }
                    // Not an error status: the delivery is still a failure, answered 500.
                    1 => Err(HandlerError::msg("odd").with_status(StatusCode::NO_CONTENT)),
                    _ => Ok(()),
                }
            }
        })
        .build()
        .unwrap();
    let (status, body) = send(&r, event_json("call_completed", "c-status")).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_eq!(body["error"]["code"], "handler_failed");
    let (status, _) = send(&r, event_json("call_completed", "c-status")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let (status, _) = send(&r, event_json("call_completed", "c-status")).await;
    assert_eq!(status, StatusCode::OK, "the key was released each time");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn handler_error_answers_500_and_releases_the_key() {
    let rec = Recorder::failing(1);
    let r = receiver(rec.clone());
    let (status, body) = send(&r, event_json("recording_completed", "c9")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body["error"]["code"], "handler_failed");
    assert!(
        !body.to_string().contains("database unavailable"),
        "the handler's error stays out of the response"
    );
    let (status, _) = send(&r, event_json("recording_completed", "c9")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = send(&r, event_json("recording_completed", "c9")).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("duplicate"))
    );
    assert_eq!(rec.seen().len(), 1);
}

#[tokio::test]
async fn handler_panic_answers_500_and_releases_the_key() {
    let rec = Arc::new(Recorder {
        fail_first: 1,
        panic: true,
        ..Recorder::default()
    });
    let r = receiver(rec.clone());
    let (status, _) = send(&r, event_json("call_ongoing", "c3")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let (status, body) = send(&r, event_json("call_ongoing", "c3")).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("accepted"))
    );
    assert_eq!(rec.seen().len(), 1);
}

struct BrokenStore;

#[async_trait]
impl DedupeStore for BrokenStore {
    async fn check_and_insert(&self, _key: &DedupeKey) -> Result<bool, DedupeStoreError> {
        Err(DedupeStoreError::new("connection refused"))
    }
    async fn remove(&self, _key: &DedupeKey) -> Result<(), DedupeStoreError> {
        Err(DedupeStoreError::new("connection refused"))
    }
}

/// When the dedupe store fails, a subscription event is answered 503 without being handed over
/// (Ringg sends it again), and a per-call callback, which Ringg never sends again, is handed
/// over (a 503 would lose it).
#[tokio::test]
async fn dedupe_store_failure_refuses_an_event_and_hands_a_callback_over() {
    let rec = Arc::new(Recorder::default());
    let r = WebhookReceiver::builder()
        .secret_header("x-webhook-secret")
        .secret(SECRET)
        .dedupe_store(BrokenStore)
        .shared_handler(rec.clone())
        .build()
        .unwrap();
    let (status, body) = send(&r, event_json("call_started", "c1")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["error"]["code"], "dedupe_unavailable");
    assert!(rec.seen().is_empty());
    let callback = serde_json::json!({
        "status": "success",
        "data": {"call_id": "c1", "status": "completed", "transcript": "bot: hi"}
    })
    .to_string();
    let (status, body) = send(&r, callback).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("accepted"))
    );
    assert_eq!(rec.seen().len(), 1);
}

#[tokio::test]
async fn events_without_call_id_are_always_handed_over() {
    let rec = Arc::new(Recorder::default());
    let r = receiver(rec.clone());
    let body = r#"{"event_type":"call_started","agent_id":"a1"}"#.to_owned();
    for _ in 0..2 {
        let (status, resp) = send(&r, body.clone()).await;
        assert_eq!(
            (status, resp["status"].as_str()),
            (StatusCode::OK, Some("accepted"))
        );
    }
    assert_eq!(rec.seen().len(), 2);
}

#[tokio::test]
async fn call_completed_is_deduped_per_attempt() {
    let rec = Arc::new(Recorder::default());
    let r = receiver(rec.clone());
    let attempt = |retry: u32, status: &str| {
        serde_json::json!({
            "event_type": "call_completed", "call_id": "c1", "status": status,
            "retry_count": retry, "call_type": "outbound"
        })
        .to_string()
    };
    for body in [
        attempt(0, "retry"),
        attempt(1, "completed"),
        attempt(0, "retry"),
        attempt(1, "completed"),
    ] {
        assert_eq!(send(&r, body).await.0, StatusCode::OK);
    }
    assert_eq!(rec.seen().len(), 2);
    // Without retry_count, the status tells attempts apart.
    let by_status = |status: &str| {
        serde_json::json!({"event_type": "call_completed", "call_id": "c2", "status": status})
            .to_string()
    };
    for body in [by_status("retry"), by_status("failed"), by_status("retry")] {
        assert_eq!(send(&r, body).await.0, StatusCode::OK);
    }
    assert_eq!(rec.seen().len(), 4);
}

#[tokio::test]
async fn malformed_json_is_400_and_not_handed_over() {
    let rec = Arc::new(Recorder::default());
    let r = receiver(rec.clone());
    for body in ["", "{", "not json", "[1,2", "{} {}"] {
        let (status, resp) = send(&r, body.to_owned()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body:?}");
        assert!(resp["error"]["message"].as_str().is_some());
    }
    assert!(rec.seen().is_empty());
}

/// A receiver whose handler notes `note(event)` of each event it is handed, and the notes.
fn noting<T: Send + 'static>(
    note: impl Fn(&WebhookEvent) -> T + Send + Sync + 'static,
) -> (WebhookReceiver, Arc<std::sync::Mutex<Vec<T>>>) {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = seen.clone();
    let note = Arc::new(note);
    let r = WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret(SECRET)
        .handler(move |event: WebhookEvent| {
            let (kept, note) = (kept.clone(), note.clone());
            async move {
                kept.lock().unwrap().push(note(&event));
                Ok::<(), HandlerError>(())
            }
        })
        .build()
        .unwrap();
    (r, seen)
}

/// JSON that is not an object (an array, a string) is no shape Ringg documents, but it is
/// handed over whole rather than refused into Ringg's retries and dropped.
#[tokio::test]
async fn json_that_is_not_an_object_is_handed_over_whole() {
    let (r, seen) = noting(|event| match event {
        WebhookEvent::Partial(p) => p.non_object().cloned(),
        _ => None,
    });
    for body in [
        r#"[{"campaign_id":"k1","status":"completed"}]"#,
        r#""call_started""#,
    ] {
        assert_eq!(send(&r, body.to_owned()).await.0, StatusCode::OK, "{body}");
    }
    assert_eq!(
        *seen.lock().unwrap(),
        vec![
            Some(serde_json::json!([{"campaign_id": "k1", "status": "completed"}])),
            Some(serde_json::json!("call_started")),
        ]
    );
}

/// A body whose `Content-Type` declares a legacy charset is read as that charset: a Latin-1
/// `é` is `é` in the event handed over, not a replacement character.
#[tokio::test]
async fn a_declared_latin1_body_is_read_as_latin1() {
    let (r, seen) = noting(|event| {
        let name = event
            .custom_args_values()
            .and_then(|v| v.get("name"))
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        (name, event.is_partial())
    });
    for (call, charset) in [("l1", "iso-8859-1"), ("l2", "\"windows-1252\"")] {
        let mut bytes = format!(
            r#"{{"event_type":"call_started","call_id":"{call}","custom_args_values":{{"name":"Jos"#
        )
        .into_bytes();
        bytes.extend_from_slice(b"\xe9\"}}");
        let req = request()
            .header(
                "content-type",
                format!("application/json; charset={charset}"),
            )
            .body(Full::new(Bytes::from(bytes)))
            .unwrap();
        assert_eq!(r.receive(req).await.status(), StatusCode::OK);
    }
    assert_eq!(
        *seen.lock().unwrap(),
        [
            (Some("José".to_owned()), false),
            (Some("José".to_owned()), false)
        ]
    );
}

/// A body that never yields a frame.
struct StalledBody;

impl Body for StalledBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Pending
    }
}

#[tokio::test]
async fn stalled_body_times_out_with_408() {
    let rec = Arc::new(Recorder::default());
    let r = WebhookReceiver::builder()
        .secret(SECRET)
        .read_timeout(Duration::from_millis(20))
        .shared_handler(rec.clone())
        .build()
        .unwrap();
    let req = Request::post("/")
        .header("authorization", format!("Bearer {SECRET}"))
        .body(StalledBody)
        .unwrap();
    assert_eq!(r.receive(req).await.status(), StatusCode::REQUEST_TIMEOUT);
}

#[tokio::test]
async fn service_call_matches_receive() {
    use tower_service::Service;
    let rec = Arc::new(Recorder::default());
    let mut r = receiver(rec.clone());
    let req = request()
        .body(Full::new(Bytes::from(event_json("call_started", "svc"))))
        .unwrap();
    std::future::poll_fn(|cx| Service::<Request<Full<Bytes>>>::poll_ready(&mut r, cx))
        .await
        .unwrap();
    let resp = r.call(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/json");
    assert_eq!(rec.seen().len(), 1);
}

#[test]
fn builder_errors() {
    let h = |_e: WebhookEvent| async { Ok::<_, HandlerError>(()) };
    assert_eq!(
        WebhookReceiver::builder().secret("x").build().unwrap_err(),
        BuildError::MissingHandler
    );
    assert_eq!(
        WebhookReceiver::builder().handler(h).build().unwrap_err(),
        BuildError::MissingSecret
    );
    assert_eq!(
        WebhookReceiver::builder()
            .handler(h)
            .secret("x")
            .max_body_bytes(0)
            .build()
            .unwrap_err(),
        BuildError::ZeroBodyLimit
    );
    assert!(matches!(
        WebhookReceiver::builder()
            .handler(h)
            .secret_header("no spaces allowed")
            .secret("x")
            .build()
            .unwrap_err(),
        BuildError::Verifier(VerifierConfigError::InvalidHeaderName(_))
    ));
    assert!(
        WebhookReceiver::builder()
            .handler(h)
            .allow_unauthenticated()
            .build()
            .is_ok()
    );
}

#[test]
fn debug_output_never_shows_secrets() {
    let builder = WebhookReceiver::builder()
        .secret("current-secret-value")
        .previous_secret("previous-secret-value")
        .handler(|_e: WebhookEvent| async { Ok::<_, HandlerError>(()) });
    let dbg = format!("{builder:?}");
    assert!(!dbg.contains("secret-value"), "{dbg}");
    let r = builder.build().unwrap();
    let dbg = format!("{r:?}");
    assert!(!dbg.contains("secret-value"), "{dbg}");
}
