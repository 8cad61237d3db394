//! Refused deliveries and the JSON error bodies sent back for them.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::header::{ALLOW, CONTENT_TYPE, HeaderValue};
use http::{Method, Response, StatusCode};
use http_body_util::Full;

use crate::verify::VerifyError;
use ringg_types::webhook::WebhookParseError;

/// The body type of every response the receiver sends.
pub type ResponseBody = Full<Bytes>;

/// Why a delivery was not handed over, with the status code it is answered with.
///
/// The response body is JSON:
/// `{"error": {"code": "invalid_payload", "message": "...", "path": "call_duration"}}`
/// (`path` only when a field is at fault). Ringg ignores response bodies; they are there for
/// whoever tests the endpoint by hand.
#[derive(Clone, PartialEq, Eq)]
pub struct Rejection {
    status: StatusCode,
    code: &'static str,
    message: String,
    path: Option<String>,
    parse_error: Option<Box<WebhookParseError>>,
    /// Whether the refused body goes to `on_malformed` (its content reaches no handler).
    keeps_body: bool,
}

impl Rejection {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            path: None,
            parse_error: None,
            keeps_body: false,
        }
    }

    /// Whether the body of the refused delivery is handed to
    /// [`on_malformed`](crate::WebhookReceiverBuilder::on_malformed): a body that is not JSON,
    /// and JSON that is not an object a strict receiver refused.
    pub(crate) fn keeps_body(&self) -> bool {
        self.keeps_body
    }

    /// This rejection, its body handed to `on_malformed`.
    pub(crate) fn keeping_body(mut self) -> Self {
        self.keeps_body = true;
        self
    }

    pub(crate) fn method_not_allowed(method: &Method) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!(
                "method {method} is not accepted; Ringg delivers webhooks with POST, PUT or PATCH \
                 (the subscription's method_type)"
            ),
        )
    }

    pub(crate) fn unauthorized(err: VerifyError) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", err.to_string())
    }

    pub(crate) fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!(
                "the body exceeds the receiver's limit of {limit} bytes; raise the receiver's \
                 max_body_bytes (`ringg webhooks listen --max-body-bytes`) if such deliveries \
                 are expected"
            ),
        )
    }

    pub(crate) fn too_large_decompressed(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!(
                "the body, decompressed, exceeds the receiver's limit of {limit} bytes; raise \
                 the receiver's max_body_bytes (`ringg webhooks listen --max-body-bytes`) if \
                 such deliveries are expected"
            ),
        )
    }

    pub(crate) fn unsupported_encoding(coding: &str) -> Self {
        // The coding is the sender's text: shown only as far as it is a plain token.
        let shown: String = coding
            .chars()
            .take(32)
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_encoding",
            format!(
                "the body's Content-Encoding `{shown}` is not one this receiver reads (gzip, \
                 deflate); send it uncompressed or with one of those"
            ),
        )
    }

    pub(crate) fn too_many_codings(n: usize) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_encoding",
            format!(
                "the body's Content-Encoding lists {n} codings; this receiver undoes at most 2 \
                 (gzip or deflate); send it compressed once"
            ),
        )
    }

    pub(crate) fn body_read(err: &(dyn std::error::Error + 'static)) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "body_read_failed",
            format!("reading the request body failed ({err}); send the delivery again"),
        )
    }

    pub(crate) fn body_timeout(timeout: Duration) -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            format!(
                "the request body did not arrive within {} ms; send the delivery again",
                timeout.as_millis()
            ),
        )
    }

    pub(crate) fn malformed_json(err: WebhookParseError) -> Self {
        Self {
            parse_error: Some(Box::new(err.clone())),
            ..Self::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!(
                    "the body is not JSON ({}); Ringg sends each event as one JSON object",
                    err.message()
                ),
            )
        }
    }

    pub(crate) fn invalid_field(err: WebhookParseError) -> Self {
        let kind = err
            .event_type()
            .map_or("webhook", |t| t.as_str())
            .to_owned();
        Self {
            path: Some(err.path().to_owned()),
            message: format!(
                "field `{}` of the {kind} event is invalid: {}",
                err.path(),
                err.message()
            ),
            parse_error: Some(Box::new(err)),
            ..Self::new(StatusCode::BAD_REQUEST, "invalid_payload", String::new())
        }
    }

    pub(crate) fn dedupe_unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "dedupe_unavailable",
            "the dedupe store failed, so the event was not handed over; Ringg will retry the \
             delivery",
        )
    }

    pub(crate) fn in_flight() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "in_flight",
            "this event is being handled right now; Ringg will retry the delivery",
        )
    }

    /// `status`: 500, or what the handler asked for ([`crate::HandlerError::with_status`]).
    pub(crate) fn handler_failed(status: StatusCode) -> Self {
        Self::new(
            status,
            "handler_failed",
            "the event handler failed; the event was not recorded as delivered, so Ringg's \
             retry will be handed over",
        )
    }

    /// The HTTP status the delivery is answered with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// A stable machine-readable code: `method_not_allowed`, `unauthorized`,
    /// `payload_too_large`, `body_read_failed`, `body_timeout`, `malformed_json`,
    /// `invalid_payload`, `dedupe_unavailable` or `handler_failed`.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// A human-readable explanation that says what to do next.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The path of the offending field (e.g. `transcript[0]`) when the body is valid JSON but a
    /// field has the wrong type.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The parse error behind a 400, with the whole body
    /// ([`WebhookParseError::body`]).
    pub fn parse_error(&self) -> Option<&WebhookParseError> {
        self.parse_error.as_deref()
    }

    /// The HTTP response for this rejection.
    pub fn into_response(self) -> Response<ResponseBody> {
        let mut error = serde_json::json!({ "code": self.code, "message": self.message });
        if let Some(path) = self.path {
            error["path"] = serde_json::Value::String(path);
        }
        let mut response = json_response(self.status, &serde_json::json!({ "error": error }));
        if self.status == StatusCode::METHOD_NOT_ALLOWED {
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("POST, PUT, PATCH"));
        }
        response
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl fmt::Debug for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The parse error is left out: it holds the whole body.
        f.debug_struct("Rejection")
            .field("status", &self.status)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl std::error::Error for Rejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.parse_error
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

pub(crate) fn json_response(
    status: StatusCode,
    body: &serde_json::Value,
) -> Response<ResponseBody> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
