//! The axum integration (feature `axum`).
//!
//! [`WebhookReceiver`] is already a tower service that axum accepts, so it can be mounted at a
//! path of an existing router with `route_service`:
//!
//! ```no_run
//! # fn demo(receiver: ringg_webhooks::WebhookReceiver) -> axum::Router {
//! axum::Router::new().route_service("/webhooks/ringg", receiver)
//! # }
//! ```
//!
//! [`router`] builds a router that accepts deliveries on every path. An app with a state of
//! its own mounts either as a service, which works whatever the app's state:
//!
//! ```no_run
//! #[derive(Clone)]
//! struct AppState {
//!     name: &'static str,
//! }
//!
//! # fn demo(receiver: ringg_webhooks::WebhookReceiver) -> axum::Router {
//! axum::Router::new()
//!     .route(
//!         "/",
//!         axum::routing::get(|axum::extract::State(s): axum::extract::State<AppState>| async move {
//!             s.name
//!         }),
//!     )
//!     .nest_service("/hooks", ringg_webhooks::axum::router(receiver))
//!     .with_state(AppState { name: "app" })
//! # }
//! ```

use crate::WebhookReceiver;

/// A router that hands every request, whatever its path, to `receiver`.
///
/// ```no_run
/// # async fn run(receiver: ringg_webhooks::WebhookReceiver) -> std::io::Result<()> {
/// let app = ringg_webhooks::axum::router(receiver);
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// axum::serve(listener, app).await
/// # }
/// ```
pub fn router(receiver: WebhookReceiver) -> ::axum::Router {
    ::axum::Router::new().fallback_service(receiver)
}
