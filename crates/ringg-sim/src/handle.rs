//! The inspection handle of a running simulator and the snapshots it returns.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono::{DateTime, Utc};
use ringg_types::ids::{AgentId, CallId, ListId, WorkspaceId};
use serde_json::{Map, Value};

use crate::core::{DeliveryRecord, Shared};
use crate::demo;
use crate::engine;
use crate::error::{ApiError, SimError};
use crate::faults::{FaultConfig, FaultKind};
use crate::handlers::control;
use crate::model::{Call, CallOutcome, OutcomeWeights};

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
    /// `outbound`, `inbound` or `webcall`.
    pub call_type: String,
    /// The caller of an inbound call.
    pub inbound_from: Option<String>,
    /// When the last attempt started, on the call's scaled clock.
    pub attempt_time: Option<DateTime<Utc>>,
    /// When the call will next be attempted, on its clock, while it waits for a time (its
    /// window, `scheduled_at`, a retry).
    pub next_attempt_time: Option<DateTime<Utc>>,
}

/// Who places a call through the control API ([`SimHandle::place_inbound_call`],
/// [`SimHandle::place_web_call`], or `POST /_sim/inbound-calls` / `/_sim/web-calls`) and how
/// it goes.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct IncomingCall {
    /// The caller's name (`callee_name`; default "Caller" or "Web visitor").
    pub name: Option<String>,
    /// The call's variables (`custom_args_values`).
    pub custom_args_values: Map<String, Value>,
    /// How the call goes (default [`CallOutcome::Answered`]; [`CallOutcome::Forwarded`] for
    /// a transfer).
    pub outcome: Option<CallOutcome>,
}

impl IncomingCall {
    /// An answered call with no variables.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the caller's name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Adds a variable.
    pub fn var(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.custom_args_values.insert(name.into(), value.into());
        self
    }

    /// Sets how the call goes.
    pub fn outcome(mut self, outcome: CallOutcome) -> Self {
        self.outcome = Some(outcome);
        self
    }

    fn into_caller(self) -> control::Caller {
        control::Caller {
            name: self.name,
            custom_args: self.custom_args_values,
            outcome: self.outcome,
        }
    }
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

/// Inspects and steers a running simulator (for tests and benchmarks).
#[derive(Debug, Clone)]
pub struct SimHandle {
    shared: Arc<Shared>,
}

impl SimHandle {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        SimHandle { shared }
    }

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

    /// The contact lists (campaigns) of the demo workspace, oldest first.
    pub fn list_ids(&self) -> Vec<ListId> {
        let st = self.shared.lock();
        st.workspaces
            .get(demo::WORKSPACE_ID)
            .map(|ws| ws.lists.iter().map(|l| ListId::new(l.id.clone())).collect())
            .unwrap_or_default()
    }

    /// Renames a contact list (campaign) of the demo workspace, as an edit in Ringg's dashboard
    /// does (the API has no rename); returns whether the list exists.
    pub fn rename_list(&self, list_id: &str, name: &str) -> bool {
        let mut st = self.shared.lock();
        match st
            .ws_mut(demo::WORKSPACE_ID)
            .lists
            .iter_mut()
            .find(|l| l.id == list_id)
        {
            Some(list) => {
                list.name = name.to_owned();
                true
            }
            None => false,
        }
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

    /// A person at `from_number` calls `to_number`, a number of some workspace with an
    /// inbound assistant attached (`attach_inbound_number`): the call runs like an outbound
    /// one (`call_type: "inbound"`, `inbound_from` the caller) with the same webhooks.
    pub fn place_inbound_call(
        &self,
        to_number: &str,
        from_number: &str,
        call: IncomingCall,
    ) -> Result<CallId, SimError> {
        let ws = self
            .workspace_where(|ws| ws.numbers.iter().any(|n| n.number == to_number))
            .ok_or_else(|| {
                SimError::Rejected(format!("{to_number} is not a number of any workspace"))
            })?;
        placed(control::place_inbound(
            &self.shared,
            &ws,
            to_number,
            from_number,
            call.into_caller(),
        ))
    }

    /// A visitor starts a web call with assistant `agent_id` (as the widget does):
    /// `call_type: "webcall"`, no phone numbers, the same webhooks.
    pub fn place_web_call(&self, agent_id: &str, call: IncomingCall) -> Result<CallId, SimError> {
        let ws = self
            .workspace_where(|ws| ws.agent(agent_id).is_some())
            .ok_or_else(|| {
                SimError::Rejected(format!("{agent_id} is not an assistant of any workspace"))
            })?;
        placed(control::place_web_call(
            &self.shared,
            &ws,
            agent_id,
            call.into_caller(),
        ))
    }

    /// Sets which numbers the number pool `pool_id` lends (`None`: every number of its
    /// workspace; an empty list runs it dry) and how many calls each carries at a time
    /// (`None`: no limit). Pool calls wait (`registered`) while no pool number has a free
    /// line, and are dialled as soon as one frees.
    pub fn set_number_pool(
        &self,
        pool_id: &str,
        number_ids: Option<Vec<String>>,
        calls_per_number: Option<usize>,
    ) -> Result<(), SimError> {
        let ws = self
            .workspace_where(|ws| ws.pool_id == pool_id)
            .ok_or_else(|| SimError::Rejected(format!("{pool_id} is not a number pool")))?;
        control::set_pool(&self.shared, &ws, pool_id, number_ids, calls_per_number)
            .map_err(|e| SimError::Rejected(e.message()))
    }

    fn workspace_where(&self, f: impl Fn(&crate::model::Workspace) -> bool) -> Option<String> {
        let st = self.shared.lock();
        st.workspaces
            .values()
            .find(|ws| f(ws))
            .map(|ws| ws.id.clone())
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

fn snapshot(ws: &str, c: &Call) -> CallSnapshot {
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
        call_type: c.direction.to_owned(),
        inbound_from: c.inbound_from.clone(),
        attempt_time: c.attempt_time,
        next_attempt_time: c.next_attempt_time,
    }
}

/// The call id of a control answer.
fn placed(answer: Result<Value, ApiError>) -> Result<CallId, SimError> {
    let answer = answer.map_err(|e| SimError::Rejected(e.message()))?;
    Ok(CallId::new(
        answer["data"]["call_id"].as_str().unwrap_or_default(),
    ))
}
