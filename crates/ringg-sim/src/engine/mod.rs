//! The engine: the lifecycle of calls over time. It runs on the domain model and the runtime
//! core and is driven by the handlers.
//!
//! `lifecycle` (one task per call) → `webhooks` (event delivery), `completion` (what a finished
//! call holds) and `finish` (the terminal rule: release the credit, close the campaign).

mod completion;
mod finish;
mod lifecycle;
mod webhooks;

pub(crate) use completion::seed_history;
pub(crate) use finish::{finish_call, try_lock_credit};
pub(crate) use lifecycle::spawn_call;
