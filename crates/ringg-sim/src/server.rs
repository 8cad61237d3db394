//! The HTTP server: accept loop, body limits, fault injection, dispatch.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use futures::StreamExt;
use futures::stream;
use http::{HeaderValue, Request, Response, StatusCode, header};
use http_body::Frame;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::Incoming;
use hyper::service::service_fn;
use serde_json::Value;
use tokio::net::TcpListener;

use crate::core::{JSON_BODY_LIMIT, Shared, UPLOAD_BODY_LIMIT};
use crate::error::ApiError;
use crate::faults::FaultKind;
use crate::handlers::control::CONTROL_PREFIX;
use crate::handlers::stt::STT_BASE_PATH;
use crate::handlers::{self, ctx::RequestParts};
use crate::routes::{self, Resolved};

pub(crate) type Body = BoxBody<Bytes, std::io::Error>;

/// Returned by the service to make hyper close the connection without answering.
#[derive(Debug)]
pub(crate) struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

/// Serves the API on `listener` until the simulator's token is cancelled.
///
/// The accept loop is `ringg_webhooks::serve_connections`: request heads are timed from
/// accept, idle connections are closed, the number of connections is capped and shutdown has
/// a deadline (see [`ServeConfig`](ringg_webhooks::ServeConfig)). Request bodies are timed in
/// [`read_and_handle`].
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    limits: ringg_webhooks::ServeConfig,
) {
    let token = shared.token.clone();
    let service = service_fn(move |req| dispatch(shared.clone(), req));
    let stopped = async move { token.cancelled().await };
    if let Err(e) = ringg_webhooks::serve_connections(listener, service, limits, stopped).await {
        tracing::warn!(error = %e, "the simulator's listener failed");
    }
}

pub(crate) fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).map_err(|e| match e {}).boxed()
}

pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut resp = Response::new(full(bytes));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

pub(crate) fn error_response(e: ApiError) -> Response<Body> {
    let mut resp = json_response(e.status, &e.body);
    for (k, v) in e.headers {
        resp.headers_mut().insert(k, v);
    }
    resp
}

async fn dispatch(
    sh: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<Body>, DropConnection> {
    sh.counters.requests.fetch_add(1, Ordering::Relaxed);
    let result = route_and_handle(&sh, req).await;
    if let Ok(resp) = &result {
        sh.counters.count_status(resp.status().as_u16());
    }
    result
}

async fn route_and_handle(
    sh: &Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<Body>, DropConnection> {
    if let Some(rest) = req.uri().path().strip_prefix(STT_BASE_PATH) {
        let rest = rest.to_owned();
        return Ok(stt(sh, rest, req).await);
    }
    if let Some(rest) = req.uri().path().strip_prefix(CONTROL_PREFIX) {
        let rest = rest.to_owned();
        return Ok(control(sh, rest, req).await);
    }
    let (method, path) = (req.method().as_str(), req.uri().path());
    let (op, params) = match routes::resolve(method, path) {
        Resolved::Op { id, params } => (id, params),
        Resolved::NotFound => {
            return Ok(error_response(ApiError::not_found(format!(
                "Not Found: no operation at {path}; every path starts with {} (see the endpoint list in docs/simulator.md)",
                routes::BASE_PATH
            ))));
        }
        Resolved::MethodNotAllowed(allowed) => {
            let allow = allowed.join(", ");
            let mut resp = error_response(ApiError::detail(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("Method Not Allowed: {method} {path}; allowed: {allow}"),
            ));
            if let Ok(v) = HeaderValue::from_str(&allow) {
                resp.headers_mut().insert(header::ALLOW, v);
            }
            return Ok(resp);
        }
    };
    sh.counters.count_op(op);

    let fault = sh.faults.decide(op);
    if let Some(kind) = fault {
        sh.counters.count_fault(kind);
        let retry_after = sh.faults.config().retry_after_secs;
        match kind {
            FaultKind::TooManyRequests => {
                let mut e = ApiError::detail(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many requests (injected fault): wait for Retry-After and try again",
                );
                e.headers
                    .push((header::RETRY_AFTER, HeaderValue::from(retry_after)));
                return Ok(error_response(e));
            }
            FaultKind::InternalServerError => {
                return Ok(error_response(ApiError::detail(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal Server Error (injected fault)",
                )));
            }
            FaultKind::BadGateway => {
                return Ok(error_response(ApiError::detail(
                    StatusCode::BAD_GATEWAY,
                    "Bad Gateway (injected fault)",
                )));
            }
            FaultKind::ServiceUnavailable => {
                return Ok(error_response(ApiError::detail(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Service Unavailable (injected fault)",
                )));
            }
            FaultKind::ResetBeforeProcessing => return Err(DropConnection),
            FaultKind::Latency => {
                tokio::time::sleep(sh.faults.config().latency).await;
            }
            FaultKind::ResetAfterProcessing
            | FaultKind::TruncatedBody
            | FaultKind::MalformedBody => {}
        }
    }

    let resp = read_and_handle(sh, op, params, req).await;

    match fault {
        Some(FaultKind::ResetAfterProcessing) => Err(DropConnection),
        Some(FaultKind::TruncatedBody) => Ok(truncate(resp).await),
        Some(FaultKind::MalformedBody) => {
            let mut r = Response::new(full(
                &b"{\"status\": \"success\", \"data\": {\"call_id\": \"9a1c"[..],
            ));
            *r.status_mut() = StatusCode::OK;
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            Ok(r)
        }
        _ => Ok(resp),
    }
}

async fn read_and_handle(
    sh: &Arc<Shared>,
    op: &'static str,
    params: Vec<(&'static str, String)>,
    req: Request<Incoming>,
) -> Response<Body> {
    let limit = if routes::is_multipart(op) {
        UPLOAD_BODY_LIMIT
    } else {
        JSON_BODY_LIMIT
    };
    let (parts, body) = req.into_parts();
    let body = match collect_body(sh, &parts.headers, body, limit).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => return error_response(too_large(limit)),
        Err(BodyError::Other(e)) => return error_response(e),
    };
    let query = query_pairs(&parts.uri);
    let rp = RequestParts {
        op,
        params,
        query,
        headers: parts.headers,
        body,
    };
    match handlers::handle(sh, rp).await {
        Ok(v) => json_response(StatusCode::OK, &sh.quirks.answer(op, v)),
        Err(e) => error_response(sh.quirks.error(e)),
    }
}

/// The speech-to-text service under `/stt/v1`: `GET /health`, `POST /transcriptions` and the
/// `GET /stream` WebSocket.
async fn stt(sh: &Arc<Shared>, rest: String, req: Request<Incoming>) -> Response<Body> {
    use handlers::stt::{stt_error, too_large, transcribe};
    let method = req.method().clone();
    let known: &[(&str, http::Method)] = &[
        ("/health", http::Method::GET),
        ("/transcriptions", http::Method::POST),
        ("/stream", http::Method::GET),
    ];
    let Some((_, allowed)) = known.iter().find(|(p, _)| *p == rest) else {
        return error_response(stt_error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!(
                "Not Found: the speech-to-text service has /health, /transcriptions and /stream under {STT_BASE_PATH}"
            ),
        ));
    };
    if method != *allowed {
        let mut resp = error_response(stt_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("Method Not Allowed: {method} {STT_BASE_PATH}{rest}; allowed: {allowed}"),
        ));
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(allowed.as_str()));
        return resp;
    }
    match rest.as_str() {
        "/health" => json_response(StatusCode::OK, &serde_json::json!({ "status": "ok" })),
        "/stream" => {
            let query = query_pairs(req.uri());
            if let Err(e) = handlers::stt_stream::precheck(sh, req.headers(), &query) {
                return error_response(e);
            }
            let (mut parts, _body) = req.into_parts();
            let Some(on_upgrade) = parts.extensions.remove::<hyper::upgrade::OnUpgrade>() else {
                return error_response(stt_error(
                    StatusCode::UPGRADE_REQUIRED,
                    "websocket_required",
                    "This endpoint is a WebSocket: connect with a WebSocket client over HTTP/1.1",
                ));
            };
            match handlers::stt_stream::accept(sh, &parts.headers, &query, on_upgrade) {
                Ok(accept) => {
                    let mut resp = Response::new(full(Bytes::new()));
                    *resp.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
                    let h = resp.headers_mut();
                    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
                    h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
                    if let Ok(v) = HeaderValue::from_str(&accept) {
                        h.insert(header::SEC_WEBSOCKET_ACCEPT, v);
                    }
                    resp
                }
                Err(e) => error_response(e),
            }
        }
        _ => {
            let (parts, body) = req.into_parts();
            match collect_body(sh, &parts.headers, body, UPLOAD_BODY_LIMIT).await {
                Ok(body) => match transcribe(sh, &parts.headers, body).await {
                    Ok(v) => json_response(StatusCode::OK, &v),
                    Err(e) => error_response(e),
                },
                Err(BodyError::TooLarge) => error_response(too_large()),
                Err(BodyError::Other(e)) => error_response(e),
            }
        }
    }
}

/// The simulator's own control API under `/_sim/` (inbound and web calls, number pools,
/// scripted outcomes): not a Ringg route, authenticated with the workspace key.
async fn control(sh: &Arc<Shared>, rest: String, req: Request<Incoming>) -> Response<Body> {
    let (parts, body) = req.into_parts();
    match collect_body(sh, &parts.headers, body, JSON_BODY_LIMIT).await {
        Ok(body) => {
            match handlers::control::handle(sh, &parts.method, &rest, &parts.headers, &body) {
                Ok(v) => json_response(StatusCode::OK, &v),
                Err(e) => error_response(e),
            }
        }
        Err(BodyError::TooLarge) => error_response(too_large(JSON_BODY_LIMIT)),
        Err(BodyError::Other(e)) => error_response(e),
    }
}

fn query_pairs(uri: &http::Uri) -> Vec<(String, String)> {
    uri.query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
}

/// Why a request body was not read.
enum BodyError {
    TooLarge,
    Other(ApiError),
}

/// Reads a request body up to `limit` bytes within the body read timeout.
async fn collect_body(
    sh: &Shared,
    headers: &http::HeaderMap,
    body: Incoming,
    limit: usize,
) -> Result<Bytes, BodyError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let timeout = sh.settings.body_read_timeout;
    let collected = tokio::time::timeout(timeout, Limited::new(body, limit).collect())
        .await
        .map_err(|_| {
            BodyError::Other(ApiError::detail(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "Request Timeout: the request body did not arrive within {} ms; send it at once",
                    timeout.as_millis()
                ),
            ))
        })?;
    match collected {
        Ok(c) => Ok(c.to_bytes()),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(BodyError::TooLarge)
        }
        Err(e) => Err(BodyError::Other(ApiError::bad_request(format!(
            "could not read the request body: {e}"
        )))),
    }
}

fn too_large(limit: usize) -> ApiError {
    ApiError::detail(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "Request body too large: the limit for this endpoint is {} bytes; send a smaller body",
            limit
        ),
    )
}

/// Sends half of the body, then fails the body stream so hyper aborts the connection.
async fn truncate(resp: Response<Body>) -> Response<Body> {
    let (mut parts, body) = resp.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let half = bytes.slice(0..bytes.len() / 2);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    // The pause lets hyper flush the head and the first half before the body fails.
    let first = stream::iter([Ok::<_, std::io::Error>(Frame::data(half))]);
    let cut = stream::once(async {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "body truncated by fault injection",
        ))
    });
    let body = BodyExt::boxed(StreamBody::new(StreamExt::chain(first, cut)));
    Response::from_parts(parts, body)
}
