//! The reqwest (rustls) implementation of [`Transport`](crate::Transport).

use std::time::Duration;

use tower::Service;

use crate::error::{SendState, TransportError, TransportErrorKind};
use crate::redirect;
use crate::request::{
    ApiRequest, ApiResponse, Body, DEFAULT_MAX_RESPONSE_BODY, PartData, StallProtection,
};

/// Settings for the client that [`ReqwestTransport::new`] builds.
#[derive(Debug, Clone)]
pub struct ReqwestConfig {
    /// Time allowed to establish a connection (default 10 s).
    pub connect_timeout: Duration,
    /// Time allowed for one attempt, from sending to the end of the body (default 30 s, so a
    /// silent server is given up on well within a minute; a request may set its own in
    /// [`RequestLimits`](crate::RequestLimits)).
    pub attempt_timeout: Duration,
    /// The largest response body accepted, in bytes (default [`DEFAULT_MAX_RESPONSE_BODY`]); a
    /// request may set its own.
    pub max_response_body: u64,
    /// Protection against response bodies that stop arriving (`None` turns it off).
    pub stall_protection: Option<StallProtection>,
    /// Idle connections kept per host (default: no cap, like reqwest; idle ones close after
    /// `pool_idle_timeout`).
    pub pool_max_idle_per_host: usize,
    /// How long an idle pooled connection is kept (default 50 s: shorter than the 60 s after
    /// which ringg-rs's own servers close idle connections, so a reused one is still open).
    pub pool_idle_timeout: Duration,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl Default for ReqwestConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(30),
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            stall_protection: Some(StallProtection::default()),
            pool_max_idle_per_host: usize::MAX,
            pool_idle_timeout: Duration::from_secs(50),
            user_agent: crate::layers::auth::USER_AGENT.to_string(),
        }
    }
}

/// A [`Transport`](crate::Transport) over reqwest with rustls, connection pooling, a connect
/// timeout, a per-attempt timeout, a response body limit and stall protection. Cheap to clone
/// (the pool is shared).
///
/// Redirects are never followed by reqwest itself: this transport follows a redirect only for
/// an idempotent request and only to the same origin (see [`crate::redirect`]), so the API key
/// never reaches another host and a call initiation is never resent.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    settings: Settings,
}

/// The per-request settings of the transport.
#[derive(Debug, Clone, Copy)]
struct Settings {
    attempt_timeout: Option<Duration>,
    max_response_body: u64,
    stall: Option<StallProtection>,
}

impl ReqwestTransport {
    /// Builds a reqwest client from `config`.
    pub fn new(config: &ReqwestConfig) -> Result<Self, TransportError> {
        let client = Self::client_builder()
            .connect_timeout(config.connect_timeout)
            .pool_max_idle_per_host(config.pool_max_idle_per_host)
            .pool_idle_timeout(config.pool_idle_timeout)
            .user_agent(config.user_agent.clone())
            .build()
            .map_err(|e| {
                TransportError::invalid_request(format!("could not build the HTTP client: {e}"))
                    .with_source(e)
            })?;
        Ok(Self {
            client,
            settings: Settings {
                attempt_timeout: Some(config.attempt_timeout),
                max_response_body: config.max_response_body,
                stall: config.stall_protection,
            },
        })
    }

    /// A reqwest client builder with the settings this transport relies on: rustls and no
    /// automatic redirects. Start from it to configure a proxy, TLS roots or pool settings,
    /// then hand it to [`from_client_builder`](Self::from_client_builder).
    pub fn client_builder() -> reqwest::ClientBuilder {
        reqwest::Client::builder()
            .use_rustls_tls()
            .redirect(reqwest::redirect::Policy::none())
    }

    /// Builds the transport from a caller-configured reqwest client builder (its proxy, TLS
    /// and timeout settings are kept). Automatic redirects are switched off whatever the
    /// builder said: reqwest's default policy follows redirects to other hosts with the
    /// `X-API-KEY` header still attached, so this transport follows them itself (see
    /// [`crate::redirect`]). `attempt_timeout`, when given, is applied to each request on top;
    /// the body limit and stall protection are the defaults of [`ReqwestConfig`].
    pub fn from_client_builder(
        builder: reqwest::ClientBuilder,
        attempt_timeout: Option<Duration>,
    ) -> Result<Self, TransportError> {
        let client = builder
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                TransportError::invalid_request(format!("could not build the HTTP client: {e}"))
                    .with_source(e)
            })?;
        let defaults = ReqwestConfig::default();
        Ok(Self {
            client,
            settings: Settings {
                attempt_timeout,
                max_response_body: defaults.max_response_body,
                stall: defaults.stall_protection,
            },
        })
    }

    /// Sets the response body limit (bytes) for requests that do not set their own.
    pub fn with_max_response_body(mut self, limit: u64) -> Self {
        self.settings.max_response_body = limit;
        self
    }

    /// Sets or turns off stall protection.
    pub fn with_stall_protection(mut self, stall: Option<StallProtection>) -> Self {
        self.settings.stall = stall;
        self
    }

    /// The underlying reqwest client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    async fn send(
        client: reqwest::Client,
        settings: Settings,
        request: ApiRequest,
    ) -> Result<ApiResponse, TransportError> {
        let operation = request.operation;
        let attempt_timeout = request.limits.attempt_timeout.or(settings.attempt_timeout);
        let limit = request
            .limits
            .max_response_body
            .unwrap_or(settings.max_response_body);
        let work = Self::send_following(client, settings.stall, limit, request);
        match attempt_timeout {
            None => work.await,
            Some(t) => tokio::time::timeout(t, work).await.unwrap_or_else(|_| {
                Err(TransportError::timeout(format!(
                    "no complete answer within the attempt timeout of {:.1} s",
                    t.as_secs_f64()
                ))
                .with_operation(operation))
            }),
        }
    }

    /// Sends the request, following the redirects [`redirect::decide`] allows.
    async fn send_following(
        client: reqwest::Client,
        stall: Option<StallProtection>,
        limit: u64,
        request: ApiRequest,
    ) -> Result<ApiResponse, TransportError> {
        let operation = request.operation;
        let mut url = url::Url::parse(&request.url_without_query()).map_err(|e| {
            TransportError::invalid_request(format!("invalid request URL: {e}"))
                .with_operation(operation)
        })?;
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        let mut method = request.method.clone();
        let mut body = Some(request.body.clone());
        let mut hops = 0;
        loop {
            let response = Self::send_once(
                &client,
                method.clone(),
                url.clone(),
                &request,
                body.clone().unwrap_or_default(),
            )
            .await?;
            let status = response.status();
            if !redirect::is_redirect(status) {
                return read_response(response, limit, stall, operation).await;
            }
            let location = response
                .headers()
                .get(http::header::LOCATION)
                .and_then(|v| v.to_str().ok());
            match redirect::decide(&url, &method, status, location, request.idempotency, hops) {
                redirect::RedirectDecision::Follow {
                    url: next,
                    method: next_method,
                } => {
                    tracing::debug!(operation, %status, "following a same-origin redirect");
                    if next_method == http::Method::GET && method != http::Method::GET {
                        body = None;
                    }
                    url = next;
                    method = next_method;
                    hops += 1;
                }
                redirect::RedirectDecision::Stop(reason) => {
                    tracing::debug!(operation, %status, reason, "redirect not followed");
                    return read_response(response, limit, stall, operation).await;
                }
            }
        }
    }

    async fn send_once(
        client: &reqwest::Client,
        method: http::Method,
        url: url::Url,
        request: &ApiRequest,
        body: Body,
    ) -> Result<reqwest::Response, TransportError> {
        let operation = request.operation;
        let mut builder = client.request(method, url).headers(request.headers.clone());
        builder = match body {
            Body::Empty => builder,
            Body::Json(bytes) => builder
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(bytes),
            Body::Multipart(parts) => builder.multipart(multipart_form(parts, operation).await?),
        };
        builder
            .send()
            .await
            .map_err(|e| map_reqwest_error(e, operation))
    }
}

/// Builds a multipart form; every part can be produced again for a retry.
async fn multipart_form(
    parts: Vec<crate::request::Part>,
    operation: &'static str,
) -> Result<reqwest::multipart::Form, TransportError> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        let mut p = match part.data {
            PartData::Text(t) => reqwest::multipart::Part::text(t),
            PartData::Bytes(b) => {
                let len = b.len() as u64;
                reqwest::multipart::Part::stream_with_length(reqwest::Body::from(b), len)
            }
            PartData::Path(path) => {
                let file = tokio::fs::File::open(&path).await.map_err(|e| {
                    TransportError::invalid_request(format!(
                        "could not open {} for upload: {e}",
                        path.display()
                    ))
                    .with_operation(operation)
                    .with_source(e)
                })?;
                let len = file.metadata().await.ok().map(|m| m.len());
                let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(file));
                match len {
                    Some(len) => reqwest::multipart::Part::stream_with_length(body, len),
                    None => reqwest::multipart::Part::stream(body),
                }
            }
            PartData::Stream(factory) => {
                reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(factory()))
            }
        };
        if let Some(name) = part.file_name {
            p = p.file_name(name);
        }
        if let Some(ct) = part.content_type {
            p = p.mime_str(&ct).map_err(|e| {
                TransportError::invalid_request(format!(
                    "invalid content type {ct:?} for part {:?}: {e}",
                    part.name
                ))
                .with_operation(operation)
            })?;
        }
        form = form.part(part.name, p);
    }
    Ok(form)
}

/// Reads the whole response, enforcing the body limit while streaming and the stall
/// protection.
async fn read_response(
    mut response: reqwest::Response,
    limit: u64,
    stall: Option<StallProtection>,
    operation: &'static str,
) -> Result<ApiResponse, TransportError> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let too_large = |seen: u64| {
        TransportError::new(
            TransportErrorKind::BodyTooLarge,
            SendState::MaybeSent,
            format!(
                "the response body is larger than the limit of {limit} bytes (at least {seen} bytes); raise the client's max_response_body if this answer is expected"
            ),
        )
        .with_operation(operation)
    };
    if let Some(len) = response.content_length()
        && len > limit
    {
        return Err(too_large(len));
    }
    let capacity = response.content_length().unwrap_or(0).min(1 << 20) as usize;
    let mut body = bytes::BytesMut::with_capacity(capacity);
    let mut meter = stall.map(StallMeter::new);
    loop {
        let next = match &meter {
            Some(m) => match tokio::time::timeout_at(m.window_end, response.chunk()).await {
                Ok(chunk) => chunk,
                Err(_) => {
                    if let Some(m) = meter.as_mut() {
                        m.judge(operation)?;
                    }
                    continue;
                }
            },
            None => response.chunk().await,
        };
        match next.map_err(|e| map_reqwest_error(e, operation))? {
            None => break,
            Some(chunk) => {
                let seen = body.len() as u64 + chunk.len() as u64;
                if seen > limit {
                    return Err(too_large(seen));
                }
                body.extend_from_slice(&chunk);
                if let Some(m) = meter.as_mut() {
                    m.bytes_in_window += chunk.len() as u64;
                    if tokio::time::Instant::now() >= m.window_end {
                        m.judge(operation)?;
                    }
                }
            }
        }
    }
    Ok(ApiResponse {
        status,
        headers,
        body: body.freeze(),
    })
}

/// `now + d`, or far in the future when that overflows.
fn later(d: Duration) -> tokio::time::Instant {
    let now = tokio::time::Instant::now();
    now.checked_add(d)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
}

/// Measures a body's throughput window by window.
struct StallMeter {
    policy: StallProtection,
    window_end: tokio::time::Instant,
    bytes_in_window: u64,
    in_grace: bool,
}

impl StallMeter {
    fn new(policy: StallProtection) -> Self {
        Self {
            policy,
            window_end: later(policy.grace_period),
            bytes_in_window: 0,
            in_grace: true,
        }
    }

    /// Called at the end of a window: fails when it brought too little, else opens the next.
    fn judge(&mut self, operation: &'static str) -> Result<(), TransportError> {
        let needed =
            (self.policy.min_bytes_per_sec as f64 * self.policy.window.as_secs_f64()).ceil() as u64;
        if !self.in_grace && self.bytes_in_window < needed {
            return Err(TransportError::new(
                TransportErrorKind::Stalled,
                SendState::MaybeSent,
                format!(
                "the response stalled: {} bytes in the last {:.1} s, below the minimum of {} bytes/s",
                self.bytes_in_window,
                self.policy.window.as_secs_f64(),
                self.policy.min_bytes_per_sec
                ),
            )
            .with_operation(operation));
        }
        self.in_grace = false;
        self.bytes_in_window = 0;
        // A zero window would judge on every poll; 10 ms is the least that makes sense.
        self.window_end = later(self.policy.window.max(Duration::from_millis(10)));
        Ok(())
    }
}

/// Classifies a reqwest error by how far the request got.
fn map_reqwest_error(e: reqwest::Error, operation: &'static str) -> TransportError {
    let (kind, state, what) = if e.is_builder() {
        (
            TransportErrorKind::InvalidRequest,
            SendState::NotSent,
            "could not build the request",
        )
    } else if e.is_connect() {
        (
            TransportErrorKind::Connect,
            SendState::NotSent,
            "could not connect to the server; check the base URL and your network",
        )
    } else if e.is_timeout() {
        (
            TransportErrorKind::Timeout,
            SendState::MaybeSent,
            "the attempt timed out after the request was sent",
        )
    } else if e.is_request() || e.is_body() || e.is_decode() {
        (
            TransportErrorKind::Io,
            SendState::MaybeSent,
            "the connection failed while sending the request or reading the response",
        )
    } else {
        (
            TransportErrorKind::Other,
            SendState::MaybeSent,
            "the HTTP request failed",
        )
    };
    // reqwest's Display includes the URL (never headers), which carries no secret.
    TransportError::new(kind, state, format!("{what}: {e}"))
        .with_operation(operation)
        .with_source(e)
}

impl Service<ApiRequest> for ReqwestTransport {
    api_service_types!(ready);

    fn call(&mut self, request: ApiRequest) -> Self::Future {
        Box::pin(Self::send(self.client.clone(), self.settings, request))
    }
}
