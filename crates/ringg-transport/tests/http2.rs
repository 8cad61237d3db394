//! HTTP/2 refusals: a stream the server refused before handling it counts as not sent, so the
//! retry layer sends even a call initiation again (reqwest's own retries are off).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use common::initiate;
use ringg_transport::layers::{RetryBudget, RetryPolicy};
use ringg_transport::{ReqwestTransport, StackBuilder};
use ringg_types::Secret;
use tokio::net::TcpListener;

/// An HTTP/2 server (prior knowledge, no TLS) that refuses the first `refuse` streams with
/// `REFUSED_STREAM` and answers the others 200 `{}`; counts the streams it saw.
async fn refusing_server(refuse: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let Ok(mut conn) = h2::server::handshake(socket).await else {
                    return;
                };
                while let Some(Ok((_request, mut respond))) = conn.accept().await {
                    if counter.fetch_add(1, Ordering::SeqCst) < refuse {
                        respond.send_reset(h2::Reason::REFUSED_STREAM);
                        continue;
                    }
                    let response = http::Response::builder().status(200).body(()).unwrap();
                    if let Ok(mut stream) = respond.send_response(response, false) {
                        let _ = stream.send_data(Bytes::from_static(b"{}"), true);
                    }
                }
            });
        }
    });
    (format!("http://{addr}"), seen)
}

fn stack(policy: RetryPolicy) -> Arc<dyn ringg_transport::Transport> {
    let transport = ReqwestTransport::from_client_builder(
        ReqwestTransport::client_builder().http2_prior_knowledge(),
        Some(Duration::from_secs(30)),
    )
    .unwrap();
    StackBuilder::new(Secret::new("k"))
        .retry(policy)
        .retry_budget(RetryBudget::new(100, 0.0))
        .build_reqwest(transport)
}

#[tokio::test]
async fn a_refused_stream_is_not_sent_so_even_a_call_initiation_is_retried() {
    let (base, seen) = refusing_server(1).await;
    let policy = RetryPolicy {
        initial_backoff: Duration::from_millis(10),
        jitter: false,
        ..RetryPolicy::default()
    };
    let resp = stack(policy).execute(initiate(&base)).await.unwrap();
    assert_eq!(resp.status.as_u16(), 200);
    assert_eq!(
        seen.load(Ordering::SeqCst),
        2,
        "refused once, then answered"
    );
}

#[tokio::test]
async fn a_refused_stream_without_retries_left_is_reported_not_sent() {
    let (base, seen) = refusing_server(usize::MAX).await;
    let err = stack(RetryPolicy::none())
        .execute(initiate(&base))
        .await
        .unwrap_err();
    assert!(err.is_not_sent(), "{err}");
    assert!(err.to_string().contains("refused"), "{err}");
    assert_eq!(
        seen.load(Ordering::SeqCst),
        1,
        "reqwest itself did not resend it"
    );
}

/// An HTTP/2 server that answers the first stream with a `200` head and part of its body, then
/// resets that stream with `REFUSED_STREAM` (a server or proxy breaking RFC 9113 §8.7: the
/// request was handled); later streams get a whole `200`. Counts the streams it accepted.
async fn answers_then_refuses() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let Ok(mut conn) = h2::server::handshake(socket).await else {
                    return;
                };
                while let Some(Ok((_request, mut respond))) = conn.accept().await {
                    let first = counter.fetch_add(1, Ordering::SeqCst) == 0;
                    let response = http::Response::builder().status(200).body(()).unwrap();
                    let Ok(mut stream) = respond.send_response(response, false) else {
                        continue;
                    };
                    if first {
                        let _ = stream.send_data(Bytes::from_static(b"{\"call_id\":"), false);
                        tokio::spawn(async move {
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            stream.send_reset(h2::Reason::REFUSED_STREAM);
                        });
                    } else {
                        let _ = stream.send_data(Bytes::from_static(b"{\"call_id\":\"c2\"}"), true);
                    }
                }
            });
        }
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn a_stream_refused_after_its_answer_began_counts_as_sent() {
    let (base, seen) = answers_then_refuses().await;
    let policy = RetryPolicy {
        initial_backoff: Duration::from_millis(10),
        jitter: false,
        ..RetryPolicy::default()
    };
    let result = stack(policy).execute(initiate(&base)).await;
    assert_eq!(
        seen.load(Ordering::SeqCst),
        1,
        "the answered call initiation was sent again: {result:?}"
    );
    let err = result.expect_err("the answer was cut");
    assert!(err.is_outcome_unknown(), "{err}");
}
