//! Shared helpers for the integration tests: a recording handler, a loopback server and a
//! minimal HTTP client.
#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use ringg_webhooks::{HandlerError, ServeConfig, WebhookEvent, WebhookHandler, WebhookReceiver};
use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinHandle;

/// `(event_type, call_id)` of an event.
pub fn describe(event: &WebhookEvent) -> (String, Option<String>) {
    (
        event.event_type().to_string(),
        event.call_id().map(|c| c.to_string()),
    )
}

/// Records every event it is handed; fails its first `fail_first` calls.
#[derive(Default)]
pub struct Recorder {
    events: Mutex<Vec<WebhookEvent>>,
    calls: AtomicUsize,
    fail_first: usize,
    notify: Notify,
}

impl Recorder {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn failing_first(n: usize) -> Arc<Self> {
        Arc::new(Self {
            fail_first: n,
            ..Self::default()
        })
    }

    pub fn events(&self) -> Vec<WebhookEvent> {
        self.events.lock().unwrap().clone()
    }

    pub fn described(&self) -> Vec<(String, Option<String>)> {
        self.events().iter().map(describe).collect()
    }

    /// Handler invocations, failed ones included.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// Waits until `n` events were handed over successfully.
    pub async fn wait_for(&self, n: usize, timeout: std::time::Duration) -> bool {
        tokio::time::timeout(timeout, async {
            loop {
                let notified = self.notify.notified();
                if self.events.lock().unwrap().len() >= n {
                    return;
                }
                notified.await;
            }
        })
        .await
        .is_ok()
    }
}

#[async_trait]
impl WebhookHandler for Recorder {
    async fn handle(&self, event: WebhookEvent) -> Result<(), HandlerError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if n < self.fail_first {
            return Err(HandlerError::msg(format!("simulated failure #{}", n + 1)));
        }
        self.events.lock().unwrap().push(event);
        self.notify.notify_waiters();
        Ok(())
    }
}

/// A receiver served over HTTP on 127.0.0.1.
pub struct TestServer {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    pub async fn start(receiver: WebhookReceiver) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(ringg_webhooks::serve_with_shutdown(
            listener,
            receiver,
            async move {
                let _ = rx.await;
            },
        ));
        Self {
            addr,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// Like [`TestServer::start`], with these connection limits.
    pub async fn start_with(receiver: WebhookReceiver, config: ServeConfig) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(ringg_webhooks::serve_with_config(
            listener,
            receiver,
            config,
            async move {
                let _ = rx.await;
            },
        ));
        Self {
            addr,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

/// One JSON request with the workspace key `key` (a simulator's); the status and the body.
pub async fn json_request(
    url: String,
    key: &str,
    method: &str,
    body: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    let req = Request::builder()
        .method(method)
        .uri(url)
        .header("x-api-key", key)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap();
    let resp = client().request(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

/// Sends one request and returns the status and the JSON body (`Null` when empty or not JSON).
pub async fn send(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> (StatusCode, serde_json::Value) {
    let mut req = Request::builder().method(method).uri(url);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let resp = client()
        .request(req.body(Full::new(body.into())).unwrap())
        .await
        .expect("request to the loopback receiver failed");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, json)
}

/// A documented-shape event body.
pub fn event(event_type: &str, call_id: &str) -> String {
    serde_json::json!({
        "event_type": event_type,
        "call_id": call_id,
        "call_sid": "f46cb9f4-f6ca-4d7d-abc9-02c226b95ec0",
        "agent_id": "cbaf9944-3e34-43b6-b3e8-6a905de16639",
        "workspace_id": "442a9db3-0fd4-47dc-b8cd-cc7eedfa272f",
        "custom_args_values": {"callee_name": "John", "order_value": "70000"},
        "agent_name": "Payment Reminder Agent",
        "version_id": "a1b2c3d4-5e6f-7890-abcd-ef1234567890"
    })
    .to_string()
}

/// A `call_completed` body for one attempt.
pub fn call_completed(call_id: &str, retry_count: u32, status: &str) -> String {
    serde_json::json!({
        "event_type": "call_completed",
        "call_id": call_id,
        "agent_id": "cbaf9944-3e34-43b6-b3e8-6a905de16639",
        "workspace_id": "442a9db3-0fd4-47dc-b8cd-cc7eedfa272f",
        "status": status,
        "retry_count": retry_count,
        "call_type": "outbound",
        "call_duration": 15.733745,
        "to_number": "+919875436897",
        "from_number": "+918035736726",
        "bulk_list_id": null,
        "called_on": "2025-12-14T19:37:13.310707Z",
        "call_cost": 0.15,
        "transcript": [{"bot": "Hello"}, {"user": "Hi"}]
    })
    .to_string()
}
