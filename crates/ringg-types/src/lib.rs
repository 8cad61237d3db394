//! Typed models of the Ringg AI voice-agent API.
//!
//! Module map. Each row uses only the rows above it (`a → b`: `a` uses `b`); nothing uses a row
//! below it, so there is no import circle:
//!
//! ```text
//! macros  form  ids  phone/  redact/  text  operations/     leaves: use no other module
//! secret → redact        enums → macros        common/ → redact
//! workspace, numbers, analytics, termination, knowledge_base, stt, calls/
//!                          → common, enums, ids (+ secret, phone, form, macros, redact)
//! webhook/ → calls         campaigns → calls
//! assistants/ → webhook    (its details hold EventSubscription lists)
//! ```
//!
//! A folder's `mod.rs` only declares its files and re-exports their items, so every public item
//! keeps its path (`common::Timestamp`, `assistants::AgentEdit`); the files inside use each other
//! by their own paths (`crate::common::fields::Extra`), never through their `mod.rs`:
//! `common/` (fields ← paging, transcript; timestamp ← transcript; scalars, lists, query, decode),
//! `assistants/` (details ← agent_edit ← edit_wire, edit_request; list, create, voices),
//! `calls/` (config ← initiate; initiated, history, details, export), `webhook/` (payloads ←
//! event; subscriptions), `phone/` (calling_codes ← number).
//!
//! `ringg-types` holds everything that describes Ringg's data and nothing that moves it: ID
//! newtypes, E.164 phone numbers, the request and response models of every endpoint, the webhook
//! events, and the generated operation table. It depends on serde only and does no I/O, so a
//! program that only parses webhooks pulls in nothing with an HTTP client in it.
//!
//! Models read tolerantly and write exactly: every documented variant of a field parses, unknown
//! fields are kept in an `extra` map and written back, and every enum has an `Unknown(String)`
//! variant so a new value from the server never breaks decoding. Request models serialize only the
//! fields that are set.
//!
//! | module | contents |
//! |---|---|
//! | [`ids`], [`phone`], [`secret`] | typed IDs, [`PhoneNumber`] (E.164), [`Secret`] |
//! | [`redact`] | the one rule for what is secret, and the masking every `Debug`, error and output uses |
//! | [`common`] | tolerant building blocks ([`common::Timestamp`], [`common::Transcript`], ...) and [`decode`] |
//! | [`enums`] | open string enums ([`CallStatus`], [`enums::EventType`], ...) |
//! | [`workspace`], [`numbers`], [`assistants`], [`calls`], [`campaigns`], [`termination`], [`knowledge_base`], [`analytics`], [`stt`] | request and response models per resource group (`stt`: the separate speech-to-text service) |
//! | [`webhook`] | [`WebhookEvent`] and webhook subscriptions |
//! | [`text`] | untrusted text made safe for a terminal (control characters escaped, long messages cut) |
//! | [`operations`] | the operation table (method, path, idempotency of every endpoint) |
//!
//! ```
//! use ringg_types::{decode, calls::CallHistoryResponse};
//! let body = br#"{"calls": [{"id": "c1", "status": "completed",
//!                 "transcript": "[{\"bot\": \"Hi\"}]"}], "total": "many"}"#;
//! let page: CallHistoryResponse = decode(body).unwrap();
//! assert!(page.total.unwrap().is_many());
//! assert_eq!(page.calls[0].transcript.as_ref().unwrap().turns()[0].text(), "Hi");
//! ```
//!
//! Cargo feature `libphonenumber`: `PhoneNumber::validate_strict` and friends check numbers
//! against libphonenumber's per-country rules.

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
pub mod redact;
pub mod secret;
pub mod stt;
pub mod termination;
pub mod text;
pub mod webhook;
pub mod workspace;

pub use common::{DecodeError, decode};
pub use enums::CallStatus;
pub use ids::*;
pub use phone::PhoneNumber;
pub use secret::Secret;
pub use webhook::WebhookEvent;

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
