//! The quickstart's webhook receiver on 127.0.0.1, checking a random secret.

use ringg_api::types::webhook::WebhookEvent;
use tokio::sync::mpsc;

use crate::error::CliError;
use crate::inbox::{Inbox, Stopper};

/// The header carrying the webhook secret.
pub(crate) const SECRET_HEADER: &str = "X-Webhook-Secret";

/// The local webhook receiver.
pub(crate) struct Receiver {
    pub(crate) url: String,
    pub(crate) secret: String,
    pub(crate) events: mpsc::UnboundedReceiver<WebhookEvent>,
    stopper: Stopper,
}

impl Receiver {
    pub(crate) async fn start() -> Result<Self, CliError> {
        let secret = uuid::Uuid::new_v4().simple().to_string();
        let inbox = Inbox::start("127.0.0.1:0", SECRET_HEADER, secret.clone()).await?;
        Ok(Self {
            url: format!("http://{}/webhooks/ringg", inbox.addr),
            secret,
            events: inbox.events,
            stopper: inbox.stopper,
        })
    }

    pub(crate) async fn stop(self) {
        self.stopper.stop().await;
    }
}
