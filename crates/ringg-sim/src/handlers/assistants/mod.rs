//! Assistants (agents): operations 6–12, including every `PATCH /agent/v1` operation.
//!
//! `crud` and `edits` (the operation table) → `agent_edits` → `subscriptions` → `fields`
//! (validation).

mod agent_edits;
mod crud;
mod edits;
mod fields;
mod subscriptions;

pub(crate) use crud::{archive, create, get, list, update, voices};
pub(crate) use edits::edit;
