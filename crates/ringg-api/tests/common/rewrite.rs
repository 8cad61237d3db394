//! A proxy in front of a simulator that rewrites its 2xx JSON answers, so a test can serve the
//! variant of an answer Ringg documents where the simulator answers another (shared by the SDK's
//! and the CLI's tests).
#![allow(dead_code)] // each test file uses a part

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::Value;

/// Rewrites one JSON answer, given the request's method and path.
pub(crate) type Rewrite = Arc<dyn Fn(&http::Method, &str, &mut Value) + Send + Sync>;

/// Forwards every request to `base_url` (a simulator's `…/ca/api/v0`), applying `rewrite` to
/// every 2xx JSON answer; returns the proxy's base URL (the same path on the proxy).
pub(crate) async fn rewriting_proxy(base_url: &str, rewrite: Rewrite) -> String {
    let (origin, path) = base_url.split_at(
        base_url
            .find("/ca/")
            .expect("a simulator's base URL ends in /ca/api/v0"),
    );
    let upstream = origin.to_owned();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let http: HttpClient<_, Full<Bytes>> = HttpClient::builder(TokioExecutor::new()).build_http();
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            let (http, upstream, rewrite) = (http.clone(), upstream.clone(), rewrite.clone());
            let svc = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                let (http, upstream, rewrite) = (http.clone(), upstream.clone(), rewrite.clone());
                async move {
                    let (parts, body) = req.into_parts();
                    let body = body.collect().await.unwrap().to_bytes();
                    let pq = parts.uri.path_and_query().unwrap().as_str().to_owned();
                    let mut out = hyper::Request::builder()
                        .method(parts.method.clone())
                        .uri(format!("{upstream}{pq}"));
                    for (k, v) in &parts.headers {
                        if k != http::header::HOST {
                            out = out.header(k, v);
                        }
                    }
                    let resp = http
                        .request(out.body(Full::new(body)).unwrap())
                        .await
                        .unwrap();
                    let (mut head, body) = resp.into_parts();
                    let mut bytes = body.collect().await.unwrap().to_bytes();
                    if head.status.is_success()
                        && let Ok(mut v) = serde_json::from_slice::<Value>(&bytes)
                    {
                        rewrite(&parts.method, parts.uri.path(), &mut v);
                        bytes = Bytes::from(serde_json::to_vec(&v).unwrap());
                        head.headers.remove(http::header::CONTENT_LENGTH);
                    }
                    Ok::<_, std::convert::Infallible>(hyper::Response::from_parts(
                        head,
                        Full::new(bytes),
                    ))
                }
            });
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(s), svc)
                    .await;
            });
        }
    });
    format!("http://{addr}{path}")
}

/// `GET /agent/{id}` as Ringg's docs show it (§2.4.2 DOC): without the live answer's extras
/// (`version_details` with its subscription lists, `ab_versions`, `active_agent_version_id`,
/// `inbound_number_id`, `webcall_public_key`…, 3P-OBS), so no subscription list at all.
pub(crate) fn documented_agent_details() -> Rewrite {
    Arc::new(|method, path, v| {
        let details = method == http::Method::GET
            && path.contains("/agent/")
            && !path.ends_with("/agent/all")
            && !path.ends_with("/agent/voices");
        if let Some(agent) = v
            .get_mut("agents")
            .and_then(Value::as_object_mut)
            .filter(|_| details)
        {
            for key in [
                "version_details",
                "ab_versions",
                "active_agent_version_id",
                "is_ab_live",
                "orchestration_mode",
                "event_subscriptions",
                "inbound_number_id",
                "webcall_public_key",
            ] {
                agent.remove(key);
            }
        }
    })
}

/// `GET /campaign/all` rows with only the ten fields the reference gives (§2.5.4, 3P-CAT): no
/// `agent_id` and none of the dashboard fixtures' other fields.
pub(crate) fn documented_campaign_rows() -> Rewrite {
    const FIELDS: [&str; 10] = [
        "id",
        "name",
        "campaign_status",
        "campaign_start_time",
        "campaign_end_time",
        "created_at",
        "updated_at",
        "total_count",
        "completed_count",
        "registered_count",
    ];
    Arc::new(|method, path, v| {
        if method != http::Method::GET || !path.ends_with("/campaign/all") {
            return;
        }
        for row in v["campaigns"].as_array_mut().into_iter().flatten() {
            if let Some(row) = row.as_object_mut() {
                row.retain(|key, _| FIELDS.contains(&key.as_str()));
            }
        }
    })
}
