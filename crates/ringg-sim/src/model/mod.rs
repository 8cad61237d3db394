//! The domain model: workspaces and what they hold, statuses, call configs and outcomes.
//! Plain data and its rules; it knows nothing of tasks or HTTP (a call's scaled clock is data:
//! where it started and how fast it runs).
//!
//! `state` → `seed` → `workspace` → `entities` → `status`, `outcome`, `call_config` →
//! `schedule`.

mod call_config;
mod entities;
mod outcome;
mod schedule;
mod seed;
mod state;
mod status;
mod workspace;

pub(crate) use call_config::{CallConfig, parse_instant};
pub(crate) use entities::{
    ALL_EVENTS, Agent, CREDIT_LOCK_PER_CALL, CREDITS_PER_SECOND, Call, Callback, ContactList, Kb,
    KbItem, ListKind, Subscription, Voice,
};
pub use outcome::{CallOutcome, OutcomeWeights};
pub(crate) use schedule::next_open;
pub(crate) use seed::{new_agent, second_demo_agent};
pub(crate) use state::State;
pub(crate) use status::{ListStatus, Status};
pub(crate) use workspace::Workspace;
