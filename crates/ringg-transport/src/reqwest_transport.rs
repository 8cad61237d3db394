//! The reqwest implementation of [`Transport`](crate::Transport) (TLS by rustls, or by the
//! platform's library with feature `native-tls`).

use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use futures::TryFutureExt;
use futures::future::Either;
use http::{HeaderMap, HeaderName, HeaderValue};
use tower::Service;
use url::Url;

use crate::error::TransportError;
use crate::layers::timeout::{attempt_end, bounded};
use crate::redirect;
use crate::request::{
    ApiRequest, ApiResponse, Body, DEFAULT_MAX_RESPONSE_BODY, PartData, StallProtection,
};
use crate::reqwest_body::{map_reqwest_error, read_response};

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

/// A [`Transport`](crate::Transport) over reqwest with TLS (rustls by default, or native-tls with
/// feature `native-tls`), connection pooling, a connect
/// timeout, a per-attempt timeout, a response body limit and stall protection. Cheap to clone
/// (the pool is shared).
///
/// Redirects are never followed by reqwest itself: this transport follows a redirect only for
/// an idempotent request and only to the same origin (see [`crate::redirect`]), so the API key
/// never reaches another host and a call initiation is never resent.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    /// The client for plain `http://` requests to a loopback host: `client`'s settings without
    /// a proxy, made on first use (`None` for a transport built from a caller's builder).
    direct: Option<Arc<DirectClient>>,
    settings: Settings,
    /// The last base URL seen, parsed: requests to it only append their path.
    base: Arc<Mutex<Option<ParsedBase>>>,
}

/// A proxy-free client made from the transport's config on first use.
#[derive(Debug)]
struct DirectClient {
    config: ReqwestConfig,
    client: OnceLock<reqwest::Client>,
}

/// A base URL and its parsed form.
type ParsedBase = (Arc<str>, Url);

/// The per-request settings of the transport.
#[derive(Debug, Clone, Copy)]
struct Settings {
    attempt_timeout: Option<Duration>,
    max_response_body: u64,
    stall: Option<StallProtection>,
}

impl ReqwestTransport {
    /// Builds a reqwest client from `config`.
    ///
    /// A proxy the environment names (`HTTP_PROXY`, `ALL_PROXY`) is used as reqwest uses it,
    /// except for plain `http://` requests to a loopback host (`localhost`, 127.0.0.0/8,
    /// `::1`), which go direct: the key they carry would reach the proxy in clear text.
    pub fn new(config: &ReqwestConfig) -> Result<Self, TransportError> {
        Ok(Self {
            client: Self::build_client(Self::configured_builder(config))?,
            direct: Some(Arc::new(DirectClient {
                config: config.clone(),
                client: OnceLock::new(),
            })),
            settings: Settings {
                attempt_timeout: Some(config.attempt_timeout),
                max_response_body: config.max_response_body,
                stall: config.stall_protection,
            },
            base: Arc::default(),
        })
    }

    /// A reqwest client builder with the settings this transport relies on: the TLS of the
    /// crate's features (rustls by default, native-tls with feature `native-tls`), no
    /// automatic redirects, no retries of reqwest's own, and the SDK's standard headers
    /// (`User-Agent:` [`USER_AGENT`](crate::layers::auth::USER_AGENT), `Accept:
    /// application/json`), which the client writes into every request once, unless a request
    /// carries its own. Start from it to configure a proxy, TLS roots, pool settings or your own
    /// `User-Agent`, then hand it to [`from_client_builder`](Self::from_client_builder).
    ///
    /// reqwest's own retries are off because the retry layer decides every retry, within its
    /// budget: reqwest would resend an HTTP/2 request the server refused (`REFUSED_STREAM`, or
    /// a graceful `GOAWAY`) at once, and copy every request so that it could. This transport
    /// reports such a refusal as not sent, so the retry layer resends any request after it.
    pub fn client_builder() -> reqwest::ClientBuilder {
        let mut standard = HeaderMap::with_capacity(1);
        standard.insert(
            http::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        let builder = reqwest::Client::builder();
        #[cfg(feature = "native-tls")]
        let builder = builder.use_native_tls();
        #[cfg(all(feature = "rustls", not(feature = "native-tls")))]
        let builder = builder.use_rustls_tls();
        builder
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never().max_retries_per_request(0))
            .user_agent(crate::layers::auth::USER_AGENT)
            .default_headers(standard)
    }

    /// Builds the transport from a caller-configured reqwest client builder (its proxy, TLS,
    /// timeout and default header settings are kept; a builder that does not start from
    /// [`client_builder`](Self::client_builder) sends no `User-Agent` and no `Accept` unless it
    /// sets them). Automatic redirects and reqwest's own retries are switched off whatever the
    /// builder said: reqwest's default policy follows redirects to other hosts with the
    /// `X-API-KEY` header still attached, so this transport follows them itself (see
    /// [`crate::redirect`]), and every retry is the retry layer's, within its budget.
    /// `attempt_timeout`, when given, is applied to each request on top; the body limit and
    /// stall protection are the defaults of [`ReqwestConfig`]. The builder's proxy settings
    /// apply to every request, a plain `http://` one to a loopback host included.
    pub fn from_client_builder(
        builder: reqwest::ClientBuilder,
        attempt_timeout: Option<Duration>,
    ) -> Result<Self, TransportError> {
        let defaults = ReqwestConfig::default();
        Ok(Self {
            client: Self::build_client(builder)?,
            direct: None,
            settings: Settings {
                attempt_timeout,
                max_response_body: defaults.max_response_body,
                stall: defaults.stall_protection,
            },
            base: Arc::default(),
        })
    }

    /// [`client_builder`](Self::client_builder) with the connection settings of `config`.
    fn configured_builder(config: &ReqwestConfig) -> reqwest::ClientBuilder {
        Self::client_builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .pool_max_idle_per_host(config.pool_max_idle_per_host)
            .pool_idle_timeout(config.pool_idle_timeout)
    }

    /// `builder` built with automatic redirects and reqwest's own retries off.
    fn build_client(builder: reqwest::ClientBuilder) -> Result<reqwest::Client, TransportError> {
        builder
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never().max_retries_per_request(0))
            .build()
            .map_err(|e| {
                TransportError::invalid_request(format!("could not build the HTTP client: {e}"))
                    .with_source(e)
            })
    }

    /// The client that sends a request to `url`: the proxy-free one for plain `http://` to a
    /// loopback host (made on first use), else the configured one.
    fn client_for(&self, url: &Url) -> Result<&reqwest::Client, TransportError> {
        match &self.direct {
            Some(direct) if url.scheme() == "http" && crate::is_loopback_host(url) => {
                if let Some(client) = direct.client.get() {
                    return Ok(client);
                }
                let built =
                    Self::build_client(Self::configured_builder(&direct.config).no_proxy())?;
                Ok(direct.client.get_or_init(|| built))
            }
            _ => Ok(&self.client),
        }
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

    /// Sends one attempt: one timer bounds it, ending at the attempt timeout or the request's
    /// [`deadline`](crate::RequestLimits::deadline), whichever comes first (the error says
    /// which).
    ///
    /// The work that needs no waiting is done before the future is made, and the future holds
    /// only what the attempt still needs, so the futures that contain it stay small.
    pub(crate) fn send_attempt(
        &self,
        request: ApiRequest,
    ) -> impl Future<Output = Result<ApiResponse, TransportError>> + Send + '_ {
        let operation = request.operation;
        let limits = request.limits;
        let limit = limits
            .max_response_body
            .unwrap_or(self.settings.max_response_body);
        let end = attempt_end(&limits, self.settings.attempt_timeout);
        bounded(end, operation, self.send_following(limit, request))
    }

    /// Sends the request, following the redirects [`redirect::decide`] allows, and reads the
    /// answer. The two phases share the future's memory: nothing the sending needed is kept
    /// while the body is read.
    fn send_following(
        &self,
        limit: u64,
        request: ApiRequest,
    ) -> impl Future<Output = Result<ApiResponse, TransportError>> + Send + '_ {
        let stall = self.settings.stall;
        let operation = request.operation;
        self.send_hops(request)
            .and_then(move |response| read_response(response, limit, stall, operation))
    }

    /// Sends the request and the redirects [`redirect::decide`] allows, up to the response
    /// that is not followed.
    fn send_hops(
        &self,
        request: ApiRequest,
    ) -> impl Future<Output = Result<reqwest::Response, TransportError>> + Send + '_ {
        let mut url = match self.url_for(&request) {
            Ok(url) => url,
            Err(e) => return Either::Left(futures::future::ready(Err(e))),
        };
        let ApiRequest {
            operation,
            idempotency,
            mut method,
            mut headers,
            mut body,
            ..
        } = request;
        // The loop works on the captured values themselves (no second copy of each in the
        // future).
        Either::Right(async move {
            let mut hops = 0;
            loop {
                // Only an idempotent request may follow a redirect, so only it keeps a copy of
                // its headers (a flat list: one allocation) and body for the next hop; the
                // others hand theirs over.
                let kept = idempotency.is_idempotent().then(|| {
                    let list: Vec<(HeaderName, HeaderValue)> = headers
                        .iter()
                        .map(|(n, v)| (n.clone(), v.clone()))
                        .collect();
                    // A base URL's credentials become a header reqwest adds itself, so the
                    // next hop (same origin) gets them back on its URL.
                    let credentials = (!url.username().is_empty() || url.password().is_some())
                        .then(|| (url.username().to_owned(), url.password().map(str::to_owned)));
                    (list, body.clone(), credentials)
                });
                // The request lives in a block that ends before the response is awaited: a
                // request borrowed (for its URL) in the awaiting statement would be kept in
                // the future while it waits, enlarging every attempt's future.
                let pending = {
                    let request = match std::mem::replace(&mut body, Body::Empty) {
                        // Boxed: a rare path whose future would otherwise enlarge every request's.
                        Body::Multipart(parts) => {
                            Box::pin(self.multipart_request(
                                method.clone(),
                                url,
                                std::mem::take(&mut headers),
                                parts,
                                operation,
                            ))
                            .await?
                        }
                        sent => self.plain_request(
                            method.clone(),
                            url,
                            std::mem::take(&mut headers),
                            sent,
                            operation,
                        )?,
                    };
                    self.client_for(request.url())?.execute(request)
                };
                let response = pending.await.map_err(|e| map_reqwest_error(e, operation))?;
                let status = response.status();
                if !redirect::is_redirect(status) {
                    return Ok(response);
                }
                let location = response
                    .headers()
                    .get(http::header::LOCATION)
                    .and_then(|v| v.to_str().ok());
                let decision =
                    redirect::decide(response.url(), &method, status, location, idempotency, hops);
                let (mut next, next_method, (kept_headers, kept_body, credentials)) =
                    match (decision, kept) {
                        (redirect::RedirectDecision::Follow { url, method }, Some(kept)) => {
                            (url, method, kept)
                        }
                        (redirect::RedirectDecision::Stop(reason), _) => {
                            tracing::debug!(operation, %status, reason, "redirect not followed");
                            return Ok(response);
                        }
                        (redirect::RedirectDecision::Follow { .. }, None) => return Ok(response),
                    };
                tracing::debug!(operation, %status, "following a same-origin redirect");
                body = if next_method == http::Method::GET && method != http::Method::GET {
                    Body::Empty
                } else {
                    kept_body
                };
                headers = HeaderMap::with_capacity(kept_headers.len() + 4);
                for (name, value) in kept_headers {
                    headers.append(name, value);
                }
                if let Some((user, password)) = credentials {
                    // Same origin (the redirect policy's rule), so the same credentials.
                    let _ = next.set_username(&user);
                    let _ = next.set_password(password.as_deref());
                }
                url = next;
                method = next_method;
                hops += 1;
            }
        })
    }

    /// The request's URL with its query. The base URL is parsed once and kept; a request to
    /// it only appends its path.
    fn url_for(&self, request: &ApiRequest) -> Result<Url, TransportError> {
        let invalid = |e: url::ParseError| {
            TransportError::invalid_request(format!("invalid request URL: {e}"))
                .with_operation(request.operation)
        };
        let mut url = match self.base_url(&request.base_url) {
            // A path that carries its own query or fragment is parsed whole, as written.
            Some(base) if !request.path.contains(['?', '#']) => {
                let mut url = base;
                let joined = {
                    let base_path = url.path().trim_end_matches('/');
                    let mut p = String::with_capacity(base_path.len() + request.path.len());
                    p.push_str(base_path);
                    p.push_str(&request.path);
                    p
                };
                url.set_path(&joined);
                url
            }
            _ => Url::parse(&request.url_without_query()).map_err(invalid)?,
        };
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        Ok(url)
    }

    /// The parsed base URL, when it is a plain one (no credentials, query or fragment).
    fn base_url(&self, base: &Arc<str>) -> Option<Url> {
        let mut cache = self.base.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((seen, url)) = &*cache
            && (Arc::ptr_eq(seen, base) || **seen == **base)
        {
            return Some(url.clone());
        }
        let url = Url::parse(base.trim_end_matches('/')).ok()?;
        let plain = url.username().is_empty()
            && url.password().is_none()
            && url.query().is_none()
            && url.fragment().is_none()
            && !url.cannot_be_a_base();
        if !plain {
            return None;
        }
        *cache = Some((base.clone(), url.clone()));
        Some(url)
    }

    /// A request with a JSON or empty body.
    fn plain_request(
        &self,
        method: http::Method,
        url: Url,
        headers: HeaderMap,
        body: Body,
        operation: &'static str,
    ) -> Result<reqwest::Request, TransportError> {
        // A URL with credentials goes through reqwest's builder, which turns them into a
        // basic-auth header.
        if !url.username().is_empty() || url.password().is_some() {
            let builder = self.client_for(&url)?.request(method, url).headers(headers);
            return match body {
                Body::Json(bytes) => builder
                    .header(http::header::CONTENT_TYPE, "application/json")
                    .body(bytes),
                _ => builder,
            }
            .build()
            .map_err(|e| map_reqwest_error(e, operation));
        }
        // Built directly: the headers are moved in, not merged one by one.
        let mut request = reqwest::Request::new(method, url);
        *request.headers_mut() = headers;
        if let Body::Json(bytes) = body {
            request.headers_mut().insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            *request.body_mut() = Some(bytes.into());
        }
        Ok(request)
    }

    /// A `multipart/form-data` request (its file parts are opened anew for every attempt).
    async fn multipart_request(
        &self,
        method: http::Method,
        url: Url,
        headers: HeaderMap,
        parts: Vec<crate::request::Part>,
        operation: &'static str,
    ) -> Result<reqwest::Request, TransportError> {
        let form = multipart_form(parts, operation).await?;
        self.client_for(&url)?
            .request(method, url)
            .headers(headers)
            .multipart(form)
            .build()
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

impl Service<ApiRequest> for ReqwestTransport {
    api_service_types!(ready);

    fn call(&mut self, request: ApiRequest) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { this.send_attempt(request).await })
    }
}
