//! A synchronous facade over the async [`Client`](crate::Client), for scripts and programs
//! without an async runtime (feature `blocking`), in the manner of `reqwest::blocking`.
//!
//! [`Client`] owns the async client and a tokio runtime with one worker thread of its own;
//! every call runs to its end on the calling thread. The worker looks after the client's
//! connections between calls (one a server closed while idle is dropped, not used for the next
//! request, where a call placement would end "outcome unknown") and finishes what a call
//! leaves to do (a shared rate limiter's slot given back to Redis). The resource groups are
//! the async ones: `client.calls()` gives a [`Group`] whose [`call`](Group::call) runs one of
//! the group's methods, so the endpoints, helpers and options of these groups are there with
//! the same names, arguments and errors. A list stream becomes an iterator with
//! [`Client::iter`]. The speech-to-text service and
//! [`with_raw_response`](crate::Client::with_raw_response) have no group here: reach them
//! through [`Client::async_client`] and run the call with [`Client::block_on`].
//!
//! ```no_run
//! use ringg_api::blocking::Client;
//!
//! # fn main() -> Result<(), ringg_api::Error> {
//! let client = Client::from_env()?; // RINGG_API_KEY, optional RINGG_BASE_URL
//! let info = client.workspace().call(async |w| w.info().await)?;
//! println!("{:?} credits", info.workspace_info.credits);
//!
//! for user in client.iter(client.async_client().workspace().users_stream()) {
//!     println!("{:?}", user?);
//! }
//! # Ok(()) }
//! ```
//!
//! Do not call it inside async code: a runtime cannot block on another one, so a call there
//! panics (as `reqwest::blocking`'s do). Use the async [`Client`](crate::Client) there. Making
//! a client and dropping one are safe anywhere, and so is calling from a thread of tokio's
//! blocking pool (`spawn_blocking`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures::{Stream, StreamExt};
use tokio::runtime::Runtime;

use crate::analytics::Analytics;
use crate::assistants::Assistants;
use crate::calls::Calls;
use crate::campaigns::Campaigns;
use crate::client::{Client as AsyncClient, ClientBuilder};
use crate::error::Error;
use crate::knowledge_bases::KnowledgeBases;
use crate::numbers::Numbers;
use crate::options::RequestOptions;
use crate::termination::Termination;
use crate::workspace::Workspace;

/// The blocking Ringg client: the async client and the runtime it runs on. Cheap to clone
/// (clones share the runtime, the connection pool, the retry budget and the rate limiter).
#[derive(Clone)]
pub struct Client {
    inner: AsyncClient,
    runtime: Arc<OwnedRuntime>,
}

/// The runtime a blocking client runs on. It is shut down without waiting when the last clone
/// is dropped inside async code, where tokio does not allow a runtime to block while it stops.
struct OwnedRuntime(Option<Runtime>);

impl OwnedRuntime {
    fn get(&self) -> &Runtime {
        // `None` only inside `drop`.
        self.0
            .as_ref()
            .expect("the runtime is kept until the client is dropped")
    }
}

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take()
            && tokio::runtime::Handle::try_current().is_ok()
        {
            runtime.shutdown_background();
        }
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("blocking::Client")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client with the given key and every other setting at its default.
    pub fn new(api_key: impl Into<ringg_types::Secret>) -> Result<Self, Error> {
        Self::from_builder(AsyncClient::builder().api_key(api_key))
    }

    /// A client configured from `RINGG_API_KEY` and `RINGG_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_builder(AsyncClient::builder())
    }

    /// A client built by `builder` (every setting of the async client: retries, timeouts, rate
    /// limit, journal, transport).
    pub fn from_builder(builder: ClientBuilder) -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("ringg-blocking")
            .enable_all()
            .build()
            .map_err(|e| {
                Error::io(
                    "could not start the runtime the blocking client runs on (the process may \
                     be out of threads or file descriptors; check its limits)",
                    e,
                )
            })?;
        // The async client is built in the runtime's context (its transport may look for one),
        // without blocking on it, which would panic inside async code.
        let inner = {
            let _context = runtime.enter();
            builder.build()?
        };
        Ok(Self {
            inner,
            runtime: Arc::new(OwnedRuntime(Some(runtime))),
        })
    }

    /// The async client underneath (for anything the groups do not reach).
    pub fn async_client(&self) -> &AsyncClient {
        &self.inner
    }

    /// Runs a future to its end on this client's runtime: any async call of the client, e.g.
    /// `client.block_on(client.async_client().send_raw(request))`.
    ///
    /// # Panics
    ///
    /// Inside async code (see the [module docs](self)).
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.get().block_on(future)
    }

    /// A view whose requests use `options` (see [`crate::Client::with_options`]); it shares
    /// this client's runtime and connections.
    pub fn with_options(&self, options: RequestOptions) -> Client {
        Self {
            inner: self.inner.with_options(options),
            runtime: self.runtime.clone(),
        }
    }

    /// A stream (a list stream of a group) as an iterator; each item is fetched when asked for.
    pub fn iter<S>(&self, stream: S) -> Iter<S>
    where
        S: Stream,
    {
        Iter {
            stream: Box::pin(stream),
            runtime: self.runtime.clone(),
        }
    }

    fn group<'a, G>(&'a self, group: G) -> Group<'a, G> {
        Group {
            group,
            runtime: self.runtime.get(),
        }
    }

    /// Workspace endpoints (see [`crate::workspace::Workspace`]).
    pub fn workspace(&self) -> Group<'_, Workspace<'_>> {
        self.group(self.inner.workspace())
    }

    /// Caller numbers (see [`crate::numbers::Numbers`]).
    pub fn numbers(&self) -> Group<'_, Numbers<'_>> {
        self.group(self.inner.numbers())
    }

    /// Assistants (see [`crate::assistants::Assistants`]).
    pub fn assistants(&self) -> Group<'_, Assistants<'_>> {
        self.group(self.inner.assistants())
    }

    /// Calls (see [`crate::calls::Calls`]).
    pub fn calls(&self) -> Group<'_, Calls<'_>> {
        self.group(self.inner.calls())
    }

    /// Campaigns and the launch helper (see [`crate::campaigns::Campaigns`]).
    pub fn campaigns(&self) -> Group<'_, Campaigns<'_>> {
        self.group(self.inner.campaigns())
    }

    /// Call termination (see [`crate::termination::Termination`]).
    pub fn termination(&self) -> Group<'_, Termination<'_>> {
        self.group(self.inner.termination())
    }

    /// Knowledge bases (see [`crate::knowledge_bases::KnowledgeBases`]).
    pub fn knowledge_bases(&self) -> Group<'_, KnowledgeBases<'_>> {
        self.group(self.inner.knowledge_bases())
    }

    /// Analytics (see [`crate::analytics::Analytics`]).
    pub fn analytics(&self) -> Group<'_, Analytics<'_>> {
        self.group(self.inner.analytics())
    }
}

/// A resource group of the async client, run to completion call by call.
#[derive(Debug)]
pub struct Group<'a, G> {
    group: G,
    runtime: &'a Runtime,
}

impl<G: Clone> Group<'_, G> {
    /// Runs one call of the group (`async |group| group.method(args).await`) to its end.
    ///
    /// # Panics
    ///
    /// Inside async code (see the [module docs](self)).
    pub fn call<T>(&self, call: impl AsyncFnOnce(G) -> T) -> T {
        self.runtime.block_on(call(self.group.clone()))
    }
}

/// A stream as a blocking iterator (from [`Client::iter`]).
pub struct Iter<S> {
    stream: Pin<Box<S>>,
    runtime: Arc<OwnedRuntime>,
}

impl<S> std::fmt::Debug for Iter<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("blocking::Iter")
    }
}

impl<S: Stream> Iterator for Iter<S> {
    type Item = S::Item;

    fn next(&mut self) -> Option<S::Item> {
        self.runtime.get().block_on(self.stream.next())
    }
}
