//! History pages against the whole history: every page, filtered or not, is the slice of the
//! newest-first history it should be, with the same total, at every offset; also after a
//! second batch of seeded rows landed among the first.

mod common;

use std::collections::HashSet;

use common::{Api, start};
use ringg_sim::{Simulator, demo};
use serde_json::Value;

/// Every row `query` selects, page by page (100 at a time), and the total each page reported.
async fn every_page(api: &Api, query: &str) -> (Vec<Value>, u64) {
    let mut rows = Vec::new();
    let mut total = None;
    loop {
        let page = api
            .get(&format!(
                "/calling/history?limit=100&offset={}{query}",
                rows.len()
            ))
            .await;
        assert_eq!(page.status, 200, "{query}: {}", page.body);
        let page_total = page.body["total"].as_u64().unwrap();
        assert_eq!(*total.get_or_insert(page_total), page_total, "{query}");
        let calls = page.body["calls"].as_array().unwrap();
        assert_eq!(page.body["count"], calls.len(), "{query}");
        if calls.is_empty() {
            break;
        }
        rows.extend(calls.iter().cloned());
    }
    (rows, total.unwrap_or_default())
}

fn ids(rows: &[Value]) -> Vec<&str> {
    rows.iter().map(|r| r["id"].as_str().unwrap()).collect()
}

fn created(row: &Value) -> &str {
    row["created_at"].as_str().unwrap()
}

/// Which rows of the whole history a filtered query should return.
type Keep<'a> = Box<dyn Fn(&Value) -> bool + 'a>;

/// A query-string value, percent-encoded.
fn urlenc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[tokio::test]
async fn pages_are_slices_of_the_newest_first_history() {
    let (sim, api) = start(
        Simulator::builder()
            .time_scale(0.0001)
            .seed(11)
            .history_rows(450),
    )
    .await;
    // A second batch spans the same week, so its rows land among the first batch's.
    sim.handle().seed_history(120);

    let (all, total) = every_page(&api, "").await;
    assert_eq!(total, 570);
    assert_eq!(all.len(), 570);
    assert_eq!(ids(&all).into_iter().collect::<HashSet<_>>().len(), 570);
    // Newest first (one offset throughout, so text order is time order).
    assert!(all.windows(2).all(|w| created(&w[0]) >= created(&w[1])));

    // Rows show microseconds and calls keep nanoseconds: the end bound is one microsecond
    // past the newest row it should include.
    let start_at = created(&all[400]);
    let end_at = (chrono::DateTime::parse_from_rfc3339(created(&all[100])).unwrap()
        + chrono::Duration::microseconds(1))
    .to_rfc3339_opts(chrono::SecondsFormat::Micros, false);
    let end_at = end_at.as_str();
    let checks: Vec<(String, Keep<'_>)> = vec![
        (
            "&status=completed".into(),
            Box::new(|r| r["status"] == "completed"),
        ),
        (
            "&status=failed".into(),
            Box::new(|r| r["status"] == "failed"),
        ),
        (
            format!("&agent_id={}", demo::AGENT_ID),
            Box::new(|r| r["agent"]["id"] == demo::AGENT_ID),
        ),
        (
            format!(
                "&start_date={}&end_date={}",
                urlenc(start_at),
                urlenc(end_at)
            ),
            Box::new(move |r| created(r) >= start_at && created(r) <= end_at),
        ),
        (
            format!("&status=completed&start_date={}", urlenc(start_at)),
            Box::new(move |r| r["status"] == "completed" && created(r) >= start_at),
        ),
    ];
    for (query, keep) in &checks {
        let expected: Vec<Value> = all.iter().filter(|r| keep(r)).cloned().collect();
        assert!(!expected.is_empty(), "{query}");
        let (rows, total) = every_page(&api, query).await;
        assert_eq!(total as usize, expected.len(), "{query}");
        assert_eq!(rows, expected, "{query}");
    }

    // Pages at uneven offsets are the same slices, and past the end keeps the total.
    for offset in [0, 7, 99, 333, 569] {
        let page = api
            .get(&format!("/calling/history?limit=37&offset={offset}"))
            .await;
        let end = (offset + 37).min(all.len());
        assert_eq!(page.body["calls"].as_array().unwrap(), &all[offset..end]);
    }
    let past = api.get("/calling/history?limit=10&offset=5000").await;
    assert_eq!(past.body["count"], 0);
    assert_eq!(past.body["total"], 570);
    sim.shutdown().await;
}

/// Seeded history counts on its assistants and numbers as live calls do: each placed call on
/// its number, each answered one on its assistant.
#[tokio::test]
async fn seeded_calls_count_on_their_assistants_and_numbers() {
    let (sim, api) = start(Simulator::builder().time_scale(0.0001).seed(5)).await;
    let count = |v: &Value| v["call_count"].as_u64().unwrap_or(0);
    let agents_before: u64 = api.get("/agent/all").await.body["data"]["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(count)
        .sum();
    sim.handle().seed_history(60);
    let (rows, _) = every_page(&api, "").await;
    let answered: Vec<&Value> = rows.iter().filter(|r| r["status"] == "completed").collect();
    assert!(!answered.is_empty());
    let agents = api.get("/agent/all").await;
    let agents = agents.body["data"]["agents"].as_array().unwrap();
    let agents_after: u64 = agents.iter().map(count).sum();
    assert_eq!(agents_after - agents_before, answered.len() as u64);
    for agent in agents {
        let id = agent["id"].as_str().unwrap();
        let theirs = answered.iter().filter(|r| r["agent"]["id"] == id).count() as u64;
        assert_eq!(count(agent), theirs, "{id}");
    }
    let numbers = api.get("/workspace/numbers").await;
    let placed: u64 = numbers.body["workspace_numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(count)
        .sum();
    assert_eq!(placed, 60);
    sim.shutdown().await;
}
