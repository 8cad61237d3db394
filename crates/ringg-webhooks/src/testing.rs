//! Helpers for testing code that receives Ringg webhooks (feature `testing`).
//!
//! [`sample_events`] gives a body of every event type and shape Ringg sends: each subscription
//! event type, a per-call callback delivery at each call status, and partial ones (values the
//! typed model does not take). [`delivery_request`] builds the HTTP request Ringg would send,
//! with your secret header, to drive a [`WebhookReceiver`](crate::WebhookReceiver) (or any
//! `tower::Service`) without a network:
//!
//! ```
//! use ringg_webhooks::testing::{DeliveryRequest, sample_event};
//! use ringg_webhooks::{HandlerError, WebhookEvent, WebhookReceiver};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let receiver = WebhookReceiver::builder()
//!     .secret_header("X-Webhook-Secret")
//!     .secret("test-secret")
//!     .handler(|_event: WebhookEvent| async { Ok::<_, HandlerError>(()) })
//!     .build()
//!     .unwrap();
//! let body = sample_event("call_completed").unwrap();
//! let request = DeliveryRequest::new(body)
//!     .secret_header("X-Webhook-Secret", "test-secret")
//!     .build_full();
//! let response = receiver.receive(request).await;
//! assert_eq!(response.status(), 200);
//! # }
//! ```

use bytes::Bytes;
use http::{Method, Request};
use serde_json::{Value, json};

/// One sample delivery body.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleEvent {
    /// A short name (`call_completed`, `callback_failed_retry`, ...).
    pub name: &'static str,
    /// The JSON body.
    pub body: Bytes,
    /// True when the body does not fit the typed model (it is handed over as a partial event).
    pub partial: bool,
}

const CALL_ID: &str = "4b30f5dc-7f86-4e4c-a3aa-15c01138559b";
const AGENT_ID: &str = "cbaf9944-3e34-43b6-b3e8-6a905de16639";

fn subscription(event_type: &str, fields: Value) -> Value {
    let mut event = json!({
        "event_type": event_type,
        "call_id": CALL_ID,
        "call_sid": "f46cb9f4-f6ca-4d7d-abc9-02c226b95ec0",
        "agent_id": AGENT_ID,
        "workspace_id": "442a9db3-0fd4-47dc-b8cd-cc7eedfa272f",
        "custom_args_values": {"callee_name": "John", "order_value": "70000"},
        "agent_name": "Payment Reminder Agent",
        "version_id": "a1b2c3d4-5e6f-7890-abcd-ef1234567890",
    });
    if let (Some(event), Value::Object(fields)) = (event.as_object_mut(), fields) {
        event.extend(fields);
    }
    event
}

fn callback(status: &str, retry: Value, extra: Value) -> Value {
    let mut data = json!({
        "call_id": CALL_ID,
        "call_direction": "outbound",
        "status": status,
        "call_duration": 0,
        "recording_url": null,
        "transcript": "",
        "agent_id": AGENT_ID,
        "retry": retry,
        "from_number": "+918035736726",
        "to_number": "+919875436897",
        "custom_args_values": {"callee_name": "John"},
    });
    if let (Some(data), Value::Object(extra)) = (data.as_object_mut(), extra) {
        data.extend(extra);
    }
    json!({"status": "success", "data": data, "message": "Call Details"})
}

fn analysis() -> Value {
    json!({
        "summary": "Customer confirmed the payment date.",
        "classification": "qualified_lead",
        "sentiment": "positive",
        "key_points": ["Payment on Friday"],
        "action_items": ["Send a reminder on Thursday"],
        "callback_requested": false,
        "callback_requested_time": null,
        "status": "analyzed",
        "timezone": "Asia/Kolkata"
    })
}

fn completed_call() -> Value {
    json!({
        "status": "completed", "retry_count": 0, "call_type": "outbound",
        "call_duration": 15.733745, "to_number": "+919875436897",
        "from_number": "+918035736726", "bulk_list_id": null,
        "called_on": "2025-12-14T19:37:13.310707Z", "call_cost": 0.15,
        "transcript": [{"bot": "Hello John"}, {"user": "Yes"}]
    })
}

/// Every sample: each subscription event type, an unknown event type, a callback delivery at
/// each call status (with and without analysis, failed with a retry), and partial ones.
pub fn sample_events() -> Vec<SampleEvent> {
    let typed = |name, value: Value| (name, value, false);
    let done = "bot: Hello John\nuser: Yes";
    let list = vec![
        typed(
            "call_started",
            subscription("call_started", json!({"sub_status": "ACCEPTED"})),
        ),
        typed("call_ringing", subscription("call_ringing", json!({}))),
        typed("call_ongoing", subscription("call_ongoing", json!({}))),
        typed(
            "call_completed",
            subscription("call_completed", completed_call()),
        ),
        typed(
            "recording_completed",
            subscription(
                "recording_completed",
                json!({"recording_url": "https://recordings.ringg.ai/r.mp3", "recording_duration": 19.3}),
            ),
        ),
        typed(
            "platform_analysis_completed",
            subscription(
                "platform_analysis_completed",
                json!({"analysis_data": analysis()}),
            ),
        ),
        typed(
            "client_analysis_completed",
            subscription(
                "client_analysis_completed",
                json!({"analysis_data": {"intent": "renewal", "amount": 4999, "callback": false}}),
            ),
        ),
        typed(
            "all_processing_completed",
            subscription("all_processing_completed", {
                let mut v = completed_call();
                v["platform_analysis"] = analysis();
                v["client_analysis"] = json!({"intent": "renewal"});
                v["recording_url"] = json!("https://recordings.ringg.ai/r.mp3");
                v
            }),
        ),
        typed(
            "unknown_event",
            subscription("call_transferred", json!({"to": "+911"})),
        ),
        typed(
            "callback_registered",
            callback("registered", json!(0), json!({})),
        ),
        typed("callback_ongoing", callback("ongoing", json!(0), json!({}))),
        typed(
            "callback_completed",
            callback(
                "completed",
                json!(0),
                json!({"call_duration": 42.7, "transcript": done, "recording_url": "https://recordings.ringg.ai/r.mp3"}),
            ),
        ),
        typed(
            "callback_completed_analysis",
            callback(
                "completed",
                json!(0),
                json!({"call_duration": "42.7", "transcript": done, "analysis": analysis()}),
            ),
        ),
        typed("callback_retry", callback("retry", json!(1), json!({}))),
        typed(
            "callback_failed_retry",
            callback("failed", json!(2), json!({})),
        ),
        typed("callback_error", callback("error", json!(0), json!({}))),
        typed(
            "callback_cancelled",
            callback("cancelled", json!(0), json!({})),
        ),
        typed(
            "platform_analysis_odd_types",
            subscription(
                "platform_analysis_completed",
                json!({"call_duration": "31.5", "analysis_data": {
                    "sentiment": 0.35, "callback_requested": "perhaps",
                    "key_points": "One string", "summary": "ok"}}),
            ),
        ),
        typed(
            "call_completed_numeric_strings",
            subscription(
                "call_completed",
                json!({"status": "retry", "retry_count": "1", "call_duration": "31.5", "call_cost": ""}),
            ),
        ),
        typed(
            "callback_numeric_retry",
            callback("retry", json!("1"), json!({})),
        ),
    ];
    list.into_iter()
        .chain(partial_samples())
        .map(|(name, value, partial)| SampleEvent {
            name,
            body: Bytes::from(value.to_string()),
            partial,
        })
        .collect()
}

/// The samples that do not fit the typed model: `(name, body, true)`.
fn partial_samples() -> Vec<(&'static str, Value, bool)> {
    let partial = |name, value: Value| (name, value, true);
    vec![
        partial(
            "call_completed_unreadable_count",
            subscription(
                "call_completed",
                json!({"status": "retry", "retry_count": "second"}),
            ),
        ),
        partial(
            "analysis_as_text",
            subscription(
                "all_processing_completed",
                json!({"platform_analysis": "Customer agreed to pay on Friday"}),
            ),
        ),
        partial(
            "missing_event_type",
            json!({"call_id": CALL_ID, "status": "completed"}),
        ),
    ]
}

/// The body of the sample named `name` (see [`sample_events`]), e.g. `"call_completed"` or
/// `"callback_failed_retry"`.
pub fn sample_event(name: &str) -> Option<Bytes> {
    sample_events()
        .into_iter()
        .find(|s| s.name == name)
        .map(|s| s.body)
}

/// Builds the request Ringg sends for one delivery: `POST /` with the body, and the headers
/// you add (your subscription's secret header).
#[derive(Debug, Clone)]
pub struct DeliveryRequest {
    method: Method,
    uri: String,
    body: Bytes,
    headers: Vec<(String, String)>,
    content_type: Option<String>,
}

impl DeliveryRequest {
    /// A `POST /` delivery of `body` with `Content-Type: application/json`.
    pub fn new(body: impl Into<Bytes>) -> Self {
        Self {
            method: Method::POST,
            uri: "/".to_owned(),
            body: body.into(),
            headers: Vec::new(),
            content_type: Some("application/json".to_owned()),
        }
    }

    /// The shared secret in `header` (`Authorization` gets `Bearer <secret>`, any other header
    /// the secret itself), as [`WebhookReceiverBuilder::secret_header`](crate::WebhookReceiverBuilder::secret_header) expects.
    #[must_use]
    pub fn secret_header(self, header: &str, secret: &str) -> Self {
        let value = if header.eq_ignore_ascii_case("authorization") {
            format!("Bearer {secret}")
        } else {
            secret.to_owned()
        };
        self.header(header, &value)
    }

    /// Any other header.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The `Content-Type` (`None`: no header, as on Ringg's per-call callback deliveries).
    #[must_use]
    pub fn content_type(mut self, content_type: Option<&str>) -> Self {
        self.content_type = content_type.map(str::to_owned);
        self
    }

    /// The method (`POST` by default; subscriptions may use `PUT` or `PATCH`).
    #[must_use]
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// The path (default `/`).
    #[must_use]
    pub fn uri(mut self, uri: &str) -> Self {
        self.uri = uri.to_owned();
        self
    }

    /// The request.
    ///
    /// # Panics
    /// When a header name or value, or the URI, is not valid HTTP.
    pub fn build(self) -> Request<Bytes> {
        let mut request = Request::builder().method(self.method).uri(self.uri);
        if let Some(content_type) = &self.content_type {
            request = request.header(http::header::CONTENT_TYPE, content_type);
        }
        for (name, value) in &self.headers {
            request = request.header(name.as_str(), value.as_str());
        }
        request
            .header(http::header::CONTENT_LENGTH, self.body.len())
            .body(self.body)
            .expect("a valid delivery request")
    }
}

impl DeliveryRequest {
    /// [`build`](Self::build) with an [`http_body::Body`] (`Full<Bytes>`), ready for
    /// [`WebhookReceiver::receive`](crate::WebhookReceiver::receive) or any hyper service.
    pub fn build_full(self) -> Request<http_body_util::Full<Bytes>> {
        self.build().map(http_body_util::Full::new)
    }
}

/// A delivery request of `body` carrying `secret` in `header` (see [`DeliveryRequest`]).
pub fn delivery_request(header: &str, secret: &str, body: impl Into<Bytes>) -> Request<Bytes> {
    DeliveryRequest::new(body)
        .secret_header(header, secret)
        .build()
}

#[cfg(test)]
mod tests;
