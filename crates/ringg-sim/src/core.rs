//! The runtime core every layer above shares: settings fixed at start, the locked state, the
//! outcome weights, counters, the fault injector, the task tracker, the webhook client and the
//! body limits.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use ringg_types::ids::CallId;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::faults::{FaultInjector, FaultKind};
use crate::model::{OutcomeWeights, State};
use crate::quirks::{QuirkState, Quirks};

/// Largest JSON request body accepted (1 MiB); larger bodies get 413.
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;
/// Largest multipart upload accepted (10 MiB); larger bodies get 413.
pub const UPLOAD_BODY_LIMIT: usize = 10 * 1024 * 1024;

/// Time allowed to receive a request body (30 s) unless
/// [`SimulatorBuilder::body_read_timeout`](crate::SimulatorBuilder::body_read_timeout) sets another.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings fixed at start.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) time_scale: f64,
    pub(crate) seed: u64,
    pub(crate) details_transcript_as_array: bool,
    pub(crate) webhook_timeout_floor: Duration,
    pub(crate) concurrency: usize,
    pub(crate) body_read_timeout: Duration,
    pub(crate) quirks: Quirks,
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
    pub(crate) quirks: QuirkState,
    /// Woken when a pool number may have a free line: a call left `ongoing`, or a pool
    /// changed.
    pub(crate) lines_freed: tokio::sync::Notify,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// The runtime of a simulator that starts from `state`.
    pub(crate) fn new(
        settings: Settings,
        state: State,
        weights: OutcomeWeights,
        faults: FaultInjector,
        http: Client<HttpConnector, Full<Bytes>>,
    ) -> Self {
        Shared {
            quirks: QuirkState::new(settings.quirks, settings.seed),
            settings,
            state: Mutex::new(state),
            weights: Mutex::new(weights),
            counters: Counters::default(),
            faults,
            token: CancellationToken::new(),
            tasks: TaskTracker::new(),
            http,
            deliveries: Mutex::new(Vec::new()),
            lines_freed: tokio::sync::Notify::new(),
        }
    }

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
        let mut counts = self.by_operation.lock().unwrap_or_else(|p| p.into_inner());
        // The name is copied only the first time an operation is counted.
        match counts.get_mut(op) {
            Some(count) => *count += 1,
            None => {
                counts.insert(op.to_owned(), 1);
            }
        }
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

/// What a delivery was: an agent subscription's event or one of the two callback URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeliveryKind {
    /// A §3.2 event sent to an agent's `event_subscriptions` target.
    Event,
    /// The `{status, data, message}` envelope sent to a call's `callback_url` (§3.6) on a
    /// status change.
    CallCallback,
    /// The one delivery to a campaign's `callback_url` (§2.5.3) when the campaign completes.
    CampaignCallback,
}

/// One webhook delivery attempt.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DeliveryRecord {
    /// Which kind of delivery this is.
    pub kind: DeliveryKind,
    /// The event type (`call_completed`, ...) of an [`DeliveryKind::Event`]; the call status
    /// the envelope reports (`registered`, `ongoing`, `completed`, ...) of a
    /// [`DeliveryKind::CallCallback`]; `campaign_completed` for a
    /// [`DeliveryKind::CampaignCallback`].
    pub event_type: String,
    /// The call the delivery is about (for a campaign callback: the call whose end completed
    /// the campaign).
    pub call_id: CallId,
    /// The campaign (contact list) of the call, if any.
    pub list_id: Option<String>,
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
