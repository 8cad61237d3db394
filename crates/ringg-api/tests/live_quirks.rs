//! The SDK against `Quirks::Live`: every variant the live API is documented to show really
//! reaches the client (checked over raw HTTP), and the typed methods read each of them.

mod common;

use std::collections::BTreeSet;

use ringg_api::types::calls::{CallHistoryQuery, CallerSource, InitiateCallRequest};
use ringg_api::types::{AgentId, CallId, NumberId, PhoneNumber};
use ringg_sim::{Quirks, Simulator, demo};
use serde_json::Value;

fn request(to: &str) -> InitiateCallRequest {
    InitiateCallRequest::new(
        AgentId::new(demo::AGENT_ID),
        "Asha",
        PhoneNumber::parse(to).unwrap(),
        CallerSource::FromNumberId(NumberId::new(demo::NUMBER_ID)),
    )
    .custom_arg("company_name", "Acme")
}

#[tokio::test]
async fn every_live_variant_is_sent_and_read() {
    let sim = Simulator::builder()
        .time_scale(0.0005)
        .seed(1)
        .history_rows(3)
        .quirks(Quirks::Live)
        .start()
        .await
        .unwrap();
    let client = common::client(&sim);
    let http = reqwest::Client::new();
    let get = |path: String| {
        let http = http.clone();
        let key = sim.api_key().to_owned();
        async move {
            let resp = http
                .get(path)
                .header("x-api-key", key)
                .send()
                .await
                .unwrap();
            resp.json::<Value>().await.unwrap()
        }
    };

    // Initiation: the typed method reads all three shapes and every call can be followed.
    let mut ids = Vec::new();
    for n in 0..3 {
        let placed = client
            .calls()
            .initiate(request(&format!("+9198765432{n:02}")))
            .await
            .unwrap();
        ids.push(placed.call_id.clone());
    }
    assert_eq!(ids.iter().collect::<BTreeSet<&CallId>>().len(), 3);
    for id in &ids {
        let done = client.calls().wait_for_terminal(id).await.unwrap();
        assert!(done.call_status.unwrap().is_terminal());
    }

    // History: `total` as "many" and as a number, both over raw HTTP; the typed list reads both.
    let url = format!("{}/calling/history?limit=10&offset=0", sim.base_url());
    let totals: BTreeSet<String> = [get(url.clone()).await, get(url).await]
        .iter()
        .map(|v| v["total"].to_string())
        .collect();
    assert!(totals.contains("\"many\""), "{totals:?}");
    assert_eq!(totals.len(), 2, "{totals:?}");
    for _ in 0..2 {
        let page = client
            .calls()
            .history(&CallHistoryQuery {
                limit: Some(10),
                offset: Some(0),
                ..CallHistoryQuery::default()
            })
            .await
            .unwrap();
        assert!(!page.calls.is_empty());
    }

    // Assistant details: call_traffic as a numeric string, then a number; both decode.
    let url = format!("{}/agent/{}", sim.base_url(), demo::AGENT_ID);
    let traffic: Vec<Value> = [get(url.clone()).await, get(url).await]
        .iter()
        .flat_map(|v| {
            v["agents"]["ab_versions"]
                .as_object()
                .unwrap()
                .values()
                .map(|x| x["call_traffic"].clone())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(traffic.iter().any(Value::is_string), "{traffic:?}");
    assert!(traffic.iter().any(Value::is_number), "{traffic:?}");
    for _ in 0..2 {
        let a = client
            .assistants()
            .get(&AgentId::new(demo::AGENT_ID))
            .await
            .unwrap();
        let (_, _) = a.active_version().expect("an active version");
    }

    // Errors: both body shapes carry the message to the typed error.
    let url = format!("{}/agent/no-such-agent", sim.base_url());
    let shapes: BTreeSet<bool> = [get(url.clone()).await, get(url).await]
        .iter()
        .map(|v| v.get("error").is_some())
        .collect();
    assert_eq!(shapes.len(), 2, "both error shapes were sent");
    for _ in 0..2 {
        let e = client
            .assistants()
            .get(&AgentId::new("no-such-agent"))
            .await
            .unwrap_err();
        assert!(e.is_not_found(), "{e}");
        assert!(e.message().contains("no-such-agent"), "{e}");
    }

    // Call details: callback_requested as "true"/"false" and as a boolean; both decode.
    for _ in 0..2 {
        let d = client.calls().details(&ids[0], true).await.unwrap();
        assert!(d.call_status.is_some());
    }
    sim.shutdown().await;
}
