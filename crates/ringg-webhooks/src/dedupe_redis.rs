//! A [`DedupeStore`] on Redis shared by every receiver of a fleet (feature `redis`).
//!
//! Redis was chosen because fleets that run several receivers behind a load balancer already
//! run it, and because one Lua script gives an atomic claim across processes. The client is
//! the `redis` crate's reconnecting `ConnectionManager` on Tokio.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use redis::Script;
use redis::aio::ConnectionManager;
use tokio::sync::OnceCell;

use crate::dedupe::tokens::ClaimTokens;
use crate::dedupe::{
    Claim, DedupeKey, DedupeStore, DedupeStoreError, MemoryDedupeStore, PENDING_LEASE,
};

/// How long one Redis command may take before the store reports itself unavailable (and the
/// receiver answers 503, so Ringg retries later; a callback, never sent again, is handed over
/// unchecked).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);

/// The claim, atomically: a missing key becomes pending for the lease, its value `p:` and the
/// claim's token (ARGV[2]); a key pending under that same token is the claim sent again (its
/// first answer was lost), still new; another pending key (`p…`) is in flight; a key handed
/// over (`d`) is done. Returns 0 (new), 1 (done) or 2 (in flight).
const CLAIM: &str = r"
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], 'p:' .. ARGV[2], 'PX', ARGV[1])
  return 0
end
if v == 'p:' .. ARGV[2] then return 0 end
if string.sub(v, 1, 1) == 'd' then return 1 end
return 2
";

/// A pending key's lease (ARGV[1]), started again while it holds one of this store's tokens
/// (ARGV[2..]); a key handed over, missing, or claimed by another receiver is left as it is.
const RENEW: &str = r"
local v = redis.call('GET', KEYS[1])
for i = 2, #ARGV do
  if v == 'p:' .. ARGV[i] then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    return 1
  end
end
return 0
";

/// The key marked handed over for the window (ARGV[1]) while it holds one of this store's
/// tokens (ARGV[2..]), or when it is missing (the claim's lease ran out and nobody claimed it
/// since); a key another receiver claimed or handed over is left as it is.
const CONFIRM: &str = r"
local v = redis.call('GET', KEYS[1])
local take = not v
if v then
  for i = 2, #ARGV do
    if v == 'p:' .. ARGV[i] then take = true end
  end
end
if take then redis.call('SET', KEYS[1], 'd', 'PX', ARGV[1]) end
return 0
";

/// The key forgotten while it holds one of this store's tokens (ARGV[1..]).
const REMOVE: &str = r"
local v = redis.call('GET', KEYS[1])
for i = 1, #ARGV do
  if v == 'p:' .. ARGV[i] then
    redis.call('DEL', KEYS[1])
    return 1
  end
end
return 0
";

/// A [`DedupeStore`] on Redis: every receiver using the same Redis and key prefix shares it.
///
/// - **Atomic claim**: one Lua script per delivery reads and sets the key, so of several
///   receivers given the same event at once exactly one hands it over; the others answer
///   Ringg with 503 while it is being handled ([`Claim::InFlight`]) and 200 once it was
///   ([`Claim::Done`]).
/// - **Pending, then done**: a claim is pending for 45 s ([`PENDING_LEASE`](Self::PENDING_LEASE));
///   the receiver confirms it when the handler succeeded, and the key then lives for the dedupe
///   window (default 24 hours, the TTL of [`MemoryDedupeStore`]). A key whose handler failed is
///   deleted, so Ringg's retry is handed over (by whichever receiver it reaches). A claim left
///   by a receiver that died mid-handler expires after the lease.
/// - **Fenced**: a claim holds a token of the store that made it. `confirm`, `remove` and
///   `renew` act on a key only while it holds one of this store's tokens, so a receiver whose
///   handler outlived its lease does not undo or confirm a claim another receiver made since
///   (a late `confirm` of a key nobody claimed since still records it). Of two claims of one
///   key by the same store, `remove` waits for the other to end. `renew` renews this store's
///   own claims only; `confirm` and `remove` of a key this store did not claim act on the key
///   as it is.
/// - **Redis down**: every operation fails after at most a couple of seconds with a
///   [`DedupeStoreError`]; the receiver then answers a subscription event 503 and hands
///   it over only once Ringg's retry finds Redis back, and hands a per-call callback or a
///   campaign's notice (never sent again) over without dedupe. The connection is
///   re-established on the next delivery.
/// - **Bounded** by the expiries; Redis's own `maxmemory` settings apply on top. Run Redis
///   with persistence (`appendonly yes`) if a Redis restart must not forget recent keys.
///
/// Keys are `{prefix}:{DedupeKey}`. The URL may carry a password; it never appears in `Debug`
/// output, logs or errors.
///
/// ```no_run
/// use ringg_webhooks::{HandlerError, RedisDedupeStore, WebhookEvent, WebhookReceiver};
///
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let store = RedisDedupeStore::new("redis://127.0.0.1:6379/0", "myapp:ringg")?;
/// let receiver = WebhookReceiver::builder()
///     .secret(std::env::var("RINGG_WEBHOOK_SECRET")?)
///     .dedupe_store(store)
///     .handler(|_event: WebhookEvent| async { Ok::<_, HandlerError>(()) })
///     .build()?;
/// # Ok(()) }
/// ```
pub struct RedisDedupeStore {
    client: redis::Client,
    /// `host:port/db`, for messages (never the password).
    shown: Arc<str>,
    prefix: Arc<str>,
    ttl: Duration,
    conn: OnceCell<ConnectionManager>,
    claim: Script,
    renew: Script,
    confirm: Script,
    remove: Script,
    tokens: ClaimTokens,
}

impl RedisDedupeStore {
    /// How long a claim stays pending before it is freed as the claim of a receiver that died
    /// mid-handler (45 s).
    pub const PENDING_LEASE: Duration = PENDING_LEASE;

    /// A store on the Redis at `url` (`redis://[:password@]host[:port][/db]`, or `rediss://`
    /// for TLS when the `redis` crate is built with TLS support) whose keys start with
    /// `prefix:`, remembering handed-over keys for 24 hours. Nothing is connected yet: the
    /// first delivery connects.
    ///
    /// # Errors
    /// When `url` is not a Redis URL.
    pub fn new(url: &str, prefix: &str) -> Result<Self, DedupeStoreError> {
        Self::with_ttl(url, prefix, MemoryDedupeStore::DEFAULT_TTL)
    }

    /// As [`new`](Self::new), remembering handed-over keys for `ttl` (the dedupe window; at
    /// least one second).
    ///
    /// # Errors
    /// When `url` is not a Redis URL.
    pub fn with_ttl(url: &str, prefix: &str, ttl: Duration) -> Result<Self, DedupeStoreError> {
        let client = redis::Client::open(url).map_err(|e| {
            if url
                .trim_start()
                .get(..9)
                .is_some_and(|s| s.eq_ignore_ascii_case("rediss://"))
            {
                return DedupeStoreError::new(
                    "this build's Redis client has no TLS support for rediss:// URLs; reach \
                     Redis over redis:// (for example through a TLS tunnel), or build with the \
                     redis crate's `tokio-rustls-comp` feature",
                );
            }
            DedupeStoreError::new(format!(
                "the Redis URL is not valid ({}); expected redis://[:password@]host[:port][/db]",
                e.kind_str()
            ))
        })?;
        let info = client.get_connection_info();
        let shown = format!("{}/{}", info.addr(), info.redis_settings().db());
        Ok(Self {
            client,
            shown: Arc::from(shown),
            prefix: Arc::from(prefix.trim_end_matches(':')),
            ttl: ttl.max(Duration::from_secs(1)),
            conn: OnceCell::new(),
            claim: Script::new(CLAIM),
            renew: Script::new(RENEW),
            confirm: Script::new(CONFIRM),
            remove: Script::new(REMOVE),
            tokens: ClaimTokens::default(),
        })
    }

    /// The dedupe window: how long a handed-over key is remembered.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Connects now (the store otherwise connects on the first delivery) and checks that Redis
    /// answers.
    ///
    /// # Errors
    /// When Redis cannot be reached.
    pub async fn ping(&self) -> Result<(), DedupeStoreError> {
        let mut conn = self.connection().await?;
        self.run(redis::cmd("PING").query_async::<String>(&mut conn))
            .await
            .map(drop)
    }

    fn redis_key(&self, key: &DedupeKey) -> String {
        format!("{}:{}", self.prefix, key.as_str())
    }

    async fn connection(&self) -> Result<ConnectionManager, DedupeStoreError> {
        let conn = self
            .conn
            .get_or_try_init(|| async {
                let config = redis::aio::ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(COMMAND_TIMEOUT))
                    .set_response_timeout(Some(COMMAND_TIMEOUT))
                    .set_number_of_retries(1);
                ConnectionManager::new_lazy_with_config(self.client.clone(), config)
            })
            .await
            .map_err(|e| self.failed(&e))?;
        Ok(conn.clone())
    }

    async fn run<T>(
        &self,
        op: impl Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, DedupeStoreError> {
        self.attempt(op).await.map_err(|e| self.unanswered(&e))
    }

    /// A fenced script (claim, confirm, remove: each acts on this store's own token, so
    /// running it twice does what running it once does). A connection Redis dropped (a
    /// restart) is only found out by the first command on it, which the connection manager
    /// then makes again: a script that failed that way is sent once more.
    async fn invoke(
        &self,
        invocation: &redis::ScriptInvocation<'_>,
        conn: &mut ConnectionManager,
    ) -> Result<i64, Unanswered> {
        let answer = self.attempt(invocation.invoke_async(conn)).await;
        match &answer {
            Err(Unanswered::Failed(e)) if e.is_io_error() || e.is_connection_dropped() => {
                self.attempt(invocation.invoke_async(conn)).await
            }
            _ => answer,
        }
    }

    /// `op`, within [`COMMAND_TIMEOUT`].
    async fn attempt<T>(
        &self,
        op: impl Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, Unanswered> {
        match tokio::time::timeout(COMMAND_TIMEOUT, op).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(Unanswered::Failed(e)),
            Err(_) => Err(Unanswered::TooLate),
        }
    }

    fn unanswered(&self, why: &Unanswered) -> DedupeStoreError {
        match why {
            Unanswered::Failed(e) => self.failed(e),
            Unanswered::TooLate => DedupeStoreError::unreachable(format!(
                "Redis at {} did not answer within {COMMAND_TIMEOUT:?}; check that it is running",
                self.shown
            )),
        }
    }

    fn failed(&self, err: &redis::RedisError) -> DedupeStoreError {
        let what_to_check = match err.kind() {
            redis::ErrorKind::AuthenticationFailed => "check the user and password in the URL",
            redis::ErrorKind::Io => "check that it is running and reachable",
            _ => "check the URL (its password and database number) and that Redis is running",
        };
        // The error's kind and category, never its full text: it could quote the URL.
        let message = format!(
            "Redis at {} failed ({}: {}); {what_to_check}",
            self.shown,
            err.kind_str(),
            err.category()
        );
        if err.is_io_error() || err.is_connection_dropped() || err.is_timeout() {
            DedupeStoreError::unreachable(message)
        } else {
            DedupeStoreError::new(message)
        }
    }

    /// Removes the pending claim under `token` that a claim Redis did not answer may have left
    /// (Redis stalled, or the connection dropped after sending it), so the key is not held in
    /// flight for a whole lease with no receiver at work on it. The claim may still be waiting
    /// on a connection the manager has since replaced, and run after a removal sent on the new
    /// one: the removal is tried, more and more rarely, until it removed the claim or the
    /// claim's lease is over.
    fn release_orphan(&self, key: String, token: u64) {
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return; // no runtime: the claim expires after its lease
        };
        let (Some(conn), remove) = (self.conn.get().cloned(), self.remove.clone()) else {
            return;
        };
        handle.spawn(async move {
            let give_up = tokio::time::Instant::now() + PENDING_LEASE;
            let mut conn = conn;
            let mut wait = RELEASE_RETRY;
            while tokio::time::Instant::now() < give_up {
                let mut invocation = remove.key(&key);
                invocation.arg(token);
                let removal = invocation.invoke_async::<i64>(&mut conn);
                if let Ok(Ok(1)) = tokio::time::timeout(COMMAND_TIMEOUT, removal).await {
                    return;
                }
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(RELEASE_RETRY_MAX);
            }
        });
    }
}

/// How long a removal of an orphaned claim first waits before it is tried again (the wait
/// then doubles, up to [`RELEASE_RETRY_MAX`]).
const RELEASE_RETRY: Duration = Duration::from_millis(250);

/// The longest wait between two tries of a removal of an orphaned claim.
const RELEASE_RETRY_MAX: Duration = Duration::from_secs(4);

/// Why Redis gave no answer to a command.
enum Unanswered {
    /// The command failed (the connection, the server, the script).
    Failed(redis::RedisError),
    /// No answer within [`COMMAND_TIMEOUT`].
    TooLate,
}

impl Unanswered {
    /// True when the command may have reached Redis but its answer was lost: a timeout, or
    /// the connection failing under it.
    fn may_have_run(&self) -> bool {
        match self {
            Self::TooLate => true,
            // A refused connection sent nothing.
            Self::Failed(e) if e.is_connection_refusal() => false,
            Self::Failed(e) => e.is_io_error() || e.is_connection_dropped() || e.is_timeout(),
        }
    }
}

trait KindStr {
    fn kind_str(&self) -> String;
}

impl KindStr for redis::RedisError {
    fn kind_str(&self) -> String {
        format!("{:?}", self.kind())
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[async_trait]
impl DedupeStore for RedisDedupeStore {
    /// `SET key d NX PX <window>`: the key is kept as handed over for the whole window, in one
    /// command, not as a pending claim that lapses after its lease.
    async fn check_and_insert(&self, key: &DedupeKey) -> Result<bool, DedupeStoreError> {
        let mut conn = self.connection().await?;
        let key = self.redis_key(key);
        let mut cmd = redis::cmd("SET");
        cmd.arg(&key)
            .arg("d")
            .arg("NX")
            .arg("PX")
            .arg(millis(self.ttl));
        let set: Option<String> = self.run(cmd.query_async(&mut conn)).await?;
        Ok(set.is_some())
    }

    /// The claim script, sent once more on a broken connection under the same token (which
    /// the script takes as its own claim). One still unanswered may have run: its pending key
    /// is removed again.
    async fn claim(&self, key: &DedupeKey) -> Result<Claim, DedupeStoreError> {
        let mut conn = self.connection().await?;
        let key = self.redis_key(key);
        let token = self.tokens.issue();
        let mut invocation = self.claim.key(&key);
        invocation.arg(millis(PENDING_LEASE)).arg(token);
        let outcome: i64 = match self.invoke(&invocation, &mut conn).await {
            Ok(outcome) => outcome,
            Err(why) => {
                if why.may_have_run() {
                    self.release_orphan(key, token);
                }
                return Err(self.unanswered(&why));
            }
        };
        Ok(match outcome {
            0 => {
                self.tokens.hold(&key, token);
                Claim::New
            }
            1 => Claim::Done,
            _ => Claim::InFlight,
        })
    }

    /// One `GET`: a key handed over holds `d`, a pending claim `p:` and its token; an
    /// expired one is gone.
    async fn peek(&self, key: &DedupeKey) -> Result<Claim, DedupeStoreError> {
        let mut conn = self.connection().await?;
        let key = self.redis_key(key);
        let value: Option<String> = self
            .run(redis::cmd("GET").arg(&key).query_async(&mut conn))
            .await?;
        Ok(match value {
            None => Claim::New,
            Some(v) if v.starts_with('d') => Claim::Done,
            Some(_) => Claim::InFlight,
        })
    }

    async fn confirm(&self, key: &DedupeKey) -> Result<(), DedupeStoreError> {
        let mut conn = self.connection().await?;
        let key = self.redis_key(key);
        let Some(ended) = self.tokens.end(&key) else {
            let mut cmd = redis::cmd("SET");
            cmd.arg(&key).arg("d").arg("PX").arg(millis(self.ttl));
            return self.run(cmd.query_async::<()>(&mut conn)).await;
        };
        let mut invocation = self.confirm.key(&key);
        invocation.arg(millis(self.ttl)).arg(&ended.tokens);
        self.invoke(&invocation, &mut conn)
            .await
            .map(drop)
            .map_err(|why| self.unanswered(&why))
    }

    async fn remove(&self, key: &DedupeKey) -> Result<(), DedupeStoreError> {
        let mut conn = self.connection().await?;
        let key = self.redis_key(key);
        match self.tokens.end(&key) {
            None => {
                self.run(redis::cmd("DEL").arg(&key).query_async::<()>(&mut conn))
                    .await
            }
            // Another claim of this store is still at work on the key: it decides.
            Some(ended) if !ended.last => Ok(()),
            Some(ended) => {
                let mut invocation = self.remove.key(&key);
                invocation.arg(&ended.tokens);
                self.invoke(&invocation, &mut conn)
                    .await
                    .map(drop)
                    .map_err(|why| self.unanswered(&why))
            }
        }
    }

    async fn renew(&self, key: &DedupeKey) -> Result<(), DedupeStoreError> {
        let key = self.redis_key(key);
        let tokens = self.tokens.renewing(&key);
        if tokens.is_empty() {
            return Ok(());
        }
        let mut conn = self.connection().await?;
        let mut invocation = self.renew.key(&key);
        invocation.arg(millis(PENDING_LEASE)).arg(&tokens);
        self.run(invocation.invoke_async::<i64>(&mut conn))
            .await
            .map(drop)
    }
}

impl fmt::Debug for RedisDedupeStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisDedupeStore")
            .field("redis", &self.shown)
            .field("prefix", &self.prefix)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}
