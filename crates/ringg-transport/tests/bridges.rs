//! `Transport` ↔ `tower::Service` bridges and the mockall mock.
#![cfg(feature = "mock")]

use std::sync::Arc;

use http::{Method, StatusCode};
use ringg_transport::layers::{RetryLayer, RetryPolicy};
use ringg_transport::{
    ApiRequest, ApiResponse, Idempotency, MockTransport, Transport, TransportError, TransportExt,
};
use tower::{Service, ServiceBuilder, ServiceExt};

fn req() -> ApiRequest {
    ApiRequest::new(
        "getWorkspace",
        Method::GET,
        "http://127.0.0.1:9",
        "/workspace",
        Idempotency::Idempotent,
    )
    .with_query("limit", "10")
}

#[tokio::test]
async fn mock_transport_is_a_transport_and_a_service() {
    let mut mock = MockTransport::new();
    mock.expect_execute()
        .withf(|r| r.operation == "getWorkspace" && r.query_param("limit") == Some("10"))
        .times(2)
        .returning(|_| Ok(ApiResponse::new(StatusCode::OK, "{}")));
    let shared: Arc<dyn Transport> = Arc::new(mock);
    assert_eq!(shared.execute(req()).await.unwrap().status, 200);
    // ... and as a tower service with a layer on top.
    let mut svc = ServiceBuilder::new()
        .layer(RetryLayer::new(RetryPolicy::none()))
        .service(ringg_transport::TransportService::new(shared));
    let resp = svc.ready().await.unwrap().call(req()).await.unwrap();
    assert_eq!(resp.status, 200);
}

#[derive(Clone)]
struct Echo;

impl Service<ApiRequest> for Echo {
    type Response = ApiResponse;
    type Error = TransportError;
    type Future = std::future::Ready<Result<ApiResponse, TransportError>>;
    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), TransportError>> {
        std::task::Poll::Ready(Ok(()))
    }
    fn call(&mut self, r: ApiRequest) -> Self::Future {
        std::future::ready(Ok(ApiResponse::new(StatusCode::OK, r.path.into_owned())))
    }
}

#[tokio::test]
async fn any_service_is_a_transport_and_back() {
    let t: Arc<dyn Transport> = Arc::new(Echo);
    assert_eq!(&t.execute(req()).await.unwrap().body[..], b"/workspace");
    let svc = Echo.into_service();
    let resp = svc.oneshot(req()).await.unwrap();
    assert_eq!(&resp.body[..], b"/workspace");
}
