//! A plain hyper server for a [`WebhookReceiver`].

use std::future::Future;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

use crate::WebhookReceiver;

/// How long a connection may take to send its request headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `receiver` on `listener` (HTTP/1.1, and HTTP/2 with prior knowledge) until the
/// returned future is dropped. Every path is accepted.
///
/// Put it behind a TLS-terminating proxy or load balancer when Ringg reaches it over the
/// internet: Ringg requires an HTTPS callback URL.
///
/// # Errors
/// Never returns in practice; the `Result` leaves room for fatal listener errors. Errors
/// accepting one connection (for example too many open files) are logged and the loop goes on.
pub async fn serve(listener: TcpListener, receiver: WebhookReceiver) -> std::io::Result<()> {
    serve_with_shutdown(listener, receiver, std::future::pending()).await
}

/// Like [`serve`], but stops accepting connections when `shutdown` completes, then waits for
/// the requests in flight to finish (so no handler is cut off half-way) and returns.
///
/// ```no_run
/// # async fn run(receiver: ringg_webhooks::WebhookReceiver) -> std::io::Result<()> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// ringg_webhooks::serve_with_shutdown(listener, receiver, async {
///     let _ = tokio::signal::ctrl_c().await;
/// })
/// .await
/// # }
/// ```
///
/// # Errors
/// See [`serve`].
pub async fn serve_with_shutdown(
    listener: TcpListener,
    receiver: WebhookReceiver,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    tracing::warn!(target: "ringg_webhooks", "accepting a connection failed: {err}");
                    // Typically EMFILE: give the process a moment to release descriptors.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(receiver.clone());
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(target: "ringg_webhooks", %peer, "connection ended with an error: {err}");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
