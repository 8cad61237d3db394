//! What every command needs: the output settings and a client (for a server, or for an
//! embedded simulator with `--sim`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use ringg_api::Client;
use ringg_api::journal::{Journal, MemoryJournal, SqliteJournal, journal_scope};
use ringg_api::transport::layers::RateLimiter;
use ringg_api::transport::masked_url;
use ringg_sim::{RunningSimulator, Simulator};

use crate::cli::GlobalArgs;
use crate::error::{CliError, ErrorClass};
use crate::output::Output;

/// Time scale of the simulator behind `--sim` (a 3-minute call takes under 2 seconds).
pub(crate) const SIM_TIME_SCALE: f64 = 0.01;

/// The command's environment.
pub(crate) struct Ctx {
    /// The global flags.
    pub(crate) global: GlobalArgs,
    /// How to print.
    pub(crate) out: Output,
    /// The bound on each request with its retries (from --timeout).
    pub(crate) request_timeout: Option<Duration>,
    sim: Option<RunningSimulator>,
    journal: Option<Arc<dyn Journal>>,
    /// Whether the journal's last listing of the calls not settled read the fleet's.
    fleet_reads: crate::fleet_reads::FleetReads,
    /// The rate limiter of every client of this command, once built.
    limiter: Option<Option<RateLimiter>>,
    /// The profile whose stored key the command uses, once [`target`](Self::target) chose it
    /// (`None` for a key given with the command, or `--sim`'s).
    key_profile: Option<String>,
}

impl Ctx {
    /// A context for these flags; each request is bounded by --timeout.
    pub(crate) fn new(global: GlobalArgs) -> Self {
        let out = Output {
            mode: global.output,
            quiet: global.quiet,
        };
        Self {
            request_timeout: global.timeout.map(Duration::from_secs),
            global,
            out,
            sim: None,
            journal: None,
            fleet_reads: crate::fleet_reads::FleetReads::default(),
            limiter: None,
            key_profile: None,
        }
    }

    /// The profile whose stored key the client uses, when the key was not given with the
    /// command (flags or environment) and `--sim` is off. Such a key goes only to that
    /// profile's server.
    pub(crate) fn key_profile(&self) -> Option<&str> {
        self.key_profile.as_deref()
    }

    /// The client for the command: the embedded simulator with `--sim`, otherwise the server
    /// and key from the flags or the environment.
    pub(crate) async fn client(&mut self) -> Result<Client, CliError> {
        let (base, key) = self.target().await?;
        let limiter = self.limiter(&base, &key)?;
        build_client_with(&base, &key, self.request_timeout, None, limiter, None)
    }

    /// The rate limiter from --rate-limit, --max-in-flight and --redis-url (shared by every
    /// client of the command, which talks to one server with one key), if any.
    fn limiter(&mut self, base: &str, key: &str) -> Result<Option<RateLimiter>, CliError> {
        if self.limiter.is_none() {
            let scope = journal_scope(base, key);
            self.limiter = Some(crate::fleet::rate_limiter(&self.global, &scope)?);
        }
        Ok(self.limiter.clone().flatten())
    }

    /// [`client`](Self::client) with the intent journal: call initiations and campaign
    /// launches are recorded in the state folder's journal, kept apart per base URL and key
    /// (with `--sim`, in memory: the simulator ends with the command).
    pub(crate) async fn journaled_client(&mut self) -> Result<Client, CliError> {
        let (base, key) = self.target().await?;
        let journal = match &self.journal {
            Some(j) => j.clone(),
            None => {
                let j: Arc<dyn Journal> = if self.global.sim {
                    Arc::new(MemoryJournal::new())
                } else {
                    let path = crate::state::path(crate::state::JOURNAL_FILE)?;
                    let scope = journal_scope(&base, &key);
                    let local = Arc::new(
                        SqliteJournal::open(&path, scope.clone())
                            .map_err(|e| CliError::failed(e.to_string()))?,
                    );
                    crate::fleet::shared_journal(&self.global, local, &scope, &self.fleet_reads)
                        .await?
                };
                self.journal = Some(j.clone());
                j
            }
        };
        let limiter = self.limiter(&base, &key)?;
        let settle = self.global.settle_after.map(Duration::from_secs);
        let timeout = self.request_timeout;
        build_client_with(&base, &key, timeout, Some(journal), limiter, settle)
    }

    /// Why the journal's last listing of the calls not settled (`calls pending`, `calls
    /// reconcile --pending`) has this machine's only: the fleet's Redis could not be asked.
    /// `None` when it was, and without `--redis-url`.
    pub(crate) fn fleet_unread(&self) -> Option<String> {
        self.fleet_reads.unread()
    }

    /// The base URL the command talks to, and the journal scope of that server and the key
    /// ([`journal_scope`]).
    pub(crate) async fn journal_scope(&mut self) -> Result<(String, String), CliError> {
        let (base, key) = self.target().await?;
        let scope = journal_scope(&base, &key);
        Ok((base, scope))
    }

    /// After a key rotation: the entries of `old_scope` in the state folder's journal (calls
    /// pending or placed within the hour, launches, saved subscriptions) moved to `new_scope`,
    /// so the new key's commands see them and are stopped by them; how many moved. Nothing
    /// with `--sim` (its journal ends with the command) or when there is no journal yet.
    pub(crate) async fn move_journal(
        &self,
        old_scope: &str,
        new_scope: &str,
    ) -> Result<usize, String> {
        if self.global.sim {
            return Ok(0);
        }
        let path = crate::state::path(crate::state::JOURNAL_FILE).map_err(|e| e.to_string())?;
        if !path.exists() {
            return Ok(0);
        }
        let journal = SqliteJournal::open(&path, old_scope).map_err(|e| e.to_string())?;
        journal
            .move_entries_to(new_scope)
            .await
            .map_err(|e| e.to_string())
    }

    /// The base URL and key the command talks to (starting the embedded simulator with
    /// `--sim`).
    async fn target(&mut self) -> Result<(String, String), CliError> {
        if self.global.sim {
            if self.sim.is_none() {
                let sim = Simulator::builder()
                    .time_scale(SIM_TIME_SCALE)
                    .start()
                    .await
                    .map_err(|e| {
                        CliError::failed(format!("could not start the local simulator: {e}"))
                    })?;
                self.out.note(format!(
                    "note: using a fresh local simulator at {} (--sim); its data ends with this command",
                    sim.base_url()
                ));
                self.sim = Some(sim);
            }
            let sim = self
                .sim
                .as_ref()
                .ok_or_else(|| CliError::failed("no simulator"))?;
            return Ok((sim.base_url(), sim.api_key().to_string()));
        }
        // --api-key and --api-key-file exclude each other (clap); either wins over the
        // environment, which wins over the profile.
        let (key, key_source) = match (&self.global.api_key, &self.global.api_key_file) {
            (Some(k), _) => (Some(k.clone()), "--api-key"),
            (None, Some(path)) => (
                Some(crate::secret::read_secret_file("--api-key-file", path.clone()).await?),
                "--api-key-file",
            ),
            (None, None) => (std::env::var("RINGG_API_KEY").ok(), "RINGG_API_KEY"),
        };
        let key = key.filter(|k| !k.trim().is_empty());
        let base = self
            .global
            .base_url
            .clone()
            .filter(|u| !u.trim().is_empty());
        let profile = if key.is_none() || base.is_none() || self.global.profile.is_some() {
            let config = crate::config::load()?;
            crate::config::selected(&config, self.global.profile.as_deref())?
        } else {
            None
        };
        // A key and its server go together: a key given here is never sent to a profile's
        // server, nor a profile's key to a server given here.
        let profile_base = |p: &crate::config::Profile| {
            p.base_url
                .clone()
                .unwrap_or_else(|| ringg_api::DEFAULT_BASE_URL.to_string())
        };
        let same = |a: &str, b: &str| a.trim_end_matches('/') == b.trim_end_matches('/');
        match (&key, &base, &profile) {
            (Some(_), None, Some((name, p)))
                if !same(&profile_base(p), ringg_api::DEFAULT_BASE_URL) =>
            {
                return Err(CliError::usage(format!(
                    "the key comes from {key_source} but the server from profile {name} ({}); a key is not sent to another profile's server",
                    masked_url(&profile_base(p))
                ))
                .with_hint(format!(
                    "give the server too (--base-url or RINGG_BASE_URL), or drop {key_source} to use profile {name}'s own key"
                )));
            }
            (None, Some(b), Some((name, p))) if !same(&profile_base(p), b) => {
                return Err(CliError::usage(format!(
                    "the server comes from --base-url or RINGG_BASE_URL ({}) but the key from profile {name}, whose server is {}; a profile's key is not sent to another server",
                    masked_url(b),
                    masked_url(&profile_base(p))
                ))
                .with_hint(format!(
                    "give that server's key too (--api-key-file or RINGG_API_KEY), or drop the base URL to use profile {name}'s server"
                )));
            }
            _ => {}
        }
        let key = match (key, &profile) {
            (Some(k), _) => k,
            (None, Some((name, p))) => {
                let key = crate::config::profile_key(name, &profile_base(p))?;
                self.key_profile = Some(name.clone());
                key
            }
            (None, None) => {
                let saved: Vec<String> = crate::config::load()
                    .map(|c| c.profiles.keys().cloned().collect())
                    .unwrap_or_default();
                if !saved.is_empty() {
                    return Err(CliError::new(
                        ErrorClass::Auth,
                        format!("no API key: no profile is the default (profiles: {})", saved.join(", ")),
                    )
                    .with_hint(format!(
                        "`ringg profiles use {}` makes one the default, or pick one for this command with --profile NAME",
                        saved[0]
                    )));
                }
                return Err(CliError::new(ErrorClass::Auth, "no API key").with_hint(
                    "run `ringg login` once (the key is kept in a profile), or set RINGG_API_KEY (and RINGG_BASE_URL for a server other than production), or pass --api-key-file/--base-url, or add --sim to try the command against a local simulator",
                ));
            }
        };
        let base = base
            .or_else(|| profile.map(|(_, p)| profile_base(&p)))
            .unwrap_or_else(|| ringg_api::DEFAULT_BASE_URL.to_string());
        Ok((base, key))
    }

    /// The selected profile's launch defaults (time zone, quiet hours); empty with `--sim`,
    /// without profiles, or when the config cannot be read (the command's own requests
    /// report that).
    pub(crate) fn profile_settings(&self) -> crate::config::Profile {
        if self.global.sim {
            return crate::config::Profile::default();
        }
        crate::config::load()
            .ok()
            .and_then(|c| crate::config::selected(&c, self.global.profile.as_deref()).ok())
            .flatten()
            .map(|(_, p)| p)
            .unwrap_or_default()
    }

    /// How long a command that waits on purpose waits: --timeout, or `default_secs`.
    pub(crate) fn wait_timeout(&self, default_secs: u64) -> Duration {
        Duration::from_secs(self.global.timeout.unwrap_or(default_secs))
    }

    /// Frees the slots of a rate limiter shared through Redis, and stops the embedded
    /// simulator, if any.
    pub(crate) async fn finish(self) {
        // The slots of a limiter shared through Redis are freed for the fleet now, not when
        // their lease runs out after the process has gone.
        if let Some(Some(limiter)) = &self.limiter {
            limiter.flush().await;
        }
        if let Some(sim) = self.sim {
            sim.shutdown().await;
        }
    }

    /// A spinner on stderr with `message`, drawn only when progress is enabled.
    pub(crate) fn spinner(&self, message: impl Into<String>) -> ProgressBar {
        let pb = self.idle_spinner();
        if !pb.is_hidden() {
            pb.set_message(spinner_text(message.into()));
            pb.enable_steady_tick(Duration::from_millis(100));
        }
        pb
    }

    /// A spinner that is not started yet (hidden when progress is disabled).
    pub(crate) fn idle_spinner(&self) -> ProgressBar {
        if !self.out.progress_enabled() {
            return ProgressBar::hidden();
        }
        let pb = ProgressBar::new_spinner();
        pb.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        pb
    }
}

/// How long one attempt of a request waits for an answer before it is retried (or given up).
pub(crate) const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// Builds a client for a base URL and key (the base URL is checked: https unless loopback).
/// `journal`, when given, records call initiations and launches. `request_timeout` bounds each
/// request with its retries (otherwise the SDK's 300 s); one attempt gives up after
/// [`ATTEMPT_TIMEOUT`], or `request_timeout` when shorter.
pub(crate) fn build_client(
    base_url: &str,
    key: &str,
    request_timeout: Option<Duration>,
    journal: Option<Arc<dyn Journal>>,
) -> Result<Client, CliError> {
    build_client_with(base_url, key, request_timeout, journal, None, None)
}

/// [`build_client`] with a (shared) rate limiter, and `settle_after` (from `--settle-after`):
/// settle journal entries after that wait alone, whatever their senders recorded.
fn build_client_with(
    base_url: &str,
    key: &str,
    request_timeout: Option<Duration>,
    journal: Option<Arc<dyn Journal>>,
    limiter: Option<RateLimiter>,
    settle_after: Option<Duration>,
) -> Result<Client, CliError> {
    // Whatever a server echoes of the key, the command never prints it.
    crate::term::hide(key);
    let mut builder = Client::builder()
        .ignore_env()
        .api_key(key)
        .base_url(base_url)
        .attempt_timeout(ATTEMPT_TIMEOUT);
    if let Some(journal) = journal {
        builder = builder.journal(journal);
    }
    if let Some(limiter) = limiter {
        builder = builder.rate_limiter(limiter);
    }
    if let Some(wait) = settle_after {
        builder = builder.settle_after(wait).ignore_recorded_waits();
    }
    if let Some(total) = request_timeout {
        builder = builder
            .total_timeout(total)
            .attempt_timeout(total.min(ATTEMPT_TIMEOUT));
    }
    builder.build().map_err(CliError::from)
}

/// Prints lines above a spinner without garbling it (or plainly when no spinner is running).
#[derive(Clone)]
pub(crate) struct Lines {
    pb: ProgressBar,
    to_stderr: bool,
    spinning: Arc<AtomicBool>,
}

impl Lines {
    /// Lines printed above `pb` while it spins, on stdout (or stderr when `to_stderr`).
    pub(crate) fn new(pb: ProgressBar, to_stderr: bool) -> Self {
        Self {
            pb,
            to_stderr,
            spinning: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Starts the spinner (when it is drawn at all) with `message`.
    pub(crate) fn start(&self, message: impl Into<String>) {
        if self.pb.is_hidden() {
            return;
        }
        self.pb.set_message(spinner_text(message.into()));
        self.pb.reset_elapsed();
        self.pb.enable_steady_tick(Duration::from_millis(100));
        self.spinning.store(true, Ordering::SeqCst);
    }

    /// Changes the spinner's message.
    pub(crate) fn message(&self, message: impl Into<String>) {
        self.pb.set_message(spinner_text(message.into()));
    }

    /// Stops and clears the spinner.
    pub(crate) fn finish(&self) {
        if self.spinning.swap(false, Ordering::SeqCst) {
            self.pb.finish_and_clear();
        }
    }

    /// Prints one line.
    pub(crate) fn line(&self, text: impl AsRef<str>) {
        if self.spinning.load(Ordering::SeqCst) {
            self.pb.suspend(|| self.plain(text.as_ref()));
        } else {
            self.plain(text.as_ref());
        }
    }

    fn plain(&self, text: &str) {
        if self.to_stderr {
            crate::term::err_line(text);
        } else {
            crate::term::emit_text(text);
        }
    }
}

/// A spinner's message with control characters escaped (it may carry a server's status).
fn spinner_text(message: String) -> String {
    ringg_types::text::escape_control(&crate::term::masked(&message)).into_owned()
}
