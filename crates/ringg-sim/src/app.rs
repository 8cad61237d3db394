//! The simulator object: builder, running server, inspection handle.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use ringg_types::ids::{AgentId, CallId, ListId, WorkspaceId};
use ringg_webhooks::ServeConfig;
use serde_json::{Map, Value};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::engine::{self, CallOutcome, OutcomeWeights};
use crate::error::SimError;
use crate::faults::{FaultConfig, FaultInjector, FaultKind};
use crate::state::State;
use crate::{demo, server};

/// Largest JSON request body accepted (1 MiB); larger bodies get 413.
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;
/// Largest multipart upload accepted (10 MiB); larger bodies get 413.
pub const UPLOAD_BODY_LIMIT: usize = 10 * 1024 * 1024;

/// Settings fixed at start.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) time_scale: f64,
    pub(crate) seed: u64,
    pub(crate) details_transcript_as_array: bool,
    pub(crate) webhook_timeout_floor: Duration,
    pub(crate) concurrency: usize,
    pub(crate) body_read_timeout: Duration,
}

/// Shared by the server, the engine and the handle.
pub(crate) struct Shared {
    pub(crate) settings: Settings,
    state: Mutex<State>,
    pub(crate) weights: Mutex<OutcomeWeights>,
    pub(crate) counters: Counters,
    pub(crate) faults: FaultInjector,
    pub(crate) token: CancellationToken,
    pub(crate) tasks: TaskTracker,
    pub(crate) http: Client<HttpConnector, Full<Bytes>>,
    pub(crate) deliveries: Mutex<Vec<DeliveryRecord>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// Locks the state (a poisoned lock is recovered: handlers never leave it half-written).
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Real duration of `sim_secs` simulated seconds.
    pub(crate) fn scaled(&self, sim_secs: f64) -> Duration {
        let real = sim_secs * self.settings.time_scale;
        if real.is_finite() && real > 0.0 {
            Duration::from_secs_f64(real.min(86_400.0 * 365.0))
        } else {
            Duration::ZERO
        }
    }

    /// Sleeps `sim_secs` simulated seconds (returns early on shutdown).
    pub(crate) async fn sleep_sim(&self, sim_secs: f64) {
        let d = self.scaled(sim_secs);
        if !d.is_zero() {
            tokio::select! {
                _ = tokio::time::sleep(d) => {}
                _ = self.token.cancelled() => {}
            }
        }
    }

    pub(crate) fn record_delivery(&self, rec: DeliveryRecord) {
        self.deliveries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(rec);
    }
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) requests: AtomicU64,
    pub(crate) by_operation: Mutex<BTreeMap<String, u64>>,
    pub(crate) by_status: Mutex<BTreeMap<u16, u64>>,
    pub(crate) faults: Mutex<BTreeMap<FaultKind, u64>>,
    pub(crate) webhook_attempts: AtomicU64,
    pub(crate) webhook_delivered: AtomicU64,
    pub(crate) webhook_dropped: AtomicU64,
}

impl Counters {
    pub(crate) fn count_op(&self, op: &str) {
        *self
            .by_operation
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(op.to_owned())
            .or_default() += 1;
    }

    pub(crate) fn count_status(&self, status: u16) {
        *self
            .by_status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(status)
            .or_default() += 1;
    }

    pub(crate) fn count_fault(&self, kind: FaultKind) {
        *self
            .faults
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(kind)
            .or_default() += 1;
    }
}

/// Counters of what the simulator has seen and done.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Stats {
    /// Every HTTP request received (routed or not).
    pub requests: u64,
    /// Requests by operation id.
    pub by_operation: BTreeMap<String, u64>,
    /// Responses by status code (requests dropped by a reset fault are not counted here).
    pub by_status: BTreeMap<u16, u64>,
    /// Injected faults by kind.
    pub faults: BTreeMap<FaultKind, u64>,
    /// Webhook delivery attempts made.
    pub webhook_attempts: u64,
    /// Webhook events delivered (answered 200).
    pub webhook_delivered: u64,
    /// Webhook events dropped after the last failed attempt.
    pub webhook_dropped: u64,
}

impl Stats {
    /// Total injected faults of every kind.
    pub fn faults_total(&self) -> u64 {
        self.faults.values().sum()
    }
}

/// One webhook delivery attempt.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DeliveryRecord {
    /// The event type (`call_completed`, ...).
    pub event_type: String,
    /// The call the event is about.
    pub call_id: CallId,
    /// Target URL (with callback params).
    pub url: String,
    /// HTTP method used.
    pub method: String,
    /// 1-based attempt number (at most 4).
    pub attempt: u32,
    /// The receiver's status code, when it answered.
    pub status: Option<u16>,
    /// Transport error or timeout, when it did not.
    pub error: Option<String>,
    /// When the attempt finished.
    pub at: DateTime<Utc>,
}

impl DeliveryRecord {
    /// True when the receiver answered 200.
    pub fn succeeded(&self) -> bool {
        self.status == Some(200)
    }
}

/// A call as the simulator holds it (for test assertions).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CallSnapshot {
    /// The call id.
    pub id: CallId,
    /// Owning workspace.
    pub workspace_id: WorkspaceId,
    /// The assistant.
    pub agent_id: AgentId,
    /// Destination number (E.164).
    pub to_number: String,
    /// Caller number (E.164).
    pub from_number: String,
    /// Status (`registered`, `ongoing`, `retry`, `completed`, `failed`, `error`, `cancelled`).
    pub status: String,
    /// Sub-status (`ACCEPTED`, `RETRY_SCHEDULED`, ...).
    pub sub_status: Option<String>,
    /// Attempts started so far.
    pub attempts: u32,
    /// Outcomes of finished attempts, oldest first.
    pub attempt_outcomes: Vec<CallOutcome>,
    /// The call's variables, as echoed in history.
    pub custom_args_values: Map<String, Value>,
    /// The campaign list, for campaign calls.
    pub bulk_list_id: Option<ListId>,
    /// Credits charged (completed calls).
    pub call_cost: Option<f64>,
    /// When the call was created.
    pub created_at: DateTime<Utc>,
}

/// A workspace's balances and sizes.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WorkspaceSnapshot {
    /// Workspace id.
    pub id: WorkspaceId,
    /// Current API key (the demo key until it is regenerated).
    pub api_key: ringg_types::Secret,
    /// Credits.
    pub credits: f64,
    /// Credits locked by queued calls.
    pub locked_credits: f64,
    /// Number of calls held.
    pub calls: usize,
    /// Number of non-archived assistants.
    pub assistants: usize,
}

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
}

/// The simulator's connection limits unless [`SimulatorBuilder::connection_limits`] sets
/// others: [`ServeConfig`]'s defaults, HTTP/1.1 only, and a 2 s shutdown deadline so a test's
/// teardown does not wait long for a stuck client.
fn default_connection_limits() -> ServeConfig {
    ServeConfig::default()
        .http1_only(true)
        .shutdown_timeout(Duration::from_secs(2))
}

/// Time allowed to receive a request body (30 s) unless
/// [`SimulatorBuilder::body_read_timeout`] sets another.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

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
        }
    }
}

impl SimulatorBuilder {
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
        let shared = Arc::new(Shared {
            settings: Settings {
                time_scale: self.time_scale,
                seed: self.seed,
                details_transcript_as_array: self.details_transcript_as_array,
                webhook_timeout_floor: self.webhook_timeout_floor,
                concurrency: self.concurrency,
                body_read_timeout: self.body_read_timeout,
            },
            state: Mutex::new(State::new(self.seed, self.credits, self.concurrency)),
            weights: Mutex::new(self.weights),
            counters: Counters::default(),
            faults: FaultInjector::new(self.faults),
            token: CancellationToken::new(),
            tasks: TaskTracker::new(),
            http,
            deliveries: Mutex::new(Vec::new()),
        });
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
        SimHandle {
            shared: self.shared.clone(),
        }
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

/// Inspects and steers a running simulator (for tests and benchmarks).
#[derive(Debug, Clone)]
pub struct SimHandle {
    shared: Arc<Shared>,
}

impl SimHandle {
    /// Request, status, fault and webhook counters.
    pub fn stats(&self) -> Stats {
        let c = &self.shared.counters;
        Stats {
            requests: c.requests.load(Ordering::Relaxed),
            by_operation: c
                .by_operation
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
            by_status: c
                .by_status
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
            faults: c.faults.lock().unwrap_or_else(|p| p.into_inner()).clone(),
            webhook_attempts: c.webhook_attempts.load(Ordering::Relaxed),
            webhook_delivered: c.webhook_delivered.load(Ordering::Relaxed),
            webhook_dropped: c.webhook_dropped.load(Ordering::Relaxed),
        }
    }

    /// Every call of every workspace, oldest first.
    pub fn calls(&self) -> Vec<CallSnapshot> {
        let st = self.shared.lock();
        st.workspaces
            .values()
            .flat_map(|ws| ws.calls.iter().map(move |c| snapshot(&ws.id, c)))
            .collect()
    }

    /// One call by id.
    pub fn call(&self, id: &str) -> Option<CallSnapshot> {
        let st = self.shared.lock();
        st.workspaces
            .values()
            .find_map(|ws| ws.call(id).map(|c| snapshot(&ws.id, c)))
    }

    /// The demo workspace's balances and current key.
    pub fn workspace(&self) -> WorkspaceSnapshot {
        self.workspace_by_id(demo::WORKSPACE_ID)
            .expect("the demo workspace always exists")
    }

    /// Any workspace's balances and key.
    pub fn workspace_by_id(&self, id: &str) -> Option<WorkspaceSnapshot> {
        let st = self.shared.lock();
        st.workspaces.get(id).map(|ws| WorkspaceSnapshot {
            id: WorkspaceId::new(ws.id.clone()),
            api_key: ringg_types::Secret::new(ws.api_key.clone()),
            credits: ws.credits,
            locked_credits: ws.locked_credits,
            calls: ws.calls.len(),
            assistants: ws.agents.iter().filter(|a| !a.archived).count(),
        })
    }

    /// Sets the demo workspace's credits.
    pub fn set_credits(&self, credits: f64) {
        let mut st = self.shared.lock();
        st.ws_mut(demo::WORKSPACE_ID).credits = credits;
    }

    /// Adds an empty workspace (one caller number, no assistants); returns its id and key.
    pub fn add_workspace(&self, name: &str, credits: f64) -> (WorkspaceId, ringg_types::Secret) {
        let concurrency = self.shared.settings.concurrency;
        let (id, key) = self.shared.lock().add_workspace(name, credits, concurrency);
        (WorkspaceId::new(id), ringg_types::Secret::new(key))
    }

    /// Replaces the outcome probabilities for attempts that start from now on.
    pub fn set_outcome_weights(&self, weights: OutcomeWeights) -> Result<(), String> {
        weights.validate()?;
        *self
            .shared
            .weights
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = weights;
        Ok(())
    }

    /// Scripts the next attempts to `to_number` (E.164): each attempt takes the next outcome;
    /// when the script runs out, outcomes are drawn again.
    pub fn script_outcomes(
        &self,
        to_number: &str,
        outcomes: impl IntoIterator<Item = CallOutcome>,
    ) {
        let mut st = self.shared.lock();
        st.scripts
            .entry(to_number.to_owned())
            .or_default()
            .extend(outcomes);
    }

    /// Adds `n` finished calls (mostly completed) to the demo workspace's history directly,
    /// spread over the last 7 days; returns their ids.
    pub fn seed_history(&self, n: usize) -> Vec<CallId> {
        engine::seed_history(&self.shared, demo::WORKSPACE_ID, n)
            .into_iter()
            .map(CallId::new)
            .collect()
    }

    /// Every webhook delivery attempt so far, in order.
    pub fn webhook_deliveries(&self) -> Vec<DeliveryRecord> {
        self.shared
            .deliveries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The configured fault settings.
    pub fn faults(&self) -> FaultConfig {
        self.shared.faults.config().clone()
    }

    /// The time scale in force.
    pub fn time_scale(&self) -> f64 {
        self.shared.settings.time_scale
    }

    /// The seed in force.
    pub fn seed(&self) -> u64 {
        self.shared.settings.seed
    }
}

fn snapshot(ws: &str, c: &crate::state::Call) -> CallSnapshot {
    CallSnapshot {
        id: CallId::new(c.id.clone()),
        workspace_id: WorkspaceId::new(ws),
        agent_id: AgentId::new(c.agent_id.clone()),
        to_number: c.to_number.clone(),
        from_number: c.from_number.clone(),
        status: c.status.as_str().to_owned(),
        sub_status: c.sub_status.map(str::to_owned),
        attempts: c.attempts,
        attempt_outcomes: c.attempt_log.clone(),
        custom_args_values: c.custom_args.clone(),
        bulk_list_id: c.bulk_list_id.clone().map(ListId::new),
        call_cost: c.cost,
        created_at: c.created_at,
    }
}

/// Starts the simulator from `builder`, prints `base_url=...` and `api_key=...` (one per line)
/// on stdout, serves until Ctrl-C, then shuts down cleanly.
pub async fn serve_until_ctrl_c(builder: SimulatorBuilder) -> Result<(), SimError> {
    use std::io::Write;
    let sim = builder.start().await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "base_url={}", sim.base_url())?;
        writeln!(out, "api_key={}", sim.api_key())?;
        out.flush()?;
    }
    tokio::signal::ctrl_c().await?;
    sim.shutdown().await;
    Ok(())
}
