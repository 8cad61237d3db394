//! The reqwest (rustls) implementation of [`Transport`](crate::Transport).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tower::Service;

use crate::error::{SendState, TransportError, TransportErrorKind};
use crate::request::{ApiRequest, ApiResponse, Body, PartData};

/// Settings for the client that [`ReqwestTransport::new`] builds.
#[derive(Debug, Clone)]
pub struct ReqwestConfig {
    /// Time allowed to establish a connection (default 10 s).
    pub connect_timeout: Duration,
    /// Time allowed for one attempt, from sending to the end of the body (default 60 s).
    pub attempt_timeout: Duration,
    /// Idle connections kept per host (default: no cap, like reqwest; idle ones close after
    /// `pool_idle_timeout`).
    pub pool_max_idle_per_host: usize,
    /// How long an idle pooled connection is kept (default 90 s).
    pub pool_idle_timeout: Duration,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl Default for ReqwestConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(60),
            pool_max_idle_per_host: usize::MAX,
            pool_idle_timeout: Duration::from_secs(90),
            user_agent: crate::layers::auth::USER_AGENT.to_string(),
        }
    }
}

/// A [`Transport`](crate::Transport) over reqwest with rustls, connection pooling, a connect
/// timeout and a per-attempt timeout. Cheap to clone (the pool is shared).
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    attempt_timeout: Option<Duration>,
}

impl ReqwestTransport {
    /// Builds a reqwest client from `config`.
    pub fn new(config: &ReqwestConfig) -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .use_rustls_tls()
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
            attempt_timeout: Some(config.attempt_timeout),
        })
    }

    /// Uses a caller-supplied reqwest client (its proxy, TLS and timeout settings are kept).
    /// `attempt_timeout`, when given, is applied to each request on top.
    pub fn from_client(client: reqwest::Client, attempt_timeout: Option<Duration>) -> Self {
        Self {
            client,
            attempt_timeout,
        }
    }

    /// The underlying reqwest client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    async fn send(
        client: reqwest::Client,
        attempt_timeout: Option<Duration>,
        request: ApiRequest,
    ) -> Result<ApiResponse, TransportError> {
        let operation = request.operation;
        let url = request.url_without_query();
        let mut builder = client.request(request.method, &url);
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        builder = builder.headers(request.headers);
        if let Some(t) = attempt_timeout {
            builder = builder.timeout(t);
        }
        builder = match request.body {
            Body::Empty => builder,
            Body::Json(bytes) => builder
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(bytes),
            Body::Multipart(parts) => {
                let mut form = reqwest::multipart::Form::new();
                for part in parts {
                    let mut p = match part.data {
                        PartData::Text(t) => reqwest::multipart::Part::text(t),
                        PartData::Bytes(b) => {
                            let len = b.len() as u64;
                            reqwest::multipart::Part::stream_with_length(
                                reqwest::Body::from(b),
                                len,
                            )
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
                            let body =
                                reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(file));
                            match len {
                                Some(len) => {
                                    reqwest::multipart::Part::stream_with_length(body, len)
                                }
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
                builder.multipart(form)
            }
        };
        let response = builder
            .send()
            .await
            .map_err(|e| map_reqwest_error(e, operation))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| map_reqwest_error(e, operation))?;
        Ok(ApiResponse {
            status,
            headers,
            body,
        })
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
    type Response = ApiResponse;
    type Error = TransportError;
    type Future = Pin<Box<dyn Future<Output = Result<ApiResponse, TransportError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: ApiRequest) -> Self::Future {
        Box::pin(Self::send(
            self.client.clone(),
            self.attempt_timeout,
            request,
        ))
    }
}
