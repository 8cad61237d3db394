//! The receiver: a `tower::Service` that authenticates, reads, parses, dedupes and hands over
//! webhook deliveries.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body::Body;
use http_body_util::Full;
use ringg_types::Secret;

use crate::body::{collect_limited, declared_too_large};
use crate::dedupe::{Claim, DedupeKey, DedupeStore, MemoryDedupeStore};
use crate::event;
use crate::handler::WebhookHandler;
use crate::rejection::{Rejection, ResponseBody};
use crate::verify::{Verifier, VerifierConfigError};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Receives Ringg's webhook deliveries.
///
/// For each request it
/// 1. refuses methods other than POST, PUT and PATCH (405);
/// 2. checks the shared-secret header (401 when missing or wrong, before any body byte is read);
/// 3. refuses bodies over the size limit (413; from `Content-Length` before reading, otherwise as
///    soon as the limit is crossed while reading, so a large body is never buffered whole);
/// 4. parses the body into a [`WebhookEvent`](crate::WebhookEvent): a subscription event, a
///    per-call callback delivery (`WebhookEvent::Callback`), or, when a field does not fit the
///    typed model or the JSON is not an object (an array, a scalar), a
///    `WebhookEvent::Partial` event with the whole JSON and the decode error (so nothing
///    Ringg sends is refused; [`strict`](WebhookReceiverBuilder::strict) refuses those with
///    400 instead). Only a body that is not JSON (even once mended) is refused (400). The
///    `Content-Type` header is not looked at: Ringg sets none on callback deliveries;
/// 5. dedupes it (a repeat is answered 200 and not handed over again);
/// 6. hands it to the [`WebhookHandler`] and answers 200 once the handler returned `Ok`, or 500
///    when it failed or panicked, forgetting the dedupe key so Ringg's retry gets through.
///
/// It is a cheap-to-clone [`tower_service::Service`] over `http::Request<B>` for any
/// [`http_body::Body`] `B`, so it mounts in hyper (see [`serve`](crate::serve)), in axum (see
/// the `axum` feature), or behind any tower middleware. It must run inside a Tokio runtime:
/// the handler runs on a spawned task, so a dropped connection neither cancels a handler
/// half-way nor leaves a key recorded for an event that was never handled.
///
/// ```no_run
/// use ringg_webhooks::{HandlerError, WebhookEvent, WebhookReceiver};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let receiver = WebhookReceiver::builder()
///     .secret_header("X-Webhook-Secret")
///     .secret(std::env::var("RINGG_WEBHOOK_SECRET")?)
///     .handler(|event: WebhookEvent| async move {
///         println!("{} for call {:?}", event.event_type(), event.call_id());
///         Ok::<_, HandlerError>(())
///     })
///     .build()?;
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// ringg_webhooks::serve(listener, receiver).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct WebhookReceiver {
    inner: Arc<Inner>,
}

struct Inner {
    verifier: Option<Verifier>,
    max_body_bytes: usize,
    read_timeout: Duration,
    store: Arc<dyn DedupeStore>,
    handler: Arc<dyn WebhookHandler>,
    strict: bool,
    malformed: Option<MalformedHook>,
}

/// What [`WebhookReceiverBuilder::on_malformed`] calls with the body of a delivery refused as
/// not JSON, or compressed in a way the receiver cannot undo or past the body limit.
type MalformedHook = Arc<dyn Fn(&[u8]) + Send + Sync>;

impl WebhookReceiver {
    /// The default body size limit: 1 MiB. Ringg's largest events (`all_processing_completed`
    /// with a long transcript) stay well below it.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
    /// The default time allowed to read a body: 30 seconds, Ringg's own delivery timeout.
    pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default secret header: `Authorization` (with the `Bearer` scheme).
    pub const DEFAULT_SECRET_HEADER: &'static str = "Authorization";

    /// Starts configuring a receiver.
    pub fn builder() -> WebhookReceiverBuilder {
        WebhookReceiverBuilder::default()
    }

    /// The body size limit in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.inner.max_body_bytes
    }

    /// Processes one delivery and returns the response to send. This is what the
    /// [`tower_service::Service`] implementation calls.
    pub async fn receive<B>(&self, request: Request<B>) -> Response<ResponseBody>
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        match self.process(request).await {
            Ok(response) => response,
            Err(rejection) => {
                tracing::warn!(
                    target: "ringg_webhooks",
                    status = rejection.status().as_u16(),
                    code = rejection.code(),
                    "webhook delivery refused: {}",
                    rejection.message()
                );
                rejection.into_response()
            }
        }
    }

    async fn process<B>(&self, request: Request<B>) -> Result<Response<ResponseBody>, Rejection>
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<BoxError>,
    {
        let inner = &self.inner;
        let (parts, body) = request.into_parts();
        if !matches!(parts.method, Method::POST | Method::PUT | Method::PATCH) {
            return Err(Rejection::method_not_allowed(&parts.method));
        }
        if let Some(verifier) = &inner.verifier {
            verifier
                .verify_request(&parts.headers, &parts.uri)
                .map_err(Rejection::unauthorized)?;
        }
        if declared_too_large(&parts.headers, inner.max_body_bytes) {
            return Err(Rejection::too_large(inner.max_body_bytes));
        }
        let bytes = collect_limited(body, inner.max_body_bytes, inner.read_timeout).await?;
        // A refused body no handler will see goes to `on_malformed`.
        let keep_refused = |rejection: &Rejection, body: &[u8]| {
            if rejection.keeps_body()
                && let Some(keep) = &inner.malformed
            {
                keep(body);
            }
        };
        let bytes = match crate::body::decoded(&parts.headers, &bytes, inner.max_body_bytes) {
            Ok(None) => bytes,
            Ok(Some(decoded)) => decoded,
            Err(rejection) => {
                keep_refused(&rejection, &bytes);
                return Err(rejection);
            }
        };
        let bytes = crate::body::as_utf8(&parts.headers, bytes);
        let event = event::parse(&bytes, inner.strict).inspect_err(|r| keep_refused(r, &bytes))?;
        // Dedupe and the handler run on their own task: if the connection goes away mid-way,
        // the handler still finishes and a failed event's key is still released.
        let task = tokio::spawn(deliver(self.inner.clone(), event));
        match task.await {
            Ok(result) => result,
            Err(join_error) => {
                tracing::error!(target: "ringg_webhooks", "webhook delivery task failed: {join_error}");
                Err(Rejection::handler_failed(StatusCode::INTERNAL_SERVER_ERROR))
            }
        }
    }
}

/// Parses a delivery body the way a (non-strict) receiver does: a JSON object that does not fit
/// the typed model becomes a `WebhookEvent::Partial` event.
///
/// # Errors
/// A [`Rejection`] with status 400 (`malformed_json`) when the body is not JSON (JSON that is
/// not an object is a partial event of shape `NotAnObject`).
pub fn parse_event(body: &[u8]) -> Result<crate::WebhookEvent, Rejection> {
    event::parse(body, false)
}

async fn deliver(
    inner: Arc<Inner>,
    event: crate::WebhookEvent,
) -> Result<Response<ResponseBody>, Rejection> {
    let event_type = event.event_type();
    let call_id = event.call_id().cloned();
    let (key, original) = match DedupeKey::for_delivery(&event) {
        Some((key, original)) => (Some(key), original),
        None => (None, None),
    };
    if let Some(original) = &original {
        // A rebuilt event stands in for a delivery of Ringg's that may have been missed:
        // nothing to do when the original was handed over (or is being), and keyed apart from
        // it, so that the original arriving later (a retry, or with the analysis done) is
        // still handed over; a second rebuilt copy is a repeat. A read, not a claim: Ringg's
        // delivery of the original arriving meanwhile is handed over, not answered 503 (both
        // may then be handed over, the rebuilt one marked).
        match inner.store.peek(original).await {
            Ok(Claim::New) => {}
            Ok(Claim::InFlight) => return Err(Rejection::in_flight()),
            Ok(_) => return Ok(accepted(DUPLICATE)),
            Err(err) => {
                tracing::error!(target: "ringg_webhooks", key = %original, "{err}");
                return Err(Rejection::dedupe_unavailable());
            }
        }
    }
    let key = match key {
        Some(key) => match inner.store.claim(&key).await {
            Ok(Claim::New) => Some(key),
            Ok(Claim::InFlight) => return Err(Rejection::in_flight()),
            Ok(_) => {
                tracing::debug!(
                    target: "ringg_webhooks",
                    event_type = %event_type,
                    call_id = call_id.as_ref().map(|c| c.as_str()),
                    "duplicate webhook delivery acknowledged, not handed over"
                );
                return Ok(accepted(DUPLICATE));
            }
            // Ringg never sends a per-call callback or a campaign's notice again, so a 503
            // would lose it: handed over unchecked (at worst twice).
            Err(err) if !event.is_retried_by_ringg() => {
                tracing::error!(
                    target: "ringg_webhooks",
                    key = %key,
                    "{err}; handing the event over without the duplicate check, since Ringg \
                     does not send it again"
                );
                None
            }
            Err(err) => {
                tracing::error!(target: "ringg_webhooks", key = %key, "{err}");
                return Err(Rejection::dedupe_unavailable());
            }
        },
        None => None,
    };
    // On this task: a panic in the handler is caught here, so the key is still released
    // before Ringg is answered.
    let outcome = CatchUnwind(inner.handler.handle(event)).await;
    let (failure, status) = match outcome {
        Ok(Ok(())) => {
            if let Some(key) = &key
                && let Err(err) = inner.store.confirm(key).await
            {
                // Handed over: the claim stays pending and expires; a retry may hand it over
                // again, which is better than losing it.
                tracing::error!(target: "ringg_webhooks", key = %key, "{err}");
            }
            tracing::debug!(
                target: "ringg_webhooks",
                event_type = %event_type,
                call_id = call_id.as_ref().map(|c| c.as_str()),
                "webhook event handed over"
            );
            return Ok(accepted(ACCEPTED));
        }
        Ok(Err(err)) => (
            format!("the handler returned an error: {err}"),
            err.status(),
        ),
        Err(_panic) => (
            "the handler panicked".to_owned(),
            StatusCode::INTERNAL_SERVER_ERROR,
        ),
    };
    tracing::warn!(
        target: "ringg_webhooks",
        event_type = %event_type,
        call_id = call_id.as_ref().map(|c| c.as_str()),
        status = status.as_u16(),
        "{failure}; answering {} so that Ringg retries",
        status.as_u16()
    );
    if let Some(key) = &key
        && let Err(err) = inner.store.remove(key).await
    {
        tracing::error!(
            target: "ringg_webhooks",
            key = %key,
            "could not forget the key of a failed event, so Ringg's retry will be treated as a \
             duplicate: {err}"
        );
    }
    Err(Rejection::handler_failed(status))
}

/// The acknowledgement of an event handed over.
const ACCEPTED: &[u8] = br#"{"status":"accepted"}"#;
/// The acknowledgement of a repeat that was not handed over again.
const DUPLICATE: &[u8] = br#"{"status":"duplicate"}"#;

fn accepted(body: &'static [u8]) -> Response<ResponseBody> {
    let mut response = Response::new(Full::new(Bytes::from_static(body)));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Resolves to `Err` with the panic's payload when polling the inner future panics.
struct CatchUnwind<F>(F);

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = std::thread::Result<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| Pin::new(inner).poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

impl fmt::Debug for WebhookReceiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookReceiver")
            .field("verifier", &self.inner.verifier)
            .field("max_body_bytes", &self.inner.max_body_bytes)
            .field("read_timeout", &self.inner.read_timeout)
            .finish_non_exhaustive()
    }
}

/// The future returned by [`WebhookReceiver`]'s `Service::call`.
pub struct ResponseFuture {
    inner: Pin<Box<dyn Future<Output = Result<Response<ResponseBody>, Infallible>> + Send>>,
}

impl Future for ResponseFuture {
    type Output = Result<Response<ResponseBody>, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

impl fmt::Debug for ResponseFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<B> tower_service::Service<Request<B>> for WebhookReceiver
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Response = Response<ResponseBody>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let this = self.clone();
        ResponseFuture {
            inner: Box::pin(async move { Ok(this.receive(request).await) }),
        }
    }
}

/// Configures a [`WebhookReceiver`].
///
/// Required: a [`handler`](Self::handler), and a [`secret`](Self::secret) (or an explicit
/// [`allow_unauthenticated`](Self::allow_unauthenticated)).
#[derive(Default)]
pub struct WebhookReceiverBuilder {
    secret_header: Option<String>,
    secret: Option<Secret>,
    previous_secret: Option<Secret>,
    secret_query_param: Option<String>,
    allow_unauthenticated: bool,
    max_body_bytes: Option<usize>,
    read_timeout: Option<Duration>,
    store: Option<Arc<dyn DedupeStore>>,
    handler: Option<Arc<dyn WebhookHandler>>,
    strict: bool,
    malformed: Option<MalformedHook>,
}

/// A configuration error found by [`WebhookReceiverBuilder::build`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No handler was configured.
    #[error("no webhook handler configured; call .handler(...) on the builder")]
    MissingHandler,
    /// No secret was configured and unauthenticated deliveries were not allowed explicitly.
    #[error(
        "no webhook secret configured; call .secret(...) with the value your subscription's \
         headers carry, or .allow_unauthenticated() for local testing only"
    )]
    MissingSecret,
    /// The secret configuration is invalid.
    #[error(transparent)]
    Verifier(#[from] VerifierConfigError),
    /// The body size limit is zero.
    #[error("max_body_bytes must be at least 1; the default is 1 MiB")]
    ZeroBodyLimit,
}

impl WebhookReceiverBuilder {
    /// The header that carries the shared secret (default `Authorization`, which expects
    /// `Bearer <secret>`; any other header expects the secret itself, e.g. `X-Webhook-Secret`).
    #[must_use]
    pub fn secret_header(mut self, name: impl Into<String>) -> Self {
        self.secret_header = Some(name.into());
        self
    }

    /// The current shared secret.
    #[must_use]
    pub fn secret(mut self, secret: impl Into<Secret>) -> Self {
        self.secret = Some(secret.into());
        self
    }

    /// A second secret accepted while rotating (see [`Verifier::with_previous_secret`]).
    #[must_use]
    pub fn previous_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.previous_secret = Some(secret.into());
        self
    }

    /// Also accepts the secret in the URL's query parameter `name` when the secret header is
    /// absent: for a campaign's `callback_url`, which Ringg calls with no headers of yours (see
    /// [`Verifier::with_query_param`]).
    #[must_use]
    pub fn secret_query_param(mut self, name: impl Into<String>) -> Self {
        self.secret_query_param = Some(name.into());
        self
    }

    /// Accepts deliveries without a secret. Only for local testing: anyone who can reach the
    /// endpoint could then inject events.
    #[must_use]
    pub fn allow_unauthenticated(mut self) -> Self {
        self.allow_unauthenticated = true;
        self
    }

    /// The body size limit in bytes (default [`WebhookReceiver::DEFAULT_MAX_BODY_BYTES`]).
    #[must_use]
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = Some(limit);
        self
    }

    /// The time allowed to read a body (default [`WebhookReceiver::DEFAULT_READ_TIMEOUT`]);
    /// a slower body is answered with 408.
    #[must_use]
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// The dedupe store (default: a [`MemoryDedupeStore`] with its default limits). Pass an
    /// `Arc<YourStore>` to keep a handle to it.
    #[must_use]
    pub fn dedupe_store(mut self, store: impl DedupeStore) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// Refuses partial events: a JSON body with a field that does not fit the typed model is
    /// answered 400 (`invalid_payload`, naming the field path) instead of being handed over as
    /// `WebhookEvent::Partial`. Off by default: Ringg retries a refused delivery three times
    /// and then drops it for good.
    #[must_use]
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Calls `keep` with the body of each authenticated delivery refused as not JSON (400
    /// `malformed_json`: not JSON even once mended, two values, a cut-off body), and, by a
    /// [`strict`](Self::strict) receiver, as JSON that is not an object (400
    /// `invalid_payload`), and of one compressed with a `Content-Encoding` the receiver cannot
    /// undo (415 `unsupported_encoding`; `gzip` and `deflate` are undone, at most two codings)
    /// or that decompresses past the body limit (413, the compressed body), before it is
    /// answered. No handler sees such a delivery, Ringg sends a subscription event again only
    /// three times and a per-call callback never: `keep` is where its content can be kept
    /// (`ringg webhooks listen` writes it to a file). It runs on the request's task, so it
    /// should be quick.
    #[must_use]
    pub fn on_malformed(mut self, keep: impl Fn(&[u8]) + Send + Sync + 'static) -> Self {
        self.malformed = Some(Arc::new(keep));
        self
    }

    /// The event handler: a [`WebhookHandler`] or an async closure.
    #[must_use]
    pub fn handler(mut self, handler: impl WebhookHandler) -> Self {
        self.handler = Some(Arc::new(handler));
        self
    }

    /// The event handler, shared: use it to keep an `Arc` to your handler (for its state)
    /// while the receiver uses it too.
    #[must_use]
    pub fn shared_handler<H: WebhookHandler>(mut self, handler: Arc<H>) -> Self {
        self.handler = Some(handler);
        self
    }

    /// Builds the receiver.
    ///
    /// # Errors
    /// A [`BuildError`] naming what is missing or invalid.
    pub fn build(self) -> Result<WebhookReceiver, BuildError> {
        let handler = self.handler.ok_or(BuildError::MissingHandler)?;
        let verifier = match self.secret {
            Some(secret) => {
                let header = self
                    .secret_header
                    .as_deref()
                    .unwrap_or(WebhookReceiver::DEFAULT_SECRET_HEADER);
                let header: HeaderName = HeaderName::from_bytes(header.trim().as_bytes())
                    .map_err(|_| VerifierConfigError::invalid_header_name(header))?;
                let mut verifier = Verifier::from_header_name(header, secret)?;
                if let Some(previous) = self.previous_secret {
                    verifier = verifier.with_previous_secret(previous);
                }
                if let Some(name) = self.secret_query_param {
                    verifier = verifier.with_query_param(name);
                }
                Some(verifier)
            }
            None if self.allow_unauthenticated => None,
            None => return Err(BuildError::MissingSecret),
        };
        let max_body_bytes = self
            .max_body_bytes
            .unwrap_or(WebhookReceiver::DEFAULT_MAX_BODY_BYTES);
        if max_body_bytes == 0 {
            return Err(BuildError::ZeroBodyLimit);
        }
        Ok(WebhookReceiver {
            inner: Arc::new(Inner {
                verifier,
                max_body_bytes,
                read_timeout: self
                    .read_timeout
                    .unwrap_or(WebhookReceiver::DEFAULT_READ_TIMEOUT),
                store: self
                    .store
                    .unwrap_or_else(|| Arc::new(MemoryDedupeStore::new())),
                handler,
                strict: self.strict,
                malformed: self.malformed,
            }),
        })
    }
}

impl fmt::Debug for WebhookReceiverBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookReceiverBuilder")
            .field("secret_header", &self.secret_header)
            .field("secret", &self.secret)
            .field("previous_secret", &self.previous_secret)
            .field("allow_unauthenticated", &self.allow_unauthenticated)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("read_timeout", &self.read_timeout)
            .field("strict", &self.strict)
            .field("handler", &self.handler.as_ref().map(|_| ".."))
            .field("on_malformed", &self.malformed.as_ref().map(|_| ".."))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
