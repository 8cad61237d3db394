//! What the call operations hand back beside the models: a placed call, a history download.

use bytes::Bytes;
use ringg_types::calls::{InitiateCallRequest, InitiateCallResponse};
use ringg_types::ids::CallId;

use crate::Error;

/// A call Ringg accepted.
#[derive(Debug, Clone)]
pub struct PlacedCall {
    /// The new call's id.
    pub call_id: CallId,
    /// The client reference sent in `custom_args_values` (see [`CLIENT_REFERENCE_KEY`](super::CLIENT_REFERENCE_KEY)).
    pub reference: String,
    /// The full response.
    pub response: InitiateCallResponse,
}

/// The answer to a call initiation whose typed reading failed, when it still names the call
/// ([`InitiateCallResponse::salvage`]): the call was placed, so the initiation succeeded; the
/// field that could not be read is logged.
pub(super) fn salvaged_answer(err: &Error) -> Option<(InitiateCallResponse, CallId)> {
    let path = err.field_path()?;
    let response = InitiateCallResponse::salvage(err.unredacted_body()?)?;
    let call_id = response.call_id()?.clone();
    tracing::warn!(
        target: "ringg_api",
        call_id = %call_id,
        field = %path,
        "the answer to a call initiation named its call but held a field of a shape not \
         foreseen; the call was placed, and the answer's other fields are kept unread"
    );
    Some((response, call_id))
}

/// A 2xx answer to a call initiation that names no call: outcome unknown (Ringg may have
/// placed it), with what the server said (secrets named as such masked, at most 300
/// characters; the caller masks its own key).
pub(super) fn no_call_id(response: &InitiateCallResponse, reference: &str) -> Error {
    let said = response
        .message()
        .map(|m| {
            let m = ringg_types::redact::redact_text(m);
            let m = ringg_types::text::for_terminal(&m, 300);
            format!("; the server said: {m}")
        })
        .unwrap_or_default();
    Error::invalid_input(format!(
        "Ringg answered the call initiation without a call id (client reference \
         {reference}){said}"
    ))
    .into_outcome_unknown()
    .with_client_reference(reference.to_string())
}

/// A file or a message from `POST /calling/history/download`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum HistoryDownload {
    /// The export itself (CSV or ZIP).
    File {
        /// The `Content-Type` of the file.
        content_type: Option<String>,
        /// The file name from `Content-Disposition`, when given.
        file_name: Option<String>,
        /// The file's bytes.
        bytes: Bytes,
    },
    /// Ringg is emailing the report instead; its message.
    Emailed(String),
}

/// The file name of a `Content-Disposition` header, reduced to its last path component so a
/// server cannot point it elsewhere (`attachment; filename="calls.zip"; size=3` → `calls.zip`).
pub(super) fn content_disposition_file_name(header: &str) -> Option<String> {
    let value = header.split(';').map(str::trim).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case("filename").then_some(v)
    })?;
    let name = value.trim().trim_matches('"');
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    (!name.is_empty() && name != "." && name != "..").then(|| name.to_string())
}

/// What a call initiation sends that must not be shown if the server echoes it back (a
/// validation error quoting the request, say): the password and the secret query values of
/// its `callback_url` ([`is_secret_query_param`](ringg_types::redact::is_secret_query_param)),
/// and the values of its `callback_args` headers but `Content-Type` and `Accept`. Empty (no
/// allocation) for a request without a callback.
fn request_secrets(request: &InitiateCallRequest) -> Vec<String> {
    let mut secrets = Vec::new();
    // Each value as written in the request (as a server echoes it), and decoded.
    let mut both = |raw: &str, decoded: String| {
        if decoded != raw {
            secrets.push(decoded);
        }
        secrets.push(raw.to_owned());
    };
    if let Some(text) = request.callback_url.as_deref() {
        let parsed = url::Url::parse(text).ok();
        if let Some(password) = parsed.as_ref().and_then(url::Url::password) {
            both(password, percent_decoded(password));
        }
        let query = text.split_once('?').map_or("", |(_, q)| q);
        let query = query.split_once('#').map_or(query, |(q, _)| q);
        for pair in query.split('&') {
            let raw = pair.split_once('=').map_or("", |(_, v)| v);
            if let Some((name, value)) = url::form_urlencoded::parse(pair.as_bytes()).next()
                && ringg_types::redact::is_secret_query_param(&name)
            {
                both(raw, value.into_owned());
            }
        }
    }
    let headers = request
        .callback_args
        .as_ref()
        .and_then(|a| a.headers.as_ref());
    for (name, value) in headers.into_iter().flatten() {
        let plain = ["content-type", "accept"].contains(&name.to_ascii_lowercase().as_str());
        if let (false, Some(value)) = (plain, value.as_str()) {
            secrets.push(value.to_owned());
        }
    }
    secrets
}

/// `e` with [`request_secrets`] masked wherever the server's answer shows them.
pub(super) fn masking_callback(e: Error, request: &InitiateCallRequest) -> Error {
    e.masking_all(request_secrets(request).iter().map(String::as_str))
}

/// `text` with its `%XX` escapes decoded (lossily, as UTF-8).
fn percent_decoded(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::content_disposition_file_name as name;

    #[test]
    fn content_disposition_file_names() {
        assert_eq!(
            name("attachment; filename=\"calls.zip\"; size=3").as_deref(),
            Some("calls.zip")
        );
        assert_eq!(
            name("attachment; filename=history.csv").as_deref(),
            Some("history.csv")
        );
        assert_eq!(
            name("attachment; filename=\"../../etc/passwd\"").as_deref(),
            Some("passwd")
        );
        assert_eq!(name("attachment; filename=\"..\"").as_deref(), None);
        assert_eq!(name("inline").as_deref(), None);
    }
}
