//! Typed models of the Ringg AI voice-agent API.
//!
//! `ringg-types` holds everything that describes Ringg's data and nothing that moves it: ID
//! newtypes, E.164 phone numbers, the request and response models of every endpoint, the webhook
//! events, and the generated operation table. It depends on serde only and does no I/O, so a
//! program that only parses webhooks pulls in nothing with an HTTP client in it.
//!
//! Models read tolerantly and write exactly: every documented variant of a field parses, unknown
//! fields are kept in an `extra` map and written back, and every enum has an `Unknown(String)`
//! variant so a new value from the server never breaks decoding.

mod macros;

pub mod analytics;
pub mod assistants;
pub mod calls;
pub mod campaigns;
pub mod common;
pub mod enums;
mod form;
pub mod ids;
pub mod knowledge_base;
pub mod numbers;
pub mod operations;
pub mod phone;
pub mod secret;
pub mod termination;
pub mod webhook;
pub mod workspace;

pub use common::{DecodeError, decode};
pub use enums::CallStatus;
pub use ids::*;
pub use phone::PhoneNumber;
pub use secret::Secret;
pub use webhook::WebhookEvent;
