//! Per-request options ([`RequestOptions`], for `Client::with_options`) and raw responses
//! ([`Response`], from `Client::with_raw_response`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};
use ringg_transport::{ApiRequest, ApiResponse, RequestId};

use crate::error::Error;

/// Settings for the requests of one scoped view of a client (`Client::with_options`); unset
/// fields keep the client's settings.
///
/// They reach the transport as data on each [`ApiRequest`] (its
/// [`limits`](ApiRequest::limits) and [`headers`](ApiRequest::headers)), so no new client,
/// connection pool, retry budget or rate limiter is made.
///
/// ```no_run
/// # async fn run(client: ringg_api::Client) -> Result<(), ringg_api::Error> {
/// use std::time::Duration;
/// use ringg_api::RequestOptions;
/// let quick = client.with_options(
///     RequestOptions::new()
///         .timeout(Duration::from_secs(2))
///         .max_retries(0)
///         .header("x-team", "billing"),
/// );
/// let info = quick.workspace().info().await?; // this call: 2 s, no retry, one more header
/// let again = client.workspace().info().await?; // the client's own settings
/// # let _ = (info, again); Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    attempt_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    max_retries: Option<u32>,
    max_response_body: Option<u64>,
    headers: HeaderMap,
    invalid_header: Option<(String, &'static str)>,
}

/// Headers the SDK owns: an extra header may not replace them.
const RESERVED_HEADERS: &[&str] = &[
    ringg_transport::layers::API_KEY_HEADER,
    ringg_transport::REQUEST_ID_HEADER,
    ringg_transport::layers::retry::ATTEMPT_HEADER,
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
];

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// The time allowed for one attempt, from sending to the last byte of the answer (the
    /// client's [`attempt_timeout`](crate::ClientBuilder::attempt_timeout) for these requests).
    /// A zero timeout makes each request through these options fail with
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) before anything is sent.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// The time allowed for a whole request, retries and their waits included (the client's
    /// [`total_timeout`](crate::ClientBuilder::total_timeout) for these requests).
    /// A zero timeout makes each request through these options fail with
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) before anything is sent.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// The most retries after the first attempt (`0`: never retry). The retry rules and the
    /// shared retry budget still apply.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// The largest response body accepted, in bytes.
    pub fn max_response_body(mut self, bytes: u64) -> Self {
        self.max_response_body = Some(bytes);
        self
    }

    /// The values of the headers these options add, as text, but `Accept`'s (a media type,
    /// which a server's error may name for its own reasons).
    pub(crate) fn header_values(&self) -> impl Iterator<Item = &str> {
        let values = self
            .headers
            .iter()
            .filter(|(n, _)| *n != http::header::ACCEPT);
        values.filter_map(|(_, v)| v.to_str().ok())
    }

    /// An extra request header, sent on every attempt. Its value is marked sensitive, so it
    /// never shows in `Debug` output. A name or value that cannot be sent (a value must be
    /// printable ASCII; tabs are allowed), or a header the SDK sets itself (`X-API-KEY`, the
    /// request id and attempt headers, `Content-Type`, `Content-Length`, `Host`), makes each
    /// request through these options fail with
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) before anything is sent.
    /// Given twice here, a header is sent with both values; a view stacked on another
    /// ([`merge`](Self::merge)) replaces the earlier view's values of that header.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let name = name.as_ref();
        let parsed = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| {
                // Not the whole text: a name and its value given as one (`Authorization:
                // Bearer …`), or a value given as the name, would show the credential. Only
                // the part a name may hold before the first character it may not, and short.
                let shown: String = name
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                    .take(24)
                    .collect();
                (
                    format!(
                        "a header name starting `{}` ({} characters) is not valid",
                        shown.escape_debug(),
                        name.chars().count()
                    ),
                    "a header name is ASCII letters, digits and `-`; give the value apart, not as `Name: value`",
                )
            })
            .and_then(|n| {
                if RESERVED_HEADERS.contains(&n.as_str()) {
                    Err((
                        format!("the header `{n}` is set by the SDK"),
                        "use another name, or the client's settings for what it carries",
                    ))
                } else {
                    Ok(n)
                }
            })
            .and_then(|n| {
                let value = value.as_ref();
                // HTTP header values are ASCII (`http` would pass other bytes through as
                // obsolete text, which servers read differently).
                value
                    .is_ascii()
                    .then_some(value)
                    .and_then(|v| HeaderValue::from_str(v).ok())
                    .map(|v| (n.clone(), v))
                    .ok_or_else(|| {
                        (
                            format!(
                                "the value of header `{n}` cannot be sent (control characters or non-ASCII text)"
                            ),
                            "remove the control characters and non-ASCII text",
                        )
                    })
            });
        match parsed {
            Ok((n, mut v)) => {
                v.set_sensitive(true);
                self.headers.append(n, v);
            }
            Err(e) => {
                self.invalid_header.get_or_insert(e);
            }
        }
        self
    }

    /// These options with `other`'s set fields on top: `other` wins, a header included (its
    /// values replace the ones these options give under that name; other headers are kept).
    pub fn merge(mut self, other: &RequestOptions) -> Self {
        self.attempt_timeout = other.attempt_timeout.or(self.attempt_timeout);
        self.total_timeout = other.total_timeout.or(self.total_timeout);
        self.max_retries = other.max_retries.or(self.max_retries);
        self.max_response_body = other.max_response_body.or(self.max_response_body);
        for name in other.headers.keys() {
            self.headers.remove(name);
        }
        for (name, value) in &other.headers {
            self.headers.append(name.clone(), value.clone());
        }
        if self.invalid_header.is_none() {
            self.invalid_header = other.invalid_header.clone();
        }
        self
    }

    /// The longer of the timeouts these options set, if any.
    pub(crate) fn longest_timeout(&self) -> Option<Duration> {
        self.attempt_timeout.max(self.total_timeout)
    }

    /// Writes these options into a request.
    pub(crate) fn apply(&self, request: &mut ApiRequest) -> Result<(), Error> {
        let zero = |t: Option<Duration>| t.is_some_and(|t| t.is_zero());
        let invalid = match &self.invalid_header {
            Some((e, hint)) => Some((e.as_str(), *hint)),
            None if zero(self.attempt_timeout) => Some((
                "the request's timeout is zero",
                "give a timeout of more than zero",
            )),
            None if zero(self.total_timeout) => Some((
                "the request's total timeout is zero",
                "give a total timeout of more than zero",
            )),
            None => None,
        };
        if let Some((e, hint)) = invalid {
            return Err(Error::invalid_input(e)
                .with_hint(hint)
                .with_operation(request.operation));
        }
        let limits = &mut request.limits;
        if self.attempt_timeout.is_some() {
            limits.attempt_timeout = self.attempt_timeout;
        }
        if self.total_timeout.is_some() {
            limits.total_timeout = self.total_timeout;
        }
        if self.max_retries.is_some() {
            limits.max_retries = self.max_retries;
        }
        if self.max_response_body.is_some() {
            limits.max_response_body = self.max_response_body;
        }
        for (name, value) in &self.headers {
            request.headers.append(name.clone(), value.clone());
        }
        Ok(())
    }
}

/// A typed answer with the response it came from: status, headers and request ids, from
/// `Client::with_raw_response`. No second request is made to get them.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The client-generated id the request was sent with.
    pub request_id: RequestId,
    /// A request or trace id the server sent back, if any.
    pub server_request_id: Option<String>,
    /// The decoded answer.
    pub data: T,
}

impl<T> Response<T> {
    /// The decoded answer.
    pub fn into_data(self) -> T {
        self.data
    }

    /// A header's value as text, when present and printable.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What `Client::with_raw_response` keeps of the last answer.
#[derive(Debug)]
pub(crate) struct Seen {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) request_id: RequestId,
}

/// The slot a raw-response view writes the last answer's metadata into.
#[derive(Debug, Default)]
pub(crate) struct Capture(Mutex<Option<Seen>>);

impl Capture {
    pub(crate) fn record(&self, request_id: RequestId, response: &ApiResponse) {
        let seen = Seen {
            status: response.status,
            headers: response.headers.clone(),
            request_id,
        };
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(seen);
    }

    pub(crate) fn take(&self) -> Option<Seen> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// The settings of a scoped view of a client.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    pub(crate) options: RequestOptions,
    pub(crate) capture: Option<Arc<Capture>>,
}
