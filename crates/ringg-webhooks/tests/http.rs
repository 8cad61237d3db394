//! The receiver over real HTTP on 127.0.0.1.

mod common;

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use common::{Recorder, TestServer, call_completed, event, send};
use http::{Request, StatusCode};
use http_body::{Body, Frame};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use ringg_webhooks::{HandlerError, WebhookEvent, WebhookHandler, WebhookReceiver};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const SECRET: &str = "whsec-current";
const PREVIOUS: &str = "whsec-previous";
const TEN_MIB: usize = 10 * 1024 * 1024;

fn receiver(handler: Arc<Recorder>) -> WebhookReceiver {
    WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret(SECRET)
        .previous_secret(PREVIOUS)
        .shared_handler(handler)
        .build()
        .unwrap()
}

/// A receiver with the test secret and `handler`.
fn with_handler(handler: impl WebhookHandler) -> WebhookReceiver {
    WebhookReceiver::builder()
        .secret_header("x-webhook-secret")
        .secret(SECRET)
        .handler(handler)
        .build()
        .unwrap()
}

fn auth() -> [(&'static str, &'static str); 2] {
    [
        ("x-webhook-secret", SECRET),
        ("content-type", "application/json"),
    ]
}

#[tokio::test]
async fn wrong_or_missing_secret_is_401_and_nothing_is_handed_over() {
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    let url = server.url("/webhooks/ringg");
    let body = event("call_started", "c1");
    let cases: [&[(&str, &str)]; 4] = [
        &[],
        &[("x-webhook-secret", "whsec-wrong")],
        &[("x-webhook-secret", "")],
        &[("authorization", "Bearer whsec-current")],
    ];
    for headers in cases {
        let (status, json) = send("POST", &url, headers, body.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{headers:?}");
        assert_eq!(json["error"]["code"], "unauthorized");
        assert!(
            !json.to_string().contains(SECRET),
            "the response never echoes the secret"
        );
    }
    assert_eq!(rec.calls(), 0);
    server.stop().await;
}

#[tokio::test]
async fn current_and_previous_secrets_are_both_accepted() {
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    let url = server.url("/");
    for (secret, call) in [(SECRET, "c1"), (PREVIOUS, "c2")] {
        let (status, json) = send(
            "POST",
            &url,
            &[("x-webhook-secret", secret)],
            event("call_started", call),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json["status"], "accepted");
    }
    assert_eq!(rec.events().len(), 2);
    server.stop().await;
}

#[tokio::test]
async fn authorization_bearer_header() {
    let rec = Recorder::new();
    let r = WebhookReceiver::builder()
        .secret_header("Authorization")
        .secret("tok-1")
        .shared_handler(rec.clone())
        .build()
        .unwrap();
    let server = TestServer::start(r).await;
    let url = server.url("/");
    let body = event("call_started", "c1");
    let (status, _) = send("POST", &url, &[("authorization", "tok-1")], body.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = send("POST", &url, &[("authorization", "Bearer tok-1")], body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rec.events().len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn malformed_json_is_400_with_a_json_error() {
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    let url = server.url("/");
    for body in ["{\"event_type\": \"call_started\",", "<xml/>", "", "[42,"] {
        let (status, json) = send("POST", &url, &auth(), body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body:?}");
        assert_eq!(json["error"]["code"], "malformed_json", "{body:?}");
        assert!(json["error"]["message"].as_str().unwrap().len() > 10);
    }
    assert_eq!(rec.calls(), 0);
    server.stop().await;
}

/// `on_malformed` is given the body of each authenticated delivery refused as malformed, so
/// it can be kept; an unauthenticated one is not passed on, and nor is a partial event.
#[tokio::test]
async fn a_malformed_delivery_is_passed_to_on_malformed() {
    let (server, kept) = keeping_malformed(false).await;
    let url = server.url("/");
    let cut = r#"[{"event_type":"call_started","call_id":"c-arr"}"#;
    let (status, _) = send("POST", &url, &auth(), cut).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // An array is JSON: handed over whole as a partial event, not refused.
    let array = r#"[{"event_type":"call_started","call_id":"c-arr"}]"#;
    let (status, _) = send("POST", &url, &auth(), array).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send("POST", &url, &[("x-webhook-secret", "wrong")], "[1]").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let partial = r#"{"event_type":"call_completed","call_id":"c-p","retry_count":"second"}"#;
    let (status, _) = send("POST", &url, &auth(), partial).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(*kept.lock().unwrap(), vec![cut.as_bytes().to_vec()]);
    server.stop().await;
    // A strict receiver refuses the array, and keeps it (no handler saw it); not an object
    // that did not fit the model.
    let (server, kept) = keeping_malformed(true).await;
    let url = server.url("/");
    let (status, _) = send("POST", &url, &auth(), array).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = send("POST", &url, &auth(), partial).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(*kept.lock().unwrap(), vec![array.as_bytes().to_vec()]);
    server.stop().await;
}

/// A receiver (strict or not) whose `on_malformed` notes each body it is given.
async fn keeping_malformed(strict: bool) -> (TestServer, Arc<std::sync::Mutex<Vec<Vec<u8>>>>) {
    let kept: Arc<std::sync::Mutex<Vec<Vec<u8>>>> = Arc::default();
    let receiver = WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret(SECRET)
        .strict(strict)
        .shared_handler(Recorder::new())
        .on_malformed({
            let kept = kept.clone();
            move |body: &[u8]| kept.lock().unwrap().push(body.to_vec())
        })
        .build()
        .unwrap();
    (TestServer::start(receiver).await, kept)
}

/// Deliberately changed: a JSON body with a field of the wrong type used to be a 400 (so Ringg
/// retried and then dropped it); it is now handed over as a partial event and answered 200.
/// The strict mode keeps the old 400.
#[tokio::test]
async fn wrong_field_type_is_a_partial_event_or_400_when_strict() {
    let cases = [
        (
            r#"{"event_type":"call_completed","call_id":"c1","transcript":[42]}"#,
            "transcript[0]",
        ),
        (r#"{"event_type":"call_started","call_id":7.5}"#, "call_id"),
        (r#"{"call_id":"c1","status":"completed"}"#, "event_type"),
    ];
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    for (body, path) in cases {
        let (status, json) = send("POST", &server.url("/"), &auth(), body).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(json["status"], "accepted", "{body}");
        let event = rec.events().pop().unwrap();
        assert_eq!(event.partial_error().unwrap().path(), path, "{body}");
        assert!(
            matches!(&event, WebhookEvent::Partial(x) if !x.is_mended()),
            "{body}"
        );
        assert_eq!(event.raw(), body);
    }
    assert_eq!(rec.events().len(), 3);
    server.stop().await;

    let rec = Recorder::new();
    let strict = WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret(SECRET)
        .strict(true)
        .shared_handler(rec.clone())
        .build()
        .unwrap();
    let server = TestServer::start(strict).await;
    for (body, path) in cases {
        let (status, json) = send("POST", &server.url("/"), &auth(), body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(json["error"]["code"], "invalid_payload", "{body}");
        assert_eq!(json["error"]["path"], path, "{body}");
        let message = json["error"]["message"].as_str().unwrap();
        assert!(message.contains(path), "{message}");
    }
    assert_eq!(rec.calls(), 0);
    server.stop().await;
}

/// JSON that serde_json refuses only for a `NaN` (Python's `json.dumps` writes it) or a lone
/// surrogate escape (an emoji cut in half) would be refused on every attempt, and Ringg drops
/// the event after the last: it is handed over as a partial event, read as mended, with the
/// body as received.
#[tokio::test]
async fn nan_and_lone_surrogates_are_handed_over_as_partial_events() {
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    let nan = r#"{"event_type":"call_completed","call_id":"c-nan","status":"failed","retry_count":2,"overall_latency_seconds":NaN,"first_utterance_seconds":-Infinity,"transcript":[]}"#;
    let surrogate = r#"{"event_type":"call_completed","call_id":"c-sur","status":"completed","transcript":[{"bot":"Namaste \ud83d"}]}"#;
    for body in [nan, surrogate] {
        let (status, json) = send("POST", &server.url("/"), &auth(), body).await;
        assert_eq!(status, StatusCode::OK, "{body}: {json}");
        // Ringg's retry of it is a repeat.
        let (_, again) = send("POST", &server.url("/"), &auth(), body).await;
        assert_eq!(again["status"], "duplicate", "{body}");
    }
    let events = rec.events();
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(WebhookEvent::is_partial));
    let mended = |e: &WebhookEvent| matches!(e, WebhookEvent::Partial(x) if x.is_mended());
    assert!(events.iter().all(mended));
    assert_eq!(events[0].raw(), nan);
    let read = events[0].to_value().unwrap();
    assert_eq!(read["overall_latency_seconds"], serde_json::Value::Null);
    assert_eq!(read["retry_count"], 2);
    let read = events[1].to_value().unwrap();
    assert_eq!(read["transcript"][0]["bot"], "Namaste \u{fffd}");
    // A byte that is not UTF-8 inside a string (an emoji's bytes cut short, Latin-1 text), and
    // a number beyond `f64`: mended the same way.
    let cut = b"{\"event_type\":\"call_completed\",\"call_id\":\"c-utf\",\"status\":\"completed\",\"transcript\":[{\"bot\":\"Namaste \xF0\x9F\"}],\"note\":\"Ren\xE9e\"}";
    let huge = r#"{"event_type":"call_completed","call_id":"c-big","status":"completed","call_duration":1e400,"transcript":[]}"#;
    for body in [&cut[..], huge.as_bytes()] {
        let (status, json) = send("POST", &server.url("/"), &auth(), body.to_vec()).await;
        assert_eq!(status, StatusCode::OK, "{json}");
    }
    let events = rec.events();
    assert_eq!(events.len(), 4);
    assert!(events[2..].iter().all(mended));
    let read = events[2].to_value().unwrap();
    assert_eq!(read["transcript"][0]["bot"], "Namaste \u{fffd}\u{fffd}");
    assert_eq!(read["note"], "Ren\u{fffd}e");
    assert_eq!(
        events[3].to_value().unwrap()["call_duration"],
        serde_json::Value::Null
    );
    // Printed as JSON, the line is JSON.
    let line = ringg_webhooks::OutputFormat::Json.render(&events[0]);
    assert!(
        serde_json::from_str::<serde_json::Value>(&line).is_ok(),
        "{line}"
    );
    server.stop().await;
}

/// A per-call callback whose transcript holds raw line breaks and tabs (a JSON writer that
/// builds its text by hand; such deliveries come without a `Content-Type` and are not sent
/// again): handed over, mended, with the body as received, not refused as malformed.
#[tokio::test]
async fn raw_line_breaks_inside_strings_are_handed_over() {
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    let body = "{\"status\":\"success\",\"data\":{\"call_id\":\"c-lf\",\"status\":\"completed\",\"retry\":0,\"transcript\":\"bot: Namaste\nuser: \tHi\r\n\"},\"message\":\"Call Details\"}";
    let headers = [("x-webhook-secret", SECRET)];
    let (status, json) = send("POST", &server.url("/"), &headers, body).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let (_, again) = send("POST", &server.url("/"), &headers, body).await;
    assert_eq!(again["status"], "duplicate");
    let events = rec.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].raw(), body);
    let read = events[0].to_value().unwrap();
    assert_eq!(read["data"]["transcript"], "bot: Namaste\nuser: \tHi\r\n");
    assert_eq!(read["data"]["call_id"], "c-lf");
    server.stop().await;
}

#[tokio::test]
async fn events_arrive_typed() {
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    let (status, _) = send(
        "POST",
        &server.url("/"),
        &auth(),
        call_completed("call-t", 2, "failed"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let events = rec.events();
    let WebhookEvent::CallCompleted(call) = &events[0] else {
        panic!("expected CallCompleted, got {:?}", events[0]);
    };
    assert_eq!(call.call_id.as_ref().unwrap().as_str(), "call-t");
    assert_eq!(call.retry_count, Some(2));
    assert_eq!(call.status.as_ref().map(|s| s.as_str()), Some("failed"));
    server.stop().await;
}

#[tokio::test]
async fn other_methods_are_405_and_any_path_is_accepted() {
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    let (status, json) = send("GET", &server.url("/"), &auth(), "").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(json["error"]["code"], "method_not_allowed");
    for (i, (method, path)) in [("POST", "/"), ("PUT", "/a/b"), ("PATCH", "/hooks?x=1")]
        .into_iter()
        .enumerate()
    {
        let body = event("call_started", &format!("c{i}"));
        let (status, _) = send(method, &server.url(path), &auth(), body).await;
        assert_eq!(status, StatusCode::OK, "{method} {path}");
    }
    assert_eq!(rec.events().len(), 3);
    server.stop().await;
}

/// Reads an HTTP/1.1 response head from a raw socket and returns the status code.
async fn read_status(stream: &mut TcpStream) -> u16 {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed before a response: {buf:?}");
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf);
    head.split(' ').nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn declared_10_mib_body_is_refused_before_any_of_it_is_sent() {
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST /hooks HTTP/1.1\r\nhost: {}\r\nx-webhook-secret: {SECRET}\r\n\
         content-type: application/json\r\ncontent-length: {TEN_MIB}\r\n\r\n",
        server.addr
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // Not one body byte was written, yet the answer comes.
    let status = tokio::time::timeout(Duration::from_secs(10), read_status(&mut stream))
        .await
        .expect("the receiver answered before reading the body");
    assert_eq!(status, 413);
    assert_eq!(rec.calls(), 0);
    server.stop().await;
}

/// Wraps the server side's request body and counts the bytes the receiver pulls from it.
struct CountedBody {
    inner: Incoming,
    read: Arc<AtomicUsize>,
}

impl Body for CountedBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled
            && let Some(data) = frame.data_ref()
        {
            self.read.fetch_add(data.len(), Ordering::SeqCst);
        }
        polled
    }
}

/// A client body of `remaining` bytes in 64 KiB frames with no declared length (so it is sent
/// chunked).
struct Unsized {
    remaining: usize,
}

impl Body for Unsized {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        let n = self.remaining.min(64 * 1024);
        self.remaining -= n;
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b' '; n])))))
    }
}

#[tokio::test]
async fn streamed_10_mib_body_is_refused_after_reading_at_most_the_limit() {
    let rec = Recorder::new();
    let r = receiver(rec.clone());
    let limit = r.max_body_bytes();
    let read = Arc::new(AtomicUsize::new(0));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = {
        let read = read.clone();
        tokio::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
                let (r, read) = (r.clone(), read.clone());
                async move {
                    let req = req.map(|inner| CountedBody { inner, read });
                    Ok::<_, Infallible>(r.receive(req).await)
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        })
    };
    let req = Request::post(format!("http://{addr}/"))
        .header("x-webhook-secret", SECRET)
        .body(Unsized { remaining: TEN_MIB })
        .unwrap();
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Unsized>();
    let resp = client
        .request(req)
        .await
        .expect("the receiver answers early");
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let json: serde_json::Value =
        serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(json["error"]["code"], "payload_too_large");
    let read = read.load(Ordering::SeqCst);
    assert!(
        read <= limit + 512 * 1024,
        "the receiver read {read} bytes of a 10 MiB body with a {limit}-byte limit"
    );
    assert_eq!(rec.calls(), 0);
    server.abort();
}

#[tokio::test]
async fn duplicate_and_out_of_order_deliveries_are_handed_over_once_each() {
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    let url = server.url("/");
    let deliveries = [
        event("all_processing_completed", "call-a"),
        event("recording_completed", "call-a"),
        event("call_started", "call-a"),
        call_completed("call-a", 1, "completed"),
        event("recording_completed", "call-a"),
        call_completed("call-a", 0, "retry"),
        event("call_started", "call-b"),
        event("call_started", "call-a"),
        call_completed("call-a", 1, "completed"),
        event("platform_analysis_completed", "call-a"),
        event("all_processing_completed", "call-a"),
        call_completed("call-a", 0, "retry"),
    ];
    let mut statuses = Vec::new();
    for body in deliveries {
        let (status, json) = send("POST", &url, &auth(), body).await;
        assert_eq!(status, StatusCode::OK);
        statuses.push(json["status"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        statuses.iter().filter(|s| *s == "accepted").count(),
        7,
        "{statuses:?}"
    );
    let got = rec.described();
    let a = |t: &str| (t.to_owned(), Some("call-a".to_owned()));
    assert_eq!(
        got,
        vec![
            a("all_processing_completed"),
            a("recording_completed"),
            a("call_started"),
            a("call_completed"),
            a("call_completed"),
            ("call_started".to_owned(), Some("call-b".to_owned())),
            a("platform_analysis_completed"),
        ]
    );
    server.stop().await;
}

/// Events of two attempts of one call that name their attempt (`retry_count`) are two events,
/// whatever their type; a retry of either delivery is a repeat.
#[tokio::test]
async fn events_of_two_attempts_of_one_call_are_each_handed_over() {
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    let url = server.url("/");
    let of_attempt = |event_type: &str, n: u32| {
        serde_json::json!({
            "event_type": event_type,
            "call_id": "call-r",
            "retry_count": n,
            "recording_url": format!("https://r.example/{n}.mp3"),
        })
        .to_string()
    };
    let mut statuses = Vec::new();
    for event_type in ["recording_completed", "voicemail_left"] {
        for body in [
            of_attempt(event_type, 0),
            of_attempt(event_type, 1),
            of_attempt(event_type, 1),
        ] {
            let (status, json) = send("POST", &url, &auth(), body).await;
            assert_eq!(status, StatusCode::OK);
            statuses.push(json["status"].as_str().unwrap().to_owned());
        }
    }
    let expected = ["accepted", "accepted", "duplicate"].repeat(2);
    assert_eq!(statuses, expected);
    let urls: Vec<String> = rec
        .events()
        .iter()
        .map(|e| e.to_value().unwrap()["recording_url"].to_string())
        .collect();
    assert_eq!(urls.len(), 4, "{urls:?}");
    assert!(
        urls[1].contains("1.mp3") && urls[3].contains("1.mp3"),
        "{urls:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn concurrent_duplicates_are_handed_over_once() {
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    let url = server.url("/");
    let sends = (0..8).map(|_| {
        let url = url.clone();
        tokio::spawn(
            async move { send("POST", &url, &auth(), event("call_ongoing", "call-c")).await },
        )
    });
    let mut accepted = 0;
    for task in sends {
        let (status, json) = task.await.unwrap();
        // A repeat is acknowledged, or, while the first is being handled, told to come back.
        match status {
            StatusCode::OK => accepted += usize::from(json["status"] == "accepted"),
            StatusCode::SERVICE_UNAVAILABLE => assert_eq!(json["error"]["code"], "in_flight"),
            other => panic!("{other}: {json}"),
        }
    }
    assert_eq!(accepted, 1);
    assert_eq!(rec.events().len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn handler_failure_is_500_and_the_retry_is_handed_over_exactly_once() {
    let rec = Recorder::failing_first(1);
    let server = TestServer::start(receiver(rec.clone())).await;
    let url = server.url("/");
    let body = call_completed("call-r", 0, "completed");
    let (status, json) = send("POST", &url, &auth(), body.clone()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(json["error"]["code"], "handler_failed");
    assert!(rec.events().is_empty());
    // Ringg's retry (+10 s in production) is handed over...
    let (status, json) = send("POST", &url, &auth(), body.clone()).await;
    assert_eq!(
        (status, json["status"].as_str()),
        (StatusCode::OK, Some("accepted"))
    );
    // ...and a further repeat is not.
    let (status, json) = send("POST", &url, &auth(), body).await;
    assert_eq!(
        (status, json["status"].as_str()),
        (StatusCode::OK, Some("duplicate"))
    );
    assert_eq!(rec.events().len(), 1);
    assert_eq!(rec.calls(), 2);
    server.stop().await;
}

#[tokio::test]
async fn different_deliveries_without_a_readable_type_about_one_call_are_each_handed_over() {
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    let url = server.url("/");
    let a = serde_json::json!({"call_id": "call-m", "status": "completed"});
    let b = serde_json::json!({"event_type": 5, "call_id": "call-m"});
    for body in [&a, &b] {
        let (status, json) = send("POST", &url, &auth(), body.to_string()).await;
        assert_eq!(
            (status, json["status"].as_str()),
            (StatusCode::OK, Some("accepted")),
            "{body}"
        );
    }
    // The same body again is a repeat.
    let (status, json) = send("POST", &url, &auth(), b.to_string()).await;
    assert_eq!(
        (status, json["status"].as_str()),
        (StatusCode::OK, Some("duplicate"))
    );
    let events = rec.events();
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(WebhookEvent::is_partial));
    server.stop().await;
}

/// A retry that overtakes a slow first attempt whose handler then fails is not lost: it is
/// told to come back (503) while the first is handled, and handed over after the failure.
#[tokio::test]
async fn a_retry_overtaking_a_slow_failing_attempt_is_handed_over_later() {
    let calls = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(tokio::sync::Notify::new());
    let handler = {
        let (calls, started) = (calls.clone(), started.clone());
        move |_event: WebhookEvent| {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            let started = started.clone();
            async move {
                if n > 0 {
                    return Ok(());
                }
                started.notify_one();
                tokio::time::sleep(Duration::from_millis(300)).await;
                Err(HandlerError::msg("the database is down"))
            }
        }
    };
    let server = TestServer::start(with_handler(handler)).await;
    let url = server.url("/");
    let body = call_completed("call-slow", 0, "completed");
    let first = {
        let (url, body) = (url.clone(), body.clone());
        tokio::spawn(async move { send("POST", &url, &auth(), body).await })
    };
    started.notified().await;
    let (status, json) = send("POST", &url, &auth(), body.clone()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{json}");
    assert_eq!(json["error"]["code"], "in_flight");
    let (status, _) = first.await.unwrap();
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let (status, json) = send("POST", &url, &auth(), body).await;
    assert_eq!(
        (status, json["status"].as_str()),
        (StatusCode::OK, Some("accepted"))
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    server.stop().await;
}

#[tokio::test]
async fn unknown_event_types_are_handed_over_with_their_json() {
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    let body = serde_json::json!({
        "event_type": "call_transferred",
        "call_id": "call-u",
        "transfer_to": "+919876543210",
        "nested": {"k": [1, 2, 3]}
    })
    .to_string();
    let (status, _) = send("POST", &server.url("/"), &auth(), body).await;
    assert_eq!(status, StatusCode::OK);
    let events = rec.events();
    assert_eq!(events.len(), 1);
    assert_eq!(
        common::describe(&events[0]),
        ("call_transferred".to_owned(), Some("call-u".to_owned()))
    );
    let WebhookEvent::Unknown(unknown) = &events[0] else {
        panic!("expected Unknown, got {:?}", events[0]);
    };
    assert_eq!(unknown.raw["transfer_to"], "+919876543210");
    assert_eq!(unknown.raw["nested"]["k"][2], 3);
    server.stop().await;
}

#[tokio::test]
async fn shutdown_lets_a_delivery_in_flight_finish() {
    let started = Arc::new(tokio::sync::Notify::new());
    let handler = {
        let started = started.clone();
        move |_event: WebhookEvent| {
            let started = started.clone();
            async move {
                started.notify_one();
                tokio::time::sleep(Duration::from_millis(200)).await;
                Ok::<_, HandlerError>(())
            }
        }
    };
    let server = TestServer::start(with_handler(handler)).await;
    let url = server.url("/");
    let delivery =
        tokio::spawn(async move { send("POST", &url, &auth(), event("call_started", "c")).await });
    started.notified().await;
    server.stop().await;
    let (status, _) = delivery.await.unwrap();
    assert_eq!(status, StatusCode::OK);
}

fn gzip(body: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(body).unwrap();
    encoder.finish().unwrap()
}

fn zlib(body: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(body).unwrap();
    encoder.finish().unwrap()
}

fn raw_deflate(body: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(body).unwrap();
    encoder.finish().unwrap()
}

/// A delivery compressed by its sender (`Content-Encoding: gzip`, `x-gzip`, `deflate` in zlib's
/// or the raw format, several codings) is handed over; so is one labelled `gzip` that is not.
#[tokio::test]
async fn compressed_deliveries_are_handed_over() {
    let rec = Recorder::new();
    let server = TestServer::start(receiver(rec.clone())).await;
    let url = server.url("/");
    let body = |call: &str| event("call_started", call).into_bytes();
    let mut trailing = gzip(&body("z8"));
    trailing.extend_from_slice(b"\0\0\0\0 trailing");
    let cases: [(&str, &str, Vec<u8>); 8] = [
        ("z1", "gzip", gzip(&body("z1"))),
        ("z2", "X-Gzip", gzip(&body("z2"))),
        ("z3", "deflate", zlib(&body("z3"))),
        ("z4", "deflate", raw_deflate(&body("z4"))),
        // Applied in the order listed: deflate first, then gzip.
        ("z5", "deflate, gzip", gzip(&zlib(&body("z5")))),
        ("z6", "identity", body("z6")),
        // Labelled gzip, sent plain: read as it came.
        ("z7", "gzip", body("z7")),
        // A whole member, then bytes that are not another: the member is read.
        ("z8", "gzip", trailing),
    ];
    for (call, coding, bytes) in cases {
        let headers = [
            ("x-webhook-secret", SECRET),
            ("content-type", "application/json"),
            ("content-encoding", coding),
        ];
        let (status, json) = send("POST", &url, &headers, bytes).await;
        assert_eq!(status, StatusCode::OK, "{call} {coding}: {json}");
    }
    let calls: Vec<_> = rec.described().into_iter().map(|(_, c)| c).collect();
    let expected: Vec<_> = (1..=8).map(|n| Some(format!("z{n}"))).collect();
    assert_eq!(calls, expected);
    server.stop().await;
}

/// A coding the receiver cannot undo, or more than two, is refused with 415 and the body kept
/// (`on_malformed`); a small body that decompresses past the limit is refused with 413 and
/// kept as it came.
#[tokio::test]
async fn an_unknown_coding_is_kept_and_a_decompression_bomb_is_refused() {
    let (server, kept) = keeping_malformed(false).await;
    let url = server.url("/");
    let body = event("call_started", "b1");
    let headers = [("x-webhook-secret", SECRET), ("content-encoding", "br")];
    let (status, json) = send("POST", &url, &headers, body.clone()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(json["error"]["code"], "unsupported_encoding");
    assert!(json["error"]["message"].as_str().unwrap().contains("`br`"));
    assert_eq!(*kept.lock().unwrap(), vec![body.into_bytes()]);

    let padding = "a".repeat(2 * 1024 * 1024);
    let big = serde_json::json!({"event_type": "call_started", "call_id": "b2", "pad": padding});
    let compressed = gzip(big.to_string().as_bytes());
    assert!(compressed.len() < 64 * 1024);
    let headers = [("x-webhook-secret", SECRET), ("content-encoding", "gzip")];
    let (status, json) = send("POST", &url, &headers, compressed.clone()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let message = json["error"]["message"].as_str().unwrap();
    assert!(message.contains("decompressed"), "{message}");
    assert_eq!(kept.lock().unwrap().last(), Some(&compressed));

    let thrice = gzip(&gzip(&gzip(event("call_started", "b3").as_bytes())));
    let headers = [
        ("x-webhook-secret", SECRET),
        ("content-encoding", "gzip, gzip, gzip"),
    ];
    let (status, json) = send("POST", &url, &headers, thrice.clone()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let message = json["error"]["message"].as_str().unwrap();
    assert!(message.contains("3 codings"), "{message}");
    assert_eq!(kept.lock().unwrap().last(), Some(&thrice));
    // A whole member, then a damaged one: not read in part (the rest would be lost), but kept
    // as it came.
    let mut split = gzip(br#"{"event_type":"call_started","#);
    let second = gzip(br#""call_id":"b4"}"#);
    split.extend_from_slice(&second[..second.len() - 6]);
    let headers = [("x-webhook-secret", SECRET), ("content-encoding", "gzip")];
    let (status, json) = send("POST", &url, &headers, split.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
    assert_eq!(kept.lock().unwrap().last(), Some(&split));
    assert_eq!(kept.lock().unwrap().len(), 4);
    server.stop().await;
}
