//! [`Client`] and [`ClientBuilder`].

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use ringg_transport::StallProtection;
use ringg_transport::layers::{RateLimitConfig, RateLimiter, RetryBudget, RetryPolicy};
use ringg_transport::{ApiRequest, ApiResponse, StackBuilder, Transport};
use ringg_types::Secret;

use crate::base_url::validate_base_url;
pub use crate::base_url::{DEFAULT_BASE_URL, is_loopback_url};
use crate::error::Error;
use crate::journal::Journal;
use crate::options::Scope;
#[cfg(feature = "reqwest")]
use default_transport::ReqwestBuilderFn;
use default_transport::{TransportSettings, default_transport};

/// The environment variable read for the API key.
pub const API_KEY_ENV: &str = "RINGG_API_KEY";
/// The environment variable read for the base URL.
pub const BASE_URL_ENV: &str = "RINGG_BASE_URL";
/// The `User-Agent` this SDK sends.
pub const USER_AGENT: &str = ringg_transport::layers::auth::USER_AGENT;
pub use ringg_transport::DEFAULT_MAX_RESPONSE_BODY;
/// The least body limit of the call-history download (512 MiB): an export of a large
/// workspace is far bigger than any JSON answer.
pub const HISTORY_DOWNLOAD_MAX_BODY: u64 = 512 * 1024 * 1024;
/// The attempt timeout of uploads and the history download (5 minutes): they move megabytes.
pub const TRANSFER_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(300);

/// Builds a [`Client`].
///
/// ```no_run
/// # async fn run() -> Result<(), ringg_api::Error> {
/// use std::time::Duration;
/// let client = ringg_api::Client::builder()
///     .api_key("your-workspace-key")
///     .total_timeout(Duration::from_secs(120))
///     .build()?;
/// let info = client.workspace().info().await?;
/// println!("credits: {:?}", info.workspace_info.credits);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: Option<Secret>,
    base_url: Option<String>,
    transport: Option<Arc<dyn Transport>>,
    #[cfg(feature = "reqwest")]
    reqwest_client: Option<ReqwestBuilderFn>,
    retry: RetryPolicy,
    retry_budget: Option<RetryBudget>,
    rate_limit: Option<RateLimitConfig>,
    rate_limiter: Option<RateLimiter>,
    total_timeout: Option<Duration>,
    settle_after: Option<Duration>,
    ignore_recorded_waits: bool,
    attempt_timeout: Duration,
    connect_timeout: Duration,
    max_response_body: u64,
    stall_protection: Option<StallProtection>,
    max_pages: u64,
    tracing: bool,
    read_env: bool,
    journal: Option<Arc<dyn Journal>>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field(
                "base_url",
                &self.base_url.as_deref().map(ringg_transport::masked_url),
            )
            .field("custom_transport", &self.transport.is_some())
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("total_timeout", &self.total_timeout)
            .field("settle_after", &self.settle_after)
            .field("ignore_recorded_waits", &self.ignore_recorded_waits)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_body", &self.max_response_body)
            .field("stall_protection", &self.stall_protection)
            .field("max_pages", &self.max_pages)
            .field("journal", &self.journal)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            api_key: None,
            base_url: None,
            transport: None,
            #[cfg(feature = "reqwest")]
            reqwest_client: None,
            retry: RetryPolicy::default(),
            retry_budget: None,
            rate_limit: None,
            rate_limiter: None,
            total_timeout: Some(Duration::from_secs(300)),
            settle_after: None,
            ignore_recorded_waits: false,
            attempt_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            stall_protection: Some(StallProtection::default()),
            max_pages: crate::pagination::DEFAULT_MAX_PAGES,
            tracing: true,
            read_env: true,
            journal: None,
        }
    }
}

impl ClientBuilder {
    /// A builder with the defaults: key and base URL from the environment, 2 retries, a 30 s
    /// per-attempt and 300 s total timeout, a 32 MiB response body limit, stall protection
    /// (a body slower than 1 KiB/s after 5 s fails the attempt), at most 10,000 pages per list
    /// stream, no client-side rate limit.
    pub fn new() -> Self {
        Self::default()
    }

    /// The workspace API key (otherwise `RINGG_API_KEY`).
    pub fn api_key(mut self, key: impl Into<Secret>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The API base URL (otherwise `RINGG_BASE_URL`, otherwise [`DEFAULT_BASE_URL`]). A
    /// non-loopback URL must use HTTPS.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Ignore `RINGG_API_KEY` and `RINGG_BASE_URL`.
    pub fn ignore_env(mut self) -> Self {
        self.read_env = false;
        self
    }

    /// Sends requests through this transport instead of reqwest. The standard layers (auth,
    /// retry, rate limit, the total and attempt timeouts, tracing) still wrap it.
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Builds the default transport from the reqwest client builder `make` returns (your
    /// proxy, TLS roots, timeouts). Start from
    /// [`ReqwestTransport::client_builder`](ringg_transport::ReqwestTransport::client_builder).
    /// Automatic redirects are switched off whatever the builder says: reqwest's default policy
    /// follows redirects to other hosts with the `X-API-KEY` header still attached. Its proxy
    /// settings apply to every request; without this, a plain `http://` request to a loopback
    /// host (a local simulator, a speech-to-text service on this machine) goes direct, so the
    /// key never reaches a proxy that `HTTP_PROXY` names in clear text.
    ///
    /// ```
    /// use ringg_api::transport::ReqwestTransport;
    /// let client = ringg_api::Client::builder()
    ///     .ignore_env()
    ///     .api_key("k")
    ///     .reqwest_client_builder(|| ReqwestTransport::client_builder().https_only(true))
    ///     .build()?;
    /// # Ok::<(), ringg_api::Error>(())
    /// ```
    #[cfg(feature = "reqwest")]
    pub fn reqwest_client_builder(
        mut self,
        make: impl Fn() -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.reqwest_client = Some(Arc::new(make));
        self
    }

    /// The retry policy (default: 2 retries, 0.5 s doubling to 8 s, `Retry-After` up to 60 s).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Shares a retry budget (e.g. between clients for different workspaces).
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.retry_budget = Some(budget);
        self
    }

    /// A client-side rate limit (default: none; Ringg documents no general limit).
    pub fn rate_limit(mut self, config: RateLimitConfig) -> Self {
        self.rate_limit = Some(config);
        self
    }

    /// Shares an existing rate limiter.
    pub fn rate_limiter(mut self, limiter: RateLimiter) -> Self {
        self.rate_limiter = Some(limiter);
        self
    }

    /// Bound on one request including retries (default 300 s; `None` for no bound). A zero
    /// bound makes [`build`](Self::build) fail.
    pub fn total_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.total_timeout = timeout.into();
        self
    }

    /// How long after an initiation was recorded (or its outcome was last recorded)
    /// [`Calls::settle_pending`](crate::calls::Calls::settle_pending) and
    /// [`Calls::reconcile`](crate::calls::Calls::reconcile) wait before they take a call
    /// missing from the history as not placed: until then the request may still be answered
    /// (its process still waiting, or the server still working on it after a crash), and such
    /// an initiation stays pending ([`ErrorKind::TooEarly`](crate::ErrorKind::TooEarly)).
    /// Without a journal entry, `reconcile` waits this long after the same client's ambiguous
    /// failure, or else twice this long (or the longer wait a reference made by
    /// [`Calls::new_reference`](crate::calls::Calls::new_reference) records) after the time the
    /// reference records (see [`new_client_reference`](crate::calls::new_client_reference)).
    /// [`Campaigns::launch`](crate::campaigns::Campaigns::launch) waits the same time before it
    /// uploads again a file whose earlier upload left no list, or starts again a list whose
    /// earlier start left it not started. Default: the total timeout, or without one the
    /// attempt timeout (at least [`TRANSFER_ATTEMPT_TIMEOUT`] for a launch).
    ///
    /// Each journal entry records how long its sender may still be waiting on its request (the
    /// longer of this wait and the request's own timeouts), and a client settling the entry
    /// waits the longer of its own wait and the recorded one: a client with a shorter wait
    /// never rules out what a more patient sender may still be waiting on (see
    /// [`ignore_recorded_waits`](Self::ignore_recorded_waits)). Zero settles at once what
    /// records no wait.
    pub fn settle_after(mut self, wait: Duration) -> Self {
        self.settle_after = Some(wait);
        self
    }

    /// Settles journal entries (and calls by references made by
    /// [`Calls::new_reference`](crate::calls::Calls::new_reference)) after this client's own
    /// wait ([`settle_after`](Self::settle_after)) only, not after the longer wait their senders
    /// recorded. Only for senders known to be gone (killed, with no server still working on
    /// their requests): a call ruled out while its request can still be answered may be placed
    /// twice, and a launch's upload or start sent twice.
    pub fn ignore_recorded_waits(mut self) -> Self {
        self.ignore_recorded_waits = true;
        self
    }

    /// Bound on one attempt, from sending to the last byte of the answer (default 30 s, so a
    /// server that never answers is given up on well within a minute per attempt). Uploads and
    /// the history download allow at least [`TRANSFER_ATTEMPT_TIMEOUT`]. A zero bound makes
    /// [`build`](Self::build) fail.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The largest response body accepted, in bytes (default [`DEFAULT_MAX_RESPONSE_BODY`]).
    /// A larger answer fails as soon as the limit is crossed, without being read further or
    /// retried. The history download allows at least [`HISTORY_DOWNLOAD_MAX_BODY`].
    pub fn max_response_body(mut self, bytes: u64) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// Protection against answers that stop arriving (default [`StallProtection::default`]:
    /// after 5 s, less than 1 KiB in a 5 s window fails the attempt); `None` turns it off.
    /// Applies to the built-in reqwest transport.
    pub fn stall_protection(mut self, stall: Option<StallProtection>) -> Self {
        self.stall_protection = stall;
        self
    }

    /// The most pages one list stream fetches before it fails with
    /// [`ErrorKind::Pagination`](crate::ErrorKind::Pagination) (default
    /// [`DEFAULT_MAX_PAGES`](crate::pagination::DEFAULT_MAX_PAGES)).
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = pages.max(1);
        self
    }

    /// Bound on establishing a connection (default 10 s). A zero bound makes
    /// [`build`](Self::build) fail.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Writes every call initiation and campaign launch step into `journal` before it is sent,
    /// and its outcome after (see [`journal`](crate::journal)): the client reference of a call
    /// whose answer was lost then survives a crash of the process, and
    /// [`Calls::settle_pending`](crate::calls::Calls::settle_pending) settles it later. A
    /// journal that cannot be written stops the request before it is sent. Default: none.
    pub fn journal(mut self, journal: Arc<dyn Journal>) -> Self {
        self.journal = Some(journal);
        self
    }

    /// Turns the tracing layer on or off (default on; spans never carry the key).
    pub fn tracing(mut self, on: bool) -> Self {
        self.tracing = on;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let api_key = match self.api_key {
            Some(k) => k,
            None => match std::env::var(API_KEY_ENV).ok().filter(|_| self.read_env) {
                Some(k) => Secret::new(k),
                None if self.read_env => {
                    return Err(Error::invalid_input("no API key").with_hint(format!(
                        "set {API_KEY_ENV} or call ClientBuilder::api_key (a local simulator prints its key when it starts)"
                    )));
                }
                None => {
                    return Err(Error::invalid_input("no API key").with_hint(
                        "call ClientBuilder::api_key (this builder ignores the environment)",
                    ));
                }
            },
        };
        if api_key.expose().trim().is_empty() {
            return Err(Error::invalid_input("the API key is empty")
                .with_hint(format!("set {API_KEY_ENV} to your workspace key")));
        }
        let base_url = match self.base_url {
            Some(u) => u,
            None => std::env::var(BASE_URL_ENV)
                .ok()
                .filter(|u| self.read_env && !u.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_BASE_URL.to_string()),
        };
        let base_url = validate_base_url(&base_url)?;
        for (what, zero) in [
            ("attempt timeout", self.attempt_timeout.is_zero()),
            ("connect timeout", self.connect_timeout.is_zero()),
            ("total timeout", self.total_timeout == Some(Duration::ZERO)),
        ] {
            if zero {
                return Err(Error::invalid_input(format!(
                    "the {what} must be more than zero"
                )));
            }
        }

        let mut stack = StackBuilder::new(api_key.clone())
            .retry(self.retry.clone())
            .total_timeout(self.total_timeout)
            .tracing(self.tracing);
        if let Some(b) = self.retry_budget {
            stack = stack.retry_budget(b);
        }
        if let Some(l) = self
            .rate_limiter
            .or_else(|| self.rate_limit.map(RateLimiter::new))
        {
            stack = stack.rate_limiter(l);
        }
        let transport = match self.transport {
            // The stack's timer bounds each attempt: a transport of the user's may not.
            Some(t) => stack.attempt_timeout(Some(self.attempt_timeout)).build(t),
            None => default_transport(
                stack,
                #[cfg(feature = "reqwest")]
                self.reqwest_client,
                TransportSettings {
                    attempt_timeout: self.attempt_timeout,
                    connect_timeout: self.connect_timeout,
                    max_response_body: self.max_response_body,
                    stall_protection: self.stall_protection,
                },
            )?,
        };
        Ok(Client {
            scope: None,
            inner: Arc::new(Inner {
                transport,
                api_key,
                base_url: Arc::from(base_url),
                max_response_body: self.max_response_body,
                attempt_timeout: self.attempt_timeout,
                settle_after: self.settle_after.or(self.total_timeout),
                ignore_recorded_waits: self.ignore_recorded_waits,
                total_timeout: self.total_timeout,
                max_pages: self.max_pages,
                journal: self.journal,
                unknowns: crate::calls::RecentUnknowns::default(),
            }),
        })
    }
}

struct Inner {
    transport: Arc<dyn Transport>,
    /// For connections the transport does not carry (the speech-to-text WebSocket).
    api_key: Secret,
    base_url: Arc<str>,
    max_response_body: u64,
    attempt_timeout: Duration,
    /// The wait the builder was given, else its total timeout; without either, the attempt
    /// timeout of the request in question.
    settle_after: Option<Duration>,
    /// [`ClientBuilder::ignore_recorded_waits`].
    ignore_recorded_waits: bool,
    total_timeout: Option<Duration>,
    max_pages: u64,
    journal: Option<Arc<dyn Journal>>,
    /// Without a journal: when recent initiations failed with an unknown outcome.
    unknowns: crate::calls::RecentUnknowns,
}

/// The Ringg API client. Cheap to clone (an `Arc` inside), `Send + Sync`; clones share the
/// connection pool, the retry budget and the rate limiter.
///
/// Resource groups hang off it: [`workspace`](Self::workspace), [`numbers`](Self::numbers),
/// [`assistants`](Self::assistants), [`calls`](Self::calls), [`campaigns`](Self::campaigns),
/// [`termination`](Self::termination), [`knowledge_bases`](Self::knowledge_bases),
/// [`analytics`](Self::analytics).
///
/// [`with_options`](Self::with_options) gives a view with per-request settings (timeouts,
/// retries, extra headers), [`with_raw_response`](Self::with_raw_response) a typed answer with
/// its status, headers and request ids.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// Per-request options and a raw-response slot, for a scoped view.
    scope: Option<Arc<Scope>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field(
                "base_url",
                &ringg_transport::masked_url(&self.inner.base_url),
            )
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client with the given key and every other setting at its default.
    pub fn new(api_key: impl Into<Secret>) -> Result<Self, Error> {
        ClientBuilder::new().api_key(api_key).build()
    }

    /// A client configured from `RINGG_API_KEY` and `RINGG_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::new().build()
    }

    pub(crate) fn scope(&self) -> Option<&Scope> {
        self.scope.as_deref()
    }

    pub(crate) fn with_scope(&self, scope: Scope) -> Client {
        Client {
            inner: self.inner.clone(),
            scope: Some(Arc::new(scope)),
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The most pages one list stream fetches (see [`ClientBuilder::max_pages`]).
    pub fn max_pages(&self) -> u64 {
        self.inner.max_pages
    }

    /// The journal this client writes its intents into, if any (see
    /// [`ClientBuilder::journal`]).
    pub fn journal(&self) -> Option<&Arc<dyn Journal>> {
        self.inner.journal.as_ref()
    }

    /// The attempt timeout the client was built with.
    pub(crate) fn attempt_timeout(&self) -> Duration {
        self.inner.attempt_timeout
    }

    /// Without a journal: when recent initiations failed with an unknown outcome.
    pub(crate) fn recent_unknowns(&self) -> &crate::calls::RecentUnknowns {
        &self.inner.unknowns
    }

    /// The response body limit the client was built with.
    pub(crate) fn max_response_body(&self) -> u64 {
        self.inner.max_response_body
    }

    /// The base URL, shared with every request.
    pub(crate) fn base_url_arc(&self) -> Arc<str> {
        self.inner.base_url.clone()
    }

    /// `text` with the client's key masked wherever it shows, as errors mask it: for showing
    /// or logging a body from [`send_raw`](Self::send_raw) that a server may have echoed the
    /// key into. A key shorter than [`ringg_types::redact::MIN_MASKED_SECRET_LEN`] is not
    /// searched for.
    ///
    /// ```
    /// # fn main() -> Result<(), ringg_api::Error> {
    /// let client = ringg_api::Client::builder()
    ///     .api_key("7251cb4b-echo-4f00-9c1e-0123456789ab")
    ///     .build()?;
    /// let shown = client.mask_key("accepted key 7251cb4b-echo-4f00-9c1e-0123456789ab");
    /// assert_eq!(shown, "accepted key [REDACTED]");
    /// # Ok(())
    /// # }
    /// ```
    pub fn mask_key<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        ringg_types::redact::mask_secret(text, self.inner.api_key.expose().trim())
    }

    /// The workspace key, for connections outside the transport stack (the speech-to-text
    /// WebSocket's handshake).
    pub(crate) fn api_key(&self) -> &Secret {
        &self.inner.api_key
    }

    /// Sends a request and returns the raw response, turning non-2xx statuses into errors.
    /// This is the escape hatch for anything the typed methods do not cover.
    ///
    /// Through a view from [`with_options`](Self::with_options), the view's options apply to
    /// `request` as to the typed calls: its timeouts, retries and body limit replace the
    /// request's own, and its headers are added.
    ///
    /// Every error carries the request's id ([`Error::request_id`]) and any id the server sent
    /// back ([`Error::server_request_id`]). A header value that shows the client's key (a
    /// server echoing it) is masked. The body is handed over as received: its `Debug` masks
    /// fields named like secrets, but a key a server echoes elsewhere in it (a message that
    /// quotes it) stays; show such a body through [`mask_key`](Self::mask_key). A base URL
    /// other than the client's is checked as the builder checks the client's (the key goes
    /// with it): plain `http://` off loopback is `InvalidInput` before anything is sent.
    pub fn send_raw(
        &self,
        request: ApiRequest,
    ) -> impl Future<Output = Result<ApiResponse, Error>> + Send + '_ {
        let checked = crate::base_url::check_other_base(&request, self.base_url());
        let own = crate::error::mask::own_secrets(&request);
        let sent = checked.map(|()| self.exchange(request));
        async move {
            let own_masked = |e: Error| e.masking_all(own.iter().map(String::as_str));
            let mut resp = sent?.await.map_err(own_masked)?;
            self.mask_answer_headers(&mut resp.headers, &own);
            Ok(resp)
        }
    }

    /// [`send_raw`](Self::send_raw) for the typed calls, which hand no headers to the caller.
    /// A scoped view's options are applied here, the one place every request passes.
    pub(crate) fn exchange(
        &self,
        mut request: ApiRequest,
    ) -> impl Future<Output = Result<ApiResponse, Error>> + Send + '_ {
        // The future holds the transport's (boxed) future and two ids, not the request.
        let operation = request.operation;
        let request_id = request.request_id;
        let scoped = match self.scope() {
            Some(scope) => scope.options.apply(&mut request),
            None => Ok(()),
        };
        let sent = scoped.map(|()| self.inner.transport.execute(request));
        async move {
            let resp = sent?
                .await
                .map_err(|e| self.masked(Error::from_transport(e).with_request_id(request_id)))?;
            if let Some(capture) = self.scope().and_then(|s| s.capture.as_deref()) {
                capture.record(request_id, &resp);
            }
            if resp.status.is_success() {
                Ok(resp)
            } else {
                Err(self.masked(
                    Error::from_response(operation, resp.status, &resp.headers, resp.body)
                        .with_request_id(request_id),
                ))
            }
        }
    }
}

mod default_transport;
mod settle;
#[cfg(test)]
mod tests;
