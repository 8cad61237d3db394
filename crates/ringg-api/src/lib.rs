//! The typed async client for the [Ringg AI](https://www.ringg.ai) voice-agent API.
//!
//! Modules, and which way they depend (an arrow points at what a module uses; there are no
//! circles, and no module uses this root):
//!
//! - `blocking` (feature `blocking`: the synchronous facade) → the resource groups, [`client`],
//!   [`options`], [`error`];
//! - resource groups: [`workspace`], [`numbers`], [`assistants`], [`calls`], [`campaigns`],
//!   [`termination`], [`knowledge_bases`], [`analytics`] → [`variables`], `lists`, `multipart`, `request_path`,
//!   [`client`], [`error`];
//! - [`stt`] (the separate speech-to-text service: `rest` ← `stream`) → `base_url`,
//!   [`client`], [`error`];
//! - [`options`] (`RequestOptions`, `Response`, the scope of a `Client::with_options` view) →
//!   [`error`];
//! - `lists` (each list response's [`pagination::ListPage`], the generic list stream) →
//!   [`pagination`] (the endless-paging guard), [`client`];
//! - `multipart` (`Client::send_multipart`) → [`client`];
//! - `request_path` (`Client::request` and the `Client` helpers every resource method calls,
//!   decoding once inside the retry layer's check, query and body encoding, `with_options`,
//!   `with_raw_response`) → [`client`], `decode`, [`options`], [`error`];
//! - [`client`] (`Client`, `send_raw`, `send_json`) → `base_url` (the base URL
//!   rules), [`pagination`] (the page cap default), [`options`] (a view's scope), [`journal`]
//!   (the intent journal: what is about to be sent, for crash safety), `decode`, [`error`];
//! - `decode` (a JSON answer into its model, naming the failing field; the body check that
//!   decodes once) → [`error`];
//! - [`error`] → `error_body` (Ringg's error bodies, redirect messages), a leaf;
//! - [`variables`] (an assistant's prompt variables against those given), a leaf.
//!
//! ```no_run
//! use ringg_api::Client;
//! use ringg_api::types::calls::{CallerSource, InitiateCallRequest};
//! use ringg_api::types::{AgentId, NumberId, PhoneNumber};
//!
//! # async fn run() -> Result<(), ringg_api::Error> {
//! let client = Client::from_env()?; // RINGG_API_KEY, optional RINGG_BASE_URL
//! let info = client.workspace().info().await?;
//! println!("{:?} credits", info.workspace_info.credits);
//!
//! let call = client
//!     .calls()
//!     .initiate(InitiateCallRequest::new(
//!         AgentId::new("830f767a-397e-4b39-82ff-235cd344e2f9"),
//!         "Asha",
//!         PhoneNumber::parse("+919876543210").unwrap(),
//!         CallerSource::FromNumberId(NumberId::new("5d7f9a2b-1c3e-4f6a-8b9c-0d1e2f3a4b5c")),
//!     ))
//!     .await?;
//! let done = client.calls().wait_for_terminal(&call.call_id).await?;
//! println!("{:?}", done.call_status);
//! # Ok(()) }
//! ```
//!
//! Every resource group is a method on [`Client`]; every request goes through an
//! `Arc<dyn Transport>` from `ringg-transport` wrapped in the standard layers (auth, retry,
//! rate limit, timeouts, tracing). Calls are never placed twice by a retry: see
//! [`calls::Calls::reconcile`].

pub mod analytics;
pub mod assistants;
mod base_url;
#[cfg(feature = "blocking")]
pub mod blocking;
pub mod calls;
pub mod campaigns;
pub mod client;
mod deadline;
mod decode;
pub mod error;
mod error_body;
pub mod journal;
pub mod knowledge_bases;
mod lists;
mod multipart;
pub mod numbers;
pub mod options;
pub mod pagination;
mod poll;
pub mod replay;
mod request_path;
pub mod stt;
pub mod termination;
pub mod variables;
pub mod workspace;

pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL};
pub use error::{Error, ErrorKind};
pub use options::{RequestOptions, Response};
pub use ringg_transport::RequestId;

/// The transport layer, re-exported from `ringg-transport`.
pub use ringg_transport as transport;
/// The models, re-exported from `ringg-types`.
pub use ringg_types as types;

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
