//! The opening handshake of the speech-to-text stream's WebSocket, sent by reqwest as an
//! HTTP/1.1 upgrade.
//!
//! The WebSocket library does not send it: its own handshake logs the request as sent,
//! `x-api-key` included, at TRACE level through the `log` crate, where an application that
//! forwards `log` records would keep the key. Here the library only frames messages over the
//! upgraded connection. reqwest also brings the crate's TLS choice, the environment's proxies
//! (none to loopback) and no redirects (the key stays with the host it was meant for), as the
//! default transport has them. A client built on a transport of its own (its certificates, its
//! proxy) does not lend them to the stream: the handshake uses a reqwest client of its own.

use http::StatusCode;
use http::header::{
    CONNECTION, HeaderMap, HeaderValue, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY,
    SEC_WEBSOCKET_PROTOCOL, SEC_WEBSOCKET_VERSION, UPGRADE,
};
use ringg_types::Secret;
use ringg_types::text::for_terminal;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::client::generate_key;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;

use crate::error::Error;

/// The stream's connection once upgraded.
pub(super) type Socket = WebSocketStream<reqwest::Upgraded>;

/// The most of a refused handshake's body read for its message.
const REFUSAL_BODY_LIMIT: usize = 64 * 1024;

/// Opens the WebSocket at `url` (`ws://` or `wss://`), sending `key` as `x-api-key`. `base` is
/// the service's base URL, masked, for messages. A refusal (a 401, any answer but 101) is the
/// error [`Error::from_response`] makes of it, for operation `operation`.
pub(super) async fn open(
    mut url: url::Url,
    key: &Secret,
    base: &str,
    operation: &'static str,
) -> Result<Socket, Error> {
    let tls = url.scheme() == "wss";
    let scheme = if tls { "https" } else { "http" };
    url.set_scheme(scheme)
        .map_err(|()| Error::invalid_input("bad STT stream URL scheme"))?;
    let mut builder = reqwest::Client::builder()
        .http1_only()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(crate::client::USER_AGENT);
    if ringg_transport::is_loopback_host(&url) {
        builder = builder.no_proxy();
    }
    let client = builder.build().map_err(|e| {
        Error::connection(format!(
            "could not set up the speech-to-text stream's connection: {}",
            causes(&e)
        ))
    })?;
    let mut api_key = HeaderValue::from_str(key.expose())
        .map_err(|_| Error::invalid_input("the API key has characters a header cannot carry"))?;
    api_key.set_sensitive(true);
    let nonce = generate_key();
    let response = client
        .get(url)
        .header(CONNECTION, "Upgrade")
        .header(UPGRADE, "websocket")
        .header(SEC_WEBSOCKET_VERSION, "13")
        .header(SEC_WEBSOCKET_KEY, nonce.as_str())
        .header("x-api-key", api_key)
        .send()
        .await
        .map_err(|e| {
            let why = causes(&e);
            if tls && why.contains("scheme is not http") {
                return Error::invalid_input(format!(
                    "the speech-to-text stream at {base} needs TLS, and this build has none"
                ))
                .with_hint("enable the `rustls` (or `native-tls`) feature of ringg-api");
            }
            Error::connection(format!(
                "could not open the speech-to-text stream at {base}: {why}"
            ))
        })?;
    if response.status().is_success() {
        // Not a refusal: something other than the stream answered (a web page, a proxy).
        return Err(Error::connection(format!(
            "the speech-to-text service at {base} answered {} instead of opening the stream (101): not a WebSocket handshake",
            response.status()
        )));
    }
    if response.status() != StatusCode::SWITCHING_PROTOCOLS {
        let status = response.status();
        let headers = response.headers().clone();
        let body = refusal_body(response).await;
        return Err(Error::from_response(operation, status, &headers, body));
    }
    let accept = derive_accept_key(nonce.as_bytes());
    if let Some(wrong) = not_a_websocket(response.headers(), &accept) {
        return Err(Error::connection(format!(
            "the speech-to-text service at {base} answered 101, but {wrong}: not a WebSocket handshake"
        )));
    }
    let upgraded = response.upgrade().await.map_err(|e| {
        Error::connection(format!(
            "the speech-to-text stream at {base} closed during its handshake: {}",
            causes(&e)
        ))
    })?;
    Ok(WebSocketStream::from_raw_socket(upgraded, Role::Client, None).await)
}

/// What makes a 101 answer's `headers` other than the WebSocket handshake asked for (RFC 6455
/// §4.1), given the `Sec-WebSocket-Accept` it must carry: `None` when it is one.
fn not_a_websocket(headers: &HeaderMap, accept: &str) -> Option<&'static str> {
    let has = |name, token: &str| {
        headers.get_all(name).iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
        })
    };
    if !has(UPGRADE, "websocket") {
        Some("without `Upgrade: websocket`")
    } else if !has(CONNECTION, "upgrade") {
        Some("without `Connection: Upgrade`")
    } else if headers
        .get(SEC_WEBSOCKET_ACCEPT)
        .is_none_or(|v| v.as_bytes() != accept.as_bytes())
    {
        Some("without a matching Sec-WebSocket-Accept")
    } else if headers.contains_key(SEC_WEBSOCKET_PROTOCOL) {
        Some("with a subprotocol the client did not ask for")
    } else {
        None
    }
}

/// Up to [`REFUSAL_BODY_LIMIT`] bytes of a refused handshake's body (what arrived, if the
/// connection fails midway).
async fn refusal_body(mut response: reqwest::Response) -> bytes::Bytes {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = REFUSAL_BODY_LIMIT - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() == REFUSAL_BODY_LIMIT {
            break;
        }
    }
    body.into()
}

/// `e` and its causes, without the URL (it carries the query), one line, for a terminal.
fn causes(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(&format!(" for url ({url})"), "");
    }
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    for_terminal(&text, 300)
}
