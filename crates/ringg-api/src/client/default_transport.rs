//! The transport a [`ClientBuilder`](super::ClientBuilder) builds when it is given none: the
//! standard stack over the reqwest transport.

use std::sync::Arc;
use std::time::Duration;

use ringg_transport::{StackBuilder, StallProtection, Transport};

use crate::error::Error;

/// Makes the reqwest client builder the default transport starts from.
#[cfg(feature = "reqwest")]
pub(super) type ReqwestBuilderFn = Arc<dyn Fn() -> reqwest::ClientBuilder + Send + Sync>;

/// What the builder hands to the built-in transport.
#[cfg_attr(not(feature = "reqwest"), allow(dead_code))]
pub(super) struct TransportSettings {
    pub(super) attempt_timeout: Duration,
    pub(super) connect_timeout: Duration,
    pub(super) max_response_body: u64,
    pub(super) stall_protection: Option<StallProtection>,
}

/// The standard stack over the reqwest transport (no dynamic dispatch below the top).
#[cfg(feature = "reqwest")]
pub(super) fn default_transport(
    stack: StackBuilder,
    client: Option<ReqwestBuilderFn>,
    settings: TransportSettings,
) -> Result<Arc<dyn Transport>, Error> {
    use ringg_transport::{ReqwestConfig, ReqwestTransport};
    let transport = match client {
        Some(make) => ReqwestTransport::from_client_builder(make(), Some(settings.attempt_timeout))
            .map_err(Error::from_transport)?
            .with_max_response_body(settings.max_response_body)
            .with_stall_protection(settings.stall_protection),
        None => ReqwestTransport::new(&ReqwestConfig {
            attempt_timeout: settings.attempt_timeout,
            connect_timeout: settings.connect_timeout,
            max_response_body: settings.max_response_body,
            stall_protection: settings.stall_protection,
            ..ReqwestConfig::default()
        })
        .map_err(Error::from_transport)?,
    };
    Ok(stack.build_reqwest(transport))
}

#[cfg(not(feature = "reqwest"))]
pub(super) fn default_transport(
    _stack: StackBuilder,
    _settings: TransportSettings,
) -> Result<Arc<dyn Transport>, Error> {
    Err(Error::invalid_input("no transport")
        .with_hint("enable the `reqwest` feature or pass one with ClientBuilder::transport"))
}
