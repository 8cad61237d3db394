//! The engine: the lifecycle of calls over time. It runs on the domain model and the runtime
//! core and is driven by the handlers.
//!
//! `lifecycle` (one task per call) → `queue` (what a queued call waits for) → `callbacks` (per-call and campaign `callback_url`s) →
//! `webhooks` (subscription events) → `delivery` (one payload to one target, with retries);
//! `completion` (what a finished call holds) and `finish` (the terminal rule: release the
//! credit, close the campaign).

mod callbacks;
mod completion;
mod delivery;
mod finish;
mod lifecycle;
mod queue;
mod webhooks;

pub(crate) use callbacks::{call_status_changed, campaign_completed};
pub(crate) use completion::seed_history;
pub(crate) use finish::{finish_call, try_lock_credit};
pub(crate) use lifecycle::spawn_call;
pub(crate) use queue::schedule_new;
