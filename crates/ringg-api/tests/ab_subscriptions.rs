//! An assistant under A/B testing: each version taking calls has its own webhook
//! subscriptions (`version_details[*].event_subscriptions`), so subscribing or unsubscribing
//! writes to each of them; a change written to one version only would leave the other
//! version's calls delivering to the old URL (or to none).

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use http_body_util::BodyExt;
use ringg_api::ErrorKind;
use ringg_api::types::AgentId;
use ringg_api::types::webhook::{EventSubscription, EventType};
use serde_json::{Value, json};

/// The versions' subscription lists (`None`: the version's details show none) and the edits
/// received.
#[derive(Default)]
struct AbState {
    lists: BTreeMap<String, Option<Vec<Value>>>,
    edits: Vec<Value>,
    /// Edits of this version are answered 500 and not made.
    failing: Option<String>,
}

fn details(state: &AbState) -> Value {
    let mut versions = serde_json::Map::new();
    let mut ab = serde_json::Map::new();
    for (id, list) in &state.lists {
        let mut version = json!({"version_slug": id});
        if let Some(list) = list {
            version["event_subscriptions"] = json!(list);
        }
        versions.insert(id.clone(), version);
        ab.insert(id.clone(), json!({"slug": id, "call_traffic": 0.5}));
    }
    json!({"agents": {
        "id": "a", "agent_name": "A/B", "is_ab_live": true, "active_agent_version_id": null,
        "ab_versions": ab, "version_details": versions,
    }})
}

/// A server on 127.0.0.1 playing Ringg's assistant details and edits for assistant `a`.
async fn ab_server(state: Arc<Mutex<AbState>>) -> String {
    use hyper::body::{Bytes, Incoming};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let state = state.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                    let state = state.clone();
                    async move {
                        let patch = req.method() == http::Method::PATCH;
                        let body = req.into_body().collect().await.unwrap().to_bytes();
                        let (status, answer) = {
                            let mut st = state.lock().unwrap();
                            if patch {
                                let edit: Value = serde_json::from_slice(&body).unwrap();
                                let version = edit["version_id"].as_str().unwrap_or("").to_owned();
                                let subs = edit["event_subscriptions"].as_array().cloned();
                                st.edits.push(edit);
                                if st.failing.as_deref() == Some(version.as_str()) {
                                    (500, json!({"message": "Internal Server Error"}))
                                } else {
                                    if let Some(list) = st.lists.get_mut(&version) {
                                        *list = subs;
                                    }
                                    let ok = "Agent updated successfully!";
                                    (200, json!({"message": ok, "agent_id": "a"}))
                                }
                            } else {
                                (200, details(&st))
                            }
                        };
                        let mut resp = hyper::Response::new(http_body_util::Full::new(
                            Bytes::from(answer.to_string()),
                        ));
                        *resp.status_mut() = http::StatusCode::from_u16(status).unwrap();
                        resp.headers_mut().insert(
                            http::header::CONTENT_TYPE,
                            http::HeaderValue::from_static("application/json"),
                        );
                        Ok::<_, std::convert::Infallible>(resp)
                    }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, svc)
                    .await;
            });
        }
    });
    format!("http://{addr}/ca/api/v0")
}

fn sub(event: &str, url: &str) -> Value {
    json!({"event_type": [event], "callback_url": url, "method_type": "POST"})
}

/// The URL each version delivers `event` to.
fn delivered_to(state: &Mutex<AbState>, event: &str) -> BTreeMap<String, Vec<String>> {
    let st = state.lock().unwrap();
    st.lists
        .iter()
        .map(|(id, list)| {
            let urls = list
                .iter()
                .flatten()
                .filter(|s| s["event_type"].as_array().unwrap().contains(&json!(event)))
                .map(|s| s["callback_url"].as_str().unwrap().to_owned())
                .collect();
            (id.clone(), urls)
        })
        .collect()
}

/// The versions the edits received were for, in order.
fn edited(state: &Mutex<AbState>) -> Vec<String> {
    let st = state.lock().unwrap();
    st.edits
        .iter()
        .map(|e| e["version_id"].as_str().unwrap_or("(none)").to_owned())
        .collect()
}

/// `url` as what versions `v-a` and `v-b` each deliver an event to.
fn both(url: &str) -> BTreeMap<String, Vec<String>> {
    ["v-a", "v-b"]
        .into_iter()
        .map(|v| (v.to_owned(), vec![url.to_owned()]))
        .collect()
}

#[tokio::test]
async fn subscriptions_are_changed_on_every_version_under_ab_testing() {
    let state = Arc::new(Mutex::new(AbState::default()));
    {
        let mut st = state.lock().unwrap();
        st.lists.insert(
            "v-a".into(),
            Some(vec![sub("call_completed", "https://old.example/hook")]),
        );
        st.lists.insert(
            "v-b".into(),
            Some(vec![
                sub("call_completed", "https://old.example/hook"),
                sub("call_started", "https://other.example/hook"),
            ]),
        );
    }
    let client = common::client_for(&ab_server(state.clone()).await);
    let assistants = client.assistants();
    let agent = AgentId::new("a");
    let edits = || state.lock().unwrap().edits.len();

    // Moved to the new URL on both versions, each written with its own version id.
    let new = EventSubscription::new(vec![EventType::CallCompleted], "https://new.example/hook");
    let change = assistants
        .add_webhook_subscription(&agent, new, true)
        .await
        .unwrap();
    assert_eq!(change.versions.len(), 2);
    assert_eq!(edited(&state), ["v-a", "v-b"]);
    assert_eq!(
        delivered_to(&state, "call_completed"),
        both("https://new.example/hook")
    );
    assert_eq!(
        delivered_to(&state, "call_started")["v-b"],
        ["https://other.example/hook"]
    );

    // A move refused on any version writes nothing.
    let elsewhere = EventSubscription::new(vec![EventType::CallStarted], "https://x.example/hook");
    let e = assistants
        .add_webhook_subscription(&agent, elsewhere, false)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert_eq!(edits(), 2);

    // Removed where it is; the version without it is left alone.
    let change = assistants
        .unsubscribe_webhooks(&agent, "https://other.example/hook", &[])
        .await
        .unwrap();
    assert_eq!(edits(), 3);
    assert_eq!(state.lock().unwrap().edits[2]["version_id"], "v-b");
    assert!(change.versions.iter().any(|v| v.response.is_none()));
    assert!(delivered_to(&state, "call_started")["v-b"].is_empty());
    // In no version: not found, nothing written.
    let e = assistants
        .unsubscribe_webhooks(&agent, "https://nowhere.example/hook", &[])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert_eq!(edits(), 3);

    // A version whose details show no list: which are in force there is not known, so
    // nothing is written anywhere.
    state.lock().unwrap().lists.insert("v-c".into(), None);
    let again = EventSubscription::new(
        vec![EventType::RecordingCompleted],
        "https://new.example/hook",
    );
    let e = assistants
        .add_webhook_subscription(&agent, again, true)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unverifiable, "{e}");
    assert!(e.to_string().contains("version v-c"), "{e}");
    assert_eq!(edits(), 3);
}

/// The write to one version fails: the versions written before it are put back, so no version
/// is left delivering elsewhere than the others.
#[tokio::test]
async fn a_change_that_fails_on_one_version_is_undone_on_the_others() {
    let state = Arc::new(Mutex::new(AbState::default()));
    {
        let mut st = state.lock().unwrap();
        for v in ["v-a", "v-b"] {
            let list = vec![sub("call_completed", "https://old.example/hook")];
            st.lists.insert(v.into(), Some(list));
        }
        st.failing = Some("v-b".into());
    }
    let base = ab_server(state.clone()).await;
    let client = ringg_api::Client::builder()
        .ignore_env()
        .api_key("k")
        .base_url(&base)
        .retry_policy(ringg_api::transport::layers::retry::RetryPolicy::none())
        .build()
        .unwrap();
    let new = EventSubscription::new(vec![EventType::CallCompleted], "https://new.example/hook");
    let e = client
        .assistants()
        .add_webhook_subscription(&AgentId::new("a"), new, true)
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(500), "{e}");
    assert_eq!(
        delivered_to(&state, "call_completed"),
        both("https://old.example/hook")
    );
    // v-a written, v-b refused, v-a put back.
    assert_eq!(edited(&state), ["v-a", "v-b", "v-a"]);
}
