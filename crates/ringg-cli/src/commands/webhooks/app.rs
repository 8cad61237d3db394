//! The app `webhooks listen --forward-to` and `webhooks replay --forward-to` send deliveries
//! to: its URL (checked, and as printed), the client that reaches it, and the request's URL
//! and headers.

use std::time::Duration;

use http::{HeaderMap, Uri};

use crate::error::CliError;

/// How long the app gets to answer; Ringg itself gives up after 30 s.
pub(super) const APP_TIMEOUT: Duration = Duration::from_secs(25);

/// Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus those the
/// client sets itself.
const NOT_FORWARDED: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
];

/// A URL as printed and logged: without user info, and with every query value masked (a
/// delivery's query can carry the receiver's secret, `--secret-query-param`).
pub(super) fn shown(url: &url::Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    let mut text = shown.to_string();
    if url.query().is_some() {
        // Written as text, not through the URL, which would percent-encode the ellipsis.
        let names: Vec<String> = url.query_pairs().map(|(k, _)| format!("{k}=…")).collect();
        text.push('?');
        text.push_str(&names.join("&"));
    }
    text
}

/// Why the app could not be reached, in a few words.
pub(super) fn unreachable_reason(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return format!("no answer within {} s", APP_TIMEOUT.as_secs());
    }
    // reqwest's own message names the URL, which may carry a secret (a query parameter):
    // only the causes below it are shown.
    let mut source = std::error::Error::source(e);
    let mut deepest = "the request failed".to_owned();
    while let Some(err) = source {
        deepest = err.to_string();
        source = err.source();
    }
    if e.is_connect() && deepest.to_ascii_lowercase().contains("refused") {
        "connection refused".to_owned()
    } else {
        crate::error::one_line(&deepest)
    }
}

pub(super) fn is_hop_by_hop(name: &str, headers: &HeaderMap) -> bool {
    NOT_FORWARDED.contains(&name)
        || headers
            .get_all(http::header::CONNECTION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|listed| listed.trim().eq_ignore_ascii_case(name))
}

pub(super) fn parse_target(target: &str) -> Result<url::Url, CliError> {
    let url = url::Url::parse(target.trim()).map_err(|e| {
        CliError::usage(format!(
            "--forward-to {:?} is not a URL ({e}); e.g. http://localhost:3000/hooks",
            masked_target(target)
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(CliError::usage(format!(
            "--forward-to must be an http:// or https:// URL, got {:?}",
            masked_target(target)
        )));
    }
    Ok(url)
}

/// A `--forward-to` value that is not a usable URL, as an error quotes it: without user
/// information or query (either may hold a secret).
fn masked_target(target: &str) -> String {
    let masked = ringg_api::transport::masked_url(target.trim());
    let masked = match masked.split_once('?') {
        Some((before, _)) => format!("{before}?…"),
        None => masked.into_owned(),
    };
    // Not even `scheme://`: whatever comes before an `@` may still be user information.
    match masked.rsplit_once('@') {
        Some((before, after)) if !before.ends_with("://***") => format!("***@{after}"),
        _ => masked,
    }
}

/// Whether deliveries to `target`, with their secret, cross the network unencrypted: a plain
/// `http://` app on another host.
pub(super) fn is_clear_text_remote(target: &url::Url) -> bool {
    target.scheme() == "http" && !ringg_api::transport::is_loopback_host(target)
}

/// The client that sends deliveries (and their secret) to the app at `target`: no redirects,
/// and no proxy for a plain `http://` app, so the secret never goes in clear text to a proxy
/// the environment names (`HTTP_PROXY`); an `https://` app may be reached through one (the
/// proxy only relays the encrypted connection).
pub(super) fn app_client(
    target: &url::Url,
    timeout: Duration,
) -> Result<reqwest::Client, CliError> {
    let builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout);
    let builder = if target.scheme() == "http" {
        builder.no_proxy()
    } else {
        builder
    };
    builder
        .build()
        .map_err(|e| CliError::failed(format!("cannot build the forwarding client: {e}")))
}

/// The app's URL for a delivery to `uri`: the delivery's path appended to the target's path,
/// and both queries kept (the target's first).
pub(super) fn target_url(target: &url::Url, uri: &Uri) -> url::Url {
    let mut url = target.clone();
    let suffix = uri.path().trim_start_matches('/');
    if !suffix.is_empty() {
        let base = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{base}/{suffix}"));
    }
    let query = match (target.query(), uri.query()) {
        (Some(a), Some(b)) => Some(format!("{a}&{b}")),
        (a, b) => a.or(b).map(str::to_owned),
    };
    url.set_query(query.as_deref());
    url
}
