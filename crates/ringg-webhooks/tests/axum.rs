//! The axum integration (feature `axum`, enabled for this crate's tests).

mod common;

use common::{Recorder, event, send};
use http::StatusCode;
use ringg_webhooks::WebhookReceiver;

#[tokio::test]
async fn router_accepts_deliveries_on_any_path() {
    let rec = Recorder::new();
    let receiver = WebhookReceiver::builder()
        .secret_header("X-Webhook-Secret")
        .secret("ax-secret")
        .shared_handler(rec.clone())
        .build()
        .unwrap();
    let app = ringg_webhooks::axum::router(receiver.clone())
        .merge(axum::Router::new().route_service("/hooks/ringg", receiver));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let auth = [("x-webhook-secret", "ax-secret")];
    for (i, path) in ["/", "/hooks/ringg", "/any/other/path"]
        .into_iter()
        .enumerate()
    {
        let url = format!("http://{addr}{path}");
        let (status, json) = send("POST", &url, &auth, event("call_started", &i.to_string())).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(json["status"], "accepted");
    }
    let url = format!("http://{addr}/x");
    let (status, _) = send("POST", &url, &[], event("call_started", "z")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = send("GET", &url, &auth, "").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let (status, json) = send("POST", &url, &auth, "{oops").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"]["code"], "malformed_json");
    assert_eq!(rec.events().len(), 3);
    server.abort();
}
