//! The quickstart's webhook receiver on 127.0.0.1, checking a random secret.

use std::time::Duration;

use ringg_api::types::webhook::WebhookEvent;
use ringg_webhooks::{HandlerError, WebhookReceiver};
use tokio::sync::{mpsc, oneshot};

use crate::error::CliError;

/// The header carrying the webhook secret.
pub(crate) const SECRET_HEADER: &str = "X-Webhook-Secret";

/// The local webhook receiver.
pub(crate) struct Receiver {
    pub(crate) url: String,
    pub(crate) secret: String,
    pub(crate) events: mpsc::UnboundedReceiver<WebhookEvent>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Receiver {
    pub(crate) async fn start() -> Result<Self, CliError> {
        let secret = uuid::Uuid::new_v4().simple().to_string();
        let (tx, events) = mpsc::unbounded_channel();
        let receiver = WebhookReceiver::builder()
            .secret_header(SECRET_HEADER)
            .secret(secret.clone())
            .handler(move |event: WebhookEvent| {
                let tx = tx.clone();
                async move {
                    tx.send(event)
                        .map_err(|_| HandlerError::msg("the quickstart has finished"))?;
                    Ok::<(), HandlerError>(())
                }
            })
            .build()
            .map_err(|e| CliError::failed(format!("could not set up the webhook receiver: {e}")))?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| CliError::io("could not listen on 127.0.0.1", &e))?;
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
            url: format!("http://{addr}/webhooks/ringg"),
            secret,
            events,
            stop: Some(stop),
            task,
        })
    }

    pub(crate) async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(2), &mut self.task).await;
    }
}
