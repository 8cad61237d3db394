//! Sending one payload to one target with Ringg's retry schedule (§3.5), shared by the
//! subscription events and the two callback URLs.
//!
//! A delivery succeeds on HTTP 200 within the (scaled) 30 s timeout; otherwise it is retried
//! after +10 s, +1 min and +2 min (scaled) and dropped after the fourth failure. Every attempt
//! is recorded as a [`DeliveryRecord`].

use std::sync::Arc;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use chrono::Utc;
use http::{HeaderName, HeaderValue, Method, Request};
use http_body_util::Full;
use ringg_types::ids::CallId;

use crate::core::{DeliveryKind, DeliveryRecord, Shared};
use crate::model::Callback;

/// Retry schedule in simulated seconds before attempts 1–4.
const SCHEDULE: [f64; 4] = [0.0, 10.0, 60.0, 120.0];
/// Delivery timeout in simulated seconds.
const TIMEOUT_SECS: f64 = 30.0;

/// Where a payload goes and how.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) url: String,
    pub(crate) method: Method,
    pub(crate) headers: Vec<(String, String)>,
    /// Whether `Content-Type: application/json` and `User-Agent: ringg-sim` are sent (the
    /// target's headers replace them by name). Per-call callbacks send none (§3.6).
    pub(crate) default_headers: bool,
}

impl Target {
    /// A `POST` to a callback URL, its `params` appended as query parameters.
    pub(crate) fn callback(cb: &Callback, default_headers: bool) -> Target {
        let url = if cb.params.is_empty() {
            cb.url.clone()
        } else {
            match url::Url::parse(&cb.url) {
                Ok(mut u) => {
                    u.query_pairs_mut().extend_pairs(cb.params.iter());
                    u.to_string()
                }
                Err(_) => cb.url.clone(),
            }
        };
        Target {
            url,
            method: Method::POST,
            headers: cb.headers.clone(),
            default_headers,
        }
    }
}

/// What the delivery records say about the payload.
#[derive(Debug, Clone)]
pub(crate) struct Meta {
    pub(crate) kind: DeliveryKind,
    pub(crate) event_type: String,
    pub(crate) call_id: String,
    pub(crate) list_id: Option<String>,
}

/// Spawns the delivery of `body` to `target` (ends early on shutdown).
pub(crate) fn spawn(sh: &Arc<Shared>, target: Target, body: Bytes, meta: Meta) {
    let sh2 = sh.clone();
    sh.tasks.spawn(async move {
        let token = sh2.token.clone();
        tokio::select! {
            _ = token.cancelled() => {}
            _ = deliver(&sh2, target, body, meta) => {}
        }
    });
}

async fn deliver(sh: &Arc<Shared>, t: Target, body: Bytes, meta: Meta) {
    let timeout = sh
        .scaled(TIMEOUT_SECS)
        .max(sh.settings.webhook_timeout_floor);
    for (i, wait) in SCHEDULE.iter().enumerate() {
        sh.sleep_sim(*wait).await;
        if sh.token.is_cancelled() {
            return;
        }
        sh.counters.webhook_attempts.fetch_add(1, Ordering::Relaxed);
        let (status, error) = match tokio::time::timeout(timeout, send(sh, &t, body.clone())).await
        {
            Ok(Ok(s)) => (Some(s), None),
            Ok(Err(e)) => (None, Some(e)),
            Err(_) => (
                None,
                Some(format!("timed out after {} ms", timeout.as_millis())),
            ),
        };
        let ok = status == Some(200);
        sh.record_delivery(DeliveryRecord {
            kind: meta.kind,
            event_type: meta.event_type.clone(),
            call_id: CallId::new(meta.call_id.clone()),
            list_id: meta.list_id.clone(),
            url: t.url.clone(),
            method: t.method.to_string(),
            attempt: i as u32 + 1,
            status,
            error,
            at: Utc::now(),
        });
        if ok {
            sh.counters
                .webhook_delivered
                .fetch_add(1, Ordering::Relaxed);
            return;
        }
    }
    sh.counters.webhook_dropped.fetch_add(1, Ordering::Relaxed);
    tracing::debug!(kind = ?meta.kind, event = %meta.event_type, call = %meta.call_id,
        "delivery dropped after the last attempt");
}

async fn send(sh: &Shared, t: &Target, body: Bytes) -> Result<u16, String> {
    let uri: http::Uri = t
        .url
        .parse()
        .map_err(|e| format!("invalid callback URL: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err("only plain-http callback URLs can be delivered by the simulator".into());
    }
    let mut req = Request::builder().method(t.method.clone()).uri(uri);
    if t.default_headers {
        req = req
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::USER_AGENT, "ringg-sim");
    }
    let mut req = req
        .body(Full::new(body))
        .map_err(|e| format!("could not build the request: {e}"))?;
    // The target's headers replace defaults of the same name (e.g. Content-Type).
    for (k, v) in &t.headers {
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            req.headers_mut().insert(k, v);
        }
    }
    let resp = sh.http.request(req).await.map_err(|e| format!("{e}"))?;
    Ok(resp.status().as_u16())
}
