//! Pagination over 2,500 history rows returns each row exactly once, whichever way the
//! endpoint signals the end of the list; a server that pages smaller than asked, or not at
//! all, loses no row.

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::{StreamExt, TryStreamExt};
use ringg_api::calls::{CLIENT_REFERENCE_KEY, ReconcileQuery};
use ringg_api::types::ListId;
use ringg_api::types::calls::CallHistoryQuery;
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug)]
enum EndStyle {
    /// `total` is the number of rows.
    Total,
    /// `total` is the string "many".
    Many,
    /// No metadata at all, just rows.
    RowsOnly,
    /// `total` lags the list: 250 rows fewer than it holds (a count made earlier, or an
    /// estimate).
    LaggingTotal,
}

/// A loopback server with `rows` history rows, answering in the given style, with pages of
/// at most `cap` rows (the `limit` it applied is echoed in the `Total` style); the number of
/// requests and each one's `(limit, offset)`.
async fn history_server(
    rows: usize,
    style: EndStyle,
    cap: u64,
) -> (
    String,
    Arc<AtomicUsize>,
    Arc<std::sync::Mutex<Vec<(u64, u64)>>>,
) {
    let hits = Arc::new(AtomicUsize::new(0));
    let pages: Arc<std::sync::Mutex<Vec<(u64, u64)>>> = Arc::default();
    let (h2, p2) = (hits.clone(), pages.clone());
    let base = common::scripted_server(Arc::new(move |_path, q| {
        h2.fetch_add(1, Ordering::SeqCst);
        let asked = common::query_number(q, "limit").expect("limit is always sent");
        let offset = common::query_number(q, "offset").expect("offset is always sent");
        p2.lock().unwrap().push((asked, offset));
        let limit = asked.min(cap);
        let end = (offset + limit).min(rows as u64);
        let calls: Vec<_> = (offset..end)
            .map(|i| json!({"id": format!("call-{i:05}"), "status": "completed", "to_number": "+919800000000", "custom_args_values": {CLIENT_REFERENCE_KEY: format!("ref-{i}")}}))
            .collect();
        let mut body = json!({"calls": calls});
        match style {
            EndStyle::Total => {
                body["total"] = json!(rows);
                body["limit"] = json!(limit);
                body["offset"] = json!(offset);
                body["count"] = json!(end.saturating_sub(offset));
            }
            EndStyle::LaggingTotal => body["total"] = json!(rows.saturating_sub(250)),
            EndStyle::Many => body["total"] = json!("many"),
            EndStyle::RowsOnly => {}
        }
        body
    }))
    .await;
    (base, hits, pages)
}

async fn collect_all(base: &str) -> Vec<String> {
    common::client_for(base)
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
            let (base, hits, pages) = history_server(rows, style, 100).await;
            let ids = collect_all(&base).await;
            let unique: HashSet<_> = ids.iter().collect();
            assert_eq!(ids.len(), rows, "{style:?} {rows}: rows returned");
            assert_eq!(unique.len(), rows, "{style:?} {rows}: duplicates");
            let full_pages = rows / 100;
            // One empty page proves the end after a full last page (a total may lag the
            // list); otherwise the short last page does.
            let expected_hits = full_pages + 1;
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

/// A full page past the total says the total lags: the stream reads on to the list's end
/// instead of stopping where the count said (a reconcile stopping there would take a call past
/// it for one never placed).
#[tokio::test]
async fn rows_past_a_lagging_total_are_read() {
    // The total lands inside a page, and on a page's end.
    for rows in [2_500usize, 2_537, 2_550] {
        let (base, hits, _) = history_server(rows, EndStyle::LaggingTotal, 100).await;
        let ids = collect_all(&base).await;
        let unique: HashSet<_> = ids.iter().collect();
        assert_eq!((ids.len(), unique.len()), (rows, rows), "{rows} rows");
        // Every page, plus one empty page after a list of whole pages.
        assert_eq!(hits.load(Ordering::SeqCst), rows / 100 + 1, "{rows} rows");
    }
}

/// A server that ignores the offset, with a total that is right: the page after the one that
/// reached the total repeats it, which ends the list (each row once), not an error.
#[tokio::test]
async fn a_server_ignoring_the_offset_with_a_right_total_ends_cleanly() {
    let base = common::scripted_server(Arc::new(|_, _| {
        let calls: Vec<_> = (0..100)
            .map(|i| json!({"id": format!("call-{i:05}"), "status": "completed"}))
            .collect();
        json!({"calls": calls, "total": 100})
    }))
    .await;
    let ids = collect_all(&base).await;
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!((ids.len(), unique.len()), (100, 100));
}

#[tokio::test]
async fn pages_are_fetched_lazily() {
    let (base, hits, _) = history_server(2_500, EndStyle::Many, 100).await;
    let client = common::client_for(&base);
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

/// A server that applies pages of 50 when 100 are asked (§1.4: the cap is documented only in
/// prose) says so in the echoed `limit`, and `total: 120` says rows remain: the stream reads
/// all 120, and a search for a call past the first page finds it, where stopping at the
/// short page would report a placed call as not placed.
#[tokio::test]
async fn a_server_that_pages_smaller_than_asked_loses_no_row() {
    let (base, hits, _) = history_server(120, EndStyle::Total, 50).await;
    let ids = collect_all(&base).await;
    assert_eq!(ids.len(), 120, "the stream ended after {} rows", ids.len());
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    let found = common::client_for(&base)
        .calls()
        .reconcile(ReconcileQuery::new("ref-70"))
        .await
        .unwrap();
    assert_eq!(
        found.map(|r| r.id.to_string()).as_deref(),
        Some("call-00070")
    );
}

/// The same for `/campaign/all` (§2.5.4: `pagination: {limit, offset, total}`): a resumed
/// launch asks `find_list` whether its list still exists, and takes `None` for a list deleted
/// elsewhere, which it uploads and starts again.
#[tokio::test]
async fn a_campaign_past_a_page_the_server_capped_is_found() {
    let base = common::scripted_server(Arc::new(|_path, q| {
        let limit = common::query_number(q, "limit").unwrap_or(10).min(50);
        let offset = common::query_number(q, "offset").unwrap_or(0);
        let end = (offset + limit).min(120);
        let campaigns: Vec<Value> = (offset..end)
            .map(|i| {
                json!({
                    "id": format!("list-{i}"),
                    "name": format!("Campaign {i}"),
                    "campaign_status": "ongoing",
                    "created_at": "2026-10-17T10:00:00.000000+00:00",
                })
            })
            .collect();
        json!({
            "campaigns": campaigns,
            "pagination": { "limit": limit, "offset": offset, "total": 120 },
        })
    }))
    .await;
    let c = common::client_for(&base);
    let found = c
        .campaigns()
        .find_list(&ListId::new("list-70"), None)
        .await
        .unwrap();
    assert_eq!(found.map(|c| c.id.to_string()).as_deref(), Some("list-70"));
    let all: Vec<_> = c
        .campaigns()
        .stream(Default::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 120);
}

/// A server with a page size of its own, larger than asked (20 for 10), that honours the
/// offset and gives no numeric total (`"many"`): every row is read.
#[tokio::test]
async fn a_server_paging_larger_than_asked_loses_no_row() {
    let base = common::scripted_server(Arc::new(|_path, q| {
        let offset = common::query_number(q, "offset").unwrap_or(0);
        let end = (offset + 20).min(50);
        let calls: Vec<_> = (offset..end)
            .map(|i| json!({"id": format!("call-{i:05}"), "status": "completed", "to_number": "+919800000000"}))
            .collect();
        json!({"calls": calls, "total": "many"})
    }))
    .await;
    let q = CallHistoryQuery {
        limit: Some(10),
        ..CallHistoryQuery::default()
    };
    let got: Vec<_> = common::client_for(&base)
        .calls()
        .history_stream(q)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(got.len(), 50);
}

/// §2.2.1: the old docs gave `/workspace/numbers` no pagination. A server that ignores
/// `limit` and `offset` answers all 150 numbers each time: the stream yields them once and
/// ends when the next page repeats them, instead of failing on the repeated page.
#[tokio::test]
async fn a_list_the_server_does_not_page_is_read_once() {
    let all: Vec<Value> = (0..150)
        .map(|i| json!({"id": format!("num-{i}"), "number": format!("+9180000{i:05}")}))
        .collect();
    let base = common::scripted_server(Arc::new(
        move |_, _| json!({ "workspace_numbers": all.clone() }),
    ))
    .await;
    let got: Vec<_> = common::client_for(&base)
        .numbers()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(got.len(), 150);
}
