//! Requests and responses as plain data.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::stream::BoxStream;
use http::{HeaderMap, HeaderName, Method, StatusCode};

/// Whether a request may be sent again after an ambiguous failure.
///
/// Ringg has no idempotency key, so a request that places a call or starts a campaign is
/// [`Idempotency::NonIdempotent`]: the retry layer resends it only when the failure proves
/// the server did not act on it (connection refused before sending, or a 429).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Idempotency {
    /// Safe to repeat: reads, deletes and replace-style updates.
    Idempotent,
    /// Not safe to repeat: creates something (a call, a campaign, an assistant, a key).
    NonIdempotent,
}

impl Idempotency {
    /// True for [`Idempotency::Idempotent`].
    pub fn is_idempotent(self) -> bool {
        matches!(self, Self::Idempotent)
    }
}

/// A factory producing a fresh byte stream each time it is called, so a streamed body can be
/// sent again on retry.
pub type StreamFactory =
    Arc<dyn Fn() -> BoxStream<'static, std::io::Result<Bytes>> + Send + Sync + 'static>;

/// The data of one multipart part. Every variant can be produced again for a retry.
#[derive(Clone)]
pub enum PartData {
    /// A text field.
    Text(String),
    /// File contents held in memory.
    Bytes(Bytes),
    /// A file on disk, opened anew for every attempt and streamed (never read whole).
    Path(PathBuf),
    /// A stream produced by a factory, called anew for every attempt.
    Stream(StreamFactory),
}

impl fmt::Debug for PartData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(t) => f.debug_tuple("Text").field(t).finish(),
            Self::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Self::Path(p) => f.debug_tuple("Path").field(p).finish(),
            Self::Stream(_) => f.write_str("Stream(..)"),
        }
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone)]
pub struct Part {
    /// The form field name.
    pub name: String,
    /// The file name, for file parts.
    pub file_name: Option<String>,
    /// The part's content type, for file parts (e.g. `text/csv`).
    pub content_type: Option<String>,
    /// The part's data.
    pub data: PartData,
}

impl Part {
    /// A text field.
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            file_name: None,
            content_type: None,
            data: PartData::Text(value.into()),
        }
    }

    /// A file field with the given name, file name, content type and data.
    pub fn file(
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: PartData,
    ) -> Self {
        Self {
            name: name.into(),
            file_name: Some(file_name.into()),
            content_type: Some(content_type.into()),
            data,
        }
    }
}

/// A request body. Every variant is replayable: a retry sends the same bytes again. `Debug`
/// shows a JSON body with its secrets masked ([`ringg_types::redact`]).
#[derive(Clone, Default)]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// A JSON document, already serialized (`Content-Type: application/json`).
    Json(Bytes),
    /// A `multipart/form-data` body; the transport chooses the boundary.
    Multipart(Vec<Part>),
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("Empty"),
            Self::Json(b) => f.debug_tuple("Json").field(&MaskedBody(b)).finish(),
            Self::Multipart(parts) => f.debug_tuple("Multipart").field(parts).finish(),
        }
    }
}

/// `Debug` of a body: its length and its text with secrets masked, cut to 512 characters.
struct MaskedBody<'a>(&'a [u8]);

impl fmt::Debug for MaskedBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = ringg_types::redact::redact_bytes(self.0);
        write!(
            f,
            "{} bytes: {:?}",
            self.0.len(),
            ringg_types::text::truncate_chars(&text, 512)
        )
    }
}

impl Body {
    /// The JSON bytes, when the body is JSON.
    pub fn as_json(&self) -> Option<&[u8]> {
        match self {
            Self::Json(b) => Some(b),
            _ => None,
        }
    }

    /// The multipart parts, when the body is multipart.
    pub fn as_multipart(&self) -> Option<&[Part]> {
        match self {
            Self::Multipart(p) => Some(p),
            _ => None,
        }
    }
}

/// One API request, described as data.
///
/// A resource method of `ringg-api` builds an `ApiRequest` and hands it to a
/// [`Transport`](crate::Transport). Nothing in it is consumed by sending, so layers can inspect
/// it and the retry layer can send it again.
#[derive(Clone)]
pub struct ApiRequest {
    /// The operation id from the API contract, e.g. `initiateCallV2`.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The API base URL, e.g. `https://prod-api.ringg.ai/ca/api/v0` (no trailing slash).
    pub base_url: Arc<str>,
    /// The path below the base URL, starting with `/`, path parameters already encoded. A
    /// path without parameters is the operation's static template, so building and copying a
    /// request allocates nothing for it.
    pub path: Cow<'static, str>,
    /// Query parameters, in order; repeated names are allowed (`agent_id[]`).
    pub query: Vec<(String, String)>,
    /// Extra request headers. The auth layer adds `X-API-KEY` here.
    pub headers: HeaderMap,
    /// The body.
    pub body: Body,
    /// Whether the request may be repeated after an ambiguous failure.
    pub idempotency: Idempotency,
    /// Limits for this request alone; unset fields fall back to the transport's defaults.
    pub limits: RequestLimits,
    /// Whether a 2xx answer must be a JSON document. The retry layer reads an idempotent
    /// request again when its answer is not (truncated or garbled in transit), within the
    /// retry budget.
    pub expect_json: bool,
    /// How the retry layer judges a 2xx answer's body, in place of the plain JSON check of
    /// [`expect_json`](Self::expect_json): a check that decodes the body into its model keeps
    /// the decoded value, so the body is parsed once (see [`BodyCheck`]).
    pub body_check: Option<Arc<dyn BodyCheck>>,
    /// The client-generated id of this logical request, sent as [`REQUEST_ID_HEADER`] on every
    /// attempt (the same across retries) and recorded in spans and errors.
    pub request_id: RequestId,
}

impl fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The base URL's `user:password@`, if any, is masked; the key header is marked
        // sensitive by the auth layer and the body is masked by `Body`'s own Debug.
        f.debug_struct("ApiRequest")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("base_url", &masked_url(&self.base_url))
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .field("idempotency", &self.idempotency)
            .field("limits", &self.limits)
            .field("expect_json", &self.expect_json)
            .field("body_check", &self.body_check)
            .field("request_id", &self.request_id)
            .finish()
    }
}

/// `url` with the credentials of its authority (`user:password@`) replaced by `***@`, and the
/// values of query parameters named like a secret masked
/// ([`url_shown`](ringg_types::redact::url_shown), which also masks a password in text that
/// is not an http(s) URL), for Debug output and messages; any other URL as it is.
///
/// A password may hold `/`, `?`, `#` or digits after its `:` that a URL parser reads as a
/// port and a path, so no parser decides where it ends: everything up to the last `@` before
/// the query (`?`) is masked, or, when no `@` comes before a `?`, up to the last `@` of all.
/// A base URL holds no `@` anywhere else, so this hides nothing it needs to show.
///
/// ```
/// use ringg_transport::masked_url;
/// assert_eq!(masked_url("https://u:p@example.com/api?x=@"), "https://***@example.com/api?x=@");
/// assert_eq!(masked_url("https://example.com/api"), "https://example.com/api");
/// assert_eq!(masked_url("https://u:p/w@example.com/api"), "https://***@example.com/api");
/// assert_eq!(masked_url("https://admin:2024/pw@example.com/api"), "https://***@example.com/api");
/// assert_eq!(masked_url("https://u:1?pw@example.com/api"), "https://***@example.com/api");
/// assert_eq!(
///     masked_url("https//example.com/api?token=s3"),
///     "https//example.com/api?token=[REDACTED]"
/// );
/// ```
pub fn masked_url(url: &str) -> std::borrow::Cow<'_, str> {
    let userinfo: std::borrow::Cow<'_, str> = match url.find("://") {
        None => url.into(),
        Some(scheme_end) => {
            let rest = &url[scheme_end + 3..];
            let before_query = &rest[..rest.find('?').unwrap_or(rest.len())];
            match before_query.rfind('@').or_else(|| rest.rfind('@')) {
                Some(at) => format!("{}://***@{}", &url[..scheme_end], &rest[at + 1..]).into(),
                None => url.into(),
            }
        }
    };
    // The values of secret-named query parameters, and a password in text that is not an
    // http(s) URL (`https//user:pw@…`, typed without its colon).
    if let std::borrow::Cow::Owned(shown) = ringg_types::redact::url_shown(&userinfo) {
        return shown.into();
    }
    userinfo
}

/// True when `url`'s host is `localhost` or a loopback address (127.0.0.0/8, `::1`).
///
/// ```
/// use ringg_transport::is_loopback_host;
/// assert!(is_loopback_host(&url::Url::parse("http://127.0.0.1:8080/x").unwrap()));
/// assert!(is_loopback_host(&url::Url::parse("http://LOCALHOST/x").unwrap()));
/// assert!(!is_loopback_host(&url::Url::parse("https://prod-api.ringg.ai/x").unwrap()));
/// ```
pub fn is_loopback_host(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Judges whether a 2xx answer's body can be read, for a request expecting JSON
/// ([`ApiRequest::body_check`]).
///
/// A typed client decodes the body into its model here and keeps the value, so the body is
/// parsed once rather than checked and then parsed. An answer that is not readable is read
/// again for an idempotent request, within the retry budget, like a garbled one.
pub trait BodyCheck: Send + Sync + fmt::Debug {
    /// `false` when `body` is not JSON at all (truncated or garbled); `true` when it is, whether
    /// or not it matches the model the caller wants.
    fn readable(&self, body: &Bytes) -> bool;
}

/// Whether `body` is one well-formed JSON document (checked without building it): the check
/// of a request that expects JSON and has no [`BodyCheck`] of its own.
pub fn is_json(body: &[u8]) -> bool {
    use serde::Deserialize as _;
    let mut de = serde_json::Deserializer::from_slice(body);
    serde::de::IgnoredAny::deserialize(&mut de).is_ok() && de.end().is_ok()
}

/// The header carrying the client-generated [`RequestId`] of a request.
pub const REQUEST_ID_HEADER: &str = "x-ringg-request-id";

/// [`REQUEST_ID_HEADER`] as a header name (no parsing per request).
pub(crate) const REQUEST_ID_HEADER_NAME: HeaderName = HeaderName::from_static(REQUEST_ID_HEADER);

/// Response headers that carry a server-side request or trace id, in the order they are
/// looked for by [`server_request_id`].
pub const SERVER_REQUEST_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-amzn-trace-id",
    "x-cloud-trace-context",
    "x-trace-id",
    "x-correlation-id",
    "traceparent",
    "cf-ray",
];

/// The server-side request or trace id a response carries, if any (the first of
/// [`SERVER_REQUEST_ID_HEADERS`] present with a printable value).
pub fn server_request_id(headers: &HeaderMap) -> Option<&str> {
    if headers.is_empty() {
        return None;
    }
    SERVER_REQUEST_ID_HEADERS.iter().find_map(|name| {
        headers
            .get(*name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    })
}

/// A client-generated id of one logical request: 16 hex digits after `req_`, unique within the
/// process (a counter mixed with a random per-process seed, so ids from different processes do
/// not collide in practice). It is the same on every retry of the request.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(u64);

impl RequestId {
    /// A fresh id.
    pub fn generate() -> Self {
        use std::sync::OnceLock;
        use std::sync::atomic::{AtomicU64, Ordering};
        static SEED: OnceLock<u64> = OnceLock::new();
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let seed = *SEED.get_or_init(rand::random::<u64>);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        // splitmix64 of seed + n: a bijection of n, so no two ids of one process are equal.
        let mut z = seed.wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Self(z ^ (z >> 31))
    }

    /// The id as a number.
    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// The id as the header value sent.
    pub fn header_value(self) -> http::HeaderValue {
        let mut buf = *b"req_0000000000000000";
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for i in 0..16 {
            buf[4 + i] = HEX[((self.0 >> (60 - 4 * i)) & 0xf) as usize];
        }
        http::HeaderValue::from_bytes(&buf)
            .unwrap_or_else(|_| http::HeaderValue::from_static("req_"))
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "req_{:016x}", self.0)
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::str::FromStr for RequestId {
    type Err = String;
    /// Parses `req_` followed by 16 hex digits.
    fn from_str(s: &str) -> Result<Self, String> {
        s.strip_prefix("req_")
            .filter(|h| h.len() == 16)
            .and_then(|h| u64::from_str_radix(h, 16).ok())
            .map(Self)
            .ok_or_else(|| format!("not a request id (req_ and 16 hex digits): {s:?}"))
    }
}

/// The default limit on a response body: 32 MiB. Ringg's largest JSON answers (a page of 100
/// calls with transcripts) are a few MiB; the history download has its own, larger limit.
pub const DEFAULT_MAX_RESPONSE_BODY: u64 = 32 * 1024 * 1024;

/// Gives up on a response body that stops arriving, as AWS's SDKs do.
///
/// Once `grace_period` has passed since the response headers arrived, every `window` must bring
/// at least `min_bytes_per_sec × window` bytes of the body, or the attempt fails with
/// [`TransportErrorKind::Stalled`](crate::TransportErrorKind::Stalled) (retried like a timeout
/// for idempotent requests). A body that finishes is never judged, however slowly its last bytes
/// came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StallProtection {
    /// Time before the throughput is first judged (default 5 s).
    pub grace_period: Duration,
    /// The span over which throughput is measured (default 5 s).
    pub window: Duration,
    /// The least throughput accepted, in bytes per second (default 1,024).
    pub min_bytes_per_sec: u64,
}

impl Default for StallProtection {
    fn default() -> Self {
        Self {
            grace_period: Duration::from_secs(5),
            window: Duration::from_secs(5),
            min_bytes_per_sec: 1024,
        }
    }
}

/// Per-request overrides of the stack's limits. `None` keeps the stack's setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestLimits {
    /// The time allowed for the whole request, retries and their waits included (the total
    /// timeout layer's bound for this request).
    pub total_timeout: Option<Duration>,
    /// The most retries after the first attempt (the retry policy's `max_retries` for this
    /// request; `Some(0)` never retries).
    pub max_retries: Option<u32>,
    /// The largest response body accepted, in bytes. A larger one fails with
    /// [`TransportErrorKind::BodyTooLarge`](crate::TransportErrorKind::BodyTooLarge) as soon as
    /// the limit is crossed, without reading the rest.
    pub max_response_body: Option<u64>,
    /// The time allowed for one attempt, from sending to the end of the response body.
    pub attempt_timeout: Option<Duration>,
    /// The instant by which the whole request must be done, retries included. The standard
    /// stack sets it from the total timeout; the retry layer's waits, the rate limiter's wait
    /// and [`ReqwestTransport`](crate::ReqwestTransport)'s attempt timer all end there, so one
    /// timer per attempt bounds both the attempt and the whole request.
    pub deadline: Option<tokio::time::Instant>,
}

impl ApiRequest {
    /// A request with no query, headers or body.
    pub fn new(
        operation: &'static str,
        method: Method,
        base_url: impl Into<Arc<str>>,
        path: impl Into<Cow<'static, str>>,
        idempotency: Idempotency,
    ) -> Self {
        Self {
            operation,
            method,
            base_url: base_url.into(),
            path: path.into(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Body::Empty,
            idempotency,
            limits: RequestLimits::default(),
            expect_json: false,
            body_check: None,
            request_id: RequestId::generate(),
        }
    }

    /// Adds a query parameter.
    pub fn with_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Sets this request's limits.
    pub fn with_limits(mut self, limits: RequestLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Marks the request as expecting a JSON document in a 2xx answer (see
    /// [`expect_json`](Self::expect_json)).
    pub fn expecting_json(mut self) -> Self {
        self.expect_json = true;
        self
    }

    /// Marks the request as expecting a JSON document in a 2xx answer, judged by `check` (see
    /// [`body_check`](Self::body_check)).
    pub fn with_body_check(mut self, check: Arc<dyn BodyCheck>) -> Self {
        self.expect_json = true;
        self.body_check = Some(check);
        self
    }

    /// Sets the body.
    pub fn with_body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    /// The full URL without the query string: `base_url` + `path`.
    pub fn url_without_query(&self) -> String {
        let base = self.base_url.trim_end_matches('/');
        let mut url = String::with_capacity(base.len() + self.path.len());
        url.push_str(base);
        url.push_str(&self.path);
        url
    }

    /// The value of a query parameter (the first one with that name).
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A response: status, headers and the whole body.
///
/// Non-2xx statuses are responses, not errors, at this level; `ringg-api` turns them into its
/// error type. `Debug` masks the body's secrets (`GET /workspace` returns the workspace key).
#[derive(Clone)]
pub struct ApiResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The response body.
    pub body: Bytes,
}

impl fmt::Debug for ApiResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &MaskedBody(&self.body))
            .finish()
    }
}

impl ApiResponse {
    /// A response with the given status and body and no headers.
    pub fn new(status: StatusCode, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: body.into(),
        }
    }

    /// True for 2xx statuses.
    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }
}
