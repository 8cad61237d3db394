//! A webhook receiver inside this process whose verified events come out of a channel: the
//! quickstart's (on 127.0.0.1 with a random secret) and `calls tail --listen`'s.

use std::net::SocketAddr;
use std::time::Duration;

use ringg_api::types::webhook::WebhookEvent;
use ringg_webhooks::{HandlerError, WebhookReceiver};
use tokio::sync::{mpsc, oneshot};

use crate::error::CliError;

/// A running receiver.
pub(crate) struct Inbox {
    /// Where it listens.
    pub(crate) addr: SocketAddr,
    /// The events it accepted (secret checked, parsed, deduplicated), in order.
    pub(crate) events: mpsc::UnboundedReceiver<WebhookEvent>,
    /// Stops it.
    pub(crate) stopper: Stopper,
}

/// Stops an [`Inbox`]'s server.
pub(crate) struct Stopper {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Stopper {
    /// Stops accepting and gives deliveries in flight up to 2 s.
    pub(crate) async fn stop(self) {
        let _ = self.stop.send(());
        let _ = tokio::time::timeout(Duration::from_secs(2), self.task).await;
    }
}

impl Inbox {
    /// Listens on `bind` (e.g. `127.0.0.1:0`) for deliveries carrying `secret` in the header
    /// `secret_header`.
    pub(crate) async fn start(
        bind: &str,
        secret_header: &str,
        secret: String,
    ) -> Result<Self, CliError> {
        let (tx, events) = mpsc::unbounded_channel();
        let receiver = WebhookReceiver::builder()
            .secret_header(secret_header)
            .secret(secret)
            .handler(move |event: WebhookEvent| {
                let tx = tx.clone();
                async move {
                    tx.send(event)
                        .map_err(|_| HandlerError::msg("the command has finished"))
                }
            })
            .build()
            .map_err(|e| CliError::failed(format!("could not set up the webhook receiver: {e}")))?;
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .map_err(|e| CliError::io(format!("could not listen on {bind}"), &e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| CliError::io("could not read the receiver's address", &e))?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(ringg_webhooks::serve_with_shutdown(
            listener,
            receiver,
            async move {
                let _ = stopped.await;
            },
        ));
        Ok(Self {
            addr,
            events,
            stopper: Stopper { stop, task },
        })
    }
}
