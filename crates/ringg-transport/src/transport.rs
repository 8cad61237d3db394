//! The `Transport` trait and its bridges to `tower::Service`.

use std::sync::Arc;

use async_trait::async_trait;
use tower::{Service, ServiceExt};

use crate::error::TransportError;
use crate::request::{ApiRequest, ApiResponse};

/// The one seam between the typed client and the network.
///
/// A transport takes an [`ApiRequest`] and returns the whole [`ApiResponse`], whatever its
/// status; it fails only when no response was received. It is object-safe and stored as
/// `Arc<dyn Transport>`, so a client, a test mock and a user's own stack are interchangeable.
///
/// Any `tower::Service<ApiRequest, Response = ApiResponse, Error = TransportError>` that is
/// `Clone + Send + Sync` is a transport (blanket impl), and any transport becomes a service with
/// [`TransportExt::into_service`] — so users can stack their own tower layers on either side.
///
/// ```
/// use ringg_transport::{ApiRequest, ApiResponse, Transport, TransportError};
/// use async_trait::async_trait;
///
/// struct Canned;
///
/// #[async_trait]
/// impl Transport for Canned {
///     async fn execute(&self, _req: ApiRequest) -> Result<ApiResponse, TransportError> {
///         Ok(ApiResponse::new(http::StatusCode::OK, r#"{"ok":true}"#))
///     }
/// }
/// let _t: std::sync::Arc<dyn Transport> = std::sync::Arc::new(Canned);
/// ```
#[async_trait]
pub trait Transport: Send + Sync {
    /// Sends the request and returns the response.
    async fn execute(&self, request: ApiRequest) -> Result<ApiResponse, TransportError>;
}

/// Every suitable tower service is a transport.
#[async_trait]
impl<S> Transport for S
where
    S: Service<ApiRequest, Response = ApiResponse, Error = TransportError>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
    async fn execute(&self, request: ApiRequest) -> Result<ApiResponse, TransportError> {
        self.clone().oneshot(request).await
    }
}

/// A transport seen as a `tower::Service` (clones share the transport).
#[derive(Clone)]
pub struct TransportService {
    inner: Arc<dyn Transport>,
}

impl TransportService {
    /// Wraps a shared transport.
    pub fn new(inner: Arc<dyn Transport>) -> Self {
        Self { inner }
    }
}

impl std::fmt::Debug for TransportService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TransportService")
    }
}

impl Service<ApiRequest> for TransportService {
    api_service_types!(ready);

    fn call(&mut self, request: ApiRequest) -> Self::Future {
        let inner = self.inner.clone();
        Box::pin(async move { inner.execute(request).await })
    }
}

/// Conversions from transports to services.
pub trait TransportExt {
    /// This transport as a cloneable `tower::Service`.
    fn into_service(self) -> TransportService;
}

impl<T: Transport + 'static> TransportExt for T {
    fn into_service(self) -> TransportService {
        TransportService::new(Arc::new(self))
    }
}

#[cfg(feature = "mock")]
mockall::mock! {
    /// A mockall mock of [`Transport`] for unit tests (feature `mock`).
    pub Transport {}

    #[async_trait]
    impl Transport for Transport {
        async fn execute(&self, request: ApiRequest) -> Result<ApiResponse, TransportError>;
    }
}
