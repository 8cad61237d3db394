//! A hardened hyper server: for a [`WebhookReceiver`], or for any hyper service.
//!
//! Every accepted connection is watched from the moment it is accepted:
//!
//! - its first request head must be complete within [`ServeConfig::header_timeout`]. The clock
//!   starts at accept, before hyper has even decided between HTTP/1.1 and HTTP/2, so a client
//!   that sends nothing, one byte, or only the HTTP/2 preface is closed on time (hyper-util's
//!   own header timeout only starts after that detection);
//! - once it has served a request, it is closed when nothing has been in flight for
//!   [`ServeConfig::idle_timeout`] (a request is in flight from its head until its response
//!   body was written), whether or not another request head has started to trickle in;
//! - at most [`ServeConfig::max_connections`] are open at once. At the cap a new connection
//!   takes the place of the open connection that has been idle longest; when every open
//!   connection has a request in flight the new one is closed at once. Connections that sent
//!   nothing therefore never keep a real delivery out, and the process never runs out of file
//!   descriptors because of them;
//! - on shutdown the listener is closed, requests in flight get up to
//!   [`ServeConfig::shutdown_timeout`] to finish, then the remaining connections are dropped.
//!
//! Slow request bodies are the service's business, since only it reads them: a
//! [`WebhookReceiver`] answers 408 when a body takes longer than its
//! [`read_timeout`](crate::WebhookReceiverBuilder::read_timeout), and the connection is closed.

use std::error::Error as StdError;
use std::fmt::Display;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body::Body;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::Service;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::WebhookReceiver;
use crate::connections::{Check, Limits, Registration, Registry, Tracked, after, sleep_until};

type BoxError = Box<dyn StdError + Send + Sync>;

/// Connection limits of [`serve_with_config`] and [`serve_connections`].
///
/// The defaults suit a receiver on the internet: a 10 s header timeout, a 620 s idle timeout,
/// 512 connections and a 10 s shutdown deadline.
///
/// ```
/// use std::time::Duration;
/// use ringg_webhooks::ServeConfig;
///
/// let config = ServeConfig::default()
///     .header_timeout(Duration::from_secs(5))
///     .max_connections(256);
/// assert_eq!(config.header_timeout, Duration::from_secs(5));
/// assert_eq!(config.idle_timeout, ServeConfig::DEFAULT_IDLE_TIMEOUT);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServeConfig {
    /// Time from accept until the first request head must be complete; a connection that has
    /// not sent one by then is closed. Default [`Self::DEFAULT_HEADER_TIMEOUT`].
    pub header_timeout: Duration,
    /// After the first request: a connection with no request in flight for this long is
    /// closed. Default [`Self::DEFAULT_IDLE_TIMEOUT`].
    pub idle_timeout: Duration,
    /// The most connections open at once (at least 1). Default
    /// [`Self::DEFAULT_MAX_CONNECTIONS`].
    pub max_connections: usize,
    /// On shutdown, how long requests in flight may take before their connections are
    /// dropped. Default [`Self::DEFAULT_SHUTDOWN_TIMEOUT`].
    pub shutdown_timeout: Duration,
    /// Speak only HTTP/1.1 (default false: HTTP/1.1 and HTTP/2 with prior knowledge). A
    /// connection is then served by hyper's HTTP/1 connection directly, without first reading
    /// its opening bytes to tell the protocols apart.
    pub http1_only: bool,
}

impl ServeConfig {
    /// 10 seconds: far more than any real client needs to send a request head, short enough
    /// that silent connections do not pile up.
    pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
    /// 620 seconds between requests on a kept-alive connection: longer than the keep-alive of
    /// the load balancers a receiver sits behind (AWS's 60 s by default, Google Cloud's 600 s),
    /// so the balancer, not the receiver, closes an idle connection. A receiver that closed it
    /// first could do so just as the balancer sent a delivery on it, which the balancer
    /// answers 502 (and Ringg does not send a callback again). Idle connections cost little:
    /// at [`Self::DEFAULT_MAX_CONNECTIONS`] a new one takes the place of the longest-idle.
    pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(620);
    /// 512 connections: half of the common 1,024 file-descriptor limit, so the process keeps
    /// descriptors for everything else.
    pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
    /// 10 seconds for requests in flight at shutdown.
    pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`Self::header_timeout`].
    #[must_use]
    pub fn header_timeout(mut self, timeout: Duration) -> Self {
        self.header_timeout = timeout;
        self
    }

    /// Sets [`Self::idle_timeout`].
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Sets [`Self::max_connections`] (0 is taken as 1).
    #[must_use]
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// Sets [`Self::shutdown_timeout`].
    #[must_use]
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// Sets [`Self::http1_only`].
    #[must_use]
    pub fn http1_only(mut self, only: bool) -> Self {
        self.http1_only = only;
        self
    }
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            header_timeout: Self::DEFAULT_HEADER_TIMEOUT,
            idle_timeout: Self::DEFAULT_IDLE_TIMEOUT,
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            shutdown_timeout: Self::DEFAULT_SHUTDOWN_TIMEOUT,
            http1_only: false,
        }
    }
}

/// Serves `receiver` on `listener` (HTTP/1.1, and HTTP/2 with prior knowledge) with the
/// default [`ServeConfig`] until the returned future is dropped. Every path is accepted.
///
/// Put it behind a TLS-terminating proxy or load balancer when Ringg reaches it over the
/// internet: Ringg requires an HTTPS callback URL.
///
/// # Errors
/// Never returns in practice; the `Result` leaves room for fatal listener errors. Errors
/// accepting one connection (for example too many open files) are logged and the loop goes on.
pub async fn serve(listener: TcpListener, receiver: WebhookReceiver) -> std::io::Result<()> {
    serve_with_shutdown(listener, receiver, std::future::pending()).await
}

/// Like [`serve`], but stops accepting connections when `shutdown` completes, gives the
/// requests in flight up to [`ServeConfig::DEFAULT_SHUTDOWN_TIMEOUT`] to finish (so no handler
/// is cut off half-way unless it takes longer), and returns.
///
/// ```no_run
/// # async fn run(receiver: ringg_webhooks::WebhookReceiver) -> std::io::Result<()> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// ringg_webhooks::serve_with_shutdown(listener, receiver, async {
///     let _ = tokio::signal::ctrl_c().await;
/// })
/// .await
/// # }
/// ```
///
/// # Errors
/// See [`serve`].
pub async fn serve_with_shutdown(
    listener: TcpListener,
    receiver: WebhookReceiver,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    serve_with_config(listener, receiver, ServeConfig::default(), shutdown).await
}

/// Like [`serve_with_shutdown`], with the connection limits of `config`.
///
/// ```no_run
/// # async fn run(receiver: ringg_webhooks::WebhookReceiver) -> std::io::Result<()> {
/// use std::time::Duration;
/// use ringg_webhooks::ServeConfig;
///
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// let config = ServeConfig::default()
///     .max_connections(1024)
///     .shutdown_timeout(Duration::from_secs(5));
/// ringg_webhooks::serve_with_config(listener, receiver, config, async {
///     let _ = tokio::signal::ctrl_c().await;
/// })
/// .await
/// # }
/// ```
///
/// # Errors
/// See [`serve`].
pub async fn serve_with_config(
    listener: TcpListener,
    receiver: WebhookReceiver,
    config: ServeConfig,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    serve_connections(
        listener,
        TowerToHyperService::new(receiver),
        config,
        shutdown,
    )
    .await
}

/// Serves any hyper `service` on `listener` under the limits of `config` (see the module
/// documentation of [`serve_with_config`]) until `shutdown` completes; then gives requests in
/// flight up to [`ServeConfig::shutdown_timeout`] and returns.
///
/// The service is cloned for each connection. This is the loop [`serve_with_config`] runs
/// for a [`WebhookReceiver`]; the `ringg-sim` simulator runs its API on it too.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use std::convert::Infallible;
/// use http_body_util::Full;
///
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// let service = hyper::service::service_fn(|_request| async {
///     Ok::<_, Infallible>(http::Response::new(Full::new(bytes::Bytes::from_static(b"ok"))))
/// });
/// ringg_webhooks::serve_connections(
///     listener,
///     service,
///     ringg_webhooks::ServeConfig::default(),
///     std::future::pending(),
/// )
/// .await
/// # }
/// ```
///
/// # Errors
/// See [`serve`].
pub async fn serve_connections<S, B>(
    listener: TcpListener,
    service: S,
    config: ServeConfig,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()>
where
    S: Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let config = Arc::new(config);
    let protocol = Protocol::new(config.http1_only);
    let registry = Arc::new(Registry::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    // Every connection task holds a clone; `recv` returns `None` once they all ended.
    let (alive_tx, mut alive_rx) = mpsc::channel::<()>(1);
    let mut last_full_warning: Option<Instant> = None;
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    tracing::warn!(target: "ringg_webhooks", "accepting a connection failed: {err}");
                    // Typically EMFILE: give the process a moment to release descriptors.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = registry.admit(config.max_connections) else {
            // Every open connection has a request in flight: refuse this one at once.
            drop(stream);
            let now = Instant::now();
            if last_full_warning.is_none_or(|at| now.duration_since(at) >= WARN_EVERY) {
                last_full_warning = Some(now);
                tracing::warn!(
                    target: "ringg_webhooks",
                    max_connections = config.max_connections,
                    "connection limit reached with every connection busy: closing new connections"
                );
            }
            continue;
        };
        let _ = stream.set_nodelay(true);
        let task = ConnectionTask {
            stream,
            peer,
            protocol: protocol.clone(),
            service: Tracked {
                inner: service.clone(),
                slot: slot.clone(),
            },
            registration: Registration {
                registry: registry.clone(),
                slot,
            },
            config: config.clone(),
            stop: stop_rx.clone(),
            accepted: Instant::now(),
            _alive: alive_tx.clone(),
        };
        tokio::spawn(task.run());
    }
    drop(listener);
    let _ = stop_tx.send(true);
    drop(alive_tx);
    // Each task bounds itself by the shutdown deadline; this bound is a second guard.
    let grace = config
        .shutdown_timeout
        .saturating_add(Duration::from_millis(500));
    let _ = tokio::time::timeout(grace, alive_rx.recv()).await;
    Ok(())
}

/// How often the "connection limit reached" warning may be logged.
const WARN_EVERY: Duration = Duration::from_secs(10);

/// How connections are served: HTTP/1.1 only, or HTTP/1.1 and HTTP/2 told apart by their
/// opening bytes.
#[derive(Clone)]
enum Protocol {
    Http1(http1::Builder),
    Auto(auto::Builder<TokioExecutor>),
}

impl Protocol {
    fn new(http1_only: bool) -> Self {
        // The watchdog in `ConnectionTask::run` times request heads from accept, for both
        // protocols; hyper's own HTTP/1 header timer would also bound the wait between
        // requests.
        if http1_only {
            let mut builder = http1::Builder::new();
            builder.header_read_timeout(None);
            Self::Http1(builder)
        } else {
            let mut builder = auto::Builder::new(TokioExecutor::new());
            builder.http1().header_read_timeout(None);
            Self::Auto(builder)
        }
    }
}

/// A served connection that can be asked to finish its requests in flight and close.
trait GracefulConnection: Future<Output = Result<(), Self::Error>> {
    type Error: Display;
    fn graceful_shutdown(self: Pin<&mut Self>);
}

impl<S, B> GracefulConnection for http1::UpgradeableConnection<TokioIo<TcpStream>, S>
where
    S: hyper::service::HttpService<Incoming, ResBody = B>,
    S::Error: Into<BoxError>,
    B: Body + 'static,
    B::Error: Into<BoxError>,
{
    type Error = hyper::Error;
    fn graceful_shutdown(self: Pin<&mut Self>) {
        http1::UpgradeableConnection::graceful_shutdown(self);
    }
}

impl<S, B> GracefulConnection
    for auto::UpgradeableConnection<'_, TokioIo<TcpStream>, S, TokioExecutor>
where
    S: Service<Request<Incoming>, Response = Response<B>>,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Error = BoxError;
    fn graceful_shutdown(self: Pin<&mut Self>) {
        auto::UpgradeableConnection::graceful_shutdown(self);
    }
}

/// Everything one connection's task needs.
struct ConnectionTask<S> {
    stream: TcpStream,
    peer: SocketAddr,
    protocol: Protocol,
    service: Tracked<S>,
    registration: Registration,
    config: Arc<ServeConfig>,
    stop: watch::Receiver<bool>,
    accepted: Instant,
    _alive: mpsc::Sender<()>,
}

impl<S, B> ConnectionTask<S>
where
    S: Service<Request<Incoming>, Response = Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    async fn run(self) {
        // With upgrades, so a service can answer 101 and take the connection over (the
        // simulator's speech-to-text WebSocket); after the upgrade the connection is the
        // service's, and this task ends.
        let io = TokioIo::new(self.stream);
        let watch = Watch {
            peer: self.peer,
            registration: self.registration,
            config: self.config,
            stop: self.stop,
            accepted: self.accepted,
            _alive: self._alive,
        };
        match &self.protocol {
            Protocol::Http1(builder) => {
                let connection = builder.serve_connection(io, self.service).with_upgrades();
                watch.run(connection).await;
            }
            Protocol::Auto(builder) => {
                watch
                    .run(builder.serve_connection_with_upgrades(io, self.service))
                    .await;
            }
        }
    }
}

/// Watches one connection: its header and idle deadlines, eviction and shutdown.
struct Watch {
    peer: SocketAddr,
    registration: Registration,
    config: Arc<ServeConfig>,
    stop: watch::Receiver<bool>,
    accepted: Instant,
    _alive: mpsc::Sender<()>,
}

impl Watch {
    async fn run<C: GracefulConnection>(mut self, connection: C) {
        let (peer, accepted) = (self.peer, self.accepted);
        let slot = self.registration.slot.clone();
        let limits = Limits {
            header_timeout: self.config.header_timeout,
            idle_timeout: self.config.idle_timeout,
        };
        let mut connection = std::pin::pin!(connection);
        // Created once: the loop turns only when a timer fires, never per request.
        let mut timer = std::pin::pin!(sleep_until(after(accepted, limits.header_timeout)));
        let mut evicted = std::pin::pin!(slot.evict.notified());
        let mut stopping = std::pin::pin!(self.stop.wait_for(|stop| *stop));
        loop {
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(err) = result {
                        tracing::debug!(target: "ringg_webhooks", %peer, "connection ended with an error: {err}");
                    }
                    return;
                }
                () = timer.as_mut() => match slot.check(accepted, limits, Instant::now()) {
                    Check::Close => {
                        tracing::debug!(target: "ringg_webhooks", %peer, "closing a connection that sent no request in time");
                        return;
                    }
                    Check::Until(next) => timer.set(sleep_until(next)),
                },
                () = evicted.as_mut() => return,
                _ = stopping.as_mut() => break,
            }
        }
        // Shutting down: no new requests; those in flight get the deadline.
        connection.as_mut().graceful_shutdown();
        let _ = tokio::time::timeout(self.config.shutdown_timeout, connection).await;
    }
}
