//! Receive Ringg AI webhook deliveries safely.
//!
//! Ringg sends an HTTP request to your endpoint for each call event you subscribed an
//! assistant to (`call_started`, `call_completed`, `all_processing_completed`, ...). This crate
//! turns those requests into typed [`WebhookEvent`]s and hands each one to your code exactly once:
//!
//! - **Authenticate**: Ringg does not sign deliveries; it sends the headers you put in the
//!   subscription. [`Verifier`] checks a shared-secret header in constant time, with a second
//!   secret accepted while you rotate.
//! - **Bound**: bodies over [`WebhookReceiver::DEFAULT_MAX_BODY_BYTES`] (configurable) are
//!   refused with 413 without being buffered whole.
//! - **Parse**: into [`WebhookEvent`]: subscription events by `event_type` (unknown types
//!   arrive as `WebhookEvent::Unknown`), per-call `callback_url` deliveries as
//!   `WebhookEvent::Callback`, and a JSON object with a value the typed model does not take as
//!   `WebhookEvent::Partial` (the whole JSON and the decode error with its field path), so no
//!   delivery is refused for its content; [`WebhookReceiverBuilder::strict`] refuses those.
//!   Every parsed event keeps its body as received ([`WebhookEvent::raw`]). Only a body that
//!   is not JSON gets a 400. `Content-Type` is not required.
//! - **Dedupe**: Ringg retries until it gets a 200 (immediately, +10 s, +1 min, +2 min), so a
//!   [`DedupeStore`] remembers what was handed over; the default is the bounded
//!   [`MemoryDedupeStore`]; feature `sqlite` adds `SqliteDedupeStore`, which survives a restart,
//!   and feature `redis` adds `RedisDedupeStore`, shared by every receiver of a fleet.
//! - **Hand over**: your [`WebhookHandler`] (or an async closure) gets the event; the delivery is
//!   answered 200 only after it returned `Ok`, and 500 otherwise, so Ringg's retry covers a crash.
//!
//! [`WebhookReceiver`] is a `tower::Service<http::Request<B>>`: run it with [`serve`], mount it in
//! hyper or axum (feature `axum`: `ringg_webhooks::axum::router`), or stack tower middleware on it.
//!
//! Modules, and which way they depend (an arrow points at what a module uses; no circles):
//!
//! ```text
//! serve, axum  -> receiver
//! serve        -> connections        (the accept loop's connection registry)
//! receiver     -> body, event, dedupe, handler, verify, rejection
//! body, event  -> rejection -> verify
//! dedupe_sqlite -> dedupe            (feature `sqlite`)
//! dedupe_redis  -> dedupe            (feature `redis`)
//! dedupe, handler, output, verify, testing   (leaves)
//! ```
//!
//! ```no_run
//! use ringg_webhooks::{HandlerError, WebhookEvent, WebhookReceiver};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let receiver = WebhookReceiver::builder()
//!         .secret_header("X-Webhook-Secret")
//!         .secret(std::env::var("RINGG_WEBHOOK_SECRET")?)
//!         .handler(|event: WebhookEvent| async move {
//!             match &event {
//!                 WebhookEvent::CallCompleted(call) => {
//!                     println!("call {:?} attempt ended: {:?}", call.call_id, call.status);
//!                 }
//!                 other => println!("{} for call {:?}", other.event_type(), other.call_id()),
//!             }
//!             Ok::<_, HandlerError>(())
//!         })
//!         .build()?;
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//!     ringg_webhooks::serve(listener, receiver).await?;
//!     Ok(())
//! }
//! ```
//!
//! This crate depends on `ringg-types` but not on the API client, so a service that only
//! receives webhooks pulls in no HTTP client.

mod body;
mod connections;
mod dedupe;
#[cfg(feature = "redis")]
mod dedupe_redis;
#[cfg(feature = "sqlite")]
mod dedupe_sqlite;
mod event;
mod handler;
mod output;
mod receiver;
mod rejection;
mod serve;
mod verify;

#[cfg(feature = "axum")]
pub mod axum;
#[cfg(feature = "testing")]
pub mod testing;

pub use dedupe::{Attempt, Claim, DedupeKey, DedupeStore, DedupeStoreError, MemoryDedupeStore};
#[cfg(feature = "redis")]
pub use dedupe_redis::RedisDedupeStore;
#[cfg(feature = "sqlite")]
pub use dedupe_sqlite::SqliteDedupeStore;
pub use handler::{HandlerError, WebhookHandler};
pub use output::{OutputFormat, UnknownOutputFormat};
pub use receiver::{
    BuildError, ResponseFuture, WebhookReceiver, WebhookReceiverBuilder, parse_event,
};
pub use rejection::{Rejection, ResponseBody};
pub use ringg_types::Secret;
pub use ringg_types::webhook::{EventType, WebhookEvent, WebhookParseError};
pub use serve::{ServeConfig, serve, serve_connections, serve_with_config, serve_with_shutdown};
pub use verify::{Verifier, VerifierConfigError, VerifyError};
