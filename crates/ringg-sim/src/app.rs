//! The facade: the builder, the running simulator and [`serve_until_ctrl_c`]. It sits on top
//! of every other module and none of them imports it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use ringg_webhooks::ServeConfig;
use tokio::net::TcpListener;

use crate::core::{DEFAULT_BODY_READ_TIMEOUT, Settings, Shared};
use crate::demo;
use crate::engine;
use crate::error::SimError;
use crate::faults::{FaultConfig, FaultInjector};
use crate::handle::SimHandle;
use crate::model::{OutcomeWeights, State};
use crate::quirks::Quirks;
use crate::server;

/// Configures and starts a simulator. Get one with [`Simulator::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct SimulatorBuilder {
    seed: u64,
    time_scale: f64,
    faults: FaultConfig,
    bind: SocketAddr,
    credits: f64,
    concurrency: usize,
    weights: OutcomeWeights,
    history_rows: usize,
    details_transcript_as_array: bool,
    webhook_timeout_floor: Duration,
    connection_limits: ServeConfig,
    body_read_timeout: Duration,
    quirks: Quirks,
    demo_extras: bool,
}

/// The simulator's connection limits unless [`SimulatorBuilder::connection_limits`] sets
/// others: [`ServeConfig`]'s defaults, HTTP/1.1 only, and a 2 s shutdown deadline so a test's
/// teardown does not wait long for a stuck client.
fn default_connection_limits() -> ServeConfig {
    ServeConfig::default()
        .http1_only(true)
        .shutdown_timeout(Duration::from_secs(2))
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        Self {
            seed: 0,
            time_scale: 1.0,
            faults: FaultConfig::none(),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            credits: demo::DEMO_CREDITS,
            concurrency: 50,
            weights: OutcomeWeights::default(),
            history_rows: 0,
            details_transcript_as_array: false,
            webhook_timeout_floor: Duration::from_secs(1),
            connection_limits: default_connection_limits(),
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            quirks: Quirks::Documented,
            demo_extras: false,
        }
    }
}

impl SimulatorBuilder {
    /// Answer shapes: [`Quirks::Live`] answers with the variants the live API is documented to
    /// show (initiate `ongoing` and the legacy spaced-key body, history `total: "many"`,
    /// `{"error": {…}}` error bodies, numeric strings and stringly booleans), rotating by
    /// seed; the default is [`Quirks::Documented`], the newest documented shape.
    pub fn quirks(mut self, quirks: Quirks) -> Self {
        self.quirks = quirks;
        self
    }

    /// Seed for call outcomes and generated IDs (default 0). Same seed + same requests = same run.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Real seconds per simulated second (default 1.0; `0.001` makes a 3-minute call take
    /// 180 ms). Must be positive and finite.
    pub fn time_scale(mut self, scale: f64) -> Self {
        self.time_scale = scale;
        self
    }

    /// Fault injection (default: none).
    pub fn faults(mut self, faults: FaultConfig) -> Self {
        self.faults = faults;
        self
    }

    /// Listening address (default `127.0.0.1:0`, a free port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// Starting credits of the demo workspace (default [`demo::DEMO_CREDITS`]).
    pub fn credits(mut self, credits: f64) -> Self {
        self.credits = credits;
        self
    }

    /// Concurrent calls per workspace (default 50); campaigns and individual calls share it.
    pub fn concurrency(mut self, calls: usize) -> Self {
        self.concurrency = calls.max(1);
        self
    }

    /// Probabilities of call-attempt outcomes (default: mostly answered).
    pub fn outcome_weights(mut self, weights: OutcomeWeights) -> Self {
        self.weights = weights;
        self
    }

    /// Seeds this many finished calls into the demo workspace's history at start.
    pub fn history_rows(mut self, rows: usize) -> Self {
        self.history_rows = rows;
        self
    }

    /// `GET /calling/call-details` returns `transcription_url` as a JSON array instead of the
    /// JSON-encoded string the live API returns (default false).
    pub fn details_transcript_as_array(mut self, as_array: bool) -> Self {
        self.details_transcript_as_array = as_array;
        self
    }

    /// Lower bound of the (scaled) 30 s webhook timeout (default 1 s), so tiny time scales
    /// still leave a loopback receiver time to answer.
    pub fn webhook_timeout_floor(mut self, floor: Duration) -> Self {
        self.webhook_timeout_floor = floor;
        self
    }

    /// Connection limits: header and idle timeouts, the connection cap and the shutdown
    /// deadline (default: [`ServeConfig`]'s defaults with a 2 s shutdown deadline). The
    /// simulator always speaks HTTP/1.1 only, whatever `limits.http1_only` says.
    pub fn connection_limits(mut self, limits: ServeConfig) -> Self {
        self.connection_limits = limits.http1_only(true);
        self
    }

    /// Time allowed to receive a request body once its head arrived (default
    /// [`DEFAULT_BODY_READ_TIMEOUT`]); a slower body is answered 408 and the connection
    /// closed.
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    /// Adds the demo records for trying the CLI's workflows (default false): a second outbound
    /// assistant ([`demo::SECOND_AGENT_ID`], "Renewals Assistant"). Combine with
    /// [`history_rows`](Self::history_rows) for a history to look at.
    pub fn demo_extras(mut self, on: bool) -> Self {
        self.demo_extras = on;
        self
    }

    /// Binds the socket and starts serving.
    pub async fn start(self) -> Result<RunningSimulator, SimError> {
        if !(self.time_scale.is_finite() && self.time_scale > 0.0) {
            return Err(SimError::Config(format!(
                "time_scale must be a positive number, got {}",
                self.time_scale
            )));
        }
        if !(self.credits.is_finite() && self.credits >= 0.0) {
            return Err(SimError::Config(format!(
                "credits must be a non-negative number, got {}",
                self.credits
            )));
        }
        self.weights.validate().map_err(SimError::Config)?;
        let listener = TcpListener::bind(self.bind)
            .await
            .map_err(|source| SimError::Bind {
                addr: self.bind,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SimError::Bind {
            addr: self.bind,
            source,
        })?;
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let http = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(5))
            .build(connector);
        let mut state = State::new(self.seed, self.credits, self.concurrency);
        if self.demo_extras {
            state
                .ws_mut(demo::WORKSPACE_ID)
                .agents
                .push(crate::model::second_demo_agent());
        }
        let shared = Arc::new(Shared::new(
            Settings {
                time_scale: self.time_scale,
                seed: self.seed,
                details_transcript_as_array: self.details_transcript_as_array,
                webhook_timeout_floor: self.webhook_timeout_floor,
                concurrency: self.concurrency,
                body_read_timeout: self.body_read_timeout,
                quirks: self.quirks,
            },
            state,
            self.weights,
            FaultInjector::new(self.faults),
            http,
        ));
        if self.history_rows > 0 {
            engine::seed_history(&shared, demo::WORKSPACE_ID, self.history_rows);
        }
        let server = tokio::spawn(server::serve(
            listener,
            shared.clone(),
            self.connection_limits,
        ));
        Ok(RunningSimulator {
            addr,
            shared,
            server: Some(server),
        })
    }
}

/// Entry point: `Simulator::builder()...start().await`.
#[derive(Debug, Clone, Copy)]
pub struct Simulator;

impl Simulator {
    /// A builder with the defaults (127.0.0.1:0, time scale 1.0, seed 0, no faults).
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }
}

/// A simulator that is serving. Dropping it stops accepting connections; call
/// [`RunningSimulator::shutdown`] for a clean stop that also waits for background tasks.
#[derive(Debug)]
pub struct RunningSimulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl RunningSimulator {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/ca/api/v0`.
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, crate::routes::BASE_PATH)
    }

    /// The demo workspace's API key ([`demo::DEMO_API_KEY`]); after a regeneration use
    /// [`SimHandle::workspace`] for the current one.
    pub fn api_key(&self) -> &str {
        demo::DEMO_API_KEY
    }

    /// A handle for inspecting and steering state.
    pub fn handle(&self) -> SimHandle {
        SimHandle::new(self.shared.clone())
    }

    /// Stops accepting, ends connections, call tasks and webhook deliveries, and waits for them.
    pub async fn shutdown(mut self) {
        self.stop().await;
    }

    async fn stop(&mut self) {
        self.shared.token.cancel();
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        self.shared.tasks.close();
        let _ = tokio::time::timeout(Duration::from_secs(5), self.shared.tasks.wait()).await;
    }
}

impl Drop for RunningSimulator {
    fn drop(&mut self) {
        self.shared.token.cancel();
    }
}

/// Starts the simulator from `builder`, prints `base_url=...` and `api_key=...` (one per line)
/// on stdout, serves until Ctrl-C (or, on Unix, SIGTERM), then shuts down cleanly.
pub async fn serve_until_ctrl_c(builder: SimulatorBuilder) -> Result<(), SimError> {
    serve_until_ctrl_c_with(builder, |_| {}).await
}

/// [`serve_until_ctrl_c`], calling `on_start` with the running simulator once it serves
/// (before its address is printed) — e.g. to record where it listens.
pub async fn serve_until_ctrl_c_with(
    builder: SimulatorBuilder,
    on_start: impl FnOnce(&RunningSimulator),
) -> Result<(), SimError> {
    use std::io::Write;
    // Listened for before anything starts: a stop asked for at once still shuts down cleanly
    // (the signal's default action would end the process without it).
    let stop = stop_signal()?;
    let sim = builder.start().await?;
    on_start(&sim);
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "base_url={}", sim.base_url())?;
        writeln!(out, "api_key={}", sim.api_key())?;
        out.flush()?;
    }
    stop.await?;
    sim.shutdown().await;
    Ok(())
}

/// Listens for Ctrl-C (SIGINT) or, on Unix, SIGTERM (what `kill`, `docker stop` and service
/// managers send) from now on; the future ends when one comes.
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = std::io::Result<()>>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut term = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = term.recv() => {}
            }
            Ok(())
        })
    }
    #[cfg(not(unix))]
    {
        Ok(tokio::signal::ctrl_c())
    }
}
