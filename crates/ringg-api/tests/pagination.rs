//! Pagination over 2,500 history rows returns each row exactly once, whichever way the
//! endpoint signals the end of the list.

mod common;

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::{StreamExt, TryStreamExt};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use ringg_api::Client;
use ringg_api::types::calls::CallHistoryQuery;
use serde_json::json;

#[derive(Clone, Copy, Debug)]
enum EndStyle {
    /// `total` is the number of rows.
    Total,
    /// `total` is the string "many".
    Many,
    /// No metadata at all, just rows.
    RowsOnly,
}

/// A loopback server with `rows` history rows, answering in the given style.
async fn history_server(
    rows: usize,
    style: EndStyle,
) -> (
    String,
    Arc<AtomicUsize>,
    Arc<std::sync::Mutex<Vec<(u64, u64)>>>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let pages: Arc<std::sync::Mutex<Vec<(u64, u64)>>> = Arc::default();
    let (h2, p2) = (hits.clone(), pages.clone());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (hits, pages) = (h2.clone(), p2.clone());
            tokio::spawn(async move {
                let svc = service_fn(move |req: Request<Incoming>| {
                    let (hits, pages) = (hits.clone(), pages.clone());
                    async move {
                        hits.fetch_add(1, Ordering::SeqCst);
                        let q: Vec<(String, String)> =
                            url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
                                .into_owned()
                                .collect();
                        let get = |k: &str| {
                            q.iter()
                                .find(|(n, _)| n == k)
                                .map(|(_, v)| v.parse::<u64>().unwrap())
                        };
                        let (limit, offset) = (
                            get("limit").expect("limit is always sent"),
                            get("offset").expect("offset is always sent"),
                        );
                        pages.lock().unwrap().push((limit, offset));
                        let end = (offset + limit).min(rows as u64);
                        let calls: Vec<_> = (offset..end)
                            .map(|i| json!({"id": format!("call-{i:05}"), "status": "completed", "to_number": "+919800000000"}))
                            .collect();
                        let mut body = json!({"calls": calls});
                        match style {
                            EndStyle::Total => {
                                body["total"] = json!(rows);
                                body["limit"] = json!(limit);
                                body["offset"] = json!(offset);
                                body["count"] = json!(end.saturating_sub(offset));
                            }
                            EndStyle::Many => body["total"] = json!("many"),
                            EndStyle::RowsOnly => {}
                        }
                        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(body.to_string()))))
                    }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    (format!("http://{addr}/ca/api/v0"), hits, pages)
}

async fn collect_all(base: &str) -> Vec<String> {
    let client = Client::builder()
        .ignore_env()
        .api_key("k")
        .base_url(base)
        .build()
        .unwrap();
    client
        .calls()
        .history_stream(CallHistoryQuery::default())
        .map_ok(|r| r.id.to_string())
        .try_collect()
        .await
        .unwrap()
}

#[tokio::test]
async fn each_row_exactly_once_for_every_end_style() {
    for style in [EndStyle::Total, EndStyle::Many, EndStyle::RowsOnly] {
        for rows in [2_500usize, 2_537] {
            let (base, hits, pages) = history_server(rows, style).await;
            let ids = collect_all(&base).await;
            let unique: HashSet<_> = ids.iter().collect();
            assert_eq!(ids.len(), rows, "{style:?} {rows}: rows returned");
            assert_eq!(unique.len(), rows, "{style:?} {rows}: duplicates");
            let full_pages = rows / 100;
            let expected_hits = match (style, rows % 100) {
                (EndStyle::Total, 0) => full_pages,
                (_, 0) => full_pages + 1, // one empty page proves the end
                _ => full_pages + 1,      // the short last page
            };
            assert_eq!(
                hits.load(Ordering::SeqCst),
                expected_hits,
                "{style:?} {rows}: pages fetched"
            );
            let pages = pages.lock().unwrap().clone();
            for (i, (limit, offset)) in pages.iter().enumerate() {
                assert_eq!((*limit, *offset), (100, i as u64 * 100));
            }
        }
    }
}

#[tokio::test]
async fn pages_are_fetched_lazily() {
    let (base, hits, _) = history_server(2_500, EndStyle::Many).await;
    let client = Client::builder()
        .ignore_env()
        .api_key("k")
        .base_url(&base)
        .build()
        .unwrap();
    let stream = client.calls().history_stream(CallHistoryQuery::default());
    futures::pin_mut!(stream);
    let first: Vec<_> = (&mut stream)
        .take(150)
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(first.len(), 150);
    assert_eq!(
        hits.load(Ordering::SeqCst),
        2,
        "only the pages needed so far"
    );
}

#[tokio::test]
async fn simulator_history_of_2500_rows_streams_each_row_once() {
    let (sim, client) = common::start(ringg_sim::Simulator::builder().history_rows(2_500)).await;
    let ids: Vec<String> = client
        .calls()
        .history_stream(CallHistoryQuery::default())
        .map_ok(|r| r.id.to_string())
        .try_collect()
        .await
        .unwrap();
    let unique: HashSet<_> = ids.iter().collect();
    assert!(ids.len() >= 2_500);
    assert_eq!(unique.len(), ids.len());
    sim.shutdown().await;
}
