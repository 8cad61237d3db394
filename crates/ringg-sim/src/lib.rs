//! A stateful local simulator of the Ringg AI voice-agent REST API.
//!
//! `ringg-sim` serves all 41 operations of the Ringg API under `/ca/api/v0` on a loopback
//! port, with per-workspace state: assistants, numbers, knowledge bases, campaigns from real
//! CSV uploads, and calls that move through the documented lifecycle (registered → ongoing →
//! completed / retry / failed / error, cancelled when terminated) on a scalable clock. Calls
//! fire webhook events to the subscriptions set with `PATCH /agent/v1`
//! (`edit_event_subscriptions`) and status envelopes to their `callback_url` over real HTTP,
//! with the documented retry schedule. Fault
//! injection (429, 5xx, connection resets before or after processing, latency, truncated and
//! malformed bodies) is available for resilience tests.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ringg_sim::SimError> {
//! use ringg_sim::{Simulator, demo};
//!
//! let sim = Simulator::builder().time_scale(0.001).seed(7).start().await?;
//! println!("{} with key {}", sim.base_url(), sim.api_key());
//! assert_eq!(sim.api_key(), demo::DEMO_API_KEY);
//! // ... point a client at sim.base_url(), then inspect:
//! let calls = sim.handle().calls();
//! # let _ = calls;
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! See `docs/simulator.md` for the demo workspace, every modelling choice and the limits.
//!
//! # Modules
//!
//! Layers, each importing only the ones below it (never a module above, never its parent):
//!
//! * `app`, `handle`: the facade (`Simulator`, the builder, `RunningSimulator`, `SimHandle`);
//!   nothing imports it.
//! * `server`: accept loop, body limits, fault injection, dispatch to the handlers.
//! * `handlers`: one module per resource group over `handlers::ctx` (the request) and
//!   `handlers::validate` (field checks); `handlers::control` is the `/_sim/` control API.
//! * `engine`: the call lifecycle, what a queued call waits for (its schedule and window on
//!   the call's clock, credit, concurrency, a pool line), subscription events, the per-call and campaign
//!   `callback_url` deliveries, completion data and `finish_call`, the one terminal rule
//!   (release the credit lock, close the campaign).
//! * `quirks`: the live API's answer variants (`Quirks::Live`), applied by `server`; below
//!   `core`, which holds its state.
//! * `core`: `Shared`, the runtime every layer above shares (settings, locked state, weights,
//!   counters, faults, tasks, the webhook client, body limits).
//! * `model`: workspaces and their records, call and campaign statuses, call configs,
//!   outcomes.
//! * leaves: `error`, `util`, `demo`, `audio` (audio headers, test WAV files), `routes` (the generated operation table), `faults`,
//!   `multipart`, `csvload`.

mod app;
pub mod audio;
mod core;
mod csvload;
pub mod demo;
mod engine;
mod error;
pub mod faults;
mod handle;
mod handlers;
mod model;
mod multipart;
mod quirks;
mod routes;
mod server;
mod util;

pub use app::{
    RunningSimulator, Simulator, SimulatorBuilder, serve_until_ctrl_c, serve_until_ctrl_c_with,
};
pub use core::{
    DEFAULT_BODY_READ_TIMEOUT, DeliveryKind, DeliveryRecord, JSON_BODY_LIMIT, UPLOAD_BODY_LIMIT,
};
pub use demo::DEMO_API_KEY;
pub use error::SimError;
pub use faults::{FaultConfig, FaultKind, FaultSpecError};
pub use handle::{CallSnapshot, IncomingCall, SimHandle, Stats, WorkspaceSnapshot};
pub use model::{CallOutcome, OutcomeWeights};
pub use quirks::Quirks;
/// The connection limits [`SimulatorBuilder::connection_limits`] takes (re-exported from
/// `ringg-webhooks`, whose accept loop the simulator runs).
pub use ringg_webhooks::ServeConfig;

/// The base path every operation is served under (`/ca/api/v0`).
pub const BASE_PATH: &str = routes::BASE_PATH;
